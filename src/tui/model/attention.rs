//! What the user has not seen yet and what calls them back: unread and mention counts, the
//! read marker's place, and the terminal alerts (bell, desktop notification, window title) as
//! data for the terminal layer to write. Pure.
//!
//! "Read" means: the terminal has focus (as the terminal reports it; a terminal that never
//! reports focus counts as focused) and the message pane follows the newest line. A line that
//! arrives while the user is not reading is unread; the read marker goes above the first of
//! them and stays there until the user has read and a new unread line arrives later.

use super::log::{ChatLine, LineKind, View};
use super::state::AppState;
use p2pchat_engine::node::sanitize::is_unsafe_char;

/// When the terminal bell rings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BellMode {
    /// On lines that name you and on private messages.
    #[default]
    Mentions,
    /// On every message from someone else.
    All,
    Off,
}

/// The longest desktop notification body, in characters (the rest is cut with `…`).
pub const NOTIFY_BODY_CHARS: usize = 120;
/// The longest desktop notification title, in characters.
pub const NOTIFY_TITLE_CHARS: usize = 60;
/// Desktop notifications waiting for the terminal layer at once; more in one batch are
/// dropped (the counts in the title still tell).
pub const MAX_PENDING_NOTIFICATIONS: usize = 3;
/// The window title with nothing unread.
pub const TITLE: &str = "p2pchat-tui";

/// Something for the terminal layer to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Alert {
    /// The terminal bell (BEL).
    Bell,
    /// A desktop notification through the terminal (OSC 777, or OSC 9); both texts are
    /// already cleaned: no control characters, bounded length, no `;` in the title.
    Desktop { title: String, body: String },
    /// The window title (OSC 0 / OSC 2).
    Title(String),
}

/// The attention state, part of [`AppState`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attention {
    /// Chat lines from others that arrived while the user was not reading.
    pub unread: usize,
    /// Of those, lines that name the user and private messages.
    pub mentions: usize,
    /// The terminal has focus (true until the terminal says otherwise).
    pub focused: bool,
    pub bell: BellMode,
    /// Desktop notifications on.
    pub notify: bool,
    /// Unix ms when the user last read, saved in the profile: the read marker's place after a
    /// restart. `None` before the first run.
    pub read_before_start_ms: Option<i64>,
    /// Unix ms of the last moment the user was reading (saved).
    pub last_read_ms: Option<i64>,
    /// Alerts not yet written.
    pending: Vec<Alert>,
    /// The title last handed out, to write it only when it changes.
    title_shown: Option<String>,
}

impl Attention {
    pub fn new(bell: BellMode, notify: bool, read_before_start_ms: Option<i64>) -> Attention {
        Attention {
            unread: 0,
            mentions: 0,
            focused: true,
            bell,
            notify,
            read_before_start_ms,
            last_read_ms: read_before_start_ms,
            pending: Vec::new(),
            title_shown: None,
        }
    }
}

/// A chat line from someone else, as it arrived.
#[derive(Clone, Copy, Debug)]
pub struct Arrival<'a> {
    pub from_name: &'a str,
    pub body: &'a str,
    pub mention: bool,
    pub private: bool,
}

/// Whether the user is looking at the newest lines now.
pub fn reading(state: &AppState) -> bool {
    state.attention.focused && state.log.view == View::Follow
}

/// Counts a line just pushed to the log (the last one), and queues its alerts.
pub fn arrived(state: &mut AppState, line: Arrival) {
    arrived_in(state, line, true);
}

