//! MQTT 5 interoperability of the bundled broker with independent client implementations:
//! Debian's `mosquitto_pub` / `mosquitto_sub -V 5` (libmosquitto) and Python's paho-mqtt 2.x
//! (scripts in `tests/interop/`, which print what paho handed over as JSON; the assertions are
//! here). Each test skips, saying why, when its client is missing; with
//! MQTTKIT_REQUIRE_PEERS=1 (CI) a missing client is a failure.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use crate::common::v5::*;
use crate::common::v5::{publish, QoS};
use crate::common::*;
use mqttkit::broker::{AuthConfig, BrokerConfig};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Running the clients

/// Returns true (after saying why on stderr) when python3 or paho-mqtt 2.x is missing; panics
/// instead when MQTTKIT_REQUIRE_PEERS is set, as [`skip_without`] does.
fn skip_without_paho() -> bool {
    static PAHO: OnceLock<Result<(), String>> = OnceLock::new();
    let found = PAHO.get_or_init(|| {
        if which("python3").is_none() {
            return Err("python3 is not installed".into());
        }
        let out = Command::new("python3")
            .args([
                "-c",
                "import sys, paho.mqtt; v = paho.mqtt.__version__; print(v); \
                 sys.exit(0 if v.split('.')[0] == '2' else 3)",
            ])
            .output()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        match out.status.code() {
            Some(0) => Ok(()),
            Some(3) => Err(format!(
                "paho-mqtt {} is installed, these tests need 2.x",
                String::from_utf8_lossy(&out.stdout).trim()
            )),
            _ => Err("python3 cannot import paho.mqtt".into()),
        }
    });
    let Err(why) = found else {
        return false;
    };
    if std::env::var_os("MQTTKIT_REQUIRE_PEERS").is_some() {
        panic!("paho-mqtt 2.x is required (MQTTKIT_REQUIRE_PEERS is set): {why}");
    }
    eprintln!("SKIPPED: {why} (python3 -m pip install 'paho-mqtt>=2,<3')");
    true
}

/// Runs `tests/interop/SCRIPT 127.0.0.1 PORT` and returns the JSON it printed; fails the test
/// when the script fails or prints no JSON.
async fn paho(script: &str, addr: SocketAddr) -> Value {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "interop", script]
        .iter()
        .collect();
    let run = tokio::process::Command::new("python3")
        .arg(&path)
        .arg(addr.ip().to_string())
        .arg(addr.port().to_string())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(40), run)
        .await
        .unwrap_or_else(|_| panic!("{script} did not finish"))
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{script} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}): {stdout}"))
}

