//! MQTT 5.0: decoding every packet a client may send, encoding every packet the broker sends.
//!
//! Properties are checked as the specification asks of a receiver: an unknown identifier is a
//! malformed packet [MQTT-2.2.2-1]; a known one in a packet it does not belong to, twice where
//! only once is allowed, or with a value out of range is a protocol error. Payloads and
//! correlation data are slices of the frame, not copies.

use bytes::{BufMut, Bytes, BytesMut};

use super::reader::Reader;
use super::{malformed, protocol, DecodeError, OutPublish};
use crate::broker::packet::{
    ConnAckProperties, Connect, Disconnect, Inbound, Message, MessageProperties, Outbound,
    Password, Publish, QoS, RetainHandling, Subscribe, SubscribeFilter, Unsubscribe, Version, Will,
};
use crate::framing;
use crate::topic;

// Property identifiers (MQTT 5 §2.2.2.2).
const PAYLOAD_FORMAT: u8 = 0x01;
const MESSAGE_EXPIRY: u8 = 0x02;
const CONTENT_TYPE: u8 = 0x03;
const RESPONSE_TOPIC: u8 = 0x08;
const CORRELATION_DATA: u8 = 0x09;
const SUBSCRIPTION_ID: u8 = 0x0b;
const SESSION_EXPIRY: u8 = 0x11;
const ASSIGNED_CLIENT_ID: u8 = 0x12;
const SERVER_KEEP_ALIVE: u8 = 0x13;
const AUTH_METHOD: u8 = 0x15;
const AUTH_DATA: u8 = 0x16;
const REQUEST_PROBLEM_INFO: u8 = 0x17;
const WILL_DELAY: u8 = 0x18;
const REQUEST_RESPONSE_INFO: u8 = 0x19;
const RESPONSE_INFO: u8 = 0x1a;
const SERVER_REFERENCE: u8 = 0x1c;
const REASON_STRING: u8 = 0x1f;
const RECEIVE_MAXIMUM: u8 = 0x21;
const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
const TOPIC_ALIAS: u8 = 0x23;
const MAXIMUM_QOS: u8 = 0x24;
const RETAIN_AVAILABLE: u8 = 0x25;
const USER_PROPERTY: u8 = 0x26;
const MAXIMUM_PACKET_SIZE: u8 = 0x27;
const WILDCARD_AVAILABLE: u8 = 0x28;
const SUBSCRIPTION_IDS_AVAILABLE: u8 = 0x29;
const SHARED_AVAILABLE: u8 = 0x2a;

/// A property value as read.
enum Value<'a> {
    Byte(u8),
    U16(u16),
    U32(u32),
    Varint(u32),
    Str(&'a str),
    Bin(&'a [u8]),
    Pair(&'a str, &'a str),
}

/// Reads one property value of identifier `id`; unknown identifiers are malformed.
fn read_value<'a>(r: &mut Reader<'a>, id: u8) -> Result<Value<'a>, DecodeError> {
    Ok(match id {
        PAYLOAD_FORMAT
        | REQUEST_PROBLEM_INFO
        | REQUEST_RESPONSE_INFO
        | MAXIMUM_QOS
        | RETAIN_AVAILABLE
        | WILDCARD_AVAILABLE
        | SUBSCRIPTION_IDS_AVAILABLE
        | SHARED_AVAILABLE => Value::Byte(r.u8()?),
        SERVER_KEEP_ALIVE | RECEIVE_MAXIMUM | TOPIC_ALIAS_MAXIMUM | TOPIC_ALIAS => {
            Value::U16(r.u16()?)
        }
        MESSAGE_EXPIRY | SESSION_EXPIRY | WILL_DELAY | MAXIMUM_PACKET_SIZE => Value::U32(r.u32()?),
        SUBSCRIPTION_ID => Value::Varint(r.varint()?),
        CONTENT_TYPE | RESPONSE_TOPIC | ASSIGNED_CLIENT_ID | AUTH_METHOD | RESPONSE_INFO
        | SERVER_REFERENCE | REASON_STRING => Value::Str(r.string("property")?),
        CORRELATION_DATA | AUTH_DATA => Value::Bin(r.raw_field()?),
        USER_PROPERTY => Value::Pair(r.string("user property")?, r.string("user property")?),
        other => return Err(malformed(format!("unknown property {other:#04x}"))),
    })
}

