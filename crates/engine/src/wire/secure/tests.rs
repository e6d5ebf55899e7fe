//! Unit tests of the secure channel: handshake, binding, records, limits, tampering.

use super::*;

const MAX: usize = 64 * 1024;

/// Runs a whole XX handshake in memory; the two sides' bindings and codecs.
fn pair(max_a: usize, max_b: usize) -> ([u8; 32], SecureCodec, [u8; 32], SecureCodec) {
    let mut a = NoiseHandshake::new(true).unwrap();
    let mut b = NoiseHandshake::new(false).unwrap();
    while !(a.is_finished() && b.is_finished()) {
        if a.is_my_turn() {
            let m = a.write().unwrap();
            b.read(&m).unwrap();
        } else {
            let m = b.write().unwrap();
            a.read(&m).unwrap();
        }
    }
    let (ha, ca) = a.finish(max_a).unwrap();
    let (hb, cb) = b.finish(max_b).unwrap();
    (ha, ca, hb, cb)
}

#[test]
fn both_sides_get_the_same_binding_and_each_session_a_new_one() {
    let (ha, _, hb, _) = pair(MAX, MAX);
    assert_eq!(ha, hb);
    let (hc, _, _, _) = pair(MAX, MAX);
    assert_ne!(ha, hc);
}

#[test]
fn handshake_messages_have_the_documented_sizes() {
    let mut a = NoiseHandshake::new(true).unwrap();
    let mut b = NoiseHandshake::new(false).unwrap();
    let m1 = a.write().unwrap();
    b.read(&m1).unwrap();
    let m2 = b.write().unwrap();
    a.read(&m2).unwrap();
    let m3 = a.write().unwrap();
    b.read(&m3).unwrap();
    assert_eq!((m1.len(), m2.len(), m3.len()), (32, 96, 64));
}

#[test]
fn frames_round_trip_whole_and_byte_by_byte_up_to_the_limit() {
    let (_, mut a, _, mut b) = pair(MAX, MAX);
    let big = vec![b'x'; MAX];
    let mut wire = BytesMut::new();
    a.seal(b"{\"type\":\"ping\"}", &mut wire).unwrap();
    a.seal(&big, &mut wire).unwrap();
    // 4 + 15 bytes in one record; 4 + 65 536 bytes in two.
    assert_eq!(wire.len(), 2 + 19 + 16 + 2 * (2 + 16) + 4 + MAX);
    let mut fed = BytesMut::new();
    let mut got = Vec::new();
    for byte in wire.iter() {
        fed.put_u8(*byte);
        while let Some(f) = b.open(&mut fed).unwrap() {
            got.push(f);
        }
    }
    assert_eq!(got.len(), 2);
    assert_eq!(&got[0][..], b"{\"type\":\"ping\"}");
    assert_eq!(got[1].len(), MAX);
    assert!(a.seal(&vec![0; MAX + 1], &mut wire).is_err());
}

#[test]
fn an_oversized_length_is_refused_after_the_first_record() {
    let (_, mut a, _, mut b) = pair(4 * MAX, MAX);
    let mut wire = BytesMut::new();
    a.seal(&vec![b'y'; 3 * MAX], &mut wire).unwrap();
    let first_record = 2 + MAX_RECORD_LEN;
    let mut head = wire.split_to(first_record);
    assert_eq!(b.open(&mut head), Err(SecureError::TooLarge));
}

#[test]
fn tampered_reordered_and_garbage_records_do_not_decrypt() {
    let (_, mut a, _, b) = pair(MAX, MAX);
    let mut wire = BytesMut::new();
    a.seal(b"{\"type\":\"ping\"}", &mut wire).unwrap();
    let mut tampered = wire.clone();
    tampered[5] ^= 1;
    assert_eq!(b.clone().open(&mut tampered), Err(SecureError::Decrypt));
    // A second record replayed in first place (wrong nonce).
    let mut second = BytesMut::new();
    a.seal(b"{\"type\":\"ping\"}", &mut second).unwrap();
    assert_eq!(b.clone().open(&mut second), Err(SecureError::Decrypt));
    // A valid record with an empty plaintext (the next nonce is 2).
    let mut tag = [0u8; TAG_LEN];
    assert_eq!(a.state.write_message(2, &[], &mut tag).unwrap(), TAG_LEN);
    let mut empty = BytesMut::new();
    empty.put_u16(TAG_LEN as u16);
    empty.put_slice(&tag);
    let mut at_two = b.clone();
    at_two.recv_nonce = 2;
    assert_eq!(at_two.open(&mut empty), Err(SecureError::EmptyRecord));
    let mut garbage = BytesMut::from(&[0u8, 3, 1, 2, 3][..]);
    assert_eq!(b.clone().open(&mut garbage), Err(SecureError::Decrypt));
}

#[test]
fn preambles_are_told_apart() {
    assert_eq!(parse_preamble(&preamble()), Preamble::Compatible);
    // The preamble is a valid v1 hello, so a v1 peer reaches its version check.
    let v1: Frame = serde_json::from_slice(&preamble()).unwrap();
    assert!(matches!(v1, Frame::Hello(Hello { version: 2, .. })));
    let v1_hello = br#"{"type":"hello","version":1,"id":"00","name":"a","port":1,"nonce":"00"}"#;
    assert_eq!(parse_preamble(v1_hello), Preamble::OtherVersion(1));
    assert_eq!(
        parse_preamble(&version_reject()),
        Preamble::Refused("incompatible version: this peer speaks protocol 2".into())
    );
    assert_eq!(parse_preamble(b"\x00garbage"), Preamble::Malformed);
    assert_eq!(parse_preamble(br#"{"type":"ping"}"#), Preamble::Malformed);
}

#[test]
fn a_frame_cut_into_tiny_records_still_arrives_and_counts_every_record() {
    let (_, mut a, _, mut b) = pair(MAX, MAX);
    let body = b"{\"type\":\"ping\"}";
    let mut plain = (body.len() as u32).to_be_bytes().to_vec();
    plain.extend_from_slice(body);
    let mut wire = BytesMut::new();
    let mut buf = vec![0u8; MAX_RECORD_LEN];
    for byte in plain.chunks(1) {
        let n = a.state.write_message(a.send_nonce, byte, &mut buf).unwrap();
        a.send_nonce += 1;
        wire.put_u16(n as u16);
        wire.put_slice(&buf[..n]);
    }
    assert_eq!(&b.open(&mut wire).unwrap().unwrap()[..], body);
    assert_eq!(b.take_opened(), plain.len() as u64);
    assert_eq!(b.take_opened(), 0);
}
