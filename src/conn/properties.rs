//! The MQTT 5 properties of a PUBLISH: what `pub` sends (`-D`) and what a received message
//! carries, and their conversion to and from rumqttc's.

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5 as wire;

/// v5 properties of a PUBLISH, sent or received (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishProperties {
    /// Payload format indicator (0 bytes, 1 UTF-8).
    pub payload_format_indicator: Option<u8>,
    /// Message expiry interval in seconds.
    pub message_expiry_interval: Option<u32>,
    /// Topic alias.
    pub topic_alias: Option<u16>,
    /// Response topic.
    pub response_topic: Option<String>,
    /// Correlation data.
    pub correlation_data: Option<Vec<u8>>,
    /// User properties, in order, duplicates kept.
    pub user_properties: Vec<(String, String)>,
    /// Subscription identifiers (received only).
    pub subscription_identifiers: Vec<usize>,
    /// Content type.
    pub content_type: Option<String>,
}

impl PublishProperties {
    /// True when no property is present.
    pub fn is_empty(&self) -> bool {
        self.payload_format_indicator.is_none()
            && self.message_expiry_interval.is_none()
            && self.topic_alias.is_none()
            && self.response_topic.is_none()
            && self.correlation_data.is_none()
            && self.user_properties.is_empty()
            && self.subscription_identifiers.is_empty()
            && self.content_type.is_none()
    }
}

/// rumqttc's properties for sending `p` (a client sends no subscription identifier).
pub(super) fn outgoing(p: &PublishProperties) -> wire::PublishProperties {
    wire::PublishProperties {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: p.topic_alias,
        response_topic: p.response_topic.clone(),
        correlation_data: p.correlation_data.clone().map(Bytes::from),
        user_properties: p.user_properties.clone(),
        subscription_identifiers: Vec::new(),
        content_type: p.content_type.clone(),
    }
}

/// The properties of a received PUBLISH.
pub(super) fn incoming(p: wire::PublishProperties) -> PublishProperties {
    PublishProperties {
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        topic_alias: p.topic_alias,
        response_topic: p.response_topic,
        correlation_data: p.correlation_data.map(|d| d.to_vec()),
        user_properties: p.user_properties,
        subscription_identifiers: p.subscription_identifiers,
        content_type: p.content_type,
    }
}
