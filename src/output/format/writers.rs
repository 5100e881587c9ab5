//! The default output of `mqttkit sub` (mosquitto_sub's, with or without `-v`) and its
//! `--json` lines.

use std::borrow::Cow;
use std::io::{self, Write};

use base64::Engine as _;
use serde::Serialize;

use super::time::Moment;
use super::Received;

/// Default output (no `-F`, no `--json`), as mosquitto_sub prints it: the raw payload; with
/// `verbose` (`-v`), `topic payload`, or `topic (null)` for an empty payload.
///
/// Returns whether a record was written. Without `verbose`, an empty payload writes nothing and
/// returns `false`: mosquitto_sub then prints no line at all, so the caller must not write the
/// end-of-line either. Otherwise the caller writes `\n` unless `-N`.
///
/// One mosquitto_sub quirk is left to the caller: with `-v -N`, mosquitto_sub prints nothing at
/// all for an empty payload (not even `topic (null)`); a caller that wants that too skips this
/// call when the payload is empty and `-N` is given.
pub fn write_plain(msg: &Received, verbose: bool, out: &mut impl Write) -> io::Result<bool> {
    match (verbose, msg.payload.is_empty()) {
        (false, true) => Ok(false),
        (false, false) => {
            out.write_all(msg.payload)?;
            Ok(true)
        }
        (true, true) => {
            let mut buf = Vec::with_capacity(msg.topic.len() + 7);
            buf.extend_from_slice(msg.topic.as_bytes());
            buf.extend_from_slice(b" (null)");
            out.write_all(&buf)?;
            Ok(true)
        }
        (true, false) => {
            let mut buf = Vec::with_capacity(msg.topic.len() + 1 + msg.payload.len());
            buf.extend_from_slice(msg.topic.as_bytes());
            buf.push(b' ');
            buf.extend_from_slice(msg.payload);
            out.write_all(&buf)?;
            Ok(true)
        }
    }
}

/// A byte string as JSON: the text when it is UTF-8, else base64 (and the caller says so).
fn text_or_base64(bytes: &[u8]) -> (Cow<'_, str>, Option<&'static str>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(_) => (
            Cow::Owned(base64::engine::general_purpose::STANDARD.encode(bytes)),
            Some("base64"),
        ),
    }
}

#[derive(Serialize)]
struct JsonLine<'a> {
    topic: &'a str,
    payload: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
    qos: u8,
    retain: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    mid: Option<u16>,
    received_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset_us: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<JsonLineProperties<'a>>,
}

#[derive(Serialize)]
struct JsonLineProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_format_indicator: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_expiry_interval: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    topic_alias: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_topic: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation_data: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation_data_encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    user_properties: Vec<(&'a str, &'a str)>,
    #[serde(skip_serializing_if = "<[usize]>::is_empty")]
    subscription_identifiers: &'a [usize],
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
}

/// `--json`: one JSON object (no trailing newline), fields in this order:
///
/// - `topic`;
/// - `payload`: the payload as text when it is valid UTF-8, else its base64 (standard alphabet,
///   padded), and then `"encoding":"base64"` follows;
/// - `qos` (number), `retain` (boolean), `mid` (only at QoS 1 and 2);
/// - `received_at`: RFC 3339 in UTC with microseconds, `2016-08-10T08:49:03.786368Z`;
/// - `properties`: MQTT 5 only (`{}` when the message had none), with only the properties
///   present: `payload_format_indicator`, `message_expiry_interval`, `topic_alias`,
///   `response_topic`, `correlation_data` (text, or base64 followed by
///   `"correlation_data_encoding":"base64"`), `user_properties` (an array of `[key, value]`
///   pairs, in order, duplicates kept), `subscription_identifiers` (an array), `content_type`.
pub fn write_json(msg: &Received, out: &mut impl Write) -> io::Result<()> {
    write_json_line(msg, None, out)
}

/// [`write_json`] with `offset_us` (microseconds since the start of a recording) after
/// `received_at` when it is `Some`: the line of `mqttkit record` (docs/record.md).
pub fn write_json_line(
    msg: &Received,
    offset_us: Option<u64>,
    out: &mut impl Write,
) -> io::Result<()> {
    let (payload, encoding) = text_or_base64(msg.payload);
    let properties = msg.properties.map(|p| {
        let (correlation_data, correlation_data_encoding) =
            match p.correlation_data.as_deref().map(text_or_base64) {
                Some((data, encoding)) => (Some(data), encoding),
                None => (None, None),
            };
        JsonLineProperties {
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: p.message_expiry_interval,
            topic_alias: p.topic_alias,
            response_topic: p.response_topic.as_deref(),
            correlation_data,
            correlation_data_encoding,
            user_properties: p
                .user_properties
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            subscription_identifiers: &p.subscription_identifiers,
            content_type: p.content_type.as_deref(),
        }
    });
    let line = JsonLine {
        topic: msg.topic,
        payload,
        encoding,
        qos: msg.qos,
        retain: msg.retain,
        mid: (msg.qos > 0).then_some(msg.mid),
        received_at: Moment::new(msg.received_at).rfc3339_utc_micros(),
        offset_us,
        properties,
    };
    let buf = serde_json::to_vec(&line).map_err(io::Error::other)?;
    out.write_all(&buf)
}
