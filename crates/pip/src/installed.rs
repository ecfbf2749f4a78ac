//! What is installed in a site-packages folder (its `*.dist-info` folders): `pip list`, `freeze`,
//! `show` and `uninstall` (by RECORD, empty folders removed, scripts included).

mod meta;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::AtomicBool;

use pep440_rs::Version;
use pep508_rs::PackageName;

use crate::install::{Transaction, normalize, parse_record};
use crate::metadata::Metadata;
use crate::{Error, Event};

/// An installed distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub name: PackageName,
    /// The name as `METADATA` spells it (`PyYAML`), as `pip freeze` shows it.
    pub display_name: String,
    pub version: Version,
    pub dist_info: PathBuf,
    pub metadata: Metadata,
    /// `INSTALLER`'s first line (`belay-run`, `pip`, `uv`).
    pub installer: Option<String>,
    /// `REQUESTED` is there.
    pub requested: bool,
}

fn read(dist_info: &Path) -> crate::Result<Installed> {
    let path = dist_info.join("METADATA");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let metadata = meta::parse(&text, &path.display().to_string())?;
    let display_name = meta::headers(&text)
        .into_iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v)
        .unwrap_or_else(|| metadata.name.to_string());
    let installer = std::fs::read_to_string(dist_info.join("INSTALLER"))
        .ok()
        .and_then(|t| t.lines().next().map(|l| l.trim().to_string()));
    Ok(Installed {
        name: metadata.name.clone(),
        display_name,
        version: metadata.version.clone(),
        dist_info: dist_info.to_path_buf(),
        installer,
        requested: dist_info.join("REQUESTED").exists(),
        metadata,
    })
}

