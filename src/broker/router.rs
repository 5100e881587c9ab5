//! Subscriptions: a trie of filter levels, and matching a topic against all of them at once.
//!
//! Each node holds the sessions subscribed with exactly that filter, with their options, and
//! the shared subscription groups of that filter (`$share/{group}/{filter}`). A publish walks
//! the trie once, following the literal level, `+` and `#`. A session's overlapping
//! subscriptions collapse into one delivery at the highest granted QoS, carrying the
//! Subscription Identifier of each (MQTT 3.1.1 §3.3.5 permits it, MQTT 5 [MQTT-3.3.4-3,
//! MQTT-3.3.4-5] too, and it is what the interoperability suites expect). Each shared group
//! that matches gives one more delivery, to one of its members [MQTT-4.8.2-3]: the next one
//! round the group that is online, or the next one when none is.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::packet::{ClientId, QoS};
use super::session::Outbox;

/// The options of one subscription (MQTT 5 §3.8.3.1; 3.1.1 clients have the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The QoS granted in SUBACK.
    pub qos: QoS,
    /// No Local: not the session's own messages [MQTT-3.8.3-3].
    pub no_local: bool,
    /// Retain As Published: keep the RETAIN flag of forwarded messages [MQTT-3.3.1-13].
    pub retain_as_published: bool,
    /// The Subscription Identifier given with it.
    pub id: Option<u32>,
}

/// One session's subscription at a trie node.
#[derive(Clone)]
pub struct Subscriber {
    /// Its options.
    pub options: Options,
    /// Where deliveries for the session go.
    pub outbox: Arc<Outbox>,
    /// The username of the connection that subscribed, for read rights.
    pub username: Option<Arc<str>>,
}

/// The members of one shared subscription group, and whose turn it is.
#[derive(Default)]
struct Group {
    members: Vec<(ClientId, Subscriber)>,
    next: AtomicUsize,
}

impl Group {
    /// The member to receive the next message: taking turns, skipping members offline
    /// unless all are.
    fn pick(&self) -> Option<&Subscriber> {
        let n = self.members.len();
        if n == 0 {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        let online = (0..n)
            .map(|i| (start + i) % n)
            .find(|&i| self.members[i].1.outbox.is_online());
        let chosen = online.unwrap_or(start);
        if chosen != start {
            self.next.store(chosen + 1, Ordering::Relaxed);
        }
        Some(&self.members[chosen].1)
    }
}

#[derive(Default)]
struct Node {
    children: HashMap<String, Node>,
    subscribers: HashMap<ClientId, Subscriber>,
    groups: HashMap<String, Group>,
}

impl Node {
    fn is_empty(&self) -> bool {
        self.children.is_empty() && self.subscribers.is_empty() && self.groups.is_empty()
    }
}

/// All subscriptions of all sessions.
#[derive(Default)]
pub struct Router {
    root: Node,
}

/// A session a message goes to.
pub struct Route {
    /// The highest QoS granted among the session's matching subscriptions.
    pub qos: QoS,
    /// Whether one of them asks for the RETAIN flag as published.
    pub retain_as_published: bool,
    /// Their Subscription Identifiers.
    pub subscription_ids: Vec<u32>,
    /// Through a shared subscription (never merged with another route).
    pub shared: bool,
    /// The session's outbox.
    pub outbox: Arc<Outbox>,
    /// The username it subscribed with.
    pub username: Option<Arc<str>>,
}

impl Route {
    fn new(subscriber: &Subscriber, shared: bool) -> Route {
        Route {
            qos: subscriber.options.qos,
            retain_as_published: subscriber.options.retain_as_published,
            subscription_ids: subscriber.options.id.into_iter().collect(),
            shared,
            outbox: subscriber.outbox.clone(),
            username: subscriber.username.clone(),
        }
    }
}

impl Router {
    /// Adds or replaces `client`'s subscription to `filter` (a valid filter), in the shared
    /// group `group` when given. True when it replaced one [MQTT-3.8.4-3].
    pub fn subscribe(
        &mut self,
        filter: &str,
        group: Option<&str>,
        client: &ClientId,
        subscriber: Subscriber,
    ) -> bool {
        let mut node = &mut self.root;
        for level in filter.split('/') {
            node = node.children.entry(level.to_owned()).or_default();
        }
        match group {
            None => node
                .subscribers
                .insert(client.clone(), subscriber)
                .is_some(),
            Some(group) => {
                let members = &mut node.groups.entry(group.to_owned()).or_default().members;
                match members.iter_mut().find(|(id, _)| id == client) {
                    Some(member) => {
                        member.1 = subscriber;
                        true
                    }
                    None => {
                        members.push((client.clone(), subscriber));
                        false
                    }
                }
            }
        }
    }

