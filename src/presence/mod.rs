//! Device presence: as `status --watch` sees it, which devices are known, their state and when
//! they were last heard of (no I/O here; `cmd::status` feeds messages in and prints changes);
//! and, in [`announce`], how a device says it goes offline.

pub mod announce;

use std::collections::BTreeMap;
use std::time::SystemTime;

use crate::topic;

/// A device's state as its status payload says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// `online` (or a JSON object whose `status` is `online`).
    Online,
    /// `offline`.
    Offline,
    /// Anything else, as sent.
    Other(String),
}

impl State {
    /// Reads a status payload: plain text, or JSON with a `status` field.
    pub fn from_payload(payload: &[u8]) -> State {
        let text = String::from_utf8_lossy(payload);
        let word = serde_json::from_slice::<serde_json::Value>(payload)
            .ok()
            .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_owned))
            .unwrap_or_else(|| text.trim().to_owned());
        match word.as_str() {
            "online" => State::Online,
            "offline" => State::Offline,
            _ => State::Other(word),
        }
    }

    /// The state as a word.
    pub fn as_str(&self) -> &str {
        match self {
            State::Online => "online",
            State::Offline => "offline",
            State::Other(s) => s,
        }
    }
}

/// What is known of one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Its status topic.
    pub topic: String,
    /// Its state.
    pub state: State,
    /// When its last status message arrived.
    pub last_seen: SystemTime,
    /// When it entered its state (a heartbeat repeating the state does not move it).
    pub since: SystemTime,
}

/// A change to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Device name.
    pub device: String,
    /// Its new state (`None`: forgotten, its retained status was cleared).
    pub state: Option<State>,
}

/// Which topics are status topics.
#[derive(Debug, Clone)]
enum Watched {
    /// Those matching a filter: every payload is a state.
    Filter(String),
    /// Those whose last level is `status` and whose payload says `online` or `offline`.
    StatusLevel,
}

/// The devices seen on a watched filter.
#[derive(Debug, Clone)]
pub struct Presence {
    watched: Watched,
    devices: BTreeMap<String, Device>,
}

impl Presence {
    /// Watches `filter` (e.g. `devices/+/status`), as `status --watch` does.
    pub fn new(filter: &str) -> Presence {
        Presence {
            watched: Watched::Filter(filter.to_owned()),
            devices: BTreeMap::new(),
        }
    }

    /// Watches every topic whose last level is `status` (`…/status`, at any depth) and whose
    /// payload says `online` or `offline` (as text, or JSON with a `status` field); an empty
    /// payload forgets a known device. The device's name is the topic without `/status`.
    /// Used where no filter is given (`top`): other payloads on such topics are not presence.
    pub fn status_topics() -> Presence {
        Presence {
            watched: Watched::StatusLevel,
            devices: BTreeMap::new(),
        }
    }

    /// A device's name: the topic levels the filter's wildcards matched, or the topic.
    pub fn device_name(&self, topic_name: &str) -> String {
        let filter = match &self.watched {
            Watched::Filter(f) => f,
            Watched::StatusLevel => {
                return topic_name
                    .strip_suffix("/status")
                    .unwrap_or(topic_name)
                    .to_owned()
            }
        };
        let filter: Vec<&str> = filter.split('/').collect();
        let levels: Vec<&str> = topic_name.split('/').collect();
        let mut parts = Vec::new();
        for (i, f) in filter.iter().enumerate() {
            match *f {
                "+" => parts.extend(levels.get(i).copied()),
                "#" => {
                    parts.extend(levels.iter().skip(i).copied());
                    break;
                }
                _ => {}
            }
        }
        if parts.is_empty() {
            topic_name.to_owned()
        } else {
            parts.join("/")
        }
    }

    /// Applies a status message; the change, if it is one. A repeated state (a heartbeat)
    /// only refreshes the last-seen time.
    pub fn apply(&mut self, topic_name: &str, payload: &[u8], at: SystemTime) -> Option<Change> {
        let watched = match &self.watched {
            Watched::Filter(f) => topic::matches(f, topic_name),
            Watched::StatusLevel => topic_name.ends_with("/status"),
        };
        if !watched {
            return None;
        }
        let name = self.device_name(topic_name);
        if payload.is_empty() {
            return self.devices.remove(&name).map(|_| Change {
                device: name,
                state: None,
            });
        }
        let state = State::from_payload(payload);
        if matches!(self.watched, Watched::StatusLevel) && matches!(state, State::Other(_)) {
            return None;
        }
        let since = match self.devices.get(&name) {
            Some(d) if d.state == state => d.since,
            _ => at,
        };
        let previous = self.devices.insert(
            name.clone(),
            Device {
                topic: topic_name.to_owned(),
                state: state.clone(),
                last_seen: at,
                since,
            },
        );
        match previous {
            Some(d) if d.state == state => None,
            _ => Some(Change {
                device: name,
                state: Some(state),
            }),
        }
    }

