//! Opening the byte stream under the lean client: TCP (optionally from a chosen source
//! address), TLS, WebSocket or WebSocket over TLS, as the shared connection layer resolved.

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use anyhow::{anyhow, Context, Result};
use async_tungstenite::tungstenite::client::IntoClientRequest;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpSocket, TcpStream};
use ws_stream_tungstenite::WsStream;

use crate::conn::{ConnectConfig, TransportConfig};

/// Any byte stream the client can speak MQTT over.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The stream of one connection. Plain TCP, the common case, is not boxed.
pub enum Stream {
    /// Plain TCP.
    Tcp(TcpStream),
    /// TLS, WebSocket, WebSocket over TLS.
    Boxed(Box<dyn Io>),
}

/// Opens the stream `config` asks for; `source` binds the local end (for `--ifaddr`).
pub async fn open(config: &ConnectConfig, source: Option<IpAddr>) -> Result<Stream> {
    let tcp = tcp(&config.host, config.port, source).await?;
    Ok(match &config.transport {
        TransportConfig::Tcp => Stream::Tcp(tcp),
        TransportConfig::Tls(tls) => Stream::Boxed(Box::new(
            tls_over(tcp, &config.host, tls.config.clone()).await?,
        )),
        TransportConfig::Ws { url } => Stream::Boxed(Box::new(websocket(url, tcp).await?)),
        TransportConfig::Wss { url, tls } => {
            let secure = tls_over(tcp, &config.host, tls.config.clone()).await?;
            Stream::Boxed(Box::new(websocket(url, secure).await?))
        }
    })
}

async fn tcp(host: &str, port: u16, source: Option<IpAddr>) -> Result<TcpStream> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .with_context(|| format!("cannot resolve {host}"))?
        .filter(|a| source.is_none_or(|s| s.is_ipv4() == a.is_ipv4()))
        .collect();
    let mut last = None;
    for addr in addrs {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()
        } else {
            TcpSocket::new_v6()
        }?;
        if let Some(ip) = source {
            socket
                .bind(SocketAddr::new(ip, 0))
                .with_context(|| format!("--ifaddr {ip}: cannot bind"))?;
        }
        match socket.connect(addr).await {
            Ok(stream) => {
                // Nagle's algorithm would hold small packets (acks, single publishes) back.
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(e) => last = Some(anyhow::Error::from(e)),
        }
    }
    Err(last.unwrap_or_else(|| anyhow!("{host} has no address of the source address's family")))
}

async fn tls_over<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    host: &str,
    config: std::sync::Arc<rustls::ClientConfig>,
) -> Result<tokio_rustls::client::TlsStream<S>> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| anyhow!("{host:?} is not a valid TLS server name"))?;
    tokio_rustls::TlsConnector::from(config)
        .connect(name, stream)
        .await
        .map_err(|e| anyhow::Error::new(e).context("TLS handshake"))
}

async fn websocket<S: AsyncRead + AsyncWrite + Unpin + Send>(
    url: &str,
    stream: S,
) -> Result<WsStream<async_tungstenite::tokio::TokioAdapter<S>>> {
    let mut request = url.into_client_request().context("WebSocket URL")?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "mqtt".parse().expect("a valid header"),
    );
    let (socket, _response) = async_tungstenite::tokio::client_async(request, stream)
        .await
        .with_context(|| format!("WebSocket upgrade at {url}"))?;
    Ok(WsStream::new(socket))
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Boxed(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Boxed(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_flush(cx),
            Stream::Boxed(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Boxed(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}
