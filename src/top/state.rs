//! Everything `top` shows, apart from how it is drawn: the topic tree with each topic's
//! recent messages and numbers, presence, the broker panel and the connection's own state.
//! Messages are folded in by [`TopState::fold`] (the network side); the view only reads.

use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

use crate::conn::{Message, PublishProperties};
use crate::presence::Presence;

use super::numeric::{self, Series};
use super::rates;
use super::sys::BrokerPanel;
use super::tree::Tree;

/// One message as kept in a topic's history.
#[derive(Debug, Clone)]
pub struct Record {
    /// When it arrived.
    pub at: SystemTime,
    /// Its payload (a copy: a received payload may share a large read buffer).
    pub payload: Box<[u8]>,
    /// The QoS it was delivered at.
    pub qos: u8,
    /// Its retain flag.
    pub retain: bool,
    /// MQTT 5 properties, when there were any.
    pub properties: Option<Box<PublishProperties>>,
}

/// What is known of one topic.
#[derive(Debug, Clone)]
pub struct TopicData {
    /// The last messages, oldest first (at most the history length).
    pub history: VecDeque<Record>,
    /// When the last one arrived.
    pub last_at: Instant,
    /// The numeric fields seen, by name, each with its last values.
    pub series: Vec<(String, Series)>,
}

impl TopicData {
    /// The last message.
    pub fn last(&self) -> &Record {
        self.history.back().expect("a topic has a message")
    }
}

/// The connection to the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Before the first CONNACK.
    Connecting,
    /// Connected since then.
    Connected(SystemTime),
    /// Lost (or never made) since then; reconnecting.
    Down {
        /// When it went down.
        since: SystemTime,
        /// Why.
        error: String,
        /// Attempts since.
        attempts: u32,
    },
}

/// The connection's state and what it is to.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    /// `host:port` or the WebSocket URL.
    pub endpoint: String,
    /// `MQTT 3.1.1` or `MQTT 5`.
    pub protocol: &'static str,
    /// Up or down.
    pub link: Link,
    /// Connections lost so far.
    pub outages: u32,
}

/// Everything shown.
#[derive(Debug, Clone)]
pub struct TopState {
    /// The topics.
    pub tree: Tree<TopicData>,
    /// Devices, as their status topics say.
    pub presence: Presence,
    /// The broker's `$SYS` figures.
    pub broker: BrokerPanel,
    /// The connection.
    pub conn: ConnInfo,
    /// Messages received (`$SYS` ones included).
    pub total: u64,
    /// A problem to show (a refused subscription, …).
    pub notice: Option<String>,
    history: usize,
    epoch: Instant,
}

impl TopState {
    /// An empty state keeping `history` messages per topic, with `presence` deciding what
    /// presence is, rates measured from `epoch`.
    pub fn new(history: usize, presence: Presence, conn: ConnInfo, epoch: Instant) -> TopState {
        TopState {
            tree: Tree::default(),
            presence,
            broker: BrokerPanel::default(),
            conn,
            total: 0,
            notice: None,
            history: history.max(1),
            epoch,
        }
    }

    /// The rate tick of `now`.
    pub fn tick(&self, now: Instant) -> u64 {
        rates::tick(now.saturating_duration_since(self.epoch))
    }

    /// Messages per second of the node `id` (its topic and everything below) at `now`.
    pub fn rate(&self, id: usize, now: Instant) -> f64 {
        self.tree.node(id).rate.per_second(self.tick(now))
    }

    /// Folds in a message that arrived at `now` (`at` on the wall clock).
    pub fn fold(&mut self, m: &Message, now: Instant, at: SystemTime) {
        self.total += 1;
        if self.broker.apply(&m.topic, &m.payload, now) {
            return;
        }
        self.presence.apply(&m.topic, &m.payload, at);
        let tick = self.tick(now);
        let history = self.history;
        let data = self.tree.record(&m.topic, tick, || TopicData {
            history: VecDeque::with_capacity(history.min(16)),
            last_at: now,
            series: Vec::new(),
        });
        if data.history.len() == history {
            data.history.pop_front();
        }
        data.history.push_back(Record {
            at,
            payload: m.payload.to_vec().into_boxed_slice(),
            qos: m.qos as u8,
            retain: m.retain,
            properties: m
                .properties
                .as_ref()
                .filter(|p| !p.is_empty())
                .map(|p| Box::new(p.clone())),
        });
        data.last_at = now;
        for (name, value) in numeric::extract(&m.payload) {
            if let Some((_, s)) = data.series.iter_mut().find(|(n, _)| *n == name) {
                s.push(value);
            } else if data.series.len() < numeric::MAX_FIELDS {
                let mut s = Series::new(history);
                s.push(value);
                data.series.push((name, s));
            }
        }
    }

    /// The connection came up at `at`.
    pub fn connected(&mut self, at: SystemTime) {
        self.conn.link = Link::Connected(at);
    }

    /// The connection went (or stayed) down at `at` with `error`.
    pub fn down(&mut self, at: SystemTime, error: String) {
        self.conn.link = match &self.conn.link {
            Link::Down {
                since, attempts, ..
            } => Link::Down {
                since: *since,
                error,
                attempts: attempts + 1,
            },
            Link::Connected(_) => {
                self.conn.outages += 1;
                Link::Down {
                    since: at,
                    error,
                    attempts: 0,
                }
            }
            Link::Connecting => Link::Down {
                since: at,
                error,
                attempts: 0,
            },
        };
    }
}

