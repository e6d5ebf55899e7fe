//! The help overlay: every key from the keymap table and every command from `COMMANDS`.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::command::COMMANDS;
use crate::tui::app::keymap::help_rows;
use crate::tui::app::state::AppState;
use crate::tui::text::{truncate, width};
use crate::tui::ui::theme::Theme;

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

fn lines(theme: &Theme, cols: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut scope = None;
    let rows = help_rows();
    let key_cols = rows
        .iter()
        .map(|r| width(&r.1))
        .max()
        .unwrap_or(0)
        .min(cols / 2);
    for (s, keys, help) in rows {
        if scope != Some(s) {
            if scope.is_some() {
                out.push(Line::default());
            }
            out.push(Line::from(Span::styled(s.title(), theme.title(false))));
            scope = Some(s);
        }
        let keys = truncate(&keys, key_cols);
        let pad = " ".repeat(key_cols.saturating_sub(width(&keys)));
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(keys, theme.key()),
            Span::raw(pad),
            Span::raw("  "),
            Span::raw(help),
        ]));
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled("Commands", theme.title(false))));
    let usage_cols = COMMANDS
        .iter()
        .map(|c| width(c.0))
        .max()
        .unwrap_or(0)
        .min(cols / 2);
    for (usage, help) in COMMANDS {
        let usage = truncate(usage, usage_cols);
        let pad = " ".repeat(usage_cols.saturating_sub(width(&usage)));
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(usage, theme.key()),
            Span::raw(pad),
            Span::raw("  "),
            Span::raw(*help),
        ]));
    }
    out.push(Line::default());
    out.push(Line::from(
        "Marks: ✓ signed and verified, ~ unsigned, ✗ signature not verified.",
    ));
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
