//! Text from the network is shown to people: strip what could fool a terminal or a reader.

/// Replaces control characters (keeping `\n` and `\t` when `multiline`) and bidirectional
/// override characters with U+FFFD, so no escape sequence or reordering trick reaches a screen.
pub fn clean_text(s: &str, multiline: bool) -> String {
    s.chars()
        .map(|c| {
            let allowed_ws = multiline && (c == '\n' || c == '\t');
            if is_unsafe_char(c) && !allowed_ws {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// The one rule for what must never reach a terminal as it is, shared by everything that
/// shows text (the interface's display pass uses it too): Unicode control characters (C0, DEL,
/// C1), the bidirectional marks, embeddings, overrides and isolates, and the line and paragraph
/// separators (a terminal would break the line where the layout did not).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// A display name: one line, cleaned, trimmed, at most `max_chars` characters.
pub fn clean_name(s: &str, max_chars: usize) -> String {
    let cleaned = clean_text(s.trim(), false);
    cleaned.chars().take(max_chars).collect()
}

/// The form of a name used only to compare names, never shown: two names that a reader could
/// take for each other fold to the same string. Default-ignorable and other format characters
/// (zero-width space and joiner, soft hyphen, bidi marks), whitespace and U+FFFD are dropped;
/// then NFKC (fullwidth and other compatibility forms), and the Unicode confusable skeleton
/// (UTS #39: Cyrillic `а` is Latin `a`) taken of the upper case (so `В` is `B`, and `I` and
/// `l` are one letter) and again of the lower case (so `һ` is `h`); combining marks dropped.
pub fn fold_name(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let upper = s
        .chars()
        .filter(|&c| !is_invisible(c) && !c.is_whitespace() && c != '\u{FFFD}')
        .nfkc()
        .collect::<String>()
        .to_uppercase();
    let lower = unicode_security::skeleton(&upper)
        .collect::<String>()
        .to_lowercase();
    unicode_security::skeleton(&lower)
        .collect::<String>()
        .nfd()
        .filter(|&c| !is_combining_mark(c) && !is_invisible(c) && !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Characters that draw nothing: default-ignorable code points (Unicode's derived property,
/// the ranges that occur in names) and the remaining format (Cf) characters.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}'
            | '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' | '\u{08E2}'
            | '\u{110BD}' | '\u{110CD}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thirteen ways to imitate "Alice" (the look-alikes of issue #10), and names that differ.
    #[test]
    fn look_alike_names_fold_to_the_same_string() {
        let alike = [
            "alice",                 // case
            "ALICE",                 // case
            "Аlice",                 // Cyrillic capital A
            "Alicе",                 // Cyrillic small ie
            "Аliсе",                 // Cyrillic A, es, ie
            "Ａｌｉｃｅ",            // fullwidth
            "Ali\u{200B}ce",         // zero-width space
            "Al\u{200D}ice",         // zero-width joiner
            "Ali\u{00AD}ce",         // soft hyphen
            "Alic\u{0301}e",         // combining acute
            "A\u{0308}lice",         // combining diaeresis
            "\u{200E}Alice\u{FEFF}", // bidi mark and BOM
            "Αlice",                 // Greek capital alpha
        ];
        let me = fold_name("Alice");
        for name in alike {
            assert_eq!(
                fold_name(name),
                me,
                "{name:?} ({}) should fold like Alice",
                name.escape_unicode()
            );
        }
        assert_eq!(fold_name("Bоb"), fold_name("bob")); // Cyrillic o
        assert_eq!(fold_name("Вob"), fold_name("Bob")); // Cyrillic capital ve
        assert_eq!(fold_name("AIice"), me); // capital I for small L
        assert_eq!(fold_name("ALİCE"), me); // dotted capital I
        for other in ["Alicia", "Bob", "Al", "Malice"] {
            assert_ne!(fold_name(other), me, "{other}");
        }
        assert_eq!(fold_name("\u{200B}\u{00AD}"), "");
    }

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
