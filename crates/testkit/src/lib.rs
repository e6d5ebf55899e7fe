//! p2pchat-tui's test harness, shared by tests, examples and benches: runs real
//! `p2pchat-tui --headless` processes and waits for their JSON events with timeouts (never
//! sleep-and-hope); [`raw`] speaks the protocol by hand, [`netlab`] builds network namespaces,
//! [`tmux`] drives the interactive binary, [`support`] finds the binary and sums up timings.

pub mod netlab;
mod peer;
pub mod prereq;
pub mod raw;
pub mod raw_sender;
pub mod routed;
pub mod support;
pub mod tmux;
pub use peer::{Peer, PeerOpts};

use std::time::Duration;

/// The `p2pchat-tui` binary of the profile the caller was built in (see [`support::binary`]).
pub static BIN: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| support::binary().display().to_string());

/// A UDP port that is free right now, for a test's private discovery traffic. Never the same
/// one twice in a test process, so tests running side by side cannot hear each other.
pub fn free_udp_port() -> u16 {
    static HANDED_OUT: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        if !handed_out.contains(&port) {
            handed_out.push(port);
            return port;
        }
    }
}

/// Peer 0 sends a signed message and peer 1 an unsigned one (bodies start with `tag`); each of
/// the other two gets each exactly as sent, with the right author and signature status.
pub fn chat_signed_and_unsigned(p: &mut [Peer], tag: &str, timeout: Duration) {
    let signed = format!("{tag} signed");
    p[0].send(&signed);
    for i in [1, 2] {
        let m = p[i].wait_message(&signed, timeout);
        assert_eq!(m["from"], p[0].id.as_str());
        assert_eq!(m["from_name"], p[0].name.as_str());
        assert_eq!(
            (m["signed"].as_bool(), m["verified"].as_bool()),
            (Some(true), Some(true))
        );
    }
    let sent = p[0].wait_for("sent", timeout, |e| e["event"] == "sent");
    assert_eq!(sent["recipients"], 2);
    let unsigned = format!("{tag} unsigned");
    p[1].send(&format!("/unsigned {unsigned}"));
    for i in [0, 2] {
        let m = p[i].wait_message(&unsigned, timeout);
        assert_eq!(m["from"], p[1].id.as_str());
        assert_eq!(
            (m["signed"].as_bool(), m["verified"].as_bool()),
            (Some(false), Some(false))
        );
    }
}

/// Two honest peers, Alice and Bob, on loopback, each seeing the other online.
pub struct Pair {
    pub dir: tempfile::TempDir,
    /// The private discovery port they announce on.
    pub discovery: u16,
    pub a: Peer,
    pub b: Peer,
}

/// Starts an honest [`Pair`] and waits until each sees the other online.
pub fn honest_pair() -> Pair {
    let t = Duration::from_secs(10);
    let dir = tempfile::tempdir().unwrap();
    let discovery = free_udp_port();
    let mut a = Peer::spawn(&PeerOpts::loopback("Alice", dir.path(), discovery));
    let mut b = Peer::spawn(&PeerOpts::loopback("Bob", dir.path(), discovery));
    b.wait_online(&a, t);
    a.wait_online(&b, t);
    Pair {
        dir,
        discovery,
        a,
        b,
    }
}

/// After an attack on `a`: `b`'s message `tag` (which starts with `ok `) still reaches it,
/// `b` was never dropped, and every chat `a` has shown starts with `ok ` (nothing the attacker
/// sent was shown as chat).
pub fn still_fine(a: &mut Peer, b: &mut Peer, tag: &str) {
    still_fine_allowing(a, b, tag, |_| false);
}

/// [`still_fine`], where chat for which `allowed` holds may also have been shown.
pub fn still_fine_allowing(a: &mut Peer, b: &mut Peer, tag: &str, allowed: impl Fn(&str) -> bool) {
    assert!(tag.starts_with("ok "), "tag {tag:?} must start with `ok `");
    b.send(tag);
    a.wait_message(tag, Duration::from_secs(10));
    let bad: Vec<String> = a
        .events()
        .iter()
        .filter(|e| e["event"] == "message")
        .map(|e| e["body"].as_str().unwrap().to_string())
        .filter(|m| !m.starts_with("ok ") && !allowed(m))
        .collect();
    assert!(bad.is_empty(), "unexpected chat shown: {bad:?}");
    let dropped = a
        .events()
        .iter()
        .any(|e| e["event"] == "peer_offline" && e["name"] == b.name.as_str());
    assert!(!dropped, "{} was dropped", b.name);
}

/// Waits until `p` reports a `rejected` event whose reason contains `needle`.
pub fn rejected(p: &mut Peer, what: &str, needle: &'static str) {
    p.wait_for(what, Duration::from_secs(10), move |e| {
        e["event"] == "rejected" && e["reason"].as_str().unwrap().contains(needle)
    });
}
