//! CONNECT handling of the bundled broker (MQTT 3.1.1 §3.1, §3.2).

use crate::common::*;
use rumqttc::mqttbytes::v4::{Connect, Packet};
use rumqttc::mqttbytes::QoS;
use rumqttc::ConnectReturnCode;

#[tokio::test]
async fn connack_success_without_session_for_clean_session_mqtt_3_2_2_1() {
    let broker = TestBroker::start().await;
    let mut c = RawClient::open(broker.addr).await;
    let ack = c.connect(connect_packet("c1", true, 60)).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    assert!(!ack.session_present);
    broker.stop().await;
}

#[tokio::test]
async fn first_packet_other_than_connect_closes_mqtt_3_1_0_1() {
    let broker = TestBroker::start().await;
    let mut c = RawClient::open(broker.addr).await;
    c.send(Packet::PingReq).await;
    assert_eq!(c.expect_closed().await, vec![]);
    broker.stop().await;
}

#[tokio::test]
async fn second_connect_is_a_protocol_violation_mqtt_3_1_0_2() {
    let broker = TestBroker::start().await;
    let mut c = broker.client("twice").await;
    c.send(Packet::Connect(Connect::new("twice"))).await;
    assert_eq!(c.expect_closed().await, vec![]);
    broker.stop().await;
}

/// CONNECT for `name`/`level` with an otherwise valid body.
fn connect_bytes(name: &[u8], level: u8) -> Vec<u8> {
    let mut body = vec![0, name.len() as u8];
    body.extend_from_slice(name);
    body.extend_from_slice(&[level, 0x02, 0, 60, 0, 1, b'x']);
    let mut packet = vec![0x10, body.len() as u8];
    packet.extend(body);
    packet
}

