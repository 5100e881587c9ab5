//! Certificates made for the TLS tests (rcgen): a CA, a server certificate for
//! localhost/127.0.0.1 and a client certificate, both signed by it, and an unrelated CA.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

use super::write_file;

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
