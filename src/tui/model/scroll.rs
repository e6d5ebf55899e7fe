//! Scrolling the message view (the pane, or the copy view's whole screen): by rows, by pages,
//! to the oldest line; reaching the oldest loaded line asks the store for the page before it.

use super::log::{RowPos, View};
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

/// Scrolls as little as shows all of line `line` (its top, when taller than the view).
pub fn show_line(state: &mut AppState, line: usize) {
    let (cols, height) = message_view(state);
    if cols == 0 || height == 0 {
        return;
    }
    let rows = |i: usize| line_rows(state, i, cols);
    let top = match state.log.view {
        View::Pinned(pos) => pos,
        View::Follow => match state.log.follow_top(&rows, height) {
            Some(pos) => pos,
            None => return,
        },
    };
    if line < top.line || (line == top.line && top.row > 0) {
        let view = View::Pinned(RowPos { line, row: 0 });
        state.log.set_view(view);
        return;
    }
    // Rows from the view's top to the end of the line; past the height, scroll down the rest.
    let below: usize = (top.line..=line).map(&rows).sum::<usize>() - top.row;
    if below > height && matches!(state.log.view, View::Pinned(_)) {
        let view = state.log.scrolled_down(below - height, &rows, height);
        state.log.set_view(view);
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
