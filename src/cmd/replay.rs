//! `mqttkit replay`: flags → a [`ReplayPlan`] (usage errors here) → [`replayer::replay`] →
//! the summary, on stderr or as JSON on stdout.

use std::io::Write;

use anyhow::{Context, Result};

use crate::cli::{ReplayArgs, RetainMode};
use crate::conn;
use crate::error::{usage, Error};
use crate::record::remap;
use crate::record::replayer::{self, ReplayPlan, Summary};
use crate::record::schedule::{Loops, Speed};
use crate::record::source::Source;
use crate::topic;

/// Runs `mqttkit replay`.
pub fn run(args: ReplayArgs) -> Result<()> {
    let plan = resolve(&args)?;
    super::warn_before_connecting(&plan.conn);
    super::block_on(async {
        let summary = replayer::replay(plan).await?;
        print_summary(&summary, args.json)
    })
}

fn resolve(args: &ReplayArgs) -> Result<ReplayPlan> {
    let conn = conn::resolve(&args.conn, "replay")?;
    let speed = Speed::parse(&args.speed).map_err(|e| usage(format!("--speed {e}")))?;
    let loops = Loops::parse(&args.loops).map_err(|e| usage(format!("--loop {e}")))?;
    for f in &args.topic {
        topic::validate_filter(f).map_err(|e| usage(format!("-t {f:?}: {e}")))?;
    }
    let remaps = remap::parse_all(&args.remap)?;
    let source = Source::open(&args.file).map_err(|e| usage(format!("{e:#}")))?;
    if !source.rereadable() && loops != Loops::Times(1) {
        return Err(usage("--loop needs a file: stdin can be read only once"));
    }
    Ok(ReplayPlan {
        conn,
        source,
        speed,
        loops,
        filters: args.topic.clone(),
        remaps,
        drop_retain: args.retain == RetainMode::Drop,
        skip_bad: args.skip_bad,
    })
}

fn print_summary(s: &Summary, json: bool) -> Result<()> {
    if json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, s).context("writing to stdout")?;
        writeln!(out).context("writing to stdout")?;
    } else {
        let mut line = format!(
            "replayed: sent {}, acknowledged {}, failed {}",
            s.sent, s.acknowledged, s.failed
        );
        if s.skipped > 0 {
            line += &format!(", skipped {} bad entries", s.skipped);
        }
        line += &format!(" in {:.3} s", s.elapsed_s);
        if let Some(t) = &s.timing {
            line += &format!(
                "; timing error p50 {} µs, p99 {} µs, max {} µs",
                t.p50_us, t.p99_us, t.max_us
            );
        }
        eprintln!("{line}");
        if s.properties_dropped > 0 {
            crate::output::print_warning(&format!(
                "{} messages had MQTT 5 properties that MQTT 3.1.1 cannot carry (use -V 5)",
                s.properties_dropped
            ));
        }
    }
    if let Some(reason) = &s.first_refusal {
        return Err(Error::RequestRefused(format!(
            "the broker refused {} messages (first: {reason})",
            s.failed
        ))
        .into());
    }
    Ok(())
}
