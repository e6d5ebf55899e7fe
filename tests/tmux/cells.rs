//! Emoji in a real terminal (#13 item 5): tmux 3.3a gives `❤️` one column and `👍🏽` four,
//! where ratatui alone reserves two for each. Drawn over a screen full of letters, the line
//! must keep its skin tone and leave no letter of the older frame beside the emoji; the same
//! for ZWJ sequences with a tone or VS16 in them (`👩🏽‍💻` four columns there, `🏳️‍🌈` one).
//!
//! Skipped (with the reason printed) when tmux is missing.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

#[test]
fn emoji_lines_drawn_over_older_text_leave_no_stale_cell() {
    if tmux::skip("emoji_lines_drawn_over_older_text_leave_no_stale_cell") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let command = tmux::chat_command("Alice", dir.path(), dp, &[]);
    let term = Tmux::start("cells", 100, 30, &command, &dir.path().join("cells-exit"));
    term.wait_screen("Bob online", T, |s| s.contains("Peers 1/1"));
    bob.wait_for("Alice", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    let filler = "xyz".repeat(13);
    for i in 0..30 {
        bob.send(&format!("{i:02} {filler}"));
    }
    term.wait_screen("the filler", T, |s| s.contains(&format!("29 {filler}")));
    // Each new line moves every row up: the emoji rows are drawn over filler rows.
    let lines = ["I ❤️ it, 👍🏽 ok", "keycap 1️⃣ and ☺️ end", "coder 👩🏽‍💻 🏳️‍🌈 fin"];
    for line in lines {
        bob.send(line);
    }
    let screen = term.wait_screen("the emoji lines", T, |s| s.contains(" fin"));
    for (line, ending) in lines.iter().zip(["ok", "end", "fin"]) {
        let head = &line[..line.find(' ').unwrap()];
        let row = screen
            .lines()
            .find(|r| r.contains(&format!("Bob: {head} ")))
            .unwrap_or_else(|| panic!("no row for {line:?}:\n{screen}"));
        let after = &row[row.find(ending).unwrap() + ending.len()..];
        let rest = after.split('│').next().unwrap();
        assert!(
            rest.chars().all(|c| c == ' '),
            "stale cells after {line:?}: {row:?}\n{screen}"
        );
    }
    assert!(
        screen.contains('\u{1f3fd}'),
        "the skin tone is lost:\n{screen}"
    );
    term.keys(&["C-q"]);
    term.wait_exit(T);
    bob.quit();
}
