//! One simulated device: its own connection, its sensors' schedule, and a bounded buffer that
//! keeps readings while the broker is unreachable.
//!
//! Delivery at QoS 1/2 is at least once across reconnects: a reading leaves the device only
//! when the broker has acknowledged it. Readings handed to the connection but not yet
//! acknowledged when it drops go back to the front of the buffer, in order, unless the broker
//! resumed the session — then rumqttc resends them itself [MQTT-4.4.0-1].

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::{Context, Result};
use bytes::Bytes;
use rumqttc::QoS;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use super::model::Model;
use super::{topic_for, DeviceSpec, FleetSpec, Reading, Stats, DRAIN_TIMEOUT};
use crate::conn::{self, Backoff, Client, ConnectConfig, Event};
use crate::output;
use crate::presence::announce::say_offline;

/// Messages handed to the connection and not yet acknowledged, at most.
const WINDOW: usize = 32;

/// What a queued message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Reading,
    Presence,
}

/// A message on its way to the broker.
#[derive(Debug, Clone)]
struct Outgoing {
    topic: String,
    payload: Bytes,
    qos: QoS,
    retain: bool,
    kind: Kind,
    /// Set once written; QoS 1/2 only.
    pkid: Option<u16>,
}

/// A sensor and its schedule.
struct Sensor {
    name: String,
    unit: String,
    topic: String,
    interval: std::time::Duration,
    model: Model,
    seq: u64,
    next_at: Instant,
}

/// Presence messages of a device that carries its status.
#[derive(Debug, Clone)]
pub struct Presence {
    /// Topic.
    pub topic: String,
    /// Retained while connected.
    pub online: Bytes,
    /// Published before a clean stop (the will carries the same).
    pub offline: Bytes,
}

/// Runs one device until `stop` is cancelled or every sensor reached the count.
pub struct DeviceRun {
    /// The device.
    pub spec: DeviceSpec,
    /// The fleet's settings.
    pub fleet: Arc<FleetSpec>,
    /// This device's connection (client id and will already set).
    pub conn: ConnectConfig,
    /// Presence, when the device carries it.
    pub presence: Option<Presence>,
    /// Shared counters.
    pub stats: Arc<Stats>,
    /// Where to copy each reading, for `--json`.
    pub readings: Option<mpsc::UnboundedSender<Reading>>,
    /// Stops the device (Ctrl-C, `--duration`).
    pub stop: CancellationToken,
}

/// The device's state between events.
struct State {
    buffer: VecDeque<Outgoing>,
    /// Handed to the connection, awaiting PUBACK/PUBCOMP, in order.
    inflight: VecDeque<Outgoing>,
    /// `inflight` of a connection that dropped, until the next CONNACK says whether the broker
    /// kept the session.
    limbo: VecDeque<Outgoing>,
    connected: bool,
    reconnect_at: Option<Instant>,
}

