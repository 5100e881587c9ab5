//! `mqttkit demo`: broker, fleet and subscriber in one process.

use crate::common;
use assert_cmd::cargo::CommandCargoExt;
use std::process::{Command, Stdio};

#[test]
fn demo_runs_a_fleet_on_a_free_port_when_its_port_is_taken() {
    // Hold a port so the demo must pick another one (the same happens when 1883 is taken).
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let out = Command::cargo_bin("mqttkit")
        .unwrap()
        .args([
            "demo",
            "-p",
            &port,
            "--devices",
            "2",
            "--duration",
            "1500ms",
            "--color",
            "never",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("port {port} is in use")),
        "{stderr}"
    );
    // The banner names the port actually used, and commands to try against it.
    let used = stdout
        .split("a broker on 127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("banner with the address");
    assert_ne!(used, port);
    assert!(
        stdout.contains(&format!(
            "mqttkit sub -h 127.0.0.1 -p {used} -t 'sensors/#' -v"
        )),
        "{stdout}"
    );
    // Presence and readings of both devices arrive at the subscriber, then both go offline.
    for device in ["dev-1", "dev-2"] {
        assert!(
            stdout.contains(&format!("{device:<8} is online")),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!("{device:<8} is offline")),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!("{device:<8} temperature")),
            "{stdout}"
        );
        assert!(
            stdout.contains(&format!("{device:<8} pressure")),
            "{stdout}"
        );
    }
    assert!(!stdout.contains('\x1b'), "--color never: {stdout:?}");
    drop(held);
}

#[test]
fn mqtt5_clients_work_against_the_demo_broker() {
    let port = common::free_port();
    let mut demo = Command::cargo_bin("mqttkit")
        .unwrap()
        .args(["demo", "-p", &port.to_string(), "--devices", "1"])
        .args(["--duration", "8s", "--color", "never"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    common::wait_for_port(port);
    let sub = common::mqttkit(port, &["sub", "-V", "5", "-t", "sensors/#", "-C", "2"])
        .args(["-W", "6", "-v"])
        .output()
        .unwrap();
    assert!(sub.status.success(), "{}", common::stderr(&sub));
    let lines = String::from_utf8(sub.stdout).unwrap();
    assert_eq!(lines.lines().count(), 2, "{lines}");
    assert!(lines.starts_with("sensors/dev-1/"), "{lines}");
    let publish = common::mqttkit(port, &["pub", "-V", "5", "-t", "t", "-m", "x", "-q", "1"])
        .output()
        .unwrap();
    assert!(publish.status.success(), "{}", common::stderr(&publish));
    let _ = demo.kill();
    let _ = demo.wait();
}
