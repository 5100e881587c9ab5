//! `mqttkit demo`: the bundled broker, a small fleet with presence, and `top` on a terminal
//! (or, with `--plain` or without a terminal, a subscriber printing a scrolling log), in one
//! process — what the toolkit does, in a minute.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use bytes::Bytes;
use colored::Colorize;
use rumqttc::QoS;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::broker::{self, BrokerConfig};
use crate::cli::DemoArgs;
use crate::conn::{self, ConnectConfig, Event, Message, Will};
use crate::output::format::iso8601_millis;
use crate::sim::device::{DeviceRun, Presence};
use crate::sim::{sensor, topic_for, DeviceSpec, FleetSpec, ModelKind, PayloadFormat, Stats};
use crate::top::{self, TopConfig};

/// Runs `mqttkit demo`.
pub fn run(args: DemoArgs) -> Result<()> {
    let term = std::env::var("TERM").ok();
    let on_terminal =
        super::top::no_terminal(std::io::stdout().is_terminal(), term.as_deref()).is_none();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(async {
            let with_top = !args.plain && on_terminal;
            demo(args, with_top).await
        })
}

/// Binds `port` on 127.0.0.1, or a free port when it is taken (saying so).
async fn bind(port: u16) -> Result<TcpListener> {
    match TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let l = TcpListener::bind(("127.0.0.1", 0))
                .await
                .context("binding a free port")?;
            crate::output::print_status(&format!(
                "port {port} is in use; the demo broker takes port {} instead",
                l.local_addr()?.port()
            ));
            Ok(l)
        }
        Err(e) => Err(e).with_context(|| format!("binding 127.0.0.1:{port}")),
    }
}

