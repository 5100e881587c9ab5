//! One client connection, from CONNECT to teardown.
//!
//! After CONNECT (`connect.rs`) the task reads bytes, decodes every complete packet and hands
//! it to its handler (`handlers.rs`), moves deliveries from the session's outbox into the
//! write buffer as the client's receive window allows, writes everything gathered in one go,
//! and watches keep-alive. A connection ends with a typed [`End`]; an MQTT 5 client is told
//! why with a DISCONNECT when the broker ends it. Then the will is published or left to wait
//! for its delay, and the session is handed back (`lifecycle.rs`).

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{self, Instant};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

use super::codec::{self, DecodeError, OutPublish};
use super::listener::Identity;
use super::packet::{ClientId, Connect, Delivery, Inbound, Outbound, QoS, Version, Will};
use super::persist::Change;
use super::session::{Inflight, InflightState, Outbox, SessionStore};
use super::Broker;
use crate::reason::{self, PacketKind, Reason};

/// Most deliveries moved from the outbox into the write buffer per round.
const OUTBOX_BATCH: usize = 512;
/// Bytes reserved for each read from the socket.
const READ_CHUNK: usize = 8 * 1024;
/// Bytes read before any buffer is allocated (enough for PINGREQ and small packets).
const FIRST_READ: usize = 64;
/// A write buffer larger than this is released after it has been written, so an idle
/// connection does not keep the memory of its busiest moment.
const KEEP_WRITE_CAPACITY: usize = 16 * 1024;
/// How long the broker tries to write its DISCONNECT to a client it is closing.
const FAREWELL_WAIT: Duration = Duration::from_secs(1);

/// A rule the client broke, with the reason code that reports it.
#[derive(Debug)]
pub(super) struct Violation {
    /// The MQTT 5 reason code for the server's DISCONNECT.
    pub code: u8,
    /// What happened, with the rule's id.
    pub detail: String,
}

/// A violation of rule `detail`, reported with `code`.
pub(super) fn violation(code: u8, detail: impl Into<String>) -> End {
    End::Violation(Violation {
        code,
        detail: detail.into(),
    })
}

/// Why a connection ended.
#[derive(Debug)]
pub(super) enum End {
    /// The client sent DISCONNECT; the will is published only when its reason code asks for
    /// anything but a normal disconnection [MQTT-3.1.2-10, MQTT-3.14.4-3].
    Disconnect {
        /// The DISCONNECT reason code (0 for 3.1.1).
        reason: u8,
    },
    /// The client closed the socket without DISCONNECT.
    Closed,
    /// Nothing received for 1.5 × keep-alive [MQTT-3.1.2-22].
    KeepAliveExpired,
    /// The client broke the protocol; the connection is closed [MQTT-4.13.1-1].
    Violation(Violation),
    /// Another connection took over the client id [MQTT-3.1.4-3].
    TakenOver,
    /// The broker is shutting down.
    Shutdown,
    /// Fault injection closed it.
    Fault,
    /// Reading or writing failed.
    Io(io::Error),
}

impl End {
    fn publishes_will(&self) -> bool {
        match self {
            End::Disconnect { reason } => *reason != reason::SUCCESS,
            End::Shutdown => false,
            _ => true,
        }
    }

