//! The network actor: the one owner of every socket. It feeds what happens on them into a
//! `core::Node` and carries out the node's outputs.
//!
//! It never awaits a peer: frames go to per-connection writer queues with `try_send` (a full
//! queue drops that peer as too slow), and readers hand it frames through one bounded channel.
//! Events to the front end are awaited; front ends always drain them.

use crate::archive::Archive;
use crate::budget::{OutboundBudget, COMMAND_QUEUE, DIAL_QUEUE, EVENT_QUEUE, INBOUND_QUEUE};
use crate::connection::{self, ConnHandle, ConnMsg};
use crate::files::FileService;
use crate::handle::NetHandle;
use crate::store::{History, StateFile, StateWriter};
use crate::{reach, udp, udp6};
use bytes::Bytes;
use p2pchat_engine::api::{NetCommand, NetEvent};
use p2pchat_engine::files::FileInput;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::limits::{Limits, Timing};
use p2pchat_engine::node::{ConnId, Input, Node, NodeConfig, Now};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

mod outputs;
mod saving;

/// How the actor is set up.
#[derive(Clone, Debug)]
pub struct NetConfig {
    pub name: String,
    /// Address the TCP listener binds (default 0.0.0.0).
    pub bind: IpAddr,
    /// Preferred TCP port; if taken, a free one is used and the user told.
    pub port: u16,
    pub discovery_port: u16,
    /// Announce to these instead of every interface's broadcast address.
    pub broadcast: Vec<Ipv4Addr>,
    /// Dial these directly.
    pub peers: Vec<SocketAddr>,
    pub limits: Limits,
    pub timing: Timing,
    /// Where sequence numbers and replay marks are kept; `None` keeps nothing.
    pub state_file: Option<std::path::PathBuf>,
    pub key_file: String,
    /// The history database (`history.db`); `None` keeps no history.
    pub history: Option<std::path::PathBuf>,
    /// `--interface`, IPv6 discovery.
    pub reach: crate::reach::ReachOptions,
    /// Where accepted files go unless `/accept ID DIR` says otherwise; `None`: `downloads`
    /// in the working directory.
    pub download_dir: Option<std::path::PathBuf>,
}

/// How often replay marks are saved when they changed.
const SAVE_EVERY: Duration = Duration::from_secs(5);

