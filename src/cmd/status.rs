//! `mqttkit status`: announce a device's presence (retained "online", a will of "offline"), or
//! watch the presence of many (`--watch`), optionally waiting for a state (`--expect`).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use bytes::Bytes;
use colored::Colorize;
use rumqttc::QoS;
use tracing::warn;

use crate::cli::{ExpectState, StatusArgs};
use crate::conn::{self, Backoff, ConnectConfig, Event, Will};
use crate::error::{usage, Error};
use crate::output;
use crate::output::format::iso8601_millis;
use crate::presence::announce::say_offline;
use crate::presence::{Change, Presence, State};
use crate::topic;

/// Announcing one device.
struct Announce {
    conn: ConnectConfig,
    topic: String,
    online: String,
    offline: String,
    json: bool,
    interval: Duration,
}

/// Watching many.
struct Watch {
    conn: ConnectConfig,
    filter: String,
    json: bool,
    expect: Option<(State, usize)>,
    timeout: Option<Duration>,
}

/// Runs `mqttkit status`.
pub fn run(args: StatusArgs) -> Result<()> {
    let mut conn = conn::resolve(&args.conn, "status")?;
    match (&args.topic, &args.watch) {
        (Some(t), None) => {
            topic::validate_name(t).map_err(|e| usage(format!("-t {t:?}: {e}")))?;
            if conn.will.is_some() {
                return Err(usage(
                    "status sets the will itself (its --offline payload on -t); drop --will-topic",
                ));
            }
            let plan = Announce {
                topic: t.clone(),
                online: args.online.clone(),
                offline: args.offline.clone(),
                json: args.json,
                interval: args.interval,
                conn: {
                    let will = payload(&args.offline, args.json, SystemTime::now(), None);
                    // The broker publishes it, retained, if this process vanishes
                    // [MQTT-3.1.2-8], [MQTT-3.1.2-17].
                    conn.will = Some(Will {
                        topic: t.clone(),
                        payload: will.to_vec(),
                        qos: QoS::AtLeastOnce,
                        retain: true,
                    });
                    conn
                },
            };
            super::block_on(announce(plan))
        }
        (None, Some(filter)) => {
            topic::validate_filter(filter)
                .map_err(|e| usage(format!("--watch {filter:?}: {e}")))?;
            let plan = Watch {
                conn,
                filter: filter.clone(),
                json: args.json,
                expect: args.expect.map(|e| {
                    let state = match e {
                        ExpectState::Online => State::Online,
                        ExpectState::Offline => State::Offline,
                    };
                    (state, args.expect_count)
                }),
                timeout: args.timeout,
            };
            super::block_on(watch(plan))
        }
        _ => Err(usage(
            "give -t TOPIC to announce a device, or --watch FILTER to watch devices",
        )),
    }
}

/// The payload for `state`: the text, or with `--json` an object with a timestamp and uptime.
fn payload(state: &str, json: bool, now: SystemTime, uptime: Option<Duration>) -> Bytes {
    if !json {
        return Bytes::from(state.to_owned());
    }
    let mut v = serde_json::json!({ "status": state, "ts": iso8601_millis(now) });
    if let Some(up) = uptime {
        v["uptime_s"] = serde_json::json!((up.as_secs_f64() * 1000.0).round() / 1000.0);
    }
    Bytes::from(v.to_string())
}

async fn announce(plan: Announce) -> Result<()> {
    let stop = crate::shutdown::signal();
    tokio::pin!(stop);
    let started = Instant::now();
    // A device may start before its broker: it keeps trying until stopped.
    let connected = tokio::select! {
        connected = conn::connect_retrying(&plan.conn, output::print_warning) => connected,
        () = &mut stop => return Ok(()),
    };
    let conn::Connection {
        client, mut events, ..
    } = connected?;
    let online = |plan: &Announce| {
        payload(
            &plan.online,
            plan.json,
            SystemTime::now(),
            Some(started.elapsed()),
        )
    };
    client
        .publish(&plan.topic, QoS::AtLeastOnce, true, online(&plan), None)
        .await?;
    let mut heartbeat =
        tokio::time::interval_at(tokio::time::Instant::now() + plan.interval, plan.interval);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut backoff = Backoff::default();
    let mut connected = true;
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = heartbeat.tick(), if connected => {
                client.publish(&plan.topic, QoS::AtLeastOnce, true, online(&plan), None).await?;
            }
            event = events.poll() => match event {
                Ok(Event::ConnAck { .. }) => {
                    // A new connection: say "online" again (the will may have said otherwise).
                    connected = true;
                    backoff.reset();
                    client.publish(&plan.topic, QoS::AtLeastOnce, true, online(&plan), None).await?;
                }
                Ok(_) => {}
                Err(e) if conn::is_refusal(&e) => return Err(e),
                Err(e) => {
                    connected = false;
                    if plan.conn.max_reconnects.is_some_and(|max| backoff.attempts >= max) {
                        return Err(e.context(format!(
                            "connection lost; gave up after {} reconnection attempts",
                            backoff.attempts
                        )));
                    }
                    let delay = backoff.next_delay();
                    warn!("connection lost ({e:#}); reconnecting in {delay:?}");
                    tokio::select! {
                        () = &mut stop => return Ok(()),
                        () = tokio::time::sleep(delay) => {}
                    }
                }
            }
        }
    }
    if connected {
        let offline = payload(&plan.offline, plan.json, SystemTime::now(), None);
        say_offline(&client, &mut events, &plan.topic, offline).await;
        events.disconnect(&client).await;
    }
    Ok(())
}

