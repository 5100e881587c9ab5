//! The bridge's loop: connect both sides, subscribe the sources, and move each received
//! message into its destination's [`Outbox`](super::outbox::Outbox); acknowledge it to its
//! source when the destination has acknowledged it. On Ctrl-C or SIGTERM it stops taking
//! messages (those that arrive later stay unacknowledged in the source's session), waits at
//! most the drain time for what is in flight, and disconnects both sides.

use anyhow::Result;
use rumqttc::QoS;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::warn;

use super::forward::{self, Rules};
use super::link::{self, Link, LinkEvent, Subscription};
use super::outbox::{Entry, Origin};
use super::stats::{Report, RouteStats, Side, Stats};
use super::BridgePlan;
use crate::conn::{Event, Message, Protocol};
use crate::error::Error;
use crate::topic;

/// Messages in flight on a destination at most (rumqttc's request queue holds 64).
const WINDOW: usize = 64;

/// One direction: its rules and the first of its routes in [`Stats::routes`].
struct Direction {
    rules: Rules,
    filters: Vec<String>,
    first_route: usize,
}

fn index(side: Side) -> usize {
    match side {
        Side::From => 0,
        Side::To => 1,
    }
}

fn other(side: Side) -> Side {
    match side {
        Side::From => Side::To,
        Side::To => Side::From,
    }
}

