//! Protocol v2's encrypted transport against a real process: a man in the middle relaying
//! between two Noise sessions, auth signed for another channel, truncated handshakes, garbage
//! and oversized frames after the handshake, 64 KiB frames across records, and v1 peers in both
//! directions getting a clear "incompatible version".

use common::raw::*;
use common::*;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::wire::secure::{preamble, record, NoiseHandshake};
use p2pchat_engine::wire::{ChatContent, Domain, Frame, Hello, RejectReason, SignedPayload};
use p2pchat_testkit as common;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

#[test]
fn a_man_in_the_middle_relaying_hello_and_auth_is_refused_by_both_sides() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    // Mallory opens one Noise session to each, with her own Noise keys, and relays the
    // identity messages between them. Each auth is bound to the session it was made on.
    let mut to_a = Secure::connect(a.port);
    let mut to_b = Secure::connect(b.port);
    let hello_a = to_a.read_hello();
    let hello_b = to_b.read_hello();
    assert_ne!(to_a.binding, to_b.binding);
    to_a.write(&Frame::Hello(hello_b));
    to_b.write(&Frame::Hello(hello_a));
    let auth_a = to_a.read().expect("alice's auth");
    let auth_b = to_b.read().expect("bob's auth");
    assert!(matches!(auth_a, Frame::Auth { .. }) && matches!(auth_b, Frame::Auth { .. }));
    let _ = to_a.try_write(&auth_b);
    let _ = to_b.try_write(&auth_a);
    for (s, p) in [(&mut to_a, &mut a), (&mut to_b, &mut b)] {
        let last = s.read_until_closed();
        assert!(
            last.iter().any(|f| matches!(
                f,
                Frame::Reject {
                    reason: RejectReason::Protocol,
                    ..
                }
            )),
            "got {last:?}"
        );
        rejected(p, "relayed auth refused", "handshake signature");
    }
    still_fine(&mut a, &mut b, "ok after the relay");
}

#[test]
fn an_auth_signed_for_another_channel_is_refused() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let mallory = Identity::from_secret([21; 32]);
    let mut s = Secure::connect(a.port);
    let theirs = s.read_hello();
    s.write(&Frame::Hello(raw_hello(mallory.id(), 2)));
    // Her own key and the right nonces, but not this connection's handshake hash.
    let mut other = s.binding;
    other[0] ^= 1;
    s.write(&auth_for(&mallory, &theirs, &other));
    let last = s.read_until_closed();
    assert!(last.iter().any(|f| matches!(f, Frame::Reject { .. })));
    rejected(&mut a, "wrong binding", "handshake signature");
    still_fine(&mut a, &mut b, "ok after the wrong binding");
}

/// Preamble + the first Noise message, as a dialer sends them.
fn opening(noise: &mut NoiseHandshake) -> Vec<u8> {
    let p = preamble();
    let mut out = (p.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(&p);
    out.extend_from_slice(&record(&noise.write().unwrap()));
    out
}

/// Opens a connection to the node at a port and leaves it in some state.
type Opener = fn(u16) -> TcpStream;

#[test]
fn truncated_handshakes_are_dropped_after_the_timeout() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let port = a.port;
    let cases: Vec<(&str, Opener)> = vec![
        ("silent", |port| {
            TcpStream::connect(("127.0.0.1", port)).unwrap()
        }),
        ("preamble, then half a noise message", |port| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let mut noise = NoiseHandshake::new(true).unwrap();
            let bytes = opening(&mut noise);
            s.write_all(&bytes[..bytes.len() - 10]).unwrap();
            s
        }),
        ("third noise message cut short", |port| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(T)).unwrap();
            let mut noise = NoiseHandshake::new(true).unwrap();
            s.write_all(&opening(&mut noise)).unwrap();
            read_plain_body(&mut s).unwrap();
            noise.read(&read_record(&mut s).unwrap()).unwrap();
            let m3 = record(&noise.write().unwrap());
            s.write_all(&m3[..20]).unwrap();
            s
        }),
    ];
    let threads: Vec<_> = cases
        .into_iter()
        .map(|(name, open)| {
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut s = open(port);
                s.set_read_timeout(Some(T)).unwrap();
                let mut sink = Vec::new();
                let _ = std::io::Read::read_to_end(&mut s, &mut sink);
                (name, started.elapsed())
            })
        })
        .collect();
    // A Noise handshake that finishes but is never followed by a hello: the core's timeout
    // ends it with an encrypted reject.
    let started = Instant::now();
    let mut quiet = Secure::connect(port);
    quiet.read_hello();
    let last = quiet.read_until_closed();
    assert!(
        last.iter().any(|f| matches!(
            f,
            Frame::Reject {
                reason: RejectReason::Timeout,
                ..
            }
        )),
        "got {last:?}"
    );
    let mut took = vec![("secure but silent", started.elapsed())];
    took.extend(threads.into_iter().map(|t| t.join().unwrap()));
    for (name, d) in took {
        assert!(
            d >= Duration::from_secs(4) && d < Duration::from_secs(9),
            "{name}: closed after {d:?}"
        );
    }
    // A dialer that gives up half-way through its first message changes nothing.
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut noise = NoiseHandshake::new(true).unwrap();
    s.write_all(&opening(&mut noise)[..40]).unwrap();
    drop(s);
    still_fine(&mut a, &mut b, "ok after truncated handshakes");
}

