//! The PubGrub dependency provider: candidates from the index (installable files only,
//! `requires-python`, yanked, pre-releases), dependencies from core metadata (markers for the
//! target and the extras), constraints, direct URLs and local wheels, installed versions kept.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::rc::Rc;
use std::sync::mpsc::Sender;

use pep440_rs::Version;
use pep508_rs::{ExtraName, MarkerEnvironment, PackageName, Requirement, VersionOrUrl};
use pubgrub::{
    Dependencies, DependencyConstraints, DependencyProvider, PackageResolutionStatistics,
    VersionSet,
};

use super::Request;
use super::range::Range;
use crate::events::Event;
use crate::index::{DistFile, Index};
use crate::wheelname::WheelName;

/// A PubGrub package: the root (what the user asked for), a distribution, or a distribution
/// with one extra (`name[extra]`, which depends on `name` at the same version).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pkg {
    Root,
    Dist(PackageName),
    Extra(PackageName, ExtraName),
}

/// How the root shows in a derivation before [`super::explain`] rewrites it.
pub const ROOT: &str = "<root>";

impl fmt::Display for Pkg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pkg::Root => f.write_str(ROOT),
            Pkg::Dist(name) => write!(f, "{name}"),
            Pkg::Extra(name, extra) => write!(f, "{name}[{extra}]"),
        }
    }
}

impl Pkg {
    pub fn name(&self) -> Option<&PackageName> {
        match self {
            Pkg::Root => None,
            Pkg::Dist(name) | Pkg::Extra(name, _) => Some(name),
        }
    }
}

/// One version of a project and its files that this interpreter can install.
struct Candidate {
    version: Version,
    files: Vec<DistFile>,
}

/// A file seen that cannot be installed here, and why (for the error when nothing is left).
#[derive(Debug, Clone)]
pub struct Refusal {
    pub version: Version,
    pub file: String,
    pub why: String,
}

/// What a project's files gave.
struct Project {
    /// Newest first.
    candidates: Vec<Candidate>,
    refused: Vec<Refusal>,
}

pub struct Provider<'a> {
    pub request: &'a Request<'a>,
    index: &'a Index<'a>,
    env: MarkerEnvironment,
    pre: bool,
    pub installed: HashMap<PackageName, &'a crate::installed::Installed>,
    /// The projects the user named.
    requested: HashSet<PackageName>,
    constraints: HashMap<PackageName, Range>,
    /// Direct URLs and local wheels: the one version and file of a project.
    pub pinned: HashMap<PackageName, (Version, DistFile)>,
    root: DependencyConstraints<Pkg, Range>,
    projects: RefCell<HashMap<PackageName, Rc<Project>>>,
    /// Projects a specifier naming a pre-release was seen for.
    pre_named: RefCell<HashSet<PackageName>>,
    /// The file chosen for each version.
    pub chosen: RefCell<HashMap<(PackageName, Version), DistFile>>,
    /// Projects that had versions in range but no installable file.
    pub uninstallable: RefCell<BTreeMap<PackageName, Vec<Refusal>>>,
    prefetch: Option<Sender<PackageName>>,
    /// The projects sent to the prefetching threads.
    sent: RefCell<HashSet<PackageName>>,
}

