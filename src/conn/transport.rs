//! The transport under MQTT: plain TCP, TLS, WebSocket or WebSocket over TLS, chosen from the
//! URL scheme and the TLS flags, and turned into a `rumqttc::Transport`.
//!
//! Every certificate and key file is read and checked here, before any socket opens. Nothing
//! TLS-related is built (and no OS certificate is loaded) unless TLS is actually used, so a
//! plain `mqtt://` run starts as fast as before.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Result};
use clap::Args;
use rumqttc::{TlsConfiguration, Transport};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{self, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::url::Scheme;
use crate::error::usage;

/// HTTP path of the WebSocket upgrade when a `ws://`/`wss://` URL names none (the path most
/// brokers serve MQTT on; mosquitto accepts any).
pub const DEFAULT_WS_PATH: &str = "mqtt";

/// The TLS flags. Any of them turns TLS on for `-h/-p` connections (port 8883 by default).
///
/// Each flag names its help heading itself: a struct-wide `next_help_heading` would carry over
/// to the flags flattened after these.
#[derive(Debug, Clone, Default, Args)]
pub struct TlsOpts {
    /// Trust the CA certificates in this PEM file (instead of the OS store); turns TLS on.
    #[arg(long, value_name = "FILE", help_heading = "TLS")]
    pub cafile: Option<PathBuf>,

    /// Trust every PEM CA certificate in this directory (instead of the OS store); turns TLS on.
    #[arg(long, value_name = "DIR", help_heading = "TLS")]
    pub capath: Option<PathBuf>,

    /// Client certificate chain (PEM) for brokers that require one; needs --key.
    #[arg(long, value_name = "FILE", help_heading = "TLS")]
    pub cert: Option<PathBuf>,

    /// Private key (PEM: PKCS#8, PKCS#1 or SEC1) of --cert.
    #[arg(long, value_name = "FILE", help_heading = "TLS")]
    pub key: Option<PathBuf>,

    /// Do not verify the broker's certificate or host name (testing only): anyone on the path
    /// can read and change the traffic. Turns TLS on.
    #[arg(long, help_heading = "TLS")]
    pub insecure: bool,
}

impl TlsOpts {
    /// True when any TLS flag was given.
    pub fn any(&self) -> bool {
        self.cafile.is_some()
            || self.capath.is_some()
            || self.cert.is_some()
            || self.key.is_some()
            || self.insecure
    }
}

/// A built TLS client configuration.
#[derive(Debug, Clone)]
pub struct TlsSettings {
    /// The rustls configuration handed to rumqttc.
    pub config: Arc<ClientConfig>,
    /// Whether server verification is off (`--insecure`).
    pub insecure: bool,
}

/// The resolved transport; cheap to clone.
#[derive(Debug, Clone)]
pub enum TransportConfig {
    /// Plain TCP.
    Tcp,
    /// TLS over TCP.
    Tls(TlsSettings),
    /// WebSocket to this `ws://` URL.
    Ws {
        /// The URL of the HTTP upgrade request.
        url: String,
    },
    /// WebSocket over TLS to this `wss://` URL.
    Wss {
        /// The URL of the HTTP upgrade request.
        url: String,
        /// TLS settings.
        tls: TlsSettings,
    },
}

impl TransportConfig {
    /// The WebSocket URL, for the WebSocket transports.
    pub fn ws_url(&self) -> Option<&str> {
        match self {
            TransportConfig::Ws { url } | TransportConfig::Wss { url, .. } => Some(url),
            TransportConfig::Tcp | TransportConfig::Tls(_) => None,
        }
    }

    /// A warning the user must see before connecting, if any.
    pub fn warning(&self) -> Option<&'static str> {
        match self {
            TransportConfig::Tls(t) | TransportConfig::Wss { tls: t, .. } if t.insecure => Some(
                "--insecure: the broker's certificate and host name are not verified; \
                 the connection is open to interception",
            ),
            _ => None,
        }
    }
}

