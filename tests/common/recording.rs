//! Helpers for the `record` and `replay` tests: reading recordings back, waiting for a
//! recorder to have written, signals.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use mqttkit::record::source::Source;
use mqttkit::record::Record;

use super::WAIT;

/// The NDJSON lines of `path` (empty when it does not exist yet).
pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits until `path` holds at least `n` lines (a recorder flushes whenever it is idle).
pub async fn wait_lines(path: &Path, n: usize) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while lines(path).len() < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} has {} lines, expected {n}",
            path.display(),
            lines(path).len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Every record of a recording (NDJSON or SQLite), through the crate's reader.
pub fn records(path: &Path) -> Vec<Record> {
    let source = Source::open(path.to_str().unwrap()).unwrap();
    let mut out = Vec::new();
    source
        .read(&mut |item| {
            out.push(
                item.record
                    .unwrap_or_else(|e| panic!("{}: {e}", item.place)),
            );
            true
        })
        .unwrap();
    out
}

/// Sends `signal` to process `pid`.
pub fn signal(pid: u32, signal: libc::c_int) {
    // SAFETY: kill(2) with a pid this test spawned and has not reaped.
    let r = unsafe { libc::kill(pid as i32, signal) };
    assert_eq!(r, 0, "kill({pid}, {signal})");
}
