//! ACLs (mosquitto's acl_file format) enforced by the bundled broker, at MQTT 3.1.1 and 5: on
//! SUBSCRIBE, on PUBLISH, on delivery, on wills and on retained messages sent at subscribe;
//! each rule kind, `%c`/`%u` patterns, deny precedence; and SIGHUP reloading the ACL and
//! password files without dropping connections (against the broker process).
//!
//! Without a password file any username is accepted, so the in-process tests pick usernames
//! freely.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::common::v5::{self, RawV5};
use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;
use mqttkit::broker::{Acl, AuthConfig, BrokerConfig};
use rumqttc::mqttbytes::v4::{Connect, LastWill, Login, Packet};
use rumqttc::mqttbytes::QoS;
use rumqttc::{ConnectReturnCode, SubscribeReasonCode};

const ACL: &str = "\
# anonymous clients
topic read public/#

user alice
topic readwrite alice/#
topic deny alice/secret/#

user bob
topic read alice/#
topic write bob/#

user carl
topic write alice/#

# every client
pattern readwrite devices/%c/#
pattern read inbox/%u/#
";

async fn acl_broker() -> TestBroker {
    TestBroker::start_with(BrokerConfig {
        auth: AuthConfig {
            allow_anonymous: true,
            acl: Some(Acl::parse(ACL).unwrap()),
            ..AuthConfig::default()
        },
        sys_interval: None,
        ..Default::default()
    })
    .await
}

/// A 3.1.1 client logged in as `user` (any password: there is no password file).
async fn v4_as(broker: &TestBroker, id: &str, user: Option<&str>) -> RawClient {
    let mut c = RawClient::open(broker.addr).await;
    let mut connect = Connect::new(id);
    connect.login = user.map(|u| Login::new(u, "x"));
    let ack = c.connect(connect).await;
    assert_eq!(ack.code, ConnectReturnCode::Success, "CONNACK for {id}");
    c
}

async fn v5_as(broker: &TestBroker, id: &str, user: Option<&str>) -> RawV5 {
    let mut c = RawV5::open(broker.addr).await;
    let login = user.map(|u| v5::Login::new(u, "x"));
    let ack = c.connect(v5::connect(id), None, login).await;
    assert_eq!(ack.code, v5::ConnectReturnCode::Success, "CONNACK for {id}");
    c
}

#[tokio::test]
async fn v311_subscribe_refused_by_the_acl_gets_0x80_per_filter() {
    let broker = acl_broker().await;
    let mut alice = v4_as(&broker, "a", Some("alice")).await;
    let ack = alice
        .subscribe_many(
            1,
            &[
                ("alice/#", QoS::AtLeastOnce),
                ("bob/#", QoS::AtLeastOnce),
                // The anonymous section is not alice's.
                ("public/#", QoS::AtMostOnce),
                ("alice/secret/x", QoS::AtMostOnce),
            ],
        )
        .await;
    assert_eq!(
        ack.return_codes,
        vec![
            SubscribeReasonCode::Success(QoS::AtLeastOnce),
            SubscribeReasonCode::Failure,
            SubscribeReasonCode::Failure,
            SubscribeReasonCode::Failure,
        ]
    );
    let mut anonymous = v4_as(&broker, "anon", None).await;
    let ack = anonymous
        .subscribe_many(1, &[("public/#", QoS::AtMostOnce), ("#", QoS::AtMostOnce)])
        .await;
    assert_eq!(
        ack.return_codes,
        vec![
            SubscribeReasonCode::Success(QoS::AtMostOnce),
            SubscribeReasonCode::Failure
        ]
    );
}

#[tokio::test]
async fn v5_subscribe_refused_by_the_acl_gets_0x87() {
    let broker = acl_broker().await;
    let mut bob = v5_as(&broker, "b", Some("bob")).await;
    let ack = bob
        .subscribe_with(
            1,
            vec![
                v5::filter("alice/#", v5::QoS::AtLeastOnce),
                v5::filter("bob/#", v5::QoS::AtLeastOnce),
                v5::filter("$share/g/alice/+", v5::QoS::AtMostOnce),
            ],
            None,
        )
        .await;
    assert_eq!(
        ack.return_codes,
        vec![
            v5::SubscribeReasonCode::Success(v5::QoS::AtLeastOnce),
            v5::SubscribeReasonCode::NotAuthorized,
            v5::SubscribeReasonCode::Success(v5::QoS::AtMostOnce),
        ]
    );
}

