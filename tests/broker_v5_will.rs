//! MQTT 5 wills against the bundled broker: Will Delay Interval and its interplay with the
//! Session Expiry Interval, cancellation by a reconnect, DISCONNECT 0x04 and 0x00, the will's
//! properties and Message Expiry, and a retained will.

use std::time::Duration;

use crate::common::v5::*;
use crate::common::TestBroker;
use bytes::Bytes;

/// A will on `topic` with a Will Delay Interval (none when 0) and no other property.
fn will(topic: &str, payload: &str, delay: u32) -> LastWill {
    let properties = (delay > 0).then(|| LastWillProperties {
        delay_interval: Some(delay),
        payload_format_indicator: None,
        message_expiry_interval: None,
        content_type: None,
        response_topic: None,
        correlation_data: None,
        user_properties: Vec::new(),
    });
    LastWill::new(topic, payload, QoS::AtLeastOnce, false, properties)
}

/// Connects `id` (Clean Start 1) with a Session Expiry Interval and `will`.
async fn with_will(broker: &TestBroker, id: &str, expiry: u32, will: LastWill) -> RawV5 {
    let mut c = RawV5::open(broker.addr).await;
    let ack = c
        .connect(connect_expiry(id, true, expiry), Some(will), None)
        .await;
    assert_eq!(ack.code, ConnectReturnCode::Success, "CONNACK for {id}");
    c
}

/// A client subscribed to `filter` at QoS 1.
async fn watcher(broker: &TestBroker, id: &str, filter: &str) -> RawV5 {
    let mut w = RawV5::connected(broker.addr, id).await;
    w.subscribe(filter, QoS::AtLeastOnce).await;
    w
}

/// Asserts that nothing arrives at `w` for `d`.
async fn nothing_for(w: &mut RawV5, d: Duration) {
    match w.try_recv(d).await {
        Err(_) => {}
        Ok(Some(p)) => panic!("expected nothing for {d:?}, got {p:?}"),
        Ok(None) => panic!("the connection closed"),
    }
}

/// The next packet at `w` within `d`, which must be a PUBLISH.
async fn publish_within(w: &mut RawV5, d: Duration) -> Publish {
    match w.try_recv(d).await {
        Ok(Some(Packet::Publish(p))) => p,
        other => panic!("expected PUBLISH within {d:?}, got {other:?}"),
    }
}

/// With a Will Delay Interval, the will is published when the delay has passed, not before
/// [MQTT-3.1.2-8] (§3.1.3.2.2).
#[tokio::test]
async fn will_is_published_after_its_delay_interval_mqtt_3_1_2_8() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wd-w", "wd/t").await;
    let c = with_will(&broker, "wd", 10, will("wd/t", "gone", 2)).await;
    c.drop_and_wait().await;
    nothing_for(&mut w, Duration::from_secs(1)).await;
    let m = publish_within(&mut w, Duration::from_secs(3)).await;
    assert_eq!(m.topic.as_ref(), b"wd/t");
    assert_eq!(m.payload.as_ref(), b"gone");
    broker.stop().await;
}

/// Will Delay 5 s with Session Expiry 0: the session ends with the connection, and the will
/// goes with the session's end, at once — whichever comes first (§3.1.3.2.2,
/// [MQTT-3.1.2-8]). mosquitto 2.0.11 departs from this: it waits the 5 s.
#[tokio::test]
async fn will_delay_with_session_expiry_0_is_published_at_once_mosquitto_2_0_11_departs_mqtt_3_1_2_8(
) {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wz-w", "wz/t").await;
    let c = with_will(&broker, "wz", 0, will("wz/t", "now", 5)).await;
    c.drop_and_wait().await;
    // Well before the 5 s delay.
    let m = publish_within(&mut w, Duration::from_secs(2)).await;
    assert_eq!(m.payload.as_ref(), b"now");
    broker.stop().await;
}

/// A Will Delay longer than the Session Expiry Interval: the will is published when the
/// session ends (§3.1.3.2.2, [MQTT-3.1.2-8]).
#[tokio::test]
async fn will_delay_longer_than_session_expiry_publishes_at_session_end_mqtt_3_1_2_8() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wl-w", "wl/t").await;
    let c = with_will(&broker, "wl", 1, will("wl/t", "ended", 30)).await;
    c.drop_and_wait().await;
    nothing_for(&mut w, Duration::from_millis(500)).await;
    let m = publish_within(&mut w, Duration::from_secs(3)).await;
    assert_eq!(m.payload.as_ref(), b"ended");
    // The session did end.
    let (_c, ack) = RawV5::connect_to(broker.addr, connect_expiry("wl", false, 1)).await;
    assert!(!ack.session_present);
    broker.stop().await;
}

