//! Core metadata (`METADATA` of a wheel, PEP 658 `.metadata` files): the fields resolution and
//! `pip show` need.

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
        let _ = (text, origin);
        todo!("helper R")
    }
}
