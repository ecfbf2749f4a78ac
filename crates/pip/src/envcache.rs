//! Environments for PEP 723 scripts (and `--with`) in belay-run's cache: one folder per resolved
//! set of distributions (`<cache>/environments-v1/<key>`), made once (staged, then renamed into
//! place, so two processes resolving the same script never see half an environment) and found
//! again without the network from the script's block alone (`<cache>/scripts-v1/<key of the
//! block, the target and the index options>`).

use std::path::{Path, PathBuf};

/// The environment for `block_key` if one was made before (no network, no resolution): its
/// site-packages folder.
pub fn lookup(cache: &Path, block_key: &str) -> Option<PathBuf> {
    let _ = (cache, block_key);
    todo!("helper I")
}

/// Make (or reuse) the environment holding exactly `resolution`'s distributions, fetched through
/// `fetch`; remember it under `block_key`; its site-packages folder.
pub fn ensure(
    cache: &Path,
    block_key: &str,
    resolution: &crate::resolve::Resolution,
    fetch: &dyn Fn(&crate::resolve::Resolved) -> crate::Result<PathBuf>,
    report: &dyn crate::Report,
) -> crate::Result<PathBuf> {
    let _ = (cache, block_key, resolution, fetch, report);
    todo!("helper I")
}

/// A key for `parts` (hex sha256 of their lengths and bytes).
pub fn key(parts: &[&[u8]]) -> String {
    let _ = parts;
    todo!("helper I")
}
