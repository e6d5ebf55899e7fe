//! Colour capability and background of the terminal: how many colours it can show
//! ([`ColorDepth`], detected by [`detect`] from the environment and terminfo) and whether its
//! background is dark or light ([`Background`]). The view's theme fits every colour it uses
//! to these with the pure functions in [`fit`].

pub mod detect;
pub mod fit;
pub mod terminfo;

pub use detect::detect;

/// How many colours the terminal shows. Ordered: a deeper terminal shows everything a
/// shallower one does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColorDepth {
    /// The 8 basic colours (SGR 30–37/40–47): `TERM=xterm`, `screen`, `linux`.
    Basic8,
    /// The 16 ANSI colours (adds the bright ones, SGR 90–97).
    #[default]
    Ansi16,
    /// The 256-colour palette (`xterm-256color`).
    Indexed256,
    /// 24-bit RGB (`COLORTERM=truecolor`).
    TrueColor,
}

/// The terminal's background, which decides which colours are readable on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Background {
    #[default]
    Dark,
    Light,
}
