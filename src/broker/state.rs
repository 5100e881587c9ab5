//! The broker's shared state — sessions, subscriptions, retained messages — and the
//! operations on it that must happen under one lock: routing a message, claiming and
//! releasing a session, subscribing and unsubscribing, ending a session whose time is up.

use std::collections::HashMap;
use std::sync::Arc;

use super::access::Access;
use super::acl::Client;
use super::packet::{ClientId, Delivery, Message, QoS, Will, NEVER_EXPIRES};
use super::persist::{Change, Journal, Snapshot};
use super::retain::RetainStore;
use super::router::{Options, Route, Router, Subscriber};
use super::session::{ConnHandle, Outbox, Pushed, QueueLimits, Session, SessionStore};
use crate::topic;
use tokio_util::sync::CancellationToken;

/// Sessions, subscriptions and retained messages.
pub struct State {
    access: Arc<Access>,
    sessions: HashMap<ClientId, Session>,
    router: Router,
    retained: RetainStore,
    routes: Vec<Route>,
    /// Where changes are journaled when the broker persists.
    journal: Option<Journal>,
}

/// The outcome of [`State::claim_session`].
pub enum Claim {
    /// Another connection holds the session: close it, wait for it, and try again.
    Busy(ConnHandle),
    /// The session is now this connection's.
    Claimed {
        /// The session's outbox.
        outbox: Arc<Outbox>,
        /// Its in-flight and QoS 2 state.
        store: SessionStore,
        /// Whether an existing session was resumed (CONNACK session present).
        session_present: bool,
        /// Deliveries dropped from full queues by the will Clean Start published.
        dropped: u64,
    },
}

/// What [`State::publish`] did with a message.
#[derive(Default)]
pub struct Published {
    /// Sessions it was queued for (0: "no matching subscribers").
    pub matched: usize,
    /// Deliveries that pushed an older one out of a full queue.
    pub dropped: u64,
    /// A session it was queued for that is congested: the publisher waits for it (flow
    /// control; see `session.rs`).
    pub congested: Option<Arc<Outbox>>,
}

/// What a session left behind when its connection ended: the timers to start.
#[derive(Debug, Default)]
pub struct Released {
    /// The session lives on, offline, for this many seconds (`None`: it ended, or it never
    /// expires).
    pub expires_in: Option<u32>,
    /// A will waits this many seconds before it is published.
    pub will_in: Option<u32>,
    /// The session's generation, to check when a timer fires.
    pub generation: u64,
    /// Cancelled when the session is taken up again or ends: the timers stop then.
    pub timers: CancellationToken,
}

/// The result of subscribing.
pub struct Subscribed {
    /// A subscription with that filter already existed and was replaced.
    pub existed: bool,
}

impl State {
    /// No sessions yet, under `access`; changes go to `journal` when given.
    pub fn new(access: Arc<Access>, journal: Option<Journal>) -> Self {
        State {
            access,
            sessions: HashMap::new(),
            router: Router::default(),
            retained: RetainStore::default(),
            routes: Vec::new(),
            journal,
        }
    }

    /// Takes in what the persistence store kept: retained messages, and sessions, offline,
    /// with their subscriptions, deliveries and wills. Returns the timers each session
    /// needs (its expiry, its will's delay), to start once the broker runs.
    pub fn restore(
        &mut self,
        snapshot: Snapshot,
        limits: QueueLimits,
    ) -> Vec<(ClientId, Released)> {
        for message in &snapshot.retained {
            self.retained.apply(message);
        }
        let mut timers = Vec::with_capacity(snapshot.sessions.len());
        for stored in snapshot.sessions {
            let id = stored.client_id;
            let mut session = Session::new(id.clone(), limits);
            session.stored = true;
            session.outbox.set_durable(true);
            session.outbox.restore(stored.queued);
            session.store.inflight = stored.inflight.into();
            session.store.incoming_qos2 = stored.incoming_qos2.into_iter().collect();
            for (filter, options) in stored.subscriptions {
                let (group, inner) = split(&filter);
                let subscriber = Subscriber {
                    options,
                    outbox: session.outbox.clone(),
                    username: stored.username.clone(),
                };
                self.router.subscribe(inner, group, &id, subscriber);
                session.subscriptions.insert(filter);
            }
            let will_in = stored.will.as_ref().map(|(_, left)| *left);
            session.pending_will = stored.will.map(|(will, _)| will);
            let released = Released {
                expires_in: stored.expires_in,
                will_in,
                generation: session.generation,
                timers: session.timers.clone(),
            };
            self.sessions.insert(id.clone(), session);
            timers.push((id, released));
        }
        timers
    }

