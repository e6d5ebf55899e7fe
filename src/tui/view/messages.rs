//! The message pane: timestamped, coloured, word-wrapped history lines with day separators.
//!
//! Only the lines that reach the screen are formatted, so a frame costs the same with 100 or
//! 100,000 lines of history.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::tui::geometry::rows::{line_rows, row_count};
use crate::tui::model::log::View;
use crate::tui::model::state::{AppState, Focus};
use crate::tui::model::text::{truncate, wrap};

/// The rows visible in a `cols` x `height` view, oldest first.
pub fn visible_rows(state: &AppState, cols: usize, height: usize) -> Vec<Line<'static>> {
    let log = &state.log;
    let rows = |i: usize| row_count(state, i, cols);
    let pinned = match log.view {
        View::Pinned(pos) if log.rows_from(pos, &rows, height + 1) > height => Some(pos),
        _ => None,
    };
    let mut out: Vec<Line<'static>> = Vec::with_capacity(height);
    match pinned {
        Some(pos) => {
            let mut idx = pos.line;
            let mut skip = pos.row;
            while out.len() < height && idx < log.len() {
                out.extend(
                    line_rows(state, idx, cols, &Theme::of(state))
                        .into_iter()
                        .skip(skip)
                        .take(height - out.len()),
                );
                skip = 0;
                idx += 1;
            }
        }
        None => {
            let mut chunks: Vec<Vec<Line<'static>>> = Vec::new();
            let mut have = 0;
            for idx in (0..log.len()).rev() {
                if have >= height {
                    break;
                }
                let chunk = line_rows(state, idx, cols, &Theme::of(state));
                have += chunk.len();
                chunks.push(chunk);
            }
            let all = chunks.into_iter().rev().flatten();
            out.extend(all.skip(have.saturating_sub(height)));
        }
    }
    out
}

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let theme = &Theme::of(state);
    let focused = state.focus == Focus::Messages && state.help.is_none();
    let pinned = matches!(state.log.view, View::Pinned(_));
    let scrolled = if pinned { " (scrolled)" } else { "" };
    // With more than #general, the title is the buffer list: number, name, unread/mentions.
    let title = if state.buffers.list.len() > 1 {
        let cols = (area.width as usize).saturating_sub(4 + scrolled.len());
        format!(" {}{scrolled} ", state.buffers.summary_fitting(cols))
    } else {
        format!(" Messages{scrolled} ")
    };
    let title = truncate(&title, (area.width as usize).saturating_sub(2)).to_string();
    let Some(inner) = super::pane(frame, area, title, focused, theme) else {
        return;
    };
    let (cols, height) = (inner.width as usize, inner.height as usize);
    if state.log.is_empty() {
        let hint = "No messages yet. Type and press Enter; ? or F1 for help.";
        let rows: Vec<Line> = wrap(hint, cols, cols)
            .into_iter()
            .map(|(a, b)| {
                Line::from(Span::styled(
                    &hint[a..b],
                    theme.system(crate::tui::model::state::Level::Info),
                ))
            })
            .collect();
        frame.render_widget(Paragraph::new(rows), inner);
        return;
    }
    let marker = state
        .log
        .rows_from_view_exceeds(|i| row_count(state, i, cols), height);
    if !marker || height < 2 {
        frame.render_widget(Paragraph::new(visible_rows(state, cols, height)), inner);
        return;
    }
    // Scrolled back: the last row says what is below instead of showing a line.
    let rows = Rect::new(inner.x, inner.y, inner.width, inner.height - 1);
    frame.render_widget(Paragraph::new(visible_rows(state, cols, height - 1)), rows);
    let text = match state.log.unseen {
        0 => " ▼ more below · End to follow".to_string(),
        1 => " ▼ 1 new message below · End to follow".to_string(),
        n => format!(" ▼ {n} new messages below · End to follow"),
    };
    let bar = Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1);
    frame.render_widget(
        Paragraph::new(Span::raw(truncate(&text, cols))).style(theme.marker()),
        bar,
    );
}
