//! Clear refusals of what cannot work, each with its exit code: before connecting where the
//! command line alone shows it (usage errors, 2), a message larger than the MQTT 5 broker's
//! Maximum Packet Size (2), and a `sim` that never reached its broker (1).

use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;

/// Runs `mqttkit ARGS…` (no connection flags added) and returns its exit code and stderr.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = std::process::Command::cargo_bin("mqttkit")
        .unwrap()
        .args(args)
        .env_remove("MQTTKIT_PASSWORD")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (out.status.code(), stderr(&out))
}

#[test]
fn pub_f_of_a_file_over_the_packet_limit_is_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big");
    // Sparse: nothing is written, and pub must not read it either.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(300 << 20)
        .unwrap();
    let port = free_port().to_string();
    let big = big.to_str().unwrap();
    let (code, err) = run(&["pub", "-p", &port, "-t", "a/b", "-q", "1", "-f", big]);
    assert_eq!(code, Some(2), "{err}");
    // 268,435,455 less the topic (2 + 3) and the packet id (2).
    assert!(
        err.contains("314572800 bytes") && err.contains("at most 268435448 bytes"),
        "{err}"
    );
}

#[test]
fn an_mqtt5_publish_over_the_brokers_maximum_packet_size_says_so_mqtt_3_2_2_15() {
    let broker = BrokerProcess::start(&["--max-packet-size", "1000"]);
    let port = broker.port.to_string();
    let payload = "x".repeat(5000);
    for qos in ["0", "1"] {
        let (code, err) = run(&[
            "pub", "-p", &port, "-V", "5", "-t", "a", "-q", qos, "-m", &payload,
        ]);
        assert_eq!(code, Some(2), "QoS {qos}: {err}");
        assert!(
            err.contains("larger than the broker's Maximum Packet Size of 1000 bytes"),
            "QoS {qos}: {err}"
        );
        assert!(!err.contains("serialization"), "QoS {qos}: {err}");
    }
}

#[test]
fn an_empty_pw_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "pw", "\nsecond line\n");
    let port = free_port().to_string();
    let file = file.to_str().unwrap();
    let (code, err) = run(&[
        "pub",
        "-p",
        &port,
        "-u",
        "u",
        "--pw-file",
        file,
        "-t",
        "a",
        "-m",
        "x",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--pw-file") && err.contains("empty"), "{err}");
}

#[test]
fn sim_that_never_reaches_its_broker_exits_1_saying_nothing_was_sent() {
    let port = free_port().to_string();
    let (code, err) = run(&["sim", "-p", &port, "--duration", "1s"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("0 readings") && err.contains("nothing was sent"),
        "{err}"
    );
}

#[test]
fn negative_values_are_refused_naming_the_flag_and_the_range() {
    for (args, wanted) in [
        (
            &["sub", "-W", "-1", "-t", "a"][..],
            &["--timeout", "cannot be negative"][..],
        ),
        (
            &["bench", "pubsub", "--rate", "-5"],
            &["--rate -5", "above 0"],
        ),
        (
            &["broker", "--sys-interval", "-1s"],
            &["--sys-interval", "cannot be negative"],
        ),
        (
            &["pub", "-q", "-1", "-t", "a", "-m", "x"],
            &["--qos", "0..=2"],
        ),
        (
            &["sub", "-k", "-5", "-t", "a"],
            &["--keepalive", "0..=65535"],
        ),
    ] {
        let (code, err) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(!err.contains("unexpected argument"), "{args:?}: {err}");
        for w in wanted {
            assert!(err.contains(w), "{args:?}: {w:?} not in {err}");
        }
    }
}

#[test]
fn sub_w_0_is_refused_as_mosquitto_sub_does() {
    let port = free_port().to_string();
    let (code, err) = run(&["sub", "-p", &port, "-W", "0", "-t", "a"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("-W/--timeout 0"), "{err}");
}
