//! The help overlay: every key from the keymap table and every command from `COMMANDS`.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::tui::geometry::help::{area_for, lines};
use crate::tui::model::state::AppState;

/// Draws the overlay over `area`.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let theme = &Theme::of(state);
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
