//! The command-line surface: the clap derive tree and nothing else.
//!
//! These structs never reach the core: each command resolves its arguments into a validated
//! configuration first (see `cmd/`), so a bad value is reported naming its flag before any
//! socket opens.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::conn::{parse_duration, ConnectOpts};
use crate::output::ColorChoice;

/// A command-line MQTT toolkit: publish, subscribe, simulate, benchmark, and a bundled broker.
#[derive(Debug, Parser)]
#[command(
    name = "mqttkit",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// When to colour output: auto (a terminal without NO_COLOR), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Log more to stderr (-v: connections and subscriptions, -vv: every packet).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments, exiting with clap's message (code 2) when they are
    /// wrong. Unlike `Cli::parse`, a negative value (`-W -1`, `--rate -5`, `--sys-interval
    /// -1s`) reaches its flag's parser, which names the flag and the valid range, instead of
    /// being taken for an unknown flag.
    pub fn parse_args() -> Cli {
        Self::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// [`Cli::parse_args`] on the given arguments (the program name first).
    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory, FromArgMatches};
        let matches = negatives_are_values(Cli::command()).try_get_matches_from(args)?;
        Cli::from_arg_matches(&matches)
    }

    /// How much to log: the top-level `-v` count plus the subcommand's own.
    pub fn log_verbosity(&self) -> u8 {
        let own = match &self.command {
            Command::Broker(args) => args.run.verbose,
            Command::Pub(args) => args.debug,
            Command::Sub(args) => args.debug,
            Command::Sim(args) => args.verbose,
            Command::Demo(_) => 0,
            Command::Status(args) => args.debug,
            Command::Bench(_) => 0,
            Command::Record(args) => args.debug,
            Command::Replay(args) => args.debug,
            Command::Top(_) => 0,
            Command::Bridge(args) => args.debug,
            Command::Generate(_) => 0,
        };
        self.verbose.saturating_add(own)
    }
}

/// Lets every flag that takes a value take a negative number, and every DURATION flag any
/// value starting with `-`, so that their parsers can refuse it by name.
fn negatives_are_values(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|arg| {
        if !arg.get_action().takes_values() || arg.is_positional() {
            return arg;
        }
        let duration = arg
            .get_value_names()
            .is_some_and(|names| names.iter().any(|n| n == "DURATION"));
        arg.allow_negative_numbers(true)
            .allow_hyphen_values(duration)
    })
    .mut_subcommands(negatives_are_values)
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Publish messages (mosquitto_pub's flags).
    Pub(PubArgs),
    /// Subscribe and print messages (mosquitto_sub's flags and output).
    Sub(SubArgs),
    /// Simulate sensors publishing telemetry (temperature, pressure, …).
    Sim(SimArgs),
    /// Announce a device's presence (retained "online", a will of "offline"), or watch many.
    Status(StatusArgs),
    /// A broker, a small fleet and a live subscriber in one process: mqttkit in a minute.
    Demo(DemoArgs),
    /// Run the bundled broker: MQTT 3.1.1 and 5 on one port.
    Broker(BrokerArgs),
    /// Benchmark a broker: open-loop load, HDR latency percentiles, delivery checks.
    Bench(BenchArgs),
    /// Record messages losslessly to NDJSON (and/or an SQLite database) for replay.
    Record(RecordArgs),
    /// Publish a recording again, at its recorded pace (scaled by --speed) or as fast as
    /// the broker acknowledges.
    Replay(ReplayArgs),
    /// A live terminal view of a broker: topic tree, values, history, presence, $SYS.
    Top(TopArgs),
    /// Forward messages from one broker to another (or both ways), acknowledging each to
    /// the source only once the destination has it.
    Bridge(BridgeArgs),
    /// Write shell completions or the man page (used to refresh the committed copies).
    #[command(hide = true)]
    Generate(GenerateArgs),
}

