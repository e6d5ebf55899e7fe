//! The store edge on its own: lines are stored before they are handed on, backfill duplicates
//! vanish, blocks persist, `/dm` to an absent known peer is resolved to its id.

use super::*;
use crate::net::api::OfflineReason;

fn id(n: u8) -> PeerId {
    PeerId([n; 32])
}

fn online(a: &mut Archive, who: PeerId, name: &str) -> Vec<NetEvent> {
    a.on_event(
        NetEvent::PeerOnline {
            id: who.to_hex(),
            name: name.into(),
            fingerprint: who.fingerprint(),
            addr: "127.0.0.1:1".into(),
        },
        1,
    )
}

fn message(from: PeerId, seq: u64, body: &str) -> NetEvent {
    NetEvent::Message {
        msg_id: format!("{}:{seq}", from.to_hex()),
        from: from.to_hex(),
        from_name: "Bob".into(),
        body: body.into(),
        signed: true,
        verified: true,
        ts: 5,
    }
}

#[test]
fn a_message_is_stored_when_it_is_handed_on_and_a_backfilled_copy_vanishes() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let shown = a.on_event(message(id(2), 7, "hello"), 9);
    assert_eq!(shown.len(), 1);
    assert!(a.db().unwrap().contains(&format!("{}:7", id(2).to_hex())));
    let copy = NetEvent::Backfilled {
        msg_id: format!("{}:7", id(2).to_hex()),
        from: id(2).to_hex(),
        from_name: "Bob".into(),
        body: "hello".into(),
        ts: 5,
        via: id(3).to_hex(),
    };
    assert!(a.on_event(copy, 10).is_empty());
    let (page, _) = a.db().unwrap().page(None, 10).unwrap();
    assert_eq!(page.len(), 1);
}

#[test]
fn blocks_persist_and_hide_messages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    {
        let mut a = Archive::new(Some(History::open(&path).unwrap()), id(1));
        online(&mut a, id(2), "Eve");
        let reply = a.on_command(&NetCommand::Block {
            who: "eve".into(),
            blocked: true,
        });
        assert!(matches!(
            reply.as_deref(),
            Some([NetEvent::PeerTrust { blocked: true, .. }])
        ));
    }
    let mut a = Archive::new(Some(History::open(&path).unwrap()), id(1));
    let shown = a.on_event(message(id(2), 1, "spam"), 2);
    assert!(matches!(&shown[..], [NetEvent::Rejected { reason, .. }] if reason == BLOCKED));
    assert!(!a.db().unwrap().contains(&format!("{}:1", id(2).to_hex())));
}

#[test]
fn a_dm_to_an_absent_known_peer_is_addressed_by_id() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    online(&mut a, id(2), "Bob");
    a.on_event(
        NetEvent::PeerOffline {
            id: id(2).to_hex(),
            name: "Bob".into(),
            reason: OfflineReason::Quit,
        },
        3,
    );
    let mut cmd = NetCommand::SendDm {
        to: "BOB".into(),
        body: "hi".into(),
    };
    a.rewrite(&mut cmd);
    assert_eq!(
        cmd,
        NetCommand::SendDm {
            to: id(2).to_hex(),
            body: "hi".into()
        }
    );
    let mut unknown = NetCommand::SendDm {
        to: "nobody".into(),
        body: "hi".into(),
    };
    a.rewrite(&mut unknown);
    assert!(matches!(unknown, NetCommand::SendDm { to, .. } if to == "nobody"));
}

#[test]
fn safety_codes_match_from_both_sides() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let mut b = Archive::new(Some(History::in_memory()), id(2));
    online(&mut a, id(2), "Bob");
    online(&mut b, id(1), "Alice");
    let code =
        |x: &mut Archive, who: &str| match x.on_command(&NetCommand::Verify { who: who.into() }) {
            Some(v) => match &v[..] {
                [NetEvent::SafetyCode { code, .. }] => code.clone(),
                other => panic!("{other:?}"),
            },
            None => panic!("not answered"),
        };
    assert_eq!(code(&mut a, "bob"), code(&mut b, "alice"));
}

#[test]
fn a_full_disk_is_one_notice_and_every_message_is_still_shown() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Archive::new(
        Some(History::open(&dir.path().join("history.db")).unwrap()),
        id(1),
    );
    let db = a.db().unwrap().conn();
    let pages: i64 = db.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    db.query_row(&format!("PRAGMA max_page_count={}", pages + 4), [], |_| {
        Ok(())
    })
    .unwrap();
    let body = "w".repeat(4000);
    let mut shown = 0;
    let mut notices = Vec::new();
    for seq in 0..40 {
        for event in a.on_event(message(id(2), seq, &body), 9) {
            match event {
                NetEvent::Message { .. } => shown += 1,
                NetEvent::Error { message } => notices.push(message),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(shown, 40, "the chat goes on");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].starts_with("disk full") && !notices[0].contains('\n'));
}

#[test]
fn upkeep_prunes_future_dated_rows_then_waits_for_the_interval() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let now = 1_000_000_000_000;
    let ahead = |seq: u64| NetEvent::Backfilled {
        msg_id: format!("{}:{seq}", id(2).to_hex()),
        from: id(2).to_hex(),
        from_name: "Mallory".into(),
        body: "from the future".into(),
        ts: now + 10 * 365 * 24 * 3_600_000,
        via: id(3).to_hex(),
    };
    a.on_event(ahead(1), now);
    a.maintain(now);
    assert!(a.db().unwrap().page(None, 10).unwrap().0.is_empty());
    a.on_event(ahead(2), now + 1);
    a.maintain(now + 1);
    assert_eq!(
        a.db().unwrap().page(None, 10).unwrap().0.len(),
        1,
        "not yet"
    );
    a.maintain(now + PRUNE_INTERVAL_MS);
    assert!(a.db().unwrap().page(None, 10).unwrap().0.is_empty());
}

#[test]
fn a_lowered_quota_is_reached_on_ticks_even_with_no_new_lines() {
    let db = History::in_memory();
    for seq in 0..3000 {
        db.insert(&HistoryEntry {
            msg_id: Some(format!("{}:{seq}", id(2).to_hex())),
            author: id(2).to_hex(),
            ..system("x".repeat(200), 5)
        })
        .unwrap();
    }
    let limits = crate::config::Limits {
        max_store_bytes: 64 * 1024,
        ..crate::config::Limits::default()
    };
    let mut a = Archive::with_quota(Some(db), id(1), &limits).unwrap();
    assert!(
        a.db().unwrap().usage().total > 64 * 1024,
        "one bounded step at start"
    );
    for tick in 0..10 {
        a.maintain(10 + tick);
    }
    assert!(a.db().unwrap().usage().total <= 64 * 1024);
}
