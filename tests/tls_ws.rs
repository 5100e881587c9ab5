//! TLS and WebSocket transports of `mqttkit pub` and `mqttkit sub`, against Debian's mosquitto
//! with the certificates of `common::pki` (rcgen): a CA, a server certificate for localhost and
//! 127.0.0.1 and a client certificate, both signed by it, and an unrelated CA.
//!
//! Every case runs twice: against mosquitto (`mosquitto_broker::…`) and against the bundled
//! broker's TLS and WebSocket listeners (`bundled_broker::…`, `common::pki::bundled`).
//!
//! Messages go out retained and come back to a fresh subscriber, so one `pub` and one `sub`
//! make a round trip with no race between subscribing and publishing.

use std::process::{Command, Output, Stdio};

use crate::common::pki::{bundled, mosquitto, pki, Pki, Ports};
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

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(out));
}

/// Publishes `payload` retained to `topic` with `publish`'s connection flags, then reads it
/// back with `subscribe`'s.
fn round_trip(publish: &[&str], subscribe: &[&str], topic: &str, payload: &str) {
    let mut args = vec!["pub", "-t", topic, "-m", payload, "-r", "-q", "1"];
    args.extend_from_slice(publish);
    assert_ok(&run(&args));
    let mut args = vec!["sub", "-t", topic, "-C", "1", "-W", "10"];
    args.extend_from_slice(subscribe);
    let out = run(&args);
    assert_ok(&out);
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{payload}\n"));
}

fn mqtts_round_trip_with_cafile_by_url_and_by_flags(pki: &Pki, ports: &Ports) {
    let ca = pki.arg("ca.pem");
    // The server name is a DNS name here…
    let url = format!("mqtts://localhost:{}", ports.tls);
    round_trip(
        &["-L", &url, "--cafile", &ca],
        &["-L", &url, "--cafile", &ca],
        "tls/url",
        "over tls",
    );
    // …and an IP address here, checked against the certificate's IP SAN (RFC 5280,
    // section 4.2.1.6). --cafile alone switches -h/-p to TLS.
    let port = ports.tls.to_string();
    let flags = ["-h", "127.0.0.1", "-p", &port, "--cafile", &ca];
    round_trip(&flags, &flags, "tls/flags", "by flags");
}

fn capath_trusts_every_certificate_in_the_directory(pki: &Pki, ports: &Ports) {
    let url = format!("mqtts://localhost:{}", ports.tls);
    let flags = ["-L", &url, "--capath", &pki.arg("capath")];
    round_trip(&flags, &flags, "tls/capath", "capath");
}

fn os_store_is_used_without_cafile_and_its_absence_is_a_clear_error(pki: &Pki, ports: &Ports) {
    let url = format!("mqtts://localhost:{}/tls/os", ports.tls);
    // rustls-native-certs reads SSL_CERT_FILE in place of the system store.
    let out = mqttkit(&["pub", "-L", &url, "-m", "os"])
        .env("SSL_CERT_FILE", pki.path("ca.pem"))
        .env_remove("SSL_CERT_DIR")
        .output()
        .unwrap();
    assert_ok(&out);

    let empty = tempfile::tempdir().unwrap();
    let out = mqttkit(&["pub", "-L", &url, "-m", "os"])
        .env("SSL_CERT_FILE", empty.path().join("none.pem"))
        .env("SSL_CERT_DIR", empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no CA certificates found in the OS store")
            && stderr(&out).contains("pass --cafile"),
        "{}",
        stderr(&out)
    );
}

