//! Sensor kinds and their defaults, and the `KIND[:INTERVAL[:MIN..MAX]]` spec of `--sensor`.

use std::time::Duration;

use crate::conn::parse_duration;

/// One simulated sensor of a device.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorSpec {
    /// Name used in topics and payloads (the kind, for built-in kinds).
    pub name: String,
    /// Unit shown in JSON payloads.
    pub unit: String,
    /// Time between readings.
    pub interval: Duration,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// Built-in kinds: name, unit, interval, range. The first two are the classic scripts'.
const KINDS: &[(&str, &str, Duration, f64, f64)] = &[
    ("temperature", "C", Duration::from_secs(3), 20.0, 30.0),
    ("pressure", "hPa", Duration::from_millis(500), 990.0, 1020.0),
    ("humidity", "%", Duration::from_secs(5), 30.0, 70.0),
    ("battery", "%", Duration::from_secs(60), 0.0, 100.0),
    ("co2", "ppm", Duration::from_secs(10), 400.0, 2000.0),
    ("generic", "", Duration::from_secs(1), 0.0, 100.0),
];

/// Names of the built-in kinds, for help and errors.
pub fn kind_names() -> String {
    KINDS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
}

/// The built-in kind `name` with its defaults.
pub fn builtin(name: &str) -> Option<SensorSpec> {
    KINDS
        .iter()
        .find(|k| k.0 == name)
        .map(|&(name, unit, interval, min, max)| SensorSpec {
            name: name.into(),
            unit: unit.into(),
            interval,
            min,
            max,
        })
}

/// Parses `MIN..MAX`.
pub fn parse_range(text: &str) -> Result<(f64, f64), String> {
    let (min, max) = text
        .split_once("..")
        .ok_or_else(|| format!("{text:?}: expected a range MIN..MAX, e.g. 20..30"))?;
    let number = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{s:?} is not a number"))
    };
    let (min, max) = (number(min)?, number(max)?);
    if min > max {
        return Err(format!("{text:?}: the minimum is above the maximum"));
    }
    Ok((min, max))
}

/// Checks an interval: zero would publish in a tight loop.
pub fn check_interval(interval: Duration) -> Result<Duration, String> {
    if interval < Duration::from_millis(1) {
        Err("the interval must be at least 1ms".into())
    } else {
        Ok(interval)
    }
}

/// Parses `KIND[:INTERVAL[:MIN..MAX]]`. A name that is not a built-in kind is a generic
/// sensor with that name, which then needs its range.
pub fn parse(spec: &str) -> Result<SensorSpec, String> {
    let mut parts = spec.splitn(3, ':');
    let name = parts.next().unwrap_or_default().trim();
    if name.is_empty() || name.contains(['/', '+', '#', '{', '}']) {
        return Err(format!(
            "{spec:?}: a sensor name is one topic level without '/', '+', '#' or braces"
        ));
    }
    let interval = parts.next();
    let range = parts.next();
    let mut sensor = match builtin(name) {
        Some(s) => s,
        None if range.is_some() => SensorSpec {
            name: name.into(),
            ..builtin("generic").expect("generic is built in")
        },
        None => {
            return Err(format!(
                "{spec:?}: unknown kind {name:?}; use one of {} or give a range (e.g. {name}:1s:0..100)",
                kind_names()
            ))
        }
    };
    if let Some(text) = interval.filter(|t| !t.is_empty()) {
        sensor.interval =
            check_interval(parse_duration(text).map_err(|e| format!("{spec:?}: {e}"))?)
                .map_err(|e| format!("{spec:?}: {e}"))?;
    }
    if let Some(text) = range {
        (sensor.min, sensor.max) = parse_range(text).map_err(|e| format!("{spec:?}: {e}"))?;
    }
    Ok(sensor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_defaults_match_the_classic_scripts() {
        let t = parse("temperature").unwrap();
        assert_eq!(
            (t.interval, t.min, t.max),
            (Duration::from_secs(3), 20.0, 30.0)
        );
        let p = parse("pressure").unwrap();
        assert_eq!(
            (p.interval, p.min, p.max),
            (Duration::from_millis(500), 990.0, 1020.0)
        );
    }

    #[test]
    fn interval_and_range_override_the_defaults() {
        let t = parse("temperature:1s:18..25.5").unwrap();
        assert_eq!(
            (t.interval, t.min, t.max),
            (Duration::from_secs(1), 18.0, 25.5)
        );
        let t = parse("humidity::10..20").unwrap();
        assert_eq!(
            (t.interval, t.min, t.max),
            (Duration::from_secs(5), 10.0, 20.0)
        );
    }

    #[test]
    fn an_unknown_name_is_generic_with_a_range() {
        let v = parse("vibration:100ms:0..5").unwrap();
        assert_eq!(
            (v.name.as_str(), v.unit.as_str(), v.max),
            ("vibration", "", 5.0)
        );
        assert!(parse("vibration").unwrap_err().contains("unknown kind"));
    }

    #[test]
    fn bad_specs_are_refused() {
        for bad in [
            "",
            "a/b",
            "temperature:0s",
            "temperature:1s:30..20",
            "temperature:x",
            "t:1s:a..b",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
