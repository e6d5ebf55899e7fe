//! Mentions and unread state in the real binary in tmux (issue #13, "Expected and missing"):
//! a line naming Alice rings the terminal bell (the BEL byte in the pane's raw output, seen
//! through `pipe-pane`; `capture-pane` cannot show it) and a plain line does not; while the
//! terminal is away (a focus-out report) the window title and status bar count unread lines
//! and mentions and a desktop notification (OSC 777) goes out; coming back clears them. After
//! a restart the read marker and the input history are back.
//!
//! Skipped (with the reason printed) when tmux is missing.

use p2pchat_testkit as common;

use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(10);

/// What a terminal reports when it loses (`O`) or gains (`I`) focus: `ESC [ O`, `ESC [ I`.
/// A key typed after it shows once the report has been read (input is read in order), and is
/// then erased.
fn focus(term: &Tmux, gained: bool) {
    let last = if gained { "49" } else { "4f" };
    term.run(&["send-keys", "-t", &term.target(), "-H", "1b", "5b", last]);
    term.type_text("~");
    term.wait_screen("the key after the focus report", T, |s| s.contains("› ~"));
    term.keys(&["BSpace"]);
    term.wait_screen("the input empty again", T, |s| !s.contains("› ~"));
}

fn title(term: &Tmux) -> String {
    let out = term.run(&[
        "display-message",
        "-p",
        "-t",
        &term.target(),
        "#{pane_title}",
    ]);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn wait_title(term: &Tmux, want: &str) {
    let deadline = Instant::now() + T;
    while title(term) != want {
        assert!(
            Instant::now() < deadline,
            "window title {:?}, not {want:?}; screen:\n{}",
            title(term),
            term.capture()
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

/// The pane's raw output so far.
fn raw(file: &Path) -> Vec<u8> {
    std::fs::read(file).unwrap_or_default()
}

/// The raw output without OSC sequences (which may end in BEL themselves): what is left of
/// BEL is the bell.
fn bells(bytes: &[u8]) -> usize {
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\x1b]") {
            // Skip to the BEL or ST that ends the sequence.
            i += 2;
            while i < bytes.len() && bytes[i] != 0x07 && !bytes[i..].starts_with(b"\x1b\\") {
                i += 1;
            }
            i += 1;
            continue;
        }
        count += usize::from(bytes[i] == 0x07);
        i += 1;
    }
    count
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn start_alice(dir: &Path, dp: u16, label: &str, extra: &[&str]) -> (Tmux, PathBuf) {
    let command = tmux::chat_command("Alice", dir, dp, extra);
    let term = Tmux::start(label, 100, 30, &command, &dir.join(format!("{label}-exit")));
    let out = dir.join(format!("{label}-raw"));
    let pipe = format!("cat >> '{}'", out.display());
    term.run(&["pipe-pane", "-o", "-t", &term.target(), &pipe]);
    (term, out)
}

#[test]
fn a_mention_rings_the_bell_and_the_title_counts_what_came_while_away() {
    if tmux::skip("a_mention_rings_the_bell_and_the_title_counts_what_came_while_away") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let (term, out) = start_alice(dir.path(), dp, "bell", &["--notify"]);
    term.wait_screen("Bob online", T, |s| s.contains("Peers 1/1"));
    bob.wait_for("Alice online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    wait_title(&term, "p2pchat-tui");

    bob.send("a line for everyone, malice aside");
    term.wait_screen("the plain line", T, |s| s.contains("malice aside"));
    bob.send("ping @alice");
    term.wait_screen("the mention", T, |s| s.contains("ping @alice"));
    let deadline = Instant::now() + T;
    while bells(&raw(&out)) == 0 {
        assert!(Instant::now() < deadline, "no BEL after the mention");
        std::thread::sleep(Duration::from_millis(40));
    }
    assert_eq!(bells(&raw(&out)), 1, "one bell, for the mention only");

    // Away: counted in the title and the status bar, and a desktop notification.
    focus(&term, false);
    bob.send("are you there Alice?");
    bob.send("never mind");
    wait_title(&term, "p2pchat-tui (2 unread, 1 mention)");
    term.wait_screen("the counts in the status bar", T, |s| {
        s.contains("2 unread, 1 @") && s.contains("new since you last looked")
    });
    assert!(
        contains(
            &raw(&out),
            b"\x1b]777;notify;Bob mentioned you;are you there Alice?\x07"
        ),
        "no OSC 777 notification in the raw output"
    );
    assert_eq!(bells(&raw(&out)), 2);

    // Back: the counts clear, the marker stays.
    focus(&term, true);
    wait_title(&term, "p2pchat-tui");
    let screen = term.wait_screen("no counts", T, |s| !s.contains("unread"));
    assert!(screen.contains("new since you last looked"), "{screen}");
    term.type_text("/quit");
    term.keys(&["Enter"]);
    assert_eq!(term.wait_exit(T), 0);
}

#[test]
fn the_read_marker_and_input_history_survive_a_restart() {
    if tmux::skip("the_read_marker_and_input_history_survive_a_restart") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let mut bob = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), dp));
    let (term, _) = start_alice(dir.path(), dp, "marker1", &[]);
    term.wait_screen("Bob online", T, |s| s.contains("Peers 1/1"));
    bob.wait_for("Alice online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Alice"
    });
    term.type_text("first line");
    term.keys(&["Enter"]);
    term.type_text("/me waves");
    term.keys(&["Enter"]);
    term.wait_screen("the action", T, |s| s.contains("* Alice waves"));
    term.type_text("two");
    term.keys(&["M-Enter"]);
    term.type_text("lines");
    term.wait_screen("a second input row", T, |s| s.contains("› two\n  lines"));
    term.keys(&["Enter"]);
    let two = bob.wait_for("the two-line message", T, |e| {
        e["event"] == "message" && e["from_name"] == "Alice" && e["body"] == "two\nlines"
    });
    assert_eq!(two["action"], false);

    focus(&term, false);
    bob.send("said while you were away");
    term.wait_screen("the marker", T, |s| {
        s.contains("new since you last looked") && s.contains("said while you were away")
    });
    term.type_text("/quit");
    term.keys(&["Enter"]);
    assert_eq!(term.wait_exit(T), 0);
    drop(term);
    assert!(dir.path().join("profiles/alice/ui.json").exists());

    let (term, _) = start_alice(dir.path(), dp, "marker2", &[]);
    let screen = term.wait_screen("the stored lines and the marker above Bob's", T, |s| {
        s.contains("said while you were away") && s.contains("new since you last looked")
    });
    let rows: Vec<&str> = screen.lines().collect();
    let marker = rows
        .iter()
        .position(|r| r.contains("new since you last looked"))
        .unwrap();
    assert!(
        rows[marker + 1].contains("said while you were away"),
        "the marker is right above the unread line:\n{screen}"
    );
    assert!(screen.contains("* Alice waves"), "{screen}");
    // Up recalls the last run's lines, newest first.
    term.keys(&["Up"]);
    term.wait_screen("/quit recalled", T, |s| s.contains("› /quit"));
    term.keys(&["Up"]);
    term.wait_screen("the two lines recalled", T, |s| {
        s.contains("› two\n  lines")
    });
    // In a recalled two-line entry Up first goes to its first line, then to older history.
    term.keys(&["Up", "Up"]);
    term.wait_screen("the action recalled", T, |s| s.contains("› /me waves"));
    term.keys(&["C-u"]);
    term.type_text("/quit");
    term.keys(&["Enter"]);
    assert_eq!(term.wait_exit(T), 0);
}
