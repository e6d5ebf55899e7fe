//! Acts on room messages in the interface: the message selected in the Messages pane, the
//! keys that start a reply, reaction, edit or delete of it on the input line, and reactions,
//! edits and deletes shown on the message itself (counts under it, "(edited)", "message
//! deleted", a quoted line above a reply). Pure.

use super::apply_rooms;
use super::log::{ChatLine, LineKind, MessageLog};
use super::state::{AppState, Focus, Level};
use super::text::sanitize;
use p2pchat_engine::api::NetEvent;

/// Columns of the original's words quoted above a reply.
const QUOTE_CHARS: usize = 40;

/// What a room message is and what was done to it; the line's shown body is made from this.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Acts {
    /// The message id (`author-hex:seq`); `None` for lines that cannot be acted on.
    pub id: Option<String>,
    /// The sanitised text as its author last wrote it (empty once deleted).
    pub text: String,
    /// The message this one answers, for a reply.
    pub reply_to: Option<String>,
    /// `↪ Alice: first words…` above a reply.
    pub quote: Option<String>,
    /// Emoji and how many keys have it on, in the order first seen.
    pub reactions: Vec<(String, usize)>,
    pub edited: bool,
    pub deleted: bool,
}

impl Acts {
    /// A room message `id` with sanitised `text`, with no acts on it yet.
    pub fn new(id: String, text: String) -> Acts {
        Acts {
            id: Some(id),
            text,
            ..Acts::default()
        }
    }

    /// A reply to `reply_to` (quoted from what the logs hold) or, without one, a message.
    pub fn arrived(state: &AppState, id: String, text: String, reply_to: Option<String>) -> Acts {
        Acts {
            quote: reply_to.as_deref().map(|r| quote_for(state, r)),
            reply_to,
            ..Acts::new(id, text)
        }
    }

    /// The body the line shows: quote, text with "(edited)", reaction counts under it.
    pub fn shown(&self) -> String {
        if self.deleted {
            return "message deleted".to_string();
        }
        let mut out = String::new();
        if let Some(q) = &self.quote {
            out.push_str(q);
            out.push('\n');
        }
        out.push_str(&self.text);
        if self.edited {
            out.push_str(" (edited)");
        }
        let counts: Vec<String> = self
            .reactions
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(e, n)| format!("{e} {n}"))
            .collect();
        if !counts.is_empty() {
            out.push('\n');
            out.push_str(&counts.join("  "));
        }
        out
    }
}

/// The quote above a reply to `reply_to`: the original's author and first words when a log
/// holds it, otherwise the end of its id.
pub fn quote_for(state: &AppState, reply_to: &str) -> String {
    let found = all_logs(state).find_map(|log| {
        log.lines().iter().rev().find_map(|l| match &l.kind {
            LineKind::Chat { name, acts, .. } if acts.id.as_deref() == Some(reply_to) => {
                Some((name.clone(), acts.clone()))
            }
            LineKind::Chat { .. } | LineKind::System { .. } => None,
        })
    });
    match found {
        Some((_, acts)) if acts.deleted => "↪ message deleted".to_string(),
        Some((name, acts)) => {
            let first = acts.text.lines().next().unwrap_or("");
            let mut words: String = first.chars().take(QUOTE_CHARS).collect();
            if first.chars().count() > QUOTE_CHARS || acts.text.lines().nth(1).is_some() {
                words.push('…');
            }
            format!("↪ {name}: {words}")
        }
        None => {
            let seq = reply_to.rsplit(':').next().unwrap_or("");
            let short: String = seq
                .chars()
                .skip(seq.chars().count().saturating_sub(6))
                .collect();
            format!("↪ reply to message …{short}")
        }
    }
}

fn all_logs(state: &AppState) -> impl Iterator<Item = &MessageLog> {
    std::iter::once(&state.log).chain(state.buffers.list.iter().map(|b| b.log()))
}

/// Changes message `msg_id` wherever a log holds it, then remakes its shown body; whether
/// one did.
fn change(state: &mut AppState, msg_id: &str, how: impl Fn(&mut Acts)) -> bool {
    let found = change_where(state, &|acts| acts.id.as_deref() == Some(msg_id), &how);
    // Replies to it quote what it says now (nothing of a deleted one).
    let quote = quote_for(state, msg_id);
    change_where(
        state,
        &|acts| acts.reply_to.as_deref() == Some(msg_id),
        &|acts| acts.quote = Some(quote.clone()),
    );
    found
}

/// Changes every message `which` picks, in every log; whether there was one.
fn change_where(
    state: &mut AppState,
    which: &dyn Fn(&Acts) -> bool,
    how: &dyn Fn(&mut Acts),
) -> bool {
    let mut found = false;
    let mut on_line = |line: &mut ChatLine| {
        if let LineKind::Chat { body, acts, .. } = &mut line.kind {
            if which(acts) {
                how(acts);
                *body = acts.shown();
                found = true;
            }
        }
    };
    state.log.each_line_mut(&mut on_line);
    for b in &mut state.buffers.list {
        b.log_mut().each_line_mut(&mut on_line);
    }
    found
}

/// A reaction: the message shows `emoji` with its new count (gone at zero).
pub fn reaction(state: &mut AppState, msg_id: &str, emoji: &str, count: usize) -> bool {
    let emoji = sanitize(emoji, false);
    change(state, msg_id, |acts| {
        match acts.reactions.iter_mut().find(|(e, _)| *e == emoji) {
            Some(entry) => entry.1 = count,
            None if count > 0 => acts.reactions.push((emoji.clone(), count)),
            None => {}
        }
        acts.reactions.retain(|(_, n)| *n > 0);
    })
}