/// Reads a property block, handing each property to `each` after checking that `packet`
/// may carry it and that it is not repeated (only User Property may be).
fn read_properties<'a>(
    r: &mut Reader<'a>,
    packet: &str,
    allowed: &[u8],
    mut each: impl FnMut(u8, Value<'a>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let len = r.varint()? as usize;
    let block = r
        .take(len)
        .map_err(|_| malformed(format!("{packet} property length exceeds the packet")))?;
    let mut pr = Reader::new(block);
    let mut seen = 0u64;
    while pr.remaining() > 0 {
        let id = pr.varint()?;
        let id = u8::try_from(id).map_err(|_| malformed(format!("unknown property {id:#x}")))?;
        let value = read_value(&mut pr, id)?;
        // "A Control Packet which contains an Identifier which is not valid for its packet
        // type … is a Malformed Packet" (§2.2.2.2).
        if !allowed.contains(&id) {
            return Err(malformed(format!(
                "property {id:#04x} is not allowed in {packet} (§2.2.2.2)"
            )));
        }
        if id != USER_PROPERTY {
            if seen & (1 << id) != 0 {
                return Err(protocol(format!(
                    "property {id:#04x} more than once in {packet}"
                )));
            }
            seen |= 1 << id;
        }
        each(id, value)?;
    }
    Ok(())
}

fn pair((k, v): (&str, &str)) -> (String, String) {
    (k.to_owned(), v.to_owned())
}

fn bool_property(value: u8, name: &str) -> Result<bool, DecodeError> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(protocol(format!("{name} must be 0 or 1, not {value}"))),
    }
}

/// The properties a message carries from its publisher (PUBLISH or a will), read into
/// `props`; the expiry interval and topic alias go to the caller.
fn message_property(
    props: &mut MessageProperties,
    frame: &Bytes,
    id: u8,
    value: Value<'_>,
) -> Result<(), DecodeError> {
    match (id, value) {
        (PAYLOAD_FORMAT, Value::Byte(b)) => {
            bool_property(b, "Payload Format Indicator")?;
            props.payload_format = Some(b);
        }
        (CONTENT_TYPE, Value::Str(s)) => props.content_type = Some(s.to_owned()),
        (RESPONSE_TOPIC, Value::Str(s)) => {
            // A Response Topic is a topic name: no wildcards [MQTT-3.3.2-14].
            topic::validate_name(s)
                .map_err(|e| protocol(format!("Response Topic {s:?}: {e} [MQTT-3.3.2-14]")))?;
            props.response_topic = Some(s.to_owned());
        }
        (CORRELATION_DATA, Value::Bin(b)) => props.correlation_data = Some(frame.slice_ref(b)),
        (USER_PROPERTY, Value::Pair(k, v)) => props.user_properties.push(pair((k, v))),
        _ => {}
    }
    Ok(())
}

/// Decodes one complete frame: its first byte and its body (past the fixed header).
pub fn decode_frame(byte1: u8, body: Bytes) -> Result<Inbound, DecodeError> {
    let mut r = Reader::new(&body);
    let packet = match byte1 >> 4 {
        1 => Inbound::Connect(Box::new(decode_connect(&mut r, &body)?)),
        3 => Inbound::Publish(decode_publish(byte1, &mut r, &body)?),
        4 => {
            let (pkid, reason) = decode_ack(&mut r, "PUBACK")?;
            Inbound::PubAck(pkid, reason)
        }
        5 => {
            let (pkid, reason) = decode_ack(&mut r, "PUBREC")?;
            Inbound::PubRec(pkid, reason)
        }
        6 => {
            let (pkid, reason) = decode_ack(&mut r, "PUBREL")?;
            Inbound::PubRel(pkid, reason)
        }
        7 => {
            let (pkid, reason) = decode_ack(&mut r, "PUBCOMP")?;
            Inbound::PubComp(pkid, reason)
        }
        8 => Inbound::Subscribe(decode_subscribe(&mut r)?),
        10 => Inbound::Unsubscribe(decode_unsubscribe(&mut r)?),
        12 => Inbound::PingReq,
        14 => Inbound::Disconnect(decode_disconnect(&mut r)?),
        15 => Inbound::Auth(decode_auth(&mut r)?),
        kind => {
            return Err(protocol(format!(
                "a client may not send packets of type {kind}"
            )))
        }
    };
    if r.remaining() > 0 {
        return Err(malformed("bytes after the end of the packet"));
    }
    Ok(packet)
}

