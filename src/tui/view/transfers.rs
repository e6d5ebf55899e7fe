//! The transfers box: open file transfers (and those that just ended) in a box below the
//! message pane (which gives up those rows), each with a progress bar, rate and time left, or
//! its outcome; the offer that Ctrl-Y / Ctrl-N answer is marked ▶.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::tui::model::apply_files::{
    human_bytes, short_id, target_offer, visible, RowState, TransferRow,
};
use crate::tui::model::state::{AppState, Level};
use crate::tui::model::text::truncate;

/// Most transfers the box shows (the newest).
const MAX_ROWS: usize = 4;
/// Width of the progress bar in cells.
const BAR: usize = 16;

/// `▕██████░░░░░░▏ 42%`.
pub fn progress_bar(bytes: u64, size: u64) -> String {
    let done = bytes.min(size);
    let frac = if size == 0 {
        1.0
    } else {
        done as f64 / size as f64
    };
    let full = ((frac * BAR as f64).round() as usize).min(BAR);
    format!(
        "▕{}{}▏ {:>3}%",
        "█".repeat(full),
        "░".repeat(BAR - full),
        (frac * 100.0).floor() as u64
    )
}

/// `1:05 left`, `12s left`.
pub fn eta(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s}s left"),
        s if s < 3600 => format!("{}:{:02} left", s / 60, s % 60),
        s => format!("{}h{:02}m left", s / 3600, (s % 3600) / 60),
    }
}

fn describe(t: &TransferRow, marked: bool) -> (String, Option<Level>) {
    let dir = if t.incoming { "from" } else { "to" };
    let head = format!(
        "{}{} {dir} {}",
        if marked { "▶ " } else { "  " },
        t.name,
        t.peer
    );
    match &t.state {
        RowState::Offered if marked => (
            format!("{head} {} Ctrl-Y yes · Ctrl-N no", human_bytes(t.size)),
            Some(Level::Warning),
        ),
        RowState::Offered => (
            format!(
                "{head}  {}  /accept {}",
                human_bytes(t.size),
                short_id(&t.id)
            ),
            None,
        ),
        RowState::Waiting => (format!("{head}  waiting for an answer"), None),
        RowState::Transferring => {
            let mark = if marked { "▶ " } else { "  " };
            let mut s = format!("{mark}{} {}", t.name, progress_bar(t.bytes, t.size));
            if t.rate > 0 {
                s.push_str(&format!(" {}/s", human_bytes(t.rate)));
            }
            if let Some(left) = t.secs_left() {
                s.push_str(&format!(" {}", eta(left)));
            }
            (s, None)
        }
        RowState::Done => (format!("{head}  ✓ verified"), Some(Level::Info)),
        RowState::Failed(r) => (format!("{head}  ✗ failed: {r}"), Some(Level::Error)),
        RowState::Cancelled => (format!("{head}  cancelled"), None),
        RowState::Declined => (format!("{head}  declined"), None),
    }
}

/// Splits the message pane's area: the message pane above, the transfers box below it when
/// there is anything to show (at most half the pane), so the box never hides a message.
pub fn split(messages: Rect, state: &AppState) -> (Rect, Option<Rect>) {
    let rows = visible(state).len().min(MAX_ROWS) as u16;
    if rows == 0 || messages.height < 8 || messages.width < 20 {
        return (messages, None);
    }
    let height = (rows + 2).min(messages.height / 2);
    let above = Rect::new(
        messages.x,
        messages.y,
        messages.width,
        messages.height - height,
    );
    let below = Rect::new(messages.x, above.y + above.height, messages.width, height);
    (above, Some(below))
}

/// Draws the transfers box in `area` (from [`split`]).
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let rows = visible(state);
    let inner_rows = area.height.saturating_sub(2) as usize;
    let shown = &rows[rows.len().saturating_sub(inner_rows.min(MAX_ROWS))..];
    let theme = Theme::of(state);
    let marked = target_offer(state).map(|t| t.id.clone());
    let cols = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line> = shown
        .iter()
        .map(|t| {
            let (text, level) = describe(t, marked.as_deref() == Some(t.id.as_str()));
            let style = level.map(|l| theme.system(l)).unwrap_or_default();
            Line::from(Span::styled(truncate(&text, cols), style))
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(false))
        .title(Span::styled(" Transfers ", theme.title(false)));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_and_times_read_well() {
        assert_eq!(progress_bar(0, 100), format!("▕{}▏   0%", "░".repeat(16)));
        assert_eq!(
            progress_bar(50, 100),
            format!("▕{}{}▏  50%", "█".repeat(8), "░".repeat(8))
        );
        assert_eq!(progress_bar(200, 100), format!("▕{}▏ 100%", "█".repeat(16)));
        assert_eq!(progress_bar(0, 0), format!("▕{}▏ 100%", "█".repeat(16)));
        assert_eq!(eta(5), "5s left");
        assert_eq!(eta(65), "1:05 left");
        assert_eq!(eta(7300), "2h01m left");
    }
}
