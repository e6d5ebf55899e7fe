//! Whole-screen render snapshots of the interactive interface (ratatui TestBackend + insta),
//! driven by network events and actions, with a fixed clock in UTC.

use p2pchat_tui::net::{NetEvent, OfflineReason};
use p2pchat_tui::tui::app::keymap::{lookup, Code, Key, Mode};
use p2pchat_tui::tui::app::{apply, update, Action, AppState, Now};
use p2pchat_tui::tui::{ui, TuiOptions};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

/// 2026-11-22 14:05:00 UTC.
const T0: i64 = 1_795_356_300_000;
const MIN: i64 = 60_000;

fn opts(color: bool) -> TuiOptions {
    TuiOptions {
        color,
        mouse: false,
        ..TuiOptions::default()
    }
}

fn state(width: u16, height: u16, color: bool) -> AppState {
    let mut s = AppState::new(&opts(color), Now::utc(T0 - 30 * MIN));
    update(&mut s, Action::Resize { width, height });
    s
}

fn ready(s: &mut AppState) {
    apply(
        s,
        NetEvent::Ready {
            id: "a1".repeat(16),
            name: "Alice".into(),
            port: 7000,
            fingerprint: "a1b2:c3d4:e5f6".into(),
        },
    );
}

fn online(s: &mut AppState, id: &str, name: &str, fp: &str) {
    apply(
        s,
        NetEvent::PeerOnline {
            id: id.into(),
            name: name.into(),
            fingerprint: fp.into(),
            addr: "127.0.0.1:7001".into(),
        },
    );
}

fn msg(s: &mut AppState, from: &str, name: &str, body: &str, signed: bool, ts: i64) {
    apply(
        s,
        NetEvent::Message {
            msg_id: format!("m{ts}"),
            from: from.into(),
            from_name: name.into(),
            body: body.into(),
            signed,
            verified: signed,
            ts,
        },
    );
}

/// A busy but ordinary chat: three peers (one gone), messages over a day change, a proposal.
fn chat(width: u16, height: u16, color: bool) -> AppState {
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

fn render(s: &AppState) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(s.width, s.height)).unwrap();
    t.draw(|f| ui::draw(f, s)).unwrap();
    t
}

