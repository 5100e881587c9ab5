//! The numbers in a payload, for plotting: a plain number, or each numeric field of a JSON
//! object (nested objects as `a.b`); and a bounded series of them with min/max/last.

use std::collections::VecDeque;

/// Fields plotted per topic at most (a wide object keeps its first ones).
pub const MAX_FIELDS: usize = 8;
/// The name of the value of a payload that is a number.
pub const PLAIN: &str = "value";

/// The numbers in `payload` (an object's fields by name); empty when there are none.
pub fn extract(payload: &[u8]) -> Vec<(String, f64)> {
    let Ok(text) = std::str::from_utf8(payload) else {
        return Vec::new();
    };
    let trimmed = text.trim();
    if let Ok(v) = trimmed.parse::<f64>() {
        return if v.is_finite() {
            vec![(PLAIN.to_owned(), v)]
        } else {
            Vec::new()
        };
    }
    if !trimmed.starts_with('{') {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(trimmed) {
        collect("", &map, &mut out);
    }
    out
}

fn collect(
    prefix: &str,
    map: &serde_json::Map<String, serde_json::Value>,
    out: &mut Vec<(String, f64)>,
) {
    for (key, value) in map {
        if out.len() >= MAX_FIELDS {
            return;
        }
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            serde_json::Value::Number(n) => {
                if let Some(v) = n.as_f64().filter(|v| v.is_finite()) {
                    out.push((name, v));
                }
            }
            serde_json::Value::Object(inner) => collect(&name, inner, out),
            _ => {}
        }
    }
}

/// The last values of one field (at most the history length).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    values: VecDeque<f64>,
    capacity: usize,
}

impl Series {
    /// An empty series keeping at most `capacity` values (at least one).
    pub fn new(capacity: usize) -> Series {
        Series {
            values: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Appends a value, dropping the oldest when full.
    pub fn push(&mut self, v: f64) {
        if self.values.len() == self.capacity {
            self.values.pop_front();
        }
        self.values.push_back(v);
    }

    /// The values, oldest first.
    pub fn values(&self) -> impl ExactSizeIterator<Item = f64> + DoubleEndedIterator + '_ {
        self.values.iter().copied()
    }

    /// The newest value.
    pub fn last(&self) -> Option<f64> {
        self.values.back().copied()
    }

    /// Smallest and largest value kept.
    pub fn min_max(&self) -> Option<(f64, f64)> {
        let mut it = self.values();
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(payload: &str) -> Vec<(String, f64)> {
        extract(payload.as_bytes())
    }

    #[test]
    fn a_plain_number_is_one_value() {
        assert_eq!(names(" 21.5\n"), [("value".to_owned(), 21.5)]);
        assert_eq!(names("-3"), [("value".to_owned(), -3.0)]);
        assert!(names("NaN").is_empty());
        assert!(names("inf").is_empty());
        assert!(names("21.5 C").is_empty());
    }

    #[test]
    fn each_numeric_field_of_an_object_by_name() {
        let got = names(r#"{"device":"d","value":23.4,"seq":7,"ok":true,"pos":{"x":1,"y":-2}}"#);
        let want = [
            ("pos.x", 1.0),
            ("pos.y", -2.0),
            ("seq", 7.0),
            ("value", 23.4),
        ];
        let want: Vec<(String, f64)> = want.iter().map(|(n, v)| (n.to_string(), *v)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn other_payloads_have_no_numbers() {
        assert!(names("[1,2]").is_empty());
        assert!(names("{broken").is_empty());
        assert!(names("online").is_empty());
        assert!(extract(&[0xff, 0x00]).is_empty());
    }

    #[test]
    fn a_wide_object_keeps_its_first_fields() {
        let wide: Vec<String> = (0..20).map(|i| format!("\"f{i:02}\":{i}")).collect();
        let got = names(&format!("{{{}}}", wide.join(",")));
        assert_eq!(got.len(), MAX_FIELDS);
        assert_eq!(got[0].0, "f00");
    }

    #[test]
    fn a_series_is_bounded_and_knows_its_range() {
        let mut s = Series::new(3);
        assert_eq!(s.min_max(), None);
        for v in [5.0, 1.0, 9.0, 4.0] {
            s.push(v);
        }
        assert_eq!(s.values().collect::<Vec<_>>(), [1.0, 9.0, 4.0]);
        assert_eq!(s.min_max(), Some((1.0, 9.0)));
        assert_eq!(s.last(), Some(4.0));
    }
}
