//! Resolved settings: every named limit and interval, with its default.

use std::time::Duration;

/// Protocol version spoken on the wire (handshake and discovery).
pub const PROTOCOL_VERSION: u32 = 2;

/// Hard limits. Each is documented in docs/PROTOCOL.md under the same name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// MAX_FRAME_LEN: largest TCP frame payload in bytes, checked before allocating.
    pub max_frame_len: usize,
    /// MAX_BODY_LEN: largest chat message body in bytes (UTF-8).
    pub max_body_len: usize,
    /// MAX_NAME_LEN: longest display name in characters.
    pub max_name_len: usize,
    /// MAX_PEERS: most established peers at once.
    pub max_peers: usize,
    /// MAX_PENDING_HANDSHAKES: most connections still in their handshake at once.
    pub max_pending_handshakes: usize,
    /// MAX_FRAMES_PER_SEC: sustained frames per second read from one connection.
    pub max_frames_per_sec: u32,
    /// FRAME_BURST: frames a connection may send at once above the sustained rate.
    pub frame_burst: u32,
    /// MAX_DATAGRAM_LEN: largest discovery datagram accepted.
    pub max_datagram_len: usize,
    /// OUTBOUND_QUEUE: frames queued to one peer before it is dropped as too slow.
    pub outbound_queue: usize,
    /// OUTBOUND_QUEUE_BYTES: bytes queued to one peer (waiting in its queue or in its writer's
    /// buffer, not yet taken by the kernel) before it is dropped as too slow. Default 1 MiB.
    pub outbound_queue_bytes: usize,
    /// OUTBOUND_TOTAL_BYTES: the same over all connections together; the peer whose frame
    /// would pass it is dropped as too slow. Default 16 MiB.
    pub outbound_total_bytes: usize,
    /// MAX_STORE_BYTES: most bytes of stored messages, relay copies and private messages in
    /// `history.db` (counted as stored, see `store::quota`); past it the largest author's
    /// oldest rows are pruned. Default 256 MiB (`--max-store-mb`).
    pub max_store_bytes: u64,
    /// MAX_AUTHOR_BYTES: most of those bytes from one author; past it that author's oldest
    /// rows are pruned. Default 32 MiB (`--max-author-mb`).
    pub max_author_bytes: u64,
    /// RETENTION: how long stored messages are kept, and so how far back a returning peer can
    /// catch up (history sync offers and accepts nothing older). Default 30 days.
    pub retention: Duration,
    /// MAX_CLOCK_SKEW: how far ahead of the receiver's clock a timestamp from the network may
    /// be (chat, private messages, synced history); later ones are refused. Default 5 minutes.
    pub max_clock_skew: Duration,
    /// RESERVED_PEER_SLOTS: of MAX_PEERS, slots only keys known from earlier runs or trusted
    /// may take; a stranger is refused as `full` once the others are taken.
    pub reserved_peer_slots: usize,
    /// MAX_PENDING_PER_ADDR: most connections from one IP address in their handshake at once
    /// (of MAX_PENDING_HANDSHAKES); more are closed at once. Not for loopback (nor the two
    /// per-address limits below): all local peers share it.
    pub max_pending_per_addr: usize,
    /// NEW_IDS_PER_ADDR: most handshakes per minute from one IP address with keys never seen
    /// before; more are refused.
    pub new_ids_per_addr: u32,
    /// DISCOVERY_DIALS_PER_SEC: most dials per second that announcements may cause in total
    /// (twice that at once); announcements past it are ignored until tokens return.
    pub discovery_dials_per_sec: u32,
    /// DISCOVERY_DIALS_PER_ADDR: most dials per second to one announced IP address (twice
    /// that at once).
    pub discovery_dials_per_addr: u32,
    /// MAX_REPLAY_AUTHORS: most authors whose replay window is kept (and saved); past it, the
    /// longest-idle author's is forgotten.
    pub max_replay_authors: usize,
    /// MAX_FILE_SIZE: largest file offer accepted (`--max-file-size-mb`); a larger offer is
    /// refused with one line and a decline to its sender. Default 16 GiB.
    pub max_file_size: u64,
    /// TRANSFER_RATE: most bytes per second sent on one transfer connection
    /// (`--max-transfer-rate-kib`); 0 is no limit (the default).
    pub transfer_rate: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_len: 64 * 1024,
            max_body_len: 8 * 1024,
            max_name_len: 32,
            max_peers: 256,
            max_pending_handshakes: 64,
            max_frames_per_sec: 200,
            frame_burst: 400,
            max_datagram_len: 1024,
            outbound_queue: 4096,
            outbound_queue_bytes: 1024 * 1024,
            outbound_total_bytes: 16 * 1024 * 1024,
            max_store_bytes: 256 * 1024 * 1024,
            max_author_bytes: 32 * 1024 * 1024,
            retention: Duration::from_secs(30 * 24 * 60 * 60),
            max_clock_skew: Duration::from_secs(5 * 60),
            reserved_peer_slots: 32,
            max_pending_per_addr: 8,
            new_ids_per_addr: 30,
            discovery_dials_per_sec: 32,
            discovery_dials_per_addr: 4,
            max_replay_authors: 1024,
            max_file_size: 16 * 1024 * 1024 * 1024,
            transfer_rate: 0,
        }
    }
}

