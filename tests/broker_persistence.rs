//! The bundled broker's persistence (`--persistence DIR`, mosquitto's `persistence true`):
//! sessions, subscriptions, queued and in-flight QoS 1/2 messages, QoS 2 receive state,
//! retained messages and delayed wills survive a restart; nothing acknowledged to a
//! publisher is lost to SIGTERM, nor to `kill -9` in the mode that syncs before
//! acknowledging; a damaged store or one in use is a clear error.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream as StdStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common;
use crate::common::{connect_packet, RawClient};
use assert_cmd::cargo::CommandCargoExt;
use bytes::BytesMut;
use rumqttc::mqttbytes::v4::{Packet, PubAck, PubRel, Publish, Subscribe};
use rumqttc::mqttbytes::QoS;

/// A bundled broker process persisting to `dir`, restartable on the same port.
struct Persisted {
    dir: PathBuf,
    port: u16,
    args: Vec<String>,
    child: Option<Child>,
}

impl Persisted {
    /// Starts `mqttkit broker --persistence DIR ARGS…` on a free port.
    fn start(dir: &Path, args: &[&str]) -> Persisted {
        let mut broker = Persisted {
            dir: dir.to_owned(),
            port: 0,
            args: args.iter().map(|a| a.to_string()).collect(),
            child: None,
        };
        broker.launch();
        broker
    }

    fn addr(&self) -> std::net::SocketAddr {
        ([127, 0, 0, 1], self.port).into()
    }

    /// Starts the process (on the port of the last run, if any) and reads its port.
    fn launch(&mut self) {
        let mut child = Command::cargo_bin("mqttkit")
            .unwrap()
            .args([
                "broker",
                "--sys-interval",
                "0",
                "-p",
                &self.port.to_string(),
            ])
            .arg("--persistence")
            .arg(&self.dir)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.port = common::listening_port(&mut child);
        self.child = Some(child);
    }

    /// Stops the broker with `signal` ("TERM" or "KILL") and waits for it to exit.
    fn stop(&mut self, signal: &str) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args([&format!("-{signal}"), &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }

    /// Stops the broker with `signal` and starts it again on the same port.
    fn restart(&mut self, signal: &str) {
        self.stop(signal);
        self.launch();
    }
}

impl Drop for Persisted {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

// ---- what survives a restart ----

#[tokio::test]
async fn queued_and_in_flight_messages_resume_after_a_restart_with_their_packet_ids_mqtt_4_4_0_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &[]);
    // A persistent subscriber, offline while three messages arrive.
    let mut sub = RawClient::open(broker.addr()).await;
    sub.connect(connect_packet("sub", false, 60)).await;
    sub.subscribe("q/#", QoS::ExactlyOnce).await;
    sub.disconnect().await;
    let mut publisher = RawClient::open(broker.addr()).await;
    publisher.connect(connect_packet("pub", true, 60)).await;
    publisher
        .publish("q/1", b"one", QoS::AtLeastOnce, false)
        .await;
    publisher
        .publish("q/2", b"two", QoS::ExactlyOnce, false)
        .await;
    publisher
        .publish("q/3", b"three", QoS::AtLeastOnce, false)
        .await;
    publisher.disconnect().await;
    // It comes back, receives them, acknowledges none and goes away again.
    let mut sub = RawClient::open(broker.addr()).await;
    let ack = sub.connect(connect_packet("sub", false, 60)).await;
    assert!(ack.session_present);
    let mut first = Vec::new();
    for _ in 0..3 {
        first.push(sub.recv_publish().await);
    }
    drop(sub);

    broker.restart("TERM");