fn decode_connect(r: &mut Reader<'_>, frame: &Bytes) -> Result<Connect, DecodeError> {
    r.raw_field()?; // "MQTT", checked by the caller
    r.u8()?; // 5
    let flags = r.u8()?;
    if flags & 0x01 != 0 {
        return Err(malformed("CONNECT reserved flag set [MQTT-3.1.2-3]"));
    }
    let will_flag = flags & 0x04 != 0;
    let will_qos = (flags >> 3) & 0b11;
    let will_retain = flags & 0x20 != 0;
    if !will_flag && (will_qos != 0 || will_retain) {
        return Err(malformed(
            "will QoS or retain set without a will [MQTT-3.1.2-11, MQTT-3.1.2-13]",
        ));
    }
    let will_qos = QoS::from_u8(will_qos).ok_or_else(|| malformed("will QoS 3 [MQTT-3.1.2-12]"))?;
    let keep_alive = r.u16()?;
    let mut connect = Connect::new(Version::V5, flags & 0x02 != 0, keep_alive, 0);
    let mut auth_data = false;
    read_properties(
        r,
        "CONNECT",
        &[
            SESSION_EXPIRY,
            RECEIVE_MAXIMUM,
            MAXIMUM_PACKET_SIZE,
            TOPIC_ALIAS_MAXIMUM,
            REQUEST_RESPONSE_INFO,
            REQUEST_PROBLEM_INFO,
            USER_PROPERTY,
            AUTH_METHOD,
            AUTH_DATA,
        ],
        |id, value| {
            match (id, value) {
                (SESSION_EXPIRY, Value::U32(v)) => connect.session_expiry = v,
                (RECEIVE_MAXIMUM, Value::U16(0)) => {
                    return Err(protocol("Receive Maximum 0 (§3.1.2.11.3)"))
                }
                (RECEIVE_MAXIMUM, Value::U16(v)) => connect.receive_maximum = v,
                (MAXIMUM_PACKET_SIZE, Value::U32(0)) => {
                    return Err(protocol("Maximum Packet Size 0 (§3.1.2.11.4)"))
                }
                (MAXIMUM_PACKET_SIZE, Value::U32(v)) => connect.maximum_packet_size = Some(v),
                (TOPIC_ALIAS_MAXIMUM, Value::U16(v)) => connect.topic_alias_maximum = v,
                (REQUEST_RESPONSE_INFO, Value::Byte(b)) => {
                    connect.request_response_information =
                        bool_property(b, "Request Response Information")?
                }
                (REQUEST_PROBLEM_INFO, Value::Byte(b)) => {
                    connect.request_problem_information =
                        bool_property(b, "Request Problem Information")?
                }
                (USER_PROPERTY, Value::Pair(k, v)) => connect.user_properties.push(pair((k, v))),
                (AUTH_METHOD, Value::Str(s)) => connect.authentication_method = Some(s.to_owned()),
                (AUTH_DATA, _) => auth_data = true,
                _ => {}
            }
            Ok(())
        },
    )?;
    if auth_data && connect.authentication_method.is_none() {
        return Err(protocol(
            "Authentication Data without Authentication Method (§3.1.2.11.10)",
        ));
    }
    connect.client_id = r.string("client id")?.to_owned();
    if will_flag {
        let mut properties = MessageProperties::default();
        let (mut delay, mut expiry) = (0, None);
        read_properties(
            r,
            "will properties",
            &[
                WILL_DELAY,
                PAYLOAD_FORMAT,
                MESSAGE_EXPIRY,
                CONTENT_TYPE,
                RESPONSE_TOPIC,
                CORRELATION_DATA,
                USER_PROPERTY,
            ],
            |id, value| match (id, value) {
                (WILL_DELAY, Value::U32(v)) => {
                    delay = v;
                    Ok(())
                }
                (MESSAGE_EXPIRY, Value::U32(v)) => {
                    expiry = Some(v);
                    Ok(())
                }
                (id, value) => message_property(&mut properties, frame, id, value),
            },
        )?;
        let topic = r.string("will topic")?;
        let payload = frame.slice_ref(r.raw_field()?);
        connect.will = Some(Box::new(Will {
            message: Message {
                topic: topic.into(),
                payload,
                qos: will_qos,
                retain: will_retain,
                properties: (!properties.is_empty()).then(|| properties.into()),
                expiry: None,
                origin: None,
            },
            delay,
            expiry_interval: expiry,
        }));
    }
    if flags & 0x80 != 0 {
        connect.username = Some(r.string("user name")?.to_owned());
    }
    if flags & 0x40 != 0 {
        connect.password = Some(Password(frame.slice_ref(r.raw_field()?)));
    }
    Ok(connect)
}

