//! `--scenario FILE`: a fleet described in TOML (format and example in `docs/sim.md`).
//! Every error names the file and line.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::sensor::{self, SensorSpec};
use super::{DeviceSpec, ModelKind};
use crate::conn::parse_duration;

/// A parsed scenario: the devices and the fleet-wide settings it gives.
#[derive(Debug, Default)]
pub struct Scenario {
    /// The devices, named and numbered.
    pub devices: Vec<DeviceSpec>,
    /// Topic template.
    pub topic: Option<String>,
    /// Payload format (`json`, `plain` or a template).
    pub payload: Option<String>,
    /// Value model.
    pub model: Option<ModelKind>,
    /// QoS of readings.
    pub qos: Option<u8>,
    /// Retain readings.
    pub retain: Option<bool>,
    /// Readings per sensor.
    pub count: Option<u64>,
    /// Seed.
    pub seed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    topic: Option<String>,
    payload: Option<String>,
    model: Option<ModelKind>,
    qos: Option<Spanned<u8>>,
    retain: Option<bool>,
    count: Option<u64>,
    seed: Option<u64>,
    #[serde(default)]
    devices: Vec<DeviceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceEntry {
    name: Spanned<String>,
    /// How many devices of this kind (`name-1`, `name-2`, … or `{i}` in the name).
    count: Option<usize>,
    #[serde(default)]
    status: bool,
    sensors: Spanned<Vec<Spanned<SensorEntry>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SensorEntry {
    /// `KIND[:INTERVAL[:MIN..MAX]]`, as `--sensor`.
    Spec(String),
    /// A table.
    Table(SensorTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SensorTable {
    /// A built-in kind or a new name.
    name: String,
    unit: Option<String>,
    interval: Option<String>,
    min: Option<f64>,
    max: Option<f64>,
}

/// Line number (from 1) of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads and checks the scenario in `path`.
pub fn load(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses scenario `text`.
pub fn parse(text: &str) -> Result<Scenario, String> {
    let file: File = toml::from_str(text).map_err(|e| match e.span() {
        Some(span) => format!("line {}: {}", line_of(text, span.start), e.message()),
        None => e.message().to_string(),
    })?;
    let at = |offset: usize| format!("line {}", line_of(text, offset));
    if let Some(qos) = &file.qos {
        if *qos.get_ref() > 2 {
            return Err(format!("{}: qos must be 0, 1 or 2", at(qos.span().start)));
        }
    }
    if file.devices.is_empty() {
        return Err("no devices: add at least one [[devices]] table".into());
    }
    let mut devices = Vec::new();
    for entry in &file.devices {
        let name_at = at(entry.name.span().start);
        let name = entry.name.get_ref();
        if name.is_empty() || name.contains(['/', '+', '#']) {
            return Err(format!(
                "{name_at}: device name {name:?} must be one topic level without '/', '+' or '#'"
            ));
        }
        if entry.sensors.get_ref().is_empty() {
            return Err(format!(
                "{}: a device needs sensors",
                at(entry.sensors.span().start)
            ));
        }
        let mut sensors = Vec::new();
        for s in entry.sensors.get_ref() {
            let spec =
                sensor_spec(s.get_ref()).map_err(|e| format!("{}: {e}", at(s.span().start)))?;
            sensors.push(spec);
        }
        let count = entry.count.unwrap_or(1);
        if count == 0 {
            return Err(format!("{name_at}: count must be at least 1"));
        }
        for k in 1..=count {
            let device_name = if name.contains("{i}") {
                name.replace("{i}", &k.to_string())
            } else if count > 1 {
                format!("{name}-{k}")
            } else {
                name.clone()
            };
            devices.push(DeviceSpec {
                name: device_name,
                index: devices.len() + 1,
                sensors: sensors.clone(),
                status: entry.status,
            });
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = devices.iter().find(|d| !seen.insert(d.name.clone())) {
        return Err(format!("two devices are named {:?}", dup.name));
    }
    Ok(Scenario {
        devices,
        topic: file.topic,
        payload: file.payload,
        model: file.model,
        qos: file.qos.map(Spanned::into_inner),
        retain: file.retain,
        count: file.count,
        seed: file.seed,
    })
}

fn sensor_spec(entry: &SensorEntry) -> Result<SensorSpec, String> {
    match entry {
        SensorEntry::Spec(spec) => sensor::parse(spec),
        SensorEntry::Table(t) => {
            let mut s = match (sensor::builtin(&t.name), t.min.zip(t.max)) {
                (Some(s), _) => s,
                (None, Some(_)) => SensorSpec {
                    name: t.name.clone(),
                    ..sensor::builtin("generic").expect("generic is built in")
                },
                (None, None) => {
                    return Err(format!(
                        "unknown kind {:?}; use one of {} or give min and max",
                        t.name,
                        sensor::kind_names()
                    ))
                }
            };
            if t.name.is_empty() || t.name.contains(['/', '+', '#', '{', '}']) {
                return Err(format!("sensor name {:?} must be one topic level", t.name));
            }
            if let Some(unit) = &t.unit {
                s.unit = unit.clone();
            }
            if let Some(interval) = &t.interval {
                s.interval = sensor::check_interval(parse_duration(interval)?)?;
            }
            s.min = t.min.unwrap_or(s.min);
            s.max = t.max.unwrap_or(s.max);
            if !(s.min.is_finite() && s.max.is_finite()) || s.min > s.max {
                return Err(format!("sensor {:?}: min must not be above max", t.name));
            }
            Ok(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const EXAMPLE: &str = r#"
topic = "plant/{device}/{sensor}"
qos = 1
seed = 42

[[devices]]
name = "boiler"
count = 2
status = true
sensors = ["temperature:1s:60..90", "pressure"]

[[devices]]
name = "pump"
sensors = [
  "humidity",
  { name = "vibration", unit = "mm/s", interval = "100ms", min = 0.0, max = 5.0 },
]
"#;

    #[test]
    fn the_example_parses() {
        let s = parse(EXAMPLE).unwrap();
        let names: Vec<&str> = s.devices.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["boiler-1", "boiler-2", "pump"]);
        assert_eq!(s.devices[2].index, 3);
        assert!(s.devices[0].status && !s.devices[2].status);
        assert_eq!(s.devices[0].sensors[0].max, 90.0);
        let v = &s.devices[2].sensors[1];
        assert_eq!(
            (v.name.as_str(), v.unit.as_str(), v.interval),
            ("vibration", "mm/s", Duration::from_millis(100))
        );
        assert_eq!((s.qos, s.seed), (Some(1), Some(42)));
    }

    #[test]
    fn errors_name_the_line() {
        let bad_sensor = EXAMPLE.replace("\"pressure\"", "\"pressure:fast\"");
        assert!(
            parse(&bad_sensor).unwrap_err().starts_with("line 10:"),
            "{}",
            parse(&bad_sensor).unwrap_err()
        );
        let bad_key = EXAMPLE.replace("status = true", "stats = true");
        assert!(
            parse(&bad_key).unwrap_err().starts_with("line 9:"),
            "{}",
            parse(&bad_key).unwrap_err()
        );
        let bad_qos = EXAMPLE.replace("qos = 1", "qos = 3");
        assert!(parse(&bad_qos).unwrap_err().starts_with("line 3:"));
        let bad_syntax = EXAMPLE.replace("seed = 42", "seed = ");
        assert!(
            parse(&bad_syntax).unwrap_err().starts_with("line 4:"),
            "{}",
            parse(&bad_syntax).unwrap_err()
        );
        assert!(parse("").unwrap_err().contains("no devices"));
    }
}
