//! `mqttkit pub` and `mqttkit sub` as users run them, against the bundled broker.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;
use mqttkit::broker::{BrokerConfig, Faults};
use rumqttc::mqttbytes::QoS;

/// Runs a command to completion off the async runtime (the broker shares the test's runtime).
async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

async fn run_with_stdin(mut cmd: Command, input: &'static [u8]) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

async fn subscriber(broker: &TestBroker, filter: &str) -> RawClient {
    let mut sub = broker.client("observer").await;
    sub.subscribe(filter, QoS::ExactlyOnce).await;
    sub
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_delivers_at_each_qos_and_exits_0() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "p/#").await;
    let port = broker.addr.port();
    for qos in ["0", "1", "2"] {
        let out = output(mqttkit(
            port,
            &["pub", "-t", &format!("p/{qos}"), "-m", "hi", "-q", qos],
        ))
        .await;
        assert!(out.status.success(), "{}", stderr(&out));
        let p = sub.recv_publish().await;
        assert_eq!(
            (p.topic.as_str(), &p.payload[..]),
            (format!("p/{qos}").as_str(), &b"hi"[..])
        );
        assert_eq!(p.qos as u8, qos.parse::<u8>().unwrap());
        sub.ack(&p).await;
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_message_sources_file_stdin_null_repeat() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "s").await;
    let port = broker.addr.port();
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "payload.bin", "from a file\n");

    let out = output(mqttkit(
        port,
        &["pub", "-t", "s", "-f", file.to_str().unwrap()],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(&sub.recv_publish().await.payload[..], b"from a file\n");

    let out = run_with_stdin(mqttkit(port, &["pub", "-t", "s", "-s"]), b"all\nof stdin").await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(&sub.recv_publish().await.payload[..], b"all\nof stdin");

    let out = output(mqttkit(port, &["pub", "-t", "s", "-n"])).await;
    assert!(out.status.success());
    assert!(sub.recv_publish().await.payload.is_empty());

    let out = output(mqttkit(
        port,
        &[
            "pub",
            "-t",
            "s",
            "-m",
            "r",
            "--repeat",
            "3",
            "--repeat-delay",
            "10ms",
        ],
    ))
    .await;
    assert!(out.status.success());
    for _ in 0..3 {
        assert_eq!(&sub.recv_publish().await.payload[..], b"r");
    }
    sub.expect_silence().await;
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_stdin_lines_strip_only_the_newline() {
    let broker = TestBroker::start().await;
    let mut sub = subscriber(&broker, "l").await;
    let out = run_with_stdin(
        mqttkit(broker.addr.port(), &["pub", "-t", "l", "-l", "-q", "1"]),
        b"one\n\ntwo\r\nlast without newline",
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    for expected in [&b"one"[..], b"", b"two\r", b"last without newline"] {
        let p = sub.recv_publish().await;
        assert_eq!(&p.payload[..], expected);
        sub.ack(&p).await;
    }
    sub.expect_silence().await;
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_retain_sets_the_retained_message() {
    let broker = TestBroker::start().await;
    let out = output(mqttkit(
        broker.addr.port(),
        &["pub", "-t", "r", "-m", "kept", "-r", "-q", "1"],
    ))
    .await;
    assert!(out.status.success());
    let mut late = broker.client("late").await;
    late.subscribe("r", QoS::AtLeastOnce).await;
    let p = late.recv_publish().await;
    assert!(p.retain);
    assert_eq!(&p.payload[..], b"kept");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_usage_errors_exit_2_naming_the_flag() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    for (args, needle) in [
        (&["pub", "-t", "a/+", "-m", "x"][..], "-t \"a/+\""),
        (&["pub", "-t", "a", "-m", "x", "-q", "3"], "-q"),
        (
            &["pub", "-t", "a", "-m", "x", "-c"],
            "-c/--disable-clean-session",
        ),
        (&["pub", "-m", "x"], "-t TOPIC"),
        (&["pub", "-t", "a"], "nothing to publish"),
        (
            &["pub", "-t", "a", "-f", "/nonexistent/file"],
            "-f /nonexistent/file",
        ),
        (&["pub", "-t", "a", "-m", "x", "-V", "4"], "-V 4"),
    ] {
        let out = output(mqttkit(port, args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connect_exits_with_the_connack_code() {
    for code in [3u8, 5] {
        let broker = TestBroker::start_with(BrokerConfig {
            faults: Faults {
                refuse_connect: Some(code),
                ..Faults::default()
            },
            ..Default::default()
        })
        .await;
        let port = broker.addr.port();
        let out = output(mqttkit(port, &["pub", "-t", "a", "-m", "x"])).await;
        assert_eq!(out.status.code(), Some(i32::from(code)), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("CONNACK {code}")),
            "{}",
            stderr(&out)
        );
        let out = output(mqttkit(port, &["sub", "-t", "a"])).await;
        assert_eq!(out.status.code(), Some(i32::from(code)), "{}", stderr(&out));
        broker.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_broker_exits_1() {
    let port = free_port();
    let out = output(mqttkit(port, &["pub", "-t", "a", "-m", "x"])).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("cannot connect to 127.0.0.1:{port}")),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_fails_when_the_connection_drops_before_the_ack() {
    // The broker closes the connection right after the PUBLISH (packet 2), before PUBACK.
    let broker = TestBroker::start_with(BrokerConfig {
        faults: Faults {
            drop_after: Some(2),
            ..Faults::default()
        },
        ..Default::default()
    })
    .await;
    let out = output(mqttkit(
        broker.addr.port(),
        &["pub", "-t", "a", "-m", "x", "-q", "1"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("before every message was acknowledged"),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}

/// Starts `mqttkit sub` with piped stdout.
/// Waits until `count` sessions hold a subscription matching `topic` (the `mqttkit sub`
/// processes started before have subscribed).
async fn wait_subscribed(broker: &TestBroker, topic: &str, count: usize) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while broker.broker.subscriber_count(topic) < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no subscriber for {topic}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_prints_payloads_and_verbose_lines_and_stops_after_count() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let plain = spawn_mqttkit(port, &["sub", "-t", "o/#", "-C", "3"]);
    let verbose = spawn_mqttkit(port, &["sub", "-t", "o/#", "-C", "3", "-v"]);
    wait_subscribed(&broker, "o/x", 2).await;
    let mut publisher = broker.client("pub").await;
    for (t, m) in [("o/a", &b"1"[..]), ("o/b", b""), ("o/c", b"three words")] {
        publisher.publish(t, m, QoS::AtLeastOnce, false).await;
    }
    let out = wait_output(plain).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "1\nthree words\n");
    let out = wait_output(verbose).await;
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "o/a 1\no/b (null)\no/c three words\n"
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_timeout_exits_27_with_timed_out() {
    let broker = TestBroker::start().await;
    let out = output(mqttkit(
        broker.addr.port(),
        &["sub", "-t", "quiet", "-W", "300ms"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(27));
    assert!(stderr(&out).contains("Timed out"), "{}", stderr(&out));
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_exit_after_subscribe_leaves_a_persistent_session() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = output(mqttkit(
        port,
        &["sub", "-t", "e", "-q", "1", "-c", "-i", "keeper", "-E"],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("e", b"while away", QoS::AtLeastOnce, false)
        .await;
    let out = output(mqttkit(
        port,
        &[
            "sub", "-t", "e", "-q", "1", "-c", "-i", "keeper", "-C", "1", "-W", "5",
        ],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, b"while away\n");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_retained_handling_r_retained_only_remove_retained() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("k/1", b"old1", QoS::AtLeastOnce, true)
        .await;
    publisher
        .publish("k/2", b"old2", QoS::AtLeastOnce, true)
        .await;

    // -R skips the retained ones and prints the live one.
    let skip = spawn_mqttkit(port, &["sub", "-t", "k/#", "-R", "-C", "1"]);
    // --retained-only prints both retained messages and exits at the live one.
    let only = spawn_mqttkit(port, &["sub", "-t", "k/#", "--retained-only", "-v"]);
    wait_subscribed(&broker, "k/x", 2).await;
    publisher
        .publish("k/3", b"live", QoS::AtLeastOnce, false)
        .await;
    let out = wait_output(skip).await;
    assert_eq!(out.stdout, b"live\n", "{}", stderr(&out));
    let out = wait_output(only).await;
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    assert_eq!(lines, ["k/1 old1", "k/2 old2"]);

    // --remove-retained clears what it sees.
    let out = output(mqttkit(
        port,
        &[
            "sub",
            "-t",
            "k/#",
            "--remove-retained",
            "-C",
            "2",
            "-W",
            "5",
        ],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut late = broker.client("late").await;
    late.subscribe("k/#", QoS::AtMostOnce).await;
    late.expect_silence().await;
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_filter_out_hides_matching_topics() {
    let broker = TestBroker::start().await;
    let sub = spawn_mqttkit(
        broker.addr.port(),
        &["sub", "-t", "f/#", "-T", "f/noise/#", "-v", "-C", "1"],
    );
    wait_subscribed(&broker, "f/x", 1).await;
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("f/noise/x", b"hidden", QoS::AtLeastOnce, false)
        .await;
    publisher
        .publish("f/signal", b"shown", QoS::AtLeastOnce, false)
        .await;
    let out = wait_output(sub).await;
    assert_eq!(out.stdout, b"f/signal shown\n");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_survives_a_broker_restart_and_resubscribes() {
    let port = free_port();
    let start = |port: u16| {
        let child = Command::cargo_bin("mqttkit")
            .unwrap()
            .args(["broker", "-p", &port.to_string(), "--sys-interval", "0"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port);
        child
    };
    let mut broker = start(port);
    let mut sub = spawn_mqttkit(port, &["sub", "-t", "restart", "-C", "2", "-W", "20"]);
    let publish = |m: &'static str| mqttkit(port, &["pub", "-t", "restart", "-m", m, "-q", "1"]);
    // Retained, so that a subscriber still connecting on a loaded machine gets it too; the
    // restarted broker keeps nothing, so "after" is what follows.
    let before = mqttkit(
        port,
        &["pub", "-t", "restart", "-m", "before", "-q", "1", "-r"],
    );
    assert!(output(before).await.status.success());
    // The broker goes only once the subscriber has the message: on a loaded machine it may
    // still be connecting, and the restarted broker will not have it.
    let mut lines = std::io::BufReader::new(sub.stdout.take().unwrap());
    let first = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut lines, &mut line).unwrap();
        (line, lines)
    });
    let (first, mut lines) = tokio::time::timeout(WAIT * 2, first)
        .await
        .expect("the subscriber printed nothing")
        .unwrap();
    assert_eq!(first, "before\n");
    broker.kill().unwrap();
    broker.wait().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut broker = start(port);
    // Publish until the subscriber has reconnected (its backoff starts at 100 ms),
    // resubscribed and received one: -C 2 then makes it exit.
    let deadline = tokio::time::Instant::now() + WAIT * 2;
    while sub.try_wait().unwrap().is_none() && tokio::time::Instant::now() < deadline {
        assert!(output(publish("after")).await.status.success());
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let out = wait_output(sub).await;
    broker.kill().unwrap();
    let _ = broker.wait();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut lines, &mut rest).unwrap();
    assert_eq!(rest, "after\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_refused_subscription_exits_26() {
    // A SUBACK return code 0x80 [MQTT-3.9.3-2] is an error, not a silent wait.
    let broker = TestBroker::start_with(BrokerConfig {
        faults: Faults {
            refuse_subscribe: Some("forbidden/#".into()),
            ..Faults::default()
        },
        ..BrokerConfig::default()
    })
    .await;
    let out = output(mqttkit(
        broker.addr.port(),
        &["sub", "-t", "ok/x", "-t", "forbidden/x", "-W", "5"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(26), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refused the subscription to forbidden/x"),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5_mb_binary_payload_round_trips_byte_for_byte() {
    // rumqttc's default limit is 10 KiB; the connection layer raises it to the protocol's
    // maximum packet size (268,435,455 bytes, MQTT 3.1.1 §2.2.3).
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let dir = tempfile::tempdir().unwrap();
    let payload: Vec<u8> = (0..5 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let file = dir.path().join("big.bin");
    std::fs::write(&file, &payload).unwrap();
    let sub = spawn_mqttkit(port, &["sub", "-t", "big", "-q", "1", "-C", "1", "-N"]);
    wait_subscribed(&broker, "big", 1).await;
    let out = output(mqttkit(
        port,
        &["pub", "-t", "big", "-q", "1", "-f", file.to_str().unwrap()],
    ))
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = wait_output(sub).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout.len(), payload.len());
    assert!(out.stdout == payload, "payload differs");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_ctrl_c_sends_disconnect_and_exits_0() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut watcher = subscriber(&broker, "gone").await;
    let sub = spawn_mqttkit(
        port,
        &[
            "sub",
            "-t",
            "idle",
            "--will-topic",
            "gone",
            "--will-payload",
            "vanished",
        ],
    );
    wait_subscribed(&broker, "idle", 1).await;
    let status = std::process::Command::new("kill")
        .args(["-INT", &sub.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = wait_output(sub).await;
    assert!(out.status.success(), "{:?} {}", out.status, stderr(&out));
    // A DISCONNECT discards the will [MQTT-3.14.4-3]: had sub just closed the socket, the
    // broker would publish it.
    watcher.expect_silence().await;
    broker.stop().await;
}
