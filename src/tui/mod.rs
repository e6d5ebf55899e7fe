//! The full-screen interactive front end (ratatui + crossterm).
//!
//! - [`model`]: the model: state, actions, key table, `update`/`apply` (pure, no clock).
//! - [`view`]: pure widgets; `view::draw(frame, &AppState)` does no I/O and reads no clock.
//! - [`run`]: the only part with I/O: terminal setup/restore ([`terminal`]) and the event loop.
//!
//! Choices worth knowing:
//! - The network is only ever `try_send`-ed to. A send that came from the input line clears the
//!   input only once it is queued ([`model::command_result`]); on `Busy` the text stays.
//! - The run loop drains every ready event, then draws once. Idle means no drawing: the 1 s tick
//!   redraws only while a proposal countdown runs or a status message expires.
//! - History scrolling pins the view to a (line, wrapped row) position, so arriving messages
//!   never move a scrolled-back view; only the lines on screen are wrapped, so a frame costs the
//!   same with 100 or 100,000 lines (see `benches/render.rs`).
//! - Everything from the network is sanitised before it is stored (control characters become
//!   visible symbols), and widths are measured per grapheme cluster with unicode-width.
//! - `NO_COLOR` turns colours off; focus and selection still show through bold/reverse video.

pub mod colors;
#[doc(hidden)]
pub mod fixtures;
pub mod geometry;
pub mod model;
pub mod run;
pub mod saved;
pub mod terminal;
pub mod view;

pub use model::state::TimeFormat;
pub use run::run;

use std::io::IsTerminal;

/// Settings for the interface.
#[derive(Clone, Debug)]
pub struct TuiOptions {
    /// Own name, id and fingerprint if already known (the `Ready` event brings them anyway).
    pub name: Option<String>,
    pub id: Option<String>,
    pub fingerprint: Option<String>,
    pub time_format: TimeFormat,
    /// Colours on; `false` keeps only bold/reverse/dim (see [`TuiOptions::color_from_env`]).
    pub color: bool,
    /// How many colours the terminal shows ([`colors::detect`]); the theme fits to it.
    pub color_depth: colors::ColorDepth,
    /// The terminal's background, which picks readable colours.
    pub background: colors::Background,
    /// Capture the mouse (clicks focus and select, the wheel scrolls the pane under it; the
    /// terminal's own selection then needs Shift, or the copy view, F2).
    pub mouse: bool,
    /// Lines of history kept in memory.
    pub history_limit: usize,
    /// When the terminal bell rings.
    pub bell: model::attention::BellMode,
    /// Desktop notifications through the terminal (OSC 777 / OSC 9).
    pub notify: bool,
    /// The file keeping the read point and input history across runs (`None`: nothing kept).
    pub saved_path: Option<std::path::PathBuf>,
}

impl Default for TuiOptions {
    fn default() -> TuiOptions {
        TuiOptions {
            name: None,
            id: None,
            fingerprint: None,
            time_format: TimeFormat::default(),
            color: TuiOptions::color_from_env(),
            color_depth: colors::ColorDepth::default(),
            background: colors::Background::default(),
            mouse: true,
            history_limit: 200_000,
            bell: model::attention::BellMode::default(),
            notify: false,
            saved_path: None,
        }
    }
}

impl TuiOptions {
    /// Colour unless `NO_COLOR` is set to a non-empty value (<https://no-color.org>).
    pub fn color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }
}

/// Whether standard output is a terminal (otherwise main should suggest `--headless`).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}
