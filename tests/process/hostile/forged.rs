//! Hostile input against a real process: garbage, oversized length prefixes, forged
//! handshakes, wrong versions, forged and misattributed messages. After each, the node is still
//! up, an honest peer still chats with it, and nothing bad was shown as a message.

use common::raw::*;
use common::*;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::wire::{ChatContent, Domain, Frame, SignedPayload};
use p2pchat_testkit as common;
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn garbage_and_oversized_frames_close_only_that_connection() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let mut s = TcpStream::connect(("127.0.0.1", a.port)).unwrap();
    s.write_all(&[0, 0, 0, 5, b'x', b'y', b'z', 0xff, 0xfe])
        .unwrap();
    read_plain_until_closed(&mut s);
    a.wait_for("rejected garbage", T, |e| {
        e["event"] == "rejected" && e["reason"].as_str().unwrap().contains("malformed")
    });

    let mut s = TcpStream::connect(("127.0.0.1", a.port)).unwrap();
    s.write_all(&[0xff, 0xff, 0xff, 0xff, b'{']).unwrap();
    read_plain_until_closed(&mut s);
    a.wait_for("rejected size", T, |e| {
        e["event"] == "rejected" && e["reason"].as_str().unwrap().contains("size limit")
    });

    // A frame cut off mid-way, then the socket closed.
    let mut s = TcpStream::connect(("127.0.0.1", a.port)).unwrap();
    s.write_all(&[0, 0, 0, 100, b'{', b'"']).unwrap();
    drop(s);
    still_fine(&mut a, &mut b, "ok still fine 1");
}

#[test]
fn a_handshake_with_someone_elses_id_is_refused() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let mut s = Secure::connect(a.port);
    let theirs = s.read_hello();
    // Claim Bob's id, sign with a key that is not Bob's.
    let mallory = Identity::from_secret([9; 32]);
    let bob_id = p2pchat_engine::wire::PeerId::from_hex(&b.id).unwrap();
    s.write(&Frame::Hello(raw_hello(bob_id, 2)));
    let Frame::Auth { sig } = auth_for(&mallory, &theirs, &s.binding.clone()) else {
        unreachable!()
    };
    s.write(&Frame::Auth { sig });
    let last = s.read_until_closed();
    assert!(
        last.iter().any(|f| matches!(f, Frame::Reject { .. })),
        "got {last:?}"
    );
    a.wait_for("rejected forged handshake", T, |e| {
        e["event"] == "rejected"
            && e["reason"]
                .as_str()
                .unwrap()
                .contains("handshake signature")
    });
    still_fine(&mut a, &mut b, "ok still fine 2");
}

#[test]
fn a_wrong_protocol_version_gets_a_clear_reason() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let (mut s, _) = handshake(a.port, &Identity::from_secret([5; 32]), 99);
    let last = s.read_until_closed();
    let reject = last.iter().find_map(|f| match f {
        Frame::Reject { message, .. } => Some(message.clone()),
        _ => None,
    });
    assert!(reject
        .expect("a reject frame")
        .contains("incompatible version"));
    a.wait_for("version notice", T, |e| {
        e["event"] == "notice"
            && e["message"]
                .as_str()
                .unwrap()
                .contains("incompatible version")
    });
    still_fine(&mut a, &mut b, "ok still fine 3");
}