impl<'a> Provider<'a> {
    /// `prefetch`: where to send the projects met, for threads to read ahead (remote indexes).
    pub fn new(
        request: &'a Request<'a>,
        index: &'a Index<'a>,
        prefetch: Option<Sender<PackageName>>,
    ) -> crate::Result<Provider<'a>> {
        let set = request.requirements;
        let mut provider = Provider {
            request,
            index,
            env: request.target.marker_environment(),
            pre: set.options.pre || index.options().pre,
            installed: request
                .installed
                .iter()
                .map(|dist| (dist.name.clone(), dist))
                .collect(),
            requested: set
                .requirements
                .iter()
                .map(|entry| entry.requirement.name.clone())
                .collect(),
            constraints: HashMap::new(),
            pinned: HashMap::new(),
            root: DependencyConstraints::default(),
            projects: RefCell::new(HashMap::new()),
            pre_named: RefCell::new(HashSet::new()),
            chosen: RefCell::new(HashMap::new()),
            uninstallable: RefCell::new(BTreeMap::new()),
            prefetch,
            sent: RefCell::new(HashSet::new()),
        };
        for path in &set.local_wheels {
            let file = DistFile::local(path);
            let wheel = WheelName::parse(&file.filename).ok_or_else(|| not_a_wheel(&file.url))?;
            provider.pinned.insert(wheel.name, (wheel.version, file));
        }
        for entry in set.requirements.iter().chain(&set.constraints) {
            if let Some(VersionOrUrl::Url(url)) = &entry.requirement.version_or_url {
                let file = url_file(&url.to_url())?;
                let wheel =
                    WheelName::parse(&file.filename).ok_or_else(|| not_a_wheel(&file.url))?;
                provider
                    .pinned
                    .insert(entry.requirement.name.clone(), (wheel.version, file));
            }
        }
        for entry in &set.constraints {
            if !entry.requirement.evaluate_markers(&provider.env, &[]) {
                continue;
            }
            let range = provider.range_of(&entry.requirement);
            let slot = provider
                .constraints
                .entry(entry.requirement.name.clone())
                .or_insert_with(Range::full);
            *slot = slot.intersection(&range);
        }
        let mut root = DependencyConstraints::default();
        for entry in &set.requirements {
            if entry.requirement.evaluate_markers(&provider.env, &[]) {
                provider.add(&mut root, &entry.requirement, None);
            }
        }
        for (name, (version, _)) in &provider.pinned {
            let range = root
                .entry(Pkg::Dist(name.clone()))
                .or_insert_with(Range::full);
            *range = range.intersection(&Range::singleton(version.clone()));
        }
        provider.read_ahead(&root);
        provider.root = root;
        Ok(provider)
    }

    /// The versions a requirement admits (a URL: its one version).
    fn range_of(&self, requirement: &Requirement) -> Range {
        match &requirement.version_or_url {
            None => Range::full(),
            Some(VersionOrUrl::VersionSpecifier(specifiers)) => {
                if specifiers.iter().any(|s| s.version().any_prerelease()) {
                    self.pre_named.borrow_mut().insert(requirement.name.clone());
                }
                Range::from_specifiers(specifiers)
            }
            Some(VersionOrUrl::Url(_)) => match self.pinned.get(&requirement.name) {
                Some((version, _)) => Range::singleton(version.clone()),
                None => Range::full(),
            },
        }
    }

    /// `requirement` (and its extras) added to `deps`, with the constraints on its project.
    fn add(
        &self,
        deps: &mut DependencyConstraints<Pkg, Range>,
        requirement: &Requirement,
        from: Option<&PackageName>,
    ) {
        let mut range = self.range_of(requirement);
        if let Some(constraint) = self.constraints.get(&requirement.name) {
            range = range.intersection(constraint);
        }
        let name = &requirement.name;
        let mut packages = vec![Pkg::Dist(name.clone())];
        packages.extend(
            requirement
                .extras
                .iter()
                .map(|extra| Pkg::Extra(name.clone(), extra.clone())),
        );
        for package in packages {
            // A distribution that needs itself (`pkg[a]` requiring `pkg`) is already there.
            if from == Some(name) && matches!(package, Pkg::Dist(_)) {
                continue;
            }
            let slot = deps.entry(package).or_insert_with(Range::full);
            *slot = slot.intersection(&range);
        }
    }

    /// The installable versions of a project (read once).
    fn project(&self, name: &PackageName) -> crate::Result<Rc<Project>> {
        if let Some(project) = self.projects.borrow().get(name) {
            return Ok(project.clone());
        }
        let target = self.request.target;
        let mut by_version: BTreeMap<Version, Vec<DistFile>> = BTreeMap::new();
        let mut refused = Vec::new();
        for (version, file) in self.index.files(name)? {
            let why = match WheelName::parse(&file.filename) {
                None if self.index.builds() => None,
                None => Some("a source distribution (not built here)".to_string()),
                Some(wheel) => wheel.refusal(target),
            };
            let why = why.or_else(|| {
                file.requires_python
                    .as_ref()
                    .filter(|specifiers| !target.satisfies(specifiers))
                    .map(|specifiers| format!("requires Python {specifiers}"))
            });
            match why {
                Some(why) => refused.push(Refusal {
                    version,
                    file: file.filename,
                    why,
                }),
                None => by_version.entry(version).or_default().push(file),
            }
        }
        let candidates = by_version
            .into_iter()
            .rev()
            .map(|(version, mut files)| {
                // Wheels first: an sdist is built only for a version without one.
                files.sort_by_key(|file| {
                    (
                        WheelName::parse(&file.filename).is_none(),
                        file.filename.clone(),
                    )
                });
                Candidate { version, files }
            })
            .collect();
        let project = Rc::new(Project {
            candidates,
            refused,
        });
        self.projects
            .borrow_mut()
            .insert(name.clone(), project.clone());
        Ok(project)
    }

    /// Whether the project was looked up and has no version that can be installed here.
    pub fn has_no_candidates(&self, name: &PackageName) -> bool {
        !self.pinned.contains_key(name)
            && self
                .projects
                .borrow()
                .get(name)
                .is_some_and(|project| project.candidates.is_empty())
    }

    /// Whether a pre-release of `name` may be chosen.
    fn pre_allowed(&self, name: &PackageName, project: &Project) -> bool {
        self.pre
            || self.pre_named.borrow().contains(name)
            || project
                .candidates
                .iter()
                .all(|c| c.version.any_prerelease())
    }

    /// A file of `candidate` that can be used in `range` (yanked files only for an `==` pin).
    fn usable_file(&self, candidate: &Candidate, range: &Range) -> Option<DistFile> {
        let pinned = range.as_singleton() == Some(&candidate.version);
        candidate
            .files
            .iter()
            .find(|file| file.yanked.is_none() || pinned)
            .cloned()
    }

    /// Whether the version's metadata lets it be installed here (its `requires-python`).
    fn metadata_fits(&self, name: &PackageName, file: &DistFile) -> crate::Result<bool> {
        match self.index.metadata(file) {
            Ok(metadata) => Ok(metadata
                .requires_python
                .as_ref()
                .is_none_or(|specifiers| self.request.target.satisfies(specifiers))),
            Err(crate::Error::Metadata { origin, message }) => {
                self.index.report().report(&Event::Warning(format!(
                    "{name}: {origin}: {message}; skipped"
                )));
                Ok(false)
            }
            Err(error) => Err(error),
        }
    }

    fn choose(&self, name: &PackageName, range: &Range) -> crate::Result<Option<Version>> {
        if let Some((version, file)) = self.pinned.get(name) {
            if !range.contains(version) {
                return Ok(None);
            }
            let metadata = self.index.metadata(file)?;
            if let Some(specifiers) = &metadata.requires_python
                && !self.request.target.satisfies(specifiers)
            {
                return Err(crate::Error::RequiresPython {
                    what: file.filename.clone(),
                    specifier: specifiers.to_string(),
                    python: self.request.target.python_full_version(),
                });
            }
            self.chosen
                .borrow_mut()
                .insert((name.clone(), version.clone()), file.clone());
            return Ok(Some(version.clone()));
        }
        // `-U` upgrades what the user named; a dependency is upgraded only when it must be
        // (pip's `only-if-needed`).
        let upgrade = self.request.upgrade && self.requested.contains(name);
        if !upgrade
            && let Some(dist) = self.installed.get(name)
            && range.contains(&dist.version)
        {
            return Ok(Some(dist.version.clone()));
        }
        let project = self.project(name)?;
        let pre = self.pre_allowed(name, &project);
        for candidate in &project.candidates {
            if !range.contains(&candidate.version) || (candidate.version.any_prerelease() && !pre) {
                continue;
            }
            let Some(file) = self.usable_file(candidate, range) else {
                continue;
            };
            if !self.metadata_fits(name, &file)? {
                continue;
            }
            self.chosen
                .borrow_mut()
                .insert((name.clone(), candidate.version.clone()), file);
            return Ok(Some(candidate.version.clone()));
        }
        let refused: Vec<_> = project
            .refused
            .iter()
            .filter(|refusal| range.contains(&refusal.version))
            .cloned()
            .collect();
        if !refused.is_empty() {
            self.uninstallable
                .borrow_mut()
                .insert(name.clone(), refused);
        }
        Ok(None)
    }

    fn dependencies(
        &self,
        package: &Pkg,
        version: &Version,
    ) -> crate::Result<DependencyConstraints<Pkg, Range>> {
        let (name, extra) = match package {
            Pkg::Root => return Ok(self.root.clone()),
            Pkg::Dist(name) => (name, None),
            Pkg::Extra(name, extra) => (name, Some(extra)),
        };
        let mut deps = DependencyConstraints::default();
        if extra.is_some() {
            deps.insert(Pkg::Dist(name.clone()), Range::singleton(version.clone()));
        }
        if self.request.no_deps {
            return Ok(deps);
        }
        let file = self
            .chosen
            .borrow()
            .get(&(name.clone(), version.clone()))
            .cloned();
        // An installed version kept without a file: its requirements are its METADATA's (what
        // it needs may have been removed since).
        let metadata = match (file, self.installed.get(name)) {
            (Some(file), _) => self.index.metadata(&file)?,
            (None, Some(dist)) if dist.version == *version => dist.metadata.clone(),
            (None, _) => return Ok(deps),
        };
        if let Some(extra) = extra
            && !metadata.provides_extra.contains(extra)
        {
            self.index.report().report(&Event::Warning(format!(
                "{name} {version} does not provide the extra '{extra}'"
            )));
        }
        let extras: Vec<ExtraName> = extra.into_iter().cloned().collect();
        for requirement in &metadata.requires_dist {
            let applies = match extra {
                None => requirement.evaluate_markers(&self.env, &[]),
                Some(_) => {
                    requirement.evaluate_markers(&self.env, &extras)
                        && !requirement.evaluate_markers(&self.env, &[])
                }
            };
            if applies {
                self.add(&mut deps, requirement, Some(name));
            }
        }
        self.read_ahead(&deps);
        Ok(deps)
    }

    /// Sends the projects of `deps` not sent yet to the prefetching threads.
    fn read_ahead(&self, deps: &DependencyConstraints<Pkg, Range>) {
        let Some(sender) = &self.prefetch else {
            return;
        };
        let mut sent = self.sent.borrow_mut();
        let mut names: Vec<&PackageName> = deps
            .keys()
            .filter_map(Pkg::name)
            .filter(|name| !self.pinned.contains_key(*name) && !sent.contains(*name))
            .collect();
        names.sort();
        names.dedup();
        for name in names {
            sent.insert(name.clone());
            let _ = sender.send(name.clone());
        }
    }
}