/// How watched changes are shown.
enum View {
    /// Redraw a table in place (a terminal).
    Table,
    /// One line per change.
    Lines,
    /// One JSON object per change.
    Json,
}

async fn watch(plan: Watch) -> Result<()> {
    let stop = crate::shutdown::signal();
    let view = if plan.json {
        View::Json
    } else if std::io::stdout().is_terminal() {
        View::Table
    } else {
        View::Lines
    };
    tokio::pin!(stop);
    let deadline = plan.timeout.map(|t| tokio::time::Instant::now() + t);
    // A signal stops the run at every stage, waiting for CONNACK included.
    let connected = tokio::select! {
        connected = super::connect(&plan.conn) => connected,
        () = &mut stop => return Ok(()),
    };
    let conn::Connection {
        client, mut events, ..
    } = connected?;
    let filters = [plan.filter.clone()];
    client.subscribe(&filters, QoS::AtLeastOnce).await?;
    let mut presence = Presence::new(&plan.filter);
    let mut backoff = Backoff::default();
    let far = tokio::time::Instant::now() + Duration::from_secs(86_400 * 365 * 10);
    let timeout = tokio::time::sleep_until(deadline.unwrap_or(far));
    tokio::pin!(timeout);
    loop {
        let event = tokio::select! {
            () = &mut stop => {
                events.disconnect(&client).await;
                return Ok(());
            }
            () = &mut timeout => {
                events.disconnect(&client).await;
                return Err(Error::Timeout("Timed out".into()).into());
            }
            event = events.poll() => event,
        };
        match event {
            Ok(Event::Publish(m)) => {
                let now = SystemTime::now();
                if let Some(change) = presence.apply(&m.topic, &m.payload, now) {
                    show(&view, &presence, &change, now).context("writing to stdout")?;
                }
                if let Some((state, count)) = &plan.expect {
                    if presence.all_in(state, *count) {
                        events.disconnect(&client).await;
                        return Ok(());
                    }
                }
            }
            Ok(Event::SubAck(results)) => {
                if let Some(Err(reason)) = results.first() {
                    return Err(Error::RequestRefused(format!(
                        "the broker refused the subscription to {}: {}",
                        plan.filter, reason.text
                    ))
                    .into());
                }
            }
            Ok(Event::ConnAck { session_present }) => {
                backoff.reset();
                if !session_present {
                    client.subscribe(&filters, QoS::AtLeastOnce).await?;
                }
            }
            Ok(_) => {}
            Err(e) if conn::is_refusal(&e) => return Err(e),
            Err(e) => {
                if plan
                    .conn
                    .max_reconnects
                    .is_some_and(|max| backoff.attempts >= max)
                {
                    return Err(e.context("connection lost"));
                }
                let delay = backoff.next_delay();
                warn!("connection lost ({e:#}); reconnecting in {delay:?}");
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = &mut stop => return Ok(()),
                }
            }
        }
    }
}

fn show(view: &View, presence: &Presence, change: &Change, now: SystemTime) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let state = change.state.as_ref().map_or("(cleared)", State::as_str);
    match view {
        View::Json => {
            let line = serde_json::json!({
                "device": change.device,
                "state": change.state.as_ref().map(State::as_str),
                "ts": iso8601_millis(now),
            });
            writeln!(out, "{line}")?;
        }
        View::Lines => writeln!(out, "{} {} {state}", iso8601_millis(now), change.device)?,
        View::Table => {
            // Clear the screen and draw every device.
            write!(out, "\x1b[H\x1b[2J")?;
            writeln!(
                out,
                "{:<24} {:<10} last seen",
                "device".bold(),
                "state".bold()
            )?;
            for (name, d) in presence.devices() {
                let word = d.state.as_str();
                let coloured = match d.state {
                    State::Online => word.green().bold(),
                    State::Offline => word.red().bold(),
                    State::Other(_) => word.yellow(),
                };
                let pad = 10usize.saturating_sub(word.chars().count());
                writeln!(
                    out,
                    "{name:<24} {coloured}{:pad$} {}",
                    "",
                    iso8601_millis(d.last_seen)
                )?;
            }
        }
    }
    out.flush()
}
