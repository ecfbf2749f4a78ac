//! Core metadata (`METADATA` of a wheel, PEP 658 `.metadata` files): the fields resolution and
//! `pip show` need.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, PackageName, Requirement};

/// A distribution's core metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub name: PackageName,
    pub version: Version,
    pub requires_dist: Vec<Requirement>,
    pub requires_python: Option<VersionSpecifiers>,
    pub provides_extra: Vec<ExtraName>,
    pub summary: Option<String>,
    pub home_page: Option<String>,
    pub author: Option<String>,
    pub author_email: Option<String>,
    pub license: Option<String>,
}

impl Metadata {
    /// Parse `METADATA` text (RFC 822 headers); `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> crate::Result<Metadata> {
        let error = |message: String| crate::Error::Metadata {
            origin: origin.to_string(),
            message,
        };
        let headers = headers(text);
        let first = |key: &str| {
            headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(key))
                .map(|(_, value)| value.clone())
        };
        let all = |key: &'static str| {
            headers
                .iter()
                .filter(move |(name, _)| name.eq_ignore_ascii_case(key))
                .map(|(_, value)| value.as_str())
        };
        let name = first("Name").ok_or_else(|| error("no Name field".to_string()))?;
        let name = PackageName::from_str(&name).map_err(|e| error(format!("Name: {e}")))?;
        let version = first("Version").ok_or_else(|| error("no Version field".to_string()))?;
        let version = Version::from_str(&version).map_err(|e| error(format!("Version: {e}")))?;
        let requires_dist = all("Requires-Dist")
            .map(|line| {
                Requirement::from_str(line).map_err(|e| error(format!("Requires-Dist: {e}")))
            })
            .collect::<crate::Result<Vec<_>>>()?;
        let requires_python = first("Requires-Python")
            .map(|text| {
                VersionSpecifiers::from_str(&text)
                    .map_err(|e| error(format!("Requires-Python: {e}")))
            })
            .transpose()?;
        let provides_extra = all("Provides-Extra")
            .map(|extra| {
                ExtraName::from_str(extra).map_err(|e| error(format!("Provides-Extra: {e}")))
            })
            .collect::<crate::Result<Vec<_>>>()?;
        Ok(Metadata {
            name,
            version,
            requires_dist,
            requires_python,
            provides_extra,
            summary: first("Summary"),
            home_page: first("Home-page"),
            author: first("Author"),
            author_email: first("Author-email"),
            license: first("License-Expression").or_else(|| first("License")),
        })
    }
}

/// The header fields, in order, up to the first empty line (the body is the description).
/// A line starting with whitespace continues the field before it (joined with a line break).
fn headers(text: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with([' ', '\t'])
            && let Some((_, value)) = fields.last_mut()
        {
            value.push('\n');
            value.push_str(line.trim());
            continue;
        }
        if line.trim().is_empty() {
            if fields.is_empty() {
                continue;
            }
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    fields
}

#[cfg(test)]
mod tests;