impl DeviceRun {
    /// Runs the device; an error ends it (refused connection, gave up reconnecting).
    pub async fn run(self) -> Result<()> {
        // A device may start before its broker: it keeps trying until stopped.
        let connected = tokio::select! {
            connected = conn::connect_retrying(&self.conn, output::print_warning) => connected,
            () = self.stop.cancelled() => return Ok(()),
        };
        let conn::Connection {
            client, mut events, ..
        } = connected.with_context(|| format!("device {}", self.spec.name))?;
        Stats::bump(&self.stats.connected);
        Stats::bump(&self.stats.connections);
        let mut sensors = self.sensors();
        let mut st = State {
            buffer: VecDeque::new(),
            inflight: VecDeque::new(),
            limbo: VecDeque::new(),
            connected: true,
            reconnect_at: None,
        };
        if let Some(p) = &self.presence {
            st.buffer.push_front(presence(p, p.online.clone()));
        }
        let mut backoff = Backoff::default();
        let mut drain_until: Option<Instant> = None;
        loop {
            if st.connected {
                self.hand_over(&client, &mut st);
            }
            let producing = drain_until.is_none() && sensors.iter().any(|s| !self.done(s));
            let delivered = st.buffer.is_empty() && st.inflight.is_empty() && st.limbo.is_empty();
            if !producing && delivered {
                break;
            }
            if drain_until.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            let next_tick = sensors
                .iter()
                .filter(|s| !self.done(s))
                .map(|s| s.next_at)
                .min();
            let poll_allowed = st.connected || st.reconnect_at.is_none();
            tokio::select! {
                () = self.stop.cancelled(), if drain_until.is_none() => {
                    drain_until = Some(Instant::now() + DRAIN_TIMEOUT);
                }
                () = sleep_until(drain_until.unwrap_or_else(Instant::now)), if drain_until.is_some() => {}
                () = sleep_until(next_tick.unwrap_or_else(Instant::now)), if producing && next_tick.is_some() => {
                    self.produce_due(&mut sensors, &mut st);
                }
                () = sleep_until(st.reconnect_at.unwrap_or_else(Instant::now)), if st.reconnect_at.is_some() => {
                    st.reconnect_at = None;
                }
                event = events.poll(), if poll_allowed => {
                    match event {
                        Ok(event) => self.on_event(event, &mut st, &mut backoff),
                        Err(e) => self.on_error(e, &mut st, &mut backoff)?,
                    }
                }
            }
        }
        let left = (st.buffer.iter().chain(&st.inflight).chain(&st.limbo))
            .filter(|o| o.kind == Kind::Reading)
            .count();
        if left > 0 {
            warn!(
                "device {}: {left} readings not delivered before stopping",
                self.spec.name
            );
            self.stats
                .dropped
                .fetch_add(left as u64, std::sync::atomic::Ordering::Relaxed);
        }
        if st.connected {
            if let Some(p) = &self.presence {
                say_offline(&client, &mut events, &p.topic, p.offline.clone()).await;
            }
            events.disconnect(&client).await;
            self.stats
                .connected
                .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }

    fn sensors(&self) -> Vec<Sensor> {
        let now = Instant::now();
        self.spec
            .sensors
            .iter()
            .map(|s| Sensor {
                name: s.name.clone(),
                unit: s.unit.clone(),
                topic: topic_for(&self.fleet.topic, &self.spec, &s.name),
                interval: s.interval,
                model: Model::new(
                    self.fleet.model,
                    s.min,
                    s.max,
                    self.fleet.seed,
                    &format!("{}/{}", self.spec.name, s.name),
                ),
                seq: 0,
                // The first reading right away, as the classic scripts do.
                next_at: now,
            })
            .collect()
    }

    fn done(&self, s: &Sensor) -> bool {
        self.fleet.count.is_some_and(|c| s.seq >= c)
    }

    /// Takes a reading from every sensor that is due.
    fn produce_due(&self, sensors: &mut [Sensor], st: &mut State) {
        let now = Instant::now();
        for s in sensors.iter_mut() {
            if s.next_at > now || self.done(s) {
                continue;
            }
            // A late tick (e.g. a busy machine) is not caught up with a burst.
            s.next_at = (s.next_at + s.interval).max(now);
            s.seq += 1;
            let reading = Reading {
                device: self.spec.name.clone(),
                index: self.spec.index,
                sensor: s.name.clone(),
                value: s.model.next_value(),
                unit: s.unit.clone(),
                ts: SystemTime::now(),
                seq: s.seq,
            };
            let payload = Bytes::from(self.fleet.payload.render(&reading));
            Stats::bump(&self.stats.produced);
            if let Some(tx) = &self.readings {
                let _ = tx.send(reading);
            }
            if st.buffer.len() >= self.fleet.buffer.max(1) {
                // Oldest first: the newest readings matter most to a live dashboard.
                let oldest = st.buffer.iter().position(|o| o.kind == Kind::Reading);
                if let Some(i) = oldest {
                    st.buffer.remove(i);
                    Stats::bump(&self.stats.dropped);
                }
            }
            st.buffer.push_back(Outgoing {
                topic: s.topic.clone(),
                payload,
                qos: self.fleet.qos,
                retain: self.fleet.retain,
                kind: Kind::Reading,
                pkid: None,
            });
        }
    }

    /// Moves buffered messages to the connection while the window has room.
    fn hand_over(&self, client: &Client, st: &mut State) {
        while st.inflight.len() < WINDOW {
            let Some(o) = st.buffer.pop_front() else {
                break;
            };
            if client
                .try_publish(&o.topic, o.qos, o.retain, o.payload.clone())
                .is_err()
            {
                st.buffer.push_front(o);
                break;
            }
            if o.kind == Kind::Reading {
                Stats::bump(&self.stats.sent);
            }
            if o.qos != QoS::AtMostOnce {
                st.inflight.push_back(o);
            }
        }
    }

    fn on_event(&self, event: Event, st: &mut State, backoff: &mut Backoff) {
        match event {
            Event::ConnAck { session_present } => {
                debug!(
                    "device {}: connected (session present: {session_present})",
                    self.spec.name
                );
                st.connected = true;
                backoff.reset();
                Stats::bump(&self.stats.connected);
                Stats::bump(&self.stats.connections);
                let mut limbo = std::mem::take(&mut st.limbo);
                if session_present {
                    // rumqttc resends these itself.
                    st.inflight.append(&mut limbo);
                } else {
                    for mut o in limbo.into_iter().rev() {
                        o.pkid = None;
                        if o.kind == Kind::Reading {
                            st.buffer.push_front(o);
                        }
                    }
                }
                if let Some(p) = &self.presence {
                    st.buffer.push_front(presence(p, p.online.clone()));
                }
            }
            // A packet id already in flight is rumqttc resending it after a resumed session.
            Event::PublishSent { pkid }
                if pkid != 0 && !st.inflight.iter().any(|o| o.pkid == Some(pkid)) =>
            {
                if let Some(o) = st.inflight.iter_mut().find(|o| o.pkid.is_none()) {
                    o.pkid = Some(pkid);
                }
            }
            Event::Acked { pkid, result } => {
                if let Some(i) = st.inflight.iter().position(|o| o.pkid == Some(pkid)) {
                    let o = st.inflight.remove(i).expect("index from position");
                    match (o.kind, result) {
                        (Kind::Reading, Ok(())) => Stats::bump(&self.stats.acked),
                        (Kind::Reading, Err(reason)) => {
                            warn!(
                                "device {}: the broker refused a reading on {}: {reason}",
                                self.spec.name, o.topic
                            );
                            Stats::bump(&self.stats.dropped);
                        }
                        (Kind::Presence, _) => {}
                    }
                }
            }
            Event::ServerDisconnect(reason) => {
                warn!(
                    "device {}: the broker disconnected: {reason}",
                    self.spec.name
                );
            }
            _ => {}
        }
    }

    fn on_error(&self, e: anyhow::Error, st: &mut State, backoff: &mut Backoff) -> Result<()> {
        if conn::is_refusal(&e) {
            return Err(e.context(format!("device {}", self.spec.name)));
        }
        if st.connected {
            st.connected = false;
            self.stats
                .connected
                .fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            Stats::bump(&self.stats.reconnects);
            st.limbo.append(&mut st.inflight);
        }
        if self
            .conn
            .max_reconnects
            .is_some_and(|max| backoff.attempts >= max)
        {
            return Err(e.context(format!(
                "device {}: connection lost; gave up after {} reconnection attempts",
                self.spec.name, backoff.attempts
            )));
        }
        let delay = backoff.next_delay();
        warn!(
            "device {}: connection lost ({e:#}); reconnecting in {delay:?}",
            self.spec.name
        );
        st.reconnect_at = Some(Instant::now() + delay);
        Ok(())
    }
}

fn presence(p: &Presence, payload: Bytes) -> Outgoing {
    Outgoing {
        topic: p.topic.clone(),
        payload,
        qos: QoS::AtLeastOnce,
        retain: true,
        kind: Kind::Presence,
        pkid: None,
    }
}
