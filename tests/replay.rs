//! `mqttkit replay` against the bundled broker: the round trip record → replay → record
//! (MQTT 3.1.1 and 5, NDJSON and SQLite), the schedule at 1× and 2× with `--loop`, `sub
//! --json` input with `-t`, `--remap` and `--retain drop`, and bad input.

use std::path::Path;
use std::process::Child;

use crate::common;
use crate::common::recording::{lines, records, wait_lines};
use crate::common::v5::{self as raw5, RawV5};
use crate::common::*;
use bytes::Bytes;
use mqttkit::record::Record;
use rumqttc::mqttbytes::QoS;
use serde_json::Value;

/// Starts `record ARGS… -C COUNT -o FILE` on `broker` once `ready` (a retained message on
/// a topic `filter` matches) is there, and returns once the recorder has written it.
async fn recorder(broker: &TestBroker, filter: &str, v5: bool, count: usize, file: &Path) -> Child {
    let mut c = broker.client("ready").await;
    let ready = format!("{}~ready", filter.trim_end_matches('#'));
    c.publish(&ready, b"ready", QoS::AtMostOnce, true).await;
    let count = count.to_string();
    let mut args = vec![
        "record",
        "-t",
        filter,
        "-C",
        &count,
        "-o",
        file.to_str().unwrap(),
    ];
    if v5 {
        args.extend(["-V", "5"]);
    }
    let rec = spawn_mqttkit(broker.addr.port(), &args);
    wait_lines(file, 1).await;
    rec
}

/// Runs `replay` on `broker` and returns its output.
async fn replay(broker: &TestBroker, args: &[&str]) -> std::process::Output {
    let mut all = vec!["replay"];
    all.extend_from_slice(args);
    wait_output(spawn_mqttkit(broker.addr.port(), &all)).await
}

