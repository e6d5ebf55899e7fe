//! Tests of framing: lengths, limits, each frame's JSON shape and the refusals of bad input.

use super::*;

const MAX: usize = 64 * 1024;

#[test]
fn ping_and_hello_have_the_documented_json_shape() {
    let ping = encode_frame(&Frame::Ping, MAX).unwrap();
    assert_eq!(&ping[..], br#"{"type":"ping"}"#);
    let hello = Frame::Hello(Hello {
        version: 1,
        id: PeerId([0; 32]),
        name: "Bob".into(),
        port: 8080,
        nonce: "00".repeat(32),
    });
    let v: serde_json::Value = serde_json::from_slice(&encode_frame(&hello, MAX).unwrap()).unwrap();
    assert_eq!(v["type"], "hello");
    assert_eq!(v["version"], 1);
    assert_eq!(v["port"], 8080);
}

#[test]
fn dm_ack_and_sync_frames_have_the_documented_json_shape() {
    let ack = encode_frame(
        &Frame::DmAck {
            msg_id: "ab:1".into(),
        },
        MAX,
    )
    .unwrap();
    assert_eq!(&ack[..], br#"{"type":"dm_ack","msg_id":"ab:1"}"#);
    let want = encode_frame(
        &Frame::Want {
            authors: vec![AuthorRanges {
                author: PeerId([0; 32]),
                ranges: vec![(5, 9), (12, 12)],
            }],
        },
        MAX,
    )
    .unwrap();
    let zeros = "00".repeat(32);
    assert_eq!(
        String::from_utf8_lossy(&want),
        format!(r#"{{"type":"want","authors":[{{"author":"{zeros}","ranges":[[5,9],[12,12]]}}]}}"#)
    );
    let sp = SignedPayload {
        payload: "{}".into(),
        sig: Some("00".into()),
    };
    let v: serde_json::Value = serde_json::from_slice(
        &encode_frame(
            &Frame::Give {
                messages: vec![sp.clone()],
                last: true,
            },
            MAX,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(v["type"], "give");
    assert_eq!(v["last"], true);
    assert_eq!(v["messages"][0]["payload"], "{}");
    let have: serde_json::Value = serde_json::from_slice(
        &encode_frame(
            &Frame::Have {
                authors: vec![],
                more: false,
            },
            MAX,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (have["type"].as_str(), have["more"].as_bool()),
        (Some("have"), Some(false))
    );
    let dm: serde_json::Value =
        serde_json::from_slice(&encode_frame(&Frame::Dm(sp), MAX).unwrap()).unwrap();
    assert_eq!(
        (dm["type"].as_str(), dm["sig"].as_str()),
        (Some("dm"), Some("00"))
    );
}

#[test]
fn a_chat_payload_without_prev_or_with_unknown_members_parses() {
    let zeros = "00".repeat(32);
    let old = format!(r#"{{"author":"{zeros}","seq":3,"ts":4,"body":"x","later":1}}"#);
    let c: ChatContent = serde_json::from_str(&old).unwrap();
    assert_eq!(serde_json::from_str::<ChatLink>(&old).unwrap().prev, None);
    let linked = LinkedChat {
        content: &c,
        prev: Some(2),
    };
    let with = serde_json::to_string(&linked).unwrap();
    assert_eq!(
        with,
        format!(r#"{{"author":"{zeros}","seq":3,"ts":4,"body":"x","prev":2}}"#)
    );
    assert_eq!(serde_json::from_str::<ChatContent>(&with).unwrap(), c);
    assert_eq!(
        serde_json::from_str::<ChatLink>(&with).unwrap().prev,
        Some(2)
    );
    let none = LinkedChat {
        content: &c,
        prev: None,
    };
    assert!(!serde_json::to_string(&none).unwrap().contains("prev"));
}

#[test]
fn oversized_frames_are_refused_both_ways() {
    let big = Frame::Bye {
        reason: "x".repeat(MAX),
    };
    assert!(matches!(
        encode_frame(&big, MAX),
        Err(FrameError::TooLarge { .. })
    ));
    let bytes = vec![b' '; MAX + 1];
    assert!(matches!(
        decode_frame(&bytes, MAX),
        Err(FrameError::TooLarge { .. })
    ));
}

#[test]
fn split_refuses_a_4_gib_length_prefix_without_buffering() {
    let mut buf = BytesMut::from(&[0xff, 0xff, 0xff, 0xff, b'{'][..]);
    assert!(split_frame(&mut buf, MAX).is_err());
    assert!(buf.capacity() < 1024);
}

#[test]
fn nesting_bomb_is_an_error_not_a_crash() {
    let bomb = "[".repeat(50_000);
    assert!(decode_frame(bomb.as_bytes(), MAX).is_err());
    let obj = format!("{}{}", "{\"a\":".repeat(10_000), "1");
    assert!(decode_frame(obj.as_bytes(), MAX).is_err());
}

#[test]
fn split_round_trip_byte_by_byte() {
    let body = b"{\"type\":\"ping\"}";
    let mut wire = (body.len() as u32).to_be_bytes().to_vec();
    wire.extend_from_slice(body);
    wire.extend_from_slice(&wire.clone());
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for b in wire {
        buf.extend_from_slice(&[b]);
        while let Some(frame) = split_frame(&mut buf, MAX).unwrap() {
            out.push(decode_frame(&frame, MAX).unwrap());
        }
    }
    assert_eq!(out, vec![Frame::Ping, Frame::Ping]);
    assert!(buf.is_empty());
}
