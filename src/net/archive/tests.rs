//! The store edge on its own: lines are stored before they are handed on, copies of a stored
//! message (synced or live) vanish, blocks persist, `/dm` to an absent known peer is resolved to its id.

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
fn a_live_copy_of_a_message_already_stored_vanishes_silently() {
    let mut a = Archive::new(Some(History::in_memory()), id(1));
    let synced = NetEvent::Backfilled {
        msg_id: format!("{}:8", id(2).to_hex()),
        from: id(2).to_hex(),
        from_name: "Bob".into(),
        body: "twice?".into(),
        ts: 5,
        via: id(3).to_hex(),
    };
    assert_eq!(a.on_event(synced, 9).len(), 1);
    // The author's own delayed copy: not shown, not reported as a replay.
    assert!(a.on_event(message(id(2), 8, "twice?"), 10).is_empty());
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
