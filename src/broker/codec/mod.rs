//! Bytes to packets and back, for both protocol versions.
//!
//! The version is chosen by the first packet, CONNECT ([`decode_connect`]); after it every
//! packet of the connection goes through the same version's module: `v4.rs` (MQTT 3.1.1, on
//! rumqttc's codec plus the checks a server must add) and `v5.rs` (MQTT 5, written here, with
//! every property checked for its packet, its type and duplicates). Both decode into the
//! broker's [`packet`](super::packet) types and encode from them; the 3.1.1 encoder drops what
//! a 3.1.1 client cannot receive (properties, reason codes other than CONNACK's and SUBACK's,
//! server DISCONNECT). Any violation is a [`DecodeError`], after which the connection is
//! closed [MQTT-4.8.0-1, MQTT-4.13.1-1].

mod reader;
mod v4;
mod v5;

use bytes::BytesMut;

use super::packet::{Connect, Inbound, MessageProperties, Outbound, QoS, Version};
use crate::framing;
use crate::reason;

/// Why the bytes from a client cannot be a valid packet.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes cannot be parsed as the packet they claim to be (reason 0x81).
    #[error("malformed packet: {0}")]
    Malformed(String),
    /// The packet parses but breaks a rule of the protocol (reason 0x82).
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The packet is larger than the broker's maximum (reason 0x95).
    #[error("packet of {size} bytes exceeds the maximum of {max}")]
    TooLarge {
        /// The packet's size.
        size: usize,
        /// The broker's maximum.
        max: usize,
    },
    /// A CONNECT for a protocol level the broker does not speak: answer CONNACK with
    /// "unsupported protocol version", then close [MQTT-3.1.2-2].
    #[error("unsupported protocol {name:?} level {level}")]
    UnsupportedProtocol {
        /// Protocol name.
        name: String,
        /// Protocol level.
        level: u8,
    },
}

impl DecodeError {
    /// The MQTT 5 reason code that reports this error to the client.
    pub fn reason_code(&self) -> u8 {
        match self {
            DecodeError::Malformed(_) => reason::MALFORMED_PACKET,
            DecodeError::Protocol(_) => reason::PROTOCOL_ERROR,
            DecodeError::TooLarge { .. } => reason::PACKET_TOO_LARGE,
            DecodeError::UnsupportedProtocol { .. } => reason::UNSUPPORTED_PROTOCOL_VERSION,
        }
    }
}

pub(crate) fn malformed(why: impl Into<String>) -> DecodeError {
    DecodeError::Malformed(why.into())
}

pub(crate) fn protocol(why: impl Into<String>) -> DecodeError {
    DecodeError::Protocol(why.into())
}

/// A complete frame at the front of `buf`: `(first byte, header length, total size)`; `None`
/// until all of it has arrived. Refuses a frame larger than `max` as soon as its length is
/// known, before its body arrives.
fn frame(buf: &mut BytesMut, max: usize) -> Result<Option<(u8, usize, usize)>, DecodeError> {
    let Some((byte1, header_len, remaining)) = framing::fixed_header(buf)
        .map_err(|_| malformed("remaining length longer than 4 bytes [MQTT-1.5.5-1]"))?
    else {
        return Ok(None);
    };
    check_flags(byte1)?;
    let size = header_len + remaining;
    if size > max {
        return Err(DecodeError::TooLarge { size, max });
    }
    if buf.len() < size {
        buf.reserve(size - buf.len());
        return Ok(None);
    }
    Ok(Some((byte1, header_len, size)))
}

/// Checks the low nibble of the first byte [MQTT-2.2.2-1, MQTT-2.2.2-2] (the same rules in
/// both versions; AUTH, type 15, is checked by the v5 decoder).
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
        1..=15 => flags == 0,
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

/// The protocol level a CONNECT at the front of `buf` announces, once enough has arrived.
pub fn connect_version(buf: &[u8]) -> Option<Version> {
    let (_, header_len, _) = framing::fixed_header(buf).ok()??;
    let body = buf.get(header_len..)?;
    let name_len = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?]));
    match body.get(2 + name_len)? {
        5 => Some(Version::V5),
        _ => Some(Version::V311),
    }
}

