//! MQTT 5 CONNECT and CONNACK against the bundled broker: properties both ways, refusals with
//! v5 reason codes, the server's keep-alive cap, assigned client identifiers, and the server
//! DISCONNECTs that end a connection (keep-alive, takeover, shutdown, protocol errors).

use std::time::Duration;

use crate::common::v5::*;
use crate::common::TestBroker;
use mqttkit::broker::{AuthConfig, BrokerConfig, Faults, PasswordFile};
use rumqttc::v5::mqttbytes::v5::PingReq;

/// A Variable Byte Integer (§1.5.5).
fn varint(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let mut byte = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if n == 0 {
            return;
        }
    }
}

/// A CONNECT built by hand: protocol `level`, connect `flags`, keep-alive 60, the property
/// block `properties` (without its length) and a client id; nothing else in the payload.
fn raw_connect(level: u8, flags: u8, properties: &[u8], client_id: &str) -> Vec<u8> {
    let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', level, flags, 0, 60];
    varint(properties.len(), &mut body);
    body.extend_from_slice(properties);
    body.extend_from_slice(&(client_id.len() as u16).to_be_bytes());
    body.extend_from_slice(client_id.as_bytes());
    let mut frame = vec![0x10];
    varint(body.len(), &mut frame);
    frame.extend_from_slice(&body);
    frame
}

/// Sends `bytes` as the connection's first packet and returns the CONNACK frame, asserting
/// that the broker closes the connection after it.
async fn refused_raw(addr: std::net::SocketAddr, bytes: &[u8]) -> Frame {
    let mut c = RawV5::open(addr).await;
    c.send_raw(bytes).await;
    let frame = c.recv_frame().await;
    assert!(
        matches!(frame.packet, Packet::ConnAck(_)),
        "expected CONNACK, got {:?}",
        frame.packet
    );
    let after = c.expect_closed().await;
    assert!(
        after.is_empty(),
        "packets after a refusing CONNACK: {after:?}"
    );
    frame
}

fn connack(frame: &Frame) -> &ConnAck {
    match &frame.packet {
        Packet::ConnAck(ack) => ack,
        other => panic!("expected CONNACK, got {other:?}"),
    }
}

/// Connects with `connect` (and a login) and returns the CONNACK, asserting the broker then
/// closes a refused connection.
async fn refused(addr: std::net::SocketAddr, connect: Connect, login: Option<Login>) -> ConnAck {
    let mut c = RawV5::open(addr).await;
    let ack = c.connect(connect, None, login).await;
    assert_ne!(ack.code, ConnectReturnCode::Success, "CONNACK {ack:?}");
    // A refusal never reports a session [MQTT-3.2.2-6].
    assert!(
        !ack.session_present,
        "session present on a refusal: {ack:?}"
    );
    let after = c.expect_closed().await;
    assert!(
        after.is_empty(),
        "packets after a refusing CONNACK: {after:?}"
    );
    ack
}

fn reason_string(ack: &ConnAck) -> Option<&str> {
    ack.properties.as_ref()?.reason_string.as_deref()
}

#[tokio::test]
async fn connack_announces_the_brokers_limits_and_features_mqtt_3_2_2() {
    let broker = TestBroker::start().await;
    let (_c, ack) = RawV5::connect_to(broker.addr, connect("c1")).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    assert!(!ack.session_present);
    let p = ack.properties.expect("CONNACK properties");
    assert_eq!(p.receive_max, Some(20));
    assert_eq!(p.topic_alias_max, Some(10));
    assert_eq!(p.max_packet_size, Some(268_435_455));
    assert_eq!(p.retain_available, Some(1));
    assert_eq!(p.wildcard_subscription_available, Some(1));
    assert_eq!(p.subscription_identifiers_available, Some(1));
    assert_eq!(p.shared_subscription_available, Some(1));
    // QoS 2 is supported: Maximum QoS is absent (§3.2.2.3.4).
    assert_eq!(p.max_qos, None);
    assert_eq!(p.assigned_client_identifier, None);
    assert_eq!(p.server_keep_alive, None, "60 s asked, 60 s is the cap");
    assert_eq!(p.response_information, None, "not requested");
    assert_eq!(p.reason_string, None, "no reason string on success");
    broker.stop().await;
}

