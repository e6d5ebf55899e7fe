//! What the input line is waiting for: a second Ctrl-C, a command whose error should give its
//! text back, a `/history` the user typed, and a paste too large for one message.

use super::input::MAX_INPUT_BYTES;

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
