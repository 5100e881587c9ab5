//! One open-loop publisher on the lean client: every message due by now goes into one buffer
//! and out with one write; a late message is sent at once and still carries its intended time.

use std::collections::HashMap;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::{BufMut, BytesMut};
use hdrhistogram::Histogram;
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::client::ClientSpec;
use super::live::Live;
use super::plan::PubSubPlan;
use super::ticker::{self, Ticker};
use super::timing::{since, DRAIN, LATE};
use super::wire::codec::{self, Ack, Incoming};
use super::wire::{disconnected, Wire};
use super::{header, new_histogram, record, Schedule};
use crate::conn::Backoff;

/// Bytes of PUBLISH packets gathered before a write.
const BATCH: usize = 64 * 1024;

/// What one publisher did.
pub struct PubResult {
    /// Messages sent in all, warm-up included.
    pub sent_all: u64,
    /// Due before the end of a `--duration` run but not sent by then.
    pub unsent: u64,
    /// Sent after the warm-up.
    pub sent: u64,
    /// Acknowledged after the warm-up.
    pub acked: u64,
    /// Sent more than [`LATE`] after their intended time.
    pub late: u64,
    /// The largest lag behind the timetable.
    pub max_lag: Duration,
    /// Refused publishes and lost connections.
    pub errors: u64,
    /// Connections made again.
    pub reconnects: u64,
    /// Intended send time → PUBACK/PUBCOMP, µs.
    pub ack: Histogram<u64>,
    /// When the last message was sent, after the epoch.
    pub last_sent: Duration,
    /// Publishes the broker refused (part of `errors`).
    pub refused: u64,
}

/// The shared parts of a run a publisher needs.
pub struct Context {
    /// The plan.
    pub plan: Arc<PubSubPlan>,
    /// The run's monotonic epoch.
    pub epoch: Instant,
    /// The epoch in nanoseconds after the Unix epoch (what the payload header carries).
    pub epoch_unix_ns: u64,
    /// Live counters.
    pub live: Arc<Live>,
    /// Ctrl-C: stop publishing.
    pub interrupted: CancellationToken,
}

/// Packet ids of unacknowledged messages, with their intended send times.
struct InFlight {
    due: HashMap<u16, Duration>,
    next: u16,
}

impl InFlight {
    fn new() -> Self {
        InFlight {
            due: HashMap::new(),
            next: 0,
        }
    }

    /// A packet id not in use (the window is below 65,535, so one is free).
    fn take(&mut self, due: Duration) -> u16 {
        loop {
            self.next = self.next.wrapping_add(1).max(1);
            if let std::collections::hash_map::Entry::Vacant(e) = self.due.entry(self.next) {
                e.insert(due);
                return self.next;
            }
        }
    }
}