/// `mosquitto_pub` or `mosquitto_sub` at MQTT 5 against 127.0.0.1:port.
fn mosquitto(program: &str, port: u16, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(["-h", "127.0.0.1", "-p", &port.to_string(), "-V", "5"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs a command to its end off the async runtime.
async fn run(mut cmd: Command) -> Output {
    wait_output(cmd.spawn().expect("start a mosquitto client")).await
}

/// A finished command's stdout as text.
fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Publishes QoS 1 probes on `probe` until the broker reports a matching subscriber (PUBACK
/// 0x00 instead of 0x10 No matching subscribers): then a client started in the background has
/// subscribed. Its subscription filters the probes out with `-T`.
async fn wait_for_subscriber(publisher: &mut RawV5, probe: &str) {
    for _ in 0..200 {
        let reason = publisher
            .publish(publish(probe, b"probe", QoS::AtLeastOnce, 99, None))
            .await;
        if reason == PubAckReason::Success {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no subscriber on {probe} appeared");
}

/// The user properties of a received PUBLISH.
fn user_properties(p: &Publish) -> Vec<(String, String)> {
    p.properties
        .as_ref()
        .map(|p| p.user_properties.clone())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// mosquitto_pub / mosquitto_sub -V 5

/// Every PUBLISH property mosquitto_pub sets reaches mosquitto_sub unchanged: the Payload
/// Format Indicator [MQTT-3.3.2-4], Response Topic [MQTT-3.3.2-15], Correlation Data
/// [MQTT-3.3.2-16], User Properties, all of them, in order, a duplicated key included
/// [MQTT-3.3.2-17] [MQTT-3.3.2-18], Content Type [MQTT-3.3.2-20]; the Message Expiry Interval
/// comes on reduced by the time held, here at most one second [MQTT-3.3.2-6].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_v5_publish_properties_arrive_unchanged_mqtt_3_3_2_4_15_16_17_18_20() {
    if skip_without("mosquitto_sub") || skip_without("mosquitto_pub") {
        return;
    }
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let sub = mosquitto(
        "mosquitto_sub",
        port,
        &[
            "-t",
            "mp/#",
            "-T",
            "mp/probe",
            "-q",
            "1",
            "-C",
            "1",
            "-W",
            "10",
            "-F",
            "%t|%P|%C|%R|%D|%E|%F|%q|%r|%p",
        ],
    )
    .spawn()
    .unwrap();
    let mut probe = RawV5::connected(broker.addr, "probe").await;
    wait_for_subscriber(&mut probe, "mp/probe").await;

    let out = run(mosquitto(
        "mosquitto_pub",
        port,
        &[
            "-t",
            "mp/x",
            "-m",
            "hello v5",
            "-q",
            "1",
            "-D",
            "publish",
            "user-property",
            "zeta",
            "1",
            "-D",
            "publish",
            "user-property",
            "alpha",
            "2",
            "-D",
            "publish",
            "user-property",
            "zeta",
            "3",
            "-D",
            "publish",
            "content-type",
            "text/plain",
            "-D",
            "publish",
            "response-topic",
            "mp/reply",
            "-D",
            "publish",
            "correlation-data",
            "corr-42",
            "-D",
            "publish",
            "payload-format-indicator",
            "1",
            "-D",
            "publish",
            "message-expiry-interval",
            "60",
        ],
    ))
    .await;
    assert!(out.status.success(), "mosquitto_pub: {}", stderr(&out));

    let out = wait_output(sub).await;
    assert!(out.status.success(), "mosquitto_sub: {}", stderr(&out));
    let text = stdout(&out);
    let fields: Vec<&str> = text.trim_end_matches('\n').split('|').collect();
    assert_eq!(
        fields[..5],
        [
            "mp/x",
            "zeta:1 alpha:2 zeta:3",
            "text/plain",
            "mp/reply",
            "corr-42"
        ],
        "{text}"
    );
    let expiry: u32 = fields[5].parse().expect("a Message Expiry Interval");
    assert!((59..=60).contains(&expiry), "expiry {expiry}: {text}");
    assert_eq!(fields[6..], ["1", "1", "0", "hello v5"], "{text}");
    broker.stop().await;
}

/// mosquitto_sub's Subscription Identifier (`-D subscribe subscription-identifier 7`) comes
/// back on every message its subscription delivers [MQTT-3.3.4-3]: a retained message sent
/// at subscribe as well as a live one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_sub_v5_gets_its_subscription_identifier_mqtt_3_3_4_3() {
    if skip_without("mosquitto_sub") {
        return;
    }
    let broker = TestBroker::start().await;
    let mut publisher = RawV5::connected(broker.addr, "pub").await;
    let mut retained = publish("si/retained", b"old", QoS::AtLeastOnce, 1, None);
    retained.retain = true;
    publisher.publish(retained).await;
    let sub = mosquitto(
        "mosquitto_sub",
        broker.addr.port(),
        &[
            "-t",
            "si/#",
            "-T",
            "si/probe",
            "-q",
            "1",
            "-C",
            "2",
            "-W",
            "10",
            "-F",
            "%t %S %r %p",
            "-D",
            "subscribe",
            "subscription-identifier",
            "7",
        ],
    )
    .spawn()
    .unwrap();
    wait_for_subscriber(&mut publisher, "si/probe").await;
    publisher
        .publish(publish("si/live", b"new", QoS::AtLeastOnce, 2, None))
        .await;
    let out = wait_output(sub).await;
    assert!(out.status.success(), "mosquitto_sub: {}", stderr(&out));
    assert_eq!(stdout(&out), "si/retained 7 1 old\nsi/live 7 0 new\n");
    broker.stop().await;
}

/// mosquitto_pub `-l` with `-D publish topic-alias 1` sends the topic once with the alias,
/// then only the alias; the broker maps it back [MQTT-3.3.2-12], so a subscriber (with no
/// Topic Alias Maximum of its own) gets the full topic every time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_pub_v5_topic_alias_resolved_by_the_broker_mqtt_3_3_2_12() {
    if skip_without("mosquitto_pub") {
        return;
    }
    let broker = TestBroker::start().await;
    let mut sub = RawV5::connected(broker.addr, "sub").await;
    sub.subscribe("al/#", QoS::AtLeastOnce).await;
    let mut cmd = mosquitto(
        "mosquitto_pub",
        broker.addr.port(),
        &[
            "-t",
            "al/x",
            "-l",
            "-q",
            "1",
            "-D",
            "publish",
            "topic-alias",
            "1",
        ],
    );
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"one\ntwo\nthree\n").unwrap();
    }
    let out = wait_output(child).await;
    assert!(out.status.success(), "mosquitto_pub: {}", stderr(&out));
    for payload in ["one", "two", "three"] {
        let p = sub.recv_publish().await;
        assert_eq!(&p.topic[..], b"al/x");
        assert_eq!(&p.payload[..], payload.as_bytes());
        let alias = p.properties.as_ref().and_then(|p| p.topic_alias);
        assert_eq!(alias, None, "no alias towards a client that allowed none");
        sub.ack(&p).await;
    }
    sub.expect_silence().await;
    broker.stop().await;
}

/// A persistent session made by mosquitto_sub (`-c -i ID -x 30`) keeps its subscription and
/// queues QoS 1 messages while it is away [MQTT-3.1.2-23]; one made with `-x 1` is gone two
/// seconds later: the broker reports no matching subscriber (PUBACK 0x10) and mosquitto_sub,
/// back without clean start, gets nothing and ends at its `-W` timeout (exit status 27).
/// A session made with clean start and `-D connect session-expiry-interval 30` is kept too.
/// (mosquitto_sub 2.0.11 refuses `-D connect session-expiry-interval` together with `-c`,
/// which sets the property itself, so `-x` gives it when resuming.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_sub_v5_session_expiry_interval_mqtt_3_1_2_23() {
    if skip_without("mosquitto_sub") {
        return;
    }
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let session = |id: &'static str, expiry: &'static str, rest: &[&str]| {
        let mut args = vec!["-t", "ms/#", "-q", "1", "-c", "-i", id, "-x", expiry, "-v"];
        args.extend_from_slice(rest);
        mosquitto("mosquitto_sub", port, &args)
    };
    for (id, expiry) in [("ms-kept", "30"), ("ms-short", "1")] {
        let out = run(session(id, expiry, &["-E"])).await;
        assert!(out.status.success(), "{id}: {}", stderr(&out));
    }
    // A session made with clean start and `-D connect session-expiry-interval 30` outlives
    // its connection as well.
    let out = run(mosquitto(
        "mosquitto_sub",
        port,
        &[
            "-t",
            "ms/#",
            "-q",
            "1",
            "-i",
            "ms-prop",
            "-D",
            "connect",
            "session-expiry-interval",
            "30",
            "-E",
        ],
    ))
    .await;
    assert!(out.status.success(), "ms-prop: {}", stderr(&out));
    let mut publisher = RawV5::connected(broker.addr, "pub").await;
    let reason = publisher
        .publish(publish("ms/away", b"queued", QoS::AtLeastOnce, 1, None))
        .await;
    assert_eq!(reason, PubAckReason::Success);
    tokio::time::sleep(Duration::from_millis(2200)).await;
    // ms-short's session has expired; ms-kept's is still there.
    let reason = publisher
        .publish(publish("ms/later", b"kept only", QoS::AtLeastOnce, 2, None))
        .await;
    assert_eq!(reason, PubAckReason::Success);

    for id in ["ms-kept", "ms-prop"] {
        let out = run(session(id, "30", &["-C", "2", "-W", "10"])).await;
        assert!(out.status.success(), "{id}: {}", stderr(&out));
        assert_eq!(stdout(&out), "ms/away queued\nms/later kept only\n", "{id}");
    }

    let out = run(session("ms-short", "1", &["-W", "1"])).await;
    assert_eq!(out.status.code(), Some(27), "timeout: {}", stderr(&out));
    assert_eq!(stdout(&out), "", "an expired session delivered messages");
    broker.stop().await;
}

/// Starts mosquitto_sub, subscribed to `probe` (and filtering it out of its output), and
/// returns it once the broker has its subscription.
async fn subscribed_mosquitto_sub(
    mut cmd: Command,
    publisher: &mut RawV5,
    probe: &str,
) -> std::process::Child {
    cmd.args(["-t", probe, "-T", probe]).stdout(Stdio::null());
    let child = cmd.spawn().unwrap();
    wait_for_subscriber(publisher, probe).await;
    child
}

/// mosquitto_sub's will with `-D will will-delay-interval 1` (and Session Expiry 10) is not
/// published when the connection drops but a second later [MQTT-3.1.3-9], with the will's
/// properties [MQTT-3.1.3-10]; with Will Delay 5 and Session Expiry 0 the session ends with
/// the connection, so the will is published then (§3.1.3.2.2: at the delay's end or the
/// session's, whichever is first), well before 5 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_sub_v5_will_delay_interval_mqtt_3_1_3_9() {
    if skip_without("mosquitto_sub") {
        return;
    }
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let mut watcher = RawV5::connected(broker.addr, "watcher").await;
    watcher.subscribe("will/#", QoS::AtLeastOnce).await;
    let willer = |id: &str, delay: &str, expiry: &str| {
        let topic = format!("will/{id}");
        mosquitto(
            "mosquitto_sub",
            port,
            &[
                "-i",
                id,
                "-x",
                expiry,
                "--will-topic",
                &topic,
                "--will-payload",
                "gone",
                "--will-qos",
                "1",
                "-D",
                "will",
                "will-delay-interval",
                delay,
                "-D",
                "will",
                "user-property",
                "why",
                "killed",
                "-D",
                "will",
                "content-type",
                "text/plain",
            ],
        )
    };

    let mut delayed =
        subscribed_mosquitto_sub(willer("delayed", "1", "10"), &mut watcher, "probe/delayed").await;
    delayed.kill().unwrap(); // SIGKILL: no DISCONNECT
    delayed.wait().unwrap();
    match watcher.try_recv(Duration::from_millis(600)).await {
        Err(_) => {}
        other => panic!("the will came before its delay: {other:?}"),
    }
    let will = watcher.recv_publish().await;
    assert_eq!(&will.topic[..], b"will/delayed");
    assert_eq!(&will.payload[..], b"gone");
    assert_eq!(
        user_properties(&will),
        vec![("why".to_string(), "killed".to_string())]
    );
    assert_eq!(
        will.properties
            .as_ref()
            .and_then(|p| p.content_type.clone()),
        Some("text/plain".to_string())
    );
    watcher.ack(&will).await;

    let mut now =
        subscribed_mosquitto_sub(willer("now", "5", "0"), &mut watcher, "probe/now").await;
    now.kill().unwrap();
    now.wait().unwrap();
    match watcher.try_recv(Duration::from_millis(2500)).await {
        Ok(Some(Packet::Publish(p))) => assert_eq!(&p.topic[..], b"will/now"),
        other => panic!("no will at the end of a session with expiry 0: {other:?}"),
    }
    broker.stop().await;
}

