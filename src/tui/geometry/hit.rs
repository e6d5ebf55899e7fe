//! Mouse hit-testing: what is under a terminal cell (a pane, a peer row, a proposal), from
//! the same layout and list offsets the view draws with. Pure geometry.

use ratatui::layout::{Position, Rect};

use super::layout::{layout, Screen};
use super::lists;
use crate::tui::model::state::{AppState, Focus};

/// What a cell belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A peer row: its position in [`AppState::peer_order`].
    Peer(usize),
    /// A proposal's rows: its position in [`AppState::proposal_order`].
    Proposal(usize),
    /// Elsewhere in a pane that takes focus (its border, an empty part of a list).
    Pane(Focus),
    /// The status bar, or a screen too small for panes.
    Nothing,
}

/// The area inside a pane's border.
fn inner(r: Rect) -> Rect {
    Rect::new(
        r.x + 1,
        r.y + 1,
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// What is at `column`, `row` (0-based cells) on the screen `state` describes.
pub fn target_at(state: &AppState, column: u16, row: u16) -> Target {
    let screen = Rect::new(0, 0, state.width, state.height);
    let Screen::Panes(p) = layout(screen, state) else {
        return Target::Nothing;
    };
    let at = Position::new(column, row);
    if let Some(r) = p.peers.filter(|r| r.contains(at)) {
        let list = inner(r);
        if list.contains(at) {
            let pos = lists::peer_offset(state, list.height as usize) + (row - list.y) as usize;
            if pos < state.peers.len() {
                return Target::Peer(pos);
            }
        }
        return Target::Pane(Focus::Peers);
    }
    if let Some(r) = p.proposals.filter(|r| r.contains(at)) {
        let list = inner(r);
        if list.contains(at) {
            let order = state.proposal_order();
            let height = list.height as usize;
            let slot = (row - list.y) as usize / lists::ROWS_PER_PROPOSAL;
            let pos = lists::proposal_offset(state, &order, height) + slot;
            if slot < lists::proposals_per_screen(height) && pos < order.len() {
                return Target::Proposal(pos);
            }
        }
        return Target::Pane(Focus::Proposals);
    }
    if p.messages.contains(at) {
        return Target::Pane(Focus::Messages);
    }
    if p.input.contains(at) {
        return Target::Pane(Focus::Input);
    }
    Target::Nothing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixtures::{self, peer_online, state_at};
    use crate::tui::model::apply;

    fn state(width: u16, height: u16) -> AppState {
        state_at(0, width, height, false)
    }

    fn peer(s: &mut AppState, id: &str, name: &str) {
        apply(s, peer_online(id, name, "ff", "a"));
    }

    fn proposal(s: &mut AppState, id: &str, expires_ts: i64) {
        apply(s, fixtures::proposal(id, expires_ts));
    }

    #[test]
    fn panes_of_the_100x30_layout() {
        // 100 columns: a 26-column side column (peers above proposals), then messages.
        let s = state(100, 30);
        assert_eq!(target_at(&s, 0, 0), Target::Pane(Focus::Peers));
        assert_eq!(target_at(&s, 50, 5), Target::Pane(Focus::Messages));
        assert_eq!(target_at(&s, 99, 27), Target::Pane(Focus::Messages));
        assert_eq!(target_at(&s, 10, 28), Target::Pane(Focus::Input));
        assert_eq!(target_at(&s, 10, 29), Target::Nothing, "status bar");
        assert_eq!(target_at(&s, 10, 20), Target::Pane(Focus::Proposals));
        assert_eq!(target_at(&s, 500, 500), Target::Nothing, "off the screen");
    }

    #[test]
    fn rows_of_the_peer_list_are_peers_in_display_order() {
        let mut s = state(100, 30);
        for (id, name) in [("c", "Carol"), ("a", "Alice"), ("b", "Bob")] {
            peer(&mut s, id, name);
        }
        // Row 0 is the border; rows 1.. are Alice, Bob, Carol (sorted by name).
        assert_eq!(
            target_at(&s, 0, 1),
            Target::Pane(Focus::Peers),
            "left border"
        );
        assert_eq!(target_at(&s, 5, 1), Target::Peer(0));
        assert_eq!(target_at(&s, 5, 3), Target::Peer(2));
        assert_eq!(
            target_at(&s, 5, 4),
            Target::Pane(Focus::Peers),
            "below the last"
        );
    }

    #[test]
    fn a_scrolled_peer_list_maps_rows_past_the_offset() {
        let mut s = state(100, 12);
        for i in 0..20 {
            peer(&mut s, &format!("id{i:02}"), &format!("P{i:02}"));
        }
        s.selected_peer = 15;
        // The side column is 10 rows: peers get 45 % (4 rows), 2 of them inside the border.
        let Screen::Panes(p) = layout(Rect::new(0, 0, 100, 12), &s) else {
            panic!("panes");
        };
        let list = inner(p.peers.unwrap());
        let last = list.y + list.height - 1;
        assert_eq!(
            target_at(&s, 5, last),
            Target::Peer(15),
            "selection at the bottom"
        );
        assert_eq!(
            target_at(&s, 5, list.y),
            Target::Peer(16 - list.height as usize)
        );
    }

    #[test]
    fn proposals_take_three_rows_each() {
        let mut s = state(140, 30);
        proposal(&mut s, "p1", 10_000);
        proposal(&mut s, "p2", 20_000);
        // 140 columns: three columns, proposals on the right (36 wide) at x >= 104.
        assert_eq!(target_at(&s, 110, 1), Target::Proposal(0));
        assert_eq!(target_at(&s, 110, 3), Target::Proposal(0));
        assert_eq!(target_at(&s, 110, 4), Target::Proposal(1));
        assert_eq!(target_at(&s, 110, 7), Target::Pane(Focus::Proposals));
        assert_eq!(target_at(&s, 30, 7), Target::Pane(Focus::Messages));
    }

    #[test]
    fn a_narrow_screen_has_the_proposal_strip_on_top() {
        let mut s = state(40, 20);
        proposal(&mut s, "p1", 10_000);
        assert_eq!(target_at(&s, 5, 1), Target::Proposal(0));
        assert_eq!(target_at(&s, 5, 10), Target::Pane(Focus::Messages));
        assert_eq!(target_at(&s, 5, 18), Target::Pane(Focus::Input));
        let tiny = state(10, 3);
        assert_eq!(target_at(&tiny, 1, 1), Target::Nothing, "too small");
    }
}
