//! History sync (PROTOCOL.md §7.6): after each handshake both sides send a summary (`have`) of
//! the signed broadcast messages they hold within the retention window; each pulls what it
//! lacks with `want`, one page at a time per connection, asking each missing range of one peer
//! only; the holder answers with `give` from the store. A budget per peer id, kept across
//! reconnections, bounds what is served to and taken from any one peer.

mod accept;
pub mod held;
pub mod ranges;
mod rounds;
mod serve;

use super::io::{ConnId, Output};
use super::node::Node;
use super::rate::TokenBucket;
use crate::wire::{AuthorRanges, Frame, PeerId};
use held::{HeldIndex, HeldRow};
use ranges::{span, subtract, take_span};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

/// SYNC_PAGE: most sequence numbers one `want` may name (the sum of its ranges' lengths), so
/// one answer holds at most this many messages.
pub const SYNC_PAGE: u64 = 256;
/// MAX_HAVE_AUTHORS: most authors one summary (all its `have` pages) may name.
pub const MAX_HAVE_AUTHORS: usize = 512;
/// MAX_HAVE_RANGES: most ranges per author in a summary (a sender gives its newest).
pub const MAX_HAVE_RANGES: usize = 32;
/// SYNC_RATE and SYNC_BURST: the per-peer-id budget, in messages, of what is served to a
/// peer and asked of it (sustained per second, and at once). Kept across reconnections.
pub const SYNC_RATE: u32 = 200;
pub const SYNC_BURST: u32 = 40_000;
/// MAX_SYNC_BUDGETS: most peer ids whose budget is remembered.
pub const MAX_SYNC_BUDGETS: usize = 1024;
/// MAX_GAPS_TOLD: most unrecoverable gaps remembered as already told.
pub const MAX_GAPS_TOLD: usize = 4096;
pub use rounds::{MAX_ROUNDS_OWED, RESUMMARY_INTERVAL};

/// The node's sync state: what it holds, each connection's exchange, the budgets.
#[derive(Debug)]
pub struct SyncState {
    pub(super) held: HeldIndex,
    conns: BTreeMap<ConnId, ConnSync>,
    budgets: HashMap<PeerId, Budget>,
    gaps_told: HashSet<(PeerId, u64)>,
    /// Our own previous signed broadcast in this run, per room (the `prev` of the next one
    /// in that room, so each room's messages form runs of their own).
    pub(super) last_sent: HashMap<crate::rooms::RoomName, u64>,
    /// A `want` was held back by a budget: pump again when the timer fires.
    held_back: bool,
}

impl SyncState {
    pub fn new(limits: &crate::limits::Limits) -> SyncState {
        let retention = i64::try_from(limits.retention.as_millis()).unwrap_or(i64::MAX / 4);
        SyncState {
            held: HeldIndex::new(retention),
            conns: BTreeMap::new(),
            budgets: HashMap::new(),
            gaps_told: HashSet::new(),
            last_sent: HashMap::new(),
            held_back: false,
        }
    }
}

#[derive(Debug)]
struct Budget {
    bucket: TokenBucket,
    /// Nothing more is served to or asked of the peer before this.
    ready_at: Instant,
}

/// One connection's exchange.
#[derive(Debug)]
struct ConnSync {
    peer: PeerId,
    /// Its summary is complete (`more: false` seen, or refused as over the bounds).
    have_done: bool,
    authors_seen: usize,
    /// What its summary offered that was not asked of it yet.
    offer: BTreeMap<PeerId, Vec<(u64, u64)>>,
    /// Our one outstanding `want` on this connection.
    asked: Option<Asked>,
    serving: Serving,
    /// New summary rounds the peer may start: one per `rooms` frame we sent it after the
    /// handshake, at most [`MAX_ROUNDS_OWED`].
    rounds_owed: u8,
    /// Its first `rooms` frame came (a later one that adds a shared room asks for a new round).
    rooms_seen: bool,
    /// When we last sent it our summary, and whether a new one is due.
    summary_at: Instant,
    summary_due: bool,
}

#[derive(Debug)]
struct Asked {
    authors: Vec<AuthorRanges>,
    span: u64,
    received: u64,
    /// Sequence numbers of each author that came in the answer so far (a holder may give
    /// fewer than asked: its answer is bounded in bytes, and what it leaves out is asked again).
    got: HashMap<PeerId, Vec<(u64, u64)>>,
}

/// The peer's `want` we are answering.
#[derive(Debug)]
enum Serving {
    Idle,
    /// Waiting for the peer's budget.
    Deferred(Vec<AuthorRanges>),
    /// The store lookup is out.
    Looking,
}

impl Node {
    /// The store's list of held messages, at start.
    pub(super) fn on_sync_index(&mut self, rows: Vec<HeldRow>) {
        for row in rows {
            self.sync.held.insert(row);
        }
    }

