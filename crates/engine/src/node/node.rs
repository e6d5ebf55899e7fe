//! The `Node`: one peer's whole protocol state, and the dispatch of inputs to the parts
//! that handle them (handshake and connections, chat, discovery, timers).

use super::admission::Admission;
use super::conn::Conn;
use super::io::{ConnId, Input, Now, Output};
use super::replay::{ReplayBook, ReplayWindow};
use super::verified::VerifyCache;
use crate::api::NetEvent;
use crate::api::SavedState;
use crate::identity::Identity;
use crate::limits::{Limits, Timing, PROTOCOL_VERSION};
use crate::voting::VotingBook;
use crate::wire::{encode_frame, Frame, PeerId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Sequence numbers are reserved on disk in blocks of this size.
pub const SEQ_BLOCK: u64 = 1000;

/// Everything a node is configured with.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub name: String,
    /// The TCP port actually listened on.
    pub listen_port: u16,
    pub limits: Limits,
    pub timing: Timing,
    /// `--peer` addresses, dialed at start and redialed while not connected.
    pub static_peers: Vec<SocketAddr>,
    /// Shown by `/crypto`.
    pub key_file: String,
    /// What the previous run saved.
    pub saved: SavedState,
    /// Keys known from earlier runs or trusted (from the store): they may use the reserved
    /// peer slots and are not counted as new identities.
    pub known_keys: Vec<PeerId>,
    /// Peer exchange, the address book and what `/net` shows about this machine.
    pub reach: crate::pex::ReachConfig,
}

/// An established peer.
#[derive(Clone, Debug)]
pub(super) struct Peer {
    pub conn: ConnId,
    pub name: String,
    /// Where it can be dialed: its address with the port from its hello.
    pub dial_addr: SocketAddr,
}

/// A `--peer` address and when to try it next.
#[derive(Clone, Debug)]
pub(super) struct StaticPeer {
    pub addr: SocketAddr,
    pub next_try: Option<Instant>,
    pub backoff: Duration,
}

/// One peer's protocol engine. See the module docs of [`crate::node`].
pub struct Node {
    pub(super) identity: Identity,
    pub(super) cfg: NodeConfig,
    pub(super) now: Now,
    pub(super) conns: HashMap<ConnId, Conn>,
    pub(super) peers: HashMap<PeerId, Peer>,
    pub(super) replay: ReplayBook,
    pub(super) next_seq: u64,
    pub(super) seq_reserved: u64,
    /// Addresses being dialed now, and when each was last dialed.
    pub(super) dialing: HashMap<SocketAddr, Instant>,
    pub(super) last_dial: HashMap<SocketAddr, Instant>,
    /// Addresses the user asked for with `Connect`: a failed dial is told to them.
    pub(super) asked_dials: std::collections::HashSet<SocketAddr>,
    /// When each not-yet-connected peer was first heard announcing.
    pub(super) first_heard: HashMap<PeerId, Instant>,
    pub(super) static_peers: Vec<StaticPeer>,
    pub(super) next_announce: Option<Instant>,
    pub(super) last_reply_announce: Option<Instant>,
    /// A reply announcement held back by the reply gap, due at this instant.
    pub(super) deferred_reply: Option<Instant>,
    /// Dials held back by the redial gap, due at these instants.
    pub(super) deferred_dials: HashMap<SocketAddr, Instant>,
    /// Peers whose connection the other side replaced by a newer one (`reject: duplicate` on
    /// the connection we still used): told offline only if the newer one is not established
    /// here by the instant given (with the name to tell). At most one per peer id that was
    /// connected, so bounded by MAX_PEERS.
    pub(super) moving: HashMap<PeerId, (Instant, String)>,
    /// Peers already told about as speaking another protocol version.
    pub(super) incompatible_seen: std::collections::HashSet<PeerId>,
    /// Reserved slots, new identities per address, the discovery dial budget.
    pub(super) admission: Admission,
    pub(super) voting: VotingBook,
    /// Signature verdicts already reached (every signed payload is verified once).
    pub(super) verified: VerifyCache,
    /// Connections whose first `sync` arrived (at most one per open connection).
    pub(super) synced: std::collections::HashSet<ConnId>,
    pub(super) sync: super::sync::SyncState,
    /// Peer exchange: records, the dialer, what discovery heard.
    pub(super) pex: crate::pex::PexState,
    /// Records taken per connection (PEX_RECORDS_PER_SEC).
    pub(super) pex_rate: HashMap<ConnId, super::rate::TokenBucket>,
    /// Our own signed record, and when to sign a fresh one.
    pub(super) own_record: Option<crate::wire::SignedPayload>,
    pub(super) next_record: Option<Instant>,
    /// Relaying: routes and dedup.
    pub(super) relay: crate::relay::RelayState,
    /// File transfers, their offer rate limits and our transfer port.
    pub(super) files: super::files::FilesState,
    /// Our rooms and each connected peer's (see [`crate::rooms`]).
    pub(super) rooms: crate::rooms::RoomBook,
    /// The room list last sent as a `rooms` event (sent again only when it changes).
    pub(super) rooms_shown: Vec<crate::api::RoomInfo>,
    /// Recent room messages, their reactions, and acts waiting for their message.
    pub(super) acts: crate::rooms::ActBook,
    pub(super) stopping: bool,
    pub(super) outputs: Vec<Output>,
}

