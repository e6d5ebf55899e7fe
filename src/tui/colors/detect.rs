//! Which [`ColorDepth`] and [`Background`] the terminal has, from `TERM`, `COLORTERM`,
//! `COLORFGBG` and terminfo's `colors`. The decisions are pure functions of those values;
//! [`detect`] and [`background_from_env`] only read them.

use super::{terminfo, Background, ColorDepth};

/// What the environment says about the terminal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TermEnv<'a> {
    pub term: Option<&'a str>,
    pub colorterm: Option<&'a str>,
    /// terminfo's `colors` for `term`, if an entry was found.
    pub terminfo_colors: Option<i32>,
}

/// Terminal names known to show 8 colours, for systems without their terminfo entry.
const EIGHT_COLOUR_TERMS: &[&str] = &[
    "xterm",
    "screen",
    "tmux",
    "linux",
    "ansi",
    "rxvt",
    "vt220",
    "cons25",
    "putty",
    "xterm-color",
];

/// The colour depth `env` describes.
///
/// `COLORTERM=truecolor` (or `24bit`) means RGB whatever `TERM` says; a `TERM` naming
/// `256color` or `direct` means that many; otherwise terminfo's `colors` decides, and without
/// an entry a few well-known 8-colour names do. Anything else gets the 16 ANSI colours.
pub fn depth(env: &TermEnv) -> ColorDepth {
    let colorterm = env.colorterm.unwrap_or("").to_ascii_lowercase();
    if colorterm == "truecolor" || colorterm == "24bit" {
        return ColorDepth::TrueColor;
    }
    let term = env.term.unwrap_or("");
    if term.ends_with("-direct") {
        return ColorDepth::TrueColor;
    }
    if term.contains("256color") {
        return ColorDepth::Indexed256;
    }
    match env.terminfo_colors {
        Some(n) if n >= 1 << 24 => ColorDepth::TrueColor,
        Some(n) if n >= 256 => ColorDepth::Indexed256,
        Some(n) if n >= 16 => ColorDepth::Ansi16,
        Some(_) => ColorDepth::Basic8,
        None if EIGHT_COLOUR_TERMS.contains(&term) => ColorDepth::Basic8,
        None => ColorDepth::Ansi16,
    }
}

/// The colour depth of the terminal this process runs in.
pub fn detect() -> ColorDepth {
    let term = std::env::var("TERM").ok();
    let colorterm = std::env::var("COLORTERM").ok();
    let terminfo_colors = term.as_deref().and_then(terminfo::colors_for);
    depth(&TermEnv {
        term: term.as_deref(),
        colorterm: colorterm.as_deref(),
        terminfo_colors,
    })
}

/// The background `COLORFGBG` (`"fg;bg"`, set by rxvt, Konsole and others) names: colours 0–6
/// and 8 are dark, 7 and 9–15 light. `None` when it is absent or says nothing usable.
pub fn background_from_colorfgbg(value: Option<&str>) -> Option<Background> {
    let bg: u8 = value?.rsplit(';').next()?.trim().parse().ok()?;
    match bg {
        0..=6 | 8 => Some(Background::Dark),
        7 | 9..=15 => Some(Background::Light),
        _ => None,
    }
}

/// The background the environment says, dark when it does not say.
pub fn background_from_env() -> Background {
    background_from_colorfgbg(std::env::var("COLORFGBG").ok().as_deref()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(term: &'a str, colorterm: Option<&'a str>, colors: Option<i32>) -> TermEnv<'a> {
        TermEnv {
            term: Some(term),
            colorterm,
            terminfo_colors: colors,
        }
    }

    #[test]
    fn xterm_and_other_8_colour_terminals_get_8_colours() {
        assert_eq!(depth(&env("xterm", None, Some(8))), ColorDepth::Basic8);
        assert_eq!(depth(&env("xterm", None, None)), ColorDepth::Basic8);
        assert_eq!(depth(&env("screen", None, Some(8))), ColorDepth::Basic8);
        assert_eq!(depth(&env("linux", None, None)), ColorDepth::Basic8);
        assert_eq!(depth(&env("vt100", None, Some(0))), ColorDepth::Basic8);
        // COLORTERM other than truecolor says nothing about the count.
        assert_eq!(
            depth(&env("xterm", Some("yes"), Some(8))),
            ColorDepth::Basic8
        );
    }

    #[test]
    fn richer_terminals_say_so() {
        assert_eq!(
            depth(&env("xterm-256color", None, Some(256))),
            ColorDepth::Indexed256
        );
        assert_eq!(
            depth(&env("xterm-256color", None, None)),
            ColorDepth::Indexed256
        );
        assert_eq!(
            depth(&env("xterm", Some("truecolor"), Some(8))),
            ColorDepth::TrueColor
        );
        assert_eq!(
            depth(&env("foot", Some("24bit"), None)),
            ColorDepth::TrueColor
        );
        assert_eq!(
            depth(&env("xterm-direct", None, None)),
            ColorDepth::TrueColor
        );
        assert_eq!(
            depth(&env("xterm-16color", None, Some(16))),
            ColorDepth::Ansi16
        );
        assert_eq!(
            depth(&env("kitty", None, Some(256))),
            ColorDepth::Indexed256
        );
        assert_eq!(depth(&env("unknown-term", None, None)), ColorDepth::Ansi16);
        assert_eq!(depth(&TermEnv::default()), ColorDepth::Ansi16);
    }

    #[test]
    fn colorfgbg_names_the_background() {
        assert_eq!(
            background_from_colorfgbg(Some("15;0")),
            Some(Background::Dark)
        );
        assert_eq!(
            background_from_colorfgbg(Some("0;15")),
            Some(Background::Light)
        );
        assert_eq!(
            background_from_colorfgbg(Some("0;default;7")),
            Some(Background::Light)
        );
        assert_eq!(
            background_from_colorfgbg(Some("12;8")),
            Some(Background::Dark)
        );
        assert_eq!(background_from_colorfgbg(Some("garbage")), None);
        assert_eq!(background_from_colorfgbg(Some("0;200")), None);
        assert_eq!(background_from_colorfgbg(None), None);
    }
}