    /// After a handshake: the connection's exchange starts with our summary.
    pub(super) fn start_sync(&mut self, conn: ConnId, peer: PeerId) {
        self.sync.conns.insert(
            conn,
            ConnSync {
                peer,
                have_done: false,
                authors_seen: 0,
                offer: BTreeMap::new(),
                asked: None,
                serving: Serving::Idle,
                rounds_owed: 0,
                rooms_seen: false,
                summary_at: self.now.mono,
                summary_due: false,
            },
        );
        self.send_summary(conn);
    }

    /// Our summary, in pages.
    fn send_summary(&mut self, conn: ConnId) {
        // Runs are forgotten at twice the retention age: until then they still mark where a
        // gap begins; only those within the retention window are offered.
        let cutoff = self.now.unix_ms - self.retention_ms();
        self.sync
            .held
            .prune(cutoff.saturating_sub(self.retention_ms()));
        let mut summary = self.sync.held.summary(MAX_HAVE_RANGES, cutoff);
        summary.truncate(MAX_HAVE_AUTHORS);
        // `{"type":"have","authors":[...],"more":false}`: the fixed part, then each entry.
        let room = self.cfg.limits.max_frame_len.saturating_sub(64);
        let mut page: Vec<AuthorRanges> = Vec::new();
        let mut used = 0;
        for entry in summary {
            let len = serde_json::to_vec(&entry).map_or(usize::MAX, |v| v.len() + 1);
            if used + len > room && !page.is_empty() {
                let authors = std::mem::take(&mut page);
                self.send_frame(
                    conn,
                    &Frame::Have {
                        authors,
                        more: true,
                    },
                );
                used = 0;
            }
            used += len;
            page.push(entry);
        }
        self.send_frame(
            conn,
            &Frame::Have {
                authors: page,
                more: false,
            },
        );
    }

    /// One page of the peer's summary.
    pub(super) fn on_have(
        &mut self,
        conn: ConnId,
        peer: PeerId,
        authors: Vec<AuthorRanges>,
        more: bool,
    ) {
        let me = self.id();
        let Some(cs) = self.sync.conns.get_mut(&conn) else {
            return;
        };
        let mut refused = Vec::new();
        if cs.have_done && cs.rounds_owed > 0 {
            rounds::new_round(cs);
        }
        if cs.have_done {
            refused.push("sync: summary page after the last one".to_string());
        } else if cs.authors_seen + authors.len() > MAX_HAVE_AUTHORS {
            cs.have_done = true;
            refused.push(format!(
                "sync: summary names more than {MAX_HAVE_AUTHORS} authors; the rest ignored"
            ));
        } else {
            cs.authors_seen += authors.len();
            cs.have_done = !more;
            for a in authors {
                if a.ranges.len() > MAX_HAVE_RANGES || !ranges::well_formed(&a.ranges) {
                    refused.push(format!(
                        "sync: summary for {} malformed or over {MAX_HAVE_RANGES} ranges",
                        a.author.fingerprint()
                    ));
                } else if a.author != me && !a.ranges.is_empty() {
                    cs.offer.entry(a.author).or_insert(a.ranges);
                }
            }
        }
        for reason in refused {
            self.reject_chat(peer, reason);
        }
        self.pump_sync();
    }

    /// Sends a `want` on every connection that has none outstanding, something to offer that
    /// we lack and nobody else is asked for, and budget left; then, if every exchange is
    /// finished, tells the user about holes nobody could fill.
    pub(super) fn pump_sync(&mut self) {
        if self.stopping {
            return;
        }
        let now = self.now.mono;
        let mut inflight: HashMap<PeerId, Vec<(u64, u64)>> = HashMap::new();
        for a in self.sync.conns.values().filter_map(|c| c.asked.as_ref()) {
            for ar in &a.authors {
                let cur = inflight.entry(ar.author).or_default();
                *cur = ranges::union(cur, &ar.ranges);
            }
        }
        let conns: Vec<ConnId> = self.sync.conns.keys().copied().collect();
        let mut idle = true;
        for conn in conns {
            let Some(cs) = self.sync.conns.get(&conn) else {
                continue;
            };
            if cs.asked.is_some() {
                idle = false;
                continue;
            }
            let peer = cs.peer;
            if !cs.have_done {
                idle = false;
            }
            let want = self.next_want(cs, &inflight);
            if want.is_empty() {
                continue;
            }
            idle = false;
            if !self.budget_ready(peer, now) {
                self.sync.held_back = true;
                continue;
            }
            let n = want.iter().map(|a| span(&a.ranges)).sum::<u64>();
            self.charge(peer, n);
            for ar in &want {
                let cur = inflight.entry(ar.author).or_default();
                *cur = ranges::union(cur, &ar.ranges);
            }
            self.send_frame(
                conn,
                &Frame::Want {
                    authors: want.clone(),
                },
            );
            if let Some(cs) = self.sync.conns.get_mut(&conn) {
                cs.asked = Some(Asked {
                    authors: want,
                    span: n,
                    received: 0,
                    got: HashMap::new(),
                });
            }
        }
        if idle && !self.sync.conns.is_empty() {
            self.tell_gaps();
        }
    }

