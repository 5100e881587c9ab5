//! One client over rumqttc's MQTT 3.1.1 and MQTT 5 clients, so that command code does not
//! branch on the protocol version.
//!
//! [`connect`] returns a [`Client`] (requests) and an [`Events`] (the event loop to poll), both
//! version-neutral; [`Events::poll`] turns rumqttc's two packet types into one [`Event`] with
//! numeric reason codes, and its two error types into one error chain in which a CONNACK
//! refusal is the typed [`Error::Refused`].

use std::future::Future;
use std::time::Duration;

use anyhow::{Context, Result};
use bytes::Bytes;
use rumqttc::v5;
use rumqttc::QoS;

use super::properties::{self, PublishProperties};
use super::{broker_address, endpoint, rumqttc_transport, transport, ConnectConfig, Protocol};
use crate::error::Error;

/// Largest packet either way: the protocol's limit (rumqttc's default is 10 KiB).
const MAX_PACKET_SIZE: usize = 268_435_455;
/// Requests that may wait for the event loop.
const REQUEST_CAPACITY: usize = 64;

pub use crate::reason::Reason;

/// A message received from the broker.
#[derive(Debug, Clone)]
pub struct Message {
    /// Topic name.
    pub topic: String,
    /// Payload.
    pub payload: Bytes,
    /// QoS it was delivered at.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// Packet id (0 at QoS 0).
    pub pkid: u16,
    /// MQTT 5 properties (`None` for MQTT 3.1.1).
    pub properties: Option<PublishProperties>,
}

/// What the event loop reports.
#[derive(Debug)]
pub enum Event {
    /// The broker accepted the connection (also after a reconnect).
    ConnAck {
        /// Whether the broker resumed a session.
        session_present: bool,
    },
    /// A message arrived.
    Publish(Message),
    /// SUBACK: per filter, in order, the granted QoS or the refusal.
    SubAck(Vec<Result<QoS, Reason>>),
    /// UNSUBACK.
    UnsubAck,
    /// PUBACK (QoS 1) or PUBCOMP (QoS 2): the message with this packet id is acknowledged. A
    /// v5 PUBACK or PUBREC may carry a failure instead.
    Acked {
        /// Packet id of the acknowledged PUBLISH.
        pkid: u16,
        /// Success, or the broker's reason for refusing the message.
        result: Result<(), Reason>,
    },
    /// A PUBLISH was written (packet id 0 at QoS 0); resends after a resumed session report
    /// their packet id again.
    PublishSent {
        /// Packet id.
        pkid: u16,
    },
    /// The broker sent DISCONNECT (MQTT 5) with this reason.
    ServerDisconnect(Reason),
    /// Our DISCONNECT was written.
    DisconnectSent,
    /// Anything else (PINGRESP, outgoing packets…).
    Other,
}

/// Sends requests to the event loop; cheap to clone.
#[derive(Clone)]
pub enum Client {
    /// MQTT 3.1.1.
    V311(rumqttc::AsyncClient),
    /// MQTT 5.
    V5(v5::AsyncClient),
}

/// The event loop: must be polled for anything to happen, and reconnects when polled after
/// an error.
pub enum Events {
    /// MQTT 3.1.1.
    V311(Box<rumqttc::EventLoop>),
    /// MQTT 5.
    V5(Box<v5::EventLoop>),
}

/// A connected client.
pub struct Connection {
    /// Sends requests.
    pub client: Client,
    /// Must be polled.
    pub events: Events,
    /// Whether the broker resumed a session.
    pub session_present: bool,
}

/// rumqttc's MQTT 5 QoS for `qos`.
pub fn qos_v5(qos: QoS) -> v5::mqttbytes::QoS {
    match qos {
        QoS::AtMostOnce => v5::mqttbytes::QoS::AtMostOnce,
        QoS::AtLeastOnce => v5::mqttbytes::QoS::AtLeastOnce,
        QoS::ExactlyOnce => v5::mqttbytes::QoS::ExactlyOnce,
    }
}

fn qos_from_v5(qos: v5::mqttbytes::QoS) -> QoS {
    match qos {
        v5::mqttbytes::QoS::AtMostOnce => QoS::AtMostOnce,
        v5::mqttbytes::QoS::AtLeastOnce => QoS::AtLeastOnce,
        v5::mqttbytes::QoS::ExactlyOnce => QoS::ExactlyOnce,
    }
}

