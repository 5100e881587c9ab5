//! `pub -l`: one message per line of stdin, kept going across lost connections.
//!
//! Lines are read only as fast as the connection takes them (at most [`WINDOW`] read and not
//! yet acknowledged). At QoS 1/2 a line is delivered once the broker acknowledged it. After a
//! lost connection the client reconnects with the shared backoff (`--max-reconnects` to give
//! up); what was handed over and not acknowledged is sent again, unless the broker resumed
//! the session, when rumqttc resends it itself [MQTT-4.4.0-1]. Giving up is an error that
//! says how many lines were not delivered.

use std::collections::VecDeque;

use anyhow::Result;
use bytes::Bytes;
use rumqttc::QoS;
use tokio::io::AsyncBufReadExt;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};
use tracing::warn;

use crate::conn::{self, Backoff, Client, ConnectConfig, Event, Events, PublishProperties};
use crate::error::Error;

/// Lines read and not yet acknowledged, at most.
const WINDOW: usize = 64;

/// Where and how the lines are published.
pub struct LinesPlan<'a> {
    /// The connection (its `max_reconnects` too).
    pub conn: &'a ConnectConfig,
    /// Topic name.
    pub topic: &'a str,
    /// QoS of every line.
    pub qos: QoS,
    /// Retain flag of every line.
    pub retain: bool,
    /// MQTT 5 properties of every line.
    pub properties: Option<&'a PublishProperties>,
}

/// A line handed to the connection, and its packet id once written (QoS 1/2).
struct Sent {
    line: Bytes,
    pkid: Option<u16>,
}

/// The lines between stdin and the broker.
#[derive(Default)]
struct Queue {
    /// Read, not handed to the connection yet (resends first).
    waiting: VecDeque<Bytes>,
    /// Handed to the connection, not acknowledged yet.
    inflight: VecDeque<Sent>,
    /// In flight when the connection dropped; resent unless the session is resumed.
    limbo: VecDeque<Sent>,
}

impl Queue {
    fn undelivered(&self) -> usize {
        self.waiting.len() + self.inflight.len() + self.limbo.len()
    }
}

/// Reads stdin line by line (without the newline) into a channel; an error ends it.
fn read_stdin() -> mpsc::Receiver<std::io::Result<Bytes>> {
    let (tx, rx) = mpsc::channel(WINDOW);
    tokio::spawn(async move {
        let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
        loop {
            let mut line = Vec::new();
            let read = stdin.read_until(b'\n', &mut line).await;
            let item = match read {
                Ok(0) => return,
                Ok(_) => {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                    }
                    Ok(Bytes::from(line))
                }
                Err(e) => Err(e),
            };
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                return;
            }
        }
    });
    rx
}

/// Publishes every line of stdin, then disconnects.
pub async fn publish_lines(plan: LinesPlan<'_>, client: Client, mut events: Events) -> Result<()> {
    let mut lines = read_stdin();
    let mut q = Queue::default();
    let mut eof = false;
    let mut connected = true;
    let mut reconnect_at: Option<Instant> = None;
    let mut backoff = Backoff::default();
    loop {
        if connected {
            hand_over(&plan, &client, &mut q);
        }
        if eof && q.undelivered() == 0 {
            events.disconnect(&client).await;
            return Ok(());
        }
        let room = !eof && q.undelivered() < WINDOW;
        tokio::select! {
            line = lines.recv(), if room => match line {
                Some(Ok(line)) => q.waiting.push_back(line),
                Some(Err(e)) => return Err(anyhow::Error::new(e).context("-l: reading stdin")),
                None => eof = true,
            },
            () = sleep_until(reconnect_at.unwrap_or_else(Instant::now)), if reconnect_at.is_some() => {
                reconnect_at = None;
            }
            event = events.poll(), if connected || reconnect_at.is_none() => match event {
                Ok(Event::ConnAck { session_present }) => {
                    connected = true;
                    backoff.reset();
                    if session_present {
                        q.inflight.append(&mut q.limbo);
                    } else {
                        for sent in std::mem::take(&mut q.limbo).into_iter().rev() {
                            q.waiting.push_front(sent.line);
                        }
                    }
                }
                // A packet id already in flight is rumqttc resending it after a resumed session.
                Ok(Event::PublishSent { pkid })
                    if pkid != 0 && !q.inflight.iter().any(|s| s.pkid == Some(pkid)) =>
                {
                    if let Some(sent) = q.inflight.iter_mut().find(|s| s.pkid.is_none()) {
                        sent.pkid = Some(pkid);
                    }
                }
                Ok(Event::Acked { pkid, result }) => {
                    if let Some(i) = q.inflight.iter().position(|s| s.pkid == Some(pkid)) {
                        q.inflight.remove(i);
                    }
                    if let Err(reason) = result {
                        events.disconnect(&client).await;
                        return Err(Error::RequestRefused(format!(
                            "the broker refused a message to {}: {reason}",
                            plan.topic
                        ))
                        .into());
                    }
                }
                Ok(Event::ServerDisconnect(reason)) => warn!("the broker disconnected: {reason}"),
                Ok(_) => {}
                Err(e) if conn::is_refusal(&e) => return Err(e),
                Err(e) => {
                    if connected {
                        connected = false;
                        q.limbo.append(&mut q.inflight);
                    }
                    if plan.conn.max_reconnects.is_some_and(|max| backoff.attempts >= max) {
                        let lost = q.undelivered();
                        let rest = if eof { "" } else { "; the rest of stdin was not read" };
                        return Err(e.context(format!(
                            "connection lost; gave up after {} reconnection attempts: {lost} \
                             line(s) read and not delivered{rest}",
                            backoff.attempts
                        )));
                    }
                    let delay = backoff.next_delay();
                    warn!("connection lost ({e:#}); reconnecting in {delay:?}");
                    reconnect_at = Some(Instant::now() + delay);
                }
            },
        }
    }
}

/// Hands waiting lines to the connection while the window has room (QoS 0 lines are not
/// tracked further).
fn hand_over(plan: &LinesPlan<'_>, client: &Client, q: &mut Queue) {
    while q.inflight.len() < WINDOW {
        let Some(line) = q.waiting.pop_front() else {
            break;
        };
        let queued = client.try_publish_with(
            plan.topic,
            plan.qos,
            plan.retain,
            line.clone(),
            plan.properties,
        );
        if queued.is_err() {
            q.waiting.push_front(line);
            break;
        }
        if plan.qos != QoS::AtMostOnce {
            q.inflight.push_back(Sent { line, pkid: None });
        }
    }
}
