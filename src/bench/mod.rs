//! `mqttkit bench`: the measurement model, apart from the load generators and the printing.
//!
//! - [`Schedule`]: the open-loop timetable; latency is measured from a message's *intended*
//!   send time, so a stall in the system shows up in every message it delayed (coordinated
//!   omission corrected).
//! - [`header`]: the payload header (publisher, sequence, intended time).
//! - [`Delivery`]: per-publisher loss, duplication and order checks of one subscriber.
//! - [`Report`]: the serialisable result, with each histogram in hdrhistogram's V2 format so
//!   that reports can be [merged](Report::merge).
//! - [`plan`]: what a run is given; [`live`]: the counters its clients share; [`timing`]:
//!   its clock and fixed windows.
//! - [`render`]: everything bench prints (text and JSON reports, the progress line); [`run`]:
//!   the load generators, built from [`publisher`] and [`subscriber`] on the lean client
//!   [`wire`].

pub mod client;
pub mod live;
pub mod plan;
pub mod publisher;
pub mod render;
pub mod run;
pub mod subscriber;
pub mod template;
pub mod ticker;
pub mod timing;
pub mod wire;

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use anyhow::{Context, Result};
use base64::Engine;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// The version of the JSON report's schema (see docs/bench.md).
pub const SCHEMA_VERSION: u32 = 1;

/// A new latency histogram: microseconds, 3 significant figures, resizing as needed.
pub fn new_histogram() -> Histogram<u64> {
    // 3 significant figures is always a valid precision.
    Histogram::new(3).expect("histogram with 3 significant figures")
}

/// Records `latency` in microseconds (at least 1 µs, the resolution).
pub fn record(h: &mut Histogram<u64>, latency: Duration) {
    let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX / 2);
    // An auto-resizing histogram only refuses values beyond its type's range.
    let _ = h.record(us.max(1));
}

/// The open-loop timetable of one publisher: message `k` is due at `offset + k / rate`
/// after the run's epoch, whatever happened to the messages before it.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// When message 0 is due, after the epoch.
    pub offset: Duration,
    /// Messages per second of this publisher.
    pub rate: f64,
}

impl Schedule {
    /// When message `k` is due, after the epoch (at most [`Schedule::HORIZON`]).
    pub fn due(&self, k: u64) -> Duration {
        let after = Duration::try_from_secs_f64(k as f64 / self.rate).unwrap_or(Self::HORIZON);
        (self.offset + after.min(Self::HORIZON)).min(Self::HORIZON)
    }

    /// The farthest due time: a century, beyond any run (and safe to add to an `Instant`).
    pub const HORIZON: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

    /// Latency of a message due at `due` and completed at `done` (both after the epoch):
    /// measured from the intended time, so waiting to be sent counts.
    pub fn latency(due: Duration, done: Duration) -> Duration {
        done.saturating_sub(due)
    }
}

/// The payload header every bench message starts with.
pub mod header {
    /// Bytes: publisher index, sequence number, intended send time (ns after the Unix epoch,
    /// on the publishing process's monotonic clock set once from the wall clock), each a
    /// big-endian u64.
    pub const LEN: usize = 24;

    /// Writes the header into the first [`LEN`] bytes of `buf`.
    pub fn write(buf: &mut [u8], publisher: u64, seq: u64, intended_ns: u64) {
        buf[0..8].copy_from_slice(&publisher.to_be_bytes());
        buf[8..16].copy_from_slice(&seq.to_be_bytes());
        buf[16..24].copy_from_slice(&intended_ns.to_be_bytes());
    }

    /// Reads a header: `(publisher, seq, intended_ns)`, or `None` for a shorter payload.
    pub fn read(buf: &[u8]) -> Option<(u64, u64, u64)> {
        let word = |i: usize| -> Option<u64> {
            Some(u64::from_be_bytes(buf.get(i..i + 8)?.try_into().ok()?))
        };
        Some((word(0)?, word(8)?, word(16)?))
    }
}

/// The most 64-message words a stream keeps between its oldest missing message and its
/// newest one (2^32 messages, 512 MiB): a sequence number beyond that is taken for foreign.
const WINDOW_WORDS: u64 = 1 << 26;

