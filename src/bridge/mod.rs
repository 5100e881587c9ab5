//! `mqttkit bridge`: forwarding the messages of one broker to another, or both ways, with
//! store and forward: a QoS 1/2 message is acknowledged to its source only once the
//! destination has acknowledged it, so a restart of either broker or of the bridge loses
//! nothing the source had acknowledged to its publisher (docs/bridge.md).
//!
//! One module a job: `forward` (what the destination gets for a message: remap, QoS cap,
//! retain, properties), `outbox` (a destination's queue: waiting, in flight, in limbo across
//! a reconnect), `link` (one broker connection, its event loop on its own task, reconnecting
//! with the shared backoff), `stats` (the counters) and `run` (the loop between the two
//! links, shutdown included). Nothing here prints; the command does.

pub mod forward;
pub mod link;
pub mod outbox;
pub mod run;
pub mod stats;

use std::time::Duration;

use rumqttc::QoS;

use crate::conn::ConnectConfig;
use crate::record::remap::Remap;

pub use run::bridge;
pub use stats::{Report, Side, Stats};

/// A validated `bridge` invocation.
#[derive(Debug, Clone)]
pub struct BridgePlan {
    /// The source broker (with `both`, the first of the two).
    pub from: ConnectConfig,
    /// The destination broker.
    pub to: ConnectConfig,
    /// Filters subscribed to on `from` (with `both`, remapped on `to` too).
    pub filters: Vec<String>,
    /// Topic remaps from → to (reversed for to → from).
    pub remaps: Vec<Remap>,
    /// The highest QoS forwarded.
    pub max_qos: QoS,
    /// Forward every message with retain 0.
    pub drop_retain: bool,
    /// Forward to → from as well.
    pub both: bool,
    /// Messages held per destination before QoS 0 ones are dropped.
    pub queue: usize,
    /// How often the counters are reported.
    pub stats_every: Duration,
    /// On a stop signal, how long to wait for what is in flight.
    pub drain: Duration,
}
