//! MQTT 5 SUBSCRIBE options against the bundled broker: No Local, Retain As Published, Retain
//! Handling, shared subscriptions (§4.8.2), SUBACK and UNSUBACK reason codes, and the
//! protocol errors of SUBSCRIBE.

use std::collections::BTreeSet;

use crate::common::v5::{self, *};
use crate::common::*;
use mqttkit::broker::{BrokerConfig, Faults};

/// A filter with every option spelled out.
fn opts(path: &str, qos: QoS, no_local: bool, rap: bool, rh: RetainForwardRule) -> Filter {
    Filter {
        path: path.to_owned(),
        qos,
        nolocal: no_local,
        preserve_retain: rap,
        retain_forward_rule: rh,
    }
}

/// Subscribes with one filter and asserts it was granted.
async fn subscribe_one(c: &mut RawV5, pkid: u16, f: Filter) {
    let qos = f.qos;
    let ack = c.subscribe_with(pkid, vec![f], None).await;
    assert_eq!(ack.return_codes, vec![SubscribeReasonCode::Success(qos)]);
}

/// Publishes a retained message at QoS 1.
async fn publish_retained(c: &mut RawV5, topic: &str, payload: &[u8]) {
    let mut p = v5::publish(topic, payload, QoS::AtLeastOnce, 1, None);
    p.retain = true;
    c.publish(p).await;
}

/// Publishes `n` as payload at QoS 1 (packet id n + 1).
async fn publish_numbered(c: &mut RawV5, topic: &str, n: u16) {
    let m = v5::publish(
        topic,
        n.to_string().as_bytes(),
        QoS::AtLeastOnce,
        n + 1,
        None,
    );
    c.publish(m).await;
}

/// Every PUBLISH that arrives until the broker has been quiet for a while, acknowledged.
async fn collect(c: &mut RawV5) -> Vec<Publish> {
    let mut got = Vec::new();
    loop {
        match c.try_recv(QUIET).await {
            Err(_) => return got,
            Ok(Some(Packet::Publish(p))) => {
                c.ack(&p).await;
                got.push(p);
            }
            Ok(other) => panic!("expected PUBLISH or nothing, got {other:?}"),
        }
    }
}

/// The payloads as strings.
fn payloads(ps: &[Publish]) -> Vec<String> {
    ps.iter()
        .map(|p| String::from_utf8(p.payload.to_vec()).unwrap())
        .collect()
}

/// A SUBSCRIBE built byte by byte: packet id, raw property block, (filter, options byte).
fn raw_subscribe(pkid: u16, properties: &[u8], filters: &[(&str, u8)]) -> Vec<u8> {
    let mut body = pkid.to_be_bytes().to_vec();
    body.push(properties.len() as u8);
    body.extend_from_slice(properties);
    for (f, options) in filters {
        body.extend_from_slice(&(f.len() as u16).to_be_bytes());
        body.extend_from_slice(f.as_bytes());
        body.push(*options);
    }
    assert!(body.len() < 128);
    let mut out = vec![0x82, body.len() as u8];
    out.extend_from_slice(&body);
    out
}

// ---- No Local ----

/// No Local: the session's own messages are not forwarded to it [MQTT-3.8.3-3]; messages of
/// other clients are, and other subscribers get its messages.
#[tokio::test]
async fn no_local_keeps_a_clients_own_messages_from_it_mqtt_3_8_3_3() {
    let broker = TestBroker::start().await;
    let mut me = RawV5::connected(broker.addr, "nl-me").await;
    let never = RetainForwardRule::OnEverySubscribe;
    subscribe_one(
        &mut me,
        1,
        opts("nl/t", QoS::AtMostOnce, true, false, never),
    )
    .await;
    let mut other = RawV5::connected(broker.addr, "nl-other").await;
    other.subscribe("nl/t", QoS::AtMostOnce).await;

    me.publish0("nl/t", b"mine").await;
    assert_eq!(payloads(&collect(&mut other).await), ["mine"]);
    me.expect_silence().await;

    other.publish0("nl/t", b"theirs").await;
    assert_eq!(payloads(&collect(&mut me).await), ["theirs"]);
    assert_eq!(
        payloads(&collect(&mut other).await),
        ["theirs"],
        "without No Local a client gets its own"
    );
    broker.stop().await;
}

