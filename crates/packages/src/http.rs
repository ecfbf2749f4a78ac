//! Downloads over http(s) (ureq on rustls with ring), with retries, a cache folder per host,
//! and the offline mode.
//!
//! Cache layout: `<cache>/http-<host>[_<port>]/<sha256 of the URL>` holds the last body
//! received for that URL, `<same>.url` the URL itself. Online, every request goes to the network
//! (an index's `latest.json` changes) except files addressed by their hash, which are served
//! from the cache when the cached copy still matches; offline, everything comes from the cache.
//! A page asked for with an `Accept` header ([`Http::get_page`], the simple indexes of
//! `belay-pip`) also keeps its content type, in `<same>.type`.
//!
//! Public for `belay-pip` (host packages): one client and one cache folder for both package
//! managers.

use std::path::PathBuf;
use std::time::Duration;

use crate::errors::{Error, Result};
use crate::events::{Event, Report};
use crate::fsutil::{sha256_hex, write_atomic};
use crate::settings::Settings;

/// The largest body accepted (a package file or a package.json).
const BODY_LIMIT: u64 = 256 * 1024 * 1024;
/// The longest wait between attempts.
const MAX_DELAY: Duration = Duration::from_secs(10);

/// A body received, with its content type (the `Content-Type` header, when there was one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub body: Vec<u8>,
    pub content_type: Option<String>,
}

/// What one attempt gave.
enum Attempt {
    Body(Page),
    NotFound,
    /// Worth another attempt (5xx, 429, a body cut short).
    Retry(String),
    /// The server was not reached (name resolution, connection, timeout): worth another
    /// attempt.
    Unreachable(String),
    /// Final: the server was reached but TLS failed (a certificate it cannot trust...).
    TlsFailed(String),
    /// Final: a status that will not change (403, 410...).
    Status(u16),
    /// Final: an error that will not change (bad URL...).
    Fatal(String),
}

/// The certificates a server must chain to: the system's (`SSL_CERT_FILE`/`SSL_CERT_DIR` when
/// set, else the system store), so that a mirror with a company CA works; Mozilla's bundled set
/// where the system has none (a container holding only the binary). The same order as the
/// `ssl` module's (`crates/runtime/src/tls.rs`). Loaded once per process.
fn root_certs() -> ureq::tls::RootCerts {
    static ROOTS: std::sync::OnceLock<ureq::tls::RootCerts> = std::sync::OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let system = rustls_native_certs::load_native_certs().certs;
            if system.is_empty() {
                ureq::tls::RootCerts::WebPki
            } else {
                system
                    .iter()
                    .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
                    .into()
            }
        })
        .clone()
}

/// An http(s) client bound to the settings and a progress report.
pub struct Http<'a> {
    agent: ureq::Agent,
    settings: &'a Settings,
    report: &'a dyn Report,
}

