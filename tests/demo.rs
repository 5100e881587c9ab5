//! `mqttkit demo`: broker, fleet and subscriber in one process.

mod common;

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
