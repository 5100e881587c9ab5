//! MQTT reason codes: one table for the clients (`conn/`) and the broker.
//!
//! MQTT 5 gives every acknowledgement a one-byte reason code (OASIS MQTT 5.0 §2.4); values
//! below 0x80 are successes, 0x80 and above failures. A few codes mean different things in
//! different packets (0x00 is "granted QoS 0" in SUBACK and "normal disconnection" in
//! DISCONNECT), so names are looked up per packet kind. MQTT 3.1.1 has CONNACK return codes
//! 1–5 instead; [`connack_to_v311`] narrows a v5 refusal to the nearest of them.

use std::fmt;

/// The packet a reason code appears in; it decides the name of the few shared values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketKind {
    /// CONNACK.
    ConnAck,
    /// PUBACK, PUBREC, PUBREL or PUBCOMP.
    PubAck,
    /// SUBACK.
    SubAck,
    /// UNSUBACK.
    UnsubAck,
    /// DISCONNECT.
    Disconnect,
    /// AUTH.
    Auth,
}

/// A reason code with its name from the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason {
    /// The code on the wire.
    pub code: u8,
    /// Its name, lower case, e.g. "not authorized".
    pub text: &'static str,
}

impl Reason {
    /// The reason `code` in a packet of `kind`.
    pub fn new(kind: PacketKind, code: u8) -> Reason {
        Reason {
            code,
            text: name(kind, code),
        }
    }

