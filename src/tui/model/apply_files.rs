//! File-transfer events in the interface: a line in the message pane for each offer and
//! outcome, and the rows of the transfers list ([`super::transfers`]), and the keys that
//! answer an offer. An offer naming one peer (ours by `/send`, or one made to us
//! alone) and its outcome go to that peer's buffer ([`super::route`]). Pure.

use super::apply::system;
use super::route::{system_at, system_line_at, transfer_place, Place};
use super::state::{AppState, Focus, Level};
use super::update::Effect;
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::NetCommand;
use p2pchat_engine::api::NetEvent;
use p2pchat_engine::lines;

use super::transfers::{finish, push_row, row};
pub use super::transfers::{
    human_bytes, offer_key, pending_offer, selected_offer, short_id, target_offer, visible,
    RowState, TransferRow, MAX_TRANSFER_ROWS, SHOW_FINISHED_MS,
};

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
            recipients,
            ..
        } => {
            let peer = name_of(state, &from, &from_name);
            let name = sanitize(&name, false);
            let text = lines::file_offer(&peer, &name, size, &transfer_id);
            let key = offer_key(&transfer_id);
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
            state.set_status(
                format!("{peer} offers a file: Ctrl-Y accepts, Ctrl-N declines"),
                Level::Warning,
            );
            let place = transfer_place(state, &transfer_id, true);
            system_line_at(state, place, &text, Level::Warning, Some(key));
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
            let text = lines::file_offered(&name, size, &peer, &transfer_id);
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
            if let Some(r) = row(state, &transfer_id) {
                r.state = RowState::Transferring;
            }
            let place = transfer_place(state, &transfer_id, true);
            let text = lines::file_accepted(&who, &label(state, &transfer_id));
            system_at(state, place, text, Level::Info);
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
            let place = transfer_place(state, &transfer_id, true);
            system_at(state, place, text, Level::Info);
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
            system_at(state, place, lines::file_done(&path), Level::Info);
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
            let place = transfer_place(state, &transfer_id, true);
            let text = lines::file_delivered(&who, &label(state, &transfer_id));
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
            let text = lines::file_failed(name.as_deref(), &reason);
            state.set_status(text.clone(), Level::Error);
            let place = transfer_place(state, &transfer_id, true);
            system_at(state, place, text, Level::Error);
        }
        NetEvent::FileCancelled { transfer_id, by } => {
            if let Some(r) = row(state, &transfer_id) {
                r.state = RowState::Cancelled;
            }
            finish(state, &transfer_id);
            let by = sanitize(&by, false);
            let theirs = !matches!(by.as_str(), "declined" | "you");
            let text = lines::file_cancelled(&by, &label(state, &transfer_id));
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
