//! The store edge's events (private messages, history pages, search results, key trust, safety
//! codes), one function each, called from the one match in [`super::apply`]. Pure.

use super::acts::Acts;
use super::apply::system;
use super::attention::{self, Arrival};
use super::buffers::{self, BufferKey};
use super::chat_lines::{
    chat_line, set_backfilled, set_delivery, set_mention, stored_buffer, stored_line,
};
use super::log::{ChatLine, LineKind, Mark};
use super::state::{AppState, Level, PeerEntry, TrustInfo};
use crate::tui::model::text::sanitize;
use p2pchat_engine::api::{Delivery, Trust};
use p2pchat_engine::api::{EntryKind, HistoryEntry};
use p2pchat_engine::mention::mentions;
use p2pchat_engine::node::sanitize::fold_name;
use p2pchat_runtime::archive::key_warning;

/// Applies a [`DirectMessage`](p2pchat_engine::api::NetEvent::DirectMessage) event.
pub(super) fn direct_message(
    state: &mut AppState,
    from: String,
    from_name: String,
    body: String,
    ts: i64,
) {
    let name = display_name(state, &from, &from_name);
    let mut line = chat_line(&from, name.clone(), &body, ts, false, true, Mark::Verified);
    set_mention(&mut line, mentions(&body, &state.me.name));
    let arrival = Arrival {
        from_name: &name,
        body: &body,
        mention: false,
        private: true,
    };
    buffers::push(
        state,
        BufferKey::Private(from.clone()),
        &name,
        line,
        Some(arrival),
    );
    state.set_status(
        format!("private message from {}", sanitize(&from_name, false)),
        Level::Info,
    );
}

/// Applies a [`DmSent`](p2pchat_engine::api::NetEvent::DmSent) event.
pub(super) fn dm_sent(
    state: &mut AppState,
    msg_id: String,
    to: String,
    to_name: String,
    body: String,
    ts: i64,
    status: Delivery,
) {
    // Queued for a peer that is away: its name from the peer list if known.
    let to_name = state.peer(&to).map_or(to_name, |p| p.name.clone());
    let label = display_name(state, &to, &to_name);
    let name = format!("→ {label}");
    let me = state.me.id.clone();
    let mut line = chat_line(&me, name, &body, ts, true, true, Mark::Verified);
    set_delivery(&mut line, msg_id, status);
    buffers::push(state, BufferKey::Private(to.clone()), &label, line, None);
    if status == Delivery::Queued {
        state.set_status(
            format!(
                "{} is not connected: the message waits in the outbox",
                sanitize(&to_name, false)
            ),
            Level::Info,
        );
    }
}

/// Applies a [`Delivered`](p2pchat_engine::api::NetEvent::Delivered) event.
pub(super) fn delivered(state: &mut AppState, msg_id: String) {
    state.log.set_delivered(&msg_id);
    buffers::set_delivered(state, &msg_id);
}

/// A message missed while away, brought by history sync.
pub(super) struct Missed {
    pub msg_id: String,
    pub from: String,
    pub from_name: String,
    pub body: String,
    pub ts: i64,
    pub mentions_me: bool,
    pub room: String,
    pub reply_to: Option<String>,
}

/// Applies a [`Backfilled`](p2pchat_engine::api::NetEvent::Backfilled) event: a room message
/// like a live one (selectable, taking reactions, edits and deletes, quoting what it answers),
/// marked as missed.
pub(super) fn backfilled(state: &mut AppState, m: Missed) {
    let name = display_name(state, &m.from, &m.from_name);
    let acts = Acts::arrived(state, m.msg_id, sanitize(&m.body, true), m.reply_to);
    let mut line = chat_line(
        &m.from,
        name.clone(),
        &m.body,
        m.ts,
        false,
        false,
        Mark::Verified,
    );
    if let LineKind::Chat { body, acts: a, .. } = &mut line.kind {
        *body = acts.shown();
        **a = acts;
    }
    set_backfilled(&mut line);
    let mention = m.mentions_me || mentions(&m.body, &state.me.name);
    set_mention(&mut line, mention);
    let arrival = Arrival {
        from_name: &name,
        body: &m.body,
        mention,
        private: false,
    };
    let key = BufferKey::Room(m.room.clone());
    buffers::push(state, key, &m.room, line, Some(arrival));
}

/// Applies a [`History`](p2pchat_engine::api::NetEvent::History) event.
pub(super) fn history(state: &mut AppState, entries: Vec<HistoryEntry>, more: bool) {
    state.history.loading = false;
    state.history.exhausted = !more;
    let first_page = state.history.oldest_row.is_none();
    if let Some(first) = entries.first() {
        state.history.oldest_row = Some(first.row);
    }
    let lines: Vec<(BufferKey, String, ChatLine)> = entries
        .iter()
        .map(|e| {
            let (key, label) = stored_buffer(state, e);
            (key, label, stored_line(state, e))
        })
        .collect();
    let shown = buffers::prepend(state, lines);
    if first_page {
        attention::restored(state, shown);
        buffers::restore_wanted(state);
    }
}

/// Applies a [`SearchResults`](p2pchat_engine::api::NetEvent::SearchResults) event.
/// Where retention or a quota means messages cannot be recovered: said once.
pub(super) fn history_gap(state: &mut AppState, from_name: String, from_ts: i64, to_ts: i64) {
    let text = format!(
        "messages from {} between {} and {} are not available",
        sanitize(&from_name, false),
        state.now.local(from_ts).format("%H:%M"),
        state.now.local(to_ts).format("%H:%M")
    );
    system(state, text, Level::Warning);
}