    // After the restart its session is there [MQTT-3.2.2-2] and the three are sent again,
    // with DUP and the same packet ids [MQTT-4.4.0-1, MQTT-3.3.1-1].
    let mut sub = RawClient::open(broker.addr()).await;
    let ack = sub.connect(connect_packet("sub", false, 60)).await;
    assert!(ack.session_present, "the session survived the restart");
    let mut resent = Vec::new();
    for before in &first {
        let again = sub.recv_publish().await;
        assert_eq!(
            (&again.topic, &again.payload, again.pkid, again.qos),
            (&before.topic, &before.payload, before.pkid, before.qos)
        );
        assert!(again.dup, "a resend carries DUP");
        resent.push(again);
    }
    for p in &resent {
        sub.ack(p).await;
    }
    sub.expect_silence().await;
    // ... and the subscription too: a new message reaches it.
    let mut publisher = RawClient::open(broker.addr()).await;
    publisher.connect(connect_packet("pub", true, 60)).await;
    publisher
        .publish("q/4", b"four", QoS::AtLeastOnce, false)
        .await;
    let p = sub.recv_publish().await;
    assert_eq!((p.topic.as_str(), &p.payload[..]), ("q/4", &b"four"[..]));
}

#[tokio::test]
async fn retained_messages_survive_a_restart_and_a_cleared_one_stays_cleared_mqtt_3_3_1_10() {
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &[]);
    let mut publisher = RawClient::open(broker.addr()).await;
    publisher.connect(connect_packet("pub", true, 60)).await;
    publisher
        .publish("r/kept", b"k", QoS::AtLeastOnce, true)
        .await;
    publisher
        .publish("r/gone", b"g", QoS::AtLeastOnce, true)
        .await;
    publisher
        .publish("r/gone", b"", QoS::AtLeastOnce, true)
        .await;
    publisher.disconnect().await;

    broker.restart("TERM");

    let mut sub = RawClient::open(broker.addr()).await;
    sub.connect(connect_packet("fresh", true, 60)).await;
    sub.subscribe("r/#", QoS::AtLeastOnce).await;
    let p = sub.recv_publish().await;
    assert_eq!(
        (p.topic.as_str(), &p.payload[..], p.retain),
        ("r/kept", &b"k"[..], true)
    );
    sub.ack(&p).await;
    sub.expect_silence().await;
}

#[tokio::test]
async fn qos2_receive_state_survives_a_restart_so_a_resend_is_not_routed_twice_mqtt_4_3_3_10() {
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &[]);
    let mut sub = RawClient::open(broker.addr()).await;
    sub.connect(connect_packet("sub2", false, 60)).await;
    sub.subscribe("e/#", QoS::ExactlyOnce).await;
    sub.disconnect().await;
    // A QoS 2 PUBLISH, acknowledged with PUBREC, not yet released.
    let mut publisher = RawClient::open(broker.addr()).await;
    publisher.connect(connect_packet("pub2", false, 60)).await;
    publisher
        .send(common::publish("e/x", b"once", QoS::ExactlyOnce, 7, false))
        .await;
    assert!(matches!(publisher.recv().await, Packet::PubRec(r) if r.pkid == 7));
    drop(publisher);

    broker.restart("TERM");

    // The publisher sends it again (it did not see PUBCOMP), then releases it.
    let mut publisher = RawClient::open(broker.addr()).await;
    let ack = publisher.connect(connect_packet("pub2", false, 60)).await;
    assert!(ack.session_present);
    let mut again = Publish::new("e/x", QoS::ExactlyOnce, b"once".to_vec());
    again.pkid = 7;
    again.dup = true;
    publisher.send(Packet::Publish(again)).await;
    assert!(matches!(publisher.recv().await, Packet::PubRec(r) if r.pkid == 7));
    publisher.send(Packet::PubRel(PubRel::new(7))).await;
    assert!(matches!(publisher.recv().await, Packet::PubComp(c) if c.pkid == 7));
    // The subscriber gets it exactly once.
    let mut sub = RawClient::open(broker.addr()).await;
    sub.connect(connect_packet("sub2", false, 60)).await;
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"once");
    sub.ack(&p).await;
    sub.expect_silence().await;
}

