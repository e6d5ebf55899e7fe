//! The sans-IO protocol engine. [`Node::handle`] takes the time and one [`Input`] and queues
//! [`Output`]s; [`Node::poll_timeout`] says when it next wants [`Input::Timer`]. No sockets,
//! no clocks, no randomness in here: the network actor supplies all three.

mod acts;
mod admission;
mod chat;
mod commands;
mod conn;
mod discovery;
mod dm;
mod files;
mod handshake;
mod io;
// `node::Node` keeps its file name from before the crate split (core/node.rs).
mod net_report;
#[allow(clippy::module_inception)]
mod node;
pub mod rate;
mod reach;
mod relay;
pub mod replay;
mod rooms;
pub mod sanitize;
pub mod sync;
mod timers;
pub mod verified;
mod votes;

pub use handshake::handshake_content;
pub use io::{is_connection_lost, ConnId, Input, Now, Output, Refusal, CONNECTION_LOST};
pub use node::{Node, NodeConfig};
pub use sync::held::HeldRow;
