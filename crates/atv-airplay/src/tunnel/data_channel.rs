//! The data channel bridge: DataStream frames on the encrypted socket on one side,
//! plain varint-framed MRP messages on an in-memory pipe on the other.
//!
//! From the device: each `sync` frame's MRP messages go into the pipe, and the frame is
//! answered with a `rply`. From the pipe: each MRP message goes out in its own `sync`/
//! `comm` frame.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, BufMut, BytesMut};
use rand::Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use atv_pairing::SessionKeys;

use crate::datastream::{
    DataStreamFrame, decode_frame, decode_mrp_payload, encode_mrp_payload, split_mrp_messages,
};
use crate::hap_channel::HapChannel;

use super::stream::TunnelEnd;

const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest MRP message taken from the pipe (as atv-mrp's own framing limit).
const MAX_MESSAGE_LEN: u64 = 16 * 1024 * 1024;

/// How the bridge ended.
enum Ending {
    /// The device closed the data channel cleanly (end of stream).
    ClosedByDevice,
    /// `stop` was cancelled; whoever cancelled it recorded whether that was a failure.
    Stopped,
    /// MRP closed its end of the pipe.
    ClosedByClient,
    /// Something failed; the text says what.
    Failed(String),
}

/// Runs the bridge until either side closes or fails, or `stop` is cancelled (the
/// control connection went away). A failure is recorded in `end` before the pipe is
/// dropped, so MRP reports the connection lost; a clean end by the device only ends the
/// pipe, so MRP reports it closed.
pub(super) async fn run(
    socket: TcpStream,
    keys: SessionKeys,
    mut pipe: DuplexStream,
    stop: CancellationToken,
    end: Arc<TunnelEnd>,
) {
    let ending = bridge(socket, keys, &mut pipe, stop).await;
    match &ending {
        Ending::ClosedByDevice => tracing::debug!("the device closed the AirPlay data channel"),
        Ending::Stopped => tracing::debug!("AirPlay data channel stopped"),
        Ending::ClosedByClient => tracing::debug!("MRP closed the AirPlay data channel"),
        Ending::Failed(reason) => {
            tracing::debug!(%reason, "AirPlay data channel failed");
            end.fail(reason.as_str());
        }
    }
    // Dropping the pipe ends MRP's side, after the failure (if any) was recorded.
    drop(pipe);
}

async fn bridge(
    mut socket: TcpStream,
    keys: SessionKeys,
    pipe: &mut DuplexStream,
    stop: CancellationToken,
) -> Ending {
    let mut channel = HapChannel::encrypted(&keys);
    let mut seqno: u64 = rand::thread_rng().gen_range(0x1_0000_0000..0x2_0000_0000);
    let mut raw = BytesMut::with_capacity(8192);
    let mut plain = BytesMut::new();
    let mut from_pipe = BytesMut::with_capacity(8192);
    loop {
        tokio::select! {
            () = stop.cancelled() => return Ending::Stopped,
            read = socket.read_buf(&mut raw) => {
                match read {
                    // A clean end in the middle of a frame is still a failure.
                    Ok(0) if raw.is_empty() && plain.is_empty() => return Ending::ClosedByDevice,
                    Ok(0) => {
                        return Ending::Failed(
                            "the device closed the data channel in the middle of a frame".into(),
                        );
                    }
                    Err(error) => return Ending::Failed(format!("read failed: {error}")),
                    Ok(_) => {}
                }
                if let Err(error) = channel.open(&mut raw, &mut plain) {
                    return Ending::Failed(error.to_string());
                }
                if let Err(reason) = handle_device_frames(&mut plain, &mut channel, &mut socket, pipe).await {
                    return Ending::Failed(reason);
                }
            }
            read = pipe.read_buf(&mut from_pipe) => {
                match read {
                    Ok(0) => return Ending::ClosedByClient,
                    Err(error) => return Ending::Failed(format!("pipe failed: {error}")),
                    Ok(_) => {}
                }
                loop {
                    match take_mrp_frame(&mut from_pipe) {
                        Ok(Some(message)) => {
                            seqno = seqno.wrapping_add(1);
                            let frame = DataStreamFrame::sync_comm(seqno, encode_mrp_payload(&[&message]));
                            if let Err(reason) = send_frame(&frame, &mut channel, &mut socket).await {
                                return Ending::Failed(reason);
                            }
                        }
                        Ok(None) => break,
                        Err(reason) => return Ending::Failed(reason),
                    }
                }
            }
        }
    }
}

async fn handle_device_frames(
    plain: &mut BytesMut,
    channel: &mut HapChannel,
    socket: &mut TcpStream,
    pipe: &mut DuplexStream,
) -> Result<(), String> {
    while let Some(frame) = decode_frame(plain).map_err(|e| e.to_string())? {
        if frame.is_sync() {
            match decode_mrp_payload(&frame.payload) {
                Ok(Some(data)) => {
                    let messages = split_mrp_messages(&data).map_err(|e| e.to_string())?;
                    let mut out = BytesMut::new();
                    for message in messages {
                        put_varint(&mut out, message.len() as u64);
                        out.put_slice(&message);
                    }
                    tokio::time::timeout(WRITE_TIMEOUT, pipe.write_all(&out))
                        .await
                        .map_err(|_| "MRP side stopped reading".to_owned())?
                        .map_err(|e| e.to_string())?;
                }
                Ok(None) => tracing::debug!("data channel frame without MRP messages"),
                Err(error) => tracing::debug!(%error, "undecodable data channel payload"),
            }
            send_frame(&DataStreamFrame::reply(frame.seqno), channel, socket).await?;
        }
    }
    Ok(())
}

async fn send_frame(
    frame: &DataStreamFrame,
    channel: &mut HapChannel,
    socket: &mut TcpStream,
) -> Result<(), String> {
    let mut encoded = BytesMut::new();
    frame.encode(&mut encoded);
    let mut out = BytesMut::new();
    channel
        .seal(&encoded, &mut out)
        .map_err(|e| e.to_string())?;
    tokio::time::timeout(WRITE_TIMEOUT, socket.write_all(&out))
        .await
        .map_err(|_| "device stopped reading".to_owned())?
        .map_err(|e| e.to_string())
}

/// Takes one varint-prefixed MRP message off the front of `buf`.
fn take_mrp_frame(buf: &mut BytesMut) -> Result<Option<BytesMut>, String> {
    let mut length: u64 = 0;
    let mut used = 0;
    for (index, &byte) in buf.iter().take(10).enumerate() {
        length |= u64::from(byte & 0x7f) << (7 * index as u32);
        if byte & 0x80 == 0 {
            used = index + 1;
            break;
        }
    }
    if used == 0 {
        return if buf.len() >= 10 {
            Err("invalid MRP length prefix from the client".to_owned())
        } else {
            Ok(None)
        };
    }
    if length > MAX_MESSAGE_LEN {
        return Err(format!("MRP message of {length} bytes is too large"));
    }
    let length = usize::try_from(length).map_err(|_| "MRP message too large".to_owned())?;
    if buf.len() - used < length {
        return Ok(None);
    }
    buf.advance(used);
    Ok(Some(buf.split_to(length)))
}

fn put_varint(dst: &mut BytesMut, mut value: u64) {
    while value >= 0x80 {
        dst.put_u8((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    dst.put_u8(value as u8);
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    use super::super::stream::TunnelStream;
    use super::*;

    const LIMIT: Duration = Duration::from_secs(10);

    /// Starts the bridge on a real socket; returns the device's end of the data channel,
    /// MRP's end of the pipe, and the bridge's stop token and failure record.
    async fn bridge_to_device() -> (TcpStream, TunnelStream, CancellationToken, Arc<TunnelEnd>) {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let address = listener.local_addr().unwrap();
        let (ours, accepted) = tokio::join!(TcpStream::connect(address), listener.accept());
        let keys = SessionKeys {
            output: [1; 32],
            input: [2; 32],
        };
        let (mrp_end, bridge_end) = tokio::io::duplex(1024);
        let stop = CancellationToken::new();
        let end = Arc::new(TunnelEnd::default());
        tokio::spawn(run(
            ours.unwrap(),
            keys,
            bridge_end,
            stop.clone(),
            Arc::clone(&end),
        ));
        let stream = TunnelStream::new(mrp_end, Arc::clone(&end));
        (accepted.unwrap().0, stream, stop, end)
    }

    async fn read_end(stream: &mut TunnelStream) -> std::io::Result<usize> {
        let mut buf = [0u8; 64];
        tokio::time::timeout(LIMIT, stream.read(&mut buf))
            .await
            .expect("the pipe never ended")
    }

    #[tokio::test]
    async fn the_device_closing_the_data_channel_is_a_clean_end() {
        let (device, mut stream, _stop, _end) = bridge_to_device().await;
        drop(device);
        assert_eq!(read_end(&mut stream).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn the_device_resetting_the_data_channel_is_a_failure() {
        let (device, mut stream, _stop, _end) = bridge_to_device().await;
        device.set_zero_linger().unwrap();
        drop(device);
        let error = read_end(&mut stream).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionAborted);
    }

    #[tokio::test]
    async fn undecryptable_data_is_a_failure() {
        let (mut device, mut stream, _stop, _end) = bridge_to_device().await;
        // A frame of four bytes whose tag does not authenticate.
        let mut frame = vec![4, 0, 1, 2, 3, 4];
        frame.extend_from_slice(&[0; 16]);
        device.write_all(&frame).await.unwrap();
        let error = read_end(&mut stream).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionAborted);
        drop(device);
    }

    #[tokio::test]
    async fn a_stop_ends_as_its_cause_says() {
        let (_device, mut stream, stop, _end) = bridge_to_device().await;
        stop.cancel();
        assert_eq!(read_end(&mut stream).await.unwrap(), 0);

        let (_device, mut stream, stop, end) = bridge_to_device().await;
        end.fail("AirPlay feedback failed");
        stop.cancel();
        let error = read_end(&mut stream).await.unwrap_err();
        assert!(error.to_string().contains("feedback failed"), "{error}");
    }
}
