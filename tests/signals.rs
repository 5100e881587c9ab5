//! Every client command answers SIGINT and SIGTERM at every stage: here while it waits for a
//! CONNACK that never comes (a listener that accepts and never answers), well before the
//! 10 s connect timeout would end the wait.

use std::net::TcpListener;
use std::process::Child;
use std::time::{Duration, Instant};

use crate::common::*;

/// A port that accepts connections and never answers; the sockets stay open while it lives.
struct Silent {
    port: u16,
    _accepting: std::thread::JoinHandle<()>,
}

impl Silent {
    fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepting = std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming() {
                held.push(stream);
            }
        });
        Silent {
            port,
            _accepting: accepting,
        }
    }
}

fn send_signal(child: &Child, name: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{name}");
}

/// Starts `mqttkit ARGS…` as a terminal's foreground job has it: SIGINT and SIGTERM at their
/// default disposition. A shell without job control starts background commands with SIGINT
/// ignored, and that is inherited: a test run started so (`cargo test &` in a script) would
/// otherwise see `pub`, which keeps the disposition it was given, ignore SIGINT.
fn spawn_in_foreground(port: u16, args: &[&str]) -> Child {
    use std::os::unix::process::CommandExt;
    let mut cmd = mqttkit(port, args);
    cmd.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: between fork and exec only async-signal-safe calls are made (signal(2)).
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGTERM, libc::SIG_DFL);
            Ok(())
        });
    }
    cmd.spawn().unwrap()
}

/// Starts `args` against a silent port, signals it after 1 s, and returns its exit code
/// (`None`: ended by the signal itself) once it has exited. The bound is generous: it only
/// has to come before the 10 s connect timeout.
fn exit_after_signal(args: &[&str], signal: &str) -> Option<i32> {
    let silent = Silent::start();
    let mut child = spawn_in_foreground(silent.port, args);
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        child.try_wait().unwrap().is_none(),
        "{args:?} ended before the signal"
    );
    send_signal(&child, signal);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if started.elapsed() > Duration::from_secs(8) {
            let _ = child.kill();
            panic!("{args:?} still waiting for CONNACK 7 s after SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sub_stops_on_sigint_and_sigterm_while_waiting_for_connack() {
    for signal in ["INT", "TERM"] {
        assert_eq!(
            exit_after_signal(&["sub", "-t", "a"], signal),
            Some(0),
            "SIG{signal}"
        );
    }
}

#[test]
fn status_watch_stops_on_sigint_while_waiting_for_connack() {
    assert_eq!(
        exit_after_signal(&["status", "--watch", "devices/+/status"], "INT"),
        Some(0)
    );
}

#[test]
fn status_announce_sim_and_pub_stop_on_sigint_while_waiting_for_connack() {
    assert_eq!(
        exit_after_signal(&["status", "-t", "devices/d1/status"], "INT"),
        Some(0)
    );
    assert_eq!(
        exit_after_signal(&["sim", "--sensor", "temperature:100ms"], "INT"),
        Some(0)
    );
    // pub keeps the default disposition, as mosquitto_pub: the signal ends it (no exit code).
    assert_eq!(
        exit_after_signal(&["pub", "-t", "a", "-m", "x"], "INT"),
        None
    );
}
