//! `-L/--url`: `scheme://[user[:password]@]host[:port][/path]`, read the way mosquitto's
//! clients read it (the path is the topic for `mqtt://` and `mqtts://`, the HTTP path of the
//! WebSocket upgrade for `ws://` and `wss://`).

use std::fmt;

/// The transport a URL scheme selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `mqtt://`: plain TCP.
    Mqtt,
    /// `mqtts://`: TLS.
    Mqtts,
    /// `ws://`: WebSocket.
    Ws,
    /// `wss://`: WebSocket over TLS.
    Wss,
}

impl Scheme {
    /// The port used when the URL names none.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Mqtt => 1883,
            Scheme::Mqtts => 8883,
            Scheme::Ws => 80,
            Scheme::Wss => 443,
        }
    }

    /// True for the TLS schemes.
    pub fn is_tls(self) -> bool {
        matches!(self, Scheme::Mqtts | Scheme::Wss)
    }

    /// True for the WebSocket schemes, whose path is the HTTP path rather than a topic.
    pub fn is_websocket(self) -> bool {
        matches!(self, Scheme::Ws | Scheme::Wss)
    }
}

/// A parsed broker URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    /// Transport.
    pub scheme: Scheme,
    /// Username, if given.
    pub username: Option<String>,
    /// Password, if given.
    pub password: Option<String>,
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// Port, explicit or the scheme's default.
    pub port: u16,
    /// The path without its leading `/`, if any (the topic for mqtt/mqtts, the HTTP path for
    /// ws/wss).
    pub path: Option<String>,
}

/// Why a URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError(String);

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UrlError {}

/// Parses a broker URL.
pub fn parse(url: &str) -> Result<BrokerUrl, UrlError> {
    let err = |why: &str| UrlError(format!("{url:?}: {why}"));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| err("expected scheme://host, e.g. mqtt://localhost:1883/topic"))?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "mqtt" | "tcp" => Scheme::Mqtt,
        "mqtts" | "ssl" => Scheme::Mqtts,
        "ws" => Scheme::Ws,
        "wss" => Scheme::Wss,
        _ => return Err(err("the scheme must be mqtt, mqtts, ws or wss")),
    };
    let (authority, path) = match rest.split_once('/') {
        Some((a, p)) => (a, (!p.is_empty()).then(|| p.to_string())),
        None => (rest, None),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (username, password) = match userinfo {
        Some(info) => match info.split_once(':') {
            Some((u, p)) => (Some(u.to_string()), Some(p.to_string())),
            None => (Some(info.to_string()), None),
        },
        None => (None, None),
    };
    let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or_else(|| err("unclosed '[' in the host"))?;
        (host, after.strip_prefix(':'))
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty() {
        return Err(err("the host is missing"));
    }
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| err("the port must be a number from 1 to 65535"))?,
        None => scheme.default_port(),
    };
    Ok(BrokerUrl {
        scheme,
        username,
        password,
        host: host.to_string(),
        port,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_url() {
        let u = parse("mqtt://alice:s3cret@broker.example:1884/sensors/t1").unwrap();
        assert_eq!(u.scheme, Scheme::Mqtt);
        assert_eq!(u.username.as_deref(), Some("alice"));
        assert_eq!(u.password.as_deref(), Some("s3cret"));
        assert_eq!(u.host, "broker.example");
        assert_eq!(u.port, 1884);
        assert_eq!(u.path.as_deref(), Some("sensors/t1"));
    }

    #[test]
    fn defaults_per_scheme() {
        assert_eq!(parse("mqtt://h").unwrap().port, 1883);
        assert_eq!(parse("mqtts://h").unwrap().port, 8883);
        assert_eq!(parse("ws://h/mqtt").unwrap().port, 80);
        assert_eq!(parse("wss://h").unwrap().port, 443);
        assert_eq!(parse("mqtt://h/").unwrap().path, None);
    }

    #[test]
    fn ipv6_and_user_without_password() {
        let u = parse("mqtt://bob@[::1]:2000").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 2000));
        assert_eq!(u.username.as_deref(), Some("bob"));
        assert_eq!(u.password, None);
    }

    #[test]
    fn bad_urls_say_why() {
        assert!(parse("localhost:1883")
            .unwrap_err()
            .to_string()
            .contains("scheme://"));
        assert!(parse("http://h")
            .unwrap_err()
            .to_string()
            .contains("scheme must be"));
        assert!(parse("mqtt://h:99999")
            .unwrap_err()
            .to_string()
            .contains("port"));
        assert!(parse("mqtt://:1883")
            .unwrap_err()
            .to_string()
            .contains("host"));
    }
}
