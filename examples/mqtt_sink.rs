//! A sink for measuring load generators: it accepts MQTT connections, answers CONNECT with
//! CONNACK 0 (and SUBSCRIBE with SUBACK, PINGREQ with PINGRESP), then reads and discards
//! everything else, counting the PUBLISH packets. It does next to no work per message, so
//! what a generator reaches into it is the generator's own ceiling.
//!
//! ```text
//! cargo run --release --example mqtt_sink -- 127.0.0.1:0
//! ```
//! Prints `listening on ADDR` first; on SIGINT/SIGTERM, one line of JSON with the packets
//! counted.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    let publishes = Arc::new(AtomicU64::new(0));
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = accepted?;
                let publishes = publishes.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, &publishes).await;
                });
            }
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
        }
    }
    println!("{{\"publishes\":{}}}", publishes.load(Relaxed));
    Ok(())
}

/// Serves one connection: walks the fixed headers of everything it reads, answering only
/// what a client waits for.
async fn serve(mut stream: TcpStream, publishes: &AtomicU64) -> Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = vec![0u8; 256 * 1024];
    let (mut start, mut end) = (0usize, 0usize);
    let mut counted = 0u64;
    loop {
        if start == end {
            (start, end) = (0, 0);
        } else if end == buf.len() {
            buf.copy_within(start..end, 0);
            (start, end) = (0, end - start);
            if end == buf.len() {
                buf.resize(buf.len() * 2, 0);
            }
        }
        let n = stream.read(&mut buf[end..]).await?;
        if n == 0 {
            return Ok(());
        }
        end += n;
        let mut replies = Vec::new();
        while let Some((first, header, remaining)) = fixed_header(&buf[start..end]) {
            if end - start < header + remaining {
                break;
            }
            match first >> 4 {
                1 => replies.extend_from_slice(&[0x20, 2, 0, 0]),
                3 => counted += 1,
                8 => {
                    let id = &buf[start + header..start + header + 2];
                    replies.extend_from_slice(&[0x90, 3, id[0], id[1], 0]);
                }
                12 => replies.extend_from_slice(&[0xd0, 0]),
                14 => return Ok(()),
                _ => {}
            }
            start += header + remaining;
        }
        publishes.fetch_add(std::mem::take(&mut counted), Relaxed);
        if !replies.is_empty() {
            stream.write_all(&replies).await?;
        }
    }
}

/// `(first byte, header length, remaining length)` of a complete fixed header.
fn fixed_header(b: &[u8]) -> Option<(u8, usize, usize)> {
    let mut remaining = 0usize;
    for i in 1..b.len().min(5) {
        remaining |= usize::from(b[i] & 0x7f) << (7 * (i - 1));
        if b[i] & 0x80 == 0 {
            return Some((b[0], i + 1, remaining));
        }
    }
    None
}
