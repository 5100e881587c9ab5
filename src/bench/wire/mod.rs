//! The bench's lean MQTT client: one stream and one read buffer per connection, no task or
//! channel of its own, and writes batched by the caller.
//!
//! rumqttc's `AsyncClient` writes and flushes every PUBLISH on its own and keeps ~40 kB per
//! connection; a load generator built on it measures itself. [`Wire`] instead lets the caller
//! encode as many packets as are due into one buffer ([`codec`]) and write them with one
//! syscall, and decodes everything one read returns without copying. It speaks MQTT 3.1.1 and
//! 5 over every transport of the shared connection layer ([`stream`]), with its credentials,
//! will, keep-alive and session flags.

pub mod arrival;
pub mod codec;
mod stream;

use std::net::IpAddr;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use self::codec::{DecodeError, Incoming};
use self::stream::Stream;
use crate::conn::{self, transport, ConnectConfig, Protocol};
use crate::error::Error;

/// Bytes reserved before each read by connections that carry a load.
pub const LOAD_CHUNK: usize = 64 * 1024;
/// Bytes reserved before each read by connections that are only held open.
pub const IDLE_CHUNK: usize = 64;

/// The largest packet accepted from the broker: the protocol's limit, as CONNECT announces
/// (MQTT 5 Maximum Packet Size).
const MAX_INCOMING: usize = codec::MAX_REMAINING + 5;

/// One connection to the broker, past CONNACK.
pub struct Wire {
    stream: Stream,
    rbuf: BytesMut,
    chunk: usize,
    /// The protocol spoken.
    pub protocol: Protocol,
    /// The largest packet the broker accepts (MQTT 5 Maximum Packet Size).
    pub max_packet: usize,
    /// The most unacknowledged QoS 1/2 PUBLISH packets the broker accepts (MQTT 5 Receive
    /// Maximum [MQTT-4.9.0-2]; 65,535 otherwise).
    pub receive_max: u16,
    /// The highest QoS the broker accepts in a PUBLISH (MQTT 5 Maximum QoS; 2 otherwise).
    pub max_qos: u8,
    /// Whether the broker accepts retained messages (MQTT 5 Retain Available).
    pub retain_available: bool,
    /// The keep-alive in effect: ours, or the broker's Server Keep Alive [MQTT-3.2.2-21].
    keep_alive: Duration,
    last_write: Instant,
    /// When the PINGREQ still unanswered went out.
    ping_sent: Option<Instant>,
    /// How long the broker may take to answer: CONNACK, SUBACK, or to take written data.
    timeout: Duration,
    /// The reads with the kernel's arrival times, once asked for ([`Wire::stamp_arrivals`]).
    arrivals: Option<arrival::Arrivals>,
    /// The kernel's arrival time of the last read (after the Unix epoch), when stamped.
    arrived: Option<Duration>,
}

/// The broker closed the connection.
#[derive(Debug, thiserror::Error)]
#[error("the broker closed the connection")]
pub struct Closed;

/// The longest wait since a read's arrival time that [`Wire::waited`] believes.
pub const MAX_WAIT: Duration = Duration::from_secs(1);

/// The longest a write may wait for the broker to take data before the connection counts as
/// lost (the broker has stopped reading).
const WRITE_STALL: Duration = Duration::from_secs(10);

