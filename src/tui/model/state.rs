//! The interface's whole model: everything `draw` reads, nothing it has to ask for.

use chrono::{DateTime, FixedOffset, Local, Offset, Utc};

use super::input::InputLine;
use super::log::MessageLog;

use crate::tui::TuiOptions;
use p2pchat_engine::api::{OfflineReason, ProposalInfo, Trust};

/// The current time as the interface sees it: injected, never read inside `update` or `draw`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    /// Unix milliseconds.
    pub unix_ms: i64,
    /// Local offset from UTC in seconds, for formatting.
    pub utc_offset_secs: i32,
}

impl Now {
    /// A fixed instant in UTC (tests, benchmarks).
    pub fn utc(unix_ms: i64) -> Now {
        Now {
            unix_ms,
            utc_offset_secs: 0,
        }
    }

    /// From the local clock (only the run loop calls this).
    pub fn from_local(t: DateTime<Local>) -> Now {
        Now {
            unix_ms: t.timestamp_millis(),
            utc_offset_secs: t.offset().fix().local_minus_utc(),
        }
    }

    fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_secs).unwrap_or_else(|| Utc.fix())
    }

    /// A unix-ms timestamp in this clock's offset; out-of-range values clamp to the epoch.
    pub fn local(&self, ts_ms: i64) -> DateTime<FixedOffset> {
        let utc = DateTime::<Utc>::from_timestamp_millis(ts_ms).unwrap_or_default();
        utc.with_timezone(&self.offset())
    }
}

/// How clock times are shown in the message pane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeFormat {
    /// `14:05`
    #[default]
    TwentyFourHour,
    /// `14:05:09`
    WithSeconds,
    /// ` 2:05pm`
    TwelveHour,
}

impl TimeFormat {
    pub fn pattern(self) -> &'static str {
        match self {
            TimeFormat::TwentyFourHour => "%H:%M",
            TimeFormat::WithSeconds => "%H:%M:%S",
            TimeFormat::TwelveHour => "%l:%M%P",
        }
    }
}

/// Which pane keys go to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    Input,
    Peers,
    Messages,
    Proposals,
}

/// This node, once known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub fingerprint: String,
    pub port: Option<u16>,
}

/// Someone seen on the network, online or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerEntry {
    pub id: String,
    /// Sanitised for display.
    pub name: String,
    pub fingerprint: String,
    pub addr: String,
    pub online: bool,
    pub offline_reason: Option<OfflineReason>,
    /// Index into the peer colour palette, from a hash of the id.
    pub colour: u8,
}

/// Where the loaded history starts, for loading older pages on demand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryCursor {
    /// Store row of the oldest loaded stored line; `None` before the first page.
    pub oldest_row: Option<i64>,
    /// Older stored lines remain (unknown counts as true until the first page).
    pub exhausted: bool,
    /// A page has been asked for and not yet received.
    pub loading: bool,
}

/// What the network said about a peer's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustInfo {
    pub trust: Trust,
    pub blocked: bool,
}

/// How serious a status-line message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A transient one-line message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusMessage {
    pub text: String,
    pub level: Level,
    /// Unix ms after which it is no longer shown.
    pub until_ms: i64,
}

/// How long a status-line message stays.
pub const STATUS_MS: i64 = 6_000;

/// The interface state. Owned by the run loop; `update`/`apply` change it, `draw` reads it.
#[derive(Clone, Debug)]
pub struct AppState {
    pub now: Now,
    pub me: Me,
    pub peers: Vec<PeerEntry>,
    pub selected_peer: usize,
    pub log: MessageLog,
    /// All proposals seen, in arrival order (closed ones keep their outcome).
    pub proposals: Vec<ProposalInfo>,
    /// Id of the selected proposal, if any.
    pub selected_proposal: Option<String>,
    /// Id of the message selected in the Messages pane (for reply, react, edit, delete).
    pub selected_message: Option<String>,
    /// `None` until the network tells us.
    pub secure_only: Option<bool>,
    pub input: InputLine,
    pub focus: Focus,
    /// `Some(scroll offset)` while the help overlay is open.
    pub help: Option<u16>,
    /// The copy view is on: only the message lines, unwrapped, no borders or side panes, and
    /// the mouse left to the terminal, so its selection copies whole lines.
    pub copy_view: bool,
    pub status: Option<StatusMessage>,
    /// The theme choice: colours on, or only bold/reverse/dim (the view builds its theme from it).
    pub color: bool,
    /// The terminal's colour depth and background, for the view's theme.
    pub color_depth: crate::tui::colors::ColorDepth,
    pub background: crate::tui::colors::Background,
    pub time_format: TimeFormat,
    /// Terminal size in cells.
    pub width: u16,
    pub height: u16,
    /// Set when the user asked to quit; the run loop then shuts the network down.
    pub quitting: bool,
    /// The network actor has stopped.
    pub stopped: bool,
    /// The next `Status` reply answers the run loop's own start-up request: no system line.
    pub quiet_status: bool,
    /// The next `Proposals` reply answers the start-up request (fills the pane): no line.
    pub quiet_proposals: bool,
    /// The next `Transfers` reply answers the start-up request (fills the transfers box).
    pub quiet_transfers: bool,
    pub history: HistoryCursor,
    /// Trust in each peer's key, by peer id.
    pub trust: std::collections::HashMap<String, TrustInfo>,
    /// What the input line waits for (a second Ctrl-C, a paste confirmation, ...).
    pub pending: super::pending::Pending,
    /// Unread and mention counts, the read point, terminal alerts.
    pub attention: super::attention::Attention,
    /// File transfers, oldest first (`apply_files`).
    pub transfers: Vec<super::apply_files::TransferRow>,
    /// Rooms known on the LAN and which we are in (see [`super::apply_rooms`]).
    pub rooms: super::apply_rooms::Rooms,
    /// Rooms and private conversations, each with its own log (the shown one is `log`).
    pub buffers: super::buffers::Buffers,
}

