//! `mqttkit pub`: publish one message, a repeated message, or one message per stdin line, and
//! exit only once every QoS 1/2 message is acknowledged. One message (or `--repeat`) ends at a
//! lost connection; `-l` reconnects ([`lines`]).

mod lines;

use std::io::Read;
use std::time::Duration;

use anyhow::{Context, Result};
use bytes::Bytes;
use rumqttc::QoS;

use super::properties;
use crate::cli::PubArgs;
use crate::conn::{self, Client, ConnectConfig, Event, Protocol, PublishProperties};
use crate::error::{usage, Error};
use crate::topic;

/// Where the payloads come from.
#[derive(Debug)]
enum Source {
    /// One payload, known before connecting (-m, -f, -s, -n), sent `repeat` times.
    Payload(Bytes),
    /// One message per line of stdin (-l).
    StdinLines,
}

/// A validated `pub` invocation.
#[derive(Debug)]
struct PublishPlan {
    conn: ConnectConfig,
    topic: String,
    source: Source,
    qos: QoS,
    retain: bool,
    repeat: u64,
    repeat_delay: Duration,
    properties: Option<PublishProperties>,
}

fn resolve(args: PubArgs) -> Result<PublishPlan> {
    let conn = conn::resolve(&args.conn, "pub")?;
    let topic = args
        .topic
        .clone()
        .or_else(|| conn.url_topic.clone())
        .ok_or_else(|| usage("a topic is required: -t TOPIC (or a path in -L's URL)"))?;
    topic::validate_name(&topic).map_err(|e| usage(format!("-t {topic:?}: {e}")))?;
    let properties = properties::from_args(&args)?;
    if properties.is_some() && conn.protocol != Protocol::V5 {
        return Err(usage(
            "message properties (--user-property, --content-type, -D …) need MQTT 5: add -V 5",
        ));
    }
    let source = if let Some(m) = args.message {
        Source::Payload(m.into_bytes().into())
    } else if let Some(path) = &args.file {
        let size = std::fs::metadata(path)
            .with_context(|| format!("-f {}", path.display()))
            .map_err(|e| usage(format!("{e:#}")))?
            .len();
        let most = max_payload(&topic, args.qos);
        if size > most {
            return Err(usage(format!(
                "-f {}: {size} bytes; a PUBLISH to {topic:?} holds at most {most} bytes of \
                 payload (MQTT's 256 MiB packet limit)",
                path.display()
            )));
        }
        Source::Payload(
            std::fs::read(path)
                .with_context(|| format!("-f {}", path.display()))
                .map_err(|e| usage(format!("{e:#}")))?
                .into(),
        )
    } else if args.stdin_file {
        let mut all = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut all)
            .context("-s: reading stdin")?;
        Source::Payload(all.into())
    } else if args.stdin_line {
        Source::StdinLines
    } else if args.null_message {
        Source::Payload(Bytes::new())
    } else {
        return Err(usage(
            "nothing to publish: give -m MESSAGE, -f FILE, -s (stdin), -l (stdin lines) or -n (empty)",
        ));
    };
    Ok(PublishPlan {
        conn,
        topic,
        source,
        qos: conn::qos(args.qos),
        retain: args.retain,
        repeat: args.repeat,
        repeat_delay: args.repeat_delay,
        properties,
    })
}

/// The largest payload a PUBLISH to `topic` can carry: the most a remaining length can say
/// (§1.5.5) less the topic and the packet id (MQTT 5 properties take some more).
fn max_payload(topic: &str, qos: u8) -> u64 {
    const MAX_REMAINING: u64 = 268_435_455;
    let packet_id = if qos > 0 { 2 } else { 0 };
    MAX_REMAINING.saturating_sub(2 + topic.len() as u64 + packet_id)
}

/// Runs `mqttkit pub`.
pub fn run(args: PubArgs) -> Result<()> {
    let plan = resolve(args)?;
    super::block_on(publish(plan))
}

/// Queues `payload` `repeat` times; returns how many were queued.
async fn produce(client: Client, plan: PublishPlan, payload: Bytes) -> Result<u64> {
    let properties = plan.properties.as_ref();
    for i in 0..plan.repeat {
        if i > 0 && !plan.repeat_delay.is_zero() {
            tokio::time::sleep(plan.repeat_delay).await;
        }
        client
            .publish(
                &plan.topic,
                plan.qos,
                plan.retain,
                payload.clone(),
                properties,
            )
            .await?;
    }
    Ok(plan.repeat)
}

async fn publish(plan: PublishPlan) -> Result<()> {
    let conn::Connection {
        client, mut events, ..
    } = super::connect(&plan.conn).await?;
    let payload = match &plan.source {
        Source::Payload(payload) => payload.clone(),
        Source::StdinLines => {
            let lines = lines::LinesPlan {
                conn: &plan.conn,
                topic: &plan.topic,
                qos: plan.qos,
                retain: plan.retain,
                properties: plan.properties.as_ref(),
            };
            return lines::publish_lines(lines, client, events).await;
        }
    };
    let qos = plan.qos;
    let topic = plan.topic.clone();
    let mut producer = Some(tokio::spawn(produce(client.clone(), plan, payload)));
    let (mut queued, mut acked) = (None::<u64>, 0u64);
    let mut disconnecting = false;
    loop {
        tokio::select! {
            event = events.poll() => match event {
                Ok(Event::Acked { result: Ok(()), .. }) => acked += 1,
                Ok(Event::Acked { result: Err(reason), .. }) => {
                    events.disconnect(&client).await;
                    return Err(Error::RequestRefused(format!(
                        "the broker refused a message to {topic}: {reason}"
                    ))
                    .into());
                }
                Ok(Event::ServerDisconnect(reason)) => {
                    return Err(anyhow::anyhow!("the broker disconnected: {reason}"));
                }
                Ok(Event::DisconnectSent) => return Ok(()),
                Ok(_) => {}
                Err(e) if crate::conn::is_refusal(&e) => return Err(e),
                Err(e) => {
                    let unacked = queued.map_or(0, |q| q.saturating_sub(acked));
                    let what = if qos != QoS::AtMostOnce && (unacked > 0 || queued.is_none()) {
                        "connection lost before every message was acknowledged"
                    } else {
                        "connection lost"
                    };
                    return Err(e.context(what));
                }
            },
            done = async { producer.as_mut().expect("guarded").await }, if producer.is_some() => {
                producer = None;
                queued = Some(done.context("publisher task failed")??);
            }
        }
        let all_acked = queued.is_some_and(|q| qos == QoS::AtMostOnce || acked >= q);
        if all_acked && !disconnecting {
            client.disconnect().await?;
            disconnecting = true;
        }
    }
}
