//! A transfer connection's first seconds: the chat connection's preamble and Noise XX
//! ([`crate::secure::establish`]), then `hello`/`auth` signed over the Noise handshake hash
//! exactly as on a chat connection (PROTOCOL.md §4), so the transfer is bound to the same
//! proven identities. Then framed, encrypted reads and writes of up to MAX_TRANSFER_FRAME.

use crate::codec::Records;
use crate::secure::{establish, Failure};
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use p2pchat_engine::files::wire::TransferFrame;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::limits::{MAX_TRANSFER_FRAME, PROTOCOL_VERSION};
use p2pchat_engine::node::handshake_content;
use p2pchat_engine::wire::signing::{sign_hex, verify_hex};
use p2pchat_engine::wire::{Domain, Hello, PeerId, RejectReason};
use std::time::Duration;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio_util::codec::{FramedRead, FramedWrite};

/// TRANSFER_SOCKET_BUFFER: the receiver's receive buffer and the sender's send buffer on a
/// transfer connection (the kernel may double it).
pub const TRANSFER_SOCKET_BUFFER: usize = 1024 * 1024;

/// How long the whole handshake may take (HANDSHAKE_TIMEOUT, as on chat connections).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// An authenticated, encrypted transfer connection.
pub struct Channel {
    pub peer: PeerId,
    pub read: FramedRead<OwnedReadHalf, Records>,
    pub write: FramedWrite<OwnedWriteHalf, Records>,
}

impl Channel {
    pub async fn send_json(&mut self, frame: &TransferFrame) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(frame).expect("plain data serialises");
        self.write.send(Bytes::from(bytes)).await
    }

    /// Sends a `reject` and closes (best effort).
    pub async fn refuse(&mut self, message: &str) {
        let frame = TransferFrame::Reject {
            reason: RejectReason::Protocol,
            message: message.to_string(),
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), self.send_json(&frame)).await;
    }

    /// The next frame; `Err` on a closed or failed connection.
    pub async fn next(&mut self) -> Result<Bytes, String> {
        match self.read.next().await {
            Some(Ok(b)) => Ok(b),
            Some(Err(e)) => Err(format!("transfer connection failed: {e}")),
            None => Err("transfer connection closed".into()),
        }
    }

    /// The next frame as JSON (a binary frame here is a protocol error).
    pub async fn next_json(&mut self) -> Result<TransferFrame, String> {
        let bytes = self.next().await?;
        serde_json::from_slice(&bytes).map_err(|_| "malformed transfer frame".to_string())
    }
}

/// Runs the handshake on `stream` (`outbound`: we dialed). With `expect`, the other side
/// must prove that id.
pub async fn open(
    stream: TcpStream,
    outbound: bool,
    identity: &Identity,
    name: &str,
    chat_port: u16,
    expect: Option<PeerId>,
) -> Result<Channel, String> {
    tokio::time::timeout(
        HANDSHAKE_TIMEOUT,
        handshake(stream, outbound, identity, name, chat_port, expect),
    )
    .await
    .unwrap_or_else(|_| Err("transfer handshake took too long".into()))
}

async fn handshake(
    mut stream: TcpStream,
    outbound: bool,
    identity: &Identity,
    name: &str,
    chat_port: u16,
    expect: Option<PeerId>,
) -> Result<Channel, String> {
    let _ = stream.set_nodelay(true);
    // Small socket buffers keep what is in flight (and so what a crash or a cut link makes
    // us send again) to about a megabyte; a LAN's bandwidth-delay product is far less.
    let sock = socket2::SockRef::from(&stream);
    let _ = if outbound {
        sock.set_recv_buffer_size(TRANSFER_SOCKET_BUFFER)
    } else {
        sock.set_send_buffer_size(TRANSFER_SOCKET_BUFFER)
    };
    let (binding, codec) = establish(&mut stream, outbound, MAX_TRANSFER_FRAME)
        .await
        .map_err(|f| match f {
            Failure::Refused(r) => format!("transfer connection refused: {r:?}"),
            Failure::Error(e) => e,
        })?;
    let (r, w) = stream.into_split();
    let mut ch = Channel {
        peer: PeerId([0; 32]),
        read: FramedRead::new(r, Records(codec.clone())),
        write: FramedWrite::new(w, Records(codec)),
    };
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce).map_err(|e| format!("no randomness: {e}"))?;
    let me = identity.id();
    ch.send_json(&TransferFrame::Hello(Hello {
        version: PROTOCOL_VERSION,
        id: me,
        name: name.to_string(),
        port: chat_port.max(1),
        nonce: hex::encode(nonce),
    }))
    .await
    .map_err(|e| e.to_string())?;
    let hello = match ch.next_json().await? {
        TransferFrame::Hello(h) => h,
        TransferFrame::Reject { message, .. } => {
            return Err(format!("refused: {}", clean(&message)))
        }
        _ => return Err("expected hello".into()),
    };
    let mut their_nonce = [0u8; 32];
    if hello.version != PROTOCOL_VERSION
        || hello.id == me
        || hex::decode_to_slice(&hello.nonce, &mut their_nonce).is_err()
    {
        ch.refuse("bad hello").await;
        return Err("bad hello on the transfer connection".into());
    }
    if expect.is_some_and(|e| e != hello.id) {
        ch.refuse("not the peer this transfer is from").await;
        return Err("the transfer connection reached another peer".into());
    }
    let content = handshake_content(&their_nonce, &nonce, &me, &hello.id, &binding);
    let sig = sign_hex(identity.signing_key(), Domain::Handshake, &content);
    ch.send_json(&TransferFrame::Auth { sig })
        .await
        .map_err(|e| e.to_string())?;
    let sig = match ch.next_json().await? {
        TransferFrame::Auth { sig } => sig,
        TransferFrame::Reject { message, .. } => {
            return Err(format!("refused: {}", clean(&message)))
        }
        _ => return Err("expected auth".into()),
    };
    let content = handshake_content(&nonce, &their_nonce, &hello.id, &me, &binding);
    if verify_hex(&hello.id, Domain::Handshake, &content, &sig).is_err() {
        ch.refuse("bad handshake signature").await;
        return Err("transfer handshake signature does not match the claimed id".into());
    }
    ch.peer = hello.id;
    Ok(ch)
}

pub fn clean(s: &str) -> String {
    p2pchat_engine::node::sanitize::clean_name(s, 200)
}
