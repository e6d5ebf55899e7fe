//! Reactions, edits and deletes of room messages ("acts"): their signed content, the checks
//! that need no state (an edit or delete is only ever its target's author's), the recent
//! messages they may be about (with each one's reactions), and the acts held until the
//! message they are about arrives. Pure; the node glue is `node/acts.rs`.

use super::name::RoomName;
use crate::limits::{
    MAX_EDITS_NAMED, MAX_EMOJI_BYTES, MAX_PENDING_ACTS, MAX_REACTIONS_PER_MESSAGE,
    MAX_RECENT_MESSAGES,
};
use crate::wire::{MessageId, PeerId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// What an act does to its target message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum Act {
    /// Adds (`on`) or takes back the author's reaction `emoji`.
    React { emoji: String, on: bool },
    /// Replaces the body (the target's author only).
    Edit { body: String },
    /// Removes the message (the target's author only).
    Delete,
}

/// The signed payload of an `act` frame (domain `p2pchat-tui/v1/act`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActContent {
    pub author: PeerId,
    /// From the author's one sequence (shared with its chat messages): replay protection.
    pub seq: u64,
    pub ts: i64,
    #[serde(
        default = "RoomName::general",
        skip_serializing_if = "RoomName::is_general"
    )]
    pub room: RoomName,
    /// The message id (`author:seq`) it is about.
    pub target: String,
    #[serde(flatten)]
    pub act: Act,
    /// The author's previous signed broadcast (chat message or act) in this room, in this
    /// run: acts are part of the room's `prev` chain, so history sync sees holes (§7.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<u64>,
    /// For a delete: the seqs of the author's edit acts of the message (whose originals are
    /// dropped with it), at most MAX_EDITS_NAMED; held by whoever gets the delete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<u64>,
}

/// A stored room message remembered at start (the runtime reads them from its store), so acts
/// about messages from before a restart still apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedMessage {
    pub msg_id: String,
    pub room: RoomName,
}

/// A stored reaction: `reactor` has `emoji` on `msg_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedReaction {
    pub msg_id: String,
    pub emoji: String,
    pub reactor: PeerId,
}

/// Why an act is refused (one line).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActError {
    #[error("not a message id: {0}")]
    BadTarget(String),
    #[error("only its author may edit or delete a message")]
    NotTheAuthor,
    #[error("a reaction is 1 to {MAX_EMOJI_BYTES} bytes with no spaces")]
    BadEmoji,
    #[error("unknown message {0} (too old, or not in a room we are in)")]
    Unknown(String),
    #[error("a delete names at most {MAX_EDITS_NAMED} edits")]
    TooManyEdits,
}

impl ActContent {
    /// The checks that need no state: a well-formed target, a short reaction, and an edit or
    /// delete signed by the target's own author.
    pub fn check(&self) -> Result<(), ActError> {
        let target = MessageId::parse(&self.target)
            .ok_or_else(|| ActError::BadTarget(self.target.clone()))?;
        if self.edits.len() > MAX_EDITS_NAMED {
            return Err(ActError::TooManyEdits);
        }
        match &self.act {
            Act::React { emoji, .. } => check_emoji(emoji),
            Act::Edit { .. } | Act::Delete if target.author != self.author => {
                Err(ActError::NotTheAuthor)
            }
            Act::Edit { .. } | Act::Delete => Ok(()),
        }
    }
}

pub fn check_emoji(emoji: &str) -> Result<(), ActError> {
    if emoji.is_empty() || emoji.len() > MAX_EMOJI_BYTES || emoji.contains(char::is_whitespace) {
        return Err(ActError::BadEmoji);
    }
    Ok(())
}

/// One remembered message.
#[derive(Clone, Debug, Default)]
struct Recent {
    room: Option<RoomName>,
    deleted: bool,
    /// The seqs of its author's edit acts seen (newest MAX_EDITS_NAMED).
    edits: Vec<u64>,
    /// Emoji → the keys that reacted with it.
    reactions: BTreeMap<String, BTreeSet<PeerId>>,
}

/// The recent room messages (bounded, oldest forgotten first) and the acts waiting for theirs.
#[derive(Clone, Debug, Default)]
pub struct ActBook {
    recent: HashMap<String, Recent>,
    order: VecDeque<String>,
    pending: VecDeque<ActContent>,
}

impl ActBook {
    /// A room message shown (or sent); returns the acts that were waiting for it, in order.
    pub fn shown(&mut self, msg_id: &str, room: &RoomName) -> Vec<ActContent> {
        if !self.recent.contains_key(msg_id) {
            if self.order.len() >= MAX_RECENT_MESSAGES {
                if let Some(old) = self.order.pop_front() {
                    self.recent.remove(&old);
                }
            }
            self.order.push_back(msg_id.to_string());
            self.recent.insert(
                msg_id.to_string(),
                Recent {
                    room: Some(room.clone()),
                    ..Default::default()
                },
            );
        }
        let (ready, waiting): (Vec<_>, Vec<_>) =
            self.pending.drain(..).partition(|a| a.target == msg_id);
        self.pending = waiting.into();
        ready
    }

    /// The room of a remembered, not deleted message.
    pub fn room_of(&self, msg_id: &str) -> Option<&RoomName> {
        self.recent
            .get(msg_id)
            .filter(|r| !r.deleted)
            .and_then(|r| r.room.as_ref())
    }