fn summary(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        stderr(out)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The records after the recorder's own `ready` line.
fn replayed(file: &Path) -> Vec<Record> {
    let mut all = records(file);
    assert!(all[0].topic.ends_with("~ready"));
    all.remove(0);
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_v5_through_sqlite_keeps_payloads_properties_qos_and_retain() {
    let dir = tempfile::tempdir().unwrap();
    let (first, db, second) = (
        dir.path().join("1.ndjson"),
        dir.path().join("1.sqlite"),
        dir.path().join("2.ndjson"),
    );
    let source = TestBroker::start().await;
    let mut publisher = RawV5::connected(source.addr, "publisher").await;
    let props = raw5::PublishProperties {
        payload_format_indicator: Some(1),
        message_expiry_interval: Some(3600),
        response_topic: Some("rt/reply".into()),
        correlation_data: Some(Bytes::from_static(b"\x00\xff")),
        user_properties: vec![("k".into(), "2".into()), ("k".into(), "1".into())],
        content_type: Some("text/plain".into()),
        ..Default::default()
    };
    let mut state = raw5::publish("rt/state", b"\x80\x81", raw5::QoS::AtLeastOnce, 1, None);
    state.retain = true;
    publisher.send(raw5::Packet::Publish(state)).await;
    let rec = {
        let args = [
            "record",
            "-V",
            "5",
            "-t",
            "rt/#",
            "-C",
            "5",
            "-o",
            first.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ];
        let rec = spawn_mqttkit(source.addr.port(), &args);
        wait_lines(&first, 1).await;
        rec
    };
    let mut live = vec![
        raw5::publish("rt/a", b"text", raw5::QoS::AtMostOnce, 0, Some(props)),
        raw5::publish("rt/b", b"\xfe\x00", raw5::QoS::ExactlyOnce, 2, None),
        raw5::publish("rt/c", b"\xff", raw5::QoS::AtLeastOnce, 3, None),
        raw5::publish("rt/d", b"", raw5::QoS::AtLeastOnce, 4, None),
    ];
    live[2].retain = true;
    for p in live {
        publisher.send(raw5::Packet::Publish(p)).await;
    }
    let out = wait_output(rec).await;
    assert!(out.status.success(), "{}", stderr(&out));
    source.stop().await;

    let target = TestBroker::start().await;
    let rec = recorder(&target, "rt/#", true, 6, &second).await;
    let out = replay(
        &target,
        &[db.to_str().unwrap(), "-V", "5", "--speed", "max", "--json"],
    )
    .await;
    let s = summary(&out);
    assert_eq!(
        (&s["sent"], &s["acknowledged"], &s["failed"], &s["timing"]),
        (&5.into(), &4.into(), &0.into(), &Value::Null)
    );
    let out = wait_output(rec).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let (before, after) = (records(&first), replayed(&second));
    assert_eq!(before.len(), 5);
    assert_eq!(after.len(), 5);
    for (b, a) in before.iter().zip(&after) {
        assert!(b.same_message(a), "recorded {b:?}\nreplayed {a:?}");
    }
    // The file and the database are the same recording.
    assert_eq!(records(&db), before);
    target.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_v311_through_ndjson_keeps_payloads_qos_and_the_retained_state() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("1.ndjson"), dir.path().join("2.ndjson"));
    let source = TestBroker::start().await;
    let mut publisher = source.client("publisher").await;
    publisher
        .publish("rt/state", b"\x80\x81", QoS::AtLeastOnce, true)
        .await;
    let rec = {
        let args = [
            "record",
            "-t",
            "rt/#",
            "-C",
            "4",
            "-o",
            first.to_str().unwrap(),
        ];
        let rec = spawn_mqttkit(source.addr.port(), &args);
        wait_lines(&first, 1).await;
        rec
    };
    publisher
        .publish("rt/a", b"text", QoS::AtMostOnce, false)
        .await;
    publisher
        .publish("rt/b", b"\xfe\x00", QoS::ExactlyOnce, false)
        .await;
    publisher
        .publish("rt/c", b"", QoS::AtLeastOnce, false)
        .await;
    let out = wait_output(rec).await;
    assert!(out.status.success(), "{}", stderr(&out));
    source.stop().await;

    let target = TestBroker::start().await;
    let rec = recorder(&target, "rt/#", false, 5, &second).await;
    let out = replay(
        &target,
        &[first.to_str().unwrap(), "--speed", "max", "--json"],
    )
    .await;
    assert_eq!(summary(&out)["sent"], 4);
    let out = wait_output(rec).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let (before, after) = (records(&first), replayed(&second));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        // MQTT 3.1.1 forwards every live message with retain 0 [MQTT-3.3.1-9] ...
        assert!(!a.retain);
        assert!(
            b.same_message(&Record {
                retain: b.retain,
                ..a.clone()
            }),
            "{b:?}\n{a:?}"
        );
    }
    // ... so the retained state is checked on the broker itself.
    let mut observer = target.client("observer").await;
    observer.subscribe("rt/state", QoS::AtLeastOnce).await;
    let p = observer.recv_publish().await;
    assert_eq!((p.retain, p.payload.as_ref()), (true, &b"\x80\x81"[..]));
    target.stop().await;
}

/// An NDJSON recording with messages at these offsets (ms) on topic `tm/N`.
fn timed_recording(dir: &Path, offsets_ms: &[u64]) -> std::path::PathBuf {
    let text: String = offsets_ms
        .iter()
        .enumerate()
        .map(|(i, ms)| {
            format!(
                "{{\"topic\":\"tm/{i}\",\"payload\":\"{i}\",\"qos\":0,\"retain\":false,\
                 \"received_at\":\"2026-01-01T00:00:00Z\",\"offset_us\":{}}}\n",
                ms * 1000
            )
        })
        .collect();
    write_file(dir, "timed.ndjson", &text)
}

