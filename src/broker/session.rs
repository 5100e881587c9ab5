//! Session state: what the broker keeps for a client id, online or offline.
//!
//! The [`Outbox`] is the one queue of deliveries waiting for a client: the router pushes into
//! it, the client's connection drains it as its in-flight window allows. It is bounded; when
//! full the oldest delivery is dropped and counted. While the client is offline only QoS 1/2
//! deliveries are queued (for a persistent session) [MQTT-3.1.2-5].
//!
//! Flow control: while an online session's queue is above its high-water mark (half its
//! limit) it is *congested*, and the connections publishing into it stop reading until it
//! is back under its low-water mark (a quarter), so a subscriber slower than its publishers
//! slows them down instead of losing what they were told was received. A session that stays
//! congested for the slow-consumer timeout is *stuck*: it holds no one back any more, and
//! its own queue drops its oldest deliveries when full (counted), until it drains.
//!
//! The [`SessionStore`] (in-flight messages, QoS 2 packet ids received, the packet id counter)
//! belongs to the connection while the client is online and goes back into the [`Session`]
//! when it leaves, so a reconnecting persistent client resumes where it stopped.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

pub use super::packet::{ClientId, Delivery, Message};
use super::packet::{QoS, Will};

/// How a session's queue bounds what waits in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// Deliveries queued at most; when full the oldest is dropped.
    pub limit: usize,
    /// How long a congested online session may hold its publishers back before it counts
    /// as stuck; `None`: never held back (the oldest are dropped when full, as before).
    pub slow_consumer_timeout: Option<Duration>,
}

impl QueueLimits {
    /// At most `limit` deliveries, without flow control.
    pub fn dropping(limit: usize) -> Self {
        QueueLimits {
            limit,
            slow_consumer_timeout: None,
        }
    }
}

/// What became of a pushed delivery.
#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    /// Queued.
    Queued,
    /// Queued, and the session is congested: its publishers should wait for it.
    Congested,
    /// Queued, and the oldest queued delivery (of this store sequence number, 0 when not
    /// persisted) was dropped to make room.
    DroppedOldest(u64),
    /// Not queued: a QoS 0 message for an offline client.
    Skipped,
}

struct OutboxQueue {
    deliveries: VecDeque<Delivery>,
    online: bool,
    dropped: u64,
    /// Since when the queue has been above its high-water mark (online only).
    congested_since: Option<Instant>,
    /// The slow-consumer timeout passed while congested (logged once).
    stuck: bool,
}

/// The bounded queue of deliveries for one session.
pub struct Outbox {
    client_id: ClientId,
    queue: Mutex<OutboxQueue>,
    ready: Notify,
    /// Woken when a congested queue drains under its low-water mark, or goes offline.
    space: Notify,
    limit: usize,
    slow_consumer_timeout: Option<Duration>,
    /// The session outlives its connection (Session Expiry Interval above 0), so its QoS 1/2
    /// deliveries are persisted when the broker persists.
    durable: AtomicBool,
}

impl Outbox {
    /// An empty outbox for an offline session of `client_id`, within `limits`.
    pub fn new(client_id: ClientId, limits: QueueLimits) -> Self {
        Outbox {
            client_id,
            queue: Mutex::new(OutboxQueue {
                deliveries: VecDeque::new(),
                online: false,
                dropped: 0,
                congested_since: None,
                stuck: false,
            }),
            ready: Notify::new(),
            space: Notify::new(),
            limit: limits.limit.max(1),
            slow_consumer_timeout: limits.slow_consumer_timeout,
            durable: AtomicBool::new(false),
        }
    }

    /// The client id of the session.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client id of the session, shared.
    pub fn id(&self) -> &ClientId {
        &self.client_id
    }

    /// True when the session outlives its connection.
    pub fn is_durable(&self) -> bool {
        self.durable.load(Ordering::Relaxed)
    }

    /// Marks the session as outliving its connection, or not.
    pub fn set_durable(&self, durable: bool) {
        self.durable.store(durable, Ordering::Relaxed);
    }

