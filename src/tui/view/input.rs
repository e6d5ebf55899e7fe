//! The input line: prompt, text scrolled sideways to keep the cursor in view; a message of
//! several lines gets a row per line (as many as the layout gives), else newlines show as ⏎.

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
    if area.height > 1 && text.contains('\n') {
        return draw_rows(frame, area, state, prompt_style, focused);
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

/// A text of several lines, one row each: the rows around the cursor's line; the cursor's
/// row scrolls sideways to keep the cursor in view.
fn draw_rows(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    prompt_style: ratatui::style::Style,
    focused: bool,
) {
    let text = state.input.text();
    let cursor = state.input.cursor();
    let avail = (area.width as usize).saturating_sub(2);
    // Byte offset where each line starts.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let cursor_line = starts.iter().rposition(|&s| s <= cursor).unwrap_or(0);
    let line_of = |i: usize| {
        let end = starts.get(i + 1).map_or(text.len(), |&n| n - 1);
        &text[starts[i]..end]
    };
    let cursor_col: usize = line_of(cursor_line)[..cursor - starts[cursor_line]]
        .graphemes(true)
        .map(grapheme_width)
        .sum();
    let offset = (cursor_col + 1).saturating_sub(avail);
    let height = area.height as usize;
    let first = (cursor_line + 1)
        .saturating_sub(height)
        .min(starts.len().saturating_sub(height));
    let rows: Vec<Line> = (first..starts.len().min(first + height))
        .map(|i| {
            // The prompt on the first line; `⋮` on the top row when lines above are hidden.
            let lead = match i {
                0 => PROMPT,
                _ if i == first => "⋮ ",
                _ => "  ",
            };
            // Only the cursor's row scrolls sideways; the others show their start.
            let skip = if i == cursor_line { offset } else { 0 };
            let mut shown = String::new();
            let (mut col, mut used) = (0, 0);
            for g in line_of(i).graphemes(true) {
                let w = grapheme_width(g);
                if col >= skip && used + w <= avail {
                    shown.push_str(g);
                    used += w;
                }
                col += w;
            }
            Line::from(vec![Span::styled(lead, prompt_style), Span::raw(shown)])
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), area);
    if focused {
        let x = (2 + cursor_col.saturating_sub(offset)).min(area.width as usize - 1) as u16;
        let y = (cursor_line - first).min(height - 1) as u16;
        frame.set_cursor_position(Position::new(area.x + x, area.y + y));
    }
}
