//! belay-run's package manager: the core of Belay 0.30's `belay new`, `add`, `update`, `clean`,
//! `install` (the staging half) and `cache`, in Rust.
//!
//! What it holds:
//!
//! - the `[tool.belay]` table of `pyproject.toml`, parsed with spans so that every error points at
//!   the offending key ([`config`], [`project`]), and its rewrites keeping the user's formatting
//!   ([`edit`], [`template`]);
//! - sources: a mip index, `github:`/`gitlab:` and their https URLs, plain URLs, package.json files
//!   (remote or local) and local paths ([`uri`]); downloads with retries and a cache
//!   ([`settings`] and [`http`], which `belay-pip` shares), package.json resolution with hashes and cycle detection
//!   (private `index`), a git clone fallback (private `git`);
//! - the `.belay/dependencies` tree: one temporary folder per package swapped in by rename, the
//!   ownership manifest `.belay/belay-run-packages.json`, `clean`, and the staging folder that
//!   `install` sends to the board's `/lib` ([`tree`], [`manifest`], [`commands`]);
//! - the cache commands ([`cache`]).
//!
//! Belay 0.30's behaviour is the reference (`docs/belay-package-manager.md`); its defects are
//! cited as D1-D15, numbered as in that document's §7. The design is in
//! `docs/package-manager.md`.
//!
//! What it knows nothing of: boards, ports and the raw REPL (`belay-transport`), Python objects
//! and the interpreter (`belay-pymodule`), the command line and how things are printed
//! (`belay-run`). Progress goes out as [`Event`]s through a [`Report`]; errors are
//! [`Error`]s (`miette` diagnostics, with a snippet of `pyproject.toml` where it helps).

pub mod cache;
pub mod commands;
pub mod config;
pub mod edit;
pub mod errors;
pub mod events;
mod fetch;
mod fsutil;
mod git;
pub mod http;
mod index;
pub mod manifest;
pub mod names;
pub mod project;
pub mod settings;
pub mod template;
pub mod tree;
pub mod uri;
mod verify;

/// Test helpers (an HTTP server on 127.0.0.1...), also for `belay-pip`'s tests. Always built,
/// not behind a feature: a feature enabled by a dev-dependency would give the test build and the
/// release binary different builds of this crate, so tests/run.sh would build belay-run twice.
#[doc(hidden)]
pub mod testutil;

pub use cache::{CacheInfo, cache_info, cache_list, cache_remove, cache_select};
pub use commands::{
    AddOutcome, AddRequest, CleanOutcome, UpdateOutcome, add, clean, update, update_package,
};
pub use config::{Config, Dependency, DependencySource, GroupConfig};
pub use edit::DependencyValue;
pub use errors::{ConfigError, Error, PythonSyntaxError, Result};
pub use events::{Event, Report, Silent};
pub use fsutil::sha256_hex;
pub use http::{Http, Page};
pub use project::{
    Group, Project, find_cache_folder, find_dependencies_folder, find_project_folder,
    find_pyproject, load_groups, load_pyproject, load_toml,
};
pub use settings::Settings;
pub use template::{NewOutcome, new_project};
pub use tree::{GroupSelection, Staging, copy_group_to, stage_install};
