//! `mqttkit sub`: subscribe, print each message as mosquitto_sub does (or as JSON lines), and
//! keep going across broker restarts: reconnect with backoff, re-subscribe when the new session
//! is fresh.

use std::io::{self, Write};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use bytes::Bytes;
use rumqttc::QoS;
use tokio::time::Instant;
use tracing::warn;

use crate::cli::SubArgs;
use crate::conn::{self, Backoff, Client, ConnectConfig, Event, Message, Reason};
use crate::error::{usage, Error};
use crate::output::format::{self, Received, Template};
use crate::topic;

/// How each message is printed.
enum OutputMode {
    /// The payload, or `topic payload` with -v.
    Plain { verbose: bool },
    /// A -F template.
    Template(Template),
    /// One JSON object per line.
    Json,
}

/// A validated `sub` invocation.
struct SubscribePlan {
    conn: ConnectConfig,
    filters: Vec<String>,
    qos: QoS,
    filter_out: Vec<String>,
    unsubscribe: Vec<String>,
    count: Option<u64>,
    timeout: Option<Duration>,
    exit_after_subscribe: bool,
    no_retained: bool,
    retained_only: bool,
    remove_retained: bool,
}

fn check_filters(flag: &str, filters: &[String]) -> Result<()> {
    for f in filters {
        topic::validate_filter(f).map_err(|e| usage(format!("{flag} {f:?}: {e}")))?;
    }
    Ok(())
}

fn resolve(args: SubArgs) -> Result<(SubscribePlan, Printer)> {
    let conn = conn::resolve(&args.conn, "sub")?;
    let mut filters = args.topic;
    if filters.is_empty() {
        filters.extend(conn.url_topic.clone());
    }
    if filters.is_empty() && args.unsubscribe.is_empty() {
        return Err(usage("a topic filter is required: -t FILTER (repeatable)"));
    }
    if args.timeout.is_some_and(|t| t.is_zero()) {
        // mosquitto_sub refuses -W 0 too: a wait that is over before it starts.
        return Err(usage("-W/--timeout 0: the timeout must be more than 0"));
    }
    check_filters("-t", &filters)?;
    check_filters("-T", &args.filter_out)?;
    check_filters("-U", &args.unsubscribe)?;
    let output = if let Some(spec) = &args.format {
        OutputMode::Template(
            Template::parse_with(spec, args.pretty).map_err(|e| usage(format!("-F: {e}")))?,
        )
    } else if args.json {
        OutputMode::Json
    } else {
        OutputMode::Plain {
            verbose: args.verbose,
        }
    };
    let printer = Printer {
        out: io::BufWriter::new(io::stdout()),
        mode: output,
        eol: !args.no_eol,
    };
    let plan = SubscribePlan {
        conn,
        filters,
        qos: conn::qos(args.qos),
        filter_out: args.filter_out,
        unsubscribe: args.unsubscribe,
        count: args.count,
        timeout: args.timeout,
        exit_after_subscribe: args.exit_after_subscribe,
        no_retained: args.no_retained,
        retained_only: args.retained_only,
        remove_retained: args.remove_retained,
    };
    Ok((plan, printer))
}

/// Messages handled between two checks of Ctrl-C and `-W` under a continuous stream.
const BURST: u32 = 256;

/// Runs `mqttkit sub`.
pub fn run(args: SubArgs) -> Result<()> {
    let (plan, printer) = resolve(args)?;
    super::block_on(subscribe(plan, printer))
}

/// Writes messages to stdout in the chosen format.
struct Printer {
    out: io::BufWriter<io::Stdout>,
    mode: OutputMode,
    eol: bool,
}

