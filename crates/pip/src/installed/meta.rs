//! The core metadata fields `installed` needs, read from `METADATA` headers.
//!
//! Stand-in for `crate::metadata::Metadata::parse` (written in parallel): switch `parse` to it
//! once it lands.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, PackageName, Requirement};

use crate::Error;
use crate::metadata::Metadata;

/// The headers of `text` (RFC 822: up to the first empty line, continuation lines joined).
pub(crate) fn headers(text: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = found.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            found.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    found
}

/// `Metadata` from `METADATA` text; `origin` names the file in errors.
pub(crate) fn parse(text: &str, origin: &str) -> crate::Result<Metadata> {
    let error = |message: String| Error::Metadata {
        origin: origin.to_string(),
        message,
    };
    let headers = headers(text);
    let get = |key: &str| {
        headers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let name = get("name").ok_or_else(|| error("no Name".into()))?;
    let version = get("version").ok_or_else(|| error("no Version".into()))?;
    let mut requires_dist = Vec::new();
    let mut provides_extra = Vec::new();
    for (key, value) in &headers {
        match key.as_str() {
            "requires-dist" => requires_dist.push(
                Requirement::from_str(value)
                    .map_err(|e| error(format!("Requires-Dist {value}: {e}")))?,
            ),
            "provides-extra" => provides_extra.push(
                ExtraName::from_str(value)
                    .map_err(|e| error(format!("Provides-Extra {value}: {e}")))?,
            ),
            _ => {}
        }
    }
    Ok(Metadata {
        name: PackageName::from_str(&name).map_err(|e| error(format!("Name {name}: {e}")))?,
        version: Version::from_str(&version)
            .map_err(|e| error(format!("Version {version}: {e}")))?,
        requires_dist,
        requires_python: get("requires-python")
            .map(|v| {
                VersionSpecifiers::from_str(&v)
                    .map_err(|e| error(format!("Requires-Python {v}: {e}")))
            })
            .transpose()?,
        provides_extra,
        summary: get("summary"),
        home_page: get("home-page"),
        author: get("author"),
        author_email: get("author-email"),
        license: get("license"),
    })
}
