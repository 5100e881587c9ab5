//! `mqttkit bench`: arguments → a validated plan → the load generators → a rendered report.

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::bench::plan::{Clients, ConnPlan, PubSubPlan, SubPlan};
use crate::bench::template::Template;
use crate::bench::{header, render, run, timing, Report};
use crate::cli::{
    BenchArgs, BenchClientArgs, BenchConnArgs, BenchLoadArgs, BenchMergeArgs, BenchMode,
    BenchSubArgs,
};
use crate::conn;
use crate::error::usage;
use crate::topic;

/// Runs `mqttkit bench …`.
pub fn run(args: BenchArgs) -> Result<()> {
    match args.mode {
        BenchMode::Pubsub(a) => load(a, "pubsub"),
        BenchMode::Pub(a) => load(a, "pub"),
        BenchMode::Sub(a) => sub(a),
        BenchMode::Conn(a) => connections(a),
        BenchMode::Merge(a) => merge(a),
    }
}

/// The lowest total rate: one message an hour.
const MIN_RATE: f64 = 1.0 / 3600.0;

/// Validates the load flags of `mode` (pubsub or pub).
fn resolve(args: &BenchLoadArgs, mode: &str) -> Result<PubSubPlan> {
    let conn = conn::resolve(&args.conn, "bench")?;
    let publishers = args.clients as usize;
    let rate = match args.interval {
        Some(d) if d.is_zero() => return Err(usage("--interval must be above 0")),
        Some(d) => publishers as f64 / d.as_secs_f64(),
        None => args.rate,
    };
    if !rate.is_finite() || rate <= 0.0 {
        return Err(usage(format!(
            "--rate {rate}: messages per second must be above 0"
        )));
    }
    if rate < MIN_RATE {
        return Err(usage(format!(
            "--rate {rate} (or --interval): below one message an hour in all"
        )));
    }
    if args.size < header::LEN as u64 {
        return Err(usage(format!(
            "--size {}: payloads carry a {}-byte header (publisher, sequence, send time); use --size {} or more",
            args.size,
            header::LEN,
            header::LEN
        )));
    }
    let size = usize::try_from(args.size)
        .ok()
        .filter(|&s| s <= 268_435_455 - 65_540)
        .ok_or_else(|| usage(format!("--size {}: larger than an MQTT packet", args.size)))?;
    let subscribers = match (mode, args.subscribers) {
        ("pub", Some(_)) => {
            return Err(usage("--subscribers: bench pub has none; use bench pubsub"))
        }
        ("pub", None) => 0,
        (_, n) => n.unwrap_or(1),
    };
    let topic = Template::parse(&args.topic)
        .map_err(|e| usage(format!("-t/--topic {:?}: {e}", args.topic)))?;
    let clients = clients(&args.client, conn, args.connect_rate)?;
    for i in [0, publishers - 1] {
        let t = topic.expand(i, &clients.spec("pub", i, 0).config.client_id);
        topic::validate_name(&t).map_err(|e| usage(format!("-t/--topic {t:?}: {e}")))?;
    }
    if publishers > 1 && !topic.per_client() {
        return Err(usage(
            "-t/--topic: with several publishers the template needs %i or %c, so that each publisher has its own topic (the delivery checks count per topic)",
        ));
    }
    let duration = match (args.count, args.duration) {
        (None, None) => Some(Duration::from_secs(10)),
        (_, d) => d,
    };
    if duration.is_some_and(|d| d.is_zero()) {
        return Err(usage("--duration must be above 0"));
    }
    Ok(PubSubPlan {
        clients,
        publishers,
        subscribers: subscribers as usize,
        rate,
        count: args.count,
        duration,
        warmup: args.warmup,
        size,
        qos: args.qos,
        retain: args.retain,
        topic,
        inflight: usize::from(args.inflight),
        tick: args
            .tick
            .unwrap_or_else(|| timing::auto_tick(rate, publishers)),
        progress: !args.report.quiet,
    })
}

/// Warns about an insecure transport once per run (not per connection), after every usage
/// check passed, just before connecting.
fn warn_once(clients: &Clients) {
    super::warn_before_connecting(&clients.conn);
}

/// The client settings every mode shares.
fn clients(
    args: &BenchClientArgs,
    conn: conn::ConnectConfig,
    connect_rate: Option<f64>,
) -> Result<Clients> {
    if let Some(r) = connect_rate.filter(|r| !r.is_finite() || *r <= 0.0) {
        return Err(usage(format!(
            "--connect-rate {r}: connections per second must be above 0"
        )));
    }
    Ok(Clients {
        conn,
        prefix: args.client_prefix.clone().unwrap_or_else(default_prefix),
        sources: args.ifaddr.clone(),
        connect_rate,
    })
}

fn load(args: BenchLoadArgs, mode: &str) -> Result<()> {
    let plan = resolve(&args, mode)?;
    warn_once(&plan.clients);
    let report = runtime(args.client.threads)?.block_on(run::pubsub(plan, mode))?;
    print(&report, args.report.json)
}

/// The runtime every client of the run shares: one thread by default (the cheapest per
/// message, and it leaves the other cores to a broker on the same machine), else a
/// work-stealing pool of `threads`.
fn runtime(threads: u16) -> Result<tokio::runtime::Runtime> {
    let mut builder = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(usize::from(threads));
        b
    };
    builder
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn default_prefix() -> String {
    format!("mqttkit-bench-{}-", std::process::id())
}

fn sub(args: BenchSubArgs) -> Result<()> {
    let conn = conn::resolve(&args.conn, "bench")?;
    topic::validate_filter(&args.topic)
        .map_err(|e| usage(format!("-t/--topic {:?}: {e}", args.topic)))?;
    let duration = match (args.count, args.duration) {
        (None, None) => Some(Duration::from_secs(10)),
        (_, d) => d,
    };
    if duration.is_some_and(|d| d.is_zero()) {
        return Err(usage("--duration must be above 0"));
    }
    let plan = SubPlan {
        clients: clients(&args.client, conn, args.connect_rate)?,
        subscribers: args.clients as usize,
        filter: args.topic.clone(),
        qos: args.qos,
        count: args.count,
        duration,
        progress: !args.report.quiet,
    };
    warn_once(&plan.clients);
    let report = runtime(args.client.threads)?.block_on(run::sub(plan))?;
    print(&report, args.report.json)
}

fn connections(args: BenchConnArgs) -> Result<()> {
    let conn = conn::resolve(&args.conn, "bench")?;
    let plan = ConnPlan {
        clients: clients(&args.client, conn, Some(args.connect_rate))?,
        connections: args.clients as usize,
        rate: args.connect_rate,
        hold: args.duration,
        progress: !args.report.quiet,
    };
    warn_once(&plan.clients);
    let report = runtime(args.client.threads)?.block_on(run::connections(plan))?;
    print(&report, args.report.json)
}

fn merge(args: BenchMergeArgs) -> Result<()> {
    let reports = args
        .reports
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Report::from_json(&text).with_context(|| path.display().to_string())
        })
        .collect::<Result<Vec<_>>>()?;
    print(&Report::merge(&reports)?, args.json)
}

fn print(report: &Report, json: bool) -> Result<()> {
    let text = if json {
        render::json(report)? + "\n"
    } else {
        render::text(report)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("writing to stdout")
}
