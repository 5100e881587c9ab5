//! A load generator for MQTT 3.1.1 brokers — mqttkit's own or any other, side by side.
//!
//! It speaks MQTT over raw tokio `TcpStream`s, encoding and decoding with
//! `rumqttc::mqttbytes::v4`, and batches many packets per `write_all`, so the broker rather than
//! the generator is the bottleneck (rumqttc's `AsyncClient` flushes once per message).
//!
//! ```text
//! # Throughput: subscribers subscribe to bench/# first, then the publishers send M messages in
//! # total, as fast as they can; prints one line of JSON.
//! cargo run --release --example broker_load -- throughput --addr 127.0.0.1:1884 \
//!     --publishers 10 --subscribers 1 --qos 1 --size 64 --messages 300000
//!
//! # Idle connections: opens N connections (CONNECT, CONNACK), prints `ready`, then holds them
//! # until stdin closes or --hold SECONDS pass. Raise `ulimit -n` first.
//! cargo run --release --example broker_load -- idle --addr 127.0.0.1:1884 --connections 5000
//! ```
//!
//! Throughput options (defaults): `--publishers 1`, `--subscribers 1`, `--qos 0`, `--size 64`,
//! `--messages 1000000`, `--window 100` (unacknowledged QoS 1 publishes per publisher),
//! `--batch 64` (packets per write), `--timeout 60` (seconds in all) and `--stall 5` (seconds
//! without a delivery before giving up). Publisher `i` publishes on `bench/i`. Each subscriber
//! expects all M messages; `messages_received` is the sum over subscribers, and `seconds` runs
//! from the first publish to the last delivery.
//!
//! `scripts/bench-broker.sh` runs it against mqttkit's broker and mosquitto in turn.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use rumqttc::mqttbytes::v4::{Connect, Packet, PubAck, Publish, Subscribe};
use rumqttc::mqttbytes::{Error as MqttError, QoS};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::{Barrier, Semaphore};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Largest packet the generator accepts.
const MAX_PACKET: usize = 1 << 20;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("broker_load: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        Some("throughput") => throughput(Opts::parse(&args[1..])?).await,
        Some("idle") => idle(Opts::parse(&args[1..])?).await,
        _ => Err("usage: broker_load throughput|idle --addr HOST:PORT [--name value ...]".into()),
    }
}

/// Command-line options; every one is `--name value`.
struct Opts(HashMap<String, String>);

impl Opts {
    fn parse(args: &[String]) -> Result<Opts> {
        let mut map = HashMap::new();
        let mut it = args.iter();
        while let Some(name) = it.next() {
            let key = name
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {name:?}"))?;
            let value = it.next().ok_or_else(|| format!("{name} needs a value"))?;
            map.insert(key.to_string(), value.clone());
        }
        Ok(Opts(map))
    }

    fn get<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T> {
        match self.0.get(name) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| format!("bad --{name} {v:?}").into()),
        }
    }

    fn addr(&self) -> Result<String> {
        self.0
            .get("addr")
            .cloned()
            .ok_or_else(|| "--addr HOST:PORT is required".into())
    }
}

/// Reads the next packet, pulling more bytes from `reader` into `buf` as needed; `None` at EOF.
async fn read_packet<R: AsyncRead + Unpin>(
    reader: &mut R,
    buf: &mut BytesMut,
) -> Result<Option<Packet>> {
    loop {
        match Packet::read(buf, MAX_PACKET) {
            Ok(packet) => return Ok(Some(packet)),
            Err(MqttError::InsufficientBytes(_)) => {
                buf.reserve(64 * 1024);
                if reader.read_buf(buf).await? == 0 {
                    return Ok(None);
                }
            }
            Err(e) => return Err(format!("decoding: {e:?}").into()),
        }
    }
}

/// Connects, sends CONNECT (clean session) and waits for a successful CONNACK.
async fn connect(addr: &str, client_id: String, keep_alive: u16) -> Result<(TcpStream, BytesMut)> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut connect = Connect::new(client_id);
    connect.keep_alive = keep_alive;
    let mut buf = BytesMut::new();
    Packet::Connect(connect).write(&mut buf, MAX_PACKET)?;
    stream.write_all(&buf).await?;
    buf.clear();
    match read_packet(&mut stream, &mut buf).await? {
        Some(Packet::ConnAck(ack))
            if ack.code == rumqttc::mqttbytes::v4::ConnectReturnCode::Success =>
        {
            Ok((stream, buf))
        }
        other => Err(format!("expected a successful CONNACK, got {other:?}").into()),
    }
}

