//! Real processes on loopback: discovery by broadcast to 127.255.255.255 on a per-test port,
//! chat, departures, restarts, profiles, direct dialing.

use common::*;
use p2pchat_testkit as common;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn mesh(names: &[&str], dir: &std::path::Path) -> Vec<Peer> {
    let port = free_udp_port();
    let mut peers: Vec<Peer> = names
        .iter()
        .map(|n| Peer::spawn(&PeerOpts::loopback(n, dir, port)))
        .collect();
    for i in 0..peers.len() {
        for j in 0..peers.len() {
            if i != j {
                let other = (peers[j].name.clone(), peers[j].id.clone());
                peers[i].wait_for(&format!("online {}", other.0), T, |e| {
                    e["event"] == "peer_online" && e["id"] == other.1.as_str()
                });
            }
        }
    }
    peers
}

#[test]
fn three_peers_discover_each_other_chat_and_see_departures() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = mesh(&["Alice", "Bob", "Carol"], dir.path());

    chat_signed_and_unsigned(&mut p, "hello", T);

    // A graceful quit is reported as "quit".
    p[2].quit();
    for i in [0, 1] {
        let carol = (p[2].name.clone(), p[2].id.clone());
        let off = p[i].wait_for("carol offline", T, |e| {
            e["event"] == "peer_offline" && e["id"] == carol.1.as_str()
        });
        assert_eq!(off["reason"], "quit");
    }

    // A crash is noticed from the closed socket and reported as "closed".
    let bob_id = p[1].id.clone();
    p[1].kill9();
    let off = p[0].wait_for("bob offline", T, |e| {
        e["event"] == "peer_offline" && e["id"] == bob_id.as_str()
    });
    assert_eq!(off["reason"], "closed");

    // Each message was delivered exactly once.
    let alice_msgs = p[0]
        .events()
        .iter()
        .filter(|e| e["event"] == "message")
        .count();
    assert_eq!(alice_msgs, 1);
}

#[test]
fn a_restarted_peer_comes_back_with_the_same_id_and_later_sequence_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let mut b = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), port));
    b.wait_online(&a, T);
    a.wait_online(&b, T);
    a.send("before restart");
    let first = b.wait_message("before restart", T);
    let first_id = a.id.clone();
    a.kill9();
    b.wait_offline(&a, T);

    let mut a2 = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    assert_eq!(a2.id, first_id, "identity survives a restart");
    b.wait_for("alice back", T, |e| {
        e["event"] == "peer_online" && e["id"] == first_id.as_str()
    });
    a2.wait_online(&b, T);
    a2.send("after restart");
    let second = b.wait_message("after restart", T);
    let seq = |m: &serde_json::Value| -> u64 {
        m["msg_id"]
            .as_str()
            .unwrap()
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        seq(&second) > seq(&first),
        "sequence numbers never go backwards"
    );
}

#[test]
fn each_name_gets_its_own_identity_and_a_profile_cannot_be_used_twice() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let b = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), port));
    assert_ne!(a.id, b.id);
    let err = Peer::try_spawn(&PeerOpts::loopback("Alice", dir.path(), port))
        .err()
        .expect("second Alice refused");
    assert!(err.contains("already in use"), "stderr was: {err}");
}

#[test]
fn bad_commands_get_one_line_errors_and_the_peer_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), free_udp_port()));
    a.send("/bogus");
    let e = a.wait_for("error", T, |e| e["event"] == "error");
    assert!(e["message"].as_str().unwrap().contains("unknown command"));
    a.send(&"x".repeat(9000));
    a.wait_for("size error", T, |e| {
        e["event"] == "error" && e["message"].as_str().unwrap().contains("limit")
    });
    a.send("/help");
    let h = a.wait_for("help", T, |e| e["event"] == "help");
    assert!(h["commands"].as_array().unwrap().len() >= 7);
    a.send("/crypto");
    let c = a.wait_for("identity", T, |e| e["event"] == "identity");
    assert_eq!(c["public_key"], a.id.as_str());
    a.send("/status");
    let s = a.wait_for("status", T, |e| e["event"] == "status");
    assert_eq!(s["peers"], 0);
    a.quit();
}

#[test]
fn peers_given_with_peer_connect_without_broadcast() {
    let dir = tempfile::tempdir().unwrap();
    // Each on its own discovery port: they cannot hear each other's announcements.
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), free_udp_port()));
    let addr = format!("127.0.0.1:{}", a.port);
    let mut b = Peer::spawn(
        &PeerOpts::loopback("Bob", dir.path(), free_udp_port())
            .arg("--peer")
            .arg(&addr),
    );
    a.wait_online(&b, T);
    b.wait_online(&a, T);
    b.send("direct");
    a.wait_message("direct", T);
}

#[test]
fn a_connection_to_itself_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), free_udp_port()));
    a.send(&format!("/connect 127.0.0.1:{}", a.port));
    let n = a.wait_for("self-connection notice", T, |e| {
        e["event"] == "notice"
            && e["message"]
                .as_str()
                .unwrap()
                .contains("connected to itself")
    });
    assert!(n["message"].as_str().unwrap().contains("refused"), "{n}");
    a.send("/status");
    let s = a.wait_for("status", T, |e| e["event"] == "status");
    assert_eq!(s["peers"], 0, "no peer was added");
    assert!(!a.events().iter().any(|e| e["event"] == "peer_online"));
}
