//! Persistent and clean sessions (MQTT 3.1.1 §3.1.2.4, §4.1, §4.4).

use crate::common::*;
use mqttkit::broker::BrokerConfig;
use rumqttc::mqttbytes::v4::{Packet, PubAck, PubRec, PubRel};
use rumqttc::mqttbytes::QoS;

#[tokio::test]
async fn persistent_session_keeps_subscriptions_and_queues_qos1_and_2_mqtt_3_1_2_4_and_5() {
    let broker = TestBroker::start().await;
    let mut sub = RawClient::open(broker.addr).await;
    assert!(
        !sub.connect(connect_packet("keeper", false, 60))
            .await
            .session_present
    );
    sub.subscribe("p/#", QoS::ExactlyOnce).await;
    sub.disconnect().await;

    let mut publisher = broker.client("pub").await;
    publisher
        .publish("p/0", b"zero", QoS::AtMostOnce, false)
        .await;
    publisher
        .publish("p/1", b"one", QoS::AtLeastOnce, false)
        .await;
    publisher
        .publish("p/2", b"two", QoS::ExactlyOnce, false)
        .await;

    let mut back = RawClient::open(broker.addr).await;
    let ack = back.connect(connect_packet("keeper", false, 60)).await;
    assert!(ack.session_present, "[MQTT-3.2.2-2]");
    let one = back.recv_publish().await;
    assert_eq!((&one.payload[..], one.qos), (&b"one"[..], QoS::AtLeastOnce));
    back.ack(&one).await;
    let two = back.recv_publish().await;
    assert_eq!((&two.payload[..], two.qos), (&b"two"[..], QoS::ExactlyOnce));
    back.ack(&two).await;
    back.expect_silence().await; // the QoS 0 message was not queued

    // The subscription survived: live messages arrive without subscribing again.
    publisher
        .publish("p/x", b"live", QoS::AtMostOnce, false)
        .await;
    assert_eq!(&back.recv_publish().await.payload[..], b"live");
    broker.stop().await;
}

#[tokio::test]
async fn clean_session_discards_previous_state_mqtt_3_1_2_6() {
    let broker = TestBroker::start().await;
    let mut sub = RawClient::open(broker.addr).await;
    sub.connect(connect_packet("c", false, 60)).await;
    sub.subscribe("t", QoS::AtLeastOnce).await;
    sub.disconnect().await;

    let mut clean = RawClient::open(broker.addr).await;
    assert!(
        !clean
            .connect(connect_packet("c", true, 60))
            .await
            .session_present
    );
    let mut publisher = broker.client("pub").await;
    publisher.publish("t", b"x", QoS::AtLeastOnce, false).await;
    clean.expect_silence().await;
    clean.disconnect().await;

    // And a clean session leaves nothing behind for the next persistent one.
    let mut again = RawClient::open(broker.addr).await;
    assert!(
        !again
            .connect(connect_packet("c", false, 60))
            .await
            .session_present
    );
    broker.stop().await;
}

#[tokio::test]
async fn unacknowledged_messages_are_resent_with_dup_after_reconnect_mqtt_4_4_0_1() {
    let broker = TestBroker::start().await;
    let mut sub = RawClient::open(broker.addr).await;
    sub.connect(connect_packet("s", false, 60)).await;
    sub.subscribe("t/#", QoS::ExactlyOnce).await;
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("t/1", b"q1", QoS::AtLeastOnce, false)
        .await;
    publisher
        .publish("t/2", b"q2", QoS::ExactlyOnce, false)
        .await;
    publisher
        .publish("t/3", b"q2-released", QoS::ExactlyOnce, false)
        .await;
    let q1 = sub.recv_publish().await;
    let q2 = sub.recv_publish().await;
    let q2b = sub.recv_publish().await;
    assert!(!q1.dup && !q2.dup);
    // Receive PUBREL for the third only, then vanish without acknowledging anything else.
    sub.send(Packet::PubRec(PubRec::new(q2b.pkid))).await;
    assert_eq!(sub.recv().await, Packet::PubRel(PubRel::new(q2b.pkid)));
    drop(sub);

    let mut back = RawClient::open(broker.addr).await;
    // The old connection may take a moment to be noticed as gone.
    let ack = back.connect(connect_packet("s", false, 60)).await;
    assert!(ack.session_present);
    let r1 = back.recv_publish().await;
    assert!(r1.dup, "resent PUBLISH has DUP=1 [MQTT-3.3.1-1]");
    assert_eq!((r1.pkid, &r1.payload[..]), (q1.pkid, &b"q1"[..]));
    let r2 = back.recv_publish().await;
    assert!(r2.dup);
    assert_eq!((r2.pkid, &r2.payload[..]), (q2.pkid, &b"q2"[..]));
    assert_eq!(back.recv().await, Packet::PubRel(PubRel::new(q2b.pkid)));
    back.send(Packet::PubAck(PubAck::new(r1.pkid))).await;
    back.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn offline_queue_is_bounded_and_drops_the_oldest() {
    let config = BrokerConfig {
        max_queued: 3,
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let mut sub = RawClient::open(broker.addr).await;
    sub.connect(connect_packet("slow", false, 60)).await;
    sub.subscribe("q", QoS::AtLeastOnce).await;
    sub.disconnect().await;
    let mut publisher = broker.client("pub").await;
    for i in 0..5u8 {
        publisher.publish("q", &[i], QoS::AtLeastOnce, false).await;
    }
    assert_eq!(
        broker
            .broker
            .stats()
            .messages_dropped
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
    let mut back = RawClient::open(broker.addr).await;
    back.connect(connect_packet("slow", false, 60)).await;
    for expected in 2..5u8 {
        let p = back.recv_publish().await;
        assert_eq!(p.payload[0], expected);
        back.ack(&p).await;
    }
    back.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn takeover_of_persistent_session_keeps_its_queue() {
    let broker = TestBroker::start().await;
    let mut first = RawClient::open(broker.addr).await;
    first.connect(connect_packet("dev", false, 60)).await;
    first.subscribe("k", QoS::AtLeastOnce).await;
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("k", b"unacked", QoS::AtLeastOnce, false)
        .await;
    let p = first.recv_publish().await;

    let mut second = RawClient::open(broker.addr).await;
    assert!(
        second
            .connect(connect_packet("dev", false, 60))
            .await
            .session_present
    );
    first.expect_closed().await;
    let again = second.recv_publish().await;
    assert!(again.dup);
    assert_eq!((again.pkid, &again.payload[..]), (p.pkid, &b"unacked"[..]));
    broker.stop().await;
}