fn decode_publish(byte1: u8, r: &mut Reader<'_>, frame: &Bytes) -> Result<Publish, DecodeError> {
    let qos = QoS::from_u8((byte1 >> 1) & 0b11).expect("QoS 3 refused by check_flags");
    let topic = r.string("topic")?.to_owned();
    let pkid = if qos == QoS::AtMostOnce {
        0
    } else {
        match r.u16()? {
            0 => return Err(protocol("PUBLISH with packet id 0 [MQTT-2.2.1-3]")),
            pkid => pkid,
        }
    };
    let mut properties = MessageProperties::default();
    let (mut expiry_interval, mut topic_alias) = (None, None);
    read_properties(
        r,
        "PUBLISH",
        &[
            PAYLOAD_FORMAT,
            MESSAGE_EXPIRY,
            TOPIC_ALIAS,
            RESPONSE_TOPIC,
            CORRELATION_DATA,
            USER_PROPERTY,
            CONTENT_TYPE,
            SUBSCRIPTION_ID,
        ],
        |id, value| match (id, value) {
            (SUBSCRIPTION_ID, _) => Err(protocol(
                "PUBLISH from a client with a Subscription Identifier [MQTT-3.3.4-6]",
            )),
            (MESSAGE_EXPIRY, Value::U32(v)) => {
                expiry_interval = Some(v);
                Ok(())
            }
            (TOPIC_ALIAS, Value::U16(v)) => {
                topic_alias = Some(v);
                Ok(())
            }
            (id, value) => message_property(&mut properties, frame, id, value),
        },
    )?;
    let payload = frame.slice_ref(r.rest());
    Ok(Publish {
        topic,
        qos,
        retain: byte1 & 0x01 != 0,
        dup: byte1 & 0x08 != 0,
        pkid,
        payload,
        properties,
        expiry_interval,
        topic_alias,
    })
}

/// PUBACK, PUBREC, PUBREL, PUBCOMP: packet id, then a reason code and properties when the
/// remaining length says so (§3.4.2.1).
fn decode_ack(r: &mut Reader<'_>, name: &str) -> Result<(u16, u8), DecodeError> {
    let pkid = r.u16()?;
    let reason = if r.remaining() > 0 { r.u8()? } else { 0 };
    if r.remaining() > 0 {
        read_properties(r, name, &[REASON_STRING, USER_PROPERTY], |_, _| Ok(()))?;
    }
    Ok((pkid, reason))
}

