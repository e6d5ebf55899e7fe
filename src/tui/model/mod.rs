//! The interface's model, Elm-style: [`state::AppState`], [`action::Action`], the key table,
//! and the pure `update`/`apply` functions. Nothing here touches a terminal or a clock.

pub mod action;
pub mod acts;
pub mod apply;
pub mod apply_chat;
pub mod apply_files;
pub mod apply_net;
pub mod apply_rooms;
pub mod apply_store;
pub mod apply_votes;
pub mod attention;
pub mod bindings;
pub mod buffers;
mod chat_lines;
pub mod input;
pub mod keymap;
pub mod log;
pub mod mouse;
pub mod pending;
pub mod route;
pub mod scroll;
pub mod state;
pub mod text;
pub mod transfers;
pub mod update;

pub use action::Action;
/// Stored lines asked for at start and per scroll-back.
pub const HISTORY_PAGE: usize = 200;
pub use apply::apply;
pub use state::{AppState, Focus, Now, TimeFormat};
pub use update::{command_result, tick, update, Effect};

#[cfg(test)]
mod tests;
