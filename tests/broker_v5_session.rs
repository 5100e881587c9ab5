//! MQTT 5 sessions against the bundled broker: Session Expiry Interval (0, N seconds,
//! never), DISCONNECT changing it, Clean Start, resending unacknowledged messages after a
//! reconnect, and a session shared by a 3.1.1 and an MQTT 5 connection of one client id.

use std::time::Duration;

use crate::common::v5::*;
use crate::common::{connect_packet, RawClient, TestBroker};

const NORMAL: DisconnectReasonCode = DisconnectReasonCode::NormalDisconnection;

/// Connects `id` with a Session Expiry Interval, subscribes it to `filter` and disconnects
/// normally; returns once the broker has handed the session back.
async fn offline_subscriber(broker: &TestBroker, id: &str, filter: &str, qos: QoS, expiry: u32) {
    let (mut c, ack) = RawV5::connect_to(broker.addr, connect_expiry(id, true, expiry)).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    c.subscribe(filter, qos).await;
    c.disconnect_and_wait(NORMAL, None).await;
}

/// Reconnects `id` with Clean Start 0; returns the connection and Session Present.
async fn resume(broker: &TestBroker, id: &str, expiry: u32) -> (RawV5, bool) {
    let (c, ack) = RawV5::connect_to(broker.addr, connect_expiry(id, false, expiry)).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    (c, ack.session_present)
}

/// Publishes at QoS 1 and returns the PUBACK reason: 0x10 when no session subscribes.
async fn publish1(p: &mut RawV5, topic: &str, payload: &[u8], pkid: u16) -> PubAckReason {
    p.publish(publish(topic, payload, QoS::AtLeastOnce, pkid, None))
        .await
}

/// Session Expiry Interval 0 (or absent): the session ends with the connection
/// (§3.1.2.11.2); a reconnect with Clean Start 0 finds none: Session Present 0
/// [MQTT-3.2.2-3].
#[tokio::test]
async fn session_expiry_0_ends_the_session_at_disconnect_mqtt_3_1_2_11_2() {
    let broker = TestBroker::start().await;
    offline_subscriber(&broker, "s0", "s0/t", QoS::AtLeastOnce, 0).await;
    let mut p = RawV5::connected(broker.addr, "s0-pub").await;
    assert_eq!(
        publish1(&mut p, "s0/t", b"x", 1).await,
        PubAckReason::NoMatchingSubscribers,
        "the subscription ended with the session"
    );
    let (mut c, present) = resume(&broker, "s0", 0).await;
    assert!(!present, "no session to resume");
    c.expect_silence().await;
    broker.stop().await;
}

/// Session Expiry Interval N > 0: the session outlives the connection [MQTT-3.1.2-23],
/// queues QoS 1 messages for it and is resumed with Session Present 1 [MQTT-3.2.2-3].
#[tokio::test]
async fn session_expiry_keeps_the_session_and_queues_qos1_mqtt_3_1_2_23() {
    let broker = TestBroker::start().await;
    offline_subscriber(&broker, "s5", "s5/t", QoS::AtLeastOnce, 5).await;
    let mut p = RawV5::connected(broker.addr, "s5-pub").await;
    assert_eq!(
        publish1(&mut p, "s5/t", b"queued", 1).await,
        PubAckReason::Success
    );
    let (mut c, present) = resume(&broker, "s5", 5).await;
    assert!(present, "session present");
    let m = c.recv_publish().await;
    assert_eq!(m.payload.as_ref(), b"queued");
    assert_eq!(m.qos, QoS::AtLeastOnce);
    c.ack(&m).await;
    c.expect_silence().await;
    broker.stop().await;
}

/// The session ends N seconds after the connection closed (§3.1.2.11.2): after N+1 s a
/// reconnect finds none, and its subscriptions are gone.
#[tokio::test]
async fn session_ends_when_its_expiry_interval_has_passed_mqtt_3_1_2_11_2() {
    let broker = TestBroker::start().await;
    offline_subscriber(&broker, "s1", "s1/t", QoS::AtLeastOnce, 1).await;
    let mut p = RawV5::connected(broker.addr, "s1-pub").await;
    assert_eq!(
        publish1(&mut p, "s1/t", b"x", 1).await,
        PubAckReason::Success,
        "kept while the interval runs"
    );
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        publish1(&mut p, "s1/t", b"y", 2).await,
        PubAckReason::NoMatchingSubscribers,
        "the session and its subscription have ended"
    );
    let (mut c, present) = resume(&broker, "s1", 1).await;
    assert!(!present, "the session expired");
    c.expect_silence().await;
    broker.stop().await;
}