/// Runs publisher `i` over `wire` until its messages are sent and acknowledged (or the
/// drain time after the end has passed).
pub async fn run(
    i: usize,
    spec: ClientSpec,
    mut wire: Wire,
    cx: Context,
) -> Result<(usize, PubResult)> {
    let plan = &cx.plan;
    let n = plan.messages_of(i);
    let end = plan.duration.map(|d| plan.warmup + d);
    let schedule = plan.schedule_of(i);
    let topic = plan.topic_of(i, &spec.config.client_id);
    let qos = plan.qos;
    let acking = qos > 0;
    let who = format!("publisher {i}");
    let mut r = PubResult {
        sent_all: 0,
        unsent: 0,
        sent: 0,
        acked: 0,
        late: 0,
        max_lag: Duration::ZERO,
        errors: 0,
        reconnects: 0,
        ack: new_histogram(),
        last_sent: Duration::ZERO,
        refused: 0,
    };
    let packet = codec::publish_size(wire.protocol, &topic, qos, plan.size);
    within_limits(&wire, plan, packet, &who)?;
    // Reconnecting gives up when the run is over: at the end of --duration and the drain.
    let stop_at = end.map(|e| cx.epoch + e + DRAIN);
    let mut inflight = InFlight::new();
    let mut out = BytesMut::with_capacity(BATCH + packet);
    let mut k = 0u64;
    // Messages already counted in the live counters.
    let mut reported = 0u64;
    let mut drain_until: Option<Instant> = None;
    let mut backoff = Backoff::default();
    let mut pad = [0u8; header::LEN];
    let mut ticker = Ticker::new(plan.spin())?;
    let wake_gap = Duration::try_from_secs_f64(1.0 / schedule.rate).unwrap_or(Schedule::HORIZON);
    let gives_way = wake_gap.max(plan.tick) >= ticker::GIVE_WAY_GAP;
    let mut last_wake = cx.epoch;
    // Nothing is due before the epoch: message 0 of publisher 0 is due at it.
    ticker.sleep_until(cx.epoch).await?;
    loop {
        let window = plan.inflight.min(usize::from(wire.receive_max));
        // With --duration, publishing ends on time even when behind: what is left is unsent.
        let producing = |k: u64| {
            k < n
                && !cx.interrupted.is_cancelled()
                && end.is_none_or(|e| schedule.due(k) < e && since(cx.epoch) < e)
        };
        // What to undo when the batch cannot be written: its messages go out again later.
        let mark = (k, r.sent, r.sent_all, r.late, r.last_sent);
        if producing(k) {
            let now = since(cx.epoch);
            while k < n {
                let due = schedule.due(k);
                if due > now || end.is_some_and(|e| due >= e) {
                    break;
                }
                if acking && inflight.due.len() >= window {
                    break;
                }
                let pkid = if acking { inflight.take(due) } else { 0 };
                codec::put_publish_header(
                    &mut out,
                    wire.protocol,
                    &topic,
                    qos,
                    plan.retain,
                    pkid,
                    plan.size,
                );
                let intended = cx
                    .epoch_unix_ns
                    .saturating_add(u64::try_from(due.as_nanos()).unwrap_or(u64::MAX));
                header::write(&mut pad, i as u64, k, intended);
                out.put_slice(&pad);
                out.put_bytes(0, plan.size - header::LEN);
                let lag = now.saturating_sub(due);
                if due >= plan.warmup {
                    r.max_lag = r.max_lag.max(lag);
                    r.sent += 1;
                    if lag > LATE {
                        r.late += 1;
                    }
                }
                r.sent_all += 1;
                r.last_sent = now;
                k += 1;
                if out.len() >= BATCH {
                    break;
                }
            }
        }
        let batch = out.len();
        match wire.send(&mut out).await {
            Ok(()) => {
                if batch > 0 && gives_way {
                    ticker::give_way();
                }
                cx.live.sent_all.fetch_add(r.sent_all - reported, Relaxed);
                reported = r.sent_all;
            }
            Err(e) => {
                (k, r.sent, r.sent_all, r.late, r.last_sent) = mark;
                out.clear();
                let Some(w) = lose(
                    &spec,
                    &who,
                    e,
                    &mut backoff,
                    &mut r,
                    &mut inflight,
                    &cx,
                    stop_at,
                )
                .await?
                else {
                    break;
                };
                wire = w;
                within_limits(&wire, plan, packet, &who)?;
            }
        }
        if batch >= BATCH {
            // More may be due already: produce again before waiting.
            tokio::task::yield_now().await;
            continue;
        }
        let more = producing(k);
        if !more {
            if inflight.due.is_empty() {
                break;
            }
            drain_until.get_or_insert_with(|| Instant::now() + DRAIN);
        }
        let window_open = !acking || inflight.due.len() < window;
        let waiting = more && window_open;
        // Wake-ups are what a paced publisher costs: at most one per tick.
        let next_due = (cx.epoch + schedule.due(k)).max(last_wake + plan.tick);
        let ping_at = wire.ping_at();
        tokio::select! {
            woke = ticker.sleep_until(next_due), if waiting => {
                woke?;
                last_wake = Instant::now();
            }
            () = sleep_until(drain_until.unwrap_or_else(Instant::now).into()), if drain_until.is_some() => break,
            () = cx.interrupted.cancelled(), if more => {}
            () = sleep_until(ping_at.unwrap_or_else(Instant::now).into()), if ping_at.is_some() => {
                if let Err(e) = wire.ping().await {
                    let Some(w) = lose(&spec, &who, e, &mut backoff, &mut r, &mut inflight, &cx, stop_at).await? else {
                        break;
                    };
                    wire = w;
                    within_limits(&wire, plan, packet, &who)?;
                }
            }
            filled = wire.fill() => {
                let handled = filled.and_then(|()| acknowledge(&mut wire, &mut inflight, &mut out, &mut r, &cx, &who));
                if let Err(e) = handled {
                    out.clear();
                    let Some(w) = lose(&spec, &who, e, &mut backoff, &mut r, &mut inflight, &cx, stop_at).await? else {
                        break;
                    };
                    wire = w;
                    within_limits(&wire, plan, packet, &who)?;
                }
            }
        }
    }
    if let Some(e) = end {
        // Interrupted: only what was due by then counts as unsent.
        let e = if cx.interrupted.is_cancelled() {
            e.min(since(cx.epoch))
        } else {
            e
        };
        let due_in_run = if e > schedule.offset {
            ((e - schedule.offset).as_secs_f64() * schedule.rate).ceil() as u64
        } else {
            0
        };
        r.unsent = due_in_run.min(n).saturating_sub(r.sent_all);
    }
    wire.disconnect().await;
    Ok((i, r))
}

