//! Source distributions built into wheels through their PEP 517 backend (`docs/host-packages.md`,
//! "Source distributions"): the sdist unpacked ([`sdist`]), its `[build-system]` read
//! ([`system`]), the backend and its requirements installed as wheels into a build environment of
//! its own, then the backend's hooks run by an interpreter the caller provides ([`Hooks`]: the
//! runtime runs belay-run itself, so the build sees the interpreter the wheel is for). A built
//! wheel is kept in the cache (`built-wheels-v1/<sha256 of the sdist>/`): one build per sdist.

mod sdist;
mod system;

use std::path::{Path, PathBuf};

use pep508_rs::Requirement;

use crate::events::Event;
use crate::index::Index;
use crate::install::{Layout, WheelToInstall, install};
use crate::requirements::RequirementSet;
use crate::resolve::{Request, resolve};
use crate::target::Target;
use crate::wheelname::WheelName;
pub use system::BuildSystem;

/// A PEP 517 hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// `get_requires_for_build_wheel(config_settings)`: more requirements (`[]` when the backend
    /// does not have the hook).
    RequiresForBuildWheel,
    /// `build_wheel(wheel_directory, config_settings)`: the built wheel's file name.
    BuildWheel,
}

impl Hook {
    /// Its name in the backend.
    pub fn name(self) -> &'static str {
        match self {
            Hook::RequiresForBuildWheel => "get_requires_for_build_wheel",
            Hook::BuildWheel => "build_wheel",
        }
    }
}

/// One hook to run: in `source` (the working folder), with `sys_path` first on `sys.path` (the
/// build environment, then the backend's `backend-path`), `backend` (`module` or
/// `module:object`), wheels written to `out`.
#[derive(Debug, Clone)]
pub struct HookCall<'a> {
    pub source: &'a Path,
    pub sys_path: &'a [PathBuf],
    pub backend: &'a str,
    pub hook: Hook,
    pub out: &'a Path,
}

/// Runs PEP 517 hooks in the interpreter the wheels are for.
pub trait Hooks: Sync {
    /// The hook's return value (JSON). A failed hook is [`crate::Error::Build`] with the backend's
    /// output.
    fn run(&self, call: &HookCall<'_>) -> crate::Result<serde_json::Value>;

    /// What script launchers in a build environment run.
    fn python(&self) -> PathBuf;
}

/// What an [`Index`] builds sdists with.
#[derive(Clone, Copy)]
pub struct Builder<'a> {
    pub hooks: &'a dyn Hooks,
    pub target: &'a Target,
}

/// The cache folder of built wheels.
const BUILT: &str = "built-wheels-v1";