/// What one subscriber received from one publisher.
#[derive(Debug, Default, Clone)]
struct Stream {
    /// Bit `b` of word `w`: message `(first_word + w) * 64 + b` was received. Words at the
    /// front that fill up are dropped, so a run without loss keeps only the messages still
    /// in flight, however long it lasts.
    seen: VecDeque<u64>,
    /// Every message from `start` to `first_word * 64` was received.
    first_word: u64,
    /// The first message of a stream joined late (`bench sub` beside a running publisher):
    /// those before it are new when they come, and not recorded.
    start: u64,
    unique: u64,
    highest: Option<u64>,
}

impl Stream {
    /// Marks `seq` received: `Some(true)` when new, `Some(false)` when seen before, `None`
    /// when beyond the window.
    fn mark(&mut self, seq: u64) -> Option<bool> {
        if seq < self.start {
            return Some(true);
        }
        let word = seq / 64;
        let Some(i) = word.checked_sub(self.first_word) else {
            return Some(false);
        };
        if i >= WINDOW_WORDS {
            return None;
        }
        let i = i as usize;
        if i >= self.seen.len() {
            self.seen.resize(i + 1, 0);
        }
        let bit = 1u64 << (seq % 64);
        if self.seen[i] & bit != 0 {
            return Some(false);
        }
        self.seen[i] |= bit;
        while self.seen.front() == Some(&u64::MAX) {
            self.seen.pop_front();
            self.first_word += 1;
        }
        Some(true)
    }

    /// Starts the window at `seq`, the first message of a stream joined late, so that the
    /// messages sent before do not hold it open as missing.
    fn begin_at(&mut self, seq: u64) {
        self.start = seq;
        self.first_word = seq / 64;
        self.seen = VecDeque::from([(1u64 << (seq % 64)) - 1]);
    }
}

/// Loss, duplication and order checks of one subscriber, per publisher.
#[derive(Debug, Default, Clone)]
pub struct Delivery {
    streams: Vec<Stream>,
    /// Messages received again.
    pub duplicated: u64,
    /// Messages received after one with a higher sequence number from the same publisher.
    pub out_of_order: u64,
    /// Payloads without a valid header, or from an unknown publisher.
    pub foreign: u64,
    /// Whether publishers are learnt as they appear (bench sub) rather than known up front.
    open: bool,
}

impl Delivery {
    /// A tracker for `publishers` publishers.
    pub fn new(publishers: usize) -> Self {
        Delivery {
            streams: vec![Stream::default(); publishers],
            ..Delivery::default()
        }
    }

    /// A tracker that learns publishers (indices below 65536) from the messages, each from
    /// its first message on (the subscriber may have joined it late; loss is not counted).
    pub fn open() -> Self {
        Delivery {
            open: true,
            ..Delivery::default()
        }
    }

    /// Notes message `seq` of `publisher`; false for a duplicate or a foreign message.
    pub fn note(&mut self, publisher: u64, seq: u64) -> bool {
        if self.open && publisher < 65_536 && publisher as usize >= self.streams.len() {
            self.streams
                .resize(publisher as usize + 1, Stream::default());
        }
        let Some(s) = usize::try_from(publisher)
            .ok()
            .and_then(|p| self.streams.get_mut(p))
        else {
            self.foreign += 1;
            return false;
        };
        if self.open && s.highest.is_none() {
            s.begin_at(seq);
        }
        match s.mark(seq) {
            None => {
                self.foreign += 1;
                return false;
            }
            Some(false) => {
                self.duplicated += 1;
                return false;
            }
            Some(true) => s.unique += 1,
        }
        if s.highest.is_some_and(|h| seq < h) {
            self.out_of_order += 1;
        }
        s.highest = Some(s.highest.map_or(seq, |h| h.max(seq)));
        true
    }

    /// Distinct messages received in all.
    pub fn unique(&self) -> u64 {
        self.streams.iter().map(|s| s.unique).sum()
    }

    /// Messages missing, given how many each publisher sent.
    pub fn lost(&self, sent: &[u64]) -> u64 {
        self.streams
            .iter()
            .zip(sent)
            .map(|(s, &n)| n.saturating_sub(s.unique))
            .sum()
    }
}

