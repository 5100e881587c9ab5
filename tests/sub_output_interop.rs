//! `mqttkit sub` prints byte for byte what `mosquitto_sub` prints for the same messages, with
//! the same flags (default, `-v`, `-N`, `-v -N`, `-F` with every specifier that does not
//! depend on the clock, `%j`, `%J`, `--pretty`).
//!
//! Both subscribe to one private mosquitto. Each first receives a retained marker, which shows
//! it is subscribed; then the messages are published live, so both see the same packets.
//! Receive times (`tst` of `%j`) are compared by shape only.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;

/// A subscriber whose stdout is collected by a thread as it arrives.
struct Collected {
    child: Child,
    out: Arc<Mutex<Vec<u8>>>,
    reader: std::thread::JoinHandle<()>,
}

fn collect(mut child: Child) -> Collected {
    let mut stdout = child.stdout.take().unwrap();
    let out = Arc::new(Mutex::new(Vec::new()));
    let sink = out.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    Collected { child, out, reader }
}

impl Collected {
    fn has_output(&self) -> bool {
        !self.out.lock().unwrap().is_empty()
    }

    /// Waits for the process (bounded by its -W) and returns everything it printed.
    fn finish(mut self) -> Vec<u8> {
        let status = self.child.wait().unwrap();
        self.reader.join().unwrap();
        assert!(status.success(), "subscriber exited with {status}");
        Arc::try_unwrap(self.out).unwrap().into_inner().unwrap()
    }
}

const MARKER: &str = "out/0-marker";

/// Publishes with mosquitto_pub.
fn publish(port: u16, args: &[&str]) {
    let out = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mosquitto_pub {args:?}: {}",
        stderr(&out)
    );
}

/// The test messages: every QoS, retained and not, empty, binary, JSON, escapes, a long topic.
/// Each is (topic, mosquitto_pub flags, whether the payload is JSON).
fn messages(dir: &std::path::Path) -> Vec<(String, Vec<String>, bool)> {
    let binary = write_file(dir, "binary", "");
    std::fs::write(
        &binary,
        [0u8, 0xff, 0xc3, 0x28, b'a', b'\n', 0x7f, b'%', b'\\'],
    )
    .unwrap();
    let long_topic = format!("out/{}", "long-".repeat(40));
    let m = |topic: &str, args: &[&str], json: bool| {
        (
            topic.to_string(),
            args.iter().map(|a| a.to_string()).collect(),
            json,
        )
    };
    vec![
        m("out/text", &["-m", "plain text"], false),
        m("out/empty", &["-n", "-q", "1"], true),
        m(
            "out/binary",
            &["-f", &binary.display().to_string(), "-q", "2"],
            false,
        ),
        m(
            "out/json",
            &[
                "-m",
                r#"{"a":[1,2.5,{"b":"c"}],"d":null,"e":"ü"}"#,
                "-q",
                "1",
                "-r",
            ],
            true,
        ),
        m(
            "out/escapes",
            &["-m", "tab\there \"quotes\" back\\slash ünïcødé\nline"],
            false,
        ),
        m(&long_topic, &["-m", "42", "-q", "2"], true),
        m("out/number", &["-m", "-17.25", "-q", "1"], true),
    ]
}

/// Which messages a case subscribes to.
#[derive(Clone, Copy)]
enum Only {
    All,
    /// Not the binary payload: `%j` differs from mosquitto_sub there by design.
    NotBinary,
    /// JSON payloads only: `%J` differs from mosquitto_sub for the others by design.
    Json,
}

