//! The transfers list (`AppState::transfers`) the transfers view draws with progress, rate and
//! time left: its rows, their states, and how they are added, finished and shown. Pure.

use super::state::AppState;

/// Most transfers the interface lists; the oldest finished ones go first.
pub const MAX_TRANSFER_ROWS: usize = 64;

/// Where a transfer is, as the interface shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowState {
    /// Offered to us: waiting for accept or decline.
    Offered,
    /// Our offer, waiting for answers.
    Waiting,
    Transferring,
    Done,
    Failed(String),
    Cancelled,
    /// Our offer was declined.
    Declined,
}

impl RowState {
    pub fn is_open(&self) -> bool {
        matches!(
            self,
            RowState::Offered | RowState::Waiting | RowState::Transferring
        )
    }
}

/// One transfer in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferRow {
    pub id: String,
    pub name: String,
    /// The sender (incoming) or the recipients (outgoing).
    pub peer: String,
    pub incoming: bool,
    pub size: u64,
    pub bytes: u64,
    /// Bytes per second, as last reported.
    pub rate: u64,
    pub state: RowState,
    /// When it finished (our clock, Unix ms): the transfers box keeps it a little while.
    pub finished_ms: Option<i64>,
    /// The peer (id) whose private conversation shows the transfer's lines, when the offer
    /// named that one peer; `None`: the shown buffer.
    pub dm: Option<String>,
}

impl TransferRow {
    /// Seconds left at the last rate, if moving.
    pub fn secs_left(&self) -> Option<u64> {
        (self.rate > 0).then(|| self.size.saturating_sub(self.bytes) / self.rate)
    }
}

/// The short id shown and typed (`/accept 3f2a9c1d`).
pub fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

pub use p2pchat_engine::lines::human_bytes;

/// The newest offer to us still waiting for an answer (what the accept/decline keys act on).
pub fn pending_offer(state: &AppState) -> Option<&TransferRow> {
    state
        .transfers
        .iter()
        .rev()
        .find(|t| t.state == RowState::Offered)
}

/// The transfer whose offer line is selected in the Messages pane, if one is.
pub fn selected_offer(state: &AppState) -> Option<&str> {
    state
        .selected_message
        .as_deref()
        .and_then(|m| m.strip_prefix(OFFER_KEY))
}

/// What the selection holds for the offer line of `transfer_id` (message ids never start so).
pub fn offer_key(transfer_id: &str) -> String {
    format!("{OFFER_KEY}{transfer_id}")
}

const OFFER_KEY: &str = "file:";

/// What Ctrl-Y / Ctrl-N act on (marked ▶ in the transfers box): the offer selected in the
/// Messages pane while it waits for an answer, else the newest waiting offer.
pub fn target_offer(state: &AppState) -> Option<&TransferRow> {
    match selected_offer(state) {
        Some(id) => state
            .transfers
            .iter()
            .find(|t| t.id == id && t.state == RowState::Offered),
        None => pending_offer(state),
    }
}

pub(super) fn row<'a>(state: &'a mut AppState, id: &str) -> Option<&'a mut TransferRow> {
    state.transfers.iter_mut().find(|t| t.id == id)
}

/// Marks a row's end time once its state is final.
pub(super) fn finish(state: &mut AppState, id: &str) {
    let now = state.now.unix_ms;
    if let Some(r) = state.transfers.iter_mut().find(|t| t.id == id) {
        if !r.state.is_open() && r.finished_ms.is_none() {
            r.finished_ms = Some(now);
        }
    }
}

/// How long a finished transfer stays in the transfers box (its line stays in the log).
pub const SHOW_FINISHED_MS: i64 = 10_000;

/// The transfers the box shows: open ones and those finished in the last few seconds,
/// newest last.
pub fn visible(state: &AppState) -> Vec<&TransferRow> {
    let now = state.now.unix_ms;
    state
        .transfers
        .iter()
        .filter(|t| t.state.is_open() || t.finished_ms.is_some_and(|f| now - f < SHOW_FINISHED_MS))
        .collect()
}

pub(super) fn push_row(state: &mut AppState, r: TransferRow) {
    if state.transfers.len() >= MAX_TRANSFER_ROWS {
        if let Some(at) = state.transfers.iter().position(|t| !t.state.is_open()) {
            state.transfers.remove(at);
        } else {
            state.transfers.remove(0);
        }
    }
    state.transfers.push(r);
}