impl Printer {
    fn print(&mut self, msg: &Received) -> io::Result<()> {
        let wrote_record = match &self.mode {
            // mosquitto_sub prints nothing at all for an empty payload with -v -N.
            OutputMode::Plain { verbose: true } if !self.eol && msg.payload.is_empty() => false,
            OutputMode::Plain { verbose } => format::write_plain(msg, *verbose, &mut self.out)?,
            OutputMode::Template(t) => {
                t.write(msg, &mut self.out)?;
                true
            }
            OutputMode::Json => {
                format::write_json(msg, &mut self.out)?;
                true
            }
        };
        if wrote_record && self.eol {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Writes out what is buffered: the loop calls it before it waits for the next message,
    /// so output is never held back while a burst of messages is written in few syscalls.
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// What to do after a message.
enum Next {
    Continue,
    Stop,
}

struct Subscriber {
    plan: SubscribePlan,
    client: Client,
    printer: Printer,
    printed: u64,
}

impl Subscriber {
    async fn send_subscriptions(&self) -> Result<()> {
        if !self.plan.filters.is_empty() {
            self.client
                .subscribe(&self.plan.filters, self.plan.qos)
                .await?;
        }
        for f in &self.plan.unsubscribe {
            self.client.unsubscribe(f).await?;
        }
        Ok(())
    }

    /// A SUBACK with a failure code is an error naming the refused filter.
    fn check_suback(&self, results: &[Result<QoS, Reason>]) -> Result<()> {
        let refused: Vec<String> = results
            .iter()
            .zip(&self.plan.filters)
            .filter_map(|(result, filter)| match result {
                Ok(_) => None,
                Err(reason) => Some(format!("{filter} ({})", reason.text)),
            })
            .collect();
        if refused.is_empty() {
            Ok(())
        } else {
            Err(Error::RequestRefused(format!(
                "the broker refused the subscription to {}",
                refused.join(", ")
            ))
            .into())
        }
    }

    fn on_publish(&mut self, p: &Message) -> Result<Next> {
        if self.plan.retained_only && !p.retain {
            return Ok(Next::Stop);
        }
        if self.plan.no_retained && p.retain {
            return Ok(Next::Continue);
        }
        if self
            .plan
            .filter_out
            .iter()
            .any(|f| topic::matches(f, &p.topic))
        {
            return Ok(Next::Continue);
        }
        if self.plan.remove_retained && p.retain && !p.payload.is_empty() {
            // Queued without waiting (the event loop must keep being polled to send it), and
            // ahead of the DISCONNECT that -C may queue next.
            let (topic, qos) = (p.topic.clone(), self.plan.qos);
            if self
                .client
                .try_publish(&topic, qos, true, Bytes::new())
                .is_err()
            {
                let client = self.client.clone();
                tokio::spawn(
                    async move { client.publish(&topic, qos, true, Bytes::new(), None).await },
                );
            }
        }
        let msg = Received {
            topic: &p.topic,
            payload: &p.payload,
            qos: p.qos as u8,
            retain: p.retain,
            mid: p.pkid,
            received_at: SystemTime::now(),
            properties: p.properties.as_ref(),
        };
        self.printer.print(&msg).context("writing to stdout")?;
        self.printed += 1;
        Ok(if self.plan.count.is_some_and(|c| self.printed >= c) {
            Next::Stop
        } else {
            Next::Continue
        })
    }
}

async fn subscribe(plan: SubscribePlan, printer: Printer) -> Result<()> {
    let stop = crate::shutdown::signal();
    tokio::pin!(stop);
    let deadline = plan.timeout.map(|t| Instant::now() + t);
    // A signal stops the run at every stage, waiting for CONNACK included.
    let connected = tokio::select! {
        connected = super::connect(&plan.conn) => connected,
        () = &mut stop => return Ok(()),
    };
    let conn::Connection {
        client, mut events, ..
    } = connected?;
    let max_reconnects = plan.conn.max_reconnects;
    let mut sub = Subscriber {
        printer,
        plan,
        client: client.clone(),
        printed: 0,
    };
    sub.send_subscriptions().await?;
    let mut backoff = Backoff::default();
    let far = Instant::now() + Duration::from_secs(86_400 * 365 * 10);
    let timeout = tokio::time::sleep_until(deadline.unwrap_or(far));
    tokio::pin!(timeout);
    let mut burst = 0;
    loop {
        // Messages that are already here are printed without a flush each; before waiting,
        // the output is flushed (and the stop and timeout are checked at least every BURST).
        let ready = if burst < BURST {
            events.poll_ready().await
        } else {
            None
        };
        let event = match ready {
            Some(event) => {
                burst += 1;
                event
            }
            None => {
                burst = 0;
                sub.printer.flush().context("writing to stdout")?;
                tokio::select! {
                    biased;
                    () = &mut stop => {
                        events.disconnect(&client).await;
                        return Ok(());
                    }
                    () = &mut timeout => {
                        events.disconnect(&client).await;
                        return Err(Error::Timeout("Timed out".into()).into());
                    }
                    event = events.poll() => event,
                }
            }
        };
        match event {
            Ok(Event::SubAck(results)) => {
                sub.check_suback(&results)?;
                if sub.plan.exit_after_subscribe {
                    events.disconnect(&client).await;
                    return Ok(());
                }
            }
            Ok(Event::Publish(p)) => {
                if let Next::Stop = sub.on_publish(&p)? {
                    sub.printer.flush().context("writing to stdout")?;
                    events.disconnect(&client).await;
                    return Ok(());
                }
            }
            Ok(Event::ConnAck { session_present }) => {
                // Reconnected: a fresh session has no subscriptions [MQTT-3.2.2-1].
                backoff.reset();
                if !session_present {
                    sub.send_subscriptions().await?;
                }
            }
            Ok(Event::ServerDisconnect(reason)) => {
                warn!("the broker disconnected: {reason}");
            }
            Ok(_) => {}
            Err(e) => {
                if conn::is_refusal(&e) {
                    return Err(e);
                }
                if max_reconnects.is_some_and(|max| backoff.attempts >= max) {
                    return Err(e.context(format!(
                        "connection lost; gave up after {} reconnection attempts",
                        backoff.attempts
                    )));
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
