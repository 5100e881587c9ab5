//! The load generators: open-loop publishers and checking subscribers on the lean client
//! ([`super::wire`]), all in one process so that one monotonic epoch times every message;
//! connection holders for `bench conn`.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use hdrhistogram::Histogram;
use tokio::task::JoinSet;
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::client::ClientSpec;
use super::live::Live;
use super::plan::{ConnPlan, PubSubPlan, SubPlan};
use super::render::{show_progress, Progress};
use super::timing::{since, unix_ns, LEAD};
use super::wire::codec::Incoming;
use super::wire::{disconnected, Wire, IDLE_CHUNK, LOAD_CHUNK};
use super::{
    new_histogram, publisher, record, subscriber, Counts, Delivery, Load, Report, Schedule,
};
use crate::conn::Backoff;
use crate::shutdown;

/// Connects every client of `specs` (at `connect_rate` per second when given), the first
/// `subscribing` of them subscribed to `subscribe`; in the order of `specs`. A client
/// connected early in a slow ramp keeps its connection alive (PINGREQ) until the last one is
/// in, leaving what arrives meanwhile in its buffer.
async fn open_all(
    specs: &[ClientSpec],
    connect_rate: Option<f64>,
    subscribe: (Arc<Vec<String>>, u8),
    subscribing: usize,
) -> Result<Vec<Wire>> {
    let start = Instant::now();
    let all_in = CancellationToken::new();
    let opened = Arc::new(AtomicU64::new(0));
    let total = specs.len() as u64;
    let mut connecting = JoinSet::new();
    for (i, spec) in specs.iter().cloned().enumerate() {
        let at = connect_rate.map(|r| start + Duration::from_secs_f64(i as f64 / r));
        let subscribe = (i < subscribing).then(|| subscribe.clone());
        let (all_in, opened) = (all_in.clone(), opened.clone());
        connecting.spawn(async move {
            if let Some(at) = at {
                sleep_until(at.into()).await;
            }
            let who = spec.config.client_id.clone();
            let open = async {
                let mut wire = spec.connect().await?;
                if let Some((filters, qos)) = &subscribe {
                    wire.subscribe(filters, *qos).await?;
                }
                if opened.fetch_add(1, Relaxed) + 1 == total {
                    all_in.cancel();
                }
                loop {
                    let ping_at = wire.ping_at();
                    tokio::select! {
                        () = all_in.cancelled() => return Ok::<_, anyhow::Error>(wire),
                        () = sleep_until(ping_at.unwrap_or_else(Instant::now).into()), if ping_at.is_some() => wire.ping().await?,
                        filled = wire.fill() => filled?,
                    }
                }
            };
            (i, open.await.with_context(|| format!("client {who}")))
        });
    }
    let mut wires: Vec<Option<Wire>> = specs.iter().map(|_| None).collect();
    while let Some(joined) = connecting.join_next().await {
        let (i, wire) = joined?;
        wires[i] = Some(wire?);
    }
    Ok(wires.into_iter().flatten().collect())
}

fn merge_into(into: &mut Histogram<u64>, from: &Histogram<u64>) -> Result<()> {
    into.add(from)
        .map_err(|e| anyhow::anyhow!("merging histograms: {e:?}"))
}