#[test]
fn forged_and_misattributed_messages_are_rejected() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let mallory = Identity::from_secret([6; 32]);
    let (mut s, _) = handshake(a.port, &mallory, 2);
    a.wait_for("mallory online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Mallory"
    });

    // Signed by Mallory but claiming Bob wrote it.
    let bob_id = p2pchat_engine::wire::PeerId::from_hex(&b.id).unwrap();
    let claim = ChatContent {
        author: bob_id,
        seq: 1,
        ts: 0,
        body: "I am Bob".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    s.write(&Frame::Chat(SignedPayload::sign(
        mallory.signing_key(),
        Domain::Chat,
        &claim,
    )));
    a.wait_for("author mismatch", T, |e| {
        e["event"] == "rejected" && e["reason"].as_str().unwrap().contains("another author")
    });

    // Mallory's own content with a signature made by another key.
    let own = ChatContent {
        author: mallory.id(),
        seq: 2,
        ts: 0,
        body: "forged".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    let mut sp = SignedPayload::sign(
        Identity::from_secret([7; 32]).signing_key(),
        Domain::Chat,
        &own,
    );
    s.write(&Frame::Chat(sp.clone()));
    a.wait_for("bad signature", T, |e| {
        e["event"] == "rejected" && e["reason"].as_str().unwrap().contains("bad signature")
    });

    // A valid message, then the same bytes again.
    sp = SignedPayload::sign(
        mallory.signing_key(),
        Domain::Chat,
        &ChatContent {
            body: "ok still fine once".into(),
            seq: 3,
            ..own
        },
    );
    s.write(&Frame::Chat(sp.clone()));
    s.write(&Frame::Chat(sp));
    a.wait_for("replay", T, |e| {
        e["event"] == "rejected" && e["reason"].as_str().unwrap().contains("replayed")
    });
    // Terminal escape sequences arrive neutralised.
    let esc = ChatContent {
        author: mallory.id(),
        seq: 4,
        ts: 0,
        body: "ok still fine \u{1b}[2J".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    s.write(&Frame::Chat(SignedPayload::sign(
        mallory.signing_key(),
        Domain::Chat,
        &esc,
    )));
    let m = a.wait_message("ok still fine \u{fffd}[2J", T);
    assert_eq!(m["verified"], true);
    still_fine(&mut a, &mut b, "ok still fine 4");
    let once = a
        .events()
        .iter()
        .filter(|e| e["event"] == "message" && e["body"] == "ok still fine once")
        .count();
    assert_eq!(once, 1);
}

#[test]
fn a_silent_connection_is_dropped_after_the_handshake_timeout() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let mut s = TcpStream::connect(("127.0.0.1", a.port)).unwrap();
    let started = std::time::Instant::now();
    // Only the plaintext preamble ever comes: nothing is said before the channel is secure.
    let last = read_plain_until_closed(&mut s);
    assert!(
        matches!(&last[..], [Frame::Hello(h)] if h.version == 2),
        "got {last:?}"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "closed too early"
    );
    still_fine(&mut a, &mut b, "ok still fine 5");
}

#[test]
fn a_flooding_peer_is_paced_and_does_not_delay_the_others() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let flooder = Identity::from_secret([8; 32]);
    let (mut s, _) = handshake(a.port, &flooder, 2);
    a.wait_for("flooder online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Mallory"
    });
    let mut wire = Vec::new();
    for seq in 1..=3000u64 {
        let c = ChatContent {
            author: flooder.id(),
            seq,
            ts: 0,
            body: format!("flood {seq}"),
            room: p2pchat_engine::rooms::RoomName::general(),
            reply_to: None,
        };
        let body = serde_json::to_vec(&Frame::Chat(SignedPayload::sign(
            flooder.signing_key(),
            Domain::Chat,
            &c,
        )))
        .unwrap();
        wire.extend_from_slice(&s.seal(&body));
    }
    // Write the flood from another thread: the node paces its reading, so this blocks.
    let mut s = s.s;
    let writer = std::thread::spawn(move || {
        let _ = s.write_all(&wire);
        s
    });
    a.wait_for("flood started", T, |e| {
        e["event"] == "message" && e["body"] == "flood 1"
    });
    // While the flood is being read at the paced rate, an honest peer's message gets through.
    b.send("ok still fine during flood");
    let honest = a.wait_message("ok still fine during flood", T);
    let flood_seen_before = a
        .events()
        .iter()
        .take_while(|e| e["body"] != "ok still fine during flood")
        .filter(|e| e["event"] == "message")
        .count();
    assert!(
        flood_seen_before < 3000,
        "the honest message waited for the whole flood"
    );
    assert_eq!(honest["from_name"], "Bob");
    drop(writer);
}
