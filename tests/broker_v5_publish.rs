//! MQTT 5 PUBLISH through the bundled broker: properties passed on unchanged, Message Expiry,
//! topic aliases both ways, Subscription Identifiers, PUBACK/PUBREC reason codes, the
//! protocol errors of PUBLISH, and 3.1.1 and 5 clients on one port.
//!
//! Where mosquitto 2.0.11 is known to depart from the specification the test says so in its
//! name (`..._mosquitto_departure`): the bundled broker is shown right.

use std::time::Duration;

use crate::common::v5::{self, *};
use crate::common::*;

/// Publish properties with nothing set.
fn props() -> PublishProperties {
    PublishProperties::default()
}

/// The topic of a received PUBLISH.
fn topic_of(p: &Publish) -> &str {
    std::str::from_utf8(&p.topic).expect("UTF-8 topic")
}

/// The Subscription Identifiers of a received PUBLISH (none when it has no properties).
fn sub_ids(p: &Publish) -> Vec<usize> {
    p.properties
        .as_ref()
        .map(|pp| pp.subscription_identifiers.clone())
        .unwrap_or_default()
}

/// A client subscribed to `filter` at `qos`.
async fn subscriber(broker: &TestBroker, id: &str, path: &str, qos: QoS) -> RawV5 {
    let mut c = RawV5::connected(broker.addr, id).await;
    c.subscribe(path, qos).await;
    c
}

/// An MQTT 5 User Property as it is on the wire (§2.2.2.2, identifier 0x26).
fn user_property_bytes(key: &str, value: &str) -> Vec<u8> {
    let mut b = vec![0x26];
    for s in [key, value] {
        b.extend_from_slice(&(s.len() as u16).to_be_bytes());
        b.extend_from_slice(s.as_bytes());
    }
    b
}

// ---- properties passed on unchanged ----

/// User Properties are forwarded unaltered and in their order, duplicates kept
/// [MQTT-3.3.2-17, MQTT-3.3.2-18]: the exact bytes of the PUBLISH the subscriber receives.
#[tokio::test]
async fn user_properties_reach_the_subscriber_in_order_with_duplicates_mqtt_3_3_2_17_18() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "up-sub", "up/t", QoS::AtMostOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "up-pub").await;
    let user = [
        ("k", "1"),
        ("k", "2"),
        ("a", ""),
        ("k", "1"),
        ("clé", "välue"),
    ];
    let properties = PublishProperties {
        user_properties: user
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..props()
    };
    publisher
        .publish(v5::publish(
            "up/t",
            b"hi",
            QoS::AtMostOnce,
            0,
            Some(properties),
        ))
        .await;
    let frame = sub.recv_frame().await;
    let block: Vec<u8> = user
        .iter()
        .flat_map(|(k, v)| user_property_bytes(k, v))
        .collect();
    assert!(block.len() < 128, "one-byte property length below");
    let mut body = vec![0x00, 0x04, b'u', b'p', b'/', b't', block.len() as u8];
    body.extend_from_slice(&block);
    body.extend_from_slice(b"hi");
    let mut expected = vec![0x30, body.len() as u8];
    expected.extend_from_slice(&body);
    assert_eq!(frame.bytes, expected, "the PUBLISH as received");
    broker.stop().await;
}

/// Payload Format Indicator, Content Type, Response Topic and Correlation Data reach the
/// subscriber unaltered [MQTT-3.3.2-4, MQTT-3.3.2-20, MQTT-3.3.2-15, MQTT-3.3.2-16].
#[tokio::test]
async fn every_message_property_reaches_the_subscriber_unchanged_mqtt_3_3_2_4_15_16_20() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "mp-sub", "mp/#", QoS::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "mp-pub").await;
    let sent = PublishProperties {
        payload_format_indicator: Some(1),
        content_type: Some("application/json; charset=utf-8".into()),
        response_topic: Some("resp/for/me".into()),
        correlation_data: Some(bytes::Bytes::from_static(&[0, 1, 0xff, 0])),
        user_properties: vec![("z".into(), "last".into()), ("a".into(), "first".into())],
        ..props()
    };
    let reason = publisher
        .publish(v5::publish(
            "mp/json",
            br#"{"x":1}"#,
            QoS::AtLeastOnce,
            1,
            Some(sent.clone()),
        ))
        .await;
    assert_eq!(reason, PubAckReason::Success);
    let p = sub.recv_publish().await;
    sub.ack(&p).await;
    assert_eq!(topic_of(&p), "mp/json");
    assert_eq!(&p.payload[..], br#"{"x":1}"#);
    assert_eq!(p.properties, Some(sent));

    // Payload Format Indicator 0 ("unspecified bytes") is passed on too, and such a payload
    // is not checked.
    let bytes_props = PublishProperties {
        payload_format_indicator: Some(0),
        ..props()
    };
    publisher
        .publish(v5::publish(
            "mp/bin",
            &[0xff, 0xfe],
            QoS::AtLeastOnce,
            2,
            Some(bytes_props.clone()),
        ))
        .await;
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], &[0xff, 0xfe]);
    assert_eq!(p.properties, Some(bytes_props));
    broker.stop().await;
}

