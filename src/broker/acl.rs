//! Access control lists in mosquitto's `acl_file` format: parsing, and deciding whether a
//! client may subscribe to a filter, publish to a topic or receive a message on a topic.
//!
//! ```text
//! # rules before the first `user` line apply to anonymous clients
//! topic read public/#
//! user alice
//! topic readwrite alice/#
//! topic deny alice/secret/#
//! # patterns apply to every client, wherever they stand
//! pattern write devices/%c/status
//! pattern read users/%u/#
//! ```
//!
//! `topic [read|write|readwrite|deny] FILTER` (no access word: readwrite) and `pattern`
//! likewise, with `%c` standing for the client id and `%u` for the username. A client's rules
//! are its user's (the anonymous section's when it has no username) plus every pattern. A
//! `deny` rule that applies wins over any grant; otherwise one grant of the right kind is
//! needed, so a client with no rule may do nothing. A pattern needing `%u` does not apply to an
//! anonymous client, and none applies when the id or username substituted holds `+` or `#`
//! (it would widen the filter).
//!
//! Subscribing needs read rights over the whole filter: a grant whose filter covers every
//! topic the subscription can match (`topic read a/#` allows `a/+/b`, not `#`). A `deny` rule
//! refuses the subscription when it covers it; one that covers only part of it leaves the
//! subscription in place and stops those messages at delivery. Publishing and receiving are
//! checked against the topic name.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::topic;

/// What a rule grants or takes away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rights {
    /// Subscribe and receive.
    Read,
    /// Publish.
    Write,
    /// Both.
    ReadWrite,
    /// Nothing: overrides every grant.
    Deny,
}

impl Rights {
    fn grants(self, wanted: Wanted) -> bool {
        matches!(
            (self, wanted),
            (Rights::ReadWrite, _) | (Rights::Read, Wanted::Read) | (Rights::Write, Wanted::Write)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Read,
    Write,
}

/// One `topic` or `pattern` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// What it grants or denies.
    pub rights: Rights,
    /// Its filter, as written (`%c` and `%u` unexpanded for a pattern).
    pub filter: String,
}

/// A parse error: the 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {what}")]
pub struct AclError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub what: String,
}

/// A parsed ACL file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acl {
    /// Rules for clients without a username.
    pub anonymous: Vec<Rule>,
    /// Rules per username.
    pub users: HashMap<String, Vec<Rule>>,
    /// Patterns, for every client.
    pub patterns: Vec<Rule>,
}

/// Who is asking.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    /// The client id.
    pub id: &'a str,
    /// The username, if any.
    pub username: Option<&'a str>,
}

impl Acl {
    /// Parses the text of an ACL file.
    pub fn parse(text: &str) -> Result<Acl, AclError> {
        let mut acl = Acl::default();
        let mut user: Option<String> = None;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |what: String| AclError { line, what };
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let (keyword, rest) = match trimmed.split_once(char::is_whitespace) {
                Some((k, r)) => (k, r.trim()),
                None => (trimmed, ""),
            };
            match keyword {
                "user" => {
                    if rest.is_empty() {
                        return Err(err("`user` needs a username".into()));
                    }
                    acl.users.entry(rest.to_owned()).or_default();
                    user = Some(rest.to_owned());
                }
                "topic" | "pattern" => {
                    let rule = parse_rule(keyword, rest).map_err(err)?;
                    if keyword == "pattern" {
                        acl.patterns.push(rule);
                    } else {
                        match &user {
                            Some(name) => acl.users.entry(name.clone()).or_default().push(rule),
                            None => acl.anonymous.push(rule),
                        }
                    }
                }
                other => {
                    return Err(err(format!(
                        "unknown keyword {other:?} (expected user, topic or pattern)"
                    )))
                }
            }
        }
        Ok(acl)
    }

    /// How many `topic` and `pattern` rules there are.
    pub fn rule_count(&self) -> usize {
        self.anonymous.len()
            + self.patterns.len()
            + self.users.values().map(Vec::len).sum::<usize>()
    }

    /// Whether `client` may subscribe to `filter` (a valid filter; a shared subscription is
    /// checked on the filter inside it).
    pub fn may_subscribe(&self, client: Client<'_>, filter: &str) -> bool {
        let filter = match topic::split_shared(filter) {
            Ok(Some((_, inner))) => inner,
            _ => filter,
        };
        self.decide(client, Wanted::Read, |rule| covers(rule, filter))
    }

    /// Whether `client` may publish to `topic`.
    pub fn may_publish(&self, client: Client<'_>, topic: &str) -> bool {
        self.decide(client, Wanted::Write, |rule| topic::matches(rule, topic))
    }

    /// Whether `client` may receive a message on `topic`.
    pub fn may_read(&self, client: Client<'_>, topic: &str) -> bool {
        self.decide(client, Wanted::Read, |rule| topic::matches(rule, topic))
    }

    /// Deny first, then any grant of `wanted` whose (expanded) filter `applies`.
    fn decide(&self, client: Client<'_>, wanted: Wanted, applies: impl Fn(&str) -> bool) -> bool {
        let own: &[Rule] = match client.username {
            Some(user) => self.users.get(user).map_or(&[], Vec::as_slice),
            None => &self.anonymous,
        };
        let mut granted = false;
        for rule in own {
            if applies(&rule.filter) {
                if rule.rights == Rights::Deny {
                    return false;
                }
                granted |= rule.rights.grants(wanted);
            }
        }
        for pattern in &self.patterns {
            let Some(filter) = expand(&pattern.filter, client) else {
                continue;
            };
            if applies(&filter) {
                if pattern.rights == Rights::Deny {
                    return false;
                }
                granted |= pattern.rights.grants(wanted);
            }
        }
        granted
    }
}

