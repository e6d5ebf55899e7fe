//! The message pane: timestamped, coloured, word-wrapped history lines with day separators.
//!
//! Only the lines that reach the screen are formatted, so a frame costs the same with 100 or
//! 100,000 lines of history.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::model::log::{LineKind, View};
use crate::tui::model::state::{AppState, Focus, Level};
use crate::tui::model::text::{truncate, width, wrap};
use p2pchat_engine::api::Delivery;

/// Display names are cut to this many columns in the message pane.
const NAME_COLUMNS: usize = 16;
/// Below this many columns left for the body, it starts on its own row.
const MIN_BODY_COLUMNS: usize = 10;

/// The rows line `idx` takes at `width` columns (day separator included).
pub fn row_count(state: &AppState, idx: usize, width: usize) -> usize {
    line_rows(state, idx, width).len()
}

/// The rows of line `idx` at `width` columns, styled.
pub fn line_rows(state: &AppState, idx: usize, cols: usize) -> Vec<Line<'static>> {
    let lines = state.log.lines();
    let Some(line) = lines.get(idx) else {
        return Vec::new();
    };
    let theme = &state.theme;
    let cols = cols.max(1);
    let mut rows = Vec::new();
    let day = state.now.local(line.ts).date_naive();
    if idx == 0
        || lines
            .get(idx - 1)
            .map(|p| state.now.local(p.ts).date_naive())
            != Some(day)
    {
        let label = format!(" {} ", day.format("%a %d %b %Y"));
        let left = cols.saturating_sub(width(&label)) / 2;
        let right = cols.saturating_sub(width(&label) + left);
        let text = format!("{}{label}{}", "─".repeat(left), "─".repeat(right));
        rows.push(Line::from(Span::styled(
            truncate(&text, cols),
            theme.separator(),
        )));
    }
    let time = state
        .now
        .local(line.ts)
        .format(state.time_format.pattern())
        .to_string();
    let mut prefix = vec![
        Span::styled(time.clone(), theme.timestamp()),
        Span::raw(" "),
    ];
    let (body, body_style) = match &line.kind {
        LineKind::Chat {
            name,
            body,
            mark,
            own,
            colour,
            private,
            backfilled,
            delivery,
            ..
        } => {
            let (glyph, mark_style) = theme.mark(*mark);
            prefix.push(Span::styled(glyph, mark_style));
            prefix.push(Span::raw(" "));
            if *backfilled {
                prefix.push(Span::styled("[missed] ", theme.timestamp()));
            }
            if *private {
                prefix.push(Span::styled("[private] ", theme.system(Level::Warning)));
            }
            let name = truncate(name, NAME_COLUMNS);
            if *own {
                prefix.push(Span::styled(name, theme.own_name()));
                // Our private messages: … queued, ✓ sent, ✓✓ delivered; a broadcast only
                // when nobody was there to get it (… until peers come back and backfill it).
                if let Some((_, status)) = delivery
                    .as_ref()
                    .filter(|(_, d)| *private || *d == Delivery::Queued)
                {
                    let glyph = match status {
                        Delivery::Queued => " …",
                        Delivery::Sent => " ✓",
                        Delivery::Delivered => " ✓✓",
                    };
                    prefix.push(Span::styled(glyph, theme.timestamp()));
                }
                prefix.push(Span::styled(" ▸ ", theme.own_name()));
            } else {
                prefix.push(Span::styled(name, theme.peer(*colour)));
                prefix.push(Span::raw(": "));
            }
            (body.as_str(), Style::new())
        }
        LineKind::System { text, level } => {
            prefix.push(Span::styled("· ", theme.system(*level)));
            (text.as_str(), theme.system(*level))
        }
    };
    let prefix_cols: usize = prefix.iter().map(|s| width(&s.content)).sum();
    let indent = if cols >= width(&time) + 1 + MIN_BODY_COLUMNS {
        width(&time) + 1
    } else {
        0
    };
    let rest = cols - indent;
    let mut first = Some(prefix);
    for text in body.split('\n') {
        let first_cols = match &first {
            Some(_) if cols >= prefix_cols + MIN_BODY_COLUMNS => cols - prefix_cols,
            Some(p) => {
                // Too narrow to share a row: the prefix gets a row of its own.
                rows.push(clip(Line::from(p.clone()), cols));
                first = None;
                rest
            }
            None => rest,
        };
        for (i, (a, b)) in wrap(text, first_cols, rest).into_iter().enumerate() {
            let piece = Span::styled(text[a..b].to_string(), body_style);
            let row = match (i, first.take()) {
                (0, Some(mut p)) => {
                    p.push(piece);
                    Line::from(p)
                }
                _ => Line::from(vec![Span::raw(" ".repeat(indent)), piece]),
            };
            rows.push(row);
        }
    }
    rows
}

