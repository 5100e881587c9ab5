//! A raw MQTT 5 client for the broker's v5 tests: packet by packet, no automatic behaviour.
//! Packets are encoded and decoded with rumqttc's MQTT 5 codec (an implementation independent
//! of the broker's), and every received frame is also kept as bytes, for assertions on the
//! exact packet (property order, reason codes).
#![allow(dead_code, unused_imports)]

use std::net::SocketAddr;
use std::time::Duration;

use bytes::BytesMut;
pub use rumqttc::v5::mqttbytes::v5::{
    ConnAck, ConnAckProperties, Connect, ConnectProperties, ConnectReturnCode, Disconnect,
    DisconnectProperties, DisconnectReasonCode, Filter, LastWill, LastWillProperties, Login,
    Packet, PubAck, PubAckReason, PubComp, PubCompReason, PubRec, PubRecReason, PubRel,
    PubRelReason, Publish, PublishProperties, RetainForwardRule, SubAck, Subscribe,
    SubscribeProperties, SubscribeReasonCode, UnsubAck, UnsubAckReason, Unsubscribe,
};
pub use rumqttc::v5::mqttbytes::QoS;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{QUIET, WAIT};

/// A CONNECT with clean start, keep-alive 60 and no properties.
pub fn connect(id: &str) -> Connect {
    Connect {
        keep_alive: 60,
        client_id: id.to_owned(),
        clean_start: true,
        properties: None,
    }
}

/// A CONNECT with the given properties.
pub fn connect_with(id: &str, clean_start: bool, properties: ConnectProperties) -> Connect {
    Connect {
        keep_alive: 60,
        client_id: id.to_owned(),
        clean_start,
        properties: Some(properties),
    }
}

/// A PUBLISH with a packet id (ignored at QoS 0) and optional properties.
pub fn publish(
    topic: &str,
    payload: &[u8],
    qos: QoS,
    pkid: u16,
    properties: Option<PublishProperties>,
) -> Publish {
    let mut p = Publish::new(topic, qos, payload.to_vec(), properties);
    p.pkid = if qos == QoS::AtMostOnce { 0 } else { pkid };
    p
}

/// A subscription filter with explicit options.
pub fn filter(path: &str, qos: QoS) -> Filter {
    Filter::new(path, qos)
}

/// One frame as received: its bytes and, when rumqttc could decode it, the packet.
#[derive(Debug)]
pub struct Frame {
    /// The whole packet, fixed header included.
    pub bytes: Vec<u8>,
    /// rumqttc's reading of it.
    pub packet: Packet,
}

/// A client speaking MQTT 5 packet by packet.
pub struct RawV5 {
    stream: TcpStream,
    buf: BytesMut,
}

impl RawV5 {
    /// Opens a TCP connection without sending anything.
    pub async fn open(addr: SocketAddr) -> Self {
        RawV5 {
            stream: TcpStream::connect(addr).await.unwrap(),
            buf: BytesMut::new(),
        }
    }

    /// Opens a connection, sends `connect` and returns the CONNACK.
    pub async fn connect_to(addr: SocketAddr, connect: Connect) -> (Self, ConnAck) {
        let mut c = Self::open(addr).await;
        let ack = c.connect(connect, None, None).await;
        (c, ack)
    }

    /// Opens a connection with a plain clean-start CONNECT that must succeed.
    pub async fn connected(addr: SocketAddr, id: &str) -> Self {
        let (c, ack) = Self::connect_to(addr, connect(id)).await;
        assert_eq!(ack.code, ConnectReturnCode::Success, "CONNACK for {id}");
        c
    }

    /// Sends CONNECT (with a will and login if given) and returns the CONNACK.
    pub async fn connect(
        &mut self,
        connect: Connect,
        will: Option<LastWill>,
        login: Option<Login>,
    ) -> ConnAck {
        self.send(Packet::Connect(connect, will, login)).await;
        match self.recv().await {
            Packet::ConnAck(ack) => ack,
            other => panic!("expected CONNACK, got {other:?}"),
        }
    }

    /// Sends a packet.
    pub async fn send(&mut self, packet: Packet) {
        let mut out = BytesMut::new();
        packet.write(&mut out, None).unwrap();
        self.send_raw(&out).await;
    }

