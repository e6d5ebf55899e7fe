//! The help overlay: every key from the keymap table and every command from `COMMANDS`.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::command::COMMANDS;
use crate::tui::model::keymap::help_rows;
use crate::tui::model::state::AppState;
use crate::tui::model::text::{truncate, width};
use crate::tui::view::theme::Theme;

/// Where the overlay goes on a screen of `area`.
pub fn area_for(area: Rect) -> Rect {
    let w = area.width.saturating_sub(4).min(84);
    let h = area.height.saturating_sub(2);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// How far the overlay can scroll on a `width` x `height` screen.
pub fn max_scroll(width: u16, height: u16) -> u16 {
    let inner = area_for(Rect::new(0, 0, width, height))
        .height
        .saturating_sub(2);
    (lines(&Theme::new(false), 80).len() as u16).saturating_sub(inner)
}

/// Width of the key/usage column; longer entries put their description on the next row.
const KEY_COLUMNS: usize = 22;

/// One entry as one row, or two when the left part or the whole does not fit.
fn entry(out: &mut Vec<Line<'static>>, theme: &Theme, left: &str, right: &str, cols: usize) {
    let left_w = width(left);
    let key_cols = KEY_COLUMNS.min(cols / 2);
    if left_w <= key_cols && 2 + key_cols + 2 + width(right) <= cols {
        let pad = " ".repeat(key_cols - left_w);
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(left.to_string(), theme.key()),
            Span::raw(pad),
            Span::raw("  "),
            Span::raw(right.to_string()),
        ]));
    } else {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(truncate(left, cols.saturating_sub(2)), theme.key()),
        ]));
        out.push(Line::from(vec![
            Span::raw("      "),
            Span::raw(truncate(right, cols.saturating_sub(6))),
        ]));
    }
}

fn lines(theme: &Theme, cols: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut scope = None;
    for (s, keys, help) in help_rows() {
        if scope != Some(s) {
            if scope.is_some() {
                out.push(Line::default());
            }
            out.push(Line::from(Span::styled(s.title(), theme.title(false))));
            scope = Some(s);
        }
        entry(&mut out, theme, &keys, help, cols);
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled("Commands", theme.title(false))));
    for (usage, help) in COMMANDS {
        entry(&mut out, theme, usage, help, cols);
    }
    out.push(Line::default());
    out.push(Line::from(truncate(
        "Marks: ✓ signed and verified, ~ unsigned, ✗ not verified",
        cols,
    )));
    out
}

/// Draws the overlay over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let theme = &state.theme;
    let popup = area_for(area);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(
            " Help · Esc closes · ↑↓ scroll ",
            theme.title(true),
        ));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let all = lines(theme, inner.width as usize);
    let max = all.len().saturating_sub(inner.height as usize);
    let skip = (state.help.unwrap_or(0) as usize).min(max);
    let visible: Vec<Line> = all
        .into_iter()
        .skip(skip)
        .take(inner.height as usize)
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
