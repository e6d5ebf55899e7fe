//! Hostile bytes against a real process, over real sockets: invalid UTF-8 and JSON nesting
//! bombs before and after the handshake, a one-byte-per-second handshake, unsigned and
//! non-member votes. After each, the node is up, an honest peer still chats with it, and
//! nothing bad was shown as chat. (Floods and storms are in hostile/load.rs.)

use common::raw::*;
use common::*;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::limits::PROTOCOL_VERSION;
use p2pchat_engine::voting::VoteContent;
use p2pchat_engine::wire::{ChatContent, Domain, Frame, Hello, ProposalId, SignedPayload};
use p2pchat_testkit as common;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// One raw frame: a length prefix and exactly these bytes.
fn raw_frame(s: &mut TcpStream, body: &[u8]) {
    let _ = s.write_all(&(body.len() as u32).to_be_bytes());
    let _ = s.write_all(body);
}

/// 60,000 bytes of `[` (under the frame limit): far deeper than serde_json's 128 levels.
fn nesting_bomb() -> Vec<u8> {
    vec![b'['; 60_000]
}

/// Waits until `n` new `rejected` events from `from` whose reason contains `needle` arrived.
fn wait_rejections(a: &mut Peer, from: &str, needle: &'static str, n: usize) {
    let count = std::cell::Cell::new(0usize);
    let from = from.to_string();
    let got = a.try_wait_for_new(T, move |e| {
        if e["event"] == "rejected"
            && e["from"] == from.as_str()
            && e["reason"].as_str().unwrap().contains(needle)
        {
            count.set(count.get() + 1);
        }
        count.get() >= n
    });
    assert!(
        got.is_some(),
        "{n} rejections expected; events: {:?}",
        a.events()
    );
}

#[test]
fn invalid_utf8_and_nesting_bombs_before_and_after_the_handshake() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    // Before the handshake: each closes only that connection.
    for body in [
        b"{\"type\":\"hello\",\"name\":\"\xff\xfe\xc0\"}".to_vec(),
        nesting_bomb(),
        format!("{}1", "{\"a\":".repeat(12_000)).into_bytes(),
    ] {
        let mut s = TcpStream::connect(("127.0.0.1", a.port)).unwrap();
        s.set_read_timeout(Some(T)).unwrap();
        raw_frame(&mut s, &body);
        // The node's own plaintext preamble, then the close: nothing else.
        let last = read_plain_until_closed(&mut s);
        assert!(last.len() <= 1, "{last:?}");
    }
    rejected(&mut a, "malformed before handshake", "malformed");
    rejected(&mut a, "oversized preamble", "size limit");

    // After the handshake: dropped and reported, the connection stays.
    let mallory = Identity::from_secret([21; 32]);
    let (mut s, _) = handshake(a.port, &mallory, PROTOCOL_VERSION);
    a.wait_for("mallory online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Mallory"
    });
    let from = mallory.id().to_hex();
    s.write_json(b"{\"type\":\"chat\",\"payload\":\"\xff\xff\",\"sig\":null}")
        .unwrap();
    s.write_json(&nesting_bomb()).unwrap();
    // A well-formed frame whose signed payload string is itself a nesting bomb.
    let inner = SignedPayload {
        payload: "[".repeat(50_000),
        sig: None,
    };
    s.write(&Frame::Chat(inner.clone()));
    s.write(&Frame::Vote(inner.clone()));
    s.write(&Frame::Proposal(inner));
    // A chat payload with a lone surrogate escape: valid outer JSON, invalid inner string.
    s.write_json(
        br#"{"type":"chat","payload":"{\"author\":\"x\",\"body\":\"\\ud800\"}","sig":null}"#,
    )
    .unwrap();
    wait_rejections(&mut a, &from, "", 6);
    // Mallory's connection survived and a proper message from her still arrives.
    let ok = ChatContent {
        author: mallory.id(),
        seq: 1,
        ts: 0,
        body: "ok from mallory".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    s.write(&Frame::Chat(SignedPayload::sign(
        mallory.signing_key(),
        Domain::Chat,
        &ok,
    )));
    let m = a.wait_message("ok from mallory", T);
    assert_eq!(m["verified"], true);
    assert!(!a
        .events()
        .iter()
        .any(|e| e["event"] == "peer_offline" && e["name"] == "Mallory"));
    still_fine(&mut a, &mut b, "ok bob");
}