// ---- Message Expiry Interval ----

/// A message forwarded at once keeps its Message Expiry Interval (rounded up, nothing has
/// passed in whole seconds) [MQTT-3.3.2-6].
#[tokio::test]
async fn message_expiry_interval_is_passed_on_mqtt_3_3_2_6() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "ex-sub", "ex/t", QoS::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "ex-pub").await;
    let properties = PublishProperties {
        message_expiry_interval: Some(30),
        ..props()
    };
    publisher
        .publish(v5::publish(
            "ex/t",
            b"m",
            QoS::AtLeastOnce,
            1,
            Some(properties),
        ))
        .await;
    let p = sub.recv_publish().await;
    let got = p.properties.and_then(|pp| pp.message_expiry_interval);
    assert_eq!(got, Some(30));
    broker.stop().await;
}

/// A retained message that waited in the broker is sent with its interval less the time it
/// waited [MQTT-3.3.2-6]: published with 10 s, subscribed to 2 s later → 7 or 8 s.
#[tokio::test]
async fn retained_message_expiry_is_reduced_by_the_time_held_mqtt_3_3_2_6() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "rx-pub").await;
    let mut p = v5::publish(
        "rx/t",
        b"kept",
        QoS::AtLeastOnce,
        1,
        Some(PublishProperties {
            message_expiry_interval: Some(10),
            ..props()
        }),
    );
    p.retain = true;
    publisher.publish(p).await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let mut sub = subscriber(&broker, "rx-sub", "rx/t", QoS::AtLeastOnce).await;
    let got = sub.recv_publish().await;
    assert!(got.retain);
    let left = got
        .properties
        .and_then(|pp| pp.message_expiry_interval)
        .expect("Message Expiry Interval");
    assert!((7..=8).contains(&left), "interval left: {left}");
    broker.stop().await;
}

/// A retained message whose Message Expiry Interval has passed is not delivered
/// [MQTT-3.3.2-5]; a retained message without expiry on a neighbouring topic still is.
#[tokio::test]
async fn expired_retained_message_is_not_delivered_mqtt_3_3_2_5() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "rz-pub").await;
    let mut short = v5::publish(
        "rz/short",
        b"gone",
        QoS::AtLeastOnce,
        1,
        Some(PublishProperties {
            message_expiry_interval: Some(1),
            ..props()
        }),
    );
    short.retain = true;
    publisher.publish(short).await;
    let mut kept = v5::publish("rz/kept", b"here", QoS::AtLeastOnce, 2, None);
    kept.retain = true;
    publisher.publish(kept).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let mut sub = subscriber(&broker, "rz-sub", "rz/#", QoS::AtLeastOnce).await;
    let got = sub.recv_publish().await;
    assert_eq!(topic_of(&got), "rz/kept");
    sub.ack(&got).await;
    sub.expect_silence().await;
    broker.stop().await;
}

