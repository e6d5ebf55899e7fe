//! File-transfer events in the interface: a line in the message pane for each offer and
//! outcome, and the transfers list (`AppState::transfers`) that the transfers view draws with
//! progress, rate and time left. Pure.

use super::apply::{system, system_about};
use super::state::{AppState, Focus, Level};
use super::update::Effect;
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::NetCommand;
use p2pchat_engine::api::NetEvent;

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

use p2pchat_engine::lines;
pub use p2pchat_engine::lines::human_bytes;

/// The newest offer to us still waiting for an answer.
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

fn row<'a>(state: &'a mut AppState, id: &str) -> Option<&'a mut TransferRow> {
    state.transfers.iter_mut().find(|t| t.id == id)
}

/// Marks a row's end time once its state is final.
fn finish(state: &mut AppState, id: &str) {
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

/// Ctrl-Y / Ctrl-N: accept or decline the offer marked in the transfers box: the selected
/// one, else the newest waiting. A selected offer already answered is never swapped for
/// another.
pub fn answer_offer(state: &mut AppState, accept: bool) -> Vec<Effect> {
    let Some(offer) = target_offer(state) else {
        let text = match selected_offer(state) {
            Some(_) => "the selected file offer is already answered",
            None => "no file offer is waiting",
        };
        state.set_status(text, Level::Warning);
        return Vec::new();
    };
    let (id, name) = (offer.id.clone(), offer.name.clone());
    state.focus = Focus::Input;
    state.selected_message = None;
    let (verb, command) = if accept {
        (
            "accepting",
            NetCommand::AcceptFile {
                transfer: id,
                dir: None,
            },
        )
    } else {
        ("declining", NetCommand::DeclineFile { transfer: id })
    };
    state.set_status(format!("{verb} {name}"), Level::Info);
    vec![Effect::Send {
        command,
        from_input: false,
    }]
}

fn push_row(state: &mut AppState, r: TransferRow) {
    if state.transfers.len() >= MAX_TRANSFER_ROWS {
        if let Some(at) = state.transfers.iter().position(|t| !t.state.is_open()) {
            state.transfers.remove(at);
        } else {
            state.transfers.remove(0);
        }
    }
    state.transfers.push(r);
}

/// The transfer's file name for a line (`transfer 3f2a9c1d` when it is not listed).
fn label(state: &AppState, transfer_id: &str) -> String {
    let name = state
        .transfers
        .iter()
        .find(|t| t.id == transfer_id)
        .map(|t| t.name.as_str());
    lines::transfer_label(name, transfer_id)
}

fn name_of(state: &AppState, id: &str, fallback: &str) -> String {
    match state.peer(id) {
        Some(p) => p.name.clone(),
        None => sanitize(fallback, false),
    }
}

/// Applies one file event (any other event is ignored here).
pub fn apply(state: &mut AppState, event: NetEvent) {
    match event {
        NetEvent::FileOffer {
            transfer_id,
            from,
            from_name,
            name,
            size,
            ..
        } => {
            let peer = name_of(state, &from, &from_name);
            let name = sanitize(&name, false);
            let text = lines::file_offer(&peer, &name, size, &transfer_id);
            let key = offer_key(&transfer_id);
            push_row(
                state,
                TransferRow {
                    id: transfer_id,
                    name: name.clone(),
                    peer: peer.clone(),
                    incoming: true,
                    size,
                    bytes: 0,
                    rate: 0,
                    state: RowState::Offered,
                    finished_ms: None,
                },
            );
            state.set_status(
                format!("{peer} offers a file: Ctrl-Y accepts, Ctrl-N declines"),
                Level::Warning,
            );
            system_about(state, text, Level::Warning, Some(key));
        }
        NetEvent::FileOffered {
            transfer_id,
            to,
            name,
            size,
            ..
        } => {
            let names: Vec<String> = to
                .iter()
                .map(|id| name_of(state, id, &id[..8.min(id.len())]))
                .collect();
            let peer = names.join(", ");
            let name = sanitize(&name, false);
            let text = lines::file_offered(&name, size, &peer, &transfer_id);
            push_row(
                state,
                TransferRow {
                    id: transfer_id,
                    name,
                    peer,
                    incoming: false,
                    size,
                    bytes: 0,
                    rate: 0,
                    state: RowState::Waiting,
                    finished_ms: None,
                },
            );
            system(state, text, Level::Info);
        }
        NetEvent::FileAccepted {
            transfer_id,
            by,
            by_name,
            ..
        } => {
            let who = name_of(state, &by, &by_name);
            if let Some(r) = row(state, &transfer_id) {
                r.state = RowState::Transferring;
            }
            let text = lines::file_accepted(&who, &label(state, &transfer_id));
            system(state, text, Level::Info);
        }
        NetEvent::FileDeclined {
            transfer_id,
            by,
            by_name,
            reason,
        } => {
            let who = name_of(state, &by, &by_name);
            if let Some(r) = row(state, &transfer_id) {
                r.state = RowState::Declined;
            }
            finish(state, &transfer_id);
            let why = reason.map(|r| sanitize(&r, false));
            let text = lines::file_declined(&who, &label(state, &transfer_id), why.as_deref());
            if why.is_some() {
                state.set_status(text.clone(), Level::Warning);
            }
            system(state, text, Level::Info);
        }
        NetEvent::FileProgress {
            transfer_id,
            bytes,
            size,
            rate,
        } => {
            if let Some(r) = row(state, &transfer_id) {
                r.bytes = bytes;
                r.size = size;
                r.rate = rate;
                if r.state == RowState::Offered {
                    r.state = RowState::Transferring;
                }
            }
        }
        NetEvent::FileDone {
            transfer_id, path, ..
        } => {
            if let Some(r) = row(state, &transfer_id) {
                r.state = RowState::Done;
                r.bytes = r.size;
            }
            finish(state, &transfer_id);
            let path = sanitize(&path, false);
            state.set_status(format!("received {path} ✓"), Level::Info);
            system(state, lines::file_done(&path), Level::Info);
        }
        NetEvent::FileDelivered {
            transfer_id,
            to,
            to_name,
        } => {
            let who = name_of(state, &to, &to_name);
            if let Some(r) = row(state, &transfer_id) {
                r.bytes = r.size;
                r.state = RowState::Done;
            }
            finish(state, &transfer_id);
            let text = lines::file_delivered(&who, &label(state, &transfer_id));
            system(state, text, Level::Info);
        }
        NetEvent::FileFailed {
            transfer_id,
            reason,
        } => {
            let reason = sanitize(&reason, false);
            let name = row(state, &transfer_id).map(|r| {
                r.state = RowState::Failed(reason.clone());
                r.name.clone()
            });
            finish(state, &transfer_id);
            let text = lines::file_failed(name.as_deref(), &reason);
            state.set_status(text.clone(), Level::Error);
            system(state, text, Level::Error);
        }
        NetEvent::FileCancelled { transfer_id, by } => {
            if let Some(r) = row(state, &transfer_id) {
                r.state = RowState::Cancelled;
            }
            finish(state, &transfer_id);
            let by = sanitize(&by, false);
            let text = lines::file_cancelled(&by, &label(state, &transfer_id));
            system(state, text, Level::Info);
        }
        NetEvent::Transfers { transfers } if std::mem::take(&mut state.quiet_transfers) => {
            // At start: the open transfers a restart kept, into the box, without a line.
            for t in transfers {
                let row_state = match (t.state.as_str(), t.direction.as_str()) {
                    ("offered", "in") => RowState::Offered,
                    ("offered" | "hashing", _) => RowState::Waiting,
                    ("transferring", _) => RowState::Transferring,
                    _ => continue,
                };
                push_row(
                    state,
                    TransferRow {
                        id: t.transfer_id,
                        name: sanitize(&t.name, false),
                        peer: sanitize(&t.peer_names.join(", "), false),
                        incoming: t.direction == "in",
                        size: t.size,
                        bytes: t.bytes,
                        rate: 0,
                        state: row_state,
                        finished_ms: None,
                    },
                );
            }
        }
        NetEvent::Transfers { transfers } => {
            let mut text = if transfers.is_empty() {
                "no transfers".to_string()
            } else {
                format!("{} transfers:", transfers.len())
            };
            for t in &transfers {
                let arrow = if t.direction == "in" { "from" } else { "to" };
                let pct = (t.bytes * 100).checked_div(t.size).unwrap_or(100);
                text.push_str(&format!(
                    "\n  {}  {}  {} {}  {} of {} ({pct}%)  {}{}",
                    short_id(&t.transfer_id),
                    sanitize(&t.name, false),
                    arrow,
                    sanitize(&t.peer_names.join(", "), false),
                    human_bytes(t.bytes),
                    human_bytes(t.size),
                    t.state,
                    t.reason
                        .as_deref()
                        .map(|r| format!(": {}", sanitize(r, false)))
                        .unwrap_or_default(),
                ));
            }
            system(state, text, Level::Info);
        }
        _ => {}
    }
}
