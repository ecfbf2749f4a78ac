//! Belay's package manager commands that need no board: `new`/`init`, `add`, `update`, `clean`
//! and `cache` (the work is done by `belay-packages`; this prints its progress and errors).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use belay_packages::{AddRequest, Event, Project, Settings};

use crate::cli::{AddArgs, CacheAction, NewArgs, UpdateArgs};

/// Show a package-manager error with miette (a pyproject snippet where it has one): exit 1.
pub(super) fn failed(error: belay_packages::Error) -> ExitCode {
    end_open_line();
    eprintln!("{:?}", miette::Report::new(error));
    ExitCode::FAILURE
}

/// Whether a `  • pkg: Updating... ` line on stdout waits for its end (`Updated.`).
static LINE_OPEN: AtomicBool = AtomicBool::new(false);

/// End a waiting progress line, so that what follows (a warning, an error) starts a line.
fn end_open_line() {
    if LINE_OPEN.swap(false, Ordering::Relaxed) {
        println!();
    }
}

/// The current folder, for the upward search of pyproject.toml.
fn here() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// The project around the current folder.
pub(super) fn project() -> belay_packages::Result<Project> {
    Project::discover(&here())
}

/// Progress lines as Belay prints them: per package on stdout, the rest on stderr.
pub(super) fn print_event(event: &Event) {
    match event {
        Event::Updating { .. } => {
            end_open_line();
            print!("{event} ");
            let _ = std::io::stdout().flush();
            LINE_OPEN.store(true, Ordering::Relaxed);
        }
        Event::Updated { .. } | Event::Unchanged { .. } => {
            LINE_OPEN.store(false, Ordering::Relaxed);
            println!("{event}");
        }
        Event::Warning(_) | Event::Retrying { .. } => {
            end_open_line();
            eprintln!("{event}");
        }
        _ => {}
    }
}

fn finish<T>(result: belay_packages::Result<T>) -> ExitCode {
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => failed(error),
    }
}

/// `belay-run new [PATH]` (`init`).
pub fn new(args: &NewArgs) -> ExitCode {
    finish(belay_packages::new_project(&args.path))
}

/// `belay-run add NAME-OR-URI [URI] [--group G] [--develop] [--no-rename-to-init]`.
pub fn add(args: &AddArgs) -> ExitCode {
    let (name, uri) = match &args.uri {
        Some(uri) => (Some(args.name_or_uri.clone()), uri.clone()),
        None => (None, args.name_or_uri.clone()),
    };
    let request = AddRequest {
        name,
        uri,
        group: args.group.clone(),
        develop: args.develop,
        rename_to_init: !args.no_rename_to_init,
    };
    finish(project().and_then(|project| {
        belay_packages::add(&project, &Settings::from_env(), &request, &print_event)
    }))
}

/// `belay-run update [PACKAGES]`.
pub fn update(args: &UpdateArgs) -> ExitCode {
    finish(project().and_then(|project| {
        belay_packages::update(
            &project,
            &Settings::from_env(),
            &args.packages,
            &print_event,
        )
    }))
}

/// `belay-run clean`.
pub fn clean() -> ExitCode {
    finish(project().and_then(|project| belay_packages::clean(&project, &print_event)))
}

/// `belay-run cache list|info|clear`.
pub fn cache(action: &CacheAction) -> ExitCode {
    let folder = belay_packages::find_cache_folder(&Settings::from_env());
    finish(match action {
        CacheAction::List => belay_packages::cache_list(&folder).map(|names| {
            for name in names {
                println!("{name}");
            }
        }),
        CacheAction::Info => belay_packages::cache_info(&folder).map(|info| {
            for line in info.lines() {
                println!("{line}");
            }
        }),
        CacheAction::Clear { prefix, all, yes } => {
            match clear_cache(&folder, prefix.as_deref(), *all, *yes) {
                // Declined at the prompt: nothing removed, as Belay's exit status 1 says.
                Ok(false) => return ExitCode::FAILURE,
                other => other.map(drop),
            }
        }
    })
}

/// Whether the entries were removed (false: declined at the prompt).
fn clear_cache(
    folder: &Path,
    prefix: Option<&str>,
    all: bool,
    yes: bool,
) -> belay_packages::Result<bool> {
    let names = belay_packages::cache_select(folder, prefix, all)?;
    if !yes {
        println!("Found caches:");
        for name in &names {
            println!("  • {name}");
        }
        let confirmed = dialoguer::Confirm::new()
            .with_prompt("Clear these caches?")
            .default(false)
            .interact()
            .unwrap_or(false);
        if !confirmed {
            return Ok(false);
        }
    }
    belay_packages::cache_remove(folder, &names).map(|()| true)
}