/// Intervals and timeouts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timing {
    /// How often a ping is sent on an otherwise quiet connection.
    pub heartbeat: Duration,
    /// A connection with nothing received for this long is dropped ("timeout").
    pub peer_timeout: Duration,
    /// A connection must finish its handshake within this time.
    pub handshake_timeout: Duration,
    /// How often a discovery announcement is broadcast.
    pub announce_interval: Duration,
    /// Shortest gap between two announcements sent in answer to newcomers.
    pub announce_reply_gap: Duration,
    /// Shortest gap between two dials of the same address.
    pub redial_gap: Duration,
    /// How long an outbound TCP connect may take.
    pub connect_timeout: Duration,
    /// How long a proposal stays open.
    pub proposal_ttl: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            heartbeat: Duration::from_millis(1000),
            peer_timeout: Duration::from_millis(5000),
            handshake_timeout: Duration::from_millis(5000),
            announce_interval: Duration::from_millis(2000),
            announce_reply_gap: Duration::from_millis(200),
            redial_gap: Duration::from_millis(300),
            connect_timeout: Duration::from_millis(3000),
            proposal_ttl: Duration::from_secs(300),
        }
    }
}

/// MAX_KNOWN_KEYS (the store's bound, also the most keys the node treats as known for the
/// reserved peer slots): most keys remembered. Past it, the keys neither verified nor blocked that
/// were seen longest ago are forgotten (a forgotten key is "new" again if it comes back).
pub const MAX_KNOWN_KEYS: usize = 4096;

