//! The packets of the bench's lean client, MQTT 3.1.1 and 5.
//!
//! The hot path is encoded and decoded here directly on byte buffers, without allocating:
//! PUBLISH (its header written in front of a payload the caller appends), the two-byte-id
//! acknowledgements, PINGREQ and DISCONNECT. CONNECT, with its many options, goes through
//! rumqttc's codec, as does CONNACK (for its MQTT 5 properties). [`decode`] reads one packet a
//! broker may send, borrowing from the read buffer, and never panics on malformed input.

use bytes::{BufMut, BytesMut};

use crate::conn::Protocol;
use crate::framing::{self, put_varint, read_varint, varint_len};

/// Packet types (the high nibble of the first byte).
mod kind {
    pub const CONNACK: u8 = 2;
    pub const PUBLISH: u8 = 3;
    pub const PUBACK: u8 = 4;
    pub const PUBREC: u8 = 5;
    pub const PUBREL: u8 = 6;
    pub const PUBCOMP: u8 = 7;
    pub const SUBACK: u8 = 9;
    pub const UNSUBACK: u8 = 11;
    pub const PINGRESP: u8 = 13;
    pub const DISCONNECT: u8 = 14;
}

/// PINGREQ.
pub const PINGREQ: [u8; 2] = [0xc0, 0x00];
/// DISCONNECT; in MQTT 5 a remaining length of 0 means reason 0x00, normal disconnection
/// [MQTT-3.14.2-1].
pub const DISCONNECT: [u8; 2] = [0xe0, 0x00];

/// The largest remaining length the protocol can express.
pub const MAX_REMAINING: usize = 268_435_455;

/// A packet from the broker, borrowing from the read buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming<'a> {
    /// CONNACK: the whole frame, for [`super::connack`].
    ConnAck(&'a [u8]),
    /// PUBLISH.
    Publish {
        /// QoS 0–2.
        qos: u8,
        /// Packet id (0 at QoS 0).
        pkid: u16,
        /// The RETAIN flag: a stored message sent because of a new subscription.
        retain: bool,
        /// Topic name, as on the wire.
        topic: &'a [u8],
        /// Payload.
        payload: &'a [u8],
    },
    /// PUBACK with its reason code (0 in MQTT 3.1.1 or when omitted).
    PubAck { pkid: u16, reason: u8 },
    /// PUBREC with its reason code.
    PubRec { pkid: u16, reason: u8 },
    /// PUBREL.
    PubRel { pkid: u16 },
    /// PUBCOMP.
    PubComp { pkid: u16 },
    /// SUBACK: one return/reason code per filter.
    SubAck { pkid: u16, codes: &'a [u8] },
    /// UNSUBACK.
    UnsubAck,
    /// PINGRESP.
    PingResp,
    /// DISCONNECT from the broker (MQTT 5) with its reason code.
    Disconnect { reason: u8 },
}

/// Bytes that cannot be a packet from a broker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Broken framing or contents.
    #[error("malformed packet from the broker: {0}")]
    Malformed(&'static str),
    /// A packet larger than we accept.
    #[error("the broker sent a packet of {size} bytes, above the limit of {max}")]
    TooLarge { size: usize, max: usize },
    /// A packet a server never sends to a client.
    #[error("the broker sent an unexpected packet (type {0})")]
    Unexpected(u8),
}

/// The size of a PUBLISH with this topic and payload length, whole.
pub fn publish_size(protocol: Protocol, topic: &str, qos: u8, payload_len: usize) -> usize {
    let remaining = publish_remaining(protocol, topic, qos, payload_len);
    1 + varint_len(remaining) + remaining
}

fn publish_remaining(protocol: Protocol, topic: &str, qos: u8, payload_len: usize) -> usize {
    let id = if qos > 0 { 2 } else { 0 };
    let properties = usize::from(protocol == Protocol::V5);
    2 + topic.len() + id + properties + payload_len
}

/// Appends a PUBLISH's fixed and variable header (no properties in MQTT 5); the caller
/// appends exactly `payload_len` bytes of payload next. `topic` must be a valid topic name
/// of at most 65,535 bytes and the packet within [`MAX_REMAINING`] (checked by the caller).
pub fn put_publish_header(
    out: &mut BytesMut,
    protocol: Protocol,
    topic: &str,
    qos: u8,
    retain: bool,
    pkid: u16,
    payload_len: usize,
) {
    out.put_u8(0x30 | (qos << 1) | u8::from(retain));
    put_varint(out, publish_remaining(protocol, topic, qos, payload_len));
    out.put_u16(topic.len() as u16);
    out.put_slice(topic.as_bytes());
    if qos > 0 {
        out.put_u16(pkid);
    }
    if protocol == Protocol::V5 {
        out.put_u8(0);
    }
}

/// The acknowledgements a client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ack {
    /// PUBACK (QoS 1 received).
    PubAck,
    /// PUBREC (QoS 2 received).
    PubRec,
    /// PUBREL (QoS 2 released; reserved flags 0010 [MQTT-3.6.1-1]).
    PubRel,
    /// PUBCOMP (QoS 2 complete).
    PubComp,
}

