//! The message history and its scroll position.
//!
//! The view is either following the newest line or pinned to a row of a given line, so new
//! messages never move a scrolled-back view. Scrolling only looks at the lines it crosses,
//! through a `rows(index)` function supplied by the renderer (lines wrap differently at each
//! width), so its cost does not grow with the length of the history.

use super::acts::Acts;
use super::state::Level;
use p2pchat_engine::api::Delivery;

/// How a chat message's signature checked out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Signed, and the signature verified.
    Verified,
    /// Signed, but not verified.
    Unverified,
    Unsigned,
}

/// What a history line says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    Chat {
        /// Author's peer id.
        from: String,
        /// Sanitised display name.
        name: String,
        /// Sanitised body; may contain `\n`.
        body: String,
        mark: Mark,
        own: bool,
        /// A private message (to us, or from us to the peer named in `name`).
        private: bool,
        /// Arrived through backfill after a reconnection (sent while we were away).
        backfilled: bool,
        /// Our private message's id and where it is.
        delivery: Option<(String, Delivery)>,
        /// Palette index from a hash of the author's id.
        colour: u8,
        /// Names the user (or is a private message to the user's name): highlighted.
        mention: bool,
        /// A room message's id, text and what was done to it (`body` is made from it).
        acts: Box<Acts>,
    },
    System {
        /// Sanitised; may contain `\n`.
        text: String,
        level: Level,
        /// The key that selects it in the Messages pane (a file offer's line, so Ctrl-Y and
        /// Ctrl-N answer that offer); `None`: not selectable.
        selectable: Option<String>,
    },
}

/// One entry of the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatLine {
    /// Unix ms (the author's clock for chat messages, ours for system lines).
    pub ts: i64,
    pub kind: LineKind,
}

/// A row within the history: line `line`, wrapped row `row` of it (row 0 may be a day separator).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowPos {
    pub line: usize,
    pub row: usize,
}

/// Where the message view is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// The newest line is at the bottom.
    #[default]
    Follow,
    /// This row is at the top, whatever arrives.
    Pinned(RowPos),
}

/// The history with its view.
#[derive(Clone, Debug, Default)]
pub struct MessageLog {
    lines: Vec<ChatLine>,
    limit: usize,
    pub view: View,
    /// Lines that arrived while the view was pinned.
    pub unseen: usize,
    /// The first line not yet read: the read marker is drawn above it.
    pub marker: Option<usize>,
}

impl MessageLog {
    pub fn new(limit: usize) -> MessageLog {
        MessageLog {
            lines: Vec::new(),
            limit: limit.max(10),
            view: View::Follow,
            unseen: 0,
            marker: None,
        }
    }