fn qos_of(n: u8) -> Result<QoS> {
    match n {
        0 => Ok(QoS::AtMostOnce),
        1 => Ok(QoS::AtLeastOnce),
        _ => Err("--qos must be 0 or 1".into()),
    }
}

/// What one subscriber saw.
struct Received {
    count: u64,
    last: Option<Instant>,
}

async fn throughput(o: Opts) -> Result<()> {
    let addr = o.addr()?;
    let publishers: u64 = o.get("publishers", 1)?;
    let subscribers: u64 = o.get("subscribers", 1)?;
    let qos_n: u8 = o.get("qos", 0)?;
    let qos = qos_of(qos_n)?;
    let size: usize = o.get("size", 64)?;
    let messages: u64 = o.get("messages", 1_000_000)?;
    let window: usize = o.get("window", 100)?;
    let batch: usize = o.get("batch", 64)?;
    let timeout = Duration::from_secs_f64(o.get("timeout", 60.0)?);
    let stall = Duration::from_secs_f64(o.get("stall", 5.0)?);
    if publishers == 0 || batch == 0 || window == 0 {
        return Err("--publishers, --batch and --window must be positive".into());
    }

    // Subscribers first: each has its SUBACK before any publisher starts.
    let mut subs = Vec::new();
    for i in 0..subscribers {
        let (mut stream, mut buf) = connect(&addr, format!("bench-sub-{i}"), 600).await?;
        let mut out = BytesMut::new();
        let mut request = Subscribe::new("bench/#", qos);
        request.pkid = 1; // Subscribe::new leaves 0, which is malformed [MQTT-2.3.1-1]
        Packet::Subscribe(request).write(&mut out, MAX_PACKET)?;
        stream.write_all(&out).await?;
        match read_packet(&mut stream, &mut buf).await? {
            Some(Packet::SubAck(_)) => {}
            other => return Err(format!("expected SUBACK, got {other:?}").into()),
        }
        subs.push(tokio::spawn(subscribe(
            stream, buf, messages, timeout, stall,
        )));
    }

    // Publishers connect, then all start together.
    let start_line = Arc::new(Barrier::new(publishers as usize + 1));
    let mut pubs = Vec::new();
    for i in 0..publishers {
        let (stream, buf) = connect(&addr, format!("bench-pub-{i}"), 600).await?;
        let count = messages / publishers + u64::from(i < messages % publishers);
        let job = PublishJob {
            topic: format!("bench/{i}"),
            payload: vec![b'x'; size],
            qos,
            count,
            window,
            batch,
        };
        let start_line = start_line.clone();
        pubs.push(tokio::spawn(async move {
            start_line.wait().await;
            job.run(stream, buf).await
        }));
    }
    start_line.wait().await;
    let start = Instant::now();

    let mut sent = 0;
    let mut open = Vec::new();
    for p in pubs {
        let (n, writer) = p.await??;
        sent += n;
        open.push(writer);
    }
    let mut received = 0;
    let mut last = start;
    for s in subs {
        let r = s.await??;
        received += r.count;
        last = last.max(r.last.unwrap_or(start));
    }
    drop(open);
    let seconds = last.duration_since(start).as_secs_f64();
    let rate = if seconds > 0.0 {
        received as f64 / seconds
    } else {
        0.0
    };
    println!(
        "{{\"mode\":\"throughput\",\"qos\":{qos_n},\"publishers\":{publishers},\"subscribers\":{subscribers},\"size\":{size},\"messages_sent\":{sent},\"messages_received\":{received},\"seconds\":{seconds:.4},\"rate\":{rate:.0}}}"
    );
    Ok(())
}

/// One publisher's share of the work.
struct PublishJob {
    topic: String,
    payload: Vec<u8>,
    qos: QoS,
    count: u64,
    window: usize,
    batch: usize,
}

