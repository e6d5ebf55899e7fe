//! Where system lines go (found in a trial: a file offer sent to us with `/send` landed in
//! whatever room was shown): a line about one private conversation goes to that peer's
//! buffer and counts as unread there, a room's notices go to the room, lines about the whole
//! group stay in the shown buffer, and stored lines come back where they were shown.

use super::*;
use crate::tui::fixtures::{self, peer_online, stored};
use crate::tui::model::attention::{self, Alert};
use crate::tui::model::buffers::BufferKey;
use crate::tui::model::log::{LineKind, MessageLog};
use p2pchat_engine::api::{EntryKind, OfflineReason};

fn bob() -> String {
    "b".repeat(64)
}

fn carol() -> String {
    "c".repeat(64)
}

/// We are Alice; Bob and Carol are online; we are in #dev and it is shown.
fn in_dev() -> AppState {
    let mut s = new_state();
    apply(
        &mut s,
        fixtures::ready(&"a".repeat(64), "Alice", "aaaa:aaaa"),
    );
    apply(
        &mut s,
        peer_online(&bob(), "Bob", "bbbb:bbbb", "127.0.0.1:7001"),
    );
    apply(
        &mut s,
        peer_online(&carol(), "Carol", "cccc:cccc", "127.0.0.1:7002"),
    );
    let room = "#dev".to_string();
    apply(&mut s, NetEvent::Joined { room });
    assert_eq!(s.buffers.current_key(), &BufferKey::Room("#dev".into()));
    attention::take_alerts(&mut s);
    s
}

fn system_texts(log: &MessageLog) -> Vec<String> {
    log.lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::System { text, .. } => Some(text.clone()),
            LineKind::Chat { .. } => None,
        })
        .collect()
}

/// The system lines of the buffer for `key` (the shown log if it is the shown one).
fn lines_in(s: &AppState, key: &BufferKey) -> Vec<String> {
    match s.buffers.index_of(key) {
        Some(i) if i == s.buffers.current => system_texts(&s.log),
        Some(i) => system_texts(s.buffers.list[i].log()),
        None => Vec::new(),
    }
}

fn with(texts: &[String], part: &str) -> usize {
    texts.iter().filter(|t| t.contains(part)).count()
}

fn offer(id: &str, recipients: usize) -> NetEvent {
    NetEvent::FileOffer {
        transfer_id: id.into(),
        from: bob(),
        from_name: "Bob".into(),
        name: format!("{id}.txt"),
        size: 4096,
        hash: "00".repeat(32),
        recipients,
    }
}

fn bobs(s: &AppState) -> (usize, usize) {
    let i = s
        .buffers
        .index_of(&BufferKey::Private(bob()))
        .expect("Bob's buffer");
    (s.buffers.list[i].unread, s.buffers.list[i].mentions)
}

#[test]
fn an_offer_made_to_us_alone_and_its_outcome_go_to_the_senders_conversation() {
    let mut s = in_dev();
    let (dev, dm) = (BufferKey::Room("#dev".into()), BufferKey::Private(bob()));
    apply(&mut s, offer("sent1", 1));
    assert_eq!(
        with(&lines_in(&s, &dev), "offers"),
        0,
        "not in the room shown"
    );
    assert_eq!(with(&lines_in(&s, &dm), "Bob offers sent1.txt"), 1);
    assert_eq!(
        bobs(&s),
        (1, 1),
        "unread there, and it calls like a private message"
    );
    let status = s.status.as_ref().expect("a status line").text.clone();
    assert!(
        status.starts_with("in Bob: Bob offers sent1.txt"),
        "{status}"
    );
    assert!(attention::take_alerts(&mut s).contains(&Alert::Bell));
    // Its outcome follows it there.
    let done = NetEvent::FileDone {
        transfer_id: "sent1".into(),
        path: "/tmp/sent1.txt".into(),
        hash: "00".repeat(32),
    };
    apply(&mut s, done);
    assert_eq!(with(&lines_in(&s, &dm), "received /tmp/sent1.txt"), 1);
    assert_eq!(with(&lines_in(&s, &dev), "received"), 0);
    assert_eq!(bobs(&s), (2, 2));
    // An offer to several peers (`/share`) is the group's: in the shown buffer.
    apply(&mut s, offer("shared", 3));
    assert_eq!(with(&lines_in(&s, &dev), "Bob offers shared.txt"), 1);
    assert_eq!(with(&lines_in(&s, &dm), "shared.txt"), 0);
    // Shown, Bob's buffer reads as usual.
    let i = s.buffers.index_of(&dm).unwrap();
    update(&mut s, Action::SwitchBuffer(i));
    assert_eq!(
        with(&system_texts(&s.log), "sent1.txt"),
        2,
        "the offer, its outcome"
    );
}

