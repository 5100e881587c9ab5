//! How values the store cannot hold as they are go into its columns: MQTT 5 message
//! properties as a small JSON object, deadlines as Unix milliseconds, Subscription
//! Identifiers as a comma-separated list.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::super::packet::{Expiry, MessageProperties};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// The wall-clock time (Unix ms) of an expiry deadline.
pub fn expiry_to_ms(expiry: Option<Expiry>) -> Option<i64> {
    let expiry = expiry?;
    let left = expiry
        .deadline
        .saturating_duration_since(Instant::now())
        .as_millis();
    Some(now_ms().saturating_add(i64::try_from(left).unwrap_or(i64::MAX)))
}

/// The expiry deadline of a wall-clock time (Unix ms); one already past is "now".
pub fn ms_to_expiry(ms: Option<i64>) -> Option<Expiry> {
    let ms = ms?;
    let left = u64::try_from(ms.saturating_sub(now_ms())).unwrap_or(0);
    Some(Expiry {
        deadline: Instant::now() + Duration::from_millis(left),
    })
}

/// Whole seconds from now until a wall-clock time (Unix ms), 0 when it is past.
pub fn seconds_until(ms: i64) -> u32 {
    let left = ms.saturating_sub(now_ms()).max(0);
    u32::try_from((left + 999) / 1000).unwrap_or(u32::MAX)
}

/// The properties as stored; `None` for none.
pub fn properties_to_text(p: Option<&MessageProperties>) -> Option<String> {
    let p = p.filter(|p| !p.is_empty())?;
    let mut map = Map::new();
    if let Some(v) = p.payload_format {
        map.insert("payload_format".into(), json!(v));
    }
    if let Some(v) = &p.content_type {
        map.insert("content_type".into(), json!(v));
    }
    if let Some(v) = &p.response_topic {
        map.insert("response_topic".into(), json!(v));
    }
    if let Some(v) = &p.correlation_data {
        map.insert("correlation_data".into(), json!(hex(v)));
    }
    if !p.user_properties.is_empty() {
        let pairs: Vec<Value> = p
            .user_properties
            .iter()
            .map(|(k, v)| json!([k, v]))
            .collect();
        map.insert("user_properties".into(), Value::Array(pairs));
    }
    Some(Value::Object(map).to_string())
}

/// The properties of a stored text; `Err` when it is not what [`properties_to_text`] wrote.
pub fn properties_from_text(text: &str) -> Result<MessageProperties, String> {
    let bad = || format!("unreadable message properties {text:?}");
    let value: Value = serde_json::from_str(text).map_err(|_| bad())?;
    let map = value.as_object().ok_or_else(bad)?;
    let string = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
    let user_properties = match map.get("user_properties") {
        None => Vec::new(),
        Some(Value::Array(pairs)) => pairs
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(k), Value::String(v)]) => Ok((k.clone(), v.clone())),
                _ => Err(bad()),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(bad()),
    };
    let correlation_data = match string("correlation_data") {
        Some(h) => Some(Bytes::from(unhex(&h).ok_or_else(bad)?)),
        None => None,
    };
    Ok(MessageProperties {
        payload_format: map
            .get("payload_format")
            .and_then(Value::as_u64)
            .and_then(|v| u8::try_from(v).ok()),
        content_type: string("content_type"),
        response_topic: string("response_topic"),
        correlation_data,
        user_properties,
    })
}

/// Subscription Identifiers as stored.
pub fn ids_to_text(ids: &[u32]) -> Option<String> {
    (!ids.is_empty()).then(|| ids.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
}

/// Subscription Identifiers of a stored text.
pub fn ids_from_text(text: &str) -> Result<Vec<u32>, String> {
    text.split(',')
        .map(|id| {
            id.parse()
                .map_err(|_| format!("unreadable subscription identifiers {text:?}"))
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_round_trip_with_user_properties_in_order() {
        let p = MessageProperties {
            payload_format: Some(1),
            content_type: Some("text/plain".into()),
            response_topic: Some("r/t".into()),
            correlation_data: Some(Bytes::from_static(&[0, 0xff, 7])),
            user_properties: vec![("b".into(), "2".into()), ("a".into(), "1".into())],
        };
        let text = properties_to_text(Some(&p)).unwrap();
        assert_eq!(properties_from_text(&text).unwrap(), p);
        assert_eq!(
            properties_to_text(Some(&MessageProperties::default())),
            None
        );
    }

    #[test]
    fn damaged_properties_are_an_error() {
        assert!(properties_from_text("{").is_err());
        assert!(properties_from_text(r#"{"correlation_data":"zz"}"#).is_err());
        assert!(properties_from_text(r#"{"user_properties":[["a"]]}"#).is_err());
    }

    #[test]
    fn expiry_survives_the_trip_through_the_wall_clock() {
        let ms = expiry_to_ms(Some(Expiry::after(60))).unwrap();
        let back = ms_to_expiry(Some(ms)).unwrap();
        let left = back.remaining(Instant::now()).unwrap();
        assert!((59..=60).contains(&left), "{left}");
        assert_eq!(
            ids_from_text(&ids_to_text(&[1, 268_435_455]).unwrap()).unwrap(),
            [1, 268_435_455]
        );
    }
}