/// `mqttkit pub`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct PubArgs {
    /// Topic to publish to (or the path of -L's URL).
    #[arg(short = 't', long, value_name = "TOPIC")]
    pub topic: Option<String>,

    /// Message payload.
    #[arg(short = 'm', long, value_name = "MESSAGE", group = "source")]
    pub message: Option<String>,

    /// Send the contents of a file as one message.
    #[arg(short = 'f', long, value_name = "FILE", group = "source")]
    pub file: Option<PathBuf>,

    /// Send all of stdin as one message.
    #[arg(short = 's', long = "stdin-file", group = "source")]
    pub stdin_file: bool,

    /// Send each line of stdin as a message (only the `\n` is removed; an empty line is an
    /// empty message). Reconnects after a lost connection and resends what was not
    /// acknowledged (--max-reconnects to give up).
    #[arg(short = 'l', long = "stdin-line", group = "source")]
    pub stdin_line: bool,

    /// Send an empty (zero-length) message.
    #[arg(short = 'n', long = "null-message", group = "source")]
    pub null_message: bool,

    /// Quality of service.
    #[arg(short = 'q', long, default_value_t = 0, value_name = "QOS",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// Retain the message.
    #[arg(short = 'r', long)]
    pub retain: bool,

    /// Publish the message this many times.
    #[arg(long, default_value_t = 1, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub repeat: u64,

    /// Wait this long between repeats (seconds, or e.g. 500ms).
    #[arg(long, default_value = "0", value_parser = parse_duration, value_name = "DURATION")]
    pub repeat_delay: Duration,

    /// Log the protocol exchange to stderr.
    #[arg(short = 'd', long = "debug", action = ArgAction::Count)]
    pub debug: u8,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    /// A user property KEY=VALUE (MQTT 5; repeatable).
    #[arg(long, value_name = "KEY=VALUE", help_heading = "MQTT 5 properties")]
    pub user_property: Vec<String>,

    /// The payload's content type, e.g. application/json (MQTT 5).
    #[arg(long, value_name = "TYPE", help_heading = "MQTT 5 properties")]
    pub content_type: Option<String>,

    /// Topic for a response (MQTT 5).
    #[arg(long, value_name = "TOPIC", help_heading = "MQTT 5 properties")]
    pub response_topic: Option<String>,

    /// Correlation data for a response (MQTT 5).
    #[arg(long, value_name = "DATA", help_heading = "MQTT 5 properties")]
    pub correlation_data: Option<String>,

    /// Message expiry interval: seconds, or a duration such as 5m (MQTT 5).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration,
          help_heading = "MQTT 5 properties")]
    pub message_expiry: Option<Duration>,

    /// Payload format indicator: 0 unspecified bytes, 1 UTF-8 text (MQTT 5).
    #[arg(long, value_name = "0|1", value_parser = clap::value_parser!(u8).range(0..=1),
          help_heading = "MQTT 5 properties")]
    pub payload_format_indicator: Option<u8>,

    /// A property in mosquitto_pub's form: -D publish user-property KEY VALUE, or
    /// -D publish NAME VALUE for content-type, response-topic, correlation-data,
    /// message-expiry-interval and payload-format-indicator (repeatable).
    #[arg(short = 'D', long = "property", num_args = 3..=4, action = ArgAction::Append,
          value_names = ["COMMAND", "NAME", "VALUE"], help_heading = "MQTT 5 properties")]
    pub property: Vec<String>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// `mqttkit sim`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct SimArgs {
    /// Number of devices, named PREFIX1, PREFIX2, … [default: 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub devices: Option<u32>,

    /// Device name prefix; the device's number follows it.
    #[arg(long, default_value = "dev-", value_name = "PREFIX")]
    pub device_prefix: String,

    /// A sensor per device: KIND[:INTERVAL[:MIN..MAX]] (repeatable). Kinds: temperature (3s,
    /// 20..30 C), pressure (500ms, 990..1020 hPa), humidity, battery, co2, generic; any other
    /// name with a range is a generic sensor [default: temperature and pressure].
    #[arg(long, value_name = "SPEC")]
    pub sensor: Vec<String>,

    /// Topic template: {device}, {sensor}, {i} (device number).
    #[arg(long, value_name = "TEMPLATE")]
    pub topic: Option<String>,

    /// Payload: json, plain (just the number), or a template with {device} {i} {sensor}
    /// {value} {unit} {ts} {seq} [default: json].
    #[arg(long, value_name = "FORMAT")]
    pub payload: Option<String>,

    /// Value model: walk (a bounded random walk with noise) or uniform [default: walk].
    #[arg(long, value_enum, value_name = "MODEL")]
    pub model: Option<crate::sim::ModelKind>,

    /// Seed for every value, so a run can be reproduced [default: random, printed with -v].
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// QoS of the readings [default: 0].
    #[arg(short = 'q', long, value_name = "QOS", value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: Option<u8>,

    /// Retain the readings.
    #[arg(short = 'r', long)]
    pub retain: bool,

    /// Stop after this many readings per sensor.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Stop after this long (e.g. 30s, 5m).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub duration: Option<Duration>,

    /// Each device carries its presence: a will of "offline" and a retained "online" on
    /// --status-topic.
    #[arg(long)]
    pub status: bool,

    /// Presence topic template: {device}, {i}.
    #[arg(
        long,
        default_value = "devices/{device}/status",
        value_name = "TEMPLATE"
    )]
    pub status_topic: String,

    /// A fleet in a TOML file (see docs/sim.md); flags given as well override its settings.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["devices", "sensor"])]
    pub scenario: Option<PathBuf>,

    /// Readings each device keeps while the broker is unreachable; beyond it the oldest are
    /// dropped and counted.
    #[arg(long, default_value_t = 10_000, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub buffer: u64,

    /// Print each reading as a JSON line on stdout instead of the live status line.
    #[arg(long)]
    pub json: bool,

    /// Log more to stderr (-v: connections, -vv: packets).
    #[arg(short = 'v', long = "verbose", action = ArgAction::Count)]
    pub verbose: u8,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// The state `status --watch --expect` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpectState {
    /// Every watched device online.
    Online,
    /// Every watched device offline.
    Offline,
}