// ---- Retain As Published ----

/// Retain As Published 0: RETAIN is cleared on forwarded messages [MQTT-3.3.1-12]; 1: it is
/// kept as published [MQTT-3.3.1-13]. A message published without RETAIN has it cleared
/// either way.
#[tokio::test]
async fn retain_as_published_decides_the_retain_flag_of_forwarded_messages_mqtt_3_3_1_12_13() {
    let broker = TestBroker::start().await;
    let never = RetainForwardRule::Never;
    let mut cleared = RawV5::connected(broker.addr, "rap0").await;
    subscribe_one(
        &mut cleared,
        1,
        opts("rap/t", QoS::AtLeastOnce, false, false, never),
    )
    .await;
    let mut kept = RawV5::connected(broker.addr, "rap1").await;
    let never = RetainForwardRule::Never;
    subscribe_one(
        &mut kept,
        1,
        opts("rap/t", QoS::AtLeastOnce, false, true, never),
    )
    .await;

    let mut publisher = RawV5::connected(broker.addr, "rap-pub").await;
    publish_retained(&mut publisher, "rap/t", b"retained").await;
    publisher
        .publish(v5::publish("rap/t", b"plain", QoS::AtLeastOnce, 2, None))
        .await;

    let flags = |ps: Vec<Publish>| -> Vec<(String, bool)> {
        ps.iter()
            .map(|p| (String::from_utf8(p.payload.to_vec()).unwrap(), p.retain))
            .collect()
    };
    assert_eq!(
        flags(collect(&mut cleared).await),
        [("retained".into(), false), ("plain".into(), false)]
    );
    assert_eq!(
        flags(collect(&mut kept).await),
        [("retained".into(), true), ("plain".into(), false)]
    );
    broker.stop().await;
}

/// Retained messages sent because a subscription was made carry RETAIN 1, whatever Retain
/// As Published says (§3.3.1.3).
#[tokio::test]
async fn retained_messages_at_subscribe_always_have_retain_1() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "rs-pub").await;
    publish_retained(&mut publisher, "rs/t", b"r").await;
    for (i, rap) in [false, true].into_iter().enumerate() {
        let mut c = RawV5::connected(broker.addr, &format!("rs{i}")).await;
        let every = RetainForwardRule::OnEverySubscribe;
        subscribe_one(&mut c, 1, opts("rs/#", QoS::AtLeastOnce, false, rap, every)).await;
        let got = collect(&mut c).await;
        assert_eq!(payloads(&got), ["r"], "Retain As Published {rap}");
        assert!(got[0].retain, "Retain As Published {rap}");
    }
    broker.stop().await;
}

// ---- Retain Handling ----

/// Retain Handling 0: retained messages are sent at every subscribe, a repeated identical
/// one included [MQTT-3.3.1-9].
#[tokio::test]
async fn retain_handling_0_sends_retained_at_every_subscribe_mqtt_3_3_1_9() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "rh0-pub").await;
    publish_retained(&mut publisher, "rh0/t", b"r").await;
    let mut c = RawV5::connected(broker.addr, "rh0").await;
    for pkid in 1..=2 {
        let every = RetainForwardRule::OnEverySubscribe;
        subscribe_one(
            &mut c,
            pkid,
            opts("rh0/#", QoS::AtLeastOnce, false, false, every),
        )
        .await;
        assert_eq!(payloads(&collect(&mut c).await), ["r"], "subscribe {pkid}");
    }
    broker.stop().await;
}

