//! Every type that crosses a boundary: commands in, events out, peer and proposal info, the
//! stored-line type and the state that survives a restart.
//!
//! Front ends hold the runtime's `NetHandle` and never block on it (`try_send`), and drain the
//! receiver of [`NetEvent`]s they were given. `NetEvent` serialises to exactly the JSON lines
//! that headless mode prints (see docs/HEADLESS.md).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// Something a front end asks the network to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetCommand {
    /// Broadcast a chat message to every connected peer.
    Send {
        body: String,
        signed: bool,
    },
    /// Dial a peer directly.
    Connect {
        addr: SocketAddr,
    },
    /// Answered by [`NetEvent::Peers`].
    ListPeers,
    /// Answered by [`NetEvent::Status`].
    Status,
    /// Answered by [`NetEvent::Identity`].
    Identity,
    /// Propose secure-only mode (`enable`) or a return to open mode.
    Propose {
        enable: bool,
        threshold: Option<usize>,
        description: String,
    },
    /// Vote on a proposal named by any unique prefix of its id.
    Vote {
        proposal: String,
        approve: bool,
    },
    /// Answered by [`NetEvent::Proposals`].
    ListProposals,
    /// Send a signed private message to one connected peer (name, fingerprint or id).
    SendDm {
        to: String,
        body: String,
    },
    /// Answered by [`NetEvent::History`]: up to `limit` stored lines before row `before`, or
    /// the newest ones; with `earlier_runs`, only lines stored before this run started (what
    /// an interface shows above the lines it received live).
    History {
        before: Option<i64>,
        limit: usize,
        earlier_runs: bool,
        /// Only this room's messages (no private or system lines); `None`: every line.
        room: Option<String>,
    },
    /// Answered by [`NetEvent::SearchResults`].
    Search {
        text: String,
        room: Option<String>,
    },
    /// Answered by [`NetEvent::SafetyCode`]: the code to compare with a peer.
    Verify {
        who: String,
    },
    /// Mark a peer's key verified (or not). Marking needs `code`, the first five digits (or
    /// more) of the safety code as the peer's screen shows it; without it the reply is the
    /// [`NetEvent::SafetyCode`] to compare, and nothing is marked.
    Trust {
        who: String,
        trusted: bool,
        code: Option<String>,
    },
    /// Stop (or resume) showing and accepting a peer's messages.
    Block {
        who: String,
        blocked: bool,
    },
    /// Offer a file to one peer (`to`: name, fingerprint or id) or, with `to: None`, to every
    /// connected peer.
    OfferFile {
        to: Option<String>,
        path: String,
    },
    /// Accept an offered file (any unique prefix of its id), into `dir` or the download
    /// directory.
    AcceptFile {
        transfer: String,
        dir: Option<String>,
    },
    DeclineFile {
        transfer: String,
    },
    /// Stop a transfer, either side.
    CancelFile {
        transfer: String,
    },
    /// Answered by [`NetEvent::Transfers`].
    ListTransfers,
    /// Say goodbye to every peer and stop; the last event is [`NetEvent::Stopped`].
    Quit,
    /// Answered by [`NetEvent::Net`]: interfaces, discovery, and why unconnected peers are.
    Net,
    /// Send a chat message to one room (`#name`) we are in; `Send` is to `#general`.
    SendRoom {
        room: String,
        body: String,
        signed: bool,
    },
    /// Join a room (it exists once anyone is in it); answered with `joined` or an error.
    Join {
        room: String,
    },
    /// Leave a room; answered with `parted` or an error.
    Part {
        room: String,
    },
    /// List the rooms known on the LAN with member counts (`rooms`).
    ListRooms,
    /// List the online members of a room (`room_members`).
    Who {
        room: String,
    },
    /// Answer a room message (in its room).
    Reply {
        msg_id: String,
        body: String,
    },
    /// Toggle our reaction `emoji` on a room message.
    React {
        msg_id: String,
        emoji: String,
    },
    /// Replace the body of our own room message.
    Edit {
        msg_id: String,
        body: String,
    },
    /// Delete our own room message.
    Delete {
        msg_id: String,
    },
}

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

/// In the `reason` of every [`NetEvent::Rejected`] for a private message (and of no other):
/// interfaces show such a refusal in the conversation with its sender.
pub const DM_REJECTED: &str = "private message";

