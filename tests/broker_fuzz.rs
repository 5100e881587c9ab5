//! Property tests over the decode-and-dispatch path, at MQTT 3.1.1 and at MQTT 5: whatever
//! bytes a client sends after a valid CONNECT, the broker neither panics nor hangs, and keeps
//! serving other clients; the decoders never panic and take whole frames only.

use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use mqttkit::broker::packet::Version;
use mqttkit::broker::{decode, decode_connect, Broker, BrokerConfig};
use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CONNECT: [u8; 15] = [
    0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b'f',
];

/// An MQTT 5 CONNECT: clean start, keep-alive 60, no properties, client id "f".
const CONNECT_V5: [u8; 16] = [
    0x10, 14, 0, 4, b'M', b'Q', b'T', b'T', 5, 2, 0, 60, 0, 0, 1, b'f',
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

/// Feeds `input` after CONNECT (at `version`) to a broker connection over an in-memory pipe,
/// with a subscriber of the same version already present, and returns once the connection
/// task has ended.
fn run_connection(version: Version, input: &[u8]) {
    let (connect, sub_connect, subscribe): (&[u8], &[u8], &[u8]) = match version {
        Version::V311 => (
            &CONNECT,
            &[
                0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b's',
            ],
            &[0x82, 6, 0, 1, 0, 1, b'#', 2],
        ),
        Version::V5 => (
            &CONNECT_V5,
            &[
                0x10, 14, 0, 4, b'M', b'Q', b'T', b'T', 5, 2, 0, 60, 0, 0, 1, b's',
            ],
            // SUBSCRIBE 1, no properties, "#" at QoS 2.
            &[0x82, 7, 0, 1, 0, 0, 1, b'#', 2],
        ),
    };
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
        sub_client.write_all(sub_connect).await.unwrap();
        sub_client.write_all(subscribe).await.unwrap();

        let (mut client, server) = tokio::io::duplex(1 << 16);
        let task = spawn_serve(&broker, server, "fuzz");
        client.write_all(connect).await.unwrap();
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
        run_connection(Version::V311, &bytes);
    }
}

// ---------------------------------------------------------------------------------------------
// MQTT 5

/// A Variable Byte Integer.
fn varint(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n % 128) as u8;
        n /= 128;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// A packet: `byte1`, the remaining length of `body` and `body`.
fn frame(byte1: u8, body: &[u8]) -> Vec<u8> {
    let mut p = vec![byte1];
    p.extend(varint(body.len()));
    p.extend_from_slice(body);
    p
}

/// A two-byte length and the bytes (a UTF-8 string or binary data field).
fn field(bytes: &[u8]) -> Vec<u8> {
    let mut f = (bytes.len() as u16).to_be_bytes().to_vec();
    f.extend_from_slice(bytes);
    f
}

/// One MQTT 5 property, mostly well formed (each kind of value, on identifiers valid in some
/// packet or not), sometimes garbage.
fn property() -> impl Strategy<Value = Vec<u8>> {
    use proptest::sample::select;
    let bytes = || proptest::collection::vec(any::<u8>(), 0..8);
    prop_oneof![
        // Byte: payload format, request problem/response information, maximum QoS, retain
        // available, wildcard / subscription id / shared available.
        (
            select(vec![0x01u8, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2a]),
            any::<u8>()
        )
            .prop_map(|(id, b)| vec![id, b]),
        // Two Byte Integer: server keep alive, receive maximum, topic alias maximum, topic alias.
        (select(vec![0x13u8, 0x21, 0x22, 0x23]), 0u16..12).prop_map(|(id, v)| [
            vec![id],
            v.to_be_bytes().to_vec()
        ]
        .concat()),
        // Four Byte Integer: message expiry, session expiry, will delay, maximum packet size.
        (select(vec![0x02u8, 0x11, 0x18, 0x27]), any::<u32>()).prop_map(|(id, v)| [
            vec![id],
            v.to_be_bytes().to_vec()
        ]
        .concat()),
        // Strings and binary data: content type, response topic, correlation data, assigned
        // client id, authentication method/data, response information, server reference,
        // reason string.
        (
            select(vec![0x03u8, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1a, 0x1c, 0x1f]),
            bytes()
        )
            .prop_map(|(id, v)| [vec![id], field(&v)].concat()),
        // User property.
        ("[a-z]{0,3}", "[a-z]{0,3}")
            .prop_map(|(k, v)| { [vec![0x26], field(k.as_bytes()), field(v.as_bytes())].concat() }),
        // Subscription identifier, 0 (a protocol error) included.
        (0usize..300).prop_map(|v| [vec![0x0b], varint(v)].concat()),
        // Anything.
        proptest::collection::vec(any::<u8>(), 1..6),
    ]
}

/// A property section: its length, then the properties.
fn properties() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(property(), 0..4).prop_map(|ps| {
        let body = ps.concat();
        [varint(body.len()), body].concat()
    })
}

/// A topic name or filter, shared subscriptions and invalid ones included.
fn topic() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ab/+#]{0,6}",
        "\\$share/[g+]{0,2}/[ab/#+]{0,4}",
        "\\$SYS/[a/]{0,3}"
    ]
}

