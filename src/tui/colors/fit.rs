//! Pure colour mapping: every colour the theme uses, fitted to what the terminal can show
//! ([`fit`], [`fit_style`]), and the arithmetic to check that a colour is readable on a
//! background ([`rgb`], [`contrast`]).

use ratatui::style::{Color, Style};

use super::ColorDepth;

/// The 16 ANSI colours in order (index = SGR colour number), as ratatui names them.
const ANSI16: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// xterm's default RGB values for the 16 ANSI colours: the reference for readability checks.
const ANSI16_RGB: [(u8, u8, u8); 16] = [
    (0x00, 0x00, 0x00),
    (0xcd, 0x00, 0x00),
    (0x00, 0xcd, 0x00),
    (0xcd, 0xcd, 0x00),
    (0x00, 0x00, 0xee),
    (0xcd, 0x00, 0xcd),
    (0x00, 0xcd, 0xcd),
    (0xe5, 0xe5, 0xe5),
    (0x7f, 0x7f, 0x7f),
    (0xff, 0x00, 0x00),
    (0x00, 0xff, 0x00),
    (0xff, 0xff, 0x00),
    (0x5c, 0x5c, 0xff),
    (0xff, 0x00, 0xff),
    (0x00, 0xff, 0xff),
    (0xff, 0xff, 0xff),
];

fn ansi_index(c: Color) -> Option<usize> {
    ANSI16.iter().position(|a| *a == c)
}

/// The RGB value of a 256-palette index (xterm's cube and grey ramp above 15).
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI16_RGB[i as usize],
        16..=231 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            let n = i - 16;
            (level(n / 36), level((n / 6) % 6), level(n % 6))
        }
        _ => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
    }
}

/// The RGB a colour shows as on a terminal with xterm's defaults; `None` for `Reset` (the
/// terminal's own default, readable by definition).
pub fn rgb(c: Color) -> Option<(u8, u8, u8)> {
    match c {
        Color::Reset => None,
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i) => Some(indexed_rgb(i)),
        named => ansi_index(named).map(|i| ANSI16_RGB[i]),
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    let (r, g, b) = (d(a.0, b.0), d(a.1, b.1), d(a.2, b.2));
    r * r + g * g + b * b
}

/// The nearest of the 16 ANSI colours.
fn nearest_ansi16(c: (u8, u8, u8)) -> Color {
    let best = (0..16)
        .min_by_key(|&i| distance(ANSI16_RGB[i], c))
        .unwrap_or(7);
    ANSI16[best]
}

/// The nearest 256-palette index.
fn nearest_indexed(c: (u8, u8, u8)) -> Color {
    let best = (0..=255u8)
        .min_by_key(|&i| distance(indexed_rgb(i), c))
        .unwrap_or(7);
    Color::Indexed(best)
}

/// One of the 8 basic colours for one of the 16: the bright ones become their base colour,
/// white becomes grey (SGR 37), and dark grey, which 8-colour terminals do not have, the
/// terminal's default colour.
fn basic8(c: Color) -> Color {
    match c {
        Color::LightRed => Color::Red,
        Color::LightGreen => Color::Green,
        Color::LightYellow => Color::Yellow,
        Color::LightBlue => Color::Blue,
        Color::LightMagenta => Color::Magenta,
        Color::LightCyan => Color::Cyan,
        Color::White => Color::Gray,
        Color::DarkGray => Color::Reset,
        other => other,
    }
}

/// `c` as the terminal of `depth` can show it.
pub fn fit(c: Color, depth: ColorDepth) -> Color {
    if c == Color::Reset {
        return c;
    }
    let as16 = || match c {
        Color::Indexed(i) if i < 16 => ANSI16[i as usize],
        Color::Indexed(_) | Color::Rgb(..) => rgb(c).map_or(Color::Reset, nearest_ansi16),
        named => named,
    };
    match depth {
        ColorDepth::TrueColor => c,
        ColorDepth::Indexed256 => match c {
            Color::Rgb(r, g, b) => nearest_indexed((r, g, b)),
            other => other,
        },
        ColorDepth::Ansi16 => as16(),
        ColorDepth::Basic8 => basic8(as16()),
    }
}

