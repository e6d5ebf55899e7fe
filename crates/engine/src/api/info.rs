//! What front ends are told about peers, proposals, rooms and transfers, and the small
//! enums events carry (why a peer left, how far a key is trusted, where a message is).

use serde::{Deserialize, Serialize};

/// Why a peer went offline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfflineReason {
    /// It said goodbye.
    Quit,
    /// Its connection closed or failed without a goodbye (a crash, a reset).
    Closed,
    /// Nothing was heard from it within the peer timeout.
    Timeout,
}

/// How far a peer's key is trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// First time this key is seen: remembered now (trust on first use).
    New,
    /// Seen before under this name.
    Known,
    /// The user compared safety codes and ran `/trust`.
    Verified,
    /// The name was first seen with another key: possible impersonation.
    KeyChanged,
}

/// Where one of our private messages is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In the outbox: the recipient is not connected; sent when it is.
    Queued,
    /// Written to the recipient's connection, not yet acknowledged.
    Sent,
    /// The recipient acknowledged it.
    Delivered,
}

/// A connected peer, as listed by `/list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    pub id: String,
    pub name: String,
    pub fingerprint: String,
    pub addr: String,
    /// Reached only through this peer (its name), when not connected directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// One peer as `/net` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetPeer {
    pub id: String,
    pub fingerprint: String,
    pub name: String,
    /// `connected`, `via NAME (...)`, or why not: `refused: ...`, `timed out: ...`,
    /// `wrong version`, `not heard`, `dialing`.
    pub status: String,
    /// Every address known for it (connection, signed record, address book, announcement).
    pub addrs: Vec<String>,
    /// The IP its last announcement came from, and when (Unix milliseconds).
    pub heard_from: Option<String>,
    pub heard_at_ms: Option<i64>,
    /// The peer that first passed on its signed record (peer exchange).
    pub record_from: Option<String>,
}

/// Outcome of a closed proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    Rejected,
    Expired,
}

/// A proposal as front ends see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalInfo {
    pub proposal_id: String,
    pub proposer: String,
    pub proposer_name: String,
    pub description: String,
    /// true: switch to secure-only mode; false: switch back to open mode.
    pub enable: bool,
    pub threshold: usize,
    /// Ids of the peers whose votes count (N = its length).
    pub electorate: Vec<String>,
    pub approvals: usize,
    pub rejections: usize,
    /// Unix milliseconds at which it expires.
    pub expires_ts: i64,
    /// This peer's own vote, if any.
    pub my_vote: Option<bool>,
    /// `None` while open.
    pub outcome: Option<Outcome>,
}

/// One room in a [`NetEvent::Rooms`](super::NetEvent::Rooms) list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomInfo {
    pub room: String,
    /// Online members, us included when `joined`.
    pub members: usize,
    pub joined: bool,
}

/// A transfer as `/transfers` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferInfo {
    pub transfer_id: String,
    /// `in` or `out`.
    pub direction: String,
    /// The sender (in) or the recipients (out), as ids, and their names.
    pub peers: Vec<String>,
    pub peer_names: Vec<String>,
    pub name: String,
    pub size: u64,
    pub bytes: u64,
    /// Bytes per second, as last reported.
    pub rate: u64,
    /// `hashing`, `offered`, `transferring`, `done`, `failed`, `declined`, `cancelled`.
    pub state: String,
    pub reason: Option<String>,
    pub path: Option<String>,
}
