//! `mqttkit record`: flags → a [`RecordPlan`] and its writers → [`recorder::record`], with a
//! live line on a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cli::RecordArgs;
use crate::conn;
use crate::error::usage;
use crate::record::ndjson::NdjsonWriter;
use crate::record::recorder::{self, RecordPlan, Stats, Writers};
use crate::record::sqlite::SqliteWriter;
use crate::topic;

/// Runs `mqttkit record`.
pub fn run(args: RecordArgs) -> Result<()> {
    let conn = conn::resolve(&args.conn, "record")?;
    let mut filters = args.topic;
    if filters.is_empty() {
        filters.extend(conn.url_topic.clone());
    }
    if filters.is_empty() {
        return Err(usage("a topic filter is required: -t FILTER (repeatable)"));
    }
    for f in &filters {
        topic::validate_filter(f).map_err(|e| usage(format!("-t {f:?}: {e}")))?;
    }
    // The files are opened before connecting: an unwritable path fails at once.
    let ndjson = match (&args.output, &args.db) {
        (Some(path), _) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("-o {}: cannot create", path.display()))?;
            Some(NdjsonWriter::new(
                Box::new(file),
                path.display().to_string(),
            ))
        }
        (None, Some(_)) => None,
        (None, None) => Some(NdjsonWriter::new(
            Box::new(std::io::stdout()),
            "stdout".into(),
        )),
    };
    let to_stdout = args.output.is_none() && args.db.is_none();
    let db = args.db.as_deref().map(SqliteWriter::open).transpose()?;
    let plan = RecordPlan {
        conn,
        filters,
        qos: conn::qos(args.qos),
        count: args.count,
        timeout: args.timeout,
        duration: args.duration,
    };
    // A live line only where it mixes with nothing: stderr a terminal, and the records not
    // going to that same terminal.
    let live = std::io::stderr().is_terminal() && !(to_stdout && std::io::stdout().is_terminal());
    let bar = live.then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let mut progress = |stats: &Stats| {
        if let Some(bar) = &bar {
            bar.set_message(live_line(stats));
        }
    };
    super::warn_before_connecting(&plan.conn);
    let result = super::block_on(async {
        recorder::record(plan, Writers { ndjson, db }, &mut progress)
            .await
            .map(drop)
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    result
}

fn live_line(s: &Stats) -> String {
    let secs = s.started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 {
        s.messages as f64 / secs
    } else {
        0.0
    };
    format!(
        "recording {:.0}s  messages {}  bytes {}  {:.0} msg/s  topics {}",
        secs, s.messages, s.bytes, rate, s.topics
    )
}
