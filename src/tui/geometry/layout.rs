//! Where each pane goes for a terminal size; shared by `draw` and by scrolling in `update`.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::tui::model::state::{AppState, Focus};

/// Below this size only "terminal too small" is drawn.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 6;
/// From this width the peers pane shows.
pub const PEERS_MIN_WIDTH: u16 = 70;
/// From this width peers and proposals get their own columns (below it they share a side
/// column, so the message pane keeps most of the width).
pub const WIDE_MIN_WIDTH: u16 = 130;

/// The rectangles of a normal screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panes {
    pub peers: Option<Rect>,
    pub messages: Rect,
    pub proposals: Option<Rect>,
    pub input: Rect,
    pub status: Rect,
}

/// What fits on the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    TooSmall,
    Panes(Panes),
}

/// Lays out `area` for `state`.
pub fn layout(area: Rect, state: &AppState) -> Screen {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Screen::TooSmall;
    }
    let [main, input, status] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(input_rows(state, area.height)),
        Constraint::Length(1),
    ])
    .areas(area);
    let w = area.width;
    let (peers, messages, proposals) = if w >= WIDE_MIN_WIDTH {
        let [p, m, q] = Layout::horizontal([
            Constraint::Length(26),
            Constraint::Min(20),
            Constraint::Length(36),
        ])
        .areas(main);
        (Some(p), m, Some(q))
    } else if w >= PEERS_MIN_WIDTH {
        let [side, m] =
            Layout::horizontal([Constraint::Length(26), Constraint::Min(20)]).areas(main);
        let [p, q] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(side);
        (Some(p), m, Some(q))
    } else {
        let strip = strip_height(state, main.height);
        if strip == 0 {
            (None, main, None)
        } else {
            let [q, m] =
                Layout::vertical([Constraint::Length(strip), Constraint::Min(1)]).areas(main);
            (None, m, Some(q))
        }
    };
    Screen::Panes(Panes {
        peers,
        messages,
        proposals,
        input,
        status,
    })
}

/// The most rows the input takes for a message of several lines (Alt-Enter, a paste).
pub const MAX_INPUT_ROWS: u16 = 5;

/// Rows for the input: one per line of the text being typed, at most [`MAX_INPUT_ROWS`] and
/// a quarter of the screen; one while a paste waits for its answer.
pub fn input_rows(state: &AppState, screen_height: u16) -> u16 {
    if state.pending.paste.is_some() {
        return 1;
    }
    let lines = state.input.text().split('\n').count().max(1);
    let cap = MAX_INPUT_ROWS.min(screen_height / 4).max(1);
    (lines.min(cap as usize)) as u16
}

/// On narrow screens proposals sit in a strip above the messages, only while there is
/// something to vote on (or the pane has focus), taking at most a third of the height.
fn strip_height(state: &AppState, main_height: u16) -> u16 {
    let open = state.open_proposals();
    let wanted = if open > 0 {
        2 + 3 * open as u16
    } else if state.focus == Focus::Proposals {
        2 + 3 * state.proposals.len().max(1) as u16
    } else {
        0
    };
    if wanted == 0 || main_height < 9 {
        return 0;
    }
    wanted.min(main_height / 3).max(3)
}

/// The inner size (inside the border) of the message pane, for scrolling.
pub fn message_view(state: &AppState) -> (usize, usize) {
    match layout(Rect::new(0, 0, state.width, state.height), state) {
        Screen::TooSmall => (0, 0),
        Screen::Panes(p) => (
            p.messages.width.saturating_sub(2) as usize,
            p.messages.height.saturating_sub(2) as usize,
        ),
    }
}

/// Which panes can take focus on this screen, in Tab order.
pub fn focusable(state: &AppState) -> Vec<Focus> {
    let mut out = vec![Focus::Input];
    let wide = state.width >= PEERS_MIN_WIDTH;
    if wide {
        out.push(Focus::Peers);
    }
    out.push(Focus::Messages);
    if wide || !state.proposals.is_empty() {
        out.push(Focus::Proposals);
    }
    out
}