    fn journal(&self, change: impl FnOnce() -> Change) {
        if let Some(journal) = &self.journal {
            journal.send(change());
        }
    }

    /// The access rules in force.
    pub fn access(&self) -> Arc<Access> {
        self.access.clone()
    }

    /// The access rules in force, borrowed.
    pub fn access_ref(&self) -> &Access {
        &self.access
    }

    /// Puts new access rules in force.
    pub fn set_access(&mut self, access: Arc<Access>) {
        self.access = access;
    }

    /// Routes a message to every matching session allowed to read it, and applies its
    /// retain flag.
    pub fn publish(&mut self, message: &Message) -> Published {
        if message.retain {
            self.retained.apply(message);
            // The broker's own `$SYS` counters are published afresh, not kept.
            if !message.topic.starts_with("$SYS/") {
                self.journal(|| match message.payload.is_empty() {
                    true => Change::Unretain {
                        topic: message.topic.clone(),
                    },
                    false => Change::Retain {
                        message: message.clone(),
                    },
                });
            }
        }
        self.router
            .route(&message.topic, message.origin.as_ref(), &mut self.routes);
        if self.access.checks_reads() {
            let access = &self.access;
            self.routes.retain(|route| {
                let reader = Client {
                    id: route.outbox.client_id(),
                    username: route.username.as_deref(),
                };
                access.may_read(reader, &message.topic)
            });
        }
        let mut published = Published {
            matched: self.routes.len(),
            ..Published::default()
        };
        for route in self.routes.drain(..) {
            let delivery = Delivery {
                message: message.clone(),
                qos: message.qos.min(route.qos),
                // The RETAIN flag is cleared on forwarding unless asked for as published
                // [MQTT-3.3.1-12, MQTT-3.3.1-13] (always cleared for 3.1.1 [MQTT-3.3.1-9]).
                retain: route.retain_as_published && message.retain,
                subscription_ids: route.subscription_ids,
                seq: 0,
            };
            match push(self.journal.as_ref(), &route.outbox, delivery) {
                Pushed::DroppedOldest(_) => published.dropped += 1,
                Pushed::Congested if published.congested.is_none() => {
                    published.congested = Some(route.outbox.clone());
                }
                _ => {}
            }
        }
        published
    }

    /// Takes the session of `client_id` for a new connection, creating it when needed. Clean
    /// Start discards any previous state [MQTT-3.1.2-4]; otherwise an existing session is
    /// resumed [MQTT-3.1.2-5]. A will still waiting for its delay is cancelled
    /// [MQTT-3.1.3-9], or, when Clean Start ends its session, published now. `expiry` is
    /// the connection's Session Expiry Interval, `username` who it is.
    pub fn claim_session(
        &mut self,
        client_id: &ClientId,
        clean_start: bool,
        conn: ConnHandle,
        limits: QueueLimits,
        (expiry, username): (u32, Option<&str>),
    ) -> Claim {
        if let Some(holder) = self.sessions.get(client_id).and_then(|s| s.conn.clone()) {
            return Claim::Busy(holder);
        }
        let mut dropped = 0;
        if clean_start {
            // Clean Start ends the old session, and a will still waiting for its delay goes
            // with it: the delay or the session's end, whichever is first [MQTT-3.1.2-8].
            if let Some(will) = self.discard_session(client_id) {
                dropped = self.publish(&will.into_message()).dropped;
            }
        }
        let session_present = self.sessions.contains_key(client_id);
        let session = self
            .sessions
            .entry(client_id.clone())
            .or_insert_with(|| Session::new(client_id.clone(), limits));
        // The connection id, never reused, marks this holder: a timer left by an earlier
        // session of the same client id (ended by Clean Start) must not fire on this one.
        session.generation = conn.id;
        session.timers.cancel();
        session.conn = Some(conn);
        session.pending_will = None;
        session.outbox.set_online(true);
        session.outbox.set_durable(expiry > 0);
        // A session that lives only as long as its connection is not stored, unless an
        // earlier connection stored it (its record must now say it ends with this one).
        if let Some(journal) = self
            .journal
            .as_ref()
            .filter(|_| expiry > 0 || session.stored)
        {
            session.stored = true;
            journal.send(Change::SessionUp {
                client: client_id.clone(),
                expiry,
                username: username.map(Arc::from),
            });
        }
        Claim::Claimed {
            outbox: session.outbox.clone(),
            store: std::mem::take(&mut session.store),
            session_present,
            dropped,
        }
    }

