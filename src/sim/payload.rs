//! Readings and how they become topics and payloads.

use std::time::SystemTime;

use crate::output::format::iso8601_millis;

/// One simulated measurement.
#[derive(Debug, Clone)]
pub struct Reading {
    /// Device name.
    pub device: String,
    /// Device index, from 1.
    pub index: usize,
    /// Sensor name.
    pub sensor: String,
    /// The value.
    pub value: f64,
    /// Unit.
    pub unit: String,
    /// When it was taken.
    pub ts: SystemTime,
    /// Sequence number per device and sensor, from 1.
    pub seq: u64,
}

/// The JSON payload, fields in this order.
#[derive(serde::Serialize)]
struct JsonReading<'a> {
    device: &'a str,
    sensor: &'a str,
    value: f64,
    unit: &'a str,
    ts: String,
    seq: u64,
}

/// How a reading is written as a payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadFormat {
    /// `{"device":…,"sensor":…,"value":…,"unit":…,"ts":…,"seq":…}`.
    Json,
    /// Just the number, as the classic scripts send it.
    Plain,
    /// A template with `{device}`, `{i}`, `{sensor}`, `{value}`, `{unit}`, `{ts}`, `{seq}`.
    Template(String),
}

impl PayloadFormat {
    /// `json`, `plain`, or a template (anything with a `{placeholder}`).
    pub fn parse(text: &str) -> Result<PayloadFormat, String> {
        match text {
            "json" => Ok(PayloadFormat::Json),
            "plain" => Ok(PayloadFormat::Plain),
            t if t.contains('{') => {
                check_placeholders(t, &["device", "i", "sensor", "value", "unit", "ts", "seq"])?;
                Ok(PayloadFormat::Template(t.into()))
            }
            other => Err(format!(
                "{other:?}: expected json, plain or a template such as '{{sensor}}={{value}}'"
            )),
        }
    }

    /// The payload for `r`.
    pub fn render(&self, r: &Reading) -> Vec<u8> {
        match self {
            PayloadFormat::Json => serde_json::to_vec(&JsonReading {
                device: &r.device,
                sensor: &r.sensor,
                value: r.value,
                unit: &r.unit,
                ts: iso8601_millis(r.ts),
                seq: r.seq,
            })
            .expect("a reading serializes"),
            PayloadFormat::Plain => r.value.to_string().into_bytes(),
            PayloadFormat::Template(t) => fill(t, |name| match name {
                "device" => r.device.clone(),
                "i" => r.index.to_string(),
                "sensor" => r.sensor.clone(),
                "value" => r.value.to_string(),
                "unit" => r.unit.clone(),
                "ts" => iso8601_millis(r.ts),
                "seq" => r.seq.to_string(),
                _ => String::new(),
            })
            .into_bytes(),
        }
    }
}

/// Checks that every `{name}` in `template` is one of `allowed` and braces are balanced.
pub fn check_placeholders(template: &str, allowed: &[&str]) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("{template:?}: a '{{' without its '}}'"))?;
        let name = &after[..close];
        if !allowed.contains(&name) {
            return Err(format!(
                "{template:?}: unknown placeholder {{{name}}} (use {})",
                allowed
                    .iter()
                    .map(|a| format!("{{{a}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Replaces each `{name}` in `template` with `value(name)`.
pub fn fill(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                out.push_str(&value(&after[..close]));
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn reading() -> Reading {
        Reading {
            device: "dev-1".into(),
            index: 1,
            sensor: "temperature".into(),
            value: 23.41,
            unit: "C".into(),
            ts: UNIX_EPOCH + Duration::from_millis(1_795_000_000_123),
            seq: 17,
        }
    }

    #[test]
    fn json_payload_has_every_field() {
        let v: serde_json::Value =
            serde_json::from_slice(&PayloadFormat::Json.render(&reading())).unwrap();
        assert_eq!(v["device"], "dev-1");
        assert_eq!(v["sensor"], "temperature");
        assert_eq!(v["value"], 23.41);
        assert_eq!(v["unit"], "C");
        assert_eq!(v["seq"], 17);
        assert_eq!(v["ts"], "2026-11-18T11:06:40.123Z");
    }

    #[test]
    fn plain_and_template_payloads() {
        assert_eq!(PayloadFormat::Plain.render(&reading()), b"23.41");
        let t = PayloadFormat::parse("{device}/{sensor}={value}{unit} #{seq}").unwrap();
        assert_eq!(t.render(&reading()), b"dev-1/temperature=23.41C #17");
        assert!(PayloadFormat::parse("{nope}").is_err());
        assert!(PayloadFormat::parse("xml").is_err());
    }
}