/// The wheel built from the sdist at `path` (`filename` as the index names it): from the cache,
/// or built now. `index` gives the build requirements (as wheels: a build requirement is never
/// built from source, so no build needs itself).
pub(crate) fn wheel(
    index: &Index<'_>,
    builder: Builder<'_>,
    path: &Path,
    filename: &str,
) -> crate::Result<PathBuf> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io("cannot read", path, e))?;
    let root = index.settings().cache_dir.join(BUILT);
    let done = root.join(belay_packages::sha256_hex(&bytes));
    if let Some(wheel) = built_wheel(&done) {
        return Ok(wheel);
    }
    std::fs::create_dir_all(&root).map_err(|e| crate::Error::io("create", &root, e))?;
    let work = tempfile::Builder::new()
        .prefix(".build-")
        .tempdir_in(&root)
        .map_err(|e| crate::Error::io("create a folder in", &root, e))?;
    index.report().report(&Event::Building {
        file: filename.to_string(),
    });
    let failed = |message: String| crate::Error::Build {
        sdist: filename.to_string(),
        message,
        output: String::new(),
    };
    let source = sdist::unpack(path, filename, &work.path().join("src"))?;
    let system = BuildSystem::read(&source).map_err(failed)?;
    let env = work.path().join("env");
    let out = work.path().join("out");
    for folder in [&env, &out] {
        std::fs::create_dir_all(folder).map_err(|e| crate::Error::io("create", folder, e))?;
    }
    let mut sys_path = vec![env.clone()];
    sys_path.extend(system.backend_path.iter().map(|p| source.join(p)));
    let call = |hook| HookCall {
        source: &source,
        sys_path: &sys_path,
        backend: &system.backend,
        hook,
        out: &out,
    };
    install_requirements(index, builder, &system.requires, &env)?;
    let run = |hook| {
        builder
            .hooks
            .run(&call(hook))
            .map_err(|e| named(e, filename))
    };
    let more = run(Hook::RequiresForBuildWheel)?;
    let more = string_list(&more).ok_or_else(|| {
        failed(format!(
            "{}() did not return a list of strings",
            Hook::RequiresForBuildWheel.name()
        ))
    })?;
    if !more.is_empty() {
        let mut all = system.requires.clone();
        all.extend(parse_requirements(&more).map_err(failed)?);
        install_requirements(index, builder, &all, &env)?;
    }
    let name = run(Hook::BuildWheel)?;
    let name = name
        .as_str()
        .ok_or_else(|| failed("build_wheel() did not return a file name".to_string()))?;
    let wheel = WheelName::parse(name).ok_or_else(|| {
        failed(format!(
            "build_wheel() returned {name:?}, not a wheel's name"
        ))
    })?;
    if let Some(why) = wheel.refusal(builder.target) {
        return Err(failed(format!("the backend built {name}: {why}")));
    }
    if !out.join(name).is_file() {
        return Err(failed(format!(
            "build_wheel() returned {name}, which it did not write"
        )));
    }
    // Another process may have built the same sdist meanwhile: its wheel is as good.
    if std::fs::rename(&out, &done).is_err() && built_wheel(&done).is_none() {
        return Err(crate::Error::io(
            "move the built wheel to",
            &done,
            std::io::Error::other("the folder is there without a wheel"),
        ));
    }
    built_wheel(&done).ok_or_else(|| failed("the built wheel went missing".to_string()))
}

/// A hook's failure named by the sdist's file name.
fn named(error: crate::Error, filename: &str) -> crate::Error {
    match error {
        crate::Error::Build {
            message, output, ..
        } => crate::Error::Build {
            sdist: filename.to_string(),
            message,
            output,
        },
        other => other,
    }
}

/// The wheel in a cache folder of built wheels, if there is one.
fn built_wheel(folder: &Path) -> Option<PathBuf> {
    std::fs::read_dir(folder)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|x| x == "whl"))
}

/// `requirements` resolved (wheels only) and installed into the build environment `env`.
fn install_requirements(
    index: &Index<'_>,
    builder: Builder<'_>,
    requirements: &[Requirement],
    env: &Path,
) -> crate::Result<()> {
    let mut set = RequirementSet::default();
    set.add_parsed(requirements, "build-system.requires");
    set.options = index.options().clone();
    let installed = crate::installed::list(env).unwrap_or_default();
    let report = Downloads(index.report());
    let wheels_only = Index::new(index.options(), index.settings(), &report);
    let resolution = resolve(
        &Request {
            requirements: &set,
            target: builder.target,
            no_deps: false,
            installed: &installed,
            upgrade: false,
        },
        &wheels_only,
    )?;
    let to_fetch: Vec<_> = resolution
        .dists
        .iter()
        .filter_map(|dist| dist.file.as_ref().map(|file| (dist, file)))
        .collect();
    let wheels = crate::parallel::try_map(&to_fetch, |(dist, file)| {
        Ok(WheelToInstall::of(
            dist,
            wheels_only.fetch(file, &dist.hashes)?,
        ))
    })?;
    install(
        &wheels,
        &Layout::target(env, &builder.hooks.python()),
        &crate::Silent,
    )?;
    Ok(())
}

/// The downloads and warnings of a build environment's resolution (what it resolves and
/// installs is the build's own business, not the user's).
struct Downloads<'a>(&'a dyn crate::Report);

impl crate::Report for Downloads<'_> {
    fn report(&self, event: &Event) {
        if matches!(
            event,
            Event::Downloading { .. } | Event::Cached { .. } | Event::Warning(_)
        ) {
            self.0.report(event);
        }
    }
}

/// A JSON list of strings.
fn string_list(value: &serde_json::Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_string))
        .collect()
}

/// PEP 508 requirements from strings.
fn parse_requirements(texts: &[String]) -> Result<Vec<Requirement>, String> {
    texts
        .iter()
        .map(|text| {
            text.parse::<Requirement>()
                .map_err(|e| format!("the backend asked for {text:?}, not a requirement: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests;
