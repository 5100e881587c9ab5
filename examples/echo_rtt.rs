//! The latency floor of a broker: one blocking client subscribed to its own topic publishes a
//! QoS 0 message, waits until the broker delivers it back, and records the round trip. No
//! runtime, no timer, no second connection: what is left is the broker and the loopback.
//! `mqttkit bench pubsub`'s end-to-end latency at a low rate is compared with it in
//! docs/performance.md.
//!
//! Each round trip is timed twice: until the read returns (what any client sees, its own
//! wake-up included), and until the message reached the socket by the kernel's arrival time
//! (`SO_TIMESTAMPNS`, as `mqttkit bench` times on plain TCP).
//!
//! ```text
//! cargo run --release --example echo_rtt -- 127.0.0.1:1883 [messages=5000] [rate=1000] [size=64]
//! ```
//! Prints one line of JSON: the count, p50/p90/p99/max in µs until the read, and
//! `arrival_p50`/`arrival_p90` until the arrival (absent when the kernel gives no arrival times).

use std::io::Write;
use std::net::TcpStream;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use mqttkit::bench::wire::arrival;
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
    let stamped = arrival::enable(stream.as_fd()).is_ok();
    let mut buf = BytesMut::new();
    let mut out = BytesMut::new();
    Connect::new(format!("echo-rtt-{}", std::process::id())).write(&mut out)?;
    let mut subscribe = Subscribe::new("echo-rtt/t", QoS::AtMostOnce);
    subscribe.pkid = 1; // 0 is not a packet id [MQTT-2.3.1-1]
    subscribe.write(&mut out)?;
    stream.write_all(&out)?;
    // CONNACK, SUBACK.
    for _ in 0..2 {
        next(&mut stream, &mut buf, &mut None)?;
    }
    let mut publish = BytesMut::new();
    Publish::new("echo-rtt/t", QoS::AtMostOnce, vec![0u8; size]).write(&mut publish)?;
    let mut h = hdrhistogram::Histogram::<u64>::new(3)?;
    let mut until_arrival = hdrhistogram::Histogram::<u64>::new(3)?;
    let mut arrived = None;
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
            if let Packet::Publish(_) = next(&mut stream, &mut buf, &mut arrived)? {
                break;
            }
        }
        // How long the message sat in the socket before the read, on the kernel's clock
        // (read first, so that the round trip is, if anything, overstated).
        let unix_now = arrival::unix_now().ok_or("the clock is before 1970")?;
        let rtt = sent.elapsed();
        h.record((rtt.as_micros() as u64).max(1))?;
        if let Some(waited) = arrived.take().map(|at| unix_now.saturating_sub(at)) {
            until_arrival.record((rtt.saturating_sub(waited).as_micros() as u64).max(1))?;
        }
    }
    let arrival = if stamped && !until_arrival.is_empty() {
        format!(
            ",\"arrival_p50\":{},\"arrival_p90\":{}",
            until_arrival.value_at_quantile(0.5),
            until_arrival.value_at_quantile(0.9)
        )
    } else {
        String::new()
    };
    println!(
        "{{\"count\":{},\"p50\":{},\"p90\":{},\"p99\":{},\"max\":{}{arrival}}}",
        h.len(),
        h.value_at_quantile(0.5),
        h.value_at_quantile(0.9),
        h.value_at_quantile(0.99),
        h.max()
    );
    Ok(())
}

/// The next packet from the broker; `arrived` becomes the kernel's arrival time of the last
/// data read, when it gives one.
fn next(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    arrived: &mut Option<Duration>,
) -> Result<Packet> {
    loop {
        match Packet::read(buf, 1 << 20) {
            Ok(p) => return Ok(p),
            Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => {
                buf.reserve(4096);
                let (n, at) = arrival::recv(stream.as_fd(), buf.spare_capacity_mut())?;
                if n == 0 {
                    return Err("the broker closed the connection".into());
                }
                // SAFETY: recv initialised the first `n` bytes of the spare capacity.
                unsafe { buf.set_len(buf.len() + n) };
                *arrived = at;
            }
            Err(e) => return Err(format!("{e:?}").into()),
        }
    }
}
