//! The commands that download: `add`, `update` (one package or all), and `clean`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::config::{
    Dependency, is_safe_group_name, parse_dependency_value, transform_version_uri,
};
use crate::edit::{DependencyValue, add_dependency};
use crate::errors::{Error, Result, io_err};
use crate::events::{Event, Report};
use crate::fetch::Fetcher;
use crate::http::Http;
use crate::names::is_identifier;
use crate::project::{Group, Project};
use crate::settings::Settings;
use crate::tree::{
    TEMP_PREFIX, clean_tree, create_dirs, install_package, load_manifest, remove_created_dirs,
};
use crate::uri::{infer_package_name, is_local_path, is_package_json_uri};

/// `add [NAME] URI [--group G] [--develop] [--no-rename-to-init]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddRequest {
    /// The package name; inferred from the URI when `None`.
    pub name: Option<String>,
    pub uri: String,
    /// `main` by default.
    pub group: String,
    pub develop: bool,
    /// True by default; always true for package.json sources.
    pub rename_to_init: bool,
}

impl AddRequest {
    /// `add URI` with the defaults.
    pub fn new(uri: impl Into<String>) -> AddRequest {
        AddRequest {
            name: None,
            uri: uri.into(),
            group: "main".to_string(),
            develop: false,
            rename_to_init: true,
        }
    }
}

/// What `add` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOutcome {
    pub package: String,
    pub group: String,
    /// What was written to `pyproject.toml`.
    pub value: DependencyValue,
    /// Whether the group folder changed.
    pub changed: bool,
}

/// Belay's `add`: infers and checks the name, refuses duplicates, downloads the package into
/// its group folder first, and only then writes the entry into `pyproject.toml` (formatting and
/// comments kept). `project` is the project as loaded before the call.
pub fn add(
    project: &Project,
    settings: &Settings,
    request: &AddRequest,
    report: &dyn Report,
) -> Result<AddOutcome> {
    let package = match &request.name {
        Some(name) => name.clone(),
        None => infer_package_name(&request.uri)?,
    };
    if !is_identifier(&package) {
        return Err(Error::NotIdentifier { name: package });
    }
    if request.develop && !is_local_path(&request.uri) {
        return Err(Error::DevelopNotLocal);
    }
    if request.group != "main" && !is_safe_group_name(&request.group) {
        return Err(Error::InvalidGroup {
            name: request.group.clone(),
        });
    }
    // A package.json source always keeps `rename_to_init` (it does not apply to them); the
    // check is on the URI as the string form reads it (`foo 1.0` is `foo@1.0` from the index).
    let transformed = transform_version_uri(&package, &request.uri).unwrap_or_default();
    let rename_to_init = request.rename_to_init || is_package_json_uri(&transformed);
    let exists = project
        .config
        .group_dependencies(&request.group)
        .is_some_and(|deps| deps.iter().any(|d| d.name == package));
    if exists {
        return Err(Error::DuplicateDependency {
            package,
            group: request.group.clone(),
        });
    }
    let value = DependencyValue::new(&request.uri, request.develop, rename_to_init);
    let dependency = parse_dependency_value(&package, value.to_toml())?;
    let group = project.group_or_new(&request.group);
    let changed = update_package(project, settings, &group, &dependency, report)?;
    add_dependency(&project.pyproject, &request.group, &package, &value)?;
    Ok(AddOutcome {
        package,
        group: request.group.clone(),
        value,
        changed,
    })
}

/// Downloads one package of `group` into a temporary folder, then swaps what changed into the
/// group folder and records it in the manifest. Reports `Updating`, then `Updated` or
/// `Unchanged`. On failure the group folder is as it was.
pub fn update_package(
    project: &Project,
    settings: &Settings,
    group: &Group,
    dependency: &Dependency,
    report: &dyn Report,
) -> Result<bool> {
    report.report(&Event::Updating {
        group: group.name.clone(),
        package: dependency.name.clone(),
    });
    let folder = project.dependencies_folder();
    let created = create_dirs(&folder)?;
    let result = (|| {
        let staged = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempdir_in(&folder)
            .map_err(io_err("create a temporary folder in", &folder))?;
        let http = Http::new(settings, report);
        let fetcher = Fetcher::for_project(project, settings, &http);
        let downloaded = fetcher.download_package(dependency, staged.path())?;
        let mut manifest = load_manifest(project, report)?;
        let fallback_owners: BTreeSet<String> = group
            .dependencies
            .iter()
            .map(|d| d.name.clone())
            .filter(|name| manifest.record(&group.name, name).is_none())
            .collect();
        let changed = install_package(
            &folder,
            &group.name,
            &group.folder,
            &dependency.name,
            staged.path(),
            dependency.sources.iter().map(|s| s.uri.clone()).collect(),
            &downloaded,
            &mut manifest,
            &fallback_owners,
        )?;
        manifest.save(&project.manifest_path())?;
        Ok(changed)
    })();
    match result {
        Ok(changed) => {
            let (group, package) = (group.name.clone(), dependency.name.clone());
            report.report(&if changed {
                Event::Updated { group, package }
            } else {
                Event::Unchanged { group, package }
            });
            Ok(changed)
        }
        Err(error) => {
            remove_created_dirs(&created);
            Err(error)
        }
    }
}

/// What `update` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateOutcome {
    /// `(group, package)` whose files changed.
    pub updated: Vec<(String, String)>,
    /// `(group, package)` downloaded again without change.
    pub unchanged: Vec<(String, String)>,
    /// What the final `clean` removed.
    pub removed: Vec<PathBuf>,
}

/// Belay's `update [PACKAGES]`: for each group (sorted by name), downloads all its packages, or
/// those named in `packages` (names no group declares are reported as a warning), then cleans.
/// Stops at the first failure; packages done before it stay updated.
pub fn update(
    project: &Project,
    settings: &Settings,
    packages: &[String],
    report: &dyn Report,
) -> Result<UpdateOutcome> {
    let groups = project.groups();
    let unknown: Vec<&str> = packages
        .iter()
        .filter(|name| !groups.iter().any(|g| g.dependency(name).is_some()))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        report.report(&Event::Warning(format!(
            "not a dependency of any group: {}",
            unknown.join(", ")
        )));
    }
    let mut outcome = UpdateOutcome::default();
    for group in &groups {
        for dependency in &group.dependencies {
            if !packages.is_empty() && !packages.contains(&dependency.name) {
                continue;
            }
            let changed = update_package(project, settings, group, dependency, report)?;
            let entry = (group.name.clone(), dependency.name.clone());
            if changed {
                outcome.updated.push(entry);
            } else {
                outcome.unchanged.push(entry);
            }
        }
    }
    outcome.removed = clean(project, report)?.removed;
    Ok(outcome)
}

/// What `clean` removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CleanOutcome {
    pub removed: Vec<PathBuf>,
}

/// Belay's `clean`: removes from each group folder what no declared package owns, and the
/// folders of groups no longer declared (see [`crate::tree`]).
pub fn clean(project: &Project, report: &dyn Report) -> Result<CleanOutcome> {
    let path = project.manifest_path();
    let had_manifest = path.exists();
    let mut manifest = load_manifest(project, report)?;
    let removed = clean_tree(project, &mut manifest, report)?;
    if had_manifest || !manifest.groups.is_empty() {
        manifest.save(&path)?;
    }
    Ok(CleanOutcome { removed })
}

#[cfg(test)]
mod tests;