pub(super) fn search_results(state: &mut AppState, query: String, entries: Vec<HistoryEntry>) {
    let mut text = match entries.len() {
        0 => format!("no stored message contains \"{}\"", sanitize(&query, false)),
        1 => format!("1 stored message contains \"{}\":", sanitize(&query, false)),
        n => format!(
            "{n} stored messages contain \"{}\":",
            sanitize(&query, false)
        ),
    };
    for e in &entries {
        let when = state.now.local(e.ts).format("%Y-%m-%d %H:%M");
        let who = match e.kind {
            EntryKind::Sent | EntryKind::DmOut => "me".to_string(),
            _ => sanitize(&e.author_name, false),
        };
        let private = if e.peer.is_some() { " [private]" } else { "" };
        text.push_str(&format!(
            "\n  {when} {who}{private}: {}",
            sanitize(&e.body, false)
        ));
    }
    system(state, text, Level::Info);
}

/// Applies a [`PeerTrust`](p2pchat_engine::api::NetEvent::PeerTrust) event.
pub(super) fn peer_trust(
    state: &mut AppState,
    id: String,
    name: String,
    fingerprint: String,
    trust: Trust,
    blocked: bool,
    previous: Vec<String>,
) {
    let old = state.trust.insert(id, TrustInfo { trust, blocked });
    let name = sanitize(&name, false);
    if trust == Trust::KeyChanged {
        let previous: Vec<String> = previous.iter().map(|p| sanitize(p, false)).collect();
        let fp = sanitize(&fingerprint, false);
        let text = key_warning(&name, &fp, &previous, &state.me.fingerprint);
        state.set_status(text.clone(), Level::Error);
        system(state, text, Level::Error);
    } else if let Some(old) = old {
        let was_verified = old.trust == Trust::Verified;
        let text = match (old.trust == trust, old.blocked == blocked) {
            (false, _) if trust == Trust::Verified => format!("{name} is now verified"),
            (false, _) if was_verified => format!("{name} is no longer marked verified"),
            (_, false) if blocked => {
                format!("{name} is blocked: their messages are hidden")
            }
            (_, false) => format!("{name} is unblocked"),
            _ => return,
        };
        system(state, text, Level::Info);
    }
}

/// Applies a [`SafetyCode`](p2pchat_engine::api::NetEvent::SafetyCode) event.
pub(super) fn safety_code(
    state: &mut AppState,
    name: String,
    fingerprint: String,
    code: String,
    trusted: bool,
) {
    let name = sanitize(&name, false);
    let fingerprint = sanitize(&fingerprint, false);
    let done = if trusted {
        "already verified".to_string()
    } else {
        format!(
            "if it matches, type /trust {fingerprint} and the first five digits their screen shows"
        )
    };
    let text = format!(
        "safety code with {name} ({fingerprint}): {} — compare it with the code on their screen; {done}",
        sanitize(&code, false)
    );
    system(state, text, Level::Info);
}

/// The names of a certificate's approvers: "you" for us, the name a connected or listed
/// peer has, else the name the store edge last saw with the key, else the fingerprint.
pub(super) fn approver_names(
    state: &AppState,
    approvers: &[String],
    known: Vec<String>,
) -> Vec<String> {
    approvers
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if !state.me.id.is_empty() && *a == state.me.id {
                "you".to_string()
            } else if let Some(p) = state.peer(a) {
                p.name.clone()
            } else if let Some(name) = known.get(i) {
                sanitize(name, false)
            } else {
                state.name_of(a)
            }
        })
        .collect()
}

/// How to name a peer in a command so that it cannot mean another key: its name, or its
/// fingerprint when the name is shared with another peer, looks like our own, has been seen
/// with another key, or contains a space.
pub fn command_name(state: &AppState, id: &str) -> Option<String> {
    let p = state.peer(id)?;
    let folded = fold_name(&p.name);
    let shared = state
        .peers
        .iter()
        .any(|q| q.id != p.id && fold_name(&q.name) == folded);
    let like_mine = !state.me.name.is_empty() && fold_name(&state.me.name) == folded;
    let changed = state
        .trust
        .get(id)
        .is_some_and(|t| t.trust == Trust::KeyChanged);
    Some(
        if shared || like_mine || changed || p.name.contains(char::is_whitespace) {
            p.fingerprint.clone()
        } else {
            p.name.clone()
        },
    )
}

/// A peer's name with its trust mark: `✔` verified, `⚠` key changed; when another known
/// peer has the same name, its fingerprint tells them apart.
pub fn display_name(state: &AppState, id: &str, name: &str) -> String {
    let mut name = sanitize(name, false);
    // Look-alikes count as the same name (other case, Cyrillic letters, …).
    let folded = fold_name(&name);
    let namesakes: Vec<&PeerEntry> = state
        .peers
        .iter()
        .filter(|p| p.id != id && fold_name(&p.name) == folded)
        .collect();
    if let Some(p) = state
        .peers
        .iter()
        .find(|p| p.id == id)
        .filter(|_| !namesakes.is_empty())
    {
        // A namesake with the same fingerprint (keys can be ground to match one): more of
        // the id, as many hex digits as tell them apart.
        let label = if namesakes.iter().any(|q| q.fingerprint == p.fingerprint) {
            let common = namesakes
                .iter()
                .map(|q| {
                    q.id.chars()
                        .zip(p.id.chars())
                        .take_while(|(a, b)| a == b)
                        .count()
                })
                .max()
                .unwrap_or(0);
            p.id.chars().take(common + 1).collect::<String>()
        } else {
            p.fingerprint.clone()
        };
        name = format!("{name} ({label})");
    }
    match state.trust.get(id).map(|t| t.trust) {
        Some(Trust::Verified) => format!("{name} ✔"),
        Some(Trust::KeyChanged) => format!("⚠ {name}"),
        _ => name,
    }
}