impl AppState {
    pub fn new(opts: &TuiOptions, now: Now) -> AppState {
        let me = Me {
            id: opts.id.clone().unwrap_or_default(),
            name: opts
                .name
                .as_deref()
                .map(|n| crate::tui::model::text::sanitize(n, false))
                .unwrap_or_default(),
            fingerprint: opts.fingerprint.clone().unwrap_or_default(),
            port: None,
        };
        AppState {
            now,
            me,
            peers: Vec::new(),
            selected_peer: 0,
            log: MessageLog::new(opts.history_limit),
            proposals: Vec::new(),
            selected_proposal: None,
            selected_message: None,
            secure_only: None,
            input: InputLine::default(),
            focus: Focus::Input,
            help: None,
            copy_view: false,
            status: None,
            color: opts.color,
            color_depth: opts.color_depth,
            background: opts.background,
            time_format: opts.time_format,
            width: 80,
            height: 24,
            quitting: false,
            stopped: false,
            quiet_status: false,
            quiet_proposals: false,
            quiet_transfers: false,
            history: HistoryCursor::default(),
            trust: Default::default(),
            pending: Default::default(),
            attention: super::attention::Attention::new(opts.bell, opts.notify, None),
            transfers: Vec::new(),
            rooms: Default::default(),
            buffers: super::buffers::Buffers::new(opts.history_limit),
        }
    }

    /// Shows a transient message in the status bar.
    pub fn set_status(&mut self, text: impl Into<String>, level: Level) {
        let text = crate::tui::model::text::sanitize(&text.into(), false);
        self.status = Some(StatusMessage {
            text,
            level,
            until_ms: self.now.unix_ms + STATUS_MS,
        });
    }

    pub fn peer(&self, id: &str) -> Option<&PeerEntry> {
        self.peers.iter().find(|p| p.id == id)
    }

    /// A peer's display name, or a short form of the id when unknown.
    pub fn name_of(&self, id: &str) -> String {
        if !self.me.id.is_empty() && id == self.me.id {
            return self.me.name.clone();
        }
        match self.peer(id) {
            Some(p) => p.name.clone(),
            None => crate::tui::model::text::sanitize(&short_id(id), false),
        }
    }

    pub fn online_count(&self) -> usize {
        self.peers.iter().filter(|p| p.online).count()
    }

    /// Peers in display order: online first, then by name, then id.
    pub fn peer_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.peers.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&self.peers[a], &self.peers[b]);
            pb.online
                .cmp(&pa.online)
                .then_with(|| pa.name.to_lowercase().cmp(&pb.name.to_lowercase()))
                .then_with(|| pa.id.cmp(&pb.id))
        });
        order
    }

    /// Proposals in display order: open ones by expiry, then closed ones newest first.
    pub fn proposal_order(&self) -> Vec<usize> {
        let mut open: Vec<usize> = (0..self.proposals.len())
            .filter(|&i| self.proposals[i].outcome.is_none())
            .collect();
        open.sort_by_key(|&i| self.proposals[i].expires_ts);
        let closed = (0..self.proposals.len())
            .rev()
            .filter(|&i| self.proposals[i].outcome.is_some());
        open.extend(closed);
        open
    }

    pub fn open_proposals(&self) -> usize {
        self.proposals
            .iter()
            .filter(|p| p.outcome.is_none())
            .count()
    }

    pub fn selected_proposal_info(&self) -> Option<&ProposalInfo> {
        let id = self.selected_proposal.as_deref()?;
        self.proposals.iter().find(|p| p.proposal_id == id)
    }
}

/// The first 8 characters of an id, for display (sanitised).
pub fn short_id(id: &str) -> String {
    crate::tui::model::text::sanitize(&id.chars().take(8).collect::<String>(), false)
}
