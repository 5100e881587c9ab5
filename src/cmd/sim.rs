//! `mqttkit sim`: a simulated sensor fleet publishing telemetry, one connection per device.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bytes::Bytes;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::cli::SimArgs;
use crate::conn::{self, ConnectConfig, Will};
use crate::error::usage;
use crate::sim::device::{DeviceRun, Presence};
use crate::sim::{
    payload, scenario, sensor, topic_for, DeviceSpec, FleetSpec, ModelKind, PayloadFormat, Reading,
    Stats, StatsSnapshot,
};
use crate::topic;

/// A validated `sim` invocation.
struct SimPlan {
    fleet: Arc<FleetSpec>,
    conn: ConnectConfig,
    duration: Option<Duration>,
    json: bool,
}

fn resolve(args: SimArgs) -> Result<SimPlan> {
    let conn = conn::resolve(&args.conn, "sim")?;
    let scenario = match &args.scenario {
        Some(path) => scenario::load(path).map_err(|e| usage(format!("--scenario {e}")))?,
        None => scenario::Scenario::default(),
    };
    let devices = if args.scenario.is_some() {
        scenario.devices.clone()
    } else {
        let specs = if args.sensor.is_empty() {
            vec!["temperature".to_string(), "pressure".to_string()]
        } else {
            args.sensor.clone()
        };
        let sensors = specs
            .iter()
            .map(|s| sensor::parse(s).map_err(|e| usage(format!("--sensor {e}"))))
            .collect::<Result<Vec<_>>>()?;
        let n = args.devices.unwrap_or(1) as usize;
        if args.device_prefix.is_empty() || args.device_prefix.contains(['/', '+', '#']) {
            return Err(usage(
                "--device-prefix: one topic level without '/', '+' or '#'",
            ));
        }
        (1..=n)
            .map(|i| DeviceSpec {
                name: format!("{}{i}", args.device_prefix),
                index: i,
                sensors: sensors.clone(),
                status: args.status,
            })
            .collect()
    };
    let devices: Vec<DeviceSpec> = devices
        .into_iter()
        .map(|mut d| {
            d.status |= args.status;
            d
        })
        .collect();

    let topic_template = args
        .topic
        .or(scenario.topic)
        .unwrap_or_else(|| "sensors/{device}/{sensor}".into());
    payload::check_placeholders(&topic_template, &["device", "sensor", "i"])
        .map_err(|e| usage(format!("--topic {e}")))?;
    payload::check_placeholders(&args.status_topic, &["device", "i"])
        .map_err(|e| usage(format!("--status-topic {e}")))?;
    // Every topic the fleet will use must be a valid topic name [MQTT-3.3.2-2].
    for d in &devices {
        for s in &d.sensors {
            let t = topic_for(&topic_template, d, &s.name);
            topic::validate_name(&t).map_err(|e| usage(format!("--topic gives {t:?}: {e}")))?;
        }
        if d.status {
            let t = topic_for(&args.status_topic, d, "");
            topic::validate_name(&t)
                .map_err(|e| usage(format!("--status-topic gives {t:?}: {e}")))?;
        }
    }
    if devices.iter().any(|d| d.status) && conn.will.is_some() {
        return Err(usage(
            "--status sets each device's will; it cannot be combined with --will-topic",
        ));
    }
    let payload_text = args
        .payload
        .or(scenario.payload)
        .unwrap_or_else(|| "json".into());
    let payload =
        PayloadFormat::parse(&payload_text).map_err(|e| usage(format!("--payload {e}")))?;
    let seed = args
        .seed
        .or(scenario.seed)
        .unwrap_or_else(rand::random::<u64>);
    info!("seed {seed} (pass --seed {seed} to repeat these values)");
    let fleet = FleetSpec {
        devices,
        topic: topic_template,
        status_topic: args.status_topic,
        payload,
        model: args.model.or(scenario.model).unwrap_or(ModelKind::Walk),
        qos: conn::qos(args.qos.or(scenario.qos).unwrap_or(0)),
        retain: args.retain || scenario.retain.unwrap_or(false),
        count: args.count.or(scenario.count),
        seed,
        buffer: usize::try_from(args.buffer).unwrap_or(usize::MAX),
    };
    Ok(SimPlan {
        fleet: Arc::new(fleet),
        conn,
        duration: args.duration,
        json: args.json,
    })
}

/// Runs `mqttkit sim`.
pub fn run(args: SimArgs) -> Result<()> {
    let plan = resolve(args)?;
    super::block_on(simulate(plan))
}