    /// True for codes of 0x80 and above.
    pub fn is_failure(&self) -> bool {
        self.code >= 0x80
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (reason code {:#04x})", self.text, self.code)
    }
}

// The codes the broker sends, by name.
/// Success / normal disconnection / granted QoS 0.
pub const SUCCESS: u8 = 0x00;
/// DISCONNECT from a client: publish the will anyway.
pub const DISCONNECT_WITH_WILL: u8 = 0x04;
/// PUBACK/PUBREC: accepted, but nobody subscribes to the topic.
pub const NO_MATCHING_SUBSCRIBERS: u8 = 0x10;
/// UNSUBACK: there was no such subscription.
pub const NO_SUBSCRIPTION_EXISTED: u8 = 0x11;
/// Unspecified error.
pub const UNSPECIFIED_ERROR: u8 = 0x80;
/// Malformed packet.
pub const MALFORMED_PACKET: u8 = 0x81;
/// Protocol error.
pub const PROTOCOL_ERROR: u8 = 0x82;
/// Implementation specific error.
pub const IMPLEMENTATION_SPECIFIC_ERROR: u8 = 0x83;
/// Unsupported protocol version.
pub const UNSUPPORTED_PROTOCOL_VERSION: u8 = 0x84;
/// Client identifier not valid.
pub const CLIENT_ID_NOT_VALID: u8 = 0x85;
/// Bad user name or password.
pub const BAD_USERNAME_OR_PASSWORD: u8 = 0x86;
/// Not authorized.
pub const NOT_AUTHORIZED: u8 = 0x87;
/// Server unavailable.
pub const SERVER_UNAVAILABLE: u8 = 0x88;
/// Server busy.
pub const SERVER_BUSY: u8 = 0x89;
/// Server shutting down.
pub const SERVER_SHUTTING_DOWN: u8 = 0x8b;
/// Bad authentication method.
pub const BAD_AUTHENTICATION_METHOD: u8 = 0x8c;
/// Keep alive timeout.
pub const KEEP_ALIVE_TIMEOUT: u8 = 0x8d;
/// Session taken over.
pub const SESSION_TAKEN_OVER: u8 = 0x8e;
/// Topic filter invalid.
pub const TOPIC_FILTER_INVALID: u8 = 0x8f;
/// Topic name invalid.
pub const TOPIC_NAME_INVALID: u8 = 0x90;
/// Packet identifier not found.
pub const PACKET_ID_NOT_FOUND: u8 = 0x92;
/// Receive maximum exceeded.
pub const RECEIVE_MAXIMUM_EXCEEDED: u8 = 0x93;
/// Topic alias invalid.
pub const TOPIC_ALIAS_INVALID: u8 = 0x94;
/// Packet too large.
pub const PACKET_TOO_LARGE: u8 = 0x95;
/// Quota exceeded.
pub const QUOTA_EXCEEDED: u8 = 0x97;
/// Payload format invalid.
pub const PAYLOAD_FORMAT_INVALID: u8 = 0x99;
/// Shared subscriptions not supported.
pub const SHARED_SUBSCRIPTIONS_NOT_SUPPORTED: u8 = 0x9e;

/// The specification's name of `code` in a packet of `kind`.
pub fn name(kind: PacketKind, code: u8) -> &'static str {
    use PacketKind as K;
    match (code, kind) {
        (0x00, K::SubAck) => "granted QoS 0",
        (0x00, K::Disconnect) => "normal disconnection",
        (0x00, _) => "success",
        (0x01, K::SubAck) => "granted QoS 1",
        (0x02, K::SubAck) => "granted QoS 2",
        // MQTT 3.1.1 CONNACK return codes (3.1.1 §3.2.2.3).
        (0x01, K::ConnAck) => "unacceptable protocol version",
        (0x02, K::ConnAck) => "identifier rejected",
        (0x03, K::ConnAck) => "server unavailable",
        (0x04, K::ConnAck) => "bad user name or password",
        (0x05, K::ConnAck) => "not authorized",
        (0x04, K::Disconnect) => "disconnect with will message",
        (0x10, _) => "no matching subscribers",
        (0x11, _) => "no subscription existed",
        (0x18, _) => "continue authentication",
        (0x19, _) => "re-authenticate",
        (0x80, _) => "unspecified error",
        (0x81, _) => "malformed packet",
        (0x82, _) => "protocol error",
        (0x83, _) => "implementation specific error",
        (0x84, _) => "unsupported protocol version",
        (0x85, _) => "client identifier not valid",
        (0x86, _) => "bad user name or password",
        (0x87, _) => "not authorized",
        (0x88, _) => "server unavailable",
        (0x89, _) => "server busy",
        (0x8a, _) => "banned",
        (0x8b, _) => "server shutting down",
        (0x8c, _) => "bad authentication method",
        (0x8d, _) => "keep alive timeout",
        (0x8e, _) => "session taken over",
        (0x8f, _) => "topic filter invalid",
        (0x90, _) => "topic name invalid",
        (0x91, _) => "packet identifier in use",
        (0x92, _) => "packet identifier not found",
        (0x93, _) => "receive maximum exceeded",
        (0x94, _) => "topic alias invalid",
        (0x95, _) => "packet too large",
        (0x96, _) => "message rate too high",
        (0x97, _) => "quota exceeded",
        (0x98, _) => "administrative action",
        (0x99, _) => "payload format invalid",
        (0x9a, _) => "retain not supported",
        (0x9b, _) => "QoS not supported",
        (0x9c, _) => "use another server",
        (0x9d, _) => "server moved",
        (0x9e, _) => "shared subscriptions not supported",
        (0x9f, _) => "connection rate exceeded",
        (0xa0, _) => "maximum connect time",
        (0xa1, _) => "subscription identifiers not supported",
        (0xa2, _) => "wildcard subscriptions not supported",
        _ => "unknown reason code",
    }
}

/// The MQTT 3.1.1 CONNACK return code closest to a v5 CONNACK reason code.
pub fn connack_to_v311(code: u8) -> u8 {
    match code {
        0x00..=0x05 => code,
        UNSUPPORTED_PROTOCOL_VERSION => 1,
        CLIENT_ID_NOT_VALID => 2,
        BAD_USERNAME_OR_PASSWORD => 4,
        NOT_AUTHORIZED | 0x8a | BAD_AUTHENTICATION_METHOD => 5,
        _ => 3,
    }
}

/// The MQTT 5 CONNACK reason code for a 3.1.1 return code (1–5); other values pass through.
pub fn connack_from_v311(code: u8) -> u8 {
    match code {
        1 => UNSUPPORTED_PROTOCOL_VERSION,
        2 => CLIENT_ID_NOT_VALID,
        3 => SERVER_UNAVAILABLE,
        4 => BAD_USERNAME_OR_PASSWORD,
        5 => NOT_AUTHORIZED,
        other => other,
    }
}

/// Parses a CONNACK refusal code given on the command line: 1–5 (MQTT 3.1.1) or an MQTT 5
/// CONNACK failure code, decimal or `0x` hexadecimal.
pub fn parse_connack_refusal(text: &str) -> Result<u8, String> {
    let value = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u8::from_str_radix(hex, 16),
        None => text.parse::<u8>(),
    }
    .map_err(|_| format!("{text:?} is not a number from 1 to 255"))?;
    // The failure codes MQTT 5 defines for CONNACK (§3.2.2.2).
    match value {
        1..=5 | 0x80..=0x8a | 0x8c | 0x90 | 0x95 | 0x97 | 0x99..=0x9d | 0x9f => Ok(value),
        _ => Err(format!(
            "{text} is not a CONNACK refusal: use 1-5 (MQTT 3.1.1) or an MQTT 5 CONNACK reason code such as 0x87"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_values_are_named_per_packet() {
        assert_eq!(name(PacketKind::SubAck, 0), "granted QoS 0");
        assert_eq!(name(PacketKind::Disconnect, 0), "normal disconnection");
        assert_eq!(name(PacketKind::ConnAck, 4), "bad user name or password");
        assert_eq!(
            name(PacketKind::Disconnect, 4),
            "disconnect with will message"
        );
        assert_eq!(
            Reason::new(PacketKind::PubAck, 0x87).to_string(),
            "not authorized (reason code 0x87)"
        );
    }

    #[test]
    fn refusal_codes_parse_in_decimal_and_hex() {
        assert_eq!(parse_connack_refusal("5"), Ok(5));
        assert_eq!(parse_connack_refusal("0x87"), Ok(0x87));
        assert_eq!(parse_connack_refusal("151"), Ok(0x97));
        for bad in ["0", "6", "0x8e", "0x10", "x", "300"] {
            assert!(parse_connack_refusal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn connack_codes_narrow_and_widen_consistently() {
        for v311 in 1..=5 {
            assert_eq!(connack_to_v311(connack_from_v311(v311)), v311);
        }
        assert_eq!(connack_to_v311(QUOTA_EXCEEDED), 3);
        assert_eq!(connack_to_v311(SUCCESS), 0);
    }
}
