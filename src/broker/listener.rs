//! The broker's listeners: plain TCP, TLS, WebSocket and WebSocket over TLS.
//!
//! A [`Listener`] is a bound socket and the [`Transport`] its connections speak. Accepting a
//! connection runs the transport's handshakes (TLS, then the WebSocket upgrade) within the
//! CONNECT timeout, so a client speaking the wrong protocol, or nothing, fails fast with a log
//! line; the MQTT stream that results goes to `connection::serve` like any other. TLS is
//! rustls; client certificates are verified against a CA file, and a certificate's Common Name
//! can stand in for the username (mosquitto's `use_identity_as_username`). WebSocket connections
//! are accepted on any path, answering the `mqtt` subprotocol when the client offers it.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use async_tungstenite::tungstenite::http::HeaderValue;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::time;
use tokio_rustls::TlsAcceptor;
use ws_stream_tungstenite::WsStream;

/// WebSocket subprotocols the broker answers (MQTT 3.1.1 and 5 use `mqtt`; `mqttv3.1` is the
/// older name some clients still offer).
const SUBPROTOCOLS: [&str; 2] = ["mqtt", "mqttv3.1"];

/// Why a listener's TLS settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// A file holds no usable PEM item of the kind wanted.
    #[error("{}: {what}", path.display())]
    Content {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
    /// The settings do not fit together, or rustls refused them.
    #[error("{0}")]
    Settings(String),
}

/// The files and choices of one TLS listener.
#[derive(Debug, Clone, Default)]
pub struct TlsFiles {
    /// The server's certificate chain, PEM.
    pub cert: PathBuf,
    /// Its private key, PEM (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
    /// CA certificates (PEM) that client certificates must chain to.
    pub cafile: Option<PathBuf>,
    /// A directory of such CA certificates (files that are not PEM certificates are skipped).
    pub capath: Option<PathBuf>,
    /// Refuse a client without a certificate signed by `cafile`.
    pub require_certificate: bool,
    /// Use the client certificate's Common Name as the username.
    pub use_identity_as_username: bool,
}

/// A loaded TLS configuration, ready to accept handshakes.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
    use_identity_as_username: bool,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("use_identity_as_username", &self.use_identity_as_username)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// Reads and checks the files: the certificate must match the key, and a CA file is
    /// needed to verify client certificates.
    pub fn load(files: &TlsFiles) -> Result<Tls, TlsError> {
        let has_ca = files.cafile.is_some() || files.capath.is_some();
        if files.require_certificate && !has_ca {
            return Err(TlsError::Settings(
                "require_certificate needs a CA file to verify client certificates".into(),
            ));
        }
        if files.use_identity_as_username && !has_ca {
            return Err(TlsError::Settings(
                "use_identity_as_username needs a CA file to verify client certificates".into(),
            ));
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Settings(e.to_string()))?;
        let builder = if has_ca {
            {
                let mut roots = RootCertStore::empty();
                let mut sources: Vec<PathBuf> = files.cafile.iter().cloned().collect();
                if let Some(dir) = &files.capath {
                    sources.extend(capath_files(dir)?);
                }
                for source in &sources {
                    for cert in read_certs(source)? {
                        roots.add(cert).map_err(|e| TlsError::Content {
                            path: source.clone(),
                            what: format!("not a usable CA certificate: {e}"),
                        })?;
                    }
                }
                let verifier = WebPkiClientVerifier::builder_with_provider(roots.into(), provider);
                let verifier = if files.require_certificate {
                    verifier
                } else {
                    verifier.allow_unauthenticated()
                };
                let verifier = verifier
                    .build()
                    .map_err(|e| TlsError::Settings(e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
        } else {
            builder.with_no_client_auth()
        };
        let chain = read_certs(&files.cert)?;
        let key = read_key(&files.key)?;
        let config = builder.with_single_cert(chain, key).map_err(|e| {
            TlsError::Settings(format!(
                "{} and {} do not make a certificate and its key: {e}",
                files.cert.display(),
                files.key.display()
            ))
        })?;
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            use_identity_as_username: files.use_identity_as_username,
        })
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = read(path)?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Content {
            path: path.to_path_buf(),
            what: format!("bad PEM: {e}"),
        })?;
    if certs.is_empty() {
        return Err(TlsError::Content {
            path: path.to_path_buf(),
            what: "no PEM certificate".into(),
        });
    }
    Ok(certs)
}

