//! Join and leave lines, folded like weechat's smart filter: a line is shown (and so stored)
//! only for a peer that spoke lately or is verified; a peer that leaves and comes back within
//! a short time gets no new line. Others only change the peer list, and nothing is stored.

use super::{key_warning, system, Archive};
use p2pchat_engine::api::{NetEvent, OfflineReason, Trust};
use std::collections::HashMap;

/// SMART_FILTER_DELAY: a peer that spoke within this long (ms) gets join and leave lines.
pub const SMART_FILTER_DELAY_MS: i64 = 15 * 60 * 1000;
/// REJOIN_FOLD: a peer back within this long (ms) after a shown leave gets no join line (and
/// then no leave line either, as none says it is back).
pub const REJOIN_FOLD_MS: i64 = 60 * 1000;
/// MAX_PRESENCE: most peers whose speaking and lines are remembered; the longest-idle go.
pub const MAX_PRESENCE: usize = 1024;

/// What the log last said about one peer, and when it last spoke.
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    spoke: Option<i64>,
    /// The last line shown says the peer is here.
    shown_online: bool,
    /// When a leave line was last shown.
    shown_left: Option<i64>,
    /// Orders uses (unique): the smallest is the longest idle.
    touched: u64,
}

/// The fold decisions for joins and leaves. Time is the wall clock in Unix ms, passed in.
#[derive(Debug, Default)]
pub struct Presence {
    peers: HashMap<String, Seen>,
    clock: u64,
}

impl Presence {
    /// `id` said something (a message or a private message).
    pub fn spoke(&mut self, id: &str, now: i64) {
        self.seen(id).spoke = Some(now);
    }

    /// `id` came online; `verified`: the user trusts its key. True: show (and store) a line.
    pub fn joined(&mut self, id: &str, verified: bool, now: i64) -> bool {
        let s = self.seen(id);
        let spoke_lately = s.spoke.is_some_and(|t| now - t < SMART_FILTER_DELAY_MS);
        let flapping = s.shown_left.is_some_and(|t| now - t < REJOIN_FOLD_MS);
        let show = (verified || spoke_lately) && !flapping && !s.shown_online;
        s.shown_online |= show;
        show
    }

    /// `id` went offline. True: show (and store) a line: when its join was shown, or when it
    /// spoke lately after the last leave shown (its messages said it was here).
    pub fn left(&mut self, id: &str, now: i64) -> bool {
        let s = self.seen(id);
        let spoke_since = s.spoke.is_some_and(|t| {
            now - t < SMART_FILTER_DELAY_MS && s.shown_left.is_none_or(|left| t > left)
        });
        let show = std::mem::take(&mut s.shown_online) || spoke_since;
        if show {
            s.shown_left = Some(now);
        }
        show
    }

    /// How many peers are remembered.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    fn seen(&mut self, id: &str) -> &mut Seen {
        if !self.peers.contains_key(id) && self.peers.len() >= MAX_PRESENCE {
            // Forget the longest-idle eighth at once: one scan per many newcomers.
            let mut touched: Vec<u64> = self.peers.values().map(|s| s.touched).collect();
            let (_, cutoff, _) = touched.select_nth_unstable(MAX_PRESENCE / 8);
            let cutoff = *cutoff;
            self.peers.retain(|_, s| s.touched > cutoff);
        }
        self.clock += 1;
        let s = self.peers.entry(id.to_string()).or_default();
        s.touched = self.clock;
        s
    }
}