    /// The devices by name.
    pub fn devices(&self) -> &BTreeMap<String, Device> {
        &self.devices
    }

    /// True when at least `count` devices are known and every known device is in `state`.
    pub fn all_in(&self, state: &State, count: usize) -> bool {
        self.devices.len() >= count.max(1) && self.devices.values().all(|d| &d.state == state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn names_come_from_the_wildcard_levels() {
        let p = Presence::new("devices/+/status");
        assert_eq!(p.device_name("devices/pump1/status"), "pump1");
        let p = Presence::new("site/+/+/status");
        assert_eq!(p.device_name("site/a/b/status"), "a/b");
        let p = Presence::new("status/#");
        assert_eq!(p.device_name("status/x/y"), "x/y");
        let p = Presence::new("devices/pump1/status");
        assert_eq!(
            p.device_name("devices/pump1/status"),
            "devices/pump1/status"
        );
    }

    #[test]
    fn changes_heartbeats_and_clearing() {
        let mut p = Presence::new("devices/+/status");
        let t = UNIX_EPOCH;
        let c = p.apply("devices/a/status", b"online", t).unwrap();
        assert_eq!(c.state, Some(State::Online));
        assert_eq!(p.apply("devices/a/status", b"online", t), None, "heartbeat");
        let c = p
            .apply("devices/a/status", br#"{"status":"offline","ts":"x"}"#, t)
            .unwrap();
        assert_eq!(c.state, Some(State::Offline));
        assert_eq!(
            p.apply("devices/a/status", b"", t).unwrap().state,
            None,
            "cleared"
        );
        assert!(p.devices().is_empty());
        assert_eq!(p.apply("other/a/status", b"online", t), None);
    }

    #[test]
    fn since_moves_on_a_change_not_on_a_heartbeat() {
        let mut p = Presence::new("d/+");
        let t = |s| UNIX_EPOCH + std::time::Duration::from_secs(s);
        p.apply("d/a", b"online", t(1));
        p.apply("d/a", b"online", t(5));
        let d = &p.devices()["a"];
        assert_eq!((d.since, d.last_seen), (t(1), t(5)));
        p.apply("d/a", b"offline", t(9));
        assert_eq!(p.devices()["a"].since, t(9));
    }

    #[test]
    fn status_topics_take_online_and_offline_on_any_status_level() {
        let mut p = Presence::status_topics();
        let t = UNIX_EPOCH;
        assert!(p.apply("devices/dev-1/status", b"online", t).is_some());
        assert!(p
            .apply("site/a/pump/status", br#"{"status":"offline"}"#, t)
            .is_some());
        assert_eq!(p.apply("status", b"online", t), None, "no device level");
        assert_eq!(p.apply("x/status", b"42", t), None, "not presence");
        assert_eq!(p.apply("x/statuses", b"online", t), None);
        let names: Vec<&String> = p.devices().keys().collect();
        assert_eq!(names, ["devices/dev-1", "site/a/pump"]);
        assert_eq!(p.devices()["site/a/pump"].state, State::Offline);
        assert_eq!(p.apply("devices/dev-1/status", b"", t).unwrap().state, None);
    }

    #[test]
    fn expectation_needs_every_known_device_and_a_count() {
        let mut p = Presence::new("d/+");
        assert!(!p.all_in(&State::Online, 1), "nothing known yet");
        p.apply("d/a", b"online", UNIX_EPOCH);
        assert!(p.all_in(&State::Online, 1));
        assert!(!p.all_in(&State::Online, 2));
        p.apply("d/b", b"offline", UNIX_EPOCH);
        assert!(!p.all_in(&State::Online, 1));
        p.apply("d/b", b"online", UNIX_EPOCH);
        assert!(p.all_in(&State::Online, 2));
    }
}
