//! One checking subscriber on the lean client: decodes everything a read returns, checks each
//! bench message's publisher and sequence, times it from its intended send time, and answers
//! QoS 1/2 with one write per read.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use bytes::BytesMut;
use hdrhistogram::Histogram;
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;

use super::client::ClientSpec;
use super::live::Live;
use super::timing::{since, DRAIN, QUIET};
use super::wire::codec::{self, Ack, Incoming};
use super::wire::{disconnected, Wire};
use super::{header, new_histogram, record, Delivery};
use crate::conn::Backoff;

/// A header time further than this from the subscriber's clock is not a bench message's
/// (or the clocks of two machines disagree too much to time it).
const PLAUSIBLE: Duration = Duration::from_secs(3600);

/// What one subscriber received.
pub struct SubResult {
    /// Messages received (duplicates included; in pubsub only those due after the warm-up).
    pub received: u64,
    /// Payload bytes received.
    pub bytes: u64,
    /// Delivery checks.
    pub delivery: Delivery,
    /// Lost connections.
    pub errors: u64,
    /// Connections made again.
    pub reconnects: u64,
    /// Intended send time → received, µs (first copies only).
    pub e2e: Histogram<u64>,
    /// When the first and the last message arrived.
    pub span: Option<(Instant, Instant)>,
    /// Retained messages received when subscribing (left out of every figure).
    pub retained: u64,
}

/// When a subscriber stops.
pub enum Until {
    /// pubsub: once `published` is cancelled, wait for the missing messages (all of
    /// `sent_all` received, [`DRAIN`] passed, or [`QUIET`] without a message).
    Drained {
        /// Cancelled when every publisher has finished.
        published: CancellationToken,
    },
    /// sub: at `stop`, or when the subscribers together received `count`.
    Stopped {
        /// Cancelled on Ctrl-C, at the end of `--duration`, or at `count`.
        stop: CancellationToken,
        /// Messages in all (over every subscriber).
        count: Option<u64>,
        /// Messages received by every subscriber together.
        total: Arc<AtomicU64>,
    },
}

/// The shared parts of a run a subscriber needs.
pub struct Context {
    /// The run's monotonic epoch.
    pub epoch: Instant,
    /// The epoch in ns after the Unix epoch: the subscriber's clock in the header's terms.
    pub epoch_unix_ns: u64,
    /// Messages intended before this (ns after the Unix epoch) are the warm-up's.
    pub warmup_until_ns: u64,
    /// Live counters.
    pub live: Arc<Live>,
    /// The filters to subscribe to again after a reconnect.
    pub filters: Arc<Vec<String>>,
    /// Their QoS.
    pub qos: u8,
    /// Whether messages without a bench header count as received (bench sub).
    pub count_foreign: bool,
}

/// Runs subscriber `i` over `wire` (already subscribed) until `until` says stop.
pub async fn run(
    i: usize,
    spec: ClientSpec,
    mut wire: Wire,
    mut delivery: Delivery,
    cx: Context,
    until: Until,
) -> Result<SubResult> {
    let who = format!("subscriber {i}");
    let mut r = SubResult {
        received: 0,
        bytes: 0,
        delivery: Delivery::default(),
        errors: 0,
        reconnects: 0,
        e2e: new_histogram(),
        span: None,
        retained: 0,
    };
    let mut out = BytesMut::new();
    let mut drain_until: Option<Instant> = None;
    let mut last_message = Instant::now();
    let mut backoff = Backoff::default();
    // A new connection may hold packets already (read with its SUBACK, or while the other
    // clients connected): handled before the first wait.
    let mut buffered = true;
    wire.stamp_arrivals();
    loop {
        let mut lost = None;
        if std::mem::take(&mut buffered) {
            let before = r.received;
            let handled = match receive(&mut wire, &mut delivery, &mut out, &mut r, &cx) {
                Ok(()) => wire.send(&mut out).await,
                Err(e) => Err(e),
            };
            if r.received > before {
                last_message = Instant::now();
                count_towards(&until, r.received - before);
            }
            lost = handled.err();
        }
        let stopping = until.stopping();
        if lost.is_none() {
            if let Some(until) = drain_until {
                let all = delivery.unique() >= cx.live.sent_all.load(Relaxed);
                let now = Instant::now();
                if all || now >= until || now.duration_since(last_message) >= QUIET {
                    break;
                }
            }
            let draining = match &until {
                Until::Drained { .. } => drain_until.is_none(),
                Until::Stopped { .. } => true,
            };
            let wake = drain_until.map(|d| d.min(last_message.max(Instant::now()) + QUIET));
            let ping_at = wire.ping_at();
            tokio::select! {
                () = stopping.cancelled(), if draining => match until {
                    Until::Drained { .. } => {
                        // Quiet counts from the end of publishing, not from a message long ago.
                        last_message = last_message.max(Instant::now());
                        drain_until = Some(Instant::now() + DRAIN);
                    }
                    Until::Stopped { .. } => break,
                },
                () = sleep_until(wake.unwrap_or_else(Instant::now).into()), if wake.is_some() => {}
                () = sleep_until(ping_at.unwrap_or_else(Instant::now).into()), if ping_at.is_some() => {
                    lost = wire.ping().await.err();
                }
                filled = wire.fill() => match filled {
                    Ok(()) => buffered = true,
                    Err(e) => lost = Some(e),
                },
            }
        }
        if let Some(e) = lost {
            out.clear();
            let Some(w) = lose(&spec, &who, e, &mut backoff, &mut r, &cx, stopping).await? else {
                break;
            };
            wire = w;
            wire.stamp_arrivals();
            buffered = true;
        }
    }
    wire.disconnect().await;
    r.delivery = delivery;
    Ok(r)
}