    fn lock(&self) -> MutexGuard<'_, OutboxQueue> {
        // A panic elsewhere cannot leave the queue itself inconsistent; keep serving.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a delivery and wakes the connection.
    pub fn push(&self, mut delivery: Delivery) -> Pushed {
        let mut q = self.lock();
        if !q.online && delivery.qos == QoS::AtMostOnce {
            return Pushed::Skipped;
        }
        if !q.online {
            // A payload is a slice of the publisher's read buffer, which it keeps alive
            // whole: a delivery that may wait for hours gets its own copy, so that a few bytes
            // queued do not hold kilobytes (or, after a large packet, megabytes).
            let message = &mut delivery.message;
            message.payload = bytes::Bytes::copy_from_slice(&message.payload);
        }
        let mut dropped_so_far = None;
        if q.deliveries.len() >= self.limit {
            let oldest = q.deliveries.pop_front().map_or(0, |d| d.seq);
            q.dropped += 1;
            dropped_so_far = Some((q.dropped, oldest));
        }
        q.deliveries.push_back(delivery);
        let online = q.online;
        let congested = self.note_congestion(&mut q);
        drop(q);
        self.ready.notify_one();
        match dropped_so_far {
            None if congested => Pushed::Congested,
            None => Pushed::Queued,
            Some((total, oldest)) => {
                // Logged on the first drop and then every thousandth, not on every message.
                if total == 1 || total % 1000 == 0 {
                    warn!(
                        "{}: queue full ({} messages, client {}): dropped the oldest; {total} dropped so far",
                        self.client_id,
                        self.limit,
                        if online { "online" } else { "offline" },
                    );
                }
                Pushed::DroppedOldest(oldest)
            }
        }
    }

    fn high_water(&self) -> usize {
        (self.limit / 2).max(1)
    }

    fn low_water(&self) -> usize {
        self.limit / 4
    }

    /// Whether the queue, just pushed to, holds its publishers back: online, above its
    /// high-water mark, and not stuck.
    fn note_congestion(&self, q: &mut OutboxQueue) -> bool {
        let Some(timeout) = self.slow_consumer_timeout else {
            return false;
        };
        if !q.online || q.deliveries.len() < self.high_water() {
            return false;
        }
        let since = *q.congested_since.get_or_insert_with(Instant::now);
        if q.stuck {
            return false;
        }
        if since.elapsed() >= timeout {
            q.stuck = true;
            info!(
                "{}: a slow consumer: its queue stayed over {} messages for {timeout:?}; publishers no longer wait for it, and its oldest messages are dropped when its queue is full",
                self.client_id,
                self.high_water()
            );
            self.space.notify_waiters();
            return false;
        }
        true
    }

    /// Ends congestion once the queue is under its low-water mark (or offline), waking the
    /// publishers waiting for it.
    fn ease(&self, q: &mut OutboxQueue) {
        if q.congested_since.is_some() && (!q.online || q.deliveries.len() <= self.low_water()) {
            if q.stuck {
                info!("{}: caught up again", self.client_id);
            }
            q.congested_since = None;
            q.stuck = false;
            self.space.notify_waiters();
        }
    }

    /// When a publisher that found this queue congested stops waiting for it (the
    /// slow-consumer timeout); `None` when it need not wait at all.
    pub fn congested_until(&self) -> Option<Instant> {
        let mut q = self.lock();
        let since = q.congested_since.filter(|_| !q.stuck && q.online)?;
        let until = since + self.slow_consumer_timeout?;
        if Instant::now() < until {
            return Some(until);
        }
        // Its time is up while every publisher waits (so nothing is pushed to notice).
        self.note_congestion(&mut q);
        None
    }

    /// Waits until the queue's congestion may have ended (poll [`Self::congested_until`]
    /// after). Registered before the check, so no wake-up is missed.
    pub async fn eased(&self) {
        let notified = self.space.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.congested_until().is_none() {
            return;
        }
        notified.await;
    }

    /// Queues deliveries read back from the persistence store, oldest first (their payloads
    /// are their own already: no copy), keeping the newest `limit`.
    pub fn restore(&self, deliveries: Vec<Delivery>) {
        let mut q = self.lock();
        let skip = deliveries.len().saturating_sub(self.limit);
        q.deliveries.extend(deliveries.into_iter().skip(skip));
    }

