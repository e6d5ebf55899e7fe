//! Someone else using your name (issue #13, item 2): the owner's own screen warns, and
//! neither `/trust` nor `/dm` by that name picks the impostor's key.
//!
//! Skipped (with the reason printed) when tmux is missing.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use std::time::Duration;

const T: Duration = Duration::from_secs(15);

#[test]
fn the_owner_of_a_name_sees_the_impostor_warning_and_nothing_resolves_to_it() {
    if tmux::skip("the_owner_of_a_name_sees_the_impostor_warning_and_nothing_resolves_to_it") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let command = tmux::chat_command("Alice", dir.path(), dp, &[]);
    let term = Tmux::start("impostor", 100, 30, &command, &dir.path().join("exit"));
    term.wait_screen("ready", T, |s| s.contains("listening on port"));
    // Another key, another profile, the same name.
    let other = tempfile::tempdir().unwrap();
    let _fake = Peer::spawn(&PeerOpts::loopback("Alice", other.path(), dp));
    term.wait_screen("the warning on the owner's screen", T, |s| {
        s.contains("WARNING") && s.contains("using your name")
    });
    term.type_text("/dm Alice are you me?");
    term.keys(&["Enter"]);
    term.wait_screen("/dm refused as ambiguous", T, |s| {
        s.contains("Alice is ambiguous")
    });
    term.keys(&["C-u"]);
    term.type_text("/trust Alice");
    term.keys(&["Enter"]);
    let screen = term.wait_screen("/trust refused as ambiguous", T, |s| {
        s.matches("Alice is ambiguous").count() >= 2
    });
    assert!(!screen.contains("is now verified"), "{screen}");
    // A refused command comes back on the input line (issue #13 item 8): clear it first.
    term.keys(&["C-u"]);
    term.type_text("/quit");
    term.keys(&["Enter"]);
    assert_eq!(term.wait_exit(T), 0);
}
