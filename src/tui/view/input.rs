//! The input line: prompt, text scrolled sideways to keep the cursor in view, newlines as ⏎.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_segmentation::UnicodeSegmentation;

use super::theme::Theme;
use crate::tui::model::state::{AppState, Focus, Level};
use crate::tui::model::text::{grapheme_width, truncate};

const PROMPT: &str = "› ";

/// Draws the line and, when it has focus, places the terminal cursor.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let theme = &Theme::of(state);
    let focused = state.focus == Focus::Input && state.help.is_none();
    let prompt_style = if focused {
        theme.prompt()
    } else {
        theme.offline()
    };
    let cols = area.width as usize;
    let avail = cols.saturating_sub(2);
    let text = state.input.text();
    if let Some(paste) = &state.pending.paste {
        let ask = format!(
            "paste waiting: Enter sends it as {} messages · Esc keeps editing",
            paste.parts.len()
        );
        let line = Line::from(vec![
            Span::styled(PROMPT, prompt_style),
            Span::styled(truncate(&ask, avail), theme.status(Level::Warning)),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    if text.is_empty() {
        let hint = if focused {
            "type a message, /help for commands"
        } else {
            "letters typed go here"
        };
        let line = Line::from(vec![
            Span::styled(PROMPT, prompt_style),
            Span::styled(truncate(hint, avail), theme.offline()),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        if focused {
            frame.set_cursor_position(Position::new(area.x + 2.min(area.width - 1), area.y));
        }
        return;
    }
    // Each grapheme with its display symbol, width and whether it is before the cursor.
    let cursor = state.input.cursor();
    let cells: Vec<(&str, usize, bool)> = text
        .grapheme_indices(true)
        .map(|(i, g)| {
            let shown = if g == "\n" || g == "\r\n" { "⏎" } else { g };
            (shown, grapheme_width(shown), i < cursor)
        })
        .collect();
    let cursor_col: usize = cells.iter().filter(|c| c.2).map(|c| c.1).sum();
    // Keep one column free after the cursor.
    let offset = (cursor_col + 1).saturating_sub(avail);
    let mut shown = String::new();
    let mut col = 0;
    let mut used = 0;
    for (g, w, _) in &cells {
        if col >= offset && used + w <= avail {
            shown.push_str(g);
            used += w;
        }
        col += w;
        if used >= avail {
            break;
        }
    }
    let line = Line::from(vec![Span::styled(PROMPT, prompt_style), Span::raw(shown)]);
    frame.render_widget(Paragraph::new(line), area);
    if focused {
        let x = (2 + cursor_col.saturating_sub(offset)).min(cols - 1) as u16;
        frame.set_cursor_position(Position::new(area.x + x, area.y));
    }
}
