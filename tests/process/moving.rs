//! A peer that replaces its connection (a newer one proven first on its side, then
//! `reject: duplicate` on the old one) is moving, not leaving: no `peer_offline` when the new
//! connection arrives within the handshake timeout, and `peer_offline` when it never does.

use common::raw::*;
use common::*;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::wire::{Frame, RejectReason};
use p2pchat_testkit as common;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(10);

fn duplicate() -> Frame {
    Frame::Reject {
        reason: RejectReason::Duplicate,
        message: "already connected".into(),
    }
}

fn offline_events(p: &mut Peer, id: &str) -> usize {
    p.events()
        .iter()
        .filter(|e| e["event"] == "peer_offline" && e["id"] == id)
        .count()
}

#[test]
fn a_peer_moving_to_a_new_connection_is_never_shown_offline_and_one_that_does_not_arrive_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), free_udp_port()));

    // Moves: the new connection's handshake is under way when the old one is refused as a
    // duplicate, and is proven just after (as when the peer finished its side first).
    let mallory = Identity::from_secret([7; 32]);
    let id = mallory.id().to_hex();
    let start = Instant::now();
    let (mut old, _) = handshake(bob.port, &mallory, 2);
    bob.online_since(start, &id, T);
    let mut new = Secure::connect(bob.port);
    let theirs = new.read_hello();
    new.write(&Frame::Hello(raw_hello(mallory.id(), 2)));
    old.write(&duplicate());
    // Bob closes the old connection on the refusal: only then is the new one proven.
    old.read_until_closed();
    let binding = new.binding;
    new.write(&auth_for(&mallory, &theirs, &binding));
    new.write(&Frame::Ping);
    // Listed again once the new connection is proven (asked until it is, within T).
    let deadline = Instant::now() + T;
    loop {
        // The answer to this `/list`, not an earlier one (wait_for would find the first).
        let asked = Instant::now();
        bob.send("/list");
        let (_, listed) = bob.wait_since(asked, "peers", T, |e| e["event"] == "peers");
        let has = |p: &Vec<serde_json::Value>| p.iter().any(|x| x["id"] == id.as_str());
        if listed["peers"].as_array().is_some_and(has) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not on the new connection: {listed}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(offline_events(&mut bob, &id), 0, "a move is no departure");
    let onlines = bob
        .events()
        .iter()
        .filter(|e| e["event"] == "peer_online" && e["id"] == id.as_str())
        .count();
    assert_eq!(onlines, 1, "and no second arrival");

    // Leaves: refused as a duplicate and no newer connection comes within the handshake
    // timeout: then it is offline.
    let trudy = Identity::from_secret([8; 32]);
    let gone_id = trudy.id().to_hex();
    let start = Instant::now();
    let (mut only, _) = handshake(bob.port, &trudy, 2);
    bob.online_since(start, &gone_id, T);
    let since = Instant::now();
    only.write(&duplicate());
    let gone = bob.wait_for("offline after the timeout", T, |e| {
        e["event"] == "peer_offline" && e["id"] == gone_id.as_str()
    });
    assert_eq!(gone["reason"], "closed", "{gone}");
    assert!(
        since.elapsed() >= Duration::from_secs(4),
        "told when the handshake timeout passed, not at once: {:?}",
        since.elapsed()
    );
    drop((old, new));
}
