//! The input line editor: text with a cursor, word deletion, history and Tab completion.
//!
//! The cursor is a byte offset that always sits on a grapheme boundary; every edit goes
//! through grapheme iteration, so no keyboard or paste input can split a character.

use unicode_segmentation::UnicodeSegmentation;

mod lines;

/// The longest input accepted, in bytes. Longer pastes are cut (at a character boundary).
pub const MAX_INPUT_BYTES: usize = 8 * 1024;
/// How many submitted lines history keeps.
pub const HISTORY_LIMIT: usize = 200;
/// The most bytes of history kept for the next run (newest lines first; older ones beyond
/// it are left out), so the profile's `ui.json` stays small however long the lines were.
pub const SAVED_HISTORY_BYTES: usize = 256 * 1024;

/// An in-progress Tab completion that further Tabs cycle through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset where the completed word starts.
    pub start: usize,
    pub candidates: Vec<String>,
    pub index: usize,
}

/// The text being typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputLine {
    text: String,
    cursor: usize,
    history: Vec<String>,
    /// Position while browsing history (`history.len()` = not browsing).
    history_pos: Option<usize>,
    /// What was typed before browsing history started.
    draft: String,
    completion: Option<Completion>,
}

/// A paste too large for the input line, refused whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasteTooLarge {
    pub lines: usize,
    pub bytes: usize,
}

/// Inserting would exceed [`MAX_INPUT_BYTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truncated;

impl InputLine {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Replaces the whole text, cursor at the end.
    pub fn set(&mut self, text: &str) {
        self.text.clear();
        self.cursor = 0;
        let _ = self.insert_str(text);
    }

    fn edited(&mut self) {
        self.completion = None;
        self.history_pos = None;
    }

    /// Inserts text at the cursor. Control characters other than newlines are dropped, `\r\n`
    /// becomes `\n`, tabs become spaces. Cuts at [`MAX_INPUT_BYTES`] and reports it.
    pub fn insert_str(&mut self, s: &str) -> Result<(), Truncated> {
        self.edited();
        let clean = clean_input(s);
        let room = MAX_INPUT_BYTES.saturating_sub(self.text.len());
        let (piece, cut) = if clean.len() <= room {
            (clean.as_str(), false)
        } else {
            let mut end = room;
            while !clean.is_char_boundary(end) {
                end -= 1;
            }
            (&clean[..end], true)
        };
        self.text.insert_str(self.cursor, piece);
        self.cursor += piece.len();
        if cut {
            Err(Truncated)
        } else {
            Ok(())
        }
    }

    /// Inserts a paste whole, or refuses it whole (leaving the input as it was) if it would not
    /// fit in [`MAX_INPUT_BYTES`]: a message cut somewhere in the middle is worse than none.
    pub fn paste(&mut self, s: &str) -> Result<(), PasteTooLarge> {
        let clean = clean_input(s);
        if self.text.len() + clean.len() > MAX_INPUT_BYTES {
            return Err(PasteTooLarge {
                lines: clean.lines().count().max(1),
                bytes: clean.len(),
            });
        }
        self.insert_str(&clean).map_err(|_| PasteTooLarge {
            lines: 0,
            bytes: clean.len(),
        })
    }

    pub fn insert_char(&mut self, c: char) -> Result<(), Truncated> {
        let mut buf = [0u8; 4];
        self.insert_str(c.encode_utf8(&mut buf))
    }

    fn prev_boundary(&self, from: usize) -> usize {
        self.text[..from]
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self, from: usize) -> usize {
        self.text[from..]
            .graphemes(true)
            .next()
            .map_or(from, |g| from + g.len())
    }

    /// Start of the word before `from` (skipping whitespace first).
    fn word_start_before(&self, from: usize) -> usize {
        let mut pos = from;
        let mut seen_word = false;
        for (i, g) in self.text[..from].grapheme_indices(true).rev() {
            let space = g.chars().all(char::is_whitespace);
            if space && seen_word {
                break;
            }
            seen_word |= !space;
            pos = i;
        }
        pos
    }

    fn word_end_after(&self, from: usize) -> usize {
        let mut pos = from;
        let mut seen_word = false;
        for (i, g) in self.text[from..].grapheme_indices(true) {
            let space = g.chars().all(char::is_whitespace);
            if space && seen_word {
                break;
            }
            seen_word |= !space;
            pos = from + i + g.len();
        }
        pos
    }

