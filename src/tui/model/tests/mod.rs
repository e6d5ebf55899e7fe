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
mod store;
mod tally;

pub use crate::tui::model::input::MAX_INPUT_BYTES;
pub use crate::tui::model::keymap::{lookup, Code, Key, Mode};
pub use crate::tui::model::log::View;
pub use crate::tui::model::state::{Focus, Now};
pub use crate::tui::model::{apply, command_result, update, Action, AppState, Effect};
use crate::tui::TuiOptions;
pub use p2pchat_engine::api::{NetCommand, NetEvent, Outcome};
pub use p2pchat_runtime::HandleError;
pub use proptest::prelude::*;

pub const T0: i64 = 1_795_356_300_000;

pub fn new_state() -> AppState {
    let opts = TuiOptions {
        color: false,
        mouse: false,
        ..TuiOptions::default()
    };
    let mut s = AppState::new(&opts, Now::utc(T0));
    update(
        &mut s,
        Action::Resize {
            width: 80,
            height: 24,
        },
    );
    s
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
    apply(
        s,
        NetEvent::PeerOnline {
            id: id.into(),
            name: name.into(),
            fingerprint: "ff".into(),
            addr: "a".into(),
            quiet: false,
        },
    );
}

pub fn proposal(s: &mut AppState, id: &str) {
    apply(
        s,
        NetEvent::Proposal {
            proposal_id: id.into(),
            proposer: "b".into(),
            proposer_name: "Bob".into(),
            description: "lock".into(),
            enable: true,
            threshold: 2,
            electorate: vec!["a".into(), "b".into(), "c".into()],
            expires_ts: T0 + 60_000,
        },
    );
}