/// The buffer as plain text rows (trailing spaces trimmed).
fn text(t: &Terminal<TestBackend>) -> String {
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

fn key(s: &mut AppState, k: Key) {
    let mode = Mode {
        focus: s.focus,
        help_open: s.help.is_some(),
    };
    if let Some(a) = lookup(mode, k) {
        update(s, a);
    }
}

#[test]
fn main_screen_80x24() {
    let s = chat(80, 24, true);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn wide_screen_120x30_has_three_columns() {
    let s = chat(120, 30, true);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn narrow_screen_40x12_folds_side_panes() {
    let s = chat(40, 12, true);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn medium_screen_60x18_puts_proposals_above_messages() {
    let mut s = chat(60, 18, true);
    // Focus the proposals strip and select the open proposal.
    key(&mut s, Key::plain(Code::Tab));
    key(&mut s, Key::plain(Code::Tab));
    assert_eq!(s.focus, p2pchat_tui::tui::app::Focus::Proposals);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn help_overlay_lists_keys_and_commands() {
    let mut s = chat(80, 24, true);
    key(&mut s, Key::plain(Code::F(1)));
    insta::assert_snapshot!("help_top", text(&render(&s)));
    for _ in 0..100 {
        key(&mut s, Key::plain(Code::PageDown));
    }
    insta::assert_snapshot!("help_bottom", text(&render(&s)));
}

#[test]
fn too_small_terminal_says_so() {
    let s = chat(19, 8, true);
    insta::assert_snapshot!(text(&render(&s)));
    let s = chat(30, 5, true);
    assert!(text(&render(&s)).contains("terminal too small"));
}

#[test]
fn scrolled_back_view_shows_new_message_marker() {
    let mut s = chat(80, 24, true);
    for i in 0..40 {
        msg(
            &mut s,
            "b0b0b0b0",
            "Bob",
            &format!("backlog {i}"),
            true,
            T0 + i * 1000,
        );
    }
    for _ in 0..2 {
        key(&mut s, Key::plain(Code::PageUp));
    }
    msg(
        &mut s,
        "d8d8d8d8",
        "Dave 🎸",
        "new while you were away",
        true,
        T0 + MIN,
    );
    msg(&mut s, "d8d8d8d8", "Dave 🎸", "and another", true, T0 + MIN);
    insta::assert_snapshot!(text(&render(&s)));
}

#[test]
fn input_line_shows_pasted_newlines_and_keeps_the_cursor_visible() {
    let mut s = chat(40, 12, true);
    update(
        &mut s,
        Action::Paste("first line\nsecond line\nthird line that is long enough to scroll".into()),
    );
    let mut t = render(&s);
    let out = text(&t);
    assert!(out.lines().nth(10).unwrap().ends_with("enough to scroll"));
    insta::assert_snapshot!(out);
    let pos = t.get_cursor_position().unwrap();
    assert_eq!(pos.y, 10);
    assert!(pos.x < 40);
    key(&mut s, Key::plain(Code::Home));
    t.draw(|f| ui::draw(f, &s)).unwrap();
    assert_eq!(t.get_cursor_position().unwrap().x, 2);
    assert!(text(&t)
        .lines()
        .nth(10)
        .unwrap()
        .starts_with("› first line⏎second"));
}

#[test]
fn styles_with_colour() {
    // Peers pane focused with a selection; chat lines with peer colours and signature marks.
    let mut s = chat(72, 16, true);
    key(&mut s, Key::plain(Code::Tab));
    key(&mut s, Key::plain(Code::Char('j')));
    insta::assert_debug_snapshot!(render(&s).backend().buffer());
}

#[test]
fn styles_without_colour_keep_selection_visible() {
    let mut s = chat(48, 14, false);
    key(&mut s, Key::plain(Code::Tab));
    key(&mut s, Key::plain(Code::Char('j')));
    let t = render(&s);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "no colour with NO_COLOR"
        );
        assert_eq!(
            cell.bg,
            ratatui::style::Color::Reset,
            "no colour with NO_COLOR"
        );
    }
    insta::assert_debug_snapshot!(buf);
}

#[test]
fn hostile_bodies_never_reach_the_terminal_raw() {
    let evil = "\x1b]0;pwned\x07 \u{202e}txet\u{9b}31m e\u{301}\u{301}\u{301} 🏳️‍🌈 \0\r\n\t";
    for (w, h) in [(80, 24), (120, 30), (44, 14)] {
        let mut s = chat(w, h, true);
        online(&mut s, "e\x1bvil", evil, evil);
        msg(&mut s, "b0b0b0b0", "Bob\x1b[2J", evil, true, T0);
        msg(&mut s, "e\x1bvil", evil, evil, false, T0);
        apply(
            &mut s,
            NetEvent::Rejected {
                from: "10.0.0.9:4000\x1b[H".into(),
                reason: evil.into(),
            },
        );
        apply(
            &mut s,
            NetEvent::Error {
                message: evil.into(),
            },
        );
        apply(
            &mut s,
            NetEvent::Proposal {
                proposal_id: format!("\x1b{evil}"),
                proposer: "e\x1bvil".into(),
                proposer_name: evil.into(),
                description: evil.into(),
                enable: false,
                threshold: 1,
                electorate: vec![evil.into()],
                expires_ts: T0,
            },
        );
        key(&mut s, Key::plain(Code::Tab));
        key(&mut s, Key::plain(Code::Char('j')));
        let t = render(&s);
        for cell in t.backend().buffer().content() {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control()),
                "control char in {:?}",
                cell.symbol()
            );
        }
        let out = text(&t);
        assert!(out.contains("Bob␛[2J") || w < 60, "{out}");
    }
}

#[test]
fn never_panics_at_any_size() {
    let states = [chat(80, 24, true), chat(80, 24, false)];
    for base in &states {
        for w in 0..=45u16 {
            for h in 0..=14u16 {
                let mut s = base.clone();
                update(
                    &mut s,
                    Action::Resize {
                        width: w,
                        height: h,
                    },
                );
                key(&mut s, Key::plain(Code::PageUp));
                let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
                t.draw(|f| ui::draw(f, &s)).unwrap();
                update(&mut s, Action::ToggleHelp);
                t.draw(|f| ui::draw(f, &s)).unwrap();
            }
        }
    }
}

#[test]
fn timestamps_and_day_separators_follow_the_utc_offset() {
    let mut s = state(60, 10, false);
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob",
        "before midnight UTC",
        true,
        T0 + 9 * 60 * MIN + 50 * MIN,
    );
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob",
        "after midnight UTC",
        true,
        T0 + 10 * 60 * MIN + 5 * MIN,
    );
    let utc = text(&render(&s));
    assert!(
        utc.contains("23:55 ✓ Bob: before") && utc.contains("00:10 ✓ Bob: after"),
        "{utc}"
    );
    assert!(utc.contains("Mon 23 Nov 2026"), "{utc}");
    // UTC-05:00: both messages fall on the same local day, five hours earlier.
    s.now = Now {
        unix_ms: s.now.unix_ms,
        utc_offset_secs: -5 * 3600,
    };
    let behind = text(&render(&s));
    assert!(
        behind.contains("18:55 ✓ Bob: before") && behind.contains("19:10 ✓ Bob: after"),
        "{behind}"
    );
    assert!(!behind.contains("Mon 23 Nov"), "{behind}");
}