/// A 3.1.1 client cannot be told: the PUBLISH is acknowledged as usual and dropped
/// [MQTT-3.3.5-2], as mosquitto does.
#[tokio::test]
async fn v311_publish_refused_by_the_acl_is_acknowledged_and_dropped_mqtt_3_3_5_2() {
    let broker = acl_broker().await;
    let mut bob = v4_as(&broker, "b", Some("bob")).await;
    bob.subscribe("alice/#", QoS::AtLeastOnce).await;
    let mut anonymous = v4_as(&broker, "anon", None).await;
    anonymous
        .publish("alice/x", b"forged", QoS::AtLeastOnce, false)
        .await;
    anonymous
        .publish("alice/x", b"forged", QoS::ExactlyOnce, false)
        .await;
    anonymous
        .publish("alice/x", b"forged", QoS::AtMostOnce, false)
        .await;
    bob.expect_silence().await;
    let mut alice = v4_as(&broker, "a", Some("alice")).await;
    alice
        .publish("alice/x", b"real", QoS::AtLeastOnce, false)
        .await;
    let p = bob.recv_publish().await;
    assert_eq!(&p.payload[..], b"real");
    // The refused client stays connected.
    anonymous.send(Packet::PingReq).await;
    assert_eq!(anonymous.recv().await, Packet::PingResp);
}

#[tokio::test]
async fn v5_publish_refused_by_the_acl_gets_0x87_and_qos0_is_dropped() {
    let broker = acl_broker().await;
    let mut bob = v5_as(&broker, "b", Some("bob")).await;
    bob.subscribe("alice/#", v5::QoS::AtLeastOnce).await;
    let mut anonymous = v5_as(&broker, "anon", None).await;
    let reason = anonymous
        .publish(v5::publish("alice/x", b"f", v5::QoS::AtLeastOnce, 1, None))
        .await;
    assert_eq!(reason, v5::PubAckReason::NotAuthorized);
    anonymous
        .send(v5::Packet::Publish(v5::publish(
            "alice/x",
            b"f",
            v5::QoS::ExactlyOnce,
            2,
            None,
        )))
        .await;
    match anonymous.recv().await {
        v5::Packet::PubRec(rec) => {
            assert_eq!((rec.pkid, rec.reason), (2, v5::PubRecReason::NotAuthorized))
        }
        other => panic!("expected PUBREC, got {other:?}"),
    }
    anonymous.publish0("alice/x", b"f").await;
    bob.expect_silence().await;
    // Still connected, and what it may publish goes through.
    let reason = anonymous
        .publish(v5::publish(
            "devices/anon/t",
            b"ok",
            v5::QoS::AtLeastOnce,
            3,
            None,
        ))
        .await;
    assert_eq!(reason, v5::PubAckReason::NoMatchingSubscribers);
}

/// Deny wins over a grant: alice may read alice/# but not alice/secret/#; bob, with no deny,
/// receives what carl (write only) publishes there. A subscription only partly denied stands and delivery filters.
#[tokio::test]
async fn delivery_needs_read_rights_and_deny_wins_at_both_versions() {
    let broker = acl_broker().await;
    let mut alice = v4_as(&broker, "a", Some("alice")).await;
    alice.subscribe("alice/#", QoS::AtLeastOnce).await;
    let mut bob = v5_as(&broker, "b", Some("bob")).await;
    bob.subscribe("alice/#", v5::QoS::AtLeastOnce).await;
    let mut publisher = v4_as(&broker, "c", Some("carl")).await;
    publisher
        .publish("alice/secret/plan", b"s", QoS::AtLeastOnce, false)
        .await;
    publisher
        .publish("alice/open", b"o", QoS::AtLeastOnce, false)
        .await;
    assert_eq!(bob.recv_publish().await.topic, "alice/secret/plan");
    assert_eq!(bob.recv_publish().await.topic, "alice/open");
    let p = alice.recv_publish().await;
    assert_eq!(
        p.topic, "alice/open",
        "alice/secret/plan never reaches alice"
    );
    alice.ack(&p).await;
    alice.expect_silence().await;
}

