//! The binary as a user meets it: start-up line, exit codes, generated files.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

fn mqttkit() -> Command {
    Command::cargo_bin("mqttkit").unwrap()
}

fn assert_same_files(generated: &Path, committed: &Path) {
    let mut names: Vec<_> = std::fs::read_dir(generated)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let fresh = std::fs::read(generated.join(&name)).unwrap();
        let kept = std::fs::read(committed.join(&name)).unwrap_or_default();
        assert!(
            fresh == kept,
            "{} is stale: run `cargo run -- generate completions completions && cargo run -- generate man docs`",
            committed.join(&name).display()
        );
    }
}

#[test]
fn committed_completions_and_man_page_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let status = mqttkit()
        .args(["generate", "completions"])
        .arg(dir.path().join("completions"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_same_files(&dir.path().join("completions"), &root.join("completions"));
    let status = mqttkit()
        .args(["generate", "man"])
        .arg(dir.path().join("man"))
        .status()
        .unwrap();
    assert!(status.success());
    assert_same_files(&dir.path().join("man"), &root.join("docs"));
}

#[test]
fn broker_prints_its_address_and_stops_on_sigterm() {
    let mut child = mqttkit()
        .args(["broker", "-p", "0", "--sys-interval", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on 127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let port: u16 = addr.parse().unwrap();
    assert_ne!(port, 0);
    // It serves: mosquitto's client is not needed for this, a CONNECT by hand will do.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    use std::io::{Read, Write};
    s.write_all(&[
        0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b'x',
    ])
    .unwrap();
    let mut connack = [0u8; 4];
    s.read_exact(&mut connack).unwrap();
    assert_eq!(connack, [0x20, 2, 0, 0]);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "graceful shutdown exits 0: {:?}",
        out.status
    );
}

#[test]
fn port_in_use_is_a_runtime_error_with_a_clear_message() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = mqttkit().args(["broker", "-p", &port]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("mqttkit: error: cannot listen on 127.0.0.1:"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["broker", "--max-inflight", "0"][..],
        &["broker", "--fault-refuse-connect", "9"],
        &["broker", "--no-such-flag"],
        &["nonsense"],
    ] {
        let out = mqttkit().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn help_and_version_exit_0() {
    for args in [&["--help"][..], &["--version"], &["broker", "--help"]] {
        let out = mqttkit().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn unreadable_password_file_is_reported_naming_the_flag() {
    let out = mqttkit()
        .args(["broker", "-p", "0", "--password-file", "/nonexistent/pw"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--password-file /nonexistent/pw"),
        "{stderr}"
    );
}
