//! The broker's own vocabulary: QoS, the packets a client sends ([`Inbound`]), the packets the
//! broker sends ([`Outbound`]) and the application [`Message`] it routes.
//!
//! Both protocol versions decode into these types and encode from them (`codec/`), so the
//! handlers see one model: a 3.1.1 CONNECT arrives with a session expiry (0 or "never")
//! instead of a clean-session flag, and its acknowledgements carry reason codes that the 3.1.1
//! encoder leaves out. Where a value only exists in MQTT 5 its 3.1.1 default is filled in.

use std::sync::Arc;

use bytes::Bytes;
use tokio::time::Instant;

/// A client identifier, shared cheaply between the session table and the router.
pub type ClientId = Arc<str>;

/// The protocol version a connection speaks, chosen by its CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// MQTT 3.1.1 (protocol level 4).
    V311,
    /// MQTT 5.0 (protocol level 5).
    V5,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Version::V311 => "MQTT 3.1.1",
            Version::V5 => "MQTT 5",
        })
    }
}

/// Quality of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QoS {
    /// At most once.
    AtMostOnce = 0,
    /// At least once.
    AtLeastOnce = 1,
    /// Exactly once.
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS of a wire value 0–2.
    pub fn from_u8(value: u8) -> Option<QoS> {
        match value {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// The Session Expiry Interval that means "never" (MQTT 5 §3.1.2.11.2).
pub const NEVER_EXPIRES: u32 = u32::MAX;

/// The properties of an application message that travel unchanged from publisher to
/// subscriber [MQTT-3.3.2-4, MQTT-3.3.2-17, MQTT-3.3.2-18, MQTT-3.3.2-20].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageProperties {
    /// Payload Format Indicator (0 bytes, 1 UTF-8).
    pub payload_format: Option<u8>,
    /// Content Type.
    pub content_type: Option<String>,
    /// Response Topic.
    pub response_topic: Option<String>,
    /// Correlation Data.
    pub correlation_data: Option<Bytes>,
    /// User Properties, in the order received, duplicates kept [MQTT-3.3.2-18].
    pub user_properties: Vec<(String, String)>,
}

impl MessageProperties {
    /// True when no property is set.
    pub fn is_empty(&self) -> bool {
        self.payload_format.is_none()
            && self.content_type.is_none()
            && self.response_topic.is_none()
            && self.correlation_data.is_none()
            && self.user_properties.is_empty()
    }
}

/// An application message as the broker routes it; cheap to clone.
#[derive(Debug, Clone)]
pub struct Message {
    /// Topic name.
    pub topic: Arc<str>,
    /// Payload bytes.
    pub payload: Bytes,
    /// QoS it was published with.
    pub qos: QoS,
    /// Retain flag it was published with.
    pub retain: bool,
    /// Its MQTT 5 properties; `None` when it has none (every 3.1.1 message).
    pub properties: Option<Arc<MessageProperties>>,
    /// When it expires (the deadline its Message Expiry Interval set).
    pub expiry: Option<Expiry>,
    /// The session that published it, for No Local; `None` for the broker's own messages.
    pub origin: Option<ClientId>,
}

/// When a message expires (from its Message Expiry Interval).
#[derive(Debug, Clone, Copy)]
pub struct Expiry {
    /// The instant the message expires.
    pub deadline: Instant,
}

impl Expiry {
    /// An expiry `seconds` from now.
    pub fn after(seconds: u32) -> Expiry {
        Expiry {
            deadline: Instant::now() + std::time::Duration::from_secs(u64::from(seconds)),
        }
    }

    /// The whole seconds left, rounded up; `None` once expired. A message forwarded at once
    /// keeps the interval it was published with; one that waited is sent with the interval
    /// less the time it waited [MQTT-3.3.2-6].
    pub fn remaining(&self, now: Instant) -> Option<u32> {
        let left = self.deadline.checked_duration_since(now)?;
        if left.is_zero() {
            return None;
        }
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        Some(u32::try_from(secs).unwrap_or(u32::MAX))
    }
}

impl Message {
    /// True when its Message Expiry Interval has passed.
    pub fn is_expired(&self, now: Instant) -> bool {
        self.expiry.is_some_and(|e| e.remaining(now).is_none())
    }
}

/// One message on its way to one client.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The message.
    pub message: Message,
    /// QoS of this delivery: min(published, granted) [MQTT-3.8.4-8].
    pub qos: QoS,
    /// Retain flag on the wire [MQTT-3.3.1-12, MQTT-3.3.1-13].
    pub retain: bool,
    /// The Subscription Identifiers of every matching subscription [MQTT-3.3.4-3].
    pub subscription_ids: Vec<u32>,
    /// Its sequence number in the persistence store; 0 when it is not persisted.
    pub seq: u64,
}