/// One latency distribution, summarised, with the histogram itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Always "us": every figure below is in microseconds.
    pub unit: String,
    /// Samples.
    pub count: u64,
    /// Smallest sample.
    pub min: u64,
    /// Mean.
    pub mean: f64,
    /// Percentiles.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// 99.9th percentile.
    pub p99_9: u64,
    /// 99.99th percentile.
    pub p99_99: u64,
    /// Largest sample.
    pub max: u64,
    /// The histogram: hdrhistogram's V2 serialisation, base64 (standard alphabet, padded).
    pub hdr: String,
}

impl Latency {
    /// Summarises `h`.
    pub fn from_histogram(h: &Histogram<u64>) -> Result<Self> {
        let mut bytes = Vec::new();
        V2Serializer::new()
            .serialize(h, &mut bytes)
            .map_err(|e| anyhow::anyhow!("cannot serialise a histogram: {e:?}"))?;
        let empty = h.is_empty();
        let q = |q: f64| if empty { 0 } else { h.value_at_quantile(q) };
        Ok(Latency {
            unit: "us".into(),
            count: h.len(),
            min: if empty { 0 } else { h.min() },
            mean: if empty { 0.0 } else { h.mean() },
            p50: q(0.50),
            p90: q(0.90),
            p99: q(0.99),
            p99_9: q(0.999),
            p99_99: q(0.9999),
            max: if empty { 0 } else { h.max() },
            hdr: base64::engine::general_purpose::STANDARD.encode(bytes),
        })
    }

    /// The histogram back from `hdr`.
    pub fn histogram(&self) -> Result<Histogram<u64>> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.hdr)
            .context("hdr is not base64")?;
        let mut h: Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|e| anyhow::anyhow!("hdr is not a V2 histogram: {e:?}"))?;
        h.auto(true);
        Ok(h)
    }
}

/// The shape of the load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// Publishing clients.
    pub publishers: u64,
    /// Subscribing clients.
    pub subscribers: u64,
    /// Connections (bench conn).
    pub connections: u64,
    /// QoS of publishes and subscriptions.
    pub qos: u8,
    /// Payload bytes per message.
    pub size: u64,
    /// Offered rate, messages/s in total over all publishers (0 when not publishing).
    pub offered_rate: f64,
    /// Warm-up excluded from the figures, in seconds.
    pub warmup_s: f64,
}

/// Counters. Messages count when they were due after the warm-up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Messages published.
    pub sent: u64,
    /// Messages acknowledged (PUBACK at QoS 1, PUBCOMP at QoS 2).
    pub acked: u64,
    /// Messages received by all subscribers together (duplicates included).
    pub received: u64,
    /// Messages the subscribers should have received (sent × subscribers, all of the run).
    pub expected: u64,
    /// Expected messages never received.
    pub lost: u64,
    /// Messages received more than once.
    pub duplicated: u64,
    /// Messages received after a later one of the same publisher.
    pub out_of_order: u64,
    /// Messages due before the end of a `--duration` run but not sent by then: the publisher
    /// (or the broker pushing back) could not keep up with the offered rate.
    #[serde(default)]
    pub unsent: u64,
    /// Messages sent more than 1 ms after their intended time.
    pub late: u64,
    /// How far the slowest publisher fell behind its timetable, in microseconds.
    pub max_lag_us: u64,
    /// Errors: failed connections, refused publishes, connection losses.
    pub errors: u64,
    /// Reconnections after a lost connection.
    pub reconnects: u64,
    /// Retained messages the subscribers received when subscribing (not part of the load,
    /// left out of every other figure).
    #[serde(default)]
    pub retained: u64,
    /// Connections established (bench conn).
    pub connected: u64,
}

/// Rates derived from the counters and the elapsed time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Messages/s published.
    pub sent: f64,
    /// Messages/s acknowledged.
    pub acked: f64,
    /// Messages/s received (all subscribers).
    pub received: f64,
    /// Payload megabytes (10^6 bytes)/s published.
    pub sent_mb: f64,
    /// Payload megabytes/s received.
    pub received_mb: f64,
}