/// `mqttkit status`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct StatusArgs {
    /// The device's status topic: its will says "offline" there, and it keeps a retained
    /// "online" there while connected.
    #[arg(short = 't', long, value_name = "TOPIC", conflicts_with = "watch")]
    pub topic: Option<String>,

    /// Heartbeat: publish "online" again this often.
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    pub interval: Duration,

    /// The "online" payload.
    #[arg(long, default_value = "online", value_name = "TEXT")]
    pub online: String,

    /// The "offline" payload (will and clean stop).
    #[arg(long, default_value = "offline", value_name = "TEXT")]
    pub offline: String,

    /// With -t: JSON payloads {"status","ts","uptime_s"} (the will's ts is the connect time).
    /// With --watch: one JSON object per change.
    #[arg(long)]
    pub json: bool,

    /// Watch the devices whose status topics match this filter (e.g. 'devices/+/status'):
    /// a live table on a terminal, a line per change otherwise.
    #[arg(long, value_name = "FILTER")]
    pub watch: Option<String>,

    /// With --watch: exit 0 once every known device is in this state (and at least
    /// --expect-count are known); with --timeout, exit 27 if that does not happen in time.
    #[arg(long, value_enum, value_name = "STATE", requires = "watch")]
    pub expect: Option<ExpectState>,

    /// With --expect: how many devices must be known.
    #[arg(long, default_value_t = 1, value_name = "N", requires = "expect")]
    pub expect_count: usize,

    /// With --watch: give up after this long (exit 27, "Timed out").
    #[arg(long, value_parser = parse_duration, value_name = "DURATION", requires = "watch")]
    pub timeout: Option<Duration>,

    /// Log the protocol exchange to stderr.
    #[arg(short = 'd', long = "debug", action = ArgAction::Count)]
    pub debug: u8,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// `mqttkit top`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct TopArgs {
    /// Topic filter to watch (repeatable) [default: #]; $SYS/# is always added for the
    /// broker panel.
    #[arg(short = 't', long, value_name = "FILTER")]
    pub topic: Vec<String>,

    /// The subscriptions' QoS.
    #[arg(short = 'q', long, default_value_t = 0, value_name = "QOS",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// Messages kept per topic (for the detail pane and the sparkline).
    #[arg(long, default_value_t = 50, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub history: u32,

    /// Presence as `status --watch FILTER` sees it (e.g. 'devices/+/status'), instead of
    /// any …/status topic saying online or offline.
    #[arg(long, value_name = "FILTER")]
    pub presence: Option<String>,

    /// Frames drawn per second at most.
    #[arg(long, default_value_t = 10, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=60))]
    pub fps: u32,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// `mqttkit demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Port for the demo broker on 127.0.0.1; when it is taken, a free port is used instead.
    #[arg(short = 'p', long, default_value_t = 1883, value_name = "PORT")]
    pub port: u16,

    /// Number of simulated devices.
    #[arg(long, default_value_t = 3, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub devices: u32,

    /// Stop after this long (default: until Ctrl-C, or q in top).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub duration: Option<Duration>,

    /// Print a scrolling log of the messages instead of opening `top` (what the demo does
    /// anyway when stdout is not a terminal).
    #[arg(long)]
    pub plain: bool,
}

