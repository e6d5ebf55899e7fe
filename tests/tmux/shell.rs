//! Issue #13's copy view and mouse in a real terminal: F2 turns the screen into bare lines
//! that tmux joins back whole (`capture-pane -J`), URL included; a mouse click (an SGR mouse
//! report, as a terminal sends it) selects a peer.
//!
//! Skipped (with the reason printed) when tmux is missing.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use std::time::Duration;

const T: Duration = Duration::from_secs(15);
const URL: &str = "https://example.org/a/very/long/path/that/is/much/wider/than/the/terminal/so/the/terminal/wraps/it/index.html?q=1";

#[test]
fn the_copy_view_gives_a_url_longer_than_the_width_back_whole() {
    if tmux::skip("the_copy_view_gives_a_url_longer_than_the_width_back_whole") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let command = tmux::chat_command("Alice", dir.path(), dp, &[]);
    let term = Tmux::start("copy", 40, 12, &command, &dir.path().join("exit"));
    bob.wait_for("Alice online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    bob.send(&format!("read {URL}"));
    term.wait_screen("Bob's message", T, |s| s.contains("Bob: read"));
    // The panes break the URL into rows: joined, it is still not whole.
    assert!(!term.capture_joined().contains(URL));
    term.keys(&["F2"]);
    term.wait_screen("the copy view", T, |s| s.contains("copy view"));
    let joined = term.capture_joined();
    assert!(
        joined
            .lines()
            .any(|l| l.contains(&format!("Bob: read {URL}"))),
        "the URL is not whole in capture-pane -J:\n{joined}"
    );
    assert!(!joined.contains('│'), "borders in the copy view:\n{joined}");
    // A letter brings the panes back and is typed, not lost.
    term.type_text("x");
    term.wait_screen("the panes with the letter typed", T, |s| {
        s.contains("› x") && s.contains("Messages") && !s.contains("copy view")
    });
    term.keys(&["C-u", "C-q"]);
    assert_eq!(term.wait_exit(T), 0);
    bob.quit();
}

#[test]
fn a_click_on_a_peer_selects_it() {
    if tmux::skip("a_click_on_a_peer_selects_it") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let mut carol = Peer::spawn(&PeerOpts::loopback("Carol", dir.path(), dp));
    let command = tmux::chat_command("Alice", dir.path(), dp, &[]);
    let term = Tmux::start("click", 100, 30, &command, &dir.path().join("exit"));
    term.wait_screen("both peers", T, |s| s.contains("Peers 2/2"));
    // A left press and release on the second peer row (1-based column 5, row 3): the pane
    // takes focus and the status bar names the peer; Enter starts a private message to it.
    term.type_text("\x1b[<0;5;3M\x1b[<0;5;3m");
    term.wait_screen("Carol selected", T, |s| {
        s.lines()
            .last()
            .is_some_and(|bar| bar.contains("Carol  id"))
    });
    term.keys(&["Enter"]);
    term.wait_screen("a /dm to Carol on the input line", T, |s| {
        s.contains("› /dm Carol")
    });
    term.keys(&["C-u", "C-q"]);
    assert_eq!(term.wait_exit(T), 0);
    bob.quit();
    carol.quit();
}
