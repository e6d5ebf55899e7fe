//! The cost of protocol v2's encrypted transport: handshake crypto before (v1: Ed25519 auth
//! only) and after (Noise XX + auth bound to it), a real loopback handshake, and the
//! per-frame cost of sealing and opening Noise records against v1's plain length prefix.

use bytes::BytesMut;
use criterion::{criterion_group, criterion_main, Criterion};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::node::handshake_content;
use p2pchat_engine::wire::secure::{
    parse_preamble, preamble, record, NoiseHandshake, Preamble, SecureCodec,
};
use p2pchat_engine::wire::signing::{sign_hex, verify_hex};
use p2pchat_engine::wire::{encode_frame, ChatContent, Domain, Frame, SignedPayload};
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use tokio_util::codec::{Decoder, Encoder};

const MAX: usize = 64 * 1024;

/// Both sides' `auth`: each signs once and verifies the other's (v1 and v2 alike).
fn auths(a: &Identity, b: &Identity, binding: &[u8; 32]) {
    let ca = handshake_content(&[1; 32], &[2; 32], &a.id(), &b.id(), binding);
    let cb = handshake_content(&[2; 32], &[1; 32], &b.id(), &a.id(), binding);
    let sa = sign_hex(a.signing_key(), Domain::Handshake, &ca);
    let sb = sign_hex(b.signing_key(), Domain::Handshake, &cb);
    verify_hex(&a.id(), Domain::Handshake, &ca, &sa).unwrap();
    verify_hex(&b.id(), Domain::Handshake, &cb, &sb).unwrap();
}

/// A whole Noise XX handshake in memory; both sides' codecs.
fn noise_pair() -> ([u8; 32], SecureCodec, SecureCodec) {
    let mut a = NoiseHandshake::new(true).unwrap();
    let mut b = NoiseHandshake::new(false).unwrap();
    b.read(&a.write().unwrap()).unwrap();
    a.read(&b.write().unwrap()).unwrap();
    b.read(&a.write().unwrap()).unwrap();
    let (h, ca) = a.finish(MAX).unwrap();
    let (_, cb) = b.finish(MAX).unwrap();
    (h, ca, cb)
}

fn read_exact_vec(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    s.read_exact(&mut v).unwrap();
    v
}

/// One side of the v2 transport handshake over a real socket, as the node does it.
fn v2_side(s: &mut TcpStream, initiator: bool) {
    let mut noise = NoiseHandshake::new(initiator).unwrap();
    let p = preamble();
    let mut first = (p.len() as u32).to_be_bytes().to_vec();
    first.extend_from_slice(&p);
    if initiator {
        first.extend_from_slice(&record(&noise.write().unwrap()));
    }
    s.write_all(&first).unwrap();
    let len = u32::from_be_bytes(read_exact_vec(s, 4).try_into().unwrap()) as usize;
    assert_eq!(
        parse_preamble(&read_exact_vec(s, len)),
        Preamble::Compatible
    );
    while !noise.is_finished() {
        if noise.is_my_turn() {
            s.write_all(&record(&noise.write().unwrap())).unwrap();
        } else {
            let len = u16::from_be_bytes(read_exact_vec(s, 2).try_into().unwrap()) as usize;
            noise.read(&read_exact_vec(s, len)).unwrap();
        }
    }
}

/// v1's transport before its identity frames: nothing but the plaintext hello exchange, one
/// frame each way (modelled with the same preamble bytes).
fn v1_side(s: &mut TcpStream) {
    let p = preamble();
    let mut first = (p.len() as u32).to_be_bytes().to_vec();
    first.extend_from_slice(&p);
    s.write_all(&first).unwrap();
    let len = u32::from_be_bytes(read_exact_vec(s, 4).try_into().unwrap()) as usize;
    black_box(read_exact_vec(s, len));
}

fn serve(side: fn(&mut TcpStream)) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let mut s = s.unwrap();
            s.set_nodelay(true).unwrap();
            side(&mut s);
        }
    });
    addr
}

fn handshake(c: &mut Criterion) {
    let (a, b) = (
        Identity::from_secret([1; 32]),
        Identity::from_secret([2; 32]),
    );
    c.bench_function(
        "v1 handshake crypto (2 auth signatures + 2 verifications)",
        |bn| bn.iter(|| auths(&a, &b, black_box(&[0; 32]))),
    );
    c.bench_function("v2 handshake crypto (Noise XX both sides + auths)", |bn| {
        bn.iter(|| {
            let (h, _, _) = noise_pair();
            auths(&a, &b, &h)
        })
    });
    let v1 = serve(v1_side);
    c.bench_function(
        "v1 loopback TCP connect + one plain hello frame each way",
        |bn| {
            bn.iter(|| {
                let mut s = TcpStream::connect(v1).unwrap();
                s.set_nodelay(true).unwrap();
                v1_side(&mut s);
            })
        },
    );
    let addr = serve(|s| v2_side(s, false));
    c.bench_function("v2 loopback TCP connect + preambles + Noise XX", |bn| {
        bn.iter(|| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_nodelay(true).unwrap();
            v2_side(&mut s, true);
        })
    });
}

fn per_frame(c: &mut Criterion) {
    let id = Identity::from_secret([1; 32]);
    for len in [32usize, 1024] {
        let content = ChatContent {
            author: id.id(),
            seq: 42,
            ts: 1_800_000_000_000,
            body: "x".repeat(len),
            room: p2pchat_engine::rooms::RoomName::general(),
            reply_to: None,
        };
        let frame = Frame::Chat(SignedPayload::sign(
            id.signing_key(),
            Domain::Chat,
            &content,
        ));
        let json = encode_frame(&frame, MAX).unwrap();
        let mut plain = p2pchat_runtime::codec::frame_codec(MAX);
        c.bench_function(&format!("v1 frame out+in ({len} B body)"), |bn| {
            bn.iter(|| {
                let mut buf = BytesMut::new();
                plain.encode(black_box(json.clone()), &mut buf).unwrap();
                plain.decode(&mut buf).unwrap().unwrap()
            })
        });
        let (_, mut tx, mut rx) = noise_pair();
        c.bench_function(&format!("v2 frame seal+open ({len} B body)"), |bn| {
            bn.iter(|| {
                let mut buf = BytesMut::new();
                tx.seal(black_box(&json), &mut buf).unwrap();
                rx.open(&mut buf).unwrap().unwrap()
            })
        });
    }
}

criterion_group!(benches, handshake, per_frame);
criterion_main!(benches);
