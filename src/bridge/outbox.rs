//! The store-and-forward queue of one destination: messages waiting to be published, in
//! flight (handed to the connection, not acknowledged), and in limbo (in flight when the
//! connection dropped). Each remembers how to acknowledge it to its source, which happens
//! only once the destination has acknowledged it (QoS 1/2) or taken it (QoS 0).
//!
//! After a reconnect, limbo goes back in flight when the broker resumed the session (rumqttc
//! resends those itself [MQTT-4.4.0-1]), or to the front of the waiting line otherwise, so
//! that nothing handed over is lost and the order per topic holds.

use std::collections::VecDeque;

use rumqttc::QoS;

use super::forward::Outgoing;

/// How to acknowledge a message to the broker it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The QoS it was received at (1 or 2).
    pub qos: QoS,
    /// Its packet id on the source connection.
    pub pkid: u16,
    /// The source session it arrived in: an acknowledgement for an earlier session is not
    /// sent, since its packet id may now name another message.
    pub session: u64,
}

/// A message on its way to the destination.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What to publish.
    pub out: Outgoing,
    /// Its acknowledgement to the source (none for a message received at QoS 0).
    pub origin: Option<Origin>,
    /// The route (filter) it came by, for the counters.
    pub route: usize,
}

struct Sent {
    entry: Entry,
    pkid: Option<u16>,
}

/// One destination's queue.
#[derive(Default)]
pub struct Outbox {
    waiting: VecDeque<Entry>,
    inflight: VecDeque<Sent>,
    limbo: VecDeque<Sent>,
}

impl Outbox {
    /// Messages not yet acknowledged by the destination.
    pub fn len(&self) -> usize {
        self.waiting.len() + self.inflight.len() + self.limbo.len()
    }

    /// True when everything was acknowledged.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Queues a message behind the others.
    pub fn push(&mut self, entry: Entry) {
        self.waiting.push_back(entry);
    }

    /// Hands waiting messages to `publish` (false: the connection's request queue is full)
    /// while fewer than `window` are in flight. Returns the QoS 0 ones, done once handed over.
    pub fn hand_over(
        &mut self,
        window: usize,
        mut publish: impl FnMut(&Outgoing) -> bool,
    ) -> Vec<Entry> {
        let mut done = Vec::new();
        while self.inflight.len() < window {
            let Some(entry) = self.waiting.pop_front() else {
                break;
            };
            if !publish(&entry.out) {
                self.waiting.push_front(entry);
                break;
            }
            if entry.out.qos == QoS::AtMostOnce {
                done.push(entry);
            } else {
                self.inflight.push_back(Sent { entry, pkid: None });
            }
        }
        done
    }

    /// The connection wrote a PUBLISH with `pkid`: the oldest message in flight without a
    /// packet id has it. A packet id already in flight is rumqttc resending after a resumed
    /// session.
    pub fn sent(&mut self, pkid: u16) {
        if pkid == 0 || self.inflight.iter().any(|s| s.pkid == Some(pkid)) {
            return;
        }
        if let Some(sent) = self.inflight.iter_mut().find(|s| s.pkid.is_none()) {
            sent.pkid = Some(pkid);
        }
    }

    /// The destination acknowledged `pkid`: the message, now done.
    pub fn acked(&mut self, pkid: u16) -> Option<Entry> {
        let i = self.inflight.iter().position(|s| s.pkid == Some(pkid))?;
        self.inflight.remove(i).map(|s| s.entry)
    }

    /// The connection dropped: what was in flight is in limbo until the next CONNACK.
    pub fn lost(&mut self) {
        self.limbo.append(&mut self.inflight);
    }

    /// Reconnected: limbo is in flight again (the broker resumed the session and rumqttc
    /// resends it) or waits to be sent first.
    pub fn reconnected(&mut self, session_present: bool) {
        if session_present {
            self.limbo.append(&mut self.inflight);
            std::mem::swap(&mut self.limbo, &mut self.inflight);
        } else {
            for sent in std::mem::take(&mut self.limbo).into_iter().rev() {
                self.waiting.push_front(sent.entry);
            }
            for sent in std::mem::take(&mut self.inflight).into_iter().rev() {
                self.waiting.push_front(sent.entry);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn entry(n: u8, qos: QoS) -> Entry {
        Entry {
            out: Outgoing {
                topic: format!("t/{n}"),
                payload: Bytes::new(),
                qos,
                retain: false,
                properties: None,
                properties_dropped: false,
            },
            origin: Some(Origin {
                qos: QoS::AtLeastOnce,
                pkid: u16::from(n),
                session: 1,
            }),
            route: 0,
        }
    }

    fn topics(done: &[Entry]) -> Vec<&str> {
        done.iter().map(|e| e.out.topic.as_str()).collect()
    }

    #[test]
    fn qos0_is_done_when_handed_over_and_qos1_when_acknowledged() {
        let mut o = Outbox::default();
        o.push(entry(1, QoS::AtMostOnce));
        o.push(entry(2, QoS::AtLeastOnce));
        let done = o.hand_over(10, |_| true);
        assert_eq!(topics(&done), ["t/1"]);
        assert_eq!(o.len(), 1);
        o.sent(5);
        assert!(o.acked(6).is_none());
        assert_eq!(o.acked(5).unwrap().out.topic, "t/2");
        assert!(o.is_empty());
    }

    #[test]
    fn the_window_and_a_full_request_queue_hold_messages_back() {
        let mut o = Outbox::default();
        for n in 1..=3 {
            o.push(entry(n, QoS::AtLeastOnce));
        }
        o.hand_over(2, |_| true);
        let mut calls = 0;
        o.hand_over(2, |_| {
            calls += 1;
            true
        });
        assert_eq!(calls, 0);
        o.sent(1);
        o.acked(1).unwrap();
        o.hand_over(2, |_| false);
        assert_eq!(o.len(), 2);
    }

    #[test]
    fn limbo_is_resent_first_after_a_new_session_and_tracked_after_a_resumed_one() {
        let mut o = Outbox::default();
        for n in 1..=3 {
            o.push(entry(n, QoS::AtLeastOnce));
        }
        o.hand_over(2, |_| true);
        o.sent(10);
        o.lost();
        o.reconnected(false);
        let mut order = Vec::new();
        o.hand_over(10, |out| {
            order.push(out.topic.clone());
            true
        });
        assert_eq!(order, ["t/1", "t/2", "t/3"]);

        o.sent(20);
        o.sent(21);
        o.lost();
        o.reconnected(true);
        o.sent(20); // rumqttc's resend: already tracked
        o.sent(22);
        assert_eq!(o.acked(20).unwrap().out.topic, "t/1");
        assert_eq!(o.acked(22).unwrap().out.topic, "t/3");
        assert_eq!(o.acked(21).unwrap().out.topic, "t/2");
    }
}
