//! mqttkit: a command-line MQTT toolkit, as a library with a thin binary on top.
//!
//! # Layout
//!
//! Which module may import which, and where new work goes: `docs/architecture.md`.
//!
//! - [`cli`]: the clap derive tree only.
//! - [`cmd`]: one module per subcommand: arguments → validated configuration → subsystem.
//! - [`conn`]: connection flags → validated configuration → rumqttc client, reconnect backoff.
//! - [`bench`]: broker benchmarks (open-loop load, HDR histograms, reports).
//! - [`bridge`]: forwarding between two brokers (`bridge`): store and forward, both ways.
//! - [`broker`]: the bundled MQTT 3.1.1 and 5 broker (`broker::run(listener, config, shutdown)`).
//! - [`presence`]: device presence as `status --watch` tracks it; the offline announcement.
//! - [`record`]: recordings (NDJSON, SQLite) for `record` and `replay`.
//! - [`sim`]: simulated sensor fleets (models, payloads, scenario files, the device loop).
//! - [`top`]: the live terminal view of `mqttkit top` (state, drawing, keys, terminal).
//! - [`topic`]: topic name and filter validation and matching, `$`-rules included.
//! - [`output`]: output style, colour, the error and warning printer, `sub`'s message formats.
//! - [`error`]: the errors callers branch on and their exit codes.
//! - [`reason`]: MQTT reason codes and their names, for the clients and the broker.
//! - [`shutdown`]: the one shutdown signal (Ctrl-C or SIGTERM) of every long-running command.

pub mod bench;
pub mod bridge;
pub mod broker;
pub mod cli;
pub mod cmd;
pub mod conn;
pub mod error;
pub mod framing;
pub mod output;
pub mod presence;
pub mod reason;
pub mod record;
pub mod shutdown;
pub mod sim;
pub mod top;
pub mod topic;

/// The log level: the `-v` flags, or for `broker -c FILE` without them the file's
/// `log_type` lines.
pub fn log_verbosity(cli: &cli::Cli) -> u8 {
    let flags = cli.log_verbosity();
    match &cli.command {
        cli::Command::Broker(args) if flags == 0 => {
            cmd::broker::config_verbosity(&args.run).unwrap_or(0)
        }
        _ => flags,
    }
}

/// Runs the parsed command line; `main` prints the error and picks the exit code.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    match cli.command {
        cli::Command::Pub(args) => cmd::publish::run(args),
        cli::Command::Sub(args) => cmd::subscribe::run(args),
        cli::Command::Sim(args) => cmd::sim::run(args),
        cli::Command::Demo(args) => cmd::demo::run(args),
        cli::Command::Status(args) => cmd::status::run(args),
        cli::Command::Broker(args) => cmd::broker::run(args),
        cli::Command::Bench(args) => cmd::bench::run(args),
        cli::Command::Record(args) => cmd::record::run(args),
        cli::Command::Replay(args) => cmd::replay::run(args),
        cli::Command::Top(args) => cmd::top::run(args),
        cli::Command::Bridge(args) => cmd::bridge::run(args),
        cli::Command::Generate(args) => cmd::generate::run(args),
    }
}