/// Retain Handling 1: retained messages only when the subscription did not exist yet; a
/// second identical SUBSCRIBE gets none [MQTT-3.3.1-10]. After UNSUBSCRIBE it is new again.
#[tokio::test]
async fn retain_handling_1_sends_retained_only_for_a_new_subscription_mqtt_3_3_1_10() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "rh1-pub").await;
    publish_retained(&mut publisher, "rh1/t", b"r").await;
    let mut c = RawV5::connected(broker.addr, "rh1").await;
    let f = || {
        let new = RetainForwardRule::OnNewSubscribe;
        opts("rh1/#", QoS::AtLeastOnce, false, false, new)
    };
    subscribe_one(&mut c, 1, f()).await;
    assert_eq!(payloads(&collect(&mut c).await), ["r"], "new subscription");
    subscribe_one(&mut c, 2, f()).await;
    c.expect_silence().await;

    c.send(Packet::Unsubscribe(Unsubscribe {
        pkid: 3,
        filters: vec!["rh1/#".into()],
        properties: None,
    }))
    .await;
    assert!(matches!(c.recv().await, Packet::UnsubAck(_)));
    subscribe_one(&mut c, 4, f()).await;
    assert_eq!(payloads(&collect(&mut c).await), ["r"], "new again");
    broker.stop().await;
}

/// Retain Handling 2: no retained messages at subscribe [MQTT-3.3.1-11]; live messages
/// still flow.
#[tokio::test]
async fn retain_handling_2_never_sends_retained_at_subscribe_mqtt_3_3_1_11() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "rh2-pub").await;
    publish_retained(&mut publisher, "rh2/t", b"r").await;
    let mut c = RawV5::connected(broker.addr, "rh2").await;
    let never = RetainForwardRule::Never;
    subscribe_one(
        &mut c,
        1,
        opts("rh2/#", QoS::AtLeastOnce, false, false, never),
    )
    .await;
    c.expect_silence().await;
    publisher.publish0("rh2/t", b"live").await;
    assert_eq!(payloads(&collect(&mut c).await), ["live"]);
    broker.stop().await;
}

// ---- shared subscriptions ----

/// `$share/g/…`: each message goes to exactly one member of the group, taking turns
/// (§4.8.2): 10 messages to two members give 5 and 5, alternating; a plain subscriber to the
/// same filter gets all 10, and so does another group's only member.
#[tokio::test]
async fn shared_subscription_gives_each_message_to_one_member_in_turn_mqtt_4_8_2() {
    let broker = TestBroker::start().await;
    let mut m1 = RawV5::connected(broker.addr, "sh-m1").await;
    m1.subscribe("$share/g/sh/#", QoS::AtMostOnce).await;
    let mut m2 = RawV5::connected(broker.addr, "sh-m2").await;
    m2.subscribe("$share/g/sh/#", QoS::AtMostOnce).await;
    let mut plain = RawV5::connected(broker.addr, "sh-plain").await;
    plain.subscribe("sh/#", QoS::AtMostOnce).await;
    let mut other_group = RawV5::connected(broker.addr, "sh-h1").await;
    other_group
        .subscribe("$share/h/sh/#", QoS::AtMostOnce)
        .await;

    let mut publisher = RawV5::connected(broker.addr, "sh-pub").await;
    for i in 0..10u16 {
        publisher
            .publish(v5::publish(
                "sh/x",
                i.to_string().as_bytes(),
                QoS::AtLeastOnce,
                i + 1,
                None,
            ))
            .await;
    }
    let all: Vec<String> = (0..10).map(|i| i.to_string()).collect();
    let (got1, got2) = (
        payloads(&collect(&mut m1).await),
        payloads(&collect(&mut m2).await),
    );
    assert_eq!((got1.len(), got2.len()), (5, 5), "m1 {got1:?}, m2 {got2:?}");
    let union: BTreeSet<&String> = got1.iter().chain(&got2).collect();
    assert_eq!(union.len(), 10, "each message to exactly one member");
    let first_is_m1 = got1.contains(&"0".to_string());
    let evens: Vec<String> = (0..10).step_by(2).map(|i: i32| i.to_string()).collect();
    let odds: Vec<String> = (1..10).step_by(2).map(|i: i32| i.to_string()).collect();
    let (want1, want2) = if first_is_m1 {
        (&evens, &odds)
    } else {
        (&odds, &evens)
    };
    assert_eq!((&got1, &got2), (want1, want2), "round robin");
    assert_eq!(payloads(&collect(&mut plain).await), all, "non-member");
    assert_eq!(
        payloads(&collect(&mut other_group).await),
        all,
        "another group"
    );
    broker.stop().await;
}

