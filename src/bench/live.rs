//! The counters a run's clients share with the progress display.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Counters shared with the progress display.
#[derive(Debug, Default)]
pub struct Live {
    /// Messages acknowledged.
    pub acked: AtomicU64,
    /// Messages received by all subscribers.
    pub received: AtomicU64,
    /// Refused publishes and lost connections.
    pub errors: AtomicU64,
    /// Reconnections.
    pub reconnects: AtomicU64,
    /// Messages sent by all publishers so far (final once publishing has ended).
    pub sent_all: AtomicU64,
    /// Connections open (bench conn).
    pub connected: AtomicU64,
}

impl Live {
    /// Counts a lost connection: an error and a reconnection.
    pub fn connection_lost(&self) {
        self.errors.fetch_add(1, Relaxed);
        self.reconnects.fetch_add(1, Relaxed);
    }
}