/// The files in a CA directory that hold a PEM certificate.
fn capath_files(dir: &Path) -> Result<Vec<PathBuf>, TlsError> {
    let entries = std::fs::read_dir(dir).map_err(|source| TlsError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() && read_certs(&path).is_ok() {
            found.push(path);
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(TlsError::Content {
            path: dir.to_path_buf(),
            what: "no PEM certificate in this directory".into(),
        });
    }
    Ok(found)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let pem = read(path)?;
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| TlsError::Content {
        path: path.to_path_buf(),
        what: format!("no PEM private key: {e}"),
    })
}

/// What a listener's connections speak under MQTT.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Plain TCP.
    Tcp,
    /// TLS over TCP.
    Tls(Tls),
    /// WebSocket.
    Ws,
    /// WebSocket over TLS.
    Wss(Tls),
}

impl Transport {
    /// The short name printed beside the bound address and used in log lines.
    pub fn name(&self) -> &'static str {
        match self {
            Transport::Tcp => "mqtt",
            Transport::Tls(_) => "mqtts",
            Transport::Ws => "ws",
            Transport::Wss(_) => "wss",
        }
    }
}

/// A bound socket and the transport its connections speak.
#[derive(Debug)]
pub struct Listener {
    /// The socket.
    pub socket: TcpListener,
    /// What its connections speak.
    pub transport: Transport,
}

/// Who the transport says the client is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Identity {
    /// Nothing: CONNECT's username stands.
    FromConnect,
    /// The listener uses the certificate's Common Name as the username: this one, or `None`
    /// when the client sent no certificate (or one without a Common Name).
    Certificate(Option<String>),
}

/// Any byte stream a connection can run over.
pub(super) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// An accepted connection, after its handshakes.
pub(super) enum Accepted {
    /// Plain TCP, served without indirection.
    Tcp(TcpStream),
    /// TLS and/or WebSocket.
    Wrapped(Box<dyn Io>, Identity),
}

/// Runs `transport`'s handshakes on `socket` within `timeout`; the error is the log line's
/// text.
pub(super) async fn handshake(
    transport: &Transport,
    socket: TcpStream,
    timeout: Duration,
) -> Result<Accepted, String> {
    let what = match transport {
        Transport::Tcp => return Ok(Accepted::Tcp(socket)),
        Transport::Tls(_) => "TLS handshake",
        Transport::Ws => "WebSocket upgrade",
        Transport::Wss(_) => "TLS handshake and WebSocket upgrade",
    };
    match time::timeout(timeout, wrap(transport, socket)).await {
        Ok(result) => result,
        Err(_) => Err(format!("{what} timeout after {timeout:?}")),
    }
}

async fn wrap(transport: &Transport, socket: TcpStream) -> Result<Accepted, String> {
    match transport {
        Transport::Tcp => Ok(Accepted::Tcp(socket)),
        Transport::Tls(tls) => {
            let (stream, identity) = tls_accept(tls, socket).await?;
            Ok(Accepted::Wrapped(Box::new(stream), identity))
        }
        Transport::Ws => Ok(Accepted::Wrapped(
            Box::new(ws_accept(socket).await?),
            Identity::FromConnect,
        )),
        Transport::Wss(tls) => {
            let (stream, identity) = tls_accept(tls, socket).await?;
            Ok(Accepted::Wrapped(
                Box::new(ws_accept(stream).await?),
                identity,
            ))
        }
    }
}

