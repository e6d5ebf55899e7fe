//! `apply`: folds one network event into the state (peers, history, replies, status line);
//! voting events go on to [`super::apply_votes`]. Pure; the time for system lines is the
//! state's clock, set by the run loop.

use super::log::{ChatLine, LineKind, Mark};
use super::state::{AppState, Level, PeerEntry};
use crate::net::{NetEvent, OfflineReason};
use crate::tui::text::sanitize;
use crate::tui::ui::theme::peer_colour_index;

/// Applies `event` to `state`.
pub fn apply(state: &mut AppState, event: NetEvent) {
    match event {
        NetEvent::Ready {
            id,
            name,
            port,
            fingerprint,
        } => {
            state.me.id = id;
            state.me.name = sanitize(&name, false);
            state.me.fingerprint = sanitize(&fingerprint, false);
            state.me.port = Some(port);
            let text = format!(
                "you are {} ({}), listening on port {port}",
                state.me.name, state.me.fingerprint
            );
            system(state, text, Level::Info);
        }
        NetEvent::PeerOnline {
            id,
            name,
            fingerprint,
            addr,
            quiet,
        } => {
            let name = sanitize(&name, false);
            let entry = PeerEntry {
                colour: peer_colour_index(&id),
                id,
                name: name.clone(),
                fingerprint: sanitize(&fingerprint, false),
                addr: sanitize(&addr, false),
                online: true,
                offline_reason: None,
            };
            let text = format!(
                "{name} joined ({})",
                entry.fingerprint.chars().take(9).collect::<String>()
            );
            upsert_peer(state, entry);
            // A folded join changes the peer list only (the store edge did not store it).
            if !quiet {
                state.set_status(format!("{name} joined"), Level::Info);
                system(state, text, Level::Info);
            }
        }
        NetEvent::PeerOffline {
            id,
            name,
            reason,
            quiet,
        } => {
            let name = sanitize(&name, false);
            if let Some(p) = state.peers.iter_mut().find(|p| p.id == id) {
                p.online = false;
                p.offline_reason = Some(reason);
            }
            let text = match reason {
                OfflineReason::Quit => format!("{name} left"),
                OfflineReason::Closed => format!("{name} disconnected"),
                OfflineReason::Timeout => format!("{name} timed out"),
            };
            if !quiet {
                state.set_status(text.clone(), Level::Info);
                system(state, text, Level::Info);
            }
        }
        NetEvent::Message {
            from,
            from_name,
            body,
            signed,
            verified,
            ts,
            ..
        } => {
            let mark = match (signed, verified) {
                (true, true) => Mark::Verified,
                (true, false) => Mark::Unverified,
                (false, _) => Mark::Unsigned,
            };
            let name = super::apply_store::display_name(state, &from, &from_name);
            let kind = LineKind::Chat {
                colour: peer_colour_index(&from),
                from,
                name,
                body: sanitize(&body, true),
                mark,
                own: false,
                private: false,
                backfilled: false,
                delivery: None,
            };
            state.log.push(ChatLine { ts, kind });
        }
        NetEvent::Sent {
            msg_id,
            body,
            signed,
            ts,
            recipients,
        } => {
            let kind = LineKind::Chat {
                colour: peer_colour_index(&state.me.id),
                from: state.me.id.clone(),
                name: if state.me.name.is_empty() {
                    "me".into()
                } else {
                    state.me.name.clone()
                },
                body: sanitize(&body, true),
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
                        crate::net::Delivery::Queued
                    } else {
                        crate::net::Delivery::Sent
                    },
                )),
            };
            state.log.push(ChatLine { ts, kind });
            if recipients == 0 {
                state.set_status(
                    "sent, but no peer is connected to receive it",
                    Level::Warning,
                );
            }
        }
        NetEvent::Rejected { reason, .. } if reason == crate::net::archive::BLOCKED => {}
        NetEvent::Rejected { from, reason } => {
            // `from` is a peer id when known, otherwise a socket address.
            let who = match state.peer(&from) {
                Some(p) => p.name.clone(),
                None => sanitize(&from, false),
            };
            system(
                state,
                format!("dropped message from {who}: {}", sanitize(&reason, false)),
                Level::Warning,
            );
        }
        NetEvent::Error { message } => {
            let message = sanitize(&message, false);
            state.set_status(message.clone(), Level::Error);
            system(state, message, Level::Error);
        }
        NetEvent::Notice { message } => system(state, sanitize(&message, false), Level::Info),
        NetEvent::Peers { peers } => {
            let mut text = match peers.len() {
                0 => "no peers connected".to_string(),
                1 => "1 peer connected:".to_string(),
                n => format!("{n} peers connected:"),
            };
            for p in &peers {
                text.push_str(&format!(
                    "\n  {}  {}  {}",
                    sanitize(&p.name, false),
                    p.fingerprint,
                    sanitize(&p.addr, false)
                ));
            }
            for p in peers {
                let entry = PeerEntry {
                    colour: peer_colour_index(&p.id),
                    name: sanitize(&p.name, false),
                    addr: sanitize(&p.addr, false),
                    id: p.id,
                    fingerprint: sanitize(&p.fingerprint, false),
                    online: true,
                    offline_reason: None,
                };
                upsert_peer(state, entry);
            }
            system(state, text, Level::Info);
        }
        NetEvent::Status {
            id,
            name,
            fingerprint,
            port,
            peers,
            secure_only,
            open_proposals,
        } => {
            state.secure_only = Some(secure_only);
            if std::mem::take(&mut state.quiet_status) {
                return;
            }
            let mode = if secure_only { "secure-only" } else { "open" };
            let text = format!(
                "{} ({fingerprint}) id {id}, port {port}; {peers} peers; {mode} mode; {open_proposals} open proposals",
                sanitize(&name, false)
            );
            system(state, text, Level::Info);
        }
        NetEvent::Identity {
            id,
            fingerprint,
            public_key,
            algorithm,
            key_file,
        } => {
            let text = format!(
                "identity: id {id}\n  fingerprint {fingerprint}\n  {algorithm} public key {public_key}\n  key file {}",
                sanitize(&key_file, false)
            );
            system(state, text, Level::Info);
        }
        ev @ (NetEvent::Proposal { .. }
        | NetEvent::Vote { .. }
        | NetEvent::ProposalClosed { .. }
        | NetEvent::SecureMode { .. }
        | NetEvent::Proposals { .. }) => super::apply_votes::apply(state, ev),
        ev @ (NetEvent::DirectMessage { .. }
        | NetEvent::HistoryGap { .. }
        | NetEvent::Backfilled { .. }
        | NetEvent::Delivered { .. }
        | NetEvent::DmSent { .. }
        | NetEvent::History { .. }
        | NetEvent::SearchResults { .. }
        | NetEvent::PeerTrust { .. }
        | NetEvent::SafetyCode { .. }) => super::apply_store::apply(state, ev),
        NetEvent::Stopped => {
            state.stopped = true;
            system(state, "network stopped".to_string(), Level::Warning);
        }
    }
}

pub(super) fn system(state: &mut AppState, text: String, level: Level) {
    let line = ChatLine {
        ts: state.now.unix_ms,
        kind: LineKind::System {
            text: sanitize(&text, true),
            level,
        },
    };
    state.log.push(line);
}

pub(super) fn upsert_peer(state: &mut AppState, entry: PeerEntry) {
    match state.peers.iter_mut().find(|p| p.id == entry.id) {
        Some(p) => *p = entry,
        None => state.peers.push(entry),
    }
}
