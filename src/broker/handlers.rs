//! One handler per packet kind a client may send after CONNECT.
//!
//! Each handler updates the session and writes its answer into the connection's write
//! buffer; an `Err(End)` closes the connection. A handler tests the protocol version only
//! where the specification's behaviour differs; the reason codes it answers with are
//! narrowed for 3.1.1 clients by the codec.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tracing::{debug, info};

use super::access::Access;
use super::acl::Client;
use super::connection::{violation, Connection, End};
use super::packet::{
    Disconnect, Inbound, Message, Outbound, Publish, QoS, Subscribe, Unsubscribe, Version,
};
use super::persist::Change;
use super::router::Options;
use super::session::InflightState;
use super::Stats;
use crate::reason;
use crate::topic;

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Connection<S> {
    /// Dispatches one decoded packet.
    pub(super) fn handle(&mut self, packet: Inbound) -> Result<(), End> {
        debug!("{} ({}): received {packet:?}", self.client_id, self.version);
        match packet {
            Inbound::Publish(publish) => self.handle_publish(publish),
            Inbound::PubAck(pkid, _) => {
                self.complete_inflight(pkid, InflightState::AwaitPubAck);
                Ok(())
            }
            Inbound::PubRec(pkid, code) => {
                self.handle_pubrec(pkid, code);
                Ok(())
            }
            Inbound::PubRel(pkid, _) => {
                self.handle_pubrel(pkid);
                Ok(())
            }
            Inbound::PubComp(pkid, _) => {
                self.complete_inflight(pkid, InflightState::AwaitPubComp);
                Ok(())
            }
            Inbound::Subscribe(subscribe) => {
                self.handle_subscribe(subscribe);
                Ok(())
            }
            Inbound::Unsubscribe(unsubscribe) => {
                self.handle_unsubscribe(unsubscribe);
                Ok(())
            }
            Inbound::PingReq => {
                self.send(Outbound::PingResp);
                Ok(())
            }
            Inbound::Disconnect(disconnect) => self.handle_disconnect(disconnect),
            Inbound::Connect(_) => Err(violation(
                reason::PROTOCOL_ERROR,
                "second CONNECT on one connection [MQTT-3.1.0-2]",
            )),
            Inbound::Auth(_) => Err(violation(
                reason::PROTOCOL_ERROR,
                "AUTH without an Authentication Method in CONNECT [MQTT-4.12.0-1]",
            )),
        }
    }

    /// The topic of a PUBLISH: its name, or the one its Topic Alias stands for
    /// [MQTT-3.3.2-12]; an alias of 0 or above the broker's maximum ends the connection with
    /// "topic alias invalid" [MQTT-3.3.2-8, MQTT-3.3.2-9].
    fn resolve_topic(&mut self, publish: &mut Publish) -> Result<Arc<str>, End> {
        let Some(alias) = publish.topic_alias else {
            return Ok(std::mem::take(&mut publish.topic).into());
        };
        let max = self.broker.config.topic_alias_maximum;
        if alias == 0 || alias > max {
            return Err(violation(
                reason::TOPIC_ALIAS_INVALID,
                format!("topic alias {alias} outside 1..={max} [MQTT-3.3.2-8, MQTT-3.3.2-9]"),
            ));
        }
        if publish.topic.is_empty() {
            let known = self.aliases.as_ref().and_then(|a| a.incoming.get(&alias));
            return known.cloned().ok_or_else(|| {
                violation(
                    reason::PROTOCOL_ERROR,
                    format!("topic alias {alias} was never set up (§3.3.2.3.4)"),
                )
            });
        }
        let topic: Arc<str> = std::mem::take(&mut publish.topic).into();
        self.aliases
            .get_or_insert_with(Default::default)
            .incoming
            .insert(alias, topic.clone());
        Ok(topic)
    }

    fn handle_publish(&mut self, mut publish: Publish) -> Result<(), End> {
        let topic = self.resolve_topic(&mut publish)?;
        if let Err(e) = topic::validate_name(&topic) {
            return Err(violation(
                reason::TOPIC_NAME_INVALID,
                format!("PUBLISH topic {topic:?}: {e} [MQTT-3.3.2-2]"),
            ));
        }
        Stats::add(&self.broker.stats.messages_received, 1);
        let (qos, pkid) = (publish.qos, publish.pkid);
        // Exactly once: a resend before PUBREL is acknowledged again but not routed again
        // [MQTT-4.3.3-10].
        if qos == QoS::ExactlyOnce && self.store.incoming_qos2.contains(&pkid) {
            self.send(Outbound::PubRec(pkid, reason::SUCCESS));
            return Ok(());
        }
        if qos == QoS::ExactlyOnce
            && self.version == Version::V5
            && self.store.incoming_qos2.len() >= usize::from(self.broker.config.receive_maximum)
        {
            return Err(violation(
                reason::RECEIVE_MAXIMUM_EXCEEDED,
                format!(
                    "more than the Receive Maximum of {} QoS 2 messages unreleased (§3.3.4)",
                    self.broker.config.receive_maximum
                ),
            ));
        }
        if let Some(limit) = self.broker.config.message_size_limit {
            if publish.payload.len() > limit {
                info!(
                    "{}: PUBLISH to {topic:?} dropped: payload of {} bytes over the limit of {limit}",
                    self.client_id,
                    publish.payload.len()
                );
                self.drop_publish(qos, pkid, reason::IMPLEMENTATION_SPECIFIC_ERROR);
                return Ok(());
            }
        }
        // A payload announced as UTF-8 must be UTF-8; the broker checks (§3.3.2.3.2).
        if publish.properties.payload_format == Some(1)
            && std::str::from_utf8(&publish.payload).is_err()
        {
            let why = "payload is not the UTF-8 its Payload Format Indicator says";
            info!("{}: {why} on {topic}", self.client_id);
            if qos == QoS::AtMostOnce {
                return Err(violation(reason::PAYLOAD_FORMAT_INVALID, why));
            }
            self.drop_publish(qos, pkid, reason::PAYLOAD_FORMAT_INVALID);
            return Ok(());
        }
        let message = Message {
            topic,
            payload: if publish.retain {
                // Retained payloads may live long: copy them off the read buffer.
                bytes::Bytes::copy_from_slice(&publish.payload)
            } else {
                publish.payload
            },
            qos,
            retain: publish.retain,
            properties: (!publish.properties.is_empty()).then(|| Arc::new(publish.properties)),
            expiry: publish.expiry_interval.map(super::packet::Expiry::after),
            origin: Some(self.client_id.clone()),
        };
        let mut state = self.broker.state();
        if !state
            .access_ref()
            .may_publish(self.principal(), &message.topic)
        {
            drop(state);
            self.refuse_publish(qos, pkid, &message.topic);
            return Ok(());
        }
        let published = state.publish(&message);
        drop(state);
        Stats::add(&self.broker.stats.messages_dropped, published.dropped);
        self.congested = published.congested;
        let code = if published.matched == 0 {
            reason::NO_MATCHING_SUBSCRIBERS
        } else {
            reason::SUCCESS
        };
        match qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => self.send(Outbound::PubAck(pkid, code)),
            QoS::ExactlyOnce => {
                self.received_qos2(pkid);
                self.send(Outbound::PubRec(pkid, code));
            }
        }
        if qos != QoS::AtMostOnce {
            self.ack_after_commit();
        }
        Ok(())
    }

    /// Remembers a QoS 2 packet id received, until its PUBREL [MQTT-4.3.3-10].
    fn received_qos2(&mut self, pkid: u16) {
        if self.store.incoming_qos2.insert(pkid) && self.outbox.is_durable() {
            let client = self.client_id.clone();
            self.journal(|| Change::Qos2Received { client, pkid });
        }
    }

    /// A PUBLISH the ACL does not allow: dropped. MQTT 5 says so in PUBACK/PUBREC 0x87 (a
    /// QoS 0 message is dropped unanswered); a 3.1.1 client cannot be told, so it gets the
    /// usual acknowledgement, as mosquitto does.
    fn refuse_publish(&mut self, qos: QoS, pkid: u16, topic: &str) {
        info!(
            "{}: PUBLISH to {topic:?} dropped: the ACL does not allow it",
            self.client_id
        );
        self.drop_publish(qos, pkid, reason::NOT_AUTHORIZED);
    }

    /// Drops a PUBLISH, telling an MQTT 5 client why with `code` (QoS 1/2); a 3.1.1 client
    /// gets the usual acknowledgement [MQTT-3.3.5-2].
    fn drop_publish(&mut self, qos: QoS, pkid: u16, code: u8) {
        let code = match self.version {
            Version::V5 => code,
            Version::V311 => reason::SUCCESS,
        };
        match qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => self.send(Outbound::PubAck(pkid, code)),
            QoS::ExactlyOnce => {
                if self.version == Version::V311 {
                    // The exchange goes on to PUBREL and PUBCOMP.
                    self.received_qos2(pkid);
                }
                self.send(Outbound::PubRec(pkid, code));
            }
        }
    }

    /// Releases a QoS 2 message received from the client. PUBCOMP is sent even for an
    /// unknown packet id, so a client that lost track can finish the handshake; MQTT 5 says
    /// "packet identifier not found" then.
    fn handle_pubrel(&mut self, pkid: u16) {
        let code = if self.store.incoming_qos2.remove(&pkid) {
            if self.outbox.is_durable() {
                let client = self.client_id.clone();
                self.journal(|| Change::Qos2Released { client, pkid });
            }
            reason::SUCCESS
        } else {
            reason::PACKET_ID_NOT_FOUND
        };
        self.send(Outbound::PubComp(pkid, code));
    }

    /// PUBREC for a QoS 2 message sent to the client: PUBREL, or, when the client refused the
    /// message (reason ≥ 0x80), the end of its exchange (§4.3.3).
    fn handle_pubrec(&mut self, pkid: u16, code: u8) {
        let Some(i) = self.store.position(pkid) else {
            if self.version == Version::V5 {
                self.send(Outbound::PubRel(pkid, reason::PACKET_ID_NOT_FOUND));
            }
            return;
        };
        let item = &mut self.store.inflight[i];
        if !matches!(
            item.state,
            InflightState::AwaitPubRec | InflightState::AwaitPubComp
        ) {
            return;
        }
        let seq = item.delivery.seq;
        if code >= 0x80 {
            self.store.inflight.remove(i);
            if seq != 0 {
                self.journal(|| Change::Done { seq });
            }
            return;
        }
        item.state = InflightState::AwaitPubComp;
        if seq != 0 {
            let state = InflightState::AwaitPubComp;
            self.journal(|| Change::Sent { seq, pkid, state });
        }
        self.send(Outbound::PubRel(pkid, reason::SUCCESS));
    }

    fn complete_inflight(&mut self, pkid: u16, expected: InflightState) {
        match self.store.position(pkid) {
            Some(i) if self.store.inflight[i].state == expected => {
                let seq = self
                    .store
                    .inflight
                    .remove(i)
                    .map_or(0, |done| done.delivery.seq);
                if seq != 0 {
                    self.journal(|| Change::Done { seq });
                }
            }
            _ => debug!(
                "{}: acknowledgement for unknown packet id {pkid}",
                self.client_id
            ),
        }
    }

    /// Who this client is, for the access rules.
    fn principal(&self) -> Client<'_> {
        Client {
            id: &self.client_id,
            username: self.username.as_deref(),
        }
    }

    /// The reason code refusing `filter`, if it is refused: "topic filter invalid" for a
    /// filter or shared subscription that breaks the rules [MQTT-4.7.1-1, MQTT-4.8.2-2],
    /// "unspecified error" when fault injection refuses it.
    fn refusal(&self, access: &Access, filter: &str) -> Option<(u8, String)> {
        if let Err(e) = topic::validate_filter(filter).and_then(|()| topic::split_shared(filter)) {
            return Some((reason::TOPIC_FILTER_INVALID, e.to_string()));
        }
        if !access.may_subscribe(self.principal(), filter) {
            return Some((reason::NOT_AUTHORIZED, "the ACL does not allow it".into()));
        }
        match &self.broker.config.faults.refuse_subscribe {
            Some(refused) if topic::matches(refused, filter) => Some((
                reason::UNSPECIFIED_ERROR,
                "refused by fault injection".into(),
            )),
            _ => None,
        }
    }

    fn handle_subscribe(&mut self, subscribe: Subscribe) {
        let mut codes = Vec::with_capacity(subscribe.filters.len());
        let mut state = self.broker.state();
        let access = state.access();
        for f in &subscribe.filters {
            if let Some((code, why)) = self.refusal(&access, &f.filter) {
                info!(
                    "{} subscription to {:?} refused ({code:#04x}): {why}",
                    self.client_id, f.filter
                );
                codes.push(code);
                continue;
            }
            let options = Options {
                qos: f.qos,
                no_local: f.no_local,
                retain_as_published: f.retain_as_published,
                id: subscribe.subscription_id,
            };
            state.subscribe(
                &self.client_id,
                self.username.as_ref(),
                &f.filter,
                options,
                f.retain_handling,
            );
            info!(
                "{} subscribed to {} (QoS {}{})",
                self.client_id,
                f.filter,
                f.qos as u8,
                subscribe
                    .subscription_id
                    .map(|id| format!(", subscription id {id}"))
                    .unwrap_or_default()
            );
            codes.push(f.qos as u8);
        }
        drop(state);
        // One reason code per filter, in order [MQTT-3.9.3-1]; the retained messages queued
        // above are written after this SUBACK.
        self.send(Outbound::SubAck(subscribe.pkid, codes));
        self.ack_after_commit();
    }

    fn handle_unsubscribe(&mut self, unsubscribe: Unsubscribe) {
        let mut codes = Vec::with_capacity(unsubscribe.filters.len());
        let mut state = self.broker.state();
        for filter in &unsubscribe.filters {
            let code = if topic::validate_filter(filter)
                .and_then(|()| topic::split_shared(filter))
                .is_err()
            {
                reason::TOPIC_FILTER_INVALID
            } else if state.unsubscribe(&self.client_id, filter) {
                info!("{} unsubscribed from {filter}", self.client_id);
                reason::SUCCESS
            } else {
                reason::NO_SUBSCRIPTION_EXISTED
            };
            codes.push(code);
        }
        drop(state);
        // Always answered, even when nothing matched [MQTT-3.10.4-5].
        self.send(Outbound::UnsubAck(unsubscribe.pkid, codes));
        self.ack_after_commit();
    }

    /// DISCONNECT: the connection ends; its reason code decides on the will, and it may set a
    /// new Session Expiry Interval, but not where CONNECT's was 0 [MQTT-3.14.2-2].
    fn handle_disconnect(&mut self, disconnect: Disconnect) -> Result<(), End> {
        if let Some(expiry) = disconnect.session_expiry {
            if self.session_expiry_was_zero && expiry != 0 {
                return Err(violation(
                    reason::PROTOCOL_ERROR,
                    "DISCONNECT sets a Session Expiry Interval where CONNECT's was 0 [MQTT-3.14.2-2]",
                ));
            }
            self.session_expiry = expiry;
        }
        Err(End::Disconnect {
            reason: disconnect.reason,
        })
    }
}
