//! Property tests of the wire format: round trips, arbitrary bytes never panic, frames split
//! at every byte boundary reassemble, oversized frames are refused; the same for frames sealed
//! in Noise records.

use bytes::{Bytes, BytesMut};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::wire::{
    decode_frame, encode_frame, split_frame, Announce, ChatContent, Domain, Frame, PeerId,
    SignedPayload,
};
use proptest::prelude::*;

const MAX: usize = 64 * 1024;

fn chat_frame() -> impl Strategy<Value = Frame> {
    (
        any::<[u8; 32]>(),
        any::<u64>(),
        any::<i64>(),
        ".{0,200}",
        any::<bool>(),
    )
        .prop_map(|(seed, seq, ts, body, signed)| {
            let id = Identity::from_secret(seed);
            let content = ChatContent {
                author: id.id(),
                seq,
                ts,
                body,
                room: p2pchat_engine::rooms::RoomName::general(),
                reply_to: None,
            };
            Frame::Chat(if signed {
                SignedPayload::sign(id.signing_key(), Domain::Chat, &content)
            } else {
                SignedPayload::unsigned(&content)
            })
        })
}

fn any_frame() -> impl Strategy<Value = Frame> {
    prop_oneof![
        chat_frame(),
        Just(Frame::Ping),
        ".{0,50}".prop_map(|reason| Frame::Bye { reason }),
        "[0-9a-f]{128}".prop_map(|sig| Frame::Auth { sig }),
    ]
}

proptest! {
    #[test]
    fn frames_round_trip(frame in any_frame()) {
        let bytes = encode_frame(&frame, MAX).unwrap();
        prop_assert_eq!(decode_frame(&bytes, MAX).unwrap(), frame);
    }

    #[test]
    fn signed_chat_verifies_after_a_round_trip(frame in chat_frame()) {
        let bytes = encode_frame(&frame, MAX).unwrap();
        let Frame::Chat(sp) = decode_frame(&bytes, MAX).unwrap() else { unreachable!() };
        let content: ChatContent = sp.parse().unwrap();
        prop_assert_eq!(sp.verify(&content.author, Domain::Chat).unwrap(), sp.sig.is_some());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode_frame(&bytes, MAX);
        let _ = Announce::decode(&bytes, 1024);
        let mut buf = BytesMut::from(&bytes[..]);
        while let Ok(Some(f)) = split_frame(&mut buf, MAX) {
            let _ = decode_frame(&f, MAX);
        }
    }

    #[test]
    fn json_shaped_garbage_never_panics(s in r#"\{"type":"(hello|auth|chat|ping|bye|reject|vote|proposal|sync)"[^}]{0,200}\}?"#) {
        let _ = decode_frame(s.as_bytes(), MAX);
    }

    #[test]
    fn a_stream_split_anywhere_reassembles(frames in proptest::collection::vec(any_frame(), 1..6), cut_seed in any::<u64>()) {
        let mut wire = BytesMut::new();
        for f in &frames {
            put_frame(&encode_frame(f, MAX).unwrap(), &mut wire);
        }
        let wire = wire.freeze();
        // Every single split point for the first frame's bytes, and a pseudo-random chunking after.
        for split in 0..=wire.len().min(300) {
            let out = feed_in_chunks(&wire, &[split], cut_seed);
            prop_assert_eq!(&out, &frames);
        }
    }
}

/// Appends one frame with its 4-byte big-endian length, as a sender writes it.
fn put_frame(body: &[u8], out: &mut BytesMut) {
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
}

fn feed_in_chunks(wire: &Bytes, first_splits: &[usize], seed: u64) -> Vec<Frame> {
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut rng = seed;
    let mut cuts: Vec<usize> = first_splits.to_vec();
    while pos < wire.len() {
        let next = match cuts.pop() {
            Some(c) => c.max(pos),
            None => {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                pos + 1 + (rng >> 33) as usize % 17
            }
        }
        .min(wire.len());
        buf.extend_from_slice(&wire[pos..next]);
        pos = next;
        while let Some(f) = split_frame(&mut buf, MAX).unwrap() {
            out.push(decode_frame(&f, MAX).unwrap());
        }
    }
    out
}

#[test]
fn a_frame_one_byte_over_the_limit_is_refused_before_buffering() {
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&((MAX + 1) as u32).to_be_bytes());
    assert!(split_frame(&mut buf, MAX).is_err());
    let mut ok = BytesMut::new();
    ok.extend_from_slice(&(MAX as u32).to_be_bytes());
    assert!(
        split_frame(&mut ok, MAX).unwrap().is_none(),
        "exactly the limit is allowed, waits for data"
    );
}

#[test]
fn peer_ids_parse_only_from_64_hex_digits() {
    assert!(PeerId::from_hex(&"a".repeat(64)).is_some());
    assert!(PeerId::from_hex(&"a".repeat(63)).is_none());
    assert!(PeerId::from_hex(&"g".repeat(64)).is_none());
}

/// Two ends of an in-memory Noise XX handshake.
fn secure_pair() -> (
    p2pchat_engine::wire::secure::SecureCodec,
    p2pchat_engine::wire::secure::SecureCodec,
) {
    use p2pchat_engine::wire::secure::NoiseHandshake;
    let mut a = NoiseHandshake::new(true).unwrap();
    let mut b = NoiseHandshake::new(false).unwrap();
    b.read(&a.write().unwrap()).unwrap();
    a.read(&b.write().unwrap()).unwrap();
    b.read(&a.write().unwrap()).unwrap();
    (a.finish(MAX).unwrap().1, b.finish(MAX).unwrap().1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn sealed_frames_split_anywhere_open_in_order(
        sizes in proptest::collection::vec(0usize..70_000, 1..4),
        cuts in proptest::collection::vec(1usize..5000, 1..40),
    ) {
        let (mut tx, mut rx) = secure_pair();
        let bodies: Vec<Vec<u8>> = sizes
            .iter()
            .enumerate()
            .map(|(i, n)| vec![b'a' + i as u8; (*n).min(MAX)])
            .collect();
        let mut wire = BytesMut::new();
        for b in &bodies {
            tx.seal(b, &mut wire).unwrap();
        }
        let mut fed = BytesMut::new();
        let mut got = Vec::new();
        let mut cut = cuts.iter().cycle();
        while !wire.is_empty() {
            let n = (*cut.next().unwrap()).min(wire.len());
            fed.extend_from_slice(&wire.split_to(n));
            while let Some(f) = rx.open(&mut fed).unwrap() {
                got.push(f.to_vec());
            }
        }
        prop_assert_eq!(got, bodies);
    }

    #[test]
    fn arbitrary_records_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let (_, mut rx) = secure_pair();
        let mut buf = BytesMut::from(&bytes[..]);
        while let Ok(Some(_)) = rx.open(&mut buf) {}
    }
}