/// `mqttkit sub`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct SubArgs {
    /// Topic filter to subscribe to (repeatable).
    #[arg(short = 't', long, value_name = "FILTER")]
    pub topic: Vec<String>,

    /// Do not print messages whose topic matches this filter (repeatable).
    #[arg(short = 'T', long = "filter-out", value_name = "FILTER")]
    pub filter_out: Vec<String>,

    /// Unsubscribe from this filter after connecting (repeatable; with -c, cleans a
    /// persistent session).
    #[arg(short = 'U', long = "unsubscribe", value_name = "FILTER")]
    pub unsubscribe: Vec<String>,

    /// Requested QoS.
    #[arg(short = 'q', long, default_value_t = 0, value_name = "QOS",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// Exit after this many messages (those that pass -T and -R).
    #[arg(short = 'C', long = "count", value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms).
    #[arg(short = 'W', long = "timeout", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,

    /// Exit right after the subscriptions are acknowledged.
    #[arg(short = 'E', long = "exit-after-subscribe")]
    pub exit_after_subscribe: bool,

    /// Ignore retained (stale) messages.
    #[arg(short = 'R', long = "no-retained")]
    pub no_retained: bool,

    /// Print only retained messages; exit at the first message that is not retained.
    #[arg(long, conflicts_with = "no_retained")]
    pub retained_only: bool,

    /// Clear each retained message received by publishing an empty retained message to its
    /// topic.
    #[arg(long)]
    pub remove_retained: bool,

    /// Print `topic payload` instead of the payload alone.
    #[arg(short = 'v', long, conflicts_with_all = ["format", "json"])]
    pub verbose: bool,

    /// Do not print a newline after each message.
    #[arg(short = 'N', long = "no-eol")]
    pub no_eol: bool,

    /// Print each message with this template (mosquitto_sub's -F specifiers).
    #[arg(short = 'F', long, value_name = "FORMAT", conflicts_with = "json")]
    pub format: Option<String>,

    /// Print each message as one JSON object per line.
    #[arg(long)]
    pub json: bool,

    /// Print the JSON of -F's %j and %J indented over several lines (as mosquitto_sub); --json
    /// stays one object per line.
    #[arg(long, conflicts_with = "json")]
    pub pretty: bool,

    /// Log the protocol exchange to stderr.
    #[arg(short = 'd', long = "debug", action = ArgAction::Count)]
    pub debug: u8,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// `mqttkit record`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct RecordArgs {
    /// Topic filter to subscribe to (repeatable).
    #[arg(short = 't', long, value_name = "FILTER")]
    pub topic: Vec<String>,

    /// Write the NDJSON recording to this file (truncated) instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also (or, without -o, only) write the messages into this SQLite database, table
    /// `messages` (created if missing, appended to otherwise).
    #[arg(long, value_name = "FILE.sqlite")]
    pub db: Option<PathBuf>,

    /// The subscriptions' QoS (2: every message is recorded at the QoS it was published
    /// with).
    #[arg(short = 'q', long, default_value_t = 2, value_name = "QOS",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// Exit after this many messages.
    #[arg(short = 'C', long = "count", value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Exit with code 27 if -C is not reached within this time (seconds, or e.g. 1500ms).
    #[arg(short = 'W', long = "timeout", value_parser = parse_duration, value_name = "DURATION")]
    pub timeout: Option<Duration>,

    /// Stop (successfully) after recording for this long.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub duration: Option<Duration>,

    /// Log the protocol exchange to stderr.
    #[arg(short = 'd', long = "debug", action = ArgAction::Count)]
    pub debug: u8,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// `mqttkit replay`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct ReplayArgs {
    /// The recording: an NDJSON file (record's or sub --json's), an SQLite database of
    /// record --db, or - for NDJSON on stdin.
    #[arg(value_name = "FILE|-")]
    pub file: String,

    /// Pace: a factor of the recorded gaps (2x, 0.5x) or max (as fast as the broker
    /// acknowledges).
    #[arg(long, default_value = "1x", value_name = "FACTORx|max")]
    pub speed: String,

    /// Play the recording this many times, or forever.
    #[arg(long = "loop", default_value = "1", value_name = "N|forever")]
    pub loops: String,

    /// Replay only messages whose recorded topic matches this filter (repeatable).
    #[arg(short = 't', long, value_name = "FILTER")]
    pub topic: Vec<String>,

    /// Publish a topic starting with FROM with TO instead (repeatable; the first match
    /// applies).
    #[arg(long, value_name = "FROM=TO")]
    pub remap: Vec<String>,

    /// keep: publish with the recorded retain flag; drop: never retain.
    #[arg(long, value_enum, default_value_t = RetainMode::Keep, value_name = "keep|drop")]
    pub retain: RetainMode,

    /// Go on past an entry that is not a valid record (counted as failed), instead of
    /// stopping with its line number.
    #[arg(long)]
    pub skip_bad: bool,

    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,

    /// Log the protocol exchange to stderr.
    #[arg(short = 'd', long = "debug", action = ArgAction::Count)]
    pub debug: u8,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// `replay --retain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RetainMode {
    /// The message's own retain flag (for replay: as recorded).
    Keep,
    /// Never retain.
    Drop,
}

/// The connection flags of one side of a bridge, named after the side (`--from-user`,
/// `--to-cafile`, …); everything else about the connection comes from the URL.
macro_rules! bridge_side {
    ($name:ident, $side:literal, $heading:literal) => {
        #[doc = concat!("`bridge`'s connection to the --", $side, " broker.")]
        #[derive(Debug, Clone, Args)]
        pub struct $name {
            /// The broker: mqtt://[user[:password]@]host[:port], mqtts:// (TLS), ws://, wss://.
            #[arg(long = $side, id = concat!($side, "_url"), value_name = "URL",
                          help_heading = $heading)]
            pub url: Option<String>,

            /// MQTT protocol version on this side: 311 or 5.
            #[arg(long = concat!($side, "-version"), id = concat!($side, "_version"),
                          default_value = "311", value_name = "VERSION", help_heading = $heading)]
            pub version: String,

            /// Client id on this side [default: NAME-<side>, see --name].
            #[arg(long = concat!($side, "-id"), id = concat!($side, "_id"), value_name = "ID",
                          help_heading = $heading)]
            pub id: Option<String>,

            /// Username (or in the URL).
            #[arg(long = concat!($side, "-user"), id = concat!($side, "_user"),
                          value_name = "USER", help_heading = $heading)]
            pub user: Option<String>,

            /// Read the password from the first line of this file (or give it in the URL).
            #[arg(long = concat!($side, "-pw-file"), id = concat!($side, "_pw_file"),
                          value_name = "FILE", help_heading = $heading)]
            pub pw_file: Option<PathBuf>,

            /// Trust the CA certificates in this PEM file; turns TLS on.
            #[arg(long = concat!($side, "-cafile"), id = concat!($side, "_cafile"),
                          value_name = "FILE", help_heading = $heading)]
            pub cafile: Option<PathBuf>,

            /// Trust every PEM CA certificate in this directory; turns TLS on.
            #[arg(long = concat!($side, "-capath"), id = concat!($side, "_capath"),
                          value_name = "DIR", help_heading = $heading)]
            pub capath: Option<PathBuf>,

            /// Client certificate chain (PEM); needs the matching -key flag.
            #[arg(long = concat!($side, "-cert"), id = concat!($side, "_cert"),
                          value_name = "FILE", help_heading = $heading)]
            pub cert: Option<PathBuf>,

            /// Private key (PEM) of the -cert flag.
            #[arg(long = concat!($side, "-key"), id = concat!($side, "_key"),
                          value_name = "FILE", help_heading = $heading)]
            pub key: Option<PathBuf>,

            /// Do not verify this broker's certificate (testing only); turns TLS on.
            #[arg(long = concat!($side, "-insecure"), id = concat!($side, "_insecure"),
                          help_heading = $heading)]
            pub insecure: bool,
        }
    };
}

