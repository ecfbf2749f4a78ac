//! Resolution with PubGrub (`pubgrub`): the newest versions that satisfy every requirement,
//! constraint, marker (evaluated for the [`crate::Target`]) and `requires-python`, with extras as
//! packages of their own; pre-releases only when asked for (`--pre`, or a specifier that names
//! one); yanked files only when pinned with `==`; only files a pure-Python interpreter can install.
//! A conflict is explained as PubGrub's derivation.

mod provider;
mod range;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use pep440_rs::Version;
use pep508_rs::{ExtraName, PackageName};
use pubgrub::{DefaultStringReporter, PubGrubError, Reporter};

use crate::events::Event;
use crate::index::{DistFile, Index};
use crate::requirements::RequirementSet;
use crate::target::Target;
use provider::{Pkg, Provider, ROOT, Refusal};
pub use range::Range;

/// What to resolve.
pub struct Request<'a> {
    pub requirements: &'a RequirementSet,
    pub target: &'a Target,
    /// `--no-deps`: the named requirements only.
    pub no_deps: bool,
    /// Distributions already installed (kept unless a requirement excludes them, or `upgrade`;
    /// a kept one's own requirements still count, from its installed METADATA).
    pub installed: &'a [crate::installed::Installed],
    /// `-U`: the newest versions even where an installed one satisfies.
    pub upgrade: bool,
}

/// One distribution of a resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub name: PackageName,
    pub version: Version,
    /// The file to install (`None`: the installed one is kept).
    pub file: Option<DistFile>,
    /// Hashes the file must match (`--hash`).
    pub hashes: Vec<String>,
    /// Extras that were asked for.
    pub extras: Vec<ExtraName>,
    /// Named by the user (not only a dependency): `REQUESTED` is written for it.
    pub requested: bool,
    /// A local wheel named directly.
    pub local: Option<PathBuf>,
    /// The URL (a path as a `file:` URL) the user named the wheel by (PEP 610).
    pub direct_url: Option<String>,
}

/// A resolution: every distribution, sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolution {
    pub dists: Vec<Resolved>,
}

/// How many threads read project pages and metadata ahead of the resolver (remote indexes).
const PREFETCHERS: usize = 8;