fn decode_subscribe(r: &mut Reader<'_>) -> Result<Subscribe, DecodeError> {
    let pkid = r.u16()?;
    if pkid == 0 {
        return Err(malformed("SUBSCRIBE with packet id 0 [MQTT-2.2.1-3]"));
    }
    let mut subscription_id = None;
    read_properties(
        r,
        "SUBSCRIBE",
        &[SUBSCRIPTION_ID, USER_PROPERTY],
        |id, value| {
            if let (SUBSCRIPTION_ID, Value::Varint(v)) = (id, value) {
                if v == 0 {
                    return Err(protocol("Subscription Identifier 0 (§3.8.2.1.2)"));
                }
                subscription_id = Some(v);
            }
            Ok(())
        },
    )?;
    let mut filters = Vec::new();
    while r.remaining() > 0 {
        let filter = r.string("topic filter")?.to_owned();
        let options = r.u8()?;
        if options & 0xc0 != 0 {
            return Err(malformed(
                "SUBSCRIBE reserved option bits set [MQTT-3.8.3-5]",
            ));
        }
        let qos = QoS::from_u8(options & 0b11)
            .ok_or_else(|| malformed("SUBSCRIBE Maximum QoS 3 (§3.8.3.1)"))?;
        let retain_handling = match (options >> 4) & 0b11 {
            0 => RetainHandling::OnSubscribe,
            1 => RetainHandling::OnNewSubscription,
            2 => RetainHandling::Never,
            _ => return Err(protocol("SUBSCRIBE Retain Handling 3 (§3.8.3.1)")),
        };
        let no_local = options & 0x04 != 0;
        if no_local && filter.starts_with("$share/") {
            return Err(protocol("No Local on a shared subscription [MQTT-3.8.3-4]"));
        }
        filters.push(SubscribeFilter {
            filter,
            qos,
            no_local,
            retain_as_published: options & 0x08 != 0,
            retain_handling,
        });
    }
    if filters.is_empty() {
        return Err(protocol("SUBSCRIBE without filters [MQTT-3.8.3-2]"));
    }
    Ok(Subscribe {
        pkid,
        subscription_id,
        filters,
    })
}

fn decode_unsubscribe(r: &mut Reader<'_>) -> Result<Unsubscribe, DecodeError> {
    let pkid = r.u16()?;
    if pkid == 0 {
        return Err(malformed("UNSUBSCRIBE with packet id 0 [MQTT-2.2.1-3]"));
    }
    read_properties(r, "UNSUBSCRIBE", &[USER_PROPERTY], |_, _| Ok(()))?;
    let mut filters = Vec::new();
    while r.remaining() > 0 {
        filters.push(r.string("topic filter")?.to_owned());
    }
    if filters.is_empty() {
        return Err(protocol("UNSUBSCRIBE without filters [MQTT-3.10.3-2]"));
    }
    Ok(Unsubscribe { pkid, filters })
}

fn decode_disconnect(r: &mut Reader<'_>) -> Result<Disconnect, DecodeError> {
    let reason = if r.remaining() > 0 { r.u8()? } else { 0 };
    let mut session_expiry = None;
    if r.remaining() > 0 {
        read_properties(
            r,
            "DISCONNECT",
            &[SESSION_EXPIRY, REASON_STRING, USER_PROPERTY],
            |id, value| {
                if let (SESSION_EXPIRY, Value::U32(v)) = (id, value) {
                    session_expiry = Some(v);
                }
                Ok(())
            },
        )?;
    }
    Ok(Disconnect {
        reason,
        session_expiry,
    })
}

fn decode_auth(r: &mut Reader<'_>) -> Result<u8, DecodeError> {
    let reason = if r.remaining() > 0 { r.u8()? } else { 0 };
    if r.remaining() > 0 {
        read_properties(
            r,
            "AUTH",
            &[AUTH_METHOD, AUTH_DATA, REASON_STRING, USER_PROPERTY],
            |_, _| Ok(()),
        )?;
    }
    Ok(reason)
}

// ---- encoding ----

fn put_str(buf: &mut BytesMut, s: &[u8]) {
    buf.put_u16(s.len() as u16);
    buf.put_slice(s);
}

fn str_len(s: &str) -> usize {
    3 + s.len()
}

fn message_properties_len(props: &MessageProperties) -> usize {
    let mut len = 0;
    if props.payload_format.is_some() {
        len += 2;
    }
    if let Some(s) = &props.content_type {
        len += str_len(s);
    }
    if let Some(s) = &props.response_topic {
        len += str_len(s);
    }
    if let Some(b) = &props.correlation_data {
        len += 3 + b.len();
    }
    for (k, v) in &props.user_properties {
        len += 5 + k.len() + v.len();
    }
    len
}

