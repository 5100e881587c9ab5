//! Retained messages: the last retained message per topic [MQTT-3.3.1-5].

use std::collections::HashMap;
use std::sync::Arc;

use tokio::time::Instant;

use super::packet::Message;
use crate::topic;

/// The retained message of every topic that has one.
#[derive(Default)]
pub struct RetainStore {
    messages: HashMap<Arc<str>, Message>,
}

impl RetainStore {
    /// Stores a retained message, or clears the topic's when the payload is empty
    /// [MQTT-3.3.1-10, MQTT-3.3.1-11].
    pub fn apply(&mut self, message: &Message) {
        if message.payload.is_empty() {
            self.messages.remove(&message.topic);
        } else {
            self.messages.insert(message.topic.clone(), message.clone());
        }
    }

    /// The retained messages whose topic matches `filter`, but for those whose Message
    /// Expiry Interval has passed [MQTT-3.3.2-5].
    pub fn matching<'a>(&'a self, filter: &'a str) -> impl Iterator<Item = &'a Message> + 'a {
        let now = Instant::now();
        self.messages
            .values()
            .filter(move |m| !m.is_expired(now) && topic::matches(filter, &m.topic))
    }

    /// Forgets the retained messages that have expired.
    pub fn remove_expired(&mut self) {
        let now = Instant::now();
        self.messages.retain(|_, m| !m.is_expired(now));
    }

    /// How many topics have a retained message.
    pub fn count(&self) -> usize {
        self.messages.len()
    }
}
