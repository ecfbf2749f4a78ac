//! The dependencies tree: `<dependencies folder>/<group>/…`, whose contents are exactly what goes
//! to the board's `/lib`.
//!
//! A package is downloaded whole into a temporary folder next to the group folders; only then
//! are the top-level entries it changes swapped in by rename (the previous ones kept aside until
//! every swap is done, and put back if one fails), so an interrupted or failed download leaves the
//! previous tree as it was. Which entries belong to which package is kept in the
//! [`Manifest`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::errors::{Error, Result, io_err};
use crate::events::{Event, Report};
use crate::fetch::{Downloaded, Fetcher};
use crate::fsutil::{Entry, copy_tree, files_under, listing, prune_empty_dirs, remove_path};
use crate::http::Http;
use crate::manifest::{Manifest, OwnedFile, PackageRecord};
use crate::project::{Group, Project};
use crate::settings::Settings;
use crate::verify::check_python_files;

/// The prefix of the temporary folders made next to the group folders.
pub(crate) const TEMP_PREFIX: &str = ".belay-run-";

/// Loads the project's manifest; a corrupt one is reported and replaced by an empty one.
pub(crate) fn load_manifest(project: &Project, report: &dyn Report) -> Result<Manifest> {
    match Manifest::load(&project.manifest_path())? {
        None => Ok(Manifest::default()),
        Some(Ok(manifest)) => Ok(manifest),
        Some(Err(message)) => {
            report.report(&Event::Warning(message));
            Ok(Manifest::default())
        }
    }
}

/// The state of one top-level entry: missing, or its listing (a file lists under "").
fn snapshot(path: &Path) -> Result<Option<BTreeMap<String, Entry>>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    Ok(Some(listing(path)?))
}

/// Who else owns what in a group folder.
struct Others {
    /// Top-level entries owned by other packages.
    entries: BTreeSet<String>,
    /// Files owned by other packages (by their records).
    files: BTreeSet<String>,
    /// Entries owned whole by declared packages without a record (Belay-made trees).
    whole: BTreeSet<String>,
}

impl Others {
    fn new(
        manifest: &Manifest,
        group: &str,
        package: &str,
        fallback_owners: &BTreeSet<String>,
    ) -> Others {
        let mut others = Others {
            entries: BTreeSet::new(),
            files: BTreeSet::new(),
            whole: BTreeSet::new(),
        };
        if let Some(records) = manifest.group(group) {
            for (name, record) in records {
                if name != package {
                    others.entries.extend(record.entries.iter().cloned());
                    others
                        .files
                        .extend(record.files.iter().map(|f| f.path.clone()));
                }
            }
        }
        for name in fallback_owners {
            if name != package {
                others.entries.insert(name.clone());
                others.whole.insert(name.clone());
            }
        }
        others
    }
}

/// Puts a downloaded package (laid out like the group folder in `staged`) into `group_folder`,
/// replacing what it owned before and keeping what other packages own in shared entries.
/// `fallback_owners`: declared packages of the group without a manifest record (they own the
/// entry of their name). Updates `manifest` (not saved). Returns whether the folder changed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn install_package(
    temp_parent: &Path,
    group: &str,
    group_folder: &Path,
    package: &str,
    staged: &Path,
    sources: Vec<String>,
    downloaded: &Downloaded,
    manifest: &mut Manifest,
    fallback_owners: &BTreeSet<String>,
) -> Result<bool> {
    // The new record, from the staged files before anything else is merged in.
    let mut entries = BTreeSet::new();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(staged).map_err(io_err("read", staged))? {
        let entry = entry.map_err(io_err("read", staged))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        for (path, sha256) in files_under(&name, &entry.path())? {
            files.push(OwnedFile { path, sha256 });
        }
        entries.insert(name);
    }
    files.sort();
    let record = PackageRecord {
        sources,
        versions: downloaded.versions.clone(),
        entries: entries.clone(),
        files,
    };

    let old_entries = match manifest.record(group, package) {
        Some(old) => old.entries.clone(),
        None if group_folder.join(package).exists() => BTreeSet::from([package.to_string()]),
        None => BTreeSet::new(),
    };
    let others = Others::new(manifest, group, package, fallback_owners);

    let mut changes = Vec::new();
    for name in entries.union(&old_entries) {
        let current = group_folder.join(name);
        let next = staged.join(name);
        if others.entries.contains(name) && current.exists() {
            merge_others(&current, &next, name, &others)?;
        }
        if snapshot(&current)? != snapshot(&next)? {
            changes.push(name.clone());
        }
    }
    if !changes.is_empty() {
        std::fs::create_dir_all(group_folder).map_err(io_err("create", group_folder))?;
        swap(temp_parent, group_folder, staged, &changes)?;
    }
    manifest.set(group, package, record);
    Ok(!changes.is_empty())
}