impl Until {
    /// The token whose cancellation stops this subscriber (or starts its drain).
    fn stopping(&self) -> &CancellationToken {
        match self {
            Until::Drained { published } => published,
            Until::Stopped { stop, .. } => stop,
        }
    }
}

/// Adds `received` messages to a `bench sub --count` total, stopping every subscriber when
/// it is reached.
fn count_towards(until: &Until, received: u64) {
    if let Until::Stopped {
        stop,
        count: Some(n),
        total,
    } = until
    {
        if total.fetch_add(received, Relaxed) + received >= *n {
            stop.cancel();
        }
    }
}

/// Handles every packet in the read buffer; the acknowledgements owed go into `out`.
fn receive(
    wire: &mut Wire,
    delivery: &mut Delivery,
    out: &mut BytesMut,
    r: &mut SubResult,
    cx: &Context,
) -> Result<()> {
    let arrived = Instant::now();
    // Latency ends when the data reached the socket, if the kernel says when: the time bench
    // took to wake up and read it since is bench's, not the broker's.
    let waited = wire
        .waited()
        .map_or(0, |w| u64::try_from(w.as_nanos()).unwrap_or(0));
    let now_ns = cx
        .epoch_unix_ns
        .saturating_add(u64::try_from(since(cx.epoch).as_nanos()).unwrap_or(u64::MAX))
        .saturating_sub(waited);
    let plausible = u64::try_from(PLAUSIBLE.as_nanos()).unwrap_or(u64::MAX);
    let mut received = 0u64;
    while let Some((packet, used)) = wire.peek()? {
        match packet {
            Incoming::Publish {
                qos,
                pkid,
                retain,
                payload,
                ..
            } => {
                match qos {
                    1 => codec::put_ack(out, Ack::PubAck, pkid),
                    2 => codec::put_ack(out, Ack::PubRec, pkid),
                    _ => {}
                }
                // RETAIN set: a message kept from before this subscription [MQTT-3.3.1-8],
                // not part of the load.
                if retain {
                    r.retained += 1;
                    wire.consume(used);
                    continue;
                }
                r.bytes += payload.len() as u64;
                match header::read(payload) {
                    Some((p, seq, intended)) if intended.abs_diff(now_ns) <= plausible => {
                        let new = delivery.note(p, seq);
                        if intended >= cx.warmup_until_ns {
                            received += 1;
                            if new {
                                let ns = now_ns.saturating_sub(intended);
                                record(&mut r.e2e, Duration::from_nanos(ns));
                            }
                        }
                    }
                    _ => {
                        delivery.foreign += 1;
                        received += u64::from(cx.count_foreign);
                    }
                }
            }
            Incoming::PubRel { pkid } => codec::put_ack(out, Ack::PubComp, pkid),
            Incoming::Disconnect { reason } => return Err(disconnected(reason)),
            _ => {}
        }
        wire.consume(used);
    }
    if received > 0 {
        r.received += received;
        cx.live.received.fetch_add(received, Relaxed);
        r.span = Some(match r.span {
            Some((first, _)) => (first, arrived),
            None => (arrived, arrived),
        });
    }
    Ok(())
}

/// After losing the connection: counts it, connects again and subscribes again (the session
/// was clean, so the subscriptions went with it); `None` when `stopping` came first (the
/// end of publishing, or of the run: what was missed is lost either way).
async fn lose(
    spec: &ClientSpec,
    who: &str,
    e: anyhow::Error,
    backoff: &mut Backoff,
    r: &mut SubResult,
    cx: &Context,
    stopping: &CancellationToken,
) -> Result<Option<Wire>> {
    r.errors += 1;
    r.reconnects += 1;
    cx.live.connection_lost();
    let again = async {
        let mut lost = e;
        loop {
            // Boxed: the handshake futures would otherwise size every subscriber task.
            let mut wire = Box::pin(spec.reconnect(who, lost, backoff)).await?;
            match wire.subscribe(&cx.filters, cx.qos).await {
                Ok(()) => return Ok(wire),
                // Refused (CONNACK or SUBACK): trying again will not help.
                Err(e) if e.downcast_ref::<crate::error::Error>().is_some() => return Err(e),
                Err(e) => lost = e,
            }
        }
    };
    tokio::select! {
        wire = again => wire.map(Some),
        () = stopping.cancelled() => Ok(None),
    }
}