impl Archive {
    /// A peer came online or went offline: remembers who is online, sights its key (a trust
    /// event follows the join, a key warning is stored), and shows and stores a line unless
    /// the fold rules make the event `quiet`.
    pub(super) fn on_presence(&mut self, event: NetEvent, now_ms: i64) -> Vec<NetEvent> {
        let mut out = Vec::new();
        let event = match event {
            NetEvent::PeerOnline {
                id,
                name,
                fingerprint,
                addr,
                ..
            } => {
                self.online.insert(id.clone(), name.clone());
                // Lines stored before its name was known get it now (the interface renames
                // the ones on screen when it sees the join).
                if let Some(Err(e)) = self.db().map(|d| d.rename_author(&id, &fingerprint, &name)) {
                    tracing::error!("cannot name stored lines: {e}");
                }
                let trust = self.sight(&id, &name, &fingerprint, now_ms);
                let verified = matches!(
                    trust,
                    Some(NetEvent::PeerTrust {
                        trust: Trust::Verified,
                        ..
                    })
                );
                let quiet = !self.presence.joined(&id, verified, now_ms);
                let mut errors = Vec::new();
                if !quiet {
                    let line = system(format!("{name} joined ({fingerprint})"), now_ms);
                    self.store(&line, &mut errors);
                }
                if let Some(NetEvent::PeerTrust {
                    trust: Trust::KeyChanged,
                    name,
                    fingerprint,
                    previous,
                    ..
                }) = &trust
                {
                    let warning = key_warning(name, fingerprint, previous, &self.me.fingerprint());
                    self.store(&system(warning, now_ms), &mut errors);
                }
                out.extend(trust);
                out.extend(errors);
                NetEvent::PeerOnline {
                    id,
                    name,
                    fingerprint,
                    addr,
                    quiet,
                }
            }
            NetEvent::PeerOffline {
                id, name, reason, ..
            } => {
                self.online.remove(&id);
                let quiet = !self.presence.left(&id, now_ms);
                if !quiet {
                    // As the interfaces say it: a crash or a timeout is not a goodbye.
                    let text = match reason {
                        OfflineReason::Quit => format!("{name} left"),
                        OfflineReason::Closed => format!("{name} disconnected"),
                        OfflineReason::Timeout => format!("{name} timed out"),
                    };
                    self.store(&system(text, now_ms), &mut out);
                }
                NetEvent::PeerOffline {
                    id,
                    name,
                    reason,
                    quiet,
                }
            }
            other => other,
        };
        out.insert(0, event);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_peers_are_folded_speakers_and_verified_keys_are_not() {
        let mut p = Presence::default();
        assert!(!p.joined("silent", false, 0));
        assert!(!p.left("silent", 10));
        assert!(p.joined("friend", true, 0));
        assert!(p.left("friend", 10));
        p.spoke("talker", 0);
        assert!(p.joined("talker", false, 1000));
        assert!(p.left("talker", 2000));
        // A folded join, then a message: the leave is shown (weechat's join unmasking).
        assert!(!p.joined("late", false, 0));
        p.spoke("late", 5);
        assert!(p.left("late", 6));
        // Long after speaking, the talker is folded again.
        assert!(!p.joined("talker", false, SMART_FILTER_DELAY_MS + 1));
    }

    #[test]
    fn a_quick_rejoin_collapses_and_the_next_leave_with_it() {
        let mut p = Presence::default();
        assert!(p.joined("f", true, 0));
        assert!(p.left("f", 1_000));
        for t in [2_000, 3_000, 4_000, 5_000] {
            assert!(!p.joined("f", true, t));
            assert!(!p.left("f", t + 500));
        }
        assert!(p.joined("f", true, 1_000 + REJOIN_FOLD_MS + 1));
    }

    /// #13 item 6: a peer restarting five times in a minute (each run a few seconds, no word
    /// between) makes at most one join and one leave line, whoever it is.
    #[test]
    fn five_restarts_in_a_minute_make_at_most_one_line_pair() {
        const S: i64 = 1000;
        for (who, verified, spoke) in [
            ("verified", true, None),
            ("talker", false, Some(-5 * S)),
            ("silent", false, None),
        ] {
            let mut p = Presence::default();
            if let Some(t) = spoke {
                p.spoke(who, t);
            }
            let (mut joins, mut leaves) = (0, 0);
            for run in 0..5 {
                let start = run * 12 * S;
                joins += usize::from(p.joined(who, verified, start));
                leaves += usize::from(p.left(who, start + 10 * S));
            }
            assert!(
                joins <= 1 && leaves <= 1,
                "{who}: {joins} joins, {leaves} leaves"
            );
            assert_eq!(joins, leaves, "{who}: a shown join gets its leave");
        }
    }

    #[test]
    fn the_memory_is_bounded() {
        let mut p = Presence::default();
        for i in 0..(3 * MAX_PRESENCE) {
            p.joined(&i.to_string(), false, i as i64);
        }
        assert!(
            p.len() <= MAX_PRESENCE && p.len() > MAX_PRESENCE / 2,
            "{}",
            p.len()
        );
    }
}
