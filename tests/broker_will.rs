//! Last Will and Testament, and keep-alive (MQTT 3.1.1 §3.1.2.5, §3.1.2.10).

use std::time::{Duration, Instant};

use crate::common::*;
use rumqttc::mqttbytes::v4::Packet;
use rumqttc::mqttbytes::QoS;

async fn watcher(broker: &TestBroker) -> RawClient {
    let mut w = broker.client("watcher").await;
    w.subscribe("will/#", QoS::ExactlyOnce).await;
    w
}

#[tokio::test]
async fn will_published_when_socket_closes_without_disconnect_mqtt_3_1_2_8() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker).await;
    let mut dev = RawClient::open(broker.addr).await;
    dev.connect(connect_with_will(
        "dev",
        "will/dev",
        "offline",
        QoS::AtLeastOnce,
        false,
    ))
    .await;
    drop(dev);
    let p = w.recv_publish().await;
    assert_eq!(
        (p.topic.as_str(), &p.payload[..]),
        ("will/dev", &b"offline"[..])
    );
    assert_eq!(p.qos, QoS::AtLeastOnce, "will QoS honoured");
    broker.stop().await;
}

#[tokio::test]
async fn no_will_after_disconnect_mqtt_3_1_2_10() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker).await;
    let mut dev = RawClient::open(broker.addr).await;
    dev.connect(connect_with_will(
        "dev",
        "will/dev",
        "offline",
        QoS::AtMostOnce,
        false,
    ))
    .await;
    dev.disconnect().await;
    w.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn will_published_after_protocol_error() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker).await;
    let mut dev = RawClient::open(broker.addr).await;
    dev.connect(connect_with_will(
        "dev",
        "will/dev",
        "broken",
        QoS::AtMostOnce,
        false,
    ))
    .await;
    dev.send_raw(&[0xf0, 0x00]).await; // reserved packet type
    dev.expect_closed().await;
    assert_eq!(&w.recv_publish().await.payload[..], b"broken");
    broker.stop().await;
}

#[tokio::test]
async fn retained_will_is_stored_for_later_subscribers() {
    let broker = TestBroker::start().await;
    let mut dev = RawClient::open(broker.addr).await;
    dev.connect(connect_with_will(
        "dev",
        "will/dev",
        "offline",
        QoS::AtLeastOnce,
        true,
    ))
    .await;
    drop(dev);
    // Give the broker a moment to notice, then a new subscriber gets the retained will.
    let deadline = Instant::now() + WAIT;
    loop {
        let mut late = broker.client("late").await;
        late.subscribe("will/dev", QoS::AtLeastOnce).await;
        match late.try_recv(QUIET).await {
            Ok(Some(Packet::Publish(p))) => {
                assert!(p.retain);
                assert_eq!(&p.payload[..], b"offline");
                break;
            }
            _ if Instant::now() < deadline => late.disconnect().await,
            other => panic!("no retained will: {other:?}"),
        }
    }
    broker.stop().await;
}

#[tokio::test]
async fn keep_alive_expiry_closes_and_publishes_will_mqtt_3_1_2_24() {
    let broker = TestBroker::start().await;
    let mut w = watcher(&broker).await;
    let mut dev = RawClient::open(broker.addr).await;
    let mut connect = connect_with_will("dev", "will/dev", "timeout", QoS::AtMostOnce, false);
    connect.keep_alive = 1;
    dev.connect(connect).await;
    let started = Instant::now();
    dev.expect_closed().await;
    // Closed no earlier than 1.5 × keep-alive (a lower bound only: machines are noisy).
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(&w.recv_publish().await.payload[..], b"timeout");
    broker.stop().await;
}

#[tokio::test]
async fn keep_alive_counts_packets_received_not_sent() {
    let broker = TestBroker::start().await;
    let mut dev = RawClient::open(broker.addr).await;
    dev.connect(connect_packet("dev", true, 1)).await;
    dev.subscribe("flood", QoS::AtMostOnce).await;
    let mut publisher = broker.client("pub").await;
    // The broker keeps sending to `dev`, which sends nothing: it must still time out.
    let flood = tokio::spawn(async move {
        for _ in 0..40 {
            publisher
                .publish("flood", b"x", QoS::AtMostOnce, false)
                .await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut received = 0;
    loop {
        match dev.try_recv(WAIT).await {
            Ok(Some(Packet::Publish(_))) => received += 1,
            Ok(None) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(received > 0);
    flood.abort();
    broker.stop().await;
}

#[tokio::test]
async fn pings_keep_the_connection_alive() {
    let broker = TestBroker::start().await;
    let mut dev = RawClient::open(broker.addr).await;
    dev.connect(connect_packet("dev", true, 1)).await;
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        dev.send(Packet::PingReq).await;
        assert_eq!(dev.recv().await, Packet::PingResp);
    }
    broker.stop().await;
}

#[tokio::test]
async fn keep_alive_zero_disables_the_timeout_mqtt_3_1_2_10() {
    let broker = TestBroker::start().await;
    let mut dev = RawClient::open(broker.addr).await;
    dev.connect(connect_packet("dev", true, 0)).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    dev.send(Packet::PingReq).await;
    assert_eq!(dev.recv().await, Packet::PingResp);
    broker.stop().await;
}
