//! Persistence: what the broker keeps across a restart — sessions with their subscriptions
//! and expiry, queued and in-flight QoS 1/2 deliveries, QoS 2 receive state, retained
//! messages and delayed wills.
//!
//! The broker does not snapshot its state; it journals every change as it happens
//! ([`Change`], sent under the state lock or by the connection that made it) to one writer
//! thread, which applies the changes in order to an SQLite store (`store.rs`) inside a
//! transaction and commits:
//! - [`Durability::Sync`]: as soon as the journal is momentarily empty, with a full sync;
//!   a connection that received a QoS 1/2 PUBLISH or a SUBSCRIBE waits for that commit
//!   before its PUBACK/PUBREC/SUBACK goes out, so whatever was acknowledged survives
//!   `kill -9` and a power cut. Commits are shared by every change that arrived meanwhile
//!   (group commit).
//! - [`Durability::Autosave`]: every interval (mosquitto's `autosave_interval`), without
//!   waiting for the disk: `kill -9` loses at most the last interval's changes.
//!
//! Either way a clean stop (SIGTERM) commits everything. At start-up the store is read back
//! into the broker's state ([`Snapshot`]).

mod codec;
mod store;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use super::packet::{ClientId, Delivery, Message, Will};
use super::router::Options;
use super::session::{Inflight, InflightState};

pub use store::StoreError;

/// When changes reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Before every acknowledgement that depends on them.
    Sync,
    /// At this interval.
    Autosave(Duration),
}

/// Where and how to persist.
#[derive(Debug, Clone)]
pub struct PersistConfig {
    /// The store file.
    pub path: PathBuf,
    /// When changes reach the disk.
    pub durability: Durability,
}

/// One change to the persisted state.
pub(crate) enum Change {
    /// A connection took up (or created) a session, with this Session Expiry Interval; a
    /// will that was waiting is gone.
    SessionUp {
        client: ClientId,
        expiry: u32,
        username: Option<Arc<str>>,
    },
    /// The session's connection ended; it lives on offline for `expiry` seconds, with a
    /// will waiting for its delay.
    SessionDown {
        client: ClientId,
        expiry: u32,
        will: Option<Box<Will>>,
    },
    /// The session ended, and everything of it goes.
    SessionEnd { client: ClientId },
    /// A delayed will was published.
    WillGone { client: ClientId },
    /// A subscription was made or replaced.
    Subscribe {
        client: ClientId,
        filter: String,
        options: Options,
    },
    /// A subscription was removed.
    Unsubscribe { client: ClientId, filter: String },
    /// A QoS 1/2 delivery was queued (its `seq` set).
    Enqueue {
        client: ClientId,
        delivery: Delivery,
    },
    /// A delivery was sent with this packet id, or its handshake moved on.
    Sent {
        seq: u64,
        pkid: u16,
        state: InflightState,
    },
    /// A delivery is done with: acknowledged, refused, or dropped.
    Done { seq: u64 },
    /// A QoS 2 message from the client was received (PUBREC sent).
    Qos2Received { client: ClientId, pkid: u16 },
    /// ... and released (PUBREL).
    Qos2Released { client: ClientId, pkid: u16 },
    /// A retained message was stored.
    Retain { message: Message },
    /// A topic's retained message was cleared.
    Unretain { topic: Arc<str> },
    /// Answer once everything sent before is committed (and synced in [`Durability::Sync`]).
    Sync(oneshot::Sender<()>),
    /// Commit everything and stop the writer.
    Close(oneshot::Sender<()>),
}

/// The sending end of the journal; cheap to clone.
#[derive(Clone)]
pub struct Journal {
    tx: mpsc::Sender<Change>,
    next_seq: Arc<AtomicU64>,
    durability: Durability,
}

impl Journal {
    /// Journals a change. A writer that has stopped (after an I/O failure it logged, or at
    /// shutdown) takes no more.
    pub(crate) fn send(&self, change: Change) {
        let _ = self.tx.send(change);
    }

    /// A new delivery sequence number (never 0: 0 marks a delivery that is not persisted).
    pub(crate) fn next_seq(&self) -> u64 {
        self.next_seq.fetch_add(1, Ordering::Relaxed)
    }

    /// True when acknowledgements wait for the disk.
    pub fn syncs(&self) -> bool {
        self.durability == Durability::Sync
    }

    /// Resolves once every change journaled before is committed; `Err` when the store
    /// failed (the writer logged why).
    pub async fn sync(&self) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        self.send(Change::Sync(tx));
        rx.await.map_err(|_| StoreError::Stopped)
    }

    /// Commits everything and stops the writer (at shutdown).
    pub async fn close(&self) {
        let (tx, rx) = oneshot::channel();
        self.send(Change::Close(tx));
        let _ = rx.await;
    }
}

/// A session read back from the store.
pub struct StoredSession {
    /// Its client id.
    pub client_id: ClientId,
    /// The username of the connection that last held it (for read rights).
    pub username: Option<Arc<str>>,
    /// Seconds until it ends, counted from start-up (`None`: never).
    pub expires_in: Option<u32>,
    /// Its subscriptions.
    pub subscriptions: Vec<(String, Options)>,
    /// Deliveries not sent yet, oldest first.
    pub queued: Vec<Delivery>,
    /// Deliveries sent and not acknowledged, oldest first.
    pub inflight: Vec<Inflight>,
    /// Packet ids of QoS 2 messages received and not released.
    pub incoming_qos2: Vec<u16>,
    /// A will waiting for its delay, and the seconds left of it.
    pub will: Option<(Box<Will>, u32)>,
}

/// Everything read back from the store at start-up.
#[derive(Default)]
pub struct Snapshot {
    /// Retained messages.
    pub retained: Vec<Message>,
    /// Sessions.
    pub sessions: Vec<StoredSession>,
}

/// Opens (or creates) the store, reads it back, and starts its writer.
pub fn open(config: &PersistConfig) -> Result<(Journal, Snapshot), StoreError> {
    let mut store = store::Store::open(&config.path)?;
    let (snapshot, last_seq) = store.load()?;
    let (tx, rx) = mpsc::channel();
    let durability = config.durability;
    std::thread::Builder::new()
        .name("mqttkit-store".into())
        .spawn(move || store.run(rx, durability))
        .map_err(|e| StoreError::Io(config.path.clone(), e.to_string()))?;
    let journal = Journal {
        tx,
        next_seq: Arc::new(AtomicU64::new(last_seq + 1)),
        durability,
    };
    Ok((journal, snapshot))
}
