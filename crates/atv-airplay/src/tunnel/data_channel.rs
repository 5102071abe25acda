//! The data channel bridge: DataStream frames on the encrypted socket on one side,
//! plain varint-framed MRP messages on an in-memory pipe on the other.
//!
//! From the device: each `sync` frame's MRP messages go into the pipe, and the frame is
//! answered with a `rply`. From the pipe: each MRP message goes out in its own `sync`/
//! `comm` frame.

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

const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest MRP message taken from the pipe (as atv-mrp's own framing limit).
const MAX_MESSAGE_LEN: u64 = 16 * 1024 * 1024;

/// Runs the bridge until either side closes or fails, or `stop` is cancelled (the
/// control connection went away); dropping the pipe tells MRP the connection is lost.
pub(super) async fn run(
    mut socket: TcpStream,
    keys: SessionKeys,
    mut pipe: DuplexStream,
    stop: CancellationToken,
) {
    let mut channel = HapChannel::encrypted(&keys);
    let mut seqno: u64 = rand::thread_rng().gen_range(0x1_0000_0000..0x2_0000_0000);
    let mut raw = BytesMut::with_capacity(8192);
    let mut plain = BytesMut::new();
    let mut from_pipe = BytesMut::with_capacity(8192);
    let reason = loop {
        tokio::select! {
            () = stop.cancelled() => break "the control connection closed".to_owned(),
            read = socket.read_buf(&mut raw) => {
                match read {
                    Ok(0) => break "closed by the device".to_owned(),
                    Err(error) => break format!("read failed: {error}"),
                    Ok(_) => {}
                }
                if let Err(error) = channel.open(&mut raw, &mut plain) {
                    break error.to_string();
                }
                match handle_device_frames(&mut plain, &mut channel, &mut socket, &mut pipe).await {
                    Ok(()) => {}
                    Err(reason) => break reason,
                }
            }
            read = pipe.read_buf(&mut from_pipe) => {
                match read {
                    Ok(0) => break "MRP side closed".to_owned(),
                    Err(error) => break format!("pipe failed: {error}"),
                    Ok(_) => {}
                }
                loop {
                    match take_mrp_frame(&mut from_pipe) {
                        Ok(Some(message)) => {
                            seqno = seqno.wrapping_add(1);
                            let frame = DataStreamFrame::sync_comm(seqno, encode_mrp_payload(&[&message]));
                            if let Err(reason) = send_frame(&frame, &mut channel, &mut socket).await {
                                return finish(&reason);
                            }
                        }
                        Ok(None) => break,
                        Err(reason) => return finish(&reason),
                    }
                }
            }
        }
    };
    finish(&reason);
}

fn finish(reason: &str) {
    tracing::debug!(%reason, "AirPlay data channel ended");
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
