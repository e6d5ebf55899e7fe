//! Reads the `colors` number (max_colors) from a compiled terminfo entry: the one fact the
//! interface needs from terminfo. The parser is pure; [`colors_for`] finds the file.

use std::path::PathBuf;

/// Magic numbers: 16-bit numbers (the classic format) and 32-bit numbers (ncurses 6.1+).
const MAGIC_16: u16 = 0o432;
const MAGIC_32: u16 = 0o1036;
/// The index of `colors` among terminfo's numeric capabilities (term.h: max_colors).
const MAX_COLORS_INDEX: usize = 13;

fn short(bytes: &[u8], at: usize) -> Option<i16> {
    let b = bytes.get(at..at + 2)?;
    Some(i16::from_le_bytes([b[0], b[1]]))
}

/// The `colors` capability of a compiled terminfo entry; `None` when the entry does not
/// have it (or is not a terminfo entry). Never panics on any input.
pub fn max_colors(bytes: &[u8]) -> Option<i32> {
    let magic = short(bytes, 0)? as u16;
    let number_size = match magic {
        MAGIC_16 => 2,
        MAGIC_32 => 4,
        _ => return None,
    };
    let count = |i: usize| -> Option<usize> { usize::try_from(short(bytes, 2 * i)?).ok() };
    let (names, bools, numbers) = (count(1)?, count(2)?, count(3)?);
    if MAX_COLORS_INDEX >= numbers {
        return None;
    }
    let mut at = 12 + names + bools;
    at += at % 2; // the numbers start on an even byte
    let at = at + MAX_COLORS_INDEX * number_size;
    let value = match number_size {
        2 => i32::from(short(bytes, at)?),
        _ => i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?),
    };
    (value >= 0).then_some(value)
}

/// Where terminfo entries for `term` may be, in the order ncurses looks.
fn candidates(term: &str) -> Vec<PathBuf> {
    let Some(first) = term.chars().next() else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("TERMINFO") {
        dirs.push(d.into());
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".terminfo"));
    }
    if let Some(list) = std::env::var_os("TERMINFO_DIRS") {
        dirs.extend(std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()));
    }
    for d in [
        "/etc/terminfo",
        "/lib/terminfo",
        "/usr/share/terminfo",
        "/usr/lib/terminfo",
    ] {
        dirs.push(d.into());
    }
    let hex = format!("{:x}", first as u32);
    dirs.iter()
        .flat_map(|d| {
            [
                d.join(first.to_string()).join(term),
                d.join(&hex).join(term),
            ]
        })
        .collect()
}

/// The `colors` of `term`'s terminfo entry, if one is installed and says.
pub fn colors_for(term: &str) -> Option<i32> {
    if term.contains('/') || term.contains("..") {
        return None;
    }
    candidates(term)
        .into_iter()
        .find_map(|p| std::fs::read(p).ok())
        .and_then(|bytes| max_colors(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal compiled entry: header, names, `bools` booleans, numbers with `colors` at 13.
    fn entry(magic: u16, bools: usize, colors: i32) -> Vec<u8> {
        let names = b"x|test\0";
        let size = if magic == MAGIC_32 { 4 } else { 2 };
        let mut out = Vec::new();
        for v in [magic as i16, names.len() as i16, bools as i16, 15, 0, 0] {
            out.extend(v.to_le_bytes());
        }
        out.extend(names);
        out.extend(std::iter::repeat_n(1u8, bools));
        if out.len() % 2 == 1 {
            out.push(0);
        }
        for i in 0..15 {
            let v = if i == MAX_COLORS_INDEX { colors } else { -1 };
            out.extend(&v.to_le_bytes()[..size]);
        }
        out
    }

    #[test]
    fn reads_colors_in_both_formats_and_with_odd_padding() {
        assert_eq!(max_colors(&entry(MAGIC_16, 3, 8)), Some(8));
        assert_eq!(max_colors(&entry(MAGIC_16, 4, 256)), Some(256));
        assert_eq!(
            max_colors(&entry(MAGIC_32, 5, 16_777_216)),
            Some(16_777_216)
        );
        assert_eq!(max_colors(&entry(MAGIC_16, 2, -1)), None, "absent");
    }

    #[test]
    fn garbage_is_none_never_a_panic() {
        assert_eq!(max_colors(b""), None);
        assert_eq!(max_colors(b"\x1a\x01"), None);
        let mut cut = entry(MAGIC_16, 3, 8);
        cut.truncate(30);
        assert_eq!(max_colors(&cut), None);
        for n in 0..64u8 {
            let noise: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37) ^ n).collect();
            let _ = max_colors(&noise);
        }
        assert_eq!(colors_for("../etc/passwd"), None);
    }

    #[test]
    fn the_installed_xterm_entry_has_8_colours_where_present() {
        // Debian's ncurses-base installs it; elsewhere there is nothing to check.
        if let Some(n) = colors_for("xterm") {
            assert_eq!(n, 8);
        }
        if let Some(n) = colors_for("xterm-256color") {
            assert_eq!(n, 256);
        }
    }
}