#[tokio::test]
async fn a_delayed_will_survives_a_restart_and_is_published_when_due_mqtt_3_1_2_8() {
    use crate::common::v5::*;
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &[]);
    let will_properties = LastWillProperties {
        delay_interval: Some(2),
        payload_format_indicator: None,
        message_expiry_interval: None,
        content_type: None,
        response_topic: None,
        correlation_data: None,
        user_properties: Vec::new(),
    };
    let will = LastWill::new(
        "w/dev",
        "offline",
        QoS::AtLeastOnce,
        true,
        Some(will_properties),
    );
    let mut dev = RawV5::open(broker.addr()).await;
    let ack = dev
        .connect(connect_expiry("dev", true, 600), Some(will), None)
        .await;
    assert_eq!(ack.code, ConnectReturnCode::Success);
    dev.drop_and_wait().await;
    // The broker stops before the delay has passed, and starts again.
    broker.restart("TERM");
    let started = Instant::now();
    let mut watcher = RawV5::connected(broker.addr(), "watcher").await;
    watcher.subscribe("w/#", QoS::AtLeastOnce).await;
    let p = watcher.recv_publish().await;
    assert_eq!(
        (&p.topic[..], &p.payload[..]),
        (&b"w/dev"[..], &b"offline"[..])
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the will came when due, not at the end of the session"
    );
}

#[tokio::test]
async fn a_session_expiry_runs_on_across_a_restart_mqtt_3_1_2_23() {
    use crate::common::v5::*;
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &[]);
    let (short, _) = RawV5::connect_to(broker.addr(), connect_expiry("short", true, 1)).await;
    short.drop_and_wait().await;
    let (long, _) = RawV5::connect_to(broker.addr(), connect_expiry("long", true, 600)).await;
    long.drop_and_wait().await;
    broker.stop("TERM");
    std::thread::sleep(Duration::from_millis(1500));
    broker.launch();
    let (_, ack) = RawV5::connect_to(broker.addr(), connect_expiry("short", false, 1)).await;
    assert!(
        !ack.session_present,
        "1 s passed while the broker was down: the session ended"
    );
    let (_, ack) = RawV5::connect_to(broker.addr(), connect_expiry("long", false, 600)).await;
    assert!(ack.session_present);
}

#[tokio::test]
async fn clean_sessions_are_not_kept_mqtt_3_1_2_6() {
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &[]);
    let mut c = RawClient::open(broker.addr()).await;
    c.connect(connect_packet("clean", true, 60)).await;
    c.subscribe("c/#", QoS::AtLeastOnce).await;
    drop(c);
    broker.restart("KILL");
    let mut c = RawClient::open(broker.addr()).await;
    let ack = c.connect(connect_packet("clean", false, 60)).await;
    assert!(!ack.session_present);
}

// ---- nothing acknowledged is lost ----

