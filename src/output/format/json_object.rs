//! The object `%j` and `%J` print: the message as mosquitto_sub lays it out.

use super::cjson::{parse_json, Json};
use super::time::Moment;
use super::{PublishProperties, Received};

fn obj_entry(key: &str, value: Json) -> (String, Json) {
    (key.to_string(), value)
}

/// The object of `%j` (`embed` false) and `%J` (`embed` true).
pub(super) fn mosquitto_json(msg: &Received, time: &Moment, embed: bool) -> Json {
    let mut fields = vec![
        obj_entry("tst", Json::Str(time.json_tst())),
        obj_entry("topic", Json::Str(msg.topic.to_string())),
        obj_entry("qos", Json::Number(f64::from(msg.qos))),
        obj_entry("retain", Json::Number(if msg.retain { 1.0 } else { 0.0 })),
        obj_entry("payloadlen", Json::Number(msg.payload.len() as f64)),
    ];
    if msg.qos > 0 {
        fields.push(obj_entry("mid", Json::Number(f64::from(msg.mid))));
    }
    if let Some(props) = msg.properties.filter(|p| !p.is_empty()) {
        fields.push(obj_entry("properties", mosquitto_properties(props)));
    }
    let payload = if msg.payload.is_empty() {
        Json::Null
    } else {
        let parsed = if embed { parse_json(msg.payload) } else { None };
        parsed.unwrap_or_else(|| Json::Str(String::from_utf8_lossy(msg.payload).into_owned()))
    };
    fields.push(obj_entry("payload", payload));
    Json::Object(fields)
}

/// mosquitto_sub lists the properties in the order they arrived, which is not kept here: this
/// is the order a mosquitto broker forwards them in when the publisher sent them in the order
/// `user-property… content-type correlation-data response-topic message-expiry-interval
/// payload-format-indicator` (the broker puts the subscription identifier first and the
/// message expiry interval last); the topic alias, which mosquitto brokers never send, last.
fn mosquitto_properties(p: &PublishProperties) -> Json {
    let mut fields = Vec::new();
    for id in &p.subscription_identifiers {
        fields.push(obj_entry(
            "subscription-identifier",
            Json::Number(*id as f64),
        ));
    }
    if !p.user_properties.is_empty() {
        let pairs = p
            .user_properties
            .iter()
            .map(|(k, v)| (k.clone(), Json::Str(v.clone())))
            .collect();
        fields.push(obj_entry("user-properties", Json::Object(pairs)));
    }
    if let Some(ct) = &p.content_type {
        fields.push(obj_entry("content-type", Json::Str(ct.clone())));
    }
    if let Some(cd) = &p.correlation_data {
        let cd = String::from_utf8_lossy(cd).into_owned();
        fields.push(obj_entry("correlation-data", Json::Str(cd)));
    }
    if let Some(rt) = &p.response_topic {
        fields.push(obj_entry("response-topic", Json::Str(rt.clone())));
    }
    if let Some(pfi) = p.payload_format_indicator {
        fields.push(obj_entry(
            "payload-format-indicator",
            Json::Number(f64::from(pfi)),
        ));
    }
    if let Some(mei) = p.message_expiry_interval {
        fields.push(obj_entry(
            "message-expiry-interval",
            Json::Number(f64::from(mei)),
        ));
    }
    if let Some(ta) = p.topic_alias {
        fields.push(obj_entry("topic-alias", Json::Number(f64::from(ta))));
    }
    Json::Object(fields)
}