impl Node {
    /// A node with the given identity. `now` is the time of creation.
    pub fn new(identity: Identity, mut cfg: NodeConfig, now: Now) -> Node {
        let replay = ReplayBook::new(
            cfg.limits.max_replay_authors,
            cfg.saved
                .replay
                .iter()
                .filter_map(|(id, hw)| Some((PeerId::from_hex(id)?, ReplayWindow::restored(*hw)))),
        );
        let admission = Admission::new(std::mem::take(&mut cfg.known_keys), &cfg.limits, now.mono);
        // Never reuse a sequence number: start above both the reserved block and the clock.
        let first_seq = cfg.saved.seq_reserved.max(now.unix_ms.max(0) as u64).max(1);
        let static_peers = cfg
            .static_peers
            .iter()
            .map(|&addr| StaticPeer {
                addr,
                next_try: Some(now.mono),
                backoff: Duration::from_secs(1),
            })
            .collect();
        cfg.name = super::sanitize::clean_name(&cfg.name, cfg.limits.max_name_len);
        let id = identity.id();
        let sync = super::sync::SyncState::new(&cfg.limits);
        let files = super::files::FilesState::new(std::mem::take(&mut cfg.saved.transfers));
        let rooms = crate::rooms::RoomBook::new(&cfg.saved.rooms);
        Node {
            identity,
            cfg,
            now,
            conns: HashMap::new(),
            peers: HashMap::new(),
            replay,
            next_seq: first_seq,
            seq_reserved: first_seq,
            dialing: HashMap::new(),
            last_dial: HashMap::new(),
            asked_dials: Default::default(),
            first_heard: HashMap::new(),
            static_peers,
            next_announce: None,
            last_reply_announce: None,
            deferred_reply: None,
            deferred_dials: HashMap::new(),
            moving: HashMap::new(),
            incompatible_seen: Default::default(),
            admission,
            voting: VotingBook::new(id),
            verified: VerifyCache::default(),
            synced: Default::default(),
            sync,
            pex: Default::default(),
            pex_rate: HashMap::new(),
            own_record: None,
            next_record: None,
            relay: Default::default(),
            files,
            rooms,
            rooms_shown: Vec::new(),
            acts: Default::default(),
            stopping: false,
            outputs: Vec::new(),
        }
    }

    pub fn id(&self) -> PeerId {
        self.identity.id()
    }

    pub fn name(&self) -> &str {
        &self.cfg.name
    }

    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    pub fn secure_only(&self) -> bool {
        self.voting.secure_only()
    }

    /// True while another inbound connection may be accepted.
    pub fn can_accept(&self) -> bool {
        let pending = self.conns.values().filter(|c| !c.is_established()).count();
        !self.stopping && pending < self.cfg.limits.max_pending_handshakes
    }

    /// What to save: the sequence reservation and each author's replay high-water mark.
    pub fn saved_state(&self) -> SavedState {
        SavedState {
            seq_reserved: self.seq_reserved,
            replay: self
                .replay
                .highest()
                .map(|(id, hw)| (id.to_hex(), hw))
                .collect(),
            certificate: self
                .voting
                .certificate()
                .and_then(|c| serde_json::to_string(c).ok()),
            transfers: self.files.book.saved(),
            rooms: self.rooms.mine().map(|r| r.to_string()).collect(),
        }
    }