/// The result of a run, or of several merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema: u32,
    /// pubsub, pub, sub, conn.
    pub mode: String,
    /// Runs merged into this report (1 for a single run).
    pub runs: u64,
    /// The load.
    pub load: Load,
    /// Seconds measured (after the warm-up; for merged runs the longest).
    pub elapsed_s: f64,
    /// Counters.
    pub counts: Counts,
    /// Derived rates.
    pub rates: Rates,
    /// Latencies by name: `end_to_end` (intended send → received), `ack` (intended send →
    /// PUBACK/PUBCOMP), `connect` (TCP connect → CONNACK).
    pub latency: BTreeMap<String, Latency>,
    /// Resident memory of the bench process in kB while holding its connections (bench conn;
    /// summed when merged; 0 when unknown).
    #[serde(default)]
    pub rss_kb: u64,
    /// Resident memory in kB before the first connection (bench conn; summed when merged).
    #[serde(default)]
    pub rss_base_kb: u64,
}

impl Report {
    /// A report from its parts, with the rates derived.
    pub fn new(
        mode: &str,
        load: Load,
        elapsed: Duration,
        counts: Counts,
        histograms: &[(&str, &Histogram<u64>)],
    ) -> Result<Self> {
        let mut latency = BTreeMap::new();
        for (name, h) in histograms {
            latency.insert((*name).to_string(), Latency::from_histogram(h)?);
        }
        let mut r = Report {
            schema: SCHEMA_VERSION,
            mode: mode.into(),
            runs: 1,
            load,
            elapsed_s: elapsed.as_secs_f64(),
            counts,
            rates: Rates::default(),
            latency,
            rss_kb: 0,
            rss_base_kb: 0,
        };
        r.derive_rates();
        Ok(r)
    }

    fn derive_rates(&mut self) {
        let per_s = |n: u64| {
            if self.elapsed_s > 0.0 {
                n as f64 / self.elapsed_s
            } else {
                0.0
            }
        };
        let mb = |n: u64| per_s(n) * self.load.size as f64 / 1e6;
        self.rates = Rates {
            sent: per_s(self.counts.sent),
            acked: per_s(self.counts.acked),
            received: per_s(self.counts.received),
            sent_mb: mb(self.counts.sent),
            received_mb: mb(self.counts.received),
        };
    }

    /// Parses a JSON report.
    pub fn from_json(text: &str) -> Result<Self> {
        let r: Report = serde_json::from_str(text).context("not a bench report")?;
        if r.schema != SCHEMA_VERSION {
            anyhow::bail!(
                "report schema {} (this mqttkit reads {SCHEMA_VERSION})",
                r.schema
            );
        }
        Ok(r)
    }

