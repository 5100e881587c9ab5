//! The bridge's counters, and what it reports to the command while it runs.

use std::time::Duration;

use serde::Serialize;

/// One side of the bridge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The `--from` broker.
    From,
    /// The `--to` broker.
    To,
}

impl Side {
    /// The flag naming the side, for messages.
    pub fn flag(self) -> &'static str {
        match self {
            Side::From => "--from",
            Side::To => "--to",
        }
    }
}

/// The counters of one route: a filter in one direction.
#[derive(Debug, Clone, Serialize)]
pub struct RouteStats {
    /// Where its messages come from.
    pub source: Side,
    /// The filter subscribed to there.
    pub filter: String,
    /// Messages the destination acknowledged (QoS 1/2) or took (QoS 0).
    pub forwarded: u64,
    /// Messages not forwarded: QoS 0 beyond a full queue, or a remap making an invalid topic.
    pub dropped: u64,
}

/// The bridge's counters.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Messages the destination acknowledged (QoS 1/2) or took (QoS 0).
    pub forwarded: u64,
    /// Messages now between the two sides (received, not yet acknowledged by the
    /// destination).
    pub queued: usize,
    /// Messages not forwarded: QoS 0 beyond a full queue, or a remap making an invalid topic.
    pub dropped: u64,
    /// Messages the destination refused (MQTT 5 reason code ≥ 0x80).
    pub refused: u64,
    /// Messages whose MQTT 5 properties an MQTT 3.1.1 destination could not carry.
    pub properties_dropped: u64,
    /// Reconnections, both sides.
    pub reconnects: u64,
    /// Seconds since the bridge started.
    pub elapsed_s: f64,
    /// Per route.
    pub routes: Vec<RouteStats>,
}

/// What the bridge tells the command as it runs.
#[derive(Debug)]
pub enum Report<'a> {
    /// A side is connected (also after a reconnect).
    Connected {
        /// Which.
        side: Side,
        /// Whether its broker resumed the bridge's session.
        session_present: bool,
    },
    /// A source's broker granted its subscriptions: messages flow from now on.
    Subscribed {
        /// Which.
        side: Side,
    },
    /// A side lost its connection; it reconnects after `retry_in`.
    Lost {
        /// Which.
        side: Side,
        /// Why.
        error: String,
        /// The backoff delay.
        retry_in: Duration,
    },
    /// A stop signal: in-flight messages are being finished.
    Stopping,
    /// The counters, every stats interval.
    Counters(&'a Stats),
}