#[tokio::test]
async fn mqtt_3_1_levels_get_connack_1_then_close_mqtt_3_1_2_2() {
    let broker = TestBroker::start().await;
    for (name, level) in [(&b"MQIsdp"[..], 3u8), (b"MQTT", 3)] {
        let mut c = RawClient::open(broker.addr).await;
        c.send_raw(&connect_bytes(name, level)).await;
        let seen = c.expect_closed().await;
        assert_eq!(seen.len(), 1, "level {level}: {seen:?}");
        match &seen[0] {
            Packet::ConnAck(ack) => {
                assert_eq!(ack.code, ConnectReturnCode::RefusedProtocolVersion);
                assert!(!ack.session_present, "[MQTT-3.2.2-4]");
            }
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }
    broker.stop().await;
}

#[tokio::test]
async fn unknown_protocol_name_closes_without_connack_mqtt_3_1_2_1() {
    let broker = TestBroker::start().await;
    let mut c = RawClient::open(broker.addr).await;
    c.send_raw(&connect_bytes(b"HTTP", 4)).await;
    assert_eq!(c.expect_closed().await, vec![]);
    broker.stop().await;
}

#[tokio::test]
async fn reserved_connect_flag_closes_mqtt_3_1_2_3() {
    let broker = TestBroker::start().await;
    let mut bytes = connect_bytes(b"MQTT", 4);
    bytes[9] |= 0x01;
    let mut c = RawClient::open(broker.addr).await;
    c.send_raw(&bytes).await;
    assert_eq!(c.expect_closed().await, vec![]);
    broker.stop().await;
}

#[tokio::test]
async fn empty_client_id_with_clean_session_gets_an_id_mqtt_3_1_3_6() {
    let broker = TestBroker::start().await;
    let mut a = RawClient::open(broker.addr).await;
    assert_eq!(
        a.connect(connect_packet("", true, 60)).await.code,
        ConnectReturnCode::Success
    );
    let mut b = RawClient::open(broker.addr).await;
    assert_eq!(
        b.connect(connect_packet("", true, 60)).await.code,
        ConnectReturnCode::Success
    );
    // Two anonymous clients got distinct ids: neither took the other over.
    a.subscribe("x", QoS::AtMostOnce).await;
    b.publish("x", b"hi", QoS::AtMostOnce, false).await;
    assert_eq!(&a.recv_publish().await.payload[..], b"hi");
    broker.stop().await;
}

#[tokio::test]
async fn empty_client_id_without_clean_session_gets_connack_2_mqtt_3_1_3_8() {
    let broker = TestBroker::start().await;
    let mut c = RawClient::open(broker.addr).await;
    c.send(Packet::Connect(connect_packet("", false, 60))).await;
    let seen = c.expect_closed().await;
    match seen.as_slice() {
        [Packet::ConnAck(ack)] => {
            assert_eq!(ack.code, ConnectReturnCode::BadClientId);
            assert!(!ack.session_present);
        }
        other => panic!("expected one CONNACK, got {other:?}"),
    }
    broker.stop().await;
}

#[tokio::test]
async fn same_client_id_takes_over_and_old_will_is_published_mqtt_3_1_4_2() {
    let broker = TestBroker::start().await;
    let mut watcher = broker.client("watcher").await;
    watcher.subscribe("wills/#", QoS::AtLeastOnce).await;

    let mut old = RawClient::open(broker.addr).await;
    old.connect(connect_with_will(
        "dev",
        "wills/dev",
        "gone",
        QoS::AtLeastOnce,
        false,
    ))
    .await;
    let mut new = RawClient::open(broker.addr).await;
    assert_eq!(
        new.connect(Connect::new("dev")).await.code,
        ConnectReturnCode::Success
    );

    assert_eq!(old.expect_closed().await, vec![], "old connection closed");
    let will = watcher.recv_publish().await;
    assert_eq!(will.topic, "wills/dev");
    assert_eq!(&will.payload[..], b"gone");
    // The new connection works.
    new.publish("wills/x", b"still here", QoS::AtMostOnce, false)
        .await;
    watcher.ack(&will).await;
    assert_eq!(&watcher.recv_publish().await.payload[..], b"still here");
    broker.stop().await;
}

#[tokio::test]
async fn connect_timeout_closes_a_silent_connection() {
    let config = mqttkit::broker::BrokerConfig {
        connect_timeout: std::time::Duration::from_millis(200),
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let mut c = RawClient::open(broker.addr).await;
    assert_eq!(c.expect_closed().await, vec![]);
    broker.stop().await;
}

#[tokio::test]
async fn fault_injection_refuses_connect_with_chosen_code() {
    let config = mqttkit::broker::BrokerConfig {
        faults: mqttkit::broker::Faults {
            refuse_connect: Some(3),
            ..Default::default()
        },
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let mut c = RawClient::open(broker.addr).await;
    c.send(Packet::Connect(Connect::new("x"))).await;
    match c.expect_closed().await.as_slice() {
        [Packet::ConnAck(ack)] => assert_eq!(ack.code, ConnectReturnCode::ServiceUnavailable),
        other => panic!("expected CONNACK 3, got {other:?}"),
    }
    broker.stop().await;
}

#[tokio::test]
async fn fault_injection_drops_after_n_packets_and_publishes_will() {
    let config = mqttkit::broker::BrokerConfig {
        faults: mqttkit::broker::Faults {
            drop_after: Some(3),
            ..Default::default()
        },
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let mut watcher = broker.client("watcher").await; // CONNECT = packet 1
    watcher.subscribe("w", QoS::AtMostOnce).await; // packet 2
    let mut c = RawClient::open(broker.addr).await;
    c.connect(connect_with_will(
        "d",
        "w",
        "dropped",
        QoS::AtMostOnce,
        false,
    ))
    .await;
    c.send(Packet::PingReq).await; // 2
    assert_eq!(c.recv().await, Packet::PingResp);
    c.send(Packet::PingReq).await; // 3: dropped after handling
    c.expect_closed().await;
    assert_eq!(&watcher.recv_publish().await.payload[..], b"dropped");
    broker.stop().await;
}