bridge_side!(BridgeFrom, "from", "Source (--from)");
bridge_side!(BridgeTo, "to", "Destination (--to)");

/// `mqttkit bridge`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true)]
pub struct BridgeArgs {
    /// Forward messages matching this filter (repeatable).
    #[arg(short = 't', long, value_name = "FILTER")]
    pub topic: Vec<String>,

    /// Forward a topic starting with FROM with TO instead (repeatable; the first match
    /// applies). With --both, the other direction maps TO back to FROM.
    #[arg(long, value_name = "FROM=TO")]
    pub remap: Vec<String>,

    /// The highest QoS forwarded: a message goes on at the lower of its own QoS and this
    /// (2: see docs/bridge.md for what rumqttc does with QoS 2 after a restart).
    #[arg(short = 'q', long = "max-qos", default_value_t = 1, value_name = "QOS",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub max_qos: u8,

    /// keep: forward the retain flag; drop: never retain on the destination.
    #[arg(long, value_enum, default_value_t = RetainMode::Keep, value_name = "keep|drop")]
    pub retain: RetainMode,

    /// Forward both ways: the --to broker's messages matching the (remapped) filters go to
    /// the --from broker too. Needs MQTT 5 on both sides (No Local keeps a message from
    /// coming back).
    #[arg(long)]
    pub both: bool,

    /// The bridge's name: the client ids are NAME-from and NAME-to, and a persistent
    /// session is found again by them after a restart.
    #[arg(long, default_value = "mqttkit-bridge", value_name = "NAME")]
    pub name: String,

    /// Messages held between the two sides, at most (QoS 0 messages beyond it are dropped;
    /// QoS 1/2 wait unacknowledged at the source broker).
    #[arg(long, default_value_t = 1000, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=65535))]
    pub queue: u32,

    /// On Ctrl-C or SIGTERM, wait at most this long for what is in flight to be acknowledged.
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub drain_timeout: Duration,

    /// Print the counters to stderr every --stats-interval.
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,

    /// How often -v and --json report the counters.
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub stats_interval: Duration,

    /// Events (connections, counters, the summary) as JSON lines on stdout.
    #[arg(long)]
    pub json: bool,

    /// Keep-alive interval in seconds on both sides.
    #[arg(
        short = 'k',
        long = "keepalive",
        default_value_t = 60,
        value_name = "SECONDS"
    )]
    pub keepalive: u16,

    /// How long to wait for each connection and its CONNACK.
    #[arg(long, default_value = "10s", value_parser = parse_duration, value_name = "DURATION")]
    pub connect_timeout: Duration,

    /// Give up after this many reconnection attempts on one side (default: never).
    #[arg(long, value_name = "N")]
    pub max_reconnects: Option<u32>,

    /// Log the protocol exchange to stderr.
    #[arg(short = 'd', long = "debug", action = ArgAction::Count)]
    pub debug: u8,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    #[command(flatten)]
    pub from: BridgeFrom,

    #[command(flatten)]
    pub to: BridgeTo,
}

/// `mqttkit bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub mode: BenchMode,
}

/// The modes of `mqttkit bench`.
#[derive(Debug, Subcommand)]
pub enum BenchMode {
    /// Publishers and subscribers in one run: end-to-end latency and delivery checks.
    Pubsub(BenchLoadArgs),
    /// Publishers only: publish rate, and publish→ack latency at QoS 1/2.
    Pub(BenchLoadArgs),
    /// Subscribers only: the receive rate of messages published by something else.
    Sub(BenchSubArgs),
    /// Connections: connect rate, CONNACK latency, memory while holding them.
    Conn(BenchConnArgs),
    /// Combine JSON reports of runs made at the same time (e.g. from several machines).
    Merge(BenchMergeArgs),
}

