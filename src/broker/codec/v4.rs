//! MQTT 3.1.1: rumqttc's codec (`rumqttc::mqttbytes::v4`) for the bytes, wrapped with the
//! checks that codec leaves out but the specification requires of a server (CONNECT's reserved
//! flag and protocol level, U+0000 in strings, reserved SUBSCRIBE option bits, empty
//! UNSUBSCRIBE, packet id 0), and the translation to and from the broker's packet types.
//! rumqttc's types stay in this file. CONNECT's password is binary data (§3.1.3.5) where
//! rumqttc reads a UTF-8 string, so this file takes it out of the frame before rumqttc sees it.

use bytes::{BufMut, Bytes, BytesMut};
use rumqttc::mqttbytes;
use rumqttc::mqttbytes::v4::{self as wire, Packet};

use super::reader::Reader;
use super::{frame, malformed, protocol, DecodeError, OutPublish};
use crate::broker::packet::{
    self as p, Inbound, Outbound, QoS, RetainHandling, Version, NEVER_EXPIRES,
};
use crate::framing;
use crate::reason;

/// Checks CONNECT's variable header before rumqttc parses it (`body` is past the fixed header),
/// and returns where the password lies in `body`, if it has one.
fn check_connect(body: &[u8]) -> Result<Option<std::ops::Range<usize>>, DecodeError> {
    let mut r = Reader::new(body);
    r.raw_field()?;
    let level = r.u8()?;
    if level != 4 {
        return Err(DecodeError::UnsupportedProtocol {
            name: "MQTT".into(),
            level,
        });
    }
    let flags = r.u8()?;
    if flags & 0x01 != 0 {
        return Err(malformed("CONNECT reserved flag set [MQTT-3.1.2-3]"));
    }
    if flags & 0x40 != 0 && flags & 0x80 == 0 {
        return Err(malformed(
            "CONNECT password flag without username flag [MQTT-3.1.2-22]",
        ));
    }
    if flags & 0x40 == 0 {
        return Ok(None);
    }
    r.u16()?; // keep alive
    r.raw_field()?; // client id
    if flags & 0x04 != 0 {
        r.raw_field()?; // will topic
        r.raw_field()?; // will message
    }
    r.raw_field()?; // user name
    let len = usize::from(r.u16()?);
    let start = body.len() - r.remaining();
    r.take(len)?;
    Ok(Some(start..start + len))
}

/// Checks the reserved bits of every requested-QoS byte in SUBSCRIBE [MQTT-3.8.3-4].
fn check_subscribe(body: &[u8]) -> Result<(), DecodeError> {
    let mut r = Reader::new(body);
    r.u16()?;
    while r.remaining() > 0 {
        r.raw_field()?;
        let options = r
            .u8()
            .map_err(|_| malformed("SUBSCRIBE filter without options"))?;
        if options & 0xfc != 0 {
            return Err(malformed(
                "SUBSCRIBE reserved option bits set [MQTT-3.8.3-4]",
            ));
        }
    }
    Ok(())
}

fn reject_nul(s: &str, what: &str) -> Result<(), DecodeError> {
    if s.contains('\0') {
        Err(malformed(format!("{what} contains U+0000 [MQTT-1.5.3-2]")))
    } else {
        Ok(())
    }
}

/// Takes one complete packet off the front of `buf`; `Ok(None)` when more bytes are needed.
pub fn decode(buf: &mut BytesMut, max: usize) -> Result<Option<Inbound>, DecodeError> {
    let Some((byte1, header_len, size)) = frame(buf, max)? else {
        return Ok(None);
    };
    let body = &buf[header_len..size];
    let mut password = None;
    match byte1 >> 4 {
        1 => {
            if let Some(range) = check_connect(body)? {
                // rumqttc wants UTF-8 there: keep the bytes, and give it ASCII of the same length.
                let range = header_len + range.start..header_len + range.end;
                password = Some(Bytes::copy_from_slice(&buf[range.clone()]));
                buf[range].fill(b'x');
            }
        }
        8 => check_subscribe(body)?,
        // PINGREQ and DISCONNECT have no body (§3.12.1, §3.14.1).
        12 | 14 if size > header_len => {
            return Err(malformed(format!(
                "remaining length {} where MQTT 3.1.1 has 0",
                size - header_len
            )))
        }
        // PUBACK, PUBREC, PUBREL and PUBCOMP are a packet id only (§3.4.1 to §3.7.1).
        4..=7 if size - header_len != 2 => {
            return Err(malformed(format!(
                "remaining length {} where MQTT 3.1.1 has 2",
                size - header_len
            )))
        }
        15 => return Err(malformed("AUTH does not exist in MQTT 3.1.1")),
        _ => {}
    }
    let packet = Packet::read(buf, usize::MAX).map_err(|e| match e {
        mqttbytes::Error::InsufficientBytes(_) => malformed("truncated packet"),
        other => malformed(other.to_string()),
    })?;
    let mut inbound = convert(packet)?;
    if let (Inbound::Connect(connect), Some(password)) = (&mut inbound, password) {
        connect.password = (!password.is_empty()).then_some(p::Password(password));
    }
    Ok(Some(inbound))
}

