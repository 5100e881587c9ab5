//! `mqttkit status` against the bundled broker: the retained "online", the heartbeat, the will
//! after kill -9, "offline" after SIGINT/SIGTERM, and `--watch --expect` for CI scripts.

use std::process::Child;
use std::time::Duration;

use crate::common;
use crate::common::*;
use rumqttc::mqttbytes::QoS;

fn signal(child: &Child, name: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name}");
}

/// The retained status a new subscriber receives.
async fn retained_status(broker: &TestBroker, topic: &str) -> Vec<u8> {
    let mut late = broker.client("late").await;
    late.subscribe(topic, QoS::AtLeastOnce).await;
    let p = late.recv_publish().await;
    assert!(p.retain, "{p:?}");
    late.disconnect().await;
    p.payload.to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_is_retained_and_repeated_as_a_heartbeat() {
    let broker = TestBroker::start().await;
    let mut watcher = broker.client("watcher").await;
    watcher
        .subscribe("devices/pump1/status", QoS::AtLeastOnce)
        .await;
    let status = spawn_mqttkit(
        broker.addr.port(),
        &[
            "status",
            "-t",
            "devices/pump1/status",
            "--interval",
            "100ms",
        ],
    );
    // The first "online" and at least two heartbeats, counted, not timed.
    for _ in 0..3 {
        let p = watcher.recv_publish().await;
        assert_eq!((&p.payload[..], p.qos), (&b"online"[..], QoS::AtLeastOnce));
        watcher.ack(&p).await;
    }
    assert_eq!(
        retained_status(&broker, "devices/pump1/status").await,
        b"online"
    );
    signal(&status, "TERM");
    let out = wait_output(status).await;
    assert!(out.status.success(), "{}", stderr(&out));
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_leaves_the_will_offline_retained() {
    let broker = TestBroker::start().await;
    let mut watcher = broker.client("watcher").await;
    watcher
        .subscribe("devices/x/status", QoS::AtLeastOnce)
        .await;
    let mut status = spawn_mqttkit(broker.addr.port(), &["status", "-t", "devices/x/status"]);
    let p = watcher.recv_publish().await;
    assert_eq!(&p.payload[..], b"online");
    watcher.ack(&p).await;
    status.kill().unwrap(); // SIGKILL: no DISCONNECT, so the broker publishes the will [MQTT-3.1.2-8]
    let _ = wait_output(status).await;
    let will = watcher.recv_publish().await;
    assert_eq!(&will.payload[..], b"offline");
    watcher.ack(&will).await;
    assert_eq!(
        retained_status(&broker, "devices/x/status").await,
        b"offline"
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_and_sigterm_publish_offline_before_disconnecting() {
    let broker = TestBroker::start().await;
    for sig in ["INT", "TERM"] {
        let topic = format!("devices/{sig}/status");
        let mut watcher = broker.client("watcher").await;
        watcher.subscribe(&topic, QoS::AtLeastOnce).await;
        let status = spawn_mqttkit(
            broker.addr.port(),
            &[
                "status",
                "-t",
                &topic,
                "--offline",
                "gone",
                "--online",
                "here",
            ],
        );
        let p = watcher.recv_publish().await;
        assert_eq!(&p.payload[..], b"here");
        watcher.ack(&p).await;
        signal(&status, sig);
        let out = wait_output(status).await;
        assert!(out.status.success(), "SIG{sig}: {}", stderr(&out));
        // "gone" comes from the process itself (it disconnected cleanly, so no will follows).
        let p = watcher.recv_publish().await;
        assert_eq!(&p.payload[..], b"gone", "SIG{sig}");
        watcher.ack(&p).await;
        watcher.expect_silence().await;
        assert_eq!(retained_status(&broker, &topic).await, b"gone");
        watcher.disconnect().await;
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_payloads_carry_time_and_uptime() {
    let broker = TestBroker::start().await;
    let mut watcher = broker.client("watcher").await;
    watcher.subscribe("d/j", QoS::AtLeastOnce).await;
    let status = spawn_mqttkit(
        broker.addr.port(),
        &["status", "-t", "d/j", "--json", "--interval", "200ms"],
    );
    for _ in 0..2 {
        let p = watcher.recv_publish().await;
        watcher.ack(&p).await;
        let v: serde_json::Value = serde_json::from_slice(&p.payload).unwrap();
        assert_eq!(v["status"], "online");
        assert!(v["ts"].as_str().unwrap().ends_with('Z'));
        assert!(v["uptime_s"].as_f64().unwrap() >= 0.0);
    }
    signal(&status, "INT");
    let _ = wait_output(status).await;
    let p = watcher.recv_publish().await;
    let v: serde_json::Value = serde_json::from_slice(&p.payload).unwrap();
    assert_eq!(v["status"], "offline");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_expect_online_succeeds_or_times_out_with_27() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let watch = [
        "status",
        "--watch",
        "devices/+/status",
        "--expect",
        "online",
        "--timeout",
        "1s",
    ];
    let out = wait_output(spawn_mqttkit(port, &watch)).await;
    assert_eq!(out.status.code(), Some(27), "{}", stderr(&out));
    assert!(stderr(&out).contains("Timed out"), "{}", stderr(&out));

    let status = spawn_mqttkit(port, &["status", "-t", "devices/pump7/status"]);
    let out = wait_output(spawn_mqttkit(
        port,
        &[
            "status",
            "--watch",
            "devices/+/status",
            "--expect",
            "online",
            "--timeout",
            "10s",
        ],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    // Not a terminal: one line per change, `<time> <device> <state>`.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.trim_end().ends_with(" pump7 online"), "{text}");
    signal(&status, "INT");
    let _ = wait_output(status).await;

    // --json: one object per change.
    let out = wait_output(spawn_mqttkit(
        port,
        &[
            "status",
            "--watch",
            "devices/+/status",
            "--json",
            "--expect",
            "offline",
            "--timeout",
            "10s",
        ],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(out.stdout.trim_ascii_end()).unwrap();
    assert_eq!(
        (v["device"].as_str(), v["state"].as_str()),
        (Some("pump7"), Some("offline"))
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_options_are_usage_errors() {
    // Port 1: nothing listens there; these fail before any socket opens.
    for (args, needle) in [
        (&["status", "--expect", "online"][..], "--watch"),
        (&["status", "-t", "a/+"][..], "-t"),
        (
            &["status", "-t", "a", "--will-topic", "w"][..],
            "--will-topic",
        ),
        (&["status"][..], "--watch FILTER"),
        (&["status", "--watch", "a/#/b"][..], "--watch"),
    ] {
        let out = wait_output(spawn_mqttkit(1, args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_started_before_its_broker_keeps_trying() {
    let port = free_port();
    let status = spawn_mqttkit(port, &["status", "-t", "devices/early/status"]);
    let sim = spawn_mqttkit(
        port,
        &[
            "sim",
            "--sensor",
            "battery:10ms",
            "--count",
            "2",
            "--topic",
            "early/{sensor}",
        ],
    );
    tokio::time::sleep(Duration::from_millis(400)).await; // both are retrying by now
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let broker = TestBroker::start_on(listener, mqttkit::broker::BrokerConfig::default());
    let out = wait_output(sim).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 readings from 1 device(s)"),
        "{}",
        stderr(&out)
    );
    let mut watcher = broker.client("watcher").await;
    watcher
        .subscribe("devices/early/status", QoS::AtLeastOnce)
        .await;
    let p = watcher.recv_publish().await;
    assert_eq!(&p.payload[..], b"online");
    signal(&status, "INT");
    let out = wait_output(status).await;
    assert!(out.status.success(), "{}", stderr(&out));
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_v5_kill_9_leaves_the_will_offline_retained() {
    let broker = TestBroker::start().await;
    let mut watcher = common::v5::RawV5::connected(broker.addr, "watcher5").await;
    watcher
        .subscribe("devices/y/status", common::v5::QoS::AtLeastOnce)
        .await;
    let mut status = spawn_mqttkit(
        broker.addr.port(),
        &["status", "-V", "5", "-t", "devices/y/status"],
    );
    let p = watcher.recv_publish().await;
    assert_eq!(&p.payload[..], b"online");
    watcher.ack(&p).await;
    // SIGKILL: no DISCONNECT, so the broker publishes the will [MQTT-3.1.2-8].
    status.kill().unwrap();
    let _ = wait_output(status).await;
    let will = watcher.recv_publish().await;
    assert_eq!(&will.payload[..], b"offline");
    watcher.ack(&will).await;
    assert_eq!(
        retained_status(&broker, "devices/y/status").await,
        b"offline"
    );
    broker.stop().await;
}