fn publish_properties_len(publish: &OutPublish<'_>) -> usize {
    let mut len = publish.properties.map_or(0, message_properties_len);
    if publish.expiry_interval.is_some() {
        len += 5;
    }
    if publish.topic_alias.is_some() {
        len += 3;
    }
    for &id in publish.subscription_ids {
        len += 1 + framing::varint_len(id as usize);
    }
    len
}

fn publish_remaining(publish: &OutPublish<'_>, props_len: usize) -> usize {
    let pkid = if publish.qos == QoS::AtMostOnce { 0 } else { 2 };
    2 + publish.topic.len()
        + pkid
        + framing::varint_len(props_len)
        + props_len
        + publish.payload.len()
}

/// Appends a PUBLISH with its properties: the publisher's in the order received, then the
/// expiry left, the topic alias and the subscription identifiers. Writes nothing and returns
/// false when the packet would be larger than `max`.
pub fn encode_publish(buf: &mut BytesMut, publish: &OutPublish<'_>, max: usize) -> bool {
    let props_len = publish_properties_len(publish);
    let remaining = publish_remaining(publish, props_len);
    if 1 + framing::varint_len(remaining) + remaining > max {
        return false;
    }
    buf.reserve(5 + remaining);
    buf.put_u8(
        0x30 | (u8::from(publish.dup) << 3) | ((publish.qos as u8) << 1) | u8::from(publish.retain),
    );
    framing::put_varint(buf, remaining);
    put_str(buf, publish.topic.as_bytes());
    if publish.qos != QoS::AtMostOnce {
        buf.put_u16(publish.pkid);
    }
    framing::put_varint(buf, props_len);
    if let Some(props) = publish.properties {
        if let Some(b) = props.payload_format {
            buf.put_u8(PAYLOAD_FORMAT);
            buf.put_u8(b);
        }
        if let Some(s) = &props.content_type {
            buf.put_u8(CONTENT_TYPE);
            put_str(buf, s.as_bytes());
        }
        if let Some(s) = &props.response_topic {
            buf.put_u8(RESPONSE_TOPIC);
            put_str(buf, s.as_bytes());
        }
        if let Some(b) = &props.correlation_data {
            buf.put_u8(CORRELATION_DATA);
            put_str(buf, b);
        }
        for (k, v) in &props.user_properties {
            buf.put_u8(USER_PROPERTY);
            put_str(buf, k.as_bytes());
            put_str(buf, v.as_bytes());
        }
    }
    if let Some(v) = publish.expiry_interval {
        buf.put_u8(MESSAGE_EXPIRY);
        buf.put_u32(v);
    }
    if let Some(alias) = publish.topic_alias {
        buf.put_u8(TOPIC_ALIAS);
        buf.put_u16(alias);
    }
    for &id in publish.subscription_ids {
        buf.put_u8(SUBSCRIPTION_ID);
        framing::put_varint(buf, id as usize);
    }
    buf.put_slice(publish.payload);
    true
}

/// Writes a property block from what `fill` appends.
fn put_properties(buf: &mut BytesMut, fill: impl FnOnce(&mut BytesMut)) {
    let mut props = BytesMut::new();
    fill(&mut props);
    framing::put_varint(buf, props.len());
    buf.put_slice(&props);
}

fn put_packet(buf: &mut BytesMut, byte1: u8, body: &[u8]) {
    buf.put_u8(byte1);
    framing::put_varint(buf, body.len());
    buf.put_slice(body);
}

