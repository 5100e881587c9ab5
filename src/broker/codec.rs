//! Framing and validation of the packets a client sends, and encoding of what the broker sends.
//!
//! Decoding is rumqttc's MQTT 3.1.1 codec (`rumqttc::mqttbytes::v4`), wrapped with the checks
//! that codec leaves out but the specification requires of a server: fixed-header flag bits,
//! CONNECT's reserved flag and protocol level, U+0000 in strings, reserved SUBSCRIBE option
//! bits, empty UNSUBSCRIBE. Any violation is a [`DecodeError`], after which the connection is
//! closed [MQTT-4.8.0-1].

use bytes::{BufMut, BytesMut};
use rumqttc::mqttbytes::v4::Packet;
use rumqttc::mqttbytes::{self, QoS};

use crate::framing;

/// Why the bytes from a client cannot be a valid packet.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// The packet breaks the specification; the connection must be closed.
    #[error("malformed packet: {0}")]
    Malformed(String),
    /// The packet is larger than the configured maximum.
    #[error("packet of {size} bytes exceeds the maximum of {max}")]
    TooLarge { size: usize, max: usize },
    /// A CONNECT for a protocol level other than 4 (MQTT 3.1.1): answer CONNACK 1
    /// [MQTT-3.1.2-2], then close.
    #[error("unsupported protocol {name:?} level {level}")]
    UnsupportedProtocol { name: String, level: u8 },
}

fn malformed(reason: impl Into<String>) -> DecodeError {
    DecodeError::Malformed(reason.into())
}

/// The fixed header: first byte, header length and remaining length; `None` until complete.
fn fixed_header(buf: &[u8]) -> Result<Option<(u8, usize, usize)>, DecodeError> {
    framing::fixed_header(buf).map_err(|_| malformed("remaining length longer than 4 bytes"))
}

/// Checks the low nibble of the first byte [MQTT-2.2.2-1, MQTT-2.2.2-2].
fn check_flags(byte1: u8) -> Result<(), DecodeError> {
    let (kind, flags) = (byte1 >> 4, byte1 & 0x0f);
    let ok = match kind {
        3 => {
            let qos = (flags >> 1) & 0b11;
            if qos == 3 {
                return Err(malformed("PUBLISH with QoS 3 [MQTT-3.3.1-4]"));
            }
            // DUP must be 0 for QoS 0 [MQTT-3.3.1-2].
            !(qos == 0 && flags & 0b1000 != 0)
        }
        6 | 8 | 10 => flags == 0b0010,
        1..=14 => flags == 0,
        _ => return Err(malformed(format!("reserved packet type {kind}"))),
    };
    if ok {
        Ok(())
    } else {
        Err(malformed(format!(
            "invalid flags {flags:#06b} for packet type {kind} [MQTT-2.2.2-2]"
        )))
    }
}

/// Reads a length-prefixed field at `pos`, returning it and the position after it.
fn field(frame: &[u8], pos: usize) -> Result<(&[u8], usize), DecodeError> {
    let len_bytes = frame
        .get(pos..pos + 2)
        .ok_or_else(|| malformed("truncated field"))?;
    let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
    let data = frame
        .get(pos + 2..pos + 2 + len)
        .ok_or_else(|| malformed("field longer than the packet"))?;
    Ok((data, pos + 2 + len))
}

/// Checks CONNECT's variable header before rumqttc parses it (`body` is past the fixed header).
fn check_connect(body: &[u8]) -> Result<(), DecodeError> {
    let (name, pos) = field(body, 0)?;
    let level = *body
        .get(pos)
        .ok_or_else(|| malformed("CONNECT without protocol level"))?;
    let name = String::from_utf8_lossy(name).into_owned();
    match (name.as_str(), level) {
        ("MQTT", 4) => {}
        ("MQTT", _) | ("MQIsdp", _) => {
            return Err(DecodeError::UnsupportedProtocol { name, level });
        }
        _ => {
            return Err(malformed(format!(
                "unknown protocol name {name:?} [MQTT-3.1.2-1]"
            )))
        }
    }
    let flags = *body
        .get(pos + 1)
        .ok_or_else(|| malformed("CONNECT without flags"))?;
    if flags & 0x01 != 0 {
        return Err(malformed("CONNECT reserved flag set [MQTT-3.1.2-3]"));
    }
    if flags & 0x40 != 0 && flags & 0x80 == 0 {
        return Err(malformed(
            "CONNECT password flag without username flag [MQTT-3.1.2-22]",
        ));
    }
    Ok(())
}

