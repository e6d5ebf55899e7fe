//! The per-peer-id budget: a peer that reconnects gets no fresh burst of served messages.

use super::*;
use bytes::Bytes;
use p2pchat_engine::identity::Identity;
use p2pchat_engine::node::sync::{SYNC_BURST, SYNC_PAGE, SYNC_RATE};
use p2pchat_engine::sim::Sim;
use p2pchat_engine::wire::{AuthorRanges, SignedPayload};

fn frame(f: &Frame) -> Bytes {
    encode_frame(f, MAX).unwrap()
}

/// Counts what one node gave, reading only the frames sent since the last look.
#[derive(Default)]
struct Tally {
    read: usize,
    answers: usize,
    given: usize,
}

impl Tally {
    fn update(&mut self, sim: &Sim, i: usize) {
        for (_, f) in &sim.nodes[i].sent[self.read..] {
            if let Ok(Frame::Give { messages, last }) = decode_frame(f, MAX) {
                self.given += messages.len();
                self.answers += usize::from(last);
            }
        }
        self.read = sim.nodes[i].sent.len();
    }
}

#[test]
fn reconnecting_does_not_reset_the_budget() {
    let mut sim = mesh(2);
    // V (0) holds 60,000 messages by H (1); H asks for them page after page by hand.
    let h = sim.nodes[1].node.id();
    sim.crash(0);
    let ts = sim.unix_ms();
    for seq in 1..=60_000u64 {
        let sp = SignedPayload {
            payload: "{}".into(),
            sig: Some("00".into()),
        };
        sim.keep(0, ts, format!("{h}:{seq}"), sp);
    }
    sim.restart(0, Identity::from_secret([1; 32]));
    sim.run_until(Duration::from_secs(10), |s| s.fully_meshed())
        .expect("meshed");
    let start = sim.now;
    let mut tally = Tally::default();
    tally.update(&sim, 0);
    let mut asked = tally.answers;
    let mut next = 1u64;
    let mut reconnected_at = None;
    let mut given_before_reconnect = 0;
    while sim.now - start < Duration::from_secs(30) {
        if reconnected_at.is_none() && sim.now - start >= Duration::from_secs(15) {
            tally.update(&sim, 0);
            given_before_reconnect = tally.given;
            sim.crash(1);
            sim.restart(1, Identity::from_secret([2; 32]));
            sim.run_until(Duration::from_secs(10), |s| s.fully_meshed())
                .expect("h reconnected");
            reconnected_at = Some(sim.now);
            tally.update(&sim, 0);
            asked = tally.answers;
        }
        tally.update(&sim, 0);
        if tally.answers == asked {
            if let Some(conn) = sim.conn_between(0, 1) {
                let want = Frame::Want {
                    authors: vec![AuthorRanges {
                        author: h,
                        ranges: vec![(next, next + SYNC_PAGE - 1)],
                    }],
                };
                sim.input(
                    0,
                    Input::Frame {
                        conn,
                        bytes: frame(&want),
                    },
                );
                next += SYNC_PAGE;
                asked += 1;
            }
        }
        sim.run_for(Duration::from_millis(5));
    }
    tally.update(&sim, 0);
    let total = tally.given as u64;
    let after = total - given_before_reconnect as u64;
    let secs_after = (sim.now - reconnected_at.unwrap()).as_secs_f64();
    assert!(
        given_before_reconnect as u64 >= SYNC_BURST as u64 / 2,
        "an honest burst is served at once: {given_before_reconnect}"
    );
    assert!(
        total <= SYNC_BURST as u64 + 31 * SYNC_RATE as u64 + SYNC_PAGE,
        "{total}"
    );
    assert!(
        (after as f64) <= secs_after * SYNC_RATE as f64 + 2.0 * SYNC_PAGE as f64,
        "{after} served in {secs_after:.1} s after reconnecting: the budget was reset"
    );
}