impl Client {
    /// Queues a PUBLISH; `properties` are sent with MQTT 5 and ignored with 3.1.1 (the
    /// command rejects them before connecting).
    pub async fn publish(
        &self,
        topic: &str,
        qos: QoS,
        retain: bool,
        payload: Bytes,
        properties: Option<&PublishProperties>,
    ) -> Result<()> {
        match self {
            Client::V311(c) => c.publish_bytes(topic, qos, retain, payload).await?,
            Client::V5(c) => match properties {
                Some(p) => {
                    c.publish_bytes_with_properties(
                        topic,
                        qos_v5(qos),
                        retain,
                        payload,
                        properties::outgoing(p),
                    )
                    .await?
                }
                None => c.publish_bytes(topic, qos_v5(qos), retain, payload).await?,
            },
        }
        Ok(())
    }

    /// Queues a PUBLISH without waiting; fails when the request queue is full.
    pub fn try_publish(&self, topic: &str, qos: QoS, retain: bool, payload: Bytes) -> Result<()> {
        self.try_publish_with(topic, qos, retain, payload, None)
    }

    /// [`Client::try_publish`] with MQTT 5 properties (ignored with 3.1.1, as in
    /// [`Client::publish`]).
    pub fn try_publish_with(
        &self,
        topic: &str,
        qos: QoS,
        retain: bool,
        payload: Bytes,
        properties: Option<&PublishProperties>,
    ) -> Result<()> {
        match (self, properties) {
            (Client::V311(c), _) => c.try_publish(topic, qos, retain, payload)?,
            (Client::V5(c), Some(p)) => c.try_publish_with_properties(
                topic,
                qos_v5(qos),
                retain,
                payload,
                properties::outgoing(p),
            )?,
            (Client::V5(c), None) => c.try_publish(topic, qos_v5(qos), retain, payload)?,
        }
        Ok(())
    }

    /// Queues one SUBSCRIBE for all `filters`.
    pub async fn subscribe(&self, filters: &[String], qos: QoS) -> Result<()> {
        self.subscribe_with(filters, qos, false).await
    }

    /// Queues one SUBSCRIBE for all `filters`; with MQTT 5 and `retain_as_published`, the
    /// broker forwards each message with the retain flag its publisher set [MQTT-3.3.1-13]
    /// (MQTT 3.1.1 has no such option: a forwarded message's retain flag is 0 [MQTT-3.3.1-9]).
    pub async fn subscribe_with(
        &self,
        filters: &[String],
        qos: QoS,
        retain_as_published: bool,
    ) -> Result<()> {
        match self {
            Client::V311(c) => {
                let filters = filters
                    .iter()
                    .map(|f| rumqttc::SubscribeFilter::new(f.clone(), qos));
                c.subscribe_many(filters).await?
            }
            Client::V5(c) => {
                let filters = filters.iter().map(|f| v5::mqttbytes::v5::Filter {
                    preserve_retain: retain_as_published,
                    ..v5::mqttbytes::v5::Filter::new(f.clone(), qos_v5(qos))
                });
                c.subscribe_many(filters).await?
            }
        }
        Ok(())
    }

    /// Queues one SUBSCRIBE for all `filters` without waiting (fails when the request queue
    /// is full). With MQTT 5: Retain As Published [MQTT-3.3.1-13], retained messages only
    /// for a new subscription (a resumed session gets none again), and with `no_local` No
    /// Local: the broker does not send back what this connection published [MQTT-3.8.3-3].
    /// MQTT 3.1.1 has none of these options.
    pub fn try_subscribe_bridge(&self, filters: &[String], qos: QoS, no_local: bool) -> Result<()> {
        match self {
            Client::V311(c) => {
                let filters = filters
                    .iter()
                    .map(|f| rumqttc::SubscribeFilter::new(f.clone(), qos));
                c.try_subscribe_many(filters)?;
            }
            Client::V5(c) => {
                let filters = filters.iter().map(|f| v5::mqttbytes::v5::Filter {
                    preserve_retain: true,
                    nolocal: no_local,
                    retain_forward_rule: v5::mqttbytes::v5::RetainForwardRule::OnNewSubscribe,
                    ..v5::mqttbytes::v5::Filter::new(f.clone(), qos_v5(qos))
                });
                c.try_subscribe_many(filters)?;
            }
        }
        Ok(())
    }

