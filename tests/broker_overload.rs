//! Flow control in the bundled broker: a subscriber slower than its publisher slows the
//! publisher down instead of losing what was acknowledged to it, and a subscriber that stops
//! reading altogether is treated as stuck after the slow-consumer timeout, so the others go
//! on at full speed.

use crate::common;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::common::{connect_packet, RawClient, TestBroker, WAIT};
use bytes::BytesMut;
use mqttkit::broker::BrokerConfig;
use rumqttc::mqttbytes::v4::{Packet, Publish};
use rumqttc::mqttbytes::QoS;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// Publishes `count` QoS 1 messages on `topic` as fast as the broker takes them, with up to
/// `window` unacknowledged; returns how many were acknowledged.
async fn flood(addr: std::net::SocketAddr, topic: &str, count: u32, window: usize) -> u32 {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut buf = BytesMut::new();
    Packet::Connect(connect_packet("flooder", true, 0))
        .write(&mut buf, usize::MAX)
        .unwrap();
    stream.write_all(&buf).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let credits = Arc::new(Semaphore::new(window));
    let acks = {
        let credits = credits.clone();
        tokio::spawn(async move {
            let mut buf = BytesMut::new();
            let mut acked = 0u32;
            while acked < count {
                match Packet::read(&mut buf, usize::MAX) {
                    Ok(Packet::PubAck(_)) => {
                        acked += 1;
                        credits.add_permits(1);
                        continue;
                    }
                    Ok(_) => continue,
                    Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => {}
                    Err(e) => panic!("malformed packet from the broker: {e}"),
                }
                if reader.read_buf(&mut buf).await.unwrap_or(0) == 0 {
                    break;
                }
            }
            acked
        })
    };
    let mut out = BytesMut::new();
    for i in 0..count {
        credits.acquire().await.unwrap().forget();
        let mut p = Publish::new(topic, QoS::AtLeastOnce, i.to_string().into_bytes());
        p.pkid = (i % 60_000) as u16 + 1;
        Packet::Publish(p).write(&mut out, usize::MAX).unwrap();
        if out.len() > 16 * 1024 || credits.available_permits() == 0 {
            writer.write_all(&out).await.unwrap();
            out.clear();
        }
    }
    writer.write_all(&out).await.unwrap();
    tokio::time::timeout(WAIT * 6, acks)
        .await
        .expect("the publisher's messages were not all acknowledged in time")
        .unwrap()
}

/// Reads and acknowledges QoS 1 messages until `count` distinct ones arrived or nothing comes
/// for a while; returns how many distinct ones arrived.
async fn drain(mut sub: RawClient, count: u32) -> u32 {
    let mut seen: HashMap<u32, u32> = HashMap::new();
    while (seen.len() as u32) < count {
        match sub.try_recv(WAIT).await {
            Ok(Some(Packet::Publish(p))) => {
                let n: u32 = std::str::from_utf8(&p.payload).unwrap().parse().unwrap();
                *seen.entry(n).or_default() += 1;
                sub.ack(&p).await;
            }
            Ok(Some(_)) => {}
            _ => break,
        }
    }
    seen.len() as u32
}

async fn subscriber(broker: &TestBroker, id: &str) -> RawClient {
    let mut sub = RawClient::open(broker.addr).await;
    sub.connect(connect_packet(id, true, 0)).await;
    sub.subscribe("load/#", QoS::AtLeastOnce).await;
    sub
}

#[tokio::test]
async fn a_reader_slower_than_the_publisher_gets_every_acknowledged_message() {
    // Default limits: 1000 queued per session, flow control at 500.
    let broker = TestBroker::start().await;
    let sub = subscriber(&broker, "reader").await;
    const N: u32 = 20_000;
    let reader = tokio::spawn(drain(sub, N));
    let acked = flood(broker.addr, "load/t", N, 1000).await;
    assert_eq!(acked, N);
    let received = reader.await.unwrap();
    assert_eq!(
        received, N,
        "every message acknowledged to the publisher reached the subscriber"
    );
    assert_eq!(
        broker
            .broker
            .stats()
            .messages_dropped
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

#[tokio::test]
async fn a_stuck_reader_holds_no_one_back_after_the_slow_consumer_timeout() {
    let config = BrokerConfig {
        slow_consumer_timeout: Some(Duration::from_millis(500)),
        ..BrokerConfig::default()
    };
    let broker = TestBroker::start_with(config).await;
    // Subscribes, then never reads nor acknowledges again.
    let _stuck = subscriber(&broker, "stuck").await;
    let fast = subscriber(&broker, "fast").await;
    const N: u32 = 10_000;
    let reader = tokio::spawn(drain(fast, N));
    let acked = flood(broker.addr, "load/t", N, 100).await;
    assert_eq!(acked, N, "the publisher went on after the timeout");
    assert_eq!(
        reader.await.unwrap(),
        N,
        "the reading subscriber got everything"
    );
    let dropped = broker
        .broker
        .stats()
        .messages_dropped
        .load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        dropped > 0,
        "the stuck subscriber's full queue dropped its oldest, counted"
    );
}

#[tokio::test]
async fn a_client_subscribed_to_its_own_topic_is_not_held_back_by_itself() {
    let broker = TestBroker::start().await;
    let mut c = RawClient::open(broker.addr).await;
    c.connect(connect_packet("echo", true, 0)).await;
    c.subscribe("self/t", QoS::AtMostOnce).await;
    for i in 0..3000u32 {
        c.send(common::publish(
            "self/t",
            i.to_string().as_bytes(),
            QoS::AtMostOnce,
            0,
            false,
        ))
        .await;
    }
    let mut got = 0;
    while got < 3000 {
        match c.try_recv(WAIT).await {
            Ok(Some(Packet::Publish(_))) => got += 1,
            Ok(Some(_)) => {}
            other => panic!("after {got} messages: {other:?}"),
        }
    }
}