/// Checks that the messages recorded in `file` (after `ready`) arrived at `expected_ms`
/// from the first, within what a noisy machine's scheduling keeps: the first one may itself
/// be late (which makes the others look early), any may be late.
fn assert_arrivals(file: &Path, expected_ms: &[u64]) {
    let got = replayed(file);
    assert_eq!(got.len(), expected_ms.len());
    let first = got[0].offset_us.unwrap() as i64;
    for (r, want) in got.iter().zip(expected_ms) {
        let at = (r.offset_us.unwrap() as i64 - first) as f64 / 1000.0;
        let want = *want as f64;
        assert!(
            at >= want - 50.0 && at <= want + 150.0,
            "{} arrived at {at:.1} ms, due at {want} ms",
            r.topic
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_1x_and_2x_with_loop_messages_leave_at_their_recorded_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let offsets = [0, 100, 150, 400, 410, 600];
    let file = timed_recording(dir.path(), &offsets);
    let broker = TestBroker::start().await;

    let seen = dir.path().join("1x.ndjson");
    let rec = recorder(&broker, "tm/#", false, offsets.len() + 1, &seen).await;
    let s = summary(&replay(&broker, &[file.to_str().unwrap(), "--json"]).await);
    assert_eq!(s["sent"], 6);
    for p in ["p50_us", "p99_us", "max_us"] {
        assert!(s["timing"][p].is_u64(), "{s}");
    }
    assert!(wait_output(rec).await.status.success());
    assert_arrivals(&seen, &offsets);

    // At 2x, twice: the second pass starts where the first ended.
    let seen = dir.path().join("2x.ndjson");
    let rec = recorder(&broker, "tm/#", false, 2 * offsets.len() + 1, &seen).await;
    let args = [
        file.to_str().unwrap(),
        "--speed",
        "2x",
        "--loop",
        "2",
        "--json",
    ];
    assert_eq!(summary(&replay(&broker, &args).await)["sent"], 12);
    assert!(wait_output(rec).await.status.success());
    let half: Vec<u64> = offsets.iter().map(|ms| ms / 2).collect();
    let twice: Vec<u64> = half
        .iter()
        .chain(half.iter().map(|ms| ms + 300).collect::<Vec<_>>().iter())
        .copied()
        .collect();
    assert_arrivals(&seen, &twice);
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_json_output_replays_with_topic_filter_remap_and_retain_drop() {
    let dir = tempfile::tempdir().unwrap();
    let source = TestBroker::start().await;
    let mut publisher = source.client("publisher").await;
    for (topic, payload) in [
        ("j/1", &b"one"[..]),
        ("j/2", b"\xff\x01"),
        ("k/3", b"three"),
    ] {
        publisher
            .publish(topic, payload, QoS::AtLeastOnce, true)
            .await;
    }
    let out = wait_output(spawn_mqttkit(
        source.addr.port(),
        &["sub", "--json", "-t", "#", "-C", "3"],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let sub_lines = dir.path().join("sub.ndjson");
    std::fs::write(&sub_lines, &out.stdout).unwrap();
    source.stop().await;

    let target = TestBroker::start().await;
    let seen = dir.path().join("seen.ndjson");
    let rec = recorder(&target, "m/#", true, 3, &seen).await;
    let args = [
        sub_lines.to_str().unwrap(),
        "-t",
        "j/#",
        "--remap",
        "j/=m/",
        "--retain",
        "drop",
        "--json",
    ];
    assert_eq!(summary(&replay(&target, &args).await)["sent"], 2);
    assert!(wait_output(rec).await.status.success());
    // sub prints the retained messages in the broker's order, and replay keeps it.
    let mut got: Vec<(String, Vec<u8>, bool)> = replayed(&seen)
        .into_iter()
        .map(|r| (r.topic, r.payload.to_vec(), r.retain))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("m/1".into(), b"one".to_vec(), false),
            ("m/2".into(), b"\xff\x01".to_vec(), false)
        ]
    );
    target.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_line_stops_with_its_number_after_sending_the_lines_before() {
    let dir = tempfile::tempdir().unwrap();
    let line = |t: &str| {
        format!("{{\"topic\":\"{t}\",\"payload\":\"x\",\"qos\":1,\"retain\":false,\"received_at\":\"2026-01-01T00:00:00Z\"}}\n")
    };
    let text = format!(
        "{}{}\n{{not json\n{}",
        line("b/1"),
        line("b/2"),
        line("b/4")
    );
    let file = write_file(dir.path(), "bad.ndjson", &text);
    let broker = TestBroker::start().await;
    let mut observer = broker.client("observer").await;
    observer.subscribe("b/#", QoS::AtLeastOnce).await;

    let out = replay(&broker, &[file.to_str().unwrap(), "--speed", "max"]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bad.ndjson, line 4: key must be a string"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--skip-bad"));
    for topic in ["b/1", "b/2"] {
        let p = observer.recv_publish().await;
        observer.ack(&p).await;
        assert_eq!(p.topic, topic);
    }
    observer.expect_silence().await;

    let out = replay(
        &broker,
        &[
            file.to_str().unwrap(),
            "--speed",
            "max",
            "--skip-bad",
            "--json",
        ],
    )
    .await;
    let s = summary(&out);
    assert_eq!(
        (&s["sent"], &s["acknowledged"], &s["skipped"]),
        (&3.into(), &3.into(), &1.into())
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remap_that_makes_an_invalid_topic_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        "r.ndjson",
        "{\"topic\":\"a/1\",\"payload\":\"x\",\"qos\":0,\"retain\":false,\"received_at\":\"2026-01-01T00:00:00Z\"}\n",
    );
    let broker = TestBroker::start().await;
    let out = replay(&broker, &[file.to_str().unwrap(), "--remap", "a/1="]).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "line 1: --remap a/1= turns topic \"a/1\" into \"\", which is not a valid topic name"
        ),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}

#[test]
fn bad_flags_and_files_are_usage_errors_and_an_unreachable_broker_is_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "empty.ndjson", "");
    let f = file.to_str().unwrap();
    for (args, want) in [
        (&["replay", f, "--speed", "0x"][..], "--speed \"0x\""),
        (&["replay", f, "--loop", "0"], "--loop \"0\""),
        (&["replay", "-", "--loop", "2"], "--loop needs a file"),
        (
            &["replay", "/nonexistent.ndjson"],
            "cannot open /nonexistent.ndjson",
        ),
        (&["replay", f, "--remap", "nothing"], "expected FROM=TO"),
        (&["replay", f, "--remap", "a=b/#"], "no wildcards"),
        (&["replay", f, "-t", "a/#/b"], "-t \"a/#/b\""),
    ] {
        let out = mqttkit(1, args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
    let out = mqttkit(free_port(), &["replay", f, "--connect-timeout", "2s"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot connect"), "{}", stderr(&out));
    assert!(lines(&file).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_stops_a_replay_with_its_summary_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let offsets: Vec<u64> = (0..100).map(|i| i * 100).collect();
    let file = timed_recording(dir.path(), &offsets);
    let broker = TestBroker::start().await;
    let mut observer = broker.client("observer").await;
    observer.subscribe("tm/#", QoS::AtMostOnce).await;
    let run = spawn_mqttkit(
        broker.addr.port(),
        &["replay", file.to_str().unwrap(), "--json"],
    );
    for _ in 0..3 {
        observer.recv_publish().await;
    }
    common::recording::signal(run.id(), libc::SIGINT);
    let s = summary(&wait_output(run).await);
    let sent = s["sent"].as_u64().unwrap();
    assert!((3..100).contains(&sent), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_speed_qos_0_delivers_more_messages_than_the_request_queue_holds() {
    // 500 QoS 0 messages fill the client's request queue (64) at the end of the file: the
    // DISCONNECT must queue behind them, not block on the full queue.
    let dir = tempfile::tempdir().unwrap();
    let offsets: Vec<u64> = vec![0; 500];
    let file = timed_recording(dir.path(), &offsets);
    let broker = TestBroker::start().await;
    let seen = dir.path().join("seen.ndjson");
    let rec = recorder(&broker, "tm/#", false, 501, &seen).await;
    let s = summary(
        &replay(
            &broker,
            &[file.to_str().unwrap(), "--speed", "max", "--json"],
        )
        .await,
    );
    assert_eq!(s["sent"], 500);
    assert!(wait_output(rec).await.status.success());
    assert_eq!(replayed(&seen).len(), 500);
    broker.stop().await;
}
