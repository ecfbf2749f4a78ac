//! Dependency URIs: what kind of source each is, the package name `add` infers from it, and
//! GitHub/GitLab locations with their raw-file and clone URLs.
//!
//! Differences from Belay 0.30: the `@ref` of a git URI is honoured for package.json packages
//! (D2); a git path ending in `.json` is a package.json (D3); a local `*.json` path is a local
//! package.json and `file://` URLs are local paths (D5).

use std::path::{Path, PathBuf};

use crate::errors::{Error, Result};
use crate::names::sanitize_package_name;
use crate::settings::Settings;

/// A git hosting service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    GitHub,
    GitLab,
}

impl Provider {
    /// `github` or `gitlab` (the shorthand's scheme).
    pub fn scheme(self) -> &'static str {
        match self {
            Provider::GitHub => "github",
            Provider::GitLab => "gitlab",
        }
    }
}

/// A file or folder in a GitHub/GitLab repository, from `github:user/repo[/path][@ref]`,
/// `gitlab:…`, or an https URL (`github.com/u/r/blob|tree/REF/PATH`,
/// `raw.githubusercontent.com/u/r/REF/PATH`, `gitlab.com/u/r/-/raw|blob|tree/REF/PATH`, or a
/// repository root, optionally ending in `.git`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitLocation {
    pub provider: Provider,
    pub user: String,
    /// The repository; for GitLab it may hold subgroups (`sub/repo`).
    pub repo: String,
    /// The path inside the repository, without leading or trailing `/` (may be empty).
    pub path: String,
    /// The branch, tag or commit, when the URI names one.
    pub git_ref: Option<String>,
}

impl GitLocation {
    /// `Ok(None)` when `uri` is not a GitHub/GitLab URI; an error for a malformed shorthand
    /// (`github:x`).
    pub fn parse(uri: &str) -> Result<Option<GitLocation>> {
        for provider in [Provider::GitHub, Provider::GitLab] {
            if let Some(rest) = uri
                .strip_prefix(provider.scheme())
                .and_then(|rest| rest.strip_prefix(':'))
            {
                return parse_shorthand(provider, uri, rest).map(Some);
            }
        }
        Ok(parse_https(uri))
    }

    /// Whether the last path component has an extension (a `.` after its first character).
    pub fn has_file_extension(&self) -> bool {
        let last = self.path.rsplit('/').next().unwrap_or("");
        last.char_indices().any(|(i, c)| c == '.' && i > 0)
    }

    /// Whether this names a package.json: the repository root, a folder (no extension), or a
    /// path ending in `.json`.
    pub fn is_package_json(&self) -> bool {
        self.path.is_empty() || !self.has_file_extension() || self.path.ends_with(".json")
    }

    /// The package.json's path in the repository (`package.json` appended to a folder).
    pub fn package_json_path(&self) -> String {
        if self.path.ends_with(".json") {
            self.path.clone()
        } else if self.path.is_empty() {
            "package.json".to_string()
        } else {
            format!("{}/package.json", self.path)
        }
    }

    /// The raw URL of `path` at `git_ref`, with the bases from `settings`.
    pub fn raw_url(&self, settings: &Settings, path: &str, git_ref: &str) -> String {
        let mut url = match self.provider {
            Provider::GitHub => format!(
                "{}/{}/{}/{}",
                settings.github_raw, self.user, self.repo, git_ref
            ),
            Provider::GitLab => format!(
                "{}/{}/{}/-/raw/{}",
                settings.gitlab, self.user, self.repo, git_ref
            ),
        };
        if !path.is_empty() {
            url.push('/');
            url.push_str(path);
        }
        url
    }

    /// The raw URL of this location at its own ref (`HEAD` if none).
    pub fn own_raw_url(&self, settings: &Settings) -> String {
        self.raw_url(
            settings,
            &self.path,
            self.git_ref.as_deref().unwrap_or("HEAD"),
        )
    }

    /// The repository's clone URL.
    pub fn clone_url(&self, settings: &Settings) -> String {
        let base = match self.provider {
            Provider::GitHub => &settings.github,
            Provider::GitLab => &settings.gitlab,
        };
        format!("{base}/{}/{}.git", self.user, self.repo)
    }