    pub fn delete_backward(&mut self) {
        self.edited();
        let start = self.prev_boundary(self.cursor);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    pub fn delete_forward(&mut self) {
        self.edited();
        let end = self.next_boundary(self.cursor);
        self.text.replace_range(self.cursor..end, "");
    }

    pub fn delete_word_backward(&mut self) {
        self.edited();
        let start = self.word_start_before(self.cursor);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    pub fn delete_to_start(&mut self) {
        self.edited();
        self.text.replace_range(..self.cursor, "");
        self.cursor = 0;
    }

    pub fn clear(&mut self) {
        self.edited();
        self.text.clear();
        self.cursor = 0;
    }

    pub fn move_left(&mut self) {
        self.completion = None;
        self.cursor = self.prev_boundary(self.cursor);
    }

    pub fn move_right(&mut self) {
        self.completion = None;
        self.cursor = self.next_boundary(self.cursor);
    }

    pub fn move_word_left(&mut self) {
        self.completion = None;
        self.cursor = self.word_start_before(self.cursor);
    }

    pub fn move_word_right(&mut self) {
        self.completion = None;
        self.cursor = self.word_end_after(self.cursor);
    }

    pub fn move_home(&mut self) {
        self.completion = None;
        self.cursor = 0;
    }

    pub fn move_end(&mut self) {
        self.completion = None;
        self.cursor = self.text.len();
    }

    /// Records a submitted line and clears the input.
    pub fn commit(&mut self) -> String {
        let line = std::mem::take(&mut self.text);
        self.cursor = 0;
        self.edited();
        self.draft.clear();
        if !line.trim().is_empty() && self.history.last() != Some(&line) {
            self.history.push(line.clone());
            if self.history.len() > HISTORY_LIMIT {
                let excess = self.history.len() - HISTORY_LIMIT;
                self.history.drain(..excess);
            }
        }
        line
    }

    /// Puts back the history saved by an earlier run (oldest first), keeping the newest
    /// [`HISTORY_LIMIT`] lines that [`worth_saving`] accepts.
    pub fn restore_history(&mut self, lines: Vec<String>) {
        let mut lines: Vec<String> = lines
            .into_iter()
            .map(|l| clean_input(&l))
            .filter(|l| worth_saving(l) && l.len() <= MAX_INPUT_BYTES)
            .collect();
        let excess = lines.len().saturating_sub(HISTORY_LIMIT);
        lines.drain(..excess);
        self.history = lines;
        self.history_pos = None;
    }

    /// The history to keep for the next run: the newest lines [`worth_saving`] accepts, at
    /// most [`SAVED_HISTORY_BYTES`] of them, oldest first.
    pub fn history_to_save(&self) -> Vec<String> {
        let mut bytes = 0;
        let mut kept: Vec<String> = self
            .history
            .iter()
            .rev()
            .filter(|l| worth_saving(l))
            .take_while(|l| {
                bytes += l.len();
                bytes <= SAVED_HISTORY_BYTES
            })
            .cloned()
            .collect();
        kept.reverse();
        kept
    }

    /// Up: an older history entry (the current text is kept as a draft).
    pub fn history_previous(&mut self) {
        self.completion = None;
        let pos = match self.history_pos {
            None if self.history.is_empty() => return,
            None => {
                self.draft = self.text.clone();
                self.history.len() - 1
            }
            Some(0) => return,
            Some(p) => p - 1,
        };
        self.history_pos = Some(pos);
        self.text = self.history[pos].clone();
        self.cursor = self.text.len();
    }

    /// Down: a newer history entry, then back to the draft.
    pub fn history_next(&mut self) {
        self.completion = None;
        let Some(pos) = self.history_pos else { return };
        if pos + 1 < self.history.len() {
            self.history_pos = Some(pos + 1);
            self.text = self.history[pos + 1].clone();
        } else {
            self.history_pos = None;
            self.text = std::mem::take(&mut self.draft);
        }
        self.cursor = self.text.len();
    }

    /// Completes the word before the cursor from `commands` (when it is the first word and
    /// starts with `/`) or `names`. Repeated calls cycle through candidates. Returns false when
    /// there is nothing to complete.
    pub fn complete<'a>(
        &mut self,
        commands: impl Iterator<Item = &'a str>,
        names: &[String],
    ) -> bool {
        if let Some(c) = &mut self.completion {
            if c.candidates.len() > 1 {
                c.index = (c.index + 1) % c.candidates.len();
                let (start, word) = (c.start, c.candidates[c.index].clone());
                self.text.replace_range(start..self.cursor, &word);
                self.cursor = start + word.len();
                return true;
            }
        }
        let start = self.word_start_before(self.cursor);
        let word = &self.text[start..self.cursor];
        if word.is_empty() || word.chars().any(char::is_whitespace) {
            return false;
        }
        let mut candidates: Vec<String> = if start == 0 && word.starts_with('/') {
            commands
                .filter(|c| c.starts_with(word))
                .map(str::to_string)
                .collect()
        } else {
            let lower = word.to_lowercase();
            names
                .iter()
                .filter(|n| n.to_lowercase().starts_with(&lower))
                .cloned()
                .collect()
        };
        candidates.sort();
        candidates.dedup();
        match candidates.len() {
            0 => false,
            1 => {
                let with_space = format!("{} ", candidates[0]);
                self.replace_word(start, &with_space);
                self.completion = None;
                true
            }
            _ => {
                let first = candidates[0].clone();
                self.replace_word(start, &first);
                self.completion = Some(Completion {
                    start,
                    candidates,
                    index: 0,
                });
                true
            }
        }
    }

    fn replace_word(&mut self, start: usize, word: &str) {
        if self.text.len() - (self.cursor - start) + word.len() > MAX_INPUT_BYTES {
            return;
        }
        self.text.replace_range(start..self.cursor, word);
        self.cursor = start + word.len();
        self.history_pos = None;
    }
}

/// Whether a submitted line may be written to the profile: not blank, and not a `/trust`
/// with a safety code (what was typed to answer a confirmation stays out of the file).
pub fn worth_saving(line: &str) -> bool {
    let confirms_code = line.strip_prefix("/trust ").is_some_and(|rest| {
        rest.split_whitespace()
            .skip(1)
            .any(|w| w.chars().any(|c| c.is_ascii_digit()))
    });
    !line.trim().is_empty() && !confirms_code
}

/// Drops control characters except newlines; `\r\n`/`\r` become `\n`, tabs a space.
pub fn clean_input(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => out.push(c),
        }
    }
    out
}