    /// Hands a session back when its connection `conn_id` ends. With a Session Expiry
    /// Interval of 0 the session ends now (§3.1.2.11.2); otherwise it keeps `store`,
    /// queues QoS 1/2 messages until the client returns and ends when the interval has
    /// passed. `will`, when given, waits for its delay (it is published by the caller when
    /// the delay is 0 or the session ends now).
    pub fn release_session(
        &mut self,
        client_id: &ClientId,
        conn_id: u64,
        store: SessionStore,
        expiry: u32,
        will: Option<Box<Will>>,
    ) -> Released {
        let Some(session) = self.sessions.get_mut(client_id) else {
            return Released::default();
        };
        if session.conn.as_ref().map(|c| c.id) != Some(conn_id) {
            return Released::default();
        }
        if expiry == 0 {
            self.discard_session(client_id);
            return Released::default();
        }
        session.conn = None;
        session.store = store;
        session.timers = CancellationToken::new();
        session.outbox.set_online(false);
        let will_in = will.as_ref().map(|w| w.delay);
        if session.stored {
            if let Some(journal) = &self.journal {
                journal.send(Change::SessionDown {
                    client: client_id.clone(),
                    expiry,
                    will: will.clone(),
                });
            }
        }
        session.pending_will = will;
        Released {
            expires_in: (expiry != NEVER_EXPIRES).then_some(expiry),
            will_in,
            generation: session.generation,
            timers: session.timers.clone(),
        }
    }

    /// Ends the offline session of `client_id` when its expiry timer of `generation` fires
    /// and nobody took it up since; returns its pending will, to publish.
    pub fn expire_session(&mut self, client_id: &ClientId, generation: u64) -> Option<Box<Will>> {
        let session = self.sessions.get(client_id)?;
        if session.generation != generation || session.conn.is_some() {
            return None;
        }
        self.discard_session(client_id)
    }

    /// Takes the pending will of `client_id` when its delay of `generation` has passed and
    /// the client has not come back.
    pub fn take_due_will(&mut self, client_id: &ClientId, generation: u64) -> Option<Box<Will>> {
        let session = self.sessions.get_mut(client_id)?;
        if session.generation != generation || session.conn.is_some() {
            return None;
        }
        let will = session.pending_will.take()?;
        if session.stored {
            self.journal(|| Change::WillGone {
                client: client_id.clone(),
            });
        }
        Some(will)
    }

    /// Forgets connection `conn_id` as the holder of `client_id`'s session without its state
    /// (it did not let go in time after a takeover).
    pub fn detach(&mut self, client_id: &ClientId, conn_id: u64) {
        if let Some(session) = self.sessions.get_mut(client_id) {
            if session.conn.as_ref().map(|c| c.id) == Some(conn_id) {
                session.conn = None;
            }
        }
    }

    /// Removes a session and its subscriptions; returns its pending will.
    fn discard_session(&mut self, client_id: &ClientId) -> Option<Box<Will>> {
        let session = self.sessions.remove(client_id)?;
        session.timers.cancel();
        if session.stored {
            self.journal(|| Change::SessionEnd {
                client: client_id.clone(),
            });
        }
        for filter in &session.subscriptions {
            let (group, inner) = split(filter);
            self.router.unsubscribe(inner, group, client_id);
        }
        session.pending_will
    }