    /// Queues a DISCONNECT without waiting (fails when the request queue is full).
    pub fn try_disconnect(&self) -> Result<()> {
        match self {
            Client::V311(c) => c.try_disconnect()?,
            Client::V5(c) => c.try_disconnect()?,
        }
        Ok(())
    }

    /// Acknowledges a message received at `qos` with packet id `pkid` (PUBACK, or PUBREC for
    /// QoS 2), with [`ConnectConfig::manual_acks`]; fails when the request queue is full.
    pub fn try_ack(&self, qos: QoS, pkid: u16) -> Result<()> {
        match self {
            Client::V311(c) => {
                let mut p = rumqttc::Publish::new("", qos, Vec::new());
                p.pkid = pkid;
                c.try_ack(&p)?;
            }
            Client::V5(c) => {
                let mut p = v5::mqttbytes::v5::Publish::new("", qos_v5(qos), Vec::new(), None);
                p.pkid = pkid;
                c.try_ack(&p)?;
            }
        }
        Ok(())
    }

    /// Queues an UNSUBSCRIBE.
    pub async fn unsubscribe(&self, filter: &str) -> Result<()> {
        match self {
            Client::V311(c) => c.unsubscribe(filter).await?,
            Client::V5(c) => c.unsubscribe(filter).await?,
        }
        Ok(())
    }

    /// Queues a DISCONNECT (behind everything queued before it).
    pub async fn disconnect(&self) -> Result<()> {
        match self {
            Client::V311(c) => c.disconnect().await?,
            Client::V5(c) => c.disconnect().await?,
        }
        Ok(())
    }
}

impl Events {
    /// The next event; after an error, the next call reconnects.
    pub async fn poll(&mut self) -> Result<Event> {
        match self {
            Events::V311(e) => e.poll().await.map(event_v311).map_err(error_v311),
            Events::V5(e) => e.poll().await.map(event_v5).map_err(error_v5),
        }
    }

    /// Moves the requests queued since the connection was lost out of the request queue:
    /// rumqttc then resends what was in flight and those publishes only if the broker
    /// resumes the session (acknowledgements are dropped: the broker resends their
    /// messages), instead of sending them on a new session ahead of everything else.
    pub fn clean(&mut self) {
        match self {
            Events::V311(e) => e.clean(),
            Events::V5(e) => e.clean(),
        }
    }

    /// The next event if one is ready now, without waiting (`None`: nothing is ready).
    pub async fn poll_ready(&mut self) -> Option<Result<Event>> {
        let mut next = std::pin::pin!(self.poll());
        std::future::poll_fn(|cx| match next.as_mut().poll(cx) {
            std::task::Poll::Ready(event) => std::task::Poll::Ready(Some(event)),
            std::task::Poll::Pending => std::task::Poll::Ready(None),
        })
        .await
    }

    /// Sends DISCONNECT through `client` and polls until it is written (at most a second).
    /// The event loop is polled while the DISCONNECT is queued, so a request queue full of
    /// messages (QoS 0 sent as fast as it takes them) drains ahead of it instead of blocking.
    pub async fn disconnect(&mut self, client: &Client) {
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            let queue = client.disconnect();
            tokio::pin!(queue);
            let mut queued = false;
            loop {
                tokio::select! {
                    result = &mut queue, if !queued => {
                        if result.is_err() {
                            return;
                        }
                        queued = true;
                    }
                    event = self.poll() => match event {
                        Ok(Event::DisconnectSent) | Err(_) => return,
                        Ok(_) => {}
                    },
                }
            }
        })
        .await;
    }
}