/// The same for a line pushed to the shown log (`shown`) or to a buffer not shown: that one
/// counts and alerts alike but leaves the read marker where it is.
pub fn arrived_in(state: &mut AppState, line: Arrival, shown: bool) {
    let notable = line.mention || line.private;
    if !reading(state) {
        if shown && (state.attention.unread == 0 || state.log.marker.is_none()) {
            state.log.marker = state.log.len().checked_sub(1);
        }
        state.attention.unread += 1;
        state.attention.mentions += usize::from(notable);
        if state.attention.notify && notable {
            let title = if line.private {
                format!("private message from {}", line.from_name)
            } else {
                format!("{} mentioned you", line.from_name)
            };
            let body = super::text::sanitize(line.body, false);
            if state
                .attention
                .pending
                .iter()
                .filter(|a| matches!(a, Alert::Desktop { .. }))
                .count()
                < MAX_PENDING_NOTIFICATIONS
            {
                state.attention.pending.push(Alert::Desktop {
                    title: clean_field(&title, NOTIFY_TITLE_CHARS).replace(';', ","),
                    body: clean_field(&body, NOTIFY_BODY_CHARS),
                });
            }
        }
    }
    let ring = match state.attention.bell {
        BellMode::All => true,
        BellMode::Mentions => notable,
        BellMode::Off => false,
    };
    if ring && !state.attention.pending.contains(&Alert::Bell) {
        state.attention.pending.push(Alert::Bell);
    }
}

/// After the first page of stored history is shown: the lines dated after the saved read
/// point are unread, and the marker goes above the first of them (before any live one).
pub fn restored(state: &mut AppState, shown: usize) {
    let Some(read_ms) = state.attention.read_before_start_ms else {
        return;
    };
    let mut first = None;
    for (i, line) in state.log.lines()[..shown.min(state.log.len())]
        .iter()
        .enumerate()
    {
        let Some(mention) = unread_after(line, read_ms) else {
            continue;
        };
        first.get_or_insert(i);
        state.attention.unread += 1;
        state.attention.mentions += usize::from(mention);
    }
    if let Some(i) = first {
        state.log.marker = Some(i);
    }
}

/// `Some(notable)` when `line` is someone else's chat line dated after `read_ms`.
fn unread_after(line: &ChatLine, read_ms: i64) -> Option<bool> {
    match &line.kind {
        LineKind::Chat {
            own: false,
            mention,
            private,
            ..
        } if line.ts > read_ms => Some(*mention || *private),
        LineKind::Chat { .. } | LineKind::System { .. } => None,
    }
}

/// Called after every change: while the user reads, the counts clear and the read point moves.
pub fn settle(state: &mut AppState) {
    if reading(state) {
        state.attention.unread = 0;
        state.attention.mentions = 0;
        // The newest line's own date too: an author whose clock runs ahead must not have
        // what was read come back unread after a restart.
        let newest = state.log.lines().last().map_or(0, |l| l.ts);
        state.attention.last_read_ms = Some(state.now.unix_ms.max(newest));
    }
}

/// The window title for the counts: `p2pchat-tui (3 unread, 1 mention)`.
pub fn title(state: &AppState) -> String {
    let a = &state.attention;
    match (a.unread, a.mentions) {
        (0, 0) => TITLE.to_string(),
        (n, 0) => format!("{TITLE} ({n} unread)"),
        (n, 1) => format!("{TITLE} ({n} unread, 1 mention)"),
        (n, m) => format!("{TITLE} ({n} unread, {m} mentions)"),
    }
}

/// The counts for the status bar, or `None` when nothing is unread.
pub fn counts(state: &AppState) -> Option<String> {
    let a = &state.attention;
    match (a.unread, a.mentions) {
        (0, _) => None,
        (n, 0) => Some(format!("{n} unread")),
        (n, m) => Some(format!("{n} unread, {m} @")),
    }
}

/// Takes the alerts to write now, with the title when it changed. The run loop calls this
/// once per batch of events.
pub fn take_alerts(state: &mut AppState) -> Vec<Alert> {
    let mut out = std::mem::take(&mut state.attention.pending);
    let title = title(state);
    if state.attention.title_shown.as_ref() != Some(&title) {
        state.attention.title_shown = Some(title.clone());
        out.push(Alert::Title(title));
    }
    out
}

/// One line of at most `max` characters with no control characters (they become spaces).
pub fn clean_field(text: &str, max: usize) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if is_unsafe_char(c) { ' ' } else { c })
        .collect();
    let one_line = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
