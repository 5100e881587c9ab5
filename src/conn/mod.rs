//! The connection layer shared by every subcommand that connects to a broker.
//!
//! [`ConnectOpts`] (the flags) are resolved once by [`resolve`] into a validated
//! [`ConnectConfig`]: every bad value or combination is a usage error naming its flag, found
//! before any socket opens. [`connect`] then builds rumqttc's options and waits for CONNACK,
//! turning a refusal into [`crate::error::Error::Refused`] with the broker's return code. [`transport`] picks
//! TCP, TLS, WebSocket or WebSocket over TLS from the URL scheme and the TLS flags.

mod client;
mod options;
mod properties;
pub mod transport;
pub mod url;

use std::io::{self, IsTerminal};
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result};
use rumqttc::QoS;

pub use client::{
    connect, connect_retrying, is_refusal, qos_v5, refusal_v311, refusal_v5, Client, Connection,
    Event, Events, Message, Reason,
};
pub use options::{parse_duration, ConnectOpts};
pub use properties::PublishProperties;
pub use transport::{rumqttc_transport, TlsOpts, TransportConfig};

use crate::error::usage;
use crate::topic;

/// A will message.
#[derive(Debug, Clone)]
pub struct Will {
    /// Topic name.
    pub topic: String,
    /// Payload.
    pub payload: Vec<u8>,
    /// QoS.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
}

/// The MQTT protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// MQTT 3.1.1.
    V311,
    /// MQTT 5.
    V5,
}

/// A validated connection configuration.
#[derive(Debug, Clone)]
pub struct ConnectConfig {
    /// Protocol version.
    pub protocol: Protocol,
    /// Session expiry interval (MQTT 5; `None`: end with the connection).
    pub session_expiry: Option<u32>,
    /// Host to connect to.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Client id sent in CONNECT.
    pub client_id: String,
    /// Keep-alive; zero disables it.
    pub keep_alive: Duration,
    /// Clean session flag.
    pub clean_session: bool,
    /// Username and password.
    pub credentials: Option<(String, String)>,
    /// Will.
    pub will: Option<Will>,
    /// Limit for TCP connect plus CONNACK.
    pub connect_timeout: Duration,
    /// Reconnection attempts before giving up (`None`: never give up).
    pub max_reconnects: Option<u32>,
    /// The topic given as the URL's path, if any.
    pub url_topic: Option<String>,
    /// TCP, TLS, WebSocket or WebSocket over TLS.
    pub transport: TransportConfig,
    /// Acknowledge received QoS 1/2 messages only on [`Client::ack`] (the bridge's store and
    /// forward), not as soon as they arrive.
    pub manual_acks: bool,
    /// MQTT 5 Receive Maximum: QoS 1/2 messages the broker may send before this client
    /// acknowledges one (`None`: the protocol's default, 65535).
    pub receive_maximum: Option<u16>,
}

impl ConnectConfig {
    /// Plain TCP with MQTT 3.1.1 to `addr` as `client_id`, and otherwise what the flags
    /// default to (keep-alive 60 s, clean session, no credentials or will, a 10 s connect
    /// timeout, reconnecting without end): the configuration of a client of a broker this
    /// process runs itself, such as `demo`'s.
    pub fn tcp(addr: SocketAddr, client_id: &str) -> ConnectConfig {
        ConnectConfig {
            protocol: Protocol::V311,
            session_expiry: None,
            host: addr.ip().to_string(),
            port: addr.port(),
            client_id: client_id.to_owned(),
            keep_alive: Duration::from_secs(60),
            clean_session: true,
            credentials: None,
            will: None,
            connect_timeout: Duration::from_secs(10),
            max_reconnects: None,
            url_topic: None,
            transport: TransportConfig::Tcp,
            manual_acks: false,
            receive_maximum: None,
        }
    }

    /// What the user should be told before connecting with this configuration (an
    /// unverified TLS connection), if anything.
    pub fn warning(&self) -> Option<&'static str> {
        self.transport.warning()
    }
}

/// Maps a QoS number (already range-checked by clap) to rumqttc's QoS.
pub fn qos(n: u8) -> QoS {
    match n {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    }
}