/// Checks the reserved bits of every requested-QoS byte in SUBSCRIBE [MQTT-3.8.3-4].
fn check_subscribe(body: &[u8]) -> Result<(), DecodeError> {
    let mut pos = 2;
    while pos < body.len() {
        let (_, after) = field(body, pos)?;
        let options = *body
            .get(after)
            .ok_or_else(|| malformed("SUBSCRIBE filter without options"))?;
        if options & 0xfc != 0 {
            return Err(malformed(
                "SUBSCRIBE reserved option bits set [MQTT-3.8.3-4]",
            ));
        }
        pos = after + 1;
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

/// Checks what rumqttc parsed for rules it does not enforce.
fn check_decoded(packet: &Packet) -> Result<(), DecodeError> {
    match packet {
        Packet::Connect(c) => {
            reject_nul(&c.client_id, "client id")?;
            if let Some(will) = &c.last_will {
                reject_nul(&will.topic, "will topic")?;
            }
            if let Some(login) = &c.login {
                reject_nul(&login.username, "username")?;
            }
        }
        Packet::Publish(p) => reject_nul(&p.topic, "topic")?,
        Packet::Subscribe(s) => {
            if s.pkid == 0 {
                return Err(malformed("SUBSCRIBE with packet id 0 [MQTT-2.3.1-1]"));
            }
            for f in &s.filters {
                reject_nul(&f.path, "topic filter")?;
            }
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
        }
        _ => {}
    }
    Ok(())
}

/// Takes one complete packet off the front of `buf`; `Ok(None)` when more bytes are needed.
pub fn decode(buf: &mut BytesMut, max_packet_size: usize) -> Result<Option<Packet>, DecodeError> {
    let Some((byte1, header_len, remaining)) = fixed_header(buf)? else {
        return Ok(None);
    };
    check_flags(byte1)?;
    let size = header_len + remaining;
    if size > max_packet_size {
        return Err(DecodeError::TooLarge {
            size,
            max: max_packet_size,
        });
    }
    if buf.len() < size {
        buf.reserve(size - buf.len());
        return Ok(None);
    }
    let body = &buf[header_len..size];
    match byte1 >> 4 {
        1 => check_connect(body)?,
        8 => check_subscribe(body)?,
        _ => {}
    }
    let packet = Packet::read(buf, usize::MAX).map_err(|e| match e {
        mqttbytes::Error::InsufficientBytes(_) => malformed("truncated packet"),
        other => malformed(other.to_string()),
    })?;
    check_decoded(&packet)?;
    Ok(Some(packet))
}

/// Writes a PUBLISH straight from its parts, without building an owned packet per subscriber.
pub fn encode_publish(
    buf: &mut BytesMut,
    topic: &str,
    payload: &[u8],
    qos: QoS,
    pkid: u16,
    retain: bool,
    dup: bool,
) {
    let has_pkid = qos != QoS::AtMostOnce;
    let remaining = 2 + topic.len() + usize::from(has_pkid) * 2 + payload.len();
    buf.reserve(5 + remaining);
    buf.put_u8(0x30 | (u8::from(dup) << 3) | ((qos as u8) << 1) | u8::from(retain));
    framing::put_varint(buf, remaining);
    buf.put_u16(topic.len() as u16);
    buf.put_slice(topic.as_bytes());
    if has_pkid {
        buf.put_u16(pkid);
    }
    buf.put_slice(payload);
}

/// Writes any other packet the broker sends (acks, CONNACK, SUBACK, PINGRESP).
pub fn encode(buf: &mut BytesMut, packet: &Packet) {
    // Only packets the broker builds itself come here; none can exceed the size limit.
    let _ = packet.write(buf, usize::MAX);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rumqttc::mqttbytes::v4::{Connect, Publish};

    fn decode_all(bytes: &[u8]) -> Result<Option<Packet>, DecodeError> {
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
            Ok(Some(Packet::Connect(_)))
        ));
    }

    #[test]
    fn partial_packet_waits_for_more() {
        let full = connect_bytes();
        for cut in 0..full.len() {
            assert_eq!(decode_all(&full[..cut]), Ok(None), "cut at {cut}");
        }
    }

    #[test]
    fn connect_reserved_flag_is_malformed_mqtt_3_1_2_3() {
        let mut bytes = connect_bytes();
        bytes[9] |= 0x01; // flags byte: 2 fixed header + 6 name + 1 level
        assert!(matches!(decode_all(&bytes), Err(DecodeError::Malformed(_))));
    }

    #[test]
    fn connect_level_3_and_5_are_unsupported_mqtt_3_1_2_2() {
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
            Ok(Some(Packet::PubRel(_)))
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
            Ok(Some(Packet::Publish(_)))
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
        assert!(matches!(decode_all(&ok), Ok(Some(Packet::Subscribe(_)))));
        let bad = [0x82, 6, 0, 1, 0, 1, b'a', 0x05];
        assert!(decode_all(&bad).is_err());
    }

    #[test]
    fn nul_in_topic_and_invalid_utf8_are_malformed_mqtt_1_5_3() {
        assert!(decode_all(&[0x30, 5, 0, 2, b'a', 0, b'x']).is_err());
        assert!(decode_all(&[0x30, 5, 0, 2, 0xc3, 0x28, b'x']).is_err());
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
                encode_publish(&mut ours, "a/b", &payload, qos, pkid, true, pkid == 9);
                let mut theirs = BytesMut::new();
                let mut p = Publish::new("a/b", qos, payload);
                p.pkid = pkid;
                p.retain = true;
                p.dup = pkid == 9;
                Packet::Publish(p).write(&mut theirs, usize::MAX).unwrap();
                assert_eq!(ours, theirs, "qos {qos:?} size {size}");
            }
        }
    }
}
