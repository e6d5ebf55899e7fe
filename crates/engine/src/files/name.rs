//! File names from the network made safe to write: one plain component, no separators, no
//! `..`, no control or bidi characters, no Windows device names, bounded length; and the
//! `name (1).ext` numbering that keeps an existing file from being overwritten.

use crate::limits::MAX_FILE_NAME_BYTES;
use crate::node::sanitize::is_unsafe_char;

/// Windows' reserved device names (with or without an extension, any case).
const DEVICE_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// What an offered name becomes on disk: every separator (`/`, `\`), Windows-reserved
/// character (`:*?"<>|`), control, bidi or other unsafe character becomes `_`; leading dots
/// and spaces and trailing dots and spaces are removed (so never `.`, `..` or a hidden file);
/// a device name gets a `_` in front; the result is cut to [`MAX_FILE_NAME_BYTES`] keeping
/// the extension; an empty result is `file`.
pub fn sanitize_file_name(offered: &str) -> String {
    let replaced: String = offered
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                || c.is_control()
                || is_unsafe_char(c)
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = replaced
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let mut name = if trimmed.is_empty() {
        "file".to_string()
    } else {
        trimmed.to_string()
    };
    let stem = name.split('.').next().unwrap_or("").to_ascii_lowercase();
    if DEVICE_NAMES.contains(&stem.trim_end()) {
        name.insert(0, '_');
    }
    cut_keeping_extension(&name, MAX_FILE_NAME_BYTES)
}

/// Splits `name` into stem and extension (with its dot); a name without a dot, or whose only
/// dot is its first character, has no extension.
fn split_extension(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(at) if at > 0 && name.len() - at <= 16 => name.split_at(at),
        _ => (name, ""),
    }
}

fn cut_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn cut_keeping_extension(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, ext) = split_extension(name);
    format!("{}{ext}", cut_at_char(stem, max.saturating_sub(ext.len())))
}

/// The `n`th alternative to `name` when it exists: `report.pdf` → `report (1).pdf`. Still
/// within [`MAX_FILE_NAME_BYTES`].
pub fn numbered_name(name: &str, n: u32) -> String {
    if n == 0 {
        return name.to_string();
    }
    let (stem, ext) = split_extension(name);
    let suffix = format!(" ({n}){ext}");
    format!(
        "{}{suffix}",
        cut_at_char(stem, MAX_FILE_NAME_BYTES.saturating_sub(suffix.len()))
    )
}

/// The suffix of a partial download beside its target.
pub const PART_SUFFIX: &str = ".p2pchat-part";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_one_plain_component() {
        for (offered, expect) in [
            ("../../etc/passwd", "_.._etc_passwd"),
            ("..", "file"),
            (".", "file"),
            ("", "file"),
            (".bashrc", "bashrc"),
            ("a/b\\c", "a_b_c"),
            ("C:\\Windows\\x.dll", "C__Windows_x.dll"),
            ("bell\u{7}\u{1b}[31m.txt", "bell__[31m.txt"),
            ("evil\u{202e}gpj.exe", "evil_gpj.exe"),
            ("CON", "_CON"),
            ("nul.txt", "_nul.txt"),
            ("com1.tar.gz", "_com1.tar.gz"),
            ("report. ", "report"),
            ("ok name.pdf", "ok name.pdf"),
        ] {
            assert_eq!(sanitize_file_name(offered), expect, "for {offered:?}");
        }
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension_and_char_boundaries() {
        let long = format!("{}.tar", "é".repeat(300));
        let cut = sanitize_file_name(&long);
        assert!(cut.len() <= MAX_FILE_NAME_BYTES);
        assert!(cut.ends_with(".tar"));
        let numbered = numbered_name(&cut, 12);
        assert!(numbered.len() <= MAX_FILE_NAME_BYTES);
        assert!(numbered.ends_with(" (12).tar"));
    }

    #[test]
    fn numbering_goes_before_the_extension() {
        assert_eq!(numbered_name("report.pdf", 1), "report (1).pdf");
        assert_eq!(numbered_name("README", 2), "README (2)");
        assert_eq!(numbered_name("x.pdf", 0), "x.pdf");
    }
}
