//! A raw protocol client for tests: speaks frames directly, honestly or not.
#![allow(dead_code)]

use p2pchat_tui::core::handshake_content;
use p2pchat_tui::identity::Identity;
use p2pchat_tui::proto::signing::sign_hex;
use p2pchat_tui::proto::{Domain, Frame, Hello};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);

pub fn write_frame(s: &mut TcpStream, frame: &Frame) {
    try_write_frame(s, frame).unwrap();
}

/// Writes a frame; the node may already have closed the connection (which is fine for tests
/// of refusals).
pub fn try_write_frame(s: &mut TcpStream, frame: &Frame) -> std::io::Result<()> {
    let body = serde_json::to_vec(frame).unwrap();
    s.write_all(&(body.len() as u32).to_be_bytes())?;
    s.write_all(&body)
}

pub fn read_frame(s: &mut TcpStream) -> Option<Frame> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).ok()?;
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    s.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Reads until the node closes the connection; the frames it sent last.
pub fn read_until_closed(s: &mut TcpStream) -> Vec<Frame> {
    s.set_read_timeout(Some(T)).unwrap();
    let mut frames = Vec::new();
    while let Some(f) = read_frame(s) {
        frames.push(f);
    }
    frames
}

/// A raw client that completes a real handshake with `identity`.
pub fn handshake(port: u16, identity: &Identity, version: u32) -> (TcpStream, Hello) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(T)).unwrap();
    let Some(Frame::Hello(theirs)) = read_frame(&mut s) else {
        panic!("node did not say hello")
    };
    let my_nonce = [42u8; 32];
    write_frame(
        &mut s,
        &Frame::Hello(Hello {
            version,
            id: identity.id(),
            name: "Mallory".into(),
            port: 1,
            nonce: hex::encode(my_nonce),
        }),
    );
    let mut challenge = [0u8; 32];
    hex::decode_to_slice(&theirs.nonce, &mut challenge).unwrap();
    let content = handshake_content(&challenge, &my_nonce, &identity.id(), &theirs.id);
    // A node that refused our hello (a wrong version, say) may have closed already.
    let _ = try_write_frame(
        &mut s,
        &Frame::Auth {
            sig: sign_hex(identity.signing_key(), Domain::Handshake, &content),
        },
    );
    (s, theirs)
}
