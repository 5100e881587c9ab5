//! A load generator for MQTT 3.1.1 and MQTT 5 brokers — mqttkit's own or any other, side by side.
//!
//! It speaks MQTT over raw tokio `TcpStream`s, encoding and decoding with
//! `rumqttc::mqttbytes::v4` (`--protocol 4`, the default) or `rumqttc::v5::mqttbytes::v5`
//! (`--protocol 5`), and batches many packets per `write_all`, so the broker rather than the
//! generator is the bottleneck (rumqttc's `AsyncClient` flushes once per message).
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
//! without a delivery before giving up), `--persistent 0|1` (1: subscribers keep a session
//! that outlives the connection, which a persisting broker stores). Publisher `i` publishes on `bench/i`. Each subscriber
//! expects all M messages; `messages_received` is the sum over subscribers, and `seconds` runs
//! from the first publish to the last delivery; `publish_seconds` until every publisher is
//! done (at QoS 1: every publish acknowledged), and `publish_rate` is the messages sent per
//! second of it. `--subscribers 0` measures publishing alone (for a peer subscriber).
//!
//! Both modes take `--protocol 4|5` (default 4: MQTT 3.1.1). At 5 the generator sends the same
//! packets in MQTT 5 form (clean start, no properties), and a QoS 1 publisher keeps at most
//! min(`--window`, the Receive Maximum in the broker's CONNACK) publishes unacknowledged.
//!
//! `scripts/bench-broker.sh` runs it against mqttkit's broker and mosquitto in turn.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use rumqttc::mqttbytes::{v4, QoS};
use rumqttc::v5::mqttbytes as mqtt5;
use rumqttc::v5::mqttbytes::v5;
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

    fn protocol(&self) -> Result<Proto> {
        match self.get("protocol", 4u8)? {
            4 => Ok(Proto::V4),
            5 => Ok(Proto::V5),
            _ => Err("--protocol must be 4 or 5".into()),
        }
    }
}

/// The protocol spoken: encodes the few packets the generator sends and decodes what it gets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Proto {
    /// MQTT 3.1.1 (`rumqttc::mqttbytes::v4`).
    V4,
    /// MQTT 5 (`rumqttc::v5::mqttbytes::v5`).
    V5,
}

/// What arrived, in either protocol; anything else the generator does not expect is `Other`.
#[derive(Debug)]
enum Incoming {
    /// A successful CONNACK, with the Receive Maximum it announced (MQTT 5; absent means 65,535).
    ConnAck {
        receive_max: Option<u16>,
    },
    SubAck,
    Publish {
        qos: QoS,
        pkid: u16,
    },
    /// A successful PUBACK (at MQTT 5, reason Success or No Matching Subscribers).
    PubAck,
    Other(String),
}

impl Proto {
    fn number(self) -> u8 {
        match self {
            Proto::V4 => 4,
            Proto::V5 => 5,
        }
    }

    /// CONNECT with clean session / clean start and no properties; `persistent`: a session
    /// that outlives the connection (3.1.1 Clean Session 0, MQTT 5 Session Expiry "never").
    fn write_connect(
        self,
        out: &mut BytesMut,
        client_id: String,
        keep_alive: u16,
        persistent: bool,
    ) -> Result<()> {
        match self {
            Proto::V4 => {
                let mut connect = v4::Connect::new(client_id);
                connect.keep_alive = keep_alive;
                connect.clean_session = !persistent;
                v4::Packet::Connect(connect).write(out, MAX_PACKET)?;
            }
            Proto::V5 => {
                let properties = persistent.then(|| v5::ConnectProperties {
                    session_expiry_interval: Some(u32::MAX),
                    ..v5::ConnectProperties::new()
                });
                let connect = v5::Connect {
                    keep_alive,
                    client_id,
                    clean_start: true,
                    properties,
                };
                v5::Packet::Connect(connect, None, None).write(out, Self::max())?;
            }
        }
        Ok(())
    }

