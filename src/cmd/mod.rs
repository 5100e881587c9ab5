//! One module per subcommand: arguments → validated configuration → the subsystem → output.

pub mod bench;
pub mod bridge;
pub mod broker;
pub mod demo;
pub mod generate;
mod properties;
pub mod publish;
pub mod record;
pub mod replay;

pub mod sim;
pub mod status;
pub mod subscribe;
pub mod top;

use std::future::Future;

use anyhow::{Context, Result};

use crate::conn::{self, ConnectConfig, Connection};
use crate::output;

/// Runs `fut` on a single-threaded runtime: a client with a few connections needs no more,
/// and it starts fastest. The runtime is then shut down without waiting for blocking
/// threads: a read of stdin still waiting for a line (`pub -l` giving up) must not keep the
/// process alive.
pub(crate) fn block_on(fut: impl Future<Output = Result<()>>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(fut);
    runtime.shutdown_background();
    result
}

/// Prints what the user should be told before connecting with `config`, if anything.
pub(crate) fn warn_before_connecting(config: &ConnectConfig) {
    if let Some(warning) = config.warning() {
        output::print_warning(warning);
    }
}

/// Connects as [`conn::connect`] does, after printing the configuration's warning.
pub(crate) async fn connect(config: &ConnectConfig) -> Result<Connection> {
    warn_before_connecting(config);
    conn::connect(config).await
}
