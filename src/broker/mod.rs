//! The bundled MQTT broker: MQTT 3.1.1 and MQTT 5 on one port.
//!
//! [`run`] accepts TCP connections until its shutdown future completes; [`Broker::serve`]
//! drives one connection over any byte stream (tests feed it in-memory pipes). Each connection
//! is one task: `connect.rs` reads CONNECT, which chooses the protocol version of the codec
//! (`codec/`), and answers it; `connection.rs` then decodes packets into the broker's own
//! types (`packet.rs`) and hands each to its handler (`handlers.rs`); `lifecycle.rs` deals
//! with wills and sessions after the connection. Shared state — sessions, subscriptions,
//! retained messages — sits behind one short-held lock in [`State`].

mod access;
pub mod acl;
pub mod auth;
mod codec;
pub mod config;
mod connect;
mod connection;
mod handlers;
mod lifecycle;
pub mod listener;
pub mod packet;
pub mod persist;
mod retain;
mod router;
pub mod session;
mod state;
mod sys;

use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, info, warn};

use listener::Identity;

pub use access::{load_acl, Access, AccessFiles, AclFileError};
pub use acl::Acl;
pub use auth::PasswordFile;
pub use codec::{decode, decode_connect, DecodeError};
pub use listener::{Listener, Tls, TlsFiles, Transport};
pub use persist::{Durability, PersistConfig, StoreError};
pub use state::State;

/// Who may connect.
#[derive(Debug, Default)]
pub struct AuthConfig {
    /// Accept clients that send no username.
    pub allow_anonymous: bool,
    /// Known users; without a file, any username is accepted.
    pub passwords: Option<PasswordFile>,
    /// The ACL; without one, every client may do everything.
    pub acl: Option<Acl>,
    /// The files the password file and ACL were read from, read again by
    /// [`Broker::reload_access`].
    pub files: AccessFiles,
}

/// Faults to inject, for testing clients against a misbehaving broker.
#[derive(Debug, Default, Clone)]
pub struct Faults {
    /// Close every connection after this many packets from the client (CONNECT included).
    pub drop_after: Option<u64>,
    /// Refuse every CONNECT with this reason code: a 3.1.1 return code (1–5) or an MQTT 5
    /// CONNACK reason code (0x80 and above), each translated for the other version.
    pub refuse_connect: Option<u8>,
    /// Refuse (SUBACK 0x80) every subscription whose filter this filter matches.
    pub refuse_subscribe: Option<String>,
}

/// How the broker behaves; see `mqttkit broker --help` for each setting.
#[derive(Debug)]
pub struct BrokerConfig {
    /// Largest packet accepted from a client, in bytes.
    pub max_packet_size: usize,
    /// Most connections at once (0: no limit).
    pub max_connections: usize,
    /// QoS 1/2 messages in flight to one client (also capped by an MQTT 5 client's Receive
    /// Maximum).
    pub max_inflight: usize,
    /// Receive Maximum announced to MQTT 5 clients: QoS 2 messages a client may have
    /// unreleased at once.
    pub receive_maximum: u16,
    /// Topic Alias Maximum announced to MQTT 5 clients (0: no topic aliases).
    pub topic_alias_maximum: u16,
    /// Largest keep-alive an MQTT 5 client gets, in seconds (0: no cap).
    pub max_keepalive: u16,
    /// Deliveries queued per session.
    pub max_queued: usize,
    /// How long a congested subscriber may hold its publishers back before it counts as
    /// stuck (`None`: publishers are never held back; a full queue drops its oldest).
    pub slow_consumer_timeout: Option<Duration>,
    /// Largest PUBLISH payload accepted (mosquitto's `message_size_limit`; `None`: no limit).
    pub message_size_limit: Option<usize>,
    /// How often to publish `$SYS` counters; `None` turns them off.
    pub sys_interval: Option<Duration>,
    /// How long a new connection may take to send CONNECT.
    pub connect_timeout: Duration,
    /// Authentication.
    pub auth: AuthConfig,
    /// Fault injection.
    pub faults: Faults,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            max_packet_size: 268_435_455,
            max_connections: 0,
            max_inflight: 20,
            receive_maximum: 20,
            topic_alias_maximum: 10,
            max_keepalive: 60,
            max_queued: 1000,
            slow_consumer_timeout: Some(Duration::from_secs(5)),
            message_size_limit: None,
            sys_interval: Some(Duration::from_secs(10)),
            connect_timeout: Duration::from_secs(10),
            auth: AuthConfig {
                allow_anonymous: true,
                ..AuthConfig::default()
            },
            faults: Faults::default(),
        }
    }
}

