//! Applies chat lines to the buffers: a `message` from a peer and our own `sent` line, with
//! their reactions and edits ([`Acts`]), marks, mentions and delivery state.

use super::acts::Acts;
use super::attention::Arrival;
use super::buffers::{self, BufferKey};
use super::log::{ChatLine, LineKind, Mark};
use super::state::{AppState, Level};
use crate::tui::geometry::peer_colour_index;
use crate::tui::model::text::sanitize;
use p2pchat_engine::mention::mentions;

/// A chat line from a peer, as the `message` event carries it.
pub(super) struct Arrived {
    pub msg_id: String,
    pub from: String,
    pub from_name: String,
    pub body: String,
    pub signed: bool,
    pub verified: bool,
    pub ts: i64,
    pub room: String,
    pub reply_to: Option<String>,
    pub mentions_me: bool,
}

/// Our own line, as the `sent` event carries it.
pub(super) struct Sent {
    pub msg_id: String,
    pub body: String,
    pub signed: bool,
    pub ts: i64,
    pub recipients: usize,
    pub room: String,
    pub reply_to: Option<String>,
}

/// A peer's line into its room's buffer (counted as unread, a mention rings).
pub(super) fn message(state: &mut AppState, line: Arrived) {
    let Arrived {
        msg_id,
        from,
        from_name,
        body,
        signed,
        verified,
        ts,
        room,
        reply_to,
        mentions_me,
    } = line;
    let acts = Acts::arrived(state, msg_id, sanitize(&body, true), reply_to);
    let mark = match (signed, verified) {
        (true, true) => Mark::Verified,
        (true, false) => Mark::Unverified,
        (false, _) => Mark::Unsigned,
    };
    let name = super::apply_store::display_name(state, &from, &from_name);
    let mention = mentions_me || mentions(&body, &state.me.name);
    let kind = LineKind::Chat {
        colour: peer_colour_index(&from),
        from,
        name: name.clone(),
        body: acts.shown(),
        mark,
        own: false,
        private: false,
        backfilled: false,
        delivery: None,
        mention,
        acts: Box::new(acts),
    };
    let arrival = Arrival {
        from_name: &name,
        body: &body,
        mention,
        private: false,
    };
    let key = BufferKey::Room(room.clone());
    buffers::push(state, key, &room, ChatLine { ts, kind }, Some(arrival));
}

/// Our line into its room's buffer, with its delivery state; a line nobody received says so.
pub(super) fn sent(state: &mut AppState, line: Sent) {
    let Sent {
        msg_id,
        body,
        signed,
        ts,
        recipients,
        room,
        reply_to,
    } = line;
    let acts = Acts::arrived(state, msg_id.clone(), sanitize(&body, true), reply_to);
    let kind = LineKind::Chat {
        colour: peer_colour_index(&state.me.id),
        from: state.me.id.clone(),
        name: if state.me.name.is_empty() {
            "me".into()
        } else {
            state.me.name.clone()
        },
        body: acts.shown(),
        mark: if signed {
            Mark::Verified
        } else {
            Mark::Unsigned
        },
        own: true,
        private: false,
        backfilled: false,
        // Sent to someone, or waiting for peers to come back and backfill it.
        delivery: Some((
            msg_id,
            if recipients == 0 && signed {
                p2pchat_engine::api::Delivery::Queued
            } else {
                p2pchat_engine::api::Delivery::Sent
            },
        )),
        mention: false,
        acts: Box::new(acts),
    };
    buffers::push(
        state,
        BufferKey::Room(room.clone()),
        &room,
        ChatLine { ts, kind },
        None,
    );
    if recipients == 0 {
        state.set_status(nobody_received(state, &room, signed), Level::Warning);
    }
}

/// Why a sent message reached nobody, and whether anyone gets it later (a signed one is
/// given by history sync to peers that connect, or join its room).
fn nobody_received(state: &AppState, room: &str, signed: bool) -> String {
    let (nobody, later) = if state.online_count() == 0 {
        ("no peer is online".to_string(), "connect")
    } else {
        (format!("nobody else is in {room} yet"), "join")
    };
    if signed {
        format!("sent, but {nobody}; peers get it from history when they {later}")
    } else {
        format!("sent, but {nobody}; unsigned, so it is not kept for them")
    }
}
