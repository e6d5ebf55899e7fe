//! What is shown is stored (issue #13, item 4): the vote, the mode and a crash are lines in
//! `history.db`; after `kill -9` and a restart with nobody else online, the interface still
//! says SECURE-ONLY (the node adopts its saved certificate), the Proposals pane lists the
//! proposal, and Bob's crash reads "disconnected", not "left".
//!
//! Skipped (with the reason printed) when tmux is missing.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use p2pchat_runtime::store::History;
use std::path::Path;
use std::time::Duration;

const T: Duration = Duration::from_secs(15);

fn alice(dir: &Path, dp: u16, label: &str) -> Tmux {
    let command = tmux::chat_command("Alice", dir, dp, &[]);
    Tmux::start(label, 100, 30, &command, &dir.join(format!("{label}-exit")))
}

/// `kill -9` of the program in the pane (the pane runs `sh`, whose one child it is).
fn kill_program(term: &Tmux) {
    let pid = term
        .run(&["display-message", "-p", "-t", &term.target(), "#{pane_pid}"])
        .stdout;
    let pid = String::from_utf8_lossy(&pid).trim().to_string();
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
}

#[test]
fn votes_mode_and_a_crash_are_stored_and_restored_after_a_restart() {
    if tmux::skip("votes_mode_and_a_crash_are_stored_and_restored_after_a_restart") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let mut carol = Peer::spawn(&PeerOpts::loopback("Carol", dir.path(), dp));
    let term = alice(dir.path(), dp, "restart1");
    term.wait_screen("Bob and Carol online", T, |s| s.contains("Peers 2/2"));
    bob.wait_for("Alice", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    bob.send("bob was here");
    term.wait_screen("Bob's message", T, |s| s.contains("bob was here"));

    term.type_text("/propose --threshold 2 lock it down");
    term.keys(&["Enter"]);
    let proposal = bob.wait_for("proposal", T, |e| e["event"] == "proposal");
    let id = proposal["proposal_id"].as_str().unwrap().to_string();
    bob.send(&format!("/vote {id} approve"));
    term.wait_screen("the mode voted in", T, |s| s.contains("SECURE-ONLY"));

    // Bob crashes: a disconnection, not a goodbye.
    bob.kill9();
    term.wait_screen("Bob's crash", T, |s| s.contains("Bob disconnected"));
    carol.quit();
    kill_program(&term);
    term.wait_exit(T);
    drop(term);

    // Every line shown was stored, before it was shown.
    let db = History::open(&dir.path().join("profiles/alice/history.db")).unwrap();
    let (entries, _) = db.page(None, 500, None).unwrap();
    let bodies: Vec<&str> = entries.iter().map(|e| e.body.as_str()).collect();
    for needle in [
        "listening on port",
        "Alice proposes secure-only mode: lock it down",
        "secure-only mode is ON",
        "Bob disconnected",
    ] {
        assert!(
            bodies.iter().any(|b| b.contains(needle)),
            "{needle:?} not stored: {bodies:#?}"
        );
    }
    assert!(
        !bodies.iter().any(|b| b.contains("Bob left")),
        "{bodies:#?}"
    );
    drop(db);

    // Alone after the restart: the mode and the proposal are back, from Alice's own disk.
    let term = alice(dir.path(), dp, "restart2");
    let screen = term.wait_screen("mode, proposal and history restored", T, |s| {
        s.contains("SECURE-ONLY")
            && s.contains("Bob disconnected")
            && s.contains("lock it down")
            && !s.contains("none; /propose")
    });
    assert!(!screen.contains("Bob left"), "{screen}");
    term.type_text("/quit");
    term.keys(&["Enter"]);
    assert_eq!(term.wait_exit(T), 0);
}
