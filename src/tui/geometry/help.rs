//! The help overlay's geometry: where it goes and its rows at a width (the model bounds its
//! scrolling by them, the view paints them).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Role, Styles, Unstyled};
use crate::command::COMMANDS;
use crate::tui::model::keymap::help_rows;
use crate::tui::model::text::{truncate, width};

/// Where the overlay goes on a screen of `area`.
pub fn area_for(area: Rect) -> Rect {
    let w = area.width.saturating_sub(4).min(84);
    let h = area.height.saturating_sub(2);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// How far the overlay can scroll on a `width` x `height` screen.
pub fn max_scroll(width: u16, height: u16) -> u16 {
    let inner = area_for(Rect::new(0, 0, width, height))
        .height
        .saturating_sub(2);
    (lines(&Unstyled, 80).len() as u16).saturating_sub(inner)
}

/// Width of the key/usage column; longer entries put their description on the next row.
const KEY_COLUMNS: usize = 22;

/// One entry as one row, or two when the left part or the whole does not fit.
fn entry(out: &mut Vec<Line<'static>>, styles: &dyn Styles, left: &str, right: &str, cols: usize) {
    let left_w = width(left);
    let key_cols = KEY_COLUMNS.min(cols / 2);
    if left_w <= key_cols && 2 + key_cols + 2 + width(right) <= cols {
        let pad = " ".repeat(key_cols - left_w);
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(left.to_string(), styles.style(Role::Key)),
            Span::raw(pad),
            Span::raw("  "),
            Span::raw(right.to_string()),
        ]));
    } else {
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(
                truncate(left, cols.saturating_sub(2)),
                styles.style(Role::Key),
            ),
        ]));
        out.push(Line::from(vec![
            Span::raw("      "),
            Span::raw(truncate(right, cols.saturating_sub(6))),
        ]));
    }
}

/// The overlay's rows at `cols` columns.
pub fn lines(styles: &dyn Styles, cols: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut scope = None;
    for (s, keys, help) in help_rows() {
        if scope != Some(s) {
            if scope.is_some() {
                out.push(Line::default());
            }
            out.push(Line::from(Span::styled(
                s.title(),
                styles.style(Role::Title),
            )));
            scope = Some(s);
        }
        entry(&mut out, styles, &keys, help, cols);
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "Commands",
        styles.style(Role::Title),
    )));
    for (usage, help) in COMMANDS {
        entry(&mut out, styles, usage, help, cols);
    }
    out.push(Line::default());
    out.push(Line::from(truncate(
        "Marks: ✓ signed and verified, ~ unsigned, ✗ not verified",
        cols,
    )));
    out
}
