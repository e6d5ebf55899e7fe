//! The copy view's geometry: history lines as whole, unwrapped text, and the rows the
//! terminal's own soft wrap gives them, so that as many as fit are written and a terminal
//! selection (or `tmux capture-pane -J`) gets each line back whole, URLs included.

use unicode_segmentation::UnicodeSegmentation;

use super::rows::plain_lines;
use crate::tui::model::log::View;
use crate::tui::model::state::AppState;
use crate::tui::model::text::grapheme_width;

/// The rows `text` takes when the terminal wraps it at `cols` columns: a character that does
/// not fit at the end of a row (a wide one needing two columns) starts the next row, and a row
/// filled exactly does not add one.
pub fn soft_rows(text: &str, cols: usize) -> usize {
    let cols = cols.max(1);
    let (mut rows, mut col) = (1, 0);
    for g in text.graphemes(true) {
        let w = grapheme_width(g).min(cols);
        if w == 0 {
            continue;
        }
        if col + w > cols {
            rows += 1;
            col = 0;
        }
        col += w;
    }
    rows
}

/// The rows history line `idx` takes in the copy view at `cols` columns.
pub fn row_count(state: &AppState, idx: usize, cols: usize) -> usize {
    plain_lines(state, idx)
        .iter()
        .map(|l| soft_rows(l, cols))
        .sum()
}

/// The size the copy view gives the history: the whole width, every row but the title row.
pub fn view_size(state: &AppState) -> (usize, usize) {
    (
        state.width as usize,
        (state.height as usize).saturating_sub(1),
    )
}

/// The text lines the copy view shows on a `cols` x `height` area, oldest first: the newest
/// that fit when following, or from the pinned line on when scrolled back. A single line
/// taller than the area is still shown (the terminal scrolls it), so nothing is left out.
pub fn visible_lines(state: &AppState, cols: usize, height: usize) -> Vec<String> {
    let log = &state.log;
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut used = 0;
    let fits = |used: usize, lines: &[String]| {
        used + lines.iter().map(|l| soft_rows(l, cols)).sum::<usize>() <= height
    };
    match log.view {
        View::Pinned(pos) => {
            for idx in pos.line..log.len() {
                let lines = plain_lines(state, idx);
                if !fits(used, &lines) && !out.is_empty() {
                    break;
                }
                used += lines.iter().map(|l| soft_rows(l, cols)).sum::<usize>();
                out.push(lines);
            }
        }
        View::Follow => {
            for idx in (0..log.len()).rev() {
                let lines = plain_lines(state, idx);
                if !fits(used, &lines) && !out.is_empty() {
                    break;
                }
                used += lines.iter().map(|l| soft_rows(l, cols)).sum::<usize>();
                out.push(lines);
            }
            out.reverse();
        }
    }
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_wrap_rows_follow_the_terminal() {
        assert_eq!(soft_rows("", 10), 1);
        assert_eq!(soft_rows("0123456789", 10), 1, "an exactly full row");
        assert_eq!(soft_rows("0123456789a", 10), 2);
        assert_eq!(soft_rows(&"x".repeat(95), 10), 10);
        // A wide character never splits: at column 9 of 10 it starts the next row.
        assert_eq!(soft_rows("012345678字", 10), 2);
        assert_eq!(soft_rows("01234567字", 10), 1);
        assert_eq!(
            soft_rows("e\u{301}", 1),
            1,
            "a combining mark takes no column"
        );
        assert_eq!(
            soft_rows("字", 1),
            1,
            "wider than the screen still takes one row"
        );
    }
}