/// The limits in CONNACK are the configured ones, and Topic Alias Maximum is left out when
/// the broker accepts no aliases (absent means 0, §3.2.2.3.8).
#[tokio::test]
async fn connack_limits_follow_the_configuration_mqtt_3_2_2() {
    let broker = TestBroker::start_with(BrokerConfig {
        receive_maximum: 7,
        topic_alias_maximum: 0,
        max_packet_size: 4096,
        ..Default::default()
    })
    .await;
    let (_c, ack) = RawV5::connect_to(broker.addr, connect("c1")).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    let p = ack.properties.expect("CONNACK properties");
    assert_eq!(p.receive_max, Some(7));
    assert_eq!(p.topic_alias_max, None);
    assert_eq!(p.max_packet_size, Some(4096));
    broker.stop().await;
}

/// An empty client id gets one from the broker, returned as Assigned Client Identifier
/// [MQTT-3.1.3-6, MQTT-3.1.3-7]; it is the session's id: a reconnect with it and Clean
/// Start 0 resumes the session.
#[tokio::test]
async fn empty_client_id_gets_an_assigned_identifier_that_names_the_session_mqtt_3_1_3_7() {
    let broker = TestBroker::start().await;
    let (mut c, ack) = RawV5::connect_to(broker.addr, connect_expiry("", true, 60)).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    let id = ack
        .properties
        .and_then(|p| p.assigned_client_identifier)
        .expect("Assigned Client Identifier");
    assert!(!id.is_empty());
    c.subscribe("assigned/t", QoS::AtLeastOnce).await;
    let (other, ack2) = RawV5::connect_to(broker.addr, connect("")).await;
    let id2 = ack2.properties.and_then(|p| p.assigned_client_identifier);
    assert_ne!(id2.as_deref(), Some(id.as_str()), "assigned ids are unique");
    other
        .disconnect_and_wait(DisconnectReasonCode::NormalDisconnection, None)
        .await;
    c.disconnect_and_wait(DisconnectReasonCode::NormalDisconnection, None)
        .await;

    let (mut again, ack) = RawV5::connect_to(broker.addr, connect_expiry(&id, false, 60)).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    assert!(ack.session_present, "the assigned id's session is resumed");
    assert_eq!(
        ack.properties.and_then(|p| p.assigned_client_identifier),
        None,
        "no Assigned Client Identifier for a client-chosen id"
    );
    // The session's subscription is still there.
    let mut p = RawV5::connected(broker.addr, "pub").await;
    p.publish0("assigned/t", b"hello").await;
    assert_eq!(again.recv_publish().await.payload.as_ref(), b"hello");
    broker.stop().await;
}

fn with_keep_alive(id: &str, keep_alive: u16) -> Connect {
    let mut c = connect(id);
    c.keep_alive = keep_alive;
    c
}

/// A keep-alive of 0 or above the cap gets Server Keep Alive = the cap; one under it is
/// taken as asked, without the property (§3.2.2.3.14, [MQTT-3.2.2-21, MQTT-3.2.2-22]).
#[tokio::test]
async fn server_keep_alive_caps_0_and_long_keep_alives_mqtt_3_2_2_21() {
    let broker = TestBroker::start().await;
    for (asked, expected) in [(0, Some(60)), (300, Some(60)), (30, None), (60, None)] {
        let (_c, ack) = RawV5::connect_to(broker.addr, with_keep_alive("ka", asked)).await;
        assert_eq!(ack.code, ConnectReturnCode::Success);
        let p = ack.properties.expect("CONNACK properties");
        assert_eq!(p.server_keep_alive, expected, "keep-alive {asked} asked");
    }
    broker.stop().await;
}

/// Request Response Information 1 → Response Information in CONNACK; 0 or absent → none
/// (§3.1.2.11.7, §3.2.2.3.15).
#[tokio::test]
async fn request_response_information_gets_response_information_mqtt_3_2_2() {
    let broker = TestBroker::start().await;
    for (asked, expected) in [
        (Some(1), Some("response/rri".to_owned())),
        (Some(0), None),
        (None, None),
    ] {
        let props = ConnectProperties {
            request_response_info: asked,
            ..ConnectProperties::new()
        };
        let (_c, ack) = RawV5::connect_to(broker.addr, connect_with("rri", true, props)).await;
        assert_eq!(ack.code, ConnectReturnCode::Success);
        let p = ack.properties.expect("CONNACK properties");
        assert_eq!(p.response_information, expected, "asked {asked:?}");
    }
    broker.stop().await;
}

