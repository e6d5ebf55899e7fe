//! Backfill across a real partition, in network namespaces: a host whose link is cut misses a
//! message; when the link comes back it gets it from its peers (verified, marked backfilled,
//! stored once although two peers relay it).
//!
//! Needs root and iproute2; without them (or with P2PCHAT_NETNS_TESTS=0) the test prints why
//! it is skipped and passes. Discovery uses the default flags, which inside the namespaces only
//! reach the private bridge.

use p2pchat_testkit as common;
use p2pchat_testkit::netlab;

use common::*;
use netlab::{skip, Lab};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn waiting_for(p: &mut Peer, what: &str, event: &'static str, id: &str) {
    let id = id.to_string();
    p.wait_for(what, T, move |e| {
        e["event"] == event && e["id"] == id.as_str()
    });
}

#[test]
fn a_host_cut_off_gets_the_missed_message_when_the_link_returns() {
    if skip("a_host_cut_off_gets_the_missed_message_when_the_link_returns") {
        return;
    }
    let lab = Lab::new('t', 3).expect("network namespaces");
    let dir = tempfile::tempdir().unwrap();
    let fast = ["--heartbeat-ms", "300", "--peer-timeout-ms", "1500"];
    let opts = |i: usize, name: &str| PeerOpts {
        name: name.into(),
        data_dir: dir.path().to_path_buf(),
        args: fast.iter().map(|s| s.to_string()).collect(),
        wrapper: lab.wrapper(i),
    };
    let mut alice = Peer::spawn(&opts(1, "Alice"));
    let mut bob = Peer::spawn(&opts(2, "Bob"));
    let mut carol = Peer::spawn(&opts(3, "Carol"));
    let (a, b, c) = (alice.id.clone(), bob.id.clone(), carol.id.clone());
    for (p, others) in [
        (&mut alice, [&b, &c]),
        (&mut bob, [&a, &c]),
        (&mut carol, [&a, &b]),
    ] {
        for o in others {
            waiting_for(p, "online", "peer_online", o);
        }
    }
    lab.cut(3);
    waiting_for(&mut alice, "Carol timed out", "peer_offline", &c);
    waiting_for(&mut bob, "Carol timed out", "peer_offline", &c);
    alice.send("said while Carol was cut off");
    bob.wait_message("said while Carol was cut off", T);
    lab.heal(3);
    let got = carol.wait_for("backfilled", Duration::from_secs(20), |e| {
        e["event"] == "backfilled" && e["body"] == "said while Carol was cut off"
    });
    assert_eq!(got["from"], a.as_str());
    // Both reconnect (Alice and Bob saw Carol go; their next peer_online of her is the
    // reconnection). Later live messages on each connection come after its backfill answer.
    for p in [&mut alice, &mut bob] {
        let c = c.clone();
        p.try_wait_for_new(Duration::from_secs(20), move |e| {
            e["event"] == "peer_online" && e["id"] == c.as_str()
        })
        .expect("Carol back online");
    }
    alice.send("live from Alice");
    bob.send("live from Bob");
    carol.wait_message("live from Alice", Duration::from_secs(20));
    carol.wait_message("live from Bob", Duration::from_secs(20));
    let copies = carol
        .events()
        .iter()
        .filter(|e| e["event"] == "backfilled" && e["body"] == "said while Carol was cut off")
        .count();
    assert_eq!(copies, 1, "shown once although relayed by two peers");
    carol.send("/search cut off");
    let found = carol.wait_for("search", T, |e| e["event"] == "search_results");
    let entries = found["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{found}");
    assert_eq!(entries[0]["backfilled"], true);
    assert_eq!(entries[0]["author"], a.as_str());
    for p in [&mut alice, &mut bob, &mut carol] {
        p.quit();
    }
}
