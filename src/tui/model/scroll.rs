//! Scrolling the message view (the pane, or the copy view's whole screen): by rows, by pages,
//! to the oldest line; reaching the oldest loaded line asks the store for the page before it.

use super::log::View;
use super::state::AppState;
use super::update::Effect;
use crate::tui::geometry::{copy, layout, rows};
use p2pchat_engine::api::NetCommand;

/// Which way and how far.
pub enum Scroll {
    Up(usize),
    Down(usize),
    Oldest,
}

/// The size of the message view: the pane's inside, or the copy view's whole screen.
fn message_view(state: &AppState) -> (usize, usize) {
    if state.copy_view {
        copy::view_size(state)
    } else {
        layout::message_view(state)
    }
}

/// The rows history line `i` takes in the message view at `cols` columns.
fn line_rows(state: &AppState, i: usize, cols: usize) -> usize {
    if state.copy_view {
        copy::row_count(state, i, cols)
    } else {
        rows::row_count(state, i, cols)
    }
}

/// A page: the view's height less one row, so one row stays in view.
pub fn page(state: &AppState) -> usize {
    message_view(state).1.saturating_sub(1).max(1)
}

/// Scrolls; reaching the oldest loaded line asks the store for the page before it.
pub fn scroll(state: &mut AppState, how: Scroll) -> Vec<Effect> {
    let (cols, height) = message_view(state);
    if cols == 0 || height == 0 {
        return Vec::new();
    }
    let upward = !matches!(how, Scroll::Down(_));
    let view = {
        let rows = |i: usize| line_rows(state, i, cols);
        match how {
            Scroll::Up(n) => state.log.scrolled_up(n, &rows, height),
            Scroll::Down(n) => state.log.scrolled_down(n, &rows, height),
            Scroll::Oldest => state.log.oldest(&rows, height),
        }
    };
    state.log.set_view(view);
    let at_top = match view {
        View::Pinned(pos) => pos.line == 0 && pos.row == 0,
        View::Follow => {
            let rows = |i: usize| line_rows(state, i, cols);
            state
                .log
                .follow_top(&rows, height)
                .is_none_or(|p| p.line == 0)
        }
    };
    if !(upward && at_top) || state.history.loading || state.history.exhausted {
        return Vec::new();
    }
    state.history.loading = true;
    vec![Effect::Send {
        command: NetCommand::History {
            before: state.history.oldest_row,
            limit: super::HISTORY_PAGE,
            earlier_runs: true,
            room: None,
        },
        from_input: false,
    }]
}
