//! `mqttkit top`: flags → a [`TopConfig`] → [`top::run`], refused (exit 2) where there is
//! no terminal to draw on.

use std::io::IsTerminal;

use anyhow::Result;

use crate::cli::TopArgs;
use crate::conn;
use crate::error::usage;
use crate::top::{self, TopConfig};
use crate::topic;

/// Why `top` cannot run here, if it cannot: stdout is not a terminal, or `TERM` is `dumb`.
pub fn no_terminal(stdout_is_terminal: bool, term: Option<&str>) -> Option<&'static str> {
    if !stdout_is_terminal {
        Some("stdout is not a terminal")
    } else if term == Some("dumb") {
        Some("TERM is dumb")
    } else {
        None
    }
}

/// Checks that `top` can draw, as a usage error pointing to `sub --json` otherwise.
pub fn check_terminal() -> Result<()> {
    let term = std::env::var("TERM").ok();
    match no_terminal(std::io::stdout().is_terminal(), term.as_deref()) {
        Some(why) => Err(usage(format!(
            "top draws a full-screen view and needs a terminal ({why}); \
             for a stream of messages use: mqttkit sub -t '#' --json"
        ))),
        None => Ok(()),
    }
}

/// Runs `mqttkit top`.
pub fn run(args: TopArgs) -> Result<()> {
    let conn = conn::resolve(&args.conn, "top")?;
    let mut filters = args.topic;
    if filters.is_empty() {
        filters.extend(conn.url_topic.clone());
    }
    if filters.is_empty() {
        filters.push("#".into());
    }
    for f in &filters {
        topic::validate_filter(f).map_err(|e| usage(format!("-t {f:?}: {e}")))?;
    }
    if let Some(f) = &args.presence {
        topic::validate_filter(f).map_err(|e| usage(format!("--presence {f:?}: {e}")))?;
    }
    check_terminal()?;
    if let Some(warning) = conn.warning() {
        crate::output::print_warning(warning);
    }
    top::run(TopConfig {
        conn,
        filters,
        qos: conn::qos(args.qos),
        history: args.history as usize,
        presence: args.presence,
        fps: args.fps,
        color: colored::control::SHOULD_COLORIZE.should_colorize(),
        hint: None,
    })
}

#[cfg(test)]
mod tests {
    use super::no_terminal;

    #[test]
    fn a_pipe_or_a_dumb_terminal_is_no_terminal() {
        assert!(no_terminal(false, Some("xterm")).is_some());
        assert!(no_terminal(true, Some("dumb")).is_some());
        assert_eq!(no_terminal(true, Some("xterm-256color")), None);
        assert_eq!(no_terminal(true, None), None);
    }
}