#[tokio::test]
async fn patterns_substitute_the_client_id_and_the_username() {
    let broker = acl_broker().await;
    // carol has no `user` section: only the patterns apply to her.
    let mut carol = v5_as(&broker, "dev1", Some("carol")).await;
    let ack = carol
        .subscribe_with(
            1,
            vec![
                v5::filter("inbox/carol/#", v5::QoS::AtMostOnce),
                v5::filter("inbox/dave/#", v5::QoS::AtMostOnce),
                v5::filter("devices/dev1/#", v5::QoS::AtMostOnce),
                v5::filter("devices/dev2/#", v5::QoS::AtMostOnce),
            ],
            None,
        )
        .await;
    use v5::SubscribeReasonCode as R;
    assert_eq!(
        ack.return_codes,
        vec![
            R::Success(v5::QoS::AtMostOnce),
            R::NotAuthorized,
            R::Success(v5::QoS::AtMostOnce),
            R::NotAuthorized
        ]
    );
    carol.disconnect().await;
    // Again without subscriptions, so the next packet is the acknowledgement.
    let mut carol = v5_as(&broker, "dev1", Some("carol")).await;
    let ok = carol
        .publish(v5::publish(
            "devices/dev1/t",
            b"x",
            v5::QoS::AtLeastOnce,
            2,
            None,
        ))
        .await;
    assert_eq!(ok, v5::PubAckReason::NoMatchingSubscribers);
    let refused = carol
        .publish(v5::publish(
            "devices/dev2/t",
            b"x",
            v5::QoS::AtLeastOnce,
            3,
            None,
        ))
        .await;
    assert_eq!(refused, v5::PubAckReason::NotAuthorized);
    // %u never applies to an anonymous client, %c does.
    let mut anonymous = v4_as(&broker, "dev2", None).await;
    let ack = anonymous
        .subscribe_many(
            1,
            &[
                ("devices/dev2/#", QoS::AtMostOnce),
                ("inbox/+/#", QoS::AtMostOnce),
            ],
        )
        .await;
    assert_eq!(
        ack.return_codes,
        vec![
            SubscribeReasonCode::Success(QoS::AtMostOnce),
            SubscribeReasonCode::Failure
        ]
    );
}

#[tokio::test]
async fn retained_messages_sent_at_subscribe_need_read_rights() {
    let broker = acl_broker().await;
    let mut publisher = v4_as(&broker, "p", Some("carl")).await;
    publisher
        .publish("alice/secret/r", b"s", QoS::AtLeastOnce, true)
        .await;
    publisher
        .publish("alice/open/r", b"o", QoS::AtLeastOnce, true)
        .await;
    let mut alice = v4_as(&broker, "a", Some("alice")).await;
    alice.subscribe("alice/#", QoS::AtMostOnce).await;
    let p = alice.recv_publish().await;
    assert_eq!((p.topic.as_str(), p.retain), ("alice/open/r", true));
    alice.expect_silence().await;
    let mut bob = v5_as(&broker, "b", Some("bob")).await;
    bob.subscribe("alice/#", v5::QoS::AtMostOnce).await;
    let mut topics = vec![
        String::from_utf8(bob.recv_publish().await.topic.to_vec()).unwrap(),
        String::from_utf8(bob.recv_publish().await.topic.to_vec()).unwrap(),
    ];
    topics.sort();
    assert_eq!(topics, ["alice/open/r", "alice/secret/r"]);
}

/// A will the client may not publish is refused at CONNECT (not authorized, as mosquitto
/// answers); one it may is published to those who may read it.
#[tokio::test]
async fn wills_need_write_rights_at_connect_and_read_rights_at_delivery() {
    let broker = acl_broker().await;
    let mut c = RawClient::open(broker.addr).await;
    let ack = c
        .connect(connect_with_will(
            "anon",
            "alice/w",
            "x",
            QoS::AtMostOnce,
            false,
        ))
        .await;
    assert_eq!(ack.code, ConnectReturnCode::NotAuthorized);
    c.expect_closed().await;
    let mut c = RawV5::open(broker.addr).await;
    let will = v5::LastWill::new("alice/w", "x", v5::QoS::AtMostOnce, false, None);
    let ack = c.connect(v5::connect("anon5"), Some(will), None).await;
    assert_eq!(ack.code, v5::ConnectReturnCode::NotAuthorized);

    let mut bob = v4_as(&broker, "b", Some("bob")).await;
    bob.subscribe("alice/#", QoS::AtMostOnce).await;
    let mut alice = v4_as(&broker, "a", Some("alice")).await;
    alice.subscribe("alice/#", QoS::AtMostOnce).await;
    let mut dying = RawClient::open(broker.addr).await;
    let mut connect = Connect::new("dying");
    connect.login = Some(Login::new("carl", "x"));
    connect.last_will = Some(LastWill::new(
        "alice/secret/will",
        "gone",
        QoS::AtMostOnce,
        false,
    ));
    assert_eq!(
        dying.connect(connect).await.code,
        ConnectReturnCode::Success
    );
    drop(dying);
    let p = bob.recv_publish().await;
    assert_eq!(
        (p.topic.as_str(), &p.payload[..]),
        ("alice/secret/will", &b"gone"[..])
    );
    // alice is denied alice/secret/#, her own will's topic included.
    alice.expect_silence().await;
}

