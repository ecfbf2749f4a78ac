//! mip package.json files: the model, where each listed file comes from, and the depth-first
//! resolution of `deps` with cycle detection.
//!
//! Fixes over Belay: a git package.json is read at its `@ref` (and so are its deps' refs, D2);
//! packages are identified by their full location, so two folders of one repository are two
//! packages (D4); a local package.json is read from disk (D5); a `dest` path that is absolute or
//! goes up with `..` is refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::errors::{Error, Result, io_err};
use crate::events::Event;
use crate::fsutil::{check_relative, sha256_hex};
use crate::http::Http;
use crate::uri::{GitLocation, is_index_name, split_version_suffix};

/// A package.json: `urls` and `hashes` as `(dest, source)`, `deps` as `(name, version)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PackageJson {
    pub urls: Vec<(String, String)>,
    pub hashes: Vec<(String, String)>,
    pub deps: Vec<(String, String)>,
    pub version: Option<String>,
}

impl PackageJson {
    /// Parses a package.json; `origin` names it in errors.
    pub(crate) fn parse(bytes: &[u8], origin: &str) -> Result<PackageJson> {
        let invalid = |message: String| Error::InvalidPackageJson {
            url: origin.to_string(),
            message,
        };
        let value: Value =
            serde_json::from_slice(bytes).map_err(|error| invalid(format!("not JSON: {error}")))?;
        let Value::Object(object) = value else {
            return Err(invalid("not a JSON object".to_string()));
        };
        let pairs = |key: &str, expected: &str| -> Result<Vec<(String, String)>> {
            let Some(value) = object.get(key) else {
                return Ok(Vec::new());
            };
            let Value::Array(items) = value else {
                return Err(invalid(format!("`{key}` must be a list")));
            };
            items
                .iter()
                .map(|item| match item.as_array().map(Vec::as_slice) {
                    Some([Value::String(a), Value::String(b)]) => Ok((a.clone(), b.clone())),
                    _ => Err(invalid(format!(
                        "Invalid {key} entry: {item} (expected {expected})"
                    ))),
                })
                .collect()
        };
        let version = match object.get("version") {
            None | Some(Value::Null) => None,
            Some(Value::String(version)) => Some(version.clone()),
            Some(other) => {
                return Err(invalid(format!(
                    "Invalid version: {other} (expected string)"
                )));
            }
        };
        Ok(PackageJson {
            urls: pairs("urls", "[dest, source]")?,
            hashes: pairs("hashes", "[dest, hash]")?,
            deps: pairs("deps", "[name, version]")?,
            version,
        })
    }
}

/// Where a file (or a package.json) is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    Url(String),
    Path(PathBuf),
}

impl Location {
    pub(crate) fn describe(&self) -> String {
        match self {
            Location::Url(url) => url.clone(),
            Location::Path(path) => path.display().to_string(),
        }
    }
}

/// A package to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PackageRef {
    /// An index package at a version (`latest` by default).
    Index { name: String, version: String },
    /// A package.json in a repository; `location.path` is the package.json's path.
    Git {
        location: GitLocation,
        git_ref: String,
    },
    /// A package.json URL.
    Url(String),
    /// A local package.json.
    Local(PathBuf),
    /// A single file (a dep naming a `.py`/`.mpy` URL, as mip allows): lands at the root.
    File { location: Location, name: String },
}

impl PackageRef {
    /// Identity for cycles and de-duplication.
    fn key(&self) -> String {
        match self {
            PackageRef::Index { name, .. } => format!("index:{}", name.to_lowercase()),
            PackageRef::Git { location, .. } => {
                format!("{}/{}", location.repo_key(), location.path)
            }
            PackageRef::Url(url) => url.clone(),
            PackageRef::Local(path) => path.display().to_string(),
            PackageRef::File { location, .. } => location.describe(),
        }
    }

