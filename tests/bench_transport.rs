//! `mqttkit bench` over every transport and with the connection settings of the shared layer:
//! TLS, mutual TLS, WebSocket and WebSocket over TLS against Debian's mosquitto (certificates
//! from `common::pki`, as in tests/tls_ws.rs), MQTT 5's Maximum Packet Size, `--tick`,
//! credentials against the bundled broker, and a will left by `bench conn` when it is killed.
//!
//! Every run is short (well under a second of load, small counts) and on 127.0.0.1; nothing
//! here asserts that something was fast. One test asserts a lag that `--tick` imposes by
//! construction: a lower bound, which a slow machine can only raise.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use crate::common::pki::{mosquitto, pki};
use crate::common::report::*;
use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;
use mqttkit::broker::{AuthConfig, BrokerConfig, PasswordFile};
use rumqttc::mqttbytes::QoS;

// ---------------------------------------------------------------------------------------
// Running bench (as in tests/bench_client.rs)

/// `mqttkit bench MODE ARGS…` with no broker flags, no password or URL in the environment,
/// stdin closed.
fn bench_cmd(mode: &str, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(["bench", mode])
        .args(args)
        .env_remove("MQTTKIT_PASSWORD")
        .env_remove("MQTTKIT_URL")
        .env_remove("MQTTKIT_USERNAME")
        .stdin(Stdio::null());
    cmd
}

/// `mqttkit ARGS…` (any subcommand, e.g. `pub`, to compare bench with) with the environment
/// and stdin of [`bench_cmd`].
fn mqttkit_cmd(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(args)
        .env_remove("MQTTKIT_PASSWORD")
        .env_remove("MQTTKIT_URL")
        .env_remove("MQTTKIT_USERNAME")
        .stdin(Stdio::null());
    cmd
}

/// `mqttkit bench MODE -h 127.0.0.1 -p PORT ARGS…`.
fn bench(port: u16, mode: &str, args: &[&str]) -> Command {
    let port = port.to_string();
    let mut all = vec!["-h", "127.0.0.1", "-p", &port];
    all.extend_from_slice(args);
    bench_cmd(mode, &all)
}

/// The pubsub load of the transport tests: 300 QoS 1 messages at 1,000/s.
const PUBSUB_QOS1: [&str; 8] = [
    "-q", "1", "--count", "300", "--rate", "1000", "--json", "--quiet",
];

// ---------------------------------------------------------------------------------------
// TLS

#[test]
fn pubsub_qos1_over_tls_by_url_and_by_flags() {
    if skip_without("mosquitto") {
        return;
    }
    let pki = pki();
    let (_broker, ports) = mosquitto(&pki);
    let ca = pki.arg("ca.pem");
    // A DNS name in the URL…
    let url = format!("mqtts://localhost:{}", ports.tls);
    let mut args = vec!["-L", &url, "--cafile", &ca];
    args.extend_from_slice(&PUBSUB_QOS1);
    let r = report(&output_within(bench_cmd("pubsub", &args)));
    assert_all_delivered(&r, 300, 1, "mqtts://localhost");

    // …and -h/-p, which --cafile alone switches to TLS, with a name checked against the
    // certificate's DNS SAN (RFC 6125).
    let port = ports.tls.to_string();
    let mut args = vec!["-h", "localhost", "-p", &port, "--cafile", &ca];
    args.extend_from_slice(&PUBSUB_QOS1);
    let r = report(&output_within(bench_cmd("pubsub", &args)));
    assert_all_delivered(&r, 300, 1, "-h localhost --cafile");
}