/// A new connection to the session within the Will Delay Interval: the will is not sent
/// [MQTT-3.1.3-9].
#[tokio::test]
async fn reconnect_within_the_will_delay_cancels_the_will_mqtt_3_1_3_9() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wc-w", "wc/t").await;
    let c = with_will(&broker, "wc", 10, will("wc/t", "cancelled", 1)).await;
    c.drop_and_wait().await;
    let (again, ack) = RawV5::connect_to(broker.addr, connect_expiry("wc", false, 10)).await;
    assert!(ack.session_present);
    // Past the 1 s delay, and past it again after the new connection ends normally.
    nothing_for(&mut w, Duration::from_millis(1500)).await;
    again
        .disconnect_and_wait(DisconnectReasonCode::NormalDisconnection, None)
        .await;
    nothing_for(&mut w, Duration::from_millis(1200)).await;
    broker.stop().await;
}

/// DISCONNECT with reason 0x04 "Disconnect with Will Message": the will is published
/// (§3.14.2.1).
#[tokio::test]
async fn disconnect_0x04_publishes_the_will_mqtt_3_14_2_1() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "w4-w", "w4/t").await;
    let c = with_will(&broker, "w4", 0, will("w4/t", "asked", 0)).await;
    c.disconnect_and_wait(DisconnectReasonCode::DisconnectWithWillMessage, None)
        .await;
    let m = w.recv_publish().await;
    assert_eq!(m.payload.as_ref(), b"asked");
    broker.stop().await;
}

/// DISCONNECT with reason 0x00: the will is discarded, not published [MQTT-3.14.4-3,
/// MQTT-3.1.2-10], also when it had a delay and the session lives on.
#[tokio::test]
async fn disconnect_0x00_discards_the_will_mqtt_3_14_4_3() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "w0-w", "w0/t").await;
    let c = with_will(&broker, "w0", 0, will("w0/t", "no", 0)).await;
    c.disconnect_and_wait(DisconnectReasonCode::NormalDisconnection, None)
        .await;
    let d = with_will(&broker, "w0d", 1, will("w0/t", "no-delayed", 1)).await;
    d.disconnect_and_wait(DisconnectReasonCode::NormalDisconnection, None)
        .await;
    // Past the delay and the session's end.
    nothing_for(&mut w, Duration::from_millis(1500)).await;
    broker.stop().await;
}

/// The will's properties travel with it: user properties in order with duplicates kept
/// [MQTT-3.3.2-18 for PUBLISH; §3.1.3.2], content type, response topic, correlation data,
/// payload format indicator; its Message Expiry Interval is sent as the publication's
/// (§3.1.3.2.4).
#[tokio::test]
async fn will_properties_reach_the_subscriber_mqtt_3_1_3_2() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wp-w", "wp/t").await;
    let user = vec![
        ("k".to_owned(), "1".to_owned()),
        ("dup".to_owned(), "a".to_owned()),
        ("dup".to_owned(), "b".to_owned()),
        ("k".to_owned(), "2".to_owned()),
    ];
    let properties = LastWillProperties {
        delay_interval: None,
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(30),
        content_type: Some("text/plain".into()),
        response_topic: Some("wp/reply".into()),
        correlation_data: Some(Bytes::from_static(b"\x00\x01corr")),
        user_properties: user.clone(),
    };
    let last = LastWill::new("wp/t", "props", QoS::AtLeastOnce, false, Some(properties));
    let c = with_will(&broker, "wp", 0, last).await;
    c.drop_and_wait().await;
    let m = w.recv_publish().await;
    assert_eq!(m.payload.as_ref(), b"props");
    assert_eq!(m.qos, QoS::AtLeastOnce);
    let p = m.properties.clone().expect("PUBLISH properties");
    assert_eq!(p.user_properties, user);
    assert_eq!(p.payload_format_indicator, Some(1));
    assert_eq!(p.content_type.as_deref(), Some("text/plain"));
    assert_eq!(p.response_topic.as_deref(), Some("wp/reply"));
    assert_eq!(p.correlation_data.as_deref(), Some(&b"\x00\x01corr"[..]));
    let left = p.message_expiry_interval.expect("Message Expiry Interval");
    assert!((29..=30).contains(&left), "expiry {left}");
    w.ack(&m).await;
    broker.stop().await;
}

/// The will's Message Expiry Interval starts when the will is published, not at connect or
/// disconnect: a will delayed 2 s with an expiry of 2 s still arrives, with 2 s left
/// (§3.1.3.2.4).
#[tokio::test]
async fn will_message_expiry_starts_when_the_will_is_published_mqtt_3_1_3_2_4() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "we-w", "we/t").await;
    let properties = LastWillProperties {
        delay_interval: Some(2),
        payload_format_indicator: None,
        message_expiry_interval: Some(2),
        content_type: None,
        response_topic: None,
        correlation_data: None,
        user_properties: Vec::new(),
    };
    let last = LastWill::new("we/t", "late", QoS::AtLeastOnce, false, Some(properties));
    let c = with_will(&broker, "we", 10, last).await;
    c.drop_and_wait().await;
    let m = publish_within(&mut w, Duration::from_secs(4)).await;
    assert_eq!(m.payload.as_ref(), b"late");
    let left = m.properties.and_then(|p| p.message_expiry_interval);
    assert_eq!(left, Some(2), "the interval runs from publication");
    broker.stop().await;
}