fn event_v311(event: rumqttc::Event) -> Event {
    use rumqttc::{Outgoing, Packet, SubscribeReasonCode};
    match event {
        rumqttc::Event::Incoming(packet) => match packet {
            Packet::ConnAck(ack) => Event::ConnAck {
                session_present: ack.session_present,
            },
            Packet::Publish(p) => Event::Publish(Message {
                topic: p.topic,
                payload: p.payload,
                qos: p.qos,
                retain: p.retain,
                pkid: p.pkid,
                properties: None,
            }),
            Packet::SubAck(ack) => Event::SubAck(
                ack.return_codes
                    .into_iter()
                    .map(|code| match code {
                        SubscribeReasonCode::Success(qos) => Ok(qos),
                        SubscribeReasonCode::Failure => Err(Reason {
                            code: 0x80,
                            text: "failure",
                        }),
                    })
                    .collect(),
            ),
            Packet::UnsubAck(_) => Event::UnsubAck,
            Packet::PubAck(ack) => Event::Acked {
                pkid: ack.pkid,
                result: Ok(()),
            },
            Packet::PubComp(comp) => Event::Acked {
                pkid: comp.pkid,
                result: Ok(()),
            },
            _ => Event::Other,
        },
        rumqttc::Event::Outgoing(Outgoing::Disconnect) => Event::DisconnectSent,
        rumqttc::Event::Outgoing(Outgoing::Publish(pkid)) => Event::PublishSent { pkid },
        rumqttc::Event::Outgoing(_) => Event::Other,
    }
}

fn event_v5(event: v5::Event) -> Event {
    use v5::mqttbytes::v5::Packet;
    match event {
        v5::Event::Incoming(packet) => match packet {
            Packet::ConnAck(ack) => Event::ConnAck {
                session_present: ack.session_present,
            },
            Packet::Publish(p) => Event::Publish(Message {
                topic: String::from_utf8_lossy(&p.topic).into_owned(),
                payload: p.payload,
                qos: qos_from_v5(p.qos),
                retain: p.retain,
                pkid: p.pkid,
                properties: Some(p.properties.map(properties::incoming).unwrap_or_default()),
            }),
            Packet::SubAck(ack) => Event::SubAck(
                ack.return_codes
                    .into_iter()
                    .map(|code| match code {
                        v5::mqttbytes::v5::SubscribeReasonCode::Success(qos) => {
                            Ok(qos_from_v5(qos))
                        }
                        failure => Err(reasons::suback(failure)),
                    })
                    .collect(),
            ),
            Packet::UnsubAck(_) => Event::UnsubAck,
            Packet::PubAck(ack) => Event::Acked {
                pkid: ack.pkid,
                result: reasons::puback(ack.reason),
            },
            // A failed PUBREC ends the QoS 2 exchange [MQTT-4.3.3]; a successful one is
            // followed by PUBCOMP, which counts as the acknowledgement.
            Packet::PubRec(rec) => match reasons::pubrec(rec.reason) {
                Ok(()) => Event::Other,
                Err(reason) => Event::Acked {
                    pkid: rec.pkid,
                    result: Err(reason),
                },
            },
            Packet::PubComp(comp) => Event::Acked {
                pkid: comp.pkid,
                result: Ok(()),
            },
            Packet::Disconnect(d) => Event::ServerDisconnect(reasons::disconnect(d.reason_code)),
            _ => Event::Other,
        },
        v5::Event::Outgoing(rumqttc::Outgoing::Disconnect) => Event::DisconnectSent,
        v5::Event::Outgoing(rumqttc::Outgoing::Publish(pkid)) => Event::PublishSent { pkid },
        v5::Event::Outgoing(_) => Event::Other,
    }
}

/// The CONNACK refusal for an MQTT 3.1.1 return code (`None` for success).
pub fn refusal_v311(code: rumqttc::ConnectReturnCode) -> Option<Error> {
    use rumqttc::ConnectReturnCode as C;
    let code = match code {
        C::Success => return None,
        C::RefusedProtocolVersion => 1,
        C::BadClientId => 2,
        C::ServiceUnavailable => 3,
        C::BadUserNamePassword => 4,
        C::NotAuthorized => 5,
    };
    Some(Error::Refused {
        code,
        reason: crate::reason::name(crate::reason::PacketKind::ConnAck, code).into(),
    })
}

fn error_v311(err: rumqttc::ConnectionError) -> anyhow::Error {
    match err {
        rumqttc::ConnectionError::ConnectionRefused(code) => match refusal_v311(code) {
            Some(refused) => refused.into(),
            None => anyhow::anyhow!("connection refused with CONNACK 0"),
        },
        rumqttc::ConnectionError::Io(io) => io.into(),
        rumqttc::ConnectionError::MqttState(rumqttc::StateError::ConnectionAborted) => {
            ClosedByPeer.into()
        }
        other => with_tls_hint(&other),
    }
}