/// `mqttkit bench sub`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true,
          mut_arg("disable_clean_session", |a| a.short(None).hide(true)))]
pub struct BenchSubArgs {
    /// Subscribing clients, each subscribed to the filter.
    #[arg(short = 'c', long, default_value_t = 1, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub clients: u32,

    /// Topic filter to subscribe to.
    #[arg(short = 't', long, default_value = "bench/#", value_name = "FILTER")]
    pub topic: String,

    /// Requested QoS.
    #[arg(short = 'q', long, default_value_t = 0, value_name = "QOS",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// Stop after this many messages received by all subscribers together.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Stop after this long [default: 10s unless --count is given].
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub duration: Option<Duration>,

    /// New connections per second while connecting [default: all at once].
    #[arg(long, value_name = "RATE")]
    pub connect_rate: Option<f64>,

    #[command(flatten)]
    pub client: BenchClientArgs,

    #[command(flatten)]
    pub report: BenchReportArgs,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// How bench clients identify themselves and where they connect from: shared by every bench
/// mode that connects.
#[derive(Debug, Args)]
pub struct BenchClientArgs {
    /// Client id prefix; the role and index follow (pub-0, sub-0, conn-0)
    /// [default: mqttkit-bench-PID-].
    #[arg(long, value_name = "PREFIX")]
    pub client_prefix: Option<String>,

    /// Local source addresses, comma-separated, used by the clients in turn: each address
    /// has its own ~28k ephemeral ports towards one broker.
    #[arg(long, value_name = "ADDR,...", value_delimiter = ',')]
    pub ifaddr: Vec<IpAddr>,

    /// Threads running the clients: 1 (the default) is the cheapest per message and leaves
    /// the other cores to a broker on the same machine.
    #[arg(long, default_value_t = 1, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: u16,
}

/// How a benchmark reports: shared by every bench mode that runs a load.
#[derive(Debug, Args)]
pub struct BenchReportArgs {
    /// Write the report as one JSON document on stdout (schema: docs/bench.md).
    #[arg(long)]
    pub json: bool,

    /// No progress lines on stderr.
    #[arg(long)]
    pub quiet: bool,
}

/// `mqttkit bench conn`.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true,
          mut_arg("disable_clean_session", |a| a.short(None).hide(true)))]
pub struct BenchConnArgs {
    /// Connections to open (raise `ulimit -n` for thousands).
    #[arg(short = 'c', long, default_value_t = 100, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub clients: u32,

    /// New connections per second.
    #[arg(long, default_value_t = 100.0, value_name = "RATE")]
    pub connect_rate: f64,

    /// How long to hold the connections once all are open.
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub duration: Duration,

    #[command(flatten)]
    pub client: BenchClientArgs,

    #[command(flatten)]
    pub report: BenchReportArgs,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// The load of `bench pubsub` and `bench pub`. `-c` is the client count here, as in other
/// benchmark tools: a benchmark's clients keep no persistent session.
#[derive(Debug, Args)]
#[command(disable_help_flag = true, disable_version_flag = true,
          mut_arg("disable_clean_session", |a| a.short(None).hide(true)))]
pub struct BenchLoadArgs {
    /// Publishing clients.
    #[arg(short = 'c', long, default_value_t = 1, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub clients: u32,

    /// Subscribing clients, each subscribed to every publisher's topic [pubsub default: 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100_000))]
    pub subscribers: Option<u32>,

    /// Messages per second in total, shared evenly by the publishers (open loop: each message
    /// has its intended send time).
    #[arg(long, default_value_t = 1000.0, value_name = "RATE")]
    pub rate: f64,

    /// Time between two messages of each publisher, instead of --rate (the total rate is
    /// then clients / interval).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION",
          conflicts_with = "rate")]
    pub interval: Option<Duration>,

    /// Messages in total (warm-up included), shared by the publishers.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Measured time after the warm-up, e.g. 10s [default: 10s unless --count is given].
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub duration: Option<Duration>,

    /// Time before the measurement, excluded from every figure.
    #[arg(long, default_value = "0s", value_parser = parse_duration, value_name = "DURATION")]
    pub warmup: Duration,

    /// Payload bytes; at least the 24-byte header (publisher, sequence, send time).
    #[arg(long, default_value_t = 64, value_name = "BYTES")]
    pub size: u64,

    /// QoS of publishes and subscriptions.
    #[arg(short = 'q', long, default_value_t = 0, value_name = "QOS",
          value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,

    /// Topic template: %i the publisher's index (from 0), %c its client id, %h this
    /// machine's host name, %% a percent sign.
    #[arg(short = 't', long, default_value = "bench/%i", value_name = "TEMPLATE")]
    pub topic: String,

    /// Publish with the retain flag (the broker keeps the last message of every topic).
    #[arg(short = 'r', long)]
    pub retain: bool,

    /// Unacknowledged QoS 1/2 messages per publisher (an MQTT 5 broker's Receive Maximum
    /// lowers it).
    #[arg(long, default_value_t = 100, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=65_000))]
    pub inflight: u16,

    /// New connections per second while connecting [default: all at once].
    #[arg(long, value_name = "RATE")]
    pub connect_rate: Option<f64>,

    /// The shortest time between two wake-ups of a publisher: messages due in between go out
    /// together at the next one, and their latency counts the wait. 0 sends every message at
    /// its own time, at the CPU cost of one timer per message [default: 0 up to 2,000
    /// messages/s in total, else publishers / 2,000 s, so that the run wakes ~2,000 times a
    /// second].
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub tick: Option<Duration>,

    #[command(flatten)]
    pub client: BenchClientArgs,

    #[command(flatten)]
    pub report: BenchReportArgs,

    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,

    // Last: ConnectOpts' help heading applies to every flag after it.
    #[command(flatten)]
    pub conn: ConnectOpts,
}