    /// Sends raw bytes (the connection may already be closed by the broker).
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes).await;
    }

    /// The size of the frame at the front of the buffer, once its header is complete.
    fn frame_len(&self) -> Option<usize> {
        let mut remaining = 0usize;
        for i in 0..4 {
            let byte = *self.buf.get(1 + i)?;
            remaining |= usize::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Some(2 + i + remaining);
            }
        }
        panic!("broker sent a remaining length longer than 4 bytes");
    }

    /// The next frame, or `None` when the broker closed the connection.
    pub async fn try_recv_frame(&mut self, within: Duration) -> Result<Option<Frame>, String> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(len) = self.frame_len() {
                if self.buf.len() >= len {
                    let bytes = self.buf[..len].to_vec();
                    let mut frame = self.buf.split_to(len);
                    let packet = Packet::read(&mut frame, None).map_err(|e| {
                        format!("broker sent a packet rumqttc cannot read: {e:?}: {bytes:02x?}")
                    })?;
                    return Ok(Some(Frame { bytes, packet }));
                }
            }
            let read = tokio::time::timeout_at(deadline, self.stream.read_buf(&mut self.buf)).await;
            match read {
                Err(_) => return Err("timed out".into()),
                Ok(Ok(0)) | Ok(Err(_)) => return Ok(None),
                Ok(Ok(_)) => {}
            }
        }
    }

    /// The next packet, or `None` when the broker closed the connection.
    pub async fn try_recv(&mut self, within: Duration) -> Result<Option<Packet>, String> {
        Ok(self.try_recv_frame(within).await?.map(|f| f.packet))
    }

    /// The next frame; panics when none arrives in time or the connection closed.
    pub async fn recv_frame(&mut self) -> Frame {
        match self.try_recv_frame(WAIT).await {
            Ok(Some(f)) => f,
            Ok(None) => panic!("connection closed while waiting for a packet"),
            Err(e) => panic!("no packet: {e}"),
        }
    }

    /// The next packet; panics when none arrives in time or the connection closed.
    pub async fn recv(&mut self) -> Packet {
        self.recv_frame().await.packet
    }

    /// The next packet, which must be a PUBLISH.
    pub async fn recv_publish(&mut self) -> Publish {
        match self.recv().await {
            Packet::Publish(p) => p,
            other => panic!("expected PUBLISH, got {other:?}"),
        }
    }

    /// Asserts that nothing arrives for a while (and the connection stays open).
    pub async fn expect_silence(&mut self) {
        match self.try_recv(QUIET).await {
            Err(_) => {}
            Ok(Some(p)) => panic!("expected nothing, got {p:?}"),
            Ok(None) => panic!("expected nothing, but the connection closed"),
        }
    }

    /// Asserts that the broker closes the connection, returning what it sent before.
    pub async fn expect_closed(&mut self) -> Vec<Packet> {
        let mut seen = Vec::new();
        loop {
            match self.try_recv(WAIT).await {
                Ok(None) => return seen,
                Ok(Some(p)) => seen.push(p),
                Err(e) => panic!("connection still open ({e}); received {seen:?}"),
            }
        }
    }

    /// Asserts that the broker sends DISCONNECT with `reason` and closes; returns it.
    pub async fn expect_disconnect(&mut self, reason: DisconnectReasonCode) -> Disconnect {
        let seen = self.expect_closed().await;
        match seen.last() {
            Some(Packet::Disconnect(d)) => {
                assert_eq!(d.reason_code, reason, "DISCONNECT reason: {d:?}");
                d.clone()
            }
            _ => panic!("expected DISCONNECT {reason:?} then the close, got {seen:?}"),
        }
    }

    /// Subscribes with `filters` (and a Subscription Identifier) and returns the SUBACK.
    pub async fn subscribe_with(
        &mut self,
        pkid: u16,
        filters: Vec<Filter>,
        id: Option<usize>,
    ) -> SubAck {
        let properties = id.map(|id| SubscribeProperties {
            id: Some(id),
            user_properties: Vec::new(),
        });
        let mut s = Subscribe::new_many(filters, properties);
        s.pkid = pkid;
        self.send(Packet::Subscribe(s)).await;
        match self.recv().await {
            Packet::SubAck(ack) => {
                assert_eq!(ack.pkid, pkid, "SUBACK packet id");
                ack
            }
            other => panic!("expected SUBACK, got {other:?}"),
        }
    }

    /// Subscribes to one filter and asserts it was granted.
    pub async fn subscribe(&mut self, path: &str, qos: QoS) {
        let ack = self.subscribe_with(1, vec![filter(path, qos)], None).await;
        assert_eq!(
            ack.return_codes,
            vec![SubscribeReasonCode::Success(qos)],
            "subscription to {path}"
        );
    }

    /// Publishes and completes the QoS handshake as the sender; returns the PUBACK/PUBREC
    /// reason (Success at QoS 0).
    pub async fn publish(&mut self, p: Publish) -> PubAckReason {
        let (qos, pkid) = (p.qos, p.pkid);
        self.send(Packet::Publish(p)).await;
        match qos {
            QoS::AtMostOnce => PubAckReason::Success,
            QoS::AtLeastOnce => match self.recv().await {
                Packet::PubAck(ack) => {
                    assert_eq!(ack.pkid, pkid);
                    ack.reason
                }
                other => panic!("expected PUBACK, got {other:?}"),
            },
            QoS::ExactlyOnce => {
                let reason = match self.recv().await {
                    Packet::PubRec(rec) => {
                        assert_eq!(rec.pkid, pkid);
                        rec.reason
                    }
                    other => panic!("expected PUBREC, got {other:?}"),
                };
                self.send(Packet::PubRel(PubRel::new(pkid, None))).await;
                match self.recv().await {
                    Packet::PubComp(comp) => assert_eq!(comp.pkid, pkid),
                    other => panic!("expected PUBCOMP, got {other:?}"),
                }
                match reason {
                    PubRecReason::Success => PubAckReason::Success,
                    PubRecReason::NoMatchingSubscribers => PubAckReason::NoMatchingSubscribers,
                    other => panic!("PUBREC {other:?}"),
                }
            }
        }
    }

    /// Publishes at QoS 0 without properties.
    pub async fn publish0(&mut self, topic: &str, payload: &[u8]) {
        self.publish(publish(topic, payload, QoS::AtMostOnce, 0, None))
            .await;
    }

    /// Acknowledges a received PUBLISH as the receiver (completing QoS 2).
    pub async fn ack(&mut self, p: &Publish) {
        match p.qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => self.send(Packet::PubAck(PubAck::new(p.pkid, None))).await,
            QoS::ExactlyOnce => {
                self.send(Packet::PubRec(PubRec::new(p.pkid, None))).await;
                match self.recv().await {
                    Packet::PubRel(rel) => assert_eq!(rel.pkid, p.pkid),
                    other => panic!("expected PUBREL, got {other:?}"),
                }
                self.send(Packet::PubComp(PubComp::new(p.pkid, None))).await;
            }
        }
    }

    /// Closes the socket without DISCONNECT (as a network failure would).
    pub async fn drop_connection(mut self) {
        let _ = self.stream.shutdown().await;
    }

    /// Sends DISCONNECT with `reason` (and a new session expiry) and closes the socket.
    pub async fn disconnect_with(mut self, reason: DisconnectReasonCode, expiry: Option<u32>) {
        let properties = expiry.map(|e| DisconnectProperties {
            session_expiry_interval: Some(e),
            reason_string: None,
            user_properties: Vec::new(),
            server_reference: None,
        });
        self.send(Packet::Disconnect(Disconnect {
            reason_code: reason,
            properties,
        }))
        .await;
        let _ = self.stream.shutdown().await;
    }

    /// Sends a normal DISCONNECT and closes the socket.
    pub async fn disconnect(self) {
        self.disconnect_with(DisconnectReasonCode::NormalDisconnection, None)
            .await;
    }
}

