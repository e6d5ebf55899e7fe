//! The mouse: a click focuses the pane under it and selects the peer or proposal there; the
//! wheel scrolls the pane under the pointer. What is where comes from `geometry::hit`.

use super::action::Action;
use super::scroll::{scroll, Scroll};
use super::state::{AppState, Focus};
use super::update::{select_peer, select_proposal, show_selected_peer, update, Effect};
use crate::tui::geometry::hit::{self, Target};

/// Lines the wheel scrolls per notch.
const WHEEL_LINES: usize = 3;

/// A click: closes help, or focuses the pane under it and selects the peer or proposal there.
pub fn click(state: &mut AppState, column: u16, row: u16) {
    if state.copy_view {
        return; // the mouse belongs to the terminal's selection there
    }
    if state.help.is_some() {
        state.help = None;
        return;
    }
    match hit::target_at(state, column, row) {
        Target::Peer(pos) => {
            state.focus = Focus::Peers;
            state.selected_peer = pos;
            show_selected_peer(state);
        }
        Target::Proposal(pos) => {
            state.focus = Focus::Proposals;
            let order = state.proposal_order();
            if let Some(&i) = order.get(pos) {
                state.selected_proposal = Some(state.proposals[i].proposal_id.clone());
            }
        }
        Target::Pane(focus) => state.focus = focus,
        Target::Nothing => {}
    }
}

/// The wheel: scrolls help when it is open, else the pane under the pointer (the lists move
/// their selection; anywhere else scrolls the messages).
pub fn wheel(state: &mut AppState, column: u16, row: u16, up: bool) -> Vec<Effect> {
    if state.copy_view {
        return Vec::new();
    }
    if state.help.is_some() {
        let action = if up {
            Action::HelpScrollUp
        } else {
            Action::HelpScrollDown
        };
        return update(state, action);
    }
    let step = if up { -1 } else { 1 };
    match hit::target_at(state, column, row) {
        Target::Peer(_) | Target::Pane(Focus::Peers) => select_peer(state, step),
        Target::Proposal(_) | Target::Pane(Focus::Proposals) => select_proposal(state, step),
        Target::Pane(Focus::Messages | Focus::Input) | Target::Nothing => {
            let how = if up {
                Scroll::Up(WHEEL_LINES)
            } else {
                Scroll::Down(WHEEL_LINES)
            };
            return scroll(state, how);
        }
    }
    Vec::new()
}