    /// True while a connection holds the session.
    pub fn is_online(&self) -> bool {
        self.lock().online
    }

    /// Marks the session online (QoS 0 deliveries are queued too) or offline.
    pub fn set_online(&self, online: bool) {
        let mut q = self.lock();
        q.online = online;
        self.ease(&mut q);
        drop(q);
        if online {
            self.ready.notify_one();
        }
    }

    /// Moves deliveries into `out` from the front: QoS 0 ones freely, QoS 1/2 ones while
    /// `window` allows; at most `max` in all. Messages whose expiry has passed while they
    /// waited are dropped, never delivered [MQTT-3.3.2-5] (persisted ones by the connection,
    /// when it finds them expired). Returns true when more could be taken now.
    pub fn drain(&self, out: &mut Vec<Delivery>, mut window: usize, max: usize) -> bool {
        let mut q = self.lock();
        let now = Instant::now();
        while out.len() < max {
            match q.deliveries.front() {
                // A persisted one goes on to the connection, which drops it and tells the
                // store so.
                Some(d) if d.seq == 0 && d.message.is_expired(now) => {
                    debug!(
                        "{}: message on {} expired in the queue",
                        self.client_id, d.message.topic
                    );
                    q.deliveries.pop_front();
                    continue;
                }
                Some(d) if d.qos == QoS::AtMostOnce => {}
                Some(_) if window > 0 => window -= 1,
                _ => {
                    self.ease(&mut q);
                    return false;
                }
            }
            out.extend(q.deliveries.pop_front());
        }
        self.ease(&mut q);
        q.deliveries
            .front()
            .is_some_and(|d| d.qos == QoS::AtMostOnce || window > 0)
    }

    /// Waits until something was pushed since the last wait.
    pub async fn ready(&self) {
        self.ready.notified().await;
    }

    /// Deliveries waiting.
    pub fn len(&self) -> usize {
        self.lock().deliveries.len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Deliveries dropped because the queue was full, since the session began.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }
}

/// Where a QoS 1/2 message sent to the client stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InflightState {
    /// QoS 1 PUBLISH sent, waiting for PUBACK.
    AwaitPubAck,
    /// QoS 2 PUBLISH sent, waiting for PUBREC.
    AwaitPubRec,
    /// PUBREL sent, waiting for PUBCOMP.
    AwaitPubComp,
}

/// A QoS 1/2 message sent to the client and not yet acknowledged.
#[derive(Debug, Clone)]
pub struct Inflight {
    /// Packet id used for it.
    pub pkid: u16,
    /// The delivery.
    pub delivery: Delivery,
    /// How far the handshake went.
    pub state: InflightState,
}

/// The part of a session its connection works on while the client is online.
#[derive(Debug, Default)]
pub struct SessionStore {
    /// Unacknowledged outgoing messages, oldest first (resent in this order on reconnect).
    pub inflight: VecDeque<Inflight>,
    /// Packet ids of QoS 2 messages received and not yet released by PUBREL.
    pub incoming_qos2: HashSet<u16>,
    last_pkid: u16,
}

impl SessionStore {
    /// The next packet id not used by an in-flight message (1..=65535) [MQTT-2.3.1-2].
    pub fn next_pkid(&mut self) -> u16 {
        loop {
            self.last_pkid = self.last_pkid.checked_add(1).unwrap_or(1);
            let candidate = self.last_pkid;
            if !self.inflight.iter().any(|i| i.pkid == candidate) {
                return candidate;
            }
        }
    }

    /// Index of the in-flight message with this packet id.
    pub fn position(&self, pkid: u16) -> Option<usize> {
        self.inflight.iter().position(|i| i.pkid == pkid)
    }
}

/// The live connection of a session, as other connections see it.
#[derive(Debug, Clone)]
pub struct ConnHandle {
    /// Unique per accepted connection.
    pub id: u64,
    /// Cancelled to make the connection close (session takeover).
    pub kick: CancellationToken,
    /// Cancelled once the connection has finished and handed its state back.
    pub done: CancellationToken,
}

