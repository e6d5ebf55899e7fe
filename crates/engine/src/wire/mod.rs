//! Wire format, pure: identifiers, frames, signing input, discovery datagrams.
//! docs/PROTOCOL.md is the normative description; this module implements it.

pub mod discovery;
pub mod frame;
pub mod ids;
pub mod secure;
pub mod signing;

pub use discovery::Announce;
pub use frame::{
    decode_frame, encode_frame, split_frame, AuthorRanges, ChatContent, ChatLink, DmContent, Frame,
    Hello, LinkedChat, RejectReason, RelayKind,
};
pub use ids::{safety_code, MessageId, PeerId, ProposalId};
pub use signing::{Domain, SignedPayload};
