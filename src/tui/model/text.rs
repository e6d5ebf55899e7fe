//! Text helpers for the screen: control-character sanitising, display width and word wrap.
//!
//! Everything here works on grapheme clusters and their display width (unicode-width), the same
//! unit ratatui uses for buffer cells, so emoji and CJK take the columns they really take.
//! Emoji whose width terminals disagree on are first put in a form every terminal draws the
//! same way ([`for_screen`]).

use p2pchat_engine::node::sanitize::is_unsafe_char;
use std::borrow::Cow;
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

/// Variation selector 16: "draw the character before as an emoji".
const VS16: char = '\u{fe0f}';
/// Zero width joiner, which glues emoji into one (ZWJ sequences).
const ZWJ: char = '\u{200d}';
/// A zero-width grapheme boundary (ratatui drops it, as it takes no cell).
const BOUNDARY: char = '\u{200b}';

fn is_skin_tone(c: char) -> bool {
    ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)
}

/// `text` in a form whose width every terminal agrees on, so that the cells ratatui reserves
/// are the cells the terminal draws (no stale cell beside an emoji, nothing drawn over):
/// - a narrow character made an emoji by VS16 (`❤️`, `☺️`, `1️⃣`): unicode-width and newer
///   terminals give it 2 columns, tmux 3.3a and many others 1. It becomes the character
///   without the selector followed by a space: 2 columns everywhere.
/// - an emoji with a skin tone (`👍🏽`): 2 columns where the terminal joins them, 4 where it
///   does not (tmux 3.3a), and ratatui reserves 2. The tone is split off into a cell of its
///   own (after a zero-width boundary): 4 columns everywhere, the tone shown beside the emoji.
///
/// - a ZWJ sequence with either of those in it (`👩🏽‍💻`, `🏳️‍🌈`): tmux 3.3a gives these 4 and 1
///   columns. Its parts are drawn side by side (each made safe as above, the joiner dropped).
///
/// Other ZWJ sequences (`👨‍👩‍👧`) are left whole: unicode-width and the terminals tried agree on
/// 2. Applying it twice changes nothing.
pub fn for_screen(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !text.graphemes(true).any(risky) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for g in text.graphemes(true) {
        if !risky(g) {
            out.push_str(g);
            continue;
        }
        for (i, part) in g.split(ZWJ).enumerate() {
            if i > 0 {
                out.push(BOUNDARY);
            }
            if part.contains(VS16) {
                let base: String = part.chars().filter(|&c| c != VS16).collect();
                let pad = part.width().saturating_sub(base.width());
                out.push_str(&base);
                out.extend(std::iter::repeat_n(' ', pad));
            } else {
                for (j, c) in part.chars().enumerate() {
                    if j > 0 && is_skin_tone(c) {
                        out.push(BOUNDARY);
                    }
                    out.push(c);
                }
            }
        }
    }
    Cow::Owned(out)
}

/// A grapheme whose width terminals disagree on: several characters with VS16 or a skin tone
/// after the first.
fn risky(g: &str) -> bool {
    g.chars().nth(1).is_some() && (g.contains(VS16) || g.chars().skip(1).any(is_skin_tone))
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
/// Applies [`for_screen`] first: every pane's text passes through here or [`for_screen`].
pub fn truncate(text: &str, max: usize) -> String {
    let text = &*for_screen(text);
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
    fn emoji_get_a_form_every_terminal_draws_alike() {
        assert_eq!(for_screen("I \u{2764}\u{fe0f} it"), "I \u{2764}  it");
        assert_eq!(width(&for_screen("\u{2764}\u{fe0f}")), 2);
        assert_eq!(for_screen("1\u{fe0f}\u{20e3}"), "1\u{20e3} ");
        let thumbs = for_screen("\u{1f44d}\u{1f3fd}!");
        assert_eq!(thumbs, "\u{1f44d}\u{200b}\u{1f3fd}!");
        assert_eq!(
            thumbs.graphemes(true).count(),
            4,
            "the tone has its own cell"
        );
        assert_eq!(width(&thumbs), 5);
        // Left alone: plain emoji, ZWJ sequences, flags, text; twice is once.
        for same in [
            "\u{1f44d}",
            "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
            "\u{1f1eb}\u{1f1f7}",
            "héllo",
        ] {
            assert!(matches!(for_screen(same), Cow::Borrowed(_)), "{same}");
        }
        assert_eq!(for_screen(&thumbs), thumbs);
        let coder = for_screen("\u{1f469}\u{1f3fd}\u{200d}\u{1f4bb}");
        assert_eq!(coder, "\u{1f469}\u{200b}\u{1f3fd}\u{200b}\u{1f4bb}");
        let flag = for_screen("\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}");
        assert_eq!(flag, "\u{1f3f3} \u{200b}\u{1f308}");
        assert_eq!((width(&coder), width(&flag)), (6, 4));
        assert_eq!(for_screen(&coder), coder);
        assert_eq!(
            truncate("\u{2764}\u{fe0f}\u{2764}\u{fe0f}", 3),
            "\u{2764} …"
        );
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
