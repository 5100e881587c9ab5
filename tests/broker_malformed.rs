//! Packets whose remaining length does not fit their type: malformed, so the broker closes the
//! connection (3.1.1) or sends DISCONNECT 0x81 first (5) [MQTT-4.8.0-1, MQTT-4.13.1-1].

use crate::common::v5::{self, DisconnectReasonCode, RawV5};
use crate::common::*;
use rumqttc::mqttbytes::v4::Packet;
use rumqttc::mqttbytes::QoS;
use rumqttc::v5::mqttbytes::v5::PingReq;

#[tokio::test]
async fn puback_with_remaining_length_3_closes_at_3_1_1_section_3_4_1() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("t", QoS::AtLeastOnce).await;
    let mut publisher = broker.client("pub").await;
    publisher.publish("t", b"x", QoS::AtLeastOnce, false).await;
    let p = sub.recv_publish().await;
    // PUBACK for it with one byte too many: a v5 reason code has no place in 3.1.1.
    let [hi, lo] = p.pkid.to_be_bytes();
    sub.send_raw(&[0x40, 3, hi, lo, 0]).await;
    assert_eq!(sub.expect_closed().await, vec![]);
    broker.stop().await;
}

#[tokio::test]
async fn pingreq_with_a_body_closes_at_3_1_1_section_3_12_1() {
    let broker = TestBroker::start().await;
    let mut c = broker.client("c").await;
    c.send(Packet::PingReq).await;
    assert_eq!(c.recv().await, Packet::PingResp);
    c.send_raw(&[0xc0, 1, 0]).await;
    assert_eq!(c.expect_closed().await, vec![]);
    broker.stop().await;
}

#[tokio::test]
async fn puback_with_a_reason_code_and_no_properties_is_legal_at_5_section_3_4_2_1() {
    let broker = TestBroker::start().await;
    let mut sub = RawV5::connected(broker.addr, "sub").await;
    sub.subscribe("t", v5::QoS::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "pub").await;
    publisher
        .publish(v5::publish("t", b"x", v5::QoS::AtLeastOnce, 1, None))
        .await;
    let p = sub.recv_publish().await;
    let [hi, lo] = p.pkid.to_be_bytes();
    sub.send_raw(&[0x40, 3, hi, lo, 0]).await;
    sub.send(v5::Packet::PingReq(PingReq)).await;
    assert!(matches!(sub.recv().await, v5::Packet::PingResp(_)));
    broker.stop().await;
}

#[tokio::test]
async fn pingreq_with_a_body_is_malformed_0x81_at_5_section_3_12_1() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "c").await;
    c.send_raw(&[0xc0, 1, 0]).await;
    c.expect_disconnect(DisconnectReasonCode::MalformedPacket)
        .await;
    broker.stop().await;
}
