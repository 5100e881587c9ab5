//! The `replay` loop: read a recording on its own thread, publish each message when the
//! [`Schedule`] says it is due, count the broker's acknowledgements, and sum it up.

use std::cell::RefCell;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use bytes::Bytes;
use hdrhistogram::Histogram;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::remap::{self, Remap};
use super::schedule::{Loops, Schedule, Speed};
use super::schema::Record;
use super::source::{Item, Source};
use crate::conn::{self, Client, ConnectConfig, Event, Protocol};
use crate::topic;

/// A validated `replay` invocation.
pub struct ReplayPlan {
    /// Where to publish.
    pub conn: ConnectConfig,
    /// The recording.
    pub source: Source,
    /// Pace.
    pub speed: Speed,
    /// Passes over the recording.
    pub loops: Loops,
    /// Replay only messages whose recorded topic matches one of these (all when empty).
    pub filters: Vec<String>,
    /// `(FROM, TO)`: a topic starting with FROM is published with TO instead.
    pub remaps: Vec<Remap>,
    /// Publish every message with retain 0.
    pub drop_retain: bool,
    /// Count an entry that is not a record and go on, instead of stopping.
    pub skip_bad: bool,
}

/// The timing error of the messages sent: how late each left against its due time.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Timing {
    /// Median, microseconds.
    pub p50_us: u64,
    /// 99th percentile, microseconds.
    pub p99_us: u64,
    /// Worst, microseconds.
    pub max_us: u64,
}

/// What a replay did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Messages handed to the connection.
    pub sent: u64,
    /// QoS 1/2 messages the broker acknowledged.
    pub acknowledged: u64,
    /// QoS 1/2 messages the broker refused (an MQTT 5 reason code ≥ 0x80).
    pub failed: u64,
    /// Entries that were not records, passed over with `--skip-bad`.
    pub skipped: u64,
    /// Messages whose MQTT 5 properties an MQTT 3.1.1 connection could not carry.
    pub properties_dropped: u64,
    /// Seconds from the first message to the last acknowledgement.
    pub elapsed_s: f64,
    /// Timing error (none at `--speed max`, or when nothing was sent).
    pub timing: Option<Timing>,
    /// The first refusal, e.g. "not authorized (0x87)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_refusal: Option<String>,
}

/// What the reader thread sends.
enum FromReader {
    Item(Box<Item>),
    PassEnd,
    Failed(anyhow::Error),
}

/// Counters the publisher and the event loop share.
#[derive(Default)]
struct Tally {
    summary: Summary,
    /// QoS 1/2 messages sent.
    expecting: u64,
    late: Option<Histogram<u64>>,
}

/// Replays `plan`; stops early, after the acknowledgements of what was sent, on Ctrl-C or
/// SIGTERM. An error in the recording ends it with that error (unless `skip_bad`).
pub async fn replay(plan: ReplayPlan) -> Result<Summary> {
    let stop = crate::shutdown::signal();
    let conn::Connection {
        client, mut events, ..
    } = conn::connect(&plan.conn).await?;
    let (tx, rx) = mpsc::channel(1024);
    let source = plan.source.clone();
    let loops = plan.loops;
    std::thread::spawn(move || read_passes(&source, loops, &tx));
    let tally = RefCell::new(Tally {
        late: matches!(plan.speed, Speed::Factor(_))
            .then(|| Histogram::new(3).expect("3 significant figures are valid")),
        ..Tally::default()
    });
    let started = Instant::now();
    tokio::pin!(stop);
    let produced = {
        let producer = publish_all(&plan, client.clone(), rx, &tally);
        tokio::pin!(producer);
        let mut produced: Option<Result<()>> = None;
        loop {
            if produced.is_some() {
                let t = tally.borrow();
                if t.summary.acknowledged + t.summary.failed >= t.expecting {
                    break;
                }
            }
            tokio::select! {
                biased;
                () = &mut stop, if produced.is_none() => produced = Some(Ok(())),
                done = &mut producer, if produced.is_none() => produced = Some(done),
                event = events.poll() => match event {
                    Ok(Event::Acked { result, .. }) => {
                        let mut t = tally.borrow_mut();
                        match result {
                            Ok(()) => t.summary.acknowledged += 1,
                            Err(reason) => {
                                t.summary.failed += 1;
                                t.summary.first_refusal.get_or_insert(reason.to_string());
                            }
                        }
                    }
                    Ok(Event::ServerDisconnect(reason)) => {
                        return Err(anyhow!("the broker disconnected: {reason}"))
                            .context(lost(&tally.borrow()));
                    }
                    Ok(_) => {}
                    Err(e) => return Err(e.context(lost(&tally.borrow()))),
                },
            }
        }
        produced
    };
    let elapsed = started.elapsed();
    events.disconnect(&client).await;
    produced.expect("the loop ends once the producer is done")?;
    let mut tally = tally.into_inner();
    tally.summary.elapsed_s = elapsed.as_secs_f64();
    tally.summary.timing = tally.late.filter(|h| !h.is_empty()).map(|h| Timing {
        p50_us: h.value_at_quantile(0.5),
        p99_us: h.value_at_quantile(0.99),
        max_us: h.max(),
    });
    Ok(tally.summary)
}

