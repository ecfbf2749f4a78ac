//! `belay-run venv DIR`: a virtual environment belay-run uses when it is active or when its
//! `python` runs: `pyvenv.cfg`, `lib/python3.X/site-packages` (`Lib/site-packages` on Windows),
//! `bin/activate` for sh, bash and zsh, `activate.fish`, `Scripts\activate.bat` and
//! `Activate.ps1` on Windows, and a `python` (and `python3`, `python3.X`) that runs belay-run with
//! this environment.

use std::path::{Path, PathBuf};

/// What `create` needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenvOptions {
    /// The belay-run binary the environment's `python` runs.
    pub belay_run: PathBuf,
    /// `(3, 14, 0)`.
    pub python: (u32, u32, u32),
    /// The prompt (`--prompt`; default: the folder's name).
    pub prompt: Option<String>,
    /// Remove what is in the folder first (`--clear`).
    pub clear: bool,
}

/// Create (or update) the environment at `dir`; its site-packages folder.
pub fn create(dir: &Path, options: &VenvOptions) -> crate::Result<PathBuf> {
    let _ = (dir, options);
    todo!("helper I")
}

/// The site-packages folder of the environment at `dir` (`None`: not one).
pub fn site_packages(dir: &Path) -> Option<PathBuf> {
    let _ = dir;
    todo!("helper I")
}
