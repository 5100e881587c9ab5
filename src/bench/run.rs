//! The load generators: open-loop publishers and checking subscribers, all in one process
//! so that one monotonic epoch (an `Instant`) times every message.

use std::collections::{HashMap, VecDeque};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bytes::Bytes;
use hdrhistogram::Histogram;
use rumqttc::QoS;
use tokio::task::JoinSet;
use tokio::time::sleep_until;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::pacer::Pacer;
use super::{header, new_histogram, record, Counts, Delivery, Load, Report, Schedule};
use crate::conn::{self, Backoff, ConnectConfig, Connection, Event};
use crate::error::Error;

/// How long publishers wait for outstanding acknowledgements, and subscribers for missing
/// messages, once publishing has ended.
const DRAIN: Duration = Duration::from_secs(5);
/// Subscribers stop early when nothing arrived for this long after publishing ended.
const QUIET: Duration = Duration::from_secs(1);
/// A message sent later than this after its intended time counts as late.
const LATE: Duration = Duration::from_millis(1);
/// Time between the last connection and the first scheduled message.
const LEAD: Duration = Duration::from_millis(20);

/// A validated publish/subscribe benchmark.
#[derive(Debug, Clone)]
pub struct PubSubPlan {
    /// Connection settings (the client id is replaced per client).
    pub conn: ConnectConfig,
    /// Publishing clients.
    pub publishers: usize,
    /// Subscribing clients; each subscribes to every publisher's topic.
    pub subscribers: usize,
    /// Messages/s over all publishers.
    pub rate: f64,
    /// Messages in all (warm-up included), split over the publishers.
    pub count: Option<u64>,
    /// Measured time after the warm-up.
    pub duration: Option<Duration>,
    /// Warm-up, excluded from the figures.
    pub warmup: Duration,
    /// Payload bytes (at least the header).
    pub size: usize,
    /// QoS.
    pub qos: u8,
    /// Topic template; `%i` is the publisher index.
    pub topic: String,
    /// Client id prefix.
    pub client_prefix: String,
    /// Unacknowledged QoS 1/2 messages per publisher.
    pub inflight: usize,
    /// Show progress on stderr.
    pub progress: bool,
}

impl PubSubPlan {
    /// The topic of publisher `i`.
    pub fn topic_of(&self, i: usize) -> String {
        self.topic.replace("%i", &i.to_string())
    }

    fn messages_of(&self, i: usize) -> u64 {
        match self.count {
            Some(n) => {
                let p = self.publishers as u64;
                n / p + u64::from((i as u64) < n % p)
            }
            None => u64::MAX,
        }
    }

    fn client(&self, role: &str, i: usize) -> ConnectConfig {
        let mut c = self.conn.clone();
        c.client_id = format!("{}{role}-{i}", self.client_prefix);
        c
    }
}

/// Counters shared with the progress display.
#[derive(Debug, Default)]
struct Live {
    sent: AtomicU64,
    acked: AtomicU64,
    received: AtomicU64,
    errors: AtomicU64,
    reconnects: AtomicU64,
    /// Messages sent by all publishers so far (final once publishing has ended).
    sent_all: AtomicU64,
    /// Connections open (bench conn).
    connected: AtomicU64,
}

struct PubResult {
    sent_all: u64,
    unsent: u64,
    sent: u64,
    acked: u64,
    late: u64,
    max_lag: Duration,
    errors: u64,
    reconnects: u64,
    ack: Histogram<u64>,
    /// When the last message was sent, after the epoch.
    last_sent: Duration,
}

struct SubResult {
    received: u64,
    delivery: Delivery,
    errors: u64,
    reconnects: u64,
    e2e: Histogram<u64>,
}

