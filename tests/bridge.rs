//! `mqttkit bridge` between real brokers on 127.0.0.1: what the destination's subscribers
//! receive (payload, QoS capped, retain, MQTT 5 properties, remapped topics), store and
//! forward across kill -9 of the destination broker and of the bridge (mosquitto → bundled
//! broker and back), `--both` without a loop, and bad input.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::v5::{self as raw5, RawV5};
use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;
use mqttkit::broker::{AuthConfig, BrokerConfig, PasswordFile};
use rumqttc::mqttbytes::v4::Packet as Packet4;
use rumqttc::mqttbytes::QoS;
use serde_json::Value;

/// A running `mqttkit bridge --json`: its stdout lines and stderr collected by threads.
struct Bridge {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
}

impl Bridge {
    fn start(args: &[&str]) -> Bridge {
        let mut child = Command::cargo_bin("mqttkit")
            .unwrap()
            .arg("bridge")
            .args(args)
            .arg("--json")
            .env_remove("MQTTKIT_PASSWORD")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (out, err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
        let l = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines() {
                let Ok(line) = line else { return };
                l.lock().unwrap().push(line);
            }
        });
        let e = stderr.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::BufReader::new(err).read_to_string(&mut text);
            e.lock().unwrap().push_str(&text);
        });
        Bridge {
            child,
            lines,
            stderr,
        }
    }

    fn events(&self, event: &str) -> Vec<Value> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["event"] == event)
            .collect()
    }

    /// Waits until `n` events `event` were printed.
    async fn wait_event(&mut self, event: &str, n: usize) {
        for _ in 0..400 {
            if self.events(event).len() >= n {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the bridge exited ({status}) before {n} {event} events: {}",
                    self.stderr.lock().unwrap()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "no {n} {event} events: {:?}\n{}",
            self.lines.lock().unwrap(),
            self.stderr.lock().unwrap()
        );
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {sig}");
    }

    /// SIGTERM, then the exit status, the summary event and stderr.
    async fn term(mut self) -> (std::process::ExitStatus, Value, String) {
        self.signal("-TERM");
        let mut status = None;
        for _ in 0..400 {
            status = self.child.try_wait().unwrap();
            if status.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let status = status.expect("the bridge did not exit after SIGTERM");
        // The reader threads end with the pipes.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let summary = self
            .lines
            .lock()
            .unwrap()
            .last()
            .cloned()
            .unwrap_or_default();
        let summary = serde_json::from_str(&summary).unwrap_or(Value::Null);
        let stderr = self.stderr.lock().unwrap().clone();
        (status, summary, stderr)
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn url(port: u16) -> String {
    format!("mqtt://127.0.0.1:{port}")
}

/// A unique bridge name per test (the client ids derive from it).
fn name(test: &str) -> String {
    format!("br-{test}-{}", std::process::id())
}

fn props(p: &raw5::Publish) -> raw5::PublishProperties {
    p.properties.clone().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v5_to_v5_keeps_payload_qos_retain_as_published_mqtt_3_3_1_13_and_properties_and_applies_the_remap(
) {
    let (a, b) = (TestBroker::start().await, TestBroker::start().await);
    let mut sub = RawV5::connected(b.addr, "sub").await;
    let rap = raw5::Filter {
        preserve_retain: true,
        ..raw5::filter("site1/#", raw5::QoS::ExactlyOnce)
    };
    sub.subscribe_with(1, vec![rap], None).await;
    let n = name("v5");
    let mut bridge = Bridge::start(&[
        "--from",
        &url(a.addr.port()),
        "--from-version",
        "5",
        "--to",
        &url(b.addr.port()),
        "--to-version",
        "5",
        "-t",
        "sensors/#",
        "--remap",
        "sensors/=site1/sensors/",
        "-q",
        "2",
        "--name",
        &n,
    ]);
    bridge.wait_event("subscribed", 1).await;

    let mut publisher = RawV5::connected(a.addr, "publisher").await;
    let full = raw5::PublishProperties {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(3600),
        response_topic: Some("reply/here".into()),
        correlation_data: Some(bytes::Bytes::from_static(b"\x01\x02")),
        user_properties: vec![
            ("b".into(), "1".into()),
            ("a".into(), "2".into()),
            ("b".into(), "3".into()),
        ],
        content_type: Some("text/plain".into()),
        ..Default::default()
    };
    let sent = [
        (
            "sensors/q0",
            &b"\x00\xffbin"[..],
            raw5::QoS::AtMostOnce,
            false,
            None,
        ),
        (
            "sensors/q1",
            b"one",
            raw5::QoS::AtLeastOnce,
            false,
            Some(full.clone()),
        ),
        (
            "sensors/q2",
            b"two",
            raw5::QoS::ExactlyOnce,
            true,
            Some(full.clone()),
        ),
    ];
    for (i, (topic, payload, qos, retain, p)) in sent.iter().enumerate() {
        let mut msg = raw5::publish(topic, payload, *qos, i as u16 + 1, p.clone());
        msg.retain = *retain;
        publisher.publish(msg).await;
    }
    let mut got = HashMap::new();
    for _ in 0..sent.len() {
        let p = sub.recv_publish().await;
        sub.ack(&p).await;
        got.insert(String::from_utf8(p.topic.to_vec()).unwrap(), p);
    }
    for (topic, payload, qos, retain, p) in &sent {
        let remapped = topic.replace("sensors/", "site1/sensors/");
        let m = got
            .get(&remapped)
            .unwrap_or_else(|| panic!("{remapped}: {got:?}"));
        assert_eq!(m.payload.as_ref(), *payload, "{topic}");
        assert_eq!(m.qos, *qos, "{topic}");
        assert_eq!(
            m.retain, *retain,
            "{topic}: Retain As Published [MQTT-3.3.1-13]"
        );
        let have = props(m);
        match p {
            None => assert_eq!(have, Default::default(), "{topic}"),
            Some(want) => {
                let expiry = have.message_expiry_interval.unwrap();
                assert!(expiry <= 3600 && expiry > 3500, "{topic}: expiry {expiry}");
                let have = raw5::PublishProperties {
                    message_expiry_interval: Some(3600),
                    ..have
                };
                assert_eq!(&have, want, "{topic}: properties, user properties in order");
            }
        }
    }
    let (status, summary, stderr) = bridge.term().await;
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["forwarded"], 3);
    assert_eq!(summary["routes"][0]["filter"], "sensors/#");
    assert!(stderr.contains("bridged: forwarded 3"), "{stderr}");
    assert!(stderr.contains("warning: -q 2"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v311_caps_qos_keeps_retained_messages_and_drops_retain_on_request() {
    let (a, b) = (TestBroker::start().await, TestBroker::start().await);
    let mut early = a.client("early").await;
    early
        .publish("sensors/kept", b"retained", QoS::AtLeastOnce, true)
        .await;
    let mut sub = b.client("sub").await;
    sub.subscribe("site1/#", QoS::ExactlyOnce).await;
    let n = name("v311");
    let mut bridge = Bridge::start(&[
        "--from",
        &url(a.addr.port()),
        "--to",
        &url(b.addr.port()),
        "-t",
        "sensors/#",
        "--remap",
        "sensors/=site1/",
        "-q",
        "1",
        "--name",
        &n,
    ]);
    bridge.wait_event("subscribed", 1).await;
    let mut publisher = a.client("publisher").await;
    publisher
        .publish("sensors/q2", b"two", QoS::ExactlyOnce, false)
        .await;
    publisher
        .publish("sensors/q0", b"zero", QoS::AtMostOnce, false)
        .await;
    let mut got = HashMap::new();
    for _ in 0..3 {
        let p = sub.recv_publish().await;
        sub.ack(&p).await;
        got.insert(p.topic.clone(), p);
    }
    assert_eq!(got["site1/q2"].qos, QoS::AtLeastOnce, "-q 1 caps QoS 2");
    assert_eq!(got["site1/q0"].qos, QoS::AtMostOnce);
    assert_eq!(got["site1/kept"].payload.as_ref(), b"retained");
    // The retained message was forwarded retained: a new subscriber gets it as such.
    let mut late = b.client("late").await;
    late.subscribe("site1/kept", QoS::AtLeastOnce).await;
    let p = late.recv_publish().await;
    assert!(p.retain, "the destination keeps the retained message");
    let (status, summary, _) = bridge.term().await;
    assert!(status.success());
    assert_eq!(summary["forwarded"], 3);

    // --retain drop: a retained message arrives, and is not retained on the destination.
    early
        .publish("sensors/dropped", b"r", QoS::AtLeastOnce, true)
        .await;
    let mut bridge = Bridge::start(&[
        "--from",
        &url(a.addr.port()),
        "--to",
        &url(b.addr.port()),
        "-t",
        "sensors/dropped",
        "--remap",
        "sensors/=site1/",
        "--retain",
        "drop",
        "--name",
        &format!("{n}-drop"),
    ]);
    bridge.wait_event("subscribed", 1).await;
    let p = sub.recv_publish().await;
    assert_eq!((p.topic.as_str(), p.retain), ("site1/dropped", false));
    sub.ack(&p).await;
    let mut later = b.client("later").await;
    later.subscribe("site1/dropped", QoS::AtLeastOnce).await;
    later.expect_silence().await;
    let (status, _, _) = bridge.term().await;
    assert!(status.success());
}

/// A broker process that the test can kill -9 and start again on the same port.
struct Killable {
    mosquitto: bool,
    port: u16,
    bundled: Option<Child>,
    mosq: Option<Mosquitto>,
}

impl Killable {
    fn start(mosquitto: bool) -> Killable {
        let mut k = Killable {
            mosquitto,
            port: free_port(),
            bundled: None,
            mosq: None,
        };
        k.restart();
        k
    }

    fn restart(&mut self) {
        if self.mosquitto {
            // Unlimited queues: mosquitto's default (1000) would drop messages for the
            // bridge's session while the bridge is down, which is not what is tested.
            let conf = format!(
                "user root\nlistener {} 127.0.0.1\npersistence false\nallow_anonymous true\n\
                 max_queued_messages 0\nmax_inflight_messages 20\n",
                self.port
            );
            self.mosq = Some(Mosquitto::start_config(&conf, self.port));
        } else {
            let port = self.port.to_string();
            let child = Command::cargo_bin("mqttkit")
                .unwrap()
                .args(["broker", "-p", &port, "--sys-interval", "0"])
                .args(["--max-queued", "100000"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            wait_for_port(self.port);
            self.bundled = Some(child);
        }
    }

    /// kill -9 (SIGKILL).
    fn kill9(&mut self) {
        if let Some(mut c) = self.bundled.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
        drop(self.mosq.take()); // Mosquitto's Drop sends SIGKILL
    }
}

impl Drop for Killable {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// What a subscriber on the destination received, reconnecting and resubscribing after
/// the broker restarts.
struct Counter {
    got: Arc<Mutex<Vec<(String, u64)>>>,
    subscribed: Arc<AtomicUsize>,
}

fn counter(port: u16) -> Counter {
    let got = Arc::new(Mutex::new(Vec::new()));
    let subscribed = Arc::new(AtomicUsize::new(0));
    let mut o = rumqttc::MqttOptions::new("counter", "127.0.0.1", port);
    o.set_keep_alive(Duration::from_secs(30));
    let (client, mut events) = rumqttc::AsyncClient::new(o, 64);
    let (g, s) = (got.clone(), subscribed.clone());
    tokio::spawn(async move {
        loop {
            match events.poll().await {
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) => {
                    let _ = client.try_subscribe("t/#", QoS::AtLeastOnce);
                }
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_))) => {
                    s.fetch_add(1, Ordering::SeqCst);
                }
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::Publish(p))) => {
                    let seq = std::str::from_utf8(&p.payload).unwrap().parse().unwrap();
                    g.lock().unwrap().push((p.topic, seq));
                }
                Ok(_) => {}
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    });
    Counter { got, subscribed }
}

impl Counter {
    fn distinct(&self) -> usize {
        self.got
            .lock()
            .unwrap()
            .iter()
            .collect::<HashSet<_>>()
            .len()
    }

    fn received(&self) -> usize {
        self.got.lock().unwrap().len()
    }

    async fn wait_subscribed(&self, n: usize) {
        for _ in 0..400 {
            if self.subscribed.load(Ordering::SeqCst) >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the counter did not subscribe {n} times");
    }
}

/// Publishes `per_topic` messages to each of `topics` topics t/0, t/1, … at QoS 1 (payload:
/// the sequence number), paced, and counts the broker's acknowledgements. Its session is
/// persistent and it reconnects, so rumqttc resends what was in flight when the broker
/// restarts.
fn publisher(port: u16, topics: usize, per_topic: u64) -> Arc<AtomicUsize> {
    let acked = Arc::new(AtomicUsize::new(0));
    let mut o = rumqttc::MqttOptions::new("publisher", "127.0.0.1", port);
    o.set_keep_alive(Duration::from_secs(30));
    o.set_clean_session(false);
    let (client, mut events) = rumqttc::AsyncClient::new(o, 64);
    let a = acked.clone();
    tokio::spawn(async move {
        loop {
            match events.poll().await {
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::PubAck(_))) => {
                    a.fetch_add(1, Ordering::SeqCst);
                }
                Ok(_) => {}
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    });
    tokio::spawn(async move {
        for seq in 0..per_topic {
            for t in 0..topics {
                let topic = format!("t/{t}");
                client
                    .publish(topic, QoS::AtLeastOnce, false, seq.to_string())
                    .await
                    .unwrap();
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    });
    acked
}

async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + limit;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every message of t/0 … t/(topics-1) arrived, the first arrivals of each topic in order
/// (a second copy is what QoS 1 allows after a restart).
fn check_arrivals(count: &Counter, topics: usize, per_topic: u64) {
    let total = topics * per_topic as usize;
    let got = count.got.lock().unwrap().clone();
    let mut seen: HashMap<&str, Vec<u64>> = HashMap::new();
    let mut distinct = HashSet::new();
    for (topic, seq) in &got {
        if distinct.insert((topic.as_str(), *seq)) {
            seen.entry(topic).or_default().push(*seq);
        }
    }
    for t in 0..topics {
        let firsts = &seen[format!("t/{t}").as_str()];
        let missing: Vec<u64> = (0..per_topic).filter(|s| !firsts.contains(s)).collect();
        assert!(missing.is_empty(), "t/{t}: lost {missing:?}");
        let late: Vec<(usize, u64)> = firsts
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[1] < w[0])
            .map(|(i, w)| (i + 1, w[1]))
            .collect();
        assert!(
            late.is_empty(),
            "t/{t}: first arrivals out of order at (index, seq) {late:?}; all: {:?}",
            got.iter()
                .filter(|(topic, _)| *topic == format!("t/{t}"))
                .map(|(_, s)| s)
                .collect::<Vec<_>>()
        );
    }
    eprintln!(
        "published and acknowledged {total}, arrived {} ({} duplicates, allowed at QoS 1)",
        got.len(),
        got.len() - total
    );
}

/// Store and forward at QoS 1 from `source_mosquitto ? mosquitto : bundled` to the other,
/// while the destination broker is killed -9 and restarted, and later the bridge is.
///
/// Before the destination is killed the bridge is paused (SIGSTOP) until the destination's
/// subscriber has everything that broker acknowledged: a broker killed -9 loses what it
/// acknowledged and had not delivered yet, which is the broker's loss, not the bridge's.
/// The publisher goes on throughout; what it publishes meanwhile waits in the bridge's
/// session on the source.
async fn store_and_forward(source_mosquitto: bool) {
    const TOPICS: usize = 3;
    const PER_TOPIC: u64 = 700;
    let total = TOPICS * PER_TOPIC as usize;
    let source = Killable::start(source_mosquitto);
    let mut dest = Killable::start(!source_mosquitto);
    let count = counter(dest.port);
    count.wait_subscribed(1).await;
    let n = name(if source_mosquitto { "m2b" } else { "b2m" });
    let args = [
        "--from".to_string(),
        url(source.port),
        "--to".into(),
        url(dest.port),
        "-t".into(),
        "t/#".into(),
        "-q".into(),
        "1".into(),
        "--name".into(),
        n,
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut bridge = Bridge::start(&args);
    bridge.wait_event("subscribed", 1).await;
    let acked = publisher(source.port, TOPICS, PER_TOPIC);
    let limit = Duration::from_secs(20);

    wait_until("a third acknowledged", limit, || {
        acked.load(Ordering::SeqCst) >= total / 3
    })
    .await;
    bridge.signal("-STOP");
    let mut last = usize::MAX;
    while count.received() != last {
        last = count.received();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    dest.kill9();
    dest.restart();
    count.wait_subscribed(2).await;
    bridge.signal("-CONT");

    wait_until("two thirds acknowledged", limit, || {
        acked.load(Ordering::SeqCst) >= 2 * total / 3
    })
    .await;
    bridge.signal("-KILL");
    drop(bridge);
    let mut bridge = Bridge::start(&args);
    bridge.wait_event("connected", 2).await;

    wait_until("everything acknowledged", limit, || {
        acked.load(Ordering::SeqCst) >= total
    })
    .await;
    wait_until("everything arrived", limit, || count.distinct() >= total).await;

    check_arrivals(&count, TOPICS, PER_TOPIC);
    let (status, _, stderr) = bridge.term().await;
    assert!(status.success(), "{status}: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_to_bundled_at_qos1_loses_nothing_across_kill_9_of_the_destination_and_the_bridge(
) {
    if skip_without("mosquitto") {
        return;
    }
    store_and_forward(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundled_to_mosquitto_at_qos1_loses_nothing_across_kill_9_of_the_destination_and_the_bridge(
) {
    if skip_without("mosquitto") {
        return;
    }
    store_and_forward(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persistent_mosquitto_source_restarted_by_sigterm_keeps_what_it_queued_for_the_bridge() {
    if skip_without("mosquitto") {
        return;
    }
    const TOPICS: usize = 3;
    const PER_TOPIC: u64 = 500;
    let total = TOPICS * PER_TOPIC as usize;
    let store = tempfile::tempdir().unwrap();
    let port = free_port();
    let conf = format!(
        "user root\nlistener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n\
         persistence_location {}/\nmax_queued_messages 0\n",
        store.path().display()
    );
    let mut source = Mosquitto::start_config(&conf, port);
    let dest = TestBroker::start().await;
    let count = counter(dest.addr.port());
    count.wait_subscribed(1).await;
    let n = name("src");
    let mut bridge = Bridge::start(&[
        "--from",
        &url(port),
        "--to",
        &url(dest.addr.port()),
        "-t",
        "t/#",
        "--name",
        &n,
    ]);
    bridge.wait_event("subscribed", 1).await;
    let acked = publisher(port, TOPICS, PER_TOPIC);
    let limit = Duration::from_secs(20);
    wait_until("half acknowledged", limit, || {
        acked.load(Ordering::SeqCst) >= total / 2
    })
    .await;
    source.terminate();
    source = Mosquitto::start_config(&conf, port);
    wait_until("everything acknowledged", limit, || {
        acked.load(Ordering::SeqCst) >= total
    })
    .await;
    wait_until("everything arrived", limit, || count.distinct() >= total).await;
    check_arrivals(&count, TOPICS, PER_TOPIC);
    let resumed = bridge
        .events("connected")
        .iter()
        .filter(|e| e["side"] == "from" && e["session_present"] == true)
        .count();
    assert!(resumed >= 1, "the source kept the bridge's session");
    let (status, _, stderr) = bridge.term().await;
    assert!(status.success(), "{status}: {stderr}");
    drop(source);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_the_destination_down_exits_0_within_the_drain_time_and_loses_nothing() {
    let a = TestBroker::start().await;
    let b = TestBroker::start().await;
    let b_port = b.addr.port();
    let n = name("drain");
    let args = [
        "--from".to_string(),
        url(a.addr.port()),
        "--to".into(),
        url(b_port),
        "-t".into(),
        "d/#".into(),
        "--drain-timeout".into(),
        "500ms".into(),
        "--name".into(),
        n,
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut bridge = Bridge::start(&args);
    bridge.wait_event("subscribed", 1).await;
    b.stop().await;
    bridge.wait_event("lost", 1).await;
    let mut publisher = a.client("publisher").await;
    for i in 0..5 {
        let payload = i.to_string();
        publisher
            .publish("d/x", payload.as_bytes(), QoS::AtLeastOnce, false)
            .await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, summary, stderr) = bridge.term().await;
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(summary["forwarded"], 0);
    assert!(
        stderr.contains("not acknowledged by their destination"),
        "{stderr}"
    );

    // The source kept the five in the bridge's session: the next run forwards them.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", b_port))
        .await
        .unwrap();
    let b = TestBroker::start_on(listener, BrokerConfig::default());
    let mut sub = b.client("sub").await;
    sub.subscribe("d/#", QoS::AtLeastOnce).await;
    let bridge = Bridge::start(&args);
    let mut got = Vec::new();
    for _ in 0..5 {
        let p = sub.recv_publish().await;
        sub.ack(&p).await;
        got.push(String::from_utf8(p.payload.to_vec()).unwrap());
    }
    assert_eq!(got, ["0", "1", "2", "3", "4"]);
    let (status, summary, _) = bridge.term().await;
    assert!(status.success());
    assert_eq!(summary["forwarded"], 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_forwards_each_message_once_with_no_local_mqtt_3_8_3_3() {
    let (a, b) = (TestBroker::start().await, TestBroker::start().await);
    let mut sub_a = a.client("sub-a").await;
    sub_a.subscribe("#", QoS::AtLeastOnce).await;
    let mut sub_b = b.client("sub-b").await;
    sub_b.subscribe("#", QoS::AtLeastOnce).await;
    let n = name("both");
    let mut bridge = Bridge::start(&[
        "--from",
        &url(a.addr.port()),
        "--from-version",
        "5",
        "--to",
        &url(b.addr.port()),
        "--to-version",
        "5",
        "--both",
        "-t",
        "x/#",
        "--name",
        &n,
    ]);
    bridge.wait_event("subscribed", 2).await;
    let mut pa = a.client("pub-a").await;
    pa.publish("x/from-a", b"1", QoS::AtLeastOnce, false).await;
    let mut pb = b.client("pub-b").await;
    pb.publish("x/from-b", b"2", QoS::AtLeastOnce, false).await;
    // Count for two seconds: each subscriber gets each message exactly once.
    let mut counts: HashMap<(&str, String), usize> = HashMap::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    for (label, sub) in [("a", &mut sub_a), ("b", &mut sub_b)] {
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match sub.try_recv(left.max(Duration::from_millis(50))).await {
                Ok(Some(Packet4::Publish(p))) => {
                    sub.ack(&p).await;
                    *counts.entry((label, p.topic.clone())).or_default() += 1;
                }
                Ok(Some(_)) => {}
                Ok(None) => panic!("{label}: connection closed"),
                Err(_) => break,
            }
        }
    }
    let want: HashMap<(&str, String), usize> = [
        (("a", "x/from-a".to_string()), 1),
        (("a", "x/from-b".to_string()), 1),
        (("b", "x/from-a".to_string()), 1),
        (("b", "x/from-b".to_string()), 1),
    ]
    .into();
    assert_eq!(
        counts, want,
        "every message crosses once and comes back never"
    );
    let (status, summary, stderr) = bridge.term().await;
    assert!(status.success(), "{stderr}");
    assert_eq!(summary["forwarded"], 2);
}

fn run_bridge(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("mqttkit")
        .unwrap()
        .arg("bridge")
        .args(args)
        .env_remove("MQTTKIT_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_side_exits_1_naming_it() {
    let b = TestBroker::start().await;
    let dead = url(free_port());
    let out = tokio::task::spawn_blocking(move || {
        run_bridge(&[
            "--from",
            &url(b.addr.port()),
            "--to",
            &dead,
            "-t",
            "#",
            "--connect-timeout",
            "2s",
        ])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("--to broker: cannot connect"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_exit_with_the_connack_code() {
    let open = TestBroker::start().await;
    let mut passwords = PasswordFile::new();
    passwords.set_password("alice", b"s3cret").unwrap();
    let closed = TestBroker::start_with(BrokerConfig {
        auth: AuthConfig {
            allow_anonymous: false,
            passwords: Some(passwords),
            ..AuthConfig::default()
        },
        ..Default::default()
    })
    .await;
    let (from, to) = (
        url(open.addr.port()),
        format!("mqtt://alice:wrong@127.0.0.1:{}", closed.addr.port()),
    );
    let out =
        tokio::task::spawn_blocking(move || run_bridge(&["--from", &from, "--to", &to, "-t", "#"]))
            .await
            .unwrap();
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(4),
        "CONNACK 4 (bad user name or password) is the exit code: {err}"
    );
    assert!(
        err.contains("--to broker") && err.contains("connection refused"),
        "{err}"
    );
}

#[test]
fn a_remap_that_makes_an_invalid_topic_and_bad_flags_are_usage_errors() {
    let a = url(free_port());
    let cases: &[(&[&str], &str)] = &[
        (
            &["--from", &a, "--to", &a, "-t", "a/#", "--remap", "a/b="],
            "would become empty",
        ),
        (
            &["--from", &a, "--to", &a, "-t", "a/#", "--remap", "a/+=b"],
            "wildcards",
        ),
        (&["--from", &a, "-t", "a"], "--to URL is required"),
        (&["--from", "http://h", "--to", &a, "-t", "a"], "--from"),
        (&["--from", &a, "--to", &a], "a topic filter is required"),
        (&["--from", &a, "--to", &a, "-t", "a/#/b"], "-t \"a/#/b\""),
        (&["--from", &a, "--to", &a, "-t", "a", "-q", "3"], "-q"),
        (
            &["--from", &a, "--to", &a, "-t", "a", "--both"],
            "--both needs MQTT 5",
        ),
        (
            &["--from", &a, "--to", &a, "-t", "a", "--from-version", "4"],
            "--from-version 4",
        ),
        (
            &[
                "--from",
                &a,
                "--to",
                "mqtts://127.0.0.1:1",
                "-t",
                "a",
                "--to-cert",
                "c.pem",
            ],
            "--to-cert needs --to-key",
        ),
    ];
    for (args, want) in cases {
        let out = run_bridge(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
}