#[test]
fn our_send_to_one_peer_and_their_answers_go_to_that_conversation() {
    let mut s = in_dev();
    let (dev, dm) = (BufferKey::Room("#dev".into()), BufferKey::Private(bob()));
    let offered = |id: &str, to: Vec<String>| NetEvent::FileOffered {
        transfer_id: id.into(),
        to,
        name: format!("{id}.pdf"),
        size: 10,
        hash: "00".repeat(32),
    };
    apply(&mut s, offered("ours", vec![bob()]));
    assert_eq!(with(&lines_in(&s, &dm), "offered ours.pdf"), 1);
    assert_eq!(with(&lines_in(&s, &dev), "offered"), 0);
    assert_eq!(bobs(&s), (0, 0), "our own line is not unread");
    assert_eq!(s.status.as_ref().unwrap().text, "offered ours.pdf to Bob");
    let accepted = NetEvent::FileAccepted {
        transfer_id: "ours".into(),
        by: bob(),
        by_name: "Bob".into(),
    };
    apply(&mut s, accepted);
    assert_eq!(with(&lines_in(&s, &dm), "Bob accepted ours.pdf"), 1);
    assert_eq!(bobs(&s), (1, 1), "their answer is");
    let cancelled = NetEvent::FileCancelled {
        transfer_id: "ours".into(),
        by: "you".into(),
    };
    apply(&mut s, cancelled);
    assert_eq!(with(&lines_in(&s, &dm), "cancelled ours.pdf"), 1);
    assert_eq!(bobs(&s), (1, 1), "our cancel is not");
    // To two peers: the group's, shown where we are.
    apply(&mut s, offered("both", vec![bob(), carol()]));
    assert_eq!(with(&lines_in(&s, &dev), "offered both.pdf"), 1);
}

#[test]
fn a_refused_private_message_goes_to_its_senders_conversation() {
    let mut s = in_dev();
    let (dev, dm) = (BufferKey::Room("#dev".into()), BufferKey::Private(bob()));
    let rejected = |from: String, reason: &str| NetEvent::Rejected {
        from,
        reason: reason.into(),
    };
    apply(
        &mut s,
        rejected(bob(), "private message dated in the future"),
    );
    assert_eq!(with(&lines_in(&s, &dm), "dropped message from Bob"), 1);
    assert_eq!(with(&lines_in(&s, &dev), "dropped"), 0);
    assert_eq!(bobs(&s), (1, 1));
    // Any other refusal is about the group's traffic; an address is no conversation.
    apply(&mut s, rejected(bob(), "sync: message dated in the future"));
    apply(
        &mut s,
        rejected("10.0.0.9:4000".into(), "malformed private message"),
    );
    assert_eq!(with(&lines_in(&s, &dev), "dropped"), 2);
    assert_eq!(
        s.buffers.list.len(),
        3,
        "#general, #dev, Bob: no buffer for an address"
    );
}

#[test]
fn room_notices_go_to_their_room_and_group_lines_stay_in_the_shown_buffer() {
    let mut s = in_dev();
    let (general, dev) = (
        BufferKey::Room("#general".into()),
        BufferKey::Room("#dev".into()),
    );
    assert_eq!(with(&lines_in(&s, &dev), "joined #dev"), 1);
    update(&mut s, Action::SwitchBuffer(0));
    let reaction = |room: &str| NetEvent::Reaction {
        msg_id: format!("{}:7", bob()),
        from: bob(),
        from_name: "Bob".into(),
        emoji: "👍".into(),
        on: true,
        count: 1,
        room: room.into(),
    };
    apply(&mut s, reaction("#dev"));
    let edit = NetEvent::Edited {
        msg_id: format!("{}:8", bob()),
        from: bob(),
        from_name: "Bob".into(),
        body: "fixed".into(),
        room: "#dev".into(),
    };
    apply(&mut s, edit);
    assert_eq!(with(&lines_in(&s, &dev), "Bob reacted 👍"), 1);
    assert_eq!(with(&lines_in(&s, &dev), "Bob edited a message"), 1);
    let general_lines = lines_in(&s, &general);
    assert_eq!(
        with(&general_lines, "reacted") + with(&general_lines, "edited"),
        0
    );
    // A room we are not in gets no buffer for a notice: it is said where we are.
    apply(&mut s, reaction("#ops"));
    assert_eq!(with(&lines_in(&s, &general), "Bob reacted 👍"), 1);
    assert!(s
        .buffers
        .index_of(&BufferKey::Room("#ops".into()))
        .is_none());
    // The group's lines: in the shown buffer, whichever it is.
    let gone = NetEvent::PeerOffline {
        id: carol(),
        name: "Carol".into(),
        reason: OfflineReason::Quit,
        quiet: false,
    };
    apply(&mut s, gone);
    assert_eq!(with(&lines_in(&s, &general), "Carol left"), 1);
    assert_eq!(with(&lines_in(&s, &dev), "Carol left"), 0);
}

#[test]
fn stored_system_lines_come_back_in_the_conversation_they_were_shown_in() {
    let mut s = new_state();
    apply(
        &mut s,
        fixtures::ready(&"a".repeat(64), "Alice", "aaaa:aaaa"),
    );
    let system = |row: i64, body: &str, peer: Option<String>| {
        let mut e = stored(row, EntryKind::System, ("", ""), body, T0 - 10_000 + row);
        e.msg_id = None;
        e.peer_name = peer.as_ref().map(|_| "Bob".to_string());
        e.peer = peer;
        e
    };
    let entries = vec![
        system(
            1,
            "Bob offered a.txt (4096 bytes, transfer 0a0a0a0a)",
            Some(bob()),
        ),
        system(2, "Carol left", None),
        system(3, "received /tmp/a.txt, verified", Some(bob())),
    ];
    apply(
        &mut s,
        NetEvent::History {
            entries,
            more: false,
        },
    );
    let dm = BufferKey::Private(bob());
    assert_eq!(
        lines_in(&s, &dm),
        vec![
            "Bob offered a.txt (4096 bytes, transfer 0a0a0a0a)",
            "received /tmp/a.txt, verified"
        ]
    );
    assert_eq!(s.buffers.list[1].label, "Bob", "named by the stored name");
    let general = BufferKey::Room("#general".into());
    assert_eq!(with(&lines_in(&s, &general), "Carol left"), 1);
    assert_eq!(with(&lines_in(&s, &general), "a.txt"), 0);
}
