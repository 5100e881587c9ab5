//! MQTT 5 flow control against the bundled broker: the client's Receive Maximum towards it,
//! the broker's own Receive Maximum, and Maximum Packet Size both ways.
//!
//! Where mosquitto 2.0.11 is known to depart from the specification the test says so in its
//! name (`..._mosquitto_departure`): the bundled broker is shown right.

use std::sync::atomic::Ordering;

use crate::common::v5::{self, *};
use crate::common::*;
use bytes::BytesMut;
use mqttkit::broker::BrokerConfig;

/// A client connected with these CONNECT properties.
async fn connect_props(broker: &TestBroker, id: &str, properties: ConnectProperties) -> RawV5 {
    let (c, ack) = RawV5::connect_to(broker.addr, connect_with(id, true, properties)).await;
    assert_eq!(ack.code, ConnectReturnCode::Success, "CONNACK for {id}");
    c
}

/// The size on the wire of a packet.
fn wire_size(packet: Packet) -> usize {
    let mut out = BytesMut::new();
    packet.write(&mut out, None).unwrap();
    out.len()
}

/// The broker never has more unacknowledged QoS 1 messages out to a client than the
/// client's Receive Maximum [MQTT-3.3.4-9]: with 3 and ten messages waiting, three arrive;
/// each PUBACK lets exactly one more through.
#[tokio::test]
async fn clients_receive_maximum_is_never_exceeded_mqtt_3_3_4_9() {
    let broker = TestBroker::start().await;
    let mut sub = connect_props(
        &broker,
        "rm-sub",
        ConnectProperties {
            receive_maximum: Some(3),
            ..Default::default()
        },
    )
    .await;
    sub.subscribe("rm/t", QoS::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "rm-pub").await;
    for i in 0..10u16 {
        let reason = publisher
            .publish(v5::publish(
                "rm/t",
                i.to_string().as_bytes(),
                QoS::AtLeastOnce,
                i + 1,
                None,
            ))
            .await;
        assert_eq!(reason, PubAckReason::Success);
    }
    let mut received = Vec::new();
    for _ in 0..3 {
        received.push(sub.recv_publish().await);
    }
    sub.expect_silence().await;
    for i in 0..10 {
        let p = received[i].clone();
        sub.ack(&p).await;
        if i + 3 < 10 {
            received.push(sub.recv_publish().await);
        }
        sub.expect_silence().await;
    }
    let payloads: Vec<String> = received
        .iter()
        .map(|p| String::from_utf8(p.payload.to_vec()).unwrap())
        .collect();
    let expected: Vec<String> = (0..10).map(|i| i.to_string()).collect();
    assert_eq!(payloads, expected, "all ten, in order");
    broker.stop().await;
}

/// For QoS 2 the send quota comes back with PUBCOMP, not with PUBREC (§4.9): with a Receive
/// Maximum of 1 the second message waits until the first one's PUBCOMP.
#[tokio::test]
async fn qos2_message_holds_the_receive_maximum_until_pubcomp_mqtt_3_3_4_9() {
    let broker = TestBroker::start().await;
    let mut sub = connect_props(
        &broker,
        "rm2-sub",
        ConnectProperties {
            receive_maximum: Some(1),
            ..Default::default()
        },
    )
    .await;
    sub.subscribe("rm2/t", QoS::ExactlyOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "rm2-pub").await;
    for pkid in 1..=2u16 {
        publisher
            .publish(v5::publish("rm2/t", b"m", QoS::ExactlyOnce, pkid, None))
            .await;
    }
    let first = sub.recv_publish().await;
    sub.expect_silence().await;
    sub.send(Packet::PubRec(PubRec::new(first.pkid, None)))
        .await;
    match sub.recv().await {
        Packet::PubRel(rel) => assert_eq!(rel.pkid, first.pkid),
        other => panic!("expected PUBREL, got {other:?}"),
    }
    sub.expect_silence().await;
    sub.send(Packet::PubComp(PubComp::new(first.pkid, None)))
        .await;
    let second = sub.recv_publish().await;
    assert_ne!(second.pkid, first.pkid);
    broker.stop().await;
}

/// The broker's Receive Maximum (20, announced in CONNACK) counts QoS 2 messages received and
/// not yet released: 20 are fine, the 21st is answered with DISCONNECT 0x93 Receive Maximum
/// exceeded [MQTT-3.3.4-7] (§3.3.4). mosquitto 2.0.11 accepts it instead.
#[tokio::test]
async fn qos2_publish_past_the_brokers_receive_maximum_gets_0x93_mqtt_3_3_4_7_mosquitto_departure()
{
    let broker = TestBroker::start().await;
    let (mut c, ack) = RawV5::connect_to(broker.addr, connect("rmx")).await;
    let announced = ack.properties.and_then(|p| p.receive_max);
    assert_eq!(announced, Some(20));
    for pkid in 1..=20u16 {
        c.send(Packet::Publish(v5::publish(
            "rmx/t",
            b"x",
            QoS::ExactlyOnce,
            pkid,
            None,
        )))
        .await;
        match c.recv().await {
            Packet::PubRec(rec) => assert_eq!(rec.pkid, pkid),
            other => panic!("expected PUBREC {pkid}, got {other:?}"),
        }
    }
    c.send(Packet::Publish(v5::publish(
        "rmx/t",
        b"x",
        QoS::ExactlyOnce,
        21,
        None,
    )))
    .await;
    c.expect_disconnect(DisconnectReasonCode::ReceiveMaximumExceeded)
        .await;
    broker.stop().await;
}

