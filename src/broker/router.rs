//! Subscriptions: a trie of filter levels, and matching a topic against all of them at once.
//!
//! Each node holds the clients subscribed with exactly that filter and their granted QoS. A
//! publish walks the trie once, following the literal level, `+` and `#`; overlapping
//! subscriptions of one client collapse into one delivery at the highest granted QoS (the
//! choice MQTT 3.1.1 §3.3.5 permits, and what mosquitto does).

use std::collections::HashMap;
use std::sync::Arc;

use rumqttc::mqttbytes::QoS;

use super::session::{ClientId, Outbox};

/// One client's subscription at a trie node.
#[derive(Clone)]
pub struct Subscriber {
    /// The QoS granted in SUBACK.
    pub qos: QoS,
    /// Where deliveries for the client's session go.
    pub outbox: Arc<Outbox>,
}

#[derive(Default)]
struct Node {
    children: HashMap<String, Node>,
    subscribers: HashMap<ClientId, Subscriber>,
}

impl Node {
    fn is_empty(&self) -> bool {
        self.children.is_empty() && self.subscribers.is_empty()
    }
}

/// All subscriptions of all sessions.
#[derive(Default)]
pub struct Router {
    root: Node,
}

/// A session a message goes to, and the QoS of its best matching subscription.
pub struct Route {
    /// The highest QoS granted among the client's matching subscriptions.
    pub qos: QoS,
    /// The session's outbox.
    pub outbox: Arc<Outbox>,
}

impl Router {
    /// Adds or replaces `client`'s subscription to `filter` (a valid filter).
    pub fn subscribe(&mut self, filter: &str, client: &ClientId, subscriber: Subscriber) {
        let mut node = &mut self.root;
        for level in filter.split('/') {
            node = node.children.entry(level.to_owned()).or_default();
        }
        node.subscribers.insert(client.clone(), subscriber);
    }

    /// Removes `client`'s subscription to `filter`; true when there was one.
    pub fn unsubscribe(&mut self, filter: &str, client: &str) -> bool {
        let levels: Vec<&str> = filter.split('/').collect();
        remove(&mut self.root, &levels, client)
    }

    /// Every session subscribed to a filter matching `topic`, once each.
    pub fn route(&self, topic: &str, out: &mut Vec<Route>) {
        out.clear();
        let levels: Vec<&str> = topic.split('/').collect();
        collect(&self.root, &levels, 0, topic.starts_with('$'), out);
        if out.len() > 1 {
            dedupe_keeping_highest_qos(out);
        }
    }
}

fn remove(node: &mut Node, levels: &[&str], client: &str) -> bool {
    let Some((first, rest)) = levels.split_first() else {
        return node.subscribers.remove(client).is_some();
    };
    let Some(child) = node.children.get_mut(*first) else {
        return false;
    };
    let removed = remove(child, rest, client);
    if child.is_empty() {
        node.children.remove(*first);
    }
    removed
}

fn push_all(node: &Node, out: &mut Vec<Route>) {
    out.extend(node.subscribers.values().map(|s| Route {
        qos: s.qos,
        outbox: s.outbox.clone(),
    }));
}

fn collect(node: &Node, levels: &[&str], depth: usize, dollar_topic: bool, out: &mut Vec<Route>) {
    // A filter starting with a wildcard does not match a `$` topic [MQTT-4.7.2-1].
    let wildcards_allowed = !(depth == 0 && dollar_topic);
    if wildcards_allowed {
        if let Some(hash) = node.children.get("#") {
            // `#` matches this level's remainder, and the parent level itself [MQTT-4.7.1-2].
            push_all(hash, out);
        }
    }
    let Some(level) = levels.get(depth) else {
        push_all(node, out);
        return;
    };
    if wildcards_allowed {
        if let Some(plus) = node.children.get("+") {
            collect(plus, levels, depth + 1, dollar_topic, out);
        }
    }
    if let Some(child) = node.children.get(*level) {
        collect(child, levels, depth + 1, dollar_topic, out);
    }
}

fn dedupe_keeping_highest_qos(routes: &mut Vec<Route>) {
    routes.sort_by_key(|r| Arc::as_ptr(&r.outbox) as usize);
    routes.dedup_by(|later, kept| {
        if Arc::ptr_eq(&later.outbox, &kept.outbox) {
            if later.qos as u8 > kept.qos as u8 {
                kept.qos = later.qos;
            }
            true
        } else {
            false
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topic;

    fn subscriber(qos: QoS) -> Subscriber {
        Subscriber {
            qos,
            outbox: Arc::new(Outbox::new("t".into(), 10)),
        }
    }

    #[test]
    fn route_agrees_with_the_reference_matcher() {
        let filters = [
            "#", "+", "a", "a/#", "a/+", "a/b", "+/b", "+/+", "a/+/c", "/#", "$SYS/#", "$SYS/+",
            "+/#", "a//c", "a/+/#",
        ];
        let topics = [
            "a", "a/b", "a/b/c", "b/b", "/", "/x", "$SYS/x", "$SYS", "a//c", "x",
        ];
        let mut router = Router::default();
        let subs: Vec<(ClientId, Subscriber)> = filters
            .iter()
            .map(|f| (ClientId::from(*f), subscriber(QoS::AtMostOnce)))
            .collect();
        for (filter, (id, sub)) in filters.iter().zip(&subs) {
            router.subscribe(filter, id, sub.clone());
        }
        let mut out = Vec::new();
        for t in topics {
            router.route(t, &mut out);
            let mut got: Vec<usize> = out
                .iter()
                .map(|r| {
                    subs.iter()
                        .position(|(_, s)| Arc::ptr_eq(&s.outbox, &r.outbox))
                        .unwrap()
                })
                .collect();
            got.sort();
            let want: Vec<usize> = (0..filters.len())
                .filter(|&i| topic::matches(filters[i], t))
                .collect();
            assert_eq!(got, want, "topic {t}");
        }
    }

    #[test]
    fn overlapping_subscriptions_give_one_route_at_highest_qos() {
        let mut router = Router::default();
        let id = ClientId::from("c");
        let outbox = Arc::new(Outbox::new("t".into(), 10));
        for (filter, qos) in [
            ("a/#", QoS::AtMostOnce),
            ("a/+", QoS::ExactlyOnce),
            ("a/b", QoS::AtLeastOnce),
        ] {
            router.subscribe(
                filter,
                &id,
                Subscriber {
                    qos,
                    outbox: outbox.clone(),
                },
            );
        }
        let mut out = Vec::new();
        router.route("a/b", &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].qos, QoS::ExactlyOnce);
    }

    #[test]
    fn unsubscribe_removes_and_prunes() {
        let mut router = Router::default();
        let id = ClientId::from("c");
        router.subscribe("a/b/c", &id, subscriber(QoS::AtLeastOnce));
        assert!(router.unsubscribe("a/b/c", "c"));
        assert!(!router.unsubscribe("a/b/c", "c"));
        assert!(router.root.is_empty());
    }
}