fn connack_body(
    session_present: bool,
    reason: u8,
    p: &ConnAckProperties,
    with_reason_string: bool,
) -> BytesMut {
    let mut body = BytesMut::new();
    body.put_u8(u8::from(session_present));
    body.put_u8(reason);
    put_properties(&mut body, |b| {
        if let Some(v) = p.session_expiry {
            b.put_u8(SESSION_EXPIRY);
            b.put_u32(v);
        }
        if let Some(v) = p.receive_maximum {
            b.put_u8(RECEIVE_MAXIMUM);
            b.put_u16(v);
        }
        if let Some(v) = p.maximum_qos {
            b.put_u8(MAXIMUM_QOS);
            b.put_u8(v);
        }
        if let Some(v) = p.retain_available {
            b.put_u8(RETAIN_AVAILABLE);
            b.put_u8(u8::from(v));
        }
        if let Some(v) = p.maximum_packet_size {
            b.put_u8(MAXIMUM_PACKET_SIZE);
            b.put_u32(v);
        }
        if let Some(s) = &p.assigned_client_id {
            b.put_u8(ASSIGNED_CLIENT_ID);
            put_str(b, s.as_bytes());
        }
        if let Some(v) = p.topic_alias_maximum {
            b.put_u8(TOPIC_ALIAS_MAXIMUM);
            b.put_u16(v);
        }
        if let (Some(s), true) = (&p.reason_string, with_reason_string) {
            b.put_u8(REASON_STRING);
            put_str(b, s.as_bytes());
        }
        if let Some(v) = p.wildcard_available {
            b.put_u8(WILDCARD_AVAILABLE);
            b.put_u8(u8::from(v));
        }
        if let Some(v) = p.subscription_ids_available {
            b.put_u8(SUBSCRIPTION_IDS_AVAILABLE);
            b.put_u8(u8::from(v));
        }
        if let Some(v) = p.shared_available {
            b.put_u8(SHARED_AVAILABLE);
            b.put_u8(u8::from(v));
        }
        if let Some(v) = p.server_keep_alive {
            b.put_u8(SERVER_KEEP_ALIVE);
            b.put_u16(v);
        }
        if let Some(s) = &p.response_information {
            b.put_u8(RESPONSE_INFO);
            put_str(b, s.as_bytes());
        }
    });
    body
}

fn disconnect_body(reason: u8, reason_string: Option<&str>) -> BytesMut {
    let mut body = BytesMut::new();
    body.put_u8(reason);
    put_properties(&mut body, |b| {
        if let Some(s) = reason_string {
            b.put_u8(REASON_STRING);
            put_str(b, s.as_bytes());
        }
    });
    body
}

/// The size of a packet with this body.
fn packet_size(body: &[u8]) -> usize {
    1 + framing::varint_len(body.len()) + body.len()
}

/// Appends any packet the broker sends but PUBLISH; a Reason String is left out when it
/// would take the packet past the client's `max` size.
pub fn encode(buf: &mut BytesMut, packet: &Outbound, max: usize) {
    match packet {
        Outbound::ConnAck {
            session_present,
            reason,
            properties,
        } => {
            let mut body = connack_body(*session_present, *reason, properties, true);
            if packet_size(&body) > max {
                body = connack_body(*session_present, *reason, properties, false);
            }
            put_packet(buf, 0x20, &body);
        }
        Outbound::PubAck(pkid, reason) => put_ack(buf, 0x40, *pkid, *reason),
        Outbound::PubRec(pkid, reason) => put_ack(buf, 0x50, *pkid, *reason),
        Outbound::PubRel(pkid, reason) => put_ack(buf, 0x62, *pkid, *reason),
        Outbound::PubComp(pkid, reason) => put_ack(buf, 0x70, *pkid, *reason),
        Outbound::SubAck(pkid, codes) => put_codes(buf, 0x90, *pkid, codes),
        Outbound::UnsubAck(pkid, codes) => put_codes(buf, 0xb0, *pkid, codes),
        Outbound::PingResp => buf.put_slice(&[0xd0, 0]),
        Outbound::Disconnect(reason, reason_string) => {
            let mut body = disconnect_body(*reason, reason_string.as_deref());
            if packet_size(&body) > max {
                body = disconnect_body(*reason, None);
            }
            put_packet(buf, 0xe0, &body);
        }
    }
}

/// An acknowledgement; success without properties is two bytes (§3.4.2.1).
fn put_ack(buf: &mut BytesMut, byte1: u8, pkid: u16, reason: u8) {
    buf.put_u8(byte1);
    if reason == 0 {
        buf.put_u8(2);
        buf.put_u16(pkid);
    } else {
        buf.put_u8(4);
        buf.put_u16(pkid);
        buf.put_u8(reason);
        buf.put_u8(0);
    }
}

fn put_codes(buf: &mut BytesMut, byte1: u8, pkid: u16, codes: &[u8]) {
    buf.put_u8(byte1);
    framing::put_varint(buf, 3 + codes.len());
    buf.put_u16(pkid);
    buf.put_u8(0);
    buf.put_slice(codes);
}
