//! Peer exchange: signed peer records, the table of records heard, the dialer that tries
//! their addresses, and what `/net` reports (PROTOCOL.md §14).
//!
//! Each peer signs a record of itself (id, name, addresses, port, timestamp) under
//! [`crate::wire::Domain::Peer`]; connected peers pass on the records of the peers they are
//! connected to, so a newcomer that reaches one peer learns where the others are and dials
//! them, across routed boundaries that broadcast does not cross. Nobody can forge where
//! someone else is (the subject's signature), stale records are refused, every table is
//! bounded, records are rate-limited per connection, and a record never causes a dial to a
//! peer that is already connected.
//!
//! Pure: the node (`node/reach.rs`) owns a [`PexState`] and feeds it time and frames.

mod dialer;
mod error;
mod heard;
mod record;
mod table;

pub use dialer::{Attempt, Dialer};
pub use error::PexError;
pub use heard::{Heard, HeardTable};
pub use record::{check_record, dial_addrs, usable_ip, PeerRecord};
pub use table::{Known, PexTable};

/// What the node configures peer exchange with (from the runtime).
#[derive(Clone, Debug, Default)]
pub struct ReachConfig {
    /// The addresses this node's own record advertises (its interfaces' addresses).
    pub advertise: Vec<std::net::IpAddr>,
    /// Addresses that worked before (the address book), newest first: dialed at start and
    /// retried while their peer is not connected.
    pub address_book: Vec<(crate::wire::PeerId, std::net::SocketAddr)>,
    /// What `/net` shows about the machine: one line per interface.
    pub interfaces: Vec<String>,
    /// The discovery port, for `/net`.
    pub discovery_port: u16,
    /// Where announcements go, for `/net`.
    pub announce_to: Vec<String>,
}

/// The whole peer-exchange state of one node.
#[derive(Debug, Default)]
pub struct PexState {
    pub table: PexTable,
    pub dialer: Dialer,
    pub heard: HeardTable,
}
