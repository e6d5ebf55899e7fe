//! Render snapshots of what the store edge adds to the screen: stored history above live
//! lines, private messages with delivery marks, backfilled messages, trust marks in the peer
//! list and the impersonation warning.
// The shared fixtures re-export key helpers this file does not press.

use super::fixtures::*;
use p2pchat_engine::api::{Delivery, Trust};
use p2pchat_engine::api::{EntryKind, HistoryEntry};

fn stored(row: i64, kind: EntryKind, body: &str, ts: i64) -> HistoryEntry {
    HistoryEntry {
        row,
        kind,
        msg_id: Some(format!("{}:{row}", "b0".repeat(32))),
        author: "b0".repeat(32),
        author_name: "Bob".into(),
        peer: None,
        body: body.into(),
        ts,
        signed: true,
        backfilled: false,
        status: None,
        peer_name: None,
    }
}

fn trust(s: &mut AppState, id: &str, name: &str, fp: &str, trust: Trust, previous: &[&str]) {
    apply(
        s,
        NetEvent::PeerTrust {
            id: id.into(),
            name: name.into(),
            fingerprint: fp.into(),
            trust,
            blocked: false,
            previous: previous.iter().map(|p| p.to_string()).collect(),
        },
    );
}

#[test]
fn history_private_messages_backfill_and_trust_marks() {
    let mut s = state(90, 26, false);
    ready(&mut s);
    let bob = "b0".repeat(32);
    let eve = "e5".repeat(32);
    apply(
        &mut s,
        NetEvent::History {
            entries: vec![
                stored(1, EntryKind::Message, "from yesterday's run", T0 - 40 * MIN),
                stored(2, EntryKind::System, "Bob left", T0 - 39 * MIN),
            ],
            more: false,
        },
    );
    online(&mut s, &bob, "Bob", "b0b0:b0b0");
    trust(&mut s, &bob, "Bob", "b0b0:b0b0", Trust::Verified, &[]);
    apply(
        &mut s,
        NetEvent::Backfilled {
            msg_id: format!("{bob}:9"),
            from: bob.clone(),
            from_name: "Bob".into(),
            body: "sent while you were away".into(),
            ts: T0 - 35 * MIN,
            via: bob.clone(),
        },
    );
    apply(
        &mut s,
        NetEvent::DmSent {
            msg_id: "a1:1".into(),
            to: bob.clone(),
            to_name: "Bob".into(),
            body: "just between us".into(),
            ts: T0 - 30 * MIN,
            status: Delivery::Sent,
        },
    );
    apply(
        &mut s,
        NetEvent::Delivered {
            msg_id: "a1:1".into(),
            to: bob.clone(),
        },
    );
    apply(
        &mut s,
        NetEvent::DirectMessage {
            msg_id: format!("{bob}:10"),
            from: bob.clone(),
            from_name: "Bob".into(),
            body: "agreed".into(),
            ts: T0 - 29 * MIN,
        },
    );
    online(&mut s, &eve, "Bob", "e5e5:e5e5");
    trust(
        &mut s,
        &eve,
        "Bob",
        "e5e5:e5e5",
        Trust::KeyChanged,
        &["b0b0:b0b0"],
    );
    insta::assert_snapshot!(text(&render(&s)));
}