    /// The seqs of the edits of a remembered message by its author, for its delete.
    pub fn edits_of(&self, msg_id: &str) -> Vec<u64> {
        self.recent
            .get(msg_id)
            .map(|r| r.edits.clone())
            .unwrap_or_default()
    }

    /// Whether `who` reacted to `msg_id` with `emoji`.
    pub fn has_reacted(&self, msg_id: &str, who: &PeerId, emoji: &str) -> bool {
        self.recent
            .get(msg_id)
            .and_then(|r| r.reactions.get(emoji))
            .is_some_and(|keys| keys.contains(who))
    }

    /// Holds an act whose message has not arrived (the oldest goes past MAX_PENDING_ACTS).
    pub fn hold(&mut self, act: ActContent) {
        if self.pending.len() >= MAX_PENDING_ACTS {
            self.pending.pop_front();
        }
        self.pending.push_back(act);
    }

    /// Remembers stored messages (oldest first; at most MAX_RECENT_MESSAGES are kept) and
    /// their stored reactions, at start. Messages already remembered are left as they are.
    pub fn seed(&mut self, messages: Vec<SeedMessage>, reactions: Vec<SeedReaction>) {
        for m in messages {
            self.shown(&m.msg_id, &m.room);
        }
        for r in reactions {
            if let Some(msg) = self.recent.get_mut(&r.msg_id) {
                let total: usize = msg.reactions.values().map(BTreeSet::len).sum();
                if total < MAX_REACTIONS_PER_MESSAGE {
                    msg.reactions.entry(r.emoji).or_default().insert(r.reactor);
                }
            }
        }
    }

    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Applies an act to a remembered message: `Some(count)` (for a reaction, how many keys
    /// now have it; 0 for an edit or delete), `None` when its message is unknown or deleted.
    pub fn apply(&mut self, act: &ActContent) -> Option<usize> {
        let r = self.recent.get_mut(&act.target).filter(|r| !r.deleted)?;
        Some(match &act.act {
            Act::React { emoji, on } => {
                let total: usize = r.reactions.values().map(BTreeSet::len).sum();
                let full = total >= MAX_REACTIONS_PER_MESSAGE;
                let keys = r.reactions.entry(emoji.clone()).or_default();
                if *on && full && !keys.contains(&act.author) {
                    // Past the bound: not counted (the count shown stays as it was).
                } else if *on {
                    keys.insert(act.author);
                } else {
                    keys.remove(&act.author);
                }
                let n = keys.len();
                if n == 0 {
                    r.reactions.remove(emoji);
                }
                n
            }
            Act::Edit { .. } => {
                if r.edits.len() >= MAX_EDITS_NAMED {
                    r.edits.remove(0);
                }
                r.edits.push(act.seq);
                0
            }
            Act::Delete => {
                r.deleted = true;
                r.reactions.clear();
                0
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(author: u8, target_author: u8, act: Act) -> ActContent {
        ActContent {
            author: PeerId([author; 32]),
            seq: 1,
            ts: 0,
            room: RoomName::general(),
            target: format!("{}:7", PeerId([target_author; 32]).to_hex()),
            act,
            prev: None,
            edits: Vec::new(),
        }
    }

    #[test]
    fn only_the_author_edits_or_deletes_and_reactions_are_bounded() {
        assert_eq!(act(1, 1, Act::Delete).check(), Ok(()));
        assert_eq!(
            act(2, 1, Act::Edit { body: "x".into() }).check(),
            Err(ActError::NotTheAuthor)
        );
        let react = |e: &str| {
            act(
                2,
                1,
                Act::React {
                    emoji: e.into(),
                    on: true,
                },
            )
            .check()
        };
        assert_eq!(react("👍"), Ok(()));
        assert_eq!(react(""), Err(ActError::BadEmoji));
        assert_eq!(
            react(&"x".repeat(MAX_EMOJI_BYTES + 1)),
            Err(ActError::BadEmoji)
        );
        let json = serde_json::to_string(&act(
            1,
            1,
            Act::React {
                emoji: "👍".into(),
                on: true,
            },
        ))
        .unwrap();
        assert!(
            json.contains(r#""act":"react","emoji":"👍","on":true"#),
            "{json}"
        );
    }

    #[test]
    fn an_act_before_its_message_waits_and_reactions_toggle_per_key() {
        let mut book = ActBook::default();
        let like = act(
            2,
            1,
            Act::React {
                emoji: "👍".into(),
                on: true,
            },
        );
        assert_eq!(book.apply(&like), None);
        book.hold(like.clone());
        let ready = book.shown(&like.target, &RoomName::general());
        assert_eq!(ready, vec![like.clone()]);
        assert_eq!(book.apply(&like), Some(1));
        assert_eq!(book.apply(&like), Some(1), "one per key per emoji");
        let other = ActContent {
            author: PeerId([3; 32]),
            ..like.clone()
        };
        assert_eq!(book.apply(&other), Some(2));
        let off = act(
            2,
            1,
            Act::React {
                emoji: "👍".into(),
                on: false,
            },
        );
        assert_eq!(book.apply(&off), Some(1));
        for _ in 0..MAX_PENDING_ACTS + 5 {
            book.hold(act(1, 9, Act::Delete));
        }
        assert_eq!(book.pending(), MAX_PENDING_ACTS);
    }
}