#[test]
fn a_connection_sending_one_byte_per_second_is_dropped_by_the_handshake_timeout() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let mut s = TcpStream::connect(("127.0.0.1", a.port)).unwrap();
    let mut w = s.try_clone().unwrap();
    // A valid preamble, one byte a second: it would take minutes to finish.
    let hello = serde_json::to_vec(&Frame::Hello(Hello {
        version: PROTOCOL_VERSION,
        id: Identity::from_secret([22; 32]).id(),
        name: "Slow".into(),
        port: 1,
        nonce: "33".repeat(32),
    }))
    .unwrap();
    let mut wire = (hello.len() as u32).to_be_bytes().to_vec();
    wire.extend_from_slice(&hello);
    let started = Instant::now();
    let writer = std::thread::spawn(move || {
        for byte in wire.iter().take(20) {
            if w.write_all(&[*byte]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // The node's plaintext preamble comes at once; then nothing until it gives up and closes.
    let last = read_plain_until_closed(&mut s);
    let took = started.elapsed();
    assert!(last.len() <= 1, "{last:?}");
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_secs(15),
        "{took:?}"
    );
    still_fine(&mut a, &mut b, "ok after slowloris");
    drop(s);
    writer.join().unwrap();
}

#[test]
fn unsigned_and_non_member_votes_are_refused() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    a.send("/propose lock it");
    let p = a.wait_for("proposal", T, |e| e["event"] == "proposal");
    let pid = p["proposal_id"].as_str().unwrap().to_string();
    assert_eq!(p["threshold"], 2, "{p}");
    b.wait_for("proposal at bob", T, |e| e["event"] == "proposal");

    // Mallory joins after the proposal: not in its electorate.
    let mallory = Identity::from_secret([23; 32]);
    let (mut s, _) = handshake(a.port, &mallory, PROTOCOL_VERSION);
    a.wait_for("mallory online", T, |e| {
        e["event"] == "peer_online" && e["name"] == "Mallory"
    });
    let bob_id = p2pchat_engine::wire::PeerId::from_hex(&b.id).unwrap();
    let vote = |voter, approve| VoteContent {
        proposal_id: ProposalId(pid.clone()),
        voter,
        approve,
        ts: 0,
    };
    let frames = [
        // Unsigned, in Bob's name.
        Frame::Vote(SignedPayload::unsigned(&vote(bob_id, true))),
        // Unsigned, in her own name.
        Frame::Vote(SignedPayload::unsigned(&vote(mallory.id(), true))),
        // Signed by her, in Bob's name.
        Frame::Vote(SignedPayload::sign(
            mallory.signing_key(),
            Domain::Vote,
            &vote(bob_id, true),
        )),
        // Properly signed, but she is not a member.
        Frame::Vote(SignedPayload::sign(
            mallory.signing_key(),
            Domain::Vote,
            &vote(mallory.id(), true),
        )),
        // A chat signature replayed as a vote signature.
        Frame::Vote({
            let mut sp = SignedPayload::sign(
                mallory.signing_key(),
                Domain::Chat,
                &vote(mallory.id(), true),
            );
            sp.payload = serde_json::to_string(&vote(mallory.id(), true)).unwrap();
            sp
        }),
    ];
    for f in &frames {
        s.write(f);
    }
    wait_rejections(&mut a, &mallory.id().to_hex(), "vote refused", 5);
    for e in a.events() {
        assert_ne!(e["event"], "vote", "no hostile vote counted: {e}");
        assert_ne!(e["event"], "secure_mode", "{e}");
    }
    // Bob's real vote still decides it.
    b.send(&format!("/vote {} approve", &pid[..8]));
    let mode = a.wait_for("secure_mode", T, |e| e["event"] == "secure_mode");
    assert_eq!(mode["enabled"], true);
    let approvers = mode["approvers"].as_array().unwrap();
    assert_eq!(approvers.len(), 2);
    assert!(!approvers
        .iter()
        .any(|v| v == mallory.id().to_hex().as_str()));
    still_fine(&mut a, &mut b, "ok after votes");
}