fn qos(q: mqttbytes::QoS) -> QoS {
    match q {
        mqttbytes::QoS::AtMostOnce => QoS::AtMostOnce,
        mqttbytes::QoS::AtLeastOnce => QoS::AtLeastOnce,
        mqttbytes::QoS::ExactlyOnce => QoS::ExactlyOnce,
    }
}

/// The broker's packet for what rumqttc parsed, after the rules rumqttc does not enforce.
fn convert(packet: Packet) -> Result<Inbound, DecodeError> {
    Ok(match packet {
        Packet::Connect(c) => {
            reject_nul(&c.client_id, "client id")?;
            let will = match c.last_will {
                Some(will) => {
                    reject_nul(&will.topic, "will topic")?;
                    Some(Box::new(p::Will {
                        message: p::Message {
                            topic: will.topic.into(),
                            payload: will.message,
                            qos: qos(will.qos),
                            retain: will.retain,
                            properties: None,
                            expiry: None,
                            origin: None,
                        },
                        delay: 0,
                        expiry_interval: None,
                    }))
                }
                None => None,
            };
            let (username, password) = match c.login {
                Some(login) => {
                    reject_nul(&login.username, "username")?;
                    let password = (!login.password.is_empty())
                        .then(|| p::Password(Bytes::from(login.password.into_bytes())));
                    (Some(login.username), password)
                }
                None => (None, None),
            };
            // Clean Session 1 ends the session with the connection; 0 keeps it for good
            // [MQTT-3.1.2-4, MQTT-3.1.2-6].
            let expiry = if c.clean_session { 0 } else { NEVER_EXPIRES };
            let mut connect = p::Connect::new(Version::V311, c.clean_session, c.keep_alive, expiry);
            connect.client_id = c.client_id;
            connect.will = will;
            connect.username = username;
            connect.password = password;
            Inbound::Connect(Box::new(connect))
        }
        Packet::Publish(publish) => {
            reject_nul(&publish.topic, "topic")?;
            Inbound::Publish(p::Publish {
                topic: publish.topic,
                qos: qos(publish.qos),
                retain: publish.retain,
                dup: publish.dup,
                pkid: publish.pkid,
                payload: publish.payload,
                properties: Default::default(),
                expiry_interval: None,
                topic_alias: None,
            })
        }
        Packet::PubAck(a) => Inbound::PubAck(a.pkid, 0),
        Packet::PubRec(a) => Inbound::PubRec(a.pkid, 0),
        Packet::PubRel(a) => Inbound::PubRel(a.pkid, 0),
        Packet::PubComp(a) => Inbound::PubComp(a.pkid, 0),
        Packet::Subscribe(s) => {
            if s.pkid == 0 {
                return Err(malformed("SUBSCRIBE with packet id 0 [MQTT-2.3.1-1]"));
            }
            let mut filters = Vec::with_capacity(s.filters.len());
            for f in s.filters {
                reject_nul(&f.path, "topic filter")?;
                filters.push(p::SubscribeFilter {
                    filter: f.path,
                    qos: qos(f.qos),
                    no_local: false,
                    retain_as_published: false,
                    retain_handling: RetainHandling::OnSubscribe,
                });
            }
            Inbound::Subscribe(p::Subscribe {
                pkid: s.pkid,
                subscription_id: None,
                filters,
            })
        }
        Packet::Unsubscribe(u) => {
            if u.pkid == 0 {
                return Err(malformed("UNSUBSCRIBE with packet id 0 [MQTT-2.3.1-1]"));
            }
            if u.topics.is_empty() {
                return Err(malformed("UNSUBSCRIBE without filters [MQTT-3.10.3-2]"));
            }
            for t in &u.topics {
                reject_nul(t, "topic filter")?;
            }
            Inbound::Unsubscribe(p::Unsubscribe {
                pkid: u.pkid,
                filters: u.topics,
            })
        }
        Packet::PingReq => Inbound::PingReq,
        Packet::Disconnect => Inbound::Disconnect(p::Disconnect {
            reason: reason::SUCCESS,
            session_expiry: None,
        }),
        other => {
            return Err(protocol(format!(
                "a client may not send {}",
                packet_name(&other)
            )))
        }
    })
}

