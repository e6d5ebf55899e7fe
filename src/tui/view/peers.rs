//! The peers pane: everyone seen, online first; offline peers greyed.

use p2pchat_engine::api::Trust;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::tui::geometry::lists;
use crate::tui::model::state::{AppState, Focus};
use crate::tui::model::text::{truncate, width};

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let theme = &Theme::of(state);
    let focused = state.focus == Focus::Peers && state.help.is_none();
    let title = format!(" Peers {}/{} ", state.online_count(), state.peers.len());
    let Some(inner) = super::pane(frame, area, title, focused, theme) else {
        return;
    };
    let cols = inner.width as usize;
    if state.peers.is_empty() {
        let text = truncate("nobody yet", cols);
        frame.render_widget(Paragraph::new(Span::styled(text, theme.offline())), inner);
        return;
    }
    let height = inner.height as usize;
    let selected = lists::selected_peer(state);
    let offset = lists::peer_offset(state, height);
    let rows: Vec<Line> = state
        .peer_order()
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(pos, i)| {
            let p = &state.peers[i];
            let warn = state.trust.get(&p.id).map(|t| t.trust) == Some(Trust::KeyChanged);
            let (dot, name_style) = if warn {
                ("⚠ ", theme.system(crate::tui::model::state::Level::Error))
            } else if p.online {
                ("● ", theme.peer(p.colour))
            } else {
                ("○ ", theme.offline())
            };
            let fp: String = p
                .fingerprint
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == ':')
                .take(9)
                .collect();
            // ✓ key known, ✔ verified with /trust, ! another key first had this name, ⊘ blocked.
            let key = match state.trust.get(&p.id) {
                Some(t) if t.blocked => "⊘",
                Some(t) if t.trust == Trust::KeyChanged => "!",
                Some(t) if t.trust == Trust::Verified => "✔",
                _ if p.fingerprint.is_empty() => "?",
                _ => "✓",
            };
            // A peer reached only through a relay is listed "via NAME" (apply_net).
            let tail = match p
                .addr
                .strip_prefix(crate::tui::model::apply_net::VIA_PREFIX)
            {
                Some(via) => format!(" via {via} "),
                None => format!(" {fp} "),
            };
            let name_cols = cols.saturating_sub(2 + width(&tail) + width(key));
            let name = truncate(&p.name, name_cols);
            let pad = " ".repeat(name_cols.saturating_sub(width(&name)));
            let tail_style = if p.online {
                theme.timestamp()
            } else {
                theme.offline()
            };
            // Verified by the user stands out from merely handshake-proven.
            let key_style = match state.trust.get(&p.id) {
                Some(t) if !t.blocked && t.trust == Trust::Verified => {
                    theme.approve().add_modifier(ratatui::style::Modifier::BOLD)
                }
                _ => tail_style,
            };
            let mut line = Line::from(vec![
                Span::styled(dot, name_style),
                Span::styled(name, name_style),
                Span::raw(pad),
                Span::styled(tail, tail_style),
                Span::styled(key, key_style),
            ]);
            if pos == selected && focused {
                line = line.style(theme.selected(true));
            } else if pos == selected {
                line = line.style(Style::new());
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(rows), inner);
}
