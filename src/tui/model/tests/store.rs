//! Store-edge events in the model: stored history above live lines and paging on scroll,
//! private messages marked, trust marks and the impersonation warning, starting a DM from the
//! peer list.

use super::*;
use crate::tui::fixtures;
use crate::tui::model::log::LineKind;
use crate::tui::model::HISTORY_PAGE;
use p2pchat_engine::api::Trust;
use p2pchat_engine::api::{EntryKind, HistoryEntry};

fn entry(row: i64, body: &str) -> HistoryEntry {
    let ann = "ab".repeat(32);
    fixtures::stored(
        row,
        EntryKind::Message,
        (&ann, "Ann"),
        body,
        T0 - 1000 + row,
    )
}

fn body(s: &AppState, i: usize) -> String {
    match &s.log.lines()[i].kind {
        LineKind::Chat { body, .. } => body.clone(),
        LineKind::System { text, .. } => text.clone(),
    }
}

fn online(s: &mut AppState, id: &str, name: &str) {
    apply(
        s,
        NetEvent::PeerOnline {
            id: id.into(),
            name: name.into(),
            fingerprint: format!("{}:{}", &id[..4], &id[4..8]),
            addr: "127.0.0.1:1".into(),
            quiet: false,
        },
    );
}

#[test]
fn stored_history_goes_above_live_lines_and_scrolling_back_loads_the_page_before() {
    let mut s = new_state();
    apply(
        &mut s,
        NetEvent::Notice {
            message: "live".into(),
        },
    );
    let page: Vec<HistoryEntry> = (101..=130).map(|i| entry(i, &format!("old {i}"))).collect();
    apply(
        &mut s,
        NetEvent::History {
            entries: page,
            more: true,
        },
    );
    assert_eq!(body(&s, 0), "old 101");
    assert_eq!(body(&s, 30), "live");
    assert_eq!(s.history.oldest_row, Some(101));
    // Scrolling to the top asks for the page before row 101, once.
    let effects = update(&mut s, Action::ScrollToOldest);
    assert_eq!(
        effects,
        vec![Effect::Send {
            command: NetCommand::History {
                before: Some(101),
                limit: HISTORY_PAGE,
                earlier_runs: true,
                room: None,
            },
            from_input: false
        }]
    );
    assert!(
        update(&mut s, Action::ScrollToOldest).is_empty(),
        "already loading"
    );
    let View::Pinned(before) = s.log.view else {
        panic!("pinned")
    };
    apply(
        &mut s,
        NetEvent::History {
            entries: vec![entry(99, "older"), entry(100, "oldest loaded")],
            more: false,
        },
    );
    let View::Pinned(after) = s.log.view else {
        panic!("still pinned")
    };
    assert_eq!(
        after.line,
        before.line + 2,
        "the view stays on the same line"
    );
    assert_eq!(body(&s, 0), "older");
    assert!(
        update(&mut s, Action::ScrollToOldest).is_empty(),
        "nothing older"
    );
}

#[test]
fn private_messages_are_marked_and_trust_shows_on_names() {
    let mut s = new_state();
    let bob = "b0b0".repeat(16);
    online(&mut s, &bob, "Bob");
    apply(
        &mut s,
        NetEvent::DirectMessage {
            msg_id: format!("{bob}:1"),
            from: bob.clone(),
            from_name: "Bob".into(),
            body: "psst".into(),
            ts: T0,
        },
    );
    // It went to its own buffer.
    update(&mut s, Action::SwitchBuffer(1));
    let LineKind::Chat { private, name, .. } = &s.log.lines().last().unwrap().kind else {
        panic!("chat line")
    };
    assert!(*private);
    assert_eq!(name, "Bob");
    apply(
        &mut s,
        NetEvent::PeerTrust {
            id: bob.clone(),
            name: "Bob".into(),
            fingerprint: "b0b0:b0b0".into(),
            trust: Trust::Verified,
            blocked: false,
            previous: vec![],
        },
    );
    apply(
        &mut s,
        message(&bob, "Bob", "hi all", &format!("{bob}:2"), T0, "#general"),
    );
    update(&mut s, Action::SwitchBuffer(0));
    let LineKind::Chat { name, private, .. } = &s.log.lines().last().unwrap().kind else {
        panic!("chat line")
    };
    assert_eq!((name.as_str(), *private), ("Bob ✔", false));
}

