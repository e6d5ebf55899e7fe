//! Unit tests of the model: key table, input editing, history, completion, paste, quitting,
//! voting and scrolling. No terminal; a fixed clock.

mod acts;
mod attention;
mod buffers;
mod copy_view;
mod editing;
mod files;
mod keys;
mod mouse;
mod network;
mod props;
mod route;
mod store;
mod tally;

pub use crate::tui::model::input::MAX_INPUT_BYTES;
pub use crate::tui::model::keymap::{lookup, Code, Key, Mode};
pub use crate::tui::model::log::View;
pub use crate::tui::model::state::{Focus, Now};
pub use crate::tui::model::{apply, command_result, update, Action, AppState, Effect};
pub use p2pchat_engine::api::{NetCommand, NetEvent, Outcome};
pub use p2pchat_runtime::HandleError;
pub use proptest::prelude::*;

use crate::tui::fixtures::{self, peer_online, state_at};
pub use crate::tui::fixtures::{bob_lines, message, T0};

pub fn new_state() -> AppState {
    state_at(T0, 80, 24, false)
}

/// Presses a key through the real keymap; returns the effects.
pub fn press(s: &mut AppState, key: Key) -> Vec<Effect> {
    let mode = Mode::of(s);
    match lookup(mode, key) {
        Some(a) => update(s, a),
        None => Vec::new(),
    }
}

pub fn plain(c: Code) -> Key {
    Key::plain(c)
}

pub fn type_str(s: &mut AppState, text: &str) {
    for c in text.chars() {
        press(s, plain(Code::Char(c)));
    }
}

/// Submits the input and acknowledges any send as queued.
pub fn submit(s: &mut AppState) -> Vec<Effect> {
    let effects = press(s, plain(Code::Enter));
    for e in &effects {
        if let Effect::Send { from_input, .. } = e {
            command_result(s, *from_input, Ok(()));
        }
    }
    effects
}

pub fn peer(s: &mut AppState, id: &str, name: &str) {
    apply(s, peer_online(id, name, "ff", "a"));
}

pub fn proposal(s: &mut AppState, id: &str) {
    apply(s, fixtures::proposal(id, T0 + 60_000));
}
