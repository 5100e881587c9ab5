//! Output style, decided once at start-up, and the few things every command prints the same way.
//!
//! Data goes to stdout; diagnostics and logs go to stderr. Colour follows `--color`, `NO_COLOR`
//! (<https://no-color.org>) and whether the stream is a terminal.

pub mod format;

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use colored::Colorize;
use tracing_subscriber::EnvFilter;

/// Whether to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Decides whether a stream gets colour.
pub fn use_color(choice: ColorChoice, is_terminal: bool, no_color_env: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color_env,
    }
}

/// While set, log lines are dropped: a full-screen view (`top`) owns the terminal.
static LOGS_MUTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Drops (`true`) or writes again (`false`) the log lines meant for stderr.
pub fn mute_logs(muted: bool) {
    LOGS_MUTED.store(muted, std::sync::atomic::Ordering::Relaxed);
}

/// stderr for the logger, or nothing while [`mute_logs`] is on.
struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if LOGS_MUTED.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(buf.len());
        }
        io::stderr().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Sets the colour override and the stderr logger; call once from `main`.
///
/// Verbosity 0 logs warnings and errors, 1 adds information (connections, subscriptions), 2
/// and more add debug detail (every packet). `MQTTKIT_LOG` (an `EnvFilter` directive) wins
/// when set.
pub fn init(choice: ColorChoice, verbosity: u8) {
    colored::control::set_override(use_color(
        choice,
        io::stdout().is_terminal(),
        no_color_env(),
    ));
    let level = match verbosity {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("MQTTKIT_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("mqttkit={level}")));
    let stderr_color = use_color(choice, io::stderr().is_terminal(), no_color_env());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LogWriter)
        .with_ansi(stderr_color)
        .with_target(false)
        .try_init();
}

/// Prints an error once, with its cause chain: `mqttkit: error: what: why`.
pub fn print_error(err: &anyhow::Error) {
    let label = "error:";
    let label = if colored::control::SHOULD_COLORIZE.should_colorize() {
        label.red().bold().to_string()
    } else {
        label.to_string()
    };
    let _ = writeln!(io::stderr(), "mqttkit: {label} {err:#}");
}

/// Prints a warning on stderr whatever the log level: `mqttkit: warning: what`.
pub fn print_warning(msg: &str) {
    let label = "warning:";
    let label = if colored::control::SHOULD_COLORIZE.should_colorize() {
        label.yellow().bold().to_string()
    } else {
        label.to_string()
    };
    let _ = writeln!(io::stderr(), "mqttkit: {label} {msg}");
}

/// Prints a status line (a summary, not data) on stderr.
pub fn print_status(line: &str) {
    let _ = writeln!(io::stderr(), "{line}");
}

/// Prints one line of data on stdout (flushed at once, so scripts reading a pipe see it).
pub fn print_line(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_colours_only_a_terminal_without_no_color() {
        assert!(use_color(ColorChoice::Auto, true, false));
        assert!(!use_color(ColorChoice::Auto, false, false));
        assert!(!use_color(ColorChoice::Auto, true, true));
        assert!(use_color(ColorChoice::Always, false, true));
        assert!(!use_color(ColorChoice::Never, true, false));
    }
}
