//! Malformed input and limits: the offending connection is closed, everyone else is served
//! (MQTT 3.1.1 §4.8, §1.5.3, §2.2).

use crate::common::*;
use mqttkit::broker::BrokerConfig;
use rumqttc::mqttbytes::QoS;

/// Sends `bytes` after a valid CONNECT and asserts that the broker closes that connection
/// while a bystander keeps receiving messages.
async fn assert_rejected(broker: &TestBroker, what: &str, bytes: &[u8]) {
    let mut bystander = broker.client("bystander").await;
    bystander.subscribe("alive", QoS::AtLeastOnce).await;

    let mut bad = broker.client("bad").await;
    bad.send_raw(bytes).await;
    let seen = bad.expect_closed().await;
    assert!(seen.is_empty(), "{what}: broker answered {seen:?}");

    let mut other = broker.client("other").await;
    other
        .publish("alive", what.as_bytes(), QoS::AtLeastOnce, false)
        .await;
    let p = bystander.recv_publish().await;
    assert_eq!(&p.payload[..], what.as_bytes());
    bystander.ack(&p).await;
    bystander.disconnect().await;
    other.disconnect().await;
}

#[tokio::test]
async fn malformed_packets_close_only_their_connection_mqtt_4_8_0_1() {
    let broker = TestBroker::start().await;
    let cases: &[(&str, &[u8])] = &[
        (
            "remaining length of five bytes",
            &[0x30, 0xff, 0xff, 0xff, 0xff, 0x7f],
        ),
        (
            "topic length beyond the packet",
            &[0x30, 4, 0, 9, b'a', b'b'],
        ),
        ("reserved packet type 0", &[0x00, 0]),
        ("reserved packet type 15", &[0xf0, 0]),
        ("PUBREL with wrong flags", &[0x60, 2, 0, 1]),
        (
            "SUBSCRIBE with wrong flags",
            &[0x80, 6, 0, 1, 0, 1, b'a', 0],
        ),
        ("SUBSCRIBE without filters", &[0x82, 2, 0, 1]),
        ("SUBSCRIBE with QoS 3", &[0x82, 6, 0, 1, 0, 1, b'a', 3]),
        ("PUBLISH with QoS 3", &[0x36, 5, 0, 1, b'a', 0, 1]),
        ("QoS 0 PUBLISH with DUP", &[0x38, 4, 0, 1, b'a', b'x']),
        (
            "QoS 1 PUBLISH with packet id 0",
            &[0x32, 5, 0, 1, b'a', 0, 0],
        ),
        ("invalid UTF-8 in topic", &[0x30, 5, 0, 2, 0xc3, 0x28, b'x']),
        ("U+0000 in topic", &[0x30, 5, 0, 2, b'a', 0, b'x']),
        ("PUBLISH with empty topic", &[0x30, 3, 0, 0, b'x']),
        ("server-only packet CONNACK", &[0x20, 2, 0, 0]),
        ("server-only packet SUBACK", &[0x90, 3, 0, 1, 0]),
        ("UNSUBSCRIBE without filters", &[0xa2, 2, 0, 1]),
        // [MQTT-2.3.1-1]: SUBSCRIBE and UNSUBSCRIBE carry a non-zero packet id.
        (
            "SUBSCRIBE with packet id 0",
            &[0x82, 6, 0, 0, 0, 1, b'a', 0],
        ),
        ("UNSUBSCRIBE with packet id 0", &[0xa2, 5, 0, 0, 0, 1, b'a']),
    ];
    for (what, bytes) in cases {
        assert_rejected(&broker, what, bytes).await;
    }
    broker.stop().await;
}

#[tokio::test]
async fn packet_cut_off_by_end_of_stream_closes_and_publishes_will() {
    let broker = TestBroker::start().await;
    let mut watcher = broker.client("watcher").await;
    watcher.subscribe("will", QoS::AtMostOnce).await;
    let mut c = RawClient::open(broker.addr).await;
    c.connect(connect_with_will(
        "cut",
        "will",
        "cut off",
        QoS::AtMostOnce,
        false,
    ))
    .await;
    c.send_raw(&[0x30, 10, 0, 5, b'a']).await; // announces 10 bytes, sends 3
    c.shutdown_write().await;
    assert_eq!(c.expect_closed().await, vec![]);
    assert_eq!(&watcher.recv_publish().await.payload[..], b"cut off");
    broker.stop().await;
}

#[tokio::test]
async fn oversize_packet_closes_the_connection_only() {
    let config = BrokerConfig {
        max_packet_size: 1024,
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let mut big = vec![0x30, 0x80, 0x10, 0, 1, b't']; // remaining length 2048
    big.extend(vec![b'x'; 2045]);
    assert_rejected(&broker, "oversize", &big).await;
    broker.stop().await;
}

#[tokio::test]
async fn large_payload_round_trips_with_default_limit() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("big", QoS::AtLeastOnce).await;
    let payload: Vec<u8> = (0..5_000_000u32).map(|i| (i % 251) as u8).collect();
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("big", &payload, QoS::AtLeastOnce, false)
        .await;
    let p = sub.recv_publish().await;
    assert_eq!(p.payload.len(), payload.len());
    assert!(p.payload[..] == payload[..]);
    broker.stop().await;
}

#[tokio::test]
async fn connection_limit_refuses_extra_connections_with_server_unavailable() {
    let config = BrokerConfig {
        max_connections: 2,
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let _a = broker.client("a").await;
    let _b = broker.client("b").await;
    let mut c = RawClient::open(broker.addr).await;
    c.send(rumqttc::mqttbytes::v4::Packet::Connect(connect_packet(
        "c", true, 60,
    )))
    .await;
    // MQTT 5's "quota exceeded", narrowed to the nearest 3.1.1 return code, then the close.
    let seen = c.expect_closed().await;
    match &seen[..] {
        [rumqttc::mqttbytes::v4::Packet::ConnAck(ack)] => {
            assert_eq!(ack.code, rumqttc::ConnectReturnCode::ServiceUnavailable);
            assert!(!ack.session_present);
        }
        other => panic!("expected one CONNACK, got {other:?}"),
    }
    drop(_a);
    // Once a slot frees up, a new client gets in.
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let mut d = RawClient::open(broker.addr).await;
        d.send(rumqttc::mqttbytes::v4::Packet::Connect(connect_packet(
            "d", true, 60,
        )))
        .await;
        match d.try_recv(WAIT).await {
            Ok(Some(_)) => break,
            _ if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await
            }
            other => panic!("no slot freed: {other:?}"),
        }
    }
    broker.stop().await;
}
