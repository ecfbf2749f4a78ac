//! `belay-run pip install`: requirements (arguments, `-r`, `-c`), the index options (environment,
//! files, command line), the destination (the active environment or `--target`), resolution,
//! then the wheels fetched and installed all or nothing. Prints as pip: `Would install ...`,
//! `Successfully installed ...`.

use belay_pip::index::{Index, IndexOptions};
use belay_pip::install::{Layout, WheelToInstall, install_cancellable};
use belay_pip::requirements::RequirementSet;
use belay_pip::resolve::{Request, Resolved, resolve};
use belay_pip::{Event, Report};

use super::args::{IndexArgs, InstallArgs};
use super::{NoEnvironment, shown};

pub(super) fn run(args: &InstallArgs) -> miette::Result<()> {
    let mut set = RequirementSet::default();
    for file in &args.requirement_files {
        set.add_file(file)?;
    }
    for file in &args.constraint_files {
        set.add_constraints(file)?;
    }
    set.add_arguments(&args.requirements)?;
    set.require_hashes |= args.require_hashes;
    if set.requirements.is_empty() && set.local_wheels.is_empty() {
        miette::bail!("nothing to install: name packages, or a requirements file with -r");
    }
    let mut options = crate::hostpkgs::env_index_options();
    options.merge(&set.options);
    options.merge(&command_line(&args.index));
    set.options = options.clone();
    let layout = destination(args)?;
    let installed = belay_pip::installed::list(&layout.site_packages).unwrap_or_default();
    let target = crate::hostpkgs::target();
    let settings = crate::hostpkgs::download_settings(args.index.offline);
    let report = Progress { quiet: args.quiet };
    let builder = belay_pip::build::Builder {
        hooks: &crate::hostpkgs::build::ChildHooks,
        target: &target,
    };
    let index = Index::new(&options, &settings, &report).with_builder(builder);
    let resolution = resolve(
        &Request {
            requirements: &set,
            target: &target,
            no_deps: args.no_deps,
            installed: &installed,
            upgrade: args.upgrade,
        },
        &index,
    )?;
    let to_install: Vec<&Resolved> = resolution
        .dists
        .iter()
        .filter(|d| d.file.is_some() || d.local.is_some())
        .collect();
    let names: Vec<String> = to_install
        .iter()
        .map(|d| shown(&d.name, &d.version))
        .collect();
    if args.dry_run {
        if names.is_empty() {
            println!("Would install nothing: every requirement is already satisfied");
        } else {
            println!("Would install {}", names.join(" "));
        }
        return Ok(());
    }
    if names.is_empty() {
        if !args.quiet {
            println!("Requirement already satisfied: nothing to install");
        }
        return Ok(());
    }
    // Downloaded (or built) side by side.
    let wheels = belay_pip::parallel::try_map(&to_install, |dist| {
        Ok(WheelToInstall::of(
            dist,
            crate::hostpkgs::wheel_of(&index, dist)?,
        ))
    })?;
    // Ctrl-C during the downloads ends the process (nothing is in place yet); during the
    // install it cancels it, and everything moved is put back first.
    let cancel = crate::sys::defer_ctrl_c();
    let done = install_cancellable(&wheels, &layout, &report, cancel);
    crate::sys::end_ctrl_c_deferral();
    let done = done?;
    if !args.quiet {
        println!("Successfully installed {}", done.installed.join(" "));
    }
    Ok(())
}

/// The command line's index options.
fn command_line(args: &IndexArgs) -> IndexOptions {
    IndexOptions {
        index_url: args.index_url.clone(),
        extra_index_urls: args.extra_index_url.clone(),
        find_links: args.find_links.clone(),
        no_index: args.no_index,
        pre: args.pre,
    }
}

/// Where the packages go: `--target`, else the active virtual environment.
fn destination(args: &InstallArgs) -> miette::Result<Layout> {
    if let Some(folder) = &args.target {
        std::fs::create_dir_all(folder).map_err(|e| belay_pip::Error::io("create", folder, e))?;
        return Ok(Layout::target(folder, &crate::hostpkgs::belay_run_exe()));
    }
    let venv = crate::pyenv::active_venv(false).ok_or(NoEnvironment { what: "install" })?;
    let target = crate::hostpkgs::target_as_built();
    Ok(Layout::venv(&venv, (target.python.0, target.python.1)))
}

/// Progress on stderr, as pip shows it (nothing with `-q`).
struct Progress {
    quiet: bool,
}

impl Report for Progress {
    fn report(&self, event: &Event) {
        if self.quiet {
            if let Event::Warning(text) = event {
                eprintln!("WARNING: {text}");
            }
            return;
        }
        match event {
            Event::Querying { project, .. } => eprintln!("Collecting {project}"),
            Event::Downloading { file, .. } => eprintln!("  Downloading {file}"),
            Event::Cached { file } => eprintln!("  Using cached {file}"),
            Event::Building { file } => eprintln!("  Building a wheel from {file}"),
            Event::Installing { name, version } => {
                eprintln!("Installing {}", shown(name, version))
            }
            Event::Removed { name, version } => {
                eprintln!("  Successfully uninstalled {}", shown(name, version))
            }
            Event::Warning(text) => eprintln!("WARNING: {text}"),
            Event::Resolved(_) => {}
        }
    }
}
