//! Which entries of the peer and proposal lists are on screen: the view draws them and the
//! mouse hit-test ([`super::hit`]) maps a row back to its entry, from the same numbers.

use crate::tui::model::state::AppState;

/// Rows each proposal takes in its pane.
pub const ROWS_PER_PROPOSAL: usize = 3;

/// The position (in [`AppState::peer_order`]) of the selected peer, kept in range.
pub fn selected_peer(state: &AppState) -> usize {
    state.selected_peer.min(state.peers.len().saturating_sub(1))
}

/// The first peer position shown in a list `height` rows high: the selection stays in view.
pub fn peer_offset(state: &AppState, height: usize) -> usize {
    (selected_peer(state) + 1).saturating_sub(height)
}

/// How many proposals fit in a pane `height` rows high (at least one).
pub fn proposals_per_screen(height: usize) -> usize {
    (height / ROWS_PER_PROPOSAL).max(1)
}

/// The position (in [`AppState::proposal_order`]) of the selected proposal, or 0.
pub fn selected_proposal(state: &AppState, order: &[usize]) -> usize {
    state
        .selected_proposal
        .as_deref()
        .and_then(|id| {
            order
                .iter()
                .position(|&i| state.proposals[i].proposal_id == id)
        })
        .unwrap_or(0)
}

/// The first proposal position shown in a pane `height` rows high.
pub fn proposal_offset(state: &AppState, order: &[usize], height: usize) -> usize {
    (selected_proposal(state, order) + 1).saturating_sub(proposals_per_screen(height))
}