    /// SUBSCRIBE to one filter (no options, no properties).
    fn write_subscribe(self, out: &mut BytesMut, filter: &str, qos: QoS, pkid: u16) -> Result<()> {
        match self {
            Proto::V4 => {
                let mut request = v4::Subscribe::new(filter, qos);
                request.pkid = pkid;
                v4::Packet::Subscribe(request).write(out, MAX_PACKET)?;
            }
            Proto::V5 => {
                let mut request = v5::Subscribe::new(v5::Filter::new(filter, v5_qos(qos)), None);
                request.pkid = pkid;
                v5::Packet::Subscribe(request).write(out, Self::max())?;
            }
        }
        Ok(())
    }

    /// PUBLISH (no DUP, no RETAIN, no properties); `pkid` is ignored at QoS 0.
    fn write_publish(
        self,
        out: &mut BytesMut,
        topic: &str,
        payload: &Bytes,
        qos: QoS,
        pkid: u16,
    ) -> Result<()> {
        let pkid = if qos == QoS::AtMostOnce { 0 } else { pkid };
        match self {
            Proto::V4 => {
                let mut publish = v4::Publish::from_bytes(topic, qos, payload.clone());
                publish.pkid = pkid;
                v4::Packet::Publish(publish).write(out, MAX_PACKET)?;
            }
            Proto::V5 => {
                let publish = v5::Publish {
                    qos: v5_qos(qos),
                    topic: Bytes::copy_from_slice(topic.as_bytes()),
                    pkid,
                    payload: payload.clone(),
                    ..Default::default()
                };
                v5::Packet::Publish(publish).write(out, Self::max())?;
            }
        }
        Ok(())
    }

    /// PUBACK (at MQTT 5, reason Success, which is the short 4-byte form).
    fn write_puback(self, out: &mut BytesMut, pkid: u16) -> Result<()> {
        match self {
            Proto::V4 => {
                v4::Packet::PubAck(v4::PubAck::new(pkid)).write(out, MAX_PACKET)?;
            }
            Proto::V5 => {
                v5::Packet::PubAck(v5::PubAck::new(pkid, None)).write(out, Self::max())?;
            }
        }
        Ok(())
    }

    /// Decodes the next packet in `buf`; `None` when `buf` does not hold a whole one yet.
    fn read(self, buf: &mut BytesMut) -> Result<Option<Incoming>> {
        match self {
            Proto::V4 => match v4::Packet::read(buf, MAX_PACKET) {
                Ok(v4::Packet::ConnAck(ack)) if ack.code == v4::ConnectReturnCode::Success => {
                    Ok(Some(Incoming::ConnAck { receive_max: None }))
                }
                Ok(v4::Packet::SubAck(_)) => Ok(Some(Incoming::SubAck)),
                Ok(v4::Packet::Publish(p)) => Ok(Some(Incoming::Publish {
                    qos: p.qos,
                    pkid: p.pkid,
                })),
                Ok(v4::Packet::PubAck(_)) => Ok(Some(Incoming::PubAck)),
                Ok(other) => Ok(Some(Incoming::Other(format!("{other:?}")))),
                Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => Ok(None),
                Err(e) => Err(format!("decoding: {e:?}").into()),
            },
            Proto::V5 => match v5::Packet::read(buf, Self::max()) {
                Ok(v5::Packet::ConnAck(ack)) if ack.code == v5::ConnectReturnCode::Success => {
                    Ok(Some(Incoming::ConnAck {
                        receive_max: Some(
                            ack.properties
                                .and_then(|p| p.receive_max)
                                .unwrap_or(u16::MAX),
                        ),
                    }))
                }
                Ok(v5::Packet::SubAck(_)) => Ok(Some(Incoming::SubAck)),
                Ok(v5::Packet::Publish(p)) => Ok(Some(Incoming::Publish {
                    qos: match p.qos {
                        mqtt5::QoS::AtMostOnce => QoS::AtMostOnce,
                        mqtt5::QoS::AtLeastOnce => QoS::AtLeastOnce,
                        mqtt5::QoS::ExactlyOnce => QoS::ExactlyOnce,
                    },
                    pkid: p.pkid,
                })),
                Ok(v5::Packet::PubAck(ack))
                    if matches!(
                        ack.reason,
                        v5::PubAckReason::Success | v5::PubAckReason::NoMatchingSubscribers
                    ) =>
                {
                    Ok(Some(Incoming::PubAck))
                }
                Ok(other) => Ok(Some(Incoming::Other(format!("{other:?}")))),
                Err(mqtt5::Error::InsufficientBytes(_)) => Ok(None),
                Err(e) => Err(format!("decoding: {e:?}").into()),
            },
        }
    }