/// A message that expires in an offline session's queue is not delivered when the client
/// comes back [MQTT-3.3.2-5]; one that has not expired is, with its interval reduced
/// [MQTT-3.3.2-6].
#[tokio::test]
async fn expired_message_in_an_offline_queue_is_not_delivered_mqtt_3_3_2_5() {
    let broker = TestBroker::start().await;
    let session = ConnectProperties {
        session_expiry_interval: Some(60),
        ..Default::default()
    };
    let (mut sub, ack) =
        RawV5::connect_to(broker.addr, connect_with("oq-sub", true, session.clone())).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    sub.subscribe("oq/t", QoS::AtLeastOnce).await;
    // DISCONNECT, then wait for the close: by then the session is offline.
    sub.send(Packet::Disconnect(Disconnect {
        reason_code: DisconnectReasonCode::NormalDisconnection,
        properties: None,
    }))
    .await;
    assert!(sub.expect_closed().await.is_empty());

    let mut publisher = RawV5::connected(broker.addr, "oq-pub").await;
    for (payload, expiry, pkid) in [(&b"short"[..], 1, 1), (&b"long"[..], 30, 2)] {
        let properties = PublishProperties {
            message_expiry_interval: Some(expiry),
            ..props()
        };
        let reason = publisher
            .publish(v5::publish(
                "oq/t",
                payload,
                QoS::AtLeastOnce,
                pkid,
                Some(properties),
            ))
            .await;
        assert_eq!(
            reason,
            PubAckReason::Success,
            "queued for the offline session"
        );
    }
    tokio::time::sleep(Duration::from_millis(2000)).await;

    let (mut sub, ack) =
        RawV5::connect_to(broker.addr, connect_with("oq-sub", false, session)).await;
    assert!(ack.session_present);
    let got = sub.recv_publish().await;
    assert_eq!(&got.payload[..], b"long");
    let left = got
        .properties
        .as_ref()
        .and_then(|pp| pp.message_expiry_interval)
        .expect("Message Expiry Interval");
    assert!((27..=29).contains(&left), "interval left: {left}");
    sub.ack(&got).await;
    sub.expect_silence().await;
    broker.stop().await;
}

// ---- topic aliases from the client ----

/// A Topic Alias set up with a topic name stands for it in later PUBLISH packets with an
/// empty topic [MQTT-3.3.2-12]; an alias may be mapped to another topic; 10, the
/// maximum announced, is accepted.
#[tokio::test]
async fn client_topic_alias_delivers_on_the_topic_it_stands_for_mqtt_3_3_2_12() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "ta-sub", "al/#", QoS::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "ta-pub").await;
    let alias = |a| {
        Some(PublishProperties {
            topic_alias: Some(a),
            ..props()
        })
    };
    let steps = [
        ("al/one", 1, b"1", "al/one"),
        ("", 1, b"2", "al/one"),
        ("al/ten", 10, b"3", "al/ten"),
        ("", 10, b"4", "al/ten"),
        ("al/two", 1, b"5", "al/two"),
        ("", 1, b"6", "al/two"),
    ];
    for (pkid, (topic, a, payload, _)) in (1..).zip(steps) {
        let reason = publisher
            .publish(v5::publish(
                topic,
                payload,
                QoS::AtLeastOnce,
                pkid,
                alias(a),
            ))
            .await;
        assert_eq!(reason, PubAckReason::Success, "publish {pkid}");
    }
    for (_, _, payload, delivered_on) in steps {
        let p = sub.recv_publish().await;
        sub.ack(&p).await;
        assert_eq!(topic_of(&p), delivered_on);
        assert_eq!(&p.payload[..], payload);
        let alias_out = p.properties.and_then(|pp| pp.topic_alias);
        assert_eq!(alias_out, None, "the subscriber allowed no aliases");
    }
    broker.stop().await;
}

/// Topic Alias 0 is not permitted [MQTT-3.3.2-8]: DISCONNECT 0x94 Topic Alias invalid.
#[tokio::test]
async fn topic_alias_zero_is_disconnected_0x94_mqtt_3_3_2_8() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "ta0").await;
    let properties = PublishProperties {
        topic_alias: Some(0),
        ..props()
    };
    c.send(Packet::Publish(v5::publish(
        "a/b",
        b"x",
        QoS::AtMostOnce,
        0,
        Some(properties),
    )))
    .await;
    c.expect_disconnect(DisconnectReasonCode::TopicAliasInvalid)
        .await;
    broker.stop().await;
}

