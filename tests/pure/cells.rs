//! Emoji cells (#13 item 5): every cell the view writes holds a grapheme whose width all
//! terminals agree on, so no terminal leaves a stale cell beside it or draws over the next.
//! tmux 3.3a gives `❤️` one column (ratatui reserved two: the second kept an older frame's
//! character) and `👍🏽` four (ratatui reserved two: the next cell was drawn over the tone).

use super::fixtures::*;
use ratatui::buffer::Buffer;

/// Graphemes whose width terminals disagree on: a VS16 presentation of a narrow character,
/// or an emoji with a skin tone in one cell, alone or in a ZWJ sequence.
fn ambiguous(symbol: &str) -> bool {
    let chars: Vec<char> = symbol.chars().collect();
    chars.len() > 1
        && (chars.contains(&'\u{fe0f}')
            || chars[1..]
                .iter()
                .any(|c| ('\u{1f3fb}'..='\u{1f3ff}').contains(c)))
}

fn ambiguous_cells(buf: &Buffer) -> Vec<(u16, u16, String)> {
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let sym = buf[(x, y)].symbol();
            if ambiguous(sym) {
                out.push((x, y, sym.to_string()));
            }
        }
    }
    out
}

#[test]
fn emoji_cells_have_one_width_everywhere() {
    let mut s = state(60, 14, false);
    ready(&mut s);
    online(&mut s, "b0b0b0b0", "Bob ❤️", "b0b0");
    let mut t = Terminal::new(TestBackend::new(60, 14)).unwrap();
    // An earlier frame full of letters, then lines with emoji drawn over it.
    for i in 0..8 {
        msg(
            &mut s,
            "b0b0b0b0",
            "Bob ❤️",
            &"abcdefghij".repeat(4),
            true,
            T0 + i,
        );
    }
    t.draw(|f| view::draw(f, &s)).unwrap();
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob ❤️",
        "I ❤️ it, 👍🏽 ok ☺️ 1️⃣",
        true,
        T0 + 10,
    );
    msg(
        &mut s,
        "b0b0b0b0",
        "Bob ❤️",
        "family 👨‍👩‍👧 flag 🇫🇷 plain 👍 coder 👩🏽‍💻 🏳️‍🌈",
        true,
        T0 + 11,
    );
    t.draw(|f| view::draw(f, &s)).unwrap();
    assert_eq!(ambiguous_cells(t.backend().buffer()), vec![]);
    insta::assert_snapshot!(text(&t));
}
