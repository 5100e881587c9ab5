//! Topic templates of the bench's publishers: `%i` the publisher's index, `%c` its client
//! id, `%h` this machine's host name (so that runs merged from several machines keep apart),
//! `%%` a percent sign.

/// A parsed topic template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Index,
    ClientId,
    Host,
}

impl Template {
    /// Parses `text`; an unknown `%` sequence is an error naming it.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                literal.push(c);
                continue;
            }
            let part = match chars.next() {
                Some('%') => {
                    literal.push('%');
                    continue;
                }
                Some('i') => Part::Index,
                Some('c') => Part::ClientId,
                Some('h') => Part::Host,
                Some(other) => {
                    return Err(format!(
                        "unknown placeholder %{other} (use %i, %c, %h or %%)"
                    ))
                }
                None => return Err("a lone % at the end (use %% for a percent sign)".into()),
            };
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(part);
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// True when every client gets a topic of its own (the template names the index or the
    /// client id).
    pub fn per_client(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Index | Part::ClientId))
    }

    /// The topic of client `index` with id `client_id`.
    pub fn expand(&self, index: usize, client_id: &str) -> String {
        let mut topic = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => topic.push_str(t),
                Part::Index => topic.push_str(&index.to_string()),
                Part::ClientId => topic.push_str(client_id),
                Part::Host => topic.push_str(&host_name()),
            }
        }
        topic
    }
}

/// This machine's host name (Linux), or "localhost".
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_expand() {
        let t = Template::parse("bench/%h/%i/%c/100%%").unwrap();
        let topic = t.expand(7, "pub-7");
        assert!(topic.starts_with("bench/"));
        assert!(topic.ends_with("/7/pub-7/100%"), "{topic}");
        assert!(t.per_client());
        assert!(!Template::parse("bench/%h").unwrap().per_client());
        assert_eq!(Template::parse("plain").unwrap().expand(0, "x"), "plain");
    }

    #[test]
    fn unknown_placeholders_are_errors() {
        assert!(Template::parse("a/%x").unwrap_err().contains("%x"));
        assert!(Template::parse("a/%").is_err());
    }
}