/// Reads one packet from a blocking socket; `None` on a closed or failed connection.
fn read_packet(stream: &mut StdStream, buf: &mut BytesMut) -> Option<Packet> {
    loop {
        match Packet::read(buf, usize::MAX) {
            Ok(p) => return Some(p),
            Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => {}
            Err(_) => return None,
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

fn write_packet(stream: &mut StdStream, packet: Packet) -> bool {
    let mut out = BytesMut::new();
    packet.write(&mut out, usize::MAX).unwrap();
    stream.write_all(&out).is_ok()
}

/// Connects (retrying while the broker restarts) with a persistent session; returns the
/// stream and whether the session was present.
fn connect_retrying(port: u16, id: &str, until: Instant) -> Option<(StdStream, BytesMut, bool)> {
    while Instant::now() < until {
        if let Ok(mut s) = StdStream::connect(("127.0.0.1", port)) {
            s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            let mut buf = BytesMut::new();
            if write_packet(&mut s, Packet::Connect(connect_packet(id, false, 30))) {
                if let Some(Packet::ConnAck(ack)) = read_packet(&mut s, &mut buf) {
                    return Some((s, buf, ack.session_present));
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Most messages one run publishes: within the queue limit the tests give the broker, so
/// that a full queue (which drops the oldest, counted) is not what is measured here.
const MESSAGES: u32 = 50_000;

/// What a run of [`publish_through_restarts`] saw.
#[derive(Debug, Default)]
struct Tally {
    acknowledged: BTreeSet<u32>,
    received: BTreeMap<u32, u32>,
    subscriber_sessions_lost: u32,
}

/// A persistent QoS 1 subscriber and a QoS 1 publisher (10 in flight, resending what was not
/// acknowledged after each reconnect) run while the broker is stopped with `signal` and
/// started again three times; then the subscriber reads until it has everything that was
/// acknowledged, or time runs out.
fn publish_through_restarts(broker: &mut Persisted, signal: &str) -> Tally {
    let port = broker.port;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + Duration::from_secs(40);
    // The subscriber's session and subscription first.
    let (mut s, mut buf, _) = connect_retrying(port, "keeper", deadline).unwrap();
    let mut subscribe = Subscribe::new("k/#", QoS::AtLeastOnce);
    subscribe.pkid = 1;
    write_packet(&mut s, Packet::Subscribe(subscribe));
    assert!(matches!(
        read_packet(&mut s, &mut buf),
        Some(Packet::SubAck(_))
    ));
    drop(s);
    let publishing = Arc::new(AtomicBool::new(true));
    let all_acked = Arc::new(AtomicBool::new(false));

    let subscriber = {
        let (tally, all_acked) = (tally.clone(), all_acked.clone());
        std::thread::spawn(move || {
            let mut first = true;
            while Instant::now() < deadline {
                let Some((mut s, mut buf, present)) = connect_retrying(port, "keeper", deadline)
                else {
                    return;
                };
                if !present && !first {
                    tally.lock().unwrap().subscriber_sessions_lost += 1;
                }
                first = false;
                loop {
                    if all_acked.load(Ordering::Relaxed) {
                        let t = tally.lock().unwrap();
                        if t.acknowledged.iter().all(|i| t.received.contains_key(i)) {
                            return;
                        }
                    }
                    match read_packet(&mut s, &mut buf) {
                        Some(Packet::Publish(p)) => {
                            let n: u32 = std::str::from_utf8(&p.payload).unwrap().parse().unwrap();
                            *tally.lock().unwrap().received.entry(n).or_default() += 1;
                            if !write_packet(&mut s, Packet::PubAck(PubAck::new(p.pkid))) {
                                break;
                            }
                        }
                        Some(_) => {}
                        // Closed, failed, or quiet for 2 s: connect again (the session
                        // is taken over, and what was not acknowledged is sent again).
                        None => break,
                    }
                }
            }
        })
    };

    let publisher = {
        let (tally, publishing, all_acked) = (tally.clone(), publishing.clone(), all_acked.clone());
        std::thread::spawn(move || {
            let mut next: u32 = 0;
            let mut outstanding: BTreeMap<u16, u32> = BTreeMap::new();
            'session: while Instant::now() < deadline {
                let Some((mut s, mut buf, _)) = connect_retrying(port, "producer", deadline) else {
                    return;
                };
                // Resend whatever was not acknowledged, with DUP.
                for (&pkid, &n) in &outstanding {
                    let mut p = Publish::new("k/t", QoS::AtLeastOnce, n.to_string().into_bytes());
                    p.pkid = pkid;
                    p.dup = true;
                    if !write_packet(&mut s, Packet::Publish(p)) {
                        continue 'session;
                    }
                }
                loop {
                    let sending = publishing.load(Ordering::Relaxed);
                    if !sending && outstanding.is_empty() {
                        all_acked.store(true, Ordering::Relaxed);
                        return;
                    }
                    while sending && outstanding.len() < 10 && next < MESSAGES {
                        let pkid = (next % 60_000) as u16 + 1;
                        let mut p =
                            Publish::new("k/t", QoS::AtLeastOnce, next.to_string().into_bytes());
                        p.pkid = pkid;
                        outstanding.insert(pkid, next);
                        next += 1;
                        if !write_packet(&mut s, Packet::Publish(p)) {
                            continue 'session;
                        }
                    }
                    match read_packet(&mut s, &mut buf) {
                        Some(Packet::PubAck(ack)) => {
                            if let Some(n) = outstanding.remove(&ack.pkid) {
                                tally.lock().unwrap().acknowledged.insert(n);
                            }
                        }
                        Some(_) => {}
                        None => continue 'session,
                    }
                }
            }
        })
    };

    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(700));
        broker.restart(signal);
    }
    std::thread::sleep(Duration::from_millis(500));
    publishing.store(false, Ordering::Relaxed);
    publisher.join().unwrap();
    subscriber.join().unwrap();
    Arc::try_unwrap(tally).unwrap().into_inner().unwrap()
}

/// Asserts that every acknowledged message arrived, and that something was acknowledged
/// after each restart (the run exercised them).
fn assert_nothing_acknowledged_lost(t: &Tally) {
    assert!(
        t.acknowledged.len() > 100,
        "too little acknowledged to mean anything: {}",
        t.acknowledged.len()
    );
    let lost: Vec<_> = t
        .acknowledged
        .iter()
        .filter(|n| !t.received.contains_key(n))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged messages never arrived (first: {:?}); {} subscriber sessions lost",
        lost.len(),
        t.acknowledged.len(),
        &lost[..lost.len().min(10)],
        t.subscriber_sessions_lost
    );
    assert_eq!(
        t.subscriber_sessions_lost, 0,
        "the subscriber's session survived"
    );
    let duplicates: u32 = t.received.values().map(|n| n - 1).sum();
    eprintln!(
        "acknowledged {}, received {} distinct, {duplicates} duplicates (QoS 1 allows them)",
        t.acknowledged.len(),
        t.received.len()
    );
}

#[test]
fn sigterm_restarts_lose_nothing_acknowledged_at_qos1() {
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &["--max-queued", "100000"]);
    let tally = publish_through_restarts(&mut broker, "TERM");
    assert_nothing_acknowledged_lost(&tally);
}

#[test]
fn kill_9_restarts_lose_nothing_acknowledged_with_persistence_sync() {
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(
        dir.path(),
        &["--persistence-sync", "--max-queued", "100000"],
    );
    let tally = publish_through_restarts(&mut broker, "KILL");
    assert_nothing_acknowledged_lost(&tally);
}

#[tokio::test]
async fn kill_9_in_autosave_mode_keeps_what_was_committed_an_interval_before() {
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &["--autosave-interval", "200ms"]);
    let mut publisher = RawClient::open(broker.addr()).await;
    publisher.connect(connect_packet("pub", true, 60)).await;
    publisher
        .publish("a/r", b"saved", QoS::AtLeastOnce, true)
        .await;
    publisher.disconnect().await;
    // More than an interval later, the change is on disk whatever happens next.
    tokio::time::sleep(Duration::from_millis(800)).await;
    broker.restart("KILL");
    let mut sub = RawClient::open(broker.addr()).await;
    sub.connect(connect_packet("s", true, 60)).await;
    sub.subscribe("a/#", QoS::AtLeastOnce).await;
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"saved");
}

// ---- the store itself ----

/// Runs `mqttkit broker ARGS…` expecting it to fail at start-up; returns (code, stderr).
fn failing_broker(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("mqttkit")
        .unwrap()
        .args(["broker", "-p", "0", "--sys-interval", "0"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.stdout.is_empty(),
        "it must not say it listens: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_damaged_store_is_a_clear_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("mqttkit.db");
    std::fs::write(&store, vec![0x5a; 8192]).unwrap();
    let (code, err) = failing_broker(&["--persistence", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&*store.to_string_lossy()), "{err}");
    assert!(err.contains("damaged or not an mqttkit store"), "{err}");
    assert!(err.contains("move the file aside"), "{err}");
    assert_eq!(
        std::fs::read(&store).unwrap(),
        vec![0x5a; 8192],
        "left as it was"
    );
}

#[test]
fn a_truncated_store_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut broker = Persisted::start(dir.path(), &[]);
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let mut publisher = RawClient::open(broker.addr()).await;
            publisher.connect(connect_packet("pub", true, 60)).await;
            for i in 0..200 {
                let payload = vec![b'x'; 2000];
                publisher
                    .publish(&format!("big/{i}"), &payload, QoS::AtLeastOnce, true)
                    .await;
            }
            publisher.disconnect().await;
        });
        broker.stop("TERM");
    }
    let store = dir.path().join("mqttkit.db");
    let len = std::fs::metadata(&store).unwrap().len();
    assert!(len > 100_000, "{len}");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&store)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let (code, err) = failing_broker(&["--persistence", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("damaged"), "{err}");
}