    /// The reason code of the DISCONNECT the broker sends an MQTT 5 client before closing,
    /// when the broker is the one ending the connection.
    fn server_reason(&self) -> Option<u8> {
        match self {
            End::KeepAliveExpired => Some(reason::KEEP_ALIVE_TIMEOUT),
            End::Violation(v) => Some(v.code),
            End::TakenOver => Some(reason::SESSION_TAKEN_OVER),
            End::Shutdown => Some(reason::SERVER_SHUTTING_DOWN),
            _ => None,
        }
    }
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Disconnect { reason } => write!(
                f,
                "client sent DISCONNECT: {}",
                Reason::new(PacketKind::Disconnect, *reason)
            ),
            End::Closed => f.write_str("connection closed by client"),
            End::KeepAliveExpired => f.write_str("keep-alive expired"),
            End::Violation(v) => write!(
                f,
                "{}: {}",
                Reason::new(PacketKind::Disconnect, v.code),
                v.detail
            ),
            End::TakenOver => f.write_str("taken over by a new connection with the same client id"),
            End::Shutdown => f.write_str("broker shutting down"),
            End::Fault => f.write_str("dropped by fault injection"),
            End::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl From<DecodeError> for End {
    fn from(e: DecodeError) -> Self {
        violation(e.reason_code(), e.to_string())
    }
}

/// A CONNECT that could not be decoded, with the version it announced if it got that far.
#[derive(Debug)]
pub(super) struct BadConnect {
    /// The protocol version the CONNECT announced.
    pub version: Option<Version>,
    /// What was wrong.
    pub error: DecodeError,
}

/// Reading packets from and writing bytes to one stream.
pub(super) struct PacketIo<S> {
    stream: S,
    read_buf: BytesMut,
    write_buf: BytesMut,
    max_packet_size: usize,
}

impl<S: AsyncRead + AsyncWrite + Unpin> PacketIo<S> {
    /// Empty buffers over `stream`; packets larger than `max_packet_size` are refused.
    pub fn new(stream: S, max_packet_size: usize) -> Self {
        PacketIo {
            stream,
            read_buf: BytesMut::new(),
            write_buf: BytesMut::new(),
            max_packet_size,
        }
    }

    /// Whether the bytes read so far begin like a TLS handshake record (a TLS client on a
    /// plain listener).
    pub fn starts_with_tls_record(&self) -> bool {
        self.read_buf.starts_with(&[0x16, 0x03])
    }

    fn release_read_buf(&mut self) {
        if self.read_buf.is_empty() && self.read_buf.capacity() > 0 {
            // Release the buffer; payloads split from it keep their own part alive.
            self.read_buf = BytesMut::new();
        }
    }

    fn try_decode(&mut self, version: Version) -> Result<Option<Inbound>, DecodeError> {
        let packet = codec::decode(version, &mut self.read_buf, self.max_packet_size)?;
        self.release_read_buf();
        Ok(packet)
    }

    /// Reads more bytes; 0 means the peer closed. Cancel-safe.
    ///
    /// An idle connection holds no read buffer: with nothing buffered, the wait for data
    /// reads into a small stack array, and the [`READ_CHUNK`] buffer is only allocated
    /// once bytes have arrived (then topped up without waiting, if more are ready).
    async fn fill(&mut self) -> io::Result<usize> {
        if !self.read_buf.is_empty() {
            if self.read_buf.capacity() - self.read_buf.len() < READ_CHUNK / 4 {
                self.read_buf.reserve(READ_CHUNK);
            }
            return self.stream.read_buf(&mut self.read_buf).await;
        }
        let mut first = [0u8; FIRST_READ];
        let n = self.stream.read(&mut first).await?;
        if n < FIRST_READ {
            self.read_buf.extend_from_slice(&first[..n]);
            return Ok(n);
        }
        self.read_buf.reserve(READ_CHUNK);
        self.read_buf.extend_from_slice(&first);
        Ok(n + self.read_ready().await?)
    }

    /// Reads whatever is ready now without waiting; 0 when nothing is.
    async fn read_ready(&mut self) -> io::Result<usize> {
        let mut read = std::pin::pin!(self.stream.read_buf(&mut self.read_buf));
        std::future::poll_fn(|cx| match read.as_mut().poll(cx) {
            Poll::Ready(result) => Poll::Ready(result),
            Poll::Pending => Poll::Ready(Ok(0)),
        })
        .await
    }

    /// The connection's first packet, CONNECT; `Ok(None)` when the peer closed first.
    pub async fn read_connect(&mut self) -> Result<Option<Connect>, BadConnect> {
        loop {
            let version = codec::connect_version(&self.read_buf);
            match codec::decode_connect(&mut self.read_buf, self.max_packet_size) {
                Ok(Some(connect)) => {
                    self.release_read_buf();
                    return Ok(Some(connect));
                }
                Ok(None) => {}
                Err(error) => return Err(BadConnect { version, error }),
            }
            match self.fill().await {
                Ok(0) | Err(_) => return Ok(None),
                Ok(_) => {}
            }
        }
    }

    /// Appends a packet other than PUBLISH to the write buffer.
    pub fn encode(&mut self, version: Version, packet: &Outbound, max: usize) {
        codec::encode(version, &mut self.write_buf, packet, max);
    }

