//! Authentication with mosquitto-format password files (MQTT 3.1.1 §3.1.3.4, §3.2.2.3).

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::*;
use assert_cmd::cargo::CommandCargoExt;
use mqttkit::broker::{AuthConfig, BrokerConfig, PasswordFile};
use rumqttc::mqttbytes::v4::{Connect, Packet};
use rumqttc::ConnectReturnCode;

async fn auth_broker(passwords: PasswordFile) -> TestBroker {
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

/// Connects with `connect` and returns the CONNACK code; a refused connection must be closed
/// by the broker, never left open.
async fn connack_code(broker: &TestBroker, connect: Connect) -> ConnectReturnCode {
    let mut c = RawClient::open(broker.addr).await;
    c.send(Packet::Connect(connect)).await;
    let ack = match c.recv().await {
        Packet::ConnAck(ack) => ack,
        other => panic!("expected CONNACK, got {other:?}"),
    };
    if ack.code != ConnectReturnCode::Success {
        assert_eq!(c.expect_closed().await, vec![], "closed after refusal");
        assert!(!ack.session_present, "[MQTT-3.2.2-4]");
    }
    ack.code
}

/// Writes a password file with `mqttkit broker passwd`, the password on stdin.
fn mqttkit_passwd(file: &std::path::Path, user: &str, password: &str) {
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

#[tokio::test]
async fn right_password_connects_wrong_gets_4_anonymous_gets_5() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    mqttkit_passwd(&file, "alice", "s3cret");
    mqttkit_passwd(&file, "bob", "hunter2");
    let broker = auth_broker(PasswordFile::load(&file).unwrap()).await;

    let ok = connack_code(&broker, connect_with_login("a", "alice", "s3cret")).await;
    assert_eq!(ok, ConnectReturnCode::Success);
    let ok = connack_code(&broker, connect_with_login("b", "bob", "hunter2")).await;
    assert_eq!(ok, ConnectReturnCode::Success);
    for (user, pass) in [
        ("alice", "wrong"),
        ("alice", "hunter2"),
        ("mallory", "s3cret"),
    ] {
        let code = connack_code(&broker, connect_with_login("x", user, pass)).await;
        assert_eq!(
            code,
            ConnectReturnCode::BadUserNamePassword,
            "{user}/{pass}"
        );
    }
    let code = connack_code(&broker, Connect::new("anon")).await;
    assert_eq!(code, ConnectReturnCode::NotAuthorized);
    broker.stop().await;
}

#[tokio::test]
async fn refused_client_does_not_take_over_the_real_session() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    mqttkit_passwd(&file, "alice", "s3cret");
    let broker = auth_broker(PasswordFile::load(&file).unwrap()).await;
    let mut real = RawClient::open(broker.addr).await;
    real.connect(connect_with_login("dev", "alice", "s3cret"))
        .await;
    let code = connack_code(&broker, connect_with_login("dev", "alice", "nope")).await;
    assert_eq!(code, ConnectReturnCode::BadUserNamePassword);
    real.send(Packet::PingReq).await;
    assert_eq!(real.recv().await, Packet::PingResp);
    broker.stop().await;
}

#[tokio::test]
async fn password_file_written_by_mosquitto_passwd_works() {
    if skip_without("mosquitto_passwd") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    let status = Command::new("mosquitto_passwd")
        .args(["-c", "-b"])
        .arg(&file)
        .args(["carol", "from-mosquitto"])
        .status()
        .unwrap();
    assert!(status.success());
    let broker = auth_broker(PasswordFile::load(&file).unwrap()).await;
    let ok = connack_code(&broker, connect_with_login("c", "carol", "from-mosquitto")).await;
    assert_eq!(ok, ConnectReturnCode::Success);
    let bad = connack_code(&broker, connect_with_login("c", "carol", "from-mqttkit")).await;
    assert_eq!(bad, ConnectReturnCode::BadUserNamePassword);
    broker.stop().await;
}

