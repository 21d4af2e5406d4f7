//! The sandbox's own certificate authority and a leaf certificate for the addresses it serves,
//! so clients can use `https://` on the same port, trusting only the written `ca.pem`.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::SandboxError;

/// The TLS material of one sandbox run.
pub struct TlsMaterial {
    /// rustls server configuration with the leaf certificate.
    pub server_config: Arc<ServerConfig>,
    /// Where `ca.pem` was written.
    pub ca_path: PathBuf,
}

/// Makes a CA and a leaf for `localhost` and `ips`, writes the CA to `dir/ca.pem`.
pub fn make(dir: &Path, ips: &[IpAddr]) -> Result<TlsMaterial, SandboxError> {
    let tls = |e: rcgen::Error| SandboxError::Tls(e.to_string());
    let ca_key = KeyPair::generate().map_err(tls)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "agol-backup sandbox CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(tls)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut names = vec!["localhost".to_string()];
    for ip in ips {
        if !names.contains(&ip.to_string()) {
            names.push(ip.to_string());
        }
    }
    let mut leaf_params = CertificateParams::new(names).map_err(tls)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf_params.use_authority_key_identifier_extension = true;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().map_err(tls)?;
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).map_err(tls)?;

    std::fs::create_dir_all(dir).map_err(|e| SandboxError::Io(dir.to_path_buf(), e))?;
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_cert.pem()).map_err(|e| SandboxError::Io(ca_path.clone(), e))?;

    let chain = vec![
        CertificateDer::from(leaf.der().to_vec()),
        CertificateDer::from(ca_cert.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut server_config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SandboxError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| SandboxError::Tls(e.to_string()))?;
    server_config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        server_config: Arc::new(server_config),
        ca_path,
    })
}