/// Copies into `next` (the staged entry) what other packages own in `current`, so that swapping
/// the entry keeps their files. The package being installed wins on shared paths.
fn merge_others(current: &Path, next: &Path, name: &str, others: &Others) -> Result<()> {
    if others.whole.contains(name) {
        if current.is_dir() {
            // Build the merged entry beside the staged one, then put it in its place.
            let merged = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .tempdir_in(next.parent().expect("staged entries have a parent"))
                .map_err(io_err("create a temporary folder for", next))?
                .keep();
            copy_tree(current, &merged, &[])?;
            if next.is_dir() {
                copy_tree(next, &merged, &[])?;
            }
            remove_path(next)?;
            std::fs::rename(&merged, next).map_err(io_err("move", next))?;
        } else if !next.exists() {
            std::fs::copy(current, next).map_err(io_err("copy", current))?;
        }
        return Ok(());
    }
    if current.is_dir() && !next.exists() {
        std::fs::create_dir_all(next).map_err(io_err("create", next))?;
    }
    let group_folder = current.parent().expect("entries have a parent");
    let staged = next.parent().expect("entries have a parent");
    let prefix = format!("{name}/");
    for file in &others.files {
        if (file == name || file.starts_with(&prefix)) && !staged.join(file).exists() {
            let from = group_folder.join(file);
            if from.is_file() {
                crate::fsutil::write_file(
                    &staged.join(file),
                    &std::fs::read(&from).map_err(io_err("read", &from))?,
                )?;
            }
        }
    }
    Ok(())
}

/// Replaces `names` in `group_folder` by their staged versions (a missing staged entry means
/// removal). The old entries wait in a temporary folder until all are swapped; on failure they
/// are put back.
fn swap(temp_parent: &Path, group_folder: &Path, staged: &Path, names: &[String]) -> Result<()> {
    let backup = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempdir_in(temp_parent)
        .map_err(io_err("create a temporary folder in", temp_parent))?;
    let mut moved_out: Vec<&String> = Vec::new();
    let mut moved_in: Vec<&String> = Vec::new();
    let result = (|| -> Result<()> {
        for name in names {
            let current = group_folder.join(name);
            if std::fs::symlink_metadata(&current).is_ok() {
                std::fs::rename(&current, backup.path().join(name))
                    .map_err(io_err("move aside", &current))?;
                moved_out.push(name);
            }
            let next = staged.join(name);
            if std::fs::symlink_metadata(&next).is_ok() {
                std::fs::rename(&next, &current).map_err(io_err("move into place", &current))?;
                moved_in.push(name);
            }
        }
        Ok(())
    })();
    if result.is_err() {
        for name in moved_in {
            let _ = remove_path(&group_folder.join(name));
        }
        for name in moved_out {
            let _ = std::fs::rename(backup.path().join(name), group_folder.join(name));
        }
    }
    result
}