/// Retained messages are only sent for a new non-shared subscription (§3.3.1.3, §4.8.2): a
/// shared subscription gets none at subscribe; a plain one does.
#[tokio::test]
async fn shared_subscription_gets_no_retained_messages_at_subscribe() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "shr-pub").await;
    publish_retained(&mut publisher, "shr/t", b"r").await;
    let mut member = RawV5::connected(broker.addr, "shr-m").await;
    member.subscribe("$share/g/shr/#", QoS::AtLeastOnce).await;
    member.expect_silence().await;
    let mut plain = RawV5::connected(broker.addr, "shr-plain").await;
    plain.subscribe("shr/#", QoS::AtLeastOnce).await;
    assert_eq!(payloads(&collect(&mut plain).await), ["r"], "control");
    broker.stop().await;
}

/// No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4]: DISCONNECT 0x82.
#[tokio::test]
async fn no_local_on_a_shared_subscription_is_a_protocol_error_mqtt_3_8_3_4() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "shnl").await;
    let every = RetainForwardRule::OnEverySubscribe;
    let mut s = Subscribe::new(
        opts("$share/g/t", QoS::AtMostOnce, true, false, every),
        None,
    );
    s.pkid = 1;
    c.send(Packet::Subscribe(s)).await;
    c.expect_disconnect(DisconnectReasonCode::ProtocolError)
        .await;
    broker.stop().await;
}

/// A departing member's messages (§4.8.2). What the broker does: a message is given to one
/// member when it is published, and stays in that member's session. While the member is
/// away, new messages go to the members that are online. Its unacknowledged and queued
/// messages are not handed to another member: they are delivered when it reconnects
/// [MQTT-4.8.2-4] (the in-flight one again with DUP), or discarded with its session if that
/// ends first, never sent to another member [MQTT-4.8.2-5] (next test).
#[tokio::test]
async fn departing_member_keeps_its_messages_for_its_return_mqtt_4_8_2_4() {
    let broker = TestBroker::start().await;
    let persistent = ConnectProperties {
        session_expiry_interval: Some(60),
        receive_maximum: Some(1),
        ..Default::default()
    };
    let (mut m1, _) = RawV5::connect_to(
        broker.addr,
        connect_with("dep-m1", true, persistent.clone()),
    )
    .await;
    m1.subscribe("$share/g/dep/t", QoS::AtLeastOnce).await;
    let mut m2 = RawV5::connected(broker.addr, "dep-m2").await;
    m2.subscribe("$share/g/dep/t", QoS::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "dep-pub").await;
    for n in 0..4 {
        publish_numbered(&mut publisher, "dep/t", n).await;
    }
    // m1 (Receive Maximum 1) holds one message unacknowledged and one queued behind it.
    let in_flight = m1.recv_publish().await;
    m1.expect_silence().await;
    let m2_first = payloads(&collect(&mut m2).await);
    assert_eq!(m2_first.len(), 2, "m2 got {m2_first:?}");
    m1.drop_and_wait().await;

    for n in 4..6 {
        publish_numbered(&mut publisher, "dep/t", n).await;
    }
    assert_eq!(
        payloads(&collect(&mut m2).await),
        ["4", "5"],
        "while m1 is away, the online member gets every new message"
    );

    let (mut m1, ack) =
        RawV5::connect_to(broker.addr, connect_with("dep-m1", false, persistent)).await;
    assert!(ack.session_present);
    let back = collect(&mut m1).await;
    assert_eq!(back.len(), 2, "m1 got {:?}", payloads(&back));
    assert!(back[0].dup, "the unacknowledged one again, with DUP");
    assert_eq!(back[0].payload, in_flight.payload);
    let mut every: Vec<String> = m2_first;
    every.extend(payloads(&back));
    every.sort();
    assert_eq!(every, ["0", "1", "2", "3"], "each of the first four once");
    m2.expect_silence().await;
    broker.stop().await;
}