/// An edit: the message's text is replaced and marked "(edited)".
pub fn edited(state: &mut AppState, msg_id: &str, body: &str) -> bool {
    let text = sanitize(body, true);
    change(state, msg_id, |acts| {
        acts.text = text.clone();
        acts.edited = true;
    })
}

/// A delete: the message says "message deleted" and its text is dropped.
pub fn deleted(state: &mut AppState, msg_id: &str) -> bool {
    change(state, msg_id, |acts| {
        acts.text.clear();
        acts.quote = None;
        acts.reactions.clear();
        acts.deleted = true;
    })
}

/// A reaction, edit or delete from the network: shown on the message itself, or as a line
/// when no log holds the message.
pub fn apply(state: &mut AppState, event: NetEvent) {
    let shown = match &event {
        NetEvent::Reaction {
            msg_id,
            emoji,
            count,
            ..
        } => reaction(state, msg_id, emoji, *count),
        NetEvent::Edited { msg_id, body, .. } => edited(state, msg_id, body),
        NetEvent::Deleted { msg_id, .. } => deleted(state, msg_id),
        // `apply` passes only these three.
        _ => true,
    };
    if shown {
        return;
    }
    match event {
        NetEvent::Reaction {
            from_name,
            emoji,
            on,
            count,
            msg_id,
            room,
            ..
        } => apply_rooms::reaction(state, room, from_name, emoji, on, count, msg_id),
        NetEvent::Edited {
            from_name,
            body,
            room,
            ..
        } => apply_rooms::edited(state, room, from_name, body),
        NetEvent::Deleted {
            from_name, room, ..
        } => apply_rooms::deleted(state, room, from_name),
        _ => {}
    }
}

/// The ids of the shown log's messages that can be acted on (and file offers' lines,
/// `apply_files::offer_key`), oldest first, with their line.
fn selectable(state: &AppState) -> Vec<(usize, String)> {
    state
        .log
        .lines()
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match &l.kind {
            LineKind::Chat { acts, .. } if !acts.deleted => acts.id.clone().map(|id| (i, id)),
            LineKind::System { selectable, .. } => selectable.clone().map(|id| (i, id)),
            LineKind::Chat { .. } => None,
        })
        .collect()
}

/// The line index of the selected message in the shown log.
pub fn selected_line(state: &AppState) -> Option<usize> {
    let id = state.selected_message.as_deref()?;
    selectable(state)
        .into_iter()
        .find(|(_, m)| m == id)
        .map(|(i, _)| i)
}

/// Moves the selection `step` messages (negative: older); with none selected, ↑ picks the
/// newest. Returns the selected line so the caller can scroll to it.
pub fn select(state: &mut AppState, step: isize) -> Option<usize> {
    let all = selectable(state);
    if all.is_empty() {
        state.set_status("no message to select here", Level::Info);
        return None;
    }
    let here = state
        .selected_message
        .as_deref()
        .and_then(|id| all.iter().position(|(_, m)| m == id));
    let next = match here {
        None if step < 0 => Some(all.len() - 1),
        None => None,
        Some(i) => {
            let n = i as isize + step;
            (0..all.len() as isize).contains(&n).then_some(n as usize)
        }
    };
    match next {
        Some(i) => {
            state.selected_message = Some(all[i].1.clone());
            Some(all[i].0)
        }
        // Down past the newest: the selection ends and the view follows again.
        None if step > 0 => {
            state.selected_message = None;
            None
        }
        None => here.map(|i| all[i].0),
    }
}

/// What a key does to the selected message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActOn {
    Reply,
    React,
    Edit,
    Delete,
}

/// Puts the command for `act` on the selected message on the input line and focuses it; the
/// user finishes it (text, emoji) and presses Enter, so a delete is confirmed by Enter too.
pub fn start(state: &mut AppState, act: ActOn) {
    let Some(line) = selected_line(state) else {
        state.set_status(
            "select a message first: Messages pane (Tab), then Up/Down",
            Level::Info,
        );
        return;
    };
    let LineKind::Chat { own, acts, .. } = &state.log.lines()[line].kind else {
        state.set_status(
            "a file offer: Ctrl-Y accepts it, Ctrl-N declines it",
            Level::Info,
        );
        return;
    };
    let Some(id) = acts.id.clone() else {
        return;
    };
    if !own && matches!(act, ActOn::Edit | ActOn::Delete) {
        state.set_status(
            "only your own messages can be edited or deleted",
            Level::Warning,
        );
        return;
    }
    let (text, status) = match act {
        ActOn::Reply => (format!("/reply {id} "), "type the reply, Enter sends"),
        ActOn::React => (
            format!("/react {id} 👍"),
            "Enter reacts 👍 (again to take it back); or type ❤️ 😂 🎉 👀 instead",
        ),
        ActOn::Edit => (
            format!("/edit {id} {}", acts.text),
            "change the text, Enter saves",
        ),
        ActOn::Delete => (
            format!("/delete {id}"),
            "Enter deletes this message for everyone; Ctrl-C keeps it",
        ),
    };
    state.input.set(&text);
    state.focus = Focus::Input;
    state.set_status(status, Level::Info);
}
