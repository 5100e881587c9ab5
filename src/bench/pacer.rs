//! Precise wake-ups for the publishers' timetables.
//!
//! tokio's timers tick in milliseconds, so a message paced with `sleep_until` leaves up to a
//! millisecond after its intended time, and that wait would be part of every latency. The
//! pacer keeps the wake-ups of all publishers in one heap, served by one thread that sleeps on
//! a condition variable with a deadline (the kernel's high-resolution timers).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use tokio::sync::oneshot;

struct Entry {
    at: Instant,
    seq: u64,
    tx: oneshot::Sender<()>,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

#[derive(Default)]
struct State {
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
    stop: bool,
}

/// Wakes tasks at instants, with sub-millisecond precision; stops its thread when dropped.
pub struct Pacer {
    shared: Arc<(Mutex<State>, Condvar)>,
}

impl Pacer {
    /// Starts the pacer's thread.
    pub fn start() -> std::io::Result<Pacer> {
        let shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let theirs = shared.clone();
        std::thread::Builder::new()
            .name("bench-pacer".into())
            .spawn(move || serve(&theirs))?;
        Ok(Pacer { shared })
    }

    /// A receiver that completes at `at` (or at once when `at` has passed).
    pub fn at(&self, at: Instant) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        let (lock, cv) = &*self.shared;
        let mut st = lock.lock().unwrap_or_else(|e| e.into_inner());
        st.seq += 1;
        let seq = st.seq;
        let earliest = st.heap.peek().is_none_or(|Reverse(e)| at < e.at);
        st.heap.push(Reverse(Entry { at, seq, tx }));
        drop(st);
        if earliest {
            cv.notify_one();
        }
        rx
    }
}

impl Drop for Pacer {
    fn drop(&mut self) {
        let (lock, cv) = &*self.shared;
        lock.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        cv.notify_one();
    }
}

fn serve(shared: &(Mutex<State>, Condvar)) {
    let (lock, cv) = shared;
    let mut st = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if st.stop {
            return;
        }
        let now = Instant::now();
        let next = st.heap.peek().map(|Reverse(e)| e.at);
        st = match next {
            None => cv.wait(st).unwrap_or_else(|e| e.into_inner()),
            Some(at) if at <= now => {
                if let Some(Reverse(e)) = st.heap.pop() {
                    // The waiter may have gone: nothing to do then.
                    let _ = e.tx.send(());
                }
                st
            }
            Some(at) => {
                cv.wait_timeout(st, at - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn wakes_in_order_and_not_early() {
        let pacer = Pacer::start().unwrap();
        let t0 = Instant::now();
        let late = pacer.at(t0 + Duration::from_millis(30));
        let soon = pacer.at(t0 + Duration::from_millis(10));
        soon.await.unwrap();
        assert!(t0.elapsed() >= Duration::from_millis(10));
        late.await.unwrap();
        assert!(t0.elapsed() >= Duration::from_millis(30));
        pacer.at(t0).await.unwrap();
    }
}
