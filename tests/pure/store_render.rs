//! Render snapshots of what the store edge adds to the screen: stored history above live
//! lines, private messages with delivery marks, backfilled messages, trust marks in the peer
//! list and the impersonation warning.
// The shared fixtures re-export key helpers this file does not press.

use super::fixtures::*;
use p2pchat_engine::api::{Delivery, Trust};
use p2pchat_engine::api::{EntryKind, HistoryEntry};

fn stored(row: i64, kind: EntryKind, body: &str, ts: i64) -> HistoryEntry {
    shared::stored(row, kind, (&"b0".repeat(32), "Bob"), body, ts)
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
            mentions_me: false,
            action: false,
            msg_id: format!("{bob}:9"),
            from: bob.clone(),
            from_name: "Bob".into(),
            body: "sent while you were away".into(),
            ts: T0 - 35 * MIN,
            via: bob.clone(),
            room: "#general".into(),
            reply_to: None,
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

/// Names where a name is known (issue #13, item 7): a synced line from an author seen only
/// later takes the name, the certificate line names approvers who are not connected (the
/// store edge's names), and a verified ✔ is drawn apart from the handshake-proven ✓.
#[test]
fn names_replace_fingerprints_once_known_and_verified_stands_out() {
    let mut s = state(90, 16, true);
    ready(&mut s);
    let (bob, dana, zed) = ("b0".repeat(32), "da".repeat(32), "2e".repeat(32));
    apply(
        &mut s,
        NetEvent::Backfilled {
            mentions_me: false,
            action: false,
            msg_id: format!("{dana}:1"),
            from: dana.clone(),
            from_name: "dada:dada".into(),
            body: "said while you were away".into(),
            ts: T0 - 5 * MIN,
            via: bob.clone(),
            room: "#general".into(),
            reply_to: None,
        },
    );
    online(&mut s, &bob, "Bob", "b0b0:b0b0");
    online(&mut s, &dana, "Dana", "dada:dada");
    trust(&mut s, &dana, "Dana", "dada:dada", Trust::Verified, &[]);
    let me = s.me.id.clone();
    apply(
        &mut s,
        NetEvent::SecureMode {
            enabled: true,
            proposal_id: "ab".repeat(16),
            approvers: vec![me, "c4".repeat(32), zed],
            approver_names: vec!["Alice".into(), "Carol".into(), "2e2e:2e2e".into()],
        },
    );
    let t = render(&s);
    insta::assert_snapshot!(text(&t));
    // The ✔ of verified Dana is green; Bob's ✓ is the grey of the fingerprints.
    let buf = t.backend().buffer();
    let find = |glyph: &str| {
        (0..buf.area.height)
            .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
            .find(|&(x, y)| buf[(x, y)].symbol() == glyph)
            .map(|(x, y)| buf[(x, y)].fg)
            .unwrap()
    };
    assert_eq!(find("✔"), ratatui::style::Color::Green);
    assert_ne!(find("✓"), ratatui::style::Color::Green);
}

/// Two peers of one long name: the fingerprint telling them apart is never cut, the name
/// before it is (issue #13, item 7).
#[test]
fn the_fingerprint_telling_two_namesakes_apart_is_not_cut() {
    let mut s = state(70, 10, false);
    ready(&mut s);
    let (one, two) = ("a1".repeat(32), "a2".repeat(32));
    online(&mut s, &one, "Alexandra", "a1b2:c3d4");
    online(&mut s, &two, "Alexandra", "a1b2:c3d5");
    msg(&mut s, &one, "Alexandra", "I am the real one", true, T0);
    msg(&mut s, &two, "Alexandra", "no, I am", true, T0);
    let screen = text(&render(&s));
    assert!(screen.contains("(a1b2:c3d5): no, I am"), "{screen}");
    insta::assert_snapshot!(screen);
}