/// Resolve `request` against `index`. With a remote index, threads read the pages and the
/// metadata of the projects the resolver meets ahead of it (PubGrub itself asks one at a time).
pub fn resolve(request: &Request<'_>, index: &Index<'_>) -> crate::Result<Resolution> {
    if !index.is_remote() {
        return run(&Provider::new(request, index, None)?, request, index);
    }
    let done = AtomicBool::new(false);
    let (sender, receiver) = std::sync::mpsc::channel::<PackageName>();
    let receiver = Mutex::new(receiver);
    std::thread::scope(|scope| {
        for _ in 0..PREFETCHERS {
            scope.spawn(|| {
                loop {
                    let next = receiver
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv();
                    match next {
                        Ok(name) if !done.load(Ordering::Relaxed) => {
                            index.prefetch(&name, request.target);
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            });
        }
        // The provider holds the sender: once it is dropped the threads stop, and the scope
        // waits for them.
        let provider = Provider::new(request, index, Some(sender))?;
        let result = run(&provider, request, index);
        done.store(true, Ordering::Relaxed);
        drop(provider);
        result
    })
}

fn run(
    provider: &Provider<'_>,
    request: &Request<'_>,
    index: &Index<'_>,
) -> crate::Result<Resolution> {
    let solution = match pubgrub::resolve(provider, Pkg::Root, root_version()) {
        Ok(solution) => solution,
        Err(PubGrubError::NoSolution(mut tree)) => {
            if let Some((name, refused)) = provider.uninstallable.borrow().iter().next() {
                return Err(no_installable_file(name, refused));
            }
            let mut missing: Vec<PackageName> = tree
                .packages()
                .into_iter()
                .filter_map(|package| package.name())
                .filter(|name| provider.has_no_candidates(name))
                .cloned()
                .collect();
            missing.sort();
            missing.dedup();
            tree.collapse_no_versions();
            let mut explanation = explain(&DefaultStringReporter::report(&tree));
            for name in missing {
                explanation.push_str(&format!(
                    "\n(The indexes have no version of {name} that can be installed here.)"
                ));
            }
            return Err(crate::Error::Conflict { explanation });
        }
        Err(PubGrubError::ErrorChoosingVersion { source, .. })
        | Err(PubGrubError::ErrorRetrievingDependencies { source, .. })
        | Err(PubGrubError::ErrorInShouldCancel(source)) => return Err(source),
    };
    let requested: HashSet<&PackageName> = request
        .requirements
        .requirements
        .iter()
        .map(|entry| &entry.requirement.name)
        .chain(provider.pinned.keys())
        .collect();
    let mut extras: HashMap<&PackageName, Vec<ExtraName>> = HashMap::new();
    for package in solution.keys() {
        if let Pkg::Extra(name, extra) = package {
            extras.entry(name).or_default().push(extra.clone());
        }
    }
    let mut dists = Vec::new();
    for (package, version) in &solution {
        let Pkg::Dist(name) = package else {
            continue;
        };
        let kept = provider.installed.get(name).map(|i| &i.version) == Some(version);
        let file = if kept {
            None
        } else {
            provider
                .chosen
                .borrow()
                .get(&(name.clone(), version.clone()))
                .cloned()
        };
        let mut dist_extras = extras.remove(name).unwrap_or_default();
        dist_extras.sort();
        let set = request.requirements;
        let hashes = set
            .requirements
            .iter()
            .chain(&set.constraints)
            .filter(|entry| entry.requirement.name == *name)
            .flat_map(|entry| entry.hashes.iter().cloned())
            .collect();
        let pinned = provider.pinned.get(name).map(|(_, file)| file);
        let local = pinned.and_then(|file| local_path(&file.url));
        dists.push(Resolved {
            name: name.clone(),
            version: version.clone(),
            file,
            hashes,
            extras: dist_extras,
            requested: requested.contains(name),
            local,
            direct_url: pinned.map(|file| file.url.clone()),
        });
    }
    dists.sort_by(|a, b| a.name.cmp(&b.name));
    if request.requirements.require_hashes {
        check_hashes(request.requirements, &dists)?;
    }
    index
        .report()
        .report(&Event::Resolved(dists.iter().map(Resolved::pin).collect()));
    Ok(Resolution { dists })
}

impl Resolved {
    /// `name==version`.
    pub fn pin(&self) -> String {
        format!("{}=={}", self.name, self.version)
    }
}

/// The version the root has.
fn root_version() -> Version {
    Version::new([0])
}

/// PubGrub's derivation with the root named as a user reads it (`you require a`, `the
/// requirements cannot be met`) and "any version" left unsaid (`b` rather than `b *`).
fn explain(derivation: &str) -> String {
    let mut text = derivation.to_string();
    for root in [
        format!("{ROOT} ==0"),
        format!("{ROOT} *"),
        format!("{ROOT} 0"),
    ] {
        text = text
            .replace(&format!("{root} depends on "), "you require ")
            .replace(
                &format!("{root} is forbidden"),
                "the requirements cannot be met",
            )
            .replace(&root, "the requirements");
    }
    text.replace(ROOT, "the requirements")
        .replace(" *,", ",")
        .replace(" *.", ".")
        .replace(" * ", " ")
}

/// pip's hash-checking mode (`--require-hashes`, or any `--hash`): every requirement pinned
/// with `==`, and every distribution to download, dependencies included, with a `--hash`.
fn check_hashes(set: &RequirementSet, dists: &[Resolved]) -> crate::Result<()> {
    for entry in &set.requirements {
        let pinned = match &entry.requirement.version_or_url {
            Some(pep508_rs::VersionOrUrl::VersionSpecifier(specifiers)) => {
                specifiers.iter().count() == 1
                    && specifiers.iter().all(|s| {
                        matches!(
                            s.operator(),
                            pep440_rs::Operator::Equal | pep440_rs::Operator::ExactEqual
                        )
                    })
            }
            Some(pep508_rs::VersionOrUrl::Url(_)) => true,
            None => false,
        };
        if !pinned {
            return Err(crate::Error::Requirement {
                origin: entry.origin.clone(),
                message: format!(
                    "{}: in hash-checking mode every requirement must be pinned with ==",
                    entry.requirement
                ),
            });
        }
    }
    let unhashed: Vec<String> = dists
        .iter()
        .filter(|dist| dist.file.is_some() && dist.local.is_none() && dist.hashes.is_empty())
        .map(Resolved::pin)
        .collect();
    if unhashed.is_empty() {
        return Ok(());
    }
    Err(crate::Error::Requirement {
        origin: "--require-hashes".to_string(),
        message: format!(
            "hash-checking mode needs a --hash for every distribution, dependencies included; none for {}",
            unhashed.join(", ")
        ),
    })
}

fn no_installable_file(name: &PackageName, refused: &[Refusal]) -> crate::Error {
    let version = refused
        .iter()
        .map(|refusal| &refusal.version)
        .max()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut whys: Vec<&str> = refused.iter().map(|refusal| refusal.why.as_str()).collect();
    whys.sort_unstable();
    whys.dedup();
    crate::Error::NoInstallableFile {
        package: name.to_string(),
        version,
        why: whys.join("; "),
        files: refused
            .iter()
            .map(|refusal| refusal.file.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn local_path(url: &str) -> Option<PathBuf> {
    url::Url::parse(url).ok()?.to_file_path().ok()
}

#[cfg(test)]
mod tests;