    /// Takes the queued outputs, in order.
    pub fn drain_outputs(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.outputs)
    }

    /// Handles one input at time `now`.
    pub fn handle(&mut self, now: Now, input: Input) {
        self.now = now;
        match input {
            Input::Start => self.on_start(),
            Input::Command(cmd) => self.on_command(cmd),
            Input::Datagram { from, bytes } => self.on_datagram(from, &bytes),
            Input::ConnOpened {
                conn,
                addr,
                outbound,
                nonce,
            } => {
                self.asked_dials.remove(&addr);
                self.on_conn_opened(conn, addr, outbound, nonce)
            }
            Input::Secured { conn, binding } => self.on_secured(conn, binding),
            Input::Refused { conn, refusal } => self.on_refused(conn, refusal),
            Input::DialFailed { addr, error } => self.on_dial_failed(addr, error),
            Input::Frame { conn, bytes } => {
                // Charge the reader for every signature beyond the first this frame cost.
                let before = self.verified.verifications();
                self.on_frame(conn, &bytes);
                let extra = (self.verified.verifications() - before).saturating_sub(1);
                if extra > 0 {
                    self.outputs.push(Output::Charge {
                        conn,
                        tokens: extra,
                    });
                }
            }
            Input::ConnClosed { conn, error } => self.on_conn_closed(conn, error),
            Input::Timer => self.on_timer(),
            Input::SyncFound { conn, messages } => self.on_sync_found(conn, messages),
            Input::SyncIndexFound { rows } => self.on_sync_index(rows),
            Input::ActsSeed {
                messages,
                reactions,
            } => self.on_acts_seed(messages, reactions),
            Input::OutboxFound { conn, messages } => self.on_outbox_found(conn, messages),
            Input::KeyKnown { id } => self.admission.learn(id),
            Input::Files(input) => self.on_file_input(input),
        }
    }

    fn on_start(&mut self) {
        let id = self.id();
        self.emit(NetEvent::Ready {
            id: id.to_hex(),
            name: self.cfg.name.clone(),
            port: self.cfg.listen_port,
            fingerprint: id.fingerprint(),
        });
        self.restore_certificate();
        self.load_sync_index();
        self.reach_start();
        self.resume_transfers();
        self.announce();
        self.on_timer();
    }

    pub(super) fn emit(&mut self, event: NetEvent) {
        self.outputs.push(Output::Event(event));
    }

    pub(super) fn error(&mut self, message: String) {
        self.emit(NetEvent::Error { message });
    }

    pub(super) fn notice(&mut self, message: String) {
        self.emit(NetEvent::Notice { message });
    }

    /// Encodes and queues a frame on one connection.
    pub(super) fn send_frame(&mut self, conn: ConnId, frame: &Frame) {
        match encode_frame(frame, self.cfg.limits.max_frame_len) {
            Ok(bytes) => {
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.last_tx = self.now.mono;
                }
                self.outputs.push(Output::Send { conn, frame: bytes });
            }
            Err(e) => self.error(format!("not sent: {e}")),
        }
    }

    /// Encodes a frame once and queues it to every established peer; returns how many.
    pub(super) fn broadcast_frame(&mut self, frame: &Frame) -> Result<usize, String> {
        let conns: Vec<ConnId> = self.peers.values().map(|p| p.conn).collect();
        self.frame_to(frame, &conns)
    }

    /// Encodes a frame once and queues it on each of `conns`; returns how many.
    pub(super) fn frame_to(&mut self, frame: &Frame, conns: &[ConnId]) -> Result<usize, String> {
        let bytes =
            encode_frame(frame, self.cfg.limits.max_frame_len).map_err(|e| e.to_string())?;
        for &conn in conns {
            if let Some(c) = self.conns.get_mut(&conn) {
                c.last_tx = self.now.mono;
            }
            self.outputs.push(Output::Send {
                conn,
                frame: bytes.clone(),
            });
        }
        Ok(conns.len())
    }

    pub(super) fn announce_datagram(&self) -> bytes::Bytes {
        let a = crate::wire::Announce::new(
            self.id(),
            &self.cfg.name,
            self.cfg.listen_port,
            PROTOCOL_VERSION,
        );
        bytes::Bytes::from(a.encode())
    }
}
