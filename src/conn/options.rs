//! The connection flags every connecting subcommand shares (flattened into `pub`, `sub`, …),
//! with `MQTTKIT_*` environment equivalents. Resolved by [`super::resolve`] before any socket
//! opens.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::transport::TlsOpts;

/// Parses a duration as mosquitto does (plain seconds, fractions allowed) or humantime (`500ms`,
/// `2m`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    if s.starts_with('-') {
        return Err(format!(
            "{s:?}: a duration cannot be negative (0 or more: 5, 2.5, 500ms, 1m)"
        ));
    }
    if let Ok(secs) = s.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Ok(Duration::from_secs_f64(secs));
        }
        return Err(format!("{s:?} is not a non-negative number of seconds"));
    }
    humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e} (e.g. 5, 2.5, 500ms, 1m)"))
}

/// How to reach and log in to the broker.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectOpts {
    /// Broker host.
    #[arg(short = 'h', long, env = "MQTTKIT_HOST", value_name = "HOST")]
    pub host: Option<String>,

    /// Broker port [default: 1883, or 8883 with TLS].
    #[arg(short = 'p', long, env = "MQTTKIT_PORT", value_name = "PORT",
          value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,

    /// Broker URL: mqtt://[user[:password]@]host[:port][/topic], also mqtts:// (TLS), ws:// and
    /// wss:// (WebSocket, plain or TLS; there the path is the HTTP path, default /mqtt).
    #[arg(short = 'L', long, env = "MQTTKIT_URL", value_name = "URL",
          conflicts_with_all = ["host", "port"])]
    pub url: Option<String>,

    /// MQTT protocol version: 311 (or mqttv311) or 5 (or mqttv5).
    #[arg(
        short = 'V',
        long = "protocol-version",
        default_value = "311",
        value_name = "VERSION"
    )]
    pub protocol_version: String,

    /// Client id [default: mqttkit-<command>-<pid>].
    #[arg(
        short = 'i',
        long = "id",
        value_name = "ID",
        conflicts_with = "id_prefix"
    )]
    pub id: Option<String>,

    /// Client id prefix; the process id is appended.
    #[arg(short = 'I', long = "id-prefix", value_name = "PREFIX")]
    pub id_prefix: Option<String>,

    /// Keep-alive interval in seconds (0 disables it).
    #[arg(
        short = 'k',
        long = "keepalive",
        default_value_t = 60,
        value_name = "SECONDS"
    )]
    pub keepalive: u16,

    /// Keep the session when disconnected (clean session 0); needs -i.
    #[arg(short = 'c', long = "disable-clean-session")]
    pub disable_clean_session: bool,

    /// Session expiry interval in seconds (MQTT 5).
    #[arg(short = 'x', long = "session-expiry", value_name = "SECONDS")]
    pub session_expiry: Option<u32>,

    /// How long to wait for the connection and CONNACK.
    #[arg(long, default_value = "10s", value_parser = parse_duration, value_name = "DURATION")]
    pub connect_timeout: Duration,

    /// Username.
    #[arg(short = 'u', long, env = "MQTTKIT_USERNAME", value_name = "USER")]
    pub username: Option<String>,

    /// Password; given without a value, it is asked for on the terminal. Prefer --pw-file or
    /// MQTTKIT_PASSWORD: a password on the command line shows in `ps` and shell history.
    #[arg(short = 'P', long = "pw", value_name = "PASSWORD", num_args = 0..=1,
          default_missing_value = "")]
    pub password: Option<String>,

    /// Read the password from the first line of this file (UTF-8).
    #[arg(long = "pw-file", value_name = "FILE", conflicts_with = "password")]
    pub password_file: Option<PathBuf>,

    /// Will topic, published by the broker if this client vanishes without DISCONNECT.
    #[arg(long, value_name = "TOPIC")]
    pub will_topic: Option<String>,

    /// Will payload.
    #[arg(long, value_name = "PAYLOAD", requires = "will_topic")]
    pub will_payload: Option<String>,

    /// Will QoS.
    #[arg(long, default_value_t = 0, value_name = "QOS", requires = "will_topic",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub will_qos: u8,

    /// Retain the will.
    #[arg(long, requires = "will_topic")]
    pub will_retain: bool,

    /// Give up after this many reconnection attempts (long-running commands and pub -l;
    /// default: never).
    #[arg(long, value_name = "N")]
    pub max_reconnects: Option<u32>,

    /// TLS.
    #[command(flatten)]
    pub tls: TlsOpts,
}