/// A duration as top shows ages: `4s`, `12m`, `3h`, `2d`.
pub fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use rumqttc::QoS;

    fn message(topic: &str, payload: &[u8]) -> Message {
        Message {
            topic: topic.into(),
            payload: Bytes::copy_from_slice(payload),
            qos: QoS::AtLeastOnce,
            retain: false,
            pkid: 1,
            properties: None,
        }
    }

    fn state(history: usize) -> (TopState, Instant) {
        let epoch = Instant::now();
        let conn = ConnInfo {
            endpoint: "127.0.0.1:1883".into(),
            protocol: "MQTT 3.1.1",
            link: Link::Connecting,
            outages: 0,
        };
        (
            TopState::new(history, Presence::status_topics(), conn, epoch),
            epoch,
        )
    }

    #[test]
    fn a_topic_keeps_a_bounded_history_with_qos_retain_and_time() {
        let (mut s, t0) = state(3);
        let at = SystemTime::UNIX_EPOCH;
        for i in 0..5 {
            let mut m = message("a/b", format!("{i}").as_bytes());
            m.retain = i == 4;
            s.fold(&m, t0 + Duration::from_secs(i), at + Duration::from_secs(i));
        }
        let id = s.tree.find("a/b").unwrap();
        let data = s.tree.node(id).data.as_ref().unwrap();
        let kept: Vec<&[u8]> = data.history.iter().map(|r| &*r.payload).collect();
        assert_eq!(kept, [b"2", b"3", b"4"]);
        assert_eq!(s.tree.node(id).count, 5, "the count is not bounded");
        let last = data.last();
        assert_eq!(
            (last.qos, last.retain, last.at),
            (1, true, at + Duration::from_secs(4))
        );
        assert_eq!(data.last_at, t0 + Duration::from_secs(4));
        let series = &data.series[0];
        assert_eq!(series.0, "value");
        assert_eq!(series.1.values().collect::<Vec<_>>(), [2.0, 3.0, 4.0]);
    }

    #[test]
    fn rates_and_counts_roll_up_to_parent_levels() {
        let (mut s, t0) = state(10);
        for i in 0..20 {
            let now = t0 + Duration::from_millis(250 * i);
            s.fold(&message("s/d1/t", b"1"), now, SystemTime::now());
            s.fold(&message("s/d2/t", b"1"), now, SystemTime::now());
        }
        let end = t0 + Duration::from_millis(250 * 19);
        let s_id = s.tree.find("s").unwrap();
        assert_eq!(s.tree.node(s_id).count, 40);
        assert_eq!(s.rate(s_id, end), 8.0, "40 messages in 5 s");
        assert_eq!(s.rate(s.tree.find("s/d1/t").unwrap(), end), 4.0);
        assert_eq!(s.rate(s_id, end + Duration::from_secs(6)), 0.0);
    }

    #[test]
    fn sys_goes_to_the_broker_panel_and_status_to_presence() {
        let (mut s, t0) = state(10);
        let at = SystemTime::UNIX_EPOCH;
        s.fold(&message("$SYS/broker/clients/connected", b"3"), t0, at);
        s.fold(&message("devices/dev-1/status", b"online"), t0, at);
        assert_eq!(s.broker.clients, Some(3));
        assert!(s.tree.find("$SYS").is_none(), "$SYS stays out of the tree");
        assert!(s.tree.find("devices/dev-1/status").is_some());
        assert_eq!(s.presence.devices()["devices/dev-1"].since, at);
        assert_eq!(s.total, 2);
    }

    #[test]
    fn mqtt5_properties_are_kept_when_present() {
        let (mut s, t0) = state(10);
        let mut m = message("a", b"x");
        m.properties = Some(PublishProperties::default());
        s.fold(&m, t0, SystemTime::now());
        m.properties = Some(PublishProperties {
            content_type: Some("text/plain".into()),
            ..PublishProperties::default()
        });
        s.fold(&m, t0, SystemTime::now());
        let data = s
            .tree
            .node(s.tree.find("a").unwrap())
            .data
            .as_ref()
            .unwrap();
        assert!(
            data.history[0].properties.is_none(),
            "none: nothing to show"
        );
        let p = data.history[1].properties.as_ref().unwrap();
        assert_eq!(p.content_type.as_deref(), Some("text/plain"));
    }

    #[test]
    fn the_link_counts_outages_and_attempts() {
        let (mut s, _) = state(1);
        let t = |n| SystemTime::UNIX_EPOCH + Duration::from_secs(n);
        s.down(t(0), "refused".into());
        assert_eq!(s.conn.outages, 0, "never up: not an outage");
        s.connected(t(1));
        s.down(t(2), "reset".into());
        s.down(t(3), "refused".into());
        assert_eq!(
            s.conn.link,
            Link::Down {
                since: t(2),
                error: "refused".into(),
                attempts: 1
            }
        );
        assert_eq!(s.conn.outages, 1);
    }

    #[test]
    fn ages_are_short() {
        let d = Duration::from_secs;
        assert_eq!(short_duration(d(59)), "59s");
        assert_eq!(short_duration(d(61)), "1m");
        assert_eq!(short_duration(d(7200)), "2h");
        assert_eq!(short_duration(d(200_000)), "2d");
    }
}
