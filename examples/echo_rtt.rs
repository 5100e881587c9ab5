//! The latency floor of a broker: one blocking client subscribed to its own topic publishes a
//! QoS 0 message, waits until the broker delivers it back, and records the round trip. No
//! runtime, no timer, no second connection: what is left is the broker and the loopback.
//! `mqttkit bench pubsub`'s end-to-end latency at a low rate is compared with it in
//! docs/performance.md.
//!
//! ```text
//! cargo run --release --example echo_rtt -- 127.0.0.1:1883 [messages=5000] [rate=1000] [size=64]
//! ```
//! Prints one line of JSON: the count and p50/p90/p99/max in µs.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use rumqttc::mqttbytes::v4::{Connect, Packet, Publish, Subscribe};
use rumqttc::mqttbytes::QoS;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr = args
        .first()
        .ok_or("usage: echo_rtt HOST:PORT [messages] [rate] [size]")?;
    let arg = |i: usize, default: u64| -> Result<u64> {
        Ok(args
            .get(i)
            .map(|s| s.parse())
            .transpose()?
            .unwrap_or(default))
    };
    let (messages, rate, size) = (arg(1, 5000)?, arg(2, 1000)?, arg(3, 64)? as usize);
    let mut stream = TcpStream::connect(addr.as_str())?;
    stream.set_nodelay(true)?;
    let mut buf = BytesMut::new();
    let mut out = BytesMut::new();
    Connect::new(format!("echo-rtt-{}", std::process::id())).write(&mut out)?;
    let mut subscribe = Subscribe::new("echo-rtt/t", QoS::AtMostOnce);
    subscribe.pkid = 1; // 0 is not a packet id [MQTT-2.3.1-1]
    subscribe.write(&mut out)?;
    stream.write_all(&out)?;
    // CONNACK, SUBACK.
    for _ in 0..2 {
        next(&mut stream, &mut buf)?;
    }
    let mut publish = BytesMut::new();
    Publish::new("echo-rtt/t", QoS::AtMostOnce, vec![0u8; size]).write(&mut publish)?;
    let mut h = hdrhistogram::Histogram::<u64>::new(3)?;
    let gap = Duration::from_secs_f64(1.0 / rate.max(1) as f64);
    let start = Instant::now();
    for k in 0..messages {
        let due = start + gap * k as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let sent = Instant::now();
        stream.write_all(&publish)?;
        loop {
            if let Packet::Publish(_) = next(&mut stream, &mut buf)? {
                break;
            }
        }
        h.record((sent.elapsed().as_micros() as u64).max(1))?;
    }
    println!(
        "{{\"count\":{},\"p50\":{},\"p90\":{},\"p99\":{},\"max\":{}}}",
        h.len(),
        h.value_at_quantile(0.5),
        h.value_at_quantile(0.9),
        h.value_at_quantile(0.99),
        h.max()
    );
    Ok(())
}

/// The next packet from the broker.
fn next(stream: &mut TcpStream, buf: &mut BytesMut) -> Result<Packet> {
    loop {
        match Packet::read(buf, 1 << 20) {
            Ok(p) => return Ok(p),
            Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => {
                let mut chunk = [0u8; 4096];
                let n = stream.read(&mut chunk)?;
                if n == 0 {
                    return Err("the broker closed the connection".into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            Err(e) => return Err(format!("{e:?}").into()),
        }
    }
}
