//! A hostile load for a broker's memory: many connections sending random and mutated packets
//! for a while, reconnecting whenever the broker closes them.
//!
//! ```text
//! cargo run --release --example hostile_load -- --addr 127.0.0.1:1883 --connections 40 --seconds 600
//! ```
//!
//! Each connection sends a CONNECT (MQTT 3.1.1 or 5, now and then damaged), then a mix of
//! random bytes, packet-shaped frames with random bodies, PUBLISH packets with random topics,
//! QoS and payloads up to 64 KiB (some retained, on ten topics), SUBSCRIBEs to random
//! filters, and packets that announce a large remaining length and stop short; it reads and
//! discards what the broker sends. It prints one JSON line at the end: connections made and bytes sent.
//! Deterministic from `--seed`.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// xorshift64*: enough randomness for a load, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn varint(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let mut b = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            b |= 0x80;
        }
        out.push(b);
        if n == 0 {
            break;
        }
    }
}

fn frame(byte1: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![byte1];
    varint(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

fn string(s: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s);
}

fn topic(rng: &mut Rng, filter: bool) -> Vec<u8> {
    let levels = 1 + rng.below(4);
    let mut t = Vec::new();
    for i in 0..levels {
        if i > 0 {
            t.push(b'/');
        }
        match rng.below(10) {
            0 if filter => t.push(b'+'),
            1 if filter && i == levels - 1 => t.push(b'#'),
            _ => t.extend_from_slice(format!("l{}", rng.below(50)).as_bytes()),
        }
    }
    t
}

fn connect(rng: &mut Rng, v5: bool, id: &str) -> Vec<u8> {
    let mut body = Vec::new();
    string(b"MQTT", &mut body);
    body.push(if v5 { 5 } else { 4 });
    body.push(2);
    body.extend_from_slice(&30u16.to_be_bytes());
    if v5 {
        body.push(0);
    }
    string(id.as_bytes(), &mut body);
    let mut packet = frame(0x10, &body);
    if rng.below(10) == 0 {
        // A damaged CONNECT now and then.
        let i = rng.below(packet.len() as u64) as usize;
        packet[i] = rng.next() as u8;
    }
    packet
}

fn hostile_packet(rng: &mut Rng, v5: bool) -> Vec<u8> {
    match rng.below(6) {
        0 => {
            let n = rng.below(300) as usize;
            rng.bytes(n)
        }
        1 => {
            let n = rng.below(64) as usize;
            let body = rng.bytes(n);
            frame(rng.next() as u8, &body)
        }
        2 | 3 => {
            let qos = rng.below(3) as u8;
            // Retained messages stay (that is their job): on a few topics only, so the
            // retained store stays bounded and what grows is the broker's own doing.
            let retain = rng.below(8) == 0;
            let name = match retain {
                true => format!("r/{}", rng.below(10)).into_bytes(),
                false => topic(rng, false),
            };
            let mut body = Vec::new();
            string(&name, &mut body);
            if qos > 0 {
                body.extend_from_slice(&(1 + rng.below(65_000) as u16).to_be_bytes());
            }
            if v5 {
                body.push(0);
            }
            let size = match rng.below(10) {
                0 => rng.below(65_536) as usize,
                _ => rng.below(512) as usize,
            };
            body.extend(rng.bytes(size));
            frame(0x30 | (qos << 1) | u8::from(retain), &body)
        }
        4 => {
            let mut body = (1 + rng.below(65_000) as u16).to_be_bytes().to_vec();
            if v5 {
                body.push(0);
            }
            string(&topic(rng, true), &mut body);
            body.push(rng.below(3) as u8);
            frame(0x82, &body)
        }
        _ => {
            // A large announced length, and only the start of the body.
            let mut out = vec![0x30];
            varint(1 + rng.below(8 << 20) as usize, &mut out);
            let n = rng.below(2048) as usize;
            out.extend(rng.bytes(n));
            out
        }
    }
}

/// One connection's loop until `deadline`: returns (connections made, bytes sent).
async fn client(addr: String, index: u64, seed: u64, deadline: Instant) -> (u64, u64) {
    let mut rng = Rng(seed.wrapping_add(index.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1);
    let (mut connections, mut sent) = (0u64, 0u64);
    while Instant::now() < deadline {
        let Ok(stream) = TcpStream::connect(&addr).await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        connections += 1;
        let (mut reader, mut writer) = stream.into_split();
        let drain = tokio::spawn(async move {
            let mut buf = vec![0u8; 16 * 1024];
            while let Ok(n) = reader.read(&mut buf).await {
                if n == 0 {
                    break;
                }
            }
        });
        let v5 = rng.below(2) == 0;
        let id = format!("hostile-{index}-{}", rng.below(8));
        let mut packets = vec![connect(&mut rng, v5, &id)];
        for _ in 0..(1 + rng.below(40)) {
            packets.push(hostile_packet(&mut rng, v5));
        }
        for packet in packets {
            if Instant::now() >= deadline {
                break;
            }
            match tokio::time::timeout(Duration::from_secs(2), writer.write_all(&packet)).await {
                Ok(Ok(())) => sent += packet.len() as u64,
                _ => break,
            }
            if rng.below(4) == 0 {
                tokio::task::yield_now().await;
            }
        }
        drop(writer);
        let _ = tokio::time::timeout(Duration::from_millis(200), drain).await;
    }
    (connections, sent)
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == &format!("--{name}"))
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let addr = arg(&args, "addr").unwrap_or_else(|| "127.0.0.1:1883".into());
    let parse = |name: &str, default: u64| {
        arg(&args, name).map_or(default, |v| {
            v.parse().unwrap_or_else(|_| {
                eprintln!("hostile_load: bad --{name} {v:?}");
                std::process::exit(2)
            })
        })
    };
    let connections = parse("connections", 40);
    let seconds = parse("seconds", 60);
    let seed = parse("seed", 1);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|i| tokio::spawn(client(addr.clone(), i, seed, deadline)))
        .collect();
    let (mut made, mut sent) = (0, 0);
    for t in tasks {
        if let Ok((c, s)) = t.await {
            made += c;
            sent += s;
        }
    }
    println!("{{\"connections\":{made},\"bytes_sent\":{sent}}}");
}
