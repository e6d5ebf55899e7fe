//! A token bucket (pure: time comes in as an argument): how long a reader must wait before
//! passing on its next frame, and the engine's per-peer budgets.

use std::time::{Duration, Instant};

/// BYTES_PER_TOKEN: a frame read from a peer costs one more token per this many bytes, so a
/// stream of maximum-size frames (expensive to parse) is paced more than one of small ones.
pub const BYTES_PER_TOKEN: usize = 4 * 1024;

/// What one frame read from a peer costs, in tokens: one per record it took (at least one),
/// one more per [`BYTES_PER_TOKEN`] of its length, and the signatures beyond one that the
/// engine reported verifying for the previous frame (`Output::Charge`).
pub fn frame_cost(records: u64, len: usize, extra_signatures: u64) -> u64 {
    records.max(1) + (len / BYTES_PER_TOKEN) as u64 + extra_signatures
}

/// Allows `rate` events per second on average and `burst` at once.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(rate: u32, burst: u32, now: Instant) -> TokenBucket {
        let burst = f64::from(burst.max(1));
        TokenBucket {
            rate: f64::from(rate.max(1)),
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Takes one token. `None`: go ahead now; `Some(d)`: the token is taken, but only wait `d`
    /// before acting on it.
    pub fn take(&mut self, now: Instant) -> Option<Duration> {
        self.take_n(now, 1)
    }

    /// Takes `n` tokens at once, as [`TokenBucket::take`] does one.
    pub fn take_n(&mut self, now: Instant, n: u64) -> Option<Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst) - n as f64;
        if self.tokens >= 0.0 {
            None
        } else {
            Some(Duration::from_secs_f64(-self.tokens / self.rate))
        }
    }
}

impl TokenBucket {
    /// Takes one token if one is there; false (and nothing taken) if not, so a flood that is
    /// refused runs up no debt.
    pub fn try_take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_costs_its_records_its_size_and_its_signatures() {
        assert_eq!(frame_cost(0, 100, 0), 1);
        assert_eq!(frame_cost(3, 100, 0), 3);
        assert_eq!(frame_cost(1, 64 * 1024, 0), 17);
        // A sync whose 170 votes were all verified: 169 more, paid with the next frame.
        assert_eq!(frame_cost(1, 100, 169), 170);
        // At 200 tokens a second, that many signatures take most of a second to pass.
        let t0 = Instant::now();
        let mut b = TokenBucket::new(200, 400, t0);
        assert_eq!(b.take_n(t0, frame_cost(1, 100, 399)), None);
        let wait = b.take_n(t0, frame_cost(1, 100, 169)).expect("paced");
        assert!((wait.as_secs_f64() - 0.85).abs() < 1e-6, "{wait:?}");
    }

    #[test]
    fn burst_then_paced() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10, 3, t0);
        assert_eq!(b.take(t0), None);
        assert_eq!(b.take(t0), None);
        assert_eq!(b.take(t0), None);
        let wait = b.take(t0).expect("out of tokens");
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-6, "{wait:?}");
        // After waiting that long, the next one waits another 0.1 s.
        let wait2 = b.take(t0 + wait).expect("still paced");
        assert!((wait2.as_secs_f64() - 0.1).abs() < 1e-6, "{wait2:?}");
        // A long quiet spell refills only up to the burst.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(b.take(later), None);
        assert_eq!(b.take(later), None);
        assert_eq!(b.take(later), None);
        assert!(b.take(later).is_some());
    }
}
