//! Environments for PEP 723 scripts (and `--with`) in belay-run's cache: one folder per resolved
//! set of distributions (`<cache>/environments-v1/<key>`), made once (staged, then renamed into
//! place, so two processes resolving the same script never see half an environment) and found
//! again without the network from the script's block alone (`<cache>/scripts-v1/<key of the
//! block, the target and the index options>`).
//!
//! An environment is `<key>/site-packages` (what goes on `sys.path`), `<key>/bin` for its
//! scripts. A lookup is one small file read and one `stat`.

#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;
use crate::install::{Layout, WheelToInstall, install};
use crate::resolve::{Resolution, Resolved};

const ENVIRONMENTS: &str = "environments-v1";
const SCRIPTS: &str = "scripts-v1";
const SITE_PACKAGES: &str = "site-packages";

/// A key is what [`key`] makes: it names a file or folder, so nothing else is taken.
fn is_key(text: &str) -> bool {
    !text.is_empty() && text.len() <= 128 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The environment for `block_key` if one was made before (no network, no resolution): its
/// site-packages folder.
pub fn lookup(cache: &Path, block_key: &str) -> Option<PathBuf> {
    if !is_key(block_key) {
        return None;
    }
    let env = std::fs::read_to_string(cache.join(SCRIPTS).join(block_key)).ok()?;
    let env = env.trim();
    let site = cache.join(ENVIRONMENTS).join(env).join(SITE_PACKAGES);
    (is_key(env) && site.is_dir()).then_some(site)
}

/// The key of the environment holding exactly `resolution`'s distributions and files.
fn environment_key(resolution: &Resolution) -> String {
    let mut lines: Vec<String> = resolution.dists.iter().map(describe).collect();
    lines.sort();
    let mut parts: Vec<&[u8]> = vec![b"belay-pip environment v1"];
    parts.extend(lines.iter().map(|l| l.as_bytes()));
    key(&parts)
}

fn describe(dist: &Resolved) -> String {
    let file = dist.file.as_ref();
    format!(
        "{}=={} {} {}",
        dist.name,
        dist.version,
        file.map(|f| f.filename.as_str()).unwrap_or_default(),
        file.and_then(|f| f.sha256.as_deref())
            .or(dist.local.as_ref().and_then(|p| p.to_str()))
            .unwrap_or_default()
    )
}

/// The layout of an environment of the cache.
fn layout(env: &Path) -> Layout {
    let belay_run = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("belay-run"));
    Layout {
        site_packages: env.join(SITE_PACKAGES),
        scripts: env.join("bin"),
        data: env.to_path_buf(),
        headers: env.join("include"),
        python: belay_run,
    }
}

/// Make (or reuse) the environment holding exactly `resolution`'s distributions, fetched through
/// `fetch`; remember it under `block_key`; its site-packages folder.
pub fn ensure(
    cache: &Path,
    block_key: &str,
    resolution: &Resolution,
    fetch: &(dyn Fn(&Resolved) -> crate::Result<PathBuf> + Sync),
    report: &dyn crate::Report,
) -> crate::Result<PathBuf> {
    if !is_key(block_key) {
        return Err(not_a_key(cache, block_key));
    }
    let environments = cache.join(ENVIRONMENTS);
    let env = environments.join(environment_key(resolution));
    if !env.join(SITE_PACKAGES).is_dir() {
        std::fs::create_dir_all(&environments)
            .map_err(|e| Error::io("create", &environments, e))?;
        sweep(&environments, STALE);
        let stage = tempfile::Builder::new()
            .prefix(".staging-")
            .tempdir_in(&environments)
            .map_err(|e| Error::io("create a staging folder in", &environments, e))?;
        let wheels = crate::parallel::try_map(&resolution.dists, |dist| {
            Ok(WheelToInstall::of(dist, fetch(dist)?))
        })?;
        let staged = layout(stage.path());
        std::fs::create_dir_all(&staged.site_packages)
            .map_err(|e| Error::io("create", &staged.site_packages, e))?;
        install(&wheels, &staged, report)?;
        // Into place in one rename; if another process got there first, its environment (the
        // same distributions) is kept and this one goes with the staging folder.
        match std::fs::rename(stage.path(), &env) {
            Ok(()) => {
                let _ = stage.keep();
            }
            Err(_) if env.join(SITE_PACKAGES).is_dir() => {}
            Err(e) => return Err(Error::io("move into place", &env, e)),
        }
    }
    remember(cache, block_key, &env)?;
    Ok(env.join(SITE_PACKAGES))
}

/// How old a staging folder is when no process can still be making it.
const STALE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Remove the staging folders of processes that were killed (older than `age`).
fn sweep(environments: &Path, age: std::time::Duration) {
    let now = std::time::SystemTime::now();
    for entry in std::fs::read_dir(environments)
        .into_iter()
        .flatten()
        .flatten()
    {
        let stale = entry.file_name().to_string_lossy().starts_with(".staging-")
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > age);
        if stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn not_a_key(cache: &Path, block_key: &str) -> Error {
    Error::io(
        "remember",
        cache.join(SCRIPTS).join(block_key),
        std::io::Error::other("not a key made by envcache::key"),
    )
}

/// Write `block_key` → `env` atomically (a whole new file renamed over the old one).
fn remember(cache: &Path, block_key: &str, env: &Path) -> crate::Result<()> {
    let scripts = cache.join(SCRIPTS);
    std::fs::create_dir_all(&scripts).map_err(|e| Error::io("create", &scripts, e))?;
    let name = env
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut file = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(&scripts)
        .map_err(|e| Error::io("create a file in", &scripts, e))?;
    file.write_all(format!("{name}\n").as_bytes())
        .map_err(|e| Error::io("write", file.path().to_path_buf(), e))?;
    let path = scripts.join(block_key);
    file.persist(&path)
        .map_err(|e| Error::io("write", &path, e.error))?;
    Ok(())
}

/// A key for `parts` (hex sha256 of their lengths and bytes).
pub fn key(parts: &[&[u8]]) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update((part.len() as u64).to_le_bytes());
        digest.update(part);
    }
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