/// `mqttkit bench merge`.
#[derive(Debug, Args)]
pub struct BenchMergeArgs {
    /// JSON reports written by `bench … --json`.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    /// Write the combined report as JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
}

/// `mqttkit broker`: run the broker, or manage its password file.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BrokerArgs {
    #[command(subcommand)]
    pub action: Option<BrokerAction>,

    #[command(flatten)]
    pub run: BrokerRunArgs,
}

/// Actions of `mqttkit broker` other than running it.
#[derive(Debug, Subcommand)]
pub enum BrokerAction {
    /// Add or update a user in a password file (mosquitto_passwd's format). The password is
    /// read from a prompt on a terminal, else from the first line of stdin.
    Passwd(PasswdArgs),
}

/// `mqttkit broker passwd FILE USER`.
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// The password file; created when missing.
    pub file: PathBuf,
    /// The user to add, update or delete.
    pub username: String,
    /// Delete the user instead of setting a password.
    #[arg(short = 'D', long)]
    pub delete: bool,
}

/// How to run the broker.
#[derive(Debug, Args)]
pub struct BrokerRunArgs {
    /// Read mosquitto's configuration file (listeners, TLS, authentication, ACLs, limits;
    /// see docs/broker.md). Flags given as well override its settings; the listener flags
    /// cannot be combined with it.
    #[arg(short = 'c', long = "config-file", value_name = "FILE",
          conflicts_with_all = ["bind", "port", "tls_port", "ws_port", "wss_port", "cert", "key",
                                "cafile", "require_certificate", "use_identity_as_username"])]
    pub config_file: Option<PathBuf>,

    /// With -c: a directive the broker does not implement is a warning, not an error.
    #[arg(long, requires = "config_file")]
    pub lenient: bool,

    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: IpAddr,

    /// Port to listen on; 0 takes a free one (the bound address is printed on stdout).
    #[arg(short = 'p', long, default_value_t = 1883)]
    pub port: u16,

    /// Log more to stderr (-v: connections and subscriptions, -vv: every packet).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Also listen for MQTT over TLS on this port (0 takes a free one); needs --cert and --key.
    #[arg(long, value_name = "PORT", help_heading = "Listeners")]
    pub tls_port: Option<u16>,

    /// Also listen for MQTT over WebSocket on this port, any path (0 takes a free one).
    #[arg(long, value_name = "PORT", help_heading = "Listeners")]
    pub ws_port: Option<u16>,

    /// Also listen for MQTT over WebSocket over TLS on this port (0 takes a free one); needs
    /// --cert and --key.
    #[arg(long, value_name = "PORT", help_heading = "Listeners")]
    pub wss_port: Option<u16>,

    /// The TLS listeners' certificate chain (PEM).
    #[arg(long, value_name = "FILE", help_heading = "Listeners")]
    pub cert: Option<PathBuf>,

    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert.
    #[arg(long, value_name = "FILE", help_heading = "Listeners")]
    pub key: Option<PathBuf>,

    /// CA certificates (PEM) that client certificates on the TLS listeners must chain to; a
    /// client may still come without one unless --require-certificate.
    #[arg(long, value_name = "FILE", help_heading = "Listeners")]
    pub cafile: Option<PathBuf>,

    /// Refuse TLS clients without a certificate signed by --cafile.
    #[arg(long, help_heading = "Listeners")]
    pub require_certificate: bool,

    /// On the TLS listeners, the client certificate's Common Name is the username (and the
    /// certificate the credential: no password is checked); needs --cafile.
    #[arg(long, help_heading = "Listeners")]
    pub use_identity_as_username: bool,

    /// Accept clients that send no username [default: true; with -c, false, as mosquitto].
    #[arg(long, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub allow_anonymous: Option<bool>,

    /// Users and password hashes in mosquitto_passwd's format (`user:$7$…`). SIGHUP reads it
    /// again.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Access control list in mosquitto's acl_file format (`user`, `topic [read|write|
    /// readwrite|deny] FILTER`, `pattern` with %c and %u). SIGHUP reads it again.
    #[arg(long, value_name = "FILE")]
    pub acl_file: Option<PathBuf>,

    /// Largest packet accepted from a client, in bytes (announced to MQTT 5 clients); a
    /// larger one closes that connection (MQTT 5: DISCONNECT 0x95) [default: 268435455].
    #[arg(long, value_name = "BYTES",
          value_parser = clap::value_parser!(u32).range(2..=268_435_455))]
    pub max_packet_size: Option<u32>,

    /// Most clients connected at once; further ones are refused with CONNACK "quota
    /// exceeded" (MQTT 5 0x97, 3.1.1 return code 3) (0: no limit) [default: 0].
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,

    /// Largest keep-alive an MQTT 5 client gets, in seconds: one asking for more, or for
    /// none, is told this one in CONNACK (Server Keep Alive). 3.1.1 clients keep theirs
    /// (0: no cap) [default: 60].
    #[arg(long, value_name = "SECONDS")]
    pub max_keepalive: Option<u16>,

    /// Receive Maximum announced to MQTT 5 clients: QoS 2 messages a client may have
    /// unreleased at once; one more is answered with DISCONNECT 0x93.
    #[arg(long, default_value_t = 20, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..))]
    pub receive_maximum: u16,

    /// Topic Alias Maximum announced to MQTT 5 clients (0: no topic aliases from clients).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub topic_alias_maximum: u16,

    /// QoS 1/2 messages in flight to one client before further ones wait in its queue
    /// [default: 20].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_inflight: Option<u16>,

    /// Messages queued per client (online behind the in-flight window, or offline with a
    /// persistent session); when full the oldest is dropped, counted and logged
    /// [default: 1000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_queued: Option<u32>,

    /// Flow control: while a connected subscriber's queue is over half of --max-queued, the
    /// broker stops reading from the clients publishing to it, until it is down to a quarter;
    /// a subscriber that holds them back longer than this is treated as stuck (its oldest
    /// messages are dropped when its queue is full, counted) and no longer slows anyone
    /// down. 0 turns flow control off [default: 5s].
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub slow_consumer_timeout: Option<Duration>,

    /// How often to publish the `$SYS/broker/…` counters (0 turns them off) [default: 10s].
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub sys_interval: Option<Duration>,

    /// Keep sessions, subscriptions, queued and in-flight QoS 1/2 messages, QoS 2 state,
    /// retained messages and delayed wills in DIR/mqttkit.db across restarts (mosquitto's
    /// `persistence true` with `persistence_location DIR`).
    #[arg(long, value_name = "DIR", help_heading = "Persistence")]
    pub persistence: Option<PathBuf>,

    /// Acknowledge a QoS 1/2 PUBLISH or a SUBSCRIBE only once the store has synced it to
    /// disk: nothing acknowledged is lost even to `kill -9` or a power cut, at a cost in
    /// throughput (docs/performance.md).
    #[arg(long, help_heading = "Persistence")]
    pub persistence_sync: bool,

    /// Without --persistence-sync: how often changes are committed to the store; `kill -9`
    /// loses at most this much (mosquitto's `autosave_interval`) [default: 1s].
    #[arg(long, value_parser = parse_duration, value_name = "DURATION", help_heading = "Persistence")]
    pub autosave_interval: Option<Duration>,

    /// Fault injection: close every client's connection after it has sent N packets
    /// (CONNECT included), without a will being suppressed.
    #[arg(
        long,
        value_name = "N",
        help_heading = "Fault injection (for testing clients)"
    )]
    pub fault_drop_after: Option<u64>,

    /// Fault injection: refuse every CONNECT with this code: a 3.1.1 return code (1-5) or
    /// an MQTT 5 CONNACK reason code (128-159, or 0x80-0x9f), each translated for clients of
    /// the other version.
    #[arg(long, value_name = "CODE", help_heading = "Fault injection (for testing clients)",
          value_parser = crate::reason::parse_connack_refusal)]
    pub fault_refuse_connect: Option<u8>,

    /// Fault injection: answer SUBSCRIBE with the failure code 0x80 for every filter that
    /// this filter matches (e.g. `private/#`).
    #[arg(long, value_name = "FILTER", help_heading = "Fault injection (for testing clients)",
          value_parser = parse_filter)]
    pub fault_refuse_subscribe: Option<String>,
}

fn parse_filter(filter: &str) -> Result<String, String> {
    crate::topic::validate_filter(filter)
        .map(|()| filter.to_owned())
        .map_err(|e| e.to_string())
}

/// `mqttkit generate …` (hidden).
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: GenerateWhat,
}

/// What `mqttkit generate` writes.
#[derive(Debug, Subcommand)]
pub enum GenerateWhat {
    /// Shell completions for bash, zsh, fish, elvish and PowerShell.
    Completions {
        /// Directory to write them into.
        dir: PathBuf,
    },
    /// The man page `mqttkit.1`.
    Man {
        /// Directory to write it into.
        dir: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn verbosity_adds_top_level_and_broker_flags() {
        let cli = Cli::try_parse_from(["mqttkit", "-v", "broker", "-vv"]).unwrap();
        assert_eq!(cli.log_verbosity(), 3);
    }
}
