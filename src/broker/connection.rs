//! One client connection, from CONNECT to teardown.
//!
//! The task reads bytes, decodes every complete packet and hands it to its handler
//! (`handlers.rs`), moves deliveries from the session's outbox into the write buffer as the
//! in-flight window allows, writes everything gathered in one go, and watches keep-alive.
//! When the connection ends for any reason but DISCONNECT it publishes the will
//! [MQTT-3.1.2-8]; then it hands the session back.

use std::future::Future;
use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use rumqttc::mqttbytes::v4::{ConnAck, Connect, ConnectReturnCode, Packet};
use rumqttc::mqttbytes::QoS;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{self, Instant};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::codec::{self, DecodeError};
use super::session::{
    ClientId, ConnHandle, Delivery, InflightState, Message, Outbox, SessionStore,
};
use super::state::Claim;
use super::Broker;
use crate::topic;

/// Most deliveries moved from the outbox into the write buffer per round.
const OUTBOX_BATCH: usize = 512;
/// Bytes reserved for each read from the socket.
const READ_CHUNK: usize = 8 * 1024;
/// Bytes read before any buffer is allocated (enough for PINGREQ and small packets).
const FIRST_READ: usize = 64;
/// A write buffer larger than this is released after it has been written, so an idle
/// connection does not keep the memory of its busiest moment.
const KEEP_WRITE_CAPACITY: usize = 16 * 1024;
/// How long a new connection waits for the previous holder of its session to let go.
const TAKEOVER_WAIT: Duration = Duration::from_secs(5);

/// Why a connection ended.
#[derive(Debug)]
pub(super) enum End {
    /// The client sent DISCONNECT: the will is discarded [MQTT-3.14.4-3].
    Disconnect,
    /// The client closed the socket without DISCONNECT.
    Closed,
    /// Nothing received for 1.5 × keep-alive [MQTT-3.1.2-24].
    KeepAliveExpired,
    /// The client broke the protocol; the connection is closed [MQTT-4.8.0-1].
    Protocol(String),
    /// Another connection took over the client id [MQTT-3.1.4-2].
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
        !matches!(self, End::Disconnect | End::Shutdown)
    }
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Disconnect => f.write_str("client sent DISCONNECT"),
            End::Closed => f.write_str("connection closed by client"),
            End::KeepAliveExpired => f.write_str("keep-alive expired"),
            End::Protocol(why) => write!(f, "protocol error: {why}"),
            End::TakenOver => f.write_str("taken over by a new connection with the same client id"),
            End::Shutdown => f.write_str("broker shutting down"),
            End::Fault => f.write_str("dropped by fault injection"),
            End::Io(e) => write!(f, "I/O error: {e}"),
        }
    }
}

impl From<DecodeError> for End {
    fn from(e: DecodeError) -> Self {
        End::Protocol(e.to_string())
    }
}

/// Reading packets from and writing bytes to one stream.
struct PacketIo<S> {
    stream: S,
    read_buf: BytesMut,
    write_buf: BytesMut,
    max_packet_size: usize,
}