/// An Authentication Method the broker does not support → CONNACK 0x8C, then close
/// (§3.1.2.11.9, [MQTT-4.12.0-1]).
#[tokio::test]
async fn unsupported_authentication_method_is_refused_0x8c_mqtt_4_12_0_1() {
    let broker = TestBroker::start().await;
    let props = ConnectProperties {
        authentication_method: Some("SCRAM-SHA-1".into()),
        authentication_data: Some(bytes::Bytes::from_static(b"client-first")),
        ..ConnectProperties::new()
    };
    let ack = refused(broker.addr, connect_with("am", true, props), None).await;
    assert_eq!(ack.code, ConnectReturnCode::BadAuthenticationMethod);
    assert!(reason_string(&ack).is_some(), "a refusal says why");
    broker.stop().await;
}

fn password_broker_config(allow_anonymous: bool) -> BrokerConfig {
    let mut passwords = PasswordFile::new();
    passwords.set_password("alice", b"secret").unwrap();
    BrokerConfig {
        auth: AuthConfig {
            allow_anonymous,
            passwords: Some(passwords),
            ..AuthConfig::default()
        },
        ..Default::default()
    }
}

fn login(user: &str, pass: &str) -> Option<Login> {
    Some(Login {
        username: user.into(),
        password: pass.into(),
    })
}

/// Wrong password or unknown user → 0x86; the right one is accepted (§3.2.2.2).
#[tokio::test]
async fn wrong_password_is_refused_0x86_mqtt_3_2_2_2() {
    let broker = TestBroker::start_with(password_broker_config(true)).await;
    let ack = refused(broker.addr, connect("u1"), login("alice", "wrong")).await;
    assert_eq!(ack.code, ConnectReturnCode::BadUserNamePassword);
    assert!(reason_string(&ack).is_some(), "a refusal says why");
    let ack = refused(broker.addr, connect("u2"), login("mallory", "secret")).await;
    assert_eq!(ack.code, ConnectReturnCode::BadUserNamePassword);
    let mut c = RawV5::open(broker.addr).await;
    let ack = c
        .connect(connect("u3"), None, login("alice", "secret"))
        .await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    broker.stop().await;
}

/// No user name while anonymous clients are not allowed → 0x87 Not authorized (§3.2.2.2).
#[tokio::test]
async fn anonymous_client_is_refused_0x87_when_not_allowed_mqtt_3_2_2_2() {
    let broker = TestBroker::start_with(password_broker_config(false)).await;
    let ack = refused(broker.addr, connect("anon"), None).await;
    assert_eq!(ack.code, ConnectReturnCode::NotAuthorized);
    assert!(reason_string(&ack).is_some(), "a refusal says why");
    let mut c = RawV5::open(broker.addr).await;
    let ack = c
        .connect(connect("named"), None, login("alice", "secret"))
        .await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    broker.stop().await;
}

/// Fault injection refuses with a 3.1.1 return code mapped to MQTT 5 (3 "server
/// unavailable" → 0x88) or with a v5 reason code as given (0x97).
#[tokio::test]
async fn fault_refuse_connect_answers_v5_reason_codes_mqtt_3_2_2_2() {
    for (fault, expected) in [
        (3, ConnectReturnCode::ServerUnavailable),
        (0x97, ConnectReturnCode::QuotaExceeded),
    ] {
        let broker = TestBroker::start_with(BrokerConfig {
            faults: Faults {
                refuse_connect: Some(fault),
                ..Default::default()
            },
            ..Default::default()
        })
        .await;
        let ack = refused(broker.addr, connect("f"), None).await;
        assert_eq!(ack.code, expected, "fault {fault:#x}");
        broker.stop().await;
    }
}