    /// Subscribes `client_id` (whose session is claimed) to a valid filter and, unless its
    /// options say otherwise, queues the retained messages it matches, flagged retained
    /// [MQTT-3.3.1-9, MQTT-3.8.4-4]. Shared subscriptions get no retained messages.
    pub fn subscribe(
        &mut self,
        client_id: &ClientId,
        username: Option<&Arc<str>>,
        filter: &str,
        options: Options,
        retain_handling: super::packet::RetainHandling,
    ) -> Subscribed {
        use super::packet::RetainHandling as R;
        let Some(session) = self.sessions.get_mut(client_id) else {
            return Subscribed { existed: false };
        };
        let outbox = session.outbox.clone();
        session.subscriptions.insert(filter.to_owned());
        if session.stored && outbox.is_durable() {
            if let Some(journal) = &self.journal {
                journal.send(Change::Subscribe {
                    client: client_id.clone(),
                    filter: filter.to_owned(),
                    options,
                });
            }
        }
        let (group, inner) = split(filter);
        let subscriber = Subscriber {
            options,
            outbox: outbox.clone(),
            username: username.cloned(),
        };
        let existed = self.router.subscribe(inner, group, client_id, subscriber);
        let send_retained = group.is_none()
            && match retain_handling {
                R::OnSubscribe => true,
                R::OnNewSubscription => !existed,
                R::Never => false,
            };
        if send_retained {
            let reader = Client {
                id: client_id,
                username: username.map(|u| &**u),
            };
            for message in self.retained.matching(inner) {
                // Retained messages need read rights too.
                if !self.access.may_read(reader, &message.topic) {
                    continue;
                }
                let delivery = Delivery {
                    message: message.clone(),
                    qos: message.qos.min(options.qos),
                    retain: true,
                    subscription_ids: options.id.into_iter().collect(),
                    seq: 0,
                };
                push(self.journal.as_ref(), &outbox, delivery);
            }
        }
        Subscribed { existed }
    }

    /// Removes a subscription; true when it existed.
    pub fn unsubscribe(&mut self, client_id: &ClientId, filter: &str) -> bool {
        if let Some(session) = self.sessions.get_mut(client_id) {
            session.subscriptions.remove(filter);
            if session.stored {
                if let Some(journal) = &self.journal {
                    journal.send(Change::Unsubscribe {
                        client: client_id.clone(),
                        filter: filter.to_owned(),
                    });
                }
            }
        }
        let (group, inner) = split(filter);
        self.router.unsubscribe(inner, group, client_id)
    }

    /// How many sessions would receive a message published to `topic` now.
    pub fn subscriber_count(&mut self, topic: &str) -> usize {
        self.router.route(topic, None, &mut self.routes);
        let n = self.routes.len();
        self.routes.clear();
        n
    }

    /// Number of sessions, online or offline.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Number of retained messages, after forgetting the expired ones.
    pub fn retained_count(&mut self) -> usize {
        self.retained.remove_expired();
        self.retained.count()
    }
}

/// Queues a delivery in `outbox`, journaling it first when it is to be persisted (QoS 1/2,
/// for a session that outlives its connection): journaled before it can be taken from the
/// outbox, so that its sending is journaled after it.
fn push(journal: Option<&Journal>, outbox: &Outbox, mut delivery: Delivery) -> Pushed {
    let persisted = journal.filter(|_| delivery.qos != QoS::AtMostOnce && outbox.is_durable());
    if let Some(journal) = persisted {
        delivery.seq = journal.next_seq();
        journal.send(Change::Enqueue {
            client: outbox.id().clone(),
            delivery: delivery.clone(),
        });
    }
    let pushed = outbox.push(delivery);
    if let (Some(journal), Pushed::DroppedOldest(seq @ 1..)) = (journal, &pushed) {
        journal.send(Change::Done { seq: *seq });
    }
    pushed
}

/// A stored filter as (share group, filter proper); filters reach here validated.
fn split(filter: &str) -> (Option<&str>, &str) {
    match topic::split_shared(filter) {
        Ok(Some((group, inner))) => (Some(group), inner),
        _ => (None, filter),
    }
}