    /// The name shown in a cycle and recorded with the resolved version.
    fn display(&self) -> String {
        match self {
            PackageRef::Index { name, .. } => name.clone(),
            PackageRef::Git { location, .. } => {
                let mut text = format!(
                    "{}:{}/{}",
                    location.provider.scheme(),
                    location.user,
                    location.repo
                );
                let folder = location
                    .path
                    .strip_suffix("package.json")
                    .unwrap_or(&location.path)
                    .trim_end_matches('/');
                if !folder.is_empty() {
                    text.push('/');
                    text.push_str(folder);
                }
                text
            }
            PackageRef::Url(url) => url.clone(),
            PackageRef::Local(path) => path.display().to_string(),
            PackageRef::File { location, .. } => location.describe(),
        }
    }

    fn requested(&self) -> String {
        match self {
            PackageRef::Index { version, .. } => version.clone(),
            PackageRef::Git { git_ref, .. } => git_ref.clone(),
            _ => String::new(),
        }
    }
}

/// A file of a resolved package: where it goes (relative to the group folder), where it comes
/// from, and the hash it must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedFile {
    pub dest: String,
    pub from: Location,
    pub hash: Option<String>,
}

/// A resolved package with its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub name: String,
    pub version: String,
    pub files: Vec<PlannedFile>,
}

/// Where relative `urls` sources and index hashes of a package.json are found.
#[derive(Debug, Clone)]
enum Base {
    /// The folder URL, ending in `/`.
    Url(String),
    Dir(PathBuf),
}

/// Resolves package.json packages and their dependencies.
pub(crate) struct Resolver<'a> {
    pub http: &'a Http<'a>,
    pub indices: Vec<String>,
    pub mpy_version: String,
}

#[derive(Default)]
struct Walk {
    done: HashMap<String, String>,
    stack: Vec<(String, String)>,
    out: Vec<Resolved>,
}

