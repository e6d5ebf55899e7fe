//! How a history line breaks into rows at a width (day separator, prefix, wrapped body): the
//! model scrolls by these rows and the view paints them, with styles from [`Styles`].

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Role, Styles, Unstyled};
use crate::tui::model::log::{LineKind, Mark};
use crate::tui::model::state::{AppState, Level};
use crate::tui::model::text::{for_screen, truncate, width, wrap};
use p2pchat_engine::api::Delivery;
use p2pchat_engine::mention::action_text;

/// The glyph before a message: ✓ signed and verified, ✗ not verified, ~ unsigned.
pub fn mark_glyph(mark: Mark) -> &'static str {
    match mark {
        Mark::Verified => "✓",
        Mark::Unverified => "✗",
        Mark::Unsigned => "~",
    }
}

/// The read marker's words, on the row above the first line not yet read.
pub const READ_MARKER: &str = "new since you last looked";

/// Display names are cut to this many columns in the message pane.
const NAME_COLUMNS: usize = 16;
/// Below this many columns left for the body, it starts on its own row.
const MIN_BODY_COLUMNS: usize = 10;

/// The rows line `idx` takes at `width` columns (day separator included).
pub fn row_count(state: &AppState, idx: usize, width: usize) -> usize {
    line_rows(state, idx, width, &Unstyled).len()
}

/// A history line before it is broken into rows.
struct Parts {
    /// The day's label (` Tue 24 Nov 2026 `) when the line starts a new day.
    day: Option<String>,
    /// The read marker goes above this line.
    marker: bool,
    time: String,
    /// Time, mark, tags and name, styled.
    prefix: Vec<Span<'static>>,
    body: String,
    body_style: Style,
    /// The body's first line is a reply's quote, its last the reaction counts: both dimmed.
    quoted: bool,
    counted: bool,
}

/// Line `idx` taken apart, or `None` past the end.
fn parts(state: &AppState, idx: usize, styles: &dyn Styles) -> Option<Parts> {
    let lines = state.log.lines();
    let line = lines.get(idx)?;
    let date = state.now.local(line.ts).date_naive();
    let new_day = idx == 0
        || lines
            .get(idx - 1)
            .map(|p| state.now.local(p.ts).date_naive())
            != Some(date);
    let day = new_day.then(|| format!(" {} ", date.format("%a %d %b %Y")));
    let time = state
        .now
        .local(line.ts)
        .format(state.time_format.pattern())
        .to_string();
    // The message selected in the Messages pane shows its time reversed.
    let selected = match &line.kind {
        LineKind::Chat { acts, .. } => {
            acts.id.is_some() && acts.id.as_deref() == state.selected_message.as_deref()
        }
        LineKind::System { selectable, .. } => {
            selectable.is_some() && selectable.as_deref() == state.selected_message.as_deref()
        }
    };
    let time_style = if selected {
        styles
            .style(Role::Timestamp)
            .add_modifier(ratatui::style::Modifier::REVERSED)
    } else {
        styles.style(Role::Timestamp)
    };
    let mut prefix = vec![Span::styled(time.clone(), time_style), Span::raw(" ")];
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
            mention,
            ..
        } => {
            prefix.push(Span::styled(
                mark_glyph(*mark),
                styles.style(Role::Mark(*mark)),
            ));
            prefix.push(Span::raw(" "));
            if *backfilled {
                prefix.push(Span::styled("[missed] ", styles.style(Role::Timestamp)));
            }
            if *private {
                prefix.push(Span::styled(
                    "[private] ",
                    styles.style(Role::System(Level::Warning)),
                ));
            }
            let name = cut_name(name);
            let body_style = if *mention {
                styles.style(Role::Mention)
            } else {
                Style::new()
            };
            let name_style = if *own {
                styles.style(Role::OwnName)
            } else {
                styles.style(Role::Peer(*colour))
            };
            if let Some(action) = action_text(body) {
                // `* Alice waves`: the name leads the text, in the author's colour; our own
                // private action says to whom (`* Alice → Bob nods`).
                let name = match (*own, *private) {
                    (true, true) => format!("{} {name}", cut_name(&state.me.name)),
                    _ => name,
                };
                prefix.push(Span::styled("* ", name_style));
                prefix.push(Span::styled(name, name_style));
                prefix.push(Span::raw(" "));
                (action, body_style.patch(styles.style(Role::Action)))
            } else if *own {
                prefix.push(Span::styled(name, styles.style(Role::OwnName)));
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
                    prefix.push(Span::styled(glyph, styles.style(Role::Timestamp)));
                }
                prefix.push(Span::styled(" ▸ ", styles.style(Role::OwnName)));
                (body.as_str(), body_style)
            } else {
                prefix.push(Span::styled(name, name_style));
                prefix.push(Span::raw(": "));
                (body.as_str(), body_style)
            }
        }
        LineKind::System { text, level, .. } => {
            prefix.push(Span::styled("· ", styles.style(Role::System(*level))));
            (text.as_str(), styles.style(Role::System(*level)))
        }
    };
    let (quoted, counted) = match &line.kind {
        LineKind::Chat { acts, .. } if !acts.deleted => {
            (acts.quote.is_some(), !acts.reactions.is_empty())
        }
        LineKind::Chat { .. } | LineKind::System { .. } => (false, false),
    };
    let body_style = if selected {
        body_style.add_modifier(ratatui::style::Modifier::REVERSED)
    } else {
        body_style
    };
    Some(Parts {
        day,
        marker: state.log.marker == Some(idx),
        time,
        prefix,
        body: for_screen(body).into_owned(),
        body_style,
        quoted,
        counted,
    })
}

