//! The status bar: own identity, peer count, mode, then a transient message or key hints.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::tui::model::attention;
use crate::tui::model::state::{AppState, Focus};
use crate::tui::model::text::{truncate, width};

fn hints(state: &AppState) -> &'static str {
    if state.help.is_some() {
        return "Esc close help · ↑↓ scroll";
    }
    match state.focus {
        Focus::Input => "? help · Ctrl-Q quit · Tab panes · PgUp/PgDn scroll · Enter send",
        Focus::Peers => "↑↓ select · Enter /dm · typing goes to the input · Esc back · ? help",
        Focus::Messages => {
            "↑↓ scroll · Home oldest · End newest · F2 copy view · Esc back · ? help"
        }
        Focus::Proposals => "↑↓ select · Ctrl-Y approve · Ctrl-N reject · Esc back · ? help",
    }
}

/// Draws the bar.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let theme = &Theme::of(state);
    let cols = area.width as usize;
    let me = if state.me.name.is_empty() {
        "starting…".to_string()
    } else {
        state.me.name.clone()
    };
    let fp: String = state.me.fingerprint.chars().take(9).collect();
    let mode = match state.secure_only {
        Some(true) => "SECURE-ONLY",
        Some(false) => "open mode",
        None => "mode ?",
    };
    // A transient message wants room; key hints may be cut short.
    let (right, right_style, want_right) = match &state.status {
        Some(s) if s.until_ms > state.now.unix_ms => {
            (s.text.as_str(), theme.status(s.level), cols / 2)
        }
        _ => (hints(state), theme.status_bar(), 12),
    };
    let want_right = width(right).min(want_right);
    let (online, known) = (state.online_count(), state.peers.len());
    let (me, short) = (truncate(&me, 16), truncate(&me, 10));
    // Narrower bars drop the fingerprint, then words, then the count and the name: the mode
    // and the unread counts always stay.
    // Unread and mention counts, while there are any: `3 unread, 1 @` (short: `3 new 1@`).
    let (unread, unread_short) = match attention::counts(state) {
        Some(text) => {
            let a = &state.attention;
            let short = match a.mentions {
                0 => format!("{} new", a.unread),
                m => format!("{} new {m}@", a.unread),
            };
            (format!("{text} │ "), format!("{short} │ "))
        }
        None => (String::new(), String::new()),
    };
    let variants = [
        format!(" {me} {fp} │ {online}/{known} online │ {mode} │ {unread}"),
        format!(" {me} │ {online}/{known} online │ {mode} │ {unread}"),
        format!(" {short} │ {online}/{known} │ {mode} │ {unread_short}"),
        format!(" {short} │ {mode} │ {unread_short}"),
        format!(" {mode} │ {unread_short}"),
    ];
    let left = variants
        .iter()
        .find(|v| width(v) + want_right <= cols)
        .unwrap_or(&variants[variants.len() - 1]);
    let left = truncate(left, cols);
    let rest = cols.saturating_sub(width(&left));
    let right = truncate(right, rest);
    let pad = " ".repeat(rest.saturating_sub(width(&right)));
    let line = Line::from(vec![
        Span::styled(left, theme.status_bar()),
        Span::styled(right, right_style),
        Span::styled(pad, theme.status_bar()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}
