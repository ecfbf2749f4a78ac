//! What to install: PEP 508 requirements from the command line and from requirements files, as
//! pip reads them (`-r FILE` nested, `-c FILE` constraints, `--hash=sha256:...` per line and
//! `--require-hashes`, `-i/--index-url`, `--extra-index-url`, `-f/--find-links`, `--no-index`,
//! `--pre`, comments and line continuations, `${VAR}` expansion), URLs and local wheel paths.

use std::path::PathBuf;

use pep508_rs::Requirement;

/// A requirement and where it came from (for messages: `requirements.txt:3`, `command line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub requirement: Requirement,
    /// `sha256` hex digests any of which the chosen file must match (`--hash`).
    pub hashes: Vec<String>,
    pub origin: String,
}

/// Everything a set of requirements and files asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequirementSet {
    pub requirements: Vec<Entry>,
    pub constraints: Vec<Entry>,
    /// Local wheel files named directly (a path or a `file:` URL).
    pub local_wheels: Vec<PathBuf>,
    /// Index options found in files (`-i`, `--extra-index-url`, `-f`, `--no-index`, `--pre`).
    pub options: crate::index::IndexOptions,
    /// `--require-hashes` (or any `--hash` line, as pip turns it on).
    pub require_hashes: bool,
}

impl RequirementSet {
    /// Add command line requirements (`rich[jupyter]>=13`, `./dist/x-1.0-py3-none-any.whl`).
    pub fn add_arguments(&mut self, args: &[String]) -> crate::Result<()> {
        let _ = args;
        todo!("helper R")
    }

    /// Add a requirements file (`-r`), following nested `-r`/`-c` relative to it.
    pub fn add_file(&mut self, path: &std::path::Path) -> crate::Result<()> {
        let _ = path;
        todo!("helper R")
    }

    /// Add a constraints file (`-c`).
    pub fn add_constraints(&mut self, path: &std::path::Path) -> crate::Result<()> {
        let _ = path;
        todo!("helper R")
    }
}
