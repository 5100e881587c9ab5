//! `mqttkit sim` against the bundled broker: topics, payloads, ranges, seeds, scenario files,
//! presence, and at-least-once delivery across a broker restart.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Output;
use std::time::Duration;

use crate::common;
use crate::common::*;
use mqttkit::broker::BrokerConfig;
use rumqttc::mqttbytes::v4::Publish;
use rumqttc::mqttbytes::QoS;
use tokio::net::TcpListener;

async fn run(port: u16, args: &[&str]) -> Output {
    let mut cmd = mqttkit(port, args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// Every PUBLISH until `within` passes without one, acknowledging QoS 1.
async fn collect(sub: &mut RawClient, within: Duration) -> Vec<Publish> {
    let mut got = Vec::new();
    while let Ok(Some(packet)) = sub.try_recv(within).await {
        if let rumqttc::mqttbytes::v4::Packet::Publish(p) = packet {
            if p.qos != QoS::AtMostOnce {
                sub.ack(&p).await;
            }
            got.push(p);
        }
    }
    got
}

fn json(p: &Publish) -> serde_json::Value {
    serde_json::from_slice(&p.payload).unwrap_or_else(|e| panic!("{e}: {:?}", p.payload))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_fleet_publishes_temperature_and_pressure_as_json() {
    let broker = TestBroker::start().await;
    let mut sub = broker.client("watcher").await;
    sub.subscribe("sensors/#", QoS::AtMostOnce).await;
    // Defaults: temperature every 3 s, pressure every 500 ms, the first of each at once.
    let out = run(
        broker.addr.port(),
        &["sim", "--duration", "1.2s", "--seed", "5"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let got = collect(&mut sub, QUIET).await;
    let mut per_topic: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for p in &got {
        per_topic.entry(p.topic.clone()).or_default().push(json(p));
    }
    let topics: Vec<&str> = per_topic.keys().map(String::as_str).collect();
    assert_eq!(
        topics,
        ["sensors/dev-1/pressure", "sensors/dev-1/temperature"]
    );
    let (pressure, temperature) = (
        &per_topic["sensors/dev-1/pressure"],
        &per_topic["sensors/dev-1/temperature"],
    );
    // Counts over the window, not timings: 1 temperature; 2 to 4 pressures in 1.2 s.
    assert_eq!(temperature.len(), 1, "{temperature:?}");
    assert!((2..=4).contains(&pressure.len()), "{pressure:?}");
    for (i, v) in pressure.iter().enumerate() {
        assert_eq!(v["device"], "dev-1");
        assert_eq!(v["sensor"], "pressure");
        assert_eq!(v["unit"], "hPa");
        assert_eq!(v["seq"], i as u64 + 1);
        let value = v["value"].as_f64().unwrap();
        assert!((990.0..=1020.0).contains(&value), "{value}");
        assert!(v["ts"].as_str().unwrap().ends_with('Z'));
    }
    let t = temperature[0]["value"].as_f64().unwrap();
    assert!((20.0..=30.0).contains(&t), "{t}");
    // The JSON keys come in the documented order.
    let raw = String::from_utf8(got[0].payload.to_vec()).unwrap();
    assert!(raw.starts_with("{\"device\":"), "{raw}");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_stay_in_range_and_a_seed_reproduces_them() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut values_of_run = Vec::new();
    for _ in 0..2 {
        let mut sub = broker.client("watcher").await;
        sub.subscribe("lab/#", QoS::AtLeastOnce).await;
        let args = [
            "sim",
            "--devices",
            "2",
            "--sensor",
            "flow:5ms:5..6",
            "--count",
            "40",
            "--seed",
            "42",
            "--payload",
            "plain",
            "--topic",
            "lab/{i}/{sensor}",
            "-q",
            "1",
            "--model",
            "uniform",
        ];
        let out = run(port, &args).await;
        assert!(out.status.success(), "{}", stderr(&out));
        let got = collect(&mut sub, QUIET).await;
        let mut per_topic: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for p in got {
            let v: f64 = std::str::from_utf8(&p.payload).unwrap().parse().unwrap();
            assert!((5.0..=6.0).contains(&v), "{v}");
            per_topic.entry(p.topic).or_default().push(v);
        }
        assert_eq!(
            per_topic.keys().collect::<Vec<_>>(),
            ["lab/1/flow", "lab/2/flow"]
        );
        assert!(per_topic.values().all(|v| v.len() == 40));
        assert_ne!(
            per_topic["lab/1/flow"], per_topic["lab/2/flow"],
            "each sensor its own values"
        );
        values_of_run.push(per_topic);
        sub.disconnect().await;
    }
    assert_eq!(values_of_run[0], values_of_run[1], "--seed 42 twice");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_flag_prints_each_reading_as_it_is_taken() {
    let broker = TestBroker::start().await;
    let out = run(
        broker.addr.port(),
        &["sim", "--sensor", "humidity:10ms", "--count", "3", "--json"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["seq"], 3);
    assert_eq!(lines[0]["unit"], "%");
    assert!(
        stderr(&out).contains("3 readings from 1 device(s)"),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_file_describes_the_fleet_and_errors_name_the_line() {
    let broker = TestBroker::start().await;
    let dir = tempfile::tempdir().unwrap();
    let good = write_file(
        dir.path(),
        "fleet.toml",
        r#"topic = "plant/{device}/{sensor}"
count = 2

[[devices]]
name = "boiler"
count = 2
sensors = ["temperature:10ms:60..90"]

[[devices]]
name = "pump"
sensors = [{ name = "vibration", unit = "mm/s", interval = "10ms", min = 0.0, max = 5.0 }]
"#,
    );
    let mut sub = broker.client("watcher").await;
    sub.subscribe("plant/#", QoS::AtLeastOnce).await;
    let out = run(
        broker.addr.port(),
        &["sim", "--scenario", good.to_str().unwrap(), "-q", "1"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let topics: BTreeSet<String> = collect(&mut sub, QUIET)
        .await
        .into_iter()
        .map(|p| p.topic)
        .collect();
    assert_eq!(
        topics.into_iter().collect::<Vec<_>>(),
        [
            "plant/boiler-1/temperature",
            "plant/boiler-2/temperature",
            "plant/pump/vibration"
        ]
    );

    let bad = write_file(
        dir.path(),
        "bad.toml",
        "[[devices]]\nname = \"x\"\nsensors = [\"temperature:soon\"]\n",
    );
    let out = run(
        broker.addr.port(),
        &["sim", "--scenario", bad.to_str().unwrap()],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bad.toml: line 3:"),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_options_are_usage_errors() {
    for (args, needle) in [
        (&["sim", "--sensor", "weather"][..], "unknown kind"),
        (&["sim", "--sensor", "temperature:0s"][..], "at least 1ms"),
        (&["sim", "--topic", "a/{nope}"][..], "unknown placeholder"),
        (&["sim", "--topic", "a/+/{sensor}"][..], "--topic gives"),
        (&["sim", "--payload", "xml"][..], "--payload"),
        (
            &["sim", "--status", "--will-topic", "w"][..],
            "--will-topic",
        ),
    ] {
        let out = run(1, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_sets_online_and_a_clean_stop_says_offline() {
    let broker = TestBroker::start().await;
    let out = run(
        broker.addr.port(),
        &[
            "sim",
            "--status",
            "--sensor",
            "battery:10ms",
            "--count",
            "2",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let mut late = broker.client("late").await;
    late.subscribe("devices/+/status", QoS::AtLeastOnce).await;
    let retained = late.recv_publish().await;
    assert_eq!(
        (
            retained.topic.as_str(),
            &retained.payload[..],
            retained.retain
        ),
        ("devices/dev-1/status", &b"offline"[..], true)
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_sim_leaves_its_will() {
    let broker = TestBroker::start().await;
    let mut watcher = broker.client("watcher").await;
    watcher
        .subscribe("devices/+/status", QoS::AtLeastOnce)
        .await;
    let mut sim = spawn_mqttkit(
        broker.addr.port(),
        &["sim", "--status", "--sensor", "battery:1s"],
    );
    let online = watcher.recv_publish().await;
    assert_eq!(&online.payload[..], b"online");
    watcher.ack(&online).await;
    sim.kill().unwrap(); // SIGKILL: no DISCONNECT, so the broker publishes the will [MQTT-3.1.2-8]
    let _ = wait_output(sim).await;
    let will = watcher.recv_publish().await;
    assert_eq!(&will.payload[..], b"offline");
    broker.stop().await;
}

/// At QoS 1, a subscriber sees every `seq` at least once although the broker restarts in the
/// middle of the run: the sim buffers while it is down and resends what was not acknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos1_readings_survive_a_broker_restart_without_gaps() {
    const COUNT: u64 = 60;
    let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = first.local_addr().unwrap().port();
    let broker = TestBroker::start_on(first, BrokerConfig::default());
    let mut sub = RawClient::open(broker.addr).await;
    sub.connect(connect_packet("collector", false, 60)).await;
    sub.subscribe("sensors/#", QoS::AtLeastOnce).await;
    let sim = spawn_mqttkit(
        port,
        &[
            "sim",
            "-q",
            "1",
            "--sensor",
            "temperature:25ms",
            "--count",
            &COUNT.to_string(),
            "--payload",
            "{seq}",
        ],
    );

    let mut seqs = BTreeSet::new();
    while seqs.len() < 15 {
        let p = sub.recv_publish().await;
        sub.ack(&p).await;
        seqs.insert(
            std::str::from_utf8(&p.payload)
                .unwrap()
                .parse::<u64>()
                .unwrap(),
        );
    }
    broker.stop().await;
    drop(sub);
    tokio::time::sleep(Duration::from_millis(400)).await; // readings pile up in the sim

    // The new broker serves the collector on a port of its own first, so that it is
    // subscribed before the sim can reconnect on the old port.
    let broker = TestBroker::start_with(BrokerConfig::default()).await;
    let mut sub = broker.client("collector").await;
    sub.subscribe("sensors/#", QoS::AtLeastOnce).await;
    let again = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let runner = broker.broker.clone();
    let second_listener = tokio::spawn(async move {
        runner
            .run_listener(again, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    for p in collect(&mut sub, Duration::from_secs(3)).await {
        seqs.insert(
            std::str::from_utf8(&p.payload)
                .unwrap()
                .parse::<u64>()
                .unwrap(),
        );
    }
    let out = wait_output(sim).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let missing: Vec<u64> = (1..=COUNT).filter(|s| !seqs.contains(s)).collect();
    assert!(
        missing.is_empty(),
        "missing seqs {missing:?}; sim said {}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(" 0 dropped"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains(" 0 reconnects"),
        "the sim must have lost its connection: {}",
        stderr(&out)
    );
    let _ = stop.send(());
    broker.stop().await;
    let _ = second_listener.await;
}

/// A connection that drops after the broker forwarded a reading but before its PUBACK: the sim
/// resends the unacknowledged reading on the next connection (a duplicate is what at-least-once
/// allows; a gap is not).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos1_unacknowledged_readings_are_resent_after_a_drop() {
    const COUNT: u64 = 30;
    let broker = TestBroker::start_with(BrokerConfig {
        faults: mqttkit::broker::Faults {
            // CONNECT and 6 PUBLISH per connection; the 6th is forwarded, never acknowledged.
            drop_after: Some(7),
            ..Default::default()
        },
        ..BrokerConfig::default()
    })
    .await;
    let mut sub = RawClient::open(broker.addr).await;
    sub.connect(connect_packet("collector", true, 0)).await;
    // QoS 0 deliveries: the collector sends nothing more, so the fault never closes it.
    sub.subscribe("sensors/#", QoS::AtMostOnce).await;
    let sim = spawn_mqttkit(
        broker.addr.port(),
        &[
            "sim",
            "-q",
            "1",
            "--sensor",
            "temperature:10ms",
            "--count",
            &COUNT.to_string(),
            "--payload",
            "{seq}",
        ],
    );
    let mut seen: BTreeMap<u64, u32> = BTreeMap::new();
    while let Ok(Some(packet)) = sub.try_recv(Duration::from_secs(3)).await {
        if let rumqttc::mqttbytes::v4::Packet::Publish(p) = packet {
            *seen
                .entry(std::str::from_utf8(&p.payload).unwrap().parse().unwrap())
                .or_default() += 1;
        }
        if seen.len() as u64 == COUNT && seen.values().any(|&n| n > 1) {
            break;
        }
    }
    let out = wait_output(sim).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let missing: Vec<u64> = (1..=COUNT).filter(|s| !seen.contains_key(s)).collect();
    assert!(missing.is_empty(), "missing {missing:?}");
    assert!(
        seen.values().any(|&n| n > 1),
        "no reading was resent: {seen:?}"
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_v5_with_status_publishes_readings_and_presence_to_a_v5_subscriber() {
    let broker = TestBroker::start().await;
    let mut sub = common::v5::RawV5::connected(broker.addr, "watcher5").await;
    sub.subscribe("#", common::v5::QoS::AtLeastOnce).await;
    let out = run(
        broker.addr.port(),
        &[
            "sim",
            "-V",
            "5",
            "--status",
            "-q",
            "1",
            "--duration",
            "1.2s",
            "--seed",
            "3",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let mut topics = BTreeSet::new();
    let mut statuses = Vec::new();
    while let Ok(Some(common::v5::Packet::Publish(p))) = sub.try_recv(QUIET).await {
        sub.ack(&p).await;
        let topic = String::from_utf8(p.topic.to_vec()).unwrap();
        if topic.ends_with("/status") {
            statuses.push(String::from_utf8(p.payload.to_vec()).unwrap());
        } else {
            let v: serde_json::Value = serde_json::from_slice(&p.payload).unwrap();
            assert_eq!(v["device"], "dev-1");
        }
        topics.insert(topic);
    }
    assert!(topics.contains("sensors/dev-1/pressure"), "{topics:?}");
    assert!(topics.contains("sensors/dev-1/temperature"), "{topics:?}");
    assert_eq!(
        statuses.first().map(String::as_str),
        Some("online"),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("offline"),
        "{statuses:?}"
    );
    broker.stop().await;
}
