//! Helpers shared by the integration tests: an in-process broker on 127.0.0.1 with an
//! OS-assigned port, a raw MQTT 3.1.1 client that shows exactly what the broker sends, and a
//! private mosquitto instance for interoperability tests.
#![allow(dead_code)]

pub mod pki;
pub mod recording;
pub mod report;
pub mod v5;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use assert_cmd::cargo::CommandCargoExt;
use bytes::BytesMut;
use mqttkit::broker::{Broker, BrokerConfig};
use rumqttc::mqttbytes::v4::{
    ConnAck, Connect, LastWill, Login, Packet, PubAck, PubComp, PubRec, PubRel, Publish, SubAck,
    Subscribe, SubscribeFilter, Unsubscribe,
};
use rumqttc::mqttbytes::QoS;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long to wait for something that should happen.
pub const WAIT: Duration = Duration::from_secs(5);
/// How long to wait before concluding that something that should not happen did not.
pub const QUIET: Duration = Duration::from_millis(300);

/// A broker running in this test's runtime.
pub struct TestBroker {
    pub addr: SocketAddr,
    pub broker: std::sync::Arc<Broker>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestBroker {
    /// Starts a broker with default settings.
    pub async fn start() -> Self {
        Self::start_with(BrokerConfig::default()).await
    }

    /// Starts a broker with `config` on 127.0.0.1 and a free port.
    pub async fn start_with(config: BrokerConfig) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, config)
    }

    /// Starts a broker with `config` on a listener bound by the caller (e.g. to restart a
    /// broker on the port of one that stopped).
    pub fn start_on(listener: TcpListener, config: BrokerConfig) -> Self {
        let addr = listener.local_addr().unwrap();
        let broker = Broker::new(config);
        let (stop, stopped) = oneshot::channel::<()>();
        let runner = broker.clone();
        let task = tokio::spawn(async move {
            runner
                .run_listener(listener, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        TestBroker {
            addr,
            broker,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops the broker and waits until every connection has closed.
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(WAIT, self.task.take().unwrap())
            .await
            .expect("broker did not stop in time")
            .unwrap();
    }

    /// Connects a raw client and completes CONNECT/CONNACK with a clean session.
    pub async fn client(&self, id: &str) -> RawClient {
        let mut c = RawClient::open(self.addr).await;
        let ack = c.connect(Connect::new(id)).await;
        assert_eq!(
            ack.code,
            rumqttc::ConnectReturnCode::Success,
            "CONNACK for {id}"
        );
        c
    }
}

/// A CONNECT with the given id, clean-session flag and keep-alive.
pub fn connect_packet(id: &str, clean: bool, keep_alive: u16) -> Connect {
    let mut c = Connect::new(id);
    c.clean_session = clean;
    c.keep_alive = keep_alive;
    c
}

/// A CONNECT carrying a will.
pub fn connect_with_will(id: &str, topic: &str, payload: &str, qos: QoS, retain: bool) -> Connect {
    let mut c = Connect::new(id);
    c.last_will = Some(LastWill::new(topic, payload, qos, retain));
    c
}

/// A CONNECT with credentials.
pub fn connect_with_login(id: &str, user: &str, pass: &str) -> Connect {
    let mut c = Connect::new(id);
    c.login = Some(Login::new(user, pass));
    c
}

/// A PUBLISH packet.
pub fn publish(topic: &str, payload: &[u8], qos: QoS, pkid: u16, retain: bool) -> Packet {
    let mut p = Publish::new(topic, qos, payload.to_vec());
    p.pkid = pkid;
    p.retain = retain;
    Packet::Publish(p)
}

/// A client speaking MQTT 3.1.1 packet by packet, with no automatic behaviour.
pub struct RawClient {
    stream: TcpStream,
    buf: BytesMut,
}

impl RawClient {
    /// Opens a TCP connection without sending anything.
    pub async fn open(addr: SocketAddr) -> Self {
        RawClient {
            stream: TcpStream::connect(addr).await.unwrap(),
            buf: BytesMut::new(),
        }
    }

    /// Sends CONNECT and returns the CONNACK.
    pub async fn connect(&mut self, connect: Connect) -> ConnAck {
        self.send(Packet::Connect(connect)).await;
        match self.recv().await {
            Packet::ConnAck(ack) => ack,
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    /// Sends a packet.
    pub async fn send(&mut self, packet: Packet) {
        let mut out = BytesMut::new();
        packet.write(&mut out, usize::MAX).unwrap();
        self.send_raw(&out).await;
    }

    /// Sends raw bytes.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.unwrap();
    }

    /// The next packet, or `None` when the broker closed the connection.
    pub async fn try_recv(&mut self, within: Duration) -> Result<Option<Packet>, &'static str> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match Packet::read(&mut self.buf, usize::MAX) {
                Ok(p) => return Ok(Some(p)),
                Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => {}
                Err(e) => panic!("broker sent a malformed packet: {e}"),
            }
            let read = tokio::time::timeout_at(deadline, self.stream.read_buf(&mut self.buf)).await;
            match read {
                Err(_) => return Err("timed out"),
                Ok(Ok(0)) | Ok(Err(_)) => return Ok(None),
                Ok(Ok(_)) => {}
            }
        }
    }

    /// The next packet; panics when none arrives in time or the connection closed.
    pub async fn recv(&mut self) -> Packet {
        match self.try_recv(WAIT).await {
            Ok(Some(p)) => p,
            Ok(None) => panic!("connection closed while waiting for a packet"),
            Err(e) => panic!("no packet: {e}"),
        }
    }

    /// The next packet, which must be a PUBLISH.
    pub async fn recv_publish(&mut self) -> Publish {
        match self.recv().await {
            Packet::Publish(p) => p,
            other => panic!("expected PUBLISH, got {other:?}"),
        }
    }

    /// Asserts that nothing arrives for a while (and the connection stays open).
    pub async fn expect_silence(&mut self) {
        match self.try_recv(QUIET).await {
            Err(_) => {}
            Ok(Some(p)) => panic!("expected nothing, got {p:?}"),
            Ok(None) => panic!("expected nothing, but the connection closed"),
        }
    }

    /// Asserts that the broker closes the connection (possibly after sending some packets,
    /// which are returned).
    pub async fn expect_closed(&mut self) -> Vec<Packet> {
        let mut seen = Vec::new();
        loop {
            match self.try_recv(WAIT).await {
                Ok(None) => return seen,
                Ok(Some(p)) => seen.push(p),
                Err(e) => panic!("connection still open ({e}); received {seen:?}"),
            }
        }
    }

    /// Subscribes to filters and returns the SUBACK.
    pub async fn subscribe_many(&mut self, pkid: u16, filters: &[(&str, QoS)]) -> SubAck {
        let mut s = Subscribe::new_many(
            filters
                .iter()
                .map(|(f, q)| SubscribeFilter::new((*f).to_string(), *q)),
        );
        s.pkid = pkid;
        self.send(Packet::Subscribe(s)).await;
        match self.recv().await {
            Packet::SubAck(ack) => {
                assert_eq!(ack.pkid, pkid, "SUBACK packet id");
                ack
            }
            other => panic!("expected SUBACK, got {other:?}"),
        }
    }

    /// Subscribes to one filter and asserts it was granted.
    pub async fn subscribe(&mut self, filter: &str, qos: QoS) {
        let ack = self.subscribe_many(1, &[(filter, qos)]).await;
        assert_eq!(
            ack.return_codes,
            vec![rumqttc::SubscribeReasonCode::Success(qos)],
            "subscription to {filter}"
        );
    }

    /// Unsubscribes and waits for UNSUBACK.
    pub async fn unsubscribe(&mut self, pkid: u16, filter: &str) {
        let mut u = Unsubscribe::new(filter);
        u.pkid = pkid;
        self.send(Packet::Unsubscribe(u)).await;
        match self.recv().await {
            Packet::UnsubAck(ack) => assert_eq!(ack.pkid, pkid),
            other => panic!("expected UNSUBACK, got {other:?}"),
        }
    }

    /// Publishes and completes the QoS handshake as the sender.
    pub async fn publish(&mut self, topic: &str, payload: &[u8], qos: QoS, retain: bool) {
        let pkid = if qos == QoS::AtMostOnce { 0 } else { 42 };
        self.send(publish(topic, payload, qos, pkid, retain)).await;
        match qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => assert_eq!(self.recv().await, Packet::PubAck(PubAck::new(pkid))),
            QoS::ExactlyOnce => {
                assert_eq!(self.recv().await, Packet::PubRec(PubRec::new(pkid)));
                self.send(Packet::PubRel(PubRel::new(pkid))).await;
                assert_eq!(self.recv().await, Packet::PubComp(PubComp::new(pkid)));
            }
        }
    }

    /// Acknowledges a received PUBLISH as the receiver (completing QoS 2).
    pub async fn ack(&mut self, p: &Publish) {
        match p.qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => self.send(Packet::PubAck(PubAck::new(p.pkid))).await,
            QoS::ExactlyOnce => {
                self.send(Packet::PubRec(PubRec::new(p.pkid))).await;
                assert_eq!(self.recv().await, Packet::PubRel(PubRel::new(p.pkid)));
                self.send(Packet::PubComp(PubComp::new(p.pkid))).await;
            }
        }
    }

    /// Closes the sending half of the socket (the broker reads end of stream).
    pub async fn shutdown_write(&mut self) {
        self.stream.shutdown().await.unwrap();
    }

    /// Sends DISCONNECT and closes the socket.
    pub async fn disconnect(mut self) {
        self.send(Packet::Disconnect).await;
        let _ = self.stream.shutdown().await;
    }
}

