//! What the input line is waiting for: a second Ctrl-C, a command whose error should give its
//! text back, a `/history` the user typed, and a paste too large for one message.

use super::apply::system;
use super::input::{clean_input, PasteTooLarge, MAX_INPUT_BYTES};
use super::log::View;
use super::state::{AppState, Level};
use super::update::Effect;

/// How long after a first Ctrl-C on an empty line a second one quits.
pub const QUIT_CONFIRM_MS: i64 = 3_000;
/// How long after a command is queued an error from the network gives its text back.
pub const RESTORE_MS: i64 = 5_000;
/// The most messages one paste is split into; larger pastes are refused.
pub const MAX_PASTE_PARTS: usize = 16;

/// Waiting states of the input line (all off by default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// Unix ms until which a second Ctrl-C on an empty line quits.
    pub quit_until_ms: Option<i64>,
    /// The last command line queued and when: an `Error` soon after puts it back.
    pub sent_command: Option<(String, i64)>,
    /// The user typed `/history`: an empty answer is said out loud.
    pub history_asked: bool,
    /// The user typed `/rooms`: the next room list is shown as a line.
    pub rooms_asked: bool,
    /// A paste over [`MAX_INPUT_BYTES`], split into messages, waiting for Enter or Esc.
    pub paste: Option<SplitPaste>,
}

/// A paste cut into messages that each fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitPaste {
    pub parts: Vec<String>,
    pub bytes: usize,
    pub lines: usize,
}

impl SplitPaste {
    /// The prompt shown while the paste waits (the whole text, wrapped by the view).
    pub fn prompt(&self) -> String {
        format!(
            "The paste is {} lines, {} KiB; a message holds at most {} KiB. Enter sends it as {} \
             messages, in order; Esc drops the paste and keeps editing.",
            self.lines,
            self.bytes.div_ceil(1024),
            MAX_INPUT_BYTES / 1024,
            self.parts.len()
        )
    }
}

/// Cuts `text` into pieces of at most `max` bytes, at line ends where possible, else at a
/// character boundary. Pieces are never blank; the newline at each cut and trailing
/// whitespace at the end are dropped.
pub fn split_text(text: &str, max: usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        if rest.len() <= max {
            if !rest.trim().is_empty() {
                parts.push(rest.trim_end().to_string());
            }
            break;
        }
        let mut end = max;
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let cut = if rest[end..].starts_with('\n') {
            end
        } else {
            match rest[..end].rfind('\n') {
                Some(nl) if nl > 0 => nl,
                _ => end,
            }
        };
        let piece = &rest[..cut];
        if !piece.trim().is_empty() {
            parts.push(piece.to_string());
        }
        rest = rest[cut..].strip_prefix('\n').unwrap_or(&rest[cut..]);
    }
    parts
}

/// A paste over what one message holds: split it and ask (or refuse when it is huge).
/// The reason goes to the message pane too, where it wraps instead of being cut.
pub(super) fn offer_split(state: &mut AppState, text: &str, too_large: PasteTooLarge) {
    let clean = clean_input(text);
    let split = SplitPaste {
        parts: split_text(&clean, MAX_INPUT_BYTES),
        bytes: too_large.bytes,
        lines: too_large.lines,
    };
    let (reason, short) = if split.parts.len() > MAX_PASTE_PARTS {
        let reason = format!(
            "paste refused: {} lines, {} KiB would be {} messages, and a paste is sent as at \
             most {MAX_PASTE_PARTS} (a message holds at most {} KiB); the input is unchanged",
            split.lines,
            split.bytes.div_ceil(1024),
            split.parts.len(),
            MAX_INPUT_BYTES / 1024
        );
        (reason.clone(), reason)
    } else {
        let short = format!(
            "paste is {} KiB: Enter sends it as {} messages, Esc keeps editing",
            split.bytes.div_ceil(1024),
            split.parts.len()
        );
        let reason = split.prompt();
        state.pending.paste = Some(split);
        (reason, short)
    };
    state.set_status(short, Level::Warning);
    system(state, reason, Level::Warning);
}

pub(super) fn drop_paste(state: &mut AppState) {
    state.pending.paste = None;
    state.set_status("paste dropped; the input is as it was", Level::Info);
}

/// Enter on a split paste: every part, in order, as a signed message; the draft stays.
pub(super) fn send_paste(state: &mut AppState) -> Vec<Effect> {
    let Some(split) = state.pending.paste.take() else {
        return Vec::new();
    };
    state.log.set_view(View::Follow);
    state.set_status(
        format!("paste sent as {} messages", split.parts.len()),
        Level::Info,
    );
    split
        .parts
        .into_iter()
        .map(|body| Effect::Send {
            command: super::buffers::say_command(state, body, true),
            from_input: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_every_line_and_respects_the_limit() {
        let text: String = (0..3000).map(|i| format!("line {i:05}\n")).collect();
        let parts = split_text(&text, 8192);
        assert!(parts.iter().all(|p| p.len() <= 8192 && !p.is_empty()));
        assert!(parts.join("\n") == text.trim_end(), "lines lost or added");
        let long = "é".repeat(10_000);
        let parts = split_text(&long, 8192);
        assert_eq!(parts.concat(), long);
        assert!(parts.iter().all(|p| p.len() <= 8192));
    }
}
