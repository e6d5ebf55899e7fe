//! p2pchat-tui: a serverless LAN chat. Library crate; the binary in `main.rs` is only the edge.
//!
//! Layers (see docs/ARCHITECTURE.md):
//! - [`proto`]: wire types and encoding, pure.
//! - [`core`]: the sans-IO protocol engine ([`core::Node`]): time and randomness come in as
//!   arguments, effects go out as [`core::Output`] values.
//! - [`net`]: the tokio actor that owns sockets and drives a `Node`; front ends talk to it
//!   through [`net::NetHandle`] and [`net::NetEvent`].
//! - front ends: [`headless`] (JSON lines) and [`tui`] (full-screen).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod command;
pub mod config;
pub mod core;
pub mod headless;
pub mod identity;
pub mod logging;
pub mod net;
pub mod profile;
pub mod proto;
pub mod settings;
pub mod store;
pub mod tui;