/// A Topic Alias above the Topic Alias Maximum of CONNACK (10) [MQTT-3.3.2-9]: DISCONNECT
/// 0x94 Topic Alias invalid.
#[tokio::test]
async fn topic_alias_above_the_maximum_is_disconnected_0x94_mqtt_3_3_2_9() {
    let broker = TestBroker::start().await;
    let (mut c, ack) = RawV5::connect_to(broker.addr, connect("ta11")).await;
    let max = ack.properties.and_then(|p| p.topic_alias_max);
    assert_eq!(max, Some(10));
    let properties = PublishProperties {
        topic_alias: Some(11),
        ..props()
    };
    c.send(Packet::Publish(v5::publish(
        "a/b",
        b"x",
        QoS::AtMostOnce,
        0,
        Some(properties),
    )))
    .await;
    c.expect_disconnect(DisconnectReasonCode::TopicAliasInvalid)
        .await;
    broker.stop().await;
}

/// An empty topic with an alias that was never set up names no topic (§3.3.2.3.4): a
/// Protocol Error, DISCONNECT 0x82.
#[tokio::test]
async fn unknown_topic_alias_with_empty_topic_is_a_protocol_error_0x82() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "ta-unknown").await;
    let properties = PublishProperties {
        topic_alias: Some(5),
        ..props()
    };
    c.send(Packet::Publish(v5::publish(
        "",
        b"x",
        QoS::AtMostOnce,
        0,
        Some(properties),
    )))
    .await;
    c.expect_disconnect(DisconnectReasonCode::ProtocolError)
        .await;
    broker.stop().await;
}

/// Topic Alias mappings do not carry over to a new connection [MQTT-3.3.2-7]: the alias set
/// up before names nothing after reconnecting (DISCONNECT 0x82).
#[tokio::test]
async fn topic_aliases_do_not_survive_the_connection_mqtt_3_3_2_7() {
    let broker = TestBroker::start().await;
    let session = ConnectProperties {
        session_expiry_interval: Some(60),
        ..Default::default()
    };
    let alias = PublishProperties {
        topic_alias: Some(1),
        ..props()
    };
    let (mut c, _) =
        RawV5::connect_to(broker.addr, connect_with("ta-conn", true, session.clone())).await;
    c.publish(v5::publish(
        "al/x",
        b"1",
        QoS::AtLeastOnce,
        1,
        Some(alias.clone()),
    ))
    .await;
    c.disconnect().await;
    let (mut c, ack) =
        RawV5::connect_to(broker.addr, connect_with("ta-conn", false, session)).await;
    assert!(ack.session_present, "same session, new connection");
    c.send(Packet::Publish(v5::publish(
        "",
        b"2",
        QoS::AtMostOnce,
        0,
        Some(alias),
    )))
    .await;
    c.expect_disconnect(DisconnectReasonCode::ProtocolError)
        .await;
    broker.stop().await;
}

// ---- topic aliases towards the client ----

/// The broker sets up Topic Aliases towards a client that allows them, never above its
/// Topic Alias Maximum [MQTT-3.3.2-11]: the first message on a topic carries the topic and a
/// new alias, later ones an empty topic and the alias; a topic beyond the maximum goes with
/// its name and no alias. mosquitto 2.0.11 never assigns aliases towards clients.
#[tokio::test]
async fn server_assigns_topic_aliases_up_to_the_clients_maximum_mqtt_3_3_2_11_mosquitto_departure()
{
    let broker = TestBroker::start().await;
    let aliases_allowed = ConnectProperties {
        topic_alias_max: Some(2),
        ..Default::default()
    };
    let (mut sub, _) =
        RawV5::connect_to(broker.addr, connect_with("sa-sub", true, aliases_allowed)).await;
    sub.subscribe("sa/#", QoS::AtMostOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "sa-pub").await;
    let sent = ["sa/a", "sa/a", "sa/b", "sa/c", "sa/c", "sa/b", "sa/a"];
    for (i, t) in sent.iter().enumerate() {
        publisher
            .publish(v5::publish(
                t,
                i.to_string().as_bytes(),
                QoS::AtMostOnce,
                0,
                None,
            ))
            .await;
    }
    let expected: [(&str, Option<u16>); 7] = [
        ("sa/a", Some(1)),
        ("", Some(1)),
        ("sa/b", Some(2)),
        ("sa/c", None),
        ("sa/c", None),
        ("", Some(2)),
        ("", Some(1)),
    ];
    for (i, (want_topic, want_alias)) in expected.into_iter().enumerate() {
        let p = sub.recv_publish().await;
        assert_eq!(&p.payload[..], i.to_string().as_bytes(), "message order");
        let alias = p.properties.as_ref().and_then(|pp| pp.topic_alias);
        assert_eq!(
            (topic_of(&p), alias),
            (want_topic, want_alias),
            "message {i} on {}",
            sent[i]
        );
    }
    broker.stop().await;
}

