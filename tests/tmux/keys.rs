//! Typing never acts (issue #13 items 1 and 8) in the real binary in tmux: after a vote, and
//! in the messages pane, typed letters become the message whole; errors give the command back;
//! Ctrl-C on an empty line asks before quitting.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn message_from_alice(peer: &mut Peer, body: &str) {
    let body = body.to_string();
    peer.wait_for(&format!("Alice's message '{body}'"), T, |e| {
        e["event"] == "message" && e["from_name"] == "Alice" && e["body"] == body.as_str()
    });
}

#[test]
fn typing_after_a_vote_or_in_a_pane_is_a_whole_message() {
    if tmux::skip("typing_after_a_vote_or_in_a_pane_is_a_whole_message") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let mut carol = Peer::spawn(&PeerOpts::loopback("Carol", dir.path(), dp));
    let command = tmux::chat_command("Alice", dir.path(), dp, &[]);
    let term = Tmux::start("keys", 100, 30, &command, &dir.path().join("exit-status"));
    term.wait_screen("Bob and Carol online", T, |s| s.contains("Peers 2/2"));
    for peer in [&mut bob, &mut carol] {
        peer.wait_for("Alice online", T, |e| {
            e["event"] == "peer_online" && e["name"] == "Alice"
        });
    }

    // Bob proposes; it needs all three, so it stays open and a stray `n` could reject it.
    bob.send("/propose --threshold 3 lock the room");
    term.wait_screen("the proposal in the pane", T, |s| {
        s.contains("lock the room") && s.contains("Proposals: 1 open")
    });
    term.keys(&["BTab"]);
    term.wait_screen("the proposals pane focused", T, |s| {
        s.contains("Ctrl-Y approve")
    });
    term.keys(&["C-y"]);
    bob.wait_for("Alice's approval", T, |e| {
        e["event"] == "vote" && e["voter_name"] == "Alice" && e["approve"] == true
    });
    term.type_text("no clue what this is");
    term.wait_screen("the whole sentence on the input line", T, |s| {
        s.contains("› no clue what this is")
    });
    term.keys(&["Enter"]);
    message_from_alice(&mut bob, "no clue what this is");
    message_from_alice(&mut carol, "no clue what this is");
    let rejected = bob.try_wait_for(Duration::from_millis(500), |e| {
        e["event"] == "vote" && e["voter_name"] == "Alice" && e["approve"] == false
    });
    assert!(rejected.is_none(), "typing cast a vote: {rejected:?}");

    // In the messages pane (input -> peers -> messages) letters type; `g` does not scroll.
    term.keys(&["Tab", "Tab"]);
    term.wait_screen("the messages pane focused", T, |s| s.contains("↑↓ scroll"));
    term.type_text("good job");
    term.wait_screen("'good job' on the input line", T, |s| {
        s.contains("› good job")
    });
    term.keys(&["Enter"]);
    message_from_alice(&mut bob, "good job");

    // An error gives the command back to correct.
    term.type_text("/dm Zed hello?");
    term.keys(&["Enter"]);
    term.wait_screen("the error with the command kept", T, |s| {
        s.contains("Zed") && s.contains("› /dm Zed hello?")
    });
    term.keys(&["C-u"]);
    term.type_text("/connect 127.0.0.1:1");
    term.wait_screen("the /connect command typed", T, |s| {
        s.contains("› /connect 127.0.0.1:1")
    });
    term.keys(&["Enter"]);
    term.wait_screen("a dead port said out loud", T, |s| {
        s.contains("cannot connect to 127.0.0.1:1")
    });
    term.keys(&["C-u"]);

    // Ctrl-C on the empty line asks; the second one quits.
    term.keys(&["C-c"]);
    term.wait_screen("the question", T, |s| s.contains("Ctrl-C again to quit"));
    assert!(term.exit_status().is_none(), "one Ctrl-C quit");
    term.keys(&["C-c"]);
    assert_eq!(term.wait_exit(T), 0);
    bob.quit();
    carol.quit();
}