fn lost(t: &Tally) -> String {
    format!(
        "connection lost after {} messages sent, {} acknowledged",
        t.summary.sent, t.summary.acknowledged
    )
}

/// The reader thread: every pass of the recording into `tx`, until the receiver is gone.
fn read_passes(source: &Source, loops: Loops, tx: &mpsc::Sender<FromReader>) {
    let mut pass = 0;
    while loops.includes(pass) {
        let mut open = true;
        let read = source.read(&mut |item| {
            open = tx.blocking_send(FromReader::Item(Box::new(item))).is_ok();
            open
        });
        if let Err(e) = read {
            let _ = tx.blocking_send(FromReader::Failed(e));
            return;
        }
        if !open || tx.blocking_send(FromReader::PassEnd).is_err() {
            return;
        }
        pass += 1;
    }
}

/// Publishes every record from `rx` when it is due.
async fn publish_all(
    plan: &ReplayPlan,
    client: Client,
    mut rx: mpsc::Receiver<FromReader>,
    tally: &RefCell<Tally>,
) -> Result<()> {
    let mut schedule = Schedule::new(plan.speed);
    let source = plan.source.name();
    while let Some(next) = rx.recv().await {
        let item = match next {
            FromReader::Item(item) => *item,
            FromReader::PassEnd => {
                schedule.new_pass();
                continue;
            }
            FromReader::Failed(e) => return Err(e),
        };
        let record = match item.record.and_then(|r| check(&r).map(|()| r)) {
            Ok(record) => record,
            Err(why) if plan.skip_bad => {
                tracing::warn!("{source}, {}: skipped: {why}", item.place);
                tally.borrow_mut().summary.skipped += 1;
                continue;
            }
            Err(why) => {
                return Err(anyhow!(
                    "{source}, {}: {why} (--skip-bad passes over such entries)",
                    item.place
                ))
            }
        };
        if !plan.filters.is_empty()
            && !plan
                .filters
                .iter()
                .any(|f| topic::matches(f, &record.topic))
        {
            continue;
        }
        let topic = remap::apply(&plan.remaps, &record.topic)
            .map_err(|e| anyhow!("{source}, {}: {e}", item.place))?;
        let offset = schedule.offset_of(&record);
        if let Some(due) = schedule.due(offset, Instant::now()) {
            wait_until(due).await;
            let late = Instant::now().saturating_duration_since(due);
            if let Some(h) = tally.borrow_mut().late.as_mut() {
                h.saturating_record(late.as_micros().try_into().unwrap_or(u64::MAX));
            }
        }
        let mut properties = record.properties;
        if let Some(p) = properties.as_mut() {
            // An alias is a property of one connection, not of the message [MQTT-3.3.2-10].
            p.topic_alias = None;
            if plan.conn.protocol == Protocol::V311 && !p.is_empty() {
                tally.borrow_mut().summary.properties_dropped += 1;
            }
        }
        let retain = record.retain && !plan.drop_retain;
        let qos = conn::qos(record.qos);
        client
            .publish(
                &topic,
                qos,
                retain,
                Bytes::clone(&record.payload),
                properties.as_ref(),
            )
            .await?;
        let mut t = tally.borrow_mut();
        t.summary.sent += 1;
        if record.qos > 0 {
            t.expecting += 1;
        }
    }
    Ok(())
}

/// What makes a record unpublishable as it is.
fn check(r: &Record) -> Result<(), String> {
    topic::validate_name(&r.topic).map_err(|e| format!("topic {:?}: {e}", r.topic))
}

/// Sleeps until `due` on the timer (millisecond resolution), then yields until it has come,
/// so a message leaves within a few microseconds of its time when the machine allows.
async fn wait_until(due: Instant) {
    const SPIN: Duration = Duration::from_millis(2);
    if let Some(sleep_until) = due.checked_sub(SPIN) {
        if sleep_until > Instant::now() {
            tokio::time::sleep_until(sleep_until).await;
        }
    }
    while Instant::now() < due {
        tokio::task::yield_now().await;
    }
}