/// Creates `folder` and its missing parents; returns those created, outermost first.
pub(crate) fn create_dirs(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut current = Some(folder);
    while let Some(path) = current {
        if path.exists() {
            break;
        }
        missing.push(path.to_path_buf());
        current = path.parent();
    }
    std::fs::create_dir_all(folder).map_err(io_err("create", folder))?;
    missing.reverse();
    Ok(missing)
}

/// Removes the folders `create_dirs` made, innermost first, when they are empty.
pub(crate) fn remove_created_dirs(created: &[PathBuf]) {
    for folder in created.iter().rev() {
        let _ = std::fs::remove_dir(folder);
    }
}

/// Refuses a dependencies folder that is the project folder or one of its parents (cleaning it
/// would delete the project's own folders).
fn check_dependencies_folder(project: &Project, folder: &Path) -> Result<()> {
    let canonical =
        |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = canonical(&project.root);
    let folder_canonical = canonical(folder);
    if root.starts_with(&folder_canonical) {
        return Err(Error::UnsafeDependenciesPath {
            path: folder.to_path_buf(),
        });
    }
    Ok(())
}

/// Belay's `clean`, with the manifest: in each declared group's folder, removes the top-level
/// entries no declared package owns (without a record, a package owns the entry of its name, as
/// in Belay), and the files of undeclared packages inside entries that are kept; then removes the
/// folders of groups no longer declared (and leftover temporary folders). Updates `manifest`
/// (not saved). Returns the removed paths.
pub(crate) fn clean_tree(
    project: &Project,
    manifest: &mut Manifest,
    report: &dyn Report,
) -> Result<Vec<PathBuf>> {
    let folder = project.dependencies_folder();
    let mut removed = Vec::new();
    if !folder.exists() {
        manifest.groups.clear();
        return Ok(removed);
    }
    check_dependencies_folder(project, &folder)?;
    let remove = |path: PathBuf, removed: &mut Vec<PathBuf>| -> Result<()> {
        remove_path(&path)?;
        report.report(&Event::Removed { path: path.clone() });
        removed.push(path);
        Ok(())
    };
    let groups = project.groups();
    for group in &groups {
        let declared: BTreeSet<&str> = group.dependencies.iter().map(|d| d.name.as_str()).collect();
        let records = manifest.group(&group.name).cloned().unwrap_or_default();
        let mut owned_entries = BTreeSet::new();
        let mut owned_files = BTreeSet::new();
        let mut whole = BTreeSet::new();
        for name in &declared {
            match records.get(*name) {
                Some(record) => {
                    owned_entries.extend(record.entries.iter().cloned());
                    owned_files.extend(record.files.iter().map(|f| f.path.clone()));
                }
                None => {
                    owned_entries.insert(name.to_string());
                    whole.insert(name.to_string());
                }
            }
        }
        if group.folder.is_dir() {
            let mut children: Vec<String> = std::fs::read_dir(&group.folder)
                .map_err(io_err("read", &group.folder))?
                .filter_map(|entry| entry.ok())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect();
            children.sort();
            for name in children {
                if !owned_entries.contains(&name) {
                    remove(group.folder.join(&name), &mut removed)?;
                }
            }
            // Files of undeclared packages inside entries that declared packages keep.
            for (name, record) in &records {
                if declared.contains(name.as_str()) {
                    continue;
                }
                for file in &record.files {
                    let top = file.path.split('/').next().unwrap_or("");
                    if whole.contains(top) || owned_files.contains(&file.path) {
                        continue;
                    }
                    let path = group.folder.join(&file.path);
                    if path.is_file() {
                        remove(path, &mut removed)?;
                        let entry = group.folder.join(top);
                        if entry.is_dir() {
                            prune_empty_dirs(&entry)?;
                        }
                    }
                }
            }
        }
        if let Some(records) = manifest.groups.get_mut(&group.name) {
            records.retain(|name, _| declared.contains(name.as_str()));
        }
    }
    let group_names: BTreeSet<&str> = groups.iter().map(|g| g.name.as_str()).collect();
    manifest
        .groups
        .retain(|name, records| group_names.contains(name.as_str()) && !records.is_empty());
    let mut children: Vec<(String, PathBuf)> = std::fs::read_dir(&folder)
        .map_err(io_err("read", &folder))?
        .filter_map(|entry| entry.ok())
        .map(|entry| {
            (
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
            )
        })
        .collect();
    children.sort();
    for (name, path) in children {
        if path.is_dir() && !group_names.contains(name.as_str()) {
            remove(path, &mut removed)?;
        }
    }
    Ok(removed)
}