/// Cuts a row to `cols` columns so a long prefix never spills.
fn clip(line: Line<'static>, cols: usize) -> Line<'static> {
    let mut used = 0;
    let mut spans = Vec::new();
    for s in line.spans {
        let w = width(&s.content);
        if used + w <= cols {
            used += w;
            spans.push(s);
        } else {
            let rest = cols.saturating_sub(used);
            spans.push(Span::styled(truncate(&s.content, rest), s.style));
            break;
        }
    }
    Line::from(spans)
}

/// The rows visible in a `cols` x `height` view, oldest first.
pub fn visible_rows(state: &AppState, cols: usize, height: usize) -> Vec<Line<'static>> {
    let log = &state.log;
    let rows = |i: usize| row_count(state, i, cols);
    let pinned = match log.view {
        View::Pinned(pos) if log.rows_from(pos, &rows, height + 1) > height => Some(pos),
        _ => None,
    };
    let mut out: Vec<Line<'static>> = Vec::with_capacity(height);
    match pinned {
        Some(pos) => {
            let mut idx = pos.line;
            let mut skip = pos.row;
            while out.len() < height && idx < log.len() {
                out.extend(
                    line_rows(state, idx, cols)
                        .into_iter()
                        .skip(skip)
                        .take(height - out.len()),
                );
                skip = 0;
                idx += 1;
            }
        }
        None => {
            let mut chunks: Vec<Vec<Line<'static>>> = Vec::new();
            let mut have = 0;
            for idx in (0..log.len()).rev() {
                if have >= height {
                    break;
                }
                let chunk = line_rows(state, idx, cols);
                have += chunk.len();
                chunks.push(chunk);
            }
            let all = chunks.into_iter().rev().flatten();
            out.extend(all.skip(have.saturating_sub(height)));
        }
    }
    out
}

/// Draws the pane.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState) {
    let theme = &state.theme;
    let focused = state.focus == Focus::Messages && state.help.is_none();
    let pinned = matches!(state.log.view, View::Pinned(_));
    let title = if pinned {
        " Messages (scrolled) "
    } else {
        " Messages "
    };
    let Some(inner) = super::pane(frame, area, title.into(), focused, theme) else {
        return;
    };
    let (cols, height) = (inner.width as usize, inner.height as usize);
    if state.log.is_empty() {
        let hint = "No messages yet. Type and press Enter; ? or F1 for help.";
        let rows: Vec<Line> = wrap(hint, cols, cols)
            .into_iter()
            .map(|(a, b)| {
                Line::from(Span::styled(
                    &hint[a..b],
                    theme.system(crate::tui::model::state::Level::Info),
                ))
            })
            .collect();
        frame.render_widget(Paragraph::new(rows), inner);
        return;
    }
    let marker = state
        .log
        .rows_from_view_exceeds(|i| row_count(state, i, cols), height);
    if !marker || height < 2 {
        frame.render_widget(Paragraph::new(visible_rows(state, cols, height)), inner);
        return;
    }
    // Scrolled back: the last row says what is below instead of showing a line.
    let rows = Rect::new(inner.x, inner.y, inner.width, inner.height - 1);
    frame.render_widget(Paragraph::new(visible_rows(state, cols, height - 1)), rows);
    let text = match state.log.unseen {
        0 => " ▼ more below · End to follow".to_string(),
        1 => " ▼ 1 new message below · End to follow".to_string(),
        n => format!(" ▼ {n} new messages below · End to follow"),
    };
    let bar = Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1);
    frame.render_widget(
        Paragraph::new(Span::raw(truncate(&text, cols))).style(theme.marker()),
        bar,
    );
}
