//! Mentions, unread counts, the read marker, bell and notification alerts, the window title,
//! `/me`, Alt-Enter and the input history kept for the next run.

use super::*;
use crate::tui::fixtures;
use crate::tui::model::attention::{self, Alert, BellMode};
use crate::tui::model::log::LineKind;
use p2pchat_engine::api::{EntryKind, HistoryEntry};

fn ready(s: &mut AppState) {
    apply(s, fixtures::ready(&"a".repeat(64), "Alice", "aaaa:aaaa"));
}

fn said(s: &mut AppState, body: &str) {
    apply(
        s,
        message(
            &"b".repeat(64),
            "Bob",
            body,
            &format!("b:{}", s.log.len()),
            s.now.unix_ms,
            "#general",
        ),
    );
}

fn whispered(s: &mut AppState, body: &str) {
    apply(
        s,
        NetEvent::DirectMessage {
            msg_id: format!("b:{}", s.log.len()),
            from: "b".repeat(64),
            from_name: "Bob".into(),
            body: body.into(),
            ts: s.now.unix_ms,
        },
    );
}

fn mention_of_last(s: &AppState) -> bool {
    match &s.log.lines().last().unwrap().kind {
        LineKind::Chat { mention, .. } => *mention,
        LineKind::System { .. } => panic!("not a chat line"),
    }
}

fn bells(alerts: &[Alert]) -> usize {
    alerts.iter().filter(|a| **a == Alert::Bell).count()
}

#[test]
fn a_line_naming_me_is_a_mention_and_rings_the_bell() {
    let mut s = new_state();
    ready(&mut s);
    attention::take_alerts(&mut s);
    said(&mut s, "the malice of it");
    assert!(!mention_of_last(&s));
    assert_eq!(bells(&attention::take_alerts(&mut s)), 0);
    said(&mut s, "what do you think, @alice?");
    assert!(mention_of_last(&s));
    said(&mut s, "ALICE!");
    assert!(mention_of_last(&s));
    // Two mentions in one batch: one bell.
    assert_eq!(bells(&attention::take_alerts(&mut s)), 1);
    whispered(&mut s, "psst");
    assert_eq!(
        bells(&attention::take_alerts(&mut s)),
        1,
        "a private message rings"
    );
}

#[test]
fn bell_modes() {
    for (mode, plain, named) in [
        (BellMode::All, 1, 1),
        (BellMode::Mentions, 0, 1),
        (BellMode::Off, 0, 0),
    ] {
        let mut s = new_state();
        s.attention.bell = mode;
        ready(&mut s);
        said(&mut s, "hello all");
        assert_eq!(bells(&attention::take_alerts(&mut s)), plain, "{mode:?}");
        said(&mut s, "hello Alice");
        assert_eq!(bells(&attention::take_alerts(&mut s)), named, "{mode:?}");
    }
}

#[test]
fn lines_arriving_while_away_are_counted_and_reading_clears_the_counts() {
    let mut s = new_state();
    ready(&mut s);
    said(&mut s, "seen as it came");
    assert_eq!((s.attention.unread, s.attention.mentions), (0, 0));
    assert_eq!(s.log.marker, None);
    update(&mut s, Action::TerminalFocus(false));
    said(&mut s, "one");
    let first_unread = s.log.len() - 1;
    said(&mut s, "two, Alice");
    whispered(&mut s, "three");
    apply(
        &mut s,
        NetEvent::Notice {
            message: "a system line is not counted".into(),
        },
    );
    assert_eq!((s.attention.unread, s.attention.mentions), (3, 2));
    assert_eq!(s.log.marker, Some(first_unread));
    assert_eq!(attention::title(&s), "p2pchat-tui (3 unread, 2 mentions)");
    assert!(attention::take_alerts(&mut s)
        .contains(&Alert::Title("p2pchat-tui (3 unread, 2 mentions)".into())));
    // Back: the counts clear, the marker stays where the unread lines began.
    update(&mut s, Action::TerminalFocus(true));
    assert_eq!((s.attention.unread, s.attention.mentions), (0, 0));
    assert_eq!(s.log.marker, Some(first_unread));
    assert_eq!(
        attention::take_alerts(&mut s),
        vec![Alert::Title("p2pchat-tui".into())]
    );
    assert_eq!(
        attention::take_alerts(&mut s),
        vec![],
        "a title only when it changes"
    );
    // Away again: the marker moves to the next unread line.
    update(&mut s, Action::TerminalFocus(false));
    said(&mut s, "four");
    assert_eq!(s.log.marker, Some(s.log.len() - 1));
    assert_eq!(s.attention.unread, 1);
}

#[test]
fn a_scrolled_back_view_is_not_reading() {
    let mut s = new_state();
    ready(&mut s);
    for i in 0..100 {
        said(&mut s, &format!("filler {i}"));
    }
    press(&mut s, plain(Code::PageUp));
    said(&mut s, "while scrolled");
    assert_eq!(s.attention.unread, 1);
    press(&mut s, Key::ctrl(Code::End));
    assert_eq!(s.attention.unread, 0);
}

