//! Headless `message` events say whether they name the receiver (`mentions_me`) and whether
//! they are a `/me` action (`action`), as two real processes on loopback see them.

use common::*;
use p2pchat_testkit as common;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

#[test]
fn headless_message_events_carry_mentions_me_and_action() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_udp_port();
    let mut alice = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), port));
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), port));
    alice.wait_online(&bob, T);
    bob.wait_online(&alice, T);

    bob.send("hello everyone, malice aside");
    bob.send("what do you think, @ALICE?");
    bob.send("/me waves at Alice");
    let plain = alice.wait_message("hello everyone, malice aside", T);
    assert_eq!(plain["mentions_me"], false, "{plain}");
    assert_eq!(plain["action"], false, "{plain}");
    let named = alice.wait_message("what do you think, @ALICE?", T);
    assert_eq!(named["mentions_me"], true, "{named}");
    // An action travels as a signed message whose body starts with "/me ".
    let action = alice.wait_message("/me waves at Alice", T);
    assert_eq!(action["action"], true, "{action}");
    assert_eq!(action["mentions_me"], true, "{action}");
    assert_eq!(action["verified"], true, "{action}");
    let sent = bob.wait_for("the action sent", T, |e| {
        e["event"] == "sent" && e["body"] == "/me waves at Alice"
    });
    assert_eq!(sent["signed"], true);
    // The name is Bob's own only for Bob: Alice's message naming Bob mentions him.
    alice.send("Bob: ok");
    let back = bob.wait_message("Bob: ok", T);
    assert_eq!(back["mentions_me"], true, "{back}");
    // `/me` alone is refused with a reason, not sent.
    bob.send("/me");
    let err = bob.wait_for("an error", T, |e| e["event"] == "error");
    assert!(err["message"].as_str().unwrap().contains("/me"), "{err}");
}
