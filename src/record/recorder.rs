//! The `record` loop: subscribe, turn every message into a [`Record`] and hand it to the
//! writers, until `-C`, `--duration`, Ctrl-C or SIGTERM; reconnect with backoff like `sub`.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use rumqttc::QoS;
use tokio::time::Instant;
use tracing::warn;

use super::ndjson::NdjsonWriter;
use super::schema::Record;
use super::sqlite::SqliteWriter;
use crate::conn::{self, Backoff, ConnectConfig, Event, Message, Protocol};
use crate::error::Error;

/// A validated `record` invocation.
pub struct RecordPlan {
    /// Where to connect.
    pub conn: ConnectConfig,
    /// Filters subscribed to.
    pub filters: Vec<String>,
    /// The subscriptions' QoS.
    pub qos: QoS,
    /// Stop after this many messages.
    pub count: Option<u64>,
    /// Fail (exit 27) if `count` is not reached in this time.
    pub timeout: Option<Duration>,
    /// Stop (successfully) after this long.
    pub duration: Option<Duration>,
}

/// Where the records go: NDJSON, SQLite, or both.
pub struct Writers {
    /// NDJSON lines.
    pub ndjson: Option<NdjsonWriter>,
    /// SQLite rows.
    pub db: Option<SqliteWriter>,
}

impl Writers {
    fn write(&mut self, r: &Record) -> Result<()> {
        if let Some(w) = &mut self.ndjson {
            w.write(r)?;
        }
        if let Some(db) = &mut self.db {
            db.write(r)?;
        }
        Ok(())
    }

    /// Flushes the NDJSON buffer and commits the open transaction; both are tried even
    /// when the first fails, so that what can be kept is kept.
    fn flush(&mut self) -> Result<()> {
        let ndjson = self.ndjson.as_mut().map_or(Ok(()), NdjsonWriter::flush);
        let db = self.db.as_mut().map_or(Ok(()), SqliteWriter::commit);
        ndjson.and(db)
    }
}

/// What has been recorded so far.
#[derive(Debug, Clone)]
pub struct Stats {
    /// Messages written.
    pub messages: u64,
    /// Payload bytes written.
    pub bytes: u64,
    /// Distinct topics seen.
    pub topics: usize,
    /// When recording started.
    pub started: Instant,
}

/// Messages handled between two checks of the stop conditions under a continuous stream.
const BURST: u32 = 256;

/// Records until a stop condition; `progress` is called whenever the writers are flushed.
/// A write error flushes what it can and ends the run with that error.
pub async fn record(
    plan: RecordPlan,
    mut writers: Writers,
    progress: &mut dyn FnMut(&Stats),
) -> Result<Stats> {
    let stop = crate::shutdown::signal();
    let conn::Connection {
        client, mut events, ..
    } = conn::connect(&plan.conn).await?;
    let started = Instant::now();
    let mut stats = Stats {
        messages: 0,
        bytes: 0,
        topics: 0,
        started,
    };
    let mut topics = HashSet::new();
    // With MQTT 5, the retain flag of a live message is the publisher's [MQTT-3.3.1-13].
    let rap = plan.conn.protocol == Protocol::V5;
    client.subscribe_with(&plan.filters, plan.qos, rap).await?;
    let far = started + Duration::from_secs(86_400 * 365 * 10);
    let timeout = tokio::time::sleep_until(plan.timeout.map_or(far, |t| started + t));
    let duration = tokio::time::sleep_until(plan.duration.map_or(far, |d| started + d));
    tokio::pin!(timeout, duration, stop);
    let mut backoff = Backoff::default();
    let mut burst = 0;
    let result: Result<()> = loop {
        let ready = if burst < BURST {
            events.poll_ready().await
        } else {
            None
        };
        let event = match ready {
            Some(event) => {
                burst += 1;
                event
            }
            None => {
                burst = 0;
                if let Err(e) = writers.flush() {
                    break Err(e);
                }
                progress(&stats);
                tokio::select! {
                    biased;
                    () = &mut stop => break Ok(()),
                    () = &mut duration => break Ok(()),
                    () = &mut timeout => break Err(Error::Timeout("Timed out".into()).into()),
                    event = events.poll() => event,
                }
            }
        };
        match event {
            Ok(Event::SubAck(results)) => {
                if let Some(err) = refused(&results, &plan.filters) {
                    break Err(err);
                }
            }
            Ok(Event::Publish(p)) => {
                let record = to_record(p, started);
                if !topics.contains(&record.topic) {
                    topics.insert(record.topic.clone());
                    stats.topics = topics.len();
                }
                if let Err(e) = writers.write(&record) {
                    break Err(e);
                }
                stats.messages += 1;
                stats.bytes += record.payload.len() as u64;
                if plan.count.is_some_and(|c| stats.messages >= c) {
                    break Ok(());
                }
            }
            Ok(Event::ConnAck { session_present }) => {
                backoff.reset();
                if !session_present {
                    if let Err(e) = client.subscribe_with(&plan.filters, plan.qos, rap).await {
                        break Err(e);
                    }
                }
            }
            Ok(Event::ServerDisconnect(reason)) => warn!("the broker disconnected: {reason}"),
            Ok(_) => {}
            Err(e) => {
                if conn::is_refusal(&e) {
                    break Err(e);
                }
                if plan
                    .conn
                    .max_reconnects
                    .is_some_and(|max| backoff.attempts >= max)
                {
                    break Err(e.context(format!(
                        "connection lost; gave up after {} reconnection attempts",
                        backoff.attempts
                    )));
                }
                let delay = backoff.next_delay();
                warn!("connection lost ({e:#}); reconnecting in {delay:?}");
                tokio::time::sleep(delay).await;
            }
        }
    };
    // Keep what was received whatever ended the run; a write error comes first.
    let flushed = writers.flush();
    progress(&stats);
    events.disconnect(&client).await;
    match result {
        Err(e) => Err(e),
        Ok(()) => flushed.context("flushing the recording").map(|()| stats),
    }
}

fn refused(results: &[Result<QoS, conn::Reason>], filters: &[String]) -> Option<anyhow::Error> {
    let refused: Vec<String> = results
        .iter()
        .zip(filters)
        .filter_map(|(r, f)| {
            r.as_ref()
                .err()
                .map(|reason| format!("{f} ({})", reason.text))
        })
        .collect();
    (!refused.is_empty()).then(|| {
        Error::RequestRefused(format!(
            "the broker refused the subscription to {}",
            refused.join(", ")
        ))
        .into()
    })
}

fn to_record(p: Message, started: Instant) -> Record {
    let offset = Instant::now().duration_since(started);
    Record {
        topic: p.topic,
        payload: p.payload,
        qos: p.qos as u8,
        retain: p.retain,
        mid: (p.qos != QoS::AtMostOnce).then_some(p.pkid),
        received_at: SystemTime::now(),
        offset_us: Some(offset.as_micros().try_into().unwrap_or(u64::MAX)),
        properties: p.properties,
    }
}