/// The CONNACK refusal for an MQTT 5 reason code (`None` for success).
pub fn refusal_v5(code: v5::mqttbytes::v5::ConnectReturnCode) -> Option<Error> {
    if code == v5::mqttbytes::v5::ConnectReturnCode::Success {
        return None;
    }
    let reason = reasons::connack(code);
    Some(Error::Refused {
        code: reason.code,
        reason: reason.text.into(),
    })
}

fn error_v5(err: v5::ConnectionError) -> anyhow::Error {
    use v5::mqttbytes::Error as Codec;
    match err {
        v5::ConnectionError::ConnectionRefused(code) => {
            let reason = reasons::connack(code);
            Error::Refused {
                code: reason.code,
                reason: reason.text.into(),
            }
            .into()
        }
        // An MQTT 3.1.1 broker answers an MQTT 5 CONNECT with return code 1, which is not an
        // MQTT 5 reason code [MQTT-3.1.2-2].
        v5::ConnectionError::MqttState(v5::StateError::Deserialization(
            Codec::InvalidConnectReturnCode(code @ 1..=5),
        )) => refusal_v311(match code {
            1 => rumqttc::ConnectReturnCode::RefusedProtocolVersion,
            2 => rumqttc::ConnectReturnCode::BadClientId,
            3 => rumqttc::ConnectReturnCode::ServiceUnavailable,
            4 => rumqttc::ConnectReturnCode::BadUserNamePassword,
            _ => rumqttc::ConnectReturnCode::NotAuthorized,
        })
        .map_or_else(|| anyhow::anyhow!("connection refused"), Into::into),
        // The broker's Maximum Packet Size, from its CONNACK [MQTT-3.2.2-15]: nothing larger
        // may be sent, and sending it again will not help.
        v5::ConnectionError::MqttState(v5::StateError::Deserialization(
            Codec::OutgoingPacketTooLarge { pkt_size, max },
        )) => Error::Usage(format!(
            "a packet of {pkt_size} bytes is larger than the broker's Maximum Packet Size of {max} bytes (from its CONNACK); it was not sent"
        ))
        .into(),
        v5::ConnectionError::Io(io) => io.into(),
        v5::ConnectionError::MqttState(v5::StateError::ConnectionAborted) => ClosedByPeer.into(),
        other => with_tls_hint(&other),
    }
}

