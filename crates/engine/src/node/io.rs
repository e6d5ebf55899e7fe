//! What goes into and comes out of the core.

use crate::api::{NetCommand, NetEvent};
use crate::wire::{PeerId, SignedPayload};
use bytes::Bytes;
use std::net::SocketAddr;
use std::time::Instant;

/// How the actor starts the `error` of [`Input::ConnClosed`] when the connection failed
/// (reset, aborted, broken pipe, timed out, closed mid-handshake, too slow): the peer went
/// away, which is reported as it going offline, not as a protocol or security refusal.
pub const CONNECTION_LOST: &str = "connection lost";

/// True if an I/O error of this kind means the peer or the path to it went away.
pub fn is_connection_lost(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        kind,
        ConnectionReset | ConnectionAborted | BrokenPipe | TimedOut | UnexpectedEof | NotConnected
    )
}

/// A connection's number, given by the actor; never reused within a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// The time, passed in: a monotonic instant for timers and the wall clock for timestamps.
#[derive(Clone, Copy, Debug)]
pub struct Now {
    pub mono: Instant,
    pub unix_ms: i64,
}

/// Something that happened outside the core.
#[derive(Debug)]
pub enum Input {
    /// The listener is up: announce ourselves and dial configured peers.
    Start,
    Command(NetCommand),
    /// A discovery datagram arrived.
    Datagram {
        from: SocketAddr,
        bytes: Bytes,
    },
    /// A TCP connection is open (accepted or dialed); `nonce` is fresh randomness for its
    /// handshake challenge. The handshake timeout runs from here.
    ConnOpened {
        conn: ConnId,
        addr: SocketAddr,
        outbound: bool,
        nonce: [u8; 32],
    },
    /// The connection's Noise handshake finished: every frame from now on is encrypted, and
    /// `binding` is the Noise handshake hash, which the `auth` signatures must cover.
    Secured {
        conn: ConnId,
        binding: [u8; 32],
    },
    /// The connection ended before its Noise handshake because of a protocol version mismatch.
    Refused {
        conn: ConnId,
        refusal: Refusal,
    },
    /// A dial to `addr` failed.
    DialFailed {
        addr: SocketAddr,
        error: String,
    },
    /// One complete frame from a connection.
    Frame {
        conn: ConnId,
        bytes: Bytes,
    },
    /// The connection ended; `error` says why if it was not a clean close.
    ConnClosed {
        conn: ConnId,
        error: Option<String>,
    },
    /// A deadline from [`crate::node::Node::poll_timeout`] passed.
    Timer,
    /// The answer to [`Output::OutboxLookup`]: signed `dm` payloads still undelivered to the
    /// peer on `conn`, oldest first.
    OutboxFound {
        conn: ConnId,
        messages: Vec<SignedPayload>,
    },
    /// The runtime learnt that `id` is a known key (the user trusted it): it may use the
    /// reserved peer slots from now on.
    KeyKnown {
        id: PeerId,
    },
    /// The answer to [`Output::SyncLookup`]: the stored signed payloads found.
    SyncFound {
        conn: ConnId,
        messages: Vec<SignedPayload>,
    },
    /// The answer to [`Output::SyncIndexLookup`]: the signed broadcast messages held.
    SyncIndexFound {
        rows: Vec<super::HeldRow>,
    },
    /// At start (with [`Input::SyncIndexFound`]): the stored room messages, oldest first, and
    /// their stored reactions, so acts about messages from before a restart apply.
    ActsSeed {
        messages: Vec<crate::rooms::SeedMessage>,
        reactions: Vec<crate::rooms::SeedReaction>,
    },
    /// The runtime's report about a file transfer.
    Files(crate::files::FileInput),
}

/// Why a connection ended in its plaintext preamble.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The other side's preamble names this protocol version; we sent it a `reject`.
    TheirVersion(u64),
    /// The other side refused ours with this message (not yet cleaned).
    TheyRefused(String),
}

/// Something the actor must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Queue a frame on a connection.
    Send { conn: ConnId, frame: Bytes },
    /// Flush what is queued on the connection, then close it.
    Close { conn: ConnId },
    /// Open a TCP connection.
    Dial { addr: SocketAddr },
    /// Broadcast a discovery datagram.
    Announce { datagram: Bytes },
    /// Tell the front end.
    Event(NetEvent),
    /// The last frame from `conn` cost `tokens` signature verifications beyond the one its
    /// frame token pays for: take that many more tokens from its reader's rate limit.
    Charge { conn: ConnId, tokens: u64 },
    /// Persist that sequence numbers below `reserved` may be in use, before any later `Send`.
    ReserveSeq { reserved: u64 },
    /// Every goodbye is queued: flush, save, stop.
    Shutdown,
    /// Keep this signed broadcast message (the author's original) so it can be given to peers
    /// that missed it. Comes before the event that shows it.
    Archive {
        msg_id: String,
        author: PeerId,
        ts: i64,
        /// The room named in the signed payload (stored in its own column).
        room: crate::rooms::RoomName,
        payload: SignedPayload,
    },
    /// Keep this signed private message for `to` until it is acknowledged (the outbox;
    /// survives restarts). Comes before the event that shows it.
    Outbox {
        msg_id: String,
        to: PeerId,
        ts: i64,
        payload: SignedPayload,
    },
    /// `peer` is connected on `conn`: answer with [`Input::OutboxFound`].
    OutboxLookup { conn: ConnId, peer: PeerId },
    /// Find these stored signed broadcast messages (ids `author:seq`, at most `SYNC_PAGE`)
    /// and answer with [`Input::SyncFound`] for `conn` (those not found are left out).
    SyncLookup { conn: ConnId, msg_ids: Vec<String> },
    /// A connection to `id` at `addr` worked: remember it in the address book.
    AddressWorked { id: PeerId, addr: SocketAddr },
    /// At start: list the stored signed broadcast messages with `ts >= since` and answer with
    /// [`Input::SyncIndexFound`].
    SyncIndexLookup { since: i64 },
    /// Work for the runtime's file transfers.
    Files(crate::files::FileOutput),
    /// Save the state file now (a transfer changed stage).
    SaveState,
}