impl PublishJob {
    /// Publishes `count` messages, `batch` per write; at QoS 1 at most `window` are
    /// unacknowledged, and it returns once all are acknowledged. Returns how many it sent, and
    /// the connection's write half.
    async fn run(self, stream: TcpStream, mut buf: BytesMut) -> Result<(u64, OwnedWriteHalf)> {
        let (mut reader, mut writer) = stream.into_split();
        let credit = Arc::new(Semaphore::new(self.window));
        let acks = (self.qos == QoS::AtLeastOnce).then(|| {
            let (credit, expected) = (credit.clone(), self.count);
            tokio::spawn(async move {
                let mut acked = 0;
                while acked < expected {
                    match read_packet(&mut reader, &mut buf).await? {
                        Some(Packet::PubAck(_)) => {
                            acked += 1;
                            credit.add_permits(1);
                        }
                        Some(other) => return Err(format!("publisher got {other:?}").into()),
                        None => return Err("broker closed a publisher's connection".into()),
                    }
                }
                Result::Ok(())
            })
        });

        let mut publish = Publish::new(self.topic.as_str(), self.qos, self.payload);
        let mut out = BytesMut::with_capacity(self.batch * (publish.size() + 2));
        let mut pkid: u16 = 0;
        let mut sent = 0;
        while sent < self.count {
            let mut n = (self.count - sent).min(self.batch as u64) as u32;
            if self.qos == QoS::AtLeastOnce {
                // Wait for one free slot, then take as many more as are free, up to n.
                credit.acquire().await?.forget();
                let more = (credit.available_permits() as u32).min(n - 1);
                if more > 0 {
                    credit.acquire_many(more).await?.forget();
                }
                n = more + 1;
            }
            for _ in 0..n {
                if self.qos != QoS::AtMostOnce {
                    pkid = pkid % u16::MAX + 1;
                    publish.pkid = pkid;
                }
                Packet::Publish(publish.clone()).write(&mut out, MAX_PACKET)?;
            }
            writer.write_all(&out).await?;
            out.clear();
            sent += u64::from(n);
        }
        if let Some(acks) = acks {
            acks.await??;
        }
        // The caller holds the connection open until the subscribers are done.
        Ok((sent, writer))
    }
}

/// Counts deliveries until `expected` arrived, `timeout` passed, or nothing came for `stall`;
/// acknowledges QoS 1 deliveries, one write per read.
async fn subscribe(
    stream: TcpStream,
    mut buf: BytesMut,
    expected: u64,
    timeout: Duration,
    stall: Duration,
) -> Result<Received> {
    let (mut reader, mut writer) = stream.into_split();
    let deadline = tokio::time::Instant::now() + timeout;
    let mut acks = BytesMut::new();
    let mut got = Received {
        count: 0,
        last: None,
    };
    while got.count < expected {
        // Decode everything already buffered, then acknowledge it in one write.
        loop {
            match Packet::read(&mut buf, MAX_PACKET) {
                Ok(Packet::Publish(p)) => {
                    got.count += 1;
                    if p.qos == QoS::AtLeastOnce {
                        Packet::PubAck(PubAck::new(p.pkid)).write(&mut acks, MAX_PACKET)?;
                    }
                }
                Ok(other) => return Err(format!("subscriber got {other:?}").into()),
                Err(MqttError::InsufficientBytes(_)) => break,
                Err(e) => return Err(format!("decoding: {e:?}").into()),
            }
        }
        if !acks.is_empty() {
            writer.write_all(&acks).await?;
            acks.clear();
        }
        if got.count > 0 {
            got.last = Some(Instant::now());
        }
        if got.count >= expected {
            break;
        }
        buf.reserve(64 * 1024);
        let limit = deadline.min(tokio::time::Instant::now() + stall);
        match tokio::time::timeout_at(limit, reader.read_buf(&mut buf)).await {
            Ok(Ok(0)) => return Err("broker closed the subscriber's connection".into()),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => {
                eprintln!(
                    "broker_load: subscriber gave up after {} of {expected} messages",
                    got.count
                );
                break;
            }
        }
    }
    Ok(got)
}

async fn idle(o: Opts) -> Result<()> {
    let addr = o.addr()?;
    let connections: usize = o.get("connections", 1000)?;
    let hold: f64 = o.get("hold", 0.0)?;
    let mut held = Vec::with_capacity(connections);
    for i in 0..connections {
        let (stream, _) = connect(&addr, format!("idle-{}-{i}", std::process::id()), 0)
            .await
            .map_err(|e| format!("connection {i}: {e}"))?;
        held.push(stream);
    }
    println!("ready");
    if hold > 0.0 {
        tokio::time::sleep(Duration::from_secs_f64(hold)).await;
    } else {
        // Until stdin reaches EOF.
        let mut sink = Vec::new();
        tokio::io::stdin().read_to_end(&mut sink).await?;
    }
    drop(held);
    Ok(())
}