/// Every distribution installed in `site_packages`, sorted by name (none when the folder is not
/// there).
pub fn list(site_packages: &Path) -> crate::Result<Vec<Installed>> {
    let Ok(entries) = std::fs::read_dir(site_packages) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read", site_packages, e))?;
        let path = entry.path();
        let is_dist_info = entry.file_name().to_string_lossy().ends_with(".dist-info");
        if is_dist_info && path.join("METADATA").is_file() {
            found.push(read(&path)?);
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// The installed distribution `name` (`None`: not installed), found by its folder's name
/// (`NAME-VERSION.dist-info`): other distributions' metadata is not read.
pub fn find(site_packages: &Path, name: &PackageName) -> crate::Result<Option<Installed>> {
    let Ok(entries) = std::fs::read_dir(site_packages) else {
        return Ok(None);
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read", site_packages, e))?;
        let folder = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = folder.strip_suffix(".dist-info") else {
            continue;
        };
        let project = stem.split('-').next().unwrap_or_default();
        let path = entry.path();
        if PackageName::from_str(project).is_ok_and(|p| p == *name)
            && path.join("METADATA").is_file()
        {
            return read(&path).map(Some);
        }
    }
    Ok(None)
}

/// `pip freeze` lines (`name==version`), sorted as pip sorts them (by name, ignoring case);
/// `pip` itself left out as pip leaves it out.
pub fn freeze(site_packages: &Path) -> crate::Result<Vec<String>> {
    let mut dists: Vec<Installed> = list(site_packages)?
        .into_iter()
        .filter(|d| d.name.as_ref() != "pip")
        .collect();
    dists.sort_by_key(|d| d.display_name.to_lowercase());
    Ok(dists
        .iter()
        .map(|d| format!("{}=={}", d.display_name, d.version))
        .collect())
}

/// The files of an installed distribution, from its RECORD (paths relative to site-packages).
pub fn files(dist: &Installed) -> crate::Result<Vec<PathBuf>> {
    let path = dist.dist_info.join("RECORD");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let rows = parse_record(&text).map_err(|message| Error::Metadata {
        origin: path.display().to_string(),
        message,
    })?;
    Ok(rows.into_iter().map(|r| PathBuf::from(r.path)).collect())
}

/// Remove `name` (every file of its RECORD, then the folders left empty); what was removed.
pub fn uninstall(
    site_packages: &Path,
    name: &PackageName,
    report: &dyn crate::Report,
) -> crate::Result<Installed> {
    let dist = find(site_packages, name)?.ok_or_else(|| Error::NotInstalled(name.to_string()))?;
    let parent = dist
        .dist_info
        .parent()
        .and_then(Path::parent)
        .unwrap_or(site_packages);
    let cancel = AtomicBool::new(false);
    let mut tx = Transaction::new(parent, &cancel)?;
    match remove_into(&mut tx, &dist) {
        Ok(()) => tx.commit()?,
        Err(error) => {
            tx.rollback();
            return Err(error);
        }
    }
    report.report(&Event::Removed {
        name: dist.name.to_string(),
        version: dist.version.to_string(),
    });
    Ok(dist)
}

/// The folder a distribution's files must stay in: the virtual environment of a
/// `lib/python3.X/site-packages` (or `Lib/site-packages`) folder, else the folder itself (a
/// `--target` folder).
pub(crate) fn environment_root(site_packages: &Path) -> PathBuf {
    let up: Vec<&Path> = site_packages.ancestors().take(4).collect();
    let names: Vec<String> = up
        .iter()
        .map(|p| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    match (names.as_slice(), up.as_slice()) {
        ([site, version, lib, _], [.., root])
            if site == "site-packages" && version.starts_with("python") && lib == "lib" =>
        {
            root.to_path_buf()
        }
        ([site, lib, ..], [_, _, root, ..]) if site == "site-packages" && lib == "Lib" => {
            root.to_path_buf()
        }
        _ => site_packages.to_path_buf(),
    }
}

/// Set every file of `dist` aside in `tx` (its RECORD's files, the `__pycache__` entries of its
/// modules, its dist-info folder), then the folders left empty. A RECORD path outside the
/// environment fails before anything is moved.
pub(crate) fn remove_into(tx: &mut Transaction<'_>, dist: &Installed) -> crate::Result<()> {
    let site = dist.dist_info.parent().map(normalize).unwrap_or_default();
    let root = environment_root(&site);
    // The environment's own folders (site-packages, `bin`, `lib`...) stay, even when a RECORD
    // names them.
    let keep = |dir: &Path| {
        site.starts_with(dir)
            || dir == root.join("bin")
            || dir == root.join("Scripts")
            || (root != site && dir.parent() == Some(&*root))
    };
    let mut paths = Vec::new();
    for file in files(dist)? {
        let path = normalize(&site.join(&file));
        if !path.starts_with(&root) {
            return Err(Error::Metadata {
                origin: dist.dist_info.join("RECORD").display().to_string(),
                message: format!(
                    "names {}, outside {}; nothing was removed",
                    file.display(),
                    root.display()
                ),
            });
        }
        if !keep(&path) {
            paths.extend(compiled(&path));
            paths.push(path);
        }
    }
    paths.push(normalize(&dist.dist_info));
    let paths = whole_folders(paths, &keep);
    for path in &paths {
        tx.remove(path)?;
    }
    for path in &paths {
        if let Some(parent) = path.parent() {
            tx.remove_empty_dirs(parent, &keep);
        }
    }
    Ok(())
}

/// `paths` with the folders all of whose files are among them standing for those files (one
/// rename for a package instead of one per file, as pip's `compress_for_rename`).
fn whole_folders(paths: Vec<PathBuf>, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let set: HashSet<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let mut parents: Vec<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    parents.sort_by_key(|p| (p.components().count(), *p));
    parents.dedup();
    let mut whole: Vec<&Path> = Vec::new();
    for dir in parents {
        if keep(dir) || whole.iter().any(|w| dir.starts_with(w)) {
            continue;
        }
        if only_files_of(dir, &set) {
            whole.push(dir);
        }
    }
    let mut out: Vec<PathBuf> = whole.iter().map(|w| w.to_path_buf()).collect();
    out.extend(
        paths
            .iter()
            .filter(|p| !whole.iter().any(|w| p.starts_with(w)))
            .cloned(),
    );
    out
}

/// Whether every file under `dir` is in `set` (a folder named in `set` counts whole).
fn only_files_of(dir: &Path, set: &HashSet<&Path>) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.into_iter().all(|entry| {
        let Ok(entry) = entry else {
            return false;
        };
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        set.contains(path.as_path()) || (is_dir && only_files_of(&path, set))
    })
}

/// The compiled forms of a module (`__pycache__/NAME.*.pyc`, `NAME.pyc`), when it is one.
fn compiled(module: &Path) -> Vec<PathBuf> {
    let (Some(stem), Some(dir)) = (module.file_stem(), module.parent()) else {
        return Vec::new();
    };
    if module.extension().is_none_or(|e| e != "py") {
        return Vec::new();
    }
    let stem = stem.to_string_lossy();
    let prefix = format!("{stem}.");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir.join("__pycache__"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name.starts_with(&prefix) && name.ends_with(".pyc")
        })
        .collect();
    found.push(dir.join(format!("{stem}.pyc")));
    found
}
