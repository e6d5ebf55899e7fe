//! Everything the network tells a front end, one `NetEvent` per happening; serialised with
//! an `"event"` field, exactly the JSON lines headless mode prints.

use super::*;
use serde::{Deserialize, Serialize};

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
