//! Text from the network is shown to people: strip what could fool a terminal or a reader.

/// Replaces control characters (keeping `\n` and `\t` when `multiline`) and bidirectional
/// override characters with U+FFFD, so no escape sequence or reordering trick reaches a screen.
pub fn clean_text(s: &str, multiline: bool) -> String {
    s.chars()
        .map(|c| {
            let allowed_ws = multiline && (c == '\n' || c == '\t');
            if (c.is_control() && !allowed_ws) || is_bidi_control(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// A display name: one line, cleaned, trimmed, at most `max_chars` characters.
pub fn clean_name(s: &str, max_chars: usize) -> String {
    let cleaned = clean_text(s.trim(), false);
    cleaned.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bidi_are_neutralised() {
        assert_eq!(clean_text("a\x1b[2Jb", false), "a\u{FFFD}[2Jb");
        assert_eq!(clean_text("x\ny\tz", true), "x\ny\tz");
        assert_eq!(clean_text("x\ny", false), "x\u{FFFD}y");
        assert_eq!(clean_text("ab\u{202E}cd", true), "ab\u{FFFD}cd");
        assert_eq!(clean_name("  Bob\u{7}  ", 32), "Bob\u{FFFD}");
        assert_eq!(clean_name(&"é".repeat(40), 32).chars().count(), 32);
    }
}
