//! Where distributions come from: PEP 503 (HTML) and PEP 691 (JSON) simple indexes, `--find-links`
//! folders and HTML pages, local wheel files; core metadata from PEP 658 files or the wheel
//! itself (an sdist's from the wheel built from it, when the index has a [`Builder`]); downloads
//! checked against their `#sha256=` (and `--hash`) and kept in belay-run's cache (belay-packages'
//! HTTP client: one client and one cache for both package managers).

mod memo;
mod simple;
mod wheel;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::PackageName;

use crate::build::Builder;
use crate::events::Event;
use crate::metadata::Metadata;
use crate::wheelname::{SdistName, WheelName};
use memo::Memo;

/// The default index.
pub const PYPI: &str = "https://pypi.org/simple";

/// Index options, from the command line, the environment (`UV_INDEX_URL`, `PIP_INDEX_URL`,
/// `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS`) and requirements files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexOptions {
    /// `--index-url` (`None`: PyPI).
    pub index_url: Option<String>,
    pub extra_index_urls: Vec<String>,
    /// Folders or HTML pages of links.
    pub find_links: Vec<String>,
    pub no_index: bool,
    pub pre: bool,
}

impl IndexOptions {
    /// The environment's options (`UV_INDEX_URL`, then `PIP_INDEX_URL`; `PIP_EXTRA_INDEX_URL`
    /// and `PIP_FIND_LINKS` space-separated).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> IndexOptions {
        let text = |name: &str| {
            var(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let list = |name: &str| {
            text(name)
                .map(|v| v.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default()
        };
        IndexOptions {
            index_url: text("UV_INDEX_URL").or_else(|| text("PIP_INDEX_URL")),
            extra_index_urls: list("PIP_EXTRA_INDEX_URL"),
            find_links: list("PIP_FIND_LINKS"),
            no_index: false,
            pre: false,
        }
    }

    /// `other`'s settings added (command line over environment, files adding their own):
    /// `other`'s index URL replaces this one when it has one; extra indexes and find-links are
    /// added after these (once each); `--no-index` and `--pre` stay on once on. Merge the
    /// environment first, then the command line, then requirements files (as pip, a file's `-i`
    /// replaces the index).
    pub fn merge(&mut self, other: &IndexOptions) {
        if let Some(url) = &other.index_url {
            self.index_url = Some(url.clone());
        }
        for url in &other.extra_index_urls {
            if !self.extra_index_urls.contains(url) {
                self.extra_index_urls.push(url.clone());
            }
        }
        for link in &other.find_links {
            if !self.find_links.contains(link) {
                self.find_links.push(link.clone());
            }
        }
        self.no_index |= other.no_index;
        self.pre |= other.pre;
    }

    /// The simple indexes to ask, in order (none with `--no-index`).
    pub fn index_urls(&self) -> Vec<String> {
        if self.no_index {
            return Vec::new();
        }
        let main = self.index_url.clone().unwrap_or_else(|| PYPI.to_string());
        std::iter::once(main)
            .chain(self.extra_index_urls.iter().cloned())
            .collect()
    }
}

/// One file of a project, as an index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistFile {
    pub filename: String,
    /// Absolute `http(s)://` or `file://` URL (without its hash fragment).
    pub url: String,
    /// `sha256` hex digest, when the index gave one.
    pub sha256: Option<String>,
    pub requires_python: Option<VersionSpecifiers>,
    /// Yanked, with the reason when given.
    pub yanked: Option<String>,
    /// A PEP 658 metadata file is there (`<url>.metadata`).
    pub has_metadata_file: bool,
    /// Its `sha256` hex digest, when the index gave one (checked before it is read).
    pub metadata_sha256: Option<String>,
}

/// The `Accept` header of a project page: PEP 691 JSON first, HTML otherwise.
const ACCEPT: &str = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/// The indexes and link sources a resolution asks. Each project page, the find-links sources
/// and each file's metadata are read once per `Index`.
pub struct Index<'a> {
    options: &'a IndexOptions,
    settings: &'a belay_packages::Settings,
    report: &'a dyn crate::Report,
    relay: Relay<'a>,
    projects: Memo<PackageName, Vec<(Version, DistFile)>>,
    links: Memo<(), Vec<DistFile>>,
    metadata: Memo<String, Metadata>,
    /// What sdists are built with (`None`: sdists are not installable).
    builder: Option<Builder<'a>>,
    /// The wheel built from each sdist URL.
    built: Memo<String, PathBuf>,
}

