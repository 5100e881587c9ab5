//! `mqttkit bench` against the bundled broker: short runs whose reports add up, the JSON
//! schema, merge, and the usage errors.

use std::process::{Command, Stdio};

use crate::common::report::*;
use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;

fn bench(port: u16, mode: &str, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(["bench", mode, "-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .stdin(Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos1_pubsub_delivers_everything_to_every_subscriber() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
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
            "--rate",
            "2000",
            "--count",
            "1000",
            "--json",
        ],
    ))
    .await;
    let r = report(&out);
    assert_all_delivered(&r, 1000, 2, "QoS 1 pubsub");
    let e2e = &r["latency"]["end_to_end"];
    assert!(e2e["p50"].as_u64().unwrap() <= e2e["p99"].as_u64().unwrap());
    // Progress lines go to stderr, never into the JSON.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("sent "));
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_has_the_documented_fields_and_merges() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-q",
            "2",
            "--rate",
            "500",
            "--duration",
            "1s",
            "--warmup",
            "200ms",
            "--size",
            "100",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(r["schema"], 1);
    assert_eq!(r["mode"], "pubsub");
    assert_eq!(r["runs"], 1);
    for f in [
        "publishers",
        "subscribers",
        "connections",
        "qos",
        "size",
        "offered_rate",
        "warmup_s",
    ] {
        assert!(r["load"][f].is_number(), "load.{f}");
    }
    assert_eq!(r["load"]["size"], 100);
    assert!(r["elapsed_s"].as_f64().unwrap() > 0.5);
    for f in [
        "sent",
        "acked",
        "received",
        "expected",
        "lost",
        "duplicated",
        "out_of_order",
        "unsent",
        "late",
        "max_lag_us",
        "errors",
        "reconnects",
        "connected",
    ] {
        assert!(r["counts"][f].is_u64(), "counts.{f}");
    }
    for f in ["sent", "acked", "received", "sent_mb", "received_mb"] {
        assert!(r["rates"][f].is_number(), "rates.{f}");
    }
    for name in ["end_to_end", "ack"] {
        let l = &r["latency"][name];
        assert_eq!(l["unit"], "us");
        for f in [
            "count", "min", "mean", "p50", "p90", "p99", "p99_9", "p99_99", "max",
        ] {
            assert!(l[f].is_number(), "latency.{name}.{f}");
        }
        assert!(l["hdr"].as_str().is_some_and(|s| !s.is_empty()));
    }
    // About 500 messages after the 200 ms warm-up, and the warm-up's left out.
    let sent = count(&r, "sent");
    assert!((400..=520).contains(&sent), "sent {sent}");
    assert_eq!(count(&r, "acked"), sent);
    assert_eq!(count(&r, "received"), sent);
    assert!(count(&r, "expected") > sent);
    assert_eq!(count(&r, "lost"), 0);

    // The same report twice merges into one with everything doubled.
    let dir = tempfile::tempdir().unwrap();
    let a = write_file(dir.path(), "a.json", &String::from_utf8_lossy(&out.stdout));
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(["bench", "merge", "--json"]).arg(&a).arg(&a);
    let m = report(&run(cmd).await);
    assert_eq!(m["runs"], 2);
    assert_eq!(count(&m, "sent"), 2 * sent);
    assert_eq!(m["load"]["publishers"], 2);
    assert_eq!(
        m["latency"]["end_to_end"]["count"],
        2 * r["latency"]["end_to_end"]["count"].as_u64().unwrap()
    );
    assert_eq!(
        m["latency"]["end_to_end"]["p99"],
        r["latency"]["end_to_end"]["p99"]
    );
    // And as text.
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(["bench", "merge"]).arg(&a).arg(&a);
    let text = run(cmd).await;
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("2 runs merged") && text.contains("p99.99"),
        "{text}"
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_mode_reports_acks_and_a_text_summary() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "pub",
        &["-c", "3", "-q", "1", "--rate", "3000", "--count", "900"],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sent       900"), "{text}");
    assert!(text.contains("acked      900"), "{text}");
    assert!(text.contains("ack ") && text.contains("p99.9"), "{text}");
    assert!(!text.contains("end_to_end"), "{text}");
    broker.stop().await;
}

#[test]
fn bad_options_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (&["bench", "pubsub", "--rate", "0"], "--rate 0"),
        (&["bench", "pubsub", "--rate=-5"], "--rate -5"),
        (&["bench", "pubsub", "--size", "23"], "--size 24 or more"),
        (&["bench", "frobnicate"], "unrecognized subcommand"),
        (&["bench", "pub", "--subscribers", "1"], "--subscribers"),
        (&["bench", "pubsub", "-c", "2", "-t", "fixed"], "%i"),
        (&["bench", "pubsub", "-t", "a/#/%i"], "-t/--topic"),
        (&["bench", "pubsub", "-q", "3"], "-q"),
        (
            &["bench", "conn", "--connect-rate", "0"],
            "--connect-rate 0",
        ),
        (&["bench", "sub", "-t", "a/#/b"], "-t/--topic"),
    ];
    for (args, needle) in cases {
        let out = Command::cargo_bin("mqttkit")
            .unwrap()
            .args(*args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn merging_a_file_that_is_not_a_report_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write_file(dir.path(), "bad.json", "{\"hello\": 1}");
    let out = Command::cargo_bin("mqttkit")
        .unwrap()
        .args(["bench", "merge"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a bench report"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conn_mode_times_every_connack_and_reports_memory() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "conn",
        &[
            "-c",
            "20",
            "--connect-rate",
            "200",
            "--duration",
            "200ms",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(r["mode"], "conn");
    assert_eq!(r["load"]["connections"], 20);
    assert_eq!(count(&r, "connected"), 20);
    assert_eq!(count(&r, "errors"), 0);
    assert_eq!(r["latency"]["connect"]["count"], 20);
    assert!(r["rss_kb"].as_u64().unwrap() > 0);
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_mode_counts_what_another_process_publishes() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut sub = bench(
        port,
        "sub",
        &[
            "-c",
            "2",
            "-q",
            "1",
            "--count",
            "600",
            "--duration",
            "10s",
            "--json",
            "--quiet",
        ],
    );
    let sub = tokio::task::spawn_blocking(move || sub.output().unwrap());
    // Both subscribers are subscribed well within this.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    let publ = run(bench(
        port,
        "pub",
        &["-q", "1", "--rate", "3000", "--count", "300", "--quiet"],
    ))
    .await;
    assert!(publ.status.success(), "{}", stderr(&publ));
    let r = report(&sub.await.unwrap());
    assert_eq!(r["mode"], "sub");
    assert_eq!(count(&r, "received"), 600);
    assert_eq!(count(&r, "duplicated"), 0);
    assert_eq!(count(&r, "out_of_order"), 0);
    assert_eq!(r["load"]["size"], 64);
    broker.stop().await;
}