    /// What to ask of one connection: its offer, minus what we hold and what is asked of
    /// others, the first [`SYNC_PAGE`] sequence numbers of it.
    fn next_want(
        &self,
        cs: &ConnSync,
        inflight: &HashMap<PeerId, Vec<(u64, u64)>>,
    ) -> Vec<AuthorRanges> {
        let mut left = SYNC_PAGE;
        let mut want = Vec::new();
        let cutoff = self.now.unix_ms - self.retention_ms();
        for (author, offered) in &cs.offer {
            if left == 0 {
                break;
            }
            // Not asked: what we hold, and what we know to be past retention.
            let recent = ranges::before(offered, self.sync.held.horizon(author, cutoff));
            let mut missing = subtract(&recent, &self.sync.held.ranges(author));
            if let Some(busy) = inflight.get(author) {
                missing = subtract(&missing, busy);
            }
            let ranges = take_span(&missing, left);
            if ranges.is_empty() {
                continue;
            }
            left -= span(&ranges);
            want.push(AuthorRanges {
                author: *author,
                ranges,
            });
        }
        want
    }

    pub(super) fn sync_conn_closed(&mut self, conn: ConnId) {
        if self.sync.conns.remove(&conn).is_some() {
            // What it was asked for goes to another peer that offered it.
            self.pump_sync();
        }
    }

    /// When a budget that holds something back refills.
    pub(super) fn sync_deadline(&self) -> Option<Instant> {
        let now = self.now.mono;
        self.sync
            .conns
            .values()
            .filter_map(|c| self.sync.budgets.get(&c.peer))
            .map(|b| b.ready_at)
            .chain(self.resummary_deadline())
            .filter(|t| *t > now)
            .min()
    }

    pub(super) fn sync_tick(&mut self) {
        let now = self.now.mono;
        let due: Vec<ConnId> = self
            .sync
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.serving, Serving::Deferred(_)))
            .filter(|(_, c)| self.budget_ready(c.peer, now))
            .map(|(id, _)| *id)
            .collect();
        for conn in due {
            if let Some(cs) = self.sync.conns.get_mut(&conn) {
                if let Serving::Deferred(want) = std::mem::replace(&mut cs.serving, Serving::Idle) {
                    self.serve_want(conn, want);
                }
            }
        }
        if std::mem::take(&mut self.sync.held_back) {
            self.pump_sync();
        }
        self.send_due_summaries();
    }

    fn budget_ready(&self, peer: PeerId, now: Instant) -> bool {
        self.sync
            .budgets
            .get(&peer)
            .is_none_or(|b| now >= b.ready_at)
    }

    /// Takes `n` messages from the peer's budget; in debt, it waits until repaid.
    fn charge(&mut self, peer: PeerId, n: u64) {
        let now = self.now.mono;
        if !self.sync.budgets.contains_key(&peer) && self.sync.budgets.len() >= MAX_SYNC_BUDGETS {
            // Forget the one that was free the longest (its bucket has refilled the most).
            if let Some(old) = self
                .sync
                .budgets
                .iter()
                .min_by_key(|(id, b)| (b.ready_at, **id))
                .map(|(id, _)| *id)
            {
                self.sync.budgets.remove(&old);
            }
        }
        let b = self.sync.budgets.entry(peer).or_insert_with(|| Budget {
            bucket: TokenBucket::new(SYNC_RATE, SYNC_BURST, now),
            ready_at: now,
        });
        if let Some(wait) = b.bucket.take_n(now, n) {
            b.ready_at = now + wait;
        }
    }

    fn retention_ms(&self) -> i64 {
        i64::try_from(self.cfg.limits.retention.as_millis()).unwrap_or(i64::MAX / 4)
    }

    fn skew_ms(&self) -> i64 {
        i64::try_from(self.cfg.limits.max_clock_skew.as_millis()).unwrap_or(i64::MAX / 4)
    }

    /// True if `ts` is further ahead of our clock than MAX_CLOCK_SKEW allows.
    pub(super) fn dated_ahead(&self, ts: i64) -> bool {
        ts > self.now.unix_ms.saturating_add(self.skew_ms())
    }

    /// Asks the store, at start, for what it holds within the retention window.
    pub(super) fn load_sync_index(&mut self) {
        let since = self.now.unix_ms - self.retention_ms();
        self.outputs.push(Output::SyncIndexLookup { since });
    }
}
