//! Voting with real processes: three peers, a proposal, one approval, secure-only mode on
//! everywhere; unsigned messages refused locally and on receipt; a fourth peer that joins
//! afterwards adopts and enforces the mode.

use common::raw::*;
use common::*;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::wire::{ChatContent, Frame, SignedPayload};
use p2pchat_testkit as common;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

#[test]
fn vote_secure_only_mode_in_and_a_late_joiner_enforces_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let mut p: Vec<Peer> = ["Alice", "Bob", "Carol"]
        .iter()
        .map(|n| Peer::spawn(&PeerOpts::loopback(n, dir.path(), port)))
        .collect();
    for i in 0..3 {
        for j in 0..3 {
            if i != j {
                let (name, id) = (p[j].name.clone(), p[j].id.clone());
                p[i].wait_for(&format!("{name} online"), T, |e| {
                    e["event"] == "peer_online" && e["id"] == id.as_str()
                });
            }
        }
    }

    p[0].send("/propose lock the room");
    let proposal = p[0].wait_for("proposal", T, |e| e["event"] == "proposal");
    assert_eq!(proposal["threshold"], 2);
    assert_eq!(proposal["electorate"].as_array().unwrap().len(), 3);
    let id = proposal["proposal_id"].as_str().unwrap().to_string();
    for i in [1, 2] {
        let seen = p[i].wait_for("proposal", T, |e| e["event"] == "proposal");
        assert_eq!(seen["proposal_id"], id.as_str());
        assert_eq!(seen["proposer_name"], "Alice");
    }

    p[1].send(&format!("/vote {} approve", &id[..6]));
    for peer in p.iter_mut() {
        let mode = peer.wait_for("secure_mode", T, |e| e["event"] == "secure_mode");
        assert_eq!(mode["enabled"], true);
        assert_eq!(mode["approvers"].as_array().unwrap().len(), 2);
        let closed = peer.wait_for("closed", T, |e| e["event"] == "proposal_closed");
        assert_eq!(closed["outcome"], "approved");
    }
    p[2].send("/status");
    let status = p[2].wait_for("status", T, |e| e["event"] == "status");
    assert_eq!(status["secure_only"], true);

    // Refused locally.
    p[2].send("/unsigned psst");
    let err = p[2].wait_for("error", T, |e| e["event"] == "error");
    assert!(err["message"].as_str().unwrap().contains("secure-only"));

    // A fourth peer joins afterwards and adopts the mode during the handshake.
    let mut dave = Peer::spawn(&PeerOpts::loopback("Dave", dir.path(), port));
    let mode = dave.wait_for("secure_mode", T, |e| e["event"] == "secure_mode");
    assert_eq!(mode["enabled"], true);
    assert_eq!(mode["proposal_id"], id.as_str());
    dave.send("/unsigned hello?");
    dave.wait_for("error", T, |e| {
        e["event"] == "error" && e["message"].as_str().unwrap().contains("secure-only")
    });

    // An unsigned message from a peer that ignores the mode is refused on receipt, by old and new peers.
    let mallory = Identity::from_secret([13; 32]);
    for target in [0usize, 3] {
        let port = if target == 3 {
            dave.port
        } else {
            p[target].port
        };
        let (mut s, _) = handshake(port, &mallory, 2);
        let content = ChatContent {
            author: mallory.id(),
            seq: 1 + target as u64,
            ts: 0,
            body: "unsigned sneak".into(),
            room: p2pchat_engine::rooms::RoomName::general(),
            reply_to: None,
        };
        s.write(&Frame::Chat(SignedPayload::unsigned(&content)));
        let peer = if target == 3 {
            &mut dave
        } else {
            &mut p[target]
        };
        peer.wait_for("rejected unsigned", T, |e| {
            e["event"] == "rejected" && e["reason"].as_str().unwrap().contains("secure-only")
        });
        assert!(!peer
            .events()
            .iter()
            .any(|e| e["event"] == "message" && e["body"] == "unsigned sneak"));
    }

    // Signed chat still works for everyone, including the newcomer.
    dave.wait_online(&p[0], T);
    p[0].wait_online(&dave, T);
    dave.send("signed hello from dave");
    p[0].wait_message("signed hello from dave", T);
}

#[test]
fn bad_votes_and_thresholds_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let mut b = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), port));
    a.wait_online(&b, T);
    b.wait_online(&a, T);
    a.send("/propose --threshold 3");
    let e = a.wait_for("threshold error", T, |e| e["event"] == "error");
    assert!(
        e["message"].as_str().unwrap().contains("between 1 and 2"),
        "{e}"
    );
    a.send("/vote ffff approve");
    a.wait_for("no match", T, |e| {
        e["event"] == "error" && e["message"].as_str().unwrap().contains("no proposal")
    });
    a.send("/propose --threshold 2 be careful");
    let prop = b.wait_for("proposal", T, |e| e["event"] == "proposal");
    let id = prop["proposal_id"].as_str().unwrap().to_string();
    b.send(&format!("/vote {id} reject"));
    b.wait_for("closed", T, |e| {
        e["event"] == "proposal_closed" && e["outcome"] == "rejected"
    });
    b.send(&format!("/vote {id} approve"));
    b.wait_for("closed error", T, |e| {
        e["event"] == "error" && e["message"].as_str().unwrap().contains("closed")
    });
    // Alice hears of Bob's vote over the network: wait for that before asking her.
    a.wait_for("closed at alice", T, |e| {
        e["event"] == "proposal_closed" && e["outcome"] == "rejected"
    });
    a.send("/proposals");
    let list = a.wait_for("proposals", T, |e| e["event"] == "proposals");
    assert_eq!(list["proposals"][0]["outcome"], "rejected");
}
