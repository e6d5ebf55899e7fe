//! A raw file sender for tests: it joins a node as a chat peer with a real handshake, sends a
//! signed `file_offer` for bytes it holds (any name, honest or not), and answers the
//! receiver's transfer connection by hand, so a test can forge chunks or manifests.

use crate::raw::{auth_for, handshake, raw_hello, read_plain_body, read_record, Secure};
use bytes::{Bytes, BytesMut};
use p2pchat_engine::files::manifest::chunk_len;
use p2pchat_engine::files::wire::{data_header, manifest_piece, TransferFrame, CHUNK};
use p2pchat_engine::files::{transfer_id, Manifest, ManifestBuilder, OfferContent};
use p2pchat_engine::identity::Identity;
use p2pchat_engine::limits::MAX_TRANSFER_FRAME;
use p2pchat_engine::wire::secure::{preamble, record, NoiseHandshake, SecureCodec};
use p2pchat_engine::wire::{Domain, Frame, PeerId, SignedPayload};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The chunk size the raw sender offers in (small, so tests have several chunks).
pub const RAW_CHUNK: u32 = 16 * 1024;

/// A connected raw sender with one offer out.
pub struct RawSender {
    pub identity: Identity,
    pub transfer_id: String,
    pub data: Vec<u8>,
    pub manifest: Manifest,
    listener: TcpListener,
    stop: Arc<AtomicBool>,
}

impl Drop for RawSender {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl RawSender {
    /// Joins the node listening on `chat_port` as `identity` and offers `data` under `name`
    /// to `receiver`. A thread keeps the chat connection alive with pings until dropped.
    pub fn offer(
        chat_port: u16,
        identity: Identity,
        receiver: PeerId,
        name: &str,
        data: Vec<u8>,
    ) -> RawSender {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut b = ManifestBuilder::new(RAW_CHUNK);
        for c in data.chunks(RAW_CHUNK as usize) {
            b.push(c);
        }
        let (manifest, hash) = b.finish();
        let id = transfer_id(&identity.id(), 1);
        let content = OfferContent {
            transfer_id: id.clone(),
            from: identity.id(),
            to: vec![receiver],
            name: name.to_string(),
            size: data.len() as u64,
            hash: hex::encode(hash),
            chunk_size: RAW_CHUNK,
            manifest: hex::encode(manifest.root()),
            ts: 0,
        };
        let sp = SignedPayload::sign(identity.signing_key(), Domain::FileOffer, &content);
        let (mut chat, _) = handshake(chat_port, &identity, 2);
        chat.write(&Frame::FileOffer {
            payload: sp.payload,
            sig: sp.sig,
            port,
        });
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || keep_alive(chat, stopping));
        RawSender {
            identity,
            transfer_id: id,
            data,
            manifest,
            listener,
            stop,
        }
    }

    /// Accepts one transfer connection and answers its requests honestly, except that each
    /// chunk goes through `forge` before it is sent. Returns the chunk indexes asked for
    /// (`file_get`'s `from_chunk` of each request).
    pub fn serve_one(&self, forge: &dyn Fn(u64, &mut Vec<u8>)) -> Vec<u64> {
        let (s, _) = self.listener.accept().unwrap();
        let mut ch = Responder::accept(s, &self.identity);
        let mut asked = Vec::new();
        while let Some(body) = ch.read() {
            match serde_json::from_slice::<TransferFrame>(&body) {
                Ok(TransferFrame::FileManifest { .. }) => {
                    ch.write(&manifest_piece(0, &self.manifest.hashes));
                }
                Ok(TransferFrame::FileGet { from_chunk, .. }) => {
                    asked.push(from_chunk);
                    for index in from_chunk..self.manifest.chunks() {
                        let at = (index * u64::from(RAW_CHUNK)) as usize;
                        let len = chunk_len(self.data.len() as u64, RAW_CHUNK, index);
                        let mut chunk = self.data[at..at + len].to_vec();
                        forge(index, &mut chunk);
                        let mut frame = data_header(CHUNK, index).to_vec();
                        frame.extend_from_slice(&chunk);
                        if !ch.try_write(&frame) {
                            return asked;
                        }
                    }
                }
                _ => return asked,
            }
        }
        asked
    }
}

fn keep_alive(mut chat: Secure, stop: Arc<AtomicBool>) {
    chat.s
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 65536];
    while !stop.load(Ordering::SeqCst) {
        if chat.try_write(&Frame::Ping).is_err() {
            return;
        }
        // Drain what the node sends so its writer never stalls on us.
        let _ = chat.s.read(&mut buf);
    }
}

/// The accepting side of a transfer connection, by hand.
struct Responder {
    s: TcpStream,
    codec: SecureCodec,
    wire: BytesMut,
}

impl Responder {
    fn accept(mut s: TcpStream, identity: &Identity) -> Responder {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = read_plain_body(&mut s).expect("preamble");
        let body = preamble();
        s.write_all(&(body.len() as u32).to_be_bytes()).unwrap();
        s.write_all(&body).unwrap();
        let mut noise = NoiseHandshake::new(false).unwrap();
        while !noise.is_finished() {
            if noise.is_my_turn() {
                s.write_all(&record(&noise.write().unwrap())).unwrap();
            } else {
                noise.read(&read_record(&mut s).unwrap()).unwrap();
            }
        }
        let (binding, codec) = noise.finish(MAX_TRANSFER_FRAME).unwrap();
        let mut ch = Responder {
            s,
            codec,
            wire: BytesMut::new(),
        };
        let theirs = match serde_json::from_slice::<TransferFrame>(&ch.read().unwrap()) {
            Ok(TransferFrame::Hello(h)) => h,
            other => panic!("expected hello, got {other:?}"),
        };
        let hello = TransferFrame::Hello(raw_hello(identity.id(), 2));
        ch.write(&serde_json::to_vec(&hello).unwrap());
        let Frame::Auth { sig } = auth_for(identity, &theirs, &binding) else {
            unreachable!()
        };
        ch.write(&serde_json::to_vec(&TransferFrame::Auth { sig }).unwrap());
        let _their_auth = ch.read();
        ch
    }

    fn read(&mut self) -> Option<Bytes> {
        loop {
            if let Some(f) = self.codec.open(&mut self.wire).ok()? {
                return Some(f);
            }
            let mut buf = [0u8; 65536];
            let n = self.s.read(&mut buf).ok()?;
            if n == 0 {
                return None;
            }
            self.wire.extend_from_slice(&buf[..n]);
        }
    }

    fn write(&mut self, body: &[u8]) {
        assert!(self.try_write(body));
    }

    fn try_write(&mut self, body: &[u8]) -> bool {
        let mut out = BytesMut::new();
        self.codec.seal(body, &mut out).unwrap();
        self.s.write_all(&out).is_ok()
    }
}
