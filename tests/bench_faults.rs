//! `mqttkit bench` under faults: a broker killed mid-run, Ctrl-C while reconnecting, a broker
//! that stops reading, that never sends SUBACK or PINGRESP, that sends a malformed SUBACK or a
//! v5 DISCONNECT; the MQTT 5 CONNACK limits of mosquitto (Maximum QoS, Retain Available,
//! Server Keep Alive); keep-alive during a slow `--connect-rate` ramp; the lowest `--rate`.
//!
//! The faults the bundled broker cannot show come from [`Mock`], a few lines of raw MQTT on
//! a std TCP listener. Every run is short and on 127.0.0.1; the only timings asserted are
//! generous upper bounds that show a run ends (hang checks).

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::common::report::*;
use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;

/// `mqttkit bench MODE -h 127.0.0.1 -p PORT ARGS…`, stdin closed, nothing from the
/// environment (password, URL, user, log filter).
fn bench(port: u16, mode: &str, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("mqttkit").unwrap();
    cmd.args(["bench", mode, "-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .env_remove("MQTTKIT_PASSWORD")
        .env_remove("MQTTKIT_URL")
        .env_remove("MQTTKIT_USERNAME")
        .env_remove("MQTTKIT_LOG")
        .stdin(Stdio::null());
    cmd
}

// ---------------------------------------------------------------------------------------
// Helpers: a broker process to kill, a bench run watched while it runs, a mock broker

/// `mqttkit broker` as a child process, to be killed with SIGKILL mid-run.
struct BrokerProcess {
    child: Child,
}

impl BrokerProcess {
    fn start(port: u16) -> BrokerProcess {
        let child = Command::cargo_bin("mqttkit")
            .unwrap()
            .args(["broker", "-p", &port.to_string(), "--sys-interval", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        wait_for_port(port);
        BrokerProcess { child }
    }

    /// SIGKILL: the broker's sockets close without a word.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for BrokerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bench run whose stderr is watched while it runs (its progress lines, its warnings).
struct Watched {
    child: Option<Child>,
    pipes: Option<(Drained, Drained)>,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Watched {
    fn spawn(mut cmd: Command) -> Watched {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stdout = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = out.read_to_end(&mut bytes);
            bytes
        });
        let shared = seen.clone();
        let stderr = std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            loop {
                match err.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => shared.lock().unwrap().extend_from_slice(&chunk[..n]),
                }
            }
            shared.lock().unwrap().clone()
        });
        Watched {
            child: Some(child),
            pipes: Some((stdout, stderr)),
            seen,
        }
    }

    fn stderr_so_far(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }

    /// Waits until stderr shows `needle` (at most `within`).
    fn wait_for(&mut self, needle: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while !self.stderr_so_far().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} on stderr within {within:?}:\n{}",
                self.stderr_so_far()
            );
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!(
                    "bench exited ({status:?}) before {needle:?}:\n{}",
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn pid(&self) -> i32 {
        i32::try_from(self.child.as_ref().unwrap().id()).unwrap()
    }

    /// Waits for the end of the run, at most `limit` from now (a hang check).
    fn finish_within(mut self, limit: Duration) -> Output {
        let child = self.child.take().unwrap();
        let pipes = self.pipes.take().unwrap();
        wait_within(child, pipes, limit, "bench")
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sends `signal` to process `pid`.
fn signal(pid: i32, signal: libc::c_int) {
    // SAFETY: kill(2) with a pid this test spawned and has not reaped.
    let r = unsafe { libc::kill(pid, signal) };
    assert_eq!(r, 0, "kill({pid}, {signal})");
}

/// A fake broker on 127.0.0.1 and a free port: each connection is served by `serve` on a
/// thread of its own, which should return once `stop` is set (or the client closes).
struct Mock {
    port: u16,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    accepting: Option<JoinHandle<()>>,
}

type Serve = dyn Fn(TcpStream, &AtomicBool) + Send + Sync;

impl Mock {
    fn start(serve: impl Fn(TcpStream, &AtomicBool) + Send + Sync + 'static) -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let serve: Arc<Serve> = Arc::new(serve);
        let (stopped, count) = (stop.clone(), accepted.clone());
        let accepting = std::thread::spawn(move || {
            while !stopped.load(SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        // Bounded, so that a thread blocked on a read ends by itself.
                        stream.set_read_timeout(Some(LIMIT)).unwrap();
                        count.fetch_add(1, SeqCst);
                        let (serve, stop) = (serve.clone(), stopped.clone());
                        std::thread::spawn(move || serve(stream, &stop));
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => return,
                }
            }
        });
        Mock {
            port,
            stop,
            accepted,
            accepting: Some(accepting),
        }
    }

    /// Connections accepted so far.
    fn accepted(&self) -> usize {
        self.accepted.load(SeqCst)
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.stop.store(true, SeqCst);
        if let Some(t) = self.accepting.take() {
            let _ = t.join();
        }
    }
}

/// One MQTT packet: its first byte and its body (after the remaining length); `None` at the
/// end of the stream or on a malformed length.
fn read_packet(s: &mut TcpStream) -> Option<(u8, Vec<u8>)> {
    let mut byte = [0u8; 1];
    s.read_exact(&mut byte).ok()?;
    let first = byte[0];
    let mut len = 0usize;
    for shift in [0, 7, 14, 21] {
        s.read_exact(&mut byte).ok()?;
        len |= usize::from(byte[0] & 0x7f) << shift;
        if byte[0] & 0x80 == 0 {
            let mut body = vec![0; len];
            s.read_exact(&mut body).ok()?;
            return Some((first, body));
        }
    }
    None
}

/// Reads CONNECT and answers `connack`; false when the client went away first.
fn accept_connect(s: &mut TcpStream, connack: &[u8]) -> bool {
    match read_packet(s) {
        Some((0x10, _)) => s.write_all(connack).is_ok(),
        _ => false,
    }
}

/// A successful MQTT 3.1.1 CONNACK: session present 0, return code 0.
const CONNACK: [u8; 4] = [0x20, 0x02, 0x00, 0x00];
/// A successful MQTT 5 CONNACK: flags 0, reason 0, no properties.
const CONNACK_V5: [u8; 5] = [0x20, 0x03, 0x00, 0x00, 0x00];

/// Reads and discards everything until the client closes or `stop` is set: a broker that
/// takes what it is sent and never answers.
fn ignore_everything(mut s: TcpStream, stop: &AtomicBool) {
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let mut chunk = [0u8; 65536];
    while !stop.load(SeqCst) {
        match s.read(&mut chunk) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
    }
}

/// Holds the connection open without reading another byte until `stop` is set: a broker
/// that has stopped reading, so that the client's writes fill the socket buffers and block.
fn never_read_again(s: TcpStream, stop: &AtomicBool) {
    while !stop.load(SeqCst) {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(s);
}

/// Reads until SUBSCRIBE (answering PINGREQ on the way when `pong`); its packet id.
fn read_subscribe(s: &mut TcpStream, pong: bool) -> Option<[u8; 2]> {
    loop {
        let (first, body) = read_packet(s)?;
        match first {
            0x82 => return Some([body[0], body[1]]),
            0xc0 if pong => s.write_all(&[0xd0, 0x00]).ok()?,
            _ => {}
        }
    }
}

/// A mock answering CONNECT with `connack`, then SUBSCRIBE with `suback(packet id)`, then
/// ignoring everything.
fn suback_mock(connack: &'static [u8], suback: fn([u8; 2]) -> Vec<u8>) -> Mock {
    Mock::start(move |mut s, stop| {
        if !accept_connect(&mut s, connack) {
            return;
        }
        let Some(pkid) = read_subscribe(&mut s, false) else {
            return;
        };
        if s.write_all(&suback(pkid)).is_ok() {
            ignore_everything(s, stop);
        }
    })
}

/// An MQTT 3.1.1 PUBLISH at QoS 0.
fn publish_qos0(topic: &str, payload: &[u8], retain: bool) -> Vec<u8> {
    let len = 2 + topic.len() + payload.len();
    assert!(len < 128, "one length byte");
    let mut p = vec![0x30 | u8::from(retain), len as u8];
    p.extend((topic.len() as u16).to_be_bytes());
    p.extend(topic.as_bytes());
    p.extend(payload);
    p
}

/// Answers PINGREQ and ignores everything else until the client closes or `stop` is set.
fn answer_pings(mut s: TcpStream, stop: &AtomicBool) {
    while !stop.load(SeqCst) {
        match read_packet(&mut s) {
            Some((0xc0, _)) => {
                if s.write_all(&[0xd0, 0x00]).is_err() {
                    return;
                }
            }
            Some(_) => {}
            None => return,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The broker dies mid-run

#[test]
fn a_timed_run_whose_broker_is_killed_ends_on_time_with_its_report() {
    let port = free_port();
    let mut broker = BrokerProcess::start(port);
    // No --quiet: the progress lines on stderr say when publishing has run for a second.
    let mut run = Watched::spawn(bench(
        port,
        "pubsub",
        &["-q", "1", "--rate", "500", "--duration", "2s", "--json"],
    ));
    run.wait_for("1s  sent", LIMIT);
    broker.kill();
    // Reconnecting stops at the end of the run (2 s, then the 5 s drain): the run ends
    // although the broker never comes back.
    let out = run.finish_within(Duration::from_secs(30));
    let r = report(&out);
    assert!(count(&r, "reconnects") >= 1, "{r}");
    assert!(count(&r, "errors") >= 1, "{r}");
    // What was due after the broker died and could not be sent is unsent, not sent.
    assert!(count(&r, "unsent") > 0, "{r}");
    assert_eq!(
        count(&r, "sent") + count(&r, "unsent"),
        1000,
        "2 s at 500/s were due: {r}"
    );
    // Each failed attempt names its client.
    let err = stderr(&out);
    for who in ["publisher 0:", "subscriber 0:"] {
        assert!(
            err.lines()
                .any(|l| l.contains("retrying in") && l.contains(who)),
            "no retry of {who:?} named on stderr:\n{err}"
        );
    }
}

#[test]
fn ctrl_c_while_the_broker_is_dead_ends_the_run_with_its_report() {
    let port = free_port();
    let mut broker = BrokerProcess::start(port);
    // No --duration: only Ctrl-C ends this run (10,000 s of messages).
    let mut run = Watched::spawn(bench(
        port,
        "pubsub",
        &["-q", "1", "--count", "1000000", "--rate", "100", "--json"],
    ));
    run.wait_for("1s  sent", LIMIT);
    broker.kill();
    // The clients have found the connection lost and are reconnecting to nothing.
    run.wait_for("reconnecting in", LIMIT);
    signal(run.pid(), libc::SIGINT);
    let out = run.finish_within(Duration::from_secs(15));
    let r = report(&out);
    assert!(count(&r, "reconnects") >= 1, "{r}");
    assert!(count(&r, "sent") > 0, "{r}");
    assert!(count(&r, "sent") < 1_000_000, "{r}");
}

#[test]
fn sub_and_conn_whose_broker_is_killed_stop_reconnecting_at_the_end() {
    // bench sub: reconnecting stops at the end of --duration; bench conn: at the end of the
    // hold. Both end with a report although the broker never comes back.
    let cases: &[(&str, &[&str], &str)] = &[
        ("sub", &["--duration", "3s", "--json"], "1s  sent"),
        (
            "conn",
            &["-c", "2", "--duration", "3s", "--json"],
            "connected 2",
        ),
    ];
    for (mode, args, progress) in cases {
        let port = free_port();
        let mut broker = BrokerProcess::start(port);
        let mut run = Watched::spawn(bench(port, mode, args));
        run.wait_for(progress, LIMIT);
        broker.kill();
        let out = run.finish_within(Duration::from_secs(30));
        let r = report(&out);
        assert!(count(&r, "reconnects") >= 1, "{mode}: {r}");
        assert!(count(&r, "errors") >= 1, "{mode}: {r}");
    }
}

// ---------------------------------------------------------------------------------------
// The broker stalls

#[test]
fn a_broker_that_stops_reading_costs_the_connection_not_the_run() {
    // CONNACK, then not another byte read: 120 MB/s of 60 kB messages fill the socket
    // buffers within a fraction of a second and the write blocks. After 10 s without the
    // broker taking any data the connection counts as lost; the run (2 s + the 5 s drain)
    // is over by then, so the publisher stops instead of reconnecting, and its DISCONNECT
    // gives up after 1 s.
    let mock = Mock::start(|mut s, stop| {
        if accept_connect(&mut s, &CONNACK) {
            never_read_again(s, stop);
        }
    });
    let out = output_within_limit(
        bench(
            mock.port,
            "pub",
            &[
                "-q",
                "0",
                "--size",
                "60000",
                "--rate",
                "2000",
                "--duration",
                "2s",
                "-k",
                "0",
                "--json",
                "--quiet",
            ],
        ),
        Duration::from_secs(40),
    );
    let r = report(&out);
    assert!(count(&r, "errors") >= 1, "{r}");
    assert!(count(&r, "unsent") > 0, "{r}");
    assert!(count(&r, "sent") < 4000, "{r}");
    assert_eq!(count(&r, "sent") + count(&r, "unsent"), 4000, "{r}");
}

#[test]
fn a_batch_that_could_not_be_written_goes_out_again_after_the_reconnect() {
    // Connection 1 stops reading after CONNACK: the publisher's write stalls, and after 10 s
    // the connection counts as lost. Connection 2 reads everything. Only then does connection
    // 1 read what its socket buffers hold (complete messages, then maybe one cut short). The
    // batch whose write failed must go out again on connection 2, not count as sent.
    let seen: Arc<Mutex<Vec<(usize, u64)>>> = Arc::default();
    let (opened, closed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let second = Arc::new(AtomicBool::new(false));
    let mock = {
        let (seen, opened, closed) = (seen.clone(), opened.clone(), closed.clone());
        Mock::start(move |mut s, stop| {
            let n = opened.fetch_add(1, SeqCst);
            if !accept_connect(&mut s, &CONNACK) {
                return;
            }
            if n == 0 {
                while !second.load(SeqCst) && !stop.load(SeqCst) {
                    std::thread::sleep(Duration::from_millis(20));
                }
            } else {
                second.store(true, SeqCst);
            }
            // PUBLISH at QoS 0: topic length, topic, then the payload, whose bytes 8..16
            // are the sequence number.
            while let Some((first, body)) = read_packet(&mut s) {
                if first >> 4 == 3 {
                    let topic = usize::from(u16::from_be_bytes([body[0], body[1]]));
                    let payload = &body[2 + topic..];
                    let seq = u64::from_be_bytes(payload[8..16].try_into().unwrap());
                    seen.lock().unwrap().push((n, seq));
                }
            }
            closed.fetch_add(1, SeqCst);
        })
    };
    let out = output_within_limit(
        bench(
            mock.port,
            "pub",
            &[
                "-q", "0", "--size", "60000", "--rate", "2000", "--count", "1000", "-k", "0",
                "--json", "--quiet",
            ],
        ),
        Duration::from_secs(40),
    );
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 1000, "{r}");
    assert_eq!(count(&r, "errors"), 1, "{r}");
    assert_eq!(count(&r, "reconnects"), 1, "{r}");
    assert!(
        stderr(&out).contains("the broker took no data for 10s"),
        "{}",
        stderr(&out)
    );
    // Both connections read to their ends.
    let deadline = Instant::now() + WAIT;
    while closed.load(SeqCst) < 2 {
        assert!(
            Instant::now() < deadline,
            "the mock's connections did not end"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let seen = seen.lock().unwrap();
    let on = |c: usize| -> Vec<u64> {
        seen.iter()
            .filter(|(n, _)| *n == c)
            .map(|(_, q)| *q)
            .collect()
    };
    let (first, again) = (on(0), on(1));
    assert!(!again.is_empty(), "nothing on the second connection");
    // Each connection in order, without gaps; the second starts at most one batch (two
    // messages of 60 kB in a 64 KiB batch) before the first one's end, and no message is
    // missing from both.
    let in_order = |v: &[u64]| v.windows(2).all(|w| w[1] == w[0] + 1);
    assert!(in_order(&first) && in_order(&again), "{first:?} {again:?}");
    assert_eq!(first.first().copied().unwrap_or(0), 0, "{first:?}");
    assert_eq!(*again.last().unwrap(), 999, "{again:?}");
    let resumed = again[0];
    let next = first.last().map_or(0, |l| l + 1);
    assert!(
        resumed <= next && next - resumed <= 2,
        "connection 1 took 0..{next}, connection 2 resumed at {resumed}"
    );
    assert_eq!(mock.accepted(), 2);
}

#[test]
fn a_broker_that_never_sends_suback_fails_within_the_connect_timeout() {
    let mock = Mock::start(|mut s, stop| {
        if accept_connect(&mut s, &CONNACK) {
            ignore_everything(s, stop);
        }
    });
    let out = output_within_limit(
        bench(
            mock.port,
            "sub",
            &["--duration", "2s", "--connect-timeout", "2s", "--quiet"],
        ),
        Duration::from_secs(30),
    );
    assert_no_panic(&out);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("no SUBACK"), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_suback_without_return_codes_is_malformed() {
    // One filter, so one return code is due [MQTT-3.8.4-5]; this SUBACK has none.
    let mock = suback_mock(&CONNACK, |[hi, lo]| vec![0x90, 0x02, hi, lo]);
    let out = output_within(bench(
        mock.port,
        "sub",
        &["-t", "bench/#", "--duration", "2s", "--quiet"],
    ));
    assert_fails(
        &out,
        1,
        &["malformed SUBACK", "[MQTT-3.8.4-5]"],
        "empty SUBACK",
    );
}

#[test]
fn a_lower_granted_qos_is_warned_about() {
    // SUBACK granting QoS 0 for a QoS 1 subscription [MQTT-3.9.3-1]: the run goes on, and
    // says so once.
    let mock = suback_mock(&CONNACK, |[hi, lo]| vec![0x90, 0x03, hi, lo, 0x00]);
    let out = output_within(bench(
        mock.port,
        "sub",
        &[
            "-q",
            "1",
            "-t",
            "bench/#",
            "--duration",
            "1s",
            "--json",
            "--quiet",
        ],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "received"), 0, "{r}");
    let err = stderr(&out);
    assert!(
        err.contains("granted QoS 0") && err.contains("asked for 1"),
        "{err}"
    );
}

#[test]
fn an_unanswered_pingreq_fails_the_connection() {
    // CONNACK, then it reads everything and answers nothing: PINGREQ [MQTT-3.1.2-23] gets
    // no PINGRESP [MQTT-3.12.4-1], and after a keep-alive the connection is found dead
    // (MQTT 3.1.1 §3.1.2.10).
    let mock = Mock::start(|mut s, stop| {
        if accept_connect(&mut s, &CONNACK) {
            ignore_everything(s, stop);
        }
    });
    let out = output_within(bench(
        mock.port,
        "conn",
        &[
            "-c",
            "1",
            "-k",
            "1",
            "--duration",
            "4s",
            "--json",
            "--quiet",
        ],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "connected"), 1, "{r}");
    assert!(count(&r, "errors") >= 1, "{r}");
    assert!(
        stderr(&out).contains("no answer to PINGREQ"),
        "{}",
        stderr(&out)
    );
    assert!(mock.accepted() >= 2, "the connection was opened again");
}

#[test]
fn a_subscriber_whose_pingreq_goes_unanswered_reconnects() {
    // As above for `bench sub`: SUBACK, then silence.
    let mock = suback_mock(&CONNACK, |[hi, lo]| vec![0x90, 0x03, hi, lo, 0x00]);
    let out = output_within(bench(
        mock.port,
        "sub",
        &["-k", "1", "--duration", "4s", "--json", "--quiet"],
    ));
    let r = report(&out);
    assert!(count(&r, "errors") >= 1, "{r}");
    assert!(count(&r, "reconnects") >= 1, "{r}");
    assert!(
        stderr(&out).contains("no answer to PINGREQ"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------
// MQTT 5: the broker's limits in CONNACK, and its DISCONNECT

#[test]
fn v5_maximum_qos_of_the_broker_is_honoured() {
    if skip_without("mosquitto") {
        return;
    }
    let broker = Mosquitto::start("allow_anonymous true\nmax_qos 0");
    // CONNACK carries Maximum QoS 0: the client must not publish at QoS 1 [MQTT-3.2.2-11].
    let out = output_within(bench(
        broker.port,
        "pub",
        &["-V", "5", "-q", "1", "--count", "10", "--quiet"],
    ));
    assert_fails(
        &out,
        1,
        &["Maximum QoS", "-q 0"],
        "QoS 1 above Maximum QoS 0",
    );
    // The control: QoS 0 goes through.
    let out = output_within(bench(
        broker.port,
        "pub",
        &["-V", "5", "-q", "0", "--count", "10", "--json", "--quiet"],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 10, "{r}");
    assert_zero(&r, &["errors", "reconnects"]);
    // A subscriber asking for QoS 1 is granted QoS 0 [MQTT-3.9.3-1] and is told so.
    let out = output_within(bench(
        broker.port,
        "sub",
        &[
            "-V",
            "5",
            "-q",
            "1",
            "--duration",
            "1s",
            "--json",
            "--quiet",
        ],
    ));
    report(&out);
    assert!(stderr(&out).contains("granted QoS 0"), "{}", stderr(&out));
}

#[test]
fn v5_retain_not_available_is_honoured() {
    if skip_without("mosquitto") {
        return;
    }
    let broker = Mosquitto::start("allow_anonymous true\nretain_available false");
    // CONNACK carries Retain Available 0: no PUBLISH with RETAIN 1 [MQTT-3.2.2-14].
    let out = output_within(bench(
        broker.port,
        "pub",
        &["-V", "5", "-r", "--count", "10", "--quiet"],
    ));
    assert_fails(
        &out,
        1,
        &["Retain Available"],
        "--retain without Retain Available",
    );
    // The control: without --retain the same broker takes them.
    let out = output_within(bench(
        broker.port,
        "pub",
        &["-V", "5", "-q", "1", "--count", "10", "--json", "--quiet"],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "acked"), 10, "{r}");
    assert_zero(&r, &["errors", "reconnects"]);
}

#[test]
fn v5_server_keep_alive_of_mosquitto_replaces_the_clients() {
    if skip_without("mosquitto") {
        return;
    }
    // -k 60, but mosquitto answers Server Keep Alive 10 (2.0.11 accepts no max_keepalive
    // below 10): the client must use it [MQTT-3.2.2-21], and mosquitto drops a client
    // silent for 1.5 × 10 s [MQTT-3.1.2-24], within the 18 s hold.
    let broker = Mosquitto::start("allow_anonymous true\nmax_keepalive 10");
    let out = output_within(bench(
        broker.port,
        "conn",
        &[
            "-V",
            "5",
            "-k",
            "60",
            "-c",
            "2",
            "--duration",
            "18s",
            "--json",
            "--quiet",
        ],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "connected"), 2, "{r}");
    assert_zero(&r, &["errors", "reconnects"]);
}

/// A v5 broker that gives Server Keep Alive `secs` in CONNACK, answers PINGREQ, and closes
/// a connection silent for 1.5 × `secs` [MQTT-3.1.2-24]; what else it reads it ignores.
fn keep_alive_mock(secs: u8) -> Mock {
    Mock::start(move |mut s, stop| {
        // CONNACK: flags, reason 0, properties: Server Keep Alive (0x13, two bytes).
        let connack = [0x20, 0x06, 0x00, 0x00, 0x03, 0x13, 0x00, secs];
        if !accept_connect(&mut s, &connack) {
            return;
        }
        let grace = Duration::from_millis(1500 * u64::from(secs));
        s.set_read_timeout(Some(grace)).unwrap();
        while !stop.load(SeqCst) {
            match read_packet(&mut s) {
                Some((0xc0, _)) => {
                    if s.write_all(&[0xd0, 0x00]).is_err() {
                        return;
                    }
                }
                Some((0xe0, _)) | None => return,
                Some(_) => {}
            }
        }
    })
}

#[test]
fn v5_server_keep_alive_replaces_the_clients() {
    // Server Keep Alive 1 for a client asking for 60 [MQTT-3.2.2-21]: a client pinging
    // every 30 s would be closed after 1.5 s, well within the 4 s hold.
    let mock = keep_alive_mock(1);
    let out = output_within(bench(
        mock.port,
        "conn",
        &[
            "-V",
            "5",
            "-k",
            "60",
            "-c",
            "2",
            "--duration",
            "4s",
            "--json",
            "--quiet",
        ],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "connected"), 2, "{r}");
    assert_zero(&r, &["errors", "reconnects"]);
    assert_eq!(mock.accepted(), 2, "no connection was opened again");
}

#[test]
fn v5_disconnect_from_the_broker_is_reported_with_its_reason_code() {
    // v5 CONNACK, then DISCONNECT with reason 0x98 (Administrative action, MQTT 5
    // §3.14.2.1); the mock then reads on until the client closes.
    let mock = Mock::start(|mut s, stop| {
        if !accept_connect(&mut s, &CONNACK_V5) {
            return;
        }
        std::thread::sleep(Duration::from_millis(300));
        if s.write_all(&[0xe0, 0x02, 0x98, 0x00]).is_ok() {
            ignore_everything(s, stop);
        }
    });
    // QoS 1 and no PUBACK ever: the publisher is still waiting when DISCONNECT comes, and
    // --max-reconnects 0 makes the loss final.
    let out = output_within(bench(
        mock.port,
        "pub",
        &[
            "-V",
            "5",
            "-q",
            "1",
            "--count",
            "10",
            "--max-reconnects",
            "0",
            "--quiet",
        ],
    ));
    assert_fails(&out, 1, &["reason code 0x98"], "DISCONNECT 0x98");
}

#[test]
fn v5_disconnect_instead_of_suback_is_reported_with_its_reason_code() {
    // DISCONNECT 0x87 (Not authorized) where SUBACK was due.
    let mock = suback_mock(&CONNACK_V5, |_| vec![0xe0, 0x02, 0x87, 0x00]);
    let out = output_within_limit(
        bench(
            mock.port,
            "sub",
            &["-V", "5", "--duration", "2s", "--quiet"],
        ),
        Duration::from_secs(30),
    );
    assert_fails(&out, 1, &["reason code 0x87"], "DISCONNECT 0x87 for SUBACK");
}

#[test]
fn v5_refused_publishes_are_counted_with_one_warning() {
    // Every QoS 1 PUBLISH is answered with PUBACK reason 0x87 (Not authorized)
    // [MQTT-3.4.2-1]: each is an error, and the warning comes once, not once a message.
    let mock = Mock::start(|mut s, _stop| {
        if !accept_connect(&mut s, &CONNACK_V5) {
            return;
        }
        while let Some((first, body)) = read_packet(&mut s) {
            let answer = match first >> 4 {
                3 if (first >> 1) & 3 == 1 => {
                    let topic = usize::from(u16::from_be_bytes([body[0], body[1]]));
                    let pkid = &body[2 + topic..4 + topic];
                    vec![0x40, 0x03, pkid[0], pkid[1], 0x87]
                }
                12 => vec![0xd0, 0x00],
                14 => return,
                _ => continue,
            };
            if s.write_all(&answer).is_err() {
                return;
            }
        }
    });
    let out = output_within(bench(
        mock.port,
        "pub",
        &[
            "-V", "5", "-q", "1", "--count", "20", "--rate", "1000", "--json", "--quiet",
        ],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 20, "{r}");
    assert_eq!(count(&r, "acked"), 0, "{r}");
    assert_eq!(count(&r, "errors"), 20, "{r}");
    let err = stderr(&out);
    assert_eq!(
        err.matches("publish refused").count(),
        1,
        "one warning for 20 refusals:\n{err}"
    );
    assert!(err.contains("reason code 0x87"), "{err}");
}

// ---------------------------------------------------------------------------------------
// A slow --connect-rate ramp

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn early_connections_of_a_slow_ramp_are_kept_alive() {
    // One connection a second with keep-alive 1 s: the first subscriber waits 2 s for the
    // last one. The bundled broker drops a client silent for 1.5 × its keep-alive
    // [MQTT-3.1.2-24]; the early ones must ping meanwhile [MQTT-3.1.2-23].
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let out = run(bench(
        port,
        "pubsub",
        &[
            "-k",
            "1",
            "--subscribers",
            "3",
            "--connect-rate",
            "1",
            "-q",
            "1",
            "--count",
            "50",
            "--rate",
            "100",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "sent"), 50, "{r}");
    assert_eq!(count(&r, "acked"), 50, "{r}");
    assert_eq!(count(&r, "received"), 150, "{r}");
    assert_zero(&r, &["errors", "reconnects", "lost", "duplicated"]);

    // The same for publishers: the first waits 2 s for the third.
    let out = run(bench(
        port,
        "pub",
        &[
            "-k",
            "1",
            "-c",
            "3",
            "--connect-rate",
            "1",
            "-q",
            "1",
            "--count",
            "30",
            "--rate",
            "100",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "acked"), 30, "{r}");
    assert_zero(&r, &["errors", "reconnects"]);
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_are_kept_alive_while_the_publishers_ramp_up() {
    // One subscriber, then three publishers at one a second with keep-alive 1 s: the
    // subscriber is in first and waits 2 s for the last publisher; the bundled broker drops
    // it after 1.5 s of silence [MQTT-3.1.2-24] unless it pings [MQTT-3.1.2-23].
    let broker = TestBroker::start().await;
    let out = run(bench(
        broker.addr.port(),
        "pubsub",
        &[
            "-k",
            "1",
            "--subscribers",
            "1",
            "-c",
            "3",
            "-t",
            "bench/%i",
            "--connect-rate",
            "1",
            "-q",
            "1",
            "--count",
            "30",
            "--rate",
            "100",
            "--json",
            "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "acked"), 30, "{r}");
    assert_eq!(count(&r, "received"), 30, "{r}");
    assert_zero(&r, &["errors", "reconnects", "lost"]);
    broker.stop().await;
}

#[test]
fn a_message_that_arrives_during_the_ramp_is_counted() {
    // Subscriber 0 gets one (non-bench) message 300 ms after its SUBACK, while it waits for
    // subscriber 1 (--connect-rate 1); nothing else ever comes.
    let opened = Arc::new(AtomicUsize::new(0));
    let mock = Mock::start(move |mut s, stop| {
        let n = opened.fetch_add(1, SeqCst);
        if !accept_connect(&mut s, &CONNACK) {
            return;
        }
        let Some([hi, lo]) = read_subscribe(&mut s, true) else {
            return;
        };
        if s.write_all(&[0x90, 0x03, hi, lo, 0x00]).is_err() {
            return;
        }
        if n == 0 {
            std::thread::sleep(Duration::from_millis(300));
            if s.write_all(&publish_qos0("r/x", b"hello", false)).is_err() {
                return;
            }
        }
        answer_pings(s, stop);
    });
    let out = output_within(bench(
        mock.port,
        "sub",
        &[
            "-t",
            "r/#",
            "-c",
            "2",
            "--connect-rate",
            "1",
            "--duration",
            "2s",
            "--json",
            "--quiet",
        ],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "received"), 1, "{r}");
}

#[test]
fn a_retained_message_in_the_same_segment_as_suback_is_counted() {
    // SUBACK and the retained message [MQTT-3.3.1-6] in one write, as the bundled broker
    // sends them; then nothing.
    let mock = Mock::start(|mut s, stop| {
        if !accept_connect(&mut s, &CONNACK) {
            return;
        }
        let Some([hi, lo]) = read_subscribe(&mut s, true) else {
            return;
        };
        let mut both = vec![0x90, 0x03, hi, lo, 0x00];
        both.extend(publish_qos0("r/x", b"hello", true));
        if s.write_all(&both).is_ok() {
            answer_pings(s, stop);
        }
    });
    let out = output_within(bench(
        mock.port,
        "sub",
        &["-t", "r/#", "--duration", "1s", "--json", "--quiet"],
    ));
    let r = report(&out);
    assert_eq!(count(&r, "retained"), 1, "{r}");
}

#[test]
fn v5_disconnect_to_a_held_connection_is_reported_with_its_reason_code() {
    // v5 CONNACK, DISCONNECT 0x98 300 ms later, then the connection closed, as a broker does
    // [MQTT-3.14.4-2].
    let mock = Mock::start(|mut s, _stop| {
        if !accept_connect(&mut s, &CONNACK_V5) {
            return;
        }
        std::thread::sleep(Duration::from_millis(300));
        let _ = s.write_all(&[0xe0, 0x02, 0x98, 0x00]);
        let _ = s.shutdown(std::net::Shutdown::Both);
    });
    let out = output_within(bench(
        mock.port,
        "conn",
        &[
            "-V",
            "5",
            "-c",
            "1",
            "--duration",
            "1s",
            "--json",
            "--quiet",
        ],
    ));
    let r = report(&out);
    assert!(count(&r, "errors") >= 1, "{r}");
    assert!(
        stderr(&out).contains("reason code 0x98"),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------------------
// The lowest rate

#[test]
fn a_rate_below_one_message_an_hour_is_a_usage_error() {
    // Found before connecting: nothing listens on this port.
    let port = free_port();
    let cases: &[(&str, &[&str])] = &[
        ("pub", &["--rate", "0.0001", "--count", "2"]),
        ("pubsub", &["--rate", "0.0001"]),
        // One publisher every 2 hours.
        ("pub", &["--interval", "2h", "--count", "2"]),
    ];
    for (mode, args) in cases {
        let out = output_within(bench(port, mode, args));
        assert_fails(&out, 2, &["an hour"], &format!("{mode} {args:?}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_of_one_message_an_hour_or_more_runs() {
    // 0.0003/s is just above one an hour: message 0 is due at once, and the run ends with it.
    let broker = TestBroker::start().await;
    let out = run(bench(
        broker.addr.port(),
        "pub",
        &[
            "--rate", "0.0003", "-q", "1", "--count", "1", "--json", "--quiet",
        ],
    ))
    .await;
    let r = report(&out);
    assert_eq!(count(&r, "acked"), 1, "{r}");
    broker.stop().await;
}