/// Something that happened, for front ends. Serialised with an `"event"` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum NetEvent {
    /// The node is listening and announcing.
    Ready {
        id: String,
        name: String,
        port: u16,
        fingerprint: String,
    },
    /// `quiet`: the join is folded (a peer that has not spoken lately): interfaces update the
    /// peer list but show and store no line. Set by the store edge; absent when false.
    PeerOnline {
        id: String,
        name: String,
        fingerprint: String,
        addr: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        quiet: bool,
    },
    /// A peer we cannot connect to is reachable through `via` (a relay): its messages come
    /// relayed. It goes away with `PeerOffline`, or becomes direct with `PeerOnline`.
    PeerVia {
        id: String,
        name: String,
        fingerprint: String,
        via: String,
        via_name: String,
    },
    /// The answer to [`NetCommand::Net`].
    Net {
        interfaces: Vec<String>,
        discovery_port: u16,
        announce_to: Vec<String>,
        listen_port: u16,
        advertised: Vec<String>,
        peers: Vec<NetPeer>,
    },
    /// `quiet`: the leave is folded, as for `PeerOnline`.
    PeerOffline {
        id: String,
        name: String,
        reason: OfflineReason,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        quiet: bool,
    },
    /// A chat message from a peer. `ts` is the author's clock, Unix milliseconds.
    /// `mentions_me`: the body names this node's own name ([`crate::mention::mentions`]);
    /// `action`: the body is an action, `/me TEXT` ([`crate::mention::action_text`]).
    Message {
        msg_id: String,
        from: String,
        from_name: String,
        body: String,
        signed: bool,
        verified: bool,
        ts: i64,
        /// The room it was sent in (`#general` for payloads without one).
        #[serde(default = "general_room")]
        room: String,
        /// The message it answers, for a reply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<String>,
        #[serde(default)]
        mentions_me: bool,
        #[serde(default)]
        action: bool,
    },
    /// Our own message went out to `recipients` peers.
    Sent {
        msg_id: String,
        body: String,
        signed: bool,
        ts: i64,
        recipients: usize,
        /// The room it was sent in (`#general` for payloads without one).
        #[serde(default = "general_room")]
        room: String,
        /// The message it answers, for a reply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<String>,
    },
    /// A frame was dropped for a security or protocol reason. `from` is a peer id when known,
    /// otherwise a socket address. A refused private message's `reason` contains
    /// [`DM_REJECTED`].
    Rejected {
        from: String,
        reason: String,
    },
    /// A command could not be carried out; one line for the user.
    Error {
        message: String,
    },
    /// Something worth telling the user that is not an error.
    Notice {
        message: String,
    },
    Peers {
        peers: Vec<PeerInfo>,
    },
    Status {
        id: String,
        name: String,
        fingerprint: String,
        port: u16,
        peers: usize,
        secure_only: bool,
        open_proposals: usize,
    },
    Identity {
        id: String,
        fingerprint: String,
        public_key: String,
        algorithm: String,
        key_file: String,
    },
    /// A proposal was made (by anyone, including us).
    Proposal {
        proposal_id: String,
        proposer: String,
        proposer_name: String,
        description: String,
        enable: bool,
        threshold: usize,
        electorate: Vec<String>,
        expires_ts: i64,
    },
    /// A counted vote, with the tally after it.
    Vote {
        proposal_id: String,
        voter: String,
        voter_name: String,
        approve: bool,
        approvals: usize,
        rejections: usize,
    },
    ProposalClosed {
        proposal_id: String,
        outcome: Outcome,
    },
    /// The group's mode changed (or, for a newcomer, was adopted from a certificate).
    SecureMode {
        enabled: bool,
        proposal_id: String,
        approvers: Vec<String>,
        /// The approvers' names in the same order, as last seen (filled by the store edge;
        /// a fingerprint where no name is known). Absent when empty.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        approver_names: Vec<String>,
    },
    Proposals {
        proposals: Vec<ProposalInfo>,
    },
    /// A private message to us.
    DirectMessage {
        msg_id: String,
        from: String,
        from_name: String,
        body: String,
        ts: i64,
    },
    /// Our private message went out on the recipient's connection (`sent`), or waits in the
    /// outbox until the recipient is back (`queued`).
    DmSent {
        msg_id: String,
        to: String,
        to_name: String,
        body: String,
        ts: i64,
        status: Delivery,
    },
    /// The recipient acknowledged our private message.
    Delivered {
        msg_id: String,
        to: String,
    },
    /// A broadcast message we missed, relayed by peer `via` after a reconnection; signed by
    /// its author (verified). Shown only if not already stored.
    /// `mentions_me` and `action` as for `Message`.
    Backfilled {
        msg_id: String,
        from: String,
        from_name: String,
        body: String,
        ts: i64,
        via: String,
        /// The room it was sent in (`#general` for payloads without one).
        #[serde(default = "general_room")]
        room: String,
        /// The message it answers, for a reply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<String>,
        #[serde(default)]
        mentions_me: bool,
        #[serde(default)]
        action: bool,
    },
    /// Messages by `author` between `from_ts` and `to_ts` (Unix ms) are missing and no
    /// connected peer could give them (pruned, or never received): told once per gap.
    HistoryGap {
        author: String,
        from_name: String,
        from_ts: i64,
        to_ts: i64,
    },
    /// Stored lines, oldest first; `more` says whether older ones remain.
    History {
        entries: Vec<HistoryEntry>,
        more: bool,
    },
    /// Stored messages whose text contains `query`, oldest first.
    SearchResults {
        query: String,
        entries: Vec<HistoryEntry>,
    },
    /// What is known about a peer's key; sent after `peer_online` and after `/trust`/`/block`.
    PeerTrust {
        id: String,
        name: String,
        fingerprint: String,
        trust: Trust,
        blocked: bool,
        /// For `key_changed`: fingerprints first seen under this name.
        previous: Vec<String>,
    },
    /// The safety code for a peer: the same on both screens when nobody is in between.
    SafetyCode {
        id: String,
        name: String,
        fingerprint: String,
        code: String,
        trusted: bool,
    },
    /// A peer offers us a file (`name` is already made safe for a file system).
    FileOffer {
        transfer_id: String,
        from: String,
        from_name: String,
        name: String,
        size: u64,
        hash: String,
        /// How many peers the offer names (its signed `to`): 1 means it was made to us alone,
        /// by `/send` (or by `/share` while we were the only peer connected), and interfaces
        /// show it in the private conversation with `from`.
        #[serde(default)]
        recipients: usize,
    },
    /// Our offer went out (to the recipients connected now; the others get it when they
    /// connect).
    FileOffered {
        transfer_id: String,
        to: Vec<String>,
        name: String,
        size: u64,
        hash: String,
    },
    FileAccepted {
        transfer_id: String,
        by: String,
        by_name: String,
    },
    FileDeclined {
        transfer_id: String,
        by: String,
        by_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Bytes verified and written so far (receiver), at `rate` bytes per second.
    FileProgress {
        transfer_id: String,
        bytes: u64,
        size: u64,
        rate: u64,
    },
    /// Received, every chunk and the whole file verified, renamed into `path`.
    FileDone {
        transfer_id: String,
        path: String,
        hash: String,
    },
    /// A recipient has our file, verified.
    FileDelivered {
        transfer_id: String,
        to: String,
        to_name: String,
    },
    FileFailed {
        transfer_id: String,
        reason: String,
    },
    /// `by`: `you`, `declined` (we declined it) or the name of the peer who cancelled.
    FileCancelled {
        transfer_id: String,
        by: String,
    },
    Transfers {
        transfers: Vec<TransferInfo>,
    },
    /// The actor has stopped; no event follows.
    Stopped,
    /// Rooms known on the LAN with member counts: the answer to `ListRooms`, and sent again
    /// whenever a count or our membership changes.
    Rooms {
        rooms: Vec<RoomInfo>,
    },
    /// We joined a room.
    Joined {
        room: String,
    },
    /// We left a room.
    Parted {
        room: String,
    },
    /// The online members of a room (the answer to `Who`); `me` says whether we are in it.
    RoomMembers {
        room: String,
        me: bool,
        members: Vec<PeerInfo>,
    },
    /// Someone (us included) added (`on`) or took back a reaction; `count` keys have it now.
    Reaction {
        msg_id: String,
        from: String,
        from_name: String,
        emoji: String,
        on: bool,
        count: usize,
        room: String,
    },
    /// A message's author replaced its body.
    Edited {
        msg_id: String,
        from: String,
        from_name: String,
        body: String,
        room: String,
    },
    /// A message's author deleted it.
    Deleted {
        msg_id: String,
        from: String,
        from_name: String,
        room: String,
    },
}

fn general_room() -> String {
    crate::rooms::GENERAL.to_string()
}

/// One room in a [`NetEvent::Rooms`] list.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_with_an_event_field() {
        let e = NetEvent::PeerOffline {
            id: "ab".into(),
            name: "Bob".into(),
            reason: OfflineReason::Timeout,
            quiet: false,
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"event":"peer_offline","id":"ab","name":"Bob","reason":"timeout"}"#
        );
        assert_eq!(
            serde_json::to_string(&NetEvent::Stopped).unwrap(),
            r#"{"event":"stopped"}"#
        );
    }
}
