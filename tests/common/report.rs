//! Running `mqttkit bench` from a test and reading its JSON report: the process is bounded
//! in time and killed (failing the test) when it overruns, and a panic fails the test whatever
//! the exit code.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::stderr;

/// The longest a bench run may take in a test before it counts as hung (debug build, a busy
/// two-core machine).
pub const LIMIT: Duration = Duration::from_secs(60);

/// Runs `cmd` to the end, killing it (and failing) when it takes longer than [`LIMIT`].
pub fn output_within(cmd: Command) -> Output {
    output_within_limit(cmd, LIMIT)
}

/// [`output_within`] with a bound of its own: a hang check tighter than [`LIMIT`].
pub fn output_within_limit(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pipes = drain_pipes(&mut child);
    wait_within(child, pipes, limit, &format!("{cmd:?}"))
}

/// Waits for `child`, whose pipes `pipes` drain, to exit, killing it (and failing) when it
/// takes longer than `limit` from now; `what` names it in the failure.
pub fn wait_within(
    mut child: Child,
    pipes: (Drained, Drained),
    limit: Duration,
    what: &str,
) -> Output {
    let (stdout, stderr) = pipes;
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            let err = stderr.join().unwrap();
            panic!(
                "{what} did not finish within {limit:?}; stderr:\n{}",
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

pub type Drained = std::thread::JoinHandle<Vec<u8>>;

/// Reads the child's stdout and stderr to their ends on two threads.
pub fn drain_pipes(child: &mut Child) -> (Drained, Drained) {
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    (
        drain(Box::new(child.stdout.take().unwrap())),
        drain(Box::new(child.stderr.take().unwrap())),
    )
}

/// [`output_within`] off the async runtime (the in-process broker runs on it).
pub async fn run(cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || output_within(cmd))
        .await
        .unwrap()
}

/// Fails when the process panicked.
pub fn assert_no_panic(out: &Output) {
    let err = stderr(out);
    assert!(
        !err.contains("panicked"),
        "the process panicked (exit {:?}):\n{err}",
        out.status
    );
}

/// The JSON report of a successful run.
pub fn report(out: &Output) -> Value {
    assert_no_panic(out);
    assert!(
        out.status.success(),
        "exit {:?}:\n{}",
        out.status,
        stderr(out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A count of the report.
pub fn count(r: &Value, name: &str) -> u64 {
    r["counts"][name]
        .as_u64()
        .unwrap_or_else(|| panic!("counts.{name} in {r}"))
}

/// The sample count of a latency of the report.
pub fn latency_count(r: &Value, name: &str) -> u64 {
    r["latency"][name]["count"]
        .as_u64()
        .unwrap_or_else(|| panic!("latency.{name}.count in {r}"))
}

/// Asserts that every named count is 0.
pub fn assert_zero(r: &Value, names: &[&str]) {
    for name in names {
        assert_eq!(count(r, name), 0, "counts.{name} in {r}");
    }
}

/// Asserts a QoS 1/2 pubsub run in which every one of `sent` messages was acknowledged
/// [MQTT-4.3.2-1] [MQTT-4.3.3-1] and delivered once to each of `subscribers`, in order per
/// publisher [MQTT-4.6.0-6], with no error.
pub fn assert_all_delivered(r: &Value, sent: u64, subscribers: u64, what: &str) {
    let received = sent * subscribers;
    for (name, n) in [
        ("sent", sent),
        ("acked", sent),
        ("received", received),
        ("expected", received),
    ] {
        assert_eq!(count(r, name), n, "{what}: counts.{name} in {r}");
    }
    assert_zero(
        r,
        &[
            "lost",
            "duplicated",
            "out_of_order",
            "unsent",
            "errors",
            "reconnects",
        ],
    );
    assert_eq!(latency_count(r, "ack"), sent, "{what}: {r}");
    assert_eq!(latency_count(r, "end_to_end"), received, "{what}: {r}");
}

/// Asserts a failed run: exit `code`, no panic, no report on stdout, and `needles` on stderr.
pub fn assert_fails(out: &Output, code: i32, needles: &[&str], what: &str) {
    assert_no_panic(out);
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{what}: {err}");
    assert!(
        out.stdout.is_empty(),
        "{what}: a failed run printed a report: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(err.contains("mqttkit: error:"), "{what}: {err}");
    for needle in needles {
        assert!(err.contains(needle), "{what}: no {needle:?} in {err}");
    }
}
