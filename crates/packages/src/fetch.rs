//! Downloading one package's sources into a folder laid out like the group folder.
//!
//! Layouts: package.json sources (index, git, URL, local) put their files where `mip install`
//! puts them under `/lib`, i.e. at the folder's root (`tinypkg/__init__.py`, `tinydep.py`);
//! every other source keeps Belay's layout under `<package>/` (a single file, renamed to
//! `__init__.py` with `rename_to_init`; a folder's contents; a raw git file).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::config::{Dependency, DependencySource};
use crate::errors::{Error, Result, io_err};
use crate::fsutil::{check_relative, copy_tree, slash_path, write_file};
use crate::http::Http;
use crate::index::{Location, PackageRef, Resolver, check_hash};
use crate::project::Project;
use crate::settings::Settings;
use crate::uri::Source;
use crate::verify::check_python_files;

/// What a download produced.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Downloaded {
    /// Resolved package.json packages and their versions.
    pub versions: BTreeMap<String, String>,
    /// Files written, `/`-separated and relative to the root.
    pub written: BTreeSet<String>,
}

/// What downloads need: the client, the project folder (for relative local paths), the indices.
pub(crate) struct Fetcher<'a> {
    pub http: &'a Http<'a>,
    pub project_root: &'a Path,
    pub indices: Vec<String>,
    pub mpy_version: String,
}

impl<'a> Fetcher<'a> {
    /// A fetcher for `project`'s sources (its indices and mpy version) through `http`.
    pub fn for_project(project: &'a Project, settings: &Settings, http: &'a Http<'a>) -> Self {
        Fetcher {
            http,
            project_root: &project.root,
            indices: project.config.indices(settings),
            mpy_version: project.config.mpy_version.clone(),
        }
    }

    /// Downloads every source of `dependency` into `root`, then checks the `.py` files.
    pub(crate) fn download_package(
        &self,
        dependency: &Dependency,
        root: &Path,
    ) -> Result<Downloaded> {
        let mut downloaded = Downloaded::default();
        for source in &dependency.sources {
            self.download_source(&dependency.name, source, root, &mut downloaded)?;
        }
        check_python_files(root, downloaded.written.iter().map(String::as_str))?;
        Ok(downloaded)
    }

    /// Downloads one source of `package` into `root` (without the Python check).
    pub(crate) fn download_source(
        &self,
        package: &str,
        source: &DependencySource,
        root: &Path,
        downloaded: &mut Downloaded,
    ) -> Result<()> {
        let kind = source.source()?;
        let folder = root.join(package);
        let mut record = |files: Vec<PathBuf>, base: &str| {
            for file in files {
                downloaded
                    .written
                    .insert(format!("{base}/{}", slash_path(&file)));
            }
        };
        match kind {
            Source::Local(path) => {
                let absolute = self.project_root.join(&path);
                std::fs::create_dir_all(&folder).map_err(io_err("create", &folder))?;
                if absolute.is_dir() {
                    record(copy_tree(&absolute, &folder, &[])?, package);
                } else if absolute.is_file() {
                    let name = absolute.file_name().expect("a file has a name");
                    let target = folder.join(name);
                    std::fs::copy(&absolute, &target).map_err(io_err("copy", &absolute))?;
                    let file = rename_to_init(&target, source.rename_to_init)?;
                    record(vec![file], package);
                } else {
                    return Err(Error::LocalSourceMissing {
                        uri: source.uri.clone(),
                        path: absolute,
                    });
                }
            }
            Source::Url(url) => {
                let name = url_file_name(&url)?;
                let bytes = self.http.get(&url)?;
                let target = folder.join(&name);
                write_file(&target, &bytes)?;
                record(
                    vec![rename_to_init(&target, source.rename_to_init)?],
                    package,
                );
            }
            Source::GitFile(location) => {
                let git_ref = location
                    .git_ref
                    .clone()
                    .unwrap_or_else(|| "HEAD".to_string());
                let url = location.raw_url(self.http.settings(), &location.path, &git_ref);
                std::fs::create_dir_all(&folder).map_err(io_err("create", &folder))?;
                // Offline, a file that is not cached may still be in a cached clone.
                let raw = match self.http.get_optional(&url) {
                    Err(Error::Offline { .. }) => None,
                    other => other?,
                };
                match raw {
                    Some(bytes) => {
                        let name = url_file_name(&url)?;
                        let target = folder.join(&name);
                        write_file(&target, &bytes)?;
                        record(
                            vec![rename_to_init(&target, source.rename_to_init)?],
                            package,
                        );
                    }
                    None => {
                        let (files, single_file) =
                            crate::git::copy_from_clone(self.http, &location, &git_ref, &folder)?;
                        let files = if single_file {
                            vec![rename_to_init(
                                &folder.join(&files[0]),
                                source.rename_to_init,
                            )?]
                        } else {
                            files
                        };
                        record(files, package);
                    }
                }
            }
            Source::Index { name, version } => {
                let version = version.unwrap_or_else(|| "latest".to_string());
                self.install(PackageRef::Index { name, version }, root, downloaded)?;
            }
            Source::GitPackageJson(location) => {
                let git_ref = location
                    .git_ref
                    .clone()
                    .unwrap_or_else(|| "HEAD".to_string());
                let path = location.package_json_path();
                let location = crate::uri::GitLocation { path, ..location };
                self.install(PackageRef::Git { location, git_ref }, root, downloaded)?;
            }
            Source::PackageJsonUrl(url) => {
                self.install(PackageRef::Url(url), root, downloaded)?;
            }
            Source::LocalPackageJson(path) => {
                let absolute = self.project_root.join(&path);
                if !absolute.is_file() {
                    return Err(Error::LocalSourceMissing {
                        uri: source.uri.clone(),
                        path: absolute,
                    });
                }
                self.install(PackageRef::Local(absolute), root, downloaded)?;
            }
        }
        Ok(())
    }

