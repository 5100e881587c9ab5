//! The clock of a run: the fixed windows publishers and subscribers keep, how often a
//! publisher wakes, and time on the run's monotonic epoch.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long publishers wait for outstanding acknowledgements, and subscribers for missing
/// messages, once publishing has ended.
pub const DRAIN: Duration = Duration::from_secs(5);
/// Subscribers stop early when nothing arrived for this long after publishing ended.
pub const QUIET: Duration = Duration::from_secs(1);
/// A message sent later than this after its intended time counts as late.
pub const LATE: Duration = Duration::from_millis(1);
/// The longest a publisher spins before a message is due: a little more than an idle
/// virtual CPU takes to wake from a timer (~45 µs measured here).
pub const SPIN: Duration = Duration::from_micros(60);
/// Time between the last connection and the first scheduled message.
pub const LEAD: Duration = Duration::from_millis(20);

/// Wake-ups per second a run's publishers make at most by default: each costs a timer and
/// a return from idle (~20–30 µs of CPU on the virtual machines measured here, in
/// docs/performance.md). At this budget a publisher wakes every 500 µs at most, twice as
/// often as tokio's millisecond timers, which other generators pace with.
const WAKES_PER_S: f64 = 2_000.0;

/// The default `--tick`: every message at its own time while the run wakes at most
/// [`WAKES_PER_S`] times a second, else the tick that keeps it there.
pub fn auto_tick(rate: f64, publishers: usize) -> Duration {
    if rate <= WAKES_PER_S {
        Duration::ZERO
    } else {
        Duration::from_secs_f64(publishers as f64 / WAKES_PER_S)
    }
}

/// Time since `epoch` (zero before it).
pub fn since(epoch: Instant) -> Duration {
    Instant::now().saturating_duration_since(epoch)
}

/// `at` on the wall clock, in ns after the Unix epoch.
pub fn unix_ns(at: Instant) -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let at = match at.checked_duration_since(Instant::now()) {
        Some(ahead) => now + ahead,
        None => now.saturating_sub(Instant::now().saturating_duration_since(at)),
    };
    u64::try_from(at.as_nanos()).unwrap_or(u64::MAX)
}