/// A member whose session ends (Session Expiry 0) while it holds messages: they are
/// discarded with the session and not sent to another member [MQTT-4.8.2-5].
#[tokio::test]
async fn ended_members_messages_are_not_sent_to_another_member_mqtt_4_8_2_5() {
    let broker = TestBroker::start().await;
    let window_of_one = ConnectProperties {
        receive_maximum: Some(1),
        ..Default::default()
    };
    let (mut m1, _) =
        RawV5::connect_to(broker.addr, connect_with("end-m1", true, window_of_one)).await;
    m1.subscribe("$share/g/end/t", QoS::AtLeastOnce).await;
    let mut m2 = RawV5::connected(broker.addr, "end-m2").await;
    m2.subscribe("$share/g/end/t", QoS::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "end-pub").await;
    for n in 0..4u16 {
        publisher
            .publish(v5::publish(
                "end/t",
                n.to_string().as_bytes(),
                QoS::AtLeastOnce,
                n + 1,
                None,
            ))
            .await;
    }
    let _unacked = m1.recv_publish().await;
    let m2_got = collect(&mut m2).await;
    assert_eq!(m2_got.len(), 2);
    m1.drop_and_wait().await;
    m2.expect_silence().await;
    publisher
        .publish(v5::publish("end/t", b"after", QoS::AtLeastOnce, 9, None))
        .await;
    assert_eq!(payloads(&collect(&mut m2).await), ["after"]);
    broker.stop().await;
}

/// Share names must be non-empty, without `+` or `#`, and followed by `/` and a filter
/// [MQTT-4.8.2-1, MQTT-4.8.2-2]: SUBACK 0x8F for each bad one, in place.
#[tokio::test]
async fn invalid_share_names_get_0x8f_mqtt_4_8_2_1_2() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "shn").await;
    let filters = [
        "$share/+/a",
        "$share/g",
        "$share//a",
        "$share/g/",
        "$share/g#/a",
        "$share/g/a/#",
    ];
    let ack = c
        .subscribe_with(
            1,
            filters.iter().map(|f| filter(f, QoS::AtMostOnce)).collect(),
            None,
        )
        .await;
    let invalid = SubscribeReasonCode::TopicFilterInvalid;
    assert_eq!(
        ack.return_codes,
        vec![
            invalid,
            invalid,
            invalid,
            invalid,
            invalid,
            SubscribeReasonCode::Success(QoS::AtMostOnce)
        ]
    );
    broker.stop().await;
}

// ---- SUBACK and UNSUBACK reason codes ----