/// The broker process with `args`, its first line read; stderr kept.
fn broker_process(args: &[&str]) -> ListenersProcess {
    ListenersProcess::start(args, 1)
}

fn hangup(broker: &ListenersProcess) {
    let status = Command::new("kill")
        .args(["-HUP", &broker.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn add_user(file: &std::path::Path, user: &str, password: &str) {
    let mut child = Command::cargo_bin("mqttkit")
        .unwrap()
        .args(["broker", "passwd"])
        .arg(file)
        .arg(user)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    assert!(child.wait().unwrap().success());
}

/// Subscribes `client` to `filter` with a fresh packet id and returns whether it was granted.
async fn granted(client: &mut RawClient, pkid: u16, filter: &str) -> bool {
    let ack = client
        .subscribe_many(pkid, &[(filter, QoS::AtMostOnce)])
        .await;
    ack.return_codes != [SubscribeReasonCode::Failure]
}

#[tokio::test]
async fn sighup_reloads_acl_and_passwords_keeps_connections_and_refuses_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let acl = write_file(dir.path(), "acl", "topic readwrite a/#\n");
    let passwd = dir.path().join("passwd");
    add_user(&passwd, "alice", "secret");
    let broker = broker_process(&[
        "-v",
        "--acl-file",
        &acl.display().to_string(),
        "--password-file",
        &passwd.display().to_string(),
    ]);
    let addr: std::net::SocketAddr = format!("127.0.0.1:{}", broker.port("mqtt"))
        .parse()
        .unwrap();
    let mut watcher = RawClient::open(addr).await;
    assert_eq!(
        watcher.connect(Connect::new("watcher")).await.code,
        ConnectReturnCode::Success
    );
    assert!(granted(&mut watcher, 1, "a/#").await);
    assert!(!granted(&mut watcher, 2, "b/#").await);

    // New rules: a/# is gone, b/# granted; bob joins the password file.
    std::fs::write(&acl, "topic readwrite b/#\n").unwrap();
    add_user(&passwd, "bob", "hunter2");
    hangup(&broker);
    let mut pkid = 3;
    let mut reloaded = false;
    for _ in 0..100 {
        pkid += 1;
        if granted(&mut watcher, pkid, "b/#").await {
            reloaded = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        reloaded,
        "the new ACL is in force on the connection that was open"
    );
    pkid += 1;
    assert!(!granted(&mut watcher, pkid, "a/#").await);
    let mut bob = RawClient::open(addr).await;
    let ack = bob
        .connect(connect_with_login("bob", "bob", "hunter2"))
        .await;
    assert_eq!(
        ack.code,
        ConnectReturnCode::Success,
        "bob is known after the reload"
    );

    // The watcher's old a/# subscription now delivers nothing: read rights are gone.
    bob.publish("a/x", b"x", QoS::AtLeastOnce, false).await;
    watcher.expect_silence().await;

    // A broken file is refused and the rules in force stay.
    std::fs::write(&acl, "topic readwrite b/#\nfrobnicate\n").unwrap();
    hangup(&broker);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    pkid += 1;
    assert!(granted(&mut watcher, pkid, "b/#").await);
    watcher.send(Packet::PingReq).await;
    assert_eq!(watcher.recv().await, Packet::PingResp);

    let log = broker.stop();
    let acl_path = acl.display().to_string();
    assert!(
        log.contains(&format!("ACL file {acl_path} reloaded: 1 rules (was 1)")),
        "{log}"
    );
    assert!(log.contains(r#"added ["bob"], removed []"#), "{log}");
    assert!(
        log.contains(&format!(
            "ACL file not reloaded: {acl_path}: line 2: unknown keyword"
        )) && log.contains("the rules in force stay"),
        "{log}"
    );
}