/// 0xFFFFFFFF: the session does not expire (§3.1.2.11.2); it is still there later, with
/// what was queued for it.
#[tokio::test]
async fn session_expiry_0xffffffff_never_expires_mqtt_3_1_2_11_2() {
    let broker = TestBroker::start().await;
    offline_subscriber(&broker, "sinf", "sinf/t", QoS::AtLeastOnce, u32::MAX).await;
    let mut p = RawV5::connected(broker.addr, "sinf-pub").await;
    publish1(&mut p, "sinf/t", b"kept", 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (mut c, present) = resume(&broker, "sinf", u32::MAX).await;
    assert!(present, "a session that never expires");
    assert_eq!(c.recv_publish().await.payload.as_ref(), b"kept");
    broker.stop().await;
}

/// DISCONNECT may set a new Session Expiry Interval (§3.14.2.2.2): from 5 to 0 ends the
/// session with the connection.
#[tokio::test]
async fn disconnect_setting_expiry_0_ends_the_session_now_mqtt_3_14_2_2_2() {
    let broker = TestBroker::start().await;
    let (mut c, _) = RawV5::connect_to(broker.addr, connect_expiry("d50", true, 5)).await;
    c.subscribe("d50/t", QoS::AtLeastOnce).await;
    let seen = c.disconnect_and_wait(NORMAL, Some(0)).await;
    assert!(
        seen.is_empty(),
        "the broker answers DISCONNECT with nothing: {seen:?}"
    );
    let mut p = RawV5::connected(broker.addr, "d50-pub").await;
    assert_eq!(
        publish1(&mut p, "d50/t", b"x", 1).await,
        PubAckReason::NoMatchingSubscribers
    );
    let (_c, present) = resume(&broker, "d50", 5).await;
    assert!(!present, "DISCONNECT ended the session");
    broker.stop().await;
}

/// CONNECT's Session Expiry Interval 0 may not become non-zero at DISCONNECT: the broker
/// answers DISCONNECT 0x82 (§3.14.2.2.2), and the session still ends with the connection.
#[tokio::test]
async fn disconnect_setting_expiry_after_0_is_a_protocol_error_0x82_mqtt_3_14_2_2_2() {
    let broker = TestBroker::start().await;
    let (mut c, _) = RawV5::connect_to(broker.addr, connect_expiry("d05", true, 0)).await;
    c.subscribe("d05/t", QoS::AtLeastOnce).await;
    let seen = c.disconnect_and_wait(NORMAL, Some(5)).await;
    match seen.as_slice() {
        [Packet::Disconnect(d)] => {
            assert_eq!(d.reason_code, DisconnectReasonCode::ProtocolError)
        }
        other => panic!("expected DISCONNECT 0x82 from the broker, got {other:?}"),
    }
    let (_c, present) = resume(&broker, "d05", 5).await;
    assert!(!present, "the interval stayed 0");
    broker.stop().await;
}

/// Clean Start 1 discards an existing session: Session Present 0 [MQTT-3.1.2-4,
/// MQTT-3.2.2-2], none of its queued messages, none of its subscriptions.
#[tokio::test]
async fn clean_start_discards_the_session_mqtt_3_1_2_4() {
    let broker = TestBroker::start().await;
    offline_subscriber(&broker, "cs", "cs/t", QoS::AtLeastOnce, 60).await;
    let mut p = RawV5::connected(broker.addr, "cs-pub").await;
    assert_eq!(
        publish1(&mut p, "cs/t", b"x", 1).await,
        PubAckReason::Success
    );
    let (mut c, ack) = RawV5::connect_to(broker.addr, connect_expiry("cs", true, 60)).await;
    assert!(!ack.session_present);
    c.expect_silence().await;
    assert_eq!(
        publish1(&mut p, "cs/t", b"y", 2).await,
        PubAckReason::NoMatchingSubscribers,
        "the old subscription went with the old session"
    );
    broker.stop().await;
}

/// Unacknowledged QoS 1 and QoS 2 deliveries are resent after a reconnect with their
/// original packet ids and DUP 1 [MQTT-4.4.0-1, MQTT-3.3.1-1]; a QoS 2 delivery whose PUBREC
/// was sent gets its PUBREL resent instead.
#[tokio::test]
async fn unacknowledged_deliveries_are_resent_with_dup_after_reconnect_mqtt_4_4_0_1() {
    let broker = TestBroker::start().await;
    let (mut c, _) = RawV5::connect_to(broker.addr, connect_expiry("re", true, 60)).await;
    c.subscribe("re/#", QoS::ExactlyOnce).await;
    let mut p = RawV5::connected(broker.addr, "re-pub").await;
    publish1(&mut p, "re/1", b"one", 1).await;
    p.publish(publish("re/2", b"two", QoS::ExactlyOnce, 2, None))
        .await;
    p.publish(publish("re/3", b"three", QoS::ExactlyOnce, 3, None))
        .await;
    let first: Vec<Publish> = vec![
        c.recv_publish().await,
        c.recv_publish().await,
        c.recv_publish().await,
    ];
    assert!(first.iter().all(|m| !m.dup), "first deliveries: DUP 0");
    // PUBREC for the third only; nothing else acknowledged.
    c.send(Packet::PubRec(PubRec::new(first[2].pkid, None)))
        .await;
    match c.recv().await {
        Packet::PubRel(rel) => assert_eq!(rel.pkid, first[2].pkid),
        other => panic!("expected PUBREL, got {other:?}"),
    }
    c.drop_and_wait().await;

    let (mut c, present) = resume(&broker, "re", 60).await;
    assert!(present);
    // Resent in their original order: the two PUBLISHes, then the PUBREL.
    let mut resent = Vec::new();
    for (i, expected) in first[..2].iter().enumerate() {
        let m = c.recv_publish().await;
        assert!(m.dup, "resent PUBLISH {i}: DUP 1");
        assert_eq!(m.pkid, expected.pkid, "original packet id");
        assert_eq!(m.qos, expected.qos);
        assert_eq!(m.payload, expected.payload);
        resent.push(m);
    }
    match c.recv().await {
        Packet::PubRel(rel) => assert_eq!(rel.pkid, first[2].pkid, "PUBREL resent"),
        other => panic!("expected the PUBREL again, got {other:?}"),
    }
    c.send(Packet::PubComp(PubComp::new(first[2].pkid, None)))
        .await;
    for m in &resent {
        c.ack(m).await;
    }
    c.expect_silence().await;
    broker.stop().await;
}

/// QoS 0 messages are not queued for an offline session (§4.1: the broker's choice; QoS 1
/// ones are, and arrive alone).
#[tokio::test]
async fn qos0_is_not_queued_for_an_offline_session_mqtt_3_1_2_23() {
    let broker = TestBroker::start().await;
    offline_subscriber(&broker, "q0", "q0/t", QoS::AtLeastOnce, 60).await;
    let mut p = RawV5::connected(broker.addr, "q0-pub").await;
    p.publish0("q0/t", b"zero").await;
    publish1(&mut p, "q0/t", b"one", 1).await;
    let (mut c, present) = resume(&broker, "q0", 60).await;
    assert!(present);
    let m = c.recv_publish().await;
    assert_eq!(
        m.payload.as_ref(),
        b"one",
        "only the QoS 1 message was queued"
    );
    c.ack(&m).await;
    c.expect_silence().await;
    broker.stop().await;
}

/// A 3.1.1 Clean Session 0 session is a v5 session that never expires (§3.1.2.4 of 3.1.1,
/// Appendix C of 5.0): an MQTT 5 connection with the same client id and Clean Start 0
/// resumes it, with its queued messages; and the other way round.
#[tokio::test]
async fn v311_persistent_session_and_v5_resume_each_other_mqtt_3_1_2_5() {
    let broker = TestBroker::start().await;
    let mut p = RawV5::connected(broker.addr, "mix-pub").await;

    // 3.1.1 first, MQTT 5 resumes.
    let mut old = RawClient::open(broker.addr).await;
    let ack = old.connect(connect_packet("mix", false, 60)).await;
    assert_eq!(ack.code, rumqttc::ConnectReturnCode::Success);
    old.subscribe("mix/t", rumqttc::QoS::AtLeastOnce).await;
    old.disconnect().await;
    // The 3.1.1 session never expires: it is still there after a while.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        publish1(&mut p, "mix/t", b"for-v5", 1).await,
        PubAckReason::Success
    );
    let (mut c, present) = resume(&broker, "mix", 60).await;
    assert!(present, "v5 resumes the 3.1.1 session");
    let m = c.recv_publish().await;
    assert_eq!(m.payload.as_ref(), b"for-v5");
    c.ack(&m).await;
    c.disconnect_and_wait(NORMAL, None).await;

    // MQTT 5 with an expiry, 3.1.1 resumes.
    assert_eq!(
        publish1(&mut p, "mix/t", b"for-311", 2).await,
        PubAckReason::Success
    );
    let mut again = RawClient::open(broker.addr).await;
    let ack = again.connect(connect_packet("mix", false, 60)).await;
    assert!(ack.session_present, "3.1.1 resumes the v5 session");
    let m = again.recv_publish().await;
    assert_eq!(m.payload.as_ref(), b"for-311");
    broker.stop().await;
}

/// A session started afresh (Clean Start 1) after an old one with the same client id is a
/// new session: the old one's expiry timer does not end it (§3.1.2.11.2, [MQTT-3.1.2-4]).
/// The old session would have expired 1 s after its connection closed; the new one was
/// asked to live 60 s.
#[tokio::test]
async fn old_sessions_expiry_does_not_end_a_new_session_mqtt_3_1_2_4() {
    let broker = TestBroker::start().await;
    let (c, _) = RawV5::connect_to(broker.addr, connect_expiry("gen", true, 1)).await;
    c.disconnect_and_wait(NORMAL, None).await;
    offline_subscriber(&broker, "gen", "gen/t", QoS::AtLeastOnce, 60).await;
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let mut p = RawV5::connected(broker.addr, "gen-pub").await;
    assert_eq!(
        publish1(&mut p, "gen/t", b"still", 1).await,
        PubAckReason::Success,
        "the new session and its subscription are still there"
    );
    let (mut c, present) = resume(&broker, "gen", 60).await;
    assert!(present, "the new session did not expire with the old one");
    assert_eq!(c.recv_publish().await.payload.as_ref(), b"still");
    broker.stop().await;
}