/// Past `max_connections`, a v5 CONNECT gets CONNACK 0x97 Quota exceeded with a Reason String.
#[tokio::test]
async fn over_max_connections_is_refused_0x97_with_a_reason_string_mqtt_3_2_2_2() {
    let broker = TestBroker::start_with(BrokerConfig {
        max_connections: 1,
        ..Default::default()
    })
    .await;
    let mut first = RawV5::connected(broker.addr, "first").await;
    let ack = refused(broker.addr, connect("second"), None).await;
    assert_eq!(ack.code, ConnectReturnCode::QuotaExceeded);
    let why = reason_string(&ack).expect("Reason String");
    assert!(why.contains("limit"), "reason string {why:?}");
    // The connection within the limit is untouched.
    first.send(Packet::PingReq(PingReq)).await;
    assert!(matches!(first.recv().await, Packet::PingResp(_)));
    broker.stop().await;
}

/// Nothing from the client for 1.5 × keep-alive → DISCONNECT 0x8D and close
/// [MQTT-3.1.2-22]; packets within the keep-alive keep it open.
#[tokio::test]
async fn keep_alive_timeout_disconnects_0x8d_mqtt_3_1_2_22() {
    let broker = TestBroker::start().await;
    let (mut alive, ack) = RawV5::connect_to(broker.addr, with_keep_alive("alive", 1)).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    let (mut idle, ack) = RawV5::connect_to(broker.addr, with_keep_alive("idle", 1)).await;
    assert_eq!(ack.properties.and_then(|p| p.server_keep_alive), None);
    // The idle one is closed after 1.5 s; the one that pings every 0.5 s stays.
    let (disconnect, ()) = tokio::join!(
        idle.expect_disconnect(DisconnectReasonCode::KeepAliveTimeout),
        async {
            for _ in 0..5 {
                tokio::time::sleep(Duration::from_millis(500)).await;
                alive.send(Packet::PingReq(PingReq)).await;
                assert!(matches!(alive.recv().await, Packet::PingResp(_)));
            }
        }
    );
    assert_eq!(
        disconnect.reason_code,
        DisconnectReasonCode::KeepAliveTimeout
    );
    broker.stop().await;
}

/// A second connection with the same client id takes the session over: the old one gets
/// DISCONNECT 0x8E and is closed [MQTT-3.1.4-3].
#[tokio::test]
async fn session_takeover_disconnects_the_old_connection_0x8e_mqtt_3_1_4_3() {
    let broker = TestBroker::start().await;
    let mut old = RawV5::connected(broker.addr, "same").await;
    let (mut new, ack) = RawV5::connect_to(broker.addr, connect("same")).await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    old.expect_disconnect(DisconnectReasonCode::SessionTakenOver)
        .await;
    new.send(Packet::PingReq(PingReq)).await;
    assert!(matches!(new.recv().await, Packet::PingResp(_)));
    broker.stop().await;
}

/// The broker shutting down tells v5 clients DISCONNECT 0x8B Server shutting down.
#[tokio::test]
async fn broker_shutdown_disconnects_0x8b_mqtt_3_14_2_1() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "bye").await;
    let stopping = tokio::spawn(broker.stop());
    c.expect_disconnect(DisconnectReasonCode::ServerShuttingDown)
        .await;
    stopping.await.unwrap();
}

/// A v5 CONNECT with the reserved flag set is malformed: CONNACK 0x81, then close
/// [MQTT-3.1.2-3].
#[tokio::test]
async fn connect_reserved_flag_is_malformed_0x81_mqtt_3_1_2_3() {
    let broker = TestBroker::start().await;
    let frame = refused_raw(broker.addr, &raw_connect(5, 0x03, &[], "r")).await;
    assert_eq!(connack(&frame).code, ConnectReturnCode::MalformedPacket);
    broker.stop().await;
}

/// A property that CONNECT may not carry (Payload Format Indicator, 0x01) is a malformed
/// packet: "A Control Packet which contains an Identifier which is not valid for its packet
/// type … is a Malformed Packet" (§2.2.2.2) → CONNACK 0x81.
#[tokio::test]
async fn connect_with_a_property_not_valid_for_connect_is_malformed_0x81_mqtt_2_2_2_2() {
    let broker = TestBroker::start().await;
    let frame = refused_raw(broker.addr, &raw_connect(5, 0x02, &[0x01, 0x01], "p")).await;
    assert_eq!(connack(&frame).code, ConnectReturnCode::MalformedPacket);
    broker.stop().await;
}