/// MAX_PEX_RECORDS: most signed peer records (peer exchange) a node keeps; past it the record
/// with the oldest timestamp is forgotten.
pub const MAX_PEX_RECORDS: usize = 1024;
/// MAX_PEX_PER_FRAME: most records in one `peers` frame; a frame with more is refused whole.
pub const MAX_PEX_PER_FRAME: usize = 64;
/// MAX_RECORD_ADDRS: most addresses one peer record may list; a record with more is refused.
pub const MAX_RECORD_ADDRS: usize = 8;
/// PEX_RECORD_MAX_AGE: a record signed longer ago than this is stale and refused.
pub const PEX_RECORD_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(10 * 60);
/// PEX_REFRESH: how often a node signs a fresh record of itself and gives it to its peers.
pub const PEX_REFRESH: std::time::Duration = std::time::Duration::from_secs(2 * 60);
/// PEX_RECORDS_PER_SEC: records taken from one connection per second (bursts of
/// PEX_RECORD_BURST); records past it are dropped unread.
pub const PEX_RECORDS_PER_SEC: u32 = 32;
/// PEX_RECORD_BURST: see PEX_RECORDS_PER_SEC.
pub const PEX_RECORD_BURST: u32 = 256;
/// PEX_RETRY: how long after every address of a known, unconnected peer failed it is tried
/// again (while its record is fresh, or for address-book entries).
pub const PEX_RETRY: std::time::Duration = std::time::Duration::from_secs(15);
/// HIGHER_ID_DIAL_DELAY: a peer learned from a peer record or the address book is dialled at
/// once by the lower id of the pair and after this delay by the higher, so that two peers
/// learning of each other together do not open two connections at once.
pub const HIGHER_ID_DIAL_DELAY: std::time::Duration = std::time::Duration::from_millis(500);
/// MAX_ADDRESS_BOOK: most (peer, address) pairs that worked remembered in the profile; past
/// it the one that worked longest ago is forgotten.
pub const MAX_ADDRESS_BOOK: usize = 256;
/// MAX_HEARD: most senders of announcements remembered for `/net` (the oldest forgotten).
pub const MAX_HEARD: usize = 256;
/// MAX_RELAY_HOPS: a relayed item is carried at most this many times; one that arrives
/// with this many hops is delivered but not passed on.
pub const MAX_RELAY_HOPS: u8 = 2;
/// MAX_RELAY_SEEN: message ids remembered as already relayed (dedup; the oldest forgotten).
pub const MAX_RELAY_SEEN: usize = 8192;
/// MAX_RELAY_ROUTES: most (unreachable author, relay) pairs a node keeps.
pub const MAX_RELAY_ROUTES: usize = 1024;
/// FILE_CHUNK_SIZE: the chunk size this implementation offers files in (1 MiB). Each chunk is
/// hashed on its own (the manifest) and verified before a byte of it is written.
pub const FILE_CHUNK_SIZE: u32 = 1024 * 1024;
/// MIN_CHUNK_SIZE, MAX_CHUNK_SIZE: the chunk sizes a receiver accepts in an offer (powers of
/// two in between). The largest bounds what a receiver holds of one transfer in memory.
pub const MIN_CHUNK_SIZE: u32 = 16 * 1024;
pub const MAX_CHUNK_SIZE: u32 = 1024 * 1024;
/// MAX_TRANSFER_CHUNKS: most chunks one file may have (so a manifest is at most 2 MiB).
pub const MAX_TRANSFER_CHUNKS: u64 = 65_536;
/// MAX_TRANSFER_FRAME: largest frame on a transfer connection: one chunk and its 9-byte
/// header, or a manifest piece; checked before allocating, like MAX_FRAME_LEN.
pub const MAX_TRANSFER_FRAME: usize = MAX_CHUNK_SIZE as usize + 64;
/// MAX_TRANSFERS: most transfers (both directions) a node keeps; past it the oldest finished
/// one is forgotten, and a new offer is refused while every kept one is still open.
pub const MAX_TRANSFERS: usize = 256;
/// FILE_OFFERS_PER_MIN: offers accepted from one peer per minute (bursts of as many); more
/// are refused with a line, like a flood of messages.
pub const FILE_OFFERS_PER_MIN: u32 = 10;
/// MAX_OFFER_BUDGETS: most peers whose offer rate is tracked at once; past it every budget
/// starts afresh.
pub const MAX_OFFER_BUDGETS: usize = 1024;
/// MAX_FILE_NAME_BYTES: longest file name written to disk (UTF-8 bytes); longer offered names
/// are cut, keeping the extension.
pub const MAX_FILE_NAME_BYTES: usize = 200;
/// MAX_TRANSFER_CONNS: most transfer connections served at once; more are closed at once (the
/// receiver retries). Fetches are bounded by MAX_TRANSFERS.
pub const MAX_TRANSFER_CONNS: usize = 32;
/// PROGRESS_INTERVAL: shortest gap between two progress reports of one transfer.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(250);
/// FETCH_RETRY: wait before a receiver dials a transfer again after its connection failed
/// (doubling up to FETCH_RETRY_MAX); MAX_CHUNK_FAILURES forged or corrupted copies of one
/// chunk end the transfer as failed.
pub const FETCH_RETRY: Duration = Duration::from_millis(500);
pub const FETCH_RETRY_MAX: Duration = Duration::from_secs(10);
pub const MAX_CHUNK_FAILURES: u32 = 3;
/// MAX_ROOM_NAME_LEN: longest room name in characters, counting the leading `#`.
pub const MAX_ROOM_NAME_LEN: usize = 32;
/// MAX_ROOMS_PER_PEER: most rooms one peer may be in (ours, and each peer's `rooms` frame;
/// a longer list is refused whole).
pub const MAX_ROOMS_PER_PEER: usize = 64;
/// MAX_ROOMS_KNOWN: most distinct rooms the membership table holds over all peers; a peer's
/// list that would pass it keeps only the rooms already known plus what fits.
pub const MAX_ROOMS_KNOWN: usize = 1024;
/// MAX_BUFFERS: most buffers (rooms and private conversations) the interface keeps; a private
/// message from a peer past it goes to the current buffer instead of a new one.
pub const MAX_BUFFERS: usize = 200;
/// MAX_RECENT_MESSAGES: room messages a node remembers (id, room, author, reactions) so it can
/// reply to, react to, edit or delete them, and apply others' reactions, edits and deletes.
pub const MAX_RECENT_MESSAGES: usize = 10_000;
/// MAX_REACTIONS_PER_MESSAGE: most (emoji, key) reactions kept on one message, in memory and
/// in the store; a reaction past it is not counted.
pub const MAX_REACTIONS_PER_MESSAGE: usize = 256;
/// MAX_EDITS_NAMED: most edits of a message its delete names (`edits`, the author's edit acts
/// of it, newest kept), so that peers which never had them count them as held; a delete naming
/// more is refused.
pub const MAX_EDITS_NAMED: usize = 16;
/// MAX_PENDING_ACTS: reactions, edits and deletes held until the message they are about
/// arrives (the oldest is dropped past it).
pub const MAX_PENDING_ACTS: usize = 256;
/// MAX_EMOJI_BYTES: longest reaction, in bytes of UTF-8.
pub const MAX_EMOJI_BYTES: usize = 32;