/// A will with QoS 1 and Will Retain 1 is published as a retained message (§3.1.2.7): a
/// later subscriber gets it with RETAIN 1 at QoS 1.
#[tokio::test]
async fn retained_will_is_stored_as_retained_mqtt_3_1_2_7() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wr-w", "wr/t").await;
    let last = LastWill::new("wr/t", "kept", QoS::AtLeastOnce, true, None);
    let c = with_will(&broker, "wr", 0, last).await;
    c.drop_and_wait().await;
    let live = w.recv_publish().await;
    assert_eq!(live.payload.as_ref(), b"kept");
    w.ack(&live).await;
    let mut later = RawV5::connected(broker.addr, "wr-later").await;
    later.subscribe("wr/t", QoS::AtLeastOnce).await;
    let m = later.recv_publish().await;
    assert_eq!(m.payload.as_ref(), b"kept");
    assert!(m.retain, "sent from the retained store");
    assert_eq!(m.qos, QoS::AtLeastOnce);
    broker.stop().await;
}

/// A session taken over ends its old connection without DISCONNECT from the client: a will
/// without delay is published [MQTT-3.1.4-3, §3.1.2.5]; one with a delay is cancelled by
/// the new connection to the session [MQTT-3.1.3-9].
#[tokio::test]
async fn takeover_publishes_an_undelayed_will_and_cancels_a_delayed_one_mqtt_3_1_4_3() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wt-w", "wt/#").await;

    let mut old = with_will(&broker, "wt0", 10, will("wt/now", "taken", 0)).await;
    let (_new, ack) = RawV5::connect_to(broker.addr, connect_expiry("wt0", false, 10)).await;
    assert!(ack.session_present);
    old.expect_disconnect(DisconnectReasonCode::SessionTakenOver)
        .await;
    let m = w.recv_publish().await;
    assert_eq!(m.payload.as_ref(), b"taken");
    w.ack(&m).await;

    let mut old = with_will(&broker, "wt1", 10, will("wt/later", "never", 1)).await;
    let (_new, ack) = RawV5::connect_to(broker.addr, connect_expiry("wt1", false, 10)).await;
    assert!(ack.session_present);
    old.expect_disconnect(DisconnectReasonCode::SessionTakenOver)
        .await;
    nothing_for(&mut w, Duration::from_millis(1500)).await;
    broker.stop().await;
}

/// Clean Start 1 ends the existing session [MQTT-3.1.2-4]; a will still waiting for its
/// delay goes with the session's end, at once — the delay or the end of the session,
/// whichever is first [MQTT-3.1.2-8]. (A connection with Clean Start 1 is not a connection
/// to *this* session, so [MQTT-3.1.3-9] does not cancel it.)
#[tokio::test]
async fn clean_start_ends_the_session_and_publishes_its_pending_will_mqtt_3_1_2_8() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wn-w", "wn/#").await;
    let c = with_will(&broker, "wn", 60, will("wn/old", "old", 30)).await;
    c.drop_and_wait().await;
    nothing_for(&mut w, Duration::from_millis(300)).await;
    let _new = with_will(&broker, "wn", 60, will("wn/new", "new", 30)).await;
    let m = publish_within(&mut w, Duration::from_secs(2)).await;
    assert_eq!(m.topic.as_ref(), b"wn/old");
    assert_eq!(m.payload.as_ref(), b"old");
    broker.stop().await;
}

/// The timer of an old session's will does not publish the will of a new session of the
/// same client id (started with Clean Start 1) before that will's own delay [MQTT-3.1.2-8].
#[tokio::test]
async fn old_will_delay_does_not_publish_a_new_sessions_will_mqtt_3_1_2_8() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker, "wg-w", "wg/#").await;
    let c = with_will(&broker, "wg", 60, will("wg/old", "old", 1)).await;
    c.drop_and_wait().await;
    let c = with_will(&broker, "wg", 60, will("wg/new", "new", 30)).await;
    c.drop_and_wait().await;
    // The old will goes when its session ends (at the Clean Start), and nothing else: the
    // new will waits for its 30 s.
    let m = publish_within(&mut w, Duration::from_secs(2)).await;
    assert_eq!(m.topic.as_ref(), b"wg/old");
    w.ack(&m).await;
    nothing_for(&mut w, Duration::from_millis(1500)).await;
    broker.stop().await;
}