    /// Writes the write buffer out.
    pub async fn flush(&mut self) -> io::Result<()> {
        if !self.write_buf.is_empty() {
            self.stream.write_all(&self.write_buf).await?;
            self.write_buf.clear();
            if self.write_buf.capacity() > KEEP_WRITE_CAPACITY {
                self.write_buf = BytesMut::new();
            }
        }
        self.stream.flush().await
    }
}

/// What the client accepts, from its CONNECT (3.1.1 clients: no limits).
#[derive(Debug, Clone, Copy)]
pub(super) struct ClientLimits {
    /// Receive Maximum: QoS 1/2 PUBLISH packets unacknowledged at once [MQTT-3.3.4-9].
    pub receive_maximum: u16,
    /// Maximum Packet Size [MQTT-3.1.2-24].
    pub maximum_packet_size: usize,
    /// Topic Alias Maximum: aliases the broker may set up [MQTT-3.3.2-11].
    pub topic_alias_maximum: u16,
}

/// The topic aliases of one connection [MQTT-3.3.2-7]: those the client set up, and those the
/// broker set up towards it.
#[derive(Default)]
pub(super) struct Aliases {
    /// Client → broker: alias to topic [MQTT-3.3.2-12].
    pub incoming: HashMap<u16, Arc<str>>,
    /// Broker → client: topic to alias.
    outgoing: HashMap<Arc<str>, u16>,
}

/// An established client connection: what the handlers work on.
pub(super) struct Connection<S> {
    pub broker: Arc<Broker>,
    io: PacketIo<S>,
    pub version: Version,
    pub client_id: ClientId,
    /// The username the client is known by (CONNECT's, or its certificate's Common Name).
    pub username: Option<Arc<str>>,
    pub conn_id: u64,
    pub outbox: Arc<Outbox>,
    pub store: SessionStore,
    pub will: Option<Box<Will>>,
    /// Session Expiry Interval, as CONNECT set it and DISCONNECT may change it.
    pub session_expiry: u32,
    /// Whether CONNECT's Session Expiry Interval was 0 (DISCONNECT may not change that).
    pub session_expiry_was_zero: bool,
    pub limits: ClientLimits,
    /// Topic aliases both ways, allocated when the first one is used.
    pub aliases: Option<Box<Aliases>>,
    kick: CancellationToken,
    keep_alive: Option<Duration>,
    last_received: Instant,
    packets_received: u64,
    scratch: Vec<Delivery>,
    /// Acknowledgements in the write buffer wait for the persistence store's commit.
    pub awaiting_disk: bool,
    /// A congested session the last PUBLISH was queued for: reading waits for it.
    pub congested: Option<Arc<Outbox>>,
}

/// Serves one connection until it ends. `over_limit`: the broker is at its connection limit.
pub(super) async fn serve<S>(
    broker: Arc<Broker>,
    stream: S,
    peer: String,
    over_limit: bool,
    identity: Identity,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    // Cancelled when this function returns, however it returns: a connection taking over the
    // session waits for it.
    let done = CancellationToken::new();
    let _done_on_exit = done.clone().drop_guard();
    // Both phases are boxed, so that the task keeps only the state of the phase it is in: the
    // CONNECT exchange needs more than the run loop, and an idle connection should hold little.
    let session = Box::pin(super::connect::establish(
        &broker, stream, &peer, done, over_limit, identity,
    ))
    .await;
    if let Some(conn) = session {
        Box::pin(Box::new(conn).serve_session(&peer)).await;
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Connection<S> {
    /// An accepted connection whose CONNACK is in `io`'s write buffer.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        broker: Arc<Broker>,
        io: PacketIo<S>,
        version: Version,
        client_id: ClientId,
        conn_id: u64,
        outbox: Arc<Outbox>,
        store: SessionStore,
        will: Option<Box<Will>>,
        session_expiry: u32,
        limits: ClientLimits,
        kick: CancellationToken,
        keep_alive: u16,
    ) -> Self {
        let mut conn = Connection {
            broker,
            io,
            version,
            client_id,
            username: None,
            conn_id,
            outbox,
            store,
            will,
            session_expiry,
            session_expiry_was_zero: session_expiry == 0,
            limits,
            aliases: None,
            kick,
            keep_alive: (keep_alive > 0)
                .then(|| Duration::from_millis(u64::from(keep_alive) * 1500)),
            last_received: Instant::now(),
            packets_received: 1,
            scratch: Vec::new(),
            awaiting_disk: false,
            congested: None,
        };
        conn.resend_inflight();
        conn
    }

    /// Journals a change to the persistence store, when the broker persists.
    pub fn journal(&self, change: impl FnOnce() -> Change) {
        if let Some(journal) = self.broker.journal() {
            journal.send(change());
        }
    }

    /// Marks the acknowledgement just written as depending on the store: it is not sent
    /// before the store has committed (in the mode that syncs before acknowledging).
    pub fn ack_after_commit(&mut self) {
        if self.broker.journal().is_some_and(|j| j.syncs()) {
            self.awaiting_disk = true;
        }
    }

    /// Waits for the store's commit of what the acknowledgements in the write buffer
    /// depend on; a store that failed ends the connection unacknowledged (the client
    /// sends again).
    async fn settle(&mut self) -> Result<(), End> {
        if !std::mem::take(&mut self.awaiting_disk) {
            return Ok(());
        }
        let Some(journal) = self.broker.journal() else {
            return Ok(());
        };
        journal.sync().await.map_err(|e| {
            self.io.write_buf.clear();
            End::Io(io::Error::other(e))
        })
    }

    /// Writes a packet other than PUBLISH into the write buffer.
    pub fn send(&mut self, packet: Outbound) {
        debug!("{}: sending {packet:?}", self.client_id);
        self.io
            .encode(self.version, &packet, self.limits.maximum_packet_size);
    }

    /// The topic and alias to send a message on `topic` with: an alias the client knows
    /// (and no topic), a new alias with the topic while the client's maximum allows, or the
    /// topic alone. A new alias is only remembered once `commit` is called with it.
    fn alias_for<'t>(&self, topic: &'t Arc<str>) -> (&'t str, Option<u16>, bool) {
        if self.limits.topic_alias_maximum == 0 || self.version == Version::V311 {
            return (topic, None, false);
        }
        let outgoing = self.aliases.as_ref().map(|a| &a.outgoing);
        if let Some(&alias) = outgoing.and_then(|o| o.get(topic)) {
            return ("", Some(alias), false);
        }
        let used = outgoing.map_or(0, HashMap::len);
        if used < usize::from(self.limits.topic_alias_maximum) {
            return (topic, Some(used as u16 + 1), true);
        }
        (topic, None, false)
    }

    /// Encodes a delivery as PUBLISH (`dup`: a resend of one sent before); false when it was
    /// not sent: expired while it waited, before its first sending [MQTT-3.3.2-5], or larger than the client's Maximum Packet Size, in which case it is
    /// dropped for this client as if sent [MQTT-3.1.2-25].
    fn encode_delivery(&mut self, delivery: &Delivery, pkid: u16, dup: bool) -> bool {
        let message = &delivery.message;
        let expiry_interval = match message.expiry {
            Some(expiry) => match expiry.remaining(Instant::now()) {
                Some(left) => Some(left),
                // Once sent, a message is owed again whatever its expiry [MQTT-3.3.2-5,
                // MQTT-4.4.0-1]: a resend goes with the shortest interval left.
                None if dup => Some(1),
                None => return false,
            },
            None => None,
        };
        let (topic, topic_alias, new_alias) = self.alias_for(&message.topic);
        let publish = OutPublish {
            topic,
            qos: delivery.qos,
            retain: delivery.retain,
            dup,
            pkid,
            payload: &message.payload,
            properties: message.properties.as_deref(),
            expiry_interval,
            subscription_ids: &delivery.subscription_ids,
            topic_alias,
        };
        let max = self.limits.maximum_packet_size;
        if !codec::encode_publish(self.version, &mut self.io.write_buf, &publish, max) {
            debug!(
                "{}: message on {} exceeds the client's Maximum Packet Size {}; dropped",
                self.client_id, message.topic, self.limits.maximum_packet_size
            );
            super::Stats::add(&self.broker.stats.messages_dropped, 1);
            return false;
        }
        if let (true, Some(alias)) = (new_alias, topic_alias) {
            self.aliases
                .get_or_insert_with(Default::default)
                .outgoing
                .insert(message.topic.clone(), alias);
        }
        true
    }

    /// Resends unacknowledged messages of a resumed session: PUBLISH with DUP=1, or PUBREL
    /// where PUBREC already came [MQTT-4.4.0-1].
    fn resend_inflight(&mut self) {
        let inflight = std::mem::take(&mut self.store.inflight);
        let mut kept = std::collections::VecDeque::with_capacity(inflight.len());
        for item in inflight {
            match item.state {
                InflightState::AwaitPubAck | InflightState::AwaitPubRec => {
                    if self.encode_delivery(&item.delivery, item.pkid, true) {
                        kept.push_back(item);
                    } else if item.delivery.seq != 0 {
                        let seq = item.delivery.seq;
                        self.journal(|| Change::Done { seq });
                    }
                }
                InflightState::AwaitPubComp => {
                    self.send(Outbound::PubRel(item.pkid, reason::SUCCESS));
                    kept.push_back(item);
                }
            }
        }
        self.store.inflight = kept;
    }

    /// How many more QoS 1/2 messages may be sent before the client acknowledges some: the
    /// broker's in-flight limit and the client's Receive Maximum [MQTT-3.3.4-9].
    fn send_window(&self) -> usize {
        self.broker
            .config
            .max_inflight
            .min(usize::from(self.limits.receive_maximum))
            .saturating_sub(self.store.inflight.len())
    }

    /// Moves deliveries from the outbox into the write buffer; true when more are ready.
    fn pump_outbox(&mut self) -> bool {
        let window = self.send_window();
        let mut batch = std::mem::take(&mut self.scratch);
        let mut more = self.outbox.drain(&mut batch, window, OUTBOX_BATCH);
        let mut sent = 0u64;
        for delivery in batch.drain(..) {
            // A packet id skipped because its message was not sent is harmless.
            let pkid = match delivery.qos {
                QoS::AtMostOnce => 0,
                _ => self.store.next_pkid(),
            };
            if !self.encode_delivery(&delivery, pkid, false) {
                // Dropped as if sent [MQTT-3.1.2-25]: its place in the window is free again,
                // so look at the outbox once more.
                more |= delivery.qos != QoS::AtMostOnce;
                if delivery.seq != 0 {
                    let seq = delivery.seq;
                    self.journal(|| Change::Done { seq });
                }
                continue;
            }
            sent += 1;
            if delivery.qos != QoS::AtMostOnce {
                let state = if delivery.qos == QoS::AtLeastOnce {
                    InflightState::AwaitPubAck
                } else {
                    InflightState::AwaitPubRec
                };
                if delivery.seq != 0 {
                    let seq = delivery.seq;
                    self.journal(|| Change::Sent { seq, pkid, state });
                }
                self.store.inflight.push_back(Inflight {
                    pkid,
                    delivery,
                    state,
                });
            }
        }
        self.scratch = batch;
        if sent > 0 {
            super::Stats::add(&self.broker.stats.messages_sent, sent);
        }
        more
    }

    fn keep_alive_expired(&self) -> bool {
        self.keep_alive
            .is_some_and(|ka| self.last_received.elapsed() >= ka)
    }

    async fn flush(&mut self) -> Result<(), End> {
        if self.awaiting_disk {
            // Boxed: only a connection that waits for the store carries that wait's state.
            Box::pin(self.settle()).await?;
        }
        let (kick, shutdown) = (self.kick.clone(), self.broker.shutdown.clone());
        tokio::select! {
            r = self.io.flush() => r.map_err(End::Io),
            () = kick.cancelled() => Err(End::TakenOver),
            () = shutdown.cancelled() => Err(End::Shutdown),
        }
    }

    /// Runs the accepted connection until it ends, tells an MQTT 5 client why when the
    /// broker ended it, then wraps up its session.
    async fn serve_session(mut self: Box<Self>, peer: &str) {
        let stats = &self.broker.stats;
        stats.client_connected(self.version);
        let end = self.run().await;
        self.broker.stats.client_disconnected(self.version);
        if let (Version::V5, Some(code)) = (self.version, end.server_reason()) {
            let why = match &end {
                End::Violation(v) => v.detail.clone(),
                other => other.to_string(),
            };
            if Box::pin(self.settle()).await.is_ok() {
                self.send(Outbound::Disconnect(code, Some(why)));
                let _ = time::timeout(FAREWELL_WAIT, self.io.flush()).await;
            }
        }
        info!(
            "{} ({peer}, {}) disconnected: {end}",
            self.client_id, self.version
        );
        let will = if end.publishes_will() {
            self.will.take()
        } else {
            None
        };
        super::lifecycle::release(
            &self.broker,
            &self.client_id,
            self.conn_id,
            std::mem::take(&mut self.store),
            self.session_expiry,
            will,
        );
    }

    /// Stops reading from this client while `congested` (a session its messages go to) is
    /// congested, until it drains or its slow-consumer timeout passes; the client's own
    /// deliveries keep flowing meanwhile. Its silence while held back does not count against
    /// its keep-alive.
    async fn hold_back(&mut self, congested: Arc<Outbox>) -> Result<(), End> {
        if Arc::ptr_eq(&congested, &self.outbox) {
            return Ok(());
        }
        let (kick, shutdown) = (self.kick.clone(), self.broker.shutdown.clone());
        let own = self.outbox.clone();
        while let Some(until) = congested.congested_until() {
            tokio::select! {
                () = congested.eased() => {}
                () = time::sleep_until(until) => {}
                () = own.ready() => {
                    while self.pump_outbox() {
                        self.flush().await?;
                    }
                    self.flush().await?;
                }
                () = kick.cancelled() => return Err(End::TakenOver),
                () = shutdown.cancelled() => return Err(End::Shutdown),
            }
        }
        self.last_received = Instant::now();
        Ok(())
    }

    async fn run(&mut self) -> End {
        let kick = self.kick.clone();
        let shutdown = self.broker.shutdown.clone();
        let outbox = self.outbox.clone();
        let far_future = Instant::now() + Duration::from_secs(86_400 * 365);
        let keep_alive_timer = time::sleep_until(
            self.keep_alive
                .map_or(far_future, |ka| self.last_received + ka),
        );
        tokio::pin!(keep_alive_timer);
        loop {
            // Handle every complete packet already read.
            loop {
                match self.io.try_decode(self.version) {
                    Ok(Some(packet)) => {
                        self.last_received = Instant::now();
                        self.packets_received += 1;
                        let faults = &self.broker.config.faults;
                        let last = faults
                            .drop_after
                            .is_some_and(|n| self.packets_received >= n);
                        if last {
                            // What came before is answered, as it would have been on a real
                            // network by the time it fails; this packet is handled but not
                            // answered. Without this, whether the answers got out would
                            // depend on how the client's bytes were split into reads.
                            if let Err(end) = self.flush().await {
                                return end;
                            }
                        }
                        if let Err(end) = self.handle(packet) {
                            let _ = self.flush().await;
                            return end;
                        }
                        if last {
                            return End::Fault;
                        }
                        if self.congested.is_some() {
                            // Flow control: the rest waits until the subscriber catches up.
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return e.into(),
                }
            }
            let more = self.pump_outbox();
            if let Err(end) = self.flush().await {
                return end;
            }
            if let Some(congested) = self.congested.take() {
                // Boxed: a connection is as large as its largest await for as long as it
                // lives, and few are ever held back.
                if let Err(end) = Box::pin(self.hold_back(congested)).await {
                    return end;
                }
                continue;
            }
            if more {
                continue;
            }
            tokio::select! {
                biased;
                () = kick.cancelled() => return End::TakenOver,
                () = shutdown.cancelled() => return End::Shutdown,
                read = self.io.fill() => match read {
                    Ok(0) => return End::Closed,
                    Ok(_) => {}
                    Err(e) => return End::Io(e),
                },
                () = outbox.ready() => {}
                () = &mut keep_alive_timer => {
                    if self.keep_alive_expired() {
                        return End::KeepAliveExpired;
                    }
                    if let Some(ka) = self.keep_alive {
                        keep_alive_timer.as_mut().reset(self.last_received + ka);
                    }
                }
            }
        }
    }
}
