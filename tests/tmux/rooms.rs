//! Rooms and buffers (issue #15) in the real binary in tmux: `/join #dev` opens a buffer,
//! a line in the buffer not shown counts there, Alt-1 and Alt-2 switch, and the shown buffer
//! is the one shown again after a restart.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

#[test]
fn join_a_room_switch_with_alt_2_and_come_back_to_it() {
    if tmux::skip("join_a_room_switch_with_alt_2_and_come_back_to_it") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let command = tmux::chat_command("Alice", dir.path(), dp, &[]);
    let exit = dir.path().join("exit-status");
    let term = Tmux::start("rooms", 100, 30, &command, &exit);
    term.wait_screen("Bob online", T, |s| s.contains("Peers 1/1"));
    bob.wait_for("Alice online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    term.type_text("/join #dev");
    term.keys(&["Enter"]);
    term.wait_screen("the #dev buffer shown", T, |s| s.contains("[2 #dev]"));
    bob.send("/join #dev");
    bob.wait_for("Alice in #dev", T, |e| {
        e["event"] == "rooms"
            && e["rooms"]
                .as_array()
                .is_some_and(|r| r.iter().any(|r| r["room"] == "#dev" && r["members"] == 2))
    });
    bob.send("/msg #dev the build is green");
    term.wait_screen("Bob's #dev line", T, |s| s.contains("the build is green"));
    bob.send("lunch anyone?");
    term.wait_screen("#general counts one unread", T, |s| {
        s.contains("1 #general 1")
    });
    assert!(!term.capture().contains("lunch anyone?"), "not in #dev");

    term.keys(&["M-1"]);
    term.wait_screen("#general shown", T, |s| {
        s.contains("[1 #general]") && s.contains("lunch anyone?")
    });
    assert!(!term.capture().contains("the build is green"));
    term.keys(&["M-2"]);
    term.wait_screen("#dev shown again", T, |s| {
        s.contains("[2 #dev]") && s.contains("the build is green")
    });
    term.type_text("on it");
    term.keys(&["Enter"]);
    let got = bob.wait_for("Alice's #dev line", T, |e| {
        e["event"] == "message" && e["body"] == "on it"
    });
    assert_eq!(got["room"], "#dev");

    // Quit and start again: still in #dev, and #dev is the buffer shown.
    term.keys(&["C-q"]);
    assert_eq!(term.wait_exit(T), 0);
    drop(term);
    let term = Tmux::start("rooms2", 100, 30, &command, &exit);
    term.wait_screen("#dev shown after the restart", T, |s| {
        s.contains("[2 #dev]") && s.contains("on it")
    });
    term.keys(&["C-q"]);
    assert_eq!(term.wait_exit(T), 0);
    bob.quit();
}

/// Issue #15, acts with keys: Alice selects Bob's message in the Messages pane (Tab Tab, Up),
/// Ctrl-T puts `/react ID 👍` on the input and Enter sends it; Bob's node counts it, Bob
/// reacts too and Alice's screen shows the count under the message.
#[test]
fn react_to_a_message_with_keys_and_see_the_count() {
    if tmux::skip("react_to_a_message_with_keys_and_see_the_count") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let command = tmux::chat_command("Alice", dir.path(), dp, &[]);
    let exit = dir.path().join("exit-status");
    let term = Tmux::start("acts", 100, 30, &command, &exit);
    term.wait_screen("Bob online", T, |s| s.contains("Peers 1/1"));
    bob.wait_for("Alice online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    bob.send("lunch at noon?");
    let sent = bob.wait_for("Bob's message sent", T, |e| e["event"] == "sent");
    let msg_id = sent["msg_id"].as_str().expect("msg_id").to_string();
    term.wait_screen("Bob's line", T, |s| s.contains("lunch at noon?"));

    // Input -> Peers -> Messages, select the newest message, react.
    term.keys(&["Tab", "Tab", "Up", "C-t"]);
    term.wait_screen("the react command on the input", T, |s| {
        s.contains(&format!("/react {msg_id} 👍"))
    });
    term.keys(&["Enter"]);
    let got = bob.wait_for("Alice's reaction", T, |e| {
        e["event"] == "reaction" && e["from_name"] == "Alice"
    });
    assert_eq!(got["msg_id"], msg_id.as_str());
    assert_eq!(got["count"], 1);
    term.wait_screen("one 👍 under the message", T, |s| s.contains("👍 1"));

    bob.send(&format!("/react {msg_id} 👍"));
    term.wait_screen("two 👍 under the message", T, |s| s.contains("👍 2"));
    assert!(
        !term.capture().contains("reacted"),
        "shown on the message, not as a line"
    );
    term.keys(&["C-q"]);
    assert_eq!(term.wait_exit(T), 0);
    bob.quit();
}