impl Wire {
    /// Opens the stream, sends CONNECT and waits for a successful CONNACK, all within the
    /// connect timeout. A refusal is [`Error::Refused`] with the broker's code. `source`
    /// binds the local address; `chunk` is the read size ([`LOAD_CHUNK`] or [`IDLE_CHUNK`]).
    pub async fn connect(
        config: &ConnectConfig,
        source: Option<IpAddr>,
        chunk: usize,
    ) -> Result<Wire> {
        let addr = format!("{}:{}", config.host, config.port);
        let attempt = async {
            let stream = stream::open(config, source).await?;
            let mut wire = Wire {
                stream,
                rbuf: BytesMut::new(),
                chunk,
                protocol: config.protocol,
                max_packet: MAX_INCOMING,
                receive_max: u16::MAX,
                max_qos: 2,
                retain_available: true,
                keep_alive: config.keep_alive,
                last_write: Instant::now(),
                ping_sent: None,
                timeout: config.connect_timeout,
                arrivals: None,
                arrived: None,
            };
            let mut out = BytesMut::new();
            put_connect(&mut out, config)?;
            wire.send(&mut out).await?;
            loop {
                if let Some((packet, used)) = wire.peek()? {
                    let Incoming::ConnAck(frame) = packet else {
                        return Err(anyhow!("the broker sent another packet before CONNACK"));
                    };
                    let limits = connack(frame, config.protocol)?;
                    wire.rbuf.advance(used);
                    if let Some(max) = limits.max_packet {
                        wire.max_packet = max as usize;
                    }
                    if let Some(max) = limits.receive_max {
                        wire.receive_max = max;
                    }
                    if let Some(max) = limits.max_qos {
                        wire.max_qos = max;
                    }
                    if let Some(available) = limits.retain_available {
                        wire.retain_available = available;
                    }
                    if let Some(secs) = limits.server_keep_alive {
                        wire.keep_alive = Duration::from_secs(u64::from(secs));
                    }
                    return Ok(wire);
                }
                wire.fill().await?;
            }
        };
        match tokio::time::timeout(config.connect_timeout, attempt).await {
            Err(_) => Err(anyhow!(
                "cannot connect to {addr}: no CONNACK within {}",
                humantime::format_duration(config.connect_timeout)
            )),
            Ok(Err(e)) if conn::is_refusal(&e) => Err(e),
            // A TLS alert may come after the handshake, while CONNACK is awaited (TLS 1.3).
            Ok(Err(e)) => Err(match e.chain().find_map(transport::tls_hint) {
                Some(hint) => e.context(format!("cannot connect to {addr} ({hint})")),
                None => e.context(format!("cannot connect to {addr}")),
            }),
            Ok(Ok(wire)) => Ok(wire),
        }
    }

    /// Writes `out` whole, flushes, and empties it. A broker that takes nothing for
    /// [`WRITE_STALL`] has stopped reading: an error, as a lost connection.
    pub async fn send(&mut self, out: &mut BytesMut) -> Result<()> {
        if out.is_empty() {
            return Ok(());
        }
        let write = async {
            self.stream.write_all(out).await?;
            self.stream.flush().await
        };
        tokio::time::timeout(WRITE_STALL, write)
            .await
            .map_err(|_| {
                anyhow!(
                    "the broker took no data for {}",
                    humantime::format_duration(WRITE_STALL)
                )
            })??;
        out.clear();
        self.last_write = Instant::now();
        Ok(())
    }

    /// Reads what the broker sent next into the buffer (waiting for at least one byte).
    /// Cancel-safe: nothing read is lost when the future is dropped.
    pub async fn fill(&mut self) -> Result<()> {
        self.rbuf.reserve(self.chunk);
        let read = match (&mut self.stream, &mut self.arrivals) {
            (Stream::Tcp(tcp), Some(arrivals)) => {
                let (n, arrived) = arrivals.read(tcp, &mut self.rbuf).await?;
                self.arrived = arrived;
                n
            }
            (stream, _) => stream.read_buf(&mut self.rbuf).await?,
        };
        if read == 0 {
            return Err(Closed.into());
        }
        // Anything from the broker shows the connection alive, as a PINGRESP would.
        self.ping_sent = None;
        Ok(())
    }

    /// From now on, times each read by the kernel's arrival time of its data ([`arrival`]),
    /// on plain TCP; elsewhere, or where the kernel declines, reads stay untimed.
    pub fn stamp_arrivals(&mut self) {
        if let Stream::Tcp(tcp) = &self.stream {
            if arrival::enable(tcp.as_fd()).is_ok() {
                self.arrivals = Some(arrival::Arrivals::default());
            }
        }
    }

    /// How long ago the data of the last read reached the socket, by the kernel's arrival
    /// time ([`Wire::stamp_arrivals`]); `None` when unknown. Both ends are read on the wall
    /// clock a moment apart, so a step of the clock between them is the only error: a
    /// negative wait counts as none, and one of [`MAX_WAIT`] or more as unknown (a step, or
    /// a reader that far behind: then the read time stands, as without arrival times).
    pub fn waited(&self) -> Option<Duration> {
        let waited = arrival::unix_now()?.saturating_sub(self.arrived?);
        (waited < MAX_WAIT).then_some(waited)
    }

