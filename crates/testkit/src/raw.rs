//! A raw protocol client for tests: speaks protocol v2 (plaintext preamble, Noise XX, frames in
//! Noise records) directly, honestly or not, and can still speak plaintext v1 frames.
#![allow(dead_code)]

use bytes::BytesMut;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::node::handshake_content;
use p2pchat_engine::wire::secure::{
    parse_preamble, preamble, record, NoiseHandshake, Preamble, SecureCodec,
};
use p2pchat_engine::wire::signing::sign_hex;
use p2pchat_engine::wire::{Domain, Frame, Hello};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub const T: Duration = Duration::from_secs(10);
const MAX: usize = 64 * 1024;

/// Writes a plaintext (v1-framed) frame.
pub fn write_plain(s: &mut TcpStream, frame: &Frame) {
    let body = serde_json::to_vec(frame).unwrap();
    let _ = s.write_all(&(body.len() as u32).to_be_bytes());
    let _ = s.write_all(&body);
}

/// Reads one plaintext (v1-framed) frame body.
pub fn read_plain_body(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).ok()?;
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut body).ok()?;
    Some(body)
}

/// Reads plaintext frames until the node closes the connection.
pub fn read_plain_until_closed(s: &mut TcpStream) -> Vec<Frame> {
    s.set_read_timeout(Some(T)).unwrap();
    let mut frames = Vec::new();
    while let Some(body) = read_plain_body(s) {
        frames.extend(serde_json::from_slice(&body).ok());
    }
    frames
}

/// Reads one length-prefixed Noise handshake message.
pub fn read_record(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    s.read_exact(&mut len).ok()?;
    let mut msg = vec![0u8; u16::from_be_bytes(len) as usize];
    s.read_exact(&mut msg).ok()?;
    Some(msg)
}

/// A connection after the Noise handshake: frames go in encrypted records.
pub struct Secure {
    pub s: TcpStream,
    pub binding: [u8; 32],
    codec: SecureCodec,
    wire: BytesMut,
}

impl Secure {
    /// Dials the node at `port`, exchanges preambles and runs Noise XX as initiator.
    pub fn connect(port: u16) -> Secure {
        Secure::connect_with_max(port, MAX)
    }

    /// Like [`Secure::connect`], but willing to send frames up to `max` bytes (to test limits).
    pub fn connect_with_max(port: u16, max: usize) -> Secure {
        Secure::connect_to(([127, 0, 0, 1], port).into(), max)
    }

    /// Like [`Secure::connect_with_max`], to a node at any address.
    pub fn connect_to(addr: std::net::SocketAddr, max: usize) -> Secure {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(T)).unwrap();
        let body = preamble();
        write_len_prefixed(&mut s, &body);
        let theirs = read_plain_body(&mut s).expect("node sent a preamble");
        assert_eq!(parse_preamble(&theirs), Preamble::Compatible);
        let mut noise = NoiseHandshake::new(true).unwrap();
        while !noise.is_finished() {
            if noise.is_my_turn() {
                s.write_all(&record(&noise.write().unwrap())).unwrap();
            } else {
                noise.read(&read_record(&mut s).unwrap()).unwrap();
            }
        }
        let (binding, codec) = noise.finish(max).unwrap();
        Secure {
            s,
            binding,
            codec,
            wire: BytesMut::new(),
        }
    }

    pub fn write(&mut self, frame: &Frame) {
        self.try_write(frame).unwrap();
    }

    /// Writes a frame; the node may already have closed the connection.
    pub fn try_write(&mut self, frame: &Frame) -> std::io::Result<()> {
        self.write_json(&serde_json::to_vec(frame).unwrap())
    }

    /// Writes any JSON (or other) bytes as one encrypted frame.
    pub fn write_json(&mut self, body: &[u8]) -> std::io::Result<()> {
        let mut out = BytesMut::new();
        self.codec.seal(body, &mut out).unwrap();
        self.s.write_all(&out)
    }

    /// The encrypted records of one frame, to write later.
    pub fn seal(&mut self, body: &[u8]) -> BytesMut {
        let mut out = BytesMut::new();
        self.codec.seal(body, &mut out).unwrap();
        out
    }

    /// The next frame, or `None` once the connection is closed (or on a read timeout).
    pub fn read(&mut self) -> Option<Frame> {
        loop {
            if let Some(f) = self.codec.open(&mut self.wire).ok()? {
                return serde_json::from_slice(&f).ok();
            }
            let mut buf = [0u8; 4096];
            let n = self.s.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            self.wire.extend_from_slice(&buf[..n]);
        }
    }

    /// Reads until the node closes the connection; the frames it sent last.
    pub fn read_until_closed(&mut self) -> Vec<Frame> {
        let mut frames = Vec::new();
        while let Some(f) = self.read() {
            frames.push(f);
        }
        frames
    }

    /// Reads the node's `hello`.
    pub fn read_hello(&mut self) -> Hello {
        match self.read() {
            Some(Frame::Hello(h)) => h,
            other => panic!("node did not say hello: {other:?}"),
        }
    }
}

fn write_len_prefixed(s: &mut TcpStream, body: &[u8]) {
    s.write_all(&(body.len() as u32).to_be_bytes()).unwrap();
    s.write_all(body).unwrap();
}

/// The `hello` a raw client sends, with a fixed nonce.
pub fn raw_hello(id: p2pchat_engine::wire::PeerId, version: u32) -> Hello {
    Hello {
        version,
        id,
        name: "Mallory".into(),
        port: 1,
        nonce: hex::encode(MY_NONCE),
    }
}

pub const MY_NONCE: [u8; 32] = [42u8; 32];

/// The `auth` for `theirs`, signed by `signer` for channel `binding`.
pub fn auth_for(signer: &Identity, theirs: &Hello, binding: &[u8; 32]) -> Frame {
    let mut challenge = [0u8; 32];
    hex::decode_to_slice(&theirs.nonce, &mut challenge).unwrap();
    let content = handshake_content(&challenge, &MY_NONCE, &signer.id(), &theirs.id, binding);
    Frame::Auth {
        sig: sign_hex(signer.signing_key(), Domain::Handshake, &content),
    }
}

/// A raw client that completes a real handshake with `identity`.
pub fn handshake(port: u16, identity: &Identity, version: u32) -> (Secure, Hello) {
    handshake_at(([127, 0, 0, 1], port).into(), identity, version)
}

/// [`handshake`] with a node at any address.
pub fn handshake_at(
    addr: std::net::SocketAddr,
    identity: &Identity,
    version: u32,
) -> (Secure, Hello) {
    let mut s = Secure::connect_to(addr, MAX);
    let theirs = s.read_hello();
    s.write(&Frame::Hello(raw_hello(identity.id(), version)));
    let binding = s.binding;
    // A node that refused our hello (a wrong version, say) may have closed already.
    let _ = s.try_write(&auth_for(identity, &theirs, &binding));
    (s, theirs)
}
