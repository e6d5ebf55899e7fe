//! A file offer in the real interface: the offer shows in the message pane and the transfers
//! box, Ctrl-Y accepts it (typing does not), the progress bar moves, and it ends verified.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use std::time::Duration;

const T: Duration = Duration::from_secs(20);

#[test]
fn an_offer_is_accepted_with_a_key_and_the_progress_bar_reaches_done() {
    if tmux::skip("an_offer_is_accepted_with_a_key_and_the_progress_bar_reaches_done") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    // Bob sends at 2 MiB/s so the bar is seen moving.
    let bob_opts = PeerOpts::loopback("Bob", dir.path(), dp)
        .arg("--max-transfer-rate-kib")
        .arg("2048");
    let mut bob = Peer::spawn(&bob_opts);
    let down = dir.path().join("down");
    std::fs::create_dir(&down).unwrap();
    let down_s = down.display().to_string();
    let command = tmux::chat_command("Alice", dir.path(), dp, &["--download-dir", &down_s]);
    let term = Tmux::start("files", 110, 30, &command, &dir.path().join("exit-status"));
    term.wait_screen("Bob online", T, |s| s.contains("Peers 1/1"));
    bob.wait_for("Alice online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    let data: Vec<u8> = (0..6 * 1024 * 1024).map(|i: u32| (i % 251) as u8).collect();
    let src = dir.path().join("movie.bin");
    std::fs::write(&src, &data).unwrap();
    bob.send(&format!("/send Alice {}", src.display()));
    term.wait_screen("the offer", T, |s| {
        s.contains("Bob offers movie.bin") && s.contains("Ctrl-Y yes")
    });
    // Typing y and n answers nothing.
    term.type_text("yn");
    term.wait_screen("typed letters on the input line", T, |s| s.contains("› yn"));
    term.keys(&["C-u", "C-y"]);
    bob.wait_for("Alice accepted", T, |e| e["event"] == "file_accepted");
    term.wait_screen("the progress bar part way", T, |s| {
        s.contains("movie.bin ▕") && s.contains("█") && s.contains("░") && s.contains("/s")
    });
    term.wait_screen("done, verified", T, |s| s.contains("✓ verified"));
    bob.wait_for("delivered", T, |e| e["event"] == "file_delivered");
    assert_eq!(std::fs::read(down.join("movie.bin")).unwrap(), data);
    term.keys(&["C-q"]);
    term.wait_exit(T);
}