/// rumqttc's messages already include their source: one line, plus a hint for TLS failures.
fn with_tls_hint(err: &(dyn std::error::Error + 'static)) -> anyhow::Error {
    match transport::tls_hint(err) {
        Some(hint) => anyhow::anyhow!("{err} ({hint})"),
        None => anyhow::anyhow!("{err}"),
    }
}

/// True when `err` is the broker refusing the connection, or a packet it cannot take:
/// reconnecting will not help.
pub fn is_refusal(err: &anyhow::Error) -> bool {
    matches!(
        err.downcast_ref::<Error>(),
        Some(Error::Refused { .. } | Error::Usage(_))
    )
}

/// Socket options for every connection: TCP_NODELAY (rumqttc leaves Nagle's algorithm on,
/// which holds small packets such as PUBACK back for up to ~40 ms), and a per-attempt connect
/// timeout matching --connect-timeout (rumqttc's own default is 5 s).
fn network_options(config: &ConnectConfig) -> rumqttc::NetworkOptions {
    let mut n = rumqttc::NetworkOptions::new();
    n.set_tcp_nodelay(true);
    n.set_connection_timeout(config.connect_timeout.as_secs_f64().ceil().max(1.0) as u64);
    n
}

fn options_v311(config: &ConnectConfig) -> rumqttc::MqttOptions {
    let mut o = rumqttc::MqttOptions::new(&config.client_id, broker_address(config), config.port);
    o.set_transport(rumqttc_transport(&config.transport));
    o.set_keep_alive(config.keep_alive);
    o.set_clean_session(config.clean_session);
    o.set_max_packet_size(MAX_PACKET_SIZE, MAX_PACKET_SIZE);
    o.set_manual_acks(config.manual_acks);
    if let Some((u, p)) = &config.credentials {
        o.set_credentials(u, p);
    }
    if let Some(w) = &config.will {
        o.set_last_will(rumqttc::LastWill::new(
            &w.topic,
            w.payload.clone(),
            w.qos,
            w.retain,
        ));
    }
    o
}

fn options_v5(config: &ConnectConfig) -> v5::MqttOptions {
    let mut o = v5::MqttOptions::new(&config.client_id, broker_address(config), config.port);
    o.set_transport(rumqttc_transport(&config.transport));
    o.set_keep_alive(config.keep_alive);
    o.set_clean_start(config.clean_session);
    o.set_max_packet_size(Some(MAX_PACKET_SIZE as u32));
    o.set_session_expiry_interval(config.session_expiry);
    o.set_network_options(network_options(config));
    o.set_manual_acks(config.manual_acks);
    o.set_receive_maximum(config.receive_maximum);
    if let Some((u, p)) = &config.credentials {
        o.set_credentials(u, p);
    }
    if let Some(w) = &config.will {
        o.set_last_will(v5::mqttbytes::v5::LastWill::new(
            &w.topic,
            w.payload.clone(),
            qos_v5(w.qos),
            w.retain,
            None,
        ));
    }
    o
}

/// Connects like [`connect`], but keeps trying with exponential backoff while the broker is
/// unreachable (a device that starts before its broker); a refusal, or
/// `--max-reconnects` failed attempts, ends it with the error. Before each attempt, the
/// configuration's [warning](ConnectConfig::warning), if any, goes to `warn`, as a caller of
/// [`connect`] shows it before connecting.
pub async fn connect_retrying(config: &ConnectConfig, warn: impl Fn(&str)) -> Result<Connection> {
    let mut backoff = super::Backoff::default();
    super::retry(config.max_reconnects, &mut backoff, || {
        if let Some(warning) = config.warning() {
            warn(warning);
        }
        connect(config)
    })
    .await
}

/// Connects and waits for a successful CONNACK within the connect timeout. It prints
/// nothing: the caller shows the configuration's [warning](ConnectConfig::warning) first.
pub async fn connect(config: &ConnectConfig) -> Result<Connection> {
    let (client, mut events) = match config.protocol {
        Protocol::V311 => {
            let (c, mut e) = rumqttc::AsyncClient::new(options_v311(config), REQUEST_CAPACITY);
            e.set_network_options(network_options(config));
            (Client::V311(c), Events::V311(Box::new(e)))
        }
        Protocol::V5 => {
            let (c, e) = v5::AsyncClient::new(options_v5(config), REQUEST_CAPACITY);
            (Client::V5(c), Events::V5(Box::new(e)))
        }
    };
    let addr = endpoint(config);
    let connack = tokio::time::timeout(config.connect_timeout, async {
        loop {
            if let Event::ConnAck { session_present } = events.poll().await? {
                return Ok::<_, anyhow::Error>(session_present);
            }
        }
    })
    .await
    .map_err(|_| {
        anyhow::anyhow!(
            "cannot connect to {addr}: no CONNACK within {}",
            humantime::format_duration(config.connect_timeout)
        )
    })?;
    match connack {
        Ok(session_present) => Ok(Connection {
            client,
            events,
            session_present,
        }),
        Err(e) if is_refusal(&e) => Err(e),
        Err(e) if config.protocol == Protocol::V5 && closed_before_connack(&e) => {
            Err(e.context(format!(
                "cannot connect to {addr}: no CONNACK \
                 (an MQTT 3.1.1-only broker answers MQTT 5 that way; try -V 311)"
            )))
        }
        Err(e) => Err(e).with_context(|| format!("cannot connect to {addr}")),
    }
}

/// The broker closed the connection in the middle of a packet, or without DISCONNECT.
#[derive(Debug, thiserror::Error)]
#[error("the broker closed the connection")]
struct ClosedByPeer;

/// True when the connection ended without a (parsable) CONNACK: a 3.1.1 broker's refusal of
/// MQTT 5 is a CONNACK without properties, which rumqttc's MQTT 5 parser waits on until the
/// broker closes.
fn closed_before_connack(err: &anyhow::Error) -> bool {
    err.downcast_ref::<ClosedByPeer>().is_some()
}

/// rumqttc's MQTT 5 reason-code enums as the codes on the wire, named from the one table in
/// [`crate::reason`] (OASIS MQTT 5.0 §2.4).
mod reasons {
    use rumqttc::v5::mqttbytes::v5 as p;

    use super::Reason;
    use crate::reason::PacketKind;

    /// CONNACK (§3.2.2.2).
    pub fn connack(code: p::ConnectReturnCode) -> Reason {
        use p::ConnectReturnCode as C;
        let code = match code {
            C::Success => 0x00,
            C::RefusedProtocolVersion => 0x01,
            C::BadClientId => 0x02,
            C::ServiceUnavailable => 0x03,
            C::UnspecifiedError => 0x80,
            C::MalformedPacket => 0x81,
            C::ProtocolError => 0x82,
            C::ImplementationSpecificError => 0x83,
            C::UnsupportedProtocolVersion => 0x84,
            C::ClientIdentifierNotValid => 0x85,
            C::BadUserNamePassword => 0x86,
            C::NotAuthorized => 0x87,
            C::ServerUnavailable => 0x88,
            C::ServerBusy => 0x89,
            C::Banned => 0x8a,
            C::BadAuthenticationMethod => 0x8c,
            C::TopicNameInvalid => 0x90,
            C::PacketTooLarge => 0x95,
            C::QuotaExceeded => 0x97,
            C::PayloadFormatInvalid => 0x99,
            C::RetainNotSupported => 0x9a,
            C::QoSNotSupported => 0x9b,
            C::UseAnotherServer => 0x9c,
            C::ServerMoved => 0x9d,
            C::ConnectionRateExceeded => 0x9f,
        };
        Reason::new(PacketKind::ConnAck, code)
    }

    /// SUBACK failures (§3.9.3).
    pub fn suback(code: p::SubscribeReasonCode) -> Reason {
        use p::SubscribeReasonCode as S;
        let code = match code {
            S::Success(qos) => qos as u8,
            S::Failure | S::Unspecified => 0x80,
            S::ImplementationSpecific => 0x83,
            S::NotAuthorized => 0x87,
            S::TopicFilterInvalid => 0x8f,
            S::PkidInUse => 0x91,
            S::QuotaExceeded => 0x97,
            S::SharedSubscriptionsNotSupported => 0x9e,
            S::SubscriptionIdNotSupported => 0xa1,
            S::WildcardSubscriptionsNotSupported => 0xa2,
        };
        Reason::new(PacketKind::SubAck, code)
    }

    /// PUBACK (§3.4.2.1): `Ok` for success and "no matching subscribers" (0x10).
    pub fn puback(code: p::PubAckReason) -> Result<(), Reason> {
        use p::PubAckReason as A;
        let code = match code {
            A::Success | A::NoMatchingSubscribers => return Ok(()),
            A::UnspecifiedError => 0x80,
            A::ImplementationSpecificError => 0x83,
            A::NotAuthorized => 0x87,
            A::TopicNameInvalid => 0x90,
            A::PacketIdentifierInUse => 0x91,
            A::QuotaExceeded => 0x97,
            A::PayloadFormatInvalid => 0x99,
        };
        Err(Reason::new(PacketKind::PubAck, code))
    }

    /// PUBREC (§3.5.2.1): the same codes as PUBACK.
    pub fn pubrec(code: p::PubRecReason) -> Result<(), Reason> {
        use p::PubRecReason as R;
        let code = match code {
            R::Success | R::NoMatchingSubscribers => return Ok(()),
            R::UnspecifiedError => 0x80,
            R::ImplementationSpecificError => 0x83,
            R::NotAuthorized => 0x87,
            R::TopicNameInvalid => 0x90,
            R::PacketIdentifierInUse => 0x91,
            R::QuotaExceeded => 0x97,
            R::PayloadFormatInvalid => 0x99,
        };
        Err(Reason::new(PacketKind::PubAck, code))
    }

    /// DISCONNECT from the server (§3.14.2.1).
    pub fn disconnect(code: p::DisconnectReasonCode) -> Reason {
        Reason::new(PacketKind::Disconnect, code as u8)
    }
}
