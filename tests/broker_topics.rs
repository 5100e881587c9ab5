//! Topic filters, wildcards, `$` topics, SUBSCRIBE/UNSUBSCRIBE (MQTT 3.1.1 §4.7, §3.8-§3.11).

use crate::common::*;
use mqttkit::broker::BrokerConfig;
use rumqttc::mqttbytes::v4::Packet;
use rumqttc::mqttbytes::QoS;
use rumqttc::SubscribeReasonCode;

#[tokio::test]
async fn wildcards_route_as_specified_mqtt_4_7_1() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    let ack = sub
        .subscribe_many(
            3,
            &[
                ("a/+/c", QoS::AtMostOnce),
                ("b/#", QoS::AtMostOnce),
                ("+", QoS::AtMostOnce),
            ],
        )
        .await;
    assert_eq!(ack.return_codes.len(), 3);
    let mut publisher = broker.client("pub").await;
    for topic in [
        "a/b/c",
        "a/b/c/d",
        "a/c",
        "b",
        "b/x/y",
        "top",
        "top/level",
        "/c",
    ] {
        publisher
            .publish(topic, topic.as_bytes(), QoS::AtLeastOnce, false)
            .await;
    }
    let mut got = Vec::new();
    while let Ok(Some(Packet::Publish(p))) = sub.try_recv(QUIET).await {
        got.push(p.topic);
    }
    assert_eq!(
        got,
        ["a/b/c", "b", "b/x/y", "top"],
        "# matches the parent level too"
    );
    broker.stop().await;
}

#[tokio::test]
async fn dollar_topics_not_matched_by_leading_wildcards_mqtt_4_7_2_1() {
    let config = BrokerConfig {
        sys_interval: Some(std::time::Duration::from_millis(100)),
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let mut all = broker.client("all").await;
    all.subscribe("#", QoS::AtMostOnce).await;
    all.subscribe("+/broker/#", QoS::AtMostOnce).await;
    let mut sys = broker.client("sys").await;
    sys.subscribe("$SYS/broker/uptime", QoS::AtMostOnce).await;
    let p = sys.recv_publish().await;
    assert_eq!(p.topic, "$SYS/broker/uptime");
    assert!(String::from_utf8_lossy(&p.payload).ends_with(" seconds"));
    all.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn sys_counters_count_clients_and_messages() {
    let config = BrokerConfig {
        sys_interval: Some(std::time::Duration::from_millis(100)),
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let mut publisher = broker.client("pub").await;
    for _ in 0..3 {
        publisher.publish("x", b"1", QoS::AtLeastOnce, false).await;
    }
    let mut sys = broker.client("sys").await;
    sys.subscribe_many(
        1,
        &[
            ("$SYS/broker/messages/received", QoS::AtMostOnce),
            ("$SYS/broker/clients/connected", QoS::AtMostOnce),
        ],
    )
    .await;
    // Skip the retained values, then read fresh ones.
    let deadline = tokio::time::Instant::now() + WAIT;
    let (mut received, mut connected) = (None, None);
    while received != Some(3) || connected != Some(2) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{received:?} {connected:?}"
        );
        let p = sys.recv_publish().await;
        let value: u64 = String::from_utf8_lossy(&p.payload).parse().unwrap();
        if p.topic.ends_with("received") {
            received = Some(value);
        } else {
            connected = Some(value);
        }
    }
    broker.stop().await;
}

#[tokio::test]
async fn invalid_filter_gets_failure_code_and_others_are_granted_mqtt_3_9_3() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    let ack = sub
        .subscribe_many(
            9,
            &[
                ("ok/#", QoS::AtLeastOnce),
                ("bad/#/x", QoS::AtMostOnce),
                ("a+", QoS::ExactlyOnce),
                ("", QoS::AtMostOnce),
                ("q", QoS::ExactlyOnce),
            ],
        )
        .await;
    assert_eq!(
        ack.return_codes,
        vec![
            SubscribeReasonCode::Success(QoS::AtLeastOnce),
            SubscribeReasonCode::Failure,
            SubscribeReasonCode::Failure,
            SubscribeReasonCode::Failure,
            SubscribeReasonCode::Success(QoS::ExactlyOnce),
        ]
    );
    broker.stop().await;
}

#[tokio::test]
async fn publish_to_a_wildcard_topic_closes_the_connection_mqtt_3_3_2_2() {
    let broker = TestBroker::start().await;
    for topic in ["a/+", "a/#", "#"] {
        let mut c = broker.client("bad").await;
        c.send(publish(topic, b"x", QoS::AtMostOnce, 0, false))
            .await;
        assert_eq!(c.expect_closed().await, vec![], "topic {topic}");
    }
    broker.stop().await;
}

#[tokio::test]
async fn overlapping_subscriptions_deliver_one_copy_at_highest_qos_mqtt_3_3_5() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe_many(
        1,
        &[
            ("o/#", QoS::AtMostOnce),
            ("o/+", QoS::ExactlyOnce),
            ("o/x", QoS::AtLeastOnce),
        ],
    )
    .await;
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("o/x", b"1", QoS::ExactlyOnce, false)
        .await;
    let p = sub.recv_publish().await;
    assert_eq!(p.qos, QoS::ExactlyOnce);
    sub.ack(&p).await;
    sub.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn unsubscribe_stops_delivery_and_is_always_acknowledged_mqtt_3_10_4_5() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("u/#", QoS::AtLeastOnce).await;
    sub.unsubscribe(5, "u/#").await;
    sub.unsubscribe(6, "never/subscribed").await;
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("u/1", b"x", QoS::AtLeastOnce, false)
        .await;
    sub.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn resubscribe_replaces_the_granted_qos_mqtt_3_8_4_3() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("r", QoS::ExactlyOnce).await;
    sub.subscribe("r", QoS::AtMostOnce).await;
    let mut publisher = broker.client("pub").await;
    publisher.publish("r", b"x", QoS::ExactlyOnce, false).await;
    let p = sub.recv_publish().await;
    assert_eq!(p.qos, QoS::AtMostOnce);
    sub.expect_silence().await;
    broker.stop().await;
}