/// mosquitto_sub's exit status tells what the broker did: 0 after `-C 2` messages; 27
/// (MOSQ_ERR_TIMEOUT) when `-W 1` passes without any; the CONNACK reason code when the broker
/// refuses the connection: 135 (0x87 Not authorized) at MQTT 5, 5 (Not authorized) at 3.1.1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mosquitto_sub_v5_exit_status_follows_the_broker() {
    if skip_without("mosquitto_sub") {
        return;
    }
    let broker = TestBroker::start().await;
    let port = broker.addr.port();
    let sub = mosquitto(
        "mosquitto_sub",
        port,
        &["-t", "ex/#", "-T", "ex/probe", "-C", "2", "-W", "10", "-v"],
    )
    .spawn()
    .unwrap();
    let mut publisher = RawV5::connected(broker.addr, "pub").await;
    wait_for_subscriber(&mut publisher, "ex/probe").await;
    publisher.publish0("ex/1", b"a").await;
    publisher.publish0("ex/2", b"b").await;
    let out = wait_output(sub).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ex/1 a\nex/2 b\n");

    let out = run(mosquitto("mosquitto_sub", port, &["-t", "ex/#", "-W", "1"])).await;
    assert_eq!(out.status.code(), Some(27), "{}", stderr(&out));
    broker.stop().await;

    let closed = TestBroker::start_with(BrokerConfig {
        auth: AuthConfig {
            allow_anonymous: false,
            ..AuthConfig::default()
        },
        ..Default::default()
    })
    .await;
    let port = closed.addr.port();
    let out = run(mosquitto("mosquitto_sub", port, &["-t", "x", "-W", "5"])).await;
    assert_eq!(out.status.code(), Some(0x87), "v5: {}", stderr(&out));
    let mut v311 = Command::new("mosquitto_sub");
    v311.args(["-h", "127.0.0.1", "-p", &port.to_string(), "-V", "311"])
        .args(["-t", "x", "-W", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = run(v311).await;
    assert_eq!(out.status.code(), Some(5), "3.1.1: {}", stderr(&out));
    closed.stop().await;
}

// ---------------------------------------------------------------------------------------------
// paho-mqtt 2.x

/// The payloads of a list of message records.
fn payloads(messages: &Value) -> Vec<String> {
    messages
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {messages}"))
        .iter()
        .map(|m| m["payload"].as_str().unwrap().to_string())
        .collect()
}

/// paho's SubscribeOptions: No Local keeps a client's own messages from it [MQTT-3.8.3-3];
/// Retain As Published 1 forwards RETAIN as published [MQTT-3.3.1-13], 0 clears it
/// [MQTT-3.3.1-12], while retained messages sent because of a new subscription carry RETAIN 1
/// (§3.3.1.3); Retain Handling 0 sends retained messages at every subscribe [MQTT-3.3.1-9],
/// 1 only when the subscription is new [MQTT-3.3.1-10], 2 never [MQTT-3.3.1-11].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paho_subscription_options_mqtt_3_8_3_3_and_3_3_1_9_to_13() {
    if skip_without_paho() {
        return;
    }
    let broker = TestBroker::start().await;
    let r = paho("sub_options.py", broker.addr).await;
    assert_eq!(payloads(&r["no_local"]), ["from-b"], "No Local: {r}");

    let rap = r["retain_as_published"].as_array().unwrap();
    let flags: Vec<(&str, bool)> = rap
        .iter()
        .map(|m| (m["topic"].as_str().unwrap(), m["retain"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        flags,
        [("rap/keep", true), ("rap/clear", false)],
        "Retain As Published: {r}"
    );
    let mut at_subscribe: Vec<(&str, bool)> = r["retained_at_subscribe"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["topic"].as_str().unwrap(), m["retain"].as_bool().unwrap()))
        .collect();
    at_subscribe.sort();
    assert_eq!(
        at_subscribe,
        [("rap/clear", true), ("rap/keep", true)],
        "retained messages at subscribe: {r}"
    );

    assert_eq!(payloads(&r["rh0"]), ["stored"], "Retain Handling 0: {r}");
    assert_eq!(
        payloads(&r["rh0_again"]),
        ["stored"],
        "Retain Handling 0, existing subscription: {r}"
    );
    assert!(
        payloads(&r["rh1_existing"]).is_empty(),
        "Retain Handling 1, existing: {r}"
    );
    assert_eq!(
        payloads(&r["rh1_new"]),
        ["stored"],
        "Retain Handling 1, new: {r}"
    );
    assert!(payloads(&r["rh2"]).is_empty(), "Retain Handling 2: {r}");
    assert_eq!(payloads(&r["rh2_live"]), ["live"], "{r}");
    broker.stop().await;
}

/// Topic aliases with paho, both ways. From the client: aliases up to the broker's Topic Alias
/// Maximum (10, in CONNACK) are accepted [MQTT-3.3.2-12], an empty topic takes the alias's
/// topic and a topic with a known alias re-maps it (§3.3.2.3.4). To the client: with Topic
/// Alias Maximum 2 the broker never sends an alias above 2 [MQTT-3.3.2-11], defines each
/// before using it alone, and across 30 messages on three topics every topic paho's receiver
/// resolves is the one published; without a Topic Alias Maximum it gets no aliases
/// [MQTT-3.1.2-27]. (paho 2.2 does not resolve aliases it receives: it hands over an empty
/// topic, so the script keeps the alias table, as the client must.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paho_topic_aliases_both_ways_mqtt_3_3_2_11_12() {
    if skip_without_paho() {
        return;
    }
    let broker = TestBroker::start().await;
    let r = paho("topic_alias.py", broker.addr).await;
    assert_eq!(r["broker_alias_max"], 10, "{r}");
    let topics: Vec<&str> = r["from_client"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["topic"].as_str().unwrap())
        .collect();
    assert_eq!(
        topics,
        ["ta/one", "ta/one", "ta/two", "ta/two", "ta/one", "ta/three", "ta/three", "ta/two"],
        "{r}"
    );
    assert_eq!(
        payloads(&r["from_client"]),
        ["1", "2", "3", "4", "5", "6", "7", "8"]
    );

    let to_client = r["to_client"].as_array().unwrap();
    assert_eq!(to_client.len(), 30, "{r}");
    let mut defined = std::collections::HashMap::new();
    let mut aliased = 0;
    for m in to_client {
        let payload = m["payload"].as_str().unwrap();
        let published_on = payload.split('#').next().unwrap();
        assert_eq!(m["resolved"], published_on, "{m}");
        let raw = m["raw_topic"].as_str().unwrap();
        if let Some(alias) = m["alias"].as_u64() {
            aliased += 1;
            assert!((1..=2).contains(&alias), "alias above the maximum: {m}");
            if raw.is_empty() {
                assert_eq!(defined.get(&alias), Some(&published_on), "{m}");
            } else {
                defined.insert(alias, raw);
            }
        } else {
            assert_eq!(raw, published_on, "{m}");
        }
    }
    let empty = to_client.iter().filter(|m| m["raw_topic"] == "").count();
    assert!(
        aliased > 2 && empty > 0,
        "the broker sent no aliases to a client that allowed 2: {r}"
    );

    let none = r["no_alias_max"].as_array().unwrap();
    assert_eq!(none.len(), 30);
    for m in none {
        assert!(m.get("topic_alias").is_none(), "{m}");
        assert_eq!(
            m["topic"].as_str().unwrap(),
            m["payload"].as_str().unwrap().split('#').next().unwrap()
        );
    }
    broker.stop().await;
}