/// Path of a program on PATH, if installed.
pub fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    })
}

/// Returns true (after saying why on stderr) when a test must skip because a program is
/// missing. CI installs them; set MQTTKIT_REQUIRE_PEERS=1 to make their absence a failure.
pub fn skip_without(program: &str) -> bool {
    if which(program).is_some() {
        return false;
    }
    if std::env::var_os("MQTTKIT_REQUIRE_PEERS").is_some() {
        panic!("{program} is required (MQTTKIT_REQUIRE_PEERS is set) but not installed");
    }
    eprintln!(
        "SKIPPED: {program} is not installed (apt-get install -y mosquitto mosquitto-clients)"
    );
    true
}

/// A free TCP port on 127.0.0.1 (bound then released: another process could take it, which
/// is rare enough for tests).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A private mosquitto with its own config file on a free loopback port.
pub struct Mosquitto {
    pub port: u16,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Mosquitto {
    /// Starts mosquitto with `extra` config lines after `listener PORT 127.0.0.1`.
    pub fn start(extra: &str) -> Mosquitto {
        let port = free_port();
        // `user root`: started as root, mosquitto would otherwise drop to a user that cannot
        // read this private temporary directory (ignored when not root).
        Mosquitto::start_config(
            &format!("user root\nlistener {port} 127.0.0.1\npersistence false\n{extra}\n"),
            port,
        )
    }

    /// Starts mosquitto with the whole config `text`, and waits until `port` (one of its
    /// listeners) accepts connections.
    pub fn start_config(text: &str, port: u16) -> Mosquitto {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("mosquitto.conf");
        std::fs::write(&conf, text).unwrap();
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto");
        wait_for_port(port);
        Mosquitto {
            port,
            child,
            _dir: dir,
        }
    }
}

impl Mosquitto {
    /// Stops mosquitto with SIGTERM (with `persistence true` it writes its database) and
    /// waits until it has exited.
    pub fn terminate(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bundled broker as its own process (`mqttkit broker -p 0`), for tests that run
/// synchronous commands against it.
pub struct BrokerProcess {
    pub port: u16,
    child: Child,
}

impl BrokerProcess {
    /// Starts `mqttkit broker -p 0 --sys-interval 0 ARGS…` and reads its port from the
    /// first line it prints.
    pub fn start(args: &[&str]) -> BrokerProcess {
        let mut child = Command::cargo_bin("mqttkit")
            .unwrap()
            .args(["broker", "-p", "0", "--sys-interval", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let port = listening_port(&mut child);
        BrokerProcess { port, child }
    }
}

/// The port of a `mqttkit broker` child (stdout piped), from the first line it prints.
pub fn listening_port(child: &mut Child) -> u16 {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
}

/// A bundled broker process with several listeners, its stderr kept for the test to read.
pub struct ListenersProcess {
    /// The bound address of each listener, in the order printed: `(protocol, port)`, the
    /// protocol `mqtt` for the plain listener.
    pub listeners: Vec<(String, u16)>,
    pub child: Child,
}

impl ListenersProcess {
    /// Starts `mqttkit broker -p 0 --sys-interval 0 ARGS…` and reads `count` `listening on`
    /// lines.
    pub fn start(args: &[&str], count: usize) -> ListenersProcess {
        let mut all = vec!["-p", "0", "--sys-interval", "0"];
        all.extend_from_slice(args);
        Self::start_raw(&all, count)
    }

    /// Starts `mqttkit broker ARGS…` (nothing added) and reads `count` `listening on` lines.
    pub fn start_raw(args: &[&str], count: usize) -> ListenersProcess {
        use std::io::BufRead;
        let mut child = Command::cargo_bin("mqttkit")
            .unwrap()
            .arg("broker")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut listeners = Vec::new();
        for _ in 0..count {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            let rest = line
                .trim()
                .strip_prefix("listening on ")
                .unwrap_or_else(|| panic!("unexpected line {line:?}"));
            let (addr, protocol) = match rest.split_once(' ') {
                Some((addr, marked)) => (addr, marked.trim_matches(['(', ')'])),
                None => (rest, "mqtt"),
            };
            let port = addr.rsplit(':').next().unwrap().parse().unwrap();
            listeners.push((protocol.to_owned(), port));
        }
        ListenersProcess { listeners, child }
    }

    /// The port of the first listener speaking `protocol`.
    pub fn port(&self, protocol: &str) -> u16 {
        self.listeners
            .iter()
            .find(|(p, _)| p == protocol)
            .unwrap_or_else(|| panic!("no {protocol} listener in {:?}", self.listeners))
            .1
    }

    /// Stops the broker (SIGTERM, so every log line is out) and returns what it wrote on
    /// stderr.
    pub fn stop(mut self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let mut err = String::new();
        use std::io::Read;
        if let Some(mut stderr) = self.child.stderr.take() {
            let _ = stderr.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for ListenersProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for BrokerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until something listens on 127.0.0.1:port.
pub fn wait_for_port(port: u16) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("nothing listens on port {port}");
}

/// Writes `text` to a file in `dir`.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `mqttkit SUBCOMMAND -h 127.0.0.1 -p PORT REST…` with no password in the environment and
/// stdin closed; `args[0]` is the subcommand.
pub fn mqttkit(port: u16, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(&args[..1])
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(&args[1..])
        .env_remove("MQTTKIT_PASSWORD")
        .stdin(Stdio::null());
    cmd
}

/// A finished command's stderr as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Starts `mqttkit` like [`mqttkit`] does, with stdout and stderr captured.
pub fn spawn_mqttkit(port: u16, args: &[&str]) -> Child {
    mqttkit(port, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (off the async runtime, at most twice [`WAIT`]) for a spawned process to exit.
pub async fn wait_output(child: Child) -> std::process::Output {
    tokio::time::timeout(
        WAIT * 2,
        tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()),
    )
    .await
    .expect("the process did not exit in time")
    .unwrap()
}
