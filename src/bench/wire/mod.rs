//! The bench's lean MQTT client: one stream and one read buffer per connection, no task or
//! channel of its own, and writes batched by the caller.
//!
//! rumqttc's `AsyncClient` writes and flushes every PUBLISH on its own and keeps ~40 kB per
//! connection; a load generator built on it measures itself. [`Wire`] instead lets the caller
//! encode as many packets as are due into one buffer ([`codec`]) and write them with one
//! syscall, and decodes everything one read returns without copying. It speaks MQTT 3.1.1 and
//! 5 over every transport of the shared connection layer ([`stream`]), with its credentials,
//! will, keep-alive and session flags.

pub mod codec;
mod stream;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
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
    keep_alive: Duration,
    last_write: Instant,
}

/// The broker closed the connection.
#[derive(Debug, thiserror::Error)]
#[error("the broker closed the connection")]
pub struct Closed;

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
                keep_alive: config.keep_alive,
                last_write: Instant::now(),
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

    /// Writes `out` whole, flushes, and empties it.
    pub async fn send(&mut self, out: &mut BytesMut) -> Result<()> {
        if out.is_empty() {
            return Ok(());
        }
        self.stream.write_all(out).await?;
        self.stream.flush().await?;
        out.clear();
        self.last_write = Instant::now();
        Ok(())
    }

    /// Reads what the broker sent next into the buffer (waiting for at least one byte).
    /// Cancel-safe: nothing read is lost when the future is dropped.
    pub async fn fill(&mut self) -> Result<()> {
        self.rbuf.reserve(self.chunk);
        if self.stream.read_buf(&mut self.rbuf).await? == 0 {
            return Err(Closed.into());
        }
        Ok(())
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

    /// When a PINGREQ is due if nothing else is written first (`None` without keep-alive).
    pub fn ping_at(&self) -> Option<Instant> {
        (!self.keep_alive.is_zero()).then(|| self.last_write + self.keep_alive / 2)
    }

    /// Sends PINGREQ.
    pub async fn ping(&mut self) -> Result<()> {
        let mut out = BytesMut::from(&codec::PINGREQ[..]);
        self.send(&mut out).await
    }

    /// Sends DISCONNECT and closes the stream, ignoring failures: the connection ends either way.
    pub async fn disconnect(mut self) {
        let mut out = BytesMut::from(&codec::DISCONNECT[..]);
        let _ = self.send(&mut out).await;
        let _ = self.stream.shutdown().await;
    }

    /// Subscribes to `filters` at `qos` and waits for SUBACK; a refused filter is
    /// [`Error::RequestRefused`]. Messages arriving before SUBACK stay in the buffer.
    pub async fn subscribe(&mut self, filters: &[String], qos: u8) -> Result<()> {
        const PKID: u16 = 1;
        let mut out = BytesMut::new();
        codec::put_subscribe(&mut out, self.protocol, PKID, filters, qos);
        self.send(&mut out).await?;
        let mut offset = 0;
        loop {
            while let Some((packet, used)) =
                codec::decode(&self.rbuf[offset..], self.protocol, MAX_INCOMING)?
            {
                if let Incoming::SubAck { pkid: PKID, codes } = packet {
                    let refused = filters.iter().zip(codes).find(|(_, &code)| code >= 0x80);
                    if let Some((filter, code)) = refused {
                        return Err(Error::RequestRefused(format!(
                            "subscription to {filter:?} refused (SUBACK {code:#04x})"
                        ))
                        .into());
                    }
                    // Keep what arrived before SUBACK, drop the SUBACK itself.
                    let rest = self.rbuf.split_off(offset).split_off(used);
                    self.rbuf.unsplit(rest);
                    return Ok(());
                }
                offset += used;
            }
            self.fill().await?;
        }
    }
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
                    None => Ok(Limits {
                        max_packet: ack.properties.as_ref().and_then(|p| p.max_packet_size),
                        receive_max: ack.properties.as_ref().and_then(|p| p.receive_max),
                    }),
                },
                other => Err(anyhow!("malformed CONNACK from the broker: {other:?}")),
            }
        }
    }
    .context("CONNACK")
}