    /// Combines reports of runs made at the same time (e.g. from several machines): counts
    /// and clients add up, histograms merge, the elapsed time is the longest.
    pub fn merge(reports: &[Report]) -> Result<Report> {
        let first = reports.first().context("no reports to merge")?;
        let mut load = first.load.clone();
        let mut counts = Counts::default();
        let mut hists: BTreeMap<String, Histogram<u64>> = BTreeMap::new();
        let mut elapsed: f64 = 0.0;
        let mut runs = 0;
        let mut rss_kb = 0;
        let mut rss_base_kb = 0;
        for (i, r) in reports.iter().enumerate() {
            if i > 0 {
                if r.load.qos != load.qos || r.load.size != load.size {
                    anyhow::bail!("reports differ in QoS or size: they measure different loads");
                }
                load.publishers += r.load.publishers;
                load.subscribers += r.load.subscribers;
                load.connections += r.load.connections;
                load.offered_rate += r.load.offered_rate;
                load.warmup_s = load.warmup_s.max(r.load.warmup_s);
            }
            runs += r.runs;
            rss_kb += r.rss_kb;
            rss_base_kb += r.rss_base_kb;
            elapsed = elapsed.max(r.elapsed_s);
            let c = &r.counts;
            let m = &mut counts;
            m.sent += c.sent;
            m.acked += c.acked;
            m.received += c.received;
            m.expected += c.expected;
            m.lost += c.lost;
            m.duplicated += c.duplicated;
            m.out_of_order += c.out_of_order;
            m.late += c.late;
            m.unsent += c.unsent;
            m.max_lag_us = m.max_lag_us.max(c.max_lag_us);
            m.errors += c.errors;
            m.reconnects += c.reconnects;
            m.retained += c.retained;
            m.connected += c.connected;
            for (name, lat) in &r.latency {
                let h = lat.histogram().with_context(|| format!("latency {name}"))?;
                match hists.get_mut(name) {
                    Some(acc) => acc
                        .add(&h)
                        .map_err(|e| anyhow::anyhow!("cannot merge {name}: {e:?}"))?,
                    None => {
                        hists.insert(name.clone(), h);
                    }
                }
            }
        }
        let named: Vec<(&str, &Histogram<u64>)> =
            hists.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let mode = if reports.iter().all(|r| r.mode == first.mode) {
            first.mode.clone()
        } else {
            "mixed".into()
        };
        let mut merged = Report::new(
            &mode,
            load,
            Duration::from_secs_f64(elapsed.max(0.0)),
            counts,
            &named,
        )?;
        merged.runs = runs;
        merged.rss_kb = rss_kb;
        merged.rss_base_kb = rss_base_kb;
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A publisher at 1000 messages/s into a sink that stalls once for 100 ms: measured from
    /// the intended send time, every message queued behind the stall is late, so the p99
    /// reflects the stall; measured from the actual send time only one message would be.
    #[test]
    fn latency_from_the_intended_time_includes_a_stall() {
        let schedule = Schedule {
            offset: Duration::ZERO,
            rate: 1000.0,
        };
        let service = Duration::from_micros(10);
        let stall = Duration::from_millis(100);
        let mut corrected = new_histogram();
        let mut naive = new_histogram();
        let mut clock = Duration::ZERO;
        for k in 0..2000 {
            let due = schedule.due(k);
            let sent = due.max(clock);
            clock = sent + if k == 500 { stall } else { service };
            record(&mut corrected, Schedule::latency(due, clock));
            record(&mut naive, clock - sent);
        }
        // ~100 messages were due during the stall; their latencies go from 100 ms down.
        assert!(corrected.value_at_quantile(0.99) >= 50_000);
        assert!(corrected.count_between(10_000, u64::MAX) >= 80);
        assert!(corrected.max() >= 100_000);
        // Without the correction only the stalled message shows it.
        assert!(naive.value_at_quantile(0.99) <= 20);
        assert_eq!(naive.count_between(10_000, u64::MAX), 1);
    }

    #[test]
    fn header_round_trips() {
        let mut buf = vec![0u8; header::LEN + 3];
        header::write(&mut buf, 7, 1 << 40, 123_456_789);
        assert_eq!(header::read(&buf), Some((7, 1 << 40, 123_456_789)));
        assert_eq!(header::read(&buf[..header::LEN - 1]), None);
    }

    #[test]
    fn delivery_counts_loss_duplicates_and_order() {
        let mut d = Delivery::new(2);
        for seq in [0, 1, 3, 2, 3, 5] {
            d.note(0, seq);
        }
        d.note(1, 0);
        d.note(9, 0);
        assert_eq!(d.unique(), 6);
        assert_eq!(d.duplicated, 1);
        assert_eq!(d.out_of_order, 1);
        assert_eq!(d.foreign, 1);
        assert_eq!(d.lost(&[6, 2]), 1 + 1);
    }

    #[test]
    fn delivery_forgets_what_is_complete_and_still_knows_a_duplicate() {
        let mut d = Delivery::new(1);
        for seq in 0..1_000_000 {
            assert!(d.note(0, seq));
        }
        // A million messages without loss keep at most one partial word.
        assert!(d.streams[0].seen.len() <= 1, "{}", d.streams[0].seen.len());
        // Long-forgotten messages received again are still duplicates, not new.
        assert!(!d.note(0, 5));
        assert!(!d.note(0, 999_999));
        assert_eq!(d.duplicated, 2);
        assert_eq!(d.unique(), 1_000_000);
        assert_eq!(d.lost(&[1_000_000]), 0);
        // A hole holds the window open from there, and filling it late closes it.
        let mut d = Delivery::new(1);
        for seq in (0..10_000).filter(|&s| s != 100) {
            d.note(0, seq);
        }
        assert!(d.streams[0].seen.len() > 100);
        assert_eq!(d.lost(&[10_000]), 1);
        assert!(d.note(0, 100));
        assert_eq!(d.out_of_order, 1);
        assert!(d.streams[0].seen.len() <= 1);
        assert_eq!(d.lost(&[10_000]), 0);
        // More than 2^32 messages ahead of the oldest missing one: not a bench sequence.
        assert!(!d.note(0, 10_000 + (1 << 32)));
        assert_eq!(d.foreign, 1);
    }

    #[test]
    fn an_open_delivery_starts_each_stream_at_its_first_message() {
        let mut d = Delivery::open();
        // Joined a publisher a million messages in.
        for seq in 1_000_000..2_000_000 {
            assert!(d.note(3, seq));
        }
        assert!(d.streams[3].seen.len() <= 1, "{}", d.streams[3].seen.len());
        assert!(!d.note(3, 1_500_000));
        assert_eq!(d.duplicated, 1);
        // One sent before the first one seen arrives late: new, and out of order.
        assert!(d.note(3, 999_999));
        assert_eq!(d.out_of_order, 1);
        assert_eq!(d.unique(), 1_000_001);
        // A stream that starts mid-word keeps its own first message's word exact.
        let mut d = Delivery::open();
        assert!(d.note(0, 70));
        assert!(d.note(0, 71));
        assert!(!d.note(0, 70));
        assert!(d.note(0, 65));
        assert_eq!((d.duplicated, d.out_of_order, d.unique()), (1, 1, 3));
    }

    fn load() -> Load {
        Load {
            publishers: 1,
            subscribers: 1,
            connections: 0,
            qos: 1,
            size: 64,
            offered_rate: 100.0,
            warmup_s: 0.0,
        }
    }

    #[test]
    fn merging_two_reports_equals_one_report_of_all_the_data() {
        let (mut a, mut b, mut all) = (new_histogram(), new_histogram(), new_histogram());
        for v in 1..=1000u64 {
            let us = Duration::from_micros(v * v % 7919 + 1);
            record(if v % 3 == 0 { &mut a } else { &mut b }, us);
            record(&mut all, us);
        }
        let counts = |sent: u64| Counts {
            sent,
            acked: sent,
            received: sent,
            expected: sent,
            max_lag_us: sent,
            ..Counts::default()
        };
        let secs = Duration::from_secs(2);
        let ra = Report::new("pubsub", load(), secs, counts(333), &[("end_to_end", &a)]).unwrap();
        let rb = Report::new("pubsub", load(), secs, counts(667), &[("end_to_end", &b)]).unwrap();
        // Through JSON, as `bench merge` reads them.
        let parse = |r: &Report| Report::from_json(&serde_json::to_string(r).unwrap()).unwrap();
        let merged = Report::merge(&[parse(&ra), parse(&rb)]).unwrap();

        let mut both = load();
        both.publishers = 2;
        both.subscribers = 2;
        both.offered_rate = 200.0;
        let mut c = counts(1000);
        c.max_lag_us = 667;
        let mut one = Report::new("pubsub", both, secs, c, &[("end_to_end", &all)]).unwrap();
        one.runs = 2;
        let (m, o) = (&merged.latency["end_to_end"], &one.latency["end_to_end"]);
        assert_eq!(m.histogram().unwrap(), o.histogram().unwrap());
        assert_eq!(
            (m.count, m.min, m.p50, m.p99, m.p99_99, m.max),
            (o.count, o.min, o.p50, o.p99, o.p99_99, o.max)
        );
        assert!((m.mean - o.mean).abs() < 1e-9);
        assert_eq!(merged.counts, one.counts);
        assert_eq!(merged.load, one.load);
        assert_eq!(merged.rates, one.rates);
    }

    #[test]
    fn a_report_of_another_schema_is_refused() {
        let mut r = Report::new(
            "pub",
            load(),
            Duration::from_secs(1),
            Counts::default(),
            &[],
        )
        .unwrap();
        r.schema = 99;
        let err = Report::from_json(&serde_json::to_string(&r).unwrap()).unwrap_err();
        assert!(err.to_string().contains("schema 99"));
    }
}
