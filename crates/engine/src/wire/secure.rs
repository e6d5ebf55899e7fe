//! Protocol v2's secure channel, sans-IO: the plaintext version preamble, the Noise XX
//! handshake (through `snow`), and the records that carry the frame stream encrypted after it.
//!
//! Wire layout (docs/PROTOCOL.md §3–4 is normative):
//! - preamble: one v1-shaped frame (4-byte big-endian length, JSON `hello` with `version` 2);
//! - Noise handshake messages and transport records: 2-byte big-endian length, then that many
//!   bytes of Noise message (at most 65 535);
//! - inside the records: the v1 frame stream (4-byte length + JSON), cut into records of at
//!   most [`MAX_RECORD_PLAINTEXT`] bytes, so a 64 KiB frame still fits.

use super::frame::{split_frame, Frame, Hello, RejectReason};
use super::ids::PeerId;
use crate::limits::PROTOCOL_VERSION;
use bytes::{Buf, BufMut, Bytes, BytesMut};
use std::sync::Arc;

/// The Noise protocol name: XX pattern, X25519, ChaCha20-Poly1305, SHA-256.
pub const NOISE_PARAMS: &str = "Noise_XX_25519_ChaChaPoly_SHA256";
/// The Noise prologue both sides mix in: a wrong one fails the handshake.
pub const PROLOGUE: &[u8] = b"p2pchat-tui/v2";
/// Largest Noise message, and so the largest record body.
pub const MAX_RECORD_LEN: usize = 65_535;
/// The Poly1305 tag every transport record carries.
pub const TAG_LEN: usize = 16;
/// Most plaintext bytes in one record.
pub const MAX_RECORD_PLAINTEXT: usize = MAX_RECORD_LEN - TAG_LEN;
/// Largest preamble frame accepted (a v1 `hello` or a `reject` fits easily).
pub const MAX_PREAMBLE_LEN: usize = 1024;

/// Why the secure channel could not be set up or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecureError {
    #[error("noise handshake failed: {0}")]
    Handshake(String),
    #[error("noise handshake message carried an unexpected payload")]
    HandshakePayload,
    #[error("record does not decrypt (tampered, replayed or garbage)")]
    Decrypt,
    #[error("empty record")]
    EmptyRecord,
    #[error("frame over the size limit; connection closed")]
    TooLarge,
    #[error("preamble over {MAX_PREAMBLE_LEN} bytes")]
    PreambleTooLarge,
}

fn noise_err(e: snow::Error) -> SecureError {
    SecureError::Handshake(e.to_string())
}

/// The plaintext preamble every v2 connection starts with (JSON body, without the length).
/// It has the v1 `hello` shape, so a v1 peer parses it and answers `reject` reason `version`;
/// its `id`, `name`, `port` and `nonce` are fixed placeholders that say nothing about the
/// sender (the real `hello` travels inside the Noise channel).
pub fn preamble() -> Bytes {
    let hello = Frame::Hello(Hello {
        version: PROTOCOL_VERSION,
        id: PeerId([0; 32]),
        name: "p2pchat-tui".into(),
        port: 1,
        nonce: "00".repeat(32),
    });
    Bytes::from(serde_json::to_vec(&hello).expect("plain data"))
}

/// The plaintext `reject` sent to a peer whose preamble names another version.
pub fn version_reject() -> Bytes {
    let reject = Frame::Reject {
        reason: RejectReason::Version,
        message: format!("incompatible version: this peer speaks protocol {PROTOCOL_VERSION}"),
    };
    Bytes::from(serde_json::to_vec(&reject).expect("plain data"))
}

/// What the other side's preamble said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preamble {
    /// A `hello` of our version: go on with the Noise handshake.
    Compatible,
    /// A `hello` of another version (a v1 peer's real hello, say).
    OtherVersion(u64),
    /// A `reject` (a v1 peer refusing our preamble); its message, uncleaned.
    Refused(String),
    /// Anything else.
    Malformed,
}

/// Reads a preamble body leniently: only `type`, `version` and `message` matter.
pub fn parse_preamble(body: &[u8]) -> Preamble {
    #[derive(serde::Deserialize)]
    struct Loose {
        #[serde(rename = "type")]
        kind: String,
        version: Option<u64>,
        message: Option<String>,
    }
    match serde_json::from_slice::<Loose>(body) {
        Ok(p) if p.kind == "hello" => match p.version {
            Some(v) if v == u64::from(PROTOCOL_VERSION) => Preamble::Compatible,
            Some(v) => Preamble::OtherVersion(v),
            None => Preamble::Malformed,
        },
        Ok(p) if p.kind == "reject" => Preamble::Refused(p.message.unwrap_or_default()),
        _ => Preamble::Malformed,
    }
}

/// Prefixes a Noise message with its 2-byte big-endian length.
pub fn record(msg: &[u8]) -> Vec<u8> {
    debug_assert!(msg.len() <= MAX_RECORD_LEN);
    let mut out = Vec::with_capacity(2 + msg.len());
    out.extend_from_slice(&(msg.len() as u16).to_be_bytes());
    out.extend_from_slice(msg);
    out
}

/// One side of a Noise XX handshake with a fresh static key. Handshake payloads are empty.
pub struct NoiseHandshake {
    hs: snow::HandshakeState,
}