/// Which groups `install` sends to `/lib`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSelection {
    /// The non-optional groups, plus the optional ones named (`install --with`).
    Install { with: Vec<String> },
    /// Every group, optional ones included (`belay run <executable>`).
    All,
}

/// A temporary folder holding what goes to the board's `/lib`; deleted when dropped.
#[derive(Debug)]
pub struct Staging {
    dir: tempfile::TempDir,
    /// The groups copied in, in order.
    pub groups: Vec<String>,
}

impl Staging {
    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Keeps the folder past this value's life (the caller removes it).
    pub fn into_temp_dir(self) -> tempfile::TempDir {
        self.dir
    }
}

/// `install`'s staging (Belay's `Group.copy_to` for each selected group): a temporary folder
/// with the contents of every selected group folder, merged in group-name order, and each
/// `develop = true` source downloaded again over its package folder. Unknown `--with` names are
/// an error listing the groups. Nothing is downloaded otherwise, so it works offline.
pub fn stage_install(
    project: &Project,
    settings: &Settings,
    selection: &GroupSelection,
    report: &dyn Report,
) -> Result<Staging> {
    let groups = project.groups();
    if let GroupSelection::Install { with } = selection {
        let unknown: Vec<&str> = with
            .iter()
            .filter(|name| !groups.iter().any(|g| g.name == **name))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(Error::UnknownGroups {
                unknown: unknown.join(", "),
                known: groups
                    .iter()
                    .map(|g| g.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let selected: Vec<&Group> = groups
        .iter()
        .filter(|group| match selection {
            GroupSelection::All => true,
            GroupSelection::Install { with } => !group.optional || with.contains(&group.name),
        })
        .collect();
    let dir = tempfile::Builder::new()
        .prefix("belay-run-lib-")
        .tempdir()
        .map_err(io_err(
            "create a temporary folder in",
            &std::env::temp_dir(),
        ))?;
    let http = Http::new(settings, report);
    let fetcher = Fetcher::for_project(project, settings, &http);
    for group in &selected {
        copy_group(&fetcher, group, dir.path())?;
    }
    Ok(Staging {
        dir,
        groups: selected.iter().map(|g| g.name.clone()).collect(),
    })
}

/// Belay's `Group.copy_to(dst)`: the group folder's contents copied into `dst` (created if
/// missing), then each `develop = true` source downloaded again over its package folder.
pub fn copy_group_to(
    project: &Project,
    settings: &Settings,
    group: &str,
    dst: &Path,
    report: &dyn Report,
) -> Result<()> {
    std::fs::create_dir_all(dst).map_err(io_err("create", dst))?;
    let http = Http::new(settings, report);
    let fetcher = Fetcher::for_project(project, settings, &http);
    copy_group(&fetcher, &project.group_or_new(group), dst)
}

/// One group's folder into `dst`, its `develop` sources fetched again over it.
fn copy_group(fetcher: &Fetcher<'_>, group: &Group, dst: &Path) -> Result<()> {
    if group.folder.is_dir() {
        copy_tree(&group.folder, dst, &[])?;
    }
    for dependency in &group.dependencies {
        for source in dependency.sources.iter().filter(|s| s.develop) {
            let mut downloaded = Downloaded::default();
            fetcher.download_source(&dependency.name, source, dst, &mut downloaded)?;
            check_python_files(dst, downloaded.written.iter().map(String::as_str))?;
        }
    }
    Ok(())
}