/// Runs both subscribers with `flags`, publishes, and returns (mqttkit's, mosquitto_sub's).
fn both(flags: &[&str], only: Only) -> (Vec<u8>, Vec<u8>) {
    let broker = Mosquitto::start("allow_anonymous true");
    let port = broker.port;
    let dir = tempfile::tempdir().unwrap();
    // A JSON string, so that every format prints it the same way.
    publish(port, &["-t", MARKER, "-m", "\"ready\"", "-r", "-q", "1"]);
    let messages = messages(dir.path());
    let chosen: Vec<&(String, Vec<String>, bool)> = messages
        .iter()
        .filter(|(topic, _, json)| match only {
            Only::All => true,
            Only::NotBinary => topic != "out/binary",
            Only::Json => *json,
        })
        .collect();
    let count = (chosen.len() + 1).to_string();
    // Subscribed at QoS 1: mosquitto_sub hands a QoS 2 message to its output only once PUBREL
    // arrives, rumqttc at the PUBLISH (both allowed by [MQTT-4.3.3]), so at QoS 2 later QoS 0/1
    // messages overtake it in mosquitto_sub's output and the two orders differ.
    let mut args: Vec<String> = vec!["-t".into(), MARKER.into()];
    for (topic, _, _) in &chosen {
        args.extend(["-t".to_string(), topic.clone()]);
    }
    args.extend(["-q", "1", "-C", &count, "-W", "20"].map(String::from));
    args.extend(flags.iter().map(|f| f.to_string()));
    let ours = Command::cargo_bin("mqttkit")
        .unwrap()
        .args(["sub", "-h", "127.0.0.1", "-p", &port.to_string()])
        .args(&args)
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let theirs = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(&args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (ours, theirs) = (collect(ours), collect(theirs));
    let deadline = Instant::now() + WAIT * 2;
    while !(ours.has_output() && theirs.has_output()) {
        assert!(Instant::now() < deadline, "a subscriber printed no marker");
        std::thread::sleep(Duration::from_millis(20));
    }
    for (topic, flags, _) in &messages {
        let mut args = vec!["-t", topic.as_str()];
        args.extend(flags.iter().map(String::as_str));
        publish(port, &args);
    }
    (ours.finish(), theirs.finish())
}

/// Replaces the value of every `"tst"` field (the receive time, which differs between two
/// processes by microseconds) with `T`; the field's shape is checked first.
fn without_receive_times(out: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(out).into_owned();
    let mut result = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("\"tst\":") {
        let (head, tail) = rest.split_at(at + 6);
        result.push_str(head);
        let spaces = tail.len() - tail.trim_start().len();
        result.push_str(&tail[..spaces]);
        let value = &tail[spaces..];
        let end = value[1..].find('"').expect("a quoted tst") + 2;
        // e.g. "2026-11-22T10:00:00.123456Z+0000"
        let tst = &value[1..end - 1];
        assert!(
            tst.len() == 32 && tst.as_bytes()[10] == b'T' && tst.ends_with("Z+0000"),
            "{tst}"
        );
        result.push_str("\"T\"");
        rest = &value[end..];
    }
    result.push_str(rest);
    result.into_bytes()
}

fn assert_same(flags: &[&str], only: Only) {
    if skip_without("mosquitto") || skip_without("mosquitto_sub") || skip_without("mosquitto_pub") {
        return;
    }
    let (ours, theirs) = both(flags, only);
    let (ours, theirs) = (without_receive_times(&ours), without_receive_times(&theirs));
    assert!(!theirs.is_empty());
    assert!(
        ours == theirs,
        "{flags:?}\nmqttkit:\n{}\nmosquitto_sub:\n{}",
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs)
    );
}

#[test]
fn default_output() {
    assert_same(&[], Only::All);
}

#[test]
fn verbose() {
    assert_same(&["-v"], Only::All);
}

#[test]
fn no_eol() {
    assert_same(&["-N"], Only::All);
}

#[test]
fn verbose_no_eol() {
    assert_same(&["-v", "-N"], Only::All);
}

#[test]
fn format_with_every_clock_free_specifier() {
    assert_same(
        &[
            "-F",
            r"%%|%t|%p|%q|%r|%l|%m|%x|%X|[%10t]|[%-10t]|[%10.5t]|[%05l]|[%-5q]|\\|\0|\a|\e|\n|\r|\t|\v|@@",
        ],
        Only::All,
    );
}

#[test]
fn json_formats() {
    // Two differences are deliberate (see src/output/format.rs): `%j` of a payload with a NUL or
    // invalid UTF-8 keeps all of it (mosquitto_sub cuts at the NUL and writes invalid JSON), and
    // `%J` of a payload that is not JSON embeds it as a string (mosquitto_sub prints nothing).
    assert_same(&["-F", "%j"], Only::NotBinary);
    assert_same(&["-F", "%J"], Only::Json);
    assert_same(&["-F", "%j", "--pretty"], Only::NotBinary);
    assert_same(&["-F", "%J", "--pretty"], Only::Json);
}
