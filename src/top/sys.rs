//! The broker panel: what a broker says of itself under `$SYS/broker/…` (mosquitto's names,
//! which the bundled broker publishes too), with message rates from successive counters.

use std::time::Instant;

/// A counter the broker publishes, and its rate between the last two publications.
#[derive(Debug, Clone, Default)]
pub struct Counter {
    last: Option<(u64, Instant)>,
    /// Its latest value.
    pub value: Option<u64>,
    /// Per second, between the last two values (`None` until there are two).
    pub rate: Option<f64>,
}

impl Counter {
    fn update(&mut self, value: u64, now: Instant) {
        if let Some((before, at)) = self.last {
            let secs = now.saturating_duration_since(at).as_secs_f64();
            if value < before {
                self.rate = None; // the broker restarted
            } else if secs > 0.0 {
                self.rate = Some((value - before) as f64 / secs);
            }
        }
        self.last = Some((value, now));
        self.value = Some(value);
    }
}

/// What is known of the broker.
#[derive(Debug, Clone, Default)]
pub struct BrokerPanel {
    /// `$SYS/broker/version`.
    pub version: Option<String>,
    /// `$SYS/broker/uptime`, in seconds.
    pub uptime: Option<u64>,
    /// `$SYS/broker/clients/connected`.
    pub clients: Option<u64>,
    /// `$SYS/broker/messages/received`: messages in.
    pub received: Counter,
    /// `$SYS/broker/messages/sent`: messages out.
    pub sent: Counter,
}

impl BrokerPanel {
    /// True once the broker published anything this panel shows.
    pub fn seen(&self) -> bool {
        self.version.is_some()
            || self.uptime.is_some()
            || self.clients.is_some()
            || self.received.value.is_some()
    }

    /// Takes a `$SYS` message; false when `topic` is not a `$SYS` topic (it belongs in the
    /// tree).
    pub fn apply(&mut self, topic: &str, payload: &[u8], now: Instant) -> bool {
        let Some(name) = topic.strip_prefix("$SYS/") else {
            return false;
        };
        let text = String::from_utf8_lossy(payload);
        let text = text.trim();
        // mosquitto: "1234 seconds"; other brokers: a number alone.
        let number = || text.split_whitespace().next()?.parse::<u64>().ok();
        match name {
            "broker/version" => self.version = Some(text.to_owned()),
            "broker/uptime" => self.uptime = number(),
            "broker/clients/connected" | "broker/clients/active" => self.clients = number(),
            "broker/messages/received" => {
                if let Some(v) = number() {
                    self.received.update(v, now);
                }
            }
            "broker/messages/sent" => {
                if let Some(v) = number() {
                    self.sent.update(v, now);
                }
            }
            _ => {}
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn reads_mosquittos_sys_topics_and_rates_from_counters() {
        let mut b = BrokerPanel::default();
        let t0 = Instant::now();
        assert!(!b.seen());
        assert!(b.apply("$SYS/broker/version", b"mosquitto version 2.0.11", t0));
        assert!(b.apply("$SYS/broker/uptime", b"75 seconds", t0));
        assert!(b.apply("$SYS/broker/clients/connected", b"4", t0));
        assert!(b.apply("$SYS/broker/messages/received", b"100", t0));
        assert_eq!(b.received.rate, None, "one value is no rate");
        b.apply(
            "$SYS/broker/messages/received",
            b"150",
            t0 + Duration::from_secs(10),
        );
        assert_eq!(b.received.rate, Some(5.0));
        assert_eq!((b.uptime, b.clients), (Some(75), Some(4)));
        assert_eq!(b.version.as_deref(), Some("mosquitto version 2.0.11"));
        assert!(b.seen());
    }

    #[test]
    fn a_counter_going_down_is_a_restart_not_a_negative_rate() {
        let mut b = BrokerPanel::default();
        let t0 = Instant::now();
        b.apply("$SYS/broker/messages/sent", b"500", t0);
        b.apply(
            "$SYS/broker/messages/sent",
            b"600",
            t0 + Duration::from_secs(1),
        );
        assert_eq!(b.sent.rate, Some(100.0));
        b.apply(
            "$SYS/broker/messages/sent",
            b"3",
            t0 + Duration::from_secs(2),
        );
        assert_eq!((b.sent.rate, b.sent.value), (None, Some(3)));
    }

    #[test]
    fn other_topics_are_not_the_panels() {
        let mut b = BrokerPanel::default();
        assert!(!b.apply("sensors/a", b"1", Instant::now()));
        assert!(b.apply(
            "$SYS/broker/load/bytes/received/1min",
            b"1.5",
            Instant::now()
        ));
        assert!(!b.seen());
    }
}
