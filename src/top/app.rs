//! Running `top`: the network on a thread of its own (connect, subscribe, reconnect with
//! backoff, fold each batch of messages into the shared state), and the screen on the
//! caller's thread (draw at most `fps` times a second, answer a key at once).

use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use bytes::Bytes;
use crossterm::event::{self, Event as TermEvent, KeyEventKind};
use rumqttc::QoS;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::conn::{self, Backoff, ConnectConfig, Event, Message};
use crate::error::Error;
use crate::presence::Presence;

use super::state::{ConnInfo, Link, TopState};
use super::terminal::{self, Screen};
use super::ui::{Action, Ui};
use super::view::{self, DrawContext, Theme};

/// Messages folded under one lock at most.
const BATCH: usize = 4096;
/// The broker's own figures.
const SYS_FILTER: &str = "$SYS/#";

/// A validated `top` invocation.
#[derive(Debug, Clone)]
pub struct TopConfig {
    /// The connection.
    pub conn: ConnectConfig,
    /// Topic filters (`$SYS/#` is added).
    pub filters: Vec<String>,
    /// QoS of the subscriptions.
    pub qos: QoS,
    /// Messages kept per topic.
    pub history: usize,
    /// status --watch's filter for presence; `None`: any `…/status` saying online/offline.
    pub presence: Option<String>,
    /// Frames per second at most.
    pub fps: u32,
    /// Colour.
    pub color: bool,
    /// A line to show under the header.
    pub hint: Option<String>,
}

/// What the screen asks of the network.
enum Request {
    /// Publish an empty retained message here.
    Clear(String),
}

/// Runs `top` until `q`, Ctrl-C, SIGTERM, or a connection failure that ends it (a refusal,
/// `--max-reconnects` used up), with the terminal restored in every case.
pub fn run(config: TopConfig) -> Result<()> {
    run_until(config, CancellationToken::new())
}

/// [`run`], also ending when `stop` is cancelled (the demo's `--duration`); `stop` is
/// cancelled when top ends.
pub fn run_until(config: TopConfig, stop: CancellationToken) -> Result<()> {
    let epoch = Instant::now();
    let protocol = match config.conn.protocol {
        conn::Protocol::V311 => "MQTT 3.1.1",
        conn::Protocol::V5 => "MQTT 5",
    };
    let endpoint = match config.conn.transport.ws_url() {
        Some(url) => url.to_string(),
        None => format!("{}:{}", config.conn.host, config.conn.port),
    };
    let presence = match &config.presence {
        Some(filter) => Presence::new(filter),
        None => Presence::status_topics(),
    };
    let conn = ConnInfo {
        endpoint,
        protocol,
        link: Link::Connecting,
        outages: 0,
    };
    let shared = Arc::new(Mutex::new(TopState::new(
        config.history,
        presence,
        conn,
        epoch,
    )));
    let (requests, requests_rx) = mpsc::unbounded_channel();
    let network = {
        let (shared, stop, config) = (shared.clone(), stop.clone(), config.clone());
        thread::Builder::new()
            .name("top-network".into())
            .spawn(move || {
                // Ends the screen too, also when the network panics.
                let _ends_the_screen = stop.clone().drop_guard();
                block_on(network(config, shared, requests_rx, stop))
            })
            .context("cannot start the network thread")?
    };
    crate::output::mute_logs(true);
    let shown = screen(&config, &shared, &stop, &requests);
    crate::output::mute_logs(false);
    stop.cancel();
    let net = network
        .join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the network thread panicked")));
    shown.and(net)
}

fn lock(shared: &Mutex<TopState>) -> MutexGuard<'_, TopState> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

