//! The interface in a real terminal (private tmux server, loopback only): a private message
//! typed on the input line reaches only its recipient and is shown delivered; after `kill -9`
//! and a restart the stored history is back on screen, and `/search` finds it.
//!
//! Skipped (with the reason printed) when tmux is missing.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn alice(dir: &std::path::Path, dp: u16, label: &str) -> Tmux {
    let command = tmux::chat_command("Alice", dir, dp, &[]);
    Tmux::start(label, 100, 30, &command, &dir.join(format!("{label}-exit")))
}

#[test]
fn private_message_and_history_after_kill_9_in_a_real_terminal() {
    if tmux::skip("private_message_and_history_after_kill_9_in_a_real_terminal") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let mut carol = Peer::spawn(&PeerOpts::loopback("Carol", dir.path(), dp));
    let term = alice(dir.path(), dp, "hist1");
    term.wait_screen("Bob and Carol online", T, |s| s.contains("Peers 2/2"));
    bob.wait_for("Alice", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });

    bob.send("a line worth keeping");
    term.wait_screen("Bob's message", T, |s| {
        s.contains("Bob: a line worth keeping")
    });
    term.type_text("/dm Bob only for you");
    term.keys(&["Enter"]);
    let got = bob.wait_for("dm", T, |e| e["event"] == "direct_message");
    assert_eq!(got["body"], "only for you");
    // It is in Bob's own buffer (issue #15), not in #general.
    term.wait_screen("Bob's buffer in the list", T, |s| s.contains("2 Bob"));
    term.keys(&["M-2"]);
    term.wait_screen("the private line, delivered", T, |s| {
        s.contains("[private] → Bob ✓✓ ▸ only for you")
    });
    carol.send("/list");
    carol.wait_for("peers", T, |e| e["event"] == "peers");
    assert!(!carol
        .events()
        .iter()
        .any(|e| e.to_string().contains("only for you")));

    // kill -9 the interface; its terminal is left as it was, the history is on disk.
    let pid = term
        .run(&["display-message", "-p", "-t", &term.target(), "#{pane_pid}"])
        .stdout;
    let pid = String::from_utf8_lossy(&pid).trim().to_string();
    // The pane runs `sh`, whose one child is the program: kill exactly that process.
    let child = std::process::Command::new("pgrep")
        .args(["-P", &pid])
        .output()
        .expect("pgrep");
    let child = String::from_utf8_lossy(&child.stdout).trim().to_string();
    assert!(
        !child.is_empty() && child.chars().all(|c| c.is_ascii_digit()),
        "one child pid: {child:?}"
    );
    let killed = std::process::Command::new("kill")
        .args(["-9", &child])
        .status()
        .expect("kill");
    assert!(killed.success());
    term.wait_exit(T);
    drop(term);

    let term = alice(dir.path(), dp, "hist2");
    term.wait_screen("Bob's buffer restored from the history", T, |s| {
        s.contains("2 Bob")
    });
    term.keys(&["M-1"]);
    term.wait_screen("stored history on screen", T, |s| {
        s.contains("Bob: a line worth keeping")
    });
    term.keys(&["M-2"]);
    term.wait_screen("the stored private line in Bob's buffer", T, |s| {
        s.contains("→ Bob ✓✓ ▸ only for you")
    });
    term.keys(&["M-1"]);
    term.type_text("/search worth");
    term.keys(&["Enter"]);
    term.wait_screen("search result", T, |s| {
        s.contains("1 stored message contains \"worth\"")
    });
    term.type_text("/quit");
    term.keys(&["Enter"]);
    assert_eq!(term.wait_exit(T), 0);
}
