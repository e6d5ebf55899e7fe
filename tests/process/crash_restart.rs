//! A peer killed with `kill -9` in the middle of a conversation and restarted from the same
//! data directory: same identity, back in the mesh, every message sent after it is back
//! reaches it exactly once, and its own new messages are not mistaken for replays (its
//! sequence numbers continue above everything it sent before the crash).
//!
//! What "nothing lost" cannot mean in protocol v1: messages sent while it was down are not
//! delivered to it later (there is no history backfill); this test checks that they are at
//! least not shown twice or out of thin air. On loopback, so it runs without root.

use common::*;
use p2pchat_testkit as common;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn bodies(p: &mut Peer, from: &str) -> Vec<String> {
    p.events()
        .iter()
        .filter(|e| e["event"] == "message" && e["from"] == from)
        .map(|e| e["body"].as_str().unwrap().to_string())
        .collect()
}

fn seq_of(msg_id: &serde_json::Value) -> u64 {
    msg_id
        .as_str()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn a_peer_killed_mid_conversation_comes_back_with_its_identity_and_loses_nothing_after() {
    let root = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let dir = |n: &str| {
        let d = root.path().join(n);
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", &dir("a"), port));
    let mut b = Peer::spawn(&PeerOpts::loopback("Bob", &dir("b"), port));
    let mut c = Peer::spawn(&PeerOpts::loopback("Carol", &dir("c"), port));
    a.wait_online(&b, T);
    a.wait_online(&c, T);
    b.wait_online(&c, T);
    c.wait_online(&a, T);
    c.wait_online(&b, T);
    let carol_id = c.id.clone();

    // The conversation: Carol and Alice exchange a few messages.
    for k in 0..5 {
        a.send(&format!("before {k}"));
        c.send(&format!("carol before {k}"));
    }
    c.wait_message("before 4", T);
    a.wait_message("carol before 4", T);
    let last_sent = c.wait_for("carol's last sent", T, |e| {
        e["event"] == "sent" && e["body"] == "carol before 4"
    });
    let seq_before = seq_of(&last_sent["msg_id"]);

    // kill -9 while Alice keeps talking.
    a.send("in flight 1");
    c.kill9();
    a.send("while down");
    a.wait_offline(&c, T);
    b.wait_offline(&c, T);

    let mut c = Peer::spawn(&PeerOpts::loopback("Carol", &dir("c"), port));
    assert_eq!(c.id, carol_id, "same identity after kill -9");
    c.wait_online(&a, T);
    c.wait_online(&b, T);
    for p in [&mut a, &mut b] {
        let id = carol_id.clone();
        let count = std::cell::Cell::new(0);
        let back = p.try_wait_for(T, |e| {
            if e["event"] == "peer_online" && e["id"] == id.as_str() {
                count.set(count.get() + 1);
            }
            count.get() >= 2
        });
        assert!(back.is_some(), "{} sees Carol again", p.name);
    }

    // After she is back, everything sent to her arrives, once.
    for k in 0..5 {
        a.send(&format!("after {k}"));
        b.send(&format!("bob after {k}"));
    }
    c.wait_message("after 4", T);
    c.wait_message("bob after 4", T);
    let from_a = bodies(&mut c, &a.id);
    let from_b = bodies(&mut c, &b.id);
    assert_eq!(
        from_a,
        (0..5).map(|k| format!("after {k}")).collect::<Vec<_>>()
    );
    assert_eq!(
        from_b,
        (0..5).map(|k| format!("bob after {k}")).collect::<Vec<_>>()
    );

    // Her own new messages continue above the old sequence numbers and are accepted.
    c.send("carol after the crash");
    let sent = c.wait_for("sent", T, |e| {
        e["event"] == "sent" && e["body"] == "carol after the crash"
    });
    assert!(seq_of(&sent["msg_id"]) > seq_before);
    for p in [&mut a, &mut b] {
        let m = p.wait_message("carol after the crash", T);
        assert_eq!(m["verified"], true);
        let replays: Vec<String> = p
            .events()
            .iter()
            .filter(|e| e["event"] == "rejected")
            .map(|e| e["reason"].as_str().unwrap().to_string())
            // The kill itself may show as a reset connection; nothing else is refused.
            .filter(|r| !r.starts_with("connection error"))
            .collect();
        assert!(replays.is_empty(), "{}: {replays:?}", p.name);
    }
    // Alice saw each of Carol's messages exactly once, before and after.
    let mut want: Vec<String> = (0..5).map(|k| format!("carol before {k}")).collect();
    want.push("carol after the crash".into());
    assert_eq!(bodies(&mut a, &carol_id), want);
}
