//! TCP frames: a 4-byte big-endian length, then that many bytes of JSON (one [`Frame`]).

use super::ids::PeerId;
use super::signing::SignedPayload;
use crate::rooms::RoomName;
use bytes::{Buf, Bytes, BytesMut};
use serde::{Deserialize, Serialize};

/// The length prefix before every frame: 4 bytes, big-endian.
pub const LENGTH_PREFIX: usize = 4;

/// A frame's length prefix announced more than the limit (checked before buffering its body).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("frame of {len} bytes is over the {max}-byte limit")]
pub struct FrameTooLong {
    pub len: usize,
    pub max: usize,
}

/// Takes the next whole frame body (without its 4-byte big-endian length) off the front of
/// `buf`. A length over `max_frame_len` is refused as soon as its header is there, before a
/// byte of the body is buffered; an incomplete frame leaves `buf` as it was (with room
/// reserved for the rest).
pub fn split_frame(
    buf: &mut BytesMut,
    max_frame_len: usize,
) -> Result<Option<BytesMut>, FrameTooLong> {
    if buf.len() < LENGTH_PREFIX {
        return Ok(None);
    }
    let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    if len > max_frame_len {
        return Err(FrameTooLong {
            len,
            max: max_frame_len,
        });
    }
    if buf.len() < LENGTH_PREFIX + len {
        buf.reserve(LENGTH_PREFIX + len - buf.len());
        return Ok(None);
    }
    buf.advance(LENGTH_PREFIX);
    Ok(Some(buf.split_to(len)))
}

/// First frame on every connection, sent by both sides at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub version: u32,
    pub id: PeerId,
    pub name: String,
    /// The TCP port this peer listens on (so the other side can dial it back later).
    pub port: u16,
    /// 32 fresh random bytes as 64 hex digits: the challenge the other side must sign.
    pub nonce: String,
}

/// Why a connection is refused during or after the handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// Protocol versions differ.
    Version,
    /// The other side is ourselves.
    SelfConnection,
    /// Another connection to the same peer is kept instead.
    Duplicate,
    /// Too many peers.
    Full,
    /// A handshake rule was broken (bad signature, frames out of order, bad fields).
    Protocol,
    /// The handshake took too long.
    Timeout,
}

/// The content of a chat message, carried as the `payload` string of a `chat` frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatContent {
    pub author: PeerId,
    pub seq: u64,
    /// Author's wall clock, Unix milliseconds.
    pub ts: i64,
    pub body: String,
    /// The room, covered by the signature; absent means `#general` (and is how a `#general`
    /// message is sent, so older peers' messages and ours look alike).
    #[serde(
        default = "RoomName::general",
        skip_serializing_if = "RoomName::is_general"
    )]
    pub room: RoomName,
    /// The message id this one answers (PROTOCOL.md §7.9), signed with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

/// The optional `prev` member of a chat payload: the author's previous signed broadcast `seq`
/// in this run (absent on the first), so a receiver can tell that something in between is
/// missing (PROTOCOL.md §7.6). Parsed on its own so [`ChatContent`] stays as it was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ChatLink {
    #[serde(default)]
    pub prev: Option<u64>,
}

/// A chat payload as sent: the content plus its `prev` link when there is one.
#[derive(Serialize)]
pub struct LinkedChat<'a> {
    #[serde(flatten)]
    pub content: &'a ChatContent,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<u64>,
}

/// One author's sequence numbers as sorted, disjoint inclusive ranges `[lo, hi]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorRanges {
    pub author: PeerId,
    pub ranges: Vec<(u64, u64)>,
}

/// The content of a private message, carried as the `payload` string of a `dm` frame. Always
/// signed; `to` binds it to one recipient so it cannot be replayed to anyone else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DmContent {
    pub author: PeerId,
    pub to: PeerId,
    pub seq: u64,
    /// Author's wall clock, Unix milliseconds.
    pub ts: i64,
    pub body: String,
}

/// A signed certificate that secure-only mode (or open mode) was voted in: the signed
/// proposal and the signed approvals that reached its threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub proposal: SignedPayload,
    pub approvals: Vec<SignedPayload>,
}

