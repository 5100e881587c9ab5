//! The integration tests, one binary: a module per area (`cargo test --test main broker_qos`
//! runs one area, `cargo test --test main broker_qos::some_test` one test), so the crate and
//! `tests/common` are compiled and linked once, not once per area. A new area is a new
//! `tests/<area>.rs` and a `mod <area>;` line here.

mod common;

mod bench;
mod bench_client;
mod bench_faults;
mod bench_transport;
mod bridge;
mod broker_acl;
mod broker_auth;
mod broker_config;
mod broker_connect;
mod broker_fuzz;
mod broker_limits;
mod broker_listeners;
mod broker_malformed;
mod broker_overload;
mod broker_persistence;
mod broker_qos;
mod broker_retain;
mod broker_session;
mod broker_topics;
mod broker_v5_connect;
mod broker_v5_flow;
mod broker_v5_publish;
mod broker_v5_session;
mod broker_v5_subscribe;
mod broker_v5_will;
mod broker_will;
mod cli;
mod demo;
mod interop_mosquitto_clients;
mod interop_v5_clients;
mod pub_lines;
mod pubsub;
mod pubsub_v5;
mod record;
mod refusals;
mod replay;
mod signals;
mod sim;
mod status;
mod stdout_errors;
mod sub_output_interop;
mod tls_ws;
mod top;

/// With `autotests = false` a file in tests/ that has no `mod` line above is silently never
/// built: this catches one added on another branch and merged without its line.
#[test]
fn every_area_file_in_tests_is_a_module_of_main() {
    let listed: std::collections::BTreeSet<&str> = include_str!("main.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let area = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if path.extension().is_some_and(|e| e == "rs")
            && area != "main"
            && !listed.contains(area.as_str())
        {
            missing.push(area);
        }
    }
    assert!(
        missing.is_empty(),
        "tests/main.rs lacks `mod` lines for {missing:?}"
    );
}