#[test]
fn a_store_in_use_by_a_running_broker_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _running = Persisted::start(dir.path(), &[]);
    let (code, err) = failing_broker(&["--persistence", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("in use by another broker"), "{err}");
}

#[test]
fn persistence_flags_without_a_store_are_usage_errors() {
    let (code, err) = failing_broker(&["--persistence-sync"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--persistence DIR"), "{err}");
    let (code, err) = failing_broker(&["--persistence", "/nonexistent/dir"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

#[tokio::test]
async fn mosquitto_persistence_directives_in_a_config_file_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let conf = common::write_file(
        dir.path(),
        "m.conf",
        &format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {}/\npersistence_file kept.db\nautosave_interval 1\n",
            dir.path().display()
        ),
    );
    let start = || {
        let child = Command::cargo_bin("mqttkit")
            .unwrap()
            .args(["broker", "-c"])
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        common::wait_for_port(port);
        child
    };
    let mut child = start();
    let addr = ([127, 0, 0, 1], port).into();
    let mut publisher = RawClient::open(addr).await;
    publisher.connect(connect_packet("pub", true, 60)).await;
    publisher
        .publish("cfg/r", b"from the file", QoS::AtLeastOnce, true)
        .await;
    publisher.disconnect().await;
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    assert!(
        dir.path().join("kept.db").is_file(),
        "persistence_file in persistence_location"
    );
    let mut child = start();
    let mut sub = RawClient::open(addr).await;
    sub.connect(connect_packet("s", true, 60)).await;
    sub.subscribe("cfg/#", QoS::AtLeastOnce).await;
    let p = sub.recv_publish().await;
    assert_eq!(&p.payload[..], b"from the file");
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn a_message_that_expired_in_the_queue_leaves_the_store_too_mqtt_3_3_2_5() {
    use common::v5::*;
    let dir = tempfile::tempdir().unwrap();
    let mut broker = Persisted::start(dir.path(), &[]);
    let (mut sub, _) = RawV5::connect_to(broker.addr(), connect_expiry("exp", true, 600)).await;
    sub.subscribe("x/#", QoS::AtLeastOnce).await;
    sub.drop_and_wait().await;
    let mut publisher = RawV5::connected(broker.addr(), "pubx").await;
    let properties = PublishProperties {
        message_expiry_interval: Some(1),
        ..PublishProperties::default()
    };
    publisher
        .publish(publish(
            "x/t",
            b"short-lived",
            QoS::AtLeastOnce,
            1,
            Some(properties),
        ))
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (mut sub, ack) = RawV5::connect_to(broker.addr(), connect_expiry("exp", false, 600)).await;
    assert!(ack.session_present);
    sub.expect_silence().await;
    sub.disconnect().await;
    broker.stop("TERM");
    let db = rusqlite::Connection::open(dir.path().join("mqttkit.db")).unwrap();
    let rows: i64 = db
        .query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0, "the expired delivery is gone from the store");
    let sessions: i64 = db
        .query_row(
            "SELECT count(*) FROM sessions WHERE client_id = 'exp'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sessions, 1, "its session is still there");
}
