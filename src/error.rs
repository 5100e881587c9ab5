//! The errors callers branch on, and the exit code each one maps to.
//!
//! Everything else travels as an `anyhow::Error` with context; `main` asks [`exit_code`] which
//! code to leave with, so the mapping lives in exactly one place (documented in
//! `docs/exit-codes.md`).

use std::io;

/// Exit code of a successful run.
pub const EXIT_OK: u8 = 0;
/// Exit code of a runtime failure (I/O, unreachable broker, protocol error).
pub const EXIT_RUNTIME: u8 = 1;
/// Exit code of a usage error: a bad flag, value or combination (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code when the broker refused a request: a subscription (SUBACK failure) or a
/// publish (MQTT 5 PUBACK/PUBREC with a failure reason).
pub const EXIT_REQUEST_REFUSED: u8 = 26;
/// Exit code when a wait ran out of time (as mosquitto_sub `-W`).
pub const EXIT_TIMEOUT: u8 = 27;

/// A failure with its own exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag, value or combination that cannot work; found before any socket opens.
    #[error("{0}")]
    Usage(String),
    /// The broker refused the connection; the exit code is its CONNACK return code, as
    /// mosquitto's clients do.
    #[error("connection refused: {reason} (CONNACK {code})")]
    Refused { code: u8, reason: String },
    /// A wait ran out of time.
    #[error("{0}")]
    Timeout(String),
    /// The broker refused a subscription or a publish.
    #[error("{0}")]
    RequestRefused(String),
}

/// A usage error (exit code 2) with this message.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    Error::Usage(msg.into()).into()
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => EXIT_USAGE,
            Error::Refused { code, .. } => *code,
            Error::Timeout(_) => EXIT_TIMEOUT,
            Error::RequestRefused(_) => EXIT_REQUEST_REFUSED,
        }
    }
}

/// Picks the exit code for an error: the first [`Error`] in its cause chain decides, anything
/// else is a runtime failure.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Error>())
        .map_or(EXIT_RUNTIME, Error::exit_code)
}

/// True when the error comes from writing to a closed pipe (e.g. `mqttkit … | head -1`), which
/// is not a failure of ours and exits 0 quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn usage_error_deep_in_chain_maps_to_exit_2() {
        let err = Err::<(), _>(Error::Usage("bad".into()))
            .context("while resolving options")
            .unwrap_err();
        assert_eq!(exit_code(&err), EXIT_USAGE);
    }

    #[test]
    fn other_errors_map_to_runtime_failure() {
        let err = anyhow::anyhow!("connection reset");
        assert_eq!(exit_code(&err), EXIT_RUNTIME);
    }

    #[test]
    fn broken_pipe_is_recognised_through_context() {
        let err = Err::<(), _>(io::Error::from(io::ErrorKind::BrokenPipe))
            .context("writing a message")
            .unwrap_err();
        assert!(is_broken_pipe(&err));
        assert!(!is_broken_pipe(&anyhow::anyhow!("other")));
    }
}
