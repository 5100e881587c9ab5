//! `--remap FROM=TO` (replay and bridge): a topic starting with FROM is published with TO in
//! its place, the first matching remap applying.

use crate::error::usage;
use crate::topic;

/// One `--remap FROM=TO`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remap {
    /// The prefix replaced.
    pub from: String,
    /// What replaces it.
    pub to: String,
}

impl Remap {
    /// Parses `FROM=TO`: FROM is not empty, neither has a wildcard or NUL (a usage error
    /// naming the flag otherwise).
    pub fn parse(pair: &str) -> anyhow::Result<Remap> {
        let (from, to) = pair
            .split_once('=')
            .ok_or_else(|| usage(format!("--remap {pair:?}: expected FROM=TO")))?;
        if from.is_empty() {
            return Err(usage(format!("--remap {pair:?}: FROM is empty")));
        }
        if [from, to].iter().any(|s| s.contains(['+', '#', '\0'])) {
            return Err(usage(format!(
                "--remap {pair:?}: a topic name has no wildcards (+, #) or NUL"
            )));
        }
        Ok(Remap {
            from: from.to_owned(),
            to: to.to_owned(),
        })
    }
}

/// Parses every `--remap` value in order.
pub fn parse_all(pairs: &[String]) -> anyhow::Result<Vec<Remap>> {
    pairs.iter().map(|p| Remap::parse(p)).collect()
}

/// The topic `topic_name` is published with: the first remap whose FROM starts it, applied;
/// an error naming the remap and both topics when the result is not a valid topic name.
pub fn apply(remaps: &[Remap], topic_name: &str) -> Result<String, String> {
    let Some(Remap { from, to }) = remaps
        .iter()
        .find(|r| topic_name.starts_with(r.from.as_str()))
    else {
        return Ok(topic_name.to_owned());
    };
    let mapped = format!("{to}{}", &topic_name[from.len()..]);
    topic::validate_name(&mapped).map_err(|e| {
        format!("--remap {from}={to} turns topic {topic_name:?} into {mapped:?}, which is not a valid topic name: {e}")
    })?;
    Ok(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remap(from: &str, to: &str) -> Remap {
        Remap {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn remaps_replace_a_prefix_and_check_the_result() {
        let remaps = vec![remap("sensors/", "lab/sensors/"), remap("x", "y/#")];
        assert_eq!(apply(&remaps, "sensors/t1").unwrap(), "lab/sensors/t1");
        assert_eq!(apply(&remaps, "other").unwrap(), "other");
        let err = apply(&remaps, "x/1").unwrap_err();
        assert!(
            err.contains("--remap x=y/#") && err.contains("\"y/#/1\""),
            "{err}"
        );
        assert!(apply(&[remap("a", "")], "a").is_err());
    }

    #[test]
    fn bad_remaps_are_usage_errors() {
        for bad in ["ab", "=x", "a/+=b", "a=b/#"] {
            let err = Remap::parse(bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), crate::error::EXIT_USAGE);
        }
        assert_eq!(Remap::parse("a/=").unwrap(), remap("a/", ""));
    }
}
