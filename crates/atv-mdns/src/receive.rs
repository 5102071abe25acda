//! Waiting on several UDP sockets at once from one task.

use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::task::Poll;

use tokio::io::ReadBuf;
use tokio::net::UdpSocket;

/// Largest datagram read (mDNS allows up to 9000 bytes; anything longer is cut).
pub(crate) const RECEIVE_BUFFER: usize = 9000;

/// Receives the next datagram from whichever socket has one: (socket index, result of
/// `recv_from` with the length read). Never completes when `sockets` is empty.
pub(crate) async fn recv_from_any(
    sockets: &[&UdpSocket],
    buffer: &mut [u8],
) -> (usize, io::Result<(usize, SocketAddr)>) {
    poll_fn(|cx| {
        for (index, socket) in sockets.iter().enumerate() {
            let mut read = ReadBuf::new(&mut *buffer);
            if let Poll::Ready(result) = socket.poll_recv_from(cx, &mut read) {
                let len = read.filled().len();
                return Poll::Ready((index, result.map(|from| (len, from))));
            }
        }
        Poll::Pending
    })
    .await
}