/// The scheme in effect: the URL's, or for `-h/-p` TLS when any TLS flag is given. A TLS flag
/// with an explicit plain `mqtt://` or `ws://` URL is a contradiction, hence a usage error.
pub fn effective_scheme(tls: &TlsOpts, url_scheme: Option<Scheme>) -> Result<Scheme> {
    match url_scheme {
        None if tls.any() => Ok(Scheme::Mqtts),
        None => Ok(Scheme::Mqtt),
        Some(s @ (Scheme::Mqtt | Scheme::Ws)) if tls.any() => {
            let (plain, secure) = if s == Scheme::Mqtt {
                ("mqtt", "mqtts")
            } else {
                ("ws", "wss")
            };
            Err(usage(format!(
                "-L/--url {plain}:// is not encrypted, but TLS flags were given: use {secure}://"
            )))
        }
        Some(s) => Ok(s),
    }
}

/// Resolves the transport for `scheme` to `host:port`; `ws_path` is the URL's path for the
/// WebSocket schemes. Reads and checks every file the TLS flags name.
pub fn resolve(
    tls: &TlsOpts,
    scheme: Scheme,
    host: &str,
    port: u16,
    ws_path: Option<&str>,
) -> Result<TransportConfig> {
    let ws_url = |name: &str| -> Result<String> {
        let path = ws_path.unwrap_or(DEFAULT_WS_PATH);
        if !path.chars().all(|c| c.is_ascii_graphic()) {
            return Err(usage(format!(
                "-L/--url: the WebSocket path {path:?} must be printable ASCII (percent-encode the rest)"
            )));
        }
        // An IPv6 address takes brackets in a URL (RFC 3986, section 3.2.2).
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        Ok(format!("{name}://{host}:{port}/{path}"))
    };
    Ok(match scheme {
        Scheme::Mqtt => TransportConfig::Tcp,
        Scheme::Ws => TransportConfig::Ws { url: ws_url("ws")? },
        Scheme::Mqtts => TransportConfig::Tls(tls_settings(tls, host)?),
        Scheme::Wss => TransportConfig::Wss {
            url: ws_url("wss")?,
            tls: tls_settings(tls, host)?,
        },
    })
}

/// rumqttc's transport for `t` (the same type serves its v4 and v5 clients).
pub fn rumqttc_transport(t: &TransportConfig) -> Transport {
    match t {
        TransportConfig::Tcp => Transport::Tcp,
        TransportConfig::Tls(s) => Transport::Tls(TlsConfiguration::Rustls(s.config.clone())),
        TransportConfig::Ws { .. } => Transport::Ws,
        TransportConfig::Wss { tls, .. } => {
            Transport::Wss(TlsConfiguration::Rustls(tls.config.clone()))
        }
    }
}

/// Builds the TLS configuration: roots from --cafile/--capath or the OS store (not loaded
/// with --insecure), the client certificate, and the server name check against `host`.
fn tls_settings(tls: &TlsOpts, host: &str) -> Result<TlsSettings> {
    let client_pair = match (&tls.cert, &tls.key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(usage(
                "--cert needs --key: the private key of the client certificate",
            ))
        }
        (None, Some(_)) => return Err(usage("--key needs --cert: the client certificate")),
    };
    // rumqttc uses the host as the TLS server name (RFC 6066, section 3): check it now.
    ServerName::try_from(host)
        .map_err(|_| usage(format!("{host:?} is not a valid TLS server name")))?;

    let provider = Arc::new(crypto::aws_lc_rs::default_provider());
    let algorithms = provider.signature_verification_algorithms;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| anyhow!("cannot set up TLS: {e}"))?;
    let builder = if tls.insecure {
        if tls.cafile.is_some() || tls.capath.is_some() {
            // Unused, but a bad path is still reported.
            given_roots(tls)?;
        }
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServerCert(algorithms)))
    } else {
        let roots = match given_roots(tls)? {
            Some(roots) => roots,
            None => os_roots()?,
        };
        builder.with_root_certificates(roots)
    };
    let config = match client_pair {
        Some((cert_path, key_path)) => {
            let chain = read_certs(cert_path, "--cert")?;
            let key = PrivateKeyDer::from_pem_file(key_path).map_err(|e| {
                let why = match e {
                    pem::Error::NoItemsFound => "no PEM private key in it".to_string(),
                    other => pem_error(other),
                };
                usage(format!("--key {}: {why}", key_path.display()))
            })?;
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                usage(format!(
                    "--cert {} with --key {}: {e}",
                    cert_path.display(),
                    key_path.display()
                ))
            })?
        }
        None => builder.with_no_client_auth(),
    };
    Ok(TlsSettings {
        config: Arc::new(config),
        insecure: tls.insecure,
    })
}

