//! A DNS-SD responder: publishes service instances and answers questions about them.
//!
//! One task owns the sockets. In multicast mode these are a listener on `0.0.0.0:port`
//! (shared with other mDNS stacks through address reuse) that joined the group on the
//! chosen interfaces; per interface a sender on the shared `0.0.0.0:port` whose multicast
//! goes out of that interface (its answers carry the interface's address); and for every
//! other local address a device uses, a socket bound to `address:port`, so that each
//! device's answers come from its own address. In unicast mode a single plain UDP socket answers every query as a
//! legacy unicast query (for tests that need no multicast).
//!
//! Answers: a legacy query (source port other than the mDNS port) gets a unicast reply to
//! its source with identifier and questions echoed; a multicast question with the QU bit
//! gets a unicast reply to the asker, one without it a multicast reply. Every reply stays
//! within [`MAX_PAYLOAD`] bytes, split into several packets when needed. On start the
//! records are announced twice, a second apart ([`Responder::announced`] waits for both);
//! when the handle is dropped or closed they are withdrawn (TTL 0) and the task ends.
//!
//! Not done: probing and conflict resolution, known-answer suppression, the random delay
//! before multicast answers to shared records.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::decode::decode;
use crate::error::Error;
use crate::interfaces::{local_interfaces, multicast_interfaces};
use crate::message::{MDNS_GROUP, MDNS_PORT, Question};
use crate::receive::{RECEIVE_BUFFER, recv_from_any};
use crate::sockets::{interface_socket, multicast_listener, plain_socket, shared_port_sender};
use crate::zone::{Announcement, AnswerGroup, MAX_PAYLOAD, ReplyKind, Zone, pack_group};

/// How the responder is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponderMode {
    /// Real mDNS: multicast group on `port` (normally 5353).
    Multicast {
        /// The mDNS port.
        port: u16,
        /// Addresses of the interfaces to serve; empty means every multicast-capable,
        /// non-loopback IPv4 interface.
        interfaces: Vec<Ipv4Addr>,
    },
    /// A plain UDP socket answering unicast queries only (port 0 picks a free one).
    Unicast {
        /// Where to bind.
        bind: SocketAddrV4,
    },
}

impl Default for ResponderMode {
    fn default() -> Self {
        Self::Multicast {
            port: MDNS_PORT,
            interfaces: Vec::new(),
        }
    }
}

/// What to publish and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponderOptions {
    /// How the responder is reached.
    pub mode: ResponderMode,
    /// The service instances to publish.
    pub announcements: Vec<Announcement>,
}

enum Command {
    Update(Zone, oneshot::Sender<()>),
    Close(oneshot::Sender<()>),
}

/// A running responder. Dropping it withdraws the records and stops the task.
#[derive(Debug)]
pub struct Responder {
    commands: mpsc::Sender<Command>,
    local_addr: SocketAddrV4,
    announced: watch::Receiver<bool>,
    task: Option<JoinHandle<()>>,
}

impl Responder {
    /// Binds the sockets, announces the records and starts answering. Must be called
    /// within a tokio runtime.
    pub async fn bind(options: ResponderOptions) -> Result<Self, Error> {
        let zone = Zone::new(options.announcements)?;
        let sockets = match &options.mode {
            ResponderMode::Multicast { port, interfaces } => {
                multicast_sockets(*port, interfaces, &zone)?
            }
            ResponderMode::Unicast { bind } => Sockets {
                mdns_port: None,
                listener: plain_socket(*bind).map_err(Error::io("binding the responder socket"))?,
                senders: Vec::new(),
            },
        };
        let local_addr = match sockets.listener.local_addr() {
            Ok(SocketAddr::V4(address)) => address,
            Ok(SocketAddr::V6(_)) | Err(_) => SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
        };
        let (commands, receiver) = mpsc::channel(4);
        let (announced_tx, announced) = watch::channel(false);
        let task = tokio::spawn(run(sockets, zone, receiver, announced_tx));
        Ok(Self {
            commands,
            local_addr,
            announced,
            task: Some(task),
        })
    }

    /// Waits until both start-up announcements have been sent (about a second after
    /// [`bind`](Self::bind)), or the responder has ended. From then on the records go out
    /// only as answers to queries (and on [`update`](Self::update)), so what a scanner
    /// started afterwards hears depends on its own queries alone. Callers bound the wait
    /// with their own timeout.
    pub async fn announced(&self) {
        let mut announced = self.announced.clone();
        // An error means the task ended: nothing more will be announced.
        let _ = announced.wait_for(|done| *done).await;
    }