    /// The name `add` infers: the last path component, or the repository's name; for a path
    /// ending in `.json` (a package.json) the folder holding it.
    pub fn inferred_name(&self) -> &str {
        let repo_name = self.repo.rsplit('/').next().unwrap_or(&self.repo);
        let mut parts = self.path.rsplit('/').filter(|part| !part.is_empty());
        match parts.next() {
            Some(last) if last.ends_with(".json") => parts.next().unwrap_or(repo_name),
            Some(last) => last,
            None => repo_name,
        }
    }

    /// The repository, case-folded: `github:user/repo`.
    pub fn repo_key(&self) -> String {
        format!(
            "{}:{}/{}",
            self.provider.scheme(),
            self.user.to_lowercase(),
            self.repo.to_lowercase()
        )
    }
}

fn parse_shorthand(provider: Provider, uri: &str, rest: &str) -> Result<GitLocation> {
    let scheme = provider.scheme();
    let invalid = || Error::InvalidUri {
        uri: uri.to_string(),
        reason: format!("Invalid {scheme} URL: {uri} (expected {scheme}:user/repo[/path])"),
    };
    let (path, git_ref) = match rest.rsplit_once('@') {
        Some((path, git_ref)) if !git_ref.is_empty() => (path, Some(git_ref.to_string())),
        Some(_) => return Err(invalid()),
        None => (rest, None),
    };
    let mut parts = path.splitn(3, '/');
    let user = parts.next().unwrap_or("");
    let repo = parts.next().unwrap_or("");
    let inner = parts.next().unwrap_or("").trim_matches('/');
    if !safe_segment(user) || !safe_segment(repo) {
        return Err(invalid());
    }
    Ok(GitLocation {
        provider,
        user: user.to_string(),
        repo: repo.to_string(),
        path: inner.to_string(),
        git_ref,
    })
}

/// A user or repository name usable in URLs and cache folder names.
fn safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && !segment.contains(['\\', ':'])
        && !segment.chars().any(char::is_whitespace)
}

fn parse_https(uri: &str) -> Option<GitLocation> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = rest.split_once('/')?;
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if segments.iter().any(|segment| segment.is_empty()) {
        return None;
    }
    let location = |provider, user: &str, repo: &str, git_ref: Option<&str>, path: &[&str]| {
        (safe_segment(user) && repo.split('/').all(safe_segment)).then(|| GitLocation {
            provider,
            user: user.to_string(),
            repo: repo.to_string(),
            path: path.join("/"),
            git_ref: git_ref.map(str::to_string),
        })
    };
    match host {
        "github.com" => match segments.as_slice() {
            [user, repo] => location(
                Provider::GitHub,
                user,
                repo.strip_suffix(".git").unwrap_or(repo),
                None,
                &[],
            ),
            [user, repo, "blob" | "tree", git_ref, path @ ..] => {
                location(Provider::GitHub, user, repo, Some(git_ref), path)
            }
            _ => None,
        },
        "raw.githubusercontent.com" => match segments.as_slice() {
            [user, repo, git_ref, path @ ..] if !path.is_empty() => {
                location(Provider::GitHub, user, repo, Some(git_ref), path)
            }
            _ => None,
        },
        "gitlab.com" => {
            if let Some(dash) = segments.iter().position(|segment| *segment == "-") {
                match (&segments[..dash], &segments[dash + 1..]) {
                    ([user, repo @ ..], ["raw" | "blob" | "tree", git_ref, path @ ..])
                        if !repo.is_empty() =>
                    {
                        location(Provider::GitLab, user, &repo.join("/"), Some(git_ref), path)
                    }
                    _ => None,
                }
            } else {
                match segments.as_slice() {
                    [user, repo @ ..] if !repo.is_empty() => {
                        let mut repo = repo.join("/");
                        if let Some(stripped) = repo.strip_suffix(".git") {
                            repo = stripped.to_string();
                        }
                        location(Provider::GitLab, user, &repo, None, &[])
                    }
                    _ => None,
                }
            }
        }
        _ => None,
    }
}

/// Where a dependency's files come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A package of the mip index: `name`, `name@1.0`, `name==1.0`, `mip:name[@version]`.
    Index {
        name: String,
        version: Option<String>,
    },
    /// A package.json in a repository (root, folder or `*.json` path).
    GitPackageJson(GitLocation),
    /// A file in a repository (raw download; a clone if that is not found).
    GitFile(GitLocation),
    /// An http(s) package.json (`*.json`, or `mip:` + a URL).
    PackageJsonUrl(String),
    /// An http(s) file.
    Url(String),
    /// A local package.json (a path ending in `.json`).
    LocalPackageJson(PathBuf),
    /// A local file or folder (relative paths are relative to the project folder).
    Local(PathBuf),
}