/// Resolves the flags of command `command` (used in the default client id).
pub fn resolve(opts: &ConnectOpts, command: &str) -> Result<ConnectConfig> {
    let protocol = match opts.protocol_version.to_ascii_lowercase().as_str() {
        "311" | "mqttv311" => Protocol::V311,
        "5" | "mqttv5" => Protocol::V5,
        "31" | "mqttv31" => return Err(usage("-V 31: MQTT 3.1 is not supported; use -V 311")),
        other => {
            return Err(usage(format!(
                "-V {other}: unknown protocol version (use 311 or 5)"
            )))
        }
    };
    if opts.session_expiry.is_some() && protocol != Protocol::V5 {
        return Err(usage("-x/--session-expiry needs MQTT 5 (-V 5)"));
    }
    // As mosquitto's clients: with MQTT 5, -c alone asks for a session that never expires.
    let session_expiry = match opts.session_expiry {
        Some(secs) => Some(secs),
        None if protocol == Protocol::V5 && opts.disable_clean_session => Some(u32::MAX),
        None => None,
    };

    let url = opts
        .url
        .as_deref()
        .map(|raw| url::parse(raw).map_err(|e| usage(format!("-L/--url {e}"))))
        .transpose()?;
    let scheme = transport::effective_scheme(&opts.tls, url.as_ref().map(|u| u.scheme))?;
    let (host, port, url_user, url_password, path) = match url {
        Some(u) => (u.host, u.port, u.username, u.password, u.path),
        None => (
            opts.host.clone().unwrap_or_else(|| "localhost".into()),
            opts.port.unwrap_or(scheme.default_port()),
            None,
            None,
            None,
        ),
    };
    let (url_topic, ws_path) = if scheme.is_websocket() {
        (None, path)
    } else {
        (path, None)
    };
    let transport = transport::resolve(&opts.tls, scheme, &host, port, ws_path.as_deref())?;

    let client_id = match (&opts.id, &opts.id_prefix) {
        (Some(id), _) => id.clone(),
        (None, Some(prefix)) => format!("{prefix}{}", std::process::id()),
        (None, None) => format!("mqttkit-{command}-{}", std::process::id()),
    };
    if client_id.len() > usize::from(u16::MAX) {
        return Err(usage("-i/--id: the client id is longer than 65535 bytes"));
    }
    if opts.disable_clean_session && opts.id.is_none() {
        return Err(usage(
            "-c/--disable-clean-session needs a client id (-i): a persistent session is found again by its id",
        ));
    }

    let username = opts.username.clone().or(url_user);
    let password = resolve_password(opts, url_password)?;
    let credentials = match (username, password) {
        (Some(u), p) => Some((u, p.unwrap_or_default())),
        (None, Some(_)) => {
            return Err(usage("a password was given without a username (-u)"));
        }
        (None, None) => None,
    };

    let will = match &opts.will_topic {
        Some(t) => {
            topic::validate_name(t).map_err(|e| usage(format!("--will-topic {t:?}: {e}")))?;
            Some(Will {
                topic: t.clone(),
                payload: opts.will_payload.clone().unwrap_or_default().into_bytes(),
                qos: qos(opts.will_qos),
                retain: opts.will_retain,
            })
        }
        None => None,
    };

    Ok(ConnectConfig {
        protocol,
        session_expiry,
        host,
        port,
        client_id,
        keep_alive: Duration::from_secs(u64::from(opts.keepalive)),
        clean_session: !opts.disable_clean_session,
        credentials,
        will,
        connect_timeout: opts.connect_timeout,
        max_reconnects: opts.max_reconnects,
        url_topic,
        transport,
        manual_acks: false,
        receive_maximum: None,
    })
}

/// The password from, in order: -P VALUE, the URL, --pw-file, MQTTKIT_PASSWORD, or a prompt
/// when -P was given without a value.
fn resolve_password(opts: &ConnectOpts, from_url: Option<String>) -> Result<Option<String>> {
    match opts.password.as_deref() {
        Some(p) if !p.is_empty() => return Ok(Some(p.to_string())),
        _ => {}
    }
    if from_url.is_some() {
        return Ok(from_url);
    }
    if let Some(path) = &opts.password_file {
        return password_from_file(path).map(Some);
    }
    if let Ok(p) = std::env::var("MQTTKIT_PASSWORD") {
        return Ok(Some(p));
    }
    if opts.password.is_some() {
        if !io::stdin().is_terminal() {
            return Err(usage(
                "-P without a value asks on a terminal, but stdin is not one: use --pw-file or MQTTKIT_PASSWORD",
            ));
        }
        let p = rpassword::prompt_password("Password: ").context("reading the password")?;
        return Ok(Some(p));
    }
    Ok(None)
}