#[test]
fn tls_with_an_untrusted_ca_fails_and_insecure_gets_through() {
    if skip_without("mosquitto") {
        return;
    }
    let pki = pki();
    let (_broker, ports) = mosquitto(&pki);
    let url = format!("mqtts://localhost:{}", ports.tls);
    let other = pki.arg("other-ca.pem");
    // The broker's certificate was signed by a CA we were not told to trust: the handshake
    // fails (RFC 8446, section 4.4.2.4), for every mode, before anything is published.
    for mode in ["pubsub", "pub", "sub", "conn"] {
        let mut args = vec!["-L", url.as_str(), "--cafile", &other, "--quiet"];
        // Each mode with its own flags: `sub` paces nothing (no --rate), `conn` only holds
        // connections.
        match mode {
            "conn" => args.extend(["-c", "2", "--duration", "100ms"]),
            "sub" => args.extend(["--count", "5", "--duration", "2s"]),
            _ => args.extend(["--count", "5", "--rate", "1000", "--duration", "2s"]),
        }
        let out = output_within(bench_cmd(mode, &args));
        assert_fails(
            &out,
            1,
            &["certificate", "UnknownIssuer", "--cafile or --capath"],
            &format!("bench {mode} with the wrong CA"),
        );
    }

    // --insecure accepts it (and says what that costs), even with the wrong --cafile.
    let mut args = vec!["-L", &url, "--cafile", &other, "--insecure"];
    args.extend_from_slice(&PUBSUB_QOS1);
    let out = output_within(bench_cmd("pubsub", &args));
    let r = report(&out);
    assert_all_delivered(&r, 300, 1, "--insecure");
    assert!(
        stderr(&out).contains("warning: --insecure"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn mutual_tls_sends_the_client_certificate() {
    if skip_without("mosquitto") {
        return;
    }
    let pki = pki();
    let (_broker, ports) = mosquitto(&pki);
    let url = format!("mqtts://localhost:{}", ports.mtls);
    let (ca, cert, key) = (
        pki.arg("ca.pem"),
        pki.arg("client.pem"),
        pki.arg("client.key"),
    );
    let mut args = vec!["-L", &url, "--cafile", &ca, "--cert", &cert, "--key", &key];
    args.extend_from_slice(&PUBSUB_QOS1);
    let r = report(&output_within(bench_cmd("pubsub", &args)));
    assert_all_delivered(&r, 300, 1, "mutual TLS");

    // Without it the broker ends the handshake (RFC 8446, section 4.3.2: it asked for one).
    let out = output_within(bench_cmd(
        "pub",
        &["-L", &url, "--cafile", &ca, "--count", "5", "--quiet"],
    ));
    assert_fails(
        &out,
        1,
        &["client certificate"],
        "mutual TLS without --cert",
    );
}

#[test]
fn insecure_warns_as_pub_does() {
    if skip_without("mosquitto") {
        return;
    }
    let pki = pki();
    let (_broker, ports) = mosquitto(&pki);
    let url = format!("mqtts://localhost:{}", ports.tls);
    // `mqttkit pub --insecure` warns that the broker's certificate is not checked (the
    // client skips the verification of RFC 8446, section 4.4.2.4)…
    let out = output_within(mqttkit_cmd(&[
        "pub",
        "-L",
        &url,
        "--insecure",
        "-t",
        "bench-insecure/pub",
        "-m",
        "hello",
    ]));
    let pub_err = stderr(&out);
    assert!(out.status.success(), "mqttkit pub --insecure: {pub_err}");
    let warning = pub_err
        .lines()
        .find(|line| line.contains("--insecure"))
        .unwrap_or_else(|| panic!("mqttkit pub --insecure printed no warning: {pub_err}"));

    // …and bench prints the same warning, once per run however many connections it opens:
    // 3 publishers and a subscriber here, 3 subscribers in `sub` (nothing to receive), 3
    // held connections in `conn`.
    let mut args = vec!["-L", url.as_str(), "--insecure", "-c", "3"];
    args.extend_from_slice(&PUBSUB_QOS1);
    let out = output_within(bench_cmd("pubsub", &args));
    let r = report(&out);
    assert_all_delivered(&r, 300, 1, "bench pubsub --insecure -c 3");
    assert_eq!(r["load"]["publishers"], 3, "{r}");
    let three = |mode: &str, duration: &str| {
        let args = ["-L", &url, "--insecure", "-c", "3", "--duration", duration];
        output_within(bench_cmd(
            mode,
            &[&args[..], &["--json", "--quiet"]].concat(),
        ))
    };
    let sub_out = three("sub", "200ms");
    assert_eq!(report(&sub_out)["load"]["subscribers"], 3);
    let conn_out = three("conn", "100ms");
    assert_eq!(count(&report(&conn_out), "connected"), 3);
    for (mode, out) in [("pubsub", &out), ("sub", &sub_out), ("conn", &conn_out)] {
        let err = stderr(out);
        assert!(
            err.contains(warning),
            "bench {mode} --insecure -c 3: not pub's warning {warning:?} in:\n{err}"
        );
        assert_eq!(
            err.matches("--insecure").count(),
            1,
            "bench {mode} --insecure -c 3: the warning once per run:\n{err}"
        );
    }
}

#[test]
fn a_missing_client_certificate_gets_the_same_hint_as_pub() {
    if skip_without("mosquitto") {
        return;
    }
    let pki = pki();
    let (_broker, ports) = mosquitto(&pki);
    // The listener with `require_certificate true` asks for a client certificate (RFC 8446,
    // section 4.3.2); a client that sends none is refused with a certificate_required alert
    // (sections 4.4.2.4 and 6.2). Under TLS 1.3 the alert comes after the client's side of
    // the handshake is done, while it waits for CONNACK.
    let url = format!("mqtts://localhost:{}", ports.mtls);
    let ca = pki.arg("ca.pem");
    const HINT: &str = "the broker requires a client certificate: --cert and --key";

    // What `mqttkit pub` says…
    let out = output_within(mqttkit_cmd(&[
        "pub",
        "-L",
        &url,
        "--cafile",
        &ca,
        "-t",
        "bench-mtls/pub",
        "-m",
        "hello",
    ]));
    assert_fails(&out, 1, &[HINT], "mqttkit pub without --cert");

    // …bench pub says too, once.
    let out = output_within(bench_cmd(
        "pub",
        &["-L", &url, "--cafile", &ca, "--count", "5", "--quiet"],
    ));
    assert_fails(&out, 1, &[HINT], "bench pub without --cert");
    let err = stderr(&out);
    assert_eq!(
        err.matches("--cert and --key").count(),
        1,
        "bench pub without --cert: the hint once:\n{err}"
    );
}

// ---------------------------------------------------------------------------------------
// WebSocket

#[test]
fn pubsub_qos1_over_websocket() {
    if skip_without("mosquitto") {
        return;
    }
    let pki = pki();
    let (_broker, ports) = mosquitto(&pki);
    let url = format!("ws://127.0.0.1:{}/mqtt", ports.ws);
    let mut args = vec!["-L", url.as_str()];
    args.extend_from_slice(&PUBSUB_QOS1);
    let r = report(&output_within(bench_cmd("pubsub", &args)));
    assert_all_delivered(&r, 300, 1, "ws://");

    // Larger payloads too: mosquitto writes each PUBLISH as one WebSocket frame but ~4 KiB
    // at a time, so a 16,000-byte one reaches the subscriber in several reads.
    //
    // Not larger, and only a few: Debian's mosquitto 2.0.11 websockets listener sends ~4 KiB
    // per pass of its event loop, ~10 passes a second when no other traffic wakes it
    // (measured here with bench, `mqttkit sub` and a raw Python client alike: 200–400 ms for
    // one 16,000-byte message). 70,000-byte messages came more than 1 s apart, so the
    // subscriber gave up (1 s without a message) with 10 of 20 lost. A mosquitto limit, not
    // bench's; 5 × 16,000 bytes take ~0.7 s, well inside the subscriber's 5 s wait.
    let args = [
        "-L", &url, "-q", "1", "--size", "16000", "--count", "5", "--rate", "200", "--json",
        "--quiet",
    ];
    let r = report(&output_within(bench_cmd("pubsub", &args)));
    assert_all_delivered(&r, 5, 1, "ws:// with 16000-byte payloads");
    assert_eq!(r["load"]["size"], 16000);
}

#[test]
fn pubsub_qos1_over_secure_websocket() {
    if skip_without("mosquitto") {
        return;
    }
    let pki = pki();
    let (_broker, ports) = mosquitto(&pki);
    let url = format!("wss://localhost:{}/mqtt", ports.wss);
    let ca = pki.arg("ca.pem");
    let mut args = vec!["-L", &url, "--cafile", &ca];
    args.extend_from_slice(&PUBSUB_QOS1);
    let r = report(&output_within(bench_cmd("pubsub", &args)));
    assert_all_delivered(&r, 300, 1, "wss://");

    // The certificate is checked under WebSocket too.
    let other = pki.arg("other-ca.pem");
    let out = output_within(bench_cmd(
        "pub",
        &["-L", &url, "--cafile", &other, "--count", "5", "--quiet"],
    ));
    assert_fails(
        &out,
        1,
        &["certificate", "UnknownIssuer"],
        "wss:// with the wrong CA",
    );
}

// ---------------------------------------------------------------------------------------
// MQTT 5 Maximum Packet Size

/// The size of a whole MQTT 5 PUBLISH at QoS 1 with no properties: fixed header (type byte
/// and remaining length, a variable byte integer), topic, packet id, property length 0,
/// payload (MQTT 5 sections 2.1, 3.3.2 and 1.5.5).
fn v5_publish_size(topic: &str, payload: usize) -> usize {
    let remaining = 2 + topic.len() + 2 + 1 + payload;
    let length_bytes = match remaining {
        0..=127 => 1,
        128..=16_383 => 2,
        _ => 3,
    };
    1 + length_bytes + remaining
}

#[test]
fn v5_maximum_packet_size_from_connack_is_respected() {
    if skip_without("mosquitto") {
        return;
    }
    // mosquitto announces `max_packet_size` to MQTT 5 clients in CONNACK; the client must
    // not send a packet larger than that [MQTT-3.2.2-15].
    let broker = Mosquitto::start("allow_anonymous true\nmax_packet_size 200");
    let v5 = ["-V", "5", "-q", "1", "-t", "mps/%i"];
    // The largest payload whose PUBLISH is exactly 200 bytes on topic mps/0.
    let fits = (24..400)
        .rev()
        .find(|&n| v5_publish_size("mps/0", n) <= 200)
        .unwrap();
    assert_eq!(v5_publish_size("mps/0", fits), 200);
    for size in ["64".to_string(), fits.to_string()] {
        let mut args = v5.to_vec();
        args.extend([
            "--size", &size, "--count", "100", "--rate", "1000", "--json", "--quiet",
        ]);
        let r = report(&output_within(bench(broker.port, "pubsub", &args)));
        assert_all_delivered(&r, 100, 1, &format!("--size {size}"));
    }

    // One byte more, and far more: refused before anything is sent, in both load modes.
    for size in [(fits + 1).to_string(), "500".to_string()] {
        for mode in ["pubsub", "pub"] {
            let mut args = v5.to_vec();
            args.extend([
                "--size", &size, "--count", "10", "--rate", "1000", "--quiet",
            ]);
            let out = output_within(bench(broker.port, mode, &args));
            assert_fails(
                &out,
                1,
                &["Maximum Packet Size", "200 bytes", "--size"],
                &format!("bench {mode} -V 5 --size {size}"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// --tick

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tick_batches_or_not_every_message_arrives() {
    // Room for every message: a subscriber starved by a loaded machine (a debug build on two
    // busy cores) fell more than the default 1,000 queued messages behind, and the broker
    // then drops, as mosquitto does. This test is about the tick, not that limit.
    let broker = TestBroker::start_with(BrokerConfig {
        max_queued: 10_000,
        ..BrokerConfig::default()
    })
    .await;
    let port = broker.addr.port();
    for tick in ["1ms", "0s"] {
        let out = run(bench(
            port,
            "pubsub",
            &[
                "-q", "1", "--rate", "20000", "--count", "4000", "--tick", tick, "--json",
                "--quiet",
            ],
        ))
        .await;
        let r = report(&out);
        assert_all_delivered(&r, 4000, 1, &format!("--tick {tick}"));
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_tick_holds_messages_back_until_the_next_wake_up() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    // 100 msg/s, 40 messages due 10 ms apart, and a publisher that wakes at most every
    // 400 ms: message 0 goes out at the epoch, messages 1–39 (due 10–390 ms) together at
    // 400 ms or later. At QoS 0 nothing else wakes the publisher (no acknowledgements;
    // keep-alive 60 s). A lag of at least 390 ms is built into the run: a slow machine can
    // only add to it.
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-q", "0", "--rate", "100", "--count", "40", "--tick", "400ms", "--json", "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 40, "{r}");
    assert!(
        count(&r, "late") >= 39,
        "messages 1–39 wait for the tick: {r}"
    );
    assert!(
        count(&r, "max_lag_us") >= 389_000,
        "message 1 is due at 10 ms and cannot go out before 400 ms: {r}"
    );
    assert_zero(&r, &["errors", "reconnects"]);
    broker.stop().await;
}

#[test]
fn bad_tick_values_are_usage_errors() {
    // Nothing listens on the port: a missed check would fail later with exit 1.
    let port = free_port();
    let cases: &[&[&str]] = &[&["--tick", "abc"], &["--tick=-1ms"], &["--tick", "inf"]];
    for tick in cases {
        let mut args = tick.to_vec();
        args.extend(["--count", "10", "--quiet"]);
        let out = output_within(bench(port, "pubsub", &args));
        assert_no_panic(&out);
        assert_eq!(out.status.code(), Some(2), "{tick:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--tick"),
            "{tick:?}: {}",
            stderr(&out)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Credentials

/// The bundled broker with a password file (alice / s3cret) and no anonymous clients.
async fn auth_broker() -> TestBroker {
    let mut passwords = PasswordFile::new();
    passwords.set_password("alice", b"s3cret").unwrap();
    TestBroker::start_with(BrokerConfig {
        auth: AuthConfig {
            allow_anonymous: false,
            passwords: Some(passwords),
            ..AuthConfig::default()
        },
        ..Default::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn right_credentials_connect_every_client() {
    let broker = auth_broker().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "pub",
        &[
            "-u", "alice", "-P", "s3cret", "-c", "2", "-q", "1", "--count", "20", "--rate", "1000",
            "--json", "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 20, "{r}");
    assert_eq!(count(&r, "acked"), 20, "{r}");
    assert_zero(&r, &["errors", "reconnects"]);

    // Publishers and subscribers alike, with the password from a file and from the
    // environment.
    let dir = tempfile::tempdir().unwrap();
    let pw_file = write_file(dir.path(), "pw.txt", "s3cret\n")
        .display()
        .to_string();
    let mut args = vec!["-u", "alice", "--pw-file", &pw_file];
    args.extend_from_slice(&PUBSUB_QOS1);
    let r = report(&run(bench(port, "pubsub", &args)).await);
    assert_all_delivered(&r, 300, 1, "--pw-file");
    let mut cmd = bench(port, "pubsub", &PUBSUB_QOS1);
    cmd.env("MQTTKIT_USERNAME", "alice")
        .env("MQTTKIT_PASSWORD", "s3cret");
    let r = report(&run(cmd).await);
    assert_all_delivered(&r, 300, 1, "MQTTKIT_USERNAME/MQTTKIT_PASSWORD");

    let out = run(bench(
        port,
        "conn",
        &[
            "-u",
            "alice",
            "-P",
            "s3cret",
            "-c",
            "3",
            "--connect-rate",
            "100",
            "--duration",
            "100ms",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "connected"), 3, "{r}");
    assert_zero(&r, &["errors"]);
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_exit_with_the_connack_code() {
    let broker = auth_broker().await;
    let port = broker.addr.port();
    // README "Exit codes": a refused connection exits with its CONNACK return code. A wrong
    // password is 4 and no username (anonymous clients not allowed) is 5 (MQTT 3.1.1
    // section 3.2.2.3); the refusal ends the run instead of being retried.
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["-u", "alice", "-P", "wrong"],
            4,
            "bad user name or password",
        ),
        (
            &["-u", "mallory", "-P", "s3cret"],
            4,
            "bad user name or password",
        ),
        (&[], 5, "not authorized"),
    ];
    for (creds, code, reason) in cases {
        for mode in ["pub", "pubsub", "sub", "conn"] {
            let mut args = creds.to_vec();
            // Each mode with its own flags: `sub` paces nothing (no --rate), `conn` only holds
            // connections.
            match mode {
                "conn" => args.extend(["-c", "2", "--duration", "100ms"]),
                "sub" => args.extend(["--count", "10", "--duration", "2s"]),
                _ => args.extend(["--count", "10", "--rate", "1000", "--duration", "2s"]),
            }
            args.push("--quiet");
            let out = run(bench(port, mode, &args)).await;
            let connack = format!("CONNACK {code}");
            assert_fails(
                &out,
                *code,
                &[reason, &connack],
                &format!("bench {mode} {creds:?}"),
            );
        }
    }
    broker.stop().await;
}

// ---------------------------------------------------------------------------------------
// Wills

/// Starts `bench conn` holding `n` connections with a will on `topic`, for longer than any
/// test waits.
fn spawn_conn_with_will(port: u16, n: usize, topic: &str) -> Child {
    let n = n.to_string();
    bench(
        port,
        "conn",
        &[
            "-c",
            &n,
            "--connect-rate",
            "100",
            "--duration",
            "60s",
            "--will-topic",
            topic,
            "--will-payload",
            "bench gone",
            "--will-qos",
            "1",
            "--quiet",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap()
}

/// Waits until the broker has exactly `n` clients past CONNACK.
async fn wait_for_clients(broker: &TestBroker, n: usize) {
    let deadline = Instant::now() + LIMIT;
    while broker.broker.stats().clients_connected.load(Relaxed) != n {
        assert!(
            Instant::now() < deadline,
            "no {n} connected clients in time"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conn_killed_with_sigkill_leaves_its_wills() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut watcher = broker.client("will-watcher").await;
    watcher.subscribe("bench-will/#", QoS::AtLeastOnce).await;

    let mut child = spawn_conn_with_will(port, 3, "bench-will/killed");
    let (_stdout, stderr_pipe) = drain_pipes(&mut child);
    wait_for_clients(&broker, 4).await;
    // Nothing yet: the connections are alive (keep-alive 60 s).
    watcher.expect_silence().await;
    // SIGKILL: the process sends no DISCONNECT, the kernel closes its sockets, and the
    // broker publishes each connection's will [MQTT-3.1.2-8] at its QoS.
    child.kill().unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(!status.success());
    for i in 0..3 {
        let p = watcher.recv_publish().await;
        assert_eq!(p.topic, "bench-will/killed", "will {i}");
        assert_eq!(&p.payload[..], b"bench gone", "will {i}");
        assert_eq!(p.qos, QoS::AtLeastOnce, "will {i}");
        assert!(!p.retain, "will {i}: --will-retain was not given");
        watcher.ack(&p).await;
    }
    watcher.expect_silence().await;
    let err = stderr_pipe.join().unwrap();
    assert!(
        !String::from_utf8_lossy(&err).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&err)
    );

    // The control: a run that ends normally sends DISCONNECT on every connection, and the
    // broker discards the wills [MQTT-3.1.2-10].
    let out = run(bench(
        port,
        "conn",
        &[
            "-c",
            "3",
            "--connect-rate",
            "100",
            "--duration",
            "200ms",
            "--will-topic",
            "bench-will/clean",
            "--will-payload",
            "bench gone",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    assert_eq!(count(&report(&out), "connected"), 3);
    watcher.expect_silence().await;
    watcher.disconnect().await;
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retained_will_waits_for_a_later_subscriber() {
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut child = bench(
        port,
        "conn",
        &[
            "-c",
            "1",
            "--duration",
            "60s",
            "--will-topic",
            "bench-will/retained",
            "--will-payload",
            "offline",
            "--will-retain",
            "--quiet",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    wait_for_clients(&broker, 1).await;
    child.kill().unwrap();
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    // The will is published once the broker has seen the connection end; then it is the
    // retained message of its topic [MQTT-3.1.2-17], sent to a new subscriber with RETAIN
    // set [MQTT-3.3.1-8].
    wait_for_clients(&broker, 0).await;
    let deadline = Instant::now() + LIMIT;
    loop {
        let mut c = broker.client("late-subscriber").await;
        c.subscribe("bench-will/retained", QoS::AtMostOnce).await;
        match c.try_recv(QUIET).await {
            Ok(Some(rumqttc::mqttbytes::v4::Packet::Publish(p))) => {
                assert!(p.retain, "{p:?}");
                assert_eq!(&p.payload[..], b"offline");
                c.disconnect().await;
                break;
            }
            other => {
                assert!(Instant::now() < deadline, "no retained will: {other:?}");
                c.disconnect().await;
            }
        }
    }
    broker.stop().await;
}
