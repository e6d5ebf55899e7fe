//! The copy view: the history's lines as plain text written straight to the terminal, with no
//! borders, no side panes and no hard wrap. The terminal wraps long lines itself and marks
//! them as wrapped, so its selection (and `tmux capture-pane -J`) copies each line whole,
//! URLs included. Pure: [`frame`] returns the bytes; the run loop writes them.

use crate::tui::geometry::copy::{view_size, visible_lines};
use crate::tui::model::state::AppState;
use crate::tui::model::text::{truncate, width};

/// The title row: how to select, how to leave.
pub const TITLE: &str = " copy view · select with the mouse · any key returns ";
/// The title on a screen too narrow for [`TITLE`].
pub const SHORT_TITLE: &str = " copy view · any key returns ";

/// SGR reset, cursor home, clear the screen.
const CLEAR: &str = "\x1b[0m\x1b[H\x1b[2J";
const REVERSE: &str = "\x1b[7m";
const RESET: &str = "\x1b[0m";

/// The whole copy view for `state` as terminal output: the title row in reverse video, then
/// each visible line after a CR LF (the last one without, so the screen never scrolls).
pub fn frame(state: &AppState) -> String {
    let (cols, height) = view_size(state);
    let mut out = String::from(CLEAR);
    out.push_str(REVERSE);
    let title = if width(TITLE) <= cols {
        TITLE
    } else {
        SHORT_TITLE
    };
    out.push_str(&truncate(title, cols));
    out.push_str(RESET);
    let lines = if state.log.is_empty() {
        vec!["No messages yet.".to_string()]
    } else {
        visible_lines(state, cols, height)
    };
    for line in lines {
        out.push_str("\r\n");
        // History is sanitised when it arrives; this is written to the terminal unfiltered by
        // ratatui, so no control character gets through here either.
        out.extend(
            line.chars()
                .map(|c| if c.is_control() { '\u{FFFD}' } else { c }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::model::log::{ChatLine, LineKind};
    use crate::tui::model::state::{Level, Now};
    use crate::tui::TuiOptions;

    #[test]
    fn no_control_character_reaches_the_terminal() {
        let mut s = AppState::new(&TuiOptions::default(), Now::utc(0));
        s.log.push(ChatLine {
            ts: 0,
            kind: LineKind::System {
                text: "clear\x1b[2J bell\x07 c1\u{9b}31m".into(),
                level: Level::Info,
                selectable: None,
            },
        });
        let out = frame(&s);
        let body = out.strip_prefix(CLEAR).unwrap();
        let visible: String = body
            .replace(REVERSE, "")
            .replace(RESET, "")
            .replace("\r\n", "");
        assert!(!visible.chars().any(char::is_control), "{visible:?}");
        assert!(visible.contains("clear\u{FFFD}[2J bell\u{FFFD} c1\u{FFFD}31m"));
    }
}
