//! `belay-run pip install | uninstall | list | freeze | show` and `belay-run venv`: host packages
//! without CPython, with pip's meaning for each flag (`docs/host-packages.md`). The work is
//! `belay-pip`'s; this side reads the command line, finds the destination, and prints as pip does.

pub mod args;
mod install;
mod listing;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{PathArgs, PipAction, PipArgs, VenvArgs};

/// No virtual environment and no `--target`: nowhere to install.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("no virtual environment is active, so there is nowhere to {what}")]
#[diagnostic(
    code(belay_run::no_environment),
    help(
        "make one with `belay-run venv .venv` and activate it (`. .venv/bin/activate`), or set \
         VIRTUAL_ENV, or install into a folder with `belay-run pip install --target DIR ...`"
    )
)]
pub struct NoEnvironment {
    what: &'static str,
}

/// `belay-run pip ...`.
pub fn pip(args: &PipArgs) -> ExitCode {
    let outcome = match &args.action {
        PipAction::Install(a) => install::run(a),
        PipAction::Uninstall(a) => listing::uninstall(a),
        PipAction::List(a) => listing::list(a),
        PipAction::Freeze(a) => listing::freeze(a),
        PipAction::Show(a) => listing::show(a),
    };
    finish(outcome)
}

/// `belay-run venv DIR`.
pub fn venv(args: &VenvArgs) -> ExitCode {
    let target = crate::hostpkgs::target_as_built();
    let options = belay_pip::venv::VenvOptions {
        belay_run: crate::hostpkgs::belay_run_exe(),
        python: target.python,
        prompt: args.prompt.clone(),
        clear: args.clear,
    };
    let outcome = belay_pip::venv::create(&args.dir, &options).map(|_| {
        let shown = args.dir.display();
        eprintln!(
            "Created a virtual environment at {shown}; activate it with `. {shown}/bin/activate`."
        );
    });
    finish(outcome.map_err(miette::Report::new))
}

/// Exit status 0, or the report and 1.
fn finish(outcome: miette::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::FAILURE
        }
    }
}

/// The site-packages folder a command works on: `--path`, else the active environment's.
fn site_packages(path: &PathArgs, what: &'static str) -> miette::Result<PathBuf> {
    if let Some(dir) = &path.path {
        return Ok(dir.clone());
    }
    let venv = crate::pyenv::active_venv(false).ok_or(NoEnvironment { what })?;
    belay_pip::venv::site_packages(&venv).ok_or_else(|| {
        miette::miette!(
            "{} is not a virtual environment belay-run can use (no lib/python3.*/site-packages)",
            venv.display()
        )
    })
}

/// `name-version` as pip prints a distribution.
fn shown(name: &impl std::fmt::Display, version: &impl std::fmt::Display) -> String {
    format!("{name}-{version}")
}

/// A path for messages: relative to the current folder when under it.
fn display(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}