fn an_untrusted_server_certificate_fails_cleanly_with_exit_1(pki: &Pki, ports: &Ports) {
    // Signed by a CA we do not trust, then trusted but for another name (RFC 6125).
    let cases = [
        (ports.tls, pki.arg("other-ca.pem"), "UnknownIssuer"),
        (ports.wrong_name, pki.arg("ca.pem"), "not valid for name"),
    ];
    for (port, ca, why) in cases {
        let url = format!("mqtts://localhost:{port}/t");
        let out = run(&["pub", "-L", &url, "-m", "x", "--cafile", &ca]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.starts_with("mqttkit: error: cannot connect to localhost:"),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
        assert!(err.contains("with --cafile or --capath"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

fn insecure_accepts_an_unknown_ca_and_warns(pki: &Pki, ports: &Ports) {
    // The URL's path is the topic for mqtts://, as for mqtt://.
    let url = format!("mqtts://localhost:{}/tls/insecure", ports.tls);
    let out = run(&["pub", "-L", &url, "-m", "x", "-r", "--insecure"]);
    assert_ok(&out);
    assert!(
        stderr(&out).starts_with("mqttkit: warning: --insecure"),
        "{}",
        stderr(&out)
    );
    // --insecure wins over a CA that would not verify the broker.
    let out = run(&[
        "sub",
        "-L",
        &url,
        "-C",
        "1",
        "-W",
        "10",
        "--insecure",
        "--cafile",
        &pki.arg("other-ca.pem"),
    ]);
    assert_ok(&out);
    assert_eq!(out.stdout, b"x\n");
}

fn client_certificate_is_sent_when_required_and_missing_it_fails(pki: &Pki, ports: &Ports) {
    let url = format!("mqtts://localhost:{}/tls/mutual", ports.mtls);
    let ca = pki.arg("ca.pem");
    let flags = [
        "-L",
        &url,
        "--cafile",
        &ca,
        "--cert",
        &pki.arg("client.pem"),
        "--key",
        &pki.arg("client.key"),
    ];
    round_trip(&flags, &flags, "tls/mutual", "mutual");

    let out = run(&["pub", "-L", &url, "-m", "x", "--cafile", &ca]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("requires a client certificate: --cert and --key"),
        "{}",
        stderr(&out)
    );
}

fn websocket_round_trip(_pki: &Pki, ports: &Ports) {
    // No path: the upgrade goes to /mqtt. A path is the HTTP path, never a topic.
    let bare = format!("ws://127.0.0.1:{}", ports.ws);
    let with_path = format!("ws://localhost:{}/some/path", ports.ws);
    round_trip(
        &["-L", &bare],
        &["-L", &with_path],
        "ws/t",
        "over websocket",
    );
}

fn secure_websocket_round_trip(pki: &Pki, ports: &Ports) {
    let url = format!("wss://localhost:{}/mqtt", ports.wss);
    let flags = ["-L", &url, "--cafile", &pki.arg("ca.pem")];
    round_trip(&flags, &flags, "wss/t", "over secure websocket");

    let out = run(&["pub", "-L", &url, "-t", "t", "-m", "x"]);
    assert_ne!(
        out.status.code(),
        Some(0),
        "the OS store does not know our CA"
    );
}

/// Runs `case` against a private mosquitto (skipped, saying why, when it is not installed).
fn on_mosquitto(case: fn(&Pki, &Ports)) {
    if skip_without("mosquitto") {
        return;
    }
    let pki = pki();
    let (_broker, ports) = mosquitto(&pki);
    case(&pki, &ports);
}

/// Runs `case` against the bundled broker.
fn on_bundled(case: fn(&Pki, &Ports)) {
    let pki = pki();
    let (_brokers, ports) = bundled(&pki);
    case(&pki, &ports);
}

macro_rules! on_both {
    ($($case:ident),* $(,)?) => {
        mod mosquitto_broker {
            $( #[test] fn $case() { super::on_mosquitto(super::$case) } )*
        }
        mod bundled_broker {
            $( #[test] fn $case() { super::on_bundled(super::$case) } )*
        }
    };
}

on_both!(
    mqtts_round_trip_with_cafile_by_url_and_by_flags,
    capath_trusts_every_certificate_in_the_directory,
    os_store_is_used_without_cafile_and_its_absence_is_a_clear_error,
    an_untrusted_server_certificate_fails_cleanly_with_exit_1,
    insecure_accepts_an_unknown_ca_and_warns,
    client_certificate_is_sent_when_required_and_missing_it_fails,
    websocket_round_trip,
    secure_websocket_round_trip,
);

/// Usage errors need no broker: they are found before any socket opens.
#[test]
fn bad_tls_flags_are_usage_errors_naming_the_flag() {
    let pki = pki();
    let dir = pki.dir.path();
    let garbage = write_file(dir, "garbage.pem", "this is not PEM\n")
        .display()
        .to_string();
    let broken = write_file(
        dir,
        "broken.pem",
        "-----BEGIN CERTIFICATE-----\nnot base64!\n",
    )
    .display()
    .to_string();
    let (cert, key, ca) = (
        pki.arg("client.pem"),
        pki.arg("client.key"),
        pki.arg("ca.pem"),
    );
    let cases: &[(&[&str], &str)] = &[
        (&["--cert", &cert], "--cert needs --key"),
        (&["--key", &key], "--key needs --cert"),
        (
            &["--cafile", "/nonexistent/ca.pem"],
            "--cafile /nonexistent/ca.pem",
        ),
        (&["--cafile", &garbage], "no PEM certificate"),
        (&["--cafile", &broken], "--cafile"),
        (&["--capath", "/nonexistent"], "--capath /nonexistent"),
        (&["--capath", &pki.arg("server.key")], "--capath"),
        (
            &["--cafile", &ca, "--cert", &cert, "--key", &cert],
            "no PEM private key",
        ),
        (
            &[
                "--cafile",
                &ca,
                "--cert",
                &cert,
                "--key",
                &pki.arg("server.key"),
            ],
            "--cert",
        ),
        (
            &["-L", "mqtt://localhost/t", "--cafile", &ca],
            "use mqtts://",
        ),
        (&["-L", "ws://localhost", "--insecure"], "use wss://"),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["pub", "-t", "t", "-m", "x", "--connect-timeout", "1"];
        if !flags.contains(&"-L") {
            // A port nothing listens on: a usage error must come before any connection.
            args.extend(["-h", "127.0.0.1", "-p", "1"]);
        }
        args.extend_from_slice(flags);
        let out = run(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(expected), "{flags:?}: {err}");
    }
}
