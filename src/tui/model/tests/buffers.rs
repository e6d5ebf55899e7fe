//! Buffers (issue #15): each room and private conversation has its own log, lines elsewhere
//! count as unread there, Alt-N and Alt-←/→ switch, `/dm NAME` opens a conversation, a plain
//! line goes where the shown buffer says, and stored lines go back to their buffers.

use super::*;
use crate::tui::fixtures;
use crate::tui::model::buffers::BufferKey;
use crate::tui::model::keymap::lookup;
use p2pchat_engine::api::{EntryKind, HistoryEntry, RoomInfo};

fn ready(s: &mut AppState) {
    apply(s, fixtures::ready(&"a".repeat(64), "Alice", "aaaa:aaaa"));
    let bob = "b".repeat(64);
    apply(
        s,
        fixtures::peer_online(&bob, "Bob", "bbbb:bbbb", "127.0.0.1:7001"),
    );
}

fn said_in(s: &mut AppState, room: &str, body: &str) {
    apply(
        s,
        message(
            &"b".repeat(64),
            "Bob",
            body,
            &format!("b:{}", s.now.unix_ms),
            s.now.unix_ms,
            room,
        ),
    );
}

fn bodies(s: &AppState) -> Vec<String> {
    s.log
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            crate::tui::model::log::LineKind::Chat { body, .. } => Some(body.clone()),
            _ => None,
        })
        .collect()
}

fn typed(s: &mut AppState, line: &str) -> Vec<Effect> {
    s.input.set(line);
    update(s, Action::SubmitInput)
}

fn sent(effects: &[Effect]) -> Vec<NetCommand> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { command, .. } => Some(command.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn rooms_have_their_own_logs_counts_and_keys() {
    let mut s = new_state();
    ready(&mut s);
    apply(
        &mut s,
        NetEvent::Joined {
            room: "#dev".into(),
        },
    );
    assert_eq!(s.buffers.current_key(), &BufferKey::Room("#dev".into()));
    said_in(&mut s, "#general", "lunch?");
    said_in(&mut s, "#general", "alice, lunch?");
    said_in(&mut s, "#dev", "build is green");
    assert_eq!(bodies(&s), vec!["build is green"]);
    let general = &s.buffers.list[0];
    assert_eq!((general.unread, general.mentions), (2, 1));
    assert_eq!(s.buffers.summary(), "1 #general 2/1@  [2 #dev]");
    for r in 0..30 {
        apply(
            &mut s,
            NetEvent::Joined {
                room: format!("#r{r}"),
            },
        );
    }
    update(&mut s, Action::SwitchBuffer(1));
    assert_eq!(
        s.buffers.summary_fitting(60),
        "1 #general 2/1@  [2 #dev]  +30 more",
        "a long list keeps the shown buffer and the ones with unread lines"
    );
    for r in 0..30 {
        apply(
            &mut s,
            NetEvent::Parted {
                room: format!("#r{r}"),
            },
        );
    }
    // A plain line goes to the shown room.
    assert_eq!(
        sent(&typed(&mut s, "ship it")),
        vec![NetCommand::SendRoom {
            room: "#dev".into(),
            body: "ship it".into(),
            signed: true
        }]
    );
    // Alt-1 shows #general: its lines, its counts cleared.
    let alt1 = lookup(Mode::of(&s), Key::alt(Code::Char('1'))).expect("Alt-1 is bound");
    update(&mut s, alt1);
    assert_eq!(bodies(&s), vec!["lunch?", "alice, lunch?"]);
    assert_eq!(s.buffers.list[0].unread, 0);
    assert_eq!(
        sent(&typed(&mut s, "yes")),
        vec![NetCommand::Send {
            body: "yes".into(),
            signed: true
        }]
    );
    // Alt-→ wraps through the list.
    let next = lookup(Mode::of(&s), Key::alt(Code::Right)).expect("Alt-Right is bound");
    update(&mut s, next.clone());
    assert_eq!(s.buffers.current, 1);
    update(&mut s, next);
    assert_eq!(s.buffers.current, 0);
    // Leaving #dev drops its buffer.
    apply(
        &mut s,
        NetEvent::Parted {
            room: "#dev".into(),
        },
    );
    assert_eq!(s.buffers.list.len(), 1);
}

#[test]
fn private_messages_leave_the_room_streams_and_dm_name_opens_the_conversation() {
    let mut s = new_state();
    ready(&mut s);
    apply(
        &mut s,
        NetEvent::DirectMessage {
            msg_id: "b:1".into(),
            from: "b".repeat(64),
            from_name: "Bob".into(),
            body: "psst".into(),
            ts: T0,
        },
    );
    assert!(bodies(&s).is_empty(), "not in #general");
    assert_eq!(s.buffers.list[1].key, BufferKey::Private("b".repeat(64)));
    assert_eq!(s.buffers.list[1].mentions, 1, "a private message calls");
    assert!(sent(&typed(&mut s, "/dm bob")).is_empty());
    assert_eq!(bodies(&s), vec!["psst"]);
    assert_eq!(
        sent(&typed(&mut s, "hi back")),
        vec![NetCommand::SendDm {
            to: "b".repeat(64),
            body: "hi back".into()
        }]
    );
    assert!(sent(&typed(&mut s, "/dm nobody")).is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("no known peer"));
}

#[test]
fn stored_lines_go_to_their_buffers_and_the_last_buffer_comes_back() {
    let mut s = new_state();
    s.buffers.wanted = Some("#ops".into());
    ready(&mut s);
    let entry = |row: i64, room: Option<&str>, peer: Option<String>, body: &str| HistoryEntry {
        row,
        kind: if peer.is_some() {
            EntryKind::DmIn
        } else {
            EntryKind::Message
        },
        msg_id: Some(format!("b:{row}")),
        author: "b".repeat(64),
        author_name: "Bob".into(),
        peer,
        body: body.into(),
        ts: T0 - 10_000 + row,
        signed: true,
        backfilled: false,
        status: None,
        peer_name: None,
        room: room.map(String::from),
        reactions: Vec::new(),
    };
    apply(
        &mut s,
        NetEvent::History {
            entries: vec![
                entry(1, Some("#general"), None, "old general"),
                entry(2, Some("#ops"), None, "old ops"),
                entry(3, None, Some("b".repeat(64)), "old secret"),
            ],
            more: false,
        },
    );
    apply(
        &mut s,
        NetEvent::Rooms {
            rooms: vec![RoomInfo {
                room: "#ops".into(),
                members: 2,
                joined: true,
            }],
        },
    );
    assert_eq!(s.buffers.current_key(), &BufferKey::Room("#ops".into()));
    assert_eq!(bodies(&s), vec!["old ops"]);
    assert_eq!(s.buffers.list.len(), 3);
    assert_eq!(
        crate::tui::saved::Saved::of(&s).buffer.as_deref(),
        Some("#ops")
    );
}