/// A Will Message from CONNECT.
#[derive(Debug, Clone)]
pub struct Will {
    /// The message, published as the will.
    pub message: Message,
    /// Will Delay Interval in seconds (0 for 3.1.1).
    pub delay: u32,
    /// Message Expiry Interval of the will, applied when it is published.
    pub expiry_interval: Option<u32>,
}

impl Will {
    /// The message to publish now: its Message Expiry Interval starts at publication.
    pub fn into_message(self) -> Message {
        let mut message = self.message;
        message.expiry = self.expiry_interval.map(Expiry::after);
        message
    }
}

/// CONNECT, normalised across versions.
#[derive(Debug, Clone)]
pub struct Connect {
    /// Protocol version.
    pub version: Version,
    /// Client identifier (may be empty).
    pub client_id: String,
    /// Clean Start (3.1.1: Clean Session).
    pub clean_start: bool,
    /// Keep Alive in seconds.
    pub keep_alive: u16,
    /// Session Expiry Interval: 3.1.1 Clean Session 1 is 0, Clean Session 0 is "never".
    pub session_expiry: u32,
    /// Receive Maximum (65,535 when absent).
    pub receive_maximum: u16,
    /// Maximum Packet Size the client accepts; `None` when unlimited.
    pub maximum_packet_size: Option<u32>,
    /// Topic Alias Maximum the client accepts from the broker (0 when absent).
    pub topic_alias_maximum: u16,
    /// Request Response Information.
    pub request_response_information: bool,
    /// Request Problem Information (true when absent).
    pub request_problem_information: bool,
    /// User Properties of CONNECT.
    pub user_properties: Vec<(String, String)>,
    /// Authentication Method, when the client asks for enhanced authentication.
    pub authentication_method: Option<String>,
    /// The will (boxed: most connections have none, and a connection keeps it while idle).
    pub will: Option<Box<Will>>,
    /// User name.
    pub username: Option<String>,
    /// Password.
    pub password: Option<Password>,
}

/// A password from CONNECT; its `Debug` form hides it, so `-vv` logs never show it.
#[derive(Clone)]
pub struct Password(pub Bytes);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

impl Connect {
    /// A CONNECT with what a client leaves out: no limits, no properties, no will, no
    /// credentials (the defaults of MQTT 5 §3.1.2.11).
    pub fn new(version: Version, clean_start: bool, keep_alive: u16, session_expiry: u32) -> Self {
        Connect {
            version,
            client_id: String::new(),
            clean_start,
            keep_alive,
            session_expiry,
            receive_maximum: u16::MAX,
            maximum_packet_size: None,
            topic_alias_maximum: 0,
            request_response_information: false,
            request_problem_information: true,
            user_properties: Vec::new(),
            authentication_method: None,
            will: None,
            username: None,
            password: None,
        }
    }
}

/// PUBLISH from a client.
#[derive(Debug, Clone)]
pub struct Publish {
    /// Topic name; empty when a topic alias stands for it.
    pub topic: String,
    /// QoS.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// DUP flag.
    pub dup: bool,
    /// Packet identifier (0 at QoS 0).
    pub pkid: u16,
    /// Payload.
    pub payload: Bytes,
    /// Properties passed on to subscribers.
    pub properties: MessageProperties,
    /// Message Expiry Interval.
    pub expiry_interval: Option<u32>,
    /// Topic Alias.
    pub topic_alias: Option<u16>,
}

/// What SUBSCRIBE asks of retained messages (MQTT 5 Retain Handling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetainHandling {
    /// Send retained messages at subscribe (0; always for 3.1.1).
    OnSubscribe,
    /// Only if the subscription did not exist yet (1).
    OnNewSubscription,
    /// Never at subscribe (2).
    Never,
}