fn fleet(devices: u32) -> Result<FleetSpec> {
    let sensors = ["temperature", "pressure", "humidity"]
        .iter()
        .map(|k| sensor::parse(k).map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    Ok(FleetSpec {
        devices: (1..=devices as usize)
            .map(|i| DeviceSpec {
                name: format!("dev-{i}"),
                index: i,
                sensors: sensors.clone(),
                status: true,
            })
            .collect(),
        topic: "sensors/{device}/{sensor}".into(),
        status_topic: "devices/{device}/status".into(),
        payload: PayloadFormat::Json,
        model: ModelKind::Walk,
        qos: QoS::AtLeastOnce,
        retain: false,
        count: None,
        seed: rand::random(),
        buffer: 10_000,
    })
}

async fn demo(args: DemoArgs, with_top: bool) -> Result<()> {
    let stopped_by_user = crate::shutdown::signal();
    let listener = bind(args.port).await?;
    let addr = listener.local_addr()?;
    let stop_broker = CancellationToken::new();
    let broker_stopped = stop_broker.clone();
    let broker = tokio::spawn(broker::run(
        listener,
        BrokerConfig {
            // top's broker panel; the log has no use for it.
            sys_interval: with_top.then_some(Duration::from_secs(2)),
            ..BrokerConfig::default()
        },
        async move { broker_stopped.cancelled().await },
    ));
    let fleet = Arc::new(fleet(args.devices)?);
    let stop = CancellationToken::new();
    let stats = Arc::new(Stats::default());
    let watcher = if with_top {
        None
    } else {
        print_banner(addr, args.devices);
        let events = subscribe_watcher(&ConnectConfig::tcp(addr, "demo-watcher")).await?;
        Some(tokio::spawn(watch(events)))
    };
    let mut devices = tokio::task::JoinSet::new();
    for d in &fleet.devices {
        let mut conn = ConnectConfig::tcp(addr, &format!("demo-{}", d.name));
        let presence = Presence {
            topic: topic_for(&fleet.status_topic, d, ""),
            online: Bytes::from_static(b"online"),
            offline: Bytes::from_static(b"offline"),
        };
        conn.will = Some(Will {
            topic: presence.topic.clone(),
            payload: presence.offline.to_vec(),
            qos: QoS::AtLeastOnce,
            retain: true,
        });
        devices.spawn(
            DeviceRun {
                spec: d.clone(),
                fleet: fleet.clone(),
                conn,
                presence: Some(presence),
                stats: stats.clone(),
                readings: None,
                stop: stop.clone(),
            }
            .run(),
        );
    }
    let shown = if with_top {
        let stop_top = CancellationToken::new();
        let config = top_config(addr);
        let mut top = tokio::task::spawn_blocking({
            let stop_top = stop_top.clone();
            move || top::run_until(config, stop_top)
        });
        tokio::select! {
            done = &mut top => done,
            () = sleep_or_forever(args.duration) => {
                stop_top.cancel();
                top.await
            }
        }
        .context("top failed")?
    } else {
        tokio::select! {
            () = stopped_by_user => {}
            () = sleep_or_forever(args.duration) => {}
        }
        Ok(())
    };
    stop.cancel();
    while let Some(done) = devices.join_next().await {
        done.context("device task failed")??;
    }
    if let Some(watcher) = watcher {
        // Let the watcher print the devices going offline.
        tokio::time::sleep(Duration::from_millis(200)).await;
        watcher.abort();
    }
    stop_broker.cancel();
    broker.await.context("broker task failed")??;
    shown?;
    let s = stats.snapshot();
    crate::output::print_status(&format!(
        "demo: {} readings published by {} devices; broker stopped",
        s.produced, args.devices
    ));
    Ok(())
}

/// `top` on the demo's broker, with a hint of what to try from another terminal.
fn top_config(addr: SocketAddr) -> TopConfig {
    TopConfig {
        conn: ConnectConfig::tcp(addr, "demo-top"),
        filters: vec!["#".into()],
        qos: QoS::AtMostOnce,
        history: 50,
        presence: None,
        fps: 10,
        color: colored::control::SHOULD_COLORIZE.should_colorize(),
        hint: Some(format!(
            " demo · try: mqttkit sub -h {} -p {} -t 'sensors/#' -v   · q quits",
            addr.ip(),
            addr.port()
        )),
    }
}

async fn sleep_or_forever(duration: Option<Duration>) {
    match duration {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

/// Connects the demo's subscriber and waits for its SUBACK, so it sees the first readings.
async fn subscribe_watcher(config: &ConnectConfig) -> Result<conn::Events> {
    let conn::Connection {
        client, mut events, ..
    } = super::connect(config).await?;
    client
        .subscribe(
            &["sensors/#".to_string(), "devices/+/status".to_string()],
            QoS::AtLeastOnce,
        )
        .await?;
    loop {
        if let Event::SubAck(_) = events.poll().await? {
            return Ok(events);
        }
    }
}

/// Prints what the subscriber receives, until aborted.
async fn watch(mut events: conn::Events) {
    loop {
        match events.poll().await {
            Ok(Event::Publish(m)) => print_message(&m),
            Ok(_) => {}
            // The broker is in this process; a lost connection only happens as it stops.
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

fn print_banner(addr: SocketAddr, devices: u32) {
    let (h, p) = (addr.ip(), addr.port());
    let lines = [
        format!(
            "mqttkit demo: a broker on {addr}, {devices} simulated devices (temperature, pressure, humidity; presence on devices/<name>/status), and a subscriber."
        ),
        "Try in another terminal:".to_string(),
        format!("  mqttkit sub -h {h} -p {p} -t 'sensors/#' -v"),
        format!("  mqttkit sub -h {h} -p {p} -t 'devices/+/status' -v"),
        format!("  mqttkit pub -h {h} -p {p} -t sensors/dev-1/note -m 'hello'"),
        "Ctrl-C stops the demo.".to_string(),
        String::new(),
    ];
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}

/// One line per message: time, device, what, value.
fn print_message(m: &Message) {
    let time = iso8601_millis(SystemTime::now());
    let time = &time[11..23];
    let levels: Vec<&str> = m.topic.split('/').collect();
    let text = String::from_utf8_lossy(&m.payload);
    let line = match levels.as_slice() {
        ["devices", device, "status"] => {
            let state = if text == "online" {
                text.green().bold()
            } else {
                text.red().bold()
            };
            format!("{time}  {:<8} is {state}", device.bold())
        }
        ["sensors", device, sensor] => {
            let reading = serde_json::from_slice::<serde_json::Value>(&m.payload)
                .ok()
                .and_then(|v| Some(format!("{} {}", v.get("value")?, v.get("unit")?.as_str()?)))
                .unwrap_or_else(|| text.to_string());
            format!(
                "{time}  {:<8} {:<12} {}",
                device.bold(),
                sensor,
                reading.cyan()
            )
        }
        _ => format!("{time}  {} {}", m.topic, text),
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