#[test]
fn password_file_written_by_mqttkit_works_in_mosquitto() {
    if skip_without("mosquitto") || skip_without("mosquitto_pub") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    mqttkit_passwd(&file, "dave", "pa55");
    let mosquitto = Mosquitto::start(&format!(
        "allow_anonymous false\npassword_file {}",
        file.display()
    ));
    let publish = |password: &str| {
        Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &mosquitto.port.to_string()])
            .args(["-u", "dave", "-P", password, "-t", "t", "-m", "x"])
            .output()
            .unwrap()
    };
    let out = publish("pa55");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!publish("wrong").status.success());
}

#[test]
fn passwd_rejects_empty_password_and_deletes_users() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    let out = Command::cargo_bin("mqttkit")
        .unwrap()
        .args(["broker", "passwd"])
        .arg(&file)
        .arg("eve")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "empty password is a usage error"
    );
    assert!(!file.exists());

    mqttkit_passwd(&file, "eve", "x");
    assert!(PasswordFile::load(&file).unwrap().contains("eve"));
    let status = Command::cargo_bin("mqttkit")
        .unwrap()
        .args(["broker", "passwd", "-D"])
        .arg(&file)
        .arg("eve")
        .status()
        .unwrap();
    assert!(status.success());
    assert!(!PasswordFile::load(&file).unwrap().contains("eve"));
}

/// A CONNECT built by hand at protocol `level` (4 or 5) for user "carol" with `password`, any
/// bytes: rumqttc's clients only send UTF-8 passwords.
fn connect_with_binary_password(level: u8, password: &[u8]) -> Vec<u8> {
    let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', level, 0xc2, 0, 60];
    if level == 5 {
        body.push(0); // no properties
    }
    body.extend([0, 1, b'c', 0, 5]);
    body.extend(b"carol");
    body.extend((password.len() as u16).to_be_bytes());
    body.extend(password);
    let mut frame = vec![0x10];
    let mut n = body.len();
    loop {
        let byte = (n % 128) as u8;
        n /= 128;
        frame.push(if n > 0 { byte | 0x80 } else { byte });
        if n == 0 {
            break;
        }
    }
    frame.extend(body);
    frame
}

/// Sends a raw CONNECT and returns the CONNACK's code; a refusal must be followed by a close.
async fn raw_connack_code(broker: &TestBroker, connect: &[u8]) -> u8 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(broker.addr).await.unwrap();
    stream.write_all(connect).await.unwrap();
    let mut head = [0u8; 4];
    tokio::time::timeout(WAIT, stream.read_exact(&mut head))
        .await
        .expect("CONNACK in time")
        .expect("a CONNACK, not a close");
    assert_eq!(head[0], 0x20, "CONNACK: {head:?}");
    if head[3] != 0 {
        let mut rest = Vec::new();
        tokio::time::timeout(WAIT, stream.read_to_end(&mut rest))
            .await
            .expect("closed after a refusal")
            .unwrap();
    }
    head[3]
}

#[tokio::test]
async fn binary_passwords_from_mosquitto_passwd_work_at_3_1_1_and_5_mqtt_3_1_3_5() {
    if skip_without("mosquitto_passwd") {
        return;
    }
    use std::os::unix::ffi::OsStrExt;
    let password: &[u8] = b"p\xff\xfe\x80w\x00!";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw");
    let status = Command::new("mosquitto_passwd")
        .args(["-c", "-b"])
        .arg(&file)
        .arg("carol")
        .arg(std::ffi::OsStr::from_bytes(&password[..5]))
        .status()
        .unwrap();
    assert!(status.success());
    let broker = auth_broker(PasswordFile::load(&file).unwrap()).await;
    // A 300-byte password of every byte value: wrong, and answered as wrong.
    let random: Vec<u8> = (0..300u32).map(|i| (i * 151 % 256) as u8).collect();
    for level in [4, 5] {
        let right = connect_with_binary_password(level, &password[..5]);
        assert_eq!(raw_connack_code(&broker, &right).await, 0, "level {level}");
        let wrong = connect_with_binary_password(level, password);
        let bad_password = if level == 4 { 4 } else { 0x86 };
        assert_eq!(
            raw_connack_code(&broker, &wrong).await,
            bad_password,
            "level {level}"
        );
        let long = connect_with_binary_password(level, &random);
        assert_eq!(
            raw_connack_code(&broker, &long).await,
            bad_password,
            "level {level}, 300 bytes"
        );
    }
    broker.stop().await;
}