// ---- Subscription Identifiers ----

/// A message matching two overlapping subscriptions of one session arrives once, carrying
/// both Subscription Identifiers [MQTT-3.3.4-3, MQTT-3.3.4-4], at the higher of the granted
/// QoS; a subscription without an identifier adds none. mosquitto 2.0.11 sends one PUBLISH
/// per subscription instead.
#[tokio::test]
async fn overlapping_subscriptions_give_one_publish_with_both_ids_mqtt_3_3_4_4_mosquitto_departure()
{
    let broker = TestBroker::start().await;
    let mut sub = RawV5::connected(broker.addr, "si-sub").await;
    for (pkid, path, qos, id) in [
        (1, "si/#", QoS::AtMostOnce, Some(1)),
        (2, "si/+", QoS::AtLeastOnce, Some(2)),
        (3, "mix/#", QoS::AtLeastOnce, Some(5)),
        (4, "mix/+", QoS::AtLeastOnce, None),
    ] {
        let ack = sub.subscribe_with(pkid, vec![filter(path, qos)], id).await;
        assert_eq!(ack.return_codes, vec![SubscribeReasonCode::Success(qos)]);
    }
    let mut publisher = RawV5::connected(broker.addr, "si-pub").await;
    publisher
        .publish(v5::publish("si/x", b"both", QoS::ExactlyOnce, 1, None))
        .await;
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"both");
    assert_eq!(sub_ids(&p), vec![1, 2]);
    assert_eq!(p.qos, QoS::AtLeastOnce, "the higher granted QoS");
    sub.ack(&p).await;
    sub.expect_silence().await;

    publisher
        .publish(v5::publish("mix/y", b"one id", QoS::AtLeastOnce, 2, None))
        .await;
    let p = sub.recv_publish().await;
    assert_eq!(sub_ids(&p), vec![5]);
    sub.ack(&p).await;
    sub.expect_silence().await;
    broker.stop().await;
}

/// A message delivered through a subscription made without a Subscription Identifier
/// carries none (§3.3.2.3.8).
#[tokio::test]
async fn subscription_without_id_gives_no_id() {
    let broker = TestBroker::start().await;
    let mut sub = RawV5::connected(broker.addr, "nid-sub").await;
    sub.subscribe_with(1, vec![filter("nid/t", QoS::AtMostOnce)], None)
        .await;
    sub.subscribe_with(2, vec![filter("wid/t", QoS::AtMostOnce)], Some(3))
        .await;
    let mut publisher = RawV5::connected(broker.addr, "nid-pub").await;
    publisher.publish0("nid/t", b"a").await;
    publisher.publish0("wid/t", b"b").await;
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"a");
    assert_eq!(sub_ids(&p), Vec::<usize>::new());
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"b");
    assert_eq!(sub_ids(&p), vec![3], "control: the other subscription's id");
    broker.stop().await;
}

/// Retained messages sent because of a new subscription carry that subscription's
/// identifier [MQTT-3.3.4-3].
#[tokio::test]
async fn retained_messages_sent_on_subscribe_carry_the_subscription_id_mqtt_3_3_4_3() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "rsi-pub").await;
    let mut p = v5::publish("rsi/t", b"r", QoS::AtLeastOnce, 1, None);
    p.retain = true;
    publisher.publish(p).await;
    let mut sub = RawV5::connected(broker.addr, "rsi-sub").await;
    sub.subscribe_with(1, vec![filter("rsi/#", QoS::AtLeastOnce)], Some(9))
        .await;
    let got = sub.recv_publish().await;
    assert!(got.retain);
    assert_eq!(sub_ids(&got), vec![9]);
    broker.stop().await;
}

// ---- PUBACK / PUBREC reason codes ----

