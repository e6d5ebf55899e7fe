//! p2pchat-tui's runtime: the tokio network actor that owns every socket and drives the
//! engine's `Node`, and the store edge (SQLite, the state file) it reads and writes.
//!
//! Front ends talk to it through [`NetHandle`] (commands) and the receiver of
//! `p2pchat_engine::api::NetEvent`s that [`start`] returns. Types that cross this boundary
//! live in the engine's `api`; this crate converts its rows into them, never the reverse.

mod actor;
pub mod archive;
mod budget;
pub mod codec;
mod connection;
pub mod files;
pub mod handle;
pub mod reach;
pub mod secure;
pub mod store;
pub mod udp;
pub mod udp6;

pub use actor::{start, NetConfig};
pub use handle::{HandleError, NetHandle};
pub use reach::ReachOptions;
