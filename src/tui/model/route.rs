//! Where a system line goes: a line about one private conversation (a file offer made to us
//! alone, its outcome, a refused private message) to that peer's buffer, where it counts as
//! unread and alerts like a message; a line about one room to that room's buffer; every other
//! line (the group's peers, votes and mode, replies to what was just typed) to the buffer
//! shown. Pure.

use super::attention::Arrival;
use super::buffers::{self, BufferKey};
use super::log::{ChatLine, LineKind};
use super::state::{AppState, Level};
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::DM_REJECTED;

/// The buffer a system line belongs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The shown buffer: lines about the whole group, and replies to the command just typed.
    Shown,
    /// A room's buffer, by name (the shown one if we have no buffer for that room).
    Room(String),
    /// The private conversation with a peer (its id). `alert`: the line is the peer's doing
    /// (an offer, an answer, an outcome), so it counts as unread there and calls the user as a
    /// private message does; our own lines (our offer, our cancel) do not.
    Private { peer: String, alert: bool },
}

/// A system line stamped with the state's clock.
pub fn line(state: &AppState, text: &str, level: Level) -> ChatLine {
    ChatLine {
        ts: state.now.unix_ms,
        kind: LineKind::System {
            text: sanitize(text, true),
            level,
            selectable: None,
        },
    }
}

/// Puts a system line where `place` says. A line for a buffer not shown also goes on the
/// status line (`in NAME: …`) when it alerts; a buffer that cannot be made (too many) leaves
/// it in the shown one.
pub fn system_at(state: &mut AppState, place: Place, text: String, level: Level) {
    system_line_at(state, place, &text, level, None);
}

/// [`system_at`] for a line that can be selected in the Messages pane as `selectable` (a
/// file offer's [`offer_key`](super::transfers::offer_key)).
pub fn system_line_at(
    state: &mut AppState,
    place: Place,
    text: &str,
    level: Level,
    selectable: Option<String>,
) {
    let mut line = line(state, text, level);
    if let LineKind::System { selectable: s, .. } = &mut line.kind {
        *s = selectable;
    }
    match place {
        Place::Shown => state.log.push(line),
        // A room we have no buffer for (not in it) gets none made for a notice.
        Place::Room(room) => match state.buffers.index_of(&BufferKey::Room(room.clone())) {
            Some(_) => buffers::push(state, BufferKey::Room(room.clone()), &room, line, None),
            None => state.log.push(line),
        },
        Place::Private { peer, alert } => {
            let name = state.name_of(&peer);
            let label = super::apply_store::display_name(state, &peer, &name);
            let key = BufferKey::Private(peer);
            let elsewhere = state.buffers.current_key() != &key;
            let arrival = alert.then_some(Arrival {
                from_name: &label,
                body: text,
                mention: false,
                private: true,
            });
            buffers::push(state, key.clone(), &label, line, arrival);
            if alert && elsewhere && state.buffers.index_of(&key).is_some() {
                let first = text.lines().next().unwrap_or_default();
                state.set_status(format!("in {label}: {first}"), level);
            }
        }
    }
}

/// Where transfer `id`'s lines go: the conversation its offer was made in
/// ([`TransferRow::dm`](super::apply_files::TransferRow::dm)), else the shown buffer.
pub fn transfer_place(state: &AppState, id: &str, alert: bool) -> Place {
    let row = state.transfers.iter().find(|t| t.id == id);
    match row.and_then(|t| t.dm.clone()) {
        Some(peer) => Place::Private { peer, alert },
        None => Place::Shown,
    }
}

/// A frame a peer sent was dropped: said in the shown buffer, or (a refused private message
/// from a peer we know) in the conversation with that peer, where it alerts.
pub fn rejected(state: &mut AppState, from: String, reason: String) {
    // `from` is a peer id when known, otherwise a socket address.
    let who = match state.peer(&from) {
        Some(p) => p.name.clone(),
        None => sanitize(&from, false),
    };
    let text = format!("dropped message from {who}: {}", sanitize(&reason, false));
    let known = state.peer(&from).is_some()
        || state
            .buffers
            .index_of(&BufferKey::Private(from.clone()))
            .is_some();
    let place = if reason.contains(DM_REJECTED) && known {
        Place::Private {
            peer: from,
            alert: true,
        }
    } else {
        Place::Shown
    };
    system_at(state, place, text, Level::Warning);
}
