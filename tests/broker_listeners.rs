//! The bundled broker's listeners beyond plain TCP: TLS, WebSocket and WebSocket over TLS in
//! one process, each bound with `-p 0` semantics and printed on stdout; a client speaking
//! the wrong protocol for the port; client certificates as usernames; and interoperability
//! with mosquitto's clients and paho-mqtt over WebSocket, at MQTT 3.1.1 and 5.
//!
//! The broker runs as its own process (`mqttkit broker …`), so what is tested is the command
//! line too; its stderr (`-v`) is read for the log lines a refused connection must leave.

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};

use crate::common::pki::{pki, Pki};
use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;

fn mqttkit(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(args)
        .env_remove("MQTTKIT_PASSWORD")
        .env_remove("MQTTKIT_URL")
        .stdin(Stdio::null());
    cmd
}

fn run(args: &[&str]) -> Output {
    mqttkit(args).output().unwrap()
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(out));
}

/// A broker with every listener kind, logging connections (-v).
fn all_listeners(pki: &Pki, extra: &[&str]) -> ListenersProcess {
    let (ca, cert, key) = (
        pki.arg("ca.pem"),
        pki.arg("server.pem"),
        pki.arg("server.key"),
    );
    let mut args = vec![
        "-v",
        "--tls-port",
        "0",
        "--ws-port",
        "0",
        "--wss-port",
        "0",
        "--cert",
        &cert,
        "--key",
        &key,
        "--cafile",
        &ca,
    ];
    args.extend_from_slice(extra);
    ListenersProcess::start(&args, 4)
}

#[test]
fn every_listener_is_bound_on_its_own_free_port_and_printed_with_its_protocol() {
    let pki = pki();
    let broker = all_listeners(&pki, &[]);
    let protocols: Vec<&str> = broker.listeners.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(protocols, ["mqtt", "mqtts", "ws", "wss"]);
    let mut ports: Vec<u16> = broker.listeners.iter().map(|&(_, p)| p).collect();
    assert!(ports.iter().all(|&p| p != 0), "{ports:?}");
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 4, "four distinct ports");
    for (_, port) in &broker.listeners {
        wait_for_port(*port);
    }
}

