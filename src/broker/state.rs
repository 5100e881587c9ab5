//! The broker's shared state — sessions, subscriptions, retained messages — and the
//! operations on it that must happen under one lock: routing a message, claiming and
//! releasing a session, subscribing and unsubscribing.

use std::collections::HashMap;
use std::sync::Arc;

use rumqttc::mqttbytes::QoS;

use super::retain::RetainStore;
use super::router::{Route, Router, Subscriber};
use super::session::{
    ClientId, ConnHandle, Delivery, Message, Outbox, Pushed, Session, SessionStore,
};

/// The lesser of two QoS levels: a delivery is never upgraded [MQTT-3.8.4-6].
pub fn min_qos(a: QoS, b: QoS) -> QoS {
    if (a as u8) <= (b as u8) {
        a
    } else {
        b
    }
}

/// Sessions, subscriptions and retained messages.
#[derive(Default)]
pub struct State {
    sessions: HashMap<ClientId, Session>,
    router: Router,
    retained: RetainStore,
    routes: Vec<Route>,
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
    },
}

impl State {
    /// Routes a message to every matching session and applies its retain flag. Returns how
    /// many deliveries pushed an older one out of a full queue.
    pub fn publish(&mut self, message: &Message) -> u64 {
        if message.retain {
            self.retained.apply(message);
        }
        self.router.route(&message.topic, &mut self.routes);
        let mut dropped = 0;
        for route in self.routes.drain(..) {
            let delivery = Delivery {
                message: message.clone(),
                qos: min_qos(message.qos, route.qos),
                retain: false,
            };
            if route.outbox.push(delivery) == Pushed::DroppedOldest {
                dropped += 1;
            }
        }
        dropped
    }

    /// Takes the session of `client_id` for a new connection, creating it when needed. A clean
    /// session discards any previous state [MQTT-3.1.2-6]; otherwise an existing session is
    /// resumed [MQTT-3.1.2-4].
    pub fn claim_session(
        &mut self,
        client_id: &ClientId,
        clean: bool,
        conn: ConnHandle,
        queue_limit: usize,
    ) -> Claim {
        if let Some(holder) = self.sessions.get(client_id).and_then(|s| s.conn.clone()) {
            return Claim::Busy(holder);
        }
        if clean {
            self.discard_session(client_id);
        }
        let session_present = self.sessions.contains_key(client_id);
        let session = self
            .sessions
            .entry(client_id.clone())
            .or_insert_with(|| Session::new(client_id.clone(), !clean, queue_limit));
        session.conn = Some(conn);
        session.outbox.set_online(true);
        Claim::Claimed {
            outbox: session.outbox.clone(),
            store: std::mem::take(&mut session.store),
            session_present,
        }
    }

    /// Hands a session back when its connection `conn_id` ends: a clean session is discarded
    /// [MQTT-3.1.2-6], a persistent one keeps `store` and queues QoS 1/2 messages until the
    /// client returns.
    pub fn release_session(&mut self, client_id: &ClientId, conn_id: u64, store: SessionStore) {
        let Some(session) = self.sessions.get_mut(client_id) else {
            return;
        };
        if session.conn.as_ref().map(|c| c.id) != Some(conn_id) {
            return;
        }
        if session.persistent {
            session.conn = None;
            session.store = store;
            session.outbox.set_online(false);
        } else {
            self.discard_session(client_id);
        }
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

    fn discard_session(&mut self, client_id: &ClientId) {
        if let Some(session) = self.sessions.remove(client_id) {
            for filter in session.subscriptions.keys() {
                self.router.unsubscribe(filter, client_id);
            }
        }
    }

    /// Subscribes `client_id` (whose session is claimed) to a valid filter and queues the
    /// retained messages it matches, flagged retained [MQTT-3.3.1-6, MQTT-3.8.4-3].
    pub fn subscribe(&mut self, client_id: &ClientId, filter: &str, qos: QoS) {
        let Some(session) = self.sessions.get_mut(client_id) else {
            return;
        };
        let outbox = session.outbox.clone();
        session.subscriptions.insert(filter.to_owned(), qos);
        self.router.subscribe(
            filter,
            client_id,
            Subscriber {
                qos,
                outbox: outbox.clone(),
            },
        );
        for message in self.retained.matching(filter) {
            outbox.push(Delivery {
                message: message.clone(),
                qos: min_qos(message.qos, qos),
                retain: true,
            });
        }
    }

    /// Removes a subscription; true when it existed.
    pub fn unsubscribe(&mut self, client_id: &ClientId, filter: &str) -> bool {
        if let Some(session) = self.sessions.get_mut(client_id) {
            session.subscriptions.remove(filter);
        }
        self.router.unsubscribe(filter, client_id)
    }

    /// How many sessions have a subscription matching `topic`.
    pub fn subscriber_count(&mut self, topic: &str) -> usize {
        self.router.route(topic, &mut self.routes);
        let n = self.routes.len();
        self.routes.clear();
        n
    }

    /// Number of sessions, online or offline.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Number of retained messages.
    pub fn retained_count(&self) -> usize {
        self.retained.count()
    }
}
