//! Bounds on what the runtime holds for peers: the queues between its tasks, and byte
//! budgets for the writer queues. Every frame queued to a peer carries a [`Charge`]
//! against its connection's budget (`OUTBOUND_QUEUE_BYTES`) and the process's
//! (`OUTBOUND_TOTAL_BYTES`). The charge is released when the frame has been handed to the
//! kernel, or when it is dropped with its connection, so a peer that does not read can hold
//! no more than its bound, and all of them together no more than the total.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// EVENT_QUEUE: events waiting for the front end. The actor awaits room, so a slow front end
/// slows the readers (TCP backpressure) instead of holding more: at most 1024 events of at
/// most 3 x MAX_BODY_LEN bytes shown (24 MiB).
pub const EVENT_QUEUE: usize = 1024;
/// COMMAND_QUEUE: commands from the front ends (they `try_send`).
pub const COMMAND_QUEUE: usize = 256;
/// INBOUND_QUEUE: frames read from all connections waiting for the actor; readers wait for
/// room, so it holds at most 256 x MAX_FRAME_LEN (16 MiB).
pub const INBOUND_QUEUE: usize = 256;
/// DIAL_QUEUE: finished outbound connects waiting for the actor.
pub const DIAL_QUEUE: usize = 256;
/// Bytes a frame takes on the wire beyond its payload (length prefix, Noise tag), counted
/// against the writer budget with it.
pub const RECORD_OVERHEAD: usize = 4 + 16;

/// The process-wide budget; one per actor.
#[derive(Debug)]
pub struct OutboundBudget {
    total: Arc<AtomicUsize>,
    total_max: usize,
    conn_max: usize,
}

/// One connection's share of an [`OutboundBudget`].
#[derive(Debug)]
pub struct ConnBudget {
    used: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    total_max: usize,
    conn_max: usize,
}

/// Bytes held by one queued frame; released on drop.
#[derive(Debug)]
pub struct Charge {
    len: usize,
    used: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

/// Which bound a frame would have passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Over {
    Connection,
    Total,
}

impl OutboundBudget {
    pub fn new(conn_max: usize, total_max: usize) -> OutboundBudget {
        OutboundBudget {
            total: Arc::new(AtomicUsize::new(0)),
            total_max,
            conn_max,
        }
    }

    /// A fresh budget for a new connection.
    pub fn conn(&self) -> ConnBudget {
        ConnBudget {
            used: Arc::new(AtomicUsize::new(0)),
            total: self.total.clone(),
            total_max: self.total_max,
            conn_max: self.conn_max,
        }
    }

    /// Bytes queued over all connections now.
    #[cfg(test)]
    pub fn queued(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }
}

impl ConnBudget {
    /// Charges `len` bytes, or says which bound they would pass (and charges nothing).
    pub fn charge(&self, len: usize) -> Result<Charge, Over> {
        let before = self.used.fetch_add(len, Ordering::AcqRel);
        if before + len > self.conn_max {
            self.used.fetch_sub(len, Ordering::AcqRel);
            return Err(Over::Connection);
        }
        let before_total = self.total.fetch_add(len, Ordering::AcqRel);
        if before_total + len > self.total_max {
            self.total.fetch_sub(len, Ordering::AcqRel);
            self.used.fetch_sub(len, Ordering::AcqRel);
            return Err(Over::Total);
        }
        Ok(Charge {
            len,
            used: self.used.clone(),
            total: self.total.clone(),
        })
    }

    /// Bytes queued to this connection now.
    #[cfg(test)]
    pub fn queued(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.used.fetch_sub(self.len, Ordering::AcqRel);
        self.total.fetch_sub(self.len, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_stop_at_either_bound_and_come_back_on_drop() {
        let budget = OutboundBudget::new(100, 150);
        let (a, b) = (budget.conn(), budget.conn());
        let a1 = a.charge(60).unwrap();
        assert_eq!(a.charge(41).unwrap_err(), Over::Connection);
        let a2 = a.charge(40).unwrap();
        assert_eq!(a.queued(), 100);
        assert_eq!(b.charge(51).unwrap_err(), Over::Total, "150 over all");
        assert_eq!(b.queued(), 0, "a refused charge holds nothing");
        let b1 = b.charge(50).unwrap();
        assert_eq!(budget.queued(), 150);
        drop(a1);
        assert_eq!((a.queued(), budget.queued()), (40, 90));
        drop((a2, b1));
        assert_eq!(budget.queued(), 0);
    }
}