impl Resolver<'_> {
    /// The package and its dependencies, dependencies first (post-order).
    pub(crate) fn resolve(&self, root: PackageRef) -> Result<Vec<Resolved>> {
        let mut walk = Walk::default();
        self.visit(root, &mut walk)?;
        Ok(walk.out)
    }

    fn visit(&self, package: PackageRef, walk: &mut Walk) -> Result<()> {
        let key = package.key();
        if let Some(start) = walk.stack.iter().position(|(k, _)| *k == key) {
            let mut chain: Vec<&str> = walk.stack[start..]
                .iter()
                .map(|(_, d)| d.as_str())
                .collect();
            let display = package.display();
            chain.push(&display);
            return Err(Error::Cycle {
                chain: chain.join(" -> "),
            });
        }
        if let Some(version) = walk.done.get(&key) {
            let requested = package.requested();
            if is_specific(&requested) && is_specific(version) && requested != *version {
                self.http.report(Event::Warning(format!(
                    "Version conflict for {}: already resolved {version}, now requested {requested}. Using first-resolved version.",
                    package.display()
                )));
            }
            return Ok(());
        }
        if let PackageRef::File { location, name } = &package {
            walk.done.insert(key, String::new());
            walk.out.push(Resolved {
                name: location.describe(),
                version: String::new(),
                files: vec![PlannedFile {
                    dest: name.clone(),
                    from: location.clone(),
                    hash: None,
                }],
            });
            return Ok(());
        }
        walk.stack.push((key.clone(), package.display()));
        let (json, base, origin) = self.fetch(&package)?;
        let git = match &package {
            PackageRef::Git { location, git_ref } => Some((location, git_ref.as_str())),
            _ => None,
        };
        let mut files = Vec::new();
        for (dest, source) in &json.urls {
            check_dest(&origin, dest)?;
            let hash = is_index_hash(source).then(|| source.to_lowercase());
            files.push(PlannedFile {
                dest: dest.clone(),
                from: self.source_location(source, &base, git, &origin)?,
                hash,
            });
        }
        for (dest, hash) in &json.hashes {
            check_dest(&origin, dest)?;
            if !is_hex(hash) || hash.len() < 8 {
                return Err(Error::InvalidPackageJson {
                    url: origin.clone(),
                    message: format!("Invalid hash for {dest}: {hash:?}"),
                });
            }
            files.push(PlannedFile {
                dest: dest.clone(),
                from: hashed_file(&base, hash),
                hash: Some(hash.to_lowercase()),
            });
        }
        for (name, version) in &json.deps {
            let dependency = self.dependency(name, version, &origin)?;
            self.visit(dependency, walk)?;
        }
        walk.stack.pop();
        let version = json
            .version
            .clone()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| package.requested());
        walk.done.insert(key, version.clone());
        walk.out.push(Resolved {
            name: package.display(),
            version,
            files,
        });
        Ok(())
    }

    /// Reads a package's package.json; returns it, its base and its origin (for messages).
    fn fetch(&self, package: &PackageRef) -> Result<(PackageJson, Base, String)> {
        match package {
            PackageRef::Index { name, version } => self.fetch_from_indices(name, version),
            PackageRef::Git { location, git_ref } => {
                let url = location.raw_url(self.http.settings(), &location.path, git_ref);
                self.fetch_url(&url)
            }
            PackageRef::Url(url) => self.fetch_url(url),
            PackageRef::Local(path) => {
                let bytes = std::fs::read(path).map_err(io_err("read", path))?;
                let origin = path.display().to_string();
                let json = PackageJson::parse(&bytes, &origin)?;
                let base = Base::Dir(path.parent().unwrap_or(Path::new("/")).to_path_buf());
                Ok((json, base, origin))
            }
            PackageRef::File { .. } => unreachable!("single files have no package.json"),
        }
    }

    fn fetch_url(&self, url: &str) -> Result<(PackageJson, Base, String)> {
        let bytes = self.http.get(url)?;
        let json = PackageJson::parse(&bytes, url)?;
        let folder = match url.rfind('/') {
            Some(slash) => url[..=slash].to_string(),
            None => format!("{url}/"),
        };
        Ok((json, Base::Url(folder), url.to_string()))
    }

    fn fetch_from_indices(&self, name: &str, version: &str) -> Result<(PackageJson, Base, String)> {
        let mut tried = Vec::new();
        let mut unanswered = None;
        for index in &self.indices {
            let index = index.trim_end_matches('/');
            let url = format!("{index}/package/{}/{name}/{version}.json", self.mpy_version);
            match self.http.get_optional(&url) {
                Ok(Some(bytes)) => match PackageJson::parse(&bytes, &url) {
                    Ok(json) => return Ok((json, Base::Url(format!("{index}/")), url)),
                    Err(error) => tried.push(format!("{url} ({error})")),
                },
                Ok(None) => tried.push(url),
                // No answer from that index, so no telling whether it has the package.
                Err(error @ (Error::Offline { .. } | Error::Unreachable { .. })) => {
                    tried.push(format!("{url} ({error})"));
                    unanswered.get_or_insert(error);
                }
                Err(error) => tried.push(format!("{url} ({error})")),
            }
        }
        if let Some(error) = unanswered {
            return Err(error);
        }
        Err(Error::PackageNotFound {
            name: name.to_string(),
            tried: if tried.is_empty() {
                "no index: package_indices is empty".to_string()
            } else {
                tried.join(", ")
            },
        })
    }

    /// Where a `urls` source is read from.
    fn source_location(
        &self,
        source: &str,
        base: &Base,
        git: Option<(&GitLocation, &str)>,
        origin: &str,
    ) -> Result<Location> {
        if is_index_hash(source) {
            return Ok(hashed_file(base, source));
        }
        if let Some(location) = GitLocation::parse(source)? {
            let git_ref = match (&location.git_ref, git) {
                (Some(own), _) => own.clone(),
                (None, Some((_, package_ref))) => package_ref.to_string(),
                (None, None) => "HEAD".to_string(),
            };
            return Ok(Location::Url(location.raw_url(
                self.http.settings(),
                &location.path,
                &git_ref,
            )));
        }
        if source.starts_with("http://") || source.starts_with("https://") {
            return Ok(Location::Url(source.to_string()));
        }
        if source.contains("://") {
            return Err(Error::InvalidPackageJson {
                url: origin.to_string(),
                message: format!("unsupported source {source:?}"),
            });
        }
        Ok(match base {
            Base::Url(folder) => Location::Url(url_join(folder, source)),
            Base::Dir(folder) => Location::Path(folder.join(source)),
        })
    }

    /// A `deps` entry.
    fn dependency(&self, name: &str, version: &str, origin: &str) -> Result<PackageRef> {
        let wanted = (!matches!(version, "" | "latest" | "*")).then(|| version.to_string());
        if let Some(location) = GitLocation::parse(name)? {
            if is_single_file(&location.path) {
                let file = location.path.rsplit('/').next().unwrap_or("").to_string();
                let git_ref = location
                    .git_ref
                    .clone()
                    .or(wanted)
                    .unwrap_or_else(|| "HEAD".to_string());
                let url = location.raw_url(self.http.settings(), &location.path, &git_ref);
                return Ok(PackageRef::File {
                    location: Location::Url(url),
                    name: file,
                });
            }
            let git_ref = location
                .git_ref
                .clone()
                .or(wanted)
                .unwrap_or_else(|| "HEAD".to_string());
            let path = location.package_json_path();
            return Ok(PackageRef::Git {
                location: GitLocation { path, ..location },
                git_ref,
            });
        }
        if name.starts_with("http://") || name.starts_with("https://") {
            let bare = name.split(['?', '#']).next().unwrap_or(name);
            if is_single_file(bare) {
                let file = bare.rsplit('/').next().unwrap_or("").to_string();
                check_dest(origin, &file)?;
                return Ok(PackageRef::File {
                    location: Location::Url(name.to_string()),
                    name: file,
                });
            }
            let url = if bare.ends_with(".json") {
                name.to_string()
            } else {
                format!("{}/package.json", name.trim_end_matches('/'))
            };
            return Ok(PackageRef::Url(url));
        }
        let (bare, own_version) = split_version_suffix(name);
        if !is_index_name(bare) {
            return Err(Error::InvalidPackageJson {
                url: origin.to_string(),
                message: format!("Invalid dependency name: {name:?}"),
            });
        }
        Ok(PackageRef::Index {
            name: bare.to_string(),
            version: own_version
                .map(str::to_string)
                .or(wanted)
                .unwrap_or_else(|| "latest".to_string()),
        })
    }
}