impl<S: AsyncRead + AsyncWrite + Unpin> PacketIo<S> {
    fn try_decode(&mut self) -> Result<Option<Packet>, DecodeError> {
        let packet = codec::decode(&mut self.read_buf, self.max_packet_size)?;
        if self.read_buf.is_empty() && self.read_buf.capacity() > 0 {
            // Release the buffer; payloads split from it keep their own part alive.
            self.read_buf = BytesMut::new();
        }
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

    /// The next packet; `Ok(None)` when the peer closed.
    async fn read_packet(&mut self) -> Result<Option<Packet>, End> {
        loop {
            if let Some(packet) = self.try_decode()? {
                return Ok(Some(packet));
            }
            match self.fill().await {
                Ok(0) => return Ok(None),
                Ok(_) => {}
                Err(e) => return Err(End::Io(e)),
            }
        }
    }

    async fn flush(&mut self) -> io::Result<()> {
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

/// An established client connection: what the handlers work on.
pub(super) struct Connection<S> {
    pub broker: Arc<Broker>,
    io: PacketIo<S>,
    pub client_id: ClientId,
    pub conn_id: u64,
    pub outbox: Arc<Outbox>,
    pub store: SessionStore,
    pub will: Option<Message>,
    kick: CancellationToken,
    keep_alive: Option<Duration>,
    last_received: Instant,
    packets_received: u64,
    scratch: Vec<Delivery>,
}

/// Serves one connection until it ends.
pub(super) async fn serve<S>(broker: Arc<Broker>, stream: S, peer: String)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    // Cancelled when this function returns, however it returns: a connection taking over the
    // session waits for it.
    let done = CancellationToken::new();
    let _done_on_exit = done.clone().drop_guard();
    // Both phases are boxed, so that the task keeps only the state of the phase it is in: the
    // CONNECT exchange needs more than the run loop, and an idle connection should hold little.
    let session = Box::pin(establish(&broker, stream, &peer, done)).await;
    if let Some(conn) = session {
        Box::pin(conn.serve_session(&peer)).await;
    }
}

/// Reads CONNECT and answers it; the connection when it is accepted.
async fn establish<S>(
    broker: &Arc<Broker>,
    stream: S,
    peer: &str,
    done: CancellationToken,
) -> Option<Box<Connection<S>>>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let conn_id = broker.next_conn_id.fetch_add(1, Ordering::Relaxed);
    let mut io = PacketIo {
        stream,
        read_buf: BytesMut::new(),
        write_buf: BytesMut::new(),
        max_packet_size: broker.config.max_packet_size,
    };
    let first = tokio::select! {
        first = time::timeout(broker.config.connect_timeout, io.read_packet()) => first,
        () = broker.shutdown.cancelled() => return None,
    };
    let connect = match first {
        Err(_) => {
            debug!(
                "{peer}: no CONNECT within {:?}",
                broker.config.connect_timeout
            );
            return None;
        }
        Ok(Ok(Some(Packet::Connect(connect)))) => connect,
        Ok(Ok(Some(other))) => {
            info!("{peer}: first packet is not CONNECT but {other:?} [MQTT-3.1.0-1]");
            return None;
        }
        Ok(Ok(None)) => return None,
        Ok(Err(End::Protocol(why))) if why.starts_with("unsupported protocol") => {
            info!("{peer}: {why}; answering CONNACK 1 [MQTT-3.1.2-2]");
            refuse(&mut io, ConnectReturnCode::RefusedProtocolVersion).await;
            return None;
        }
        Ok(Err(end)) => {
            info!("{peer}: {end}");
            return None;
        }
    };
    debug!("{peer}: received {connect:?}");
    accept(broker, io, connect, peer, conn_id, done)
        .await
        .map(Box::new)
}

async fn refuse<S: AsyncRead + AsyncWrite + Unpin>(io: &mut PacketIo<S>, code: ConnectReturnCode) {
    // A refusal never reports a session [MQTT-3.2.2-4], and the connection closes after it.
    codec::encode(
        &mut io.write_buf,
        &Packet::ConnAck(ConnAck::new(code, false)),
    );
    let _ = io.flush().await;
}

fn refusal_code(code: u8) -> ConnectReturnCode {
    match code {
        1 => ConnectReturnCode::RefusedProtocolVersion,
        2 => ConnectReturnCode::BadClientId,
        3 => ConnectReturnCode::ServiceUnavailable,
        4 => ConnectReturnCode::BadUserNamePassword,
        _ => ConnectReturnCode::NotAuthorized,
    }
}

/// Checks credentials: unknown user or wrong password → 4, no username while anonymous
/// clients are not allowed → 5.
fn authenticate(broker: &Broker, connect: &Connect) -> Result<(), ConnectReturnCode> {
    let auth = &broker.config.auth;
    match (&connect.login, &auth.passwords) {
        (Some(login), Some(passwords)) if !login.username.is_empty() => {
            if passwords.verify(&login.username, login.password.as_bytes()) {
                Ok(())
            } else {
                Err(ConnectReturnCode::BadUserNamePassword)
            }
        }
        (Some(login), None) if !login.username.is_empty() => Ok(()),
        _ if auth.allow_anonymous => Ok(()),
        _ => Err(ConnectReturnCode::NotAuthorized),
    }
}

/// Validates CONNECT, authenticates, claims the session and answers CONNACK; `None` when the
/// connection was refused or closed.
async fn accept<S>(
    broker: &Arc<Broker>,
    mut io: PacketIo<S>,
    connect: Connect,
    peer: &str,
    conn_id: u64,
    done: CancellationToken,
) -> Option<Connection<S>>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    if let Some(code) = broker.config.faults.refuse_connect {
        info!("{peer}: refusing CONNECT with code {code} (fault injection)");
        refuse(&mut io, refusal_code(code)).await;
        return None;
    }
    let client_id: ClientId = if connect.client_id.is_empty() {
        if !connect.clean_session {
            info!("{peer}: empty client id without clean session [MQTT-3.1.3-8]");
            refuse(&mut io, ConnectReturnCode::BadClientId).await;
            return None;
        }
        // [MQTT-3.1.3-6]: the server assigns a unique id.
        format!("mqttkit-auto-{conn_id:x}-{:08x}", rand::random::<u32>()).into()
    } else {
        connect.client_id.as_str().into()
    };
    if let Err(code) = authenticate(broker, &connect) {
        info!("{peer}: {client_id} refused: {code:?}");
        refuse(&mut io, code).await;
        return None;
    }
    let will = match connect.last_will {
        Some(will) => {
            if let Err(e) = topic::validate_name(&will.topic) {
                info!("{peer}: invalid will topic {:?}: {e}", will.topic);
                return None;
            }
            Some(Message {
                topic: will.topic.into(),
                payload: Bytes::copy_from_slice(&will.message),
                qos: will.qos,
                retain: will.retain,
            })
        }
        None => None,
    };

