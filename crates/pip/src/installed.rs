//! What is installed in a site-packages folder (its `*.dist-info` folders): `pip list`, `freeze`,
//! `show` and `uninstall` (by RECORD, empty folders removed, scripts included).

use std::path::{Path, PathBuf};

use pep440_rs::Version;
use pep508_rs::PackageName;

use crate::metadata::Metadata;

/// An installed distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub name: PackageName,
    pub version: Version,
    pub dist_info: PathBuf,
    pub metadata: Metadata,
    /// `INSTALLER`'s first line (`belay-run`, `pip`, `uv`).
    pub installer: Option<String>,
    /// `REQUESTED` is there.
    pub requested: bool,
}

/// Every distribution installed in `site_packages`, sorted by name.
pub fn list(site_packages: &Path) -> crate::Result<Vec<Installed>> {
    let _ = site_packages;
    todo!("helper I")
}

/// `pip freeze` lines (`name==version`), sorted as pip sorts them.
pub fn freeze(site_packages: &Path) -> crate::Result<Vec<String>> {
    let _ = site_packages;
    todo!("helper I")
}

/// The files of an installed distribution, from its RECORD (paths relative to site-packages).
pub fn files(dist: &Installed) -> crate::Result<Vec<PathBuf>> {
    let _ = dist;
    todo!("helper I")
}

/// Remove `name` (every file of its RECORD, then the folders left empty); what was removed.
pub fn uninstall(
    site_packages: &Path,
    name: &PackageName,
    report: &dyn crate::Report,
) -> crate::Result<Installed> {
    let _ = (site_packages, name, report);
    todo!("helper I")
}
