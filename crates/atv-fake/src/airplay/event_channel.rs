//! The event channel of a remote-control session: a listener for one connection,
//! encrypted with the event keys, on which the device sends RTSP requests to the client.
//! Once the session is recorded it sends what Apple TVs send, an `updateInfo` command
//! carrying the `/info` dictionary; the client's responses are read and dropped.

use std::sync::Arc;

use atv_airplay::wire::{Protocol, Request, decode_response};
use atv_pairing::{HapFrameCodec, SessionKeys};
use bytes::BytesMut;
use futures::{SinkExt, StreamExt};
use plist::{Dictionary, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::codec::Framed;

use super::control::BPLIST;
use super::data_channel::CONNECT_TIMEOUT;
use super::info::info_dictionary;
use super::server::Context;
use crate::error::Error;
use crate::mrp::connection::{WRITE_TIMEOUT, stopped};

/// Accepts the client's connection on `listener` and serves it until the client closes
/// it, sends something undecryptable, or `stop` turns true. Each change of `recorded`
/// (a `RECORD` on the control connection) sends an `updateInfo` command.
pub(crate) async fn serve(
    listener: TcpListener,
    keys: SessionKeys,
    ctx: Arc<Context>,
    mut recorded: watch::Receiver<u64>,
    mut stop: watch::Receiver<bool>,
) {
    let accepted = tokio::select! {
        accepted = tokio::time::timeout(CONNECT_TIMEOUT, listener.accept()) => accepted,
        () = stopped(&mut stop) => return,
    };
    drop(listener);
    let stream = match accepted {
        Ok(Ok((stream, peer))) => {
            tracing::debug!(%peer, "AirPlay event channel connected");
            stream
        }
        Ok(Err(error)) => {
            tracing::info!(%error, "accepting the AirPlay event channel failed");
            return;
        }
        Err(_) => {
            tracing::info!("the client never connected to its AirPlay event channel");
            return;
        }
    };
    let mut channel = EventChannel {
        framed: Framed::new(stream, HapFrameCodec::new(&keys)),
        plain: BytesMut::new(),
        cseq: 0,
    };
    // A RECORD that came before the connection counts too.
    recorded.mark_changed();
    let result = loop {
        tokio::select! {
            frame = channel.framed.next() => match frame {
                Some(Ok(plain)) => channel.received(&plain),
                Some(Err(error)) => break Err(channel_error(error, Error::DecryptFailed)),
                None => break Ok(()),
            },
            changed = recorded.changed() => {
                if changed.is_err() {
                    break Ok(());
                }
                if *recorded.borrow_and_update() == 0 {
                    continue;
                }
                if let Err(error) = channel.update_info(&ctx).await {
                    break Err(error);
                }
            }
            () = stopped(&mut stop) => break Ok(()),
        }
    };
    if let Err(error) = result {
        tracing::info!(%error, "AirPlay event channel closed");
    }
}

/// The fake's error for an error of the HAP framing: I/O stays I/O, the rest is
/// `otherwise`.
fn channel_error(error: atv_pairing::Error, otherwise: Error) -> Error {
    match error {
        atv_pairing::Error::Io(error) => Error::Io(error),
        _ => otherwise,
    }
}

struct EventChannel {
    framed: Framed<TcpStream, HapFrameCodec>,
    /// Plaintext not yet making up a whole response.
    plain: BytesMut,
    cseq: u32,
}

impl EventChannel {
    /// Drops the client's responses (and anything else it sends).
    fn received(&mut self, plain: &[u8]) {
        self.plain.extend_from_slice(plain);
        loop {
            match decode_response(&mut self.plain) {
                Ok(Some(response)) => {
                    tracing::debug!(status = response.status, "event channel response");
                }
                Ok(None) => break,
                Err(error) => {
                    tracing::debug!(%error, "unreadable event channel data dropped");
                    self.plain.clear();
                    break;
                }
            }
        }
    }

    async fn update_info(&mut self, ctx: &Context) -> Result<(), Error> {
        let mut body = Dictionary::new();
        body.insert("type".to_owned(), Value::String("updateInfo".to_owned()));
        body.insert(
            "value".to_owned(),
            Value::Dictionary(info_dictionary(&ctx.config)),
        );
        let mut bytes = Vec::new();
        if Value::Dictionary(body)
            .to_writer_binary(&mut bytes)
            .is_err()
        {
            return Ok(());
        }
        let request = Request::new("POST", "/command", Protocol::Rtsp10)
            .with_header("CSeq", self.cseq.to_string())
            .with_body(BPLIST, bytes);
        self.cseq = self.cseq.wrapping_add(1);
        let mut plain = BytesMut::new();
        request.encode(&mut plain);
        match tokio::time::timeout(WRITE_TIMEOUT, self.framed.send(plain.freeze())).await {
            Ok(result) => result.map_err(|error| channel_error(error, Error::EncryptFailed)),
            Err(_) => Err(Error::WriteTimeout),
        }
    }
}
