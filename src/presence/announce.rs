//! A device going offline cleanly: `status` and every simulated device announce it the same
//! way.

use std::time::Duration;

use bytes::Bytes;
use rumqttc::QoS;

use crate::conn::{Client, Event, Events};

/// How long the final "offline" may take to be acknowledged.
pub const OFFLINE_TIMEOUT: Duration = Duration::from_secs(2);

/// Publishes `offline` retained at QoS 1 on `topic` and waits (at most [`OFFLINE_TIMEOUT`])
/// for its acknowledgement: a clean DISCONNECT discards the will [MQTT-3.14.4-3], so without
/// this the retained state would stay "online". Failures are not reported: the device is
/// going away either way.
pub async fn say_offline(client: &Client, events: &mut Events, topic: &str, offline: Bytes) {
    if client
        .publish(topic, QoS::AtLeastOnce, true, offline, None)
        .await
        .is_err()
    {
        return;
    }
    let _ = tokio::time::timeout(OFFLINE_TIMEOUT, async {
        loop {
            match events.poll().await {
                Ok(Event::Acked { .. }) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
}