/// This device's connection: its own client id, and its presence will.
fn device_connection(
    base: &ConnectConfig,
    fleet: &FleetSpec,
    d: &DeviceSpec,
) -> (ConnectConfig, Option<Presence>) {
    let mut conn = base.clone();
    if fleet.devices.len() > 1 {
        conn.client_id = format!("{}-{}", base.client_id, d.name);
    }
    let presence = d.status.then(|| Presence {
        topic: topic_for(&fleet.status_topic, d, ""),
        online: Bytes::from_static(b"online"),
        offline: Bytes::from_static(b"offline"),
    });
    if let Some(p) = &presence {
        // The broker publishes it if the device vanishes [MQTT-3.1.2-8].
        conn.will = Some(Will {
            topic: p.topic.clone(),
            payload: p.offline.to_vec(),
            qos: rumqttc::QoS::AtLeastOnce,
            retain: true,
        });
    }
    (conn, presence)
}

async fn simulate(plan: SimPlan) -> Result<()> {
    let stats = Arc::new(Stats::default());
    let stop = CancellationToken::new();
    let (readings_tx, readings_rx) = mpsc::unbounded_channel();
    let mut devices = tokio::task::JoinSet::new();
    for d in &plan.fleet.devices {
        let (conn, presence) = device_connection(&plan.conn, &plan.fleet, d);
        devices.spawn(
            DeviceRun {
                spec: d.clone(),
                fleet: plan.fleet.clone(),
                conn,
                presence,
                stats: stats.clone(),
                readings: plan.json.then(|| readings_tx.clone()),
                stop: stop.clone(),
            }
            .run(),
        );
    }
    drop(readings_tx);
    let started = Instant::now();
    let finished = CancellationToken::new();
    let reporter = tokio::spawn(report(
        plan.json,
        readings_rx,
        stats.clone(),
        plan.fleet.devices.len(),
        finished.clone(),
        stop.clone(),
    ));
    if let Some(d) = plan.duration {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(d).await;
            stop.cancel();
        });
    }
    let signals = stop.clone();
    let by_signal = CancellationToken::new();
    let signalled = crate::shutdown::signal();
    let on_signal = by_signal.clone();
    tokio::spawn(async move {
        signalled.await;
        on_signal.cancel();
        signals.cancel();
    });
    let mut first_error = None;
    while let Some(done) = devices.join_next().await {
        if let Err(e) = done.context("device task failed").and_then(|r| r) {
            if first_error.is_none() {
                first_error = Some(e);
                stop.cancel();
            }
        }
    }
    stop.cancel();
    finished.cancel();
    let written = reporter.await.context("the output task failed")?;
    let snapshot = stats.snapshot();
    let summary = summary_line(&snapshot, plan.fleet.devices.len(), started.elapsed());
    crate::output::print_status(&summary);
    match first_error {
        Some(e) => Err(e),
        // A run that ended by itself (--duration, --count) without reaching the broker tells
        // a CI job so; Ctrl-C is the user's choice.
        None if snapshot.connections == 0 && !by_signal.is_cancelled() => Err(anyhow::anyhow!(
            "no device could connect to {}:{}: nothing was sent",
            plan.conn.host,
            plan.conn.port
        )),
        // A closed pipe ends with 0 in `main`, any other write error with 1.
        None => written.context("writing to stdout"),
    }
}

/// Prints readings as JSON lines (`--json`), or a live status line on a terminal. A failed
/// write to stdout (a closed pipe, a full disk) stops the whole run (`stop`), so devices
/// still announce themselves offline, and is returned.
async fn report(
    json: bool,
    mut readings: mpsc::UnboundedReceiver<Reading>,
    stats: Arc<Stats>,
    devices: usize,
    finished: CancellationToken,
    stop: CancellationToken,
) -> std::io::Result<()> {
    if json {
        let stdout = std::io::stdout();
        while let Some(r) = readings.recv().await {
            let mut out = stdout.lock();
            let line = PayloadFormat::Json.render(&r);
            let written = out
                .write_all(&line)
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush());
            if let Err(e) = written {
                stop.cancel();
                return Err(e);
            }
        }
        return Ok(());
    }
    if !std::io::stderr().is_terminal() {
        return Ok(());
    }
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = finished.cancelled() => {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[K");
                let _ = err.flush();
                return Ok(());
            }
        }
        let line = live_line(&stats.snapshot(), devices, started.elapsed());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
    }
}

fn rate(n: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        n as f64 / secs
    } else {
        0.0
    }
}

fn live_line(s: &StatsSnapshot, devices: usize, elapsed: Duration) -> String {
    format!(
        "sim: {}/{devices} connected · {} readings · {:.1}/s · {} acked · {} reconnects · {} dropped",
        s.connected,
        s.produced,
        rate(s.produced, elapsed),
        s.acked,
        s.reconnects,
        s.dropped
    )
}

fn summary_line(s: &StatsSnapshot, devices: usize, elapsed: Duration) -> String {
    format!(
        "sim: {} readings from {devices} device(s) in {:.1}s ({:.1}/s); {} sent, {} acknowledged; {} dropped; {} reconnects",
        s.produced,
        elapsed.as_secs_f64(),
        rate(s.produced, elapsed),
        s.sent,
        s.acked,
        s.dropped,
        s.reconnects
    )
}
