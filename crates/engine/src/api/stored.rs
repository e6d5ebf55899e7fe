//! The stored-line type front ends page through, and the state that survives a restart.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of line a history entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A broadcast message from a peer.
    Message,
    /// Our own broadcast message.
    Sent,
    /// A private message to us.
    DmIn,
    /// Our own private message.
    DmOut,
    /// A system line (joins, leaves, notices, warnings).
    System,
}

/// One stored line. `row` orders entries as they were stored; pages are asked for by it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub row: i64,
    pub kind: EntryKind,
    /// `author-hex:seq` for messages, absent for system lines.
    pub msg_id: Option<String>,
    /// Author's peer id (ours for `sent`/`dm_out`), empty for system lines.
    pub author: String,
    pub author_name: String,
    /// The other side of a private message.
    pub peer: Option<String>,
    pub body: String,
    /// Author's clock for messages, ours for system lines; Unix milliseconds.
    pub ts: i64,
    pub signed: bool,
    /// Arrived through backfill rather than live.
    pub backfilled: bool,
    /// For our private messages: `queued`, `sent` or `delivered`.
    #[serde(default)]
    pub status: Option<String>,
    /// For our private messages: the recipient's name when it was sent.
    #[serde(default)]
    pub peer_name: Option<String>,
    /// The room of a room message (sent or received); absent for private and system lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// A room message's stored reactions: each emoji with how many keys have it, in the
    /// order first stored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reactions: Vec<(String, u64)>,
}

/// What survives a restart (the profile's state file; the runtime reads and writes it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedState {
    /// Sequence numbers below this may have been used by a previous run; the next run starts
    /// at or above it.
    pub seq_reserved: u64,
    /// Highest sequence number accepted from each author (hex id → seq).
    #[serde(default)]
    pub replay: BTreeMap<String, u64>,
    /// The group's mode certificate (its JSON), checked again and adopted at start, so a
    /// restarted node keeps the mode the group voted for before any peer is back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// File transfers, so an accepted download or an offered file resumes after a restart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transfers: Vec<crate::files::Transfer>,
    /// The rooms we were in (absent: `#general` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<String>,
}
