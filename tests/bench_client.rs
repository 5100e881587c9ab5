//! `mqttkit bench` on its lean MQTT client: retained publishes, `--interval`, topic templates,
//! QoS 2, MQTT 5 against mosquitto, `bench sub`'s end-to-end latency, reconnection under
//! injected faults, `--connect-rate`/`--ifaddr`, and keep-alive while connections are held.
//!
//! Every run is short (at most a couple of seconds of load, small counts) and on 127.0.0.1;
//! nothing here asserts on timings.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::report::*;
use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;
use mqttkit::broker::{Broker, BrokerConfig, Faults};
use rumqttc::mqttbytes::QoS;
use tokio::net::TcpListener;

/// Bytes of the bench payload header: publisher, sequence, intended send time (u64 BE each).
const HEADER: usize = 24;

/// `mqttkit bench MODE -h 127.0.0.1 -p PORT ARGS…`, stdin closed.
fn bench(port: u16, mode: &str, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(["bench", mode, "-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .env_remove("MQTTKIT_PASSWORD")
        .stdin(Stdio::null());
    cmd
}

fn header(payload: &[u8]) -> (u64, u64, u64) {
    assert!(
        payload.len() >= HEADER,
        "payload of {} bytes",
        payload.len()
    );
    let word = |i: usize| u64::from_be_bytes(payload[i..i + 8].try_into().unwrap());
    (word(0), word(8), word(16))
}

/// This machine's host name, as `%h` expands it.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Waits until a message published to `topic` would reach `n` sessions.
async fn wait_for_subscribers(broker: &Broker, topic: &str, n: usize) {
    let deadline = Instant::now() + LIMIT;
    while broker.subscriber_count(topic) < n {
        assert!(
            Instant::now() < deadline,
            "no {n} subscriber(s) of {topic} in time"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------------------
// --retain

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retain_leaves_each_topics_last_message_for_a_new_subscriber() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    // Two publishers, 10 messages each: seq 0..=9 on rt/0 and on rt/1.
    let out = run(bench(
        port,
        "pub",
        &[
            "-c", "2", "-q", "1", "--retain", "-t", "rt/%i", "--count", "20", "--rate", "400",
            "--json", "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 20);
    assert_eq!(count(&r, "acked"), 20);

    // The broker kept the last message of each topic for future subscribers [MQTT-3.3.1-5]
    // and sends it on a new subscription [MQTT-3.3.1-6] with RETAIN set [MQTT-3.3.1-8].
    let mut c = broker.client("retain-check").await;
    c.subscribe("rt/#", QoS::AtLeastOnce).await;
    let mut last = BTreeMap::new();
    for _ in 0..2 {
        let p = c.recv_publish().await;
        assert!(p.retain, "retained copy without RETAIN: {p:?}");
        assert_eq!(p.payload.len(), 64, "the default --size");
        let (publisher, seq, _) = header(&p.payload);
        assert!(
            p.payload[HEADER..].iter().all(|&b| b == 0),
            "padding after the header is zeros"
        );
        last.insert(p.topic.clone(), (publisher, seq));
        c.ack(&p).await;
    }
    let want: BTreeMap<String, (u64, u64)> = [("rt/0".into(), (0, 9)), ("rt/1".into(), (1, 9))]
        .into_iter()
        .collect();
    assert_eq!(
        last, want,
        "the retained message is each topic's last (seq count-1)"
    );
    c.expect_silence().await;
    c.disconnect().await;

    // And `mqttkit sub` sees the same: the 64-byte payload (raw, then a newline).
    let out = run(mqttkit(port, &["sub", "-t", "rt/1", "-C", "1", "-W", "5s"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout.len(), 65, "{:?}", out.stdout);
    assert_eq!(out.stdout[64], b'\n');
    let (publisher, seq, _) = header(&out.stdout[..64]);
    assert_eq!((publisher, seq), (1, 9));
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_retain_nothing_is_kept() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "pub",
        &[
            "-q", "1", "-t", "nr/%i", "--count", "5", "--rate", "200", "--json", "--quiet",
        ],
    ))
    .await;
    assert_eq!(count(&report(&out), "acked"), 5);
    // RETAIN 0: the broker must not store the message [MQTT-3.3.1-12].
    let mut c = broker.client("no-retain-check").await;
    c.subscribe("nr/#", QoS::AtLeastOnce).await;
    c.expect_silence().await;
    c.disconnect().await;
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pubsub_with_retain_still_delivers_everything_once() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-q", "1", "--retain", "-t", "rps/%i", "--count", "200", "--rate", "1000", "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 200);
    assert_eq!(count(&r, "received"), 200);
    assert_zero(
        &r,
        &["lost", "duplicated", "out_of_order", "errors", "reconnects"],
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_retained_run_on_the_same_topics_checks_only_its_own_messages() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let args = [
        "-q", "1", "--retain", "-t", "again/%i", "--count", "100", "--rate", "1000", "--json",
        "--quiet",
    ];
    let first = report(&run(bench(port, "pubsub", &args)).await);
    assert_eq!(count(&first, "received"), 100);
    // The second run's subscriber gets the first run's last message (seq 99) on subscribing
    // [MQTT-3.3.1-6], with RETAIN set [MQTT-3.3.1-8]: it is not one of this run's messages.
    let r = report(&run(bench(port, "pubsub", &args)).await);
    assert_eq!(count(&r, "sent"), 100, "{r}");
    assert_eq!(count(&r, "received"), 100, "{r}");
    assert_zero(&r, &["lost", "duplicated", "out_of_order"]);
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// --interval

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interval_sets_each_publishers_spacing() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    // 2 publishers, one message every 50 ms each: 40 messages/s offered in total.
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-c",
            "2",
            "-q",
            "1",
            "--interval",
            "50ms",
            "--count",
            "10",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    let offered = r["load"]["offered_rate"].as_f64().unwrap();
    assert!((offered - 40.0).abs() < 1e-9, "offered_rate {offered}");
    assert_eq!(count(&r, "sent"), 10);
    assert_eq!(count(&r, "acked"), 10);
    assert_eq!(count(&r, "received"), 10);
    assert_zero(&r, &["lost", "duplicated", "out_of_order", "errors"]);

    // In the text report too.
    let out = run(bench(
        port,
        "pub",
        &["-c", "4", "--interval", "1s", "--count", "4", "--quiet"],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("offered 4/s"), "{text}");
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// Usage errors of the new flags (all found before connecting: the port is closed, so a
// missed check would fail with exit 1, not 2).

#[test]
fn new_flags_bad_values_are_usage_errors() {
    let port = free_port().to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["pub", "--interval", "100ms", "--rate", "5"], "--interval"),
        (&["pubsub", "--rate", "5", "--interval", "1s"], "--rate"),
        (&["pubsub", "--interval", "0s"], "--interval"),
        (&["pub", "-t", "a/%x"], "%x"),
        (&["pubsub", "-t", "%x/b"], "%x"),
        (&["pub", "-t", "a/%"], "%"),
        (&["pub", "-c", "2", "-t", "fixed/%h"], "%i or %c"),
        (&["pubsub", "-c", "2", "-t", "fixed/100%%"], "%i or %c"),
        (&["pub", "--connect-rate", "0"], "--connect-rate 0"),
        (&["pubsub", "--connect-rate", "0"], "--connect-rate 0"),
        (&["sub", "--connect-rate", "0"], "--connect-rate 0"),
        (&["conn", "--connect-rate", "0"], "--connect-rate 0"),
        (&["pub", "--connect-rate=-3"], "--connect-rate"),
        (&["conn", "--connect-rate=-3"], "--connect-rate"),
        (&["pub", "--ifaddr", "not-an-address"], "--ifaddr"),
    ];
    for (args, needle) in cases {
        let out = Command::cargo_bin("mqttkit")
            .unwrap()
            .args(["bench", args[0], "-h", "127.0.0.1", "-p", &port])
            .args(&args[1..])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}

// ---------------------------------------------------------------------------------------
// Topic templates

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topic_templates_expand_per_publisher() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut watcher = broker.client("template-watcher").await;
    watcher.subscribe("t/#", QoS::AtMostOnce).await;
    let out = run(bench(
        port,
        "pub",
        &[
            "-c",
            "2",
            "-q",
            "1",
            "-t",
            "t/%c/%h/%i/100%%",
            "--client-prefix",
            "tmpl-",
            "--count",
            "6",
            "--rate",
            "300",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    assert_eq!(count(&report(&out), "acked"), 6);
    let host = host_name();
    let mut seen: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for _ in 0..6 {
        let p = watcher.recv_publish().await;
        let (publisher, seq, _) = header(&p.payload);
        // The topic names the publisher whose header the payload carries.
        assert_eq!(
            p.topic,
            format!("t/tmpl-pub-{publisher}/{host}/{publisher}/100%"),
            "message {seq} of publisher {publisher}"
        );
        seen.entry(p.topic.clone()).or_default().insert(seq);
    }
    let want: BTreeMap<String, BTreeSet<u64>> = (0..2)
        .map(|i| {
            (
                format!("t/tmpl-pub-{i}/{host}/{i}/100%"),
                (0..3).collect::<BTreeSet<u64>>(),
            )
        })
        .collect();
    assert_eq!(seen, want);
    watcher.expect_silence().await;
    watcher.disconnect().await;
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pubsub_subscribers_follow_a_client_id_template() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut watcher = broker.client("cid-watcher").await;
    watcher.subscribe("cid/#", QoS::AtMostOnce).await;
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-c",
            "2",
            "--subscribers",
            "2",
            "-q",
            "1",
            "-t",
            "cid/%c",
            "--client-prefix",
            "tc-",
            "--count",
            "100",
            "--rate",
            "1000",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    // The bench's own subscribers subscribed to the expanded topics: everything arrived.
    assert_eq!(count(&r, "sent"), 100);
    assert_eq!(count(&r, "received"), 200);
    assert_zero(&r, &["lost", "duplicated", "out_of_order", "errors"]);
    // And the topics are the client ids.
    let mut topics = BTreeSet::new();
    for _ in 0..100 {
        topics.insert(watcher.recv_publish().await.topic);
    }
    let want: BTreeSet<String> = ["cid/tc-pub-0", "cid/tc-pub-1"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(topics, want);
    watcher.disconnect().await;
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// QoS 2

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos2_pubsub_delivers_exactly_once_to_every_subscriber() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-c",
            "2",
            "--subscribers",
            "3",
            "-q",
            "2",
            "--count",
            "400",
            "--rate",
            "1000",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    // Every PUBLISH completed by PUBREC/PUBREL/PUBCOMP [MQTT-4.3.3-1], each delivered once
    // to each subscriber [MQTT-4.3.3-2], in order per publisher [MQTT-4.6.0-6].
    assert_all_delivered(&r, 400, 3, "QoS 2");
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// MQTT 5

#[test]
fn v5_pubsub_against_mosquitto_qos1_and_qos2() {
    if skip_without("mosquitto") {
        return;
    }
    let broker = Mosquitto::start("allow_anonymous true");
    for qos in ["1", "2"] {
        let out = output_within(bench(
            broker.port,
            "pubsub",
            &[
                "-V",
                "5",
                "-q",
                qos,
                "-c",
                "2",
                "--subscribers",
                "2",
                "--count",
                "400",
                "--rate",
                "1000",
                "--json",
                "--quiet",
            ],
        ));
        let r = report(&out);
        assert_all_delivered(&r, 400, 2, &format!("MQTT 5, QoS {qos}"));
    }
}

#[test]
fn v5_retained_bench_messages_reach_a_311_subscriber_on_mosquitto() {
    if skip_without("mosquitto") {
        return;
    }
    let broker = Mosquitto::start("allow_anonymous true");
    let out = output_within(bench(
        broker.port,
        "pub",
        &[
            "-V", "5", "-q", "1", "--retain", "-t", "v5rt/%i", "--count", "7", "--rate", "500",
            "--json", "--quiet",
        ],
    ));
    assert_eq!(count(&report(&out), "acked"), 7);
    // [MQTT-3.3.1-5]: mosquitto kept the last one (seq 6) for a later subscriber.
    let out = output_within(mqttkit(
        broker.port,
        &["sub", "-t", "v5rt/0", "-C", "1", "-W", "5s"],
    ));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout.len(), 65, "{:?}", out.stdout);
    assert_eq!(header(&out.stdout[..64]).1, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v5_pubsub_against_the_bundled_broker_qos1_and_qos2() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    for qos in ["1", "2"] {
        let out = run(bench(
            port,
            "pubsub",
            &[
                "-V",
                "5",
                "-q",
                qos,
                "-c",
                "2",
                "--subscribers",
                "2",
                "--count",
                "400",
                "--rate",
                "1000",
                "--json",
                "--quiet",
            ],
        ))
        .await;
        let r = report(&out);
        assert_all_delivered(&r, 400, 2, &format!("bundled broker, MQTT 5, QoS {qos}"));
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v5_refused_connect_fails_clearly_with_the_reason_code() {
    let broker = TestBroker::start_with(BrokerConfig {
        faults: Faults {
            refuse_connect: Some(0x87),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let port = broker.addr.port();
    for mode in ["pubsub", "pub", "sub"] {
        let out = run(bench(
            port,
            mode,
            &["-V", "5", "--count", "5", "--duration", "2s", "--quiet"],
        ))
        .await;
        assert_no_panic(&out);
        assert_ne!(out.status.code(), Some(0), "bench {mode} -V 5 succeeded");
        assert!(
            stderr(&out).contains("mqttkit: error:"),
            "{mode}: {}",
            stderr(&out)
        );
    }
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// bench sub: end-to-end latency from the header

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_times_every_bench_message_end_to_end() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let sub = tokio::spawn(run(bench(
        port,
        "sub",
        &[
            "-t",
            "e2e/#",
            "-q",
            "1",
            "--count",
            "300",
            "--duration",
            "30s",
            "--json",
            "--quiet",
        ],
    )));
    wait_for_subscribers(&broker.broker, "e2e/0", 1).await;
    let publ = run(bench(
        port,
        "pub",
        &[
            "-c", "2", "-q", "1", "-t", "e2e/%i", "--count", "300", "--rate", "1000", "--quiet",
        ],
    ))
    .await;
    assert!(publ.status.success(), "{}", stderr(&publ));
    let r = report(&sub.await.unwrap());
    assert_eq!(r["mode"], "sub");
    assert_eq!(count(&r, "received"), 300);
    assert_eq!(latency_count(&r, "end_to_end"), count(&r, "received"));
    assert_eq!(r["latency"]["end_to_end"]["unit"], "us");
    assert_zero(&r, &["duplicated", "out_of_order", "errors"]);
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_counts_foreign_messages_but_does_not_time_them() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let sub = tokio::spawn(run(bench(
        port,
        "sub",
        &[
            "-t",
            "mix/#",
            "-q",
            "1",
            "--count",
            "52",
            "--duration",
            "30s",
            "--json",
            "--quiet",
        ],
    )));
    wait_for_subscribers(&broker.broker, "mix/0", 1).await;
    let publ = run(bench(
        port,
        "pub",
        &[
            "-q", "1", "-t", "mix/%i", "--count", "50", "--rate", "1000", "--quiet",
        ],
    ))
    .await;
    assert!(publ.status.success(), "{}", stderr(&publ));
    // Two messages without a bench header: a short one, and text longer than a header
    // (whose "send time" bytes are no plausible time).
    let mut other = broker.client("foreign").await;
    other
        .publish("mix/plain", b"hello", QoS::AtLeastOnce, false)
        .await;
    other
        .publish(
            "mix/plain",
            b"this is not a bench message, just some text",
            QoS::AtLeastOnce,
            false,
        )
        .await;
    other.disconnect().await;
    let r = report(&sub.await.unwrap());
    assert_eq!(
        count(&r, "received"),
        52,
        "foreign messages count as received"
    );
    assert_eq!(latency_count(&r, "end_to_end"), 50, "but are not timed");
    assert_zero(&r, &["duplicated", "out_of_order"]);
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// Reconnection under injected faults

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pubsub_survives_a_broker_that_keeps_dropping_connections() {
    // Every connection is closed after the broker read 50 packets from it: publishers and
    // subscribers (CONNECT, SUBSCRIBE, PUBACKs…) both lose theirs, several times.
    let broker = TestBroker::start_with(BrokerConfig {
        faults: Faults {
            drop_after: Some(50),
            ..Faults::default()
        },
        ..BrokerConfig::default()
    })
    .await;
    let port = broker.addr.port();
    for qos in ["1", "2"] {
        let out = run(bench(
            port,
            "pubsub",
            &[
                "-q", qos, "--count", "300", "--rate", "1000", "--json", "--quiet",
            ],
        ))
        .await;
        let r = report(&out);
        assert!(count(&r, "reconnects") > 0, "QoS {qos}: {r}");
        assert!(count(&r, "errors") > 0, "QoS {qos}: {r}");
        // Open loop: every message is still sent, on a new connection when needed.
        assert_eq!(count(&r, "sent"), 300, "QoS {qos}");
        // The delivery checks add up, whatever was lost: every message expected was either
        // received (first copies) or counted lost.
        assert_eq!(
            count(&r, "received") - count(&r, "duplicated") + count(&r, "lost"),
            count(&r, "expected"),
            "QoS {qos}: {r}"
        );
        assert_eq!(count(&r, "expected"), 300, "QoS {qos}");
    }
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// --connect-rate and --ifaddr

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_rate_and_ifaddr_on_pub_and_conn() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "pub",
        &[
            "-c",
            "4",
            "-q",
            "1",
            "--connect-rate",
            "50",
            "--ifaddr",
            "127.0.0.1",
            "--count",
            "40",
            "--rate",
            "400",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 40);
    assert_eq!(count(&r, "acked"), 40);
    assert_zero(&r, &["errors", "reconnects"]);

    let out = run(bench(
        port,
        "conn",
        &[
            "-c",
            "10",
            "--connect-rate",
            "100",
            "--ifaddr",
            "127.0.0.1",
            "--duration",
            "200ms",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "connected"), 10);
    assert_eq!(latency_count(&r, "connect"), 10);
    assert_zero(&r, &["errors", "reconnects"]);
    broker.stop().await;
}

/// Accepts connections on 127.0.0.1, records each peer's address, and serves it with the
/// bundled broker.
async fn recording_broker() -> (u16, Arc<Mutex<Vec<IpAddr>>>, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let broker = Broker::new(BrokerConfig::default());
    let peers = Arc::new(Mutex::new(Vec::new()));
    let seen = peers.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                return;
            };
            seen.lock().unwrap().push(peer.ip());
            let broker = broker.clone();
            tokio::spawn(async move { broker.serve(stream, peer.to_string()).await });
        }
    });
    (port, peers, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ifaddr_addresses_are_used_in_turn() {
    // All of 127.0.0.0/8 is on the loopback interface (Linux).
    let (port, peers, task) = recording_broker().await;
    let out = run(bench(
        port,
        "conn",
        &[
            "-c",
            "4",
            "--connect-rate",
            "200",
            "--ifaddr",
            "127.0.0.2,127.0.0.3",
            "--duration",
            "100ms",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    assert_eq!(count(&report(&out), "connected"), 4);
    let mut by_source: BTreeMap<IpAddr, usize> = BTreeMap::new();
    for ip in peers.lock().unwrap().iter() {
        *by_source.entry(*ip).or_default() += 1;
    }
    let want: BTreeMap<IpAddr, usize> = [
        ("127.0.0.2".parse().unwrap(), 2),
        ("127.0.0.3".parse().unwrap(), 2),
    ]
    .into_iter()
    .collect();
    assert_eq!(by_source, want);
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ifaddr_not_on_this_machine_is_a_clear_error() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    // 192.0.2.1 (TEST-NET-1) is on no interface here: binding to it fails.
    for mode in ["pub", "pubsub", "sub"] {
        let out = run(bench(
            port,
            mode,
            &[
                "--ifaddr",
                "192.0.2.1",
                "--count",
                "5",
                "--duration",
                "2s",
                "--quiet",
            ],
        ))
        .await;
        assert_no_panic(&out);
        assert!(!out.status.success(), "bench {mode} succeeded");
        assert_eq!(out.status.code(), Some(1), "{mode}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("mqttkit: error:") && err.contains("--ifaddr 192.0.2.1"),
            "{mode}: {err}"
        );
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conn_fails_when_no_connection_can_be_opened() {
    let broker = TestBroker::start_with(BrokerConfig {
        faults: Faults {
            refuse_connect: Some(0x87),
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let port = broker.addr.port();
    let cases: &[&[&str]] = &[
        // A source address not on this machine: every bind fails.
        &["--ifaddr", "192.0.2.1"],
        // Every CONNECT refused (not authorized), at either version.
        &["-V", "5"],
        &["-V", "311"],
    ];
    for extra in cases {
        let mut args = vec!["-c", "3", "--duration", "100ms", "--quiet"];
        args.extend_from_slice(extra);
        let out = run(bench(port, "conn", &args)).await;
        assert_no_panic(&out);
        assert_ne!(
            out.status.code(),
            Some(0),
            "{extra:?}: 0 of 3 connected, yet exit 0:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        );
        assert!(stderr(&out).contains("mqttkit: error:"), "{extra:?}");
    }
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// Keep-alive

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conn_holds_connections_across_keep_alive() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let held = tokio::spawn(run(bench(
        port,
        "conn",
        &[
            "-c",
            "5",
            "--connect-rate",
            "100",
            "-k",
            "1",
            "--duration",
            "3s",
            "--json",
            "--quiet",
        ],
    )));
    // The control: a client that stays silent with keep-alive 1 s is disconnected after
    // 1.5 s [MQTT-3.1.2-24], well within the bench's 3 s hold.
    let mut silent = RawClient::open(broker.addr).await;
    let ack = silent.connect(connect_packet("silent", true, 1)).await;
    assert_eq!(ack.code, rumqttc::ConnectReturnCode::Success);
    silent.expect_closed().await;
    // The bench's connections send PINGREQ when idle [MQTT-3.1.2-23], so none was lost.
    let r = report(&held.await.unwrap());
    assert_eq!(count(&r, "connected"), 5);
    assert_zero(&r, &["errors", "reconnects"]);
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_publishers_and_subscribers_keep_their_connections_alive() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    // Two messages 1.8 s apart with keep-alive 1 s: the publisher between them, and the
    // QoS 0 subscriber all along (it never writes an acknowledgement), must ping
    // [MQTT-3.1.2-23] or be disconnected at 1.5 s [MQTT-3.1.2-24].
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-q",
            "0",
            "-k",
            "1",
            "--interval",
            "1800ms",
            "--count",
            "2",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 2);
    assert_eq!(count(&r, "received"), 2, "{r}");
    assert_zero(&r, &["errors", "reconnects"]);
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_wait_for_a_message_sent_long_after_the_one_before() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    // Message 1 goes out 1.5 s after message 0, and publishing ends as soon as it is
    // written (QoS 0). Each subscriber must still wait for it: it is in flight, not lost.
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-q",
            "0",
            "--subscribers",
            "10",
            "--interval",
            "1500ms",
            "--count",
            "2",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 2);
    assert_eq!(count(&r, "received"), 20, "{r}");
    assert_zero(&r, &["lost", "errors", "reconnects"]);
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// Latency floor

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_message_is_timed_at_zero() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    // A round trip through a broker takes well over 1 µs; 1 is what a 0 (or negative)
    // latency is recorded as. Slowness can only raise these figures, never lower them.
    let out = run(bench(
        port,
        "pubsub",
        &["-q", "1", "--count", "1", "--json", "--quiet"],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "acked"), 1);
    for name in ["ack", "end_to_end"] {
        let min = r["latency"][name]["min"].as_u64().unwrap();
        assert!(min > 1, "latency.{name}.min = {min} µs: {r}");
    }
    broker.stop().await;
}
