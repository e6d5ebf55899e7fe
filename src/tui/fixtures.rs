//! Fixtures shared by the interface's unit tests, integration tests and benchmarks (the
//! program itself does not use them): a state with a fixed clock and size, and the network
//! events and stored lines the tests feed it, each built one way for all of them.

use crate::tui::model::{apply, update, Action, AppState, Now};
use crate::tui::TuiOptions;
use p2pchat_engine::api::{EntryKind, HistoryEntry, NetEvent};

/// The tests' clock: 2026-11-22 14:05:00 UTC.
pub const T0: i64 = 1_795_356_300_000;

/// Options without mouse capture, with colour or not (independent of `NO_COLOR`).
pub fn options(color: bool) -> TuiOptions {
    TuiOptions {
        color,
        mouse: false,
        ..TuiOptions::default()
    }
}

/// A state whose clock reads `now_ms` (UTC), laid out for a `width`×`height` terminal.
pub fn state_at(now_ms: i64, width: u16, height: u16, color: bool) -> AppState {
    let mut s = AppState::new(&options(color), Now::utc(now_ms));
    update(&mut s, Action::Resize { width, height });
    s
}

/// A peer coming online (shown, not folded).
pub fn peer_online(id: &str, name: &str, fingerprint: &str, addr: &str) -> NetEvent {
    NetEvent::PeerOnline {
        id: id.into(),
        name: name.into(),
        fingerprint: fingerprint.into(),
        addr: addr.into(),
        quiet: false,
    }
}

/// A signed and verified message in `room`, naming nobody, replying to nothing.
pub fn message(
    from: &str,
    from_name: &str,
    body: &str,
    msg_id: &str,
    ts: i64,
    room: &str,
) -> NetEvent {
    NetEvent::Message {
        mentions_me: false,
        action: false,
        msg_id: msg_id.into(),
        from: from.into(),
        from_name: from_name.into(),
        body: body.into(),
        signed: true,
        verified: true,
        ts,
        room: room.into(),
        reply_to: None,
    }
}

/// `event` (a message) sent unsigned.
pub fn unsigned(mut event: NetEvent) -> NetEvent {
    if let NetEvent::Message {
        signed, verified, ..
    } = &mut event
    {
        (*signed, *verified) = (false, false);
    }
    event
}

/// `n` messages from Bob (id `b`) in `#general`, `line 0`, `line 1`, … with ids `m0`, …, all
/// dated `ts`: enough lines to scroll.
pub fn bob_lines(s: &mut AppState, n: usize, ts: i64) {
    for i in 0..n {
        let event = message(
            "b",
            "Bob",
            &format!("line {i}"),
            &format!("m{i}"),
            ts,
            "#general",
        );
        apply(s, event);
    }
}

/// A stored line of `kind` by `author`, signed and live (not backfilled), in no room and no
/// private conversation; its message id is `AUTHOR:ROW`.
pub fn stored(
    row: i64,
    kind: EntryKind,
    (author, author_name): (&str, &str),
    body: &str,
    ts: i64,
) -> HistoryEntry {
    HistoryEntry {
        row,
        kind,
        msg_id: Some(format!("{author}:{row}")),
        author: author.into(),
        author_name: author_name.into(),
        peer: None,
        body: body.into(),
        ts,
        signed: true,
        backfilled: false,
        status: None,
        peer_name: None,
        room: None,
        reactions: Vec::new(),
    }
}

/// Our node is up: we are `name` with this id and fingerprint, on port 7000.
pub fn ready(id: &str, name: &str, fingerprint: &str) -> NetEvent {
    NetEvent::Ready {
        id: id.into(),
        name: name.into(),
        port: 7000,
        fingerprint: fingerprint.into(),
    }
}

/// Bob (id `b`) proposes secure-only mode ("lock"): two approvals of three (`a`, `b`, `c`).
pub fn proposal(id: &str, expires_ts: i64) -> NetEvent {
    NetEvent::Proposal {
        proposal_id: id.into(),
        proposer: "b".into(),
        proposer_name: "Bob".into(),
        description: "lock".into(),
        enable: true,
        threshold: 2,
        electorate: vec!["a".into(), "b".into(), "c".into()],
        expires_ts,
    }
}
