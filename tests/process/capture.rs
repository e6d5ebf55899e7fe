//! Evidence that chat is encrypted on the wire: two hosts in private network namespaces,
//! tcpdump capturing every packet on one host's interface, a known message delivered, and the
//! capture searched for its text.
//!
//! Needs root, iproute2 and tcpdump (CI installs them); without them (or with
//! P2PCHAT_NETNS_TESTS=0) the test prints why it is skipped and passes.

use p2pchat_testkit as common;
use p2pchat_testkit::netlab;

use common::*;
use netlab::Lab;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

fn skip() -> Option<String> {
    if std::env::var("P2PCHAT_NETNS_TESTS").as_deref() == Ok("0") {
        return Some("P2PCHAT_NETNS_TESTS=0".into());
    }
    if let Some(r) = netlab::unavailable() {
        return Some(r);
    }
    let tcpdump = Command::new("tcpdump")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match tcpdump {
        Ok(s) if s.success() => None,
        _ => Some("needs tcpdump".into()),
    }
}

/// Starts tcpdump on `eth0` of host `i`, writing every packet at once to `file`; returns when
/// it is listening.
fn start_capture(lab: &Lab, i: usize, file: &std::path::Path) -> Child {
    let mut child = Command::new("ip")
        .args([
            "netns",
            "exec",
            &lab.ns(i),
            "tcpdump",
            "-i",
            "eth0",
            "-n",
            "-U",
        ])
        .args(["--immediate-mode", "-Z", "root", "-s", "0", "-w"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tcpdump starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    loop {
        match lines.next() {
            Some(Ok(l)) if l.contains("listening on") => break,
            Some(Ok(_)) => {}
            _ => panic!("tcpdump did not start listening"),
        }
    }
    // Keep draining its stderr so it never blocks on a full pipe.
    std::thread::spawn(move || {
        lines
            .map_while(Result::ok)
            .for_each(|l| eprintln!("tcpdump: {l}"))
    });
    child
}

/// Stops the capture this test started (SIGTERM, so tcpdump flushes and exits) and reads it.
fn stop_capture(mut child: Child, file: &std::path::Path) -> Vec<u8> {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    std::fs::read(file).expect("capture file")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_delivered_message_never_appears_in_a_capture_of_the_link() {
    if let Some(reason) = skip() {
        common::prereq::missing(
            "a_delivered_message_never_appears_in_a_capture_of_the_link",
            &reason,
        );
        return;
    }
    let lab = Lab::new('t', 2).expect("network namespaces");
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let pcap = dirs[0].path().join("link.pcap");
    let capture = start_capture(&lab, 1, &pcap);
    let opts = |i: usize, name: &str| PeerOpts {
        name: name.into(),
        data_dir: dirs[i - 1].path().to_path_buf(),
        args: vec![],
        wrapper: lab.wrapper(i),
    };
    let mut a = Peer::spawn(&opts(1, "Alice"));
    let mut b = Peer::spawn(&opts(2, "Bob"));
    a.wait_online(&b, T);
    b.wait_online(&a, T);
    let secret = "the quick brown fox meets at 10:41 by the old mill";
    a.send(secret);
    let got = b.wait_message(secret, T);
    assert_eq!(got["verified"], true);
    b.send("and a reply that is also private");
    a.wait_message("and a reply that is also private", T);
    drop(a);
    drop(b);
    let bytes = stop_capture(capture, &pcap);
    if std::env::var("P2PCHAT_KEEP_PCAP").is_ok() {
        let _ = std::fs::copy(&pcap, "/tmp/p2pchat-capture.pcap");
    }

    // The capture did see the traffic: the plaintext discovery announcements and the v2
    // preamble of the TCP connection are in it...
    assert!(
        contains(&bytes, b"\"app\":\"p2pchat-tui\""),
        "no announcement captured"
    );
    assert!(
        contains(&bytes, br#"{"type":"hello","version":2"#),
        "no TCP preamble captured"
    );
    // ...but neither message, nor any frame type that follows the preamble.
    for needle in [
        secret.as_bytes(),
        b"the quick brown fox",
        b"also private",
        b"\"type\":\"chat\"",
        b"\"type\":\"auth\"",
    ] {
        assert!(
            !contains(&bytes, needle),
            "{:?} found in the capture",
            String::from_utf8_lossy(needle)
        );
    }
    eprintln!("capture: {} bytes, no message text in it", bytes.len());
}