    fn max() -> Option<u32> {
        Some(MAX_PACKET as u32)
    }
}

/// An error for an unexpected packet (or end of stream).
fn unexpected(expected: &str, got: Option<Incoming>) -> Box<dyn std::error::Error + Send + Sync> {
    let got = match got {
        None => "the connection closed".to_string(),
        Some(Incoming::Other(packet)) => packet,
        Some(packet) => format!("{packet:?}"),
    };
    format!("{expected}, got {got}").into()
}

fn v5_qos(qos: QoS) -> mqtt5::QoS {
    match qos {
        QoS::AtMostOnce => mqtt5::QoS::AtMostOnce,
        QoS::AtLeastOnce => mqtt5::QoS::AtLeastOnce,
        QoS::ExactlyOnce => mqtt5::QoS::ExactlyOnce,
    }
}

/// Reads the next packet, pulling more bytes from `reader` into `buf` as needed; `None` at EOF.
async fn read_packet<R: AsyncRead + Unpin>(
    proto: Proto,
    reader: &mut R,
    buf: &mut BytesMut,
) -> Result<Option<Incoming>> {
    loop {
        if let Some(packet) = proto.read(buf)? {
            return Ok(Some(packet));
        }
        buf.reserve(64 * 1024);
        if reader.read_buf(buf).await? == 0 {
            return Ok(None);
        }
    }
}

/// A connection with its CONNACK received.
struct Connected {
    stream: TcpStream,
    buf: BytesMut,
    /// The broker's Receive Maximum (MQTT 5 only).
    receive_max: Option<u16>,
}