fn packet_name(packet: &Packet) -> &'static str {
    match packet {
        Packet::ConnAck(_) => "CONNACK",
        Packet::SubAck(_) => "SUBACK",
        Packet::UnsubAck(_) => "UNSUBACK",
        Packet::PingResp => "PINGRESP",
        _ => "this packet",
    }
}

/// The size of a PUBLISH on the wire.
pub fn publish_size(publish: &OutPublish<'_>) -> usize {
    let remaining = remaining_publish(publish);
    1 + framing::varint_len(remaining) + remaining
}

fn remaining_publish(publish: &OutPublish<'_>) -> usize {
    let pkid = if publish.qos == QoS::AtMostOnce { 0 } else { 2 };
    2 + publish.topic.len() + pkid + publish.payload.len()
}

/// Writes a PUBLISH straight from its parts, without building an owned packet per subscriber.
/// MQTT 5 properties, topic aliases and subscription identifiers have no place in it.
pub fn encode_publish(buf: &mut BytesMut, publish: &OutPublish<'_>) {
    let remaining = remaining_publish(publish);
    buf.reserve(5 + remaining);
    buf.put_u8(
        0x30 | (u8::from(publish.dup) << 3) | ((publish.qos as u8) << 1) | u8::from(publish.retain),
    );
    framing::put_varint(buf, remaining);
    buf.put_u16(publish.topic.len() as u16);
    buf.put_slice(publish.topic.as_bytes());
    if publish.qos != QoS::AtMostOnce {
        buf.put_u16(publish.pkid);
    }
    buf.put_slice(publish.payload);
}

/// SUBACK return code for a v5 reason code: granted QoS, or 0x80 for any failure
/// [MQTT-3.9.3-2].
fn suback_code(code: u8) -> wire::SubscribeReasonCode {
    match code {
        0 => wire::SubscribeReasonCode::Success(mqttbytes::QoS::AtMostOnce),
        1 => wire::SubscribeReasonCode::Success(mqttbytes::QoS::AtLeastOnce),
        2 => wire::SubscribeReasonCode::Success(mqttbytes::QoS::ExactlyOnce),
        _ => wire::SubscribeReasonCode::Failure,
    }
}

fn return_code(code: u8) -> wire::ConnectReturnCode {
    match reason::connack_to_v311(code) {
        0 => wire::ConnectReturnCode::Success,
        1 => wire::ConnectReturnCode::RefusedProtocolVersion,
        2 => wire::ConnectReturnCode::BadClientId,
        3 => wire::ConnectReturnCode::ServiceUnavailable,
        4 => wire::ConnectReturnCode::BadUserNamePassword,
        _ => wire::ConnectReturnCode::NotAuthorized,
    }
}