/// Appends an acknowledgement. Its two-byte form is MQTT 3.1.1's, and MQTT 5's for reason
/// code 0x00 without properties [MQTT 5.0 §3.4.2.1].
pub fn put_ack(out: &mut BytesMut, ack: Ack, pkid: u16) {
    let first = match ack {
        Ack::PubAck => 0x40,
        Ack::PubRec => 0x50,
        Ack::PubRel => 0x62,
        Ack::PubComp => 0x70,
    };
    out.put_u8(first);
    out.put_u8(2);
    out.put_u16(pkid);
}

/// Appends a SUBSCRIBE of `filters`, all at `qos` (valid filters, checked by the caller).
pub fn put_subscribe(
    out: &mut BytesMut,
    protocol: Protocol,
    pkid: u16,
    filters: &[String],
    qos: u8,
) {
    let properties = usize::from(protocol == Protocol::V5);
    let remaining = 2 + properties + filters.iter().map(|f| 2 + f.len() + 1).sum::<usize>();
    out.put_u8(0x82);
    put_varint(out, remaining);
    out.put_u16(pkid);
    if protocol == Protocol::V5 {
        out.put_u8(0);
    }
    for f in filters {
        out.put_u16(f.len() as u16);
        out.put_slice(f.as_bytes());
        out.put_u8(qos);
    }
}

fn fixed_header(buf: &[u8]) -> Result<Option<(u8, usize, usize)>, DecodeError> {
    framing::fixed_header(buf)
        .map_err(|_| DecodeError::Malformed("remaining length longer than 4 bytes"))
}

