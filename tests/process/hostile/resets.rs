//! A peer that goes away in the middle of the handshake (#13 item 6): nothing was dropped, so
//! nothing is reported; the node logs it and carries on.

use common::*;
use p2pchat_engine::wire::secure::{preamble, record, NoiseHandshake};
use p2pchat_testkit as common;
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

/// Connects, lets the node's preamble arrive unread, writes `sent`, then closes: closing a
/// socket with unread data makes the kernel send a reset.
fn reset_after(port: u16, sent: &[u8]) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(sent).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    drop(s);
}

#[test]
fn a_reset_in_the_handshake_is_no_rejection() {
    let Pair {
        dir: _d,
        mut a,
        mut b,
        ..
    } = honest_pair();
    let p = preamble();
    let mut opening = (p.len() as u32).to_be_bytes().to_vec();
    opening.extend_from_slice(&p);
    let mut noise = NoiseHandshake::new(true).unwrap();
    let first = record(&noise.write().unwrap());
    let mut whole = opening.clone();
    whole.extend_from_slice(&first);
    for sent in [
        &[][..],
        &opening[..3],
        &opening[..],
        &whole[..whole.len() - 5],
    ] {
        reset_after(a.port, sent);
        reset_after(b.port, sent);
    }
    std::thread::sleep(Duration::from_millis(500));
    still_fine(&mut a, &mut b, "ok after resets");
    still_fine(&mut b, &mut a, "ok after resets, too");
    for peer in [&mut a, &mut b] {
        let shown: Vec<String> = peer
            .events()
            .iter()
            .filter(|e| e["event"] == "rejected" || e["event"] == "error")
            .map(|e| e.to_string())
            .collect();
        assert!(shown.is_empty(), "{}: {shown:?}", peer.name);
    }
}
