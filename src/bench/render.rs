//! What bench prints: a [`Report`] as a text summary or one JSON document, and the progress
//! of a run on stderr.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::live::Live;
use super::timing::since;
use super::{Latency, Report};

/// A latency in µs as text with its unit: µs below 10 ms, ms below 10 s, else s.
pub fn duration_us(us: u64) -> String {
    if us < 10_000 {
        format!("{us} µs")
    } else if us < 10_000_000 {
        format!("{:.2} ms", us as f64 / 1e3)
    } else {
        format!("{:.2} s", us as f64 / 1e6)
    }
}

fn latency_line(out: &mut String, name: &str, l: &Latency) {
    let _ = writeln!(
        out,
        "  {name:<11} n={}  p50 {}  p90 {}  p99 {}  p99.9 {}  p99.99 {}  max {}",
        l.count,
        duration_us(l.p50),
        duration_us(l.p90),
        duration_us(l.p99),
        duration_us(l.p99_9),
        duration_us(l.p99_99),
        duration_us(l.max),
    );
}

/// The text summary.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let l = &r.load;
    let c = &r.counts;
    let runs = if r.runs > 1 {
        format!(" ({} runs merged)", r.runs)
    } else {
        String::new()
    };
    let _ = if l.connections > 0 && l.publishers + l.subscribers == 0 {
        writeln!(
            out,
            "bench {}{runs}: {:.1} s to connect",
            r.mode, r.elapsed_s
        )
    } else {
        writeln!(
            out,
            "bench {}{runs}: {} publishers, {} subscribers, QoS {}, {} B payloads, {:.1} s measured",
            r.mode, l.publishers, l.subscribers, l.qos, l.size, r.elapsed_s
        )
    };
    if l.connections > 0 {
        let _ = writeln!(
            out,
            "  connections {} at {:.0}/s: {} connected",
            l.connections, l.offered_rate, c.connected
        );
        if r.rss_kb > 0 && c.connected > 0 {
            let _ = writeln!(
                out,
                "  memory     {} kB resident, {} kB before connecting ({:.1} kB per connection)",
                r.rss_kb,
                r.rss_base_kb,
                r.rss_kb.saturating_sub(r.rss_base_kb) as f64 / c.connected.max(1) as f64
            );
        }
    }
    if l.publishers > 0 {
        let _ = writeln!(
            out,
            "  rate       offered {:.0}/s  achieved {:.0}/s",
            l.offered_rate, r.rates.sent
        );
        let _ = writeln!(
            out,
            "  sent       {} ({:.0}/s, {:.2} MB/s)",
            c.sent, r.rates.sent, r.rates.sent_mb
        );
        if l.qos > 0 {
            let _ = writeln!(out, "  acked      {} ({:.0}/s)", c.acked, r.rates.acked);
        }
        let _ = writeln!(
            out,
            "  schedule   {} sent late (> 1 ms), max lag {}, {} unsent at the end",
            c.late,
            duration_us(c.max_lag_us),
            c.unsent
        );
    }
    if l.subscribers > 0 {
        let _ = writeln!(
            out,
            "  received   {} ({:.0}/s, {:.2} MB/s)",
            c.received, r.rates.received, r.rates.received_mb
        );
        if l.publishers > 0 {
            let _ = writeln!(
                out,
                "  delivery   expected {}  lost {}  duplicated {}  out of order {}",
                c.expected, c.lost, c.duplicated, c.out_of_order
            );
        }
    }
    let _ = writeln!(
        out,
        "  errors     {}  reconnects {}",
        c.errors, c.reconnects
    );
    if c.retained > 0 {
        let _ = writeln!(
            out,
            "  retained   {} kept from before the run, left out of the figures",
            c.retained
        );
    }
    for (name, lat) in &r.latency {
        if lat.count > 0 {
            latency_line(&mut out, name, lat);
        }
    }
    out
}

/// The JSON document (one line).
pub fn json(r: &Report) -> anyhow::Result<String> {
    Ok(serde_json::to_string(r)?)
}

/// What the progress display shows.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Whether to show anything.
    pub on: bool,
    /// The run's QoS: what is in flight is unacknowledged (QoS 1/2) or not yet received.
    pub qos: u8,
    /// Subscribers, each of which should receive every message.
    pub subscribers: u64,
}

/// Once a second from `epoch` until `finished`: an indicatif line on a terminal, a plain line on stderr otherwise.
pub async fn show_progress(
    live: Arc<Live>,
    epoch: Instant,
    what: Progress,
    finished: CancellationToken,
) {
    if !what.on {
        finished.cancelled().await;
        return;
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let mut tick = tokio::time::interval_at(
        (epoch + Duration::from_secs(1)).into(),
        Duration::from_secs(1),
    );
    let mut last = (0u64, 0u64);
    loop {
        tokio::select! {
            () = finished.cancelled() => break,
            _ = tick.tick() => {}
        }
        let sent = live.sent_all.load(Relaxed);
        let received = live.received.load(Relaxed);
        let acked = live.acked.load(Relaxed);
        let connected = live.connected.load(Relaxed);
        let in_flight = if what.qos > 0 {
            sent.saturating_sub(acked)
        } else {
            (sent * what.subscribers).saturating_sub(received)
        };
        let mut line = format!("{:>4.0}s  ", since(epoch).as_secs_f64());
        if connected > 0 {
            line += &format!("connected {connected}  ");
        }
        line += &format!(
            "sent {sent} ({}/s)  received {received} ({}/s)  in flight {in_flight}  errors {}",
            sent - last.0,
            received.saturating_sub(last.1),
            live.errors.load(Relaxed),
        );
        last = (sent, received);
        match &bar {
            Some(bar) => bar.set_message(line),
            None => {
                // Progress is not the run's result: when stderr cannot take it (a closed pipe,
                // a full disk) the run goes on without it, and the report still goes to stdout.
                if writeln!(std::io::stderr(), "{line}").is_err() {
                    finished.cancelled().await;
                    break;
                }
            }
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_carry_their_unit() {
        assert_eq!(duration_us(15), "15 µs");
        assert_eq!(duration_us(12_345), "12.35 ms");
        assert_eq!(duration_us(12_345_678), "12.35 s");
    }
}
