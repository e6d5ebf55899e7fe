//! End to end through a real terminal: the interactive binary runs in a private tmux server
//! next to two headless peers on a private loopback discovery port. Keys go in with
//! `send-keys`, the screen is read with `capture-pane`, always polled against a deadline.
//!
//! Skipped (with the reason printed) when tmux is missing; `.ci/run` installs it.

use p2pchat_testkit as common;

use chrono::{Local, TimeZone};
use common::tmux::{self, Tmux};
use common::{free_udp_port, Peer, PeerOpts};
use serde_json::Value;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(10);
/// Lines in the bracketed paste.
const PASTE_LINES: usize = 10_000;
/// The input line's capacity (`MAX_INPUT_BYTES` in src/tui/app/input.rs).
const INPUT_LIMIT: usize = 8 * 1024;

/// A peer row in the peers pane: `● Name` online, `○ Name` offline.
fn online(screen: &str, name: &str) -> bool {
    screen.contains(&format!("● {name} "))
}

fn offline(screen: &str, name: &str) -> bool {
    screen.contains(&format!("○ {name} "))
}

/// The interface's `HH:MM` for a Unix-millisecond timestamp (same zone as the child).
fn hhmm(ts_ms: i64) -> String {
    Local
        .timestamp_millis_opt(ts_ms)
        .single()
        .expect("valid timestamp")
        .format("%H:%M")
        .to_string()
}

/// The next `message` event from `author` (by name) that `peer` receives.
fn next_message_from(peer: &mut Peer, author: &str) -> Value {
    let author = author.to_string();
    match peer.try_wait_for_new(T, |e| {
        e["event"] == "message" && e["from_name"] == author.as_str()
    }) {
        Some(v) => v,
        None => panic!("{}: no message from {author} within {T:?}", peer.name),
    }
}

fn wait_peer_online_named(peer: &mut Peer, name: &str) {
    let name = name.to_string();
    peer.wait_for(&format!("peer_online {name}"), T, |e| {
        e["event"] == "peer_online" && e["name"] == name.as_str()
    });
}