#[test]
fn desktop_notifications_only_when_enabled_and_away_with_a_clean_bounded_body() {
    let mut s = new_state();
    ready(&mut s);
    update(&mut s, Action::TerminalFocus(false));
    said(&mut s, "Alice, hi");
    assert!(!attention::take_alerts(&mut s)
        .iter()
        .any(|a| matches!(a, Alert::Desktop { .. })));
    s.attention.notify = true;
    let long = format!("Alice \x1b]0;evil\x07 {}", "x".repeat(500));
    said(&mut s, &long);
    let alerts = attention::take_alerts(&mut s);
    let Some(Alert::Desktop { title, body }) =
        alerts.iter().find(|a| matches!(a, Alert::Desktop { .. }))
    else {
        panic!("no notification in {alerts:?}")
    };
    assert_eq!(title, "Bob mentioned you");
    assert!(body.starts_with("Alice"), "{body}");
    assert!(!body.chars().any(|c| c.is_control()), "{body:?}");
    assert!(body.chars().count() <= attention::NOTIFY_BODY_CHARS);
    // A flood is bounded.
    for _ in 0..10 {
        whispered(&mut s, "again");
    }
    let notes = attention::take_alerts(&mut s)
        .into_iter()
        .filter(|a| matches!(a, Alert::Desktop { .. }))
        .count();
    assert_eq!(notes, attention::MAX_PENDING_NOTIFICATIONS);
    // Reading: no notification.
    update(&mut s, Action::TerminalFocus(true));
    said(&mut s, "Alice?");
    assert!(!attention::take_alerts(&mut s)
        .iter()
        .any(|a| matches!(a, Alert::Desktop { .. })));
}

fn stored(row: i64, kind: EntryKind, body: &str, ts: i64) -> HistoryEntry {
    fixtures::stored(row, kind, (&"b".repeat(64), "Bob"), body, ts)
}

#[test]
fn after_a_restart_the_marker_goes_above_what_came_after_the_saved_read_point() {
    let mut s = new_state();
    s.attention.read_before_start_ms = Some(T0 - 5_000);
    update(&mut s, Action::TerminalFocus(false));
    ready(&mut s);
    apply(
        &mut s,
        NetEvent::History {
            entries: vec![
                stored(1, EntryKind::Message, "read before", T0 - 9_000),
                stored(2, EntryKind::Sent, "mine", T0 - 4_000),
                stored(3, EntryKind::Message, "came later", T0 - 3_000),
                stored(4, EntryKind::Message, "later still, Alice", T0 - 2_000),
            ],
            more: false,
        },
    );
    assert_eq!(s.log.marker, Some(2));
    assert_eq!((s.attention.unread, s.attention.mentions), (2, 1));
    // An older page scrolled in later does not move it (indices shift with it).
    s.history.exhausted = false;
    apply(
        &mut s,
        NetEvent::History {
            entries: vec![stored(0, EntryKind::Message, "older", T0 - 1_000)],
            more: false,
        },
    );
    assert_eq!(s.log.marker, Some(3));
}

#[test]
fn me_is_an_action_and_alt_enter_a_line_break() {
    let mut s = new_state();
    type_str(&mut s, "/me waves");
    let effects = submit(&mut s);
    assert_eq!(
        effects,
        vec![Effect::Send {
            command: NetCommand::Send {
                body: "/me waves".into(),
                signed: true
            },
            from_input: true
        }]
    );
    type_str(&mut s, "two");
    press(&mut s, Key::alt(Code::Enter));
    type_str(&mut s, "lines");
    assert_eq!(s.input.text(), "two\nlines");
    let effects = submit(&mut s);
    assert!(matches!(
        &effects[..],
        [Effect::Send { command: NetCommand::Send { body, .. }, .. }] if body == "two\nlines"
    ));
}

#[test]
fn input_history_kept_for_the_next_run_leaves_out_safety_codes() {
    let mut s = new_state();
    for line in ["hello", "/trust Bob 12345", "/trust Bob", "/me waves"] {
        type_str(&mut s, line);
        submit(&mut s);
    }
    let saved = s.input.history_to_save();
    assert_eq!(saved, ["hello", "/trust Bob", "/me waves"]);
    let mut next = new_state();
    next.input.restore_history(vec![
        "old".into(),
        "/trust Bob 99999".into(),
        "newer".into(),
    ]);
    press(&mut next, plain(Code::Up));
    assert_eq!(next.input.text(), "newer");
    press(&mut next, plain(Code::Up));
    assert_eq!(next.input.text(), "old");
}

#[test]
fn saved_history_is_bounded_in_bytes_and_a_focus_change_keeps_a_waiting_paste() {
    use crate::tui::model::input::{MAX_INPUT_BYTES, SAVED_HISTORY_BYTES};
    let mut s = new_state();
    let long = "x".repeat(MAX_INPUT_BYTES - 10);
    for i in 0..60 {
        s.input.set(&format!("{i:02}{long}"));
        s.input.commit();
    }
    let saved = s.input.history_to_save();
    let bytes: usize = saved.iter().map(String::len).sum();
    assert!(bytes <= SAVED_HISTORY_BYTES && !saved.is_empty());
    assert!(
        saved.last().unwrap().starts_with("59"),
        "the newest is kept"
    );

    let paste: String = (0..2000).map(|i| format!("line {i:06}\n")).collect();
    update(&mut s, Action::Paste(paste));
    assert!(s.pending.paste.is_some());
    update(&mut s, Action::TerminalFocus(false));
    update(&mut s, Action::TerminalFocus(true));
    assert!(
        s.pending.paste.is_some(),
        "switching windows keeps the question"
    );
}