/// One frame. JSON object with a `type` field naming the variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Frame {
    Hello(Hello),
    /// Signature proving possession of the key named in our `hello` (see PROTOCOL.md).
    Auth {
        sig: String,
    },
    /// The sender refuses the connection and closes it.
    Reject {
        reason: RejectReason,
        message: String,
    },
    Chat(SignedPayload),
    Ping,
    /// Graceful goodbye; the sender closes the connection next.
    Bye {
        reason: String,
    },
    Proposal(SignedPayload),
    Vote(SignedPayload),
    /// Sent once after the handshake: the voting state a newcomer needs.
    Sync {
        certificate: Option<Certificate>,
        proposals: Vec<SignedPayload>,
        votes: Vec<SignedPayload>,
    },
    /// A private message for the receiving peer only (signed [`DmContent`]).
    Dm(SignedPayload),
    /// The receiver of a `dm` took it (or already had it): the sender may forget it.
    DmAck {
        msg_id: String,
    },
    /// History sync (PROTOCOL.md §7.6): one page of the sender's summary of the signed
    /// broadcast messages it holds; `more: false` on the last page.
    Have {
        authors: Vec<AuthorRanges>,
        more: bool,
    },
    /// History sync: asks for the messages the sender lacks in these ranges (one at a time).
    Want {
        authors: Vec<AuthorRanges>,
    },
    /// History sync: the answer to a `want`, the authors' signed originals; `last: true` on
    /// the answer's final frame.
    Give {
        messages: Vec<SignedPayload>,
        last: bool,
    },
    /// Peer exchange (PROTOCOL.md §14): signed records of peers, each signed by the peer it
    /// describes (the sender's own, and those of the peers it is connected to).
    Peers {
        records: Vec<SignedPayload>,
    },
    /// Relaying (PROTOCOL.md §15): a signed statement by a third peer carried for peers that
    /// cannot reach its author. `kind` says which (`chat`, `sealed`, `ack`), `hops` how often it was
    /// carried already.
    Relay {
        kind: RelayKind,
        item: SignedPayload,
        hops: u8,
    },
    /// Relaying: the sender asks the receiver to carry these authors' messages to it (it
    /// cannot connect to them); replaces any earlier list. Empty: nothing more.
    RelayWant {
        authors: Vec<PeerId>,
    },
    /// Relaying: of the authors the receiver asked for, those the sender is connected to and
    /// carries now; sent in answer to `relay_want` and again whenever that changes.
    RelayOk {
        authors: Vec<PeerId>,
    },
    /// A signed file offer (PROTOCOL.md §16.1); `port` is the sender's transfer port now
    /// (outside the signature: it changes when the sender restarts).
    FileOffer {
        payload: String,
        sig: Option<String>,
        port: u16,
    },
    /// An answer to a file offer (§16.2).
    FileAnswer {
        transfer_id: String,
        answer: crate::files::Answer,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The sender's rooms (PROTOCOL.md §7.8), sent after the handshake and again whenever
    /// they change; replaces whatever it said before. Bound to the connection's proven key.
    Rooms {
        rooms: Vec<String>,
    },
    /// A reaction, edit or delete of a room message (signed `ActContent`, PROTOCOL.md §7.9).
    Act(SignedPayload),
}

/// What a `relay` frame carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayKind {
    /// A signed chat message (§7.1), checked with its author's key.
    Chat,
    /// A private message sealed to its recipient (§15.3): the relay passes it on unread.
    Sealed,
    /// The recipient's acknowledgement of a sealed private message, carried back (§15.3).
    Ack,
}

/// Why a frame could not be encoded or decoded.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("frame of {len} bytes exceeds the {max}-byte limit")]
    TooLarge { len: usize, max: usize },
    #[error("malformed frame: {0}")]
    Malformed(String),
}

/// Serialises a frame's JSON (without the length prefix, which the codec adds).
pub fn encode_frame(frame: &Frame, max_frame_len: usize) -> Result<Bytes, FrameError> {
    let bytes = serde_json::to_vec(frame).expect("frames are plain data");
    if bytes.len() > max_frame_len {
        return Err(FrameError::TooLarge {
            len: bytes.len(),
            max: max_frame_len,
        });
    }
    Ok(Bytes::from(bytes))
}

/// Parses a frame's JSON. Never panics; nesting depth is bounded by serde_json.
pub fn decode_frame(bytes: &[u8], max_frame_len: usize) -> Result<Frame, FrameError> {
    if bytes.len() > max_frame_len {
        return Err(FrameError::TooLarge {
            len: bytes.len(),
            max: max_frame_len,
        });
    }
    serde_json::from_slice(bytes).map_err(|e| FrameError::Malformed(short_error(&e)))
}

fn short_error(e: &serde_json::Error) -> String {
    let mut s = e.to_string();
    s.truncate(120);
    s
}

#[cfg(test)]
mod tests;