/// Two paho members of `$share/g/sh/#`: each message goes to exactly one of them, both get
/// some (§4.8.2), a plain `sh/#` subscriber gets every message, and the shared subscription
/// gets no retained message when it is made (§4.8.2, §3.3.1.3).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paho_shared_subscription_each_message_to_one_member_4_8_2() {
    if skip_without_paho() {
        return;
    }
    let broker = TestBroker::start().await;
    let r = paho("shared_sub.py", broker.addr).await;
    assert_eq!(r["suback"], serde_json::json!([[1], [1]]), "{r}");
    let member = |key: &str| -> Vec<String> {
        r[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m[0].as_str().unwrap().to_string())
            .collect()
    };
    let (one, two) = (member("member1"), member("member2"));
    assert!(
        !one.contains(&"retained".to_string()) && !two.contains(&"retained".to_string()),
        "a shared subscription got a retained message: {r}"
    );
    let mut all: Vec<String> = one.iter().chain(&two).cloned().collect();
    all.sort_by_key(|p| p[1..].parse::<u32>().unwrap());
    let expected: Vec<String> = (0..20).map(|n| format!("m{n}")).collect();
    assert_eq!(all, expected, "each message to exactly one member: {r}");
    assert!(
        !one.is_empty() && !two.is_empty(),
        "one member got all: {r}"
    );
    assert_eq!(r["plain"], serde_json::json!(expected), "{r}");
    broker.stop().await;
}

