//! `mqttkit pub` and `mqttkit sub` with MQTT 5 (`-V 5`): every test runs against the bundled
//! broker, then against a private mosquitto where it is installed.

use std::process::Output;

use crate::common::*;

/// Which broker a check runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Peer {
    Bundled,
    Mosquitto,
}

/// Runs `check` against the bundled broker started with `bundled_args`, then against a
/// private mosquitto with `mosquitto_conf` (skipped, saying why, when it is not installed).
fn on_both(bundled_args: &[&str], mosquitto_conf: &str, check: impl Fn(u16, Peer)) {
    let bundled = BrokerProcess::start(bundled_args);
    check(bundled.port, Peer::Bundled);
    drop(bundled);
    if skip_without("mosquitto") {
        return;
    }
    let mosquitto = Mosquitto::start(mosquitto_conf);
    check(mosquitto.port, Peer::Mosquitto);
}

fn run(port: u16, args: &[&str]) -> Output {
    mqttkit(port, args).output().unwrap()
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        stderr(out)
    );
}

#[test]
fn publish_properties_reach_the_subscriber() {
    on_both(&[], "allow_anonymous true", |port, _| {
        publish_properties_reach_the_subscriber_on(port)
    });
}

fn publish_properties_reach_the_subscriber_on(port: u16) {
    // Retained, so the subscriber started afterwards receives it without a race; a retained
    // message keeps its properties [MQTT-3.3.1-5] (apart from the expiry, which counts down).
    assert_ok(&run(
        port,
        &[
            "pub",
            "-V",
            "5",
            "-t",
            "props/1",
            "-m",
            "{\"v\":1}",
            "-q",
            "1",
            "-r",
            "--user-property",
            "unit=C",
            "-D",
            "publish",
            "user-property",
            "room",
            "3",
            "--content-type",
            "application/json",
            "--response-topic",
            "reply/1",
            "--correlation-data",
            "c-42",
            "--payload-format-indicator",
            "1",
        ],
    ));
    let out = run(
        port,
        &[
            "sub",
            "-V",
            "5",
            "-t",
            "props/#",
            "-C",
            "1",
            "-W",
            "10",
            "-F",
            "%t|%C|%P|%R|%D|%F|%p",
        ],
    );
    assert_ok(&out);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "props/1|application/json|unit:C room:3|reply/1|c-42|1|{\"v\":1}\n"
    );

    let out = run(
        port,
        &[
            "sub", "-V", "mqttv5", "-t", "props/1", "-C", "1", "-W", "10", "--json",
        ],
    );
    assert_ok(&out);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["topic"], "props/1");
    assert_eq!(line["retain"], true);
    let props = &line["properties"];
    assert_eq!(props["content_type"], "application/json");
    assert_eq!(props["response_topic"], "reply/1");
    assert_eq!(
        props["user_properties"],
        serde_json::json!([["unit", "C"], ["room", "3"]])
    );
}

#[test]
fn message_expiry_is_sent() {
    on_both(&[], "allow_anonymous true", |port, _| {
        message_expiry_is_sent_on(port)
    });
}

fn message_expiry_is_sent_on(port: u16) {
    assert_ok(&run(
        port,
        &[
            "pub",
            "-V",
            "5",
            "-t",
            "exp",
            "-m",
            "x",
            "-r",
            "--message-expiry",
            "1h",
        ],
    ));
    let out = run(
        port,
        &[
            "sub", "-V", "5", "-t", "exp", "-C", "1", "-W", "10", "-F", "%E",
        ],
    );
    assert_ok(&out);
    // The broker sends what is left of the hour [MQTT-3.3.2-6].
    let left: u32 = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!((3500..=3600).contains(&left), "{left}");
}

#[test]
fn refused_connect_exits_with_the_v5_reason_code() {
    let dir = tempfile::tempdir().unwrap();
    let passwords = dir.path().join("passwords");
    // The bundled broker's own `passwd` writes mosquitto_passwd's format.
    let mut made = std::process::Command::new(assert_cmd::cargo::cargo_bin("mqttkit"))
        .args(["broker", "passwd"])
        .arg(&passwords)
        .arg("alice")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    made.stdin.take().unwrap().write_all(b"secret\n").unwrap();
    assert!(made.wait().unwrap().success());
    let pw = passwords.display().to_string();
    on_both(
        &["--allow-anonymous", "false", "--password-file", &pw],
        &format!("allow_anonymous false\npassword_file {pw}"),
        refused_connect_exits_with_the_v5_reason_code_on,
    );
}

fn refused_connect_exits_with_the_v5_reason_code_on(port: u16, peer: Peer) {
    // The exit code is the CONNACK reason code, as mosquitto_pub's. For a wrong password the
    // specification's code is "bad user name or password" (0x86 in MQTT 5 §3.2.2.2, 4 in
    // 3.1.1), which the bundled broker sends; mosquitto 2.0 answers "not authorized" (0x87,
    // 5) instead.
    let wrong_password = match peer {
        Peer::Bundled => "bad user name or password",
        Peer::Mosquitto => "not authorized",
    };
    for version in ["5", "311"] {
        let args = [
            "-V", version, "-u", "alice", "-P", "wrong", "-t", "t", "-m", "x",
        ];
        let ours = run(port, &[&["pub"][..], &args[..]].concat());
        assert!(!ours.status.success(), "{}", stderr(&ours));
        if which("mosquitto_pub").is_some() {
            let theirs = std::process::Command::new("mosquitto_pub")
                .args(["-h", "127.0.0.1", "-p", &port.to_string()])
                .args(args)
                .output()
                .unwrap();
            assert_eq!(
                ours.status.code(),
                theirs.status.code(),
                "{peer:?} -V {version}: {}",
                stderr(&ours)
            );
        }
        assert!(
            stderr(&ours).contains(wrong_password),
            "{peer:?}: {}",
            stderr(&ours)
        );
    }
    assert_eq!(
        run(port, &["pub", "-V", "5", "-t", "t", "-m", "x"])
            .status
            .code(),
        Some(0x87),
        "{peer:?}: anonymous"
    );
    assert_ok(&run(
        port,
        &[
            "pub", "-V", "5", "-u", "alice", "-P", "secret", "-t", "t", "-m", "x",
        ],
    ));
}