/// Takes the first packet of a connection off `buf`: a CONNECT, whose protocol level chooses
/// the version of every later packet. `Ok(None)` until it is complete.
pub fn decode_connect(buf: &mut BytesMut, max: usize) -> Result<Option<Connect>, DecodeError> {
    let Some((byte1, header_len, size)) = frame(buf, max)? else {
        return Ok(None);
    };
    if byte1 >> 4 != 1 {
        return Err(protocol(format!(
            "first packet is of type {}, not CONNECT [MQTT-3.1.0-1]",
            byte1 >> 4
        )));
    }
    let level = protocol_level(&buf[header_len..size])?;
    let packet = match level {
        4 => v4::decode(buf, max)?,
        5 => {
            let frame = buf.split_to(size).freeze();
            Some(v5::decode_frame(byte1, frame.slice(header_len..))?)
        }
        _ => unreachable!("protocol_level accepts 4 and 5 only"),
    };
    match packet {
        Some(Inbound::Connect(connect)) => Ok(Some(*connect)),
        _ => Err(malformed("CONNECT did not decode as CONNECT")),
    }
}

/// The protocol level of CONNECT's variable header, when the broker speaks it.
fn protocol_level(body: &[u8]) -> Result<u8, DecodeError> {
    let mut r = reader::Reader::new(body);
    let name = r.raw_field()?;
    let level = r.u8()?;
    let name = String::from_utf8_lossy(name).into_owned();
    match (name.as_str(), level) {
        ("MQTT", 4 | 5) => Ok(level),
        ("MQTT", _) | ("MQIsdp", _) => Err(DecodeError::UnsupportedProtocol { name, level }),
        _ => Err(malformed(format!(
            "unknown protocol name {name:?} [MQTT-3.1.2-1]"
        ))),
    }
}

/// Takes one complete packet of a connection speaking `version` off the front of `buf`;
/// `Ok(None)` when more bytes are needed.
pub fn decode(
    version: Version,
    buf: &mut BytesMut,
    max: usize,
) -> Result<Option<Inbound>, DecodeError> {
    match version {
        Version::V311 => v4::decode(buf, max),
        Version::V5 => {
            let Some((byte1, header_len, size)) = frame(buf, max)? else {
                return Ok(None);
            };
            let frame = buf.split_to(size).freeze();
            v5::decode_frame(byte1, frame.slice(header_len..)).map(Some)
        }
    }
}

/// A PUBLISH the broker sends, borrowed from the delivery it carries.
#[derive(Debug, Clone, Copy)]
pub struct OutPublish<'a> {
    /// Topic name; empty when `topic_alias` is set to an alias the client already knows.
    pub topic: &'a str,
    /// QoS.
    pub qos: QoS,
    /// RETAIN flag.
    pub retain: bool,
    /// DUP flag.
    pub dup: bool,
    /// Packet identifier (ignored at QoS 0).
    pub pkid: u16,
    /// Payload.
    pub payload: &'a [u8],
    /// Properties passed on from the publisher.
    pub properties: Option<&'a MessageProperties>,
    /// Message Expiry Interval left.
    pub expiry_interval: Option<u32>,
    /// Subscription Identifiers.
    pub subscription_ids: &'a [u32],
    /// Topic Alias.
    pub topic_alias: Option<u16>,
}

/// Appends a PUBLISH in `version`, unless it would be larger than `max` (the client's
/// Maximum Packet Size; a 3.1.1 client has none): then nothing is written and it returns
/// false.
pub fn encode_publish(
    version: Version,
    buf: &mut BytesMut,
    publish: &OutPublish<'_>,
    max: usize,
) -> bool {
    match version {
        Version::V311 if v4::publish_size(publish) > max => false,
        Version::V311 => {
            v4::encode_publish(buf, publish);
            true
        }
        Version::V5 => v5::encode_publish(buf, publish, max),
    }
}

/// Appends any other packet the broker sends. `max` is the client's Maximum Packet Size: a
/// Reason String that would make the packet larger is left out [MQTT-3.2.2-19, MQTT-3.14.2-3].
pub fn encode(version: Version, buf: &mut BytesMut, packet: &Outbound, max: usize) {
    match version {
        Version::V311 => v4::encode(buf, packet),
        Version::V5 => v5::encode(buf, packet, max),
    }
}