/// Binds the sockets and starts the actor. Errors here (e.g. the discovery port cannot be
/// bound) are returned before anything runs.
pub async fn start(
    identity: Identity,
    cfg: NetConfig,
) -> std::io::Result<(NetHandle, mpsc::Receiver<NetEvent>, JoinHandle<()>)> {
    // With IPv6 discovery, listen on both families (IPv4 peers arrive as mapped addresses,
    // made plain again in `opened`); without IPv6 on the host, IPv4 alone.
    let dual = cfg.reach.ipv6_discovery && cfg.bind == IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    let (listener, port_note) = match dual {
        true => match bind_listener(IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED), cfg.port).await {
            Ok(l) => l,
            Err(_) => bind_listener(cfg.bind, cfg.port).await?,
        },
        false => bind_listener(cfg.bind, cfg.port).await?,
    };
    let udp = udp::bind_discovery(cfg.discovery_port).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot bind discovery port {}: {e}", cfg.discovery_port),
        )
    })?;
    let listen_port = listener.local_addr()?.port();
    let history = match &cfg.history {
        Some(path) => Some(History::open(path).map_err(std::io::Error::other)?),
        None => None,
    };
    if let Some(h) = &history {
        // Originals past the retention window are never given out again.
        let retention = i64::try_from(cfg.limits.retention.as_millis()).unwrap_or(i64::MAX / 4);
        let _ = h.prune_relayable(now().unix_ms - retention);
    }
    let archive =
        Archive::with_quota(history, identity.id(), &cfg.limits).map_err(std::io::Error::other)?;
    let state_file = cfg.state_file.as_deref().map(StateFile::new);
    let mut notes: Vec<String> = port_note.into_iter().collect();
    let saved = match state_file.as_ref().map(|f| f.load()) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            notes.push(e);
            Default::default()
        }
        None => Default::default(),
    };
    // Saves run on their own thread: the actor never waits for the state file's fsync.
    let state_writer = match state_file {
        Some(file) => Some(StateWriter::start(file)?),
        None => None,
    };
    let udp6 = match cfg.reach.ipv6_discovery {
        true => udp6::bind_discovery6(cfg.discovery_port, &reach::selected_interfaces(&cfg.reach)),
        false => None,
    };
    let mut announce_to: Vec<String> = reach::broadcast_targets(&cfg.broadcast, &cfg.reach)
        .iter()
        .map(|ip| format!("{ip}:{}", cfg.discovery_port))
        .collect();
    if let Some(d) = &udp6 {
        for ix in &d.ifindexes {
            announce_to.push(format!(
                "[{}%{ix}]:{}",
                udp6::DISCOVERY_GROUP,
                cfg.discovery_port
            ));
        }
    }
    let reach_cfg = reach::reach_config(
        &cfg.reach,
        cfg.bind,
        cfg.discovery_port,
        announce_to,
        archive.address_book(),
    );
    let node_cfg = NodeConfig {
        name: cfg.name.clone(),
        listen_port,
        limits: cfg.limits.clone(),
        timing: cfg.timing.clone(),
        static_peers: cfg.peers.clone(),
        key_file: cfg.key_file.clone(),
        saved,
        known_keys: archive.known_keys(),
        reach: reach_cfg,
    };
    let download_dir = cfg
        .download_dir
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("downloads"));
    // The transfer listener takes the chat listener's family: dual-stack when it is, so a
    // peer reached over IPv6 can fetch a file too.
    let (files, files_rx) = FileService::start(
        identity.clone(),
        cfg.name.clone(),
        listener.local_addr()?.ip(),
        listen_port,
        download_dir,
        cfg.limits.transfer_rate,
    )
    .await?;
    let node = Node::new(identity, node_cfg, now());
    let allowed_local = reach::allowed_local(&cfg.reach);
    let heard_subnets = reach::heard_subnets(&cfg.reach);
    let budget = OutboundBudget::new(
        cfg.limits.outbound_queue_bytes,
        cfg.limits.outbound_total_bytes,
    );
    let (cmd_tx, cmd_rx) = mpsc::channel(COMMAND_QUEUE);
    let (event_tx, event_rx) = mpsc::channel(EVENT_QUEUE);
    let (conn_tx, conn_rx) = mpsc::channel(INBOUND_QUEUE);
    let (dial_tx, dial_rx) = mpsc::channel(DIAL_QUEUE);
    let actor = NetActor {
        node,
        archive,
        cfg,
        listener,
        udp,
        udp6,
        allowed_local,
        heard_subnets,
        state_writer,
        cmd_rx,
        event_tx,
        conn_tx,
        conn_rx,
        dial_tx,
        dial_rx,
        budget,
        files,
        files_rx,
        conns: HashMap::new(),
        closing: Vec::new(),
        next_conn: 0,
        last_save: Instant::now(),
        saved: None,
    };
    let task = tokio::spawn(actor.run(notes));
    Ok((NetHandle::new(cmd_tx), event_rx, task))
}

async fn bind_listener(ip: IpAddr, port: u16) -> std::io::Result<(TcpListener, Option<String>)> {
    match TcpListener::bind((ip, port)).await {
        Ok(l) => Ok((l, None)),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
            let l = TcpListener::bind((ip, 0)).await?;
            let got = l.local_addr()?.port();
            Ok((
                l,
                Some(format!(
                    "port {port} is in use; listening on port {got} instead"
                )),
            ))
        }
        Err(e) => Err(std::io::Error::new(
            e.kind(),
            format!("cannot listen on {ip}:{port}: {e}"),
        )),
    }
}

fn now() -> Now {
    let unix_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Now {
        mono: Instant::now(),
        unix_ms,
    }
}

type DialResult = (SocketAddr, Result<TcpStream, String>);

struct NetActor {
    node: Node,
    archive: Archive,
    cfg: NetConfig,
    listener: TcpListener,
    udp: UdpSocket,
    /// IPv6 link-local multicast discovery, when on.
    udp6: Option<udp6::Discovery6>,
    /// With `--interface`: the local addresses connections are accepted on.
    allowed_local: Option<Vec<IpAddr>>,
    /// With `--interface`: the subnets whose IPv4 announcements are heard.
    heard_subnets: Option<Vec<(std::net::Ipv4Addr, std::net::Ipv4Addr)>>,
    /// Saves the state file on its own thread, newest state wins.
    state_writer: Option<StateWriter>,
    cmd_rx: mpsc::Receiver<NetCommand>,
    event_tx: mpsc::Sender<NetEvent>,
    conn_tx: mpsc::Sender<ConnMsg>,
    conn_rx: mpsc::Receiver<ConnMsg>,
    dial_tx: mpsc::Sender<DialResult>,
    dial_rx: mpsc::Receiver<DialResult>,
    /// Bytes queued to writers, per connection and in total.
    budget: OutboundBudget,
    /// File transfers: the transfer listener, hashing, serving and fetching tasks.
    files: FileService,
    files_rx: mpsc::Receiver<p2pchat_engine::files::FileInput>,
    conns: HashMap<ConnId, ConnHandle>,
    /// Writer tasks still flushing after a close; awaited briefly at shutdown.
    closing: Vec<JoinHandle<()>>,
    next_conn: u64,
    last_save: Instant,
    saved: Option<crate::store::SavedState>,
}

