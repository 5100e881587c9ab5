//! Topic names and topic filters: validation and matching, shared by the clients and the broker.
//!
//! Rules from MQTT 3.1.1 §4.7 (the same in MQTT 5 §4.7): names and filters are non-empty UTF-8
//! without U+0000 and at most 65,535 bytes; names carry no wildcards; in a filter `+` fills a
//! whole level and `#` a whole last level; a filter starting with a wildcard never matches a
//! topic starting with `$`.

use std::fmt;

/// Why a topic name or filter is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicError {
    /// Zero-length [MQTT-4.7.3-1].
    Empty,
    /// Longer than an MQTT string can be (65,535 bytes).
    TooLong,
    /// Contains U+0000 [MQTT-4.7.3-2].
    NullCharacter,
    /// A topic name with `+` or `#` [MQTT-3.3.2-2].
    WildcardInName,
    /// `#` not alone in the last level [MQTT-4.7.1-2].
    MisplacedMultiLevelWildcard,
    /// `+` not alone in its level [MQTT-4.7.1-3].
    MisplacedSingleLevelWildcard,
    /// `$share/` without a share name, or a share name with `/`, `+` or `#`, or without a
    /// filter after it [MQTT-4.8.2-1, MQTT-4.8.2-2].
    InvalidSharedSubscription,
}

impl fmt::Display for TopicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TopicError::Empty => "it is empty",
            TopicError::TooLong => "it is longer than 65535 bytes",
            TopicError::NullCharacter => "it contains a NUL character",
            TopicError::WildcardInName => "a topic name cannot contain '+' or '#'",
            TopicError::MisplacedMultiLevelWildcard => {
                "'#' must be the whole last level (e.g. 'a/#')"
            }
            TopicError::MisplacedSingleLevelWildcard => "'+' must be a whole level (e.g. 'a/+/c')",
            TopicError::InvalidSharedSubscription => {
                "a shared subscription is '$share/NAME/FILTER', NAME without '/', '+' or '#'"
            }
        })
    }
}

impl std::error::Error for TopicError {}

fn validate_common(s: &str) -> Result<(), TopicError> {
    if s.is_empty() {
        return Err(TopicError::Empty);
    }
    if s.len() > usize::from(u16::MAX) {
        return Err(TopicError::TooLong);
    }
    if s.contains('\0') {
        return Err(TopicError::NullCharacter);
    }
    Ok(())
}

/// Checks a topic name, as used in PUBLISH.
pub fn validate_name(topic: &str) -> Result<(), TopicError> {
    validate_common(topic)?;
    if topic.contains(['+', '#']) {
        return Err(TopicError::WildcardInName);
    }
    Ok(())
}

/// Checks a topic filter, as used in SUBSCRIBE and UNSUBSCRIBE.
pub fn validate_filter(filter: &str) -> Result<(), TopicError> {
    validate_common(filter)?;
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') && (level != "#" || levels.peek().is_some()) {
            return Err(TopicError::MisplacedMultiLevelWildcard);
        }
        if level.contains('+') && level != "+" {
            return Err(TopicError::MisplacedSingleLevelWildcard);
        }
    }
    Ok(())
}

/// A filter split into its share name and the filter proper: `Some(("g", "a/+"))` for
/// `$share/g/a/+`, `None` for a filter that is not a shared subscription. Checks the share
/// name and the filter [MQTT-4.8.2-1, MQTT-4.8.2-2].
pub fn split_shared(filter: &str) -> Result<Option<(&str, &str)>, TopicError> {
    let Some(rest) = filter.strip_prefix("$share/") else {
        if filter == "$share" {
            return Err(TopicError::InvalidSharedSubscription);
        }
        return Ok(None);
    };
    let (group, inner) = rest
        .split_once('/')
        .ok_or(TopicError::InvalidSharedSubscription)?;
    if group.is_empty() || group.contains(['+', '#']) || inner.is_empty() {
        return Err(TopicError::InvalidSharedSubscription);
    }
    validate_filter(inner)?;
    Ok(Some((group, inner)))
}

