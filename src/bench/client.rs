//! What every bench client shares: its connection settings, its source address, and how it
//! gets a connection back after losing one.

use std::net::IpAddr;

use anyhow::Result;
use tracing::warn;

use super::wire::Wire;
use crate::conn::{self, Backoff, ConnectConfig};

/// How one client connects.
#[derive(Debug, Clone)]
pub struct ClientSpec {
    /// Connection settings, with this client's id.
    pub config: ConnectConfig,
    /// Local address to connect from (`--ifaddr`), if any.
    pub source: Option<IpAddr>,
    /// Read size of its connection ([`super::wire::LOAD_CHUNK`] or [`super::wire::IDLE_CHUNK`]).
    pub chunk: usize,
}

impl ClientSpec {
    /// Connects once.
    pub async fn connect(&self) -> Result<Wire> {
        Wire::connect(&self.config, self.source, self.chunk).await
    }

    /// After `lost` ended a connection: waits out the backoff and connects again, until it
    /// works, the broker refuses (an error), or `--max-reconnects` attempts failed.
    pub async fn reconnect(
        &self,
        who: &str,
        lost: anyhow::Error,
        backoff: &mut Backoff,
    ) -> Result<Wire> {
        let max = self.config.max_reconnects;
        if max.is_some_and(|m| backoff.attempts >= m) {
            return Err(lost.context(format!("{who}: gave up reconnecting")));
        }
        let delay = backoff.next_delay();
        warn!("{who}: {lost:#}; reconnecting in {delay:?}");
        tokio::time::sleep(delay).await;
        conn::retry(max, backoff, || async {
            self.connect().await.map_err(|e| e.context(who.to_string()))
        })
        .await
        .map_err(|e| {
            if conn::is_refusal(&e) {
                e
            } else {
                e.context("gave up reconnecting")
            }
        })
    }
}