#[test]
fn garbage_after_the_handshake_closes_the_connection() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    // Right after Noise, before any frame.
    let mut s = Secure::connect(a.port);
    s.read_hello();
    s.s.write_all(&[0, 20]).unwrap();
    s.s.write_all(&[0x5a; 20]).unwrap();
    s.read_until_closed();
    rejected(&mut a, "garbage record", "decrypt");

    // From an established peer: it goes offline, nothing is shown.
    let mallory = Identity::from_secret([22; 32]);
    let (mut s, _) = handshake(a.port, &mallory, 2);
    let m = mallory.id().to_hex();
    a.wait_for("mallory online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Mallory"
    });
    let mut garbage = record(b"{\"type\":\"chat\",\"payload\":\"plaintext is not accepted\"}");
    garbage.extend_from_slice(&[0xff; 100]);
    s.s.write_all(&garbage).unwrap();
    s.read_until_closed();
    a.wait_for("mallory offline", T, move |e| {
        e["event"] == "peer_offline" && e["id"] == m.as_str()
    });
    rejected(&mut a, "garbage from a peer", "decrypt");
    assert!(!a
        .events()
        .iter()
        .any(|e| e["event"] == "message" && e["from_name"] == "Mallory"));
    still_fine(&mut a, &mut b, "ok after garbage");
}

#[test]
fn frames_up_to_the_limit_cross_records_and_larger_ones_close_the_connection() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let mallory = Identity::from_secret([23; 32]);
    let (mut s, _) = handshake(a.port, &mallory, 2);
    a.wait_for("mallory online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Mallory"
    });
    // A 65 536-byte ping (unknown members are ignored) takes two Noise records.
    let head = br#"{"type":"ping","pad":""#;
    let mut big = head.to_vec();
    big.resize(64 * 1024 - 2, b'p');
    big.extend_from_slice(b"\"}");
    assert_eq!(big.len(), 64 * 1024);
    s.write_json(&big).unwrap();
    let content = ChatContent {
        author: mallory.id(),
        seq: 1,
        ts: 0,
        body: "ok after a 64 KiB frame".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    let chat = Frame::Chat(SignedPayload::sign(
        mallory.signing_key(),
        Domain::Chat,
        &content,
    ));
    s.write(&chat);
    a.wait_message("ok after a 64 KiB frame", T);
    // One byte more is refused as soon as its length is decrypted.
    let mut over = Secure::connect_with_max(a.port, 1 << 20);
    over.read_hello();
    let _ = over.write_json(&vec![b' '; 64 * 1024 + 1]);
    over.read_until_closed();
    rejected(&mut a, "oversized frame", "size limit");
    still_fine(&mut a, &mut b, "ok after the big frames");
}

#[test]
fn a_v1_peer_dialing_in_gets_incompatible_version_in_plaintext() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let v1 = Identity::from_secret([24; 32]);
    let mut s = TcpStream::connect(("127.0.0.1", a.port)).unwrap();
    write_plain(
        &mut s,
        &Frame::Hello(Hello {
            version: 1,
            id: v1.id(),
            name: "Old".into(),
            port: 1,
            nonce: "11".repeat(32),
        }),
    );
    let frames = read_plain_until_closed(&mut s);
    // What a v1 peer reads: a hello it can parse (version 2: it refuses it), then a reject.
    assert!(
        matches!(&frames[0], Frame::Hello(h) if h.version == 2),
        "{frames:?}"
    );
    let reject = frames.iter().find_map(|f| match f {
        Frame::Reject {
            reason: RejectReason::Version,
            message,
        } => Some(message.clone()),
        _ => None,
    });
    assert_eq!(
        reject.as_deref(),
        Some("incompatible version: this peer speaks protocol 2")
    );
    a.wait_for("version notice", T, |e| {
        e["event"] == "notice"
            && e["message"]
                .as_str()
                .unwrap()
                .contains("speaks protocol version 1, this program speaks 2")
    });
    still_fine(&mut a, &mut b, "ok after the v1 peer");
}

#[test]
fn dialing_a_v1_peer_shows_its_incompatible_version_reason() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let v1_port = listener.local_addr().unwrap().port();
    // A v1 peer: reads the hello it is sent, refuses its version, closes.
    let old = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(T)).unwrap();
        let body = read_plain_body(&mut s).unwrap();
        let theirs: Frame = serde_json::from_slice(&body).unwrap();
        write_plain(
            &mut s,
            &Frame::Reject {
                reason: RejectReason::Version,
                message: "incompatible version: this peer speaks protocol 1".into(),
            },
        );
        theirs
    });
    let dir = tempfile::tempdir().unwrap();
    let opts = PeerOpts::loopback("Alice", dir.path(), free_udp_port())
        .arg("--peer")
        .arg(&format!("127.0.0.1:{v1_port}"));
    let mut a = Peer::spawn(&opts);
    a.wait_for("refusal notice", T, |e| {
        e["event"] == "notice"
            && e["message"]
                .as_str()
                .unwrap()
                .contains("refused the connection: incompatible version")
    });
    assert!(matches!(old.join().unwrap(), Frame::Hello(h) if h.version == 2));
}