/// paho's user properties, unsorted with a duplicated key and an empty value, arrive all, in
/// order [MQTT-3.3.2-17] [MQTT-3.3.2-18], with Content Type [MQTT-3.3.2-20], Response Topic
/// [MQTT-3.3.2-15], Correlation Data [MQTT-3.3.2-16] and Payload Format Indicator
/// [MQTT-3.3.2-4], at QoS 0, 1 and 2; two overlapping subscriptions (ids 7 and 9) give one
/// PUBLISH carrying both identifiers [MQTT-3.3.4-4], and a message only one matches carries
/// only its id [MQTT-3.3.4-3].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paho_user_properties_in_order_and_subscription_ids_mqtt_3_3_2_17_18_3_3_4_4() {
    if skip_without_paho() {
        return;
    }
    let broker = TestBroker::start().await;
    let r = paho("properties.py", broker.addr).await;
    assert_eq!(r["suback"], serde_json::json!([2, 2]));
    // paho hands a QoS 2 message over at PUBREL, so the receiving order is paho's: look the
    // messages up by topic.
    let received = r["received"].as_array().unwrap();
    assert_eq!(received.len(), 4, "one PUBLISH per message: {r}");
    let on = |topic: &str| {
        received
            .iter()
            .find(|m| m["topic"] == topic)
            .unwrap_or_else(|| panic!("nothing on {topic}: {r}"))
    };
    for qos in 0..3 {
        let m = on(&format!("pp/{qos}/x"));
        assert_eq!(m["qos"], qos, "{m}");
        assert_eq!(
            m["user_properties"],
            serde_json::json!([["zeta", "1"], ["alpha", "2"], ["zeta", "3"], ["mid", ""]]),
            "{m}"
        );
        assert_eq!(m["content_type"], "text/plain; charset=utf-8", "{m}");
        assert_eq!(m["response_topic"], format!("pp/reply/{qos}"), "{m}");
        assert_eq!(m["correlation_data"], format!("corr-{qos}"), "{m}");
        assert_eq!(m["payload_format"], 1, "{m}");
        let mut ids: Vec<u64> = m["subscription_ids"]
            .as_array()
            .unwrap_or_else(|| panic!("no subscription ids: {m}"))
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        ids.sort();
        assert_eq!(ids, [7, 9], "{m}");
    }
    let only = on("pp/only");
    assert_eq!(only["subscription_ids"], serde_json::json!([7]), "{only}");
    assert!(only.get("user_properties").is_none(), "{only}");
    broker.stop().await;
}

