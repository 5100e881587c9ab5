//! One handler per packet kind a client may send after CONNECT.
//!
//! Each handler updates the session and writes its answer into the connection's write
//! buffer; an `Err(End)` closes the connection.

use bytes::Bytes;
use rumqttc::mqttbytes::v4::{
    Packet, PubAck, PubComp, PubRec, PubRel, Publish, SubAck, Subscribe, SubscribeReasonCode,
    UnsubAck, Unsubscribe,
};
use rumqttc::mqttbytes::QoS;
use tokio::io::{AsyncRead, AsyncWrite};
use tracing::{debug, info};

use super::connection::{Connection, End};
use super::session::{InflightState, Message};
use super::Stats;
use crate::topic;

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Connection<S> {
    /// Dispatches one decoded packet.
    pub(super) fn handle(&mut self, packet: Packet) -> Result<(), End> {
        debug!("{}: received {packet:?}", self.client_id);
        match packet {
            Packet::Publish(publish) => self.handle_publish(publish),
            Packet::PubAck(ack) => {
                self.complete_inflight(ack.pkid, InflightState::AwaitPubAck);
                Ok(())
            }
            Packet::PubRec(rec) => {
                self.handle_pubrec(rec);
                Ok(())
            }
            Packet::PubRel(rel) => {
                self.handle_pubrel(rel);
                Ok(())
            }
            Packet::PubComp(comp) => {
                self.complete_inflight(comp.pkid, InflightState::AwaitPubComp);
                Ok(())
            }
            Packet::Subscribe(subscribe) => {
                self.handle_subscribe(subscribe);
                Ok(())
            }
            Packet::Unsubscribe(unsubscribe) => {
                self.handle_unsubscribe(unsubscribe);
                Ok(())
            }
            Packet::PingReq => {
                self.send(Packet::PingResp);
                Ok(())
            }
            Packet::Disconnect => Err(End::Disconnect),
            Packet::Connect(_) => Err(End::Protocol(
                "second CONNECT on one connection [MQTT-3.1.0-2]".into(),
            )),
            other => Err(End::Protocol(format!("a client may not send {other:?}"))),
        }
    }

    fn handle_publish(&mut self, publish: Publish) -> Result<(), End> {
        if let Err(e) = topic::validate_name(&publish.topic) {
            return Err(End::Protocol(format!(
                "PUBLISH topic {:?}: {e} [MQTT-3.3.2-2]",
                publish.topic
            )));
        }
        Stats::add(&self.broker.stats.messages_received, 1);
        let (qos, pkid) = (publish.qos, publish.pkid);
        let first_time = match qos {
            QoS::AtMostOnce => true,
            QoS::AtLeastOnce => {
                self.send(Packet::PubAck(PubAck::new(pkid)));
                true
            }
            // Exactly once: a resend before PUBREL is acknowledged again but not routed again
            // [MQTT-4.3.3-2].
            QoS::ExactlyOnce => {
                self.send(Packet::PubRec(PubRec::new(pkid)));
                self.store.incoming_qos2.insert(pkid)
            }
        };
        if first_time {
            let message = Message {
                topic: publish.topic.into(),
                payload: if publish.retain {
                    // Retained payloads may live long: copy them off the read buffer.
                    Bytes::copy_from_slice(&publish.payload)
                } else {
                    publish.payload
                },
                qos,
                retain: publish.retain,
            };
            let dropped = self.broker.state().publish(&message);
            Stats::add(&self.broker.stats.messages_dropped, dropped);
        }
        Ok(())
    }

    /// Releases a QoS 2 message received from the client; PUBCOMP is sent even for an unknown
    /// packet id, so a client that lost track can finish the handshake.
    fn handle_pubrel(&mut self, rel: PubRel) {
        self.store.incoming_qos2.remove(&rel.pkid);
        self.send(Packet::PubComp(PubComp::new(rel.pkid)));
    }

    fn handle_pubrec(&mut self, rec: PubRec) {
        if let Some(i) = self.store.position(rec.pkid) {
            let item = &mut self.store.inflight[i];
            if matches!(
                item.state,
                InflightState::AwaitPubRec | InflightState::AwaitPubComp
            ) {
                item.state = InflightState::AwaitPubComp;
                self.send(Packet::PubRel(PubRel::new(rec.pkid)));
            }
        }
    }

    fn complete_inflight(&mut self, pkid: u16, expected: InflightState) {
        match self.store.position(pkid) {
            Some(i) if self.store.inflight[i].state == expected => {
                self.store.inflight.remove(i);
            }
            _ => debug!(
                "{}: acknowledgement for unknown packet id {pkid}",
                self.client_id
            ),
        }
    }

    /// Refuses the filter when fault injection says so.
    fn check_fault(&self, filter: &str) -> Result<(), String> {
        match &self.broker.config.faults.refuse_subscribe {
            Some(refused) if topic::matches(refused, filter) => {
                Err("refused by fault injection".to_owned())
            }
            _ => Ok(()),
        }
    }

    fn handle_subscribe(&mut self, subscribe: Subscribe) {
        let mut codes = Vec::with_capacity(subscribe.filters.len());
        let mut state = self.broker.state();
        for filter in &subscribe.filters {
            let verdict = topic::validate_filter(&filter.path)
                .map_err(|e| e.to_string())
                .and_then(|()| self.check_fault(&filter.path));
            match verdict {
                Ok(()) => {
                    state.subscribe(&self.client_id, &filter.path, filter.qos);
                    info!(
                        "{} subscribed to {} (QoS {})",
                        self.client_id, filter.path, filter.qos as u8
                    );
                    codes.push(SubscribeReasonCode::Success(filter.qos));
                }
                Err(e) => {
                    info!(
                        "{} subscription to {:?} refused: {e}",
                        self.client_id, filter.path
                    );
                    codes.push(SubscribeReasonCode::Failure);
                }
            }
        }
        drop(state);
        // One return code per filter, in order [MQTT-3.9.3-1]; the retained messages queued
        // above are written after this SUBACK.
        self.send(Packet::SubAck(SubAck::new(subscribe.pkid, codes)));
    }

    fn handle_unsubscribe(&mut self, unsubscribe: Unsubscribe) {
        let mut state = self.broker.state();
        for filter in &unsubscribe.topics {
            if state.unsubscribe(&self.client_id, filter) {
                info!("{} unsubscribed from {filter}", self.client_id);
            }
        }
        drop(state);
        // Always answered, even when nothing matched [MQTT-3.10.4-5].
        self.send(Packet::UnsubAck(UnsubAck::new(unsubscribe.pkid)));
    }
}
