//! Simulated sensor fleets: what to simulate ([`FleetSpec`]), how values are drawn
//! ([`model`]), how readings become messages ([`payload`]), and the per-device publisher that
//! survives broker restarts ([`device`]).

pub mod device;
pub mod model;
pub mod payload;
pub mod scenario;
pub mod sensor;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rumqttc::QoS;

pub use model::ModelKind;
pub use payload::{PayloadFormat, Reading};
pub use sensor::SensorSpec;

/// One simulated device.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSpec {
    /// Name, used in topics, payloads and the client id.
    pub name: String,
    /// Position in the fleet, from 1 (`{i}`).
    pub index: usize,
    /// Its sensors.
    pub sensors: Vec<SensorSpec>,
    /// Whether it carries its presence: a will of "offline", a retained "online".
    pub status: bool,
}

/// Everything a simulation run needs besides the connection.
#[derive(Debug, Clone)]
pub struct FleetSpec {
    /// The devices.
    pub devices: Vec<DeviceSpec>,
    /// Topic template with `{device}`, `{sensor}`, `{i}`.
    pub topic: String,
    /// Presence topic template with `{device}`, `{i}`.
    pub status_topic: String,
    /// Payload format.
    pub payload: PayloadFormat,
    /// Value model.
    pub model: ModelKind,
    /// QoS of readings.
    pub qos: QoS,
    /// Retain readings.
    pub retain: bool,
    /// Readings per sensor before stopping.
    pub count: Option<u64>,
    /// Seed of every sensor's generator.
    pub seed: u64,
    /// Readings kept per device while the broker is unreachable; the oldest are dropped
    /// (and counted) beyond it.
    pub buffer: usize,
}

/// The topic of sensor `sensor` on `device`.
pub fn topic_for(template: &str, device: &DeviceSpec, sensor: &str) -> String {
    payload::fill(template, |name| match name {
        "device" => device.name.clone(),
        "sensor" => sensor.to_string(),
        "i" => device.index.to_string(),
        _ => String::new(),
    })
}

/// Counters shared by every device of a run.
#[derive(Debug, Default)]
pub struct Stats {
    /// Readings taken.
    pub produced: AtomicU64,
    /// Readings handed to the connection (resends after a lost connection included).
    pub sent: AtomicU64,
    /// QoS 1/2 readings acknowledged by the broker.
    pub acked: AtomicU64,
    /// Readings dropped because a device's buffer was full, or left unsent at the end.
    pub dropped: AtomicU64,
    /// Reconnections after a lost connection.
    pub reconnects: AtomicU64,
    /// Devices connected now.
    pub connected: AtomicU64,
    /// Connections made, reconnections included.
    pub connections: AtomicU64,
}

impl Stats {
    /// Adds one to `counter`.
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// A consistent-enough copy for display.
    pub fn snapshot(&self) -> StatsSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        StatsSnapshot {
            produced: get(&self.produced),
            sent: get(&self.sent),
            acked: get(&self.acked),
            dropped: get(&self.dropped),
            reconnects: get(&self.reconnects),
            connected: get(&self.connected),
            connections: get(&self.connections),
        }
    }
}

/// Plain copy of [`Stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatsSnapshot {
    /// Readings taken.
    pub produced: u64,
    /// Readings handed to the connection.
    pub sent: u64,
    /// QoS 1/2 readings acknowledged.
    pub acked: u64,
    /// Readings dropped.
    pub dropped: u64,
    /// Reconnections.
    pub reconnects: u64,
    /// Devices connected.
    pub connected: u64,
    /// Connections made.
    pub connections: u64,
}

/// How long a stopping device keeps trying to deliver what it holds.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