#[test]
fn a_changed_key_is_a_loud_warning() {
    let mut s = new_state();
    let fake = "fa4e".repeat(16);
    online(&mut s, &fake, "Bob");
    apply(
        &mut s,
        NetEvent::PeerTrust {
            id: fake.clone(),
            name: "Bob".into(),
            fingerprint: "fa4e:fa4e".into(),
            trust: Trust::KeyChanged,
            blocked: false,
            previous: vec!["b0b0:b0b0".into()],
        },
    );
    let last = body(&s, s.log.len() - 1);
    assert!(
        last.contains("WARNING") && last.contains("b0b0:b0b0"),
        "{last}"
    );
    assert!(s.status.as_ref().unwrap().text.contains("impersonation"));
    assert_eq!(s.trust[&fake].trust, Trust::KeyChanged);
}

#[test]
fn a_name_like_the_users_own_is_a_warning_about_them() {
    let mut s = new_state();
    s.me.fingerprint = "a11c:e000".into();
    let fake = "fa4e".repeat(16);
    online(&mut s, &fake, "Аlice");
    apply(
        &mut s,
        NetEvent::PeerTrust {
            id: fake,
            name: "Аlice".into(),
            fingerprint: "fa4e:fa4e".into(),
            trust: Trust::KeyChanged,
            blocked: false,
            previous: vec!["a11c:e000".into()],
        },
    );
    let last = body(&s, s.log.len() - 1);
    assert!(
        last.contains("using your name")
            && last.contains("fa4e:fa4e")
            && last.contains("a11c:e000"),
        "{last}"
    );
}

#[test]
fn a_folded_join_or_leave_changes_the_peer_list_only() {
    let mut s = new_state();
    let lines = s.log.len();
    let id = "b0b0".repeat(16);
    apply(
        &mut s,
        NetEvent::PeerOnline {
            id: id.clone(),
            name: "Bob".into(),
            fingerprint: "b0b0:b0b0".into(),
            addr: "127.0.0.1:1".into(),
            quiet: true,
        },
    );
    assert!(s.peers.iter().any(|p| p.id == id && p.online));
    apply(
        &mut s,
        NetEvent::PeerOffline {
            id: id.clone(),
            name: "Bob".into(),
            reason: p2pchat_engine::api::OfflineReason::Closed,
            quiet: true,
        },
    );
    assert!(s.peers.iter().any(|p| p.id == id && !p.online));
    assert_eq!(s.log.len(), lines, "a folded join or leave added a line");
}

#[test]
fn enter_on_a_peer_starts_a_private_message() {
    let mut s = new_state();
    online(&mut s, &"b0b0".repeat(16), "Bob");
    s.focus = Focus::Peers;
    press(&mut s, plain(Code::Enter));
    assert_eq!(s.input.text(), "/dm Bob ");
    assert_eq!(s.focus, Focus::Input);
    type_str(&mut s, "hello");
    let effects = press(&mut s, plain(Code::Enter));
    assert!(matches!(
        &effects[..],
        [Effect::Send {
            command: NetCommand::SendDm { to, body },
            ..
        }] if to == "Bob" && body == "hello"
    ));
}

