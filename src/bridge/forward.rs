//! What the destination gets for a message from the source: the topic remapped, the QoS
//! capped, the retain flag kept or dropped, and the MQTT 5 properties that belong to the
//! message (not to the source connection) kept.

use bytes::Bytes;
use rumqttc::QoS;

use crate::conn::{Message, Protocol, PublishProperties};
use crate::record::remap::{self, Remap};

/// How one direction turns a received message into the one it publishes.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Applied to the topic, the first match winning.
    pub remaps: Vec<Remap>,
    /// The highest QoS published.
    pub max_qos: QoS,
    /// Publish every message with retain 0.
    pub drop_retain: bool,
    /// The destination's protocol: MQTT 3.1.1 carries no properties.
    pub destination: Protocol,
}

/// A message to publish on the destination.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// Topic name (remapped).
    pub topic: String,
    /// Payload, unchanged.
    pub payload: Bytes,
    /// The lower of the message's QoS and the maximum.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// MQTT 5 properties, for an MQTT 5 destination.
    pub properties: Option<PublishProperties>,
    /// The message had properties that an MQTT 3.1.1 destination cannot carry.
    pub properties_dropped: bool,
}

impl Rules {
    /// The message to publish for `m`, or why there is none (the remap makes an invalid
    /// topic name).
    pub fn apply(&self, m: &Message) -> Result<Outgoing, String> {
        let topic = remap::apply(&self.remaps, &m.topic)?;
        let mut properties = m.properties.clone().map(|mut p| {
            // An alias belongs to one connection [MQTT-3.3.2-10]; subscription identifiers
            // to the bridge's own subscription (and a client sends none).
            p.topic_alias = None;
            p.subscription_identifiers.clear();
            p
        });
        let mut properties_dropped = false;
        if self.destination == Protocol::V311 {
            properties_dropped = properties.take().is_some_and(|p| !p.is_empty());
        }
        Ok(Outgoing {
            topic,
            payload: m.payload.clone(),
            qos: if m.qos as u8 > self.max_qos as u8 {
                self.max_qos
            } else {
                m.qos
            },
            retain: m.retain && !self.drop_retain,
            properties,
            properties_dropped,
        })
    }
}

/// `filter` as the other direction of `--both` subscribes to it: remapped like a topic
/// (the first remap whose FROM starts it).
pub fn remap_filter(remaps: &[Remap], filter: &str) -> String {
    match remaps.iter().find(|r| filter.starts_with(r.from.as_str())) {
        Some(r) => format!("{}{}", r.to, &filter[r.from.len()..]),
        None => filter.to_owned(),
    }
}

/// The remaps of the other direction of `--both`: TO back to FROM.
pub fn reversed(remaps: &[Remap]) -> Vec<Remap> {
    remaps
        .iter()
        .map(|r| Remap {
            from: r.to.clone(),
            to: r.from.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(qos: QoS, retain: bool, properties: Option<PublishProperties>) -> Message {
        Message {
            topic: "sensors/t1".into(),
            payload: Bytes::from_static(b"\x00\xff"),
            qos,
            retain,
            pkid: 7,
            properties,
        }
    }

    fn rules(max_qos: QoS, drop_retain: bool, destination: Protocol) -> Rules {
        Rules {
            remaps: vec![Remap::parse("sensors/=site1/sensors/").unwrap()],
            max_qos,
            drop_retain,
            destination,
        }
    }

    #[test]
    fn qos_is_capped_retain_kept_or_dropped_and_the_topic_remapped() {
        let m = message(QoS::ExactlyOnce, true, None);
        let out = rules(QoS::AtLeastOnce, false, Protocol::V5)
            .apply(&m)
            .unwrap();
        assert_eq!(out.topic, "site1/sensors/t1");
        assert_eq!((out.qos, out.retain), (QoS::AtLeastOnce, true));
        assert_eq!(out.payload, m.payload);
        let low = message(QoS::AtMostOnce, true, None);
        let out = rules(QoS::ExactlyOnce, true, Protocol::V5)
            .apply(&low)
            .unwrap();
        assert_eq!((out.qos, out.retain), (QoS::AtMostOnce, false));
    }

    #[test]
    fn properties_of_the_message_are_kept_and_those_of_the_connection_dropped() {
        let p = PublishProperties {
            content_type: Some("t".into()),
            user_properties: vec![("b".into(), "1".into()), ("a".into(), "2".into())],
            topic_alias: Some(3),
            subscription_identifiers: vec![9],
            message_expiry_interval: Some(60),
            ..Default::default()
        };
        let m = message(QoS::AtLeastOnce, false, Some(p.clone()));
        let out = rules(QoS::ExactlyOnce, false, Protocol::V5)
            .apply(&m)
            .unwrap();
        let want = PublishProperties {
            topic_alias: None,
            subscription_identifiers: vec![],
            ..p
        };
        assert_eq!(out.properties, Some(want));
        assert!(!out.properties_dropped);
        let out = rules(QoS::ExactlyOnce, false, Protocol::V311)
            .apply(&m)
            .unwrap();
        assert_eq!((out.properties, out.properties_dropped), (None, true));
    }

    #[test]
    fn an_invalid_remapped_topic_is_refused() {
        let r = Rules {
            remaps: vec![Remap::parse("sensors/t1=").unwrap()],
            ..rules(QoS::ExactlyOnce, false, Protocol::V5)
        };
        assert!(r.apply(&message(QoS::AtMostOnce, false, None)).is_err());
    }

    #[test]
    fn both_maps_filters_forward_and_topics_back() {
        let remaps = vec![Remap::parse("sensors/=site1/sensors/").unwrap()];
        assert_eq!(remap_filter(&remaps, "sensors/#"), "site1/sensors/#");
        assert_eq!(remap_filter(&remaps, "cmd/+"), "cmd/+");
        let back = reversed(&remaps);
        assert_eq!(remap::apply(&back, "site1/sensors/t").unwrap(), "sensors/t");
    }
}
