//! Relaying for pairs that cannot connect (PROTOCOL.md §15): when A and C both reach B but
//! not each other, C asks B to carry A's messages (`relay_want`), and B passes each signed
//! chat message of A's on in a `relay` frame. Messages stay signed end to end (C checks A's
//! signature, not B's), are deduplicated by message id, carried at most MAX_RELAY_HOPS
//! times, and only to peers that asked, so nothing loops.
//!
//! A private message to a peer reached only through a relay is sealed to its recipient
//! ([`sealed`]), so the relay cannot read it.
//!
//! Pure: the node (`node/relay.rs`) owns a [`RelayState`].

mod routes;
pub mod sealed;
mod seen;

pub use routes::Routes;
pub use seen::Seen;

/// The relaying state of one node.
#[derive(Debug, Default)]
pub struct RelayState {
    pub routes: Routes,
    pub seen: Seen,
}