#[test]
fn two_peers_with_one_name_are_told_apart_by_fingerprint() {
    let mut s = new_state();
    let (b1, b2) = ("b0b0".repeat(16), "e5e5".repeat(16));
    online(&mut s, &b1, "Bob");
    online(&mut s, &b2, "Bob");
    for (id, seq) in [(&b1, 1), (&b2, 2)] {
        apply(
            &mut s,
            message(
                id,
                "Bob",
                "I am Bob",
                &format!("{id}:{seq}"),
                T0,
                "#general",
            ),
        );
    }
    let names: Vec<String> = s
        .log
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Chat { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(names, vec!["Bob (b0b0:b0b0)", "Bob (e5e5:e5e5)"]);
}

#[test]
fn trust_lines_appear_only_for_changes_the_user_made() {
    let mut s = new_state();
    let bob = "b0".repeat(32);
    let trust_event = |trust| NetEvent::PeerTrust {
        id: bob.clone(),
        name: "Bob".into(),
        fingerprint: "b0b0:b0b0".into(),
        trust,
        blocked: false,
        previous: vec![],
    };
    apply(&mut s, trust_event(Trust::New));
    let before = s.log.len();
    // Seen again on a later connection: nothing to tell.
    apply(&mut s, trust_event(Trust::Known));
    assert_eq!(s.log.len(), before, "a rejoin is not a trust change");
    apply(&mut s, trust_event(Trust::Verified));
    assert!(body(&s, s.log.len() - 1).contains("Bob is now verified"));
    apply(&mut s, trust_event(Trust::Known));
    assert!(body(&s, s.log.len() - 1).contains("Bob is no longer marked verified"));
}

#[test]
fn a_history_gap_is_said_out_loud_once_as_a_system_line() {
    let mut s = new_state();
    apply(
        &mut s,
        NetEvent::HistoryGap {
            author: "ab".repeat(32),
            from_name: "Bob".into(),
            from_ts: T0 - 180_000,
            to_ts: T0,
        },
    );
    assert_eq!(s.log.lines().len(), 1);
    let text = body(&s, 0);
    let at = |ts| s.now.local(ts).format("%H:%M").to_string();
    assert_eq!(
        text,
        format!(
            "messages from Bob between {} and {} are not available",
            at(T0 - 180_000),
            at(T0)
        )
    );
}

#[test]
fn a_peer_under_our_name_or_a_changed_key_is_named_by_fingerprint() {
    let mut s = new_state();
    s.me.name = "Alice".into();
    // A Cyrillic А: a look-alike of our own name.
    online(&mut s, &"a1a1".repeat(16), "Аlice");
    s.focus = Focus::Peers;
    press(&mut s, plain(Code::Enter));
    assert_eq!(s.input.text(), "/dm a1a1:a1a1 ");

    let mut s = new_state();
    let bob = "b0b0".repeat(16);
    online(&mut s, &bob, "Bob");
    apply(
        &mut s,
        NetEvent::PeerTrust {
            id: bob.clone(),
            name: "Bob".into(),
            fingerprint: "b0b0:b0b0".into(),
            trust: Trust::KeyChanged,
            blocked: false,
            previous: vec!["e5e5:e5e5".into()],
        },
    );
    s.focus = Focus::Peers;
    press(&mut s, plain(Code::Enter));
    assert_eq!(s.input.text(), "/dm b0b0:b0b0 ");
    // Completion offers the fingerprint, never the name another key has used.
    s.input.set("/dm Bo");
    s.focus = Focus::Input;
    press(&mut s, plain(Code::Tab));
    assert_ne!(s.input.text(), "/dm Bob ");
}

#[test]
fn a_synced_line_from_an_unseen_author_gets_its_name_when_the_author_joins() {
    let mut s = new_state();
    let dana = "da7a".repeat(16);
    apply(
        &mut s,
        NetEvent::Backfilled {
            mentions_me: false,
            action: false,
            msg_id: format!("{dana}:1"),
            from: dana.clone(),
            from_name: "da7a:da7a".into(),
            body: "said while you were away".into(),
            ts: T0,
            via: "b0".repeat(32),
            room: "#general".into(),
            reply_to: None,
        },
    );
    online(&mut s, &dana, "Dana");
    let names: Vec<String> = s
        .log
        .lines()
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Chat { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(names, vec!["Dana"]);
}

#[test]
fn namesakes_with_one_fingerprint_are_told_apart_by_more_of_the_id() {
    let mut s = new_state();
    // Two keys ground to share the fingerprint shown (the first 8 hex digits).
    let (a, b) = (
        format!("a1b2c3d4{}", "0".repeat(56)),
        format!("a1b2c3d4e{}", "1".repeat(55)),
    );
    for id in [&a, &b] {
        apply(
            &mut s,
            NetEvent::PeerOnline {
                id: id.clone(),
                name: "Alice".into(),
                fingerprint: "a1b2:c3d4".into(),
                addr: "127.0.0.1:1".into(),
                quiet: false,
            },
        );
    }
    let one = crate::tui::model::apply_store::display_name(&s, &a, "Alice");
    let two = crate::tui::model::apply_store::display_name(&s, &b, "Аlice");
    assert_eq!(one, "Alice (a1b2c3d40)");
    assert_eq!(two, "Аlice (a1b2c3d4e)");
}
