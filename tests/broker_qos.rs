//! QoS 0/1/2 flows through the bundled broker (MQTT 3.1.1 §4.3, §4.6).

use crate::common::*;
use mqttkit::broker::BrokerConfig;
use rumqttc::mqttbytes::v4::{Packet, PubAck, PubComp, PubRec, PubRel};
use rumqttc::mqttbytes::QoS;

const LEVELS: [QoS; 3] = [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce];

#[tokio::test]
async fn delivery_qos_is_min_of_publish_and_granted_mqtt_3_8_4_6() {
    let broker = TestBroker::start().await;
    for granted in LEVELS {
        for published in LEVELS {
            let mut sub = broker.client("sub").await;
            sub.subscribe("q", granted).await;
            let mut publisher = broker.client("pub").await;
            publisher.publish("q", b"m", published, false).await;
            let p = sub.recv_publish().await;
            let expected = if (published as u8) < (granted as u8) {
                published
            } else {
                granted
            };
            assert_eq!(
                p.qos, expected,
                "published {published:?}, granted {granted:?}"
            );
            assert_eq!(&p.payload[..], b"m");
            assert!(!p.dup);
            if p.qos != QoS::AtMostOnce {
                assert_ne!(p.pkid, 0, "[MQTT-2.3.1-1]");
            }
            sub.ack(&p).await;
            sub.expect_silence().await;
            publisher.disconnect().await;
            sub.disconnect().await;
        }
    }
    broker.stop().await;
}

#[tokio::test]
async fn qos2_resent_before_pubrel_is_delivered_once_mqtt_4_3_3_2() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("once", QoS::ExactlyOnce).await;
    let mut publisher = broker.client("pub").await;

    publisher
        .send(publish("once", b"1", QoS::ExactlyOnce, 7, false))
        .await;
    assert_eq!(publisher.recv().await, Packet::PubRec(PubRec::new(7)));
    // The publisher did not see PUBREC (as far as it knows) and resends with DUP.
    let mut again = rumqttc::mqttbytes::v4::Publish::new("once", QoS::ExactlyOnce, &b"1"[..]);
    again.pkid = 7;
    again.dup = true;
    publisher.send(Packet::Publish(again)).await;
    assert_eq!(publisher.recv().await, Packet::PubRec(PubRec::new(7)));
    publisher.send(Packet::PubRel(PubRel::new(7))).await;
    assert_eq!(publisher.recv().await, Packet::PubComp(PubComp::new(7)));

    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"1");
    sub.ack(&p).await;
    sub.expect_silence().await;

    // The packet id is free again: a new message with id 7 is a new message.
    publisher
        .publish("once", b"2", QoS::ExactlyOnce, false)
        .await;
    publisher
        .send(publish("once", b"3", QoS::ExactlyOnce, 7, false))
        .await;
    assert_eq!(publisher.recv().await, Packet::PubRec(PubRec::new(7)));
    let p2 = sub.recv_publish().await;
    assert_eq!(&p2.payload[..], b"2");
    broker.stop().await;
}

#[tokio::test]
async fn pubrel_for_unknown_id_still_gets_pubcomp() {
    let broker = TestBroker::start().await;
    let mut c = broker.client("c").await;
    c.send(Packet::PubRel(PubRel::new(99))).await;
    assert_eq!(c.recv().await, Packet::PubComp(PubComp::new(99)));
    broker.stop().await;
}

#[tokio::test]
async fn qos2_outgoing_handshake_pubrec_pubrel_pubcomp_mqtt_4_3_3() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("t", QoS::ExactlyOnce).await;
    let mut publisher = broker.client("pub").await;
    publisher.publish("t", b"x", QoS::ExactlyOnce, false).await;
    let p = sub.recv_publish().await;
    sub.send(Packet::PubRec(PubRec::new(p.pkid))).await;
    assert_eq!(sub.recv().await, Packet::PubRel(PubRel::new(p.pkid)));
    // A repeated PUBREC gets the PUBREL again.
    sub.send(Packet::PubRec(PubRec::new(p.pkid))).await;
    assert_eq!(sub.recv().await, Packet::PubRel(PubRel::new(p.pkid)));
    sub.send(Packet::PubComp(PubComp::new(p.pkid))).await;
    sub.expect_silence().await;
    broker.stop().await;
}

#[tokio::test]
async fn inflight_limit_holds_further_messages_in_the_queue() {
    let config = BrokerConfig {
        max_inflight: 2,
        ..Default::default()
    };
    let broker = TestBroker::start_with(config).await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("t", QoS::AtLeastOnce).await;
    let mut publisher = broker.client("pub").await;
    for i in 0..5u8 {
        publisher.publish("t", &[i], QoS::AtLeastOnce, false).await;
    }
    let first = sub.recv_publish().await;
    let second = sub.recv_publish().await;
    assert_eq!((first.payload[0], second.payload[0]), (0, 1));
    sub.expect_silence().await;
    sub.send(Packet::PubAck(PubAck::new(first.pkid))).await;
    let third = sub.recv_publish().await;
    assert_eq!(third.payload[0], 2);
    sub.expect_silence().await;
    for p in [second, third] {
        sub.send(Packet::PubAck(PubAck::new(p.pkid))).await;
    }
    assert_eq!(sub.recv_publish().await.payload[0], 3);
    assert_eq!(sub.recv_publish().await.payload[0], 4);
    broker.stop().await;
}

#[tokio::test]
async fn messages_keep_their_order_per_topic_mqtt_4_6_0() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("o/#", QoS::AtLeastOnce).await;
    let mut publisher = broker.client("pub").await;
    for i in 0..200u16 {
        publisher
            .send(publish(
                "o/t",
                &i.to_be_bytes(),
                QoS::AtLeastOnce,
                i + 1,
                false,
            ))
            .await;
    }
    for i in 0..200u16 {
        let p = sub.recv_publish().await;
        assert_eq!(p.payload[..], i.to_be_bytes());
        sub.ack(&p).await;
    }
    broker.stop().await;
}

#[tokio::test]
async fn rumqttc_client_round_trip_at_every_qos() {
    let broker = TestBroker::start().await;
    let mut options = rumqttc::MqttOptions::new("rumqttc-client", "127.0.0.1", broker.addr.port());
    options.set_keep_alive(std::time::Duration::from_secs(5));
    let (client, mut eventloop) = rumqttc::AsyncClient::new(options, 100);
    client.subscribe("r/#", QoS::ExactlyOnce).await.unwrap();
    for qos in LEVELS {
        client
            .publish(format!("r/{}", qos as u8), qos, false, vec![qos as u8])
            .await
            .unwrap();
    }
    let mut received = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while received.len() < 3 {
        let event = tokio::time::timeout_at(deadline, eventloop.poll())
            .await
            .expect("messages in time")
            .unwrap();
        if let rumqttc::Event::Incoming(Packet::Publish(p)) = event {
            received.push((p.topic.clone(), p.qos));
        }
    }
    received.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        received,
        vec![
            ("r/0".to_string(), QoS::AtMostOnce),
            ("r/1".to_string(), QoS::AtLeastOnce),
            ("r/2".to_string(), QoS::ExactlyOnce)
        ]
    );
    broker.stop().await;
}
