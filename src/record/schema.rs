//! One recorded message ([`Record`]) and its NDJSON line: the schema of `sub --json` with
//! `offset_us` added (docs/record.md). Reading accepts `sub --json` lines too.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::Bytes;
use serde::Deserialize;

use crate::conn::PublishProperties;
use crate::output::format::{self, Received};

/// A message as recorded: everything needed to publish it again.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Topic name.
    pub topic: String,
    /// Payload bytes.
    pub payload: Bytes,
    /// QoS it was delivered at (the publisher's, with the default subscription QoS 2).
    pub qos: u8,
    /// Retain flag as delivered.
    pub retain: bool,
    /// Packet id of the delivery (QoS 1 and 2).
    pub mid: Option<u16>,
    /// Wall-clock receive time (kept at microsecond precision).
    pub received_at: SystemTime,
    /// Microseconds since the recording started, on a monotonic clock (`None` in a
    /// `sub --json` line: the reader derives it from `received_at`).
    pub offset_us: Option<u64>,
    /// MQTT 5 properties (`None`: received over MQTT 3.1.1).
    pub properties: Option<PublishProperties>,
}

impl Record {
    /// Writes the NDJSON line (without the newline).
    pub fn write_json(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let msg = Received {
            topic: &self.topic,
            payload: &self.payload,
            qos: self.qos,
            retain: self.retain,
            mid: self.mid.unwrap_or(0),
            received_at: self.received_at,
            properties: self.properties.as_ref(),
        };
        format::write_json_line(&msg, self.offset_us, out)
    }

    /// Parses one NDJSON line (a `record` line or a `sub --json` line).
    pub fn parse_json(line: &[u8]) -> Result<Record, String> {
        let line: Line = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        let payload = decode("payload", &line.payload, line.encoding.as_deref())?;
        if line.qos > 2 {
            return Err(format!("qos {} is not 0, 1 or 2", line.qos));
        }
        let received_at = humantime::parse_rfc3339(&line.received_at)
            .map_err(|e| format!("received_at {:?}: {e}", line.received_at))?;
        let properties = line
            .properties
            .map(|p| -> Result<PublishProperties, String> {
                let correlation_data = match &p.correlation_data {
                    Some(data) => Some(
                        decode(
                            "correlation_data",
                            data,
                            p.correlation_data_encoding.as_deref(),
                        )?
                        .to_vec(),
                    ),
                    None => None,
                };
                Ok(PublishProperties {
                    payload_format_indicator: p.payload_format_indicator,
                    message_expiry_interval: p.message_expiry_interval,
                    topic_alias: p.topic_alias,
                    response_topic: p.response_topic,
                    correlation_data,
                    user_properties: p.user_properties,
                    subscription_identifiers: p.subscription_identifiers,
                    content_type: p.content_type,
                })
            })
            .transpose()?;
        Ok(Record {
            topic: line.topic,
            payload,
            qos: line.qos,
            retain: line.retain,
            mid: line.mid,
            received_at,
            offset_us: line.offset_us,
            properties,
        })
    }

    /// True when `self` and `other` are the same message, apart from when it was received
    /// and the packet id of its delivery.
    pub fn same_message(&self, other: &Record) -> bool {
        self.topic == other.topic
            && self.payload == other.payload
            && self.qos == other.qos
            && self.retain == other.retain
            && self.properties == other.properties
    }
}

/// A string field as bytes: the text itself, or its base64 when `encoding` says so.
fn decode(field: &str, text: &str, encoding: Option<&str>) -> Result<Bytes, String> {
    match encoding {
        None => Ok(Bytes::copy_from_slice(text.as_bytes())),
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Bytes::from)
            .map_err(|e| format!("{field}: invalid base64: {e}")),
        Some(other) => Err(format!(
            "{field}: unknown encoding {other:?} (only \"base64\")"
        )),
    }
}

/// Microseconds from `earlier` to `later`, 0 when `later` is not after it.
pub fn micros_between(earlier: SystemTime, later: SystemTime) -> u64 {
    later
        .duration_since(earlier)
        .unwrap_or(Duration::ZERO)
        .as_micros()
        .try_into()
        .unwrap_or(u64::MAX)
}

#[derive(Deserialize)]
struct Line {
    topic: String,
    payload: String,
    encoding: Option<String>,
    qos: u8,
    retain: bool,
    mid: Option<u16>,
    received_at: String,
    offset_us: Option<u64>,
    properties: Option<LineProperties>,
}

#[derive(Deserialize)]
struct LineProperties {
    payload_format_indicator: Option<u8>,
    message_expiry_interval: Option<u32>,
    topic_alias: Option<u16>,
    response_topic: Option<String>,
    correlation_data: Option<String>,
    correlation_data_encoding: Option<String>,
    #[serde(default)]
    user_properties: Vec<(String, String)>,
    #[serde(default)]
    subscription_identifiers: Vec<usize>,
    content_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(properties: Option<PublishProperties>) -> Record {
        Record {
            topic: "a/b".into(),
            payload: Bytes::from_static(b"\xff\x00bin"),
            qos: 1,
            retain: true,
            mid: Some(7),
            received_at: SystemTime::UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456),
            offset_us: Some(42),
            properties,
        }
    }

    #[test]
    fn a_line_reads_back_as_the_same_record() {
        let props = PublishProperties {
            payload_format_indicator: Some(0),
            message_expiry_interval: Some(60),
            response_topic: Some("r/t".into()),
            correlation_data: Some(vec![0xfe, 1]),
            user_properties: vec![("k".into(), "1".into()), ("k".into(), "2".into())],
            content_type: Some("application/octet-stream".into()),
            ..Default::default()
        };
        for record in [
            sample(None),
            sample(Some(props)),
            sample(Some(Default::default())),
        ] {
            let mut line = Vec::new();
            record.write_json(&mut line).unwrap();
            assert_eq!(Record::parse_json(&line).unwrap(), record);
        }
    }

    #[test]
    fn a_sub_json_line_has_no_offset() {
        let line = br#"{"topic":"t","payload":"hi","qos":0,"retain":false,"received_at":"2026-01-01T00:00:00.000001Z"}"#;
        let r = Record::parse_json(line).unwrap();
        assert_eq!((r.offset_us, r.payload.as_ref()), (None, &b"hi"[..]));
    }

    #[test]
    fn bad_fields_are_named() {
        let bad = [
            (r#"{"topic":"t"}"#, "missing field"),
            (
                r#"{"topic":"t","payload":"!","encoding":"base64","qos":0,"retain":false,"received_at":"2026-01-01T00:00:00Z"}"#,
                "payload: invalid base64",
            ),
            (
                r#"{"topic":"t","payload":"","qos":3,"retain":false,"received_at":"2026-01-01T00:00:00Z"}"#,
                "qos 3",
            ),
            (
                r#"{"topic":"t","payload":"","qos":0,"retain":false,"received_at":"yesterday"}"#,
                "received_at",
            ),
        ];
        for (line, want) in bad {
            let err = Record::parse_json(line.as_bytes()).unwrap_err();
            assert!(err.contains(want), "{line}: {err}");
        }
    }
}