impl Source {
    /// Classifies a URI as written in `[tool.belay]` (after the version transform of the string
    /// and table forms).
    pub fn parse(uri: &str) -> Result<Source> {
        let uri = uri.trim();
        if uri.is_empty() {
            return Err(Error::InvalidUri {
                uri: uri.to_string(),
                reason: "empty".to_string(),
            });
        }
        if let Some(rest) = uri.strip_prefix("mip:") {
            return parse_mip(uri, rest);
        }
        if let Some(git) = GitLocation::parse(uri)? {
            return Ok(if git.is_package_json() {
                Source::GitPackageJson(git)
            } else {
                Source::GitFile(git)
            });
        }
        if uri.starts_with("https://") || uri.starts_with("http://") {
            let path = uri.split(['?', '#']).next().unwrap_or(uri);
            return Ok(if path.ends_with(".json") {
                Source::PackageJsonUrl(uri.to_string())
            } else {
                Source::Url(uri.to_string())
            });
        }
        if let Some(rest) = uri.strip_prefix("file://") {
            let path = file_url_path(rest).ok_or_else(|| Error::InvalidUri {
                uri: uri.to_string(),
                reason: "only local file:// URLs are supported".to_string(),
            })?;
            return Ok(local(path));
        }
        if let Some((scheme, _)) = uri.split_once("://")
            && is_scheme(scheme)
        {
            return Err(Error::InvalidUri {
                uri: uri.to_string(),
                reason: format!(
                    "unsupported scheme \"{scheme}\" (use an index name, mip:, github:, gitlab:, http(s):// or a local path)"
                ),
            });
        }
        let (base, version) = split_version_suffix(uri);
        if is_plain_package_name(base) {
            return Ok(Source::Index {
                name: base.to_string(),
                version: version.map(str::to_string),
            });
        }
        Ok(local(PathBuf::from(uri)))
    }

    /// Whether this source is a package.json (index, git, URL or local): its files land where
    /// `mip install` puts them, relative to the group folder (`/lib` on the board).
    pub fn is_package_json(&self) -> bool {
        matches!(
            self,
            Source::Index { .. }
                | Source::GitPackageJson(_)
                | Source::PackageJsonUrl(_)
                | Source::LocalPackageJson(_)
        )
    }
}

fn local(path: PathBuf) -> Source {
    if path.to_string_lossy().ends_with(".json") {
        Source::LocalPackageJson(path)
    } else {
        Source::Local(path)
    }
}

fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn parse_mip(uri: &str, rest: &str) -> Result<Source> {
    if let Some(git) = GitLocation::parse(rest)? {
        return Ok(if git.is_package_json() {
            Source::GitPackageJson(git)
        } else {
            Source::GitFile(git)
        });
    }
    if rest.starts_with("https://") || rest.starts_with("http://") {
        let url = if rest.ends_with(".json") {
            rest.to_string()
        } else {
            format!("{}/package.json", rest.trim_end_matches('/'))
        };
        return Ok(Source::PackageJsonUrl(url));
    }
    let (name, version) = split_version_suffix(rest);
    if !is_index_name(name) {
        return Err(Error::InvalidUri {
            uri: uri.to_string(),
            reason: format!("\"{name}\" is not a package name"),
        });
    }
    Ok(Source::Index {
        name: name.to_string(),
        version: version.map(str::to_string),
    })
}

/// A name that may be looked up in an index: no path separators, no `..`, no scheme.
pub(crate) fn is_index_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\', ':'])
        && !name.contains("..")
        && !name.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The path of a `file://` URL (after the `//`): `/abs/x.py` or `localhost/abs/x.py`,
/// percent-decoded. `None` for another host.
fn file_url_path(rest: &str) -> Option<PathBuf> {
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost")?
    };
    let decoded = percent_decode(path)?;
    // `file:///C:/x` on Windows.
    let decoded = if cfg!(windows) {
        decoded
            .strip_prefix('/')
            .map(str::to_string)
            .unwrap_or(decoded)
    } else {
        decoded
    };
    Some(PathBuf::from(decoded))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Belay's `split_version_suffix`: http(s) URLs are never split; otherwise split at the last