/// The screen loop; the terminal is restored when it returns.
fn screen(
    config: &TopConfig,
    shared: &Mutex<TopState>,
    stop: &CancellationToken,
    requests: &mpsc::UnboundedSender<Request>,
) -> Result<()> {
    let mut screen = Screen::open(config.color).context("cannot set up the terminal")?;
    let frame = Duration::from_secs(1) / config.fps.max(1);
    let theme = Theme {
        color: config.color,
    };
    let mut ui = Ui::default();
    let mut frozen: Option<(TopState, Instant, SystemTime)> = None;
    while !stop.is_cancelled() {
        {
            let live = lock(shared);
            let (state, now, wall) = match &frozen {
                Some((s, now, wall)) => (s, *now, *wall),
                None => (&*live, Instant::now(), SystemTime::now()),
            };
            screen
                .terminal
                .draw(|f| {
                    view::draw(
                        f,
                        state,
                        DrawContext {
                            ui: &mut ui,
                            now,
                            wall,
                            theme,
                            hint: config.hint.as_deref(),
                        },
                    )
                })
                .context("drawing")?;
        }
        let next = Instant::now() + frame;
        // Wait for input until the next frame; a key redraws at once.
        loop {
            let left = next.saturating_duration_since(Instant::now());
            if left.is_zero() || stop.is_cancelled() {
                break;
            }
            if !event::poll(left).context("reading the terminal")? {
                break;
            }
            match event::read().context("reading the terminal")? {
                TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
                    let action = {
                        let live = lock(shared);
                        let state = frozen.as_ref().map_or(&*live, |(s, _, _)| s);
                        ui.key(key, state)
                    };
                    match action {
                        Action::None => {}
                        Action::Quit => return Ok(()),
                        Action::TogglePause => {
                            ui.paused = !ui.paused;
                            frozen = if ui.paused {
                                let copy = lock(shared).clone();
                                Some((copy, Instant::now(), SystemTime::now()))
                            } else {
                                None
                            };
                        }
                        Action::Clear(topic) => {
                            let _ = requests.send(Request::Clear(topic));
                        }
                        Action::Copy(bytes) => {
                            terminal::copy(&bytes).context("writing to the terminal")?;
                        }
                    }
                    break;
                }
                TermEvent::Resize(..) => {
                    screen.terminal.autoresize().context("resizing")?;
                    break;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

async fn network(
    config: TopConfig,
    shared: Arc<Mutex<TopState>>,
    mut requests: mpsc::UnboundedReceiver<Request>,
    stop: CancellationToken,
) -> Result<()> {
    let signal = crate::shutdown::signal();
    tokio::pin!(signal);
    let mut filters = config.filters.clone();
    filters.push(SYS_FILTER.to_owned());
    let mut backoff = Backoff::default();
    let max = config.conn.max_reconnects;
    let gave_up = |backoff: &Backoff| max.is_some_and(|m| backoff.attempts >= m);
    // The first connection; until then the screen says "connecting".
    let connection = loop {
        let attempt = tokio::select! {
            c = conn::connect(&config.conn) => c,
            () = stop.cancelled() => return Ok(()),
            () = &mut signal => return Ok(()),
        };
        match attempt {
            Ok(c) => break c,
            Err(e) if conn::is_refusal(&e) || gave_up(&backoff) => return Err(e),
            Err(e) => {
                lock(&shared).down(SystemTime::now(), format!("{e:#}"));
                let delay = backoff.next_delay();
                tokio::select! {
                    () = tokio::time::sleep(delay) => {}
                    () = stop.cancelled() => return Ok(()),
                    () = &mut signal => return Ok(()),
                }
            }
        }
    };
    backoff.reset();
    lock(&shared).connected(SystemTime::now());
    let conn::Connection {
        client, mut events, ..
    } = connection;
    client.subscribe(&filters, config.qos).await?;
    let mut batch: Vec<Message> = Vec::with_capacity(BATCH);
    loop {
        let mut event = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            () = &mut signal => break,
            Some(Request::Clear(topic)) = requests.recv() => {
                client.publish(&topic, QoS::AtLeastOnce, true, Bytes::new(), None).await?;
                continue;
            }
            event = events.poll() => event,
        };
        // What is already here is folded in batches, under one lock each.
        loop {
            match event {
                Ok(Event::Publish(m)) => {
                    batch.push(m);
                    if batch.len() >= BATCH {
                        fold(&shared, &mut batch);
                    }
                }
                Ok(Event::ConnAck { session_present }) => {
                    fold(&shared, &mut batch);
                    backoff.reset();
                    lock(&shared).connected(SystemTime::now());
                    // A fresh session has no subscriptions [MQTT-3.2.2-1].
                    if !session_present {
                        client.subscribe(&filters, config.qos).await?;
                    }
                }
                Ok(Event::SubAck(results)) => {
                    // $SYS/# (the last filter) may be refused: the broker panel stays empty.
                    let refused: Vec<String> = results
                        .iter()
                        .zip(&config.filters)
                        .filter_map(|(r, f)| r.as_ref().err().map(|e| format!("{f} ({})", e.text)))
                        .collect();
                    if !refused.is_empty() {
                        return Err(Error::RequestRefused(format!(
                            "the broker refused the subscription to {}",
                            refused.join(", ")
                        ))
                        .into());
                    }
                }
                Ok(Event::ServerDisconnect(reason)) => {
                    lock(&shared).notice = Some(format!("the broker disconnected: {reason}"));
                }
                Ok(_) => {}
                Err(e) => {
                    fold(&shared, &mut batch);
                    if conn::is_refusal(&e) {
                        return Err(e);
                    }
                    if gave_up(&backoff) {
                        return Err(e.context(format!(
                            "connection lost; gave up after {} reconnection attempts",
                            backoff.attempts
                        )));
                    }
                    lock(&shared).down(SystemTime::now(), format!("{e:#}"));
                    let delay = backoff.next_delay();
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = stop.cancelled() => return Ok(()),
                        () = &mut signal => return Ok(()),
                    }
                    break;
                }
            }
            match events.poll_ready().await {
                Some(next) => event = next,
                None => break,
            }
        }
        fold(&shared, &mut batch);
    }
    events.disconnect(&client).await;
    Ok(())
}

/// Folds `batch` into the state under one lock, and empties it.
fn fold(shared: &Mutex<TopState>, batch: &mut Vec<Message>) {
    if batch.is_empty() {
        return;
    }
    let (now, wall) = (Instant::now(), SystemTime::now());
    let mut state = lock(shared);
    for m in batch.drain(..) {
        state.fold(&m, now, wall);
    }
}

/// A single-threaded runtime for the network thread.
fn block_on(fut: impl std::future::Future<Output = Result<()>>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(fut);
    runtime.shutdown_background();
    result
}