/// Runs the bridge until a stop signal (then `Ok` with the final counters) or an error
/// that reconnecting cannot mend (a refusal, `--max-reconnects`, a refused subscription).
pub async fn bridge(plan: BridgePlan, report: &mut dyn FnMut(Report)) -> Result<Stats> {
    let stop = crate::shutdown::signal();
    let started = Instant::now();
    let from = link::connect(Side::From, &plan.from).await?;
    let to = link::connect(Side::To, &plan.to).await?;
    for (side, c) in [(Side::From, &from), (Side::To, &to)] {
        report(Report::Connected {
            side,
            session_present: c.session_present,
        });
    }

    let mut stats = Stats::default();
    let mut directions: Vec<Option<Direction>> = vec![None, None];
    let forward_rules = Rules {
        remaps: plan.remaps.clone(),
        max_qos: plan.max_qos,
        drop_retain: plan.drop_retain,
        destination: plan.to.protocol,
    };
    directions[0] = Some(Direction {
        rules: forward_rules,
        filters: plan.filters.clone(),
        first_route: 0,
    });
    if plan.both {
        let filters = plan
            .filters
            .iter()
            .map(|f| forward::remap_filter(&plan.remaps, f))
            .collect();
        directions[1] = Some(Direction {
            rules: Rules {
                remaps: forward::reversed(&plan.remaps),
                max_qos: plan.max_qos,
                drop_retain: plan.drop_retain,
                destination: plan.from.protocol,
            },
            filters,
            first_route: plan.filters.len(),
        });
    }
    for (d, side) in directions.iter().zip([Side::From, Side::To]) {
        if let Some(d) = d {
            stats.routes.extend(d.filters.iter().map(|f| RouteStats {
                source: side,
                filter: f.clone(),
                forwarded: 0,
                dropped: 0,
            }));
        }
    }
    let subscription = |d: &Option<Direction>| {
        d.as_ref().map(|d| Subscription {
            filters: d.filters.clone(),
            qos: plan.max_qos,
            no_local: plan.both,
        })
    };

    let (tx, mut rx) = mpsc::channel(256);
    let mut links = [
        Link::start(
            Side::From,
            from,
            plan.from.protocol,
            plan.from.max_reconnects,
            subscription(&directions[0]),
            tx.clone(),
        ),
        Link::start(
            Side::To,
            to,
            plan.to.protocol,
            plan.to.max_reconnects,
            subscription(&directions[1]),
            tx,
        ),
    ];

    let mut ticker = tokio::time::interval_at(started + plan.stats_every, plan.stats_every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    let mut stopping: Option<Instant> = None;
    let result: Result<()> = loop {
        for i in 0..2 {
            links[i].flush_subscription();
            hand_over(&mut links, i, &mut stats);
            links[i].flush_acks();
        }
        stats.queued = links.iter().map(|l| l.outbox.len()).sum();
        if stopping.is_some() && stats.queued == 0 && links.iter().all(|l| l.acks.is_empty()) {
            break Ok(());
        }
        let drain_end = stopping.unwrap_or_else(Instant::now);
        let (side, event) = tokio::select! {
            biased;
            () = &mut stop, if stopping.is_none() => {
                stopping = Some(Instant::now() + plan.drain);
                report(Report::Stopping);
                continue;
            }
            () = tokio::time::sleep_until(drain_end), if stopping.is_some() => {
                warn!(
                    "stopped with {} messages not acknowledged by their destination \
                     (their sources keep them unacknowledged in the bridge's session)",
                    stats.queued
                );
                break Ok(());
            }
            _ = ticker.tick() => {
                stats.elapsed_s = started.elapsed().as_secs_f64();
                report(Report::Counters(&stats));
                continue;
            }
            next = rx.recv() => match next {
                Some(next) => next,
                None => break Err(anyhow::anyhow!("both connections ended")),
            },
        };
        let i = index(side);
        match event {
            LinkEvent::Event(Event::ConnAck { session_present }) => {
                let link = &mut links[i];
                link.connected = true;
                if !session_present {
                    link.session += 1;
                    link.acks.clear();
                }
                link.outbox.reconnected(session_present);
                link.subscribe_pending = link.subscription.is_some();
                stats.reconnects += 1;
                report(Report::Connected {
                    side,
                    session_present,
                });
            }
            LinkEvent::Event(Event::Publish(m)) => {
                if stopping.is_some() {
                    continue; // left unacknowledged: the source keeps it for the next run
                }
                if let Some(d) = &directions[i] {
                    take(&mut links, side, d, m, plan.queue, &mut stats);
                }
            }
            LinkEvent::Event(Event::PublishSent { pkid }) => links[i].outbox.sent(pkid),
            LinkEvent::Event(Event::Acked { pkid, result }) => {
                if let Some(entry) = links[i].outbox.acked(pkid) {
                    match result {
                        Ok(()) => forwarded(&mut links, side, entry, &mut stats),
                        Err(reason) => {
                            warn!(
                                "{} refused a message to {}: {reason}; it is not forwarded",
                                side.flag(),
                                entry.out.topic
                            );
                            stats.refused += 1;
                            done_at_source(&mut links, side, &entry);
                        }
                    }
                }
            }
            LinkEvent::Event(Event::SubAck(results)) => {
                let filters = links[i]
                    .subscription
                    .as_ref()
                    .map(|s| s.filters.clone())
                    .unwrap_or_default();
                let refused: Vec<String> = results
                    .iter()
                    .zip(&filters)
                    .filter_map(|(r, f)| r.as_ref().err().map(|e| format!("{f} ({})", e.text)))
                    .collect();
                if !refused.is_empty() {
                    break Err(Error::RequestRefused(format!(
                        "{} refused the subscription to {}",
                        side.flag(),
                        refused.join(", ")
                    ))
                    .into());
                }
                report(Report::Subscribed { side });
            }
            LinkEvent::Event(Event::ServerDisconnect(reason)) => {
                warn!("{} disconnected the bridge: {reason}", side.flag());
            }
            LinkEvent::Event(_) => {}
            LinkEvent::Lost { error, retry_in } => {
                links[i].lost();
                match retry_in {
                    None => break Err(error.context(format!("{} broker", side.flag()))),
                    Some(retry_in) => report(Report::Lost {
                        side,
                        error: format!("{error:#}"),
                        retry_in,
                    }),
                }
            }
        }
    };
    let [a, b] = links;
    tokio::join!(a.close(), b.close());
    stats.queued = 0;
    stats.elapsed_s = started.elapsed().as_secs_f64();
    result.map(|()| stats)
}

/// A message from `source` for direction `d`: into the other side's outbox, or dropped.
fn take(
    links: &mut [Link; 2],
    source: Side,
    d: &Direction,
    m: Message,
    queue: usize,
    stats: &mut Stats,
) {
    let route = d.first_route
        + d.filters
            .iter()
            .position(|f| topic::matches(f, &m.topic))
            .unwrap_or(0);
    let origin = (m.qos != QoS::AtMostOnce).then(|| Origin {
        qos: m.qos,
        pkid: m.pkid,
        session: links[index(source)].session,
    });
    let dest = &mut links[index(other(source))];
    let out = match d.rules.apply(&m) {
        Ok(out) => out,
        Err(why) => {
            warn!("{why}: the message is not forwarded");
            stats.dropped += 1;
            stats.routes[route].dropped += 1;
            if let Some(o) = origin {
                links[index(source)].acks.push_back((o.qos, o.pkid));
            }
            return;
        }
    };
    if origin.is_none() && dest.outbox.len() >= queue {
        stats.dropped += 1;
        stats.routes[route].dropped += 1;
        return;
    }
    if out.properties_dropped {
        stats.properties_dropped += 1;
    }
    dest.outbox.push(Entry { out, origin, route });
}

/// Hands link `i`'s waiting messages to its connection; QoS 0 ones are done.
fn hand_over(links: &mut [Link; 2], i: usize, stats: &mut Stats) {
    let link = &mut links[i];
    if !link.connected {
        return;
    }
    let client = link.client.clone();
    let v5 = link.protocol == Protocol::V5;
    let done = link.outbox.hand_over(WINDOW, |out| {
        client
            .try_publish_with(
                &out.topic,
                out.qos,
                out.retain,
                out.payload.clone(),
                out.properties.as_ref().filter(|_| v5),
            )
            .is_ok()
    });
    let side = link.side;
    for entry in done {
        forwarded(links, side, entry, stats);
    }
}

/// `entry` reached `dest`: count it and acknowledge it to its source.
fn forwarded(links: &mut [Link; 2], dest: Side, entry: Entry, stats: &mut Stats) {
    stats.forwarded += 1;
    stats.routes[entry.route].forwarded += 1;
    done_at_source(links, dest, &entry);
}

/// Owes the source of `entry` (the side opposite `dest`) its acknowledgement, if it is
/// still the session the message arrived in.
fn done_at_source(links: &mut [Link; 2], dest: Side, entry: &Entry) {
    let source = &mut links[index(other(dest))];
    if let Some(o) = entry.origin {
        if o.session == source.session {
            source.acks.push_back((o.qos, o.pkid));
        }
    }
}
