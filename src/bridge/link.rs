//! One broker connection of the bridge. Its rumqttc event loop runs on a task of its own
//! that hands every event to the bridge's loop over a channel and, after a lost connection,
//! waits out the shared backoff before polling again (which reconnects); the bridge's loop
//! only ever queues requests without waiting (`try_*`), so neither can block the other.
//!
//! Before reconnecting, the task also waits until the bridge's loop has seen the loss (and
//! so stopped handing this link messages), then takes what was queued meanwhile out of
//! rumqttc's request queue ([`Events::clean`]): on a new session the bridge resends its
//! limbo itself, in order, and nothing queued before it may overtake it.

use std::collections::VecDeque;
use std::time::Duration;

use anyhow::Result;
use rumqttc::QoS;
use std::sync::Arc;

use tokio::sync::{mpsc, Notify};
use tokio::task::JoinHandle;

use super::outbox::Outbox;
use super::stats::Side;
use crate::conn::{self, Backoff, Client, Connection, Event, Events, Protocol};

/// What a link's task reports.
pub enum LinkEvent {
    /// An event of the connection.
    Event(Event),
    /// The connection is lost; the task polls again (reconnecting) after `retry_in`, or
    /// has stopped (`None`: a refusal, or `--max-reconnects` reached).
    Lost {
        /// Why.
        error: anyhow::Error,
        /// The backoff delay, if it goes on.
        retry_in: Option<Duration>,
    },
}

/// What a link subscribes to as a source.
#[derive(Debug, Clone)]
pub struct Subscription {
    /// The filters.
    pub filters: Vec<String>,
    /// Their QoS (the bridge's maximum).
    pub qos: QoS,
    /// MQTT 5 No Local (with `--both`).
    pub no_local: bool,
}

/// One side's connection and the state the bridge keeps for it.
pub struct Link {
    /// Which side.
    pub side: Side,
    /// Requests.
    pub client: Client,
    /// Its protocol version.
    pub protocol: Protocol,
    /// Between a CONNACK and the loss of the connection.
    pub connected: bool,
    /// Counts the broker's new sessions (a CONNACK without a session present).
    pub session: u64,
    /// Acknowledgements owed to this broker, waiting for room in the request queue.
    pub acks: VecDeque<(QoS, u16)>,
    /// Messages to publish on this broker.
    pub outbox: Outbox,
    /// What it subscribes to as a source, if it is one.
    pub subscription: Option<Subscription>,
    /// The subscription is still to be queued (after a CONNACK).
    pub subscribe_pending: bool,
    /// Tells the task that the loss of the connection was seen.
    loss_seen: Arc<Notify>,
    task: JoinHandle<()>,
}

impl Link {
    /// Starts the task polling `connection`'s event loop, reporting to `tx`.
    pub fn start(
        side: Side,
        connection: Connection,
        protocol: Protocol,
        max_reconnects: Option<u32>,
        subscription: Option<Subscription>,
        tx: mpsc::Sender<(Side, LinkEvent)>,
    ) -> Link {
        let loss_seen = Arc::new(Notify::new());
        let task = tokio::spawn(drive(
            connection.events,
            side,
            max_reconnects,
            tx,
            loss_seen.clone(),
        ));
        Link {
            side,
            client: connection.client,
            protocol,
            connected: true,
            session: 1,
            acks: VecDeque::new(),
            outbox: Outbox::default(),
            subscribe_pending: subscription.is_some(),
            subscription,
            loss_seen,
            task,
        }
    }

    /// The connection is lost: nothing more is handed to it until the next CONNACK, and
    /// the task may reconnect.
    pub fn lost(&mut self) {
        if self.connected {
            self.connected = false;
            self.outbox.lost();
        }
        self.loss_seen.notify_one();
    }

    /// Queues the acknowledgements owed while the request queue has room (none while
    /// disconnected: the broker resends those messages, or they belong to a lost session).
    pub fn flush_acks(&mut self) {
        if !self.connected {
            return;
        }
        while let Some(&(qos, pkid)) = self.acks.front() {
            if self.client.try_ack(qos, pkid).is_err() {
                return;
            }
            self.acks.pop_front();
        }
    }

    /// Queues the subscription if it is due and the request queue has room.
    pub fn flush_subscription(&mut self) {
        let Some(s) = &self.subscription else {
            return;
        };
        if self.subscribe_pending
            && self.connected
            && self
                .client
                .try_subscribe_bridge(&s.filters, s.qos, s.no_local)
                .is_ok()
        {
            self.subscribe_pending = false;
        }
    }

    /// Queues the acknowledgements still owed and a DISCONNECT, and waits (at most a
    /// second) for the task to write it and end.
    pub async fn close(mut self) {
        self.flush_acks();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        if self.connected {
            while self.client.try_disconnect().is_err() && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        if tokio::time::timeout_at(deadline, &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

/// The task of one link: poll, report, back off after a lost connection; ends after our
/// DISCONNECT is written, when the bridge's loop is gone, or when reconnecting ends.
async fn drive(
    mut events: Events,
    side: Side,
    max_reconnects: Option<u32>,
    tx: mpsc::Sender<(Side, LinkEvent)>,
    loss_seen: Arc<Notify>,
) {
    let mut backoff = Backoff::default();
    loop {
        match events.poll().await {
            Ok(Event::DisconnectSent) => return,
            Ok(event) => {
                if matches!(event, Event::ConnAck { .. }) {
                    backoff.reset();
                }
                if tx.send((side, LinkEvent::Event(event))).await.is_err() {
                    return;
                }
            }
            Err(error) => {
                let fatal = conn::is_refusal(&error)
                    || max_reconnects.is_some_and(|max| backoff.attempts >= max);
                let retry_in = (!fatal).then(|| backoff.next_delay());
                let error = if fatal && !conn::is_refusal(&error) {
                    error.context(format!(
                        "{}: connection lost; gave up after {} reconnection attempts",
                        side.flag(),
                        backoff.attempts
                    ))
                } else {
                    error
                };
                if tx
                    .send((side, LinkEvent::Lost { error, retry_in }))
                    .await
                    .is_err()
                {
                    return;
                }
                match retry_in {
                    Some(delay) => {
                        tokio::join!(tokio::time::sleep(delay), loss_seen.notified());
                        events.clean();
                    }
                    None => return,
                }
            }
        }
    }
}

/// Connects one side, failing at once when its broker is unreachable or refuses.
pub async fn connect(side: Side, config: &conn::ConnectConfig) -> Result<Connection> {
    use anyhow::Context;
    conn::connect(config)
        .await
        .with_context(|| format!("{} broker", side.flag()))
}