/// Everything the broker keeps for one client id.
pub struct Session {
    /// Where deliveries wait.
    pub outbox: Arc<Outbox>,
    /// Its subscriptions' filters (`$share/…` included), to remove from the router.
    pub subscriptions: HashSet<String>,
    /// In-flight and QoS 2 state while offline; empty while a connection holds it.
    pub store: SessionStore,
    /// The connection holding the session, if online.
    pub conn: Option<ConnHandle>,
    /// The id of the connection that last held the session (connection ids are never
    /// reused), so that a timer started when one left knows whether the session was taken
    /// up again, or replaced by a new one, since.
    pub generation: u64,
    /// A will waiting for its Will Delay Interval while the client is away.
    pub pending_will: Option<Box<Will>>,
    /// Cancels the session's will delay and expiry timers when the session is taken up again
    /// or ends, so that a client reconnecting often leaves no sleeping tasks behind.
    pub timers: CancellationToken,
    /// The persistence store has a record of it (its changes are journaled).
    pub stored: bool,
}

impl Session {
    /// A fresh, offline session.
    pub fn new(client_id: ClientId, limits: QueueLimits) -> Self {
        Session {
            outbox: Arc::new(Outbox::new(client_id, limits)),
            subscriptions: HashSet::new(),
            store: SessionStore::default(),
            conn: None,
            generation: 0,
            pending_will: None,
            timers: CancellationToken::new(),
            stored: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(qos: QoS) -> Delivery {
        Delivery {
            message: Message {
                topic: "t".into(),
                payload: bytes::Bytes::new(),
                qos,
                retain: false,
                properties: None,
                expiry: None,
                origin: None,
            },
            qos,
            retain: false,
            subscription_ids: Vec::new(),
            seq: 0,
        }
    }

    #[test]
    fn offline_outbox_keeps_only_qos1_and_2_mqtt_3_1_2_5() {
        let outbox = Outbox::new("t".into(), QueueLimits::dropping(10));
        assert_eq!(outbox.push(delivery(QoS::AtMostOnce)), Pushed::Skipped);
        assert_eq!(outbox.push(delivery(QoS::AtLeastOnce)), Pushed::Queued);
        outbox.set_online(true);
        assert_eq!(outbox.push(delivery(QoS::AtMostOnce)), Pushed::Queued);
        assert_eq!(outbox.len(), 2);
    }

    #[test]
    fn full_outbox_drops_the_oldest_and_counts() {
        let outbox = Outbox::new("t".into(), QueueLimits::dropping(2));
        outbox.set_online(true);
        for _ in 0..3 {
            outbox.push(delivery(QoS::AtLeastOnce));
        }
        assert_eq!(outbox.len(), 2);
        assert_eq!(outbox.dropped(), 1);
    }

    #[test]
    fn drain_respects_the_inflight_window_but_not_for_qos0() {
        let outbox = Outbox::new("t".into(), QueueLimits::dropping(10));
        outbox.set_online(true);
        for qos in [
            QoS::AtLeastOnce,
            QoS::AtMostOnce,
            QoS::ExactlyOnce,
            QoS::AtMostOnce,
        ] {
            outbox.push(delivery(qos));
        }
        let mut out = Vec::new();
        let more = outbox.drain(&mut out, 1, 100);
        assert_eq!(out.len(), 2, "QoS1, QoS0, then blocked at the QoS2");
        assert!(!more);
        out.clear();
        assert!(outbox.drain(&mut out, 5, 1));
        assert_eq!(out.len(), 1);
    }

    #[test]
    fn packet_ids_skip_zero_and_ids_in_flight() {
        let mut store = SessionStore {
            last_pkid: u16::MAX - 1,
            ..Default::default()
        };
        assert_eq!(store.next_pkid(), u16::MAX);
        store.inflight.push_back(Inflight {
            pkid: 1,
            delivery: delivery(QoS::AtLeastOnce),
            state: InflightState::AwaitPubAck,
        });
        assert_eq!(store.next_pkid(), 2);
    }
}