    pub fn lines(&self) -> &[ChatLine] {
        &self.lines
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Appends a line, dropping the oldest tenth when the limit is reached.
    pub fn push(&mut self, line: ChatLine) {
        if self.lines.len() >= self.limit {
            let n = (self.limit / 10).max(1);
            self.lines.drain(..n);
            self.marker = self.marker.and_then(|m| m.checked_sub(n));
            if let View::Pinned(pos) = &mut self.view {
                if pos.line >= n {
                    pos.line -= n;
                } else {
                    *pos = RowPos::default();
                }
            }
        }
        self.lines.push(line);
        if matches!(self.view, View::Pinned(_)) {
            self.unseen += 1;
        }
    }

    /// Gives `from`'s lines shown under `placeholder` (its fingerprint, from before its name
    /// was known) the name `name`.
    pub fn rename(&mut self, from: &str, placeholder: &str, name: &str) {
        for line in &mut self.lines {
            if let LineKind::Chat {
                from: f, name: n, ..
            } = &mut line.kind
            {
                if f == from && n == placeholder {
                    *n = name.to_string();
                }
            }
        }
    }

    /// Calls `f` on every line (to change a message wherever it is).
    pub fn each_line_mut(&mut self, f: &mut dyn FnMut(&mut ChatLine)) {
        self.lines.iter_mut().for_each(f);
    }

    /// Marks our private message `msg_id` delivered (searching from the newest line).
    pub fn set_delivered(&mut self, msg_id: &str) {
        for line in self.lines.iter_mut().rev() {
            if let LineKind::Chat {
                delivery: Some((id, status)),
                ..
            } = &mut line.kind
            {
                if id == msg_id {
                    *status = Delivery::Delivered;
                    return;
                }
            }
        }
    }

    /// Puts older lines (oldest first) before the current ones, keeping a pinned view on
    /// the same line. Lines past the limit are not added.
    pub fn prepend(&mut self, older: Vec<ChatLine>) {
        let room = self.limit.saturating_sub(self.lines.len());
        let skip = older.len().saturating_sub(room);
        let older: Vec<ChatLine> = older.into_iter().skip(skip).collect();
        let n = older.len();
        if n == 0 {
            return;
        }
        self.lines.splice(0..0, older);
        self.marker = self.marker.map(|m| m + n);
        if let View::Pinned(pos) = &mut self.view {
            pos.line += n;
        }
    }

    /// The top row when following, or `None` when everything fits in `height` rows.
    pub fn follow_top(&self, rows: &dyn Fn(usize) -> usize, height: usize) -> Option<RowPos> {
        let mut need = height;
        for line in (0..self.lines.len()).rev() {
            let r = rows(line).max(1);
            if r >= need {
                // Only a single row left to fill (or more): start inside this line.
                if r == need && line == 0 {
                    return None;
                }
                return Some(RowPos {
                    line,
                    row: r - need,
                });
            }
            need -= r;
        }
        None
    }

    /// Sets the view; following again clears the unseen count.
    pub fn set_view(&mut self, view: View) {
        if view == View::Follow {
            self.unseen = 0;
        }
        self.view = view;
    }

    /// The view after scrolling `n` rows towards older lines.
    pub fn scrolled_up(&self, n: usize, rows: &dyn Fn(usize) -> usize, height: usize) -> View {
        let mut pos = match self.view {
            View::Pinned(p) => self.clamp(p, rows),
            View::Follow => match self.follow_top(rows, height) {
                Some(p) => p,
                None => return View::Follow,
            },
        };
        let mut n = n;
        while n > 0 {
            if pos.row > 0 {
                let k = n.min(pos.row);
                pos.row -= k;
                n -= k;
            } else if pos.line > 0 {
                pos.line -= 1;
                pos.row = rows(pos.line).max(1) - 1;
                n -= 1;
            } else {
                break;
            }
        }
        View::Pinned(pos)
    }

    /// The view after scrolling `n` rows towards newer lines; reaching the bottom follows.
    pub fn scrolled_down(&self, n: usize, rows: &dyn Fn(usize) -> usize, height: usize) -> View {
        let View::Pinned(pos) = self.view else {
            return View::Follow;
        };
        let mut pos = self.clamp(pos, rows);
        let mut n = n;
        while n > 0 && pos.line < self.lines.len() {
            let r = rows(pos.line).max(1);
            if pos.row + n < r {
                pos.row += n;
                n = 0;
            } else {
                n -= r - pos.row;
                pos.line += 1;
                pos.row = 0;
            }
        }
        if self.rows_from(pos, rows, height + 1) <= height {
            View::Follow
        } else {
            View::Pinned(pos)
        }
    }

    /// A position made valid for the current wrapping (a resize can shrink a line's rows).
    fn clamp(&self, pos: RowPos, rows: &dyn Fn(usize) -> usize) -> RowPos {
        match self.lines.len() {
            0 => RowPos::default(),
            n if pos.line >= n => RowPos {
                line: n - 1,
                row: 0,
            },
            _ => RowPos {
                line: pos.line,
                row: pos.row.min(rows(pos.line).max(1) - 1),
            },
        }
    }

    /// The view showing the oldest line (unchanged if the history fits on screen).
    pub fn oldest(&self, rows: &dyn Fn(usize) -> usize, height: usize) -> View {
        match self.follow_top(rows, height) {
            Some(_) => View::Pinned(RowPos::default()),
            None => View::Follow,
        }
    }

    /// Whether the view is pinned with more than `height` rows from its top to the end.
    pub fn rows_from_view_exceeds(&self, rows: impl Fn(usize) -> usize, height: usize) -> bool {
        match self.view {
            View::Pinned(pos) => self.rows_from(pos, &rows, height + 1) > height,
            View::Follow => false,
        }
    }

    /// Counts rows from `pos` to the end, stopping once `cap` is reached.
    pub fn rows_from(&self, pos: RowPos, rows: &dyn Fn(usize) -> usize, cap: usize) -> usize {
        let mut total = 0;
        let mut line = pos.line;
        let mut skip = pos.row;
        while line < self.lines.len() && total < cap {
            total += rows(line).max(1).saturating_sub(skip);
            skip = 0;
            line += 1;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(i: usize) -> ChatLine {
        ChatLine {
            ts: i as i64,
            kind: LineKind::System {
                text: format!("line {i}"),
                level: Level::Info,
                selectable: None,
            },
        }
    }

    fn log_of(n: usize) -> MessageLog {
        let mut log = MessageLog::new(1000);
        for i in 0..n {
            log.push(sys(i));
        }
        log
    }

    #[test]
    fn follow_top_and_fit() {
        let log = log_of(5);
        let two = |_| 2;
        assert_eq!(log.follow_top(&two, 10), None);
        assert_eq!(log.follow_top(&two, 4), Some(RowPos { line: 3, row: 0 }));
        assert_eq!(log.follow_top(&two, 3), Some(RowPos { line: 3, row: 1 }));
    }

    #[test]
    fn scrolled_view_stays_put_when_lines_arrive() {
        let mut log = log_of(50);
        let one = |_| 1;
        log.set_view(log.scrolled_up(10, &one, 10));
        assert_eq!(log.view, View::Pinned(RowPos { line: 30, row: 0 }));
        log.push(sys(50));
        log.push(sys(51));
        assert_eq!(log.view, View::Pinned(RowPos { line: 30, row: 0 }));
        assert_eq!(log.unseen, 2);
        log.set_view(log.scrolled_down(100, &one, 10));
        assert_eq!(log.view, View::Follow);
        assert_eq!(log.unseen, 0);
    }

    #[test]
    fn a_pin_past_a_shrunken_line_is_clamped() {
        let mut log = log_of(30);
        log.set_view(View::Pinned(RowPos { line: 10, row: 7 }));
        let one = |_| 1;
        assert_eq!(
            log.scrolled_up(1, &one, 5),
            View::Pinned(RowPos { line: 9, row: 0 })
        );
        assert_eq!(
            log.scrolled_down(1, &one, 5),
            View::Pinned(RowPos { line: 11, row: 0 })
        );
    }

    #[test]
    fn scroll_stops_at_the_top_and_trims_shift_the_pin() {
        let mut log = MessageLog::new(20);
        for i in 0..20 {
            log.push(sys(i));
        }
        let one = |_| 1;
        log.set_view(log.scrolled_up(1000, &one, 5));
        assert_eq!(log.view, View::Pinned(RowPos { line: 0, row: 0 }));
        log.set_view(log.scrolled_down(3, &one, 5));
        assert_eq!(log.view, View::Pinned(RowPos { line: 3, row: 0 }));
        log.push(sys(20)); // drops 2 oldest
        assert_eq!(log.len(), 19);
        assert_eq!(log.view, View::Pinned(RowPos { line: 1, row: 0 }));
    }
}
