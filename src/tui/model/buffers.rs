//! Buffers: one message log per room we are in and per private conversation, with unread and
//! mention counts for the ones not shown (weechat's hotlist). The shown buffer's log is
//! `state.log` itself, so scrolling, the read marker and the copy view work unchanged; the
//! others wait here and are swapped in on a switch. Pure.

use super::attention::{self, Arrival};
use super::log::{ChatLine, MessageLog, View};
use super::state::{AppState, Level};
use super::update::Effect;
use crate::command::UserCommand;
use p2pchat_engine::api::NetCommand;
use p2pchat_engine::limits::MAX_BUFFERS;
use p2pchat_engine::rooms::GENERAL;

/// What a buffer holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BufferKey {
    /// A room, by name (`#general`).
    Room(String),
    /// A private conversation, by the other peer's id.
    Private(String),
}

impl BufferKey {
    /// As kept in `ui.json`: the room name, or `@` and the peer id.
    pub fn saved(&self) -> String {
        match self {
            BufferKey::Room(room) => room.clone(),
            BufferKey::Private(peer) => format!("@{peer}"),
        }
    }
}

/// One buffer. `log` is empty while the buffer is the shown one (its lines are `state.log`).
#[derive(Clone, Debug)]
pub struct Buffer {
    pub key: BufferKey,
    /// What the list shows: the room name, or the peer's name.
    pub label: String,
    /// Chat lines from others that arrived while this buffer was not shown.
    pub unread: usize,
    /// Of those, the ones that name us, and private messages.
    pub mentions: usize,
    log: MessageLog,
}

impl Buffer {
    /// This buffer's history while it is not shown (the shown one's is `AppState::log`).
    pub fn log(&self) -> &MessageLog {
        &self.log
    }

    pub fn log_mut(&mut self) -> &mut MessageLog {
        &mut self.log
    }
}

/// The buffer list, part of [`AppState`].
#[derive(Clone, Debug)]
pub struct Buffers {
    pub list: Vec<Buffer>,
    pub current: usize,
    history_limit: usize,
    /// The buffer shown when the last run ended ([`BufferKey::saved`]), shown again once it
    /// exists (its room is restored by the node, its conversation by the history).
    pub wanted: Option<String>,
}

impl Buffers {
    /// Just `#general`, shown.
    pub fn new(history_limit: usize) -> Buffers {
        Buffers {
            list: vec![Buffer {
                key: BufferKey::Room(GENERAL.into()),
                label: GENERAL.into(),
                unread: 0,
                mentions: 0,
                log: MessageLog::new(history_limit),
            }],
            current: 0,
            history_limit,
            wanted: None,
        }
    }

    pub fn current_key(&self) -> &BufferKey {
        &self.list[self.current].key
    }

    pub fn index_of(&self, key: &BufferKey) -> Option<usize> {
        self.list.iter().position(|b| &b.key == key)
    }

    /// The buffer for `key`, made (after the others) if there is none and fewer than
    /// MAX_BUFFERS exist; `None` past the limit.
    pub fn ensure(&mut self, key: BufferKey, label: &str) -> Option<usize> {
        if let Some(i) = self.index_of(&key) {
            return Some(i);
        }
        if self.list.len() >= MAX_BUFFERS {
            return None;
        }
        self.list.push(Buffer {
            key,
            label: label.to_string(),
            unread: 0,
            mentions: 0,
            log: MessageLog::new(self.history_limit),
        });
        Some(self.list.len() - 1)
    }

    /// The one-line list: `1 #general  2 #dev 3/1@  3 Bob`, current in brackets.
    pub fn summary(&self) -> String {
        self.summary_of(|_| true)
    }

    /// The list in at most `cols` characters: whole if it fits, else the shown buffer and
    /// those with unread lines (the hotlist), then how many are left out.
    pub fn summary_fitting(&self, cols: usize) -> String {
        let all = self.summary();
        if all.chars().count() <= cols {
            return all;
        }
        let hot = self.summary_of(|(i, b)| i == self.current || b.unread > 0);
        let shown = self
            .list
            .iter()
            .enumerate()
            .filter(|(i, b)| *i == self.current || b.unread > 0)
            .count();
        format!("{hot}  +{} more", self.list.len() - shown)
    }

    fn summary_of(&self, keep: impl Fn((usize, &Buffer)) -> bool) -> String {
        let mut out = String::new();
        for (i, b) in self.list.iter().enumerate().filter(|(i, b)| keep((*i, b))) {
            let counts = match (b.unread, b.mentions) {
                (0, _) => String::new(),
                (n, 0) => format!(" {n}"),
                (n, m) => format!(" {n}/{m}@"),
            };
            let item = format!("{} {}{counts}", i + 1, b.label);
            if i == self.current {
                out.push_str(&format!("[{item}] "));
            } else {
                out.push_str(&format!(" {item}  "));
            }
        }
        out.trim().to_string()
    }
}

/// Shows buffer `index` (its unread lines become read), keeping the one shown before.
pub fn switch(state: &mut AppState, index: usize) {
    let b = &mut state.buffers;
    if index >= b.list.len() || index == b.current {
        return;
    }
    std::mem::swap(&mut state.log, &mut b.list[b.current].log);
    b.current = index;
    std::mem::swap(&mut state.log, &mut b.list[index].log);
    let shown = &mut b.list[index];
    shown.unread = 0;
    shown.mentions = 0;
    state.log.set_view(View::Follow);
    if let BufferKey::Room(room) = &shown.key {
        state.rooms.current = room.clone();
    }
}