impl NoiseHandshake {
    /// `initiator` is the side that dialed.
    pub fn new(initiator: bool) -> Result<NoiseHandshake, SecureError> {
        let params = NOISE_PARAMS.parse().expect("valid noise parameters");
        let builder = snow::Builder::new(params);
        let keys = builder.generate_keypair().map_err(noise_err)?;
        let builder = builder
            .local_private_key(&keys.private)
            .and_then(|b| b.prologue(PROLOGUE))
            .map_err(noise_err)?;
        let hs = if initiator {
            builder.build_initiator()
        } else {
            builder.build_responder()
        }
        .map_err(noise_err)?;
        Ok(NoiseHandshake { hs })
    }

    pub fn is_my_turn(&self) -> bool {
        self.hs.is_my_turn()
    }

    pub fn is_finished(&self) -> bool {
        self.hs.is_handshake_finished()
    }

    /// The next handshake message to send (without its length prefix).
    pub fn write(&mut self) -> Result<Vec<u8>, SecureError> {
        let mut buf = vec![0u8; MAX_RECORD_LEN];
        let n = self.hs.write_message(&[], &mut buf).map_err(noise_err)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// Takes in the other side's handshake message; a non-empty payload is refused.
    pub fn read(&mut self, msg: &[u8]) -> Result<(), SecureError> {
        let mut payload = vec![0u8; MAX_RECORD_LEN];
        let n = self.hs.read_message(msg, &mut payload).map_err(noise_err)?;
        if n != 0 {
            return Err(SecureError::HandshakePayload);
        }
        Ok(())
    }

    /// The finished handshake: the handshake hash (what `auth` signs) and the transport keys.
    pub fn finish(self, max_frame_len: usize) -> Result<([u8; 32], SecureCodec), SecureError> {
        let mut binding = [0u8; 32];
        binding.copy_from_slice(&self.hs.get_handshake_hash()[..32]);
        let state = self.hs.into_stateless_transport_mode().map_err(noise_err)?;
        Ok((binding, SecureCodec::new(Arc::new(state), max_frame_len)))
    }
}

/// Encrypts frames into records and decrypts records back into frames. One value is cloned for
/// the reading half and the writing half: each uses its own direction's nonce counter.
#[derive(Clone)]
pub struct SecureCodec {
    state: Arc<snow::StatelessTransportState>,
    send_nonce: u64,
    recv_nonce: u64,
    /// Decrypted bytes not yet cut into frames.
    plain: BytesMut,
    max_frame_len: usize,
    /// Records decrypted since [`SecureCodec::take_opened`] was last called.
    opened: u64,
}

impl std::fmt::Debug for SecureCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureCodec")
            .field("send_nonce", &self.send_nonce)
            .field("recv_nonce", &self.recv_nonce)
            .finish_non_exhaustive()
    }
}

impl SecureCodec {
    fn new(state: Arc<snow::StatelessTransportState>, max_frame_len: usize) -> SecureCodec {
        SecureCodec {
            state,
            send_nonce: 0,
            recv_nonce: 0,
            plain: BytesMut::new(),
            max_frame_len,
            opened: 0,
        }
    }

    /// How many records were decrypted since the last call. The reader paces records as well
    /// as frames, so a peer cannot make it decrypt a flood of tiny records for free.
    pub fn take_opened(&mut self) -> u64 {
        std::mem::take(&mut self.opened)
    }

    /// Appends the records carrying one frame (its JSON, without a length) to `out`.
    pub fn seal(&mut self, frame: &[u8], out: &mut BytesMut) -> Result<(), SecureError> {
        if frame.len() > self.max_frame_len {
            return Err(SecureError::TooLarge);
        }
        let mut plain = Vec::with_capacity(4 + frame.len());
        plain.extend_from_slice(&(frame.len() as u32).to_be_bytes());
        plain.extend_from_slice(frame);
        for chunk in plain.chunks(MAX_RECORD_PLAINTEXT) {
            // Encrypt straight into `out`, after the record's length.
            let n = chunk.len() + TAG_LEN;
            out.reserve(2 + n);
            out.put_u16(n as u16);
            let start = out.len();
            out.resize(start + n, 0);
            self.state
                .write_message(self.send_nonce, chunk, &mut out[start..])
                .map_err(noise_err)?;
            self.send_nonce += 1;
        }
        Ok(())
    }

    /// Takes whole records off `wire`, decrypts them, and returns the next complete frame, if
    /// any. A frame's length is checked against the limit as soon as its 4 bytes are decrypted,
    /// before its body is buffered.
    pub fn open(&mut self, wire: &mut BytesMut) -> Result<Option<Bytes>, SecureError> {
        loop {
            match split_frame(&mut self.plain, self.max_frame_len) {
                Ok(Some(frame)) => return Ok(Some(frame.freeze())),
                Ok(None) => {}
                Err(_) => return Err(SecureError::TooLarge),
            }
            if wire.len() < 2 {
                return Ok(None);
            }
            let len = usize::from(u16::from_be_bytes([wire[0], wire[1]]));
            if wire.len() < 2 + len {
                wire.reserve(2 + len - wire.len());
                return Ok(None);
            }
            wire.advance(2);
            let msg = wire.split_to(len);
            // Decrypt straight onto the end of the plaintext buffer.
            let start = self.plain.len();
            self.plain.resize(start + len, 0);
            let n = self
                .state
                .read_message(self.recv_nonce, &msg, &mut self.plain[start..])
                .map_err(|_| SecureError::Decrypt)?;
            self.plain.truncate(start + n);
            if n == 0 {
                // Empty records would cost a decryption each without ever completing a frame.
                return Err(SecureError::EmptyRecord);
            }
            self.recv_nonce += 1;
            self.opened += 1;
        }
    }
}

#[cfg(test)]
mod tests;