/// SUBACK has one reason code per filter, in order [MQTT-3.9.3-1]: the granted QoS, 0x8F
/// for an invalid filter [MQTT-4.7.1-1], 0x80 for a refused one.
#[tokio::test]
async fn suback_has_a_reason_code_per_filter_in_order_mqtt_3_9_3_1() {
    let broker = TestBroker::start_with(BrokerConfig {
        faults: Faults {
            refuse_subscribe: Some("ref/#".into()),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let mut c = RawV5::connected(broker.addr, "sa").await;
    let ack = c
        .subscribe_with(
            7,
            vec![
                filter("a/b", QoS::AtLeastOnce),
                filter("a/#/b", QoS::AtMostOnce),
                filter("ref/x", QoS::ExactlyOnce),
                filter("c", QoS::ExactlyOnce),
                filter("+/+", QoS::AtMostOnce),
            ],
            None,
        )
        .await;
    assert_eq!(
        ack.return_codes,
        vec![
            SubscribeReasonCode::Success(QoS::AtLeastOnce),
            SubscribeReasonCode::TopicFilterInvalid,
            SubscribeReasonCode::Unspecified,
            SubscribeReasonCode::Success(QoS::ExactlyOnce),
            SubscribeReasonCode::Success(QoS::AtMostOnce),
        ]
    );
    broker.stop().await;
}

/// UNSUBACK has one reason code per filter, in order [MQTT-3.11.3-1]: 0x00 where a
/// subscription was removed, 0x11 where none existed (a second removal in the same packet
/// included); removed subscriptions deliver no more [MQTT-3.10.4-2].
#[tokio::test]
async fn unsuback_has_a_reason_code_per_filter_in_order_mqtt_3_11_3_1() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "ua").await;
    c.subscribe("u/a", QoS::AtMostOnce).await;
    c.subscribe("u/#", QoS::AtMostOnce).await;
    c.send(Packet::Unsubscribe(Unsubscribe {
        pkid: 9,
        filters: vec!["u/a".into(), "u/b".into(), "u/#".into(), "u/a".into()],
        properties: None,
    }))
    .await;
    match c.recv().await {
        Packet::UnsubAck(ack) => {
            assert_eq!(ack.pkid, 9);
            assert_eq!(
                ack.reasons,
                vec![
                    UnsubAckReason::Success,
                    UnsubAckReason::NoSubscriptionExisted,
                    UnsubAckReason::Success,
                    UnsubAckReason::NoSubscriptionExisted,
                ]
            );
        }
        other => panic!("expected UNSUBACK, got {other:?}"),
    }
    let mut publisher = RawV5::connected(broker.addr, "ua-pub").await;
    publisher.publish0("u/a", b"x").await;
    c.expect_silence().await;
    broker.stop().await;
}

// ---- protocol errors of SUBSCRIBE ----

/// Reserved bits 6-7 of the subscription options set: a malformed packet [MQTT-3.8.3-5],
/// DISCONNECT 0x81.
#[tokio::test]
async fn subscribe_with_reserved_option_bits_is_malformed_0x81_mqtt_3_8_3_5() {
    let broker = TestBroker::start().await;
    for (i, options) in [0x40u8, 0x80].into_iter().enumerate() {
        let mut c = RawV5::connected(broker.addr, &format!("rb{i}")).await;
        c.send_raw(&raw_subscribe(1, &[], &[("a", options)])).await;
        c.expect_disconnect(DisconnectReasonCode::MalformedPacket)
            .await;
    }
    broker.stop().await;
}

/// Retain Handling 3 is a Protocol Error (§3.8.3.1): DISCONNECT 0x82.
#[tokio::test]
async fn retain_handling_3_is_a_protocol_error_0x82() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "rh3").await;
    c.send_raw(&raw_subscribe(1, &[], &[("a", 0x30)])).await;
    c.expect_disconnect(DisconnectReasonCode::ProtocolError)
        .await;
    broker.stop().await;
}

/// A Subscription Identifier of 0 is a Protocol Error (§3.8.2.1.2): DISCONNECT 0x82.
#[tokio::test]
async fn subscription_identifier_0_is_a_protocol_error_0x82() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "sid0").await;
    c.send_raw(&raw_subscribe(1, &[0x0b, 0x00], &[("a", 0x00)]))
        .await;
    c.expect_disconnect(DisconnectReasonCode::ProtocolError)
        .await;
    broker.stop().await;
}