/// The next (or, with `step` −1, previous) buffer, wrapping around.
pub fn cycle(state: &mut AppState, step: isize) {
    let n = state.buffers.list.len() as isize;
    let next = (state.buffers.current as isize + step).rem_euclid(n);
    switch(state, next as usize);
}

/// Opens (making it if needed) and shows the buffer for `key`.
pub fn open(state: &mut AppState, key: BufferKey, label: &str) -> bool {
    match state.buffers.ensure(key, label) {
        Some(i) => {
            switch(state, i);
            true
        }
        None => false,
    }
}

/// Forgets a room's buffer (after `/part`); shows `#general` (or the first) if it was shown.
pub fn close_room(state: &mut AppState, room: &str) {
    let key = BufferKey::Room(room.to_string());
    let Some(i) = state.buffers.index_of(&key) else {
        return;
    };
    if state.buffers.list.len() == 1 {
        return;
    }
    if i == state.buffers.current {
        let general = state
            .buffers
            .index_of(&BufferKey::Room(GENERAL.into()))
            .filter(|g| *g != i)
            .unwrap_or(usize::from(i == 0));
        switch(state, general);
    }
    state.buffers.list.remove(i);
    if state.buffers.current > i {
        state.buffers.current -= 1;
    }
}

/// Puts a line in the buffer for `key` (made if needed; the shown one if none can be made).
/// A line from someone else counts as unread there, or goes through the usual attention rules
/// when that buffer is shown.
pub fn push(
    state: &mut AppState,
    key: BufferKey,
    label: &str,
    line: ChatLine,
    from: Option<Arrival>,
) {
    let target = state.buffers.ensure(key, label);
    match target {
        Some(i) if i != state.buffers.current => {
            let b = &mut state.buffers.list[i];
            b.log.push(line);
            if let Some(a) = from {
                b.unread += 1;
                b.mentions += usize::from(a.mention || a.private);
                attention::arrived_in(state, a, false);
            }
        }
        _ => {
            state.log.push(line);
            if let Some(a) = from {
                attention::arrived(state, a);
            }
        }
    }
}

/// Puts stored lines (oldest first) before what each buffer holds, each in its own buffer.
pub fn prepend(state: &mut AppState, lines: Vec<(BufferKey, String, ChatLine)>) -> usize {
    let mut per: Vec<(usize, Vec<ChatLine>)> = Vec::new();
    let mut shown = 0;
    for (key, label, line) in lines {
        let i = state
            .buffers
            .ensure(key, &label)
            .unwrap_or(state.buffers.current);
        shown += usize::from(i == state.buffers.current);
        match per.iter_mut().find(|(j, _)| *j == i) {
            Some((_, v)) => v.push(line),
            None => per.push((i, vec![line])),
        }
    }
    for (i, lines) in per {
        if i == state.buffers.current {
            state.log.prepend(lines);
        } else {
            state.buffers.list[i].log.prepend(lines);
        }
    }
    shown
}

/// Marks our private message `msg_id` delivered in whichever stored buffer has it.
pub fn set_delivered(state: &mut AppState, msg_id: &str) {
    for b in &mut state.buffers.list {
        b.log.set_delivered(msg_id);
    }
}

/// Shows the buffer the last run ended in, once it exists.
pub fn restore_wanted(state: &mut AppState) {
    let Some(wanted) = &state.buffers.wanted else {
        return;
    };
    if let Some(i) = state
        .buffers
        .list
        .iter()
        .position(|b| &b.key.saved() == wanted)
    {
        state.buffers.wanted = None;
        switch(state, i);
    }
}

/// The network command for a plain message typed in the shown buffer: to its room, or a
/// private message to its peer.
pub fn say_command(state: &AppState, body: String, signed: bool) -> NetCommand {
    match state.buffers.current_key() {
        BufferKey::Private(peer) => NetCommand::SendDm {
            to: peer.clone(),
            body,
        },
        BufferKey::Room(room) if room == GENERAL => NetCommand::Send { body, signed },
        BufferKey::Room(room) => NetCommand::SendRoom {
            room: room.clone(),
            body,
            signed,
        },
    }
}

/// What the input line means because of the shown buffer: `/dm NAME` alone opens that
/// conversation, and a plain message in a private buffer goes to its peer. `None`: the
/// line is an ordinary command.
pub fn submit_in_buffer(state: &mut AppState) -> Option<Vec<Effect>> {
    let text = state.input.text().to_string();
    if let Some(who) = text.strip_prefix("/dm ").map(str::trim) {
        if who.is_empty() || who.contains(char::is_whitespace) {
            return None;
        }
        let folded = who.to_lowercase();
        let found = state.peers.iter().find(|p| {
            p.name.to_lowercase() == folded || p.fingerprint == who || p.id.starts_with(who)
        });
        match found.map(|p| (p.id.clone(), p.name.clone())) {
            Some((id, name)) => {
                let label = super::apply_store::display_name(state, &id, &name);
                state.input.commit();
                if !open(state, BufferKey::Private(id), &label) {
                    state.set_status("too many buffers; /part a room first", Level::Error);
                }
            }
            None => state.set_status(format!("no known peer called {who}"), Level::Error),
        }
        return Some(Vec::new());
    }
    if !matches!(state.buffers.current_key(), BufferKey::Private(_)) {
        return None;
    }
    let Ok(Some(UserCommand::Say { body, signed })) = crate::command::parse(&text) else {
        return None;
    };
    let command = say_command(state, body, signed);
    state.log.set_view(View::Follow);
    Some(vec![Effect::Send {
        command,
        from_input: true,
    }])
}