fn is_single_file(path: &str) -> bool {
    path.ends_with(".py") || path.ends_with(".mpy")
}

fn is_specific(version: &str) -> bool {
    !matches!(version, "" | "latest" | "HEAD")
}

fn check_dest(origin: &str, dest: &str) -> Result<()> {
    check_relative(dest).map_err(|reason| Error::UnsafePath {
        package: origin.to_string(),
        path: dest.to_string(),
        reason,
    })
}

fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An index file hash: exactly 8 hex digits.
pub(crate) fn is_index_hash(text: &str) -> bool {
    text.len() == 8 && is_hex(text)
}

/// `<base>/file/<h[:2]>/<h>`.
fn hashed_file(base: &Base, hash: &str) -> Location {
    let relative = format!("file/{}/{hash}", &hash[..2]);
    match base {
        Base::Url(folder) => Location::Url(format!("{folder}{relative}")),
        Base::Dir(folder) => Location::Path(folder.join(relative)),
    }
}

/// Joins a relative URL reference to a folder URL (ending in `/`): `/x` is host-relative,
/// `.` and `..` segments are resolved.
pub(crate) fn url_join(folder: &str, reference: &str) -> String {
    let (scheme, rest) = folder.split_once("://").unwrap_or(("", folder));
    let (host, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    };
    let joined = if reference.starts_with('/') {
        reference.to_string()
    } else {
        format!("{path}{reference}")
    };
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = joined.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        match *part {
            "." => {
                if i == parts.len() - 1 {
                    segments.push("");
                }
            }
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
                if i == parts.len() - 1 {
                    segments.push("");
                }
            }
            other => segments.push(other),
        }
    }
    let path = segments.join("/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
}

/// Checks `bytes` against an index hash (a prefix of the sha256's hex, case-insensitive);
/// returns the actual prefix on mismatch.
pub(crate) fn check_hash(bytes: &[u8], expected: &str) -> std::result::Result<(), String> {
    let actual = sha256_hex(bytes);
    let expected = expected.to_lowercase();
    let prefix = &actual[..expected.len().min(actual.len())];
    if prefix == expected {
        Ok(())
    } else {
        Err(prefix.to_string())
    }
}

#[cfg(test)]
mod tests;