/// The rows of line `idx` at `width` columns, styled by `styles`.
pub fn line_rows(
    state: &AppState,
    idx: usize,
    cols: usize,
    styles: &dyn Styles,
) -> Vec<Line<'static>> {
    let Some(Parts {
        day,
        marker,
        time,
        prefix,
        body,
        body_style,
        quoted,
        counted,
    }) = parts(state, idx, styles)
    else {
        return Vec::new();
    };
    let cols = cols.max(1);
    let mut rows = Vec::new();
    if let Some(label) = day {
        let left = cols.saturating_sub(width(&label)) / 2;
        let right = cols.saturating_sub(width(&label) + left);
        let text = format!("{}{label}{}", "─".repeat(left), "─".repeat(right));
        rows.push(Line::from(Span::styled(
            truncate(&text, cols),
            styles.style(Role::Separator),
        )));
    }
    if marker {
        let label = format!(" {READ_MARKER} ");
        let left = cols.saturating_sub(width(&label)).min(4);
        let right = cols.saturating_sub(width(&label) + left);
        let text = format!("{}{label}{}", "─".repeat(left), "─".repeat(right));
        rows.push(Line::from(Span::styled(
            truncate(&text, cols),
            styles.style(Role::ReadMarker),
        )));
    }
    let prefix_cols: usize = prefix.iter().map(|s| width(&s.content)).sum();
    let indent = if cols >= width(&time) + 1 + MIN_BODY_COLUMNS {
        width(&time) + 1
    } else {
        0
    };
    let rest = cols - indent;
    let mut first = Some(prefix);
    let last = body.split('\n').count() - 1;
    let dim = body_style.patch(styles.style(Role::Timestamp));
    for (n, text) in body.split('\n').enumerate() {
        let body_style = if (n == 0 && quoted) || (n == last && counted) {
            dim
        } else {
            body_style
        };
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

/// Line `idx` as plain text with no wrapping at all, one string per line of its body (the
/// copy view's lines): the day separator first if a day starts there, then the prefix with
/// the first body line, then the body's other lines indented under it.
pub fn plain_lines(state: &AppState, idx: usize) -> Vec<String> {
    let Some(p) = parts(state, idx, &Unstyled) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(label) = p.day {
        out.push(format!("──{label}──"));
    }
    if p.marker {
        out.push(format!("──── {READ_MARKER} ────"));
    }
    let prefix: String = p.prefix.iter().map(|s| s.content.as_ref()).collect();
    let indent = " ".repeat(width(&p.time) + 1);
    for (i, text) in p.body.split('\n').enumerate() {
        out.push(match i {
            0 => format!("{prefix}{text}"),
            _ => format!("{indent}{text}"),
        });
    }
    out
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

/// A name cut to NAME_COLUMNS, except the fingerprint that tells two peers of one name apart
/// (`Alice (ab12:cd34) ✔`): the name before it is cut instead, never the fingerprint.
fn cut_name(name: &str) -> String {
    if width(name) <= NAME_COLUMNS {
        return truncate(name, NAME_COLUMNS); // for_screen too, like every drawn text
    }
    match name.rfind(" (") {
        Some(at) if name[at..].contains(')') => {
            let (base, tag) = name.split_at(at);
            let room = NAME_COLUMNS.saturating_sub(width(tag)).max(2);
            format!("{}{tag}", truncate(base, room))
        }
        _ => truncate(name, NAME_COLUMNS),
    }
}