#[test]
fn interface_in_a_real_terminal_with_headless_peers() {
    if tmux::skip("interface_in_a_real_terminal_with_headless_peers") {
        return;
    }
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let dp = free_udp_port();
    let bob_opts = PeerOpts::loopback("Bob", dir.path(), dp);
    let carol_opts = PeerOpts::loopback("Carol", dir.path(), dp);
    let mut bob = Peer::spawn(&bob_opts);
    let mut carol = Peer::spawn(&carol_opts);

    let command = tmux::chat_command("Alice", dir.path(), dp, &[]);
    let term = Tmux::start("e2e", 100, 30, &command, &dir.path().join("exit-status"));

    // Both headless peers appear in the peers pane, online.
    term.wait_screen("Bob and Carol online in the peers pane", T, |s| {
        online(s, "Bob") && online(s, "Carol") && s.contains("Peers 2/2")
    });
    wait_peer_online_named(&mut bob, "Alice");
    wait_peer_online_named(&mut carol, "Alice");

    // A headless peer's message shows with its HH:MM time, the sender's name and the
    // verified mark.
    bob.send("hello from Bob");
    let sent = bob.wait_for("sent", T, |e| {
        e["event"] == "sent" && e["body"] == "hello from Bob"
    });
    let line = format!(
        "{} ✓ Bob: hello from Bob",
        hhmm(sent["ts"].as_i64().unwrap())
    );
    term.wait_screen(&format!("'{line}'"), T, |s| s.contains(&line));

    // Text typed into the interface reaches both headless peers, signed and verified.
    term.type_text("hi from the interface ✨");
    term.wait_screen("the typed text on the input line", T, |s| {
        s.contains("› hi from the interface ✨")
    });
    term.keys(&["Enter"]);
    for peer in [&mut bob, &mut carol] {
        let m = next_message_from(peer, "Alice");
        assert_eq!(m["body"], "hi from the interface ✨");
        assert_eq!(m["signed"], true);
        assert_eq!(m["verified"], true);
    }
    term.wait_screen("own message in the history", T, |s| {
        s.contains("Alice ▸ hi from the interface ✨")
    });

    // A 10,000-line bracketed paste is over the 8 KiB a message may hold: it is refused whole
    // with a status line, the draft typed before it stays, and nothing is sent.
    term.type_text("draft before paste");
    term.wait_screen("the draft", T, |s| s.contains("› draft before paste"));
    let text: String = (1..=PASTE_LINES)
        .map(|i| format!("paste line {i:05}"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.len() > INPUT_LIMIT);
    let file = dir.path().join("paste.txt");
    std::fs::write(&file, &text).unwrap();
    term.paste_file(&file);
    term.wait_screen("the refusal, with the draft intact", T, |s| {
        s.contains("paste refused: 10000 lines") && s.contains("› draft before paste")
    });
    assert!(term.exit_status().is_none(), "the paste ended the program");
    // Messages from one author arrive in order: had the paste sent anything, it would arrive
    // ahead of the draft.
    term.keys(&["Enter"]);
    for peer in [&mut bob, &mut carol] {
        let m = next_message_from(peer, "Alice");
        assert_eq!(m["body"], "draft before paste");
    }
    // A multi-line paste that fits is one message, not one per line.
    let small: String = (1..=40)
        .map(|i| format!("row {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    let small_file = dir.path().join("small.txt");
    std::fs::write(&small_file, &small).unwrap();
    term.paste_file(&small_file);
    term.wait_screen("the small paste on the input line", T, |s| {
        s.contains("row 40")
    });
    term.keys(&["Enter"]);
    for peer in [&mut bob, &mut carol] {
        let m = next_message_from(peer, "Alice");
        assert_eq!(
            m["body"].as_str().unwrap(),
            small,
            "one message with every line"
        );
        assert_eq!(m["verified"], true);
    }

    // Resizing to 30x10 and back keeps the program alive and the typed text intact.
    term.type_text("draft survives resize");
    term.wait_screen("the draft on the input line", T, |s| {
        s.contains("› draft survives resize")
    });
    term.resize(30, 10);
    term.wait_screen("the 30x10 layout with the draft", T, |s| {
        s.lines().count() <= 10
            && s.lines().all(|l| l.chars().count() <= 30)
            && s.contains("› draft survives resize")
            && !s.contains("Peers")
    });
    assert_eq!(term.size(), (30, 10));
    term.resize(100, 30);
    term.wait_screen("the full layout back with the draft", T, |s| {
        s.contains("Peers 2/2") && s.contains("› draft survives resize")
    });
    term.keys(&["Enter"]);
    for peer in [&mut bob, &mut carol] {
        let m = next_message_from(peer, "Alice");
        assert_eq!(m["body"], "draft survives resize");
    }

    // A peer that quits is shown offline ("left"); one killed with SIGKILL is shown gone
    // ("disconnected"). Both then come back. (Leave lines are shown for peers that spoke
    // lately: Carol says something first.)
    carol.send("bye from Carol");
    term.wait_screen("Carol's message", T, |s| {
        s.contains("Carol: bye from Carol")
    });
    carol.quit();
    term.wait_screen("Carol offline, 'Carol left'", T, |s| {
        offline(s, "Carol") && s.contains("Carol left") && s.contains("Peers 1/2")
    });
    bob.kill9();
    term.wait_screen("Bob offline, 'Bob disconnected'", T, |s| {
        offline(s, "Bob") && s.contains("Bob disconnected") && s.contains("Peers 0/2")
    });
    let mut bob = Peer::spawn(&bob_opts);
    let mut carol = Peer::spawn(&carol_opts);
    term.wait_screen("Bob and Carol back online", T, |s| {
        online(s, "Bob") && online(s, "Carol") && s.contains("Peers 2/2")
    });
    wait_peer_online_named(&mut bob, "Alice");
    wait_peer_online_named(&mut carol, "Alice");

    // Ctrl-Q: exit status 0, and the peers are told it was a quit.
    term.keys(&["C-q"]);
    assert_eq!(term.wait_exit(T), 0, "exit status after Ctrl-Q");
    for peer in [&mut bob, &mut carol] {
        let e = peer.wait_for("peer_offline Alice", T, |e| {
            e["event"] == "peer_offline" && e["name"] == "Alice"
        });
        assert_eq!(e["reason"], "quit", "{}: {e}", peer.name);
    }
    bob.quit();
    carol.quit();
    eprintln!("tui_e2e took {:?}", started.elapsed());
}
