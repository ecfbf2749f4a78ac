//! `belay-run pip list | freeze | show | uninstall`: what a site-packages folder holds, printed as
//! pip prints it.

use std::io::{IsTerminal, Write};

use belay_pip::installed::{self, Installed};
use pep508_rs::PackageName;

use super::args::{ListArgs, ListFormat, PathArgs, ShowArgs, UninstallArgs};
use super::{display, shown, site_packages};

pub(super) fn list(args: &ListArgs) -> miette::Result<()> {
    let site = site_packages(&args.path, "list")?;
    if let ListFormat::Freeze = args.format {
        return print_freeze(&site);
    }
    let rows: Vec<(String, String)> = installed::list(&site)?
        .into_iter()
        .map(|d| (d.display_name, d.version.to_string()))
        .collect();
    let mut out = std::io::stdout().lock();
    if let ListFormat::Json = args.format {
        let rows: Vec<_> = rows
            .iter()
            .map(|(name, version)| serde_json::json!({"name": name, "version": version}))
            .collect();
        let _ = writeln!(out, "{}", serde_json::Value::Array(rows));
        return Ok(());
    }
    let width = |f: fn(&(String, String)) -> usize, title: &str| {
        rows.iter().map(f).max().unwrap_or(0).max(title.len())
    };
    let (name_w, version_w) = (
        width(|r| r.0.len(), "Package"),
        width(|r| r.1.len(), "Version"),
    );
    // As pip's columns: the last one is not padded.
    let _ = writeln!(out, "{:name_w$} Version", "Package");
    let _ = writeln!(out, "{} {}", "-".repeat(name_w), "-".repeat(version_w));
    for (name, version) in rows {
        let _ = writeln!(out, "{name:name_w$} {version}");
    }
    Ok(())
}

pub(super) fn freeze(args: &PathArgs) -> miette::Result<()> {
    print_freeze(&site_packages(args, "freeze")?)
}

/// `name==version` lines, as `pip freeze` and `pip list --format freeze` print them.
fn print_freeze(site: &std::path::Path) -> miette::Result<()> {
    let mut out = std::io::stdout().lock();
    for line in installed::freeze(site)? {
        let _ = writeln!(out, "{line}");
    }
    Ok(())
}

pub(super) fn show(args: &ShowArgs) -> miette::Result<()> {
    let site = site_packages(&args.path, "show")?;
    let all = installed::list(&site)?;
    let mut out = std::io::stdout().lock();
    let mut missing = Vec::new();
    let mut first = true;
    for name in &args.names {
        let Some(dist) = find(&all, name) else {
            missing.push(name.clone());
            continue;
        };
        if !first {
            let _ = writeln!(out, "---");
        }
        first = false;
        let m = &dist.metadata;
        let field = |v: &Option<String>| v.clone().unwrap_or_default();
        let requires = requirement_names(dist);
        let required_by: Vec<String> = all
            .iter()
            .filter(|other| requirement_names(other).contains(&dist.metadata.name.to_string()))
            .map(|other| other.display_name.clone())
            .collect();
        let _ = writeln!(out, "Name: {}", dist.display_name);
        let _ = writeln!(out, "Version: {}", m.version);
        let _ = writeln!(out, "Summary: {}", field(&m.summary));
        let _ = writeln!(out, "Home-page: {}", field(&m.home_page));
        let _ = writeln!(out, "Author: {}", field(&m.author));
        let _ = writeln!(out, "Author-email: {}", field(&m.author_email));
        let _ = writeln!(out, "License: {}", field(&m.license));
        let _ = writeln!(out, "Location: {}", display(&site));
        let _ = writeln!(out, "Requires: {}", requires.join(", "));
        let _ = writeln!(out, "Required-by: {}", required_by.join(", "));
        if args.files {
            let _ = writeln!(out, "Files:");
            for file in installed::files(dist)? {
                let _ = writeln!(out, "  {}", file.display());
            }
        }
    }
    if !missing.is_empty() {
        eprintln!("WARNING: Package(s) not found: {}", missing.join(", "));
        if first {
            std::process::exit(1);
        }
    }
    Ok(())
}

pub(super) fn uninstall(args: &UninstallArgs) -> miette::Result<()> {
    let site = site_packages(&args.path, "uninstall")?;
    let mut names = args.names.clone();
    for file in &args.requirement_files {
        let mut set = belay_pip::requirements::RequirementSet::default();
        set.add_file(file)?;
        names.extend(
            set.requirements
                .iter()
                .map(|e| e.requirement.name.to_string()),
        );
    }
    if names.is_empty() {
        miette::bail!("nothing to uninstall: name packages, or a requirements file with -r");
    }
    for name in names {
        let found = match PackageName::new(name.clone()) {
            Ok(wanted) => installed::find(&site, &wanted)?,
            Err(_) => None,
        };
        let Some(dist) = found else {
            eprintln!("WARNING: Skipping {name} as it is not installed.");
            continue;
        };
        let label = shown(&dist.display_name, &dist.version);
        println!(
            "Found existing installation: {} {}",
            dist.display_name, dist.version
        );
        if !args.yes && std::io::stdin().is_terminal() && !confirm(&label)? {
            continue;
        }
        println!("Uninstalling {label}:");
        installed::uninstall(&site, &dist.name, &belay_pip::Silent)?;
        println!("  Successfully uninstalled {label}");
    }
    Ok(())
}

/// Ask as pip does; true to go on.
fn confirm(label: &str) -> miette::Result<bool> {
    eprint!("Proceed with removing {label} (Y/n)? ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| miette::miette!("reading the answer: {e}"))?;
    Ok(matches!(answer.trim(), "" | "y" | "Y" | "yes"))
}

/// The installed distribution named `name` (any spelling: PEP 503 normalisation).
fn find<'a>(all: &'a [Installed], name: &str) -> Option<&'a Installed> {
    let wanted = PackageName::new(name.to_string()).ok()?;
    all.iter().find(|d| d.name == wanted)
}

/// The names a distribution requires outside any extra, as `pip show` lists them.
fn requirement_names(dist: &Installed) -> Vec<String> {
    let mut names: Vec<String> = dist
        .metadata
        .requires_dist
        .iter()
        .filter(|r| r.marker.top_level_extra().is_none())
        .map(|r| r.name.to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}
