//! Up and Down inside a multi-line input (Alt-Enter makes new lines): the cursor goes to the
//! line above or below at the same column (in graphemes, or the line's end if it is shorter);
//! only from the first line (Up) or the last (Down) do the keys recall input history.

use super::InputLine;
use unicode_segmentation::UnicodeSegmentation;

impl InputLine {
    /// Up: the cursor to the line above. False on the first line (the caller recalls history).
    pub fn move_line_up(&mut self) -> bool {
        let start = line_start(&self.text, self.cursor);
        if start == 0 {
            return false;
        }
        let column = self.text[start..self.cursor].graphemes(true).count();
        let above = line_start(&self.text, start - 1);
        self.cursor = at_column(&self.text, above, start - 1, column);
        self.completion = None;
        true
    }

    /// Down: the cursor to the line below. False on the last line (the caller recalls history).
    pub fn move_line_down(&mut self) -> bool {
        let end = line_end(&self.text, self.cursor);
        if end == self.text.len() {
            return false;
        }
        let start = line_start(&self.text, self.cursor);
        let column = self.text[start..self.cursor].graphemes(true).count();
        let below = end + 1;
        self.cursor = at_column(&self.text, below, line_end(&self.text, below), column);
        self.completion = None;
        true
    }
}

/// The byte offset where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The byte offset of the line break ending the line holding `at` (or the text's end).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// The offset `column` graphemes into the line `start..end`, or `end` if it is shorter.
fn at_column(text: &str, start: usize, end: usize, column: usize) -> usize {
    text[start..end]
        .grapheme_indices(true)
        .nth(column)
        .map_or(end, |(i, _)| start + i)
}