    /// Removes `client`'s subscription to `filter` (in `group`); true when there was one.
    pub fn unsubscribe(&mut self, filter: &str, group: Option<&str>, client: &str) -> bool {
        let levels: Vec<&str> = filter.split('/').collect();
        remove(&mut self.root, &levels, group, client)
    }

    /// Every session a message on `topic` from `origin` goes to: once each for its own
    /// subscriptions, once more for each matching shared group it was chosen in.
    pub fn route(&self, topic: &str, origin: Option<&ClientId>, out: &mut Vec<Route>) {
        out.clear();
        let levels: Vec<&str> = topic.split('/').collect();
        let mut walk = Walk {
            levels: &levels,
            dollar_topic: topic.starts_with('$'),
            origin,
            out,
        };
        walk.collect(&self.root, 0);
        if out.len() > 1 {
            merge_per_session(out);
        }
    }
}

fn remove(node: &mut Node, levels: &[&str], group: Option<&str>, client: &str) -> bool {
    let Some((first, rest)) = levels.split_first() else {
        return match group {
            None => node.subscribers.remove(client).is_some(),
            Some(name) => {
                let Some(g) = node.groups.get_mut(name) else {
                    return false;
                };
                let before = g.members.len();
                g.members.retain(|(id, _)| &**id != client);
                let removed = g.members.len() < before;
                if g.members.is_empty() {
                    node.groups.remove(name);
                }
                removed
            }
        };
    };
    let Some(child) = node.children.get_mut(*first) else {
        return false;
    };
    let removed = remove(child, rest, group, client);
    if child.is_empty() {
        node.children.remove(*first);
    }
    removed
}

/// One walk of the trie for one topic.
struct Walk<'a, 'o> {
    levels: &'a [&'a str],
    dollar_topic: bool,
    origin: Option<&'a ClientId>,
    out: &'o mut Vec<Route>,
}

impl Walk<'_, '_> {
    /// The routes of every subscription and group at a node whose filter matches.
    fn take(&mut self, node: &Node) {
        for (client, subscriber) in &node.subscribers {
            // No Local: a session's own messages skip its no-local subscriptions.
            if subscriber.options.no_local && self.origin == Some(client) {
                continue;
            }
            self.out.push(Route::new(subscriber, false));
        }
        for group in node.groups.values() {
            if let Some(member) = group.pick() {
                self.out.push(Route::new(member, true));
            }
        }
    }

    fn collect(&mut self, node: &Node, depth: usize) {
        // A filter starting with a wildcard does not match a `$` topic [MQTT-4.7.2-1].
        let wildcards_allowed = !(depth == 0 && self.dollar_topic);
        if wildcards_allowed {
            if let Some(hash) = node.children.get("#") {
                // `#` matches this level's remainder, and the parent level itself
                // [MQTT-4.7.1-2].
                self.take(hash);
            }
        }
        let Some(level) = self.levels.get(depth) else {
            self.take(node);
            return;
        };
        if wildcards_allowed {
            if let Some(plus) = node.children.get("+") {
                self.collect(plus, depth + 1);
            }
        }
        if let Some(child) = node.children.get(*level) {
            self.collect(child, depth + 1);
        }
    }
}