/// Connects, sends CONNECT (a persistent session or a clean one) and waits for a successful
/// CONNACK.
async fn connect(
    proto: Proto,
    addr: &str,
    client_id: String,
    keep_alive: u16,
    persistent: bool,
) -> Result<Connected> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut buf = BytesMut::new();
    proto.write_connect(&mut buf, client_id, keep_alive, persistent)?;
    stream.write_all(&buf).await?;
    buf.clear();
    match read_packet(proto, &mut stream, &mut buf).await? {
        Some(Incoming::ConnAck { receive_max }) => Ok(Connected {
            stream,
            buf,
            receive_max,
        }),
        other => Err(unexpected("expected a successful CONNACK", other)),
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
    let proto = o.protocol()?;
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
    let persistent = o.get("persistent", 0u8)? == 1;
    if publishers == 0 || batch == 0 || window == 0 {
        return Err("--publishers, --batch and --window must be positive".into());
    }

    // Subscribers first: each has its SUBACK before any publisher starts.
    let mut subs = Vec::new();
    for i in 0..subscribers {
        let Connected {
            mut stream,
            mut buf,
            ..
        } = connect(proto, &addr, format!("bench-sub-{i}"), 600, persistent).await?;
        let mut out = BytesMut::new();
        // pkid 1: 0 is malformed [MQTT-2.3.1-1]
        proto.write_subscribe(&mut out, "bench/#", qos, 1)?;
        stream.write_all(&out).await?;
        match read_packet(proto, &mut stream, &mut buf).await? {
            Some(Incoming::SubAck) => {}
            other => return Err(unexpected("expected SUBACK", other)),
        }
        subs.push(tokio::spawn(subscribe(
            proto, stream, buf, messages, timeout, stall,
        )));
    }

    // Publishers connect, then all start together.
    let start_line = Arc::new(Barrier::new(publishers as usize + 1));
    let mut pubs = Vec::new();
    for i in 0..publishers {
        let c = connect(proto, &addr, format!("bench-pub-{i}"), 600, false).await?;
        let count = messages / publishers + u64::from(i < messages % publishers);
        let job = PublishJob {
            proto,
            topic: format!("bench/{i}"),
            payload: Bytes::from(vec![b'x'; size]),
            qos,
            count,
            // The broker's Receive Maximum bounds what may be unacknowledged [MQTT-3.3.4-7].
            window: c
                .receive_max
                .map_or(window, |m| window.min(usize::from(m).max(1))),
            batch,
        };
        let start_line = start_line.clone();
        pubs.push(tokio::spawn(async move {
            start_line.wait().await;
            job.run(c.stream, c.buf).await
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
    // Every publisher is done (at QoS 1: every publish acknowledged).
    let publish_seconds = start.elapsed().as_secs_f64();
    let publish_rate = sent as f64 / publish_seconds.max(1e-9);
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
    let protocol = proto.number();
    println!(
        "{{\"mode\":\"throughput\",\"protocol\":{protocol},\"qos\":{qos_n},\"publishers\":{publishers},\"subscribers\":{subscribers},\"size\":{size},\"messages_sent\":{sent},\"messages_received\":{received},\"seconds\":{seconds:.4},\"rate\":{rate:.0},\"publish_seconds\":{publish_seconds:.4},\"publish_rate\":{publish_rate:.0}}}"
    );
    Ok(())
}

/// One publisher's share of the work.
struct PublishJob {
    proto: Proto,
    topic: String,
    payload: Bytes,
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
        let proto = self.proto;
        let (mut reader, mut writer) = stream.into_split();
        let credit = Arc::new(Semaphore::new(self.window));
        let acks = (self.qos == QoS::AtLeastOnce).then(|| {
            let (credit, expected) = (credit.clone(), self.count);
            tokio::spawn(async move {
                let mut acked = 0;
                while acked < expected {
                    match read_packet(proto, &mut reader, &mut buf).await? {
                        Some(Incoming::PubAck) => {
                            acked += 1;
                            credit.add_permits(1);
                        }
                        Some(other) => {
                            return Err(unexpected("publisher expected PUBACK", Some(other)))
                        }
                        None => return Err("broker closed a publisher's connection".into()),
                    }
                }
                Result::Ok(())
            })
        });

        // A 7-byte topic and a short remaining length: about 13 bytes besides the payload.
        let packet_size = self.topic.len() + self.payload.len() + 16;
        let mut out = BytesMut::with_capacity(self.batch * packet_size);
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
                }
                proto.write_publish(&mut out, &self.topic, &self.payload, self.qos, pkid)?;
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
    proto: Proto,
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
        while let Some(packet) = proto.read(&mut buf)? {
            match packet {
                Incoming::Publish { qos, pkid } => {
                    got.count += 1;
                    if qos == QoS::AtLeastOnce {
                        proto.write_puback(&mut acks, pkid)?;
                    }
                }
                other => return Err(unexpected("subscriber expected PUBLISH", Some(other))),
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
    let proto = o.protocol()?;
    let connections: usize = o.get("connections", 1000)?;
    let hold: f64 = o.get("hold", 0.0)?;
    let mut held = Vec::with_capacity(connections);
    for i in 0..connections {
        let c = connect(
            proto,
            &addr,
            format!("idle-{}-{i}", std::process::id()),
            0,
            false,
        )
        .await
        .map_err(|e| format!("connection {i}: {e}"))?;
        held.push(c.stream);
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