impl DependencyProvider for Provider<'_> {
    type P = Pkg;
    type V = Version;
    type VS = Range;
    type M = String;
    type Priority = (bool, u32);
    type Err = crate::Error;

    fn prioritize(
        &self,
        package: &Pkg,
        range: &Range,
        statistics: &PackageResolutionStatistics,
    ) -> Self::Priority {
        let pinned = range.as_singleton().is_some()
            || package
                .name()
                .is_some_and(|name| self.pinned.contains_key(name));
        (pinned, statistics.conflict_count())
    }

    fn choose_version(&self, package: &Pkg, range: &Range) -> crate::Result<Option<Version>> {
        match package.name() {
            None => Ok(range
                .contains(&super::root_version())
                .then(super::root_version)),
            Some(name) => self.choose(name, range),
        }
    }

    fn get_dependencies(
        &self,
        package: &Pkg,
        version: &Version,
    ) -> crate::Result<Dependencies<Pkg, Range, String>> {
        self.dependencies(package, version)
            .map(Dependencies::Available)
    }
}

fn not_a_wheel(url: &str) -> crate::Error {
    crate::Error::Requirement {
        origin: url.to_string(),
        message: "only wheels can be installed from a URL or a path".to_string(),
    }
}

/// The file a direct URL names (`file:` URLs are local files).
fn url_file(url: &url::Url) -> crate::Result<DistFile> {
    if url.scheme() == "file" {
        let path = url.to_file_path().map_err(|()| not_a_wheel(url.as_str()))?;
        return Ok(DistFile::local(&path));
    }
    let sha256 = url
        .fragment()
        .and_then(|fragment| fragment.strip_prefix("sha256="))
        .map(str::to_ascii_lowercase);
    let mut bare = url.clone();
    bare.set_fragment(None);
    let filename = bare
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .unwrap_or_default()
        .to_string();
    Ok(DistFile {
        filename,
        url: bare.into(),
        sha256,
        requires_python: None,
        yanked: None,
        has_metadata_file: false,
        metadata_sha256: None,
    })
}