/// The roots from --cafile and --capath, or `None` when neither is given.
fn given_roots(tls: &TlsOpts) -> Result<Option<RootCertStore>> {
    if tls.cafile.is_none() && tls.capath.is_none() {
        return Ok(None);
    }
    let mut roots = RootCertStore::empty();
    if let Some(file) = &tls.cafile {
        for cert in read_certs(file, "--cafile")? {
            roots.add(cert).map_err(|e| {
                usage(format!(
                    "--cafile {}: not a usable CA certificate: {e}",
                    file.display()
                ))
            })?;
        }
    }
    if let Some(dir) = &tls.capath {
        let (added, _ignored) = roots.add_parsable_certificates(read_capath(dir)?);
        if added == 0 {
            return Err(usage(format!(
                "--capath {}: no usable PEM CA certificate in it",
                dir.display()
            )));
        }
    }
    Ok(Some(roots))
}

/// Every PEM certificate in the files of `dir` (files without one are skipped, as an OpenSSL
/// hashed directory may hold other things).
fn read_capath(dir: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let bad = |e: &dyn std::fmt::Display| usage(format!("--capath {}: {e}", dir.display()));
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| bad(&e))? {
        let path = entry.map_err(|e| bad(&e))?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    let mut certs = Vec::new();
    for file in files {
        let found = CertificateDer::pem_file_iter(&file)
            .and_then(|it| it.collect::<Result<Vec<_>, _>>())
            .map_err(|e| {
                usage(format!(
                    "--capath {}: {}: {}",
                    dir.display(),
                    file.display(),
                    pem_error(e)
                ))
            })?;
        certs.extend(found);
    }
    Ok(certs)
}

/// The certificates of a PEM file named by `flag`; at least one.
fn read_certs(path: &Path, flag: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| usage(format!("{flag} {}: {}", path.display(), pem_error(e))))?;
    if certs.is_empty() {
        return Err(usage(format!(
            "{flag} {}: no PEM certificate in it",
            path.display()
        )));
    }
    Ok(certs)
}

/// The OS trust store (honouring `SSL_CERT_FILE`/`SSL_CERT_DIR`), loaded only when needed.
fn os_roots() -> Result<RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    roots.add_parsable_certificates(found.certs);
    if roots.is_empty() {
        let detail = found
            .errors
            .first()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        return Err(anyhow!(
            "no CA certificates found in the OS store{detail}; pass --cafile"
        ));
    }
    Ok(roots)
}

/// What to do about a TLS failure found among `err`'s sources, if it is one of the usual ones.
pub fn tls_hint(err: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    let mut next = Some(err);
    while let Some(e) = next {
        // tokio-rustls wraps rustls errors in io::Error, whose `source` skips them.
        let tls = e.downcast_ref::<rustls::Error>().or_else(|| {
            e.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        match tls {
            Some(rustls::Error::InvalidCertificate(_)) => {
                return Some(
                    "the broker's certificate was not accepted: give the CA that signed it with \
                     --cafile or --capath, and check that the host name is in it",
                )
            }
            Some(rustls::Error::AlertReceived(AlertDescription::CertificateRequired)) => {
                return Some("the broker requires a client certificate: --cert and --key")
            }
            _ => next = e.source(),
        }
    }
    None
}

fn pem_error(e: pem::Error) -> String {
    match e {
        pem::Error::Io(io) => io.to_string(),
        other => format!("not valid PEM: {other}"),
    }
}

/// `--insecure`: accepts any server certificate and name. Handshake signatures are still
/// checked, but nothing ties the key that made them to the broker.
#[derive(Debug)]
struct AcceptAnyServerCert(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