impl<'a> Index<'a> {
    pub fn new(
        options: &'a IndexOptions,
        settings: &'a belay_packages::Settings,
        report: &'a dyn crate::Report,
    ) -> Index<'a> {
        Index {
            options,
            settings,
            report,
            relay: Relay(report),
            projects: Memo::new(),
            links: Memo::new(),
            metadata: Memo::new(),
            builder: None,
            built: Memo::new(),
        }
    }

    /// Sdists are candidates too, built into wheels with `builder` when chosen.
    pub fn with_builder(mut self, builder: Builder<'a>) -> Index<'a> {
        self.builder = Some(builder);
        self
    }

    /// Whether sdists can be built.
    pub fn builds(&self) -> bool {
        self.builder.is_some()
    }

    /// The download settings (the cache folder).
    pub fn settings(&self) -> &'a belay_packages::Settings {
        self.settings
    }

    /// Where its events go.
    pub fn report(&self) -> &dyn crate::Report {
        self.report
    }

    /// The options it was made with.
    pub fn options(&self) -> &IndexOptions {
        self.options
    }

    fn http(&self) -> belay_packages::Http<'_> {
        belay_packages::Http::new(self.settings, &self.relay)
    }

    /// Every file of `project` on every source (index, extra indexes, find-links), versions
    /// parsed from their names (files whose names do not parse are left out).
    pub fn files(&self, project: &PackageName) -> crate::Result<Vec<(Version, DistFile)>> {
        self.projects
            .get_or_try(project, || self.read_files(project))
    }

    fn read_files(&self, project: &PackageName) -> crate::Result<Vec<(Version, DistFile)>> {
        let mut listed = Vec::new();
        for base in self.options.index_urls() {
            // A folder given as a path is read as its `file:` URL.
            let base = match base.contains("://") {
                true => base,
                false => path_url(Path::new(&base)),
            };
            let url = format!("{}/{project}/", base.trim_end_matches('/'));
            self.report.report(&Event::Querying {
                project: project.to_string(),
                url: url.clone(),
            });
            listed.extend(self.project_page(&url)?);
        }
        listed.extend(self.links()?);
        let mut seen = HashSet::new();
        let files: Vec<(Version, DistFile)> = listed
            .into_iter()
            .filter(|file| seen.insert(file.filename.clone()))
            .filter_map(|file| {
                let (name, version) = file_name_version(&file.filename)?;
                (name == *project).then_some((version, file))
            })
            .collect();
        Ok(files)
    }

    /// Whether a source is reached over the network (the resolver then reads ahead).
    pub fn is_remote(&self) -> bool {
        let remote = |url: &String| url.contains("://") && !url.starts_with("file:");
        self.options.index_urls().iter().any(remote) || self.options.find_links.iter().any(remote)
    }

    /// Reads a project's files and its newest installable version's metadata ahead of the
    /// resolver (a failure is left for the resolver to meet).
    pub fn prefetch(&self, project: &PackageName, target: &crate::Target) {
        let Ok(files) = self.files(project) else {
            return;
        };
        let newest = files
            .iter()
            .filter(|(version, file)| {
                !version.any_prerelease()
                    && file.yanked.is_none()
                    && WheelName::parse(&file.filename).is_some_and(|w| w.installable_by(target))
                    && file
                        .requires_python
                        .as_ref()
                        .is_none_or(|specifiers| target.satisfies(specifiers))
            })
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.filename.cmp(&a.1.filename)));
        if let Some((_, file)) = newest {
            let _ = self.metadata(file);
        }
    }

    /// A project page of a simple index (none: the index does not have the project).
    fn project_page(&self, url: &str) -> crate::Result<Vec<DistFile>> {
        if let Some(path) = file_url_path(url) {
            let page = path.join("index.html");
            let text = match std::fs::read_to_string(&page) {
                Ok(text) => text,
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    return Ok(Vec::new());
                }
                Err(error) => return Err(crate::Error::io("cannot read", page, error)),
            };
            return simple::parse_page(&text, None, url);
        }
        match self.http().get_page(url, ACCEPT)? {
            None => Ok(Vec::new()),
            Some(page) => {
                let text = String::from_utf8_lossy(&page.body);
                simple::parse_page(&text, page.content_type.as_deref(), url)
            }
        }
    }

    /// Every file of every `--find-links` source (read once).
    fn links(&self) -> crate::Result<Vec<DistFile>> {
        self.links.get_or_try(&(), || {
            let mut files = Vec::new();
            for link in &self.options.find_links {
                files.extend(self.link_source(link)?);
            }
            Ok(files)
        })
    }

    /// A folder of files, or an HTML page of links (a path, a `file:` or an http(s) URL).
    fn link_source(&self, link: &str) -> crate::Result<Vec<DistFile>> {
        let path = match file_url_path(link) {
            Some(path) => path,
            None if link.contains("://") => {
                let page = self.http().get(link)?;
                return simple::parse_html(&String::from_utf8_lossy(&page), link);
            }
            None => PathBuf::from(link),
        };
        let path = std::path::absolute(&path).unwrap_or(path);
        if !path.is_dir() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| crate::Error::io("cannot read find-links page", &path, e))?;
            return simple::parse_html(&text, &path_url(&path));
        }
        let entries =
            std::fs::read_dir(&path).map_err(|e| crate::Error::io("cannot read", &path, e))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| crate::Error::io("cannot read", &path, e))?;
            let filename = entry.file_name().to_string_lossy().into_owned();
            if file_name_version(&filename).is_some() {
                files.push(DistFile::local(&entry.path()));
            }
        }
        files.sort_by(|a, b| a.filename.cmp(&b.filename));
        Ok(files)
    }

    /// The core metadata of a wheel: from its PEP 658 file when the index has one, else read
    /// from the (downloaded, cached) wheel.
    pub fn metadata(&self, file: &DistFile) -> crate::Result<Metadata> {
        self.metadata
            .get_or_try(&file.url, || self.read_metadata(file))
    }

    fn read_metadata(&self, file: &DistFile) -> crate::Result<Metadata> {
        if WheelName::parse(&file.filename).is_none() {
            if !self.builds() {
                return Err(crate::Error::Metadata {
                    origin: file.filename.clone(),
                    message: "not a wheel: its metadata needs a build".to_string(),
                });
            }
            // An sdist's metadata is its built wheel's (PKG-INFO may leave fields dynamic).
            let path = self.wheel(file, &[])?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            return wheel::read_metadata(&path, &name);
        }
        let remote = file_url_path(&file.url).is_none();
        let metadata = if file.has_metadata_file && remote {
            let url = format!("{}.metadata", file.url);
            // PEP 658: the file's hash is the one the index gave (a file that does not match is
            // neither kept in the cache nor read).
            let fits = |bytes: &[u8]| {
                file.metadata_sha256
                    .as_ref()
                    .is_none_or(|h| h.eq_ignore_ascii_case(&belay_packages::sha256_hex(bytes)))
            };
            match self.http().get_addressed(&url, fits) {
                Ok(bytes) if !fits(&bytes) => {
                    return Err(crate::Error::Hash {
                        file: url,
                        expected: file.metadata_sha256.clone().unwrap_or_default(),
                        actual: belay_packages::sha256_hex(&bytes),
                    });
                }
                Ok(bytes) => Some(Metadata::parse(
                    &String::from_utf8_lossy(&bytes),
                    &format!("{}.metadata", file.filename),
                )?),
                Err(belay_packages::Error::NotFound { .. }) => None,
                Err(error) => return Err(error.into()),
            }
        } else {
            None
        };
        match metadata {
            Some(metadata) => Ok(metadata),
            None => {
                let path = self.fetch(file, &[])?;
                wheel::read_metadata(&path, &file.filename)
            }
        }
    }

    /// The wheel to install for `file`: the file itself ([`Index::fetch`]), or for an sdist the
    /// wheel built from it (once per sdist).
    pub fn wheel(&self, file: &DistFile, hashes: &[String]) -> crate::Result<PathBuf> {
        let path = self.fetch(file, hashes)?;
        match (WheelName::parse(&file.filename), self.builder) {
            (None, Some(builder)) => self.built.get_or_try(&file.url, || {
                crate::build::wheel(self, builder, &path, &file.filename)
            }),
            _ => Ok(path),
        }
    }

    /// The file on disk (downloaded into the cache, or local), its hash checked against the
    /// index's and any of `hashes` (hex `sha256`; empty: no constraint).
    pub fn fetch(&self, file: &DistFile, hashes: &[String]) -> crate::Result<PathBuf> {
        let fits = |digest: &str| {
            file.sha256
                .as_ref()
                .is_none_or(|h| h.eq_ignore_ascii_case(digest))
                && (hashes.is_empty() || hashes.iter().any(|h| h.eq_ignore_ascii_case(digest)))
        };
        let path = match file_url_path(&file.url) {
            Some(path) => path,
            None => self
                .http()
                .download_file(&file.url, |bytes| fits(&belay_packages::sha256_hex(bytes)))?,
        };
        let bytes = std::fs::read(&path).map_err(|e| crate::Error::io("cannot read", &path, e))?;
        let actual = belay_packages::sha256_hex(&bytes);
        if !fits(&actual) {
            let expected = file
                .sha256
                .iter()
                .chain(hashes)
                .cloned()
                .collect::<Vec<_>>()
                .join(" or ");
            return Err(crate::Error::Hash {
                file: file.url.clone(),
                expected,
                actual,
            });
        }
        Ok(path)
    }
}