impl<'a> Http<'a> {
    pub fn new(settings: &'a Settings, report: &'a dyn Report) -> Self {
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(root_certs())
            .build();
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_global(Some(settings.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("belay-run/", env!("CARGO_PKG_VERSION")))
            .build();
        Http {
            agent: config.into(),
            settings,
            report,
        }
    }

    pub(crate) fn settings(&self) -> &Settings {
        self.settings
    }

    pub(crate) fn report(&self, event: Event) {
        self.report.report(&event);
    }

    /// The body of `url`: a 404 is an immediate [`Error::NotFound`].
    pub fn get(&self, url: &str) -> Result<Vec<u8>> {
        self.get_optional(url)?.ok_or_else(|| Error::NotFound {
            url: url.to_string(),
        })
    }

    /// The body of `url`, `None` on 404.
    pub fn get_optional(&self, url: &str) -> Result<Option<Vec<u8>>> {
        if self.settings.offline {
            return self.serve_cached(url).map(Some);
        }
        let body = self.download(url, None)?.map(|page| page.body);
        if let Some(bytes) = &body {
            self.store(url, bytes);
        }
        Ok(body)
    }

    /// The body of `url` and its content type, asked for with `accept` as the `Accept` header;
    /// `None` on 404. Offline, the cached page and the content type it came with.
    pub fn get_page(&self, url: &str, accept: &str) -> Result<Option<Page>> {
        let type_path = cache_path(&self.settings.cache_dir, url).with_extension("type");
        if self.settings.offline {
            let body = self.serve_cached(url)?;
            let content_type = std::fs::read_to_string(&type_path).ok();
            return Ok(Some(Page { body, content_type }));
        }
        let page = self.download(url, Some(accept))?;
        if let Some(page) = &page {
            self.store(url, &page.body);
            let content_type = page.content_type.as_deref().unwrap_or("");
            if let Err(error) = write_atomic(&type_path, content_type.as_bytes()) {
                self.report(Event::Warning(format!("not cached: {error}")));
            }
        }
        Ok(page)
    }

    /// A content-addressed file (a wheel) in the cache: the cached copy when it passes `check`,
    /// else downloaded and stored (a download that fails `check` is returned as it is, for the
    /// caller to report the mismatch). Unlike [`Http::get`], the file must be stored: its path
    /// is the answer.
    pub fn download_file(&self, url: &str, check: impl Fn(&[u8]) -> bool) -> Result<PathBuf> {
        let path = cache_path(&self.settings.cache_dir, url);
        if let Ok(bytes) = std::fs::read(&path)
            && check(&bytes)
        {
            self.report(Event::FromCache {
                url: url.to_string(),
            });
            return Ok(path);
        }
        if self.settings.offline {
            return Err(Error::Offline {
                url: url.to_string(),
                cache: self.settings.cache_dir.clone(),
            });
        }
        let bytes = self.get(url)?;
        write_atomic(&path, &bytes)
            .and_then(|()| write_atomic(&path.with_extension("url"), url.as_bytes()))?;
        Ok(path)
    }

    /// The body of a content-addressed `url`: a cached copy that passes `check` is used
    /// without a request.
    pub fn get_addressed(&self, url: &str, check: impl Fn(&[u8]) -> bool) -> Result<Vec<u8>> {
        if let Some(bytes) = self.cached(url)
            && check(&bytes)
        {
            self.report(Event::FromCache {
                url: url.to_string(),
            });
            return Ok(bytes);
        }
        self.get(url)
    }

    fn serve_cached(&self, url: &str) -> Result<Vec<u8>> {
        match self.cached(url) {
            Some(bytes) => {
                self.report(Event::FromCache {
                    url: url.to_string(),
                });
                Ok(bytes)
            }
            None => Err(Error::Offline {
                url: url.to_string(),
                cache: self.settings.cache_dir.clone(),
            }),
        }
    }

    fn cached(&self, url: &str) -> Option<Vec<u8>> {
        std::fs::read(cache_path(&self.settings.cache_dir, url)).ok()
    }

    /// Caching is best effort: a read-only cache folder does not stop a download.
    fn store(&self, url: &str, bytes: &[u8]) {
        let path = cache_path(&self.settings.cache_dir, url);
        let stored = write_atomic(&path, bytes)
            .and_then(|()| write_atomic(&path.with_extension("url"), url.as_bytes()));
        if let Err(error) = stored {
            self.report(Event::Warning(format!("not cached: {error}")));
        }
    }

    fn download(&self, url: &str, accept: Option<&str>) -> Result<Option<Page>> {
        let attempts = self.settings.attempts.max(1);
        let mut delay = self.settings.retry_delay;
        let mut attempt = 1;
        loop {
            self.report(Event::Downloading {
                url: url.to_string(),
            });
            let unreachable = |cause: String| Error::Unreachable {
                host: host_of(url),
                url: url.to_string(),
                attempts: attempt,
                cause,
            };
            let (reason, last) = match self.once(url, accept) {
                Attempt::Body(bytes) => return Ok(Some(bytes)),
                Attempt::NotFound => return Ok(None),
                Attempt::Status(status) => {
                    return Err(Error::HttpStatus {
                        url: url.to_string(),
                        status,
                    });
                }
                Attempt::TlsFailed(cause) => return Err(unreachable(cause)),
                Attempt::Fatal(message) => {
                    return Err(Error::Network {
                        url: url.to_string(),
                        attempts: attempt,
                        message,
                    });
                }
                Attempt::Unreachable(cause) => (cause.clone(), unreachable(cause)),
                Attempt::Retry(reason) => (
                    reason.clone(),
                    Error::Network {
                        url: url.to_string(),
                        attempts: attempt,
                        message: reason,
                    },
                ),
            };
            if attempt >= attempts {
                return Err(last);
            }
            self.report(Event::Retrying {
                url: url.to_string(),
                attempt,
                reason,
            });
            std::thread::sleep(delay);
            delay = (delay * 2).min(MAX_DELAY);
            attempt += 1;
        }
    }

    fn once(&self, url: &str, accept: Option<&str>) -> Attempt {
        let mut request = self.agent.get(url);
        if let Some(accept) = accept {
            request = request.header("Accept", accept);
        }
        let mut response = match request.call() {
            Ok(response) => response,
            Err(error) => return classify_error(error),
        };
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        match status {
            200..=299 => match response
                .body_mut()
                .with_config()
                .limit(BODY_LIMIT)
                .read_to_vec()
            {
                Ok(body) => Attempt::Body(Page { body, content_type }),
                Err(error) => classify_error(error),
            },
            404 => Attempt::NotFound,
            429 | 500..=599 => Attempt::Retry(format!("HTTP {status}")),
            _ => Attempt::Status(status),
        }
    }
}

fn classify_error(error: ureq::Error) -> Attempt {
    use ureq::Error as E;
    let message = cause(&error);
    match error {
        // rustls reports a certificate it cannot trust (and other TLS failures) as invalid data:
        // trying again cannot change the answer.
        E::Io(ref io) if io.kind() == std::io::ErrorKind::InvalidData => {
            Attempt::TlsFailed(message)
        }
        E::Tls(_) | E::Rustls(_) => Attempt::TlsFailed(message),
        E::Timeout(_)
        | E::Io(_)
        | E::HostNotFound
        | E::ConnectionFailed
        | E::ConnectProxyFailed(_) => Attempt::Unreachable(message),
        E::Protocol(_) | E::BodyStalled => Attempt::Retry(message),
        _ => Attempt::Fatal(message),
    }
}

/// ureq's message for a failure, without its `io: ` prefix and the `(os error N)` suffix.
fn cause(error: &ureq::Error) -> String {
    match error {
        ureq::Error::HostNotFound => "the name does not resolve to an address".to_string(),
        _ => {
            let text = error.to_string();
            let text = text.strip_prefix("io: ").unwrap_or(&text);
            text.split(" (os error").next().unwrap_or(text).to_string()
        }
    }
}

/// The host (and port) a URL names, for messages.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_string()
}

/// The cache entry folder for a URL's host: `http-<host>` (`_<port>` when there is one).
pub(crate) fn cache_entry_name(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let cleaned: String = host
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('.');
    format!("http-{}", if cleaned.is_empty() { "_" } else { cleaned })
}

fn cache_path(cache_dir: &std::path::Path, url: &str) -> PathBuf {
    cache_dir
        .join(cache_entry_name(url))
        .join(sha256_hex(url.as_bytes()))
}

#[cfg(test)]
mod tests;