/// Merges the non-shared routes of one session into one: the highest QoS, every
/// Subscription Identifier (ascending), Retain As Published if any asks for it.
fn merge_per_session(routes: &mut Vec<Route>) {
    routes.sort_by_key(|r| (r.shared, Arc::as_ptr(&r.outbox) as usize));
    routes.dedup_by(|later, kept| {
        if later.shared || kept.shared || !Arc::ptr_eq(&later.outbox, &kept.outbox) {
            return false;
        }
        kept.qos = kept.qos.max(later.qos);
        kept.retain_as_published |= later.retain_as_published;
        kept.subscription_ids.append(&mut later.subscription_ids);
        kept.subscription_ids.sort_unstable();
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topic;

    fn options(qos: QoS) -> Options {
        Options {
            qos,
            no_local: false,
            retain_as_published: false,
            id: None,
        }
    }

    fn subscriber(qos: QoS) -> Subscriber {
        Subscriber {
            options: options(qos),
            outbox: Arc::new(Outbox::new(
                "t".into(),
                super::super::session::QueueLimits::dropping(10),
            )),
            username: None,
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
            router.subscribe(filter, None, id, sub.clone());
        }
        let mut out = Vec::new();
        for t in topics {
            router.route(t, None, &mut out);
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
        let outbox = Arc::new(Outbox::new(
            "t".into(),
            super::super::session::QueueLimits::dropping(10),
        ));
        for (filter, qos) in [
            ("a/#", QoS::AtMostOnce),
            ("a/+", QoS::ExactlyOnce),
            ("a/b", QoS::AtLeastOnce),
        ] {
            router.subscribe(
                filter,
                None,
                &id,
                Subscriber {
                    options: options(qos),
                    outbox: outbox.clone(),
                    username: None,
                },
            );
        }
        let mut out = Vec::new();
        router.route("a/b", None, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].qos, QoS::ExactlyOnce);
    }

    #[test]
    fn unsubscribe_removes_and_prunes() {
        let mut router = Router::default();
        let id = ClientId::from("c");
        router.subscribe("a/b/c", None, &id, subscriber(QoS::AtLeastOnce));
        assert!(router.unsubscribe("a/b/c", None, "c"));
        assert!(!router.unsubscribe("a/b/c", None, "c"));
        router.subscribe("a/+", Some("g"), &id, subscriber(QoS::AtLeastOnce));
        assert!(!router.unsubscribe("a/+", None, "c"));
        assert!(router.unsubscribe("a/+", Some("g"), "c"));
        assert!(router.root.is_empty());
    }

    #[test]
    fn overlapping_subscriptions_carry_every_identifier_mqtt_3_3_4_3() {
        let mut router = Router::default();
        let id = ClientId::from("c");
        let outbox = Arc::new(Outbox::new(
            "c".into(),
            super::super::session::QueueLimits::dropping(10),
        ));
        for (filter, sub_id) in [("a/#", 7), ("a/+", 3)] {
            let mut options = options(QoS::AtLeastOnce);
            options.id = Some(sub_id);
            let s = Subscriber {
                options,
                outbox: outbox.clone(),
                username: None,
            };
            router.subscribe(filter, None, &id, s);
        }
        let mut out = Vec::new();
        router.route("a/b", None, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].subscription_ids, vec![3, 7]);
    }

    #[test]
    fn no_local_skips_the_publishers_own_subscription_mqtt_3_8_3_3() {
        let mut router = Router::default();
        let (me, other) = (ClientId::from("me"), ClientId::from("other"));
        let mut mine = subscriber(QoS::AtMostOnce);
        mine.options.no_local = true;
        router.subscribe("t", None, &me, mine);
        router.subscribe("t", None, &other, subscriber(QoS::AtMostOnce));
        let mut out = Vec::new();
        router.route("t", Some(&me), &mut out);
        assert_eq!(out.len(), 1);
        router.route("t", Some(&other), &mut out);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn a_shared_group_takes_turns_among_online_members_mqtt_4_8_2_3() {
        let mut router = Router::default();
        let members: Vec<(ClientId, Subscriber)> = ["m1", "m2", "m3"]
            .iter()
            .map(|id| (ClientId::from(*id), subscriber(QoS::AtMostOnce)))
            .collect();
        for (id, s) in &members {
            s.outbox.set_online(true);
            router.subscribe("s/+", Some("g"), id, s.clone());
        }
        members[2].1.outbox.set_online(false);
        let mut counts = [0usize; 3];
        let mut out = Vec::new();
        for _ in 0..10 {
            router.route("s/x", None, &mut out);
            assert_eq!(out.len(), 1, "one member per message");
            let i = members
                .iter()
                .position(|(_, s)| Arc::ptr_eq(&s.outbox, &out[0].outbox))
                .unwrap();
            counts[i] += 1;
        }
        assert_eq!(counts, [5, 5, 0]);
    }
}
