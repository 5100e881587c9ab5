//! Commands that stream to stdout (`sim --json`, `status --watch`) and bench's progress lines
//! on stderr, when the output fails: a closed pipe (`… | head -1`) ends the run with exit 0
//! (after the devices' offline announcement), any other write error (/dev/full) exits 1 with
//! a message; bench's progress, not being its result, stops without ending the run.

use std::io::{BufRead, BufReader};
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use crate::common;
use crate::common::*;
use rumqttc::mqttbytes::QoS;

fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

/// Waits for `child` off the runtime; a run still going after `limit` is killed and fails
/// the test (before the fixes these commands ran until killed).
async fn finish_within(mut child: Child, limit: Duration, what: &str) -> Output {
    let what = what.to_string();
    tokio::task::spawn_blocking(move || {
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > limit {
                let _ = child.kill();
                panic!("{what}: still running {limit:?} after its output failed");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_into_a_closed_pipe_announces_offline_and_exits_0() {
    let broker = TestBroker::start().await;
    let mut watcher = broker.client("watcher").await;
    watcher
        .subscribe("devices/+/status", QoS::AtLeastOnce)
        .await;
    let mut child = mqttkit(
        broker.addr.port(),
        &["sim", "--json", "--status", "--sensor", "temperature:100ms"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // `| head -1`: one line read, then the pipe's reading end closes.
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    assert!(line.contains("temperature"), "{line}");
    let out = finish_within(child, Duration::from_secs(10), "sim | head -1").await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let online = watcher.recv_publish().await;
    assert_eq!(&online.payload[..], b"online");
    let offline = watcher.recv_publish().await;
    assert_eq!(&offline.payload[..], b"offline");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_into_dev_full_exits_1_with_a_message() {
    let broker = TestBroker::start().await;
    let child = mqttkit(
        broker.addr.port(),
        &["sim", "--json", "--sensor", "temperature:100ms"],
    )
    .stdout(dev_full())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let out = finish_within(child, Duration::from_secs(10), "sim > /dev/full").await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("writing to stdout"),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}

/// A broker holding a retained "online" for device d1, so `status --watch` prints at once.
async fn broker_with_a_device() -> TestBroker {
    let broker = TestBroker::start().await;
    let mut device = broker.client("d1").await;
    device
        .publish("devices/d1/status", b"online", QoS::AtLeastOnce, true)
        .await;
    device.disconnect().await;
    broker
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_watch_into_a_closed_pipe_exits_0() {
    let broker = broker_with_a_device().await;
    let mut child = mqttkit(
        broker.addr.port(),
        &["status", "--watch", "devices/+/status"],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    drop(child.stdout.take());
    let out = finish_within(child, Duration::from_secs(10), "status --watch | true").await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_watch_into_dev_full_exits_1_with_a_message() {
    let broker = broker_with_a_device().await;
    let child = mqttkit(
        broker.addr.port(),
        &["status", "--watch", "devices/+/status"],
    )
    .stdout(dev_full())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let out = finish_within(child, Duration::from_secs(10), "status --watch > /dev/full").await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("writing to stdout"),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}

/// A bench run of about 2 s, so that it prints progress lines.
fn bench(port: u16) -> std::process::Command {
    use assert_cmd::cargo::CommandCargoExt;
    let mut cmd = std::process::Command::cargo_bin("mqttkit").unwrap();
    cmd.args([
        "bench",
        "pubsub",
        "-h",
        "127.0.0.1",
        "-p",
        &port.to_string(),
    ])
    .args(["-q", "1", "--rate", "500", "--count", "1000", "--json"])
    .stdin(Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_progress_into_dev_full_or_a_closed_pipe_leaves_the_report_whole() {
    let broker = TestBroker::start().await;
    for closed_pipe in [false, true] {
        let mut cmd = bench(broker.addr.port());
        cmd.stdout(Stdio::piped());
        let mut child = if closed_pipe {
            let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
            drop(child.stderr.take());
            child
        } else {
            cmd.stderr(dev_full()).spawn().unwrap()
        };
        let stdout = child.stdout.take().unwrap();
        let out = finish_within(child, Duration::from_secs(15), "bench 2> /dev/full").await;
        assert_eq!(out.status.code(), Some(0), "closed pipe {closed_pipe}");
        let report: serde_json::Value =
            serde_json::from_reader(BufReader::new(stdout)).expect("the JSON report");
        assert_eq!(common::report::count(&report, "sent"), 1000);
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_report_into_dev_full_exits_1_with_a_message() {
    let broker = TestBroker::start().await;
    let child = bench(broker.addr.port())
        .stdout(dev_full())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = finish_within(child, Duration::from_secs(15), "bench > /dev/full").await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("writing to stdout"),
        "{}",
        stderr(&out)
    );
    broker.stop().await;
}
