//! What a front end asks the network to do.

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
    /// Answered by [`NetEvent::Peers`](super::NetEvent::Peers).
    ListPeers,
    /// Answered by [`NetEvent::Status`](super::NetEvent::Status).
    Status,
    /// Answered by [`NetEvent::Identity`](super::NetEvent::Identity).
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
    /// Answered by [`NetEvent::Proposals`](super::NetEvent::Proposals).
    ListProposals,
    /// Send a signed private message to one connected peer (name, fingerprint or id).
    SendDm {
        to: String,
        body: String,
    },
    /// Answered by [`NetEvent::History`](super::NetEvent::History): up to `limit` stored lines before row `before`, or
    /// the newest ones; with `earlier_runs`, only lines stored before this run started (what
    /// an interface shows above the lines it received live).
    History {
        before: Option<i64>,
        limit: usize,
        earlier_runs: bool,
        /// Only this room's messages (no private or system lines); `None`: every line.
        room: Option<String>,
    },
    /// Answered by [`NetEvent::SearchResults`](super::NetEvent::SearchResults).
    Search {
        text: String,
        room: Option<String>,
    },
    /// Answered by [`NetEvent::SafetyCode`](super::NetEvent::SafetyCode): the code to compare with a peer.
    Verify {
        who: String,
    },
    /// Mark a peer's key verified (or not). Marking needs `code`, the first five digits (or
    /// more) of the safety code as the peer's screen shows it; without it the reply is the
    /// [`NetEvent::SafetyCode`](super::NetEvent::SafetyCode) to compare, and nothing is marked.
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
    /// Answered by [`NetEvent::Transfers`](super::NetEvent::Transfers).
    ListTransfers,
    /// Say goodbye to every peer and stop; the last event is [`NetEvent::Stopped`](super::NetEvent::Stopped).
    Quit,
    /// Answered by [`NetEvent::Net`](super::NetEvent::Net): interfaces, discovery, and why unconnected peers are.
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
