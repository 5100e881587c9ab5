//! Property tests over the decode-and-dispatch path: whatever bytes a client sends after a
//! valid CONNECT, the broker neither panics nor hangs, and keeps serving other clients.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use mqttkit::broker::packet::Version;
use mqttkit::broker::{decode, Broker, BrokerConfig};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CONNECT: [u8; 15] = [
    0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b'f',
];

/// A packet-shaped chunk: a type/flags byte, a correct remaining length and a random body, so
/// the fuzzing gets past framing into the handlers.
fn framed_packet() -> impl Strategy<Value = Vec<u8>> {
    (any::<u8>(), proptest::collection::vec(any::<u8>(), 0..48)).prop_map(|(byte1, body)| {
        let mut p = vec![byte1, body.len() as u8];
        p.extend(body);
        p
    })
}

fn client_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        proptest::collection::vec(framed_packet(), 1..12).prop_map(|ps| ps.concat()),
    ]
}

/// Feeds `input` after CONNECT to a broker connection over an in-memory pipe, with a
/// subscriber already present, and returns once the connection task has ended.
fn run_connection(input: &[u8]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let broker = Broker::new(BrokerConfig {
            sys_interval: None,
            ..Default::default()
        });
        // A subscriber on every topic, so fuzzed PUBLISHes get routed somewhere.
        let (sub_client, sub_server) = tokio::io::duplex(1 << 16);
        let sub_task = spawn_serve(&broker, sub_server, "subscriber");
        let mut sub_client = sub_client;
        sub_client
            .write_all(&[
                0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b's',
            ])
            .await
            .unwrap();
        sub_client
            .write_all(&[0x82, 6, 0, 1, 0, 1, b'#', 2])
            .await
            .unwrap();

        let (mut client, server) = tokio::io::duplex(1 << 16);
        let task = spawn_serve(&broker, server, "fuzz");
        client.write_all(&CONNECT).await.unwrap();
        let _ = client.write_all(input).await;
        let _ = client.shutdown().await;
        // Drain whatever the broker answers until it closes.
        let mut sink = Vec::new();
        let drained =
            tokio::time::timeout(Duration::from_secs(5), client.read_to_end(&mut sink)).await;
        assert!(
            drained.is_ok(),
            "broker kept the connection open after end of input"
        );
        let ended = tokio::time::timeout(Duration::from_secs(5), task).await;
        ended
            .expect("connection task did not end")
            .expect("connection task panicked");

        // The other client is still served: PINGREQ gets PINGRESP.
        sub_client.write_all(&[0xc0, 0]).await.unwrap();
        let mut seen = BytesMut::new();
        let pong = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                sub_client.read_buf(&mut seen).await.unwrap();
                if seen.windows(2).any(|w| w == [0xd0, 0]) {
                    break;
                }
            }
        })
        .await;
        assert!(pong.is_ok(), "bystander no longer served");
        drop(sub_client);
        tokio::time::timeout(Duration::from_secs(5), sub_task)
            .await
            .expect("subscriber task did not end")
            .expect("subscriber task panicked");
    });
}

fn spawn_serve(
    broker: &Arc<Broker>,
    stream: tokio::io::DuplexStream,
    peer: &str,
) -> tokio::task::JoinHandle<()> {
    let broker = broker.clone();
    let peer = peer.to_string();
    tokio::spawn(async move { broker.serve(stream, peer).await })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_and_consumes_whole_frames(bytes in client_bytes()) {
        let mut buf = BytesMut::from(&bytes[..]);
        let mut guard = 0;
        while let Ok(Some(_)) = decode(Version::V311, &mut buf, 1 << 20) {
            guard += 1;
            prop_assert!(guard <= bytes.len());
        }
        prop_assert!(buf.len() <= bytes.len());
    }

    #[test]
    fn any_bytes_after_connect_end_cleanly(bytes in client_bytes()) {
        run_connection(&bytes);
    }
}