/// Runs the benchmark and returns its report.
pub async fn pubsub(plan: PubSubPlan, mode: &str) -> Result<Report> {
    let plan = Arc::new(plan);
    let live = Arc::new(Live::default());
    let rate = plan.clients.connect_rate;

    // Subscribers first, subscribed before anything is published.
    let pub_specs: Vec<ClientSpec> = (0..plan.publishers)
        .map(|i| plan.clients.spec("pub", i, LOAD_CHUNK))
        .collect();
    let filters: Arc<Vec<String>> = Arc::new(
        pub_specs
            .iter()
            .enumerate()
            .map(|(i, s)| plan.topic_of(i, &s.config.client_id))
            .collect(),
    );
    let sub_specs: Vec<ClientSpec> = (0..plan.subscribers)
        .map(|i| plan.clients.spec("sub", i, LOAD_CHUNK))
        .collect();
    // All in one ramp, subscribers first, so that every client is kept alive until the last
    // one is in.
    let specs: Vec<ClientSpec> = sub_specs.iter().chain(&pub_specs).cloned().collect();
    let mut subs = open_all(&specs, rate, (filters.clone(), plan.qos), sub_specs.len()).await?;
    let pubs = subs.split_off(sub_specs.len());

    let epoch = Instant::now() + LEAD;
    let epoch_unix_ns = unix_ns(epoch);
    let published = CancellationToken::new();
    // Ctrl-C or SIGTERM ends publishing early; the report covers what was sent.
    let interrupted = shutdown::token();
    let finished = CancellationToken::new();
    let progress = tokio::spawn(show_progress(
        live.clone(),
        epoch,
        Progress {
            on: plan.progress,
            qos: plan.qos,
            subscribers: plan.subscribers as u64,
        },
        finished.clone(),
    ));
    let mut sub_tasks = JoinSet::new();
    for (i, (wire, spec)) in subs.into_iter().zip(sub_specs).enumerate() {
        let cx = subscriber::Context {
            epoch,
            epoch_unix_ns,
            warmup_until_ns: epoch_unix_ns
                .saturating_add(u64::try_from(plan.warmup.as_nanos()).unwrap_or(u64::MAX)),
            live: live.clone(),
            filters: filters.clone(),
            qos: plan.qos,
            count_foreign: false,
        };
        let until = subscriber::Until::Drained {
            published: published.clone(),
        };
        let delivery = Delivery::new(plan.publishers);
        sub_tasks.spawn(subscriber::run(i, spec, wire, delivery, cx, until));
    }
    let mut pub_tasks = JoinSet::new();
    for (i, (wire, spec)) in pubs.into_iter().zip(pub_specs).enumerate() {
        let cx = publisher::Context {
            plan: plan.clone(),
            epoch,
            epoch_unix_ns,
            live: live.clone(),
            interrupted: interrupted.clone(),
        };
        pub_tasks.spawn(publisher::run(i, spec, wire, cx));
    }

    let mut sent_by = vec![0u64; plan.publishers];
    let mut counts = Counts::default();
    let mut ack = new_histogram();
    let mut last_sent = Duration::ZERO;
    let mut failure = None;
    while let Some(joined) = pub_tasks.join_next().await {
        match joined? {
            Ok((i, r)) => {
                sent_by[i] = r.sent_all;
                counts.unsent += r.unsent;
                counts.sent += r.sent;
                counts.acked += r.acked;
                counts.late += r.late;
                counts.max_lag_us = counts
                    .max_lag_us
                    .max(u64::try_from(r.max_lag.as_micros()).unwrap_or(u64::MAX));
                counts.errors += r.errors;
                counts.reconnects += r.reconnects;
                last_sent = last_sent.max(r.last_sent);
                merge_into(&mut ack, &r.ack)?;
            }
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    published.cancel();
    let mut e2e = new_histogram();
    while let Some(joined) = sub_tasks.join_next().await {
        match joined? {
            Ok(r) => {
                counts.received += r.received;
                counts.retained += r.retained;
                counts.expected += sent_by.iter().sum::<u64>();
                counts.lost += r.delivery.lost(&sent_by);
                counts.duplicated += r.delivery.duplicated;
                counts.out_of_order += r.delivery.out_of_order;
                counts.errors += r.errors;
                counts.reconnects += r.reconnects;
                merge_into(&mut e2e, &r.e2e)?;
            }
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    finished.cancel();
    let _ = progress.await;
    if let Some(e) = failure {
        return Err(e);
    }

    let elapsed = last_sent
        .saturating_sub(plan.warmup)
        .max(Duration::from_millis(1));
    let load = Load {
        publishers: plan.publishers as u64,
        subscribers: plan.subscribers as u64,
        connections: 0,
        qos: plan.qos,
        size: plan.size as u64,
        offered_rate: if plan.publishers > 0 { plan.rate } else { 0.0 },
        warmup_s: plan.warmup.as_secs_f64(),
    };
    let mut hists: Vec<(&str, &Histogram<u64>)> = Vec::new();
    if plan.subscribers > 0 {
        hists.push(("end_to_end", &e2e));
    }
    if plan.qos > 0 && plan.publishers > 0 {
        hists.push(("ack", &ack));
    }
    Report::new(mode, load, elapsed, counts, &hists)
}

/// Subscribers only: counts what arrives, checks bench headers for duplicates and order, and
/// times bench messages from their intended send time (on the wall clock, so across
/// machines only as well as their clocks agree); the rate runs from the first message to
/// the last.
pub async fn sub(plan: SubPlan) -> Result<Report> {
    let live = Arc::new(Live::default());
    let filters = Arc::new(vec![plan.filter.clone()]);
    let specs: Vec<ClientSpec> = (0..plan.subscribers)
        .map(|i| plan.clients.spec("sub", i, LOAD_CHUNK))
        .collect();
    let wires = open_all(
        &specs,
        plan.clients.connect_rate,
        (filters.clone(), plan.qos),
        specs.len(),
    )
    .await?;
    let epoch = Instant::now();
    let epoch_unix_ns = unix_ns(epoch);
    let stop = shutdown::token();
    let progress = tokio::spawn(show_progress(
        live.clone(),
        epoch,
        Progress {
            on: plan.progress,
            qos: 0,
            subscribers: 0,
        },
        stop.clone(),
    ));
    let total = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    for (i, (wire, spec)) in wires.into_iter().zip(specs).enumerate() {
        let cx = subscriber::Context {
            epoch,
            epoch_unix_ns,
            warmup_until_ns: 0,
            live: live.clone(),
            filters: filters.clone(),
            qos: plan.qos,
            count_foreign: true,
        };
        let until = subscriber::Until::Stopped {
            stop: stop.clone(),
            count: plan.count,
            total: total.clone(),
        };
        tasks.spawn(subscriber::run(i, spec, wire, Delivery::open(), cx, until));
    }
    if let Some(d) = plan.duration {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(d).await;
            stop.cancel();
        });
    }
    let mut counts = Counts::default();
    let mut bytes = 0u64;
    let mut e2e = new_histogram();
    let mut span: Option<(Instant, Instant)> = None;
    let mut failure = None;
    while let Some(joined) = tasks.join_next().await {
        match joined? {
            Ok(r) => {
                counts.received += r.received;
                counts.retained += r.retained;
                bytes += r.bytes;
                counts.errors += r.errors;
                counts.reconnects += r.reconnects;
                counts.duplicated += r.delivery.duplicated;
                counts.out_of_order += r.delivery.out_of_order;
                merge_into(&mut e2e, &r.e2e)?;
                if let Some((a, b)) = r.span {
                    span = Some(span.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
                }
            }
            Err(e) => {
                failure.get_or_insert(e);
            }
        }
    }
    stop.cancel();
    let _ = progress.await;
    if let Some(e) = failure {
        return Err(e);
    }
    let elapsed = match span {
        Some((a, b)) if b > a => b - a,
        _ => epoch.elapsed(),
    };
    let load = Load {
        publishers: 0,
        subscribers: plan.subscribers as u64,
        connections: 0,
        qos: plan.qos,
        // The mean payload, so that the MB/s figures hold.
        size: bytes / counts.received.max(1),
        offered_rate: 0.0,
        warmup_s: 0.0,
    };
    let hists: Vec<(&str, &Histogram<u64>)> = if e2e.is_empty() {
        Vec::new()
    } else {
        vec![("end_to_end", &e2e)]
    };
    Report::new("sub", load, elapsed, counts, &hists)
}

/// Opens connections on a timetable, times each CONNACK, holds them, reports memory.
pub async fn connections(plan: ConnPlan) -> Result<Report> {
    let rss_base_kb = rss_kb();
    let live = Arc::new(Live::default());
    let epoch = Instant::now() + LEAD;
    let release = CancellationToken::new();
    let progress = tokio::spawn(show_progress(
        live.clone(),
        epoch,
        Progress {
            on: plan.progress,
            qos: 0,
            subscribers: 0,
        },
        release.clone(),
    ));
    let schedule = Schedule {
        offset: Duration::ZERO,
        rate: plan.rate,
    };
    let mut tasks = JoinSet::new();
    for i in 0..plan.connections {
        let spec = plan.clients.spec("conn", i, IDLE_CHUNK);
        let (live, release) = (live.clone(), release.clone());
        let at = epoch + schedule.due(i as u64);
        tasks.spawn(async move {
            sleep_until(at.into()).await;
            let began = Instant::now();
            let who = format!("connection {i}");
            // Boxed, as the reconnect below: a held connection's task then keeps only what
            // holding needs, not the space of a TLS or WebSocket handshake.
            let mut wire = match Box::pin(spec.connect()).await {
                Ok(wire) => wire,
                Err(e) => {
                    live.errors.fetch_add(1, Relaxed);
                    warn!("{who}: {e:#}");
                    return (Err(e), 0u64);
                }
            };
            let latency = began.elapsed();
            live.connected.fetch_add(1, Relaxed);
            let mut losses = 0u64;
            let mut backoff = Backoff::default();
            loop {
                let ping_at = wire.ping_at();
                let lost = tokio::select! {
                    () = release.cancelled() => break,
                    () = sleep_until(ping_at.unwrap_or_else(Instant::now).into()), if ping_at.is_some() => wire.ping().await.err(),
                    filled = wire.fill() => filled.and_then(|()| {
                        // PINGRESP and anything else: nothing to do but read it, unless the
                        // broker says why it ends the connection (MQTT 5).
                        while let Some((packet, used)) = wire.peek()? {
                            if let Incoming::Disconnect { reason } = packet {
                                return Err(disconnected(reason));
                            }
                            wire.consume(used);
                        }
                        Ok(())
                    }).err(),
                };
                if let Some(e) = lost {
                    losses += 1;
                    live.errors.fetch_add(1, Relaxed);
                    let again = tokio::select! {
                        again = Box::pin(spec.reconnect(&who, e, &mut backoff)) => again,
                        () = release.cancelled() => return (Ok(latency), losses),
                    };
                    match again {
                        Ok(w) => wire = w,
                        Err(e) => {
                            warn!("{e:#}");
                            return (Ok(latency), losses);
                        }
                    }
                }
            }
            wire.disconnect().await;
            (Ok(latency), losses)
        });
    }
    // Hold from when the last connection is due (and answered or failed).
    let last_due = epoch + schedule.due(plan.connections.saturating_sub(1) as u64);
    tokio::time::sleep_until(last_due.into()).await;
    let all_in = async {
        while live.connected.load(Relaxed) + live.errors.load(Relaxed) < plan.connections as u64 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let _ = tokio::time::timeout(plan.clients.conn.connect_timeout, all_in).await;
    let opened_after = since(epoch);
    if live.connected.load(Relaxed) > 0 {
        tokio::time::sleep(plan.hold).await;
    }
    let rss_kb = rss_kb();
    release.cancel();
    let mut h = new_histogram();
    let mut counts = Counts {
        connected: live.connected.load(Relaxed),
        ..Counts::default()
    };
    let mut first_failure = None;
    while let Some(joined) = tasks.join_next().await {
        let (latency, losses) = joined?;
        match latency {
            Ok(l) => record(&mut h, l),
            Err(e) => {
                first_failure.get_or_insert(e);
            }
        }
        counts.errors += losses;
        counts.reconnects += losses;
    }
    counts.errors += plan.connections as u64 - counts.connected;
    let _ = progress.await;
    // Some failed connections are a finding; none at all is a failure of the run.
    if let (0, Some(e)) = (counts.connected, first_failure) {
        return Err(e.context("bench conn: no connection could be opened"));
    }
    let load = Load {
        publishers: 0,
        subscribers: 0,
        connections: plan.connections as u64,
        qos: 0,
        size: 0,
        offered_rate: plan.rate,
        warmup_s: 0.0,
    };
    let mut r = Report::new("conn", load, opened_after, counts, &[("connect", &h)])?;
    r.rss_kb = rss_kb.unwrap_or(0);
    r.rss_base_kb = rss_base_kb.unwrap_or(0);
    Ok(r)
}

/// This process's resident memory in kB (Linux), from /proc/self/status.
fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