/// Writes any other packet the broker sends, narrowed to what 3.1.1 can say: CONNACK return
/// codes 0–5, SUBACK 0x80 for every refusal; no properties, and no server DISCONNECT (the
/// connection is simply closed).
pub fn encode(buf: &mut BytesMut, packet: &Outbound) {
    let packet = match packet {
        Outbound::ConnAck {
            session_present,
            reason,
            ..
        } => Packet::ConnAck(wire::ConnAck::new(return_code(*reason), *session_present)),
        Outbound::PubAck(pkid, _) => Packet::PubAck(wire::PubAck::new(*pkid)),
        Outbound::PubRec(pkid, _) => Packet::PubRec(wire::PubRec::new(*pkid)),
        Outbound::PubRel(pkid, _) => Packet::PubRel(wire::PubRel::new(*pkid)),
        Outbound::PubComp(pkid, _) => Packet::PubComp(wire::PubComp::new(*pkid)),
        Outbound::SubAck(pkid, codes) => Packet::SubAck(wire::SubAck::new(
            *pkid,
            codes.iter().map(|&c| suback_code(c)).collect(),
        )),
        Outbound::UnsubAck(pkid, _) => Packet::UnsubAck(wire::UnsubAck::new(*pkid)),
        Outbound::PingResp => Packet::PingResp,
        Outbound::Disconnect(..) => return,
    };
    // Only packets the broker builds itself come here; none can exceed the size limit.
    let _ = packet.write(buf, usize::MAX);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rumqttc::mqttbytes::v4::{Connect, Publish};

    fn decode_all(bytes: &[u8]) -> Result<Option<Inbound>, DecodeError> {
        decode(&mut BytesMut::from(bytes), 1 << 20)
    }

    fn connect_bytes() -> BytesMut {
        let mut buf = BytesMut::new();
        Packet::Connect(Connect::new("c1"))
            .write(&mut buf, usize::MAX)
            .unwrap();
        buf
    }

    #[test]
    fn valid_connect_decodes() {
        assert!(matches!(
            decode_all(&connect_bytes()),
            Ok(Some(Inbound::Connect(_)))
        ));
    }

    #[test]
    fn partial_packet_waits_for_more() {
        let full = connect_bytes();
        for cut in 0..full.len() {
            assert!(matches!(decode_all(&full[..cut]), Ok(None)), "cut at {cut}");
        }
    }

    #[test]
    fn connect_reserved_flag_is_malformed_mqtt_3_1_2_3() {
        let mut bytes = connect_bytes();
        bytes[9] |= 0x01; // flags byte: 2 fixed header + 6 name + 1 level
        assert!(matches!(decode_all(&bytes), Err(DecodeError::Malformed(_))));
    }

    #[test]
    fn the_v4_decoder_refuses_levels_other_than_4_mqtt_3_1_2_2() {
        let mut bytes = connect_bytes();
        bytes[8] = 5;
        assert!(matches!(
            decode_all(&bytes),
            Err(DecodeError::UnsupportedProtocol { level: 5, .. })
        ));
    }

    #[test]
    fn reserved_fixed_header_flags_are_malformed_mqtt_2_2_2_2() {
        // PUBREL must have flags 0010.
        assert!(matches!(
            decode_all(&[0x60, 2, 0, 1]),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode_all(&[0x62, 2, 0, 1]),
            Ok(Some(Inbound::PubRel(..)))
        ));
        // PINGREQ with a flag bit.
        assert!(matches!(
            decode_all(&[0xc1, 0]),
            Err(DecodeError::Malformed(_))
        ));
        // Packet types 0 and 15 are reserved.
        assert!(decode_all(&[0x00, 0]).is_err());
        assert!(decode_all(&[0xf0, 0]).is_err());
    }

    #[test]
    fn qos0_publish_with_dup_is_malformed_mqtt_3_3_1_2() {
        assert!(decode_all(&[0x38, 5, 0, 1, b'a', b'x', b'y']).is_err());
        assert!(matches!(
            decode_all(&[0x30, 5, 0, 1, b'a', b'x', b'y']),
            Ok(Some(Inbound::Publish(_)))
        ));
    }

    #[test]
    fn five_byte_remaining_length_is_malformed() {
        assert!(decode_all(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01]).is_err());
    }

    #[test]
    fn oversize_packet_is_refused_before_it_arrives() {
        let mut buf = BytesMut::from(&[0x30u8, 0xff, 0xff, 0x03][..]);
        assert!(matches!(
            decode(&mut buf, 1000),
            Err(DecodeError::TooLarge { .. })
        ));
    }

    #[test]
    fn subscribe_reserved_option_bits_are_malformed_mqtt_3_8_3_4() {
        let ok = [0x82, 6, 0, 1, 0, 1, b'a', 0x01];
        assert!(matches!(decode_all(&ok), Ok(Some(Inbound::Subscribe(_)))));
        let bad = [0x82, 6, 0, 1, 0, 1, b'a', 0x05];
        assert!(decode_all(&bad).is_err());
    }

    #[test]
    fn nul_in_topic_and_invalid_utf8_are_malformed_mqtt_1_5_3() {
        assert!(decode_all(&[0x30, 5, 0, 2, b'a', 0, b'x']).is_err());
        assert!(decode_all(&[0x30, 5, 0, 2, 0xc3, 0x28, b'x']).is_err());
    }

    /// A 3.1.1 CONNECT for client id "c" with user "u" and `password`, optionally with a will.
    fn connect_with_password(password: &[u8], will: bool) -> Vec<u8> {
        let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', 4];
        body.push(0xc2 | if will { 0x04 } else { 0 });
        body.extend([0, 60, 0, 1, b'c']);
        if will {
            body.extend([0, 1, b'w', 0, 2, 0xff, 0x00]);
        }
        body.extend([0, 1, b'u']);
        body.extend((password.len() as u16).to_be_bytes());
        body.extend(password);
        let mut frame = BytesMut::from(&[0x10u8][..]);
        framing::put_varint(&mut frame, body.len());
        frame.extend_from_slice(&body);
        frame.to_vec()
    }

    #[test]
    fn password_is_binary_data_mqtt_3_1_3_5() {
        let password: Vec<u8> = (0..300u32).map(|i| (i * 151 % 256) as u8).collect();
        assert!(std::str::from_utf8(&password).is_err());
        for will in [false, true] {
            let Ok(Some(Inbound::Connect(c))) = decode_all(&connect_with_password(&password, will))
            else {
                panic!("binary password refused (will {will})");
            };
            assert_eq!(c.password.unwrap().0, password);
            assert_eq!(c.username.as_deref(), Some("u"));
            assert_eq!(c.will.is_some(), will);
        }
    }

    #[test]
    fn connect_ending_inside_the_password_is_malformed() {
        let mut bytes = connect_with_password(b"secret", false);
        bytes[1] -= 1;
        bytes.pop();
        assert!(matches!(decode_all(&bytes), Err(DecodeError::Malformed(_))));
    }

    #[test]
    fn acks_other_than_2_bytes_and_pingreq_with_a_body_are_malformed_sections_3_4_1_3_12_1() {
        for byte1 in [0x40u8, 0x50, 0x62, 0x70] {
            assert!(decode_all(&[byte1, 2, 0, 1]).is_ok(), "{byte1:#x}");
            assert!(
                matches!(
                    decode_all(&[byte1, 3, 0, 1, 0]),
                    Err(DecodeError::Malformed(_))
                ),
                "{byte1:#x}"
            );
            assert!(decode_all(&[byte1, 1, 0]).is_err(), "{byte1:#x}");
        }
        assert!(matches!(decode_all(&[0xc0, 0]), Ok(Some(Inbound::PingReq))));
        for byte1 in [0xc0u8, 0xe0] {
            assert!(matches!(
                decode_all(&[byte1, 1, 0]),
                Err(DecodeError::Malformed(_))
            ));
        }
    }

    #[test]
    fn empty_unsubscribe_is_malformed_mqtt_3_10_3_2() {
        assert!(decode_all(&[0xa2, 2, 0, 1]).is_err());
    }

    #[test]
    fn encode_publish_matches_rumqttc() {
        for (qos, pkid) in [
            (QoS::AtMostOnce, 0),
            (QoS::AtLeastOnce, 7),
            (QoS::ExactlyOnce, 9),
        ] {
            for size in [0usize, 10, 200, 20_000] {
                let payload = vec![0xab; size];
                let mut ours = BytesMut::new();
                let publish = OutPublish {
                    topic: "a/b",
                    qos,
                    retain: true,
                    dup: pkid == 9,
                    pkid,
                    payload: &payload,
                    properties: None,
                    expiry_interval: Some(5),
                    subscription_ids: &[1],
                    topic_alias: None,
                };
                encode_publish(&mut ours, &publish);
                assert_eq!(publish_size(&publish), ours.len());
                let mut theirs = BytesMut::new();
                let wire_qos = match qos {
                    QoS::AtMostOnce => mqttbytes::QoS::AtMostOnce,
                    QoS::AtLeastOnce => mqttbytes::QoS::AtLeastOnce,
                    QoS::ExactlyOnce => mqttbytes::QoS::ExactlyOnce,
                };
                let mut p = Publish::new("a/b", wire_qos, payload.clone());
                p.pkid = pkid;
                p.retain = true;
                p.dup = pkid == 9;
                Packet::Publish(p).write(&mut theirs, usize::MAX).unwrap();
                assert_eq!(ours, theirs, "qos {qos:?} size {size}");
            }
        }
    }
}