#[test]
fn a_puback_or_pubrec_failure_exits_26() {
    if skip_without("mosquitto") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let acl = write_file(dir.path(), "acl", "topic read ro/#\ntopic readwrite rw/#\n");
    let broker = Mosquitto::start(&format!("allow_anonymous true\nacl_file {}", acl.display()));
    for qos in ["1", "2"] {
        // mosquitto answers a denied publish with reason 0x87 (not authorized) in PUBACK
        // (QoS 1) or PUBREC (QoS 2) [MQTT-3.4.2.1, MQTT-3.5.2.1]; mosquitto_pub exits 0 there.
        let out = run(
            broker.port,
            &["pub", "-V", "5", "-t", "ro/x", "-m", "x", "-q", qos],
        );
        assert_eq!(out.status.code(), Some(26), "QoS {qos}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not authorized (reason code 0x87)"),
            "{}",
            stderr(&out)
        );
        assert_ok(&run(
            broker.port,
            &["pub", "-V", "5", "-t", "rw/x", "-m", "x", "-q", qos],
        ));
    }
}

#[test]
fn a_persistent_session_with_c_keeps_messages_while_offline() {
    on_both(&[], "allow_anonymous true", |port, _| {
        a_persistent_session_with_c_keeps_messages_while_offline_on(port)
    });
}

fn a_persistent_session_with_c_keeps_messages_while_offline_on(port: u16) {
    let sub = [
        "sub", "-V", "5", "-c", "-i", "keeper", "-t", "kept/#", "-q", "1",
    ];
    // -E: subscribe and leave; with MQTT 5, -c alone asks for a session that never expires.
    assert_ok(&run(port, &[&sub[..], &["-E"]].concat()));
    assert_ok(&run(
        port,
        &[
            "pub",
            "-V",
            "5",
            "-t",
            "kept/1",
            "-m",
            "while away",
            "-q",
            "1",
        ],
    ));
    let out = run(port, &[&sub[..], &["-C", "1", "-W", "10"]].concat());
    assert_ok(&out);
    assert_eq!(out.stdout, b"while away\n");

    // -x 0: the session ends with the connection, so nothing is kept.
    let brief = [
        "sub", "-V", "5", "-c", "-x", "0", "-i", "brief", "-t", "gone/#", "-q", "1",
    ];
    assert_ok(&run(port, &[&brief[..], &["-E"]].concat()));
    assert_ok(&run(
        port,
        &["pub", "-V", "5", "-t", "gone/1", "-m", "lost", "-q", "1"],
    ));
    let out = run(port, &[&brief[..], &["-C", "1", "-W", "2"]].concat());
    assert_eq!(out.status.code(), Some(27), "{}", stderr(&out));
}

#[test]
fn a_payload_that_is_not_the_utf8_it_claims_exits_26_on_the_bundled_broker() {
    // The bundled broker checks a payload announced as UTF-8 and refuses it with 0x99 in
    // PUBACK or PUBREC (§3.3.2.3.2); mosquitto 2.0 does not check.
    let broker = BrokerProcess::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.bin");
    std::fs::write(&bad, [0xc3, 0x28]).unwrap();
    let bad = bad.display().to_string();
    for qos in ["1", "2"] {
        let out = run(
            broker.port,
            &[
                "pub",
                "-V",
                "5",
                "-t",
                "t",
                "-f",
                &bad,
                "-q",
                qos,
                "--payload-format-indicator",
                "1",
            ],
        );
        assert_eq!(out.status.code(), Some(26), "QoS {qos}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("payload format invalid (reason code 0x99)"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn v5_only_options_need_v5() {
    for (args, needle) in [
        (
            &["pub", "-t", "t", "-m", "x", "--user-property", "a=b"][..],
            "need MQTT 5",
        ),
        (
            &["pub", "-t", "t", "-m", "x", "-x", "60"][..],
            "-x/--session-expiry",
        ),
        (
            &[
                "pub",
                "-V",
                "5",
                "-t",
                "t",
                "-m",
                "x",
                "--user-property",
                "ab",
            ][..],
            "KEY=VALUE",
        ),
        (
            &[
                "pub", "-V", "5", "-t", "t", "-m", "x", "-D", "connect", "a", "b",
            ][..],
            "only PUBLISH",
        ),
        (
            &[
                "pub",
                "-V",
                "5",
                "-t",
                "t",
                "-m",
                "x",
                "-D",
                "publish",
                "topic-alias",
                "3",
            ][..],
            "topic-alias",
        ),
        (
            &[
                "pub",
                "-V",
                "5",
                "-t",
                "t",
                "-m",
                "x",
                "--response-topic",
                "a/+",
            ][..],
            "--response-topic",
        ),
        (
            &[
                "pub",
                "-V",
                "5",
                "-t",
                "t",
                "-m",
                "x",
                "-D",
                "publish",
                "message-expiry-interval",
                "x",
            ][..],
            "expected seconds",
        ),
    ] {
        // Port 1: nothing may be connected to, since the flags are checked first.
        let out = run(1, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}
