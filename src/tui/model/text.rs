//! Text helpers for the screen: control-character sanitising, display width and word wrap.
//!
//! Everything here works on grapheme clusters and their display width (unicode-width), the same
//! unit ratatui uses for buffer cells, so emoji and CJK take the columns they really take.

use p2pchat_engine::node::sanitize::is_unsafe_char;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The display pass over text about to be drawn: characters that must never reach the
/// terminal (the engine's `is_unsafe_char`, one rule for the whole program) become U+FFFD, C0
/// controls and DEL their control pictures. `\n` is kept when `keep_newlines`,
/// tabs become a space, `\r\n` and lone `\r` become `\n` (or a space).
pub fn sanitize(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push(if keep_newlines { '\n' } else { ' ' });
            }
            '\n' => out.push(if keep_newlines { '\n' } else { ' ' }),
            '\t' => out.push(' '),
            // C0 controls: the matching "control picture" (U+2400 block), e.g. ESC -> ␛.
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            // Everything else the engine's one rule refuses (C1 controls, bidi marks and
            // overrides, line/paragraph separators): the same rule as for network text.
            c if is_unsafe_char(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Display width in terminal columns.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

/// The width of one grapheme cluster as ratatui lays it out.
pub fn grapheme_width(g: &str) -> usize {
    g.width()
}

/// Truncates `text` to at most `max` columns, appending `…` when it was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = grapheme_width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// Splits one line of text (no `\n`) into rows: byte ranges whose display width fits `first`
/// columns on the first row and `rest` columns after that. Breaks after whitespace when it can,
/// otherwise between grapheme clusters. Always returns at least one (possibly empty) row and
/// never loops, even for zero widths.
pub fn wrap(text: &str, first: usize, rest: usize) -> Vec<(usize, usize)> {
    let mut rows = Vec::new();
    let mut limit = first.max(1);
    let mut start = 0; // byte where the current row starts
    let mut used = 0; // columns used on the current row
    let mut last_break: Option<(usize, usize)> = None; // (byte after the space, columns up to it)
    let mut skipping_spaces = false;
    for (idx, g) in text.grapheme_indices(true) {
        let is_space = g.chars().all(char::is_whitespace);
        if skipping_spaces {
            if is_space {
                start = idx + g.len();
                continue;
            }
            skipping_spaces = false;
        }
        let w = grapheme_width(g);
        if used + w > limit && used > 0 {
            if is_space {
                // Break at this space and drop it (and following spaces) from the next row.
                rows.push((start, idx));
                start = idx + g.len();
                used = 0;
                last_break = None;
                limit = rest.max(1);
                skipping_spaces = true;
                continue;
            }
            match last_break {
                Some((brk, cols)) if brk > start => {
                    rows.push((start, brk));
                    start = brk;
                    used -= cols;
                }
                _ => {
                    rows.push((start, idx));
                    start = idx;
                    used = 0;
                }
            }
            last_break = None;
            limit = rest.max(1);
        }
        used += w;
        if is_space {
            last_break = Some((idx + g.len(), used));
        }
    }
    rows.push((start, text.len().max(start)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One rule: the display pass changes exactly the characters the engine's cleaning
    /// refuses (apart from the layout characters it handles itself: CR, LF, tab).
    #[test]
    fn the_display_pass_and_the_network_cleaning_refuse_the_same_characters() {
        let probe = (0u32..0x3000)
            .filter_map(char::from_u32)
            .filter(|c| !"\r\n\t".contains(*c));
        for c in probe {
            let shown = sanitize(&c.to_string(), true);
            assert_eq!(
                shown != c.to_string(),
                is_unsafe_char(c),
                "U+{:04X} shown as {shown:?}",
                c as u32
            );
        }
    }

    fn pieces(text: &str, first: usize, rest: usize) -> Vec<&str> {
        wrap(text, first, rest)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect()
    }

    #[test]
    fn sanitize_replaces_controls() {
        assert_eq!(sanitize("a\x1b[31mb", true), "a\u{241b}[31mb");
        assert_eq!(sanitize("x\r\ny\rz\tq", true), "x\ny\nz q");
        assert_eq!(sanitize("x\ny", false), "x y");
        assert_eq!(sanitize("\u{202e}evil\u{85}", true), "\u{fffd}evil\u{fffd}");
        assert_eq!(sanitize("héllo 世界 🎉", true), "héllo 世界 🎉");
    }

    #[test]
    fn widths_count_columns() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("世界"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("世界世界", 5), "世界…");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn wraps_at_words() {
        assert_eq!(
            pieces("hello brave new world", 11, 11),
            ["hello brave", "new world"]
        );
        assert_eq!(
            pieces("hello brave new world", 8, 8),
            ["hello ", "brave ", "new ", "world"]
        );
        assert_eq!(pieces("abcdefghij", 4, 4), ["abcd", "efgh", "ij"]);
        assert_eq!(pieces("", 5, 5), [""]);
        assert_eq!(pieces("ab cd", 2, 3), ["ab", "cd"]);
    }

    #[test]
    fn wide_graphemes_never_split_or_overflow() {
        let rows = pieces("世界世界世", 5, 5);
        assert_eq!(rows, ["世界", "世界", "世"]);
        for r in &rows {
            assert!(width(r) <= 5);
        }
        // A width-2 glyph in a width-1 row still makes progress.
        assert_eq!(pieces("🎉🎉", 1, 1), ["🎉", "🎉"]);
        assert_eq!(pieces("abc", 0, 0), ["a", "b", "c"]);
    }
}