    /// The next whole packet in the buffer and the bytes it takes; [`Wire::consume`] them
    /// once handled.
    pub fn peek(&self) -> Result<Option<(Incoming<'_>, usize)>, DecodeError> {
        codec::decode(&self.rbuf, self.protocol, MAX_INCOMING)
    }

    /// Drops `n` handled bytes from the buffer.
    pub fn consume(&mut self, n: usize) {
        self.rbuf.advance(n);
    }

    /// When [`Wire::ping`] is due (`None` without keep-alive): half a keep-alive after the
    /// last write, or a keep-alive after an unanswered PINGREQ.
    pub fn ping_at(&self) -> Option<Instant> {
        if self.keep_alive.is_zero() {
            return None;
        }
        Some(match self.ping_sent {
            Some(sent) => sent + self.keep_alive,
            None => self.last_write + self.keep_alive / 2,
        })
    }

    /// At [`Wire::ping_at`]: sends PINGREQ, or, when the last one went unanswered for a whole
    /// keep-alive, fails: the connection is dead (MQTT 3.1.1 and 5 §3.1.2.10).
    pub async fn ping(&mut self) -> Result<()> {
        if self.ping_sent.is_some() {
            return Err(anyhow!(
                "no answer to PINGREQ within the keep-alive of {}",
                humantime::format_duration(self.keep_alive)
            ));
        }
        let mut out = BytesMut::from(&codec::PINGREQ[..]);
        self.send(&mut out).await?;
        self.ping_sent = Some(Instant::now());
        Ok(())
    }

    /// Sends DISCONNECT and closes the stream, ignoring failures: the connection ends either way.
    pub async fn disconnect(mut self) {
        let bye = async {
            let mut out = BytesMut::from(&codec::DISCONNECT[..]);
            let _ = self.send(&mut out).await;
            let _ = self.stream.shutdown().await;
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), bye).await;
    }

    /// Subscribes to `filters` at `qos` and waits for SUBACK, within the connect timeout. A
    /// refused filter is [`Error::RequestRefused`]; a SUBACK without one code per filter is
    /// malformed [MQTT-3.8.4-5]; a lower granted QoS is warned about. Messages arriving
    /// before SUBACK stay in the buffer.
    pub async fn subscribe(&mut self, filters: &[String], qos: u8) -> Result<()> {
        const PKID: u16 = 1;
        let mut out = BytesMut::new();
        codec::put_subscribe(&mut out, self.protocol, PKID, filters, qos);
        self.send(&mut out).await?;
        let timeout = self.timeout;
        let granted = tokio::time::timeout(timeout, async {
            let mut offset = 0;
            loop {
                while let Some((packet, used)) =
                    codec::decode(&self.rbuf[offset..], self.protocol, MAX_INCOMING)?
                {
                    match packet {
                        Incoming::SubAck { pkid: PKID, codes } => {
                            let codes = codes.to_vec();
                            // Keep what arrived before SUBACK, drop the SUBACK itself.
                            let rest = self.rbuf.split_off(offset).split_off(used);
                            self.rbuf.unsplit(rest);
                            return Ok(codes);
                        }
                        Incoming::Disconnect { reason } => return Err(disconnected(reason)),
                        _ => offset += used,
                    }
                }
                self.fill().await?;
            }
        })
        .await
        .map_err(|_| anyhow!("no SUBACK within {}", humantime::format_duration(timeout)))??;
        if granted.len() != filters.len() {
            return Err(anyhow!(
                "malformed SUBACK: {} return codes for {} filters [MQTT-3.8.4-5]",
                granted.len(),
                filters.len()
            ));
        }
        for (filter, &code) in filters.iter().zip(&granted) {
            if code >= 0x80 {
                return Err(Error::RequestRefused(format!(
                    "subscription to {filter:?} refused (SUBACK {code:#04x})"
                ))
                .into());
            }
            if code < qos {
                tracing::warn!(
                    "the broker granted QoS {code} for {filter:?} (asked for {qos}): messages come at QoS {code}"
                );
            }
        }
        Ok(())
    }
}

