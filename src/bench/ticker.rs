//! Precise wake-ups for a publisher's timetable, on a Linux timerfd.
//!
//! tokio's timers tick in milliseconds, so a message paced with `sleep_until` would leave up
//! to a millisecond after its intended time, and that wait is part of every latency measured
//! from the intended time. A timerfd is a kernel high-resolution timer that becomes readable
//! when it expires: registered with tokio's reactor, it wakes the very worker that waits on
//! it, within microseconds and without a thread hand-off (the earlier pacer thread's hand-off
//! and 50 µs timer slack were most of bench's latency floor).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use tokio::io::unix::AsyncFd;

/// A one-shot timer on CLOCK_MONOTONIC (the clock of `Instant` on Linux).
struct TimerFd(OwnedFd);

impl TimerFd {
    fn new() -> io::Result<TimerFd> {
        // SAFETY: timerfd_create takes no pointers; a non-negative result is a new fd we own.
        let fd = unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a valid, open descriptor that nothing else owns.
        Ok(TimerFd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Arms the timer to expire once, `after` from now (at least 1 ns: zero would disarm it).
    fn arm(&self, after: Duration) -> io::Result<()> {
        let after = after.max(Duration::from_nanos(1));
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: after.as_secs().min(i64::MAX as u64) as libc::time_t,
                tv_nsec: libc::c_long::from(after.subsec_nanos() as i32),
            },
        };
        // SAFETY: `spec` is a valid itimerspec for the call's duration; the old value is
        // not asked for (null).
        let rc =
            unsafe { libc::timerfd_settime(self.0.as_raw_fd(), 0, &spec, std::ptr::null_mut()) };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Whether the timer expired since it was armed (and clears that).
    fn expired(&self) -> io::Result<bool> {
        let mut count = [0u8; 8];
        // SAFETY: reads at most 8 bytes into the 8-byte buffer.
        let n = unsafe { libc::read(self.0.as_raw_fd(), count.as_mut_ptr().cast(), 8) };
        if n == 8 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(false),
            _ => Err(e),
        }
    }
}

impl AsRawFd for TimerFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

/// Sleeps until instants with microsecond precision; one per publisher.
pub struct Ticker {
    fd: AsyncFd<TimerFd>,
    armed: Option<Instant>,
    spin: Duration,
}

impl Ticker {
    /// A new ticker, registered with the current tokio runtime, that wakes `spin` early
    /// and spins the rest of the way (a sleeping CPU, a virtual one above all, takes tens
    /// of microseconds to wake).
    pub fn new(spin: Duration) -> io::Result<Ticker> {
        // SAFETY: TimerFd owns its descriptor, keeps it open until dropped and always
        // returns the same one, as `register` requires.
        let fd = unsafe { AsyncFd::register(TimerFd::new()?) }?;
        Ok(Ticker {
            fd,
            armed: None,
            spin,
        })
    }

    /// Completes at `at` (at once when it has passed). Cancel-safe: a later call for the
    /// same instant goes on waiting for it, one for another instant re-arms.
    pub async fn sleep_until(&mut self, at: Instant) -> io::Result<()> {
        let wake = at.checked_sub(self.spin).unwrap_or(at);
        if self.armed != Some(at) {
            let Some(after) = wake.checked_duration_since(Instant::now()) else {
                spin_until(at);
                return Ok(());
            };
            self.fd.get_ref().arm(after)?;
            self.armed = Some(at);
        }
        loop {
            let mut ready = self.fd.readable().await?;
            let expired = ready.get_inner().expired()?;
            ready.clear_ready();
            if expired || Instant::now() >= wake {
                self.armed = None;
                spin_until(at);
                return Ok(());
            }
        }
    }
}

/// The shortest time between a publisher's wake-ups for which it gives way after each
/// write ([`give_way`]). On a busy machine a yield can hand the CPU away for a whole time
/// slice, and a publisher that writes more often (its subscribers on the same thread with
/// it) fell behind its broker's queue limit in a loaded test run.
pub const GIVE_WAY_GAP: Duration = Duration::from_millis(1);

/// Offers this CPU to any thread waiting for it (`sched_yield`), right after a publish is
/// written: a broker on this machine that the write woke is often queued on this very CPU,
/// and would otherwise wait for bench's bookkeeping, which then counted as broker latency
/// (docs/performance.md). With nothing else to run it returns at once.
pub fn give_way() {
    std::thread::yield_now();
}

/// Busy-waits until `at` (the last few microseconds before a message is due).
fn spin_until(at: Instant) {
    while Instant::now() < at {
        std::hint::spin_loop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wakes_in_order_and_not_early() {
        let mut ticker = Ticker::new(Duration::from_micros(50)).unwrap();
        let t0 = Instant::now();
        ticker
            .sleep_until(t0 + Duration::from_millis(10))
            .await
            .unwrap();
        assert!(t0.elapsed() >= Duration::from_millis(10));
        // Re-armed for a later instant after a cancelled wait.
        let cancelled = tokio::time::timeout(
            Duration::from_millis(1),
            ticker.sleep_until(t0 + Duration::from_secs(60)),
        )
        .await;
        assert!(cancelled.is_err());
        ticker
            .sleep_until(t0 + Duration::from_millis(30))
            .await
            .unwrap();
        assert!(t0.elapsed() >= Duration::from_millis(30));
        // A past instant completes at once.
        ticker.sleep_until(t0).await.unwrap();
    }
}
