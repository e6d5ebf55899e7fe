//! p2pchat-tui's sans-IO engine: everything that decides, nothing that waits.
//!
//! - [`api`]: every type that crosses a boundary (commands, events, peer info, stored lines).
//! - [`wire`]: frames, signing input, discovery datagrams, the Noise record codec.
//! - [`limits`]: every named limit and interval.
//! - [`lines`]: the words of the system lines about us, votes and the mode (store and screen).
//! - [`mention`]: whether a text names someone, and the `/me` action form.
//! - [`identity`]: the Ed25519 key and the id derived from it (the key file is the app's).
//! - [`node`]: the node state machine ([`node::Node`]): time comes in as [`node::Now`], effects
//!   go out as [`node::Output`] values.
//! - [`voting`]: the voting sub-machine (proposals, votes, certificates).
//! - [`pex`]: peer exchange (signed peer records, their table, the dialer, `/net`).
//! - [`relay`]: relaying for pairs that cannot connect (routes, dedup).
//! - [`files`]: the file-transfer sub-machine (offers, transfers, verification).
//! - [`rooms`]: room names and the membership table.
//! - `sim` (feature `sim`): the virtual-time LAN simulator that drives nodes in tests.
//!
//! No async runtime, sockets, database, terminal or clock: the manifest keeps them out and
//! tests/pure/layering.rs checks the sources.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod api;
pub mod files;
pub mod identity;
pub mod limits;
pub mod lines;
pub mod mention;
pub mod node;
pub mod pex;
pub mod relay;
pub mod rooms;
#[cfg(feature = "sim")]
pub mod sim;
pub mod voting;
pub mod wire;
