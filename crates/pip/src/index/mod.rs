//! Where distributions come from: PEP 503 (HTML) and PEP 691 (JSON) simple indexes, `--find-links`
//! folders and HTML pages, local wheel files; core metadata from PEP 658 files or the wheel
//! itself; downloads checked against their `#sha256=` (and `--hash`) and kept in belay-run's cache
//! (belay-packages' HTTP client: one client and one cache for both package managers).

use std::path::PathBuf;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::PackageName;

use crate::metadata::Metadata;

/// The default index.
pub const PYPI: &str = "https://pypi.org/simple";

/// Index options, from the command line, the environment (`UV_INDEX_URL`, `PIP_INDEX_URL`,
/// `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`) and requirements files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexOptions {
    /// `--index-url` (`None`: PyPI).
    pub index_url: Option<String>,
    pub extra_index_urls: Vec<String>,
    /// Folders or HTML pages of links.
    pub find_links: Vec<String>,
    pub no_index: bool,
    pub pre: bool,
}

impl IndexOptions {
    /// The environment's options (`UV_INDEX_URL`, then `PIP_INDEX_URL`; `PIP_EXTRA_INDEX_URL`
    /// and `PIP_FIND_LINKS` space-separated).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> IndexOptions {
        let _ = var;
        todo!("helper R")
    }

    /// `other`'s settings added (command line over environment, files adding their own).
    pub fn merge(&mut self, other: &IndexOptions) {
        let _ = other;
        todo!("helper R")
    }
}

/// One file of a project, as an index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistFile {
    pub filename: String,
    /// Absolute `http(s)://` or `file://` URL (without its hash fragment).
    pub url: String,
    /// `sha256` hex digest, when the index gave one.
    pub sha256: Option<String>,
    pub requires_python: Option<VersionSpecifiers>,
    /// Yanked, with the reason when given.
    pub yanked: Option<String>,
    /// A PEP 658 metadata file is there (`<url>.metadata`).
    pub has_metadata_file: bool,
}

/// The indexes and link sources a resolution asks.
pub struct Index<'a> {
    _options: &'a IndexOptions,
    _settings: &'a belay_packages::Settings,
    _report: &'a dyn crate::Report,
}

impl<'a> Index<'a> {
    pub fn new(
        options: &'a IndexOptions,
        settings: &'a belay_packages::Settings,
        report: &'a dyn crate::Report,
    ) -> Index<'a> {
        Index {
            _options: options,
            _settings: settings,
            _report: report,
        }
    }

    /// Every file of `project` on every source (index, extra indexes, find-links), versions
    /// parsed from their names (files whose names do not parse are left out).
    pub fn files(&self, project: &PackageName) -> crate::Result<Vec<(Version, DistFile)>> {
        let _ = project;
        todo!("helper R")
    }

    /// The core metadata of a wheel: from its PEP 658 file when the index has one, else read
    /// from the (downloaded, cached) wheel.
    pub fn metadata(&self, file: &DistFile) -> crate::Result<Metadata> {
        let _ = file;
        todo!("helper R")
    }

    /// The file on disk (downloaded into the cache, or local), its hash checked against the
    /// index's and any of `hashes` (hex `sha256`; empty: no constraint).
    pub fn fetch(&self, file: &DistFile, hashes: &[String]) -> crate::Result<PathBuf> {
        let _ = (file, hashes);
        todo!("helper R")
    }
}