    /// Resolves a package.json package and writes all its files (and its dependencies') under
    /// `root`, each checked against its hash.
    fn install(&self, package: PackageRef, root: &Path, downloaded: &mut Downloaded) -> Result<()> {
        let resolver = Resolver {
            http: self.http,
            indices: self.indices.clone(),
            mpy_version: self.mpy_version.clone(),
        };
        for resolved in resolver.resolve(package)? {
            for file in &resolved.files {
                check_relative(&file.dest).map_err(|reason| Error::UnsafePath {
                    package: resolved.name.clone(),
                    path: file.dest.clone(),
                    reason,
                })?;
                let bytes = match (&file.from, &file.hash) {
                    (Location::Url(url), Some(hash)) => self
                        .http
                        .get_addressed(url, |bytes| check_hash(bytes, hash).is_ok())?,
                    (Location::Url(url), None) => self.http.get(url)?,
                    (Location::Path(path), _) => {
                        if !path.is_file() {
                            return Err(Error::LocalSourceMissing {
                                uri: file.dest.clone(),
                                path: path.clone(),
                            });
                        }
                        std::fs::read(path).map_err(io_err("read", path))?
                    }
                };
                if let Some(expected) = &file.hash
                    && let Err(actual) = check_hash(&bytes, expected)
                {
                    return Err(Error::HashMismatch {
                        file: file.dest.clone(),
                        url: file.from.describe(),
                        expected: expected.clone(),
                        actual,
                    });
                }
                write_file(&root.join(&file.dest), &bytes)?;
                downloaded.written.insert(file.dest.clone());
            }
            downloaded.versions.insert(resolved.name, resolved.version);
        }
        Ok(())
    }
}

/// The file name a URL's last path segment gives (no query or fragment).
fn url_file_name(url: &str) -> Result<String> {
    let bare = url.split(['?', '#']).next().unwrap_or(url);
    let name = bare.rsplit('/').next().unwrap_or("");
    match check_relative(name) {
        Ok(()) if !name.contains('/') => Ok(name.to_string()),
        _ => Err(Error::InvalidUri {
            uri: url.to_string(),
            reason: "the URL does not end in a file name".to_string(),
        }),
    }
}

/// With `rename`, a `.py`/`.mpy` file becomes `__init__.py`/`__init__.mpy` in its folder.
/// Returns the file's final name.
fn rename_to_init(path: &Path, rename: bool) -> Result<PathBuf> {
    let name = PathBuf::from(path.file_name().expect("a file has a name"));
    if !rename {
        return Ok(name);
    }
    let init = match path.extension().and_then(|e| e.to_str()) {
        Some("py") => "__init__.py",
        Some("mpy") => "__init__.mpy",
        _ => return Ok(name),
    };
    let target = path.with_file_name(init);
    std::fs::rename(path, &target).map_err(io_err("rename", path))?;
    Ok(PathBuf::from(init))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_file_names() {
        assert_eq!(url_file_name("https://x.org/a/b.py?raw=1").unwrap(), "b.py");
        assert_eq!(
            url_file_name("https://x.org/a/b.mpy#frag").unwrap(),
            "b.mpy"
        );
        assert!(url_file_name("https://x.org/a/").is_err());
        assert!(url_file_name("https://x.org/a/..").is_err());
    }

    #[test]
    fn renames_only_python_files() {
        let temp = tempfile::tempdir().unwrap();
        for (name, rename, expected) in [
            ("a.py", true, "__init__.py"),
            ("b.mpy", true, "__init__.mpy"),
            ("c.txt", true, "c.txt"),
            ("d.py", false, "d.py"),
        ] {
            let folder = temp.path().join(name.replace('.', "_"));
            std::fs::create_dir_all(&folder).unwrap();
            let path = folder.join(name);
            std::fs::write(&path, "x").unwrap();
            assert_eq!(
                rename_to_init(&path, rename).unwrap(),
                PathBuf::from(expected)
            );
            assert!(folder.join(expected).is_file());
        }
    }
}
