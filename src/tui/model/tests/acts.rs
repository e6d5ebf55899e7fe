//! Acts in the interface (issue #15): selecting a message in the Messages pane, the keys that
//! start a reply, reaction, edit or delete of it, and reactions, edits, deletes and reply
//! quotes shown on the message itself.

use super::*;
use crate::tui::model::log::LineKind;

fn said(s: &mut AppState, id: &str, body: &str, reply_to: Option<&str>) {
    apply(
        s,
        NetEvent::Message {
            mentions_me: false,
            action: false,
            msg_id: id.into(),
            from: "b".repeat(64),
            from_name: "Bob".into(),
            body: body.into(),
            signed: true,
            verified: true,
            ts: T0,
            room: "#general".into(),
            reply_to: reply_to.map(str::to_string),
        },
    );
}

fn sent(s: &mut AppState, id: &str, body: &str) {
    apply(
        s,
        NetEvent::Sent {
            msg_id: id.into(),
            body: body.into(),
            signed: true,
            ts: T0,
            recipients: 1,
            room: "#general".into(),
            reply_to: None,
        },
    );
}

/// The shown body of the line holding message `id`.
fn body_of(s: &AppState, id: &str) -> String {
    s.log
        .lines()
        .iter()
        .find_map(|l| match &l.kind {
            LineKind::Chat { acts, body, .. } if acts.id.as_deref() == Some(id) => {
                Some(body.clone())
            }
            LineKind::Chat { .. } | LineKind::System { .. } => None,
        })
        .expect("message in the log")
}

fn system_lines(s: &AppState) -> usize {
    s.log
        .lines()
        .iter()
        .filter(|l| matches!(l.kind, LineKind::System { .. }))
        .count()
}

#[test]
fn up_and_down_select_messages_by_id_and_keys_start_the_commands() {
    let mut s = new_state();
    said(&mut s, "b:1", "first", None);
    sent(&mut s, "a:1", "mine");
    said(&mut s, "b:2", "third", None);
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Up));
    assert_eq!(s.selected_message.as_deref(), Some("b:2"));
    press(&mut s, plain(Code::Up));
    assert_eq!(s.selected_message.as_deref(), Some("a:1"));
    // A letter typed in the pane goes to the input and acts on nothing.
    press(&mut s, Key::ctrl(Code::Char('e')));
    assert_eq!(s.input.text(), "/edit a:1 mine");
    assert_eq!(s.focus, Focus::Input);
    s.input.clear();
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Delete));
    assert_eq!(s.input.text(), "/delete a:1");
    s.input.clear();
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Up));
    assert_eq!(s.selected_message.as_deref(), Some("b:1"));
    press(&mut s, plain(Code::Up)); // stays on the oldest
    assert_eq!(s.selected_message.as_deref(), Some("b:1"));
    press(&mut s, Key::ctrl(Code::Char('r')));
    assert_eq!(s.input.text(), "/reply b:1 ");
    s.input.clear();
    s.focus = Focus::Messages;
    press(&mut s, Key::ctrl(Code::Char('t')));
    assert_eq!(s.input.text(), "/react b:1 👍");
    // Someone else's message cannot be edited or deleted: the input stays empty.
    s.input.clear();
    s.focus = Focus::Messages;
    press(&mut s, Key::ctrl(Code::Char('e')));
    assert_eq!(s.input.text(), "");
    assert!(s.status.as_ref().is_some_and(|st| st.text.contains("own")));
    // Down past the newest ends the selection.
    for _ in 0..3 {
        press(&mut s, plain(Code::Down));
    }
    assert_eq!(s.selected_message, None);
}

#[test]
fn reactions_edits_and_deletes_show_on_the_message() {
    let mut s = new_state();
    said(&mut s, "b:1", "hello there", None);
    let before = system_lines(&s);
    let react = |s: &mut AppState, emoji: &str, on: bool, count: usize| {
        apply(
            s,
            NetEvent::Reaction {
                msg_id: "b:1".into(),
                from: "c".repeat(64),
                from_name: "Carol".into(),
                emoji: emoji.into(),
                on,
                count,
                room: "#general".into(),
            },
        )
    };
    react(&mut s, "👍", true, 1);
    react(&mut s, "👍", true, 2);
    react(&mut s, "🎉", true, 1);
    assert_eq!(body_of(&s, "b:1"), "hello there\n👍 2  🎉 1");
    react(&mut s, "👍", false, 0);
    assert_eq!(body_of(&s, "b:1"), "hello there\n🎉 1");
    apply(
        &mut s,
        NetEvent::Edited {
            msg_id: "b:1".into(),
            from: "b".repeat(64),
            from_name: "Bob".into(),
            body: "hello again".into(),
            room: "#general".into(),
        },
    );
    assert_eq!(body_of(&s, "b:1"), "hello again (edited)\n🎉 1");
    assert_eq!(
        system_lines(&s),
        before,
        "shown on the message, not as lines"
    );
    apply(
        &mut s,
        NetEvent::Deleted {
            msg_id: "b:1".into(),
            from: "b".repeat(64),
            from_name: "Bob".into(),
            room: "#general".into(),
        },
    );
    assert_eq!(body_of(&s, "b:1"), "message deleted");
    let kept = format!("{:?}", s.log.lines());
    assert!(
        !kept.contains("hello"),
        "no text of a deleted message is kept"
    );
    // A deleted message cannot be selected.
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Up));
    assert_eq!(s.selected_message, None);
}