/// paho's Message Expiry Interval: a message whose interval passed is not delivered, from the
/// retained store nor from an offline session's queue [MQTT-3.3.2-5]; one still valid comes
/// with the interval reduced by the time the broker held it [MQTT-3.3.2-6].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paho_message_expiry_mqtt_3_3_2_5_6() {
    if skip_without_paho() {
        return;
    }
    let broker = TestBroker::start().await;
    let r = paho("message_expiry.py", broker.addr).await;
    assert_eq!(r["session_present"], true, "{r}");
    let held = r["held"].as_f64().unwrap();
    // Held at least `held` seconds: at most 60 - held left, rounded up.
    let most = 60 - held.floor() as u64;
    for (key, topic) in [("queued", "exq/long"), ("retained", "ex/long")] {
        let got = r[key].as_array().unwrap();
        assert_eq!(got.len(), 1, "{key}: only the unexpired message: {r}");
        assert_eq!(got[0]["topic"], topic, "{r}");
        let left = got[0]["expiry"].as_u64().expect("an expiry interval");
        assert!(
            left <= most && left + 10 >= most,
            "{key}: {left} s left after {held:.1} s of 60"
        );
    }
    let live = &r["live"][0];
    let left = live["expiry"].as_u64().expect("an expiry interval");
    assert!((29..=30).contains(&left), "live: {live}");
    broker.stop().await;
}

