//! Resolution with PubGrub (`pubgrub`): the newest versions that satisfy every requirement,
//! constraint, marker (evaluated for the [`crate::Target`]) and `requires-python`, with extras as
//! packages of their own; pre-releases only when asked for (`--pre`, or a specifier that names
//! one); yanked files only when pinned with `==`; only files a pure-Python interpreter can install.
//! A conflict is explained as PubGrub's derivation.

use std::path::PathBuf;

use pep440_rs::Version;
use pep508_rs::{ExtraName, PackageName};

use crate::index::{DistFile, Index};
use crate::requirements::RequirementSet;
use crate::target::Target;

/// What to resolve.
pub struct Request<'a> {
    pub requirements: &'a RequirementSet,
    pub target: &'a Target,
    /// `--no-deps`: the named requirements only.
    pub no_deps: bool,
    /// Distributions already installed (kept unless a requirement excludes them, or `upgrade`).
    pub installed: &'a [(PackageName, Version)],
    /// `-U`: the newest versions even where an installed one satisfies.
    pub upgrade: bool,
}

/// One distribution of a resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub name: PackageName,
    pub version: Version,
    /// The file to install (`None`: the installed one is kept).
    pub file: Option<DistFile>,
    /// Hashes the file must match (`--hash`).
    pub hashes: Vec<String>,
    /// Extras that were asked for.
    pub extras: Vec<ExtraName>,
    /// Named by the user (not only a dependency): `REQUESTED` is written for it.
    pub requested: bool,
    /// A local wheel named directly.
    pub local: Option<PathBuf>,
}

/// A resolution: every distribution, sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolution {
    pub dists: Vec<Resolved>,
}

/// Resolve `request` against `index`.
pub fn resolve(request: &Request<'_>, index: &Index<'_>) -> crate::Result<Resolution> {
    let _ = (request, index);
    todo!("helper R")
}