#[test]
fn the_plain_listener_keeps_its_first_line_exactly() {
    use std::io::BufRead;
    let pki = pki();
    let (cert, key) = (pki.arg("server.pem"), pki.arg("server.key"));
    let mut child = mqttkit(&[
        "broker",
        "-p",
        "0",
        "--sys-interval",
        "0",
        "--tls-port",
        "0",
        "--cert",
        &cert,
        "--key",
        &key,
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).unwrap();
    out.read_line(&mut second).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let port = first
        .strip_prefix("listening on 127.0.0.1:")
        .and_then(|p| p.trim_end().parse::<u16>().ok());
    assert!(port.is_some(), "{first:?}");
    let tls = second
        .strip_prefix("listening on 127.0.0.1:")
        .and_then(|rest| rest.trim_end().strip_suffix(" (mqtts)"))
        .and_then(|p| p.parse::<u16>().ok());
    assert!(tls.is_some(), "{second:?}");
}

/// Reads until the broker closes; `Err` when nothing closes within [`WAIT`].
fn read_until_closed(stream: &mut std::net::TcpStream) -> Result<Vec<u8>, std::io::Error> {
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut got = Vec::new();
    stream.read_to_end(&mut got).map(|_| got)
}

#[test]
fn a_plain_mqtt_client_on_the_tls_port_is_closed_with_a_log_line() {
    let pki = pki();
    let broker = all_listeners(&pki, &[]);
    let mut s = std::net::TcpStream::connect(("127.0.0.1", broker.port("mqtts"))).unwrap();
    // A 3.1.1 CONNECT for client id "x".
    s.write_all(&[
        0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b'x',
    ])
    .unwrap();
    let got = read_until_closed(&mut s).expect("the broker closes the connection, not waits");
    assert_ne!(got.first(), Some(&0x20), "no CONNACK over a TLS port");
    let log = broker.stop();
    assert!(log.contains("(mqtts): TLS handshake failed"), "{log}");
}

#[test]
fn a_tls_client_on_the_plain_port_fails_fast_with_a_log_line() {
    let pki = pki();
    let broker = all_listeners(&pki, &[]);
    let url = format!("mqtts://localhost:{}/t", broker.port("mqtt"));
    let out = run(&[
        "pub",
        "-L",
        &url,
        "-m",
        "x",
        "--cafile",
        &pki.arg("ca.pem"),
        "--connect-timeout",
        "30",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let log = broker.stop();
    assert!(
        log.contains("a TLS handshake on a plain MQTT listener"),
        "{log}"
    );
}

#[test]
fn a_websocket_upgrade_on_the_tls_port_fails_with_a_log_line() {
    let pki = pki();
    let broker = all_listeners(&pki, &[]);
    let url = format!("ws://127.0.0.1:{}", broker.port("mqtts"));
    let out = run(&["pub", "-L", &url, "-t", "t", "-m", "x"]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = broker.stop();
    assert!(log.contains("(mqtts): TLS handshake failed"), "{log}");
}

#[test]
fn mosquitto_clients_with_cafile_round_trip_over_tls_at_3_1_1_and_5() {
    if skip_without("mosquitto_pub") || skip_without("mosquitto_sub") {
        return;
    }
    let pki = pki();
    let broker = all_listeners(&pki, &[]);
    let port = broker.port("mqtts").to_string();
    let ca = pki.arg("ca.pem");
    for version in ["mqttv311", "mqttv5"] {
        let topic = format!("tls/{version}");
        let base = [
            "-h",
            "localhost",
            "-p",
            &port,
            "--cafile",
            &ca,
            "-V",
            version,
        ];
        let out = Command::new("mosquitto_pub")
            .args(base)
            .args(["-t", &topic, "-m", "hello", "-r", "-q", "1"])
            .output()
            .unwrap();
        assert_ok(&out);
        let out = Command::new("mosquitto_sub")
            .args(base)
            .args(["-t", &topic, "-C", "1", "-W", "5"])
            .output()
            .unwrap();
        assert_ok(&out);
        assert_eq!(out.stdout, b"hello\n", "{version}");
    }
}

#[test]
fn mqttkit_over_wss_and_ws_round_trips_at_3_1_1_and_5() {
    let pki = pki();
    let broker = all_listeners(&pki, &[]);
    let ca = pki.arg("ca.pem");
    let wss = format!("wss://localhost:{}/mqtt", broker.port("wss"));
    let ws = format!("ws://127.0.0.1:{}/any/path", broker.port("ws"));
    for version in ["311", "5"] {
        let topic = format!("wss/{version}");
        let out = run(&[
            "pub", "-L", &wss, "--cafile", &ca, "-V", version, "-t", &topic, "-m", "over wss",
            "-r", "-q", "1",
        ]);
        assert_ok(&out);
        // Published over WebSocket over TLS, read back over plain WebSocket.
        let out = run(&[
            "sub", "-L", &ws, "-V", version, "-t", &topic, "-C", "1", "-W", "10",
        ]);
        assert_ok(&out);
        assert_eq!(out.stdout, b"over wss\n", "{version}");
    }
}

/// paho-mqtt's WebSocket transport, as a browser-style client: subscribe and publish to
/// itself over `ws`, at both versions.
#[test]
fn paho_over_websocket_round_trips_at_3_1_1_and_5() {
    if skip_without("python3") {
        return;
    }
    let probe = Command::new("python3")
        .args(["-c", "import paho.mqtt.client"])
        .output()
        .unwrap();
    if !probe.status.success() {
        assert!(
            std::env::var_os("MQTTKIT_REQUIRE_PEERS").is_none(),
            "paho-mqtt is required (MQTTKIT_REQUIRE_PEERS is set) but not installed"
        );
        eprintln!("SKIPPED: python3 has no paho-mqtt (pip install paho-mqtt)");
        return;
    }
    let pki = pki();
    let broker = all_listeners(&pki, &[]);
    let script = r#"
import sys, threading
import paho.mqtt.client as mqtt
port, version = int(sys.argv[1]), sys.argv[2]
proto = mqtt.MQTTv5 if version == "5" else mqtt.MQTTv311
got = threading.Event()
kwargs = dict(client_id="paho-ws-" + version, transport="websockets", protocol=proto)
if hasattr(mqtt, "CallbackAPIVersion"):  # paho-mqtt 2.x; 1.x has the same signatures
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, **kwargs)
else:
    c = mqtt.Client(**kwargs)
c.ws_set_options(path="/mqtt")
def on_connect(client, userdata, flags, rc, props=None):
    client.subscribe("paho/ws", qos=1)
def on_subscribe(client, userdata, mid, codes, props=None):
    client.publish("paho/ws", "from paho " + version, qos=1)
def on_message(client, userdata, msg):
    print(msg.payload.decode()); got.set()
c.on_connect, c.on_subscribe, c.on_message = on_connect, on_subscribe, on_message
c.connect("127.0.0.1", port, 30)
c.loop_start()
ok = got.wait(10)
c.disconnect(); c.loop_stop()
sys.exit(0 if ok else 1)
"#;
    let port = broker.port("ws").to_string();
    for version in ["311", "5"] {
        let out = Command::new("python3")
            .args(["-c", script, &port, version])
            .output()
            .unwrap();
        assert_ok(&out);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("from paho {version}\n")
        );
    }
}

#[test]
fn the_client_certificate_common_name_is_the_username() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    // A password file that does not know "client": the certificate is the credential.
    let passwords = write_file(
        dir.path(),
        "passwd",
        "someone:$6$c2FsdDEyMzQ=$Enu6C74BUnsH3FJ5DbcJeTfPKMqMpMZOm66wJaf/iZqtrDfdcDyFhEmcwbcWyY5CUEDqbpdskEI2yPdeCZGVPQ==\n",
    );
    let passwords = passwords.display().to_string();
    let broker = all_listeners(
        &pki,
        &[
            "--use-identity-as-username",
            "--allow-anonymous",
            "false",
            "--password-file",
            &passwords,
        ],
    );
    let url = format!("mqtts://localhost:{}/tls/cn", broker.port("mqtts"));
    let ca = pki.arg("ca.pem");
    for version in ["311", "5"] {
        let id = format!("cn-{version}");
        let out = run(&[
            "pub",
            "-L",
            &url,
            "-V",
            version,
            "-i",
            &id,
            "-m",
            "x",
            "--cafile",
            &ca,
            "--cert",
            &pki.arg("client.pem"),
            "--key",
            &pki.arg("client.key"),
            "-u",
            "ignored",
            "-P",
            "wrong",
        ]);
        assert_ok(&out);
        // Without a certificate (optional on this listener) there is no username to take:
        // bad user name or password.
        let out = run(&["pub", "-L", &url, "-V", version, "-m", "x", "--cafile", &ca]);
        assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out)
                .to_lowercase()
                .contains("user name or password"),
            "{}",
            stderr(&out)
        );
    }
    let log = broker.stop();
    for version in ["311", "5"] {
        assert!(
            log.contains(&format!("cn-{version} connected from")),
            "{log}"
        );
    }
    assert!(log.contains(r#"as "client""#), "{log}");
    assert!(!log.contains(r#"as "ignored""#), "{log}");
}

#[test]
fn bad_listener_flags_are_usage_errors_naming_the_flag() {
    let pki = pki();
    let (cert, key, ca) = (
        pki.arg("server.pem"),
        pki.arg("server.key"),
        pki.arg("ca.pem"),
    );
    let other_key = pki.arg("client.key");
    let cases: &[(&[&str], &str)] = &[
        (&["--tls-port", "0"], "need --cert and --key"),
        (&["--wss-port", "0"], "need --cert and --key"),
        (&["--tls-port", "0", "--cert", &cert], "--cert needs --key"),
        (
            &["--cert", &cert, "--key", &key],
            "need --tls-port or --wss-port",
        ),
        (&["--cafile", &ca], "--cafile needs a TLS listener"),
        (
            &[
                "--tls-port",
                "0",
                "--cert",
                &cert,
                "--key",
                &key,
                "--require-certificate",
            ],
            "needs a CA file",
        ),
        (
            &["--tls-port", "0", "--cert", &cert, "--key", &other_key],
            "do not make a certificate and its key",
        ),
        (
            &[
                "--tls-port",
                "0",
                "--cert",
                "/nonexistent.pem",
                "--key",
                &key,
            ],
            "cannot read /nonexistent.pem",
        ),
        (
            &["--tls-port", "0", "--cert", &key, "--key", &key],
            "no PEM certificate",
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["broker", "-p", "0"];
        args.extend_from_slice(flags);
        let out = run(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(expected), "{flags:?}: {err}");
        assert!(out.stdout.is_empty(), "nothing bound: {flags:?}");
    }
}

/// The Common Name is the username the ACL sees: `client` may use tls/cn/#, nothing else.
#[test]
fn the_acl_applies_to_the_certificate_common_name() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let acl = write_file(dir.path(), "acl", "user client\ntopic readwrite tls/cn/#\n");
    let acl = acl.display().to_string();
    let broker = all_listeners(&pki, &["--use-identity-as-username", "--acl-file", &acl]);
    let port = broker.port("mqtts").to_string();
    let (ca, cert, key) = (
        pki.arg("ca.pem"),
        pki.arg("client.pem"),
        pki.arg("client.key"),
    );
    let tls = [
        "-h",
        "localhost",
        "-p",
        &port,
        "--cafile",
        &ca,
        "--cert",
        &cert,
        "--key",
        &key,
        "-V",
        "5",
    ];
    let mut args = vec!["pub", "-t", "tls/cn/x", "-m", "allowed", "-r", "-q", "1"];
    args.extend_from_slice(&tls);
    assert_ok(&run(&args));
    let mut args = vec!["pub", "-t", "other/x", "-m", "refused", "-q", "1"];
    args.extend_from_slice(&tls);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(26), "PUBACK 0x87: {}", stderr(&out));
    let mut args = vec!["sub", "-t", "tls/cn/x", "-C", "1", "-W", "10"];
    args.extend_from_slice(&tls);
    let out = run(&args);
    assert_ok(&out);
    assert_eq!(out.stdout, b"allowed\n");
}