/// One filter of SUBSCRIBE and its options.
#[derive(Debug, Clone)]
pub struct SubscribeFilter {
    /// The topic filter, `$share/…` included.
    pub filter: String,
    /// Maximum QoS.
    pub qos: QoS,
    /// No Local.
    pub no_local: bool,
    /// Retain As Published.
    pub retain_as_published: bool,
    /// Retain Handling.
    pub retain_handling: RetainHandling,
}

/// SUBSCRIBE.
#[derive(Debug, Clone)]
pub struct Subscribe {
    /// Packet identifier.
    pub pkid: u16,
    /// Subscription Identifier, 1–268,435,455.
    pub subscription_id: Option<u32>,
    /// The filters, in order.
    pub filters: Vec<SubscribeFilter>,
}

/// UNSUBSCRIBE.
#[derive(Debug, Clone)]
pub struct Unsubscribe {
    /// Packet identifier.
    pub pkid: u16,
    /// The filters, in order.
    pub filters: Vec<String>,
}

/// DISCONNECT from a client.
#[derive(Debug, Clone, Copy)]
pub struct Disconnect {
    /// Reason code (0 for 3.1.1).
    pub reason: u8,
    /// A new Session Expiry Interval.
    pub session_expiry: Option<u32>,
}

/// A packet from a client.
#[derive(Debug, Clone)]
pub enum Inbound {
    /// CONNECT.
    Connect(Box<Connect>),
    /// PUBLISH.
    Publish(Publish),
    /// PUBACK: packet id and reason code.
    PubAck(u16, u8),
    /// PUBREC.
    PubRec(u16, u8),
    /// PUBREL.
    PubRel(u16, u8),
    /// PUBCOMP.
    PubComp(u16, u8),
    /// SUBSCRIBE.
    Subscribe(Subscribe),
    /// UNSUBSCRIBE.
    Unsubscribe(Unsubscribe),
    /// PINGREQ.
    PingReq,
    /// DISCONNECT.
    Disconnect(Disconnect),
    /// AUTH (MQTT 5) with its reason code.
    Auth(u8),
}

/// CONNACK properties the broker sends (MQTT 5 only).
#[derive(Debug, Clone, Default)]
pub struct ConnAckProperties {
    /// Session Expiry Interval, when the broker changed the client's.
    pub session_expiry: Option<u32>,
    /// Receive Maximum of the broker.
    pub receive_maximum: Option<u16>,
    /// Maximum QoS, when below 2.
    pub maximum_qos: Option<u8>,
    /// Retain Available.
    pub retain_available: Option<bool>,
    /// Maximum Packet Size the broker accepts.
    pub maximum_packet_size: Option<u32>,
    /// Assigned Client Identifier.
    pub assigned_client_id: Option<String>,
    /// Topic Alias Maximum of the broker.
    pub topic_alias_maximum: Option<u16>,
    /// Reason String.
    pub reason_string: Option<String>,
    /// Wildcard Subscription Available.
    pub wildcard_available: Option<bool>,
    /// Subscription Identifiers Available.
    pub subscription_ids_available: Option<bool>,
    /// Shared Subscription Available.
    pub shared_available: Option<bool>,
    /// Server Keep Alive.
    pub server_keep_alive: Option<u16>,
    /// Response Information.
    pub response_information: Option<String>,
}

/// A packet the broker sends, other than PUBLISH (see `codec::OutPublish`).
#[derive(Debug, Clone)]
pub enum Outbound {
    /// CONNACK: session present, reason code (v5 code; narrowed for 3.1.1), properties.
    ConnAck {
        /// Session Present.
        session_present: bool,
        /// Reason code.
        reason: u8,
        /// MQTT 5 properties.
        properties: Box<ConnAckProperties>,
    },
    /// PUBACK.
    PubAck(u16, u8),
    /// PUBREC.
    PubRec(u16, u8),
    /// PUBREL.
    PubRel(u16, u8),
    /// PUBCOMP.
    PubComp(u16, u8),
    /// SUBACK: packet id, one reason code per filter.
    SubAck(u16, Vec<u8>),
    /// UNSUBACK: packet id, one reason code per filter (MQTT 5 only).
    UnsubAck(u16, Vec<u8>),
    /// PINGRESP.
    PingResp,
    /// DISCONNECT from the server (MQTT 5 only): reason code and Reason String.
    Disconnect(u8, Option<String>),
}