impl DistFile {
    /// A local file (a wheel named on the command line, a find-links folder's file).
    pub fn local(path: &Path) -> DistFile {
        DistFile {
            filename: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            url: path_url(path),
            sha256: None,
            requires_python: None,
            yanked: None,
            has_metadata_file: false,
            metadata_sha256: None,
        }
    }
}

/// Relays belay-packages' download events as ours.
struct Relay<'a>(&'a dyn crate::Report);

impl belay_packages::Report for Relay<'_> {
    fn report(&self, event: &belay_packages::Event) {
        let file = |url: &str| url.rsplit('/').next().unwrap_or(url).to_string();
        let ours = match event {
            // A project page (`.../name/`): `Querying` said it.
            belay_packages::Event::Downloading { url } if url.ends_with('/') => return,
            belay_packages::Event::Downloading { url } => Event::Downloading {
                file: file(url),
                url: url.clone(),
            },
            belay_packages::Event::FromCache { url } => Event::Cached { file: file(url) },
            belay_packages::Event::Warning(message) => Event::Warning(message.clone()),
            belay_packages::Event::Retrying { .. } => Event::Warning(event.to_string()),
            _ => return,
        };
        self.0.report(&ours);
    }
}

/// The project name and version of a wheel or sdist file name.
pub fn file_name_version(filename: &str) -> Option<(PackageName, Version)> {
    match WheelName::parse(filename) {
        Some(wheel) => Some((wheel.name, wheel.version)),
        None => SdistName::parse(filename).map(|sdist| (sdist.name, sdist.version)),
    }
}

/// The path of a `file:` URL.
fn file_url_path(url: &str) -> Option<PathBuf> {
    if !url.starts_with("file:") {
        return None;
    }
    url::Url::parse(url).ok()?.to_file_path().ok()
}

/// The `file://` URL of a path.
fn path_url(path: &Path) -> String {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    url::Url::from_file_path(&path)
        .map(String::from)
        .unwrap_or_else(|()| format!("file://{}", path.display()))
}

/// A lock that a panicking thread left is still usable (the maps only grow).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testutil;
