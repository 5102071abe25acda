//! The data stream of a remote-control session: a listener for one connection, on which
//! DataStream frames carry MRP messages both ways. The MRP [`Session`] behind it is the
//! one the MRP port uses, over the same state.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use atv_airplay::datastream::{
    DataStreamFrame, MESSAGE_TYPE_SYNC, decode_mrp_payload, encode_mrp_payload, split_mrp_messages,
};
use atv_airplay::wire::CodecError;
use atv_mrp::framing::{decode_message, encode_message};
use atv_mrp::protobuf::ProtocolMessage;
use atv_pairing::SessionKeys;
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::codec::Framed;

use super::tunnel_codec::TunnelCodec;
use crate::error::Error;
use crate::mrp::connection::{MessageTransport, drive, stopped};
use crate::mrp::session::{Context, Session};

/// Longest wait for the client to connect to a channel it asked for.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// An empty dictionary as a binary property list.
const EMPTY_DICTIONARY: &[u8] =
    b"bplist00\xd0\x08\0\0\0\0\0\0\x01\x01\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x09";
/// Command of the frames the device sends.
const COMMAND_CMND: [u8; 4] = *b"cmnd";

/// Accepts the client's connection on `listener` and serves the tunnelled MRP session
/// until it closes or `stop` turns true.
pub(crate) async fn serve(
    listener: TcpListener,
    keys: SessionKeys,
    ctx: Arc<Context>,
    mut stop: watch::Receiver<bool>,
) {
    let accepted = tokio::select! {
        accepted = tokio::time::timeout(CONNECT_TIMEOUT, listener.accept()) => accepted,
        () = stopped(&mut stop) => return,
    };
    drop(listener);
    let stream = match accepted {
        Ok(Ok((stream, peer))) => {
            tracing::debug!(%peer, "AirPlay data stream connected");
            stream
        }
        Ok(Err(error)) => {
            tracing::info!(%error, "accepting the AirPlay data stream failed");
            return;
        }
        Err(_) => {
            tracing::info!("the client never connected to its AirPlay data stream");
            return;
        }
    };
    let _ = stream.set_nodelay(true);
    let state = ctx.state.clone();
    state.update(|data, _| data.connected_clients += 1);
    let mut transport = TunnelTransport::new(stream, &keys);
    let mut session = Session::new(ctx);
    // No idle timeout of its own: clients send nothing here while nothing happens; the
    // control connection's feedback keeps the session alive, and its end stops this.
    match drive(&mut transport, &mut session, None, stop).await {
        Ok(()) => tracing::debug!("AirPlay data stream closed"),
        Err(error) => tracing::info!(%error, "AirPlay data stream closed"),
    }
    state.update(|data, _| data.connected_clients = data.connected_clients.saturating_sub(1));
}

/// MRP messages in DataStream frames, on a channel encrypted from the start.
struct TunnelTransport {
    framed: Framed<TcpStream, TunnelCodec>,
    /// Sequence number of the next request the device sends.
    next_seqno: u64,
    /// Requests from the client still to be answered with a reply.
    unanswered: Vec<u64>,
}

impl TunnelTransport {
    fn new(stream: TcpStream, keys: &SessionKeys) -> Self {
        // Upper half 1 and a varying lower half, as devices number their requests.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        Self {
            framed: Framed::new(stream, TunnelCodec::new(keys)),
            next_seqno: (1 << 32) | u64::from(nanos),
            unanswered: Vec::new(),
        }
    }
}

impl MessageTransport for TunnelTransport {
    async fn receive(&mut self) -> Option<Result<Vec<ProtocolMessage>, Error>> {
        let frame = match self.framed.next().await? {
            Ok(frame) => frame,
            Err(error) => return Some(Err(error)),
        };
        if !frame.is_sync() {
            // The client's replies to what the device sent.
            return Some(Ok(Vec::new()));
        }
        self.unanswered.push(frame.seqno);
        Some(Ok(messages_of(&frame)))
    }

    async fn send(&mut self, message: &ProtocolMessage) -> Result<(), Error> {
        let payload = encode_mrp_payload(&[encode_message(message)]);
        let frame = DataStreamFrame {
            message_type: MESSAGE_TYPE_SYNC,
            command: COMMAND_CMND,
            seqno: self.next_seqno,
            padding: 0,
            payload,
        };
        self.next_seqno = self.next_seqno.wrapping_add(1);
        self.framed.send(&frame).await
    }

    async fn acknowledge(&mut self) -> Result<(), Error> {
        for seqno in std::mem::take(&mut self.unanswered) {
            // Devices put an empty dictionary in their replies; pyatv warns about
            // replies without one.
            let reply = DataStreamFrame {
                payload: Bytes::from_static(EMPTY_DICTIONARY),
                ..DataStreamFrame::reply(seqno)
            };
            self.framed.send(&reply).await?;
        }
        Ok(())
    }

    fn enable_encryption(&mut self, _keys: SessionKeys) {
        // The data stream is encrypted by AirPlay already; MRP pair-verify adds nothing.
        tracing::debug!("MRP encryption asked for inside the AirPlay tunnel; ignored");
    }
}

/// The MRP messages a client's frame carries; malformed ones are logged and skipped.
fn messages_of(frame: &DataStreamFrame) -> Vec<ProtocolMessage> {
    let data = match decode_mrp_payload(&frame.payload) {
        Ok(Some(data)) => data,
        Ok(None) => return Vec::new(),
        Err(error) => {
            tracing::warn!(error = %CodecError::from(error), "undecodable data stream payload ignored");
            return Vec::new();
        }
    };
    let raw = match split_mrp_messages(&data) {
        Ok(raw) => raw,
        Err(error) => {
            tracing::warn!(error = %CodecError::from(error), "malformed MRP messages ignored");
            return Vec::new();
        }
    };
    raw.into_iter()
        .filter_map(|bytes| match decode_message(bytes) {
            Ok(message) => Some(message),
            Err(error) => {
                tracing::warn!(%error, "undecodable MRP message ignored");
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use atv_mrp::message_builders::MessageBuilder;
    use atv_mrp::protobuf::MessageType;

    use super::*;

    #[test]
    fn replies_carry_an_empty_dictionary() {
        let value = plist::Value::from_reader(std::io::Cursor::new(EMPTY_DICTIONARY)).unwrap();
        assert_eq!(value.as_dictionary().map(plist::Dictionary::len), Some(0));
    }

    #[test]
    fn client_frames_give_their_mrp_messages() {
        let mut builder = MessageBuilder::new();
        let first = builder.envelope(MessageType::DeviceInfoMessage);
        let second = builder.envelope(MessageType::GenericMessage);
        let payload = encode_mrp_payload(&[encode_message(&first), encode_message(&second)]);
        let frame = DataStreamFrame::sync_comm(1, payload);
        assert_eq!(messages_of(&frame), vec![first, second]);
        // Not a property list: nothing, and no panic.
        assert!(messages_of(&DataStreamFrame::sync_comm(2, &b"junk"[..])).is_empty());
    }
}