/// paho with Session Expiry: a session with expiry 1 s survives a disconnect (session present,
/// its subscription kept and the QoS 1 message sent meanwhile delivered) [MQTT-3.1.2-23] [MQTT-3.2.2-3], and is gone 2 s later; expiry 0 ends the session
/// with the connection, and so does a DISCONNECT setting it to 0 (§3.14.2.2.2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paho_session_expiry_and_persistent_session_mqtt_3_1_2_23() {
    if skip_without_paho() {
        return;
    }
    let broker = TestBroker::start().await;
    let r = paho("session.py", broker.addr).await;
    assert_eq!(r["first"]["session_present"], false, "{r}");
    assert_eq!(r["back"]["session_present"], true, "{r}");
    assert_eq!(
        payloads(&r["back"]["messages"]),
        ["while away", "live after reconnect"],
        "{r}"
    );
    assert_eq!(r["expired"]["session_present"], false, "{r}");
    assert!(payloads(&r["expired"]["messages"]).is_empty(), "{r}");
    assert_eq!(r["zero"]["session_present"], false, "{r}");
    assert!(payloads(&r["zero"]["messages"]).is_empty(), "{r}");
    assert_eq!(r["dc"]["session_present"], false, "{r}");
    assert!(payloads(&r["dc"]["messages"]).is_empty(), "{r}");
    broker.stop().await;
}