/// `==`, else at the last `@`.
pub fn split_version_suffix(uri: &str) -> (&str, Option<&str>) {
    if uri.starts_with("http://") || uri.starts_with("https://") {
        return (uri, None);
    }
    if let Some((base, version)) = uri.rsplit_once("==") {
        return (base, Some(version));
    }
    if let Some((base, version)) = uri.rsplit_once('@') {
        return (base, Some(version));
    }
    (uri, None)
}

/// Belay's `_is_plain_package_name`: non-empty, only letters, digits, `_` and `-`.
pub fn is_plain_package_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Belay's `_is_local_path`: absolute, or starting with `/`, `./` or `../` (`.\`, `..\` too).
pub fn is_local_path(uri: &str) -> bool {
    Path::new(uri).is_absolute()
        || ["/", "./", "../", ".\\", "..\\"]
            .iter()
            .any(|prefix| uri.starts_with(prefix))
}

/// Whether `uri` is a package.json source (so `add` keeps `rename_to_init` on).
pub fn is_package_json_uri(uri: &str) -> bool {
    Source::parse(uri).is_ok_and(|source| source.is_package_json())
}

/// The package name `add` infers from a URI (Belay's `infer_package_name`): the `mip:` name, a
/// plain index name, a repository's last path component or name, or a local path's last
/// component; then [`sanitize_package_name`]. A path ending in `package.json` gives its
/// folder's name (Belay fails on those).
pub fn infer_package_name(uri: &str) -> Result<String> {
    let (base, _) = split_version_suffix(uri);
    if let Some(name) = base.strip_prefix("mip:") {
        return sanitize_package_name(name);
    }
    if is_plain_package_name(base) {
        return sanitize_package_name(base);
    }
    if let Some(git) = GitLocation::parse(uri)? {
        return sanitize_package_name(git.inferred_name());
    }
    let local = uri
        .strip_prefix("file://")
        .and_then(file_url_path)
        .or_else(|| is_local_path(uri).then(|| PathBuf::from(uri)));
    if let Some(path) = local {
        let mut components = path
            .components()
            .rev()
            .filter_map(|component| component.as_os_str().to_str())
            .filter(|part| !matches!(*part, "." | ".." | "/"));
        let name = match components.next() {
            Some(last) if last.ends_with(".json") => components.next(),
            other => other,
        };
        if let Some(name) = name {
            return sanitize_package_name(name);
        }
    }
    Err(Error::CannotInferName {
        uri: uri.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(uri: &str) -> GitLocation {
        GitLocation::parse(uri).unwrap().expect(uri)
    }

    #[test]
    fn version_suffixes() {
        assert_eq!(split_version_suffix("aiohttp"), ("aiohttp", None));
        assert_eq!(
            split_version_suffix("aiohttp@1.0.0"),
            ("aiohttp", Some("1.0.0"))
        );
        assert_eq!(
            split_version_suffix("aiohttp==1.0"),
            ("aiohttp", Some("1.0"))
        );
        assert_eq!(split_version_suffix("mip:a@b@c"), ("mip:a@b", Some("c")));
        assert_eq!(
            split_version_suffix("https://x.org/a@b.py"),
            ("https://x.org/a@b.py", None)
        );
    }

    #[test]
    fn classification_as_belay() {
        // Belay's verified table (§5.2): package.json sources ...
        for uri in [
            "aiohttp",
            "aiohttp@1.0.0",
            "aiohttp==1.0",
            "mip:aiohttp@1.0",
            "my-pkg",
            "github:user/repo",
            "github:user/repo@v1",
            "github:user/repo/path",
            "https://github.com/u/r/tree/main/a/b",
            "https://github.com/user/my-lib",
            "https://github.com/user/my-lib.git",
            "https://gitlab.com/u/r",
            "https://example.com/pkg/package.json",
        ] {
            assert!(is_package_json_uri(uri), "{uri} should be a package.json");
        }
        // ... and the others.
        for uri in [
            "github:u/r/path/file.py",
            "github:u/r/path/file.py@v2",
            "https://github.com/u/r/blob/main/a/b.py",
            "https://example.com/x.py",
            "./local/x.py",
            "../a/b",
            "file.py",
        ] {
            assert!(
                !is_package_json_uri(uri),
                "{uri} should not be a package.json"
            );
        }
    }

    #[test]
    fn sources() {
        assert_eq!(
            Source::parse("aiohttp@1.0.0").unwrap(),
            Source::Index {
                name: "aiohttp".into(),
                version: Some("1.0.0".into())
            }
        );
        assert_eq!(
            Source::parse("mip:aiohttp").unwrap(),
            Source::Index {
                name: "aiohttp".into(),
                version: None
            }
        );
        assert_eq!(
            Source::parse("../local/single.py").unwrap(),
            Source::Local("../local/single.py".into())
        );
        assert_eq!(
            Source::parse("./x/package.json").unwrap(),
            Source::LocalPackageJson("./x/package.json".into())
        );
        assert_eq!(
            Source::parse("file:///abs/my%20dir/x.py").unwrap(),
            Source::Local("/abs/my dir/x.py".into())
        );
        assert_eq!(
            Source::parse("file:///abs/package.json").unwrap(),
            Source::LocalPackageJson("/abs/package.json".into())
        );
        assert_eq!(
            Source::parse("https://example.com/x.py").unwrap(),
            Source::Url("https://example.com/x.py".into())
        );
        assert_eq!(
            Source::parse("https://example.com/p/package.json").unwrap(),
            Source::PackageJsonUrl("https://example.com/p/package.json".into())
        );
        assert_eq!(
            Source::parse("mip:https://example.com/p").unwrap(),
            Source::PackageJsonUrl("https://example.com/p/package.json".into())
        );
        // D3: a git path ending in .json is a package.json, with its ref.
        match Source::parse("github:u/r/pkg/package.json@v3").unwrap() {
            Source::GitPackageJson(location) => {
                assert_eq!(location.path, "pkg/package.json");
                assert_eq!(location.git_ref.as_deref(), Some("v3"));
                assert_eq!(location.package_json_path(), "pkg/package.json");
            }
            other => panic!("{other:?}"),
        }
        match Source::parse("github:u/r/lib/mod.py@main").unwrap() {
            Source::GitFile(location) => assert_eq!(location.path, "lib/mod.py"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Source::parse("s3://bucket/x.py"),
            Err(Error::InvalidUri { .. })
        ));
        assert!(matches!(
            Source::parse("mip:../evil"),
            Err(Error::InvalidUri { .. })
        ));
        assert!(matches!(
            Source::parse("file://otherhost/x.py"),
            Err(Error::InvalidUri { .. })
        ));
    }

    #[test]
    fn git_shorthands() {
        let location = git("github:user/repo/some/path.py@v1.2");
        assert_eq!(location.provider, Provider::GitHub);
        assert_eq!(
            (
                location.user.as_str(),
                location.repo.as_str(),
                location.path.as_str()
            ),
            ("user", "repo", "some/path.py")
        );
        assert_eq!(location.git_ref.as_deref(), Some("v1.2"));
        let location = git("gitlab:grp/proj");
        assert_eq!(location.provider, Provider::GitLab);
        assert_eq!(location.path, "");
        assert_eq!(location.git_ref, None);
        for bad in [
            "github:x",
            "github:",
            "github:/repo",
            "gitlab:u/..",
            "github:u/r@",
        ] {
            let error = GitLocation::parse(bad).unwrap_err();
            assert!(matches!(error, Error::InvalidUri { .. }), "{bad}");
        }
        assert_eq!(
            GitLocation::parse("github:x").unwrap_err().to_string(),
            "invalid source \"github:x\": Invalid github URL: github:x (expected github:user/repo[/path])"
        );
        assert!(
            GitLocation::parse("https://example.com/u/r")
                .unwrap()
                .is_none()
        );
        assert!(GitLocation::parse("./github.com/u/r").unwrap().is_none());
    }

    #[test]
    fn git_https_urls() {
        let location = git("https://github.com/u/r/blob/main/a/b.py");
        assert_eq!(
            (location.ref_str(), location.path.as_str()),
            ("main", "a/b.py")
        );
        let location = git("https://github.com/u/r/tree/dev/a/b");
        assert_eq!((location.ref_str(), location.path.as_str()), ("dev", "a/b"));
        let location = git("https://raw.githubusercontent.com/u/r/v1/x/y.py");
        assert_eq!(
            (location.ref_str(), location.path.as_str()),
            ("v1", "x/y.py")
        );
        let location = git("https://github.com/user/my-lib.git");
        assert_eq!(
            (location.repo.as_str(), location.path.as_str()),
            ("my-lib", "")
        );
        assert_eq!(location.git_ref, None);
        let location = git("https://www.github.com/user/my-lib/");
        assert_eq!(location.repo, "my-lib");
        let location = git("https://gitlab.com/g/sub/r/-/raw/main/x.py?inline=false");
        assert_eq!(
            (
                location.user.as_str(),
                location.repo.as_str(),
                location.ref_str(),
                location.path.as_str()
            ),
            ("g", "sub/r", "main", "x.py")
        );
        let location = git("https://gitlab.com/u/r/-/blob/v2/lib");
        assert_eq!((location.ref_str(), location.path.as_str()), ("v2", "lib"));
        assert!(
            GitLocation::parse("https://github.com/u")
                .unwrap()
                .is_none()
        );
        assert!(
            GitLocation::parse("https://github.com/u/r/issues/3")
                .unwrap()
                .is_none()
        );
    }

    impl GitLocation {
        fn ref_str(&self) -> &str {
            self.git_ref.as_deref().unwrap_or("HEAD")
        }
    }

    #[test]
    fn raw_urls_with_overridden_bases() {
        let mut settings = Settings::new("/tmp/unused");
        let location = git("github:u/r/lib/m.py@v1");
        assert_eq!(
            location.own_raw_url(&settings),
            "https://raw.githubusercontent.com/u/r/v1/lib/m.py"
        );
        assert_eq!(location.clone_url(&settings), "https://github.com/u/r.git");
        settings.github_raw = "http://127.0.0.1:8000/raw".into();
        settings.github = "file:///srv/git".into();
        settings.gitlab = "http://mirror.local/gl".into();
        assert_eq!(
            location.own_raw_url(&settings),
            "http://127.0.0.1:8000/raw/u/r/v1/lib/m.py"
        );
        assert_eq!(location.clone_url(&settings), "file:///srv/git/u/r.git");
        let https = git("https://github.com/u/r/blob/main/a/b.py");
        assert_eq!(
            https.own_raw_url(&settings),
            "http://127.0.0.1:8000/raw/u/r/main/a/b.py"
        );
        let root = git("github:u/r");
        assert_eq!(
            root.raw_url(&settings, &root.package_json_path(), "HEAD"),
            "http://127.0.0.1:8000/raw/u/r/HEAD/package.json"
        );
        let lab = git("gitlab:g/p/dir@v2");
        assert_eq!(
            lab.raw_url(&settings, &lab.package_json_path(), "v2"),
            "http://mirror.local/gl/g/p/-/raw/v2/dir/package.json"
        );
        assert_eq!(lab.clone_url(&settings), "http://mirror.local/gl/g/p.git");
    }

    #[test]
    fn extensions() {
        assert!(git("github:u/r/a/b.py").has_file_extension());
        assert!(!git("github:u/r/a/.github").has_file_extension());
        assert!(!git("github:u/r/a/b").has_file_extension());
        assert!(!git("github:u/r").has_file_extension());
    }

    #[test]
    fn name_inference_as_belay() {
        for (uri, name) in [
            ("aiohttp", "aiohttp"),
            ("aiohttp@1.0", "aiohttp"),
            ("mip:my-pkg@2", "my_pkg"),
            ("github:user/my-sensor", "my_sensor"),
            ("github:user/repo/lib/driver.py@v1", "driver"),
            ("https://github.com/u/r/blob/main/a/b.py", "b"),
            ("https://github.com/u/cool-lib.git", "cool_lib"),
            ("/abs/c.mpy", "c"),
            ("./local/single.py", "single"),
            ("../local/pkgdir/", "pkgdir"),
            ("file:///abs/x.py", "x"),
            // A package.json path names its folder (Belay fails on these).
            ("github:u/r/pkg/package.json", "pkg"),
            ("./vendor/thing/package.json", "thing"),
        ] {
            assert_eq!(infer_package_name(uri).unwrap(), name, "{uri}");
        }
        for uri in ["https://example.com/x.py", "local/x.py"] {
            assert_eq!(
                infer_package_name(uri).unwrap_err().to_string(),
                format!("Cannot infer package name from URI: {uri}")
            );
        }
        assert!(matches!(
            infer_package_name("github:u/r/9lives.py"),
            Err(Error::InvalidPackageName { .. })
        ));
    }

    #[test]
    fn local_paths() {
        for uri in ["/abs", "./x", "../x", ".\\x"] {
            assert!(is_local_path(uri), "{uri}");
        }
        for uri in ["x", "x/y", "github:u/r", "https://x.org/a"] {
            assert!(!is_local_path(uri), "{uri}");
        }
    }
}
