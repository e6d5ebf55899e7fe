//! Colours and text styles by role; with colour off (NO_COLOR) only modifiers remain, so
//! selection and focus still show through reverse video and bold.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::geometry::{self, Role, Styles};
use crate::tui::model::log::Mark;
use crate::tui::model::state::{AppState, Level};

/// Colours for peer names, chosen to be readable on dark and light backgrounds.
const PEER_COLOURS: [Color; geometry::PEER_COLOURS] = [
    Color::Cyan,
    Color::Green,
    Color::Yellow,
    Color::Magenta,
    Color::Blue,
    Color::LightRed,
    Color::LightCyan,
    Color::LightGreen,
    Color::LightMagenta,
    Color::LightBlue,
];

/// Styles by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    /// The theme the state chose (colour on or off).
    pub fn of(state: &AppState) -> Theme {
        Theme::new(state.color)
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn peer(&self, colour: u8) -> Style {
        self.fg(PEER_COLOURS[colour as usize % PEER_COLOURS.len()])
    }

    pub fn own_name(&self) -> Style {
        self.fg(Color::White).add_modifier(Modifier::BOLD)
    }

    pub fn timestamp(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn system(&self, level: Level) -> Style {
        match level {
            Level::Info => self.fg(Color::DarkGray).add_modifier(Modifier::DIM),
            Level::Warning => self.fg(Color::Yellow),
            Level::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    pub fn mark(&self, mark: Mark) -> Style {
        match mark {
            Mark::Verified => self.fg(Color::Green),
            Mark::Unverified => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Mark::Unsigned => self.fg(Color::Yellow),
        }
    }

    pub fn separator(&self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
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
            Style::new().fg(Color::Black).bg(Color::Gray)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn status(&self, level: Level) -> Style {
        let base = self.status_bar();
        match level {
            Level::Info => base.add_modifier(Modifier::BOLD),
            Level::Warning if self.color => base.fg(Color::Black).bg(Color::Yellow),
            Level::Error if self.color => base
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            _ => base.add_modifier(Modifier::BOLD),
        }
    }

    pub fn marker(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub fn approve(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn reject(&self) -> Style {
        self.fg(Color::Red)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn prompt(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
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