/// paho wills with a Will Delay Interval: a delayed will comes after its delay, not at the
/// drop, with its properties in order [MQTT-3.1.3-10]; a client back within the delay cancels
/// it [MQTT-3.1.3-9]; Session Expiry 0 ends the session with the connection and publishes the
/// will at once (§3.1.3.2.2); DISCONNECT 0x04 publishes it, DISCONNECT 0x00 does not
/// [MQTT-3.1.2-8] [MQTT-3.14.4-3].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paho_will_delay_mqtt_3_1_3_9() {
    if skip_without_paho() {
        return;
    }
    let broker = TestBroker::start().await;
    let r = paho("will_delay.py", broker.addr).await;
    let topics = |key: &str| -> Vec<String> {
        let mut t: Vec<String> = r[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["topic"].as_str().unwrap().to_string())
            .collect();
        t.sort();
        t
    };
    assert_eq!(
        topics("early"),
        ["will/paho-will-04", "will/paho-will-now"],
        "{r}"
    );
    assert_eq!(topics("late"), ["will/paho-will-delayed"], "{r}");
    let delayed = &r["late"][0];
    assert_eq!(
        delayed["user_properties"],
        serde_json::json!([["why", "dropped"], ["why", "twice"]]),
        "{delayed}"
    );
    assert_eq!(delayed["content_type"], "text/plain", "{delayed}");
    assert_eq!(r["back_session_present"], true, "{r}");
    broker.stop().await;
}