    let kick = CancellationToken::new();
    let handle = ConnHandle {
        id: conn_id,
        kick: kick.clone(),
        done,
    };
    let (outbox, store, session_present) = loop {
        let claim = broker.state().claim_session(
            &client_id,
            connect.clean_session,
            handle.clone(),
            broker.config.max_queued,
        );
        match claim {
            Claim::Claimed {
                outbox,
                store,
                session_present,
            } => break (outbox, store, session_present),
            Claim::Busy(holder) => {
                debug!("{client_id}: taking over from connection {}", holder.id);
                holder.kick.cancel();
                if time::timeout(TAKEOVER_WAIT, holder.done.cancelled())
                    .await
                    .is_err()
                {
                    warn!("{client_id}: previous connection did not let go; detaching it");
                    broker.state().detach(&client_id, holder.id);
                }
            }
        }
    };
    info!(
        "{client_id} connected from {peer} (clean session {}, keep-alive {}s{})",
        connect.clean_session,
        connect.keep_alive,
        if session_present {
            ", session resumed"
        } else {
            ""
        }
    );
    codec::encode(
        &mut io.write_buf,
        &Packet::ConnAck(ConnAck::new(ConnectReturnCode::Success, session_present)),
    );
    let mut conn = Connection {
        broker: broker.clone(),
        io,
        client_id,
        conn_id,
        outbox,
        store,
        will,
        kick,
        keep_alive: (connect.keep_alive > 0)
            .then(|| Duration::from_millis(u64::from(connect.keep_alive) * 1500)),
        last_received: Instant::now(),
        packets_received: 1,
        scratch: Vec::new(),
    };
    conn.resend_inflight();
    Some(conn)
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> Connection<S> {
    /// Writes a packet other than PUBLISH into the write buffer.
    pub fn send(&mut self, packet: Packet) {
        debug!("{}: sending {packet:?}", self.client_id);
        codec::encode(&mut self.io.write_buf, &packet);
    }

    /// Resends unacknowledged messages of a resumed session: PUBLISH with DUP=1, or PUBREL
    /// where PUBREC already came [MQTT-4.4.0-1].
    fn resend_inflight(&mut self) {
        let inflight = std::mem::take(&mut self.store.inflight);
        for item in &inflight {
            match item.state {
                InflightState::AwaitPubAck | InflightState::AwaitPubRec => {
                    let d = &item.delivery;
                    codec::encode_publish(
                        &mut self.io.write_buf,
                        &d.message.topic,
                        &d.message.payload,
                        d.qos,
                        item.pkid,
                        d.retain,
                        true,
                    );
                }
                InflightState::AwaitPubComp => self.send(Packet::PubRel(
                    rumqttc::mqttbytes::v4::PubRel::new(item.pkid),
                )),
            }
        }
        self.store.inflight = inflight;
    }

    /// Moves deliveries from the outbox into the write buffer; true when more are ready.
    fn pump_outbox(&mut self) -> bool {
        let window = self
            .broker
            .config
            .max_inflight
            .saturating_sub(self.store.inflight.len());
        let mut batch = std::mem::take(&mut self.scratch);
        let more = self.outbox.drain(&mut batch, window, OUTBOX_BATCH);
        let sent = batch.len() as u64;
        for delivery in batch.drain(..) {
            let pkid = match delivery.qos {
                QoS::AtMostOnce => 0,
                qos => {
                    let pkid = self.store.next_pkid();
                    let state = if qos == QoS::AtLeastOnce {
                        InflightState::AwaitPubAck
                    } else {
                        InflightState::AwaitPubRec
                    };
                    self.store.inflight.push_back(super::session::Inflight {
                        pkid,
                        delivery: delivery.clone(),
                        state,
                    });
                    pkid
                }
            };
            let m = &delivery.message;
            codec::encode_publish(
                &mut self.io.write_buf,
                &m.topic,
                &m.payload,
                delivery.qos,
                pkid,
                delivery.retain,
                false,
            );
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
        let (kick, shutdown) = (self.kick.clone(), self.broker.shutdown.clone());
        tokio::select! {
            r = self.io.flush() => r.map_err(End::Io),
            () = kick.cancelled() => Err(End::TakenOver),
            () = shutdown.cancelled() => Err(End::Shutdown),
        }
    }

    /// Runs the accepted connection until it ends, then wraps up its session.
    async fn serve_session(mut self: Box<Self>, peer: &str) {
        self.broker
            .stats
            .clients_connected
            .fetch_add(1, Ordering::Relaxed);
        let end = self.run().await;
        self.broker
            .stats
            .clients_connected
            .fetch_sub(1, Ordering::Relaxed);
        info!("{} ({peer}) disconnected: {end}", self.client_id);
        (*self).finish(end);
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
                match self.io.try_decode() {
                    Ok(Some(packet)) => {
                        self.last_received = Instant::now();
                        self.packets_received += 1;
                        if let Err(end) = self.handle(packet) {
                            let _ = self.flush().await;
                            return end;
                        }
                        if self
                            .broker
                            .config
                            .faults
                            .drop_after
                            .is_some_and(|n| self.packets_received >= n)
                        {
                            return End::Fault;
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

    /// Publishes the will unless the client disconnected cleanly, and hands the session back.
    fn finish(self, end: End) {
        let mut state = self.broker.state();
        if end.publishes_will() {
            if let Some(will) = &self.will {
                debug!("{}: publishing will on {}", self.client_id, will.topic);
                let dropped = state.publish(will);
                super::Stats::add(&self.broker.stats.messages_dropped, dropped);
            }
        }
        state.release_session(&self.client_id, self.conn_id, self.store);
    }
}
