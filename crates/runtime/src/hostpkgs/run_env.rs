//! The packages of a program run (`docs/host-packages.md`, "PEP 723 scripts"): a script's
//! `# /// script` dependencies and `--with` requirements, installed once into an environment in
//! belay-run's cache (`belay_pip::envcache`) and put on `sys.path` before the program runs. A run
//! that found its environment before opens no connection and resolves nothing.

use std::path::PathBuf;

use belay_pip::requirements::RequirementSet;
use belay_pip::resolve::{Request, Resolved, resolve};
use belay_pip::{Event, Report, envcache};
use rustpython_vm::{PyResult, VirtualMachine};

use crate::commands::pip::args::RunPackages;

/// What the run asks for: the script (its name and text) when it is one, and the options.
pub struct RunRequest<'a> {
    pub script: Option<(&'a str, &'a str)>,
    pub packages: &'a RunPackages,
}

/// The site-packages folders the run needs (none when it asks for no package).
pub fn prepare(request: &RunRequest<'_>) -> belay_pip::Result<Vec<PathBuf>> {
    let metadata = match request.script {
        Some((name, source)) => belay_pip::script::parse(name, source)?,
        None => None,
    };
    let with = &request.packages.with;
    if metadata.is_none() && with.is_empty() {
        return Ok(Vec::new());
    }
    let what = request.script.map_or("--with", |(name, _)| name);
    if let Some(metadata) = &metadata {
        metadata.check_python(what, &super::target_as_built())?;
    }
    let mut requirements: Vec<String> = metadata
        .iter()
        .flat_map(|m| m.dependencies.iter().map(ToString::to_string))
        .collect();
    requirements.extend(with.iter().cloned());
    let options = super::env_index_options();
    let key = envcache::key(&[
        b"belay-run run environment v1",
        crate::cli::version_text().as_bytes(),
        requirements.join("\n").as_bytes(),
        format!("{options:?}").as_bytes(),
    ]);
    let settings = super::download_settings(request.packages.offline);
    if !request.packages.refresh
        && let Some(site) = envcache::lookup(&settings.cache_dir, &key)
    {
        return Ok(vec![site]);
    }
    let mut set = RequirementSet::default();
    if let Some(metadata) = &metadata {
        set.add_parsed(&metadata.dependencies, what);
    }
    set.add_arguments(with)?;
    let target = super::target();
    let report = Progress;
    let builder = belay_pip::build::Builder {
        hooks: &super::build::ChildHooks,
        target: &target,
    };
    let index = belay_pip::index::Index::new(&options, &settings, &report).with_builder(builder);
    let resolution = resolve(
        &Request {
            requirements: &set,
            target: &target,
            no_deps: false,
            installed: &[],
            upgrade: false,
        },
        &index,
    )?;
    let fetch = |dist: &Resolved| super::wheel_of(&index, dist);
    let site = envcache::ensure(&settings.cache_dir, &key, &resolution, &fetch, &report)?;
    Ok(vec![site])
}

/// Put `sites` on `sys.path`, after the program's own folder and before the standard library;
/// their `.pth` files are honoured.
pub fn add_to_path(vm: &VirtualMachine, sites: &[PathBuf]) -> PyResult<()> {
    if sites.is_empty() {
        return Ok(());
    }
    let path = vm.sys_module.get_attr("path", vm)?;
    for site in sites.iter().rev() {
        let dir = vm.ctx.new_str(site.to_string_lossy().into_owned());
        let at = if vm.state.config.settings.safe_path {
            0
        } else {
            1
        };
        vm.call_method(&path, "insert", (at, dir))?;
        let has_pth = std::fs::read_dir(site)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "pth"));
        if has_pth {
            let site_module = vm.import("site", 0)?;
            vm.call_method(
                &site_module,
                "addsitedir",
                (site.to_string_lossy().into_owned(),),
            )?;
        }
    }
    Ok(())
}

/// Progress of a cold run on stderr, as uv shows it: what is installed.
struct Progress;

impl Report for Progress {
    fn report(&self, event: &Event) {
        match event {
            Event::Resolved(dists) => eprintln!("belay-run: resolved {}", dists.join(" ")),
            Event::Warning(text) => eprintln!("belay-run: {text}"),
            _ => {}
        }
    }
}
