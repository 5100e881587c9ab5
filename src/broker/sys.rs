//! `$SYS/broker/…`: the broker's counters, published retained at a fixed interval.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use super::packet::{Message, QoS};
use super::Broker;

/// Publishes the counters every `interval` until the broker shuts down.
pub(super) async fn publish_periodically(broker: Arc<Broker>, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = ticker.tick() => publish_once(&broker),
            () = broker.shutdown.cancelled() => return,
        }
    }
}

fn publish_once(broker: &Broker) {
    let stats = &broker.stats;
    let (sessions, retained) = {
        let mut state = broker.state();
        (state.session_count(), state.retained_count())
    };
    let values = [
        ("version", format!("mqttkit {}", env!("CARGO_PKG_VERSION"))),
        (
            "uptime",
            format!("{} seconds", broker.started.elapsed().as_secs()),
        ),
        (
            "clients/connected",
            stats.clients_connected.load(Ordering::Relaxed).to_string(),
        ),
        ("clients/total", sessions.to_string()),
        (
            "clients/connected/mqtt5",
            stats
                .clients_connected_v5
                .load(Ordering::Relaxed)
                .to_string(),
        ),
        (
            "messages/received",
            stats.messages_received.load(Ordering::Relaxed).to_string(),
        ),
        (
            "messages/sent",
            stats.messages_sent.load(Ordering::Relaxed).to_string(),
        ),
        (
            "messages/dropped",
            stats.messages_dropped.load(Ordering::Relaxed).to_string(),
        ),
        ("retained messages/count", retained.to_string()),
    ];
    let mut state = broker.state();
    for (name, value) in values {
        state.publish(&Message {
            topic: format!("$SYS/broker/{name}").into(),
            payload: Bytes::from(value),
            qos: QoS::AtMostOnce,
            retain: true,
            properties: None,
            expiry: None,
            origin: None,
        });
    }
}
