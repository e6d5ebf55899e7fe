//! Colours and text styles by role; with colour off (NO_COLOR) only modifiers remain, so
//! selection and focus still show through reverse video and bold. Colours are chosen for the
//! terminal's background (dark or light) and fitted to its colour depth (8 colours get only
//! the 8 basic ones), so every style the view draws with comes through [`Theme`].

use ratatui::style::{Color, Modifier, Style};

use crate::tui::colors::fit::fit_style;
use crate::tui::colors::{Background, ColorDepth};
use crate::tui::geometry::{self, Role, Styles};
use crate::tui::model::log::Mark;
use crate::tui::model::state::{AppState, Level};

/// Peer name colours on a dark background: all readable on black (contrast 3 or more with
/// xterm's colours; checked by a test).
pub const DARK_PEER_COLOURS: [Color; geometry::PEER_COLOURS] = [
    Color::Cyan,
    Color::Green,
    Color::Yellow,
    Color::Magenta,
    Color::LightBlue,
    Color::LightRed,
    Color::LightCyan,
    Color::LightGreen,
    Color::LightMagenta,
    Color::LightYellow,
];

/// Peer name colours on a light background (256 colours and up): dark, saturated, readable on
/// white.
pub const LIGHT_PEER_COLOURS: [Color; geometry::PEER_COLOURS] = [
    Color::Indexed(25),
    Color::Indexed(28),
    Color::Indexed(124),
    Color::Indexed(90),
    Color::Indexed(130),
    Color::Indexed(30),
    Color::Indexed(54),
    Color::Indexed(94),
    Color::Indexed(161),
    Color::Indexed(240),
];

/// Peer name colours on a light background with 16 colours or fewer: the few of them that
/// are readable on white.
pub const LIGHT_PEER_COLOURS_16: [Color; geometry::PEER_COLOURS] = [
    Color::Blue,
    Color::Red,
    Color::Magenta,
    Color::LightBlue,
    Color::LightRed,
    Color::LightMagenta,
    Color::DarkGray,
    Color::Blue,
    Color::Red,
    Color::Magenta,
];

/// Styles by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub depth: ColorDepth,
    pub background: Background,
}

impl Theme {
    /// Colours on a dark background at 16 colours (`color: false` for none).
    pub fn new(color: bool) -> Theme {
        Theme {
            color,
            depth: ColorDepth::Ansi16,
            background: Background::Dark,
        }
    }

    /// The theme the state chose: colour on or off, the terminal's depth and background.
    pub fn of(state: &AppState) -> Theme {
        Theme {
            color: state.color,
            depth: state.color_depth,
            background: state.background,
        }
    }

    /// `dark` on a dark background, `light` on a light one.
    fn pick(&self, dark: Color, light: Color) -> Color {
        match self.background {
            Background::Dark => dark,
            Background::Light => light,
        }
    }

    /// A style with colours, fitted to the terminal; only the modifiers when colour is off.
    fn fit(&self, style: Style) -> Style {
        if self.color {
            fit_style(style, self.depth)
        } else {
            Style {
                fg: None,
                bg: None,
                underline_color: None,
                ..style
            }
        }
    }

    fn fg(&self, c: Color) -> Style {
        self.fit(Style::new().fg(c))
    }

    /// The colour of the headline things (focused border, prompt, keys in help).
    fn accent(&self) -> Color {
        self.pick(Color::Cyan, Color::Blue)
    }

    fn warning_colour(&self) -> Color {
        self.pick(Color::Yellow, Color::Magenta)
    }

    fn ok_colour(&self) -> Color {
        self.pick(Color::Green, Color::Indexed(28))
    }

