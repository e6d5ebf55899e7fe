//! p2pchat-tui: a serverless LAN chat. The app crate: the binary's edge and its front ends.
//!
//! Layers (see docs/ARCHITECTURE.md):
//! - `p2pchat_engine` (crates/engine): the sans-IO engine and the [`p2pchat_engine::api`]
//!   types every front end speaks.
//! - `p2pchat_runtime` (crates/runtime): the tokio actor that owns sockets and the store;
//!   front ends talk to it through [`p2pchat_runtime::NetHandle`].
//! - here: command line, config file, profile, key file, logging, and the front ends:
//!   [`headless`] (JSON lines) and [`tui`] (full-screen, split into model and view).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod command;
pub mod config_file;
pub mod headless;
pub mod key_file;
pub mod logging;
pub mod profile;
pub mod room_command;
pub mod shell_assets;
pub mod tui;