async fn tls_accept(
    tls: &Tls,
    socket: TcpStream,
) -> Result<(tokio_rustls::server::TlsStream<TcpStream>, Identity), String> {
    let stream = tls
        .acceptor
        .accept(socket)
        .await
        .map_err(|e| format!("TLS handshake failed: {e}"))?;
    let identity = if tls.use_identity_as_username {
        let cn = stream
            .get_ref()
            .1
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(|cert| common_name(cert));
        Identity::Certificate(cn)
    } else {
        Identity::FromConnect
    };
    Ok((stream, identity))
}

async fn ws_accept<S: Io + 'static>(stream: S) -> Result<impl Io, String> {
    // The callback's signature is tungstenite's.
    #[allow(clippy::result_large_err)]
    let answer = |request: &Request, mut response: Response| -> Result<Response, ErrorResponse> {
        let offered = request
            .headers()
            .get_all("Sec-WebSocket-Protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .find(|p| SUBPROTOCOLS.iter().any(|s| s.eq_ignore_ascii_case(p)))
            .and_then(|p| HeaderValue::from_str(p).ok());
        if let Some(protocol) = offered {
            response
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", protocol);
        }
        Ok(response)
    };
    let socket = async_tungstenite::tokio::accept_hdr_async(stream, answer)
        .await
        .map_err(|e| format!("WebSocket upgrade failed: {e}"))?;
    Ok(WsStream::new(socket))
}

/// The first Common Name of a DER certificate's subject (what mosquitto takes), if any.
fn common_name(cert: &[u8]) -> Option<String> {
    const CN: &[u8] = &[0x55, 0x04, 0x03]; // 2.5.4.3
    let (_, certificate, _) = der(cert)?;
    let (_, tbs, _) = der(certificate)?;
    let mut rest = tbs;
    let (tag, _, after) = der(rest)?;
    if tag == 0xA0 {
        rest = after; // version
    }
    // serial, signature algorithm, issuer, validity
    for _ in 0..4 {
        rest = der(rest)?.2;
    }
    let (_, mut names, _) = der(rest)?;
    while !names.is_empty() {
        let (_, set, next) = der(names)?;
        names = next;
        let mut attributes = set;
        while !attributes.is_empty() {
            let (_, attribute, next) = der(attributes)?;
            attributes = next;
            let (oid_tag, oid, value) = der(attribute)?;
            if oid_tag == 0x06 && oid == CN {
                let (value_tag, value, _) = der(value)?;
                // UTF8String, PrintableString, T61String, IA5String
                if matches!(value_tag, 0x0C | 0x13 | 0x14 | 0x16) {
                    return String::from_utf8(value.to_vec()).ok();
                }
            }
        }
    }
    None
}

/// Splits one DER element off `input`: its tag, its contents and what follows it.
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{CertificateParams, DnType, KeyPair};

    fn cert_with(names: &[(DnType, &str)]) -> Vec<u8> {
        let mut params = CertificateParams::new(vec!["client.test".to_string()]).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        for (kind, value) in names {
            params.distinguished_name.push(kind.clone(), *value);
        }
        let key = KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn common_name_is_read_from_the_subject() {
        let der = cert_with(&[
            (DnType::OrganizationName, "acme"),
            (DnType::CommonName, "device-7"),
        ]);
        assert_eq!(common_name(&der).as_deref(), Some("device-7"));
    }

    #[test]
    fn a_subject_without_common_name_gives_none() {
        let der = cert_with(&[(DnType::OrganizationName, "acme")]);
        assert_eq!(common_name(&der), None);
    }

    #[test]
    fn truncated_der_gives_none_not_a_panic() {
        let der = cert_with(&[(DnType::CommonName, "x")]);
        for len in 0..der.len() {
            let _ = common_name(&der[..len]);
        }
        assert_eq!(common_name(&[0x30, 0x84, 0xff]), None);
    }

    #[test]
    fn require_certificate_without_cafile_is_refused() {
        let files = TlsFiles {
            require_certificate: true,
            ..TlsFiles::default()
        };
        let err = Tls::load(&files).unwrap_err();
        assert!(err.to_string().contains("needs a CA file"), "{err}");
    }
}