/// The first line of a `--pw-file`, without its line ending. MQTT allows any bytes in a
/// password, but rumqttc's clients send a UTF-8 string only: a password that is not UTF-8 is
/// refused here as a usage error, never altered.
fn password_from_file(path: &std::path::Path) -> Result<String> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("--pw-file {}", path.display()))
        .map_err(|e| usage(format!("{e:#}")))?;
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Err(usage(format!(
            "--pw-file {}: the first line is empty; an empty password is not sent",
            path.display()
        )));
    }
    String::from_utf8(line.to_vec()).map_err(|_| {
        usage(format!(
            "--pw-file {}: the password is not UTF-8, and mqttkit's clients can send only UTF-8 \
             passwords (the broker accepts any bytes)",
            path.display()
        ))
    })
}

/// The broker address rumqttc wants (v4 and v5 alike): the host, or the whole URL for the
/// WebSocket transports (rumqttc takes host and port from it and ignores its port argument).
pub fn broker_address(config: &ConnectConfig) -> String {
    config
        .transport
        .ws_url()
        .unwrap_or(&config.host)
        .to_string()
}

/// Where `config` connects, for messages: `host:port`, or the WebSocket URL.
fn endpoint(config: &ConnectConfig) -> String {
    match config.transport.ws_url() {
        Some(url) => url.to_string(),
        None => format!("{}:{}", config.host, config.port),
    }
}

/// Exponential backoff with jitter for reconnecting: 100 ms doubling to 10 s, each delay
/// drawn between half and all of the current step.
#[derive(Debug)]
pub struct Backoff {
    step: Duration,
    /// Attempts made since the last success.
    pub attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            step: Duration::from_millis(100),
            attempts: 0,
        }
    }
}

impl Backoff {
    /// The next delay to wait before reconnecting.
    pub fn next_delay(&mut self) -> Duration {
        self.attempts += 1;
        let step = self.step;
        self.step = (self.step * 2).min(Duration::from_secs(10));
        let half = step / 2;
        half + half.mul_f64(rand::random::<f64>())
    }

    /// Call after a successful reconnection.
    pub fn reset(&mut self) {
        *self = Backoff::default();
    }
}