/// Runs the benchmark and returns its report.
pub async fn pubsub(plan: PubSubPlan, mode: &str) -> Result<Report> {
    let plan = Arc::new(plan);
    let live = Arc::new(Live::default());

    // Subscribers first, subscribed before anything is published.
    let mut subs = Vec::new();
    let filters: Vec<String> = (0..plan.publishers).map(|i| plan.topic_of(i)).collect();
    let mut connecting = JoinSet::new();
    for i in 0..plan.subscribers {
        let config = plan.client("sub", i);
        let filters = filters.clone();
        let qos = conn::qos(plan.qos);
        connecting.spawn(async move { (i, subscribe(config, filters, qos).await) });
    }
    while let Some(joined) = connecting.join_next().await {
        let (i, conn) = joined?;
        subs.push((i, conn?));
    }
    let mut pubs = Vec::new();
    let mut connecting = JoinSet::new();
    for i in 0..plan.publishers {
        let config = plan.client("pub", i);
        connecting.spawn(async move {
            let c = conn::connect(&config)
                .await
                .with_context(|| format!("publisher {i}"));
            (i, c)
        });
    }
    while let Some(joined) = connecting.join_next().await {
        let (i, conn) = joined?;
        pubs.push((i, conn?));
    }

    let pacer = Arc::new(Pacer::start().context("cannot start the pacer thread")?);
    let epoch = Instant::now() + LEAD;
    let published = CancellationToken::new();
    // Ctrl-C ends publishing early; the report covers what was sent.
    let interrupted = CancellationToken::new();
    let on_signal = interrupted.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
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
    for (i, c) in subs {
        sub_tasks.spawn(subscriber(
            i,
            c,
            plan.clone(),
            epoch,
            live.clone(),
            published.clone(),
        ));
    }
    let mut pub_tasks = JoinSet::new();
    for (i, c) in pubs {
        pub_tasks.spawn(publisher(
            i,
            c,
            plan.clone(),
            epoch,
            live.clone(),
            pacer.clone(),
            interrupted.clone(),
        ));
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
                ack.add(&r.ack)
                    .map_err(|e| anyhow::anyhow!("merging histograms: {e:?}"))?;
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
                counts.expected += sent_by.iter().sum::<u64>();
                counts.lost += r.delivery.lost(&sent_by);
                counts.duplicated += r.delivery.duplicated;
                counts.out_of_order += r.delivery.out_of_order;
                counts.errors += r.errors;
                counts.reconnects += r.reconnects;
                e2e.add(&r.e2e)
                    .map_err(|e| anyhow::anyhow!("merging histograms: {e:?}"))?;
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

/// Connects and subscribes to `filters`, failing when the broker refuses one.
async fn subscribe(config: ConnectConfig, filters: Vec<String>, qos: QoS) -> Result<Connection> {
    let id = config.client_id.clone();
    let mut c = conn::connect(&config)
        .await
        .with_context(|| format!("subscriber {id}"))?;
    if filters.is_empty() {
        return Ok(c);
    }
    c.client.subscribe(&filters, qos).await?;
    loop {
        if let Event::SubAck(codes) = c.events.poll().await? {
            if let Some(Err(reason)) = codes.into_iter().find(Result::is_err) {
                return Err(Error::RequestRefused(format!(
                    "subscriber {id}: subscription refused: {reason}"
                ))
                .into());
            }
            return Ok(c);
        }
    }
}

fn since(epoch: Instant) -> Duration {
    Instant::now().saturating_duration_since(epoch)
}

/// One open-loop publisher: message k is due at its schedule's time; a late message is sent at
/// once and still carries its intended time.
async fn publisher(
    i: usize,
    c: Connection,
    plan: Arc<PubSubPlan>,
    epoch: Instant,
    live: Arc<Live>,
    pacer: Arc<Pacer>,
    interrupted: CancellationToken,
) -> Result<(usize, PubResult)> {
    let Connection {
        client, mut events, ..
    } = c;
    let n = plan.messages_of(i);
    let end = plan.duration.map(|d| plan.warmup + d);
    let schedule = Schedule {
        offset: Duration::from_secs_f64(i as f64 / plan.rate),
        rate: plan.rate / plan.publishers as f64,
    };
    let topic = plan.topic_of(i);
    let qos = conn::qos(plan.qos);
    let acking = plan.qos > 0;
    let mut buf = vec![0u8; plan.size];
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
    };
    // Intended times of messages queued but not yet written, then by packet id until acked.
    let mut queued: VecDeque<Duration> = VecDeque::new();
    let mut unacked: HashMap<u16, Duration> = HashMap::new();
    let mut written = 0u64;
    let mut k = 0u64;
    let mut blocked = false;
    let mut drain_until: Option<Instant> = None;
    let mut backoff = Backoff::default();
    // The pending wake-up for message `.0`.
    let mut wake: Option<(u64, tokio::sync::oneshot::Receiver<()>)> = None;
    loop {
        // With --duration, publishing ends on time even when behind: what is left is unsent.
        let producing = k < n
            && !interrupted.is_cancelled()
            && end.is_none_or(|e| schedule.due(k) < e && since(epoch) < e);
        let window_open = !acking || queued.len() + unacked.len() < plan.inflight;
        if producing && window_open && !blocked {
            let now = since(epoch);
            while k < n {
                let due = schedule.due(k);
                if due > now || end.is_some_and(|e| due >= e) {
                    break;
                }
                if acking && queued.len() + unacked.len() >= plan.inflight {
                    break;
                }
                header::write(
                    &mut buf,
                    i as u64,
                    k,
                    u64::try_from(due.as_nanos()).unwrap_or(u64::MAX),
                );
                if client
                    .try_publish(&topic, qos, false, Bytes::copy_from_slice(&buf))
                    .is_err()
                {
                    blocked = true;
                    break;
                }
                let lag = now.saturating_sub(due);
                r.max_lag = r.max_lag.max(lag);
                if due >= plan.warmup {
                    r.sent += 1;
                    if lag > LATE {
                        r.late += 1;
                    }
                }
                r.sent_all += 1;
                r.last_sent = now;
                live.sent.fetch_add(1, Relaxed);
                live.sent_all.fetch_add(1, Relaxed);
                if acking {
                    queued.push_back(due);
                }
                k += 1;
            }
        }
        // With --duration, publishing ends on time even when behind: what is left is unsent.
        let producing = k < n
            && !interrupted.is_cancelled()
            && end.is_none_or(|e| schedule.due(k) < e && since(epoch) < e);
        let delivered = written >= r.sent_all && queued.is_empty() && unacked.is_empty();
        if !producing {
            if delivered {
                break;
            }
            if drain_until.is_none() {
                drain_until = Some(Instant::now() + DRAIN);
            }
        }
        let window_open = !acking || queued.len() + unacked.len() < plan.inflight;
        let waiting = producing && window_open && !blocked;
        if waiting && wake.as_ref().is_none_or(|(m, _)| *m != k) {
            wake = Some((k, pacer.at(epoch + schedule.due(k))));
        }
        tokio::select! {
            _ = async { (&mut wake.as_mut().expect("armed").1).await }, if waiting => wake = None,
            () = sleep_until(drain_until.unwrap_or_else(Instant::now).into()), if drain_until.is_some() => break,
            () = interrupted.cancelled(), if producing => {}
            event = events.poll() => {
                blocked = false;
                match event {
                    Ok(Event::PublishSent { .. }) if !acking => written += 1,
                    Ok(Event::PublishSent { pkid }) => {
                        written += 1;
                        if let Some(due) = queued.pop_front() {
                            unacked.insert(pkid, due);
                        }
                    }
                    Ok(Event::Acked { pkid, result }) => {
                        if let Some(due) = unacked.remove(&pkid) {
                            match result {
                                Ok(()) => {
                                    live.acked.fetch_add(1, Relaxed);
                                    if due >= plan.warmup {
                                        r.acked += 1;
                                        record(&mut r.ack, Schedule::latency(due, since(epoch)));
                                    }
                                }
                                Err(reason) => {
                                    r.errors += 1;
                                    live.errors.fetch_add(1, Relaxed);
                                    warn!("publisher {i}: publish refused: {reason}");
                                }
                            }
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        if conn::is_refusal(&e) {
                            return Err(e.context(format!("publisher {i}")));
                        }
                        r.errors += 1;
                        r.reconnects += 1;
                        live.errors.fetch_add(1, Relaxed);
                        live.reconnects.fetch_add(1, Relaxed);
                        warn!("publisher {i}: {e:#}; reconnecting");
                        // Their packet ids do not survive a new session: they stay unacked.
                        written += queued.len() as u64;
                        queued.clear();
                        unacked.clear();
                        if plan.conn.max_reconnects.is_some_and(|m| backoff.attempts >= m) {
                            return Err(e.context(format!("publisher {i}: gave up reconnecting")));
                        }
                        tokio::time::sleep(backoff.next_delay()).await;
                    }
                }
            }
        }
    }
    if let Some(e) = end {
        // Interrupted: only what was due by then counts as unsent.
        let e = if interrupted.is_cancelled() {
            e.min(since(epoch))
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
    events.disconnect(&client).await;
    Ok((i, r))
}

/// One subscriber: checks every message's publisher and sequence, and times it from its
/// intended send time.
async fn subscriber(
    i: usize,
    c: Connection,
    plan: Arc<PubSubPlan>,
    epoch: Instant,
    live: Arc<Live>,
    published: CancellationToken,
) -> Result<SubResult> {
    let Connection {
        client, mut events, ..
    } = c;
    let warmup_ns = u64::try_from(plan.warmup.as_nanos()).unwrap_or(u64::MAX);
    let mut r = SubResult {
        received: 0,
        delivery: Delivery::new(plan.publishers),
        errors: 0,
        reconnects: 0,
        e2e: new_histogram(),
    };
    let mut drain_until: Option<Instant> = None;
    let mut last_message = Instant::now();
    let mut backoff = Backoff::default();
    loop {
        if let Some(until) = drain_until {
            let all = r.delivery.unique() >= live.sent_all.load(Relaxed);
            let now = Instant::now();
            if all || now >= until || now.duration_since(last_message) >= QUIET {
                break;
            }
        }
        let wake = drain_until.map(|d| d.min(last_message.max(Instant::now()) + QUIET));
        tokio::select! {
            () = published.cancelled(), if drain_until.is_none() => {
                drain_until = Some(Instant::now() + DRAIN);
            }
            () = sleep_until(wake.unwrap_or_else(Instant::now).into()), if wake.is_some() => {}
            event = events.poll() => match event {
                Ok(Event::Publish(m)) => {
                    let now = since(epoch);
                    last_message = Instant::now();
                    let Some((p, seq, intended)) = header::read(&m.payload) else {
                        r.delivery.foreign += 1;
                        continue;
                    };
                    let new = r.delivery.note(p, seq);
                    if intended >= warmup_ns {
                        r.received += 1;
                        live.received.fetch_add(1, Relaxed);
                        if new {
                            record(&mut r.e2e, Schedule::latency(Duration::from_nanos(intended), now));
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    if conn::is_refusal(&e) {
                        return Err(e.context(format!("subscriber {i}")));
                    }
                    r.errors += 1;
                    r.reconnects += 1;
                    live.errors.fetch_add(1, Relaxed);
                    live.reconnects.fetch_add(1, Relaxed);
                    warn!("subscriber {i}: {e:#}; reconnecting");
                    if plan.conn.max_reconnects.is_some_and(|m| backoff.attempts >= m) {
                        return Err(e.context(format!("subscriber {i}: gave up reconnecting")));
                    }
                    tokio::time::sleep(backoff.next_delay()).await;
                }
            }
        }
    }
    events.disconnect(&client).await;
    Ok(r)
}

/// What the progress display shows.
#[derive(Debug, Clone, Copy)]
struct Progress {
    on: bool,
    qos: u8,
    subscribers: u64,
}

/// Once a second: an indicatif line on a terminal, a plain line on stderr otherwise.
async fn show_progress(
    live: Arc<Live>,
    epoch: Instant,
    what: Progress,
    finished: CancellationToken,
) {
    if !what.on {
        finished.cancelled().await;
        return;
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let mut tick = tokio::time::interval_at(
        (epoch + Duration::from_secs(1)).into(),
        Duration::from_secs(1),
    );
    let mut last = (0u64, 0u64);
    loop {
        tokio::select! {
            () = finished.cancelled() => break,
            _ = tick.tick() => {}
        }
        let sent = live.sent_all.load(Relaxed);
        let received = live.received.load(Relaxed);
        let acked = live.acked.load(Relaxed);
        let connected = live.connected.load(Relaxed);
        let in_flight = if what.qos > 0 {
            sent.saturating_sub(acked)
        } else {
            (sent * what.subscribers).saturating_sub(received)
        };
        let mut line = format!("{:>4.0}s  ", since(epoch).as_secs_f64());
        if connected > 0 {
            line += &format!("connected {connected}  ");
        }
        line += &format!(
            "sent {sent} ({}/s)  received {received} ({}/s)  in flight {in_flight}  errors {}",
            sent - last.0,
            received.saturating_sub(last.1),
            live.errors.load(Relaxed),
        );
        last = (sent, received);
        match &bar {
            Some(bar) => bar.set_message(line),
            None => eprintln!("{line}"),
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

/// A validated `bench sub`.
#[derive(Debug, Clone)]
pub struct SubPlan {
    /// Connection settings (the client id is replaced per client).
    pub conn: ConnectConfig,
    /// Subscribing clients.
    pub subscribers: usize,
    /// The filter.
    pub filter: String,
    /// QoS.
    pub qos: u8,
    /// Stop after this many messages in all.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Client id prefix.
    pub client_prefix: String,
    /// Show progress on stderr.
    pub progress: bool,
}

/// Subscribers only: counts what arrives and checks bench headers for duplicates and order;
/// the rate runs from the first message to the last. Latency needs the sender's clock, which
/// another process does not share: not measured here.
pub async fn sub(plan: SubPlan) -> Result<Report> {
    let live = Arc::new(Live::default());
    let mut conns = Vec::new();
    for i in 0..plan.subscribers {
        let mut config = plan.conn.clone();
        config.client_id = format!("{}sub-{i}", plan.client_prefix);
        conns.push(subscribe(config, vec![plan.filter.clone()], conn::qos(plan.qos)).await?);
    }
    let epoch = Instant::now();
    let stop = CancellationToken::new();
    let on_signal = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
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
    let span = Arc::new(Mutex::new((None::<Instant>, None::<Instant>)));
    let mut tasks = JoinSet::new();
    for (i, c) in conns.into_iter().enumerate() {
        let (live, stop, span) = (live.clone(), stop.clone(), span.clone());
        let (count, max_reconnects) = (plan.count, plan.conn.max_reconnects);
        tasks.spawn(async move {
            let Connection {
                client, mut events, ..
            } = c;
            let mut delivery = Delivery::open();
            let (mut received, mut errors, mut backoff) = (0u64, 0u64, Backoff::default());
            let mut bytes = 0u64;
            loop {
                tokio::select! {
                    () = stop.cancelled() => break,
                    event = events.poll() => match event {
                        Ok(Event::Publish(m)) => {
                            let now = Instant::now();
                            {
                                let mut s = span.lock().unwrap_or_else(|e| e.into_inner());
                                s.0.get_or_insert(now);
                                s.1 = Some(now);
                            }
                            received += 1;
                            bytes += m.payload.len() as u64;
                            let all = live.received.fetch_add(1, Relaxed) + 1;
                            if let Some((p, seq, _)) = header::read(&m.payload) {
                                delivery.note(p, seq);
                            }
                            if count.is_some_and(|n| all >= n) {
                                stop.cancel();
                            }
                        }
                        Ok(_) => {}
                        Err(e) => {
                            if conn::is_refusal(&e) {
                                return Err(e.context(format!("subscriber {i}")));
                            }
                            errors += 1;
                            live.errors.fetch_add(1, Relaxed);
                            live.reconnects.fetch_add(1, Relaxed);
                            warn!("subscriber {i}: {e:#}; reconnecting");
                            if max_reconnects.is_some_and(|m| backoff.attempts >= m) {
                                return Err(e.context(format!("subscriber {i}: gave up reconnecting")));
                            }
                            tokio::time::sleep(backoff.next_delay()).await;
                        }
                    }
                }
            }
            events.disconnect(&client).await;
            Ok::<_, anyhow::Error>((received, bytes, errors, delivery))
        });
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
    let mut failure = None;
    while let Some(joined) = tasks.join_next().await {
        match joined? {
            Ok((received, b, errors, d)) => {
                counts.received += received;
                bytes += b;
                counts.errors += errors;
                counts.reconnects += errors;
                counts.duplicated += d.duplicated;
                counts.out_of_order += d.out_of_order;
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
    let (first, last) = *span.lock().unwrap_or_else(|e| e.into_inner());
    let elapsed = match (first, last) {
        (Some(a), Some(b)) if b > a => b - a,
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
    Report::new("sub", load, elapsed, counts, &[])
}

/// A validated `bench conn`.
#[derive(Debug, Clone)]
pub struct ConnPlan {
    /// Connection settings (the client id is replaced per client).
    pub conn: ConnectConfig,
    /// Connections to open.
    pub clients: usize,
    /// Connections opened per second.
    pub rate: f64,
    /// How long to hold them once all are open.
    pub hold: Duration,
    /// Client id prefix.
    pub client_prefix: String,
    /// Show progress on stderr.
    pub progress: bool,
}

/// Opens connections on a timetable, times each CONNACK, holds them, reports memory.
pub async fn connections(plan: ConnPlan) -> Result<Report> {
    let rss_base_kb = rss_kb();
    let live = Arc::new(Live::default());
    let pacer = Arc::new(Pacer::start().context("cannot start the pacer thread")?);
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
    for i in 0..plan.clients {
        let mut config = plan.conn.clone();
        config.client_id = format!("{}conn-{i}", plan.client_prefix);
        let (live, release) = (live.clone(), release.clone());
        let start = epoch + schedule.due(i as u64);
        let wake = pacer.at(start);
        tasks.spawn(async move {
            let _ = wake.await;
            let began = Instant::now();
            let c = match conn::connect(&config).await {
                Ok(c) => c,
                Err(e) => {
                    live.errors.fetch_add(1, Relaxed);
                    warn!("connection {i}: {e:#}");
                    return (None, 0u64);
                }
            };
            let latency = began.elapsed();
            live.connected.fetch_add(1, Relaxed);
            let Connection {
                client, mut events, ..
            } = c;
            let mut losses = 0u64;
            loop {
                tokio::select! {
                    () = release.cancelled() => break,
                    event = events.poll() => if let Err(e) = event {
                        losses += 1;
                        live.errors.fetch_add(1, Relaxed);
                        warn!("connection {i}: {e:#}");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
            events.disconnect(&client).await;
            (Some(latency), losses)
        });
    }
    // Hold from when the last connection is due (and answered or failed).
    let last_due = epoch + schedule.due(plan.clients.saturating_sub(1) as u64);
    tokio::time::sleep_until(last_due.into()).await;
    let all_in = async {
        while live.connected.load(Relaxed) + live.errors.load(Relaxed) < plan.clients as u64 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let _ = tokio::time::timeout(plan.conn.connect_timeout, all_in).await;
    let opened_after = since(epoch);
    tokio::time::sleep(plan.hold).await;
    let rss_kb = rss_kb();
    release.cancel();
    let mut h = new_histogram();
    let mut counts = Counts {
        connected: live.connected.load(Relaxed),
        ..Counts::default()
    };
    while let Some(joined) = tasks.join_next().await {
        let (latency, losses) = joined?;
        if let Some(l) = latency {
            record(&mut h, l);
        }
        counts.errors += losses;
        counts.reconnects += losses;
    }
    counts.errors += plan.clients as u64 - counts.connected;
    let _ = progress.await;
    let load = Load {
        publishers: 0,
        subscribers: 0,
        connections: plan.clients as u64,
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
