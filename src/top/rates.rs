//! Messages per second over a sliding window: a ring of short buckets, so that a rate costs
//! a few bytes per topic and an update is O(1).

use std::time::Duration;

/// Length of one bucket.
pub const BUCKET: Duration = Duration::from_millis(250);
/// Buckets in the window.
const BUCKETS: usize = 20;
/// The window a rate is measured over (5 s).
pub const WINDOW: Duration = Duration::from_millis(250 * BUCKETS as u64);

/// A time in buckets since an epoch the caller picks (`top`: its start).
pub fn tick(since_epoch: Duration) -> u64 {
    (since_epoch.as_millis() / BUCKET.as_millis()) as u64
}

/// Counts in the last [`WINDOW`].
#[derive(Debug, Clone, Default)]
pub struct Rate {
    buckets: [u32; BUCKETS],
    /// The tick of the newest bucket.
    last: u64,
}

impl Rate {
    /// Counts `n` events at tick `now` (ticks never go backwards; an older one counts as
    /// the newest).
    pub fn add(&mut self, now: u64, n: u32) {
        let now = now.max(self.last);
        let gap = now - self.last;
        if gap >= BUCKETS as u64 {
            self.buckets = [0; BUCKETS];
        } else {
            for t in self.last + 1..=now {
                self.buckets[(t % BUCKETS as u64) as usize] = 0;
            }
        }
        self.last = now;
        let slot = &mut self.buckets[(now % BUCKETS as u64) as usize];
        *slot = slot.saturating_add(n);
    }

    /// Events in the window ending at tick `now`.
    pub fn count(&self, now: u64) -> u64 {
        (0..BUCKETS as u64)
            .filter_map(|k| self.last.checked_sub(k))
            .filter(|&t| t + BUCKETS as u64 > now)
            .map(|t| u64::from(self.buckets[(t % BUCKETS as u64) as usize]))
            .sum()
    }

    /// Events per second over the window ending at tick `now`.
    pub fn per_second(&self, now: u64) -> f64 {
        self.count(now) as f64 / WINDOW.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_stream_reads_as_its_rate() {
        let mut r = Rate::default();
        // 10 messages per second: 2.5 per 250 ms bucket, i.e. 5 every other bucket.
        for t in 0..40u64 {
            r.add(t, if t % 2 == 0 { 5 } else { 0 });
        }
        assert_eq!(r.per_second(39), 10.0);
    }

    #[test]
    fn old_buckets_leave_the_window() {
        let mut r = Rate::default();
        r.add(0, 7);
        assert_eq!(r.count(0), 7);
        assert_eq!(r.count(19), 7, "still inside 5 s");
        assert_eq!(r.count(20), 0, "5 s later it is gone");
        r.add(10, 1);
        assert_eq!(r.count(25), 1);
        r.add(100, 2);
        assert_eq!(r.count(100), 2, "a long gap clears everything");
    }

    #[test]
    fn ticks_are_quarter_seconds() {
        assert_eq!(tick(Duration::from_millis(999)), 3);
        assert_eq!(tick(Duration::from_secs(5)), 20);
    }

    #[test]
    fn a_tick_from_the_past_counts_as_now() {
        let mut r = Rate::default();
        r.add(10, 1);
        r.add(5, 1);
        assert_eq!(r.count(10), 2);
    }
}
