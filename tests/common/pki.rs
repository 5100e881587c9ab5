//! Certificates for the TLS tests, made with rcgen (a CA, a server certificate for localhost
//! and 127.0.0.1 and a client certificate, both signed by it, and an unrelated CA), and a
//! private mosquitto that serves them on TLS and WebSocket listeners.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

use super::{free_port, wait_for_port, write_file, ListenersProcess, Mosquitto};

/// Certificate and key files in a temporary directory.
pub struct Pki {
    /// Where the files are; removed when dropped.
    pub dir: tempfile::TempDir,
}

impl Pki {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

pub fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.distinguished_name.push(DnType::CommonName, name);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// Writes `NAME.pem` and `NAME.key`: a leaf certificate signed by `issuer`.
pub fn leaf(
    dir: &Path,
    name: &str,
    sans: &[&str],
    usage: ExtendedKeyUsagePurpose,
    issuer: &CertifiedIssuer<'static, KeyPair>,
) {
    let mut params =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, issuer).unwrap();
    write_file(dir, &format!("{name}.pem"), &cert.pem());
    write_file(dir, &format!("{name}.key"), &key.serialize_pem());
}

/// ca.pem, server.pem/.key (localhost, 127.0.0.1), elsewhere.pem/.key (broker.invalid),
/// client.pem/.key, other-ca.pem, and
/// capath/ holding ca.pem beside a file that is not a certificate.
pub fn pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let root = ca("mqttkit test CA");
    write_file(dir.path(), "ca.pem", &root.pem());
    write_file(dir.path(), "other-ca.pem", &ca("unrelated CA").pem());
    leaf(
        dir.path(),
        "server",
        &["localhost", "127.0.0.1"],
        ExtendedKeyUsagePurpose::ServerAuth,
        &root,
    );
    leaf(
        dir.path(),
        "elsewhere",
        &["broker.invalid"],
        ExtendedKeyUsagePurpose::ServerAuth,
        &root,
    );
    leaf(
        dir.path(),
        "client",
        &["client.test"],
        ExtendedKeyUsagePurpose::ClientAuth,
        &root,
    );
    let capath = dir.path().join("capath");
    std::fs::create_dir(&capath).unwrap();
    write_file(&capath, "ca.pem", &root.pem());
    write_file(&capath, "README", "not a certificate\n");
    Pki { dir }
}

/// The listeners of one mosquitto.
pub struct Ports {
    pub tls: u16,
    pub mtls: u16,
    pub wrong_name: u16,
    pub ws: u16,
    pub wss: u16,
}

/// A private mosquitto for the TLS tests: a plain listener, TLS, TLS requiring a client
/// certificate (RFC 8446, section 4.3.2), TLS with a certificate for another name,
/// WebSocket and WebSocket over TLS; Nagle off, as docs/bench.md advises for benchmarks.
pub fn mosquitto(pki: &Pki) -> (Mosquitto, Ports) {
    let ports = Ports {
        tls: free_port(),
        mtls: free_port(),
        wrong_name: free_port(),
        ws: free_port(),
        wss: free_port(),
    };
    let plain = free_port();
    let tls = format!(
        "cafile {}\ncertfile {}\nkeyfile {}\n",
        pki.arg("ca.pem"),
        pki.arg("server.pem"),
        pki.arg("server.key")
    );
    // mosquitto 2.0.11 starts no websockets listener unless a plain one exists, and gives a
    // websockets listener's bind address to libwebsockets as an interface name: `lo` keeps
    // it on loopback.
    let config = format!(
        "user root\npersistence false\nallow_anonymous true\nset_tcp_nodelay true\n\
         listener {plain} 127.0.0.1\n\
         listener {tls_port} 127.0.0.1\n{tls}\
         listener {mtls} 127.0.0.1\n{tls}require_certificate true\n\
         listener {wrong_name} 127.0.0.1\ncafile {ca}\ncertfile {elsewhere}.pem\nkeyfile {elsewhere}.key\n\
         listener {ws} lo\nprotocol websockets\n\
         listener {wss} lo\nprotocol websockets\n{tls}",
        tls_port = ports.tls,
        mtls = ports.mtls,
        wrong_name = ports.wrong_name,
        ca = pki.arg("ca.pem"),
        elsewhere = pki.arg("elsewhere"),
        ws = ports.ws,
        wss = ports.wss,
    );
    let broker = Mosquitto::start_config(&config, plain);
    for port in [ports.tls, ports.mtls, ports.wrong_name, ports.ws, ports.wss] {
        wait_for_port(port);
    }
    (broker, ports)
}

/// The bundled broker serving what [`mosquitto`] serves, as three processes (the flags give
/// one TLS configuration per process): TLS, WebSocket and WebSocket over TLS; TLS requiring a
/// client certificate; TLS with a certificate for another name.
pub fn bundled(pki: &Pki) -> (Vec<ListenersProcess>, Ports) {
    let (ca, cert, key) = (
        pki.arg("ca.pem"),
        pki.arg("server.pem"),
        pki.arg("server.key"),
    );
    let tls = ["--cert", &cert, "--key", &key, "--cafile", &ca];
    let mut args = vec!["--tls-port", "0", "--ws-port", "0", "--wss-port", "0"];
    args.extend_from_slice(&tls);
    let main = ListenersProcess::start(&args, 4);
    let mut args = vec!["--tls-port", "0", "--require-certificate"];
    args.extend_from_slice(&tls);
    let mutual = ListenersProcess::start(&args, 2);
    let (cert, key) = (pki.arg("elsewhere.pem"), pki.arg("elsewhere.key"));
    let elsewhere =
        ListenersProcess::start(&["--tls-port", "0", "--cert", &cert, "--key", &key], 2);
    let ports = Ports {
        tls: main.port("mqtts"),
        mtls: mutual.port("mqtts"),
        wrong_name: elsewhere.port("mqtts"),
        ws: main.port("ws"),
        wss: main.port("wss"),
    };
    (vec![main, mutual, elsewhere], ports)
}