/// PUBACK and PUBREC say 0x10 "No matching subscribers" when nobody matched, 0x00 once
/// somebody does (§3.4.2.1, §3.5.2.1).
#[tokio::test]
async fn puback_and_pubrec_say_no_matching_subscribers_0x10() {
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "nm-pub").await;
    for (pkid, qos) in [(1, QoS::AtLeastOnce), (2, QoS::ExactlyOnce)] {
        let reason = publisher
            .publish(v5::publish("nm/t", b"x", qos, pkid, None))
            .await;
        assert_eq!(reason, PubAckReason::NoMatchingSubscribers, "{qos:?}");
    }
    let mut sub = subscriber(&broker, "nm-sub", "nm/t", QoS::AtMostOnce).await;
    for (pkid, qos) in [(3, QoS::AtLeastOnce), (4, QoS::ExactlyOnce)] {
        let reason = publisher
            .publish(v5::publish("nm/t", b"y", qos, pkid, None))
            .await;
        assert_eq!(reason, PubAckReason::Success, "{qos:?}");
        assert_eq!(&sub.recv_publish().await.payload[..], b"y");
    }
    broker.stop().await;
}

/// A payload that its Payload Format Indicator says is UTF-8 but is not (§3.3.2.3.2):
/// PUBACK 0x99 at QoS 1, PUBREC 0x99 at QoS 2, DISCONNECT 0x99 at QoS 0; the message is not
/// delivered.
#[tokio::test]
async fn invalid_utf8_with_payload_format_1_is_refused_0x99() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "pf-sub", "pf/t", QoS::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "pf-pub").await;
    let utf8 = || {
        Some(PublishProperties {
            payload_format_indicator: Some(1),
            ..props()
        })
    };
    let bad: &[u8] = &[b'o', b'k', 0xc3, 0x28];

    let reason = publisher
        .publish(v5::publish("pf/t", bad, QoS::AtLeastOnce, 1, utf8()))
        .await;
    assert_eq!(reason, PubAckReason::PayloadFormatInvalid);

    publisher
        .send(Packet::Publish(v5::publish(
            "pf/t",
            bad,
            QoS::ExactlyOnce,
            2,
            utf8(),
        )))
        .await;
    match publisher.recv().await {
        Packet::PubRec(rec) => {
            assert_eq!(rec.pkid, 2);
            assert_eq!(rec.reason, PubRecReason::PayloadFormatInvalid);
        }
        other => panic!("expected PUBREC, got {other:?}"),
    }
    // Control: valid UTF-8 with the same indicator goes through.
    let reason = publisher
        .publish(v5::publish(
            "pf/t",
            "grüß".as_bytes(),
            QoS::AtLeastOnce,
            3,
            utf8(),
        ))
        .await;
    assert_eq!(reason, PubAckReason::Success);
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], "grüß".as_bytes());
    sub.ack(&p).await;
    sub.expect_silence().await;

    publisher
        .send(Packet::Publish(v5::publish(
            "pf/t",
            bad,
            QoS::AtMostOnce,
            0,
            utf8(),
        )))
        .await;
    publisher
        .expect_disconnect(DisconnectReasonCode::PayloadFormatInvalid)
        .await;
    sub.expect_silence().await;
    broker.stop().await;
}

// ---- protocol errors of PUBLISH ----

/// A PUBLISH from a client must not contain a Subscription Identifier [MQTT-3.3.4-6]:
/// DISCONNECT 0x82 Protocol Error.
#[tokio::test]
async fn publish_with_subscription_id_from_client_is_a_protocol_error_mqtt_3_3_4_6() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "psi-sub", "psi/t", QoS::AtMostOnce).await;
    let mut c = RawV5::connected(broker.addr, "psi-pub").await;
    let properties = PublishProperties {
        subscription_identifiers: vec![1],
        ..props()
    };
    c.send(Packet::Publish(v5::publish(
        "psi/t",
        b"x",
        QoS::AtLeastOnce,
        1,
        Some(properties),
    )))
    .await;
    c.expect_disconnect(DisconnectReasonCode::ProtocolError)
        .await;
    sub.expect_silence().await;
    broker.stop().await;
}

