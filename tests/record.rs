//! `mqttkit record` against the bundled broker: what a recording holds (MQTT 3.1.1 and 5,
//! binary payloads, every property, retained messages), the SQLite table, and how a run
//! ends (count, duration, timeout, Ctrl-C/SIGTERM, a full disk, a closed pipe).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::common::recording::{lines, records, signal, wait_lines};
use crate::common::v5::{self as raw5, RawV5};
use crate::common::*;
use bytes::Bytes;
use mqttkit::broker::BrokerConfig;
use rumqttc::mqttbytes::QoS;
use serde_json::{json, Value};

fn parse(path: &Path) -> Vec<Value> {
    lines(path)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Drops the fields that differ from run to run.
fn without_times(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    let offset = o.remove("offset_us").expect("every line has offset_us");
    assert!(offset.is_u64());
    let at = o.remove("received_at").unwrap();
    assert!(
        humantime::parse_rfc3339(at.as_str().unwrap()).is_ok(),
        "{at}"
    );
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_v311_keeps_binary_payloads_qos_and_retained() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rec.ndjson");
    let mut publisher = broker.client("publisher").await;
    publisher
        .publish("r/retained", b"\x00\xffkept", QoS::AtLeastOnce, true)
        .await;
    let rec = spawn_mqttkit(
        port,
        &[
            "record",
            "-t",
            "r/#",
            "-C",
            "4",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    wait_lines(&file, 1).await;
    publisher
        .publish("r/a", b"text", QoS::AtMostOnce, false)
        .await;
    publisher.publish("r/b", b"", QoS::ExactlyOnce, false).await;
    publisher
        .publish("r/c", b"\xc3\x28", QoS::AtLeastOnce, true)
        .await;
    let out = wait_output(rec).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "",
        "off a terminal, nothing but errors on stderr"
    );
    let got: Vec<Value> = parse(&file).into_iter().map(without_times).collect();
    assert_eq!(
        got,
        [
            json!({"topic":"r/retained","payload":"AP9rZXB0","encoding":"base64","qos":1,"retain":true,"mid":1}),
            json!({"topic":"r/a","payload":"text","qos":0,"retain":false}),
            json!({"topic":"r/b","payload":"","qos":2,"retain":false,"mid":2}),
            // MQTT 3.1.1 forwards a live message with retain 0 [MQTT-3.3.1-9].
            json!({"topic":"r/c","payload":"wyg=","encoding":"base64","qos":1,"retain":false,"mid":3}),
        ]
    );
    let offsets: Vec<u64> = parse(&file)
        .iter()
        .map(|v| v["offset_us"].as_u64().unwrap())
        .collect();
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "{offsets:?}");
    broker.stop().await;
}

fn all_properties() -> raw5::PublishProperties {
    raw5::PublishProperties {
        payload_format_indicator: Some(0),
        message_expiry_interval: Some(3600),
        topic_alias: None,
        response_topic: Some("reply/here".into()),
        correlation_data: Some(Bytes::from_static(b"\x01\xfe")),
        user_properties: vec![
            ("unit".into(), "C".into()),
            ("a".into(), "1".into()),
            ("unit".into(), "K".into()),
        ],
        subscription_identifiers: vec![],
        content_type: Some("application/x-sensor".into()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_v5_keeps_every_property_in_order_and_the_publishers_retain_flag() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rec.ndjson");
    let mut publisher = RawV5::connected(broker.addr, "publisher").await;
    publisher
        .send(raw5::Packet::Publish(raw5::publish(
            "r/ready",
            b"1",
            raw5::QoS::AtMostOnce,
            0,
            None,
        )))
        .await;
    let mut ready = raw5::publish("r/ready", b"1", raw5::QoS::AtMostOnce, 0, None);
    ready.retain = true;
    publisher.send(raw5::Packet::Publish(ready)).await;
    let rec = spawn_mqttkit(
        port,
        &[
            "record",
            "-V",
            "5",
            "-t",
            "r/#",
            "-C",
            "3",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    wait_lines(&file, 1).await;
    let mut with_props = raw5::publish(
        "r/props",
        b"\xffbinary",
        raw5::QoS::AtLeastOnce,
        1,
        Some(all_properties()),
    );
    with_props.retain = true;
    publisher.send(raw5::Packet::Publish(with_props)).await;
    publisher
        .send(raw5::Packet::Publish(raw5::publish(
            "r/plain",
            b"{}",
            raw5::QoS::ExactlyOnce,
            2,
            None,
        )))
        .await;
    let out = wait_output(rec).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Vec<Value> = parse(&file).into_iter().map(without_times).collect();
    assert_eq!(
        got,
        [
            json!({"topic":"r/ready","payload":"1","qos":0,"retain":true,"properties":{}}),
            // Subscribed with Retain As Published: the publisher's flag [MQTT-3.3.1-13].
            json!({"topic":"r/props","payload":"/2JpbmFyeQ==","encoding":"base64","qos":1,
                   "retain":true,"mid":1,"properties":{
                "payload_format_indicator":0,"message_expiry_interval":3600,
                "response_topic":"reply/here","correlation_data":"Af4=",
                "correlation_data_encoding":"base64",
                "user_properties":[["unit","C"],["a","1"],["unit","K"]],
                "content_type":"application/x-sensor"}}),
            json!({"topic":"r/plain","payload":"{}","qos":2,"retain":false,"mid":2,"properties":{}}),
        ]
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn db_rows_equal_the_ndjson_lines() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let dir = tempfile::tempdir().unwrap();
    let (file, db) = (dir.path().join("rec.ndjson"), dir.path().join("rec.sqlite"));
    let mut publisher = RawV5::connected(broker.addr, "publisher").await;
    let mut ready = raw5::publish("d/ready", b"1", raw5::QoS::AtMostOnce, 0, None);
    ready.retain = true;
    publisher.send(raw5::Packet::Publish(ready)).await;
    let rec = spawn_mqttkit(
        port,
        &[
            "record",
            "-V",
            "5",
            "-t",
            "d/#",
            "-C",
            "41",
            "-o",
            file.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    wait_lines(&file, 1).await;
    for i in 0..40u16 {
        let props = (i % 2 == 0).then(all_properties);
        let payload = [b'p', (i % 256) as u8, 0xff];
        let qos = [raw5::QoS::AtMostOnce, raw5::QoS::AtLeastOnce][usize::from(i % 2)];
        let topic = format!("d/{}", i % 3);
        publisher
            .send(raw5::Packet::Publish(raw5::publish(
                &topic,
                &payload,
                qos,
                i + 1,
                props,
            )))
            .await;
    }
    let out = wait_output(rec).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let from_file = records(&file);
    assert_eq!(from_file.len(), 41);
    assert_eq!(records(&db), from_file);
    // And as sqlite3 users see it: indexed by time and topic, payloads as blobs.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let indexes: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(indexes, ["messages_by_time", "messages_by_topic"]);
    let (n, payload): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT count(*), (SELECT payload FROM messages WHERE topic = 'd/1' ORDER BY id LIMIT 1)
             FROM messages WHERE topic = 'd/1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, payload), (13, vec![b'p', 1, 0xff]));
    broker.stop().await;
}

/// A recorder that has seen the retained `ready` message on `topic`, and the publisher.
async fn running_recorder(
    broker: &TestBroker,
    topic: &str,
    args: &[&str],
    file: &Path,
) -> (std::process::Child, RawClient) {
    let mut publisher = broker.client("publisher").await;
    publisher
        .publish(topic, b"ready", QoS::AtMostOnce, true)
        .await;
    let mut all = vec!["record", "-t", "s/#"];
    all.extend_from_slice(args);
    let rec = spawn_mqttkit(broker.addr.port(), &all);
    wait_lines(file, 1).await;
    (rec, publisher)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_and_sigterm_keep_every_message_and_exit_0() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let broker = TestBroker::start().await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rec.ndjson");
        let (rec, mut publisher) =
            running_recorder(&broker, "s/ready", &["-o", file.to_str().unwrap()], &file).await;
        for i in 0..20 {
            let topic = format!("s/{i}");
            publisher
                .publish(&topic, b"x", QoS::AtLeastOnce, false)
                .await;
        }
        wait_lines(&file, 21).await;
        signal(rec.id(), sig);
        let out = wait_output(rec).await;
        assert!(out.status.success(), "signal {sig}: {}", stderr(&out));
        assert_eq!(lines(&file).len(), 21);
        broker.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_mid_stream_leaves_a_valid_database_holding_a_prefix() {
    // A queue the flood cannot fill: the broker drops the oldest when it is full.
    let broker = TestBroker::start_with(BrokerConfig {
        max_queued: 1_000_000,
        ..BrokerConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (file, db) = (dir.path().join("rec.ndjson"), dir.path().join("rec.sqlite"));
    let (rec, mut publisher) = running_recorder(
        &broker,
        "s/ready",
        &["-o", file.to_str().unwrap(), "--db", db.to_str().unwrap()],
        &file,
    )
    .await;
    let flood = tokio::spawn(async move {
        for i in 0..20_000u32 {
            publisher
                .publish("s/flood", i.to_string().as_bytes(), QoS::AtLeastOnce, false)
                .await;
        }
        publisher
    });
    wait_lines(&file, 500).await;
    signal(rec.id(), libc::SIGINT);
    let out = wait_output(rec).await;
    assert!(out.status.success(), "{}", stderr(&out));
    flood.abort();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let payloads: Vec<Vec<u8>> = conn
        .prepare("SELECT payload FROM messages WHERE topic = 's/flood' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(payloads.len() >= 499, "{} rows", payloads.len());
    for (i, p) in payloads.iter().enumerate() {
        assert_eq!(
            p,
            i.to_string().as_bytes(),
            "row {i}: no gap, no reordering"
        );
    }
    // Everything received is in both: the commit on Ctrl-C keeps what the file has.
    assert_eq!(records(&db), records(&file));
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_duration_and_timeout_end_the_run() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = wait_output(spawn_mqttkit(
        port,
        &["record", "-t", "none/#", "--duration", "300ms"],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let out = wait_output(spawn_mqttkit(
        port,
        &["record", "-t", "none/#", "-C", "1", "-W", "300ms"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(27), "{}", stderr(&out));
    assert!(stderr(&out).contains("Timed out"));
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_file_or_a_full_disk_is_exit_1() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = wait_output(spawn_mqttkit(
        port,
        &["record", "-t", "#", "-o", "/nonexistent/dir/rec.ndjson"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("-o /nonexistent/dir/rec.ndjson: cannot create"),
        "{}",
        stderr(&out)
    );
    let out = wait_output(spawn_mqttkit(
        port,
        &["record", "-t", "#", "--db", "/nonexistent/dir/rec.sqlite"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--db /nonexistent/dir/rec.sqlite"),
        "{}",
        stderr(&out)
    );

    let mut publisher = broker.client("publisher").await;
    publisher
        .publish("full/x", b"x", QoS::AtMostOnce, true)
        .await;
    let out = wait_output(spawn_mqttkit(
        port,
        &["record", "-t", "full/#", "-o", "/dev/full"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("writing to /dev/full: No space left on device"),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_pipe_ends_the_run_with_exit_0() {
    let broker = TestBroker::start().await;
    let mut publisher = broker.client("publisher").await;
    let mut rec = mqttkit(broker.addr.port(), &["record", "-t", "p/#"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(rec.stdout.take());
    let waiter = tokio::task::spawn_blocking(move || rec.wait_with_output().unwrap());
    let deadline = tokio::time::Instant::now() + WAIT;
    while !waiter.is_finished() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "record kept running"
        );
        publisher.publish("p/x", b"x", QoS::AtMostOnce, false).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let out = waiter.await.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    broker.stop().await;
}

#[test]
fn bad_flags_are_usage_errors() {
    for (args, want) in [
        (&["record"][..], "a topic filter is required"),
        (&["record", "-t", "a/#/b"], "-t \"a/#/b\""),
        (&["record", "-t", "a", "-q", "3"], "-q"),
        (
            &["record", "-t", "a", "-c"],
            "-c/--disable-clean-session needs a client id",
        ),
    ] {
        let out = mqttkit(1, args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(want), "{args:?}: {}", stderr(&out));
    }
}