/// True when `topic` (a valid name) matches `filter` (a valid filter).
///
/// `#` also matches the parent level (`a/#` matches `a`) [MQTT-4.7.1-2]; a filter starting
/// with `+` or `#` does not match a topic starting with `$` [MQTT-4.7.2-1].
pub fn matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut filter_levels = filter.split('/');
    let mut topic_levels = topic.split('/');
    loop {
        match (filter_levels.next(), topic_levels.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(f), Some(t)) if f == t => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_filters() {
        for f in [
            "#", "+", "a/#", "a/+/c", "+/+", "/", "a//b", "$SYS/#", "a/+",
        ] {
            assert_eq!(validate_filter(f), Ok(()), "{f}");
        }
    }

    #[test]
    fn invalid_filters_mqtt_4_7_1() {
        use TopicError::*;
        assert_eq!(validate_filter(""), Err(Empty));
        assert_eq!(validate_filter("a/#/b"), Err(MisplacedMultiLevelWildcard));
        assert_eq!(validate_filter("a#"), Err(MisplacedMultiLevelWildcard));
        assert_eq!(validate_filter("a/b#"), Err(MisplacedMultiLevelWildcard));
        assert_eq!(validate_filter("a+"), Err(MisplacedSingleLevelWildcard));
        assert_eq!(validate_filter("a/+b/c"), Err(MisplacedSingleLevelWildcard));
        assert_eq!(validate_filter("a/\0"), Err(NullCharacter));
        assert_eq!(validate_filter(&"a".repeat(65_536)), Err(TooLong));
    }

    #[test]
    fn shared_subscriptions_mqtt_4_8_2_1_and_2() {
        assert_eq!(split_shared("$share/g/a/+"), Ok(Some(("g", "a/+"))));
        assert_eq!(split_shared("$share/g/#"), Ok(Some(("g", "#"))));
        assert_eq!(split_shared("a/b"), Ok(None));
        assert_eq!(split_shared("$shared/g/a"), Ok(None));
        for bad in [
            "$share",
            "$share/",
            "$share/g",
            "$share/g/",
            "$share//a",
            "$share/+/a",
            "$share/g#/a",
        ] {
            assert_eq!(
                split_shared(bad),
                Err(TopicError::InvalidSharedSubscription),
                "{bad}"
            );
        }
        assert_eq!(
            split_shared("$share/g/a#"),
            Err(TopicError::MisplacedMultiLevelWildcard)
        );
    }

    #[test]
    fn names_reject_wildcards_mqtt_3_3_2_2() {
        assert_eq!(validate_name("a/+"), Err(TopicError::WildcardInName));
        assert_eq!(validate_name("a/#"), Err(TopicError::WildcardInName));
        assert_eq!(validate_name(""), Err(TopicError::Empty));
        assert_eq!(validate_name("a/b c/$d"), Ok(()));
    }

    #[test]
    fn matching_follows_mqtt_4_7() {
        let cases = [
            ("a/b", "a/b", true),
            ("a/+", "a/b", true),
            ("a/+", "a/b/c", false),
            ("a/+", "a", false),
            ("a/+", "a/", true),
            ("a/#", "a", true),
            ("a/#", "a/b/c", true),
            ("#", "a/b", true),
            ("+/+", "/x", true),
            ("+", "/x", false),
            ("/+", "/x", true),
            ("a/b", "a/b/c", false),
            ("a/b/c", "a/b", false),
            ("a//b", "a//b", true),
            ("a/+/b", "a//b", true),
        ];
        for (filter, topic, expected) in cases {
            assert_eq!(matches(filter, topic), expected, "{filter} vs {topic}");
        }
    }

    #[test]
    fn dollar_topics_need_an_explicit_first_level_mqtt_4_7_2_1() {
        assert!(!matches("#", "$SYS/broker/uptime"));
        assert!(!matches("+/broker/uptime", "$SYS/broker/uptime"));
        assert!(matches("$SYS/#", "$SYS/broker/uptime"));
        assert!(matches("$SYS/+/uptime", "$SYS/broker/uptime"));
    }
}
