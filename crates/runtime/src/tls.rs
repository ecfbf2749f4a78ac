//! The TLS provider behind RustPython's `ssl` module: rustls with ring (C and assembly built by
//! cc, statically linked; no OpenSSL at run time). Set once, before any program runs. Certificates
//! come from the system's store, then the bundled Mozilla set (RustPython's `ssl`).

use rustls::crypto::ring;
use rustpython_host_env::ssl::providers::CryptoExt;

/// Install the provider (the second and later calls do nothing).
pub fn install() {
    let ext = CryptoExt {
        all_cipher_suites: Some(ring::ALL_CIPHER_SUITES),
        default_cipher_suites: Some(ring::DEFAULT_CIPHER_SUITES),
        all_kx_groups: Some(ring::ALL_KX_GROUPS),
        any_supported_key: Some(ring::sign::any_supported_type),
        ticketer: ring::Ticketer::new,
    };
    let _ = CryptoExt::set_provider(ring::default_provider(), ext);
}
