//! The command line of `belay-run pip` and `belay-run venv` (pip's and venv's flags, with pip's
//! meaning: `docs/host-packages.md`), and the options of a program run that needs packages
//! (`--with`, `--offline`, `--refresh`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

/// Packages for the program run: PEP 723 scripts' own, and `--with`.
#[derive(Debug, Default, Args)]
pub struct RunPackages {
    /// Run with this package (a PEP 508 requirement; repeatable): for `-c`, `-m`, stdin and
    /// scripts alike, beside a script's own `# /// script` dependencies.
    #[arg(long = "with", value_name = "REQ")]
    pub with: Vec<String>,
    /// Use only what is in belay-run's cache: no network.
    #[arg(long)]
    pub offline: bool,
    /// Resolve a script's dependencies again, ignoring the environment found for it last time.
    #[arg(long)]
    pub refresh: bool,
}

#[derive(Debug, Args)]
pub struct PipArgs {
    #[command(subcommand)]
    pub action: PipAction,
}

#[derive(Debug, Subcommand)]
pub enum PipAction {
    /// Install packages (and their dependencies) from PyPI or another index.
    Install(InstallArgs),
    /// Remove packages.
    Uninstall(UninstallArgs),
    /// The installed packages.
    List(ListArgs),
    /// The installed packages as requirements (`name==version`).
    Freeze(PathArgs),
    /// Details of installed packages.
    Show(ShowArgs),
}

/// Where packages come from (pip's index options).
#[derive(Debug, Default, Args)]
pub struct IndexArgs {
    /// The index (PEP 503/691 simple API); default https://pypi.org/simple, or UV_INDEX_URL or
    /// PIP_INDEX_URL.
    #[arg(short = 'i', long = "index-url", value_name = "URL")]
    pub index_url: Option<String>,
    /// Another index, asked too (repeatable; also PIP_EXTRA_INDEX_URL).
    #[arg(long = "extra-index-url", value_name = "URL")]
    pub extra_index_url: Vec<String>,
    /// A folder of distribution files, or an HTML page of links to them (repeatable; also
    /// PIP_FIND_LINKS).
    #[arg(short = 'f', long = "find-links", value_name = "DIR|URL")]
    pub find_links: Vec<String>,
    /// No index: only --find-links and local files.
    #[arg(long = "no-index")]
    pub no_index: bool,
    /// Pre-release and development versions too.
    #[arg(long)]
    pub pre: bool,
    /// Use only what is in belay-run's cache: no network.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Requirements (`rich`, `rich[jupyter]>=13`, `name @ https://...`), wheel files or URLs.
    #[arg(value_name = "REQ")]
    pub requirements: Vec<String>,
    /// Install from this requirements file (repeatable; nested -r, -c, --hash lines).
    #[arg(short = 'r', long = "requirement", value_name = "FILE")]
    pub requirement_files: Vec<PathBuf>,
    /// Constrain versions with this file (repeatable).
    #[arg(short = 'c', long = "constraint", value_name = "FILE")]
    pub constraint_files: Vec<PathBuf>,
    /// Every requirement must be pinned with `==` and carry a --hash.
    #[arg(long = "require-hashes")]
    pub require_hashes: bool,
    /// Upgrade to the newest versions allowed, even when an installed one satisfies.
    #[arg(short = 'U', long)]
    pub upgrade: bool,
    /// Install into this folder instead of the virtual environment (as pip's --target).
    #[arg(short = 't', long, value_name = "DIR")]
    pub target: Option<PathBuf>,
    /// Don't install dependencies.
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// Resolve and say what would be installed; install nothing.
    #[arg(long = "dry-run")]
    pub dry_run: bool,
    /// Less output (only errors).
    #[arg(short = 'q', long)]
    pub quiet: bool,
    #[command(flatten)]
    pub index: IndexArgs,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// Packages to remove.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Remove the packages named in this requirements file too.
    #[arg(short = 'r', long = "requirement", value_name = "FILE")]
    pub requirement_files: Vec<PathBuf>,
    /// Don't ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
    #[command(flatten)]
    pub path: PathArgs,
}

/// Which site-packages folder (default: the virtual environment's).
#[derive(Debug, Default, Args)]
pub struct PathArgs {
    /// This folder instead (one installed into with --target).
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// `columns` (default), `freeze` or `json`.
    #[arg(long, value_name = "FORMAT", default_value = "columns")]
    pub format: ListFormat,
    #[command(flatten)]
    pub path: PathArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ListFormat {
    Columns,
    Freeze,
    Json,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Installed packages.
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
    /// Their files too.
    #[arg(short = 'f', long)]
    pub files: bool,
    #[command(flatten)]
    pub path: PathArgs,
}

#[derive(Debug, Args)]
pub struct VenvArgs {
    /// The environment's folder.
    #[arg(value_name = "DIR", default_value = ".venv")]
    pub dir: PathBuf,
    /// Remove what the folder holds first.
    #[arg(long)]
    pub clear: bool,
    /// The name shown in the shell prompt while it is active (default: the folder's name).
    #[arg(long, value_name = "NAME")]
    pub prompt: Option<String>,
}
