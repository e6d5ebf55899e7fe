//! File-transfer events in the interface: a line in the message pane for each offer and
//! outcome, and the transfers list (`AppState::transfers`) that the transfers view draws with
//! progress, rate and time left. An offer naming one peer (ours by `/send`, or one made to us
//! alone) and its outcome go to that peer's buffer ([`super::route`]). Pure.

use super::apply::system;
use super::route::{system_at, transfer_place, Place};
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

/// `1.5 MiB`, `820 B`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// The newest offer to us still waiting for an answer (what the accept/decline keys act on).
pub fn pending_offer(state: &AppState) -> Option<&TransferRow> {
    state
        .transfers
        .iter()
        .rev()
        .find(|t| t.state == RowState::Offered)
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

/// Ctrl-Y / Ctrl-N: accept or decline the offer marked in the transfers box.
pub fn answer_offer(state: &mut AppState, accept: bool) -> Vec<Effect> {
    let Some(offer) = pending_offer(state) else {
        state.set_status("no file offer is waiting", Level::Warning);
        return Vec::new();
    };
    let (id, name) = (offer.id.clone(), offer.name.clone());
    state.focus = Focus::Input;
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
            recipients,
            ..
        } => {
            let peer = name_of(state, &from, &from_name);
            let name = sanitize(&name, false);
            let short = short_id(&transfer_id);
            push_row(
                state,
                TransferRow {
                    id: transfer_id.clone(),
                    name: name.clone(),
                    peer: peer.clone(),
                    incoming: true,
                    size,
                    bytes: 0,
                    rate: 0,
                    state: RowState::Offered,
                    finished_ms: None,
                    dm: (recipients == 1).then_some(from),
                },
            );
            let text = format!(
                "{peer} offers {name} ({}): Ctrl-Y accepts, Ctrl-N declines (or /accept {short} [DIR])",
                human_bytes(size)
            );
            state.set_status(format!("{peer} offers a file"), Level::Warning);
            let place = transfer_place(state, &transfer_id, true);
            system_at(state, place, text, Level::Warning);
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
            let status = format!("offered {name} to {peer}");
            let text = format!(
                "offered {name} ({}) to {peer}; /cancel {} to stop",
                human_bytes(size),
                short_id(&transfer_id)
            );
            push_row(
                state,
                TransferRow {
                    id: transfer_id.clone(),
                    name,
                    peer,
                    incoming: false,
                    size,
                    bytes: 0,
                    rate: 0,
                    state: RowState::Waiting,
                    finished_ms: None,
                    dm: (to.len() == 1).then(|| to[0].clone()),
                },
            );
            let place = transfer_place(state, &transfer_id, false);
            if place != Place::Shown {
                // The line goes to that conversation, maybe not the one shown: say it here too.
                state.set_status(status, Level::Info);
            }
            system_at(state, place, text, Level::Info);
        }
        NetEvent::FileAccepted {
            transfer_id,
            by,
            by_name,
            ..
        } => {
            let who = name_of(state, &by, &by_name);
            let name = row(state, &transfer_id).map(|r| {
                r.state = RowState::Transferring;
                r.name.clone()
            });
            let place = transfer_place(state, &transfer_id, true);
            let text = format!("{who} accepted {}", name.unwrap_or_default());
            system_at(state, place, text, Level::Info);
        }
        NetEvent::FileDeclined {
            transfer_id,
            by,
            by_name,
            reason,
        } => {
            let who = name_of(state, &by, &by_name);
            let name = row(state, &transfer_id)
                .map(|r| {
                    r.state = RowState::Declined;
                    r.name.clone()
                })
                .unwrap_or_default();
            finish(state, &transfer_id);
            let why = reason
                .map(|r| format!(" ({})", sanitize(&r, false)))
                .unwrap_or_default();
            let place = transfer_place(state, &transfer_id, true);
            system_at(
                state,
                place,
                format!("{who} declined {name}{why}"),
                Level::Info,
            );
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
            let place = transfer_place(state, &transfer_id, true);
            system_at(
                state,
                place,
                format!("received {path}, verified ✓"),
                Level::Info,
            );
        }
        NetEvent::FileDelivered {
            transfer_id,
            to,
            to_name,
        } => {
            let who = name_of(state, &to, &to_name);
            let name = row(state, &transfer_id).map(|r| {
                r.bytes = r.size;
                r.state = RowState::Done;
                r.name.clone()
            });
            finish(state, &transfer_id);
            let place = transfer_place(state, &transfer_id, true);
            let text = format!("{who} received {}, verified ✓", name.unwrap_or_default());
            system_at(state, place, text, Level::Info);
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
            let text = match name {
                Some(n) => format!("transfer of {n} failed: {reason}"),
                None => format!("file transfer refused: {reason}"),
            };
            state.set_status(text.clone(), Level::Error);
            let place = transfer_place(state, &transfer_id, true);
            system_at(state, place, text, Level::Error);
        }
        NetEvent::FileCancelled { transfer_id, by } => {
            let name = row(state, &transfer_id).map(|r| {
                r.state = RowState::Cancelled;
                r.name.clone()
            });
            finish(state, &transfer_id);
            let by = sanitize(&by, false);
            let (text, theirs) = match by.as_str() {
                "declined" => (format!("declined {}", name.unwrap_or_default()), false),
                "you" => (format!("cancelled {}", name.unwrap_or_default()), false),
                _ => (format!("{by} cancelled {}", name.unwrap_or_default()), true),
            };
            let place = transfer_place(state, &transfer_id, theirs);
            system_at(state, place, text, Level::Info);
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
                        dm: (t.peers.len() == 1).then(|| t.peers[0].clone()),
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