/// Session Expiry Interval twice is a protocol error (§3.1.2.11.2) → CONNACK 0x82.
#[tokio::test]
async fn connect_with_session_expiry_twice_is_a_protocol_error_0x82_mqtt_3_1_2_11_2() {
    let broker = TestBroker::start().await;
    let props = [0x11, 0, 0, 0, 5, 0x11, 0, 0, 0, 6];
    let frame = refused_raw(broker.addr, &raw_connect(5, 0x02, &props, "d")).await;
    assert_eq!(connack(&frame).code, ConnectReturnCode::ProtocolError);
    broker.stop().await;
}

/// Receive Maximum 0 is a protocol error (§3.1.2.11.3) → CONNACK 0x82.
#[tokio::test]
async fn connect_with_receive_maximum_0_is_a_protocol_error_0x82_mqtt_3_1_2_11_3() {
    let broker = TestBroker::start().await;
    let frame = refused_raw(broker.addr, &raw_connect(5, 0x02, &[0x21, 0, 0], "rm")).await;
    assert_eq!(connack(&frame).code, ConnectReturnCode::ProtocolError);
    broker.stop().await;
}

/// Protocol level 6 is not spoken: an MQTT 5 CONNACK 0x84 Unsupported Protocol Version, then
/// close [MQTT-3.1.2-2].
#[tokio::test]
async fn protocol_level_6_gets_v5_connack_0x84_mqtt_3_1_2_2() {
    let broker = TestBroker::start().await;
    let frame = refused_raw(broker.addr, &raw_connect(6, 0x02, &[], "six")).await;
    assert_eq!(
        connack(&frame).code,
        ConnectReturnCode::UnsupportedProtocolVersion
    );
    // An MQTT 5 CONNACK: flags, reason code 0x84, then a property block (a 3.1.1 CONNACK is
    // exactly 20 02 00 01).
    assert_eq!(frame.bytes[0], 0x20);
    assert_eq!(frame.bytes[3], 0x84, "bytes {:02x?}", frame.bytes);
    assert!(frame.bytes.len() > 4, "bytes {:02x?}", frame.bytes);
    broker.stop().await;
}

/// A second CONNECT on one connection is a protocol error → DISCONNECT 0x82 [MQTT-3.1.0-2].
#[tokio::test]
async fn second_connect_is_a_protocol_error_0x82_mqtt_3_1_0_2() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "twice").await;
    c.send(Packet::Connect(connect("twice"), None, None)).await;
    c.expect_disconnect(DisconnectReasonCode::ProtocolError)
        .await;
    broker.stop().await;
}

/// A packet larger than the Maximum Packet Size the broker announced → DISCONNECT 0x95
/// [MQTT-3.2.2-15 is the client's side; §3.1.2.11.4 / §4.13].
#[tokio::test]
async fn packet_over_the_brokers_maximum_is_refused_0x95_mqtt_3_2_2_3_6() {
    let broker = TestBroker::start_with(BrokerConfig {
        max_packet_size: 1024,
        ..Default::default()
    })
    .await;
    let (mut c, ack) = RawV5::connect_to(broker.addr, connect("big")).await;
    assert_eq!(ack.properties.and_then(|p| p.max_packet_size), Some(1024));
    // Just under the limit passes…
    c.publish(publish("big/t", &[b'x'; 900], QoS::AtLeastOnce, 1, None))
        .await;
    // …over it ends the connection.
    c.send(Packet::Publish(publish(
        "big/t",
        &[b'x'; 2000],
        QoS::AtMostOnce,
        0,
        None,
    )))
    .await;
    c.expect_disconnect(DisconnectReasonCode::PacketTooLarge)
        .await;
    broker.stop().await;
}

/// An unknown property identifier (0x7f) in PUBLISH makes it malformed → DISCONNECT 0x81
/// (§2.2.2.2, §4.13).
#[tokio::test]
async fn publish_with_an_unknown_property_is_malformed_0x81_mqtt_2_2_2_2() {
    let broker = TestBroker::start().await;
    let mut c = RawV5::connected(broker.addr, "bad").await;
    // PUBLISH QoS 0, topic "a/b", properties [0x7f], payload "x".
    c.send_raw(&[0x30, 0x08, 0x00, 0x03, b'a', b'/', b'b', 0x01, 0x7f, b'x'])
        .await;
    c.expect_disconnect(DisconnectReasonCode::MalformedPacket)
        .await;
    broker.stop().await;
}