fn parse_rule(keyword: &str, rest: &str) -> Result<Rule, String> {
    let (first, after) = match rest.split_once(char::is_whitespace) {
        Some((f, a)) => (f, a.trim()),
        None => (rest, ""),
    };
    let rights = match first {
        "read" => Some(Rights::Read),
        "write" => Some(Rights::Write),
        "readwrite" => Some(Rights::ReadWrite),
        "deny" => Some(Rights::Deny),
        _ => None,
    };
    let (rights, filter) = match rights {
        Some(rights) if !after.is_empty() => (rights, after),
        Some(_) => return Err(format!("`{keyword} {first}` needs a topic filter")),
        None if rest.is_empty() => return Err(format!("`{keyword}` needs a topic filter")),
        None => (Rights::ReadWrite, rest),
    };
    topic::validate_filter(filter).map_err(|e| format!("filter {filter:?}: {e}"))?;
    Ok(Rule {
        rights,
        filter: filter.to_owned(),
    })
}

/// A pattern with `%c` and `%u` replaced; `None` when it cannot apply to `client`.
fn expand<'p>(pattern: &'p str, client: Client<'_>) -> Option<Cow<'p, str>> {
    if !pattern.contains('%') {
        return Some(Cow::Borrowed(pattern));
    }
    let wildcard = |s: &str| s.contains(['+', '#']);
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        match rest[at + 1..].chars().next() {
            Some('c') if !wildcard(client.id) => out.push_str(client.id),
            Some('u') => match client.username {
                Some(user) if !wildcard(user) => out.push_str(user),
                _ => return None,
            },
            Some('c') => return None,
            _ => {
                out.push('%');
                rest = &rest[at + 1..];
                continue;
            }
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// Whether every topic `filter` can match is matched by `rule`.
fn covers(rule: &str, filter: &str) -> bool {
    let mut rule_levels = rule.split('/');
    let mut filter_levels = filter.split('/');
    let mut first = true;
    loop {
        match (rule_levels.next(), filter_levels.next()) {
            (Some("#"), Some(level)) => return !(first && level.starts_with('$')),
            (Some("#"), None) => return true,
            (Some("+"), Some(level)) => {
                if level == "#" || (first && level.starts_with('$')) {
                    return false;
                }
            }
            (Some(r), Some(f)) => {
                if r != f || f == "+" || f == "#" {
                    return false;
                }
            }
            (None, None) => return true,
            (Some(_), None) | (None, Some(_)) => return false,
        }
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anon(id: &str) -> Client<'_> {
        Client { id, username: None }
    }

    fn user<'a>(id: &'a str, name: &'a str) -> Client<'a> {
        Client {
            id,
            username: Some(name),
        }
    }

    #[test]
    fn the_section_before_the_first_user_is_for_anonymous_clients() {
        let acl = Acl::parse("topic read public/#\nuser alice\ntopic alice/#\n").unwrap();
        assert!(acl.may_read(anon("a"), "public/x"));
        assert!(!acl.may_publish(anon("a"), "public/x"));
        assert!(!acl.may_read(anon("a"), "alice/x"));
        // alice does not get the anonymous rules.
        assert!(!acl.may_read(user("a", "alice"), "public/x"));
        assert!(acl.may_publish(user("a", "alice"), "alice/x"));
        assert!(acl.may_read(user("a", "alice"), "alice/x"));
        // A user with no rules may do nothing.
        assert!(!acl.may_read(user("b", "bob"), "public/x"));
    }

    #[test]
    fn each_access_word() {
        let acl = Acl::parse(
            "user u\ntopic read r\ntopic write w\ntopic readwrite rw\ntopic both\ntopic deny d\n",
        )
        .unwrap();
        let c = user("c", "u");
        assert!(acl.may_read(c, "r") && !acl.may_publish(c, "r"));
        assert!(!acl.may_read(c, "w") && acl.may_publish(c, "w"));
        assert!(acl.may_read(c, "rw") && acl.may_publish(c, "rw"));
        assert!(acl.may_read(c, "both") && acl.may_publish(c, "both"));
        assert!(!acl.may_read(c, "d") && !acl.may_publish(c, "d"));
    }

    #[test]
    fn deny_wins_over_any_grant_in_either_order() {
        for text in [
            "user u\ntopic readwrite a/#\ntopic deny a/secret\n",
            "user u\ntopic deny a/secret\ntopic readwrite a/#\n",
            "user u\ntopic readwrite a/#\npattern deny a/secret\n",
        ] {
            let acl = Acl::parse(text).unwrap();
            let c = user("c", "u");
            assert!(acl.may_publish(c, "a/open"), "{text}");
            assert!(!acl.may_publish(c, "a/secret"), "{text}");
            assert!(!acl.may_read(c, "a/secret"), "{text}");
            assert!(!acl.may_subscribe(c, "a/secret"), "{text}");
            // Only part of a/# is denied: the subscription stands, delivery filters.
            assert!(acl.may_subscribe(c, "a/#"), "{text}");
        }
    }

    #[test]
    fn patterns_substitute_client_id_and_username_for_everyone() {
        let acl = Acl::parse(
            "user alice\ntopic read x\npattern write devices/%c/status\npattern read users/%u/#\n",
        )
        .unwrap();
        assert!(acl.may_publish(user("dev1", "alice"), "devices/dev1/status"));
        assert!(!acl.may_publish(user("dev1", "alice"), "devices/dev2/status"));
        assert!(acl.may_publish(anon("dev2"), "devices/dev2/status"));
        assert!(acl.may_read(user("x", "alice"), "users/alice/inbox"));
        assert!(!acl.may_read(user("x", "alice"), "users/bob/inbox"));
        // %u does not apply to anonymous clients.
        assert!(!acl.may_read(anon("x"), "users//inbox"));
        // Wildcards in the id or username would widen the filter: the pattern does not apply.
        assert!(!acl.may_publish(anon("+"), "devices/dev2/status"));
        assert!(!acl.may_read(user("x", "#"), "users/bob/inbox"));
    }

    #[test]
    fn subscribing_needs_a_grant_covering_the_whole_filter() {
        let acl = Acl::parse("user u\ntopic read a/#\ntopic read b/+/c\n").unwrap();
        let c = user("c", "u");
        for ok in ["a/#", "a", "a/+/b", "a/x", "b/x/c", "b/+/c", "$share/g/a/#"] {
            assert!(acl.may_subscribe(c, ok), "{ok}");
        }
        for refused in ["#", "+/x", "b/#", "b/x/+", "b/+/#", "c", "$share/g/#"] {
            assert!(!acl.may_subscribe(c, refused), "{refused}");
        }
    }

    #[test]
    fn a_leading_wildcard_does_not_cover_dollar_topics() {
        let acl = Acl::parse("topic read #\n").unwrap();
        assert!(acl.may_subscribe(anon("c"), "a/b"));
        assert!(!acl.may_subscribe(anon("c"), "$SYS/#"));
        assert!(!acl.may_read(anon("c"), "$SYS/broker/uptime"));
    }

    #[test]
    fn bad_lines_name_their_line() {
        let cases = [
            ("user\n", 1, "needs a username"),
            ("# c\n\ntopic read\n", 3, "needs a topic filter"),
            ("topic\n", 1, "needs a topic filter"),
            ("topic read a/#/b\n", 1, "filter"),
            ("topics a\n", 1, "unknown keyword"),
        ];
        for (text, line, what) in cases {
            let err = Acl::parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}");
            assert!(err.to_string().contains(what), "{text:?}: {err}");
        }
    }

    #[test]
    fn usernames_and_filters_may_hold_spaces_and_comments_are_skipped() {
        let acl = Acl::parse("  # comment\nuser John Smith\ntopic read my topic/#\n").unwrap();
        assert!(acl.may_read(user("c", "John Smith"), "my topic/x"));
        assert_eq!(acl.rule_count(), 1);
    }
}