/// Calls `attempt` until it succeeds, waiting out `backoff` after each failure (warning
/// with the error and the delay). A refusal by the broker ends it at once, as does the
/// failure after `max` attempts (`--max-reconnects`); both return that error.
pub async fn retry<T, F, Fut>(
    max: Option<u32>,
    backoff: &mut Backoff,
    mut attempt: F,
) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    loop {
        match attempt().await {
            Ok(value) => {
                backoff.reset();
                return Ok(value);
            }
            Err(e) if is_refusal(&e) => return Err(e),
            Err(e) if max.is_some_and(|m| backoff.attempts >= m) => return Err(e),
            Err(e) => {
                let delay = backoff.next_delay();
                tracing::warn!("{e:#}; retrying in {delay:?}");
                tokio::time::sleep(delay).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    #[command(disable_help_flag = true)]
    struct Cmd {
        #[command(flatten)]
        opts: ConnectOpts,
    }

    fn resolve_args(args: &[&str]) -> Result<ConnectConfig> {
        let cmd = Cmd::try_parse_from(std::iter::once("t").chain(args.iter().copied()))?;
        resolve(&cmd.opts, "test")
    }

    fn usage_message(args: &[&str]) -> String {
        let err = resolve_args(args).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), crate::error::EXIT_USAGE);
        format!("{err:#}")
    }

    #[test]
    fn tcp_is_what_the_default_flags_resolve_to() {
        for addr in ["127.0.0.1:18830", "[::1]:1883"] {
            let addr: SocketAddr = addr.parse().unwrap();
            let (ip, port) = (addr.ip().to_string(), addr.port().to_string());
            let flags = resolve_args(&["-h", &ip, "-p", &port, "-i", "dev-1"]).unwrap();
            assert_eq!(
                format!("{:?}", ConnectConfig::tcp(addr, "dev-1")),
                format!("{flags:?}")
            );
        }
    }

    #[test]
    fn defaults_match_mosquitto_clients() {
        let c = resolve_args(&[]).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("localhost", 1883));
        assert_eq!(c.keep_alive, Duration::from_secs(60));
        assert!(c.clean_session);
        assert!(c.client_id.starts_with("mqttkit-test-"));
    }

    #[test]
    fn url_sets_host_port_credentials_and_topic() {
        let c = resolve_args(&["-L", "mqtt://u:p@example:1999/a/b"]).unwrap();
        assert_eq!((c.host.as_str(), c.port), ("example", 1999));
        assert_eq!(c.credentials, Some(("u".into(), "p".into())));
        assert_eq!(c.url_topic.as_deref(), Some("a/b"));
    }

    #[test]
    fn bad_values_name_their_flag() {
        assert!(usage_message(&["-c"]).contains("-c/--disable-clean-session"));
        assert!(usage_message(&["-V", "7"]).contains("-V 7"));
        assert!(usage_message(&["--will-topic", "a/#"]).contains("--will-topic"));
        assert!(usage_message(&["-L", "http://x"]).contains("-L/--url"));
        assert!(usage_message(&["--pw-file", "/nonexistent"]).contains("--pw-file"));
    }

    #[test]
    fn pw_file_gives_its_first_line_and_refuses_an_empty_or_unsendable_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        let path = file.to_str().unwrap();
        std::fs::write(&file, "s3cr\u{e9}t\r\nsecond line\n").unwrap();
        let c = resolve_args(&["-u", "u", "--pw-file", path]).unwrap();
        assert_eq!(c.credentials, Some(("u".into(), "s3cr\u{e9}t".into())));
        for empty in ["", "\n", "\r\nsecond\n"] {
            std::fs::write(&file, empty).unwrap();
            let err = usage_message(&["-u", "u", "--pw-file", path]);
            assert!(err.contains("--pw-file") && err.contains("empty"), "{err}");
        }
        std::fs::write(&file, b"p\xff\xfe\n").unwrap();
        let err = usage_message(&["-u", "u", "--pw-file", path]);
        assert!(
            err.contains("--pw-file") && err.contains("not UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn a_tls_flag_turns_tls_on_with_port_8883() {
        let c = resolve_args(&["--insecure"]).unwrap();
        assert_eq!(c.port, 8883);
        assert!(matches!(c.transport, TransportConfig::Tls(_)));
        assert!(c.transport.warning().is_some());
        assert!(matches!(
            rumqttc_transport(&c.transport),
            rumqttc::Transport::Tls(_)
        ));
        assert_eq!(
            resolve_args(&["--insecure", "-p", "1884"]).unwrap().port,
            1884
        );
        let plain = resolve_args(&[]).unwrap();
        assert!(matches!(plain.transport, TransportConfig::Tcp));
        assert_eq!(broker_address(&plain), "localhost");
    }

    #[test]
    fn websocket_url_path_is_the_http_path_not_a_topic() {
        let c = resolve_args(&["-L", "ws://u:p@h:9001"]).unwrap();
        assert_eq!(broker_address(&c), "ws://h:9001/mqtt");
        assert_eq!(c.url_topic, None);
        assert_eq!(c.credentials, Some(("u".into(), "p".into())));
        assert!(matches!(
            rumqttc_transport(&c.transport),
            rumqttc::Transport::Ws
        ));
        let c = resolve_args(&["-L", "wss://[::1]/a/b", "--insecure"]).unwrap();
        assert_eq!(broker_address(&c), "wss://[::1]:443/a/b");
        assert!(matches!(
            rumqttc_transport(&c.transport),
            rumqttc::Transport::Wss(_)
        ));
    }

    #[test]
    fn tls_flags_contradicting_the_url_or_host_are_usage_errors() {
        assert!(usage_message(&["-L", "mqtt://h", "--insecure"]).contains("use mqtts://"));
        assert!(usage_message(&["-L", "ws://h", "--insecure"]).contains("use wss://"));
        assert!(usage_message(&["-h", "bad host", "--insecure"]).contains("TLS server name"));
        assert!(usage_message(&["-L", "ws://h/a b"]).contains("WebSocket path"));
        assert!(usage_message(&["--cert", "c.pem"]).contains("--cert needs --key"));
    }

    #[test]
    fn id_prefix_appends_the_process_id() {
        let c = resolve_args(&["-I", "dev-"]).unwrap();
        assert_eq!(c.client_id, format!("dev-{}", std::process::id()));
    }

    #[test]
    fn backoff_grows_with_jitter_and_caps() {
        let mut b = Backoff::default();
        let first = b.next_delay();
        assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
        for _ in 0..20 {
            assert!(b.next_delay() <= Duration::from_secs(10));
        }
        assert_eq!(b.attempts, 21);
    }
}
