//! Shared fixtures for the interface's render tests: a busy chat state built from network
//! events with a fixed clock in UTC (built with the interface's shared `tui::fixtures`), rendering
//! to a TestBackend, and text extraction.

pub use p2pchat_engine::api::{NetEvent, OfflineReason};
pub use p2pchat_tui::tui::model::keymap::{lookup, Code, Key, Mode};
pub use p2pchat_tui::tui::model::{apply, update, Action, AppState, Now};
pub use p2pchat_tui::tui::view;
pub use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
pub use ratatui::Terminal;

pub use p2pchat_tui::tui::fixtures::{self as shared, T0};
pub const MIN: i64 = 60_000;

pub fn state(width: u16, height: u16, color: bool) -> AppState {
    shared::state_at(T0 - 30 * MIN, width, height, color)
}

pub fn ready(s: &mut AppState) {
    apply(
        s,
        shared::ready(&"a1".repeat(16), "Alice", "a1b2:c3d4:e5f6"),
    );
}

pub fn online(s: &mut AppState, id: &str, name: &str, fp: &str) {
    apply(s, shared::peer_online(id, name, fp, "127.0.0.1:7001"));
}

pub fn msg(s: &mut AppState, from: &str, name: &str, body: &str, signed: bool, ts: i64) {
    let event = shared::message(from, name, body, &format!("m{ts}"), ts, "#general");
    apply(
        s,
        if signed {
            event
        } else {
            shared::unsigned(event)
        },
    );
}

/// A busy but ordinary chat: three peers (one gone), messages over a day change, a proposal.
pub fn chat(width: u16, height: u16, color: bool) -> AppState {
    let mut s = state(width, height, color);
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob",
        "late night hello",
        true,
        T0 - 15 * 60 * MIN,
    );
    ready(&mut s);
    online(&mut s, "b0b0b0b0", "Bob", "b0b1:b2b3");
    online(&mut s, "c4c4c4c4", "Carol", "c4c5:c6c7");
    online(&mut s, "d8d8d8d8", "Dave 🎸", "d8d9:dadb");
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob",
        "morning all! 早上好 🎉",
        true,
        T0 - 20 * MIN,
    );
    msg(
        &mut s,
        "c4c4c4c4",
        "Carol",
        "this one is not signed",
        false,
        T0 - 19 * MIN,
    );
    apply(
        &mut s,
        NetEvent::Sent {
            msg_id: "x".into(),
            body: "hi both, shall we lock it down?".into(),
            signed: true,
            ts: T0 - 18 * MIN,
            recipients: 3,
            room: "#general".into(),
            reply_to: None,
        },
    );
    msg(
        &mut s,
        "d8d8d8d8",
        "Dave 🎸",
        "a rather long message that has to wrap over several rows of the message pane without breaking words",
        true,
        T0 - 17 * MIN,
    );
    s.now = Now::utc(T0 - 16 * MIN);
    apply(
        &mut s,
        NetEvent::PeerOffline {
            id: "c4c4c4c4".into(),
            name: "Carol".into(),
            reason: OfflineReason::Timeout,
            quiet: false,
        },
    );
    apply(
        &mut s,
        NetEvent::Proposal {
            proposal_id: "p9f00ba4c0ffee".into(),
            proposer: "b0b0b0b0".into(),
            proposer_name: "Bob".into(),
            description: "lock it down".into(),
            enable: true,
            threshold: 2,
            electorate: vec!["a1".repeat(16), "b0b0b0b0".into(), "d8d8d8d8".into()],
            expires_ts: T0 + 90_000,
        },
    );
    apply(
        &mut s,
        NetEvent::Vote {
            proposal_id: "p9f00ba4c0ffee".into(),
            voter: "b0b0b0b0".into(),
            voter_name: "Bob".into(),
            approve: true,
            approvals: 1,
            rejections: 0,
        },
    );
    s.now = Now::utc(T0);
    s.status = None;
    s
}

pub fn render(s: &AppState) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(s.width, s.height)).unwrap();
    t.draw(|f| view::draw(f, s)).unwrap();
    t
}

/// The buffer as plain text rows (trailing spaces trimmed).
pub fn text(t: &Terminal<TestBackend>) -> String {
    let buf: &Buffer = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut row = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            row.push_str(sym);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

pub fn key(s: &mut AppState, k: Key) {
    let mode = Mode::of(s);
    if let Some(a) = lookup(mode, k) {
        update(s, a);
    }
}