/// An MQTT 5 packet of a type a client may send (or the broker only may, or none), with its
/// fields in place and a property section, so that the fuzzing reaches the v5 handlers.
fn v5_packet() -> impl Strategy<Value = Vec<u8>> {
    use proptest::sample::select;
    let headers = vec![
        0x30u8, 0x31, 0x32, 0x33, 0x34, 0x35, 0x3a, 0x3b, 0x3c, 0x36, 0x40, 0x50, 0x62, 0x70, 0x82,
        0xa2, 0xc0, 0xe0, 0xf0, 0x10, 0x20, 0x90,
    ];
    (
        select(headers),
        0u16..4,
        topic(),
        properties(),
        proptest::collection::vec(any::<u8>(), 0..12),
    )
        .prop_map(|(byte1, pkid, topic, props, tail)| {
            let pkid = pkid.to_be_bytes().to_vec();
            let reason = tail.first().copied().into_iter().collect::<Vec<u8>>();
            let body = match byte1 >> 4 {
                3 => {
                    let qos = (byte1 >> 1) & 3;
                    let id = if qos > 0 { pkid } else { Vec::new() };
                    [field(topic.as_bytes()), id, props, tail].concat()
                }
                4..=7 => [pkid, reason, props].concat(),
                // Subscription options with the reserved bits clear, mostly valid.
                8 => {
                    let options = reason.iter().map(|o| o & 0x2f).collect();
                    [pkid, props, field(topic.as_bytes()), options].concat()
                }
                10 => [pkid, props, field(topic.as_bytes())].concat(),
                14 | 15 => [reason, props].concat(),
                _ => tail,
            };
            frame(byte1, &body)
        })
}

fn v5_client_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        proptest::collection::vec(framed_packet(), 1..12).prop_map(|ps| ps.concat()),
        proptest::collection::vec(v5_packet(), 1..12).prop_map(|ps| ps.concat()),
    ]
}

/// What follows the protocol level of an MQTT 5 CONNECT: random bytes, or the fields in place
/// (flags, keep-alive, properties, client id, will properties/topic/payload, user name and
/// password as the flags announce them) with random values.
fn connect_rest() -> impl Strategy<Value = Vec<u8>> {
    let structured = (
        any::<u8>(),
        any::<u16>(),
        properties(),
        "[a-z]{0,4}",
        properties(),
        topic(),
        proptest::collection::vec(any::<u8>(), 0..6),
        "[a-z]{0,3}",
        proptest::collection::vec(any::<u8>(), 0..6),
    )
        .prop_map(
            |(flags, keep_alive, props, id, will_props, will_topic, will_payload, user, pass)| {
                let mut rest = vec![flags];
                rest.extend(keep_alive.to_be_bytes());
                rest.extend(props);
                rest.extend(field(id.as_bytes()));
                if flags & 0x04 != 0 {
                    rest.extend(will_props);
                    rest.extend(field(will_topic.as_bytes()));
                    rest.extend(field(&will_payload));
                }
                if flags & 0x80 != 0 {
                    rest.extend(field(user.as_bytes()));
                }
                if flags & 0x40 != 0 {
                    rest.extend(field(&pass));
                }
                rest
            },
        );
    prop_oneof![proptest::collection::vec(any::<u8>(), 0..64), structured]
}

/// The size of the frame at the front of `buf` once its fixed header is complete and valid.
fn front_frame_len(buf: &[u8]) -> Option<usize> {
    let mut remaining = 0usize;
    for i in 0..4 {
        let byte = *buf.get(1 + i)?;
        remaining |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(2 + i + remaining);
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// `decode` at MQTT 5 never panics, and each packet it returns took exactly one whole
    /// frame off the buffer; `Ok(None)` (more bytes needed) takes nothing.
    #[test]
    fn v5_decode_never_panics_and_consumes_whole_frames(bytes in v5_client_bytes()) {
        let mut buf = BytesMut::from(&bytes[..]);
        loop {
            let before = buf.len();
            let frame = front_frame_len(&buf);
            match decode(Version::V5, &mut buf, 1 << 20) {
                Ok(Some(_)) => {
                    prop_assert_eq!(Some(before - buf.len()), frame, "not one whole frame");
                }
                Ok(None) => {
                    prop_assert_eq!(buf.len(), before, "an incomplete frame was consumed");
                    break;
                }
                Err(_) => break,
            }
        }
    }

    /// `decode_connect` on a complete frame starting like an MQTT 5 CONNECT (protocol name
    /// and level 5) never panics, and either decodes it, taking the whole frame, or refuses it.
    #[test]
    fn v5_decode_connect_never_panics(rest in connect_rest(), trailing in proptest::collection::vec(any::<u8>(), 0..4)) {
        let body = [vec![0, 4, b'M', b'Q', b'T', b'T', 5], rest].concat();
        let packet = frame(0x10, &body);
        let mut buf = BytesMut::from(&[packet.clone(), trailing.clone()].concat()[..]);
        match decode_connect(&mut buf, 1 << 20) {
            Ok(Some(_)) => prop_assert_eq!(&buf[..], &trailing[..], "not the whole CONNECT"),
            Ok(None) => prop_assert!(false, "a complete CONNECT reported as incomplete"),
            Err(_) => {}
        }
        // Any prefix of it is incomplete or refused, and never panics either.
        for cut in 0..packet.len() {
            let mut part = BytesMut::from(&packet[..cut]);
            let _ = decode_connect(&mut part, 1 << 20);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Whatever an MQTT 5 client sends after a valid CONNECT, the broker neither panics nor
    /// hangs, and its MQTT 5 subscriber is still served.
    #[test]
    fn any_bytes_after_v5_connect_end_cleanly(bytes in v5_client_bytes()) {
        run_connection(Version::V5, &bytes);
    }
}