    /// The palette peer names cycle through on this terminal.
    pub fn peer_colours(&self) -> &'static [Color; geometry::PEER_COLOURS] {
        match (self.background, self.depth) {
            (Background::Dark, _) => &DARK_PEER_COLOURS,
            (Background::Light, ColorDepth::Indexed256 | ColorDepth::TrueColor) => {
                &LIGHT_PEER_COLOURS
            }
            (Background::Light, _) => &LIGHT_PEER_COLOURS_16,
        }
    }

    pub fn peer(&self, colour: u8) -> Style {
        let palette = self.peer_colours();
        self.fg(palette[colour as usize % palette.len()])
    }

    /// Your own name: bold in the terminal's own text colour, readable on any background.
    pub fn own_name(&self) -> Style {
        self.fg(Color::Reset).add_modifier(Modifier::BOLD)
    }

    pub fn timestamp(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn system(&self, level: Level) -> Style {
        match level {
            Level::Info => self.fg(Color::DarkGray).add_modifier(Modifier::DIM),
            Level::Warning => self.fg(self.warning_colour()),
            Level::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    pub fn mark(&self, mark: Mark) -> Style {
        match mark {
            Mark::Verified => self.fg(self.ok_colour()),
            Mark::Unverified => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Mark::Unsigned => self.fg(self.warning_colour()),
        }
    }

    pub fn separator(&self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(self.accent()).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    pub fn title(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn offline(&self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    }

    pub fn status_bar(&self) -> Style {
        if self.color {
            self.fit(Style::new().fg(Color::Black).bg(Color::Gray))
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn status(&self, level: Level) -> Style {
        let base = self.status_bar();
        match level {
            Level::Info => base.add_modifier(Modifier::BOLD),
            Level::Warning if self.color => self.fit(base.fg(Color::Black).bg(Color::Yellow)),
            Level::Error if self.color => self.fit(
                base.fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(Modifier::BOLD),
            ),
            _ => base.add_modifier(Modifier::BOLD),
        }
    }

    pub fn marker(&self) -> Style {
        self.fg(self.warning_colour())
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub fn approve(&self) -> Style {
        self.fg(self.ok_colour())
    }

    pub fn reject(&self) -> Style {
        self.fg(Color::Red)
    }

    pub fn key(&self) -> Style {
        self.fg(self.accent()).add_modifier(Modifier::BOLD)
    }

    pub fn prompt(&self) -> Style {
        self.fg(self.accent()).add_modifier(Modifier::BOLD)
    }

    /// A line naming the user: bold on a highlight without colour too (underlined).
    pub fn mention(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn read_marker(&self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }
}

impl Styles for Theme {
    fn style(&self, role: Role) -> Style {
        match role {
            Role::Separator => self.separator(),
            Role::Timestamp => self.timestamp(),
            Role::Mark(mark) => self.mark(mark),
            Role::System(level) => self.system(level),
            Role::OwnName => self.own_name(),
            Role::Peer(colour) => self.peer(colour),
            Role::Key => self.key(),
            Role::Title => self.title(false),
            Role::Mention => self.mention(),
            Role::Action => Style::new().add_modifier(Modifier::ITALIC),
            Role::ReadMarker => self.read_marker(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::colors::fit::{contrast, is_basic8, rgb};

    const BLACK: (u8, u8, u8) = (0, 0, 0);
    const WHITE: (u8, u8, u8) = (255, 255, 255);

    fn theme(background: Background, depth: ColorDepth) -> Theme {
        Theme {
            color: true,
            depth,
            background,
        }
    }

    /// The contrast of a style's foreground against `bg`; the default colour counts as fine.
    fn readable(style: Style, bg: (u8, u8, u8)) -> f64 {
        style.fg.and_then(rgb).map_or(21.0, |fg| contrast(fg, bg))
    }

    #[test]
    fn own_and_peer_names_are_readable_on_dark_and_light_backgrounds() {
        for (background, bg) in [(Background::Dark, BLACK), (Background::Light, WHITE)] {
            for depth in [
                ColorDepth::Ansi16,
                ColorDepth::Indexed256,
                ColorDepth::TrueColor,
            ] {
                let t = theme(background, depth);
                let own = readable(t.own_name(), bg);
                assert!(own >= 4.5, "own name on {background:?}/{depth:?}: {own:.2}");
                for i in 0..geometry::PEER_COLOURS as u8 {
                    let c = readable(t.peer(i), bg);
                    assert!(
                        c >= 3.0,
                        "peer colour {i} on {background:?}/{depth:?}: {c:.2}"
                    );
                }
                for style in [t.key(), t.system(Level::Warning), t.mark(Mark::Unsigned)] {
                    let c = readable(style, bg);
                    assert!(c >= 3.0, "{style:?} on {background:?}/{depth:?}: {c:.2}");
                }
            }
        }
    }

    #[test]
    fn eight_colour_terminals_get_only_basic_colours() {
        for background in [Background::Dark, Background::Light] {
            let t = theme(background, ColorDepth::Basic8);
            let mut styles = vec![
                t.own_name(),
                t.timestamp(),
                t.separator(),
                t.border(true),
                t.border(false),
                t.offline(),
                t.status_bar(),
                t.marker(),
                t.approve(),
                t.reject(),
                t.key(),
                t.prompt(),
            ];
            for level in [Level::Info, Level::Warning, Level::Error] {
                styles.push(t.system(level));
                styles.push(t.status(level));
            }
            for mark in [Mark::Verified, Mark::Unverified, Mark::Unsigned] {
                styles.push(t.mark(mark));
            }
            styles.extend((0..geometry::PEER_COLOURS as u8).map(|i| t.peer(i)));
            for s in styles {
                for c in [s.fg, s.bg].into_iter().flatten() {
                    assert!(is_basic8(c), "{c:?} in {s:?} on {background:?}");
                }
            }
        }
    }

    #[test]
    fn no_colour_keeps_only_modifiers() {
        let t = Theme::new(false);
        assert_eq!(t.status_bar().fg, None);
        assert_eq!(t.own_name(), Style::new().add_modifier(Modifier::BOLD));
        assert!(t.selected(true).add_modifier.contains(Modifier::REVERSED));
    }
}