/// Released QoS 2 messages no longer count against the broker's Receive Maximum: with 20
/// unreleased, a PUBREL makes room for exactly one more.
#[tokio::test]
async fn pubrel_makes_room_under_the_brokers_receive_maximum_mqtt_3_3_4_7() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "rmr").await;
    let send_qos2 =
        |pkid: u16| Packet::Publish(v5::publish("rmr/t", b"x", QoS::ExactlyOnce, pkid, None));
    for pkid in 1..=20u16 {
        c.send(send_qos2(pkid)).await;
        assert!(matches!(c.recv().await, Packet::PubRec(_)));
    }
    c.send(Packet::PubRel(PubRel::new(7, None))).await;
    match c.recv().await {
        Packet::PubComp(comp) => assert_eq!(comp.pkid, 7),
        other => panic!("expected PUBCOMP, got {other:?}"),
    }
    c.send(send_qos2(21)).await;
    match c.recv().await {
        Packet::PubRec(rec) => assert_eq!(rec.pkid, 21),
        other => panic!("expected PUBREC 21, got {other:?}"),
    }
    c.send(send_qos2(22)).await;
    c.expect_disconnect(DisconnectReasonCode::ReceiveMaximumExceeded)
        .await;
    broker.stop().await;
}

/// A message larger than the client's Maximum Packet Size is not sent to it
/// [MQTT-3.1.2-24]; it is dropped as if its delivery had completed [MQTT-3.1.2-25] (it takes
/// no place in the client's Receive Maximum of 1) and counted in `messages_dropped`; the
/// messages before and after it arrive. The limit is exact: a PUBLISH of 100 bytes goes to a
/// client allowing 100, one of 101 does not.
#[tokio::test]
async fn message_over_the_clients_maximum_packet_size_is_dropped_for_it_mqtt_3_1_2_24_25() {
    let broker = TestBroker::start().await;
    let mut sub = connect_props(
        &broker,
        "mps-sub",
        ConnectProperties {
            max_packet_size: Some(100),
            receive_maximum: Some(1),
            ..Default::default()
        },
    )
    .await;
    sub.subscribe("mps/t", QoS::AtLeastOnce).await;
    // To the subscriber: 2 fixed header + 7 topic + 2 packet id + 1 property length.
    let fits = [b'a'; 100 - 12];
    let too_big = [b'b'; 101 - 12];
    let dropped_before = broker
        .broker
        .stats()
        .messages_dropped
        .load(Ordering::Relaxed);
    let mut publisher = RawV5::connected(broker.addr, "mps-pub").await;
    for (pkid, payload) in [(1, &fits[..]), (2, &too_big[..]), (3, b"small")] {
        let reason = publisher
            .publish(v5::publish("mps/t", payload, QoS::AtLeastOnce, pkid, None))
            .await;
        assert_eq!(reason, PubAckReason::Success, "publish {pkid}");
    }
    let frame = sub.recv_frame().await;
    assert_eq!(frame.bytes.len(), 100);
    let Packet::Publish(first) = frame.packet else {
        panic!("expected PUBLISH, got {:?}", frame.packet);
    };
    assert_eq!(&first.payload[..], &fits[..]);
    sub.ack(&first).await;
    let next = sub.recv_publish().await;
    assert_eq!(&next.payload[..], b"small", "the oversized one is skipped");
    sub.ack(&next).await;
    sub.expect_silence().await;
    let dropped = broker
        .broker
        .stats()
        .messages_dropped
        .load(Ordering::Relaxed)
        - dropped_before;
    assert_eq!(dropped, 1, "messages_dropped counts the oversized delivery");
    broker.stop().await;
}

/// The broker announces its Maximum Packet Size in CONNACK (§3.2.2.3.6) and a packet larger
/// than it is answered with DISCONNECT 0x95 Packet too large; a packet of exactly that size
/// is accepted.
#[tokio::test]
async fn packet_over_the_brokers_maximum_packet_size_gets_0x95() {
    let broker = TestBroker::start_with(BrokerConfig {
        max_packet_size: 256,
        ..Default::default()
    })
    .await;
    let (mut c, ack) = RawV5::connect_to(broker.addr, connect("big")).await;
    let announced = ack.properties.and_then(|p| p.max_packet_size);
    assert_eq!(announced, Some(256));
    let at_most = |len: usize, pkid: u16| {
        let payload = vec![b'x'; len];
        v5::publish("big/t", &payload, QoS::AtLeastOnce, pkid, None)
    };
    let overhead = wire_size(Packet::Publish(at_most(200, 1))) - 200;
    let exact = at_most(256 - overhead, 1);
    assert_eq!(wire_size(Packet::Publish(exact.clone())), 256);
    let reason = c.publish(exact).await;
    assert_eq!(
        reason,
        PubAckReason::NoMatchingSubscribers,
        "256 bytes accepted"
    );
    let over = at_most(257 - overhead, 2);
    assert_eq!(wire_size(Packet::Publish(over.clone())), 257);
    c.send(Packet::Publish(over)).await;
    c.expect_disconnect(DisconnectReasonCode::PacketTooLarge)
        .await;
    broker.stop().await;
}
