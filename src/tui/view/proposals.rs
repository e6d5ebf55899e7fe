//! The proposals pane: open proposals with tally, time left and own vote; closed ones with
//! their outcome.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use crate::tui::geometry::lists;
use crate::tui::model::state::{short_id, AppState, Focus};
use crate::tui::model::text::truncate;
use p2pchat_engine::api::{Outcome, ProposalInfo};

/// "1m05s", "45s" or "expired" for the time until `expires_ms`.
pub fn time_left(now_ms: i64, expires_ms: i64) -> String {
    let secs = (expires_ms.saturating_sub(now_ms)) / 1000;
    match secs {
        s if s <= 0 => "expired".to_string(),
        s if s < 60 => format!("{s}s left"),
        s if s < 3600 => format!("{}m{:02}s left", s / 60, s % 60),
        s => format!("{}h{:02}m left", s / 3600, (s % 3600) / 60),
    }
}

fn rows_for(p: &ProposalInfo, state: &AppState, selected: bool, cols: usize) -> [Line<'static>; 3] {
    let theme = &Theme::of(state);
    let what = if p.enable { "Secure-only" } else { "Open mode" };
    let head = format!(
        "{}{what}: {}",
        if selected { "▶ " } else { "  " },
        p.description
    );
    let tally = format!("{}/{} of {}", p.approvals, p.threshold, p.electorate.len());
    let (second, third) = match p.outcome {
        None => {
            let vote = match p.my_vote {
                None => "you: not voted",
                Some(true) => "you: approve",
                Some(false) => "you: reject",
            };
            (
                format!("  {tally} · {}", time_left(state.now.unix_ms, p.expires_ts)),
                format!(
                    "  by {} · {vote} · {}",
                    p.proposer_name,
                    short_id(&p.proposal_id)
                ),
            )
        }
        Some(o) => {
            let word = match o {
                Outcome::Approved => "approved",
                Outcome::Rejected => "rejected",
                Outcome::Expired => "expired",
            };
            (
                format!("  {word} ({tally})"),
                format!("  by {} · {}", p.proposer_name, short_id(&p.proposal_id)),
            )
        }
    };
    let head_style = match (p.outcome, selected && state.focus == Focus::Proposals) {
        (_, true) => theme.selected(true),
        (None, false) => theme.title(false),
        (Some(_), false) => theme.offline(),
    };
    let detail_style = match p.outcome {
        None => theme.timestamp(),
        Some(Outcome::Approved) => theme.approve(),
        Some(_) => theme.reject(),
    };
    [
        Line::from(Span::styled(truncate(&head, cols), head_style)),
        Line::from(Span::styled(truncate(&second, cols), detail_style)),
        Line::from(Span::styled(truncate(&third, cols), theme.timestamp())),
    ]
}

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let theme = &Theme::of(state);
    let focused = state.focus == Focus::Proposals && state.help.is_none();
    let title = format!(" Proposals: {} open ", state.open_proposals());
    let Some(inner) = super::pane(frame, area, title, focused, theme) else {
        return;
    };
    let cols = inner.width as usize;
    let order = state.proposal_order();
    if order.is_empty() {
        let text = truncate("none; /propose to start one", cols);
        frame.render_widget(Paragraph::new(Span::styled(text, theme.offline())), inner);
        return;
    }
    let height = inner.height as usize;
    let per_screen = lists::proposals_per_screen(height);
    let selected = lists::selected_proposal(state, &order);
    let offset = lists::proposal_offset(state, &order, height);
    let rows: Vec<Line> = order
        .iter()
        .enumerate()
        .skip(offset)
        .take(per_screen)
        .flat_map(|(pos, &i)| rows_for(&state.proposals[i], state, pos == selected, cols))
        .collect();
    frame.render_widget(Paragraph::new(rows), inner);
}
