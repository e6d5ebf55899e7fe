//! Rooms in the interface: the room list and our rooms as the network reports them, the
//! current room (where plain text goes), and the system lines for `/rooms`, `/who`, joins and
//! parts, and the notices about one room's messages, each in that room's buffer. Pure.

use super::apply::system;
use super::buffers::BufferKey;
use super::route::{system_at, Place};
use super::state::{AppState, Level};
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::{PeerInfo, RoomInfo};
use p2pchat_engine::rooms::GENERAL;

/// The rooms part of [`AppState`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rooms {
    /// The newest room list (all rooms known, with member counts).
    pub known: Vec<RoomInfo>,
    /// Where a plain line (and `/part`, `/who` without a room) goes.
    pub current: String,
}

impl Default for Rooms {
    fn default() -> Rooms {
        Rooms {
            known: Vec::new(),
            current: GENERAL.to_string(),
        }
    }
}

/// A new room list: kept; shown as a line only when it answers `/rooms`.
pub fn room_list(state: &mut AppState, rooms: Vec<RoomInfo>) {
    let asked = std::mem::take(&mut state.pending.rooms_asked);
    // Every room we are in has a buffer (at start: the rooms the node restored).
    for r in rooms.iter().filter(|r| r.joined) {
        let _ = state
            .buffers
            .ensure(BufferKey::Room(r.room.clone()), &r.room);
    }
    super::buffers::restore_wanted(state);
    state.rooms.known = rooms;
    if !asked {
        return;
    }
    let mut text = format!("{} rooms:", state.rooms.known.len());
    for r in &state.rooms.known {
        let mark = if r.joined { " (joined)" } else { "" };
        let plural = if r.members == 1 { "" } else { "s" };
        text.push_str(&format!(
            "\n  {}  {} member{plural}{mark}",
            r.room, r.members
        ));
    }
    system(state, text, Level::Info);
}

/// Joined: the room's buffer is made and shown.
pub fn joined(state: &mut AppState, room: String) {
    super::buffers::open(state, BufferKey::Room(room.clone()), &room);
    let text = format!("joined {room}");
    state.set_status(text.clone(), Level::Info);
    system_at(state, Place::Room(room), text, Level::Info);
}

/// Left: the room's buffer goes (`#general` is shown if it was the shown one).
pub fn parted(state: &mut AppState, room: String) {
    super::buffers::close_room(state, &room);
    if state.rooms.current == room {
        state.rooms.current = GENERAL.to_string();
    }
    let text = format!("left {room}");
    state.set_status(text.clone(), Level::Info);
    system(state, text, Level::Info);
}

pub fn members(state: &mut AppState, room: String, me: bool, members: Vec<PeerInfo>) {
    let count = members.len() + usize::from(me);
    let mut text = format!("{room}: {count} online");
    if me {
        text.push_str("\n  (you)");
    }
    for p in &members {
        text.push_str(&format!(
            "\n  {}  {}",
            sanitize(&p.name, false),
            p.fingerprint
        ));
    }
    system(state, text, Level::Info);
}

/// A reaction to a message no log holds, as a line: who, what, on which message, and how many have it now.
pub fn reaction(
    state: &mut AppState,
    room: String,
    from_name: String,
    emoji: String,
    on: bool,
    count: usize,
    msg_id: String,
) {
    let verb = if on { "reacted" } else { "took back" };
    let seq = msg_id.rsplit(':').next().unwrap_or("");
    let short = &seq[seq.len().saturating_sub(6)..];
    let text = format!(
        "{} {verb} {} on message …{short} ({count})",
        sanitize(&from_name, false),
        sanitize(&emoji, false)
    );
    system_at(state, Place::Room(room), text, Level::Info);
}

/// An edit of a message no log holds, as a line with the new text.
pub fn edited(state: &mut AppState, room: String, from_name: String, body: String) {
    let who = sanitize(&from_name, false);
    let text = format!("{who} edited a message: {body} (edited)");
    system_at(state, Place::Room(room), text, Level::Info);
}

/// A delete of a message no log holds, as a line.
pub fn deleted(state: &mut AppState, room: String, from_name: String) {
    let who = sanitize(&from_name, false);
    let text = format!("{who} deleted a message");
    system_at(state, Place::Room(room), text, Level::Info);
}
