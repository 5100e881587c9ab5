//! mosquitto_pub and mosquitto_sub (Debian's mosquitto-clients) against the bundled broker:
//! an independent client implementation checks what ours does. Each test skips, saying why,
//! when the clients are not installed; CI installs them.

use std::process::{Command, Stdio};

use crate::common::*;
use rumqttc::mqttbytes::QoS;

fn mosquitto_pub(port: u16, args: &[&str]) -> std::process::Output {
    Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .output()
        .expect("run mosquitto_pub")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_pub_reaches_our_subscriber_at_every_qos() {
    if skip_without("mosquitto_pub") {
        return;
    }
    let broker = TestBroker::start().await;
    let mut sub = broker.client("sub").await;
    sub.subscribe("interop/#", QoS::ExactlyOnce).await;
    let port = broker.addr.port();
    for qos in ["0", "1", "2"] {
        let topic = format!("interop/{qos}");
        let out = tokio::task::spawn_blocking(move || {
            mosquitto_pub(port, &["-t", &topic, "-m", "hello", "-q", qos])
        })
        .await
        .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let p = sub.recv_publish().await;
        assert_eq!(p.topic, format!("interop/{qos}"));
        assert_eq!(&p.payload[..], b"hello");
        assert_eq!(p.qos as u8, qos.parse::<u8>().unwrap());
        sub.ack(&p).await;
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_sub_receives_retained_and_live_messages() {
    if skip_without("mosquitto_sub") {
        return;
    }
    let broker = TestBroker::start().await;
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("m/retained", b"old", QoS::AtLeastOnce, true)
        .await;
    let port = broker.addr.port().to_string();
    let child = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-t",
            "m/#",
            "-v",
            "-q",
            "2",
            "-C",
            "3",
            "-W",
            "10",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the subscription exists (the retained message tells nothing; poll the broker).
    wait_until_subscribed(&mut publisher).await;
    publisher
        .publish("m/live", b"new", QoS::ExactlyOnce, false)
        .await;
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "m/retained old");
    assert!(lines[1..].contains(&"m/live new"), "{text}");
    broker.stop().await;
}

/// Publishes probes on `m/probe` until mosquitto_sub has evidently subscribed: it exits after
/// `-C 3`, so the probes count toward that and the test checks only that `m/live` is among
/// the lines.
async fn wait_until_subscribed(publisher: &mut RawClient) {
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    publisher
        .publish("m/probe", b"probe", QoS::AtLeastOnce, false)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_sub_with_persistent_session_gets_messages_sent_while_away() {
    if skip_without("mosquitto_sub") {
        return;
    }
    let broker = TestBroker::start().await;
    let port = broker.addr.port().to_string();
    let sub_args = [
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-t",
        "away",
        "-q",
        "1",
        "-c",
        "-i",
        "away-sub",
    ];
    // Create the session and leave (-E: exit right after SUBACK).
    let status = Command::new("mosquitto_sub")
        .args(sub_args)
        .arg("-E")
        .status()
        .unwrap();
    assert!(status.success());
    let mut publisher = broker.client("pub").await;
    publisher
        .publish("away", b"queued", QoS::AtLeastOnce, false)
        .await;
    let out = tokio::task::spawn_blocking(move || {
        Command::new("mosquitto_sub")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-t",
                "away",
                "-q",
                "1",
                "-c",
                "-i",
                "away-sub",
            ])
            .args(["-C", "1", "-W", "10"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "queued\n");
    broker.stop().await;
}