/// `style` with each of its colours fitted to `depth`.
pub fn fit_style(style: Style, depth: ColorDepth) -> Style {
    Style {
        fg: style.fg.map(|c| fit(c, depth)),
        bg: style.bg.map(|c| fit(c, depth)),
        underline_color: style.underline_color.map(|c| fit(c, depth)),
        ..style
    }
}

/// Whether `c` is one of the 8 basic colours (or the default), all an 8-colour terminal has.
pub fn is_basic8(c: Color) -> bool {
    matches!(
        c,
        Color::Reset
            | Color::Black
            | Color::Red
            | Color::Green
            | Color::Yellow
            | Color::Blue
            | Color::Magenta
            | Color::Cyan
            | Color::Gray
    )
}

/// WCAG contrast ratio of two colours (1 to 21; 3 is the floor for bold text).
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let lin = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_colours_keep_only_the_basic_ones() {
        for depth_in in [
            Color::Rgb(250, 120, 10),
            Color::Indexed(202),
            Color::Indexed(9),
        ] {
            assert!(is_basic8(fit(depth_in, ColorDepth::Basic8)), "{depth_in:?}");
        }
        for c in ANSI16 {
            assert!(is_basic8(fit(c, ColorDepth::Basic8)), "{c:?}");
        }
        assert_eq!(fit(Color::LightCyan, ColorDepth::Basic8), Color::Cyan);
        assert_eq!(fit(Color::White, ColorDepth::Basic8), Color::Gray);
        assert_eq!(fit(Color::DarkGray, ColorDepth::Basic8), Color::Reset);
        assert_eq!(fit(Color::Reset, ColorDepth::Basic8), Color::Reset);
    }

    #[test]
    fn sixteen_and_256_colours_map_what_they_lack_to_the_nearest() {
        assert_eq!(
            fit(Color::Rgb(255, 0, 0), ColorDepth::Ansi16),
            Color::LightRed
        );
        assert_eq!(fit(Color::Indexed(4), ColorDepth::Ansi16), Color::Blue);
        assert_eq!(
            fit(Color::Indexed(196), ColorDepth::Ansi16),
            Color::LightRed
        );
        assert_eq!(fit(Color::LightBlue, ColorDepth::Ansi16), Color::LightBlue);
        assert_eq!(
            fit(Color::Rgb(0, 95, 175), ColorDepth::Indexed256),
            Color::Indexed(25)
        );
        assert_eq!(
            fit(Color::Indexed(25), ColorDepth::Indexed256),
            Color::Indexed(25)
        );
        assert_eq!(
            fit(Color::Rgb(1, 2, 3), ColorDepth::TrueColor),
            Color::Rgb(1, 2, 3)
        );
    }

    #[test]
    fn styles_fit_every_colour() {
        let s = Style::new().fg(Color::LightRed).bg(Color::White);
        let f = fit_style(s, ColorDepth::Basic8);
        assert_eq!((f.fg, f.bg), (Some(Color::Red), Some(Color::Gray)));
        assert_eq!(fit_style(Style::new(), ColorDepth::Basic8), Style::new());
    }

    #[test]
    fn contrast_matches_known_values() {
        let (black, white) = ((0, 0, 0), (255, 255, 255));
        assert!((contrast(black, white) - 21.0).abs() < 0.01);
        assert!((contrast(white, white) - 1.0).abs() < 0.01);
        // Pure yellow on white is famously unreadable; navy on white is fine.
        assert!(contrast((255, 255, 0), white) < 1.5);
        assert!(contrast((0, 0, 128), white) > 10.0);
        assert_eq!(rgb(Color::Reset), None);
        assert_eq!(rgb(Color::Indexed(16)), Some((0, 0, 0)));
        assert_eq!(rgb(Color::Indexed(231)), Some((255, 255, 255)));
        assert_eq!(rgb(Color::Indexed(232)), Some((8, 8, 8)));
    }
}