    /// The address of the listening socket (in unicast mode, where to send queries).
    pub fn local_addr(&self) -> SocketAddrV4 {
        self.local_addr
    }

    /// Replaces the published instances (new ones are announced, missing ones withdrawn).
    pub async fn update(&self, announcements: Vec<Announcement>) -> Result<(), Error> {
        let zone = Zone::new(announcements)?;
        let (done, wait) = oneshot::channel();
        if self
            .commands
            .send(Command::Update(zone, done))
            .await
            .is_ok()
        {
            let _ = wait.await;
        }
        Ok(())
    }

    /// Withdraws the records and waits for the task to end.
    pub async fn close(mut self) {
        let (done, wait) = oneshot::channel();
        if self.commands.send(Command::Close(done)).await.is_ok() {
            let _ = wait.await;
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

struct Sockets {
    /// The mDNS port in multicast mode; `None` in unicast mode.
    mdns_port: Option<u16>,
    listener: UdpSocket,
    /// Sockets bound to `address:port`, used to send a device's answers.
    senders: Vec<(Ipv4Addr, UdpSocket)>,
}

fn multicast_sockets(port: u16, wanted: &[Ipv4Addr], zone: &Zone) -> Result<Sockets, Error> {
    let interfaces: Vec<Ipv4Addr> = if wanted.is_empty() {
        multicast_interfaces()?.iter().map(|i| i.address).collect()
    } else {
        wanted.to_vec()
    };
    if interfaces.is_empty() {
        return Err(Error::NoInterfaces);
    }
    let listener = multicast_listener(port, &interfaces)
        .map_err(Error::io("binding the mDNS listener socket"))?;
    let mut senders = Vec::new();
    for address in &interfaces {
        let socket = shared_port_sender(*address, port)
            .map_err(Error::io("binding an mDNS interface socket"))?;
        senders.push((*address, socket));
    }
    let local: Vec<Ipv4Addr> = local_interfaces()?.iter().map(|i| i.address).collect();
    for address in zone.addresses() {
        add_device_socket(&mut senders, &local, address, port);
    }
    Ok(Sockets {
        mdns_port: Some(port),
        listener,
        senders,
    })
}

/// Binds a socket for a device address if it is local and has none yet.
fn add_device_socket(
    senders: &mut Vec<(Ipv4Addr, UdpSocket)>,
    local: &[Ipv4Addr],
    address: Ipv4Addr,
    port: u16,
) {
    if !local.contains(&address) || senders.iter().any(|(a, _)| *a == address) {
        return;
    }
    match interface_socket(address, port) {
        Ok(socket) => senders.push((address, socket)),
        Err(e) => tracing::debug!(%address, error = %e, "cannot bind a device address"),
    }
}

impl Sockets {
    /// The socket to send a device's answers from: its own, else the first interface one,
    /// else the listener.
    fn sender_for(&self, address: Ipv4Addr) -> &UdpSocket {
        self.senders
            .iter()
            .find(|(a, _)| *a == address)
            .or_else(|| self.senders.first())
            .map_or(&self.listener, |(_, s)| s)
    }

    async fn send_multicast(&self, groups: &[AnswerGroup]) {
        let Some(port) = self.mdns_port else {
            return;
        };
        let target = SocketAddrV4::new(MDNS_GROUP, port);
        for group in groups {
            let packets = match pack_group(group, ReplyKind::Multicast, MAX_PAYLOAD) {
                Ok(packets) => packets,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot encode an mDNS response");
                    continue;
                }
            };
            let owner = self.senders.iter().find(|(a, _)| *a == group.source);
            for packet in &packets {
                match owner {
                    // The device's own address: out of its interface.
                    Some((_, socket)) => send(socket, packet, target).await,
                    // Not a local address: out of every interface.
                    None => {
                        for (_, socket) in &self.senders {
                            send(socket, packet, target).await;
                        }
                    }
                }
            }
        }
    }

    async fn send_unicast(&self, groups: &[AnswerGroup], kind: ReplyKind<'_>, to: SocketAddrV4) {
        for group in groups {
            match pack_group(group, kind, MAX_PAYLOAD) {
                Ok(packets) => {
                    let socket = if self.mdns_port.is_some() {
                        self.sender_for(group.source)
                    } else {
                        &self.listener
                    };
                    for packet in &packets {
                        send(socket, packet, to).await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot encode an mDNS response"),
            }
        }
    }
}

async fn send(socket: &UdpSocket, packet: &[u8], to: SocketAddrV4) {
    if let Err(e) = socket.send_to(packet, to).await {
        tracing::debug!(%to, error = %e, "cannot send an mDNS response");
    }
}

enum Event {
    Received(std::io::Result<(usize, SocketAddr)>),
    Command(Option<Command>),
    Reannounce,
}

async fn run(
    mut sockets: Sockets,
    mut zone: Zone,
    mut commands: mpsc::Receiver<Command>,
    announced: watch::Sender<bool>,
) {
    let mut buffer = vec![0u8; RECEIVE_BUFFER];
    sockets.send_multicast(&zone.announcement(false)).await;
    let reannounce = tokio::time::sleep(Duration::from_secs(1));
    tokio::pin!(reannounce);
    let mut reannounced = false;
    loop {
        let event = {
            let mut all: Vec<&UdpSocket> = vec![&sockets.listener];
            all.extend(sockets.senders.iter().map(|(_, s)| s));
            tokio::select! {
                (_, received) = recv_from_any(&all, &mut buffer) => Event::Received(received),
                command = commands.recv() => Event::Command(command),
                () = &mut reannounce, if !reannounced => Event::Reannounce,
            }
        };
        match event {
            Event::Received(Ok((len, SocketAddr::V4(from)))) => {
                if let Some(bytes) = buffer.get(..len) {
                    answer_query(&sockets, &zone, bytes, from).await;
                }
            }
            Event::Received(_) => {}
            Event::Reannounce => {
                reannounced = true;
                sockets.send_multicast(&zone.announcement(false)).await;
                announced.send_replace(true);
            }
            Event::Command(Some(Command::Update(new_zone, done))) => {
                let goodbye = withdrawn(&zone, &new_zone);
                sockets.send_multicast(&goodbye.announcement(true)).await;
                zone = new_zone;
                if let (Some(port), Ok(local)) = (sockets.mdns_port, local_interfaces()) {
                    let local: Vec<Ipv4Addr> = local.iter().map(|i| i.address).collect();
                    for address in zone.addresses() {
                        add_device_socket(&mut sockets.senders, &local, address, port);
                    }
                }
                sockets.send_multicast(&zone.announcement(false)).await;
                let _ = done.send(());
            }
            Event::Command(Some(Command::Close(done))) => {
                sockets.send_multicast(&zone.announcement(true)).await;
                let _ = done.send(());
                return;
            }
            Event::Command(None) => {
                sockets.send_multicast(&zone.announcement(true)).await;
                return;
            }
        }
    }
}

/// A zone of the instances in `old` that `new` no longer has.
fn withdrawn(old: &Zone, new: &Zone) -> Zone {
    let kept: Vec<&Announcement> = new.announcements().collect();
    let gone: Vec<Announcement> = old
        .announcements()
        .filter(|a| !kept.contains(a))
        .cloned()
        .collect();
    Zone::new(gone).unwrap_or_default()
}

async fn answer_query(sockets: &Sockets, zone: &Zone, bytes: &[u8], from: SocketAddrV4) {
    let Ok(decoded) = decode(bytes) else {
        return;
    };
    let query = decoded.packet;
    if query.is_response() || query.questions.is_empty() {
        return;
    }
    let legacy = sockets.mdns_port != Some(from.port());
    if legacy {
        let groups = zone.answer(&query.questions);
        let kind = ReplyKind::Legacy {
            id: query.id,
            questions: &query.questions,
        };
        sockets.send_unicast(&groups, kind, from).await;
        return;
    }
    let (unicast, multicast): (Vec<Question>, Vec<Question>) = query
        .questions
        .iter()
        .cloned()
        .partition(|q| q.unicast_response);
    if !unicast.is_empty() {
        let groups = zone.answer(&unicast);
        sockets
            .send_unicast(&groups, ReplyKind::Multicast, from)
            .await;
    }
    if !multicast.is_empty() {
        sockets.send_multicast(&zone.answer(&multicast)).await;
    }
}