impl BrokerConfig {
    /// The bounds of each session's queue.
    pub fn queue_limits(&self) -> session::QueueLimits {
        session::QueueLimits {
            limit: self.max_queued,
            slow_consumer_timeout: self.slow_consumer_timeout,
        }
    }
}

/// Counters published under `$SYS/broker/…`.
#[derive(Debug, Default)]
pub struct Stats {
    /// Clients connected now.
    pub clients_connected: AtomicUsize,
    /// MQTT 5 clients connected now (also counted in `clients_connected`).
    pub clients_connected_v5: AtomicUsize,
    /// PUBLISH packets received from clients.
    pub messages_received: AtomicU64,
    /// PUBLISH packets sent to clients.
    pub messages_sent: AtomicU64,
    /// Deliveries dropped: a session's queue was full, or a message exceeded a client's
    /// Maximum Packet Size.
    pub messages_dropped: AtomicU64,
}

impl Stats {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    fn client_connected(&self, version: packet::Version) {
        self.clients_connected.fetch_add(1, Ordering::Relaxed);
        if version == packet::Version::V5 {
            self.clients_connected_v5.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn client_disconnected(&self, version: packet::Version) {
        self.clients_connected.fetch_sub(1, Ordering::Relaxed);
        if version == packet::Version::V5 {
            self.clients_connected_v5.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

/// A running broker: configuration, shared state and counters.
pub struct Broker {
    config: BrokerConfig,
    state: Mutex<State>,
    stats: Stats,
    started: Instant,
    next_conn_id: AtomicU64,
    shutdown: CancellationToken,
    /// The persistence journal, when the broker persists.
    journal: Option<persist::Journal>,
    /// Timers of the sessions read back from the store, started when the broker runs.
    restored: Mutex<Vec<(packet::ClientId, state::Released)>>,
}

impl Broker {
    /// A broker with no sessions yet, that keeps everything in memory.
    pub fn new(config: BrokerConfig) -> Arc<Self> {
        Self::build(config, None)
    }

    /// A broker that persists to the store `persist` names, with what the store kept.
    pub fn open(config: BrokerConfig, persist: &PersistConfig) -> Result<Arc<Self>, StoreError> {
        let (journal, snapshot) = persist::open(persist)?;
        let broker = Self::build(config, Some(journal));
        let timers = broker
            .state()
            .restore(snapshot, broker.config.queue_limits());
        info!(
            "{}: {} sessions and {} retained messages restored",
            persist.path.display(),
            timers.len(),
            broker.state().retained_count()
        );
        *broker.restored.lock().unwrap_or_else(|e| e.into_inner()) = timers;
        Ok(broker)
    }

    fn build(mut config: BrokerConfig, journal: Option<persist::Journal>) -> Arc<Self> {
        let access = Access {
            allow_anonymous: config.auth.allow_anonymous,
            passwords: config.auth.passwords.take(),
            acl: config.auth.acl.take(),
        };
        Arc::new(Broker {
            config,
            state: Mutex::new(State::new(Arc::new(access), journal.clone())),
            stats: Stats::default(),
            started: Instant::now(),
            next_conn_id: AtomicU64::new(1),
            shutdown: CancellationToken::new(),
            journal,
            restored: Mutex::new(Vec::new()),
        })
    }

    /// The persistence journal, when the broker persists.
    fn journal(&self) -> Option<&persist::Journal> {
        self.journal.as_ref()
    }

    /// The broker's configuration.
    pub fn config(&self) -> &BrokerConfig {
        &self.config
    }

    /// The broker's counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// How many sessions would receive a message published to `topic` now.
    pub fn subscriber_count(&self, topic: &str) -> usize {
        self.state().subscriber_count(topic)
    }

    /// The access rules in force now.
    pub fn access(&self) -> Arc<Access> {
        self.state().access()
    }

    /// Reads the password and ACL files again (SIGHUP) and puts the new rules in force for
    /// every connection, established ones included; a file that cannot be read or parsed
    /// leaves the old rules in force. Logs what changed, or why nothing did; false then.
    pub fn reload_access(&self) -> bool {
        let files = &self.config.auth.files;
        if files.password_file.is_none() && files.acl_file.is_none() {
            info!("reload: no password file or ACL file to read again");
            return true;
        }
        match self.access().reload(files) {
            Ok((access, changes)) => {
                self.state().set_access(Arc::new(access));
                for change in changes {
                    info!("{change}");
                }
                true
            }
            Err(why) => {
                warn!("{why}; the rules in force stay");
                false
            }
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn next_conn_id(&self) -> u64 {
        self.next_conn_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Serves one client connection over `stream` until it ends.
    pub async fn serve<S>(self: &Arc<Self>, stream: S, peer: String)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        connection::serve(self.clone(), stream, peer, false, Identity::FromConnect).await;
    }

    /// Accepts plain TCP connections on `listener` until `shutdown` completes, then closes
    /// every connection (without publishing wills) and returns once all have ended.
    pub async fn run_listener(
        self: &Arc<Self>,
        listener: TcpListener,
        shutdown: impl Future<Output = ()>,
    ) -> io::Result<()> {
        let listener = Listener {
            socket: listener,
            transport: Transport::Tcp,
        };
        self.run_listeners(vec![listener], shutdown).await
    }

    /// Accepts connections on every listener until `shutdown` completes, then closes every
    /// connection (without publishing wills) and returns once all have ended.
    pub async fn run_listeners(
        self: &Arc<Self>,
        listeners: Vec<Listener>,
        shutdown: impl Future<Output = ()>,
    ) -> io::Result<()> {
        let tracker = TaskTracker::new();
        let restored =
            std::mem::take(&mut *self.restored.lock().unwrap_or_else(|e| e.into_inner()));
        for (client_id, released) in restored {
            lifecycle::start_timers(self, &client_id, released);
        }
        if let Some(interval) = self.config.sys_interval {
            tracker.spawn(sys::publish_periodically(self.clone(), interval));
        }
        let active = Arc::new(AtomicUsize::new(0));
        let stop = CancellationToken::new();
        for listener in listeners {
            let broker = self.clone();
            let (active, stop, connections) = (active.clone(), stop.clone(), tracker.clone());
            tracker.spawn(async move {
                broker
                    .accept_loop(listener, active, stop, connections)
                    .await;
            });
        }
        shutdown.await;
        debug!("shutting down");
        stop.cancel();
        self.shutdown.cancel();
        tracker.close();
        tracker.wait().await;
        if let Some(journal) = self.journal() {
            // Every connection has handed its session back: commit it all.
            journal.close().await;
        }
        Ok(())
    }

    /// Accepts connections on one listener until `stop`, each served in a task of `tracker`.
    async fn accept_loop(
        self: Arc<Self>,
        listener: Listener,
        active: Arc<AtomicUsize>,
        stop: CancellationToken,
        tracker: TaskTracker,
    ) {
        let transport = listener.transport;
        loop {
            let (socket, peer) = tokio::select! {
                () = stop.cancelled() => break,
                accepted = listener.socket.accept() => match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // EMFILE and friends: keep serving the connections we have.
                        warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            // Past the limit, a connection is still read up to its CONNECT, to be told "quota
            // exceeded" in its own protocol version; past twice the limit it is just closed.
            let limit = self.config.max_connections;
            let now = active.load(Ordering::Relaxed);
            let over_limit = limit > 0 && now >= limit;
            if over_limit && now >= limit.saturating_mul(2) {
                info!("closing connection from {peer}: connection limit {limit} reached");
                drop(socket);
                continue;
            }
            let _ = socket.set_nodelay(true);
            active.fetch_add(1, Ordering::Relaxed);
            let broker = self.clone();
            let active = active.clone();
            let transport = transport.clone();
            tracker.spawn(async move {
                let peer = peer.to_string();
                broker
                    .serve_accepted(&transport, socket, peer, over_limit)
                    .await;
                active.fetch_sub(1, Ordering::Relaxed);
            });
        }
    }

    /// Runs the transport's handshakes, then serves the connection.
    ///
    /// The handshake future (TLS, WebSocket) is boxed, and plain TCP skips it: a task is as
    /// large as its largest state for as long as it lives, and an idle connection must not
    /// carry the handshake's kilobytes.
    async fn serve_accepted(
        self: Arc<Self>,
        transport: &Transport,
        socket: tokio::net::TcpStream,
        peer: String,
        over_limit: bool,
    ) {
        if matches!(transport, Transport::Tcp) {
            connection::serve(self, socket, peer, over_limit, Identity::FromConnect).await;
            return;
        }
        let handshake = Box::pin(listener::handshake(
            transport,
            socket,
            self.config.connect_timeout,
        ));
        let accepted = tokio::select! {
            accepted = handshake => accepted,
            () = self.shutdown.cancelled() => return,
        };
        match accepted {
            Ok(listener::Accepted::Tcp(socket)) => {
                connection::serve(self, socket, peer, over_limit, Identity::FromConnect).await;
            }
            Ok(listener::Accepted::Wrapped(stream, identity)) => {
                connection::serve(self, stream, peer, over_limit, identity).await;
            }
            Err(why) => info!("{peer} ({}): {why}", transport.name()),
        }
    }
}

/// Runs a broker on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    config: BrokerConfig,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    Broker::new(config).run_listener(listener, shutdown).await
}
