//! Retained messages (MQTT 3.1.1 §3.3.1.3).

use crate::common::*;
use rumqttc::mqttbytes::QoS;

#[tokio::test]
async fn new_subscription_gets_the_last_retained_message_flagged_mqtt_3_3_1_6_and_8() {
    let broker = TestBroker::start().await;
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("r/a", b"first", QoS::AtLeastOnce, true)
        .await;
    publisher
        .publish("r/a", b"second", QoS::AtLeastOnce, true)
        .await;
    publisher
        .publish("r/b", b"other", QoS::AtLeastOnce, true)
        .await;

    let mut sub = broker.client("sub").await;
    sub.subscribe("r/a", QoS::AtLeastOnce).await;
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"second");
    assert!(p.retain, "retained on subscribe carries retain=1");
    assert_eq!(p.qos, QoS::AtLeastOnce);
    sub.ack(&p).await;
    sub.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn live_forwarding_clears_retain_flag_mqtt_3_3_1_9() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("r", QoS::AtMostOnce).await;
    let mut publisher = broker.client("pub").await;
    publisher.publish("r", b"x", QoS::AtLeastOnce, true).await;
    let p = sub.recv_publish().await;
    assert!(!p.retain);
    broker.stop().await;
}

#[tokio::test]
async fn empty_retained_publish_clears_the_topic_mqtt_3_3_1_10_and_11() {
    let broker = TestBroker::start().await;
    let mut publisher = broker.client("pub").await;
    publisher.publish("r", b"x", QoS::AtLeastOnce, true).await;
    let mut live = broker.client("live").await;
    live.subscribe("r", QoS::AtMostOnce).await;
    assert!(live.recv_publish().await.retain);
    publisher.publish("r", b"", QoS::AtLeastOnce, true).await;
    // Current subscribers still receive the empty message.
    let cleared = live.recv_publish().await;
    assert!(cleared.payload.is_empty());

    let mut late = broker.client("late").await;
    late.subscribe("r", QoS::AtMostOnce).await;
    late.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn non_retained_publish_leaves_the_store_alone_mqtt_3_3_1_12() {
    let broker = TestBroker::start().await;
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("r", b"kept", QoS::AtLeastOnce, true)
        .await;
    publisher
        .publish("r", b"passing", QoS::AtLeastOnce, false)
        .await;
    publisher
        .publish("r2", b"never stored", QoS::AtLeastOnce, false)
        .await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("#", QoS::AtMostOnce).await;
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"kept");
    sub.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn wildcard_subscription_gets_every_matching_retained_message_and_again_on_resubscribe_mqtt_3_8_4_3(
) {
    let broker = TestBroker::start().await;
    let mut publisher = broker.client("pub").await;
    for t in ["s/1/t", "s/2/t", "s/2/h", "other"] {
        publisher
            .publish(t, t.as_bytes(), QoS::AtLeastOnce, true)
            .await;
    }
    let mut sub = broker.client("sub").await;
    for _ in 0..2 {
        sub.subscribe("s/+/t", QoS::AtMostOnce).await;
        let mut topics = vec![
            sub.recv_publish().await.topic,
            sub.recv_publish().await.topic,
        ];
        topics.sort();
        assert_eq!(topics, ["s/1/t", "s/2/t"]);
        sub.expect_silence().await;
    }
    broker.stop().await;
}

#[tokio::test]
async fn retained_delivery_is_downgraded_to_granted_qos() {
    let broker = TestBroker::start().await;
    let mut publisher = broker.client("pub").await;
    publisher.publish("r", b"q2", QoS::ExactlyOnce, true).await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("r", QoS::AtLeastOnce).await;
    let p = sub.recv_publish().await;
    assert_eq!(p.qos, QoS::AtLeastOnce);
    assert!(p.retain);
    broker.stop().await;
}