// ---- helpers for the session and will tests ----

/// A CONNECT with a Session Expiry Interval (and nothing else in its properties).
pub fn connect_expiry(id: &str, clean_start: bool, expiry: u32) -> Connect {
    connect_with(
        id,
        clean_start,
        ConnectProperties {
            session_expiry_interval: Some(expiry),
            ..ConnectProperties::new()
        },
    )
}

impl RawV5 {
    /// Sends DISCONNECT with `reason` (and a new session expiry), keeps reading until the
    /// broker closes the connection, and returns what it sent before. The broker has handed
    /// the session back (and published or kept the will) by the time it closes.
    pub async fn disconnect_and_wait(
        mut self,
        reason: DisconnectReasonCode,
        expiry: Option<u32>,
    ) -> Vec<Packet> {
        let properties = expiry.map(|e| DisconnectProperties {
            session_expiry_interval: Some(e),
            reason_string: None,
            user_properties: Vec::new(),
            server_reference: None,
        });
        self.send(Packet::Disconnect(Disconnect {
            reason_code: reason,
            properties,
        }))
        .await;
        self.expect_closed().await
    }

    /// Closes the sending half without DISCONNECT (a network failure, as the broker sees it)
    /// and waits until the broker closes its side: by then the session has been handed back.
    pub async fn drop_and_wait(mut self) {
        let _ = self.stream.shutdown().await;
        let seen = self.expect_closed().await;
        assert!(
            seen.is_empty(),
            "unexpected packets before the close: {seen:?}"
        );
    }
}
