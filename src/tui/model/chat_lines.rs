//! Chat lines as the model builds them: from the store edge's events (a private message, a
//! backfilled one) and from stored history entries, with the buffer each stored line goes to.
//! Pure.

use super::acts::Acts;
use super::apply_store::display_name;
use super::buffers::BufferKey;
use super::log::{ChatLine, LineKind, Mark};
use super::state::{AppState, Level};
use crate::tui::geometry::peer_colour_index;
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::Delivery;
use p2pchat_engine::api::{EntryKind, HistoryEntry};
use p2pchat_engine::mention::mentions;

pub(super) fn chat_line(
    from: &str,
    name: String,
    body: &str,
    ts: i64,
    own: bool,
    private: bool,
    mark: Mark,
) -> ChatLine {
    ChatLine {
        ts,
        kind: LineKind::Chat {
            colour: peer_colour_index(from),
            from: from.to_string(),
            name,
            body: sanitize(body, true),
            mark,
            own,
            private,
            backfilled: false,
            delivery: None,
            mention: false,
            acts: Box::default(),
        },
    }
}

pub(super) fn set_mention(line: &mut ChatLine, names_me: bool) {
    if let LineKind::Chat { mention, .. } = &mut line.kind {
        *mention = names_me;
    }
}

pub(super) fn set_delivery(line: &mut ChatLine, msg_id: String, status: Delivery) {
    if let LineKind::Chat { delivery, .. } = &mut line.kind {
        *delivery = Some((msg_id, status));
    }
}

pub(super) fn set_backfilled(line: &mut ChatLine) {
    if let LineKind::Chat { backfilled, .. } = &mut line.kind {
        *backfilled = true;
    }
}

pub(super) fn stored_line(state: &AppState, e: &HistoryEntry) -> ChatLine {
    let me = if state.me.name.is_empty() {
        "me".to_string()
    } else {
        state.me.name.clone()
    };
    let mark = if e.signed {
        Mark::Verified
    } else {
        Mark::Unsigned
    };
    let peer = e.peer.clone().unwrap_or_default();
    let mut line = stored_kind(state, e, me, mark, &peer);
    if matches!(e.kind, EntryKind::Message | EntryKind::DmIn) {
        set_mention(&mut line, mentions(&e.body, &state.me.name));
    }
    if e.backfilled {
        set_backfilled(&mut line);
    }
    // Room messages can be acted on (replied to, reacted to, edited, deleted).
    if let (Some(id), Some(_)) = (&e.msg_id, &e.room) {
        if let LineKind::Chat { acts, body, .. } = &mut line.kind {
            // The store keeps an edit as `TEXT (edited)` and a delete as `message deleted`.
            **acts = Acts::new(id.clone(), body.clone());
            if body == "message deleted" {
                acts.text.clear();
                acts.deleted = true;
            } else if let Some(text) = body.strip_suffix(" (edited)") {
                acts.text = text.to_string();
                acts.edited = true;
            }
            if !acts.deleted {
                acts.reactions = e
                    .reactions
                    .iter()
                    .map(|(emoji, n)| {
                        let n = usize::try_from(*n).unwrap_or(usize::MAX);
                        (sanitize(emoji, false), n)
                    })
                    .collect();
                if !acts.reactions.is_empty() {
                    *body = acts.shown();
                }
            }
        }
    }
    if let (EntryKind::DmOut, Some(id)) = (e.kind, &e.msg_id) {
        let status = match e.status.as_deref() {
            Some("delivered") => Delivery::Delivered,
            Some("queued") => Delivery::Queued,
            _ => Delivery::Sent,
        };
        set_delivery(&mut line, id.clone(), status);
    }
    line
}

pub(super) fn stored_kind(
    state: &AppState,
    e: &HistoryEntry,
    me: String,
    mark: Mark,
    peer: &str,
) -> ChatLine {
    match e.kind {
        EntryKind::Message => chat_line(
            &e.author,
            sanitize(&e.author_name, false),
            &e.body,
            e.ts,
            false,
            false,
            mark,
        ),
        EntryKind::Sent => chat_line(&state.me.id, me, &e.body, e.ts, true, false, mark),
        EntryKind::DmIn => chat_line(
            &e.author,
            sanitize(&e.author_name, false),
            &e.body,
            e.ts,
            false,
            true,
            mark,
        ),
        EntryKind::DmOut => {
            let to = e
                .peer_name
                .as_deref()
                .map(|n| sanitize(n, false))
                .or_else(|| state.peer(peer).map(|p| p.name.clone()))
                .unwrap_or_else(|| crate::tui::model::state::short_id(peer));
            chat_line(
                &state.me.id,
                format!("→ {to}"),
                &e.body,
                e.ts,
                true,
                true,
                mark,
            )
        }
        EntryKind::System => ChatLine {
            ts: e.ts,
            kind: LineKind::System {
                text: sanitize(&e.body, true),
                level: Level::Info,
                selectable: None,
            },
        },
    }
}

/// The buffer a stored line belongs in: its private conversation, its room (system lines
/// about one conversation or room are stored with it, as [`super::route`] shows them live),
/// or (a system line about neither) the shown buffer.
pub(super) fn stored_buffer(state: &AppState, e: &HistoryEntry) -> (BufferKey, String) {
    match (&e.peer, &e.room) {
        (Some(peer), _) => {
            let name = match (&e.peer_name, e.author_name.as_str()) {
                (Some(name), _) if !name.is_empty() => name.clone(),
                (_, "") => state.name_of(peer),
                (_, author) => author.to_string(),
            };
            (
                BufferKey::Private(peer.clone()),
                display_name(state, peer, &name),
            )
        }
        (None, Some(room)) => (BufferKey::Room(room.clone()), room.clone()),
        (None, None) => {
            let b = &state.buffers.list[state.buffers.current];
            (b.key.clone(), b.label.clone())
        }
    }
}