#[test]
fn a_reaction_to_an_unknown_message_is_a_line() {
    let mut s = new_state();
    let before = system_lines(&s);
    apply(
        &mut s,
        NetEvent::Reaction {
            msg_id: "b:99".into(),
            from: "c".repeat(64),
            from_name: "Carol".into(),
            emoji: "👍".into(),
            on: true,
            count: 1,
            room: "#general".into(),
        },
    );
    assert_eq!(system_lines(&s), before + 1);
}

#[test]
fn a_reply_quotes_the_original_above_it() {
    let mut s = new_state();
    said(
        &mut s,
        "b:1",
        "the first words of a long message that goes on and on past the quote",
        None,
    );
    said(&mut s, "b:2", "yes", Some("b:1"));
    assert_eq!(
        body_of(&s, "b:2"),
        "↪ Bob: the first words of a long message that g…\nyes"
    );
    said(&mut s, "b:3", "what?", Some("ffff:123456789"));
    assert_eq!(body_of(&s, "b:3"), "↪ reply to message …456789\nwhat?");
    // The original deleted: the reply's quote keeps none of its words.
    apply(
        &mut s,
        NetEvent::Deleted {
            msg_id: "b:1".into(),
            from: "b".repeat(64),
            from_name: "Bob".into(),
            room: "#general".into(),
        },
    );
    assert_eq!(body_of(&s, "b:2"), "↪ message deleted\nyes");
    assert!(!format!("{:?}", s.log.lines()).contains("first words"));
}

#[test]
fn stored_room_lines_can_be_acted_on_and_keep_their_marks() {
    use p2pchat_engine::api::{EntryKind, HistoryEntry};
    let stored = |row: i64, body: &str| HistoryEntry {
        row,
        kind: EntryKind::Message,
        msg_id: Some(format!("b:{row}")),
        author: "b".repeat(64),
        author_name: "Bob".into(),
        peer: None,
        body: body.into(),
        ts: T0 - 1000 + row,
        signed: true,
        backfilled: false,
        status: None,
        peer_name: None,
        room: Some("#general".into()),
        reactions: Vec::new(),
    };
    let mut s = new_state();
    apply(
        &mut s,
        NetEvent::History {
            entries: vec![stored(1, "hi (edited)"), stored(2, "message deleted")],
            more: false,
        },
    );
    assert_eq!(body_of(&s, "b:1"), "hi (edited)");
    apply(
        &mut s,
        NetEvent::Reaction {
            msg_id: "b:1".into(),
            from: "c".repeat(64),
            from_name: "Carol".into(),
            emoji: "👀".into(),
            on: true,
            count: 1,
            room: "#general".into(),
        },
    );
    assert_eq!(body_of(&s, "b:1"), "hi (edited)\n👀 1");
    assert_eq!(body_of(&s, "b:2"), "message deleted");
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Up));
    assert_eq!(
        s.selected_message.as_deref(),
        Some("b:1"),
        "deleted is skipped"
    );
}

#[test]
fn stored_room_lines_show_their_stored_reaction_counts() {
    use p2pchat_engine::api::{EntryKind, HistoryEntry};
    let mut s = new_state();
    let entry = HistoryEntry {
        row: 1,
        kind: EntryKind::Message,
        msg_id: Some("b:1".into()),
        author: "b".repeat(64),
        author_name: "Bob".into(),
        peer: None,
        body: "lunch?".into(),
        ts: T0 - 1000,
        signed: true,
        backfilled: false,
        status: None,
        peer_name: None,
        room: Some("#general".into()),
        reactions: vec![("👍".into(), 2), ("🎉".into(), 1)],
    };
    apply(
        &mut s,
        NetEvent::History {
            entries: vec![entry],
            more: false,
        },
    );
    assert_eq!(body_of(&s, "b:1"), "lunch?\n👍 2  🎉 1");
    // A live reaction after a restart counts on from the stored ones.
    apply(
        &mut s,
        NetEvent::Reaction {
            msg_id: "b:1".into(),
            from: "c".repeat(64),
            from_name: "Carol".into(),
            emoji: "👍".into(),
            on: true,
            count: 3,
            room: "#general".into(),
        },
    );
    assert_eq!(body_of(&s, "b:1"), "lunch?\n👍 3  🎉 1");
}

#[test]
fn a_message_missed_while_away_is_selectable_takes_reactions_and_quotes_its_original() {
    let mut s = new_state();
    said(&mut s, "b:1", "deploy at 3?", None);
    apply(
        &mut s,
        NetEvent::Backfilled {
            msg_id: "c:4".into(),
            from: "c".repeat(64),
            from_name: "Carol".into(),
            body: "fine by me".into(),
            ts: T0,
            via: "b".repeat(64),
            mentions_me: false,
            action: false,
            room: "#general".into(),
            reply_to: Some("b:1".into()),
        },
    );
    assert!(
        body_of(&s, "c:4").ends_with("fine by me"),
        "{}",
        body_of(&s, "c:4")
    );
    assert!(
        body_of(&s, "c:4").contains("Bob"),
        "the quote names the original's author"
    );
    apply(
        &mut s,
        NetEvent::Reaction {
            msg_id: "c:4".into(),
            from: "b".repeat(64),
            from_name: "Bob".into(),
            emoji: "👍".into(),
            on: true,
            count: 1,
            room: "#general".into(),
        },
    );
    assert!(body_of(&s, "c:4").ends_with("fine by me\n👍 1"));
    // The Messages pane selects it like any message.
    s.focus = Focus::Messages;
    press(&mut s, plain(Code::Up));
    assert_eq!(s.selected_message.as_deref(), Some("c:4"));
}