/// The error of a DISCONNECT from an MQTT 5 broker, with its reason code.
pub fn disconnected(reason: u8) -> anyhow::Error {
    anyhow!("the broker sent DISCONNECT with reason code {reason:#04x}")
}

/// Appends CONNECT for `config`, through rumqttc's codec.
fn put_connect(out: &mut BytesMut, config: &ConnectConfig) -> Result<()> {
    let keep_alive = u16::try_from(config.keep_alive.as_secs()).unwrap_or(u16::MAX);
    match config.protocol {
        Protocol::V311 => {
            use rumqttc::mqttbytes::v4;
            let mut c = v4::Connect::new(config.client_id.as_str());
            c.keep_alive = keep_alive;
            c.clean_session = config.clean_session;
            c.last_will = config
                .will
                .as_ref()
                .map(|w| v4::LastWill::new(&w.topic, w.payload.clone(), w.qos, w.retain));
            c.login = config
                .credentials
                .as_ref()
                .map(|(u, p)| v4::Login::new(u, p));
            c.write(out)
                .map_err(|e| anyhow!("encoding CONNECT: {e:?}"))?;
        }
        Protocol::V5 => {
            use rumqttc::v5::mqttbytes::v5;
            let mut properties = v5::ConnectProperties::new();
            properties.session_expiry_interval = config.session_expiry;
            properties.max_packet_size = Some(MAX_INCOMING as u32);
            let c = v5::Connect {
                keep_alive,
                client_id: config.client_id.clone(),
                clean_start: config.clean_session,
                properties: Some(properties),
            };
            let will = config.will.as_ref().map(|w| {
                v5::LastWill::new(
                    &w.topic,
                    w.payload.clone(),
                    conn::qos_v5(w.qos),
                    w.retain,
                    None,
                )
            });
            let login = config
                .credentials
                .as_ref()
                .map(|(u, p)| v5::Login::new(u, p));
            c.write(&will, &login, out)
                .map_err(|e| anyhow!("encoding CONNECT: {e:?}"))?;
        }
    }
    Ok(())
}

/// What a successful MQTT 5 CONNACK limits.
#[derive(Debug, Default)]
struct Limits {
    max_packet: Option<u32>,
    receive_max: Option<u16>,
    max_qos: Option<u8>,
    retain_available: Option<bool>,
    server_keep_alive: Option<u16>,
}

/// Reads CONNACK through rumqttc's codec: the broker's limits, or its refusal.
fn connack(frame: &[u8], protocol: Protocol) -> Result<Limits> {
    let mut bytes = BytesMut::from(frame);
    match protocol {
        Protocol::V311 => {
            use rumqttc::mqttbytes::v4::Packet;
            match Packet::read(&mut bytes, frame.len()) {
                Ok(Packet::ConnAck(ack)) => match conn::refusal_v311(ack.code) {
                    Some(refused) => Err(refused.into()),
                    None => Ok(Limits::default()),
                },
                other => Err(anyhow!("malformed CONNACK from the broker: {other:?}")),
            }
        }
        // An MQTT 3.1.1 broker refuses MQTT 5 with its own two-byte CONNACK 1.
        Protocol::V5 if frame.len() == 4 && frame[3] != 0 => Err(Error::Refused {
            code: frame[3],
            reason: "unacceptable protocol version: the broker answered in MQTT 3.1.1 (try -V 311)"
                .into(),
        }
        .into()),
        Protocol::V5 => {
            use rumqttc::v5::mqttbytes::v5::Packet;
            match Packet::read(&mut bytes, None) {
                Ok(Packet::ConnAck(ack)) => match conn::refusal_v5(ack.code) {
                    Some(refused) => Err(refused.into()),
                    None => Ok(ack.properties.map_or_else(Limits::default, |p| Limits {
                        max_packet: p.max_packet_size,
                        receive_max: p.receive_max,
                        max_qos: p.max_qos,
                        retain_available: p.retain_available.map(|a| a != 0),
                        server_keep_alive: p.server_keep_alive,
                    })),
                },
                other => Err(anyhow!("malformed CONNACK from the broker: {other:?}")),
            }
        }
    }
}