/// Handles every packet in the read buffer: acknowledgements complete messages (QoS 2's
/// PUBREC is answered with PUBREL, queued in `out`); anything else a publisher does not
/// expect is ignored.
fn acknowledge(
    wire: &mut Wire,
    inflight: &mut InFlight,
    out: &mut BytesMut,
    r: &mut PubResult,
    cx: &Context,
    who: &str,
) -> Result<()> {
    let now = since(cx.epoch);
    let mut complete = |pkid: u16, failure: Option<u8>, r: &mut PubResult| {
        let Some(due) = inflight.due.remove(&pkid) else {
            return;
        };
        match failure {
            None => {
                cx.live.acked.fetch_add(1, Relaxed);
                if due >= cx.plan.warmup {
                    r.acked += 1;
                    record(&mut r.ack, Schedule::latency(due, now));
                }
            }
            Some(code) => {
                r.errors += 1;
                cx.live.errors.fetch_add(1, Relaxed);
                // Once: a broker refusing everything would otherwise log every message.
                if r.refused == 0 {
                    warn!("{who}: publish refused (reason code {code:#04x}); further refusals are only counted");
                }
                r.refused += 1;
            }
        }
    };
    while let Some((packet, used)) = wire.peek()? {
        match packet {
            Incoming::PubAck { pkid, reason } => {
                complete(pkid, (reason >= 0x80).then_some(reason), r)
            }
            // A failed PUBREC ends the exchange [MQTT-4.3.3-1]; a good one is released.
            Incoming::PubRec { pkid, reason } if reason >= 0x80 => complete(pkid, Some(reason), r),
            Incoming::PubRec { pkid, .. } => codec::put_ack(out, Ack::PubRel, pkid),
            Incoming::PubComp { pkid } => complete(pkid, None, r),
            Incoming::Disconnect { reason } => return Err(disconnected(reason)),
            _ => {}
        }
        wire.consume(used);
    }
    Ok(())
}

/// After losing the connection: counts it, forgets the messages in flight (their packet ids
/// do not survive a new session) and connects again; `None` when the run ended first
/// (Ctrl-C, or `stop_at`).
#[allow(clippy::too_many_arguments)]
async fn lose(
    spec: &ClientSpec,
    who: &str,
    e: anyhow::Error,
    backoff: &mut Backoff,
    r: &mut PubResult,
    inflight: &mut InFlight,
    cx: &Context,
    stop_at: Option<Instant>,
) -> Result<Option<Wire>> {
    r.errors += 1;
    r.reconnects += 1;
    cx.live.connection_lost();
    inflight.due.clear();
    let over = async {
        match stop_at {
            Some(at) => sleep_until(at.into()).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        // Boxed: the handshake futures would otherwise size every publisher task.
        wire = Box::pin(spec.reconnect(who, e, backoff)) => wire.map(Some),
        () = cx.interrupted.cancelled() => Ok(None),
        () = over => Ok(None),
    }
}

/// Checks what this publisher sends against the broker's limits (MQTT 5 CONNACK): the
/// client must not send a larger packet [MQTT-3.2.2-15], a higher QoS [MQTT-3.2.2-11], or a
/// retained message where retain is not available [MQTT-3.2.2-14]; the broker would
/// disconnect.
fn within_limits(wire: &Wire, plan: &PubSubPlan, packet: usize, who: &str) -> Result<()> {
    if packet > wire.max_packet {
        anyhow::bail!(
            "{who}: a {packet}-byte PUBLISH is above the broker's Maximum Packet Size of {} bytes: use a smaller --size",
            wire.max_packet
        );
    }
    if plan.qos > wire.max_qos {
        anyhow::bail!(
            "{who}: the broker accepts QoS {} at most (Maximum QoS): use -q {}",
            wire.max_qos,
            wire.max_qos
        );
    }
    if plan.retain && !wire.retain_available {
        anyhow::bail!("{who}: the broker does not accept retained messages (Retain Available 0): leave out --retain");
    }
    Ok(())
}