/// A Topic Name must not contain wildcards [MQTT-3.3.2-2]: DISCONNECT 0x90 Topic Name
/// invalid, for `+` and for `#`.
#[tokio::test]
async fn wildcard_in_topic_name_is_disconnected_0x90_mqtt_3_3_2_2() {
    let broker = TestBroker::start().await;
    for (i, topic) in ["a/+/b", "a/#"].into_iter().enumerate() {
        let mut c = RawV5::connected(broker.addr, &format!("wc{i}")).await;
        c.send(Packet::Publish(v5::publish(
            topic,
            b"x",
            QoS::AtLeastOnce,
            1,
            None,
        )))
        .await;
        c.expect_disconnect(DisconnectReasonCode::TopicNameInvalid)
            .await;
    }
    broker.stop().await;
}

// ---- 3.1.1 and 5 on one port ----

/// A v5 publish with properties reaches a 3.1.1 subscriber without them: the 3.1.1 reader
/// would take any property bytes for payload, so the payload must be exactly what was sent.
#[tokio::test]
async fn v5_publish_with_properties_reaches_a_311_subscriber_without_them() {
    use rumqttc::mqttbytes::QoS as QoS4;
    let broker = TestBroker::start().await;
    let mut old = broker.client("old-sub").await;
    old.subscribe("mixed/#", QoS4::AtLeastOnce).await;
    let mut publisher = RawV5::connected(broker.addr, "new-pub").await;
    let properties = PublishProperties {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(60),
        content_type: Some("text/plain".into()),
        response_topic: Some("mixed/reply".into()),
        correlation_data: Some(bytes::Bytes::from_static(b"c1")),
        user_properties: vec![("k".into(), "v".into())],
        ..props()
    };
    publisher
        .publish(v5::publish(
            "mixed/a",
            b"payload",
            QoS::AtLeastOnce,
            1,
            Some(properties),
        ))
        .await;
    let p = old.recv_publish().await;
    assert_eq!(p.topic, "mixed/a");
    assert_eq!(&p.payload[..], b"payload");
    assert_eq!(p.qos, QoS4::AtLeastOnce);
    old.ack(&p).await;
    broker.stop().await;
}

/// A 3.1.1 publish reaches a v5 subscriber, as a v5 PUBLISH without properties.
#[tokio::test]
async fn a_311_publish_reaches_a_v5_subscriber() {
    use rumqttc::mqttbytes::QoS as QoS4;
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "new-sub", "old/#", QoS::ExactlyOnce).await;
    let mut old = broker.client("old-pub").await;
    old.publish("old/t", b"from 3.1.1", QoS4::ExactlyOnce, false)
        .await;
    let p = sub.recv_publish().await;
    assert_eq!(topic_of(&p), "old/t");
    assert_eq!(&p.payload[..], b"from 3.1.1");
    assert_eq!(p.qos, QoS::ExactlyOnce);
    let no_props = p.properties.clone().unwrap_or_default();
    assert_eq!(no_props, props(), "nothing added but what it had");
    sub.ack(&p).await;
    broker.stop().await;
}

/// MQTT 3.1.1 overlapping subscriptions of one client: the message is delivered once, at the
/// highest QoS of the matching subscriptions [MQTT-3.3.5-1] (3.1.1). mosquitto 2.0.11
/// delivers one copy per matching subscription.
#[tokio::test]
async fn overlapping_311_subscriptions_give_one_copy_at_highest_qos_mqtt_3_3_5_1_mosquitto_departure(
) {
    use rumqttc::mqttbytes::QoS as QoS4;
    let broker = TestBroker::start().await;
    let mut old = broker.client("ov-sub").await;
    let ack = old
        .subscribe_many(
            1,
            &[("ov/#", QoS4::AtMostOnce), ("ov/+", QoS4::AtLeastOnce)],
        )
        .await;
    assert_eq!(ack.return_codes.len(), 2);
    let mut publisher = RawV5::connected(broker.addr, "ov-pub").await;
    publisher
        .publish(v5::publish("ov/x", b"once", QoS::ExactlyOnce, 1, None))
        .await;
    let p = old.recv_publish().await;
    assert_eq!(&p.payload[..], b"once");
    assert_eq!(p.qos, QoS4::AtLeastOnce, "the highest granted QoS");
    old.ack(&p).await;
    old.expect_silence().await;
    broker.stop().await;
}
