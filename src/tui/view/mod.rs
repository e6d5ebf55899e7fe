//! Pure widgets: `draw(frame, &AppState)` paints the whole screen, with no I/O and no clock.

pub mod copy;
pub mod help;
pub mod input;
pub mod messages;
pub mod peers;
pub mod proposals;
pub mod status;
pub mod theme;
pub mod transfers;

use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::geometry::layout::{self, Screen};
use crate::tui::model::state::AppState;
use crate::tui::model::text::truncate;

/// Draws the screen for `state`. Never panics, whatever the size (including 0 x 0).
pub fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    match layout::layout(area, state) {
        Screen::TooSmall => too_small(frame, area),
        Screen::Panes(p) => {
            if let Some(r) = p.peers {
                peers::draw(frame, r, state);
            }
            if let Some(r) = p.proposals {
                proposals::draw(frame, r, state);
            }
            let (messages_area, transfers_area) = transfers::split(p.messages, state);
            messages::draw(frame, messages_area, state);
            if let Some(r) = transfers_area {
                transfers::draw(frame, r, state);
            }
            input::draw(frame, p.input, state);
            status::draw(frame, p.status, state);
            if state.help.is_some() {
                help::draw(frame, area, state);
            }
        }
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = match area.width {
        18.. => "terminal too small",
        9.. => "too small",
        _ => "small",
    };
    let text = truncate(text, area.width as usize);
    let y = area.y + area.height / 2;
    frame.render_widget(
        Paragraph::new(Span::raw(text)),
        Rect::new(area.x, y, area.width, 1),
    );
}

/// Draws a pane's border and title (highlighted when `focused`) and returns the area inside
/// it, or `None` when nothing fits there.
pub(crate) fn pane(
    frame: &mut ratatui::Frame,
    area: ratatui::layout::Rect,
    title: String,
    focused: bool,
    theme: &theme::Theme,
) -> Option<ratatui::layout::Rect> {
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(theme.border(focused))
        .title(ratatui::text::Span::styled(title, theme.title(focused)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    (inner.width > 0 && inner.height > 0).then_some(inner)
}