fn u16_at(b: &[u8], i: usize) -> Result<u16, DecodeError> {
    b.get(i..i + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or(DecodeError::Malformed("packet too short"))
}

/// Skips MQTT 5 properties at `b[i..]`: the index after them.
fn skip_properties(b: &[u8], i: usize) -> Result<usize, DecodeError> {
    let rest = b
        .get(i..)
        .ok_or(DecodeError::Malformed("packet too short"))?;
    let (len, n) = read_varint(rest)
        .map_err(|_| DecodeError::Malformed("property length longer than 4 bytes"))?
        .ok_or(DecodeError::Malformed("truncated properties"))?;
    let end = i + n + len;
    if end > b.len() {
        return Err(DecodeError::Malformed("properties beyond the packet"));
    }
    Ok(end)
}

/// Decodes the packet at the start of `buf`: the packet and the bytes it took, or `None`
/// while it is incomplete. `max` bounds the size of one packet.
pub fn decode(
    buf: &[u8],
    protocol: Protocol,
    max: usize,
) -> Result<Option<(Incoming<'_>, usize)>, DecodeError> {
    let Some((first, header, remaining)) = fixed_header(buf)? else {
        return Ok(None);
    };
    let size = header + remaining;
    if size > max {
        return Err(DecodeError::TooLarge { size, max });
    }
    if buf.len() < size {
        return Ok(None);
    }
    let frame = &buf[..size];
    let b = &buf[header..size];
    let v5 = protocol == Protocol::V5;
    let (kind, flags) = (first >> 4, first & 0x0f);
    // The reason code of a v5 acknowledgement: omitted means success.
    let reason = |b: &[u8]| {
        if v5 {
            b.get(2).copied().unwrap_or(0)
        } else {
            0
        }
    };
    let fixed = |expected: u8| -> Result<(), DecodeError> {
        if flags != expected {
            return Err(DecodeError::Malformed(
                "reserved flag bits set [MQTT-2.2.2-2]",
            ));
        }
        Ok(())
    };
    let packet = match kind {
        kind::CONNACK => {
            fixed(0)?;
            Incoming::ConnAck(frame)
        }
        kind::PUBLISH => {
            let qos = (flags >> 1) & 0b11;
            if qos == 3 {
                return Err(DecodeError::Malformed("PUBLISH with QoS 3 [MQTT-3.3.1-4]"));
            }
            let topic_len = usize::from(u16_at(b, 0)?);
            let mut i = 2 + topic_len;
            let topic = b
                .get(2..i)
                .ok_or(DecodeError::Malformed("topic beyond the packet"))?;
            let pkid = if qos > 0 {
                let id = u16_at(b, i)?;
                if id == 0 {
                    return Err(DecodeError::Malformed("packet id 0 [MQTT-2.3.1-1]"));
                }
                i += 2;
                id
            } else {
                0
            };
            if v5 {
                i = skip_properties(b, i)?;
            }
            let payload = b
                .get(i..)
                .ok_or(DecodeError::Malformed("packet too short"))?;
            Incoming::Publish {
                qos,
                pkid,
                retain: flags & 1 == 1,
                topic,
                payload,
            }
        }
        kind::PUBACK => {
            fixed(0)?;
            Incoming::PubAck {
                pkid: u16_at(b, 0)?,
                reason: reason(b),
            }
        }
        kind::PUBREC => {
            fixed(0)?;
            Incoming::PubRec {
                pkid: u16_at(b, 0)?,
                reason: reason(b),
            }
        }
        kind::PUBREL => {
            fixed(2)?;
            Incoming::PubRel {
                pkid: u16_at(b, 0)?,
            }
        }
        kind::PUBCOMP => {
            fixed(0)?;
            Incoming::PubComp {
                pkid: u16_at(b, 0)?,
            }
        }
        kind::SUBACK => {
            fixed(0)?;
            let pkid = u16_at(b, 0)?;
            let i = if v5 { skip_properties(b, 2)? } else { 2 };
            Incoming::SubAck {
                pkid,
                codes: &b[i..],
            }
        }
        kind::UNSUBACK => {
            fixed(0)?;
            Incoming::UnsubAck
        }
        kind::PINGRESP => {
            fixed(0)?;
            Incoming::PingResp
        }
        kind::DISCONNECT if v5 => {
            fixed(0)?;
            Incoming::Disconnect {
                reason: b.first().copied().unwrap_or(0),
            }
        }
        other => return Err(DecodeError::Unexpected(other)),
    };
    Ok(Some((packet, size)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode_all(buf: &[u8], p: Protocol) -> Incoming<'_> {
        let (packet, used) = decode(buf, p, MAX_REMAINING).unwrap().unwrap();
        assert_eq!(used, buf.len());
        packet
    }

    #[test]
    fn publish_round_trips_through_rumqttc_v4() {
        for (qos, pkid) in [(0u8, 0u16), (1, 7), (2, 65_535)] {
            let mut out = BytesMut::new();
            put_publish_header(&mut out, Protocol::V311, "a/b", qos, true, pkid, 3);
            out.put_slice(b"xyz");
            assert_eq!(out.len(), publish_size(Protocol::V311, "a/b", qos, 3));
            let mut copy = out.clone();
            let rumqttc::mqttbytes::v4::Packet::Publish(p) =
                rumqttc::mqttbytes::v4::Packet::read(&mut copy, 1 << 20).unwrap()
            else {
                panic!("not a PUBLISH");
            };
            assert_eq!(
                (p.topic.as_str(), &p.payload[..], p.pkid, p.retain),
                ("a/b", &b"xyz"[..], pkid, true)
            );
            assert_eq!(p.qos as u8, qos);
            let Incoming::Publish {
                qos: q,
                pkid: id,
                retain,
                topic,
                payload,
            } = decode_all(&out, Protocol::V311)
            else {
                panic!("not a PUBLISH");
            };
            assert_eq!(
                (q, id, retain, topic, payload),
                (qos, pkid, true, &b"a/b"[..], &b"xyz"[..])
            );
        }
    }

    #[test]
    fn publish_round_trips_through_rumqttc_v5() {
        let mut out = BytesMut::new();
        put_publish_header(&mut out, Protocol::V5, "t", 1, false, 9, 200);
        out.put_slice(&[7u8; 200]);
        let mut copy = out.clone();
        let rumqttc::v5::mqttbytes::v5::Packet::Publish(p) =
            rumqttc::v5::mqttbytes::v5::Packet::read(&mut copy, None).unwrap()
        else {
            panic!("not a PUBLISH");
        };
        assert_eq!((&p.topic[..], p.payload.len(), p.pkid), (&b"t"[..], 200, 9));
        let Incoming::Publish { payload, .. } = decode_all(&out, Protocol::V5) else {
            panic!("not a PUBLISH");
        };
        assert_eq!(payload, &[7u8; 200][..]);
    }

    #[test]
    fn v5_acks_carry_their_reason_and_may_omit_it() {
        let short = [0x40, 2, 0, 5];
        assert_eq!(
            decode_all(&short, Protocol::V5),
            Incoming::PubAck { pkid: 5, reason: 0 }
        );
        let refused = [0x50, 4, 0, 5, 0x87, 0];
        assert_eq!(
            decode_all(&refused, Protocol::V5),
            Incoming::PubRec {
                pkid: 5,
                reason: 0x87
            }
        );
        let suback = [0x90, 5, 0, 1, 0, 0x01, 0x80];
        assert_eq!(
            decode_all(&suback, Protocol::V5),
            Incoming::SubAck {
                pkid: 1,
                codes: &[0x01, 0x80]
            }
        );
    }

    #[test]
    fn incomplete_input_waits_and_bad_input_is_an_error() {
        assert_eq!(decode(&[0x30], Protocol::V311, 100), Ok(None));
        assert_eq!(decode(&[0x30, 5, 0, 1], Protocol::V311, 100), Ok(None));
        assert!(matches!(
            decode(&[0x30, 0xff, 0xff, 0xff, 0xff, 1], Protocol::V311, 100),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode(&[0x36, 2, 0, 0], Protocol::V311, 100),
            Err(DecodeError::Malformed(_))
        ));
        assert!(matches!(
            decode(&[0x10, 0], Protocol::V311, 100),
            Err(DecodeError::Unexpected(1))
        ));
        assert!(matches!(
            decode(&[0x30, 100], Protocol::V311, 50),
            Err(DecodeError::TooLarge { .. })
        ));
        // A PUBREL without its reserved flags [MQTT-3.6.1-1].
        assert!(matches!(
            decode(&[0x60, 2, 0, 1], Protocol::V311, 100),
            Err(DecodeError::Malformed(_))
        ));
        // A topic longer than the packet.
        assert!(matches!(
            decode(&[0x30, 2, 0, 9], Protocol::V311, 100),
            Err(DecodeError::Malformed(_))
        ));
    }

    proptest! {
        /// Any bytes decode to a packet, to "incomplete", or to an error: never a panic, and
        /// a packet never claims more bytes than there are.
        #[test]
        fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64), v5 in any::<bool>()) {
            let p = if v5 { Protocol::V5 } else { Protocol::V311 };
            if let Ok(Some((_, used))) = decode(&bytes, p, 1 << 16) {
                prop_assert!(used <= bytes.len());
            }
        }
    }
}