impl NetActor {
    async fn run(mut self, notes: Vec<String>) {
        self.persist(true);
        let port = self.files.port;
        self.step(Input::Files(FileInput::Listening { port })).await;
        self.step(Input::Start).await;
        for message in notes {
            // Shown, so stored first, like every line.
            let notice = NetEvent::Notice { message };
            for event in self.archive.on_event(notice, now().unix_ms) {
                let _ = self.event_tx.send(event).await;
            }
        }
        let mut buf = vec![0u8; self.cfg.limits.max_datagram_len + 1];
        let mut buf6 = vec![0u8; self.cfg.limits.max_datagram_len + 1];
        loop {
            let deadline = self.node.poll_timeout().map(tokio::time::Instant::from_std);
            let input = tokio::select! {
                biased;
                cmd = self.cmd_rx.recv() => {
                    let mut cmd = cmd.unwrap_or(NetCommand::Quit);
                    self.archive.rewrite(&mut cmd);
                    if let Some(replies) = self.archive.on_command(&cmd) {
                        for event in replies {
                            if let Some(id) = Archive::newly_trusted(&event) {
                                self.node.handle(now(), Input::KeyKnown { id });
                            }
                            let _ = self.event_tx.send(event).await;
                        }
                        continue;
                    }
                    Input::Command(cmd)
                }
                Some(msg) = self.conn_rx.recv() => match msg {
                    ConnMsg::Secured { conn, binding } => Input::Secured { conn, binding },
                    ConnMsg::Refused { conn, refusal } => {
                        self.conns.remove(&conn);
                        Input::Refused { conn, refusal }
                    }
                    ConnMsg::Frame { conn, bytes } => Input::Frame { conn, bytes },
                    ConnMsg::Closed { conn, error } => {
                        self.conns.remove(&conn);
                        Input::ConnClosed { conn, error }
                    }
                },
                Some(report) = self.files_rx.recv() => Input::Files(report),
                Some((addr, result)) = self.dial_rx.recv() => match result {
                    Ok(stream) => self.opened(stream, addr, true),
                    Err(error) => Input::DialFailed { addr, error },
                },
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) if !self.on_chosen_interface(&stream) => continue,
                    Ok((stream, addr)) if self.node.can_accept() => self.opened(stream, addr, false),
                    Ok(_) => continue,
                    Err(e) => {
                        tracing::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                received = self.udp.recv_from(&mut buf) => match received {
                    Ok((_, from)) if !reach::hears_from(self.heard_subnets.as_deref(), from) => continue,
                    Ok((n, from)) if n <= self.cfg.limits.max_datagram_len => {
                        Input::Datagram { from, bytes: Bytes::copy_from_slice(&buf[..n]) }
                    }
                    _ => continue,
                },
                received = recv6(self.udp6.as_ref(), &mut buf6) => match received {
                    Ok((n, from)) if n <= self.cfg.limits.max_datagram_len => {
                        Input::Datagram { from, bytes: Bytes::copy_from_slice(&buf6[..n]) }
                    }
                    _ => continue,
                },
                _ = sleep_until(deadline) => Input::Timer,
            };
            let is_timer = matches!(input, Input::Timer);
            if self.step(input).await {
                break;
            }
            if is_timer {
                self.persist(false);
                self.archive.maintain(now().unix_ms);
            }
        }
        self.shutdown().await;
    }

    /// With `--interface`, a connection that arrived on another interface's address is
    /// closed at once.
    fn on_chosen_interface(&self, stream: &TcpStream) -> bool {
        stream
            .local_addr()
            .is_ok_and(|local| reach::accepts_on(self.allowed_local.as_deref(), local))
    }

    fn opened(&mut self, stream: TcpStream, addr: SocketAddr, outbound: bool) -> Input {
        let addr = reach::canonical(addr);
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        let handle = connection::spawn(
            conn,
            stream,
            outbound,
            &self.cfg.limits,
            self.cfg.timing.handshake_timeout,
            self.conn_tx.clone(),
            self.budget.conn(),
        );
        self.conns.insert(conn, handle);
        let mut nonce = [0u8; 32];
        getrandom::fill(&mut nonce).expect("the OS random source is available");
        Input::ConnOpened {
            conn,
            addr,
            outbound,
            nonce,
        }
    }
}

/// The next datagram on the IPv6 discovery socket; never, without one.
async fn recv6(
    d: Option<&udp6::Discovery6>,
    buf: &mut [u8],
) -> std::io::Result<(usize, SocketAddr)> {
    match d {
        Some(d) => d.socket.recv_from(buf).await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
