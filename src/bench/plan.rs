//! What a run is given: the validated plans of `bench pub`/`pubsub`, `bench sub` and `bench
//! conn`, and how their clients connect.

use std::net::IpAddr;
use std::time::Duration;

use super::client::ClientSpec;
use super::template::Template;
use super::timing::SPIN;
use super::Schedule;
use crate::conn::ConnectConfig;

/// How clients connect: shared settings, source addresses and ramp-up.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Connection settings (the client id is replaced per client).
    pub conn: ConnectConfig,
    /// Client id prefix.
    pub prefix: String,
    /// Source addresses, used in turn (`--ifaddr`); empty: the system's choice.
    pub sources: Vec<IpAddr>,
    /// New connections per second (`None`: all at once).
    pub connect_rate: Option<f64>,
}

impl Clients {
    /// The connection of client `i` in `role` ("pub", "sub", "conn").
    pub fn spec(&self, role: &str, i: usize, chunk: usize) -> ClientSpec {
        let mut config = self.conn.clone();
        config.client_id = format!("{}{role}-{i}", self.prefix);
        let source = (!self.sources.is_empty()).then(|| self.sources[i % self.sources.len()]);
        ClientSpec {
            config,
            source,
            chunk,
        }
    }
}

/// A validated publish/subscribe benchmark.
#[derive(Debug, Clone)]
pub struct PubSubPlan {
    /// How the clients connect.
    pub clients: Clients,
    /// Publishing clients.
    pub publishers: usize,
    /// Subscribing clients; each subscribes to every publisher's topic.
    pub subscribers: usize,
    /// Messages/s over all publishers.
    pub rate: f64,
    /// Messages in all (warm-up included), split over the publishers.
    pub count: Option<u64>,
    /// Measured time after the warm-up.
    pub duration: Option<Duration>,
    /// Warm-up, excluded from the figures.
    pub warmup: Duration,
    /// Payload bytes (at least the header).
    pub size: usize,
    /// QoS.
    pub qos: u8,
    /// Retain flag of every publish.
    pub retain: bool,
    /// Topic template.
    pub topic: Template,
    /// Unacknowledged QoS 1/2 messages per publisher.
    pub inflight: usize,
    /// The shortest time between two wake-ups of a publisher.
    pub tick: Duration,
    /// Show progress on stderr.
    pub progress: bool,
}

impl PubSubPlan {
    /// The topic of publisher `i`, whose client id is `client_id`.
    pub fn topic_of(&self, i: usize, client_id: &str) -> String {
        self.topic.expand(i, client_id)
    }

    /// Messages publisher `i` sends (`u64::MAX`: until the time is up).
    pub fn messages_of(&self, i: usize) -> u64 {
        match self.count {
            Some(n) => {
                let p = self.publishers as u64;
                n / p + u64::from((i as u64) < n % p)
            }
            None => u64::MAX,
        }
    }

    /// How early a publisher wakes before a message is due, to spin the rest of the way: up
    /// to [`SPIN`], at most a tenth of the time between two messages of the whole run (so
    /// that spinning costs at most 10% of a core).
    pub fn spin(&self) -> Duration {
        SPIN.min(Duration::try_from_secs_f64(0.1 / self.rate).unwrap_or(SPIN))
    }

    /// The timetable of publisher `i`: the publishers take turns, evenly spaced.
    pub fn schedule_of(&self, i: usize) -> Schedule {
        Schedule {
            offset: Duration::try_from_secs_f64(i as f64 / self.rate).unwrap_or(Schedule::HORIZON),
            rate: self.rate / self.publishers as f64,
        }
    }
}

/// A validated `bench sub`.
#[derive(Debug, Clone)]
pub struct SubPlan {
    /// How the clients connect.
    pub clients: Clients,
    /// Subscribing clients.
    pub subscribers: usize,
    /// The filter.
    pub filter: String,
    /// QoS.
    pub qos: u8,
    /// Stop after this many messages in all.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Show progress on stderr.
    pub progress: bool,
}

/// A validated `bench conn`.
#[derive(Debug, Clone)]
pub struct ConnPlan {
    /// How the clients connect; `connect_rate` is required here.
    pub clients: Clients,
    /// Connections to open.
    pub connections: usize,
    /// Connections opened per second.
    pub rate: f64,
    /// How long to hold them once all are open.
    pub hold: Duration,
    /// Show progress on stderr.
    pub progress: bool,
}
