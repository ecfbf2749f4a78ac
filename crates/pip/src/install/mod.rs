//! Installing wheels by the wheel spec (PEP 427, PEP 491; PyPA's "Recording installed projects"
//! and "entry points" specifications): files into the layout's folders (`.data/purelib`,
//! `platlib`, `scripts`, `headers`, `data`), RECORD rewritten with the installed paths and their
//! hashes, `INSTALLER` = `belay-run`, `REQUESTED` for what the user named, console and GUI
//! scripts as launchers that run belay-run. Every wheel is checked first (RECORD hashes, no path
//! outside the destination, `Root-Is-Purelib`); files go into a staging folder beside the
//! destination and are moved in at the end, an upgrade's old files aside until then, so a
//! failure or Ctrl-C leaves the previous state.

use std::path::{Path, PathBuf};

use pep440_rs::Version;
use pep508_rs::PackageName;

/// Where a distribution's files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `purelib`/`platlib`: `VENV/lib/python3.14/site-packages`, or the `--target` folder.
    pub site_packages: PathBuf,
    /// Console scripts and `scripts`: `VENV/bin` (`Scripts` on Windows), or `TARGET/bin`.
    pub scripts: PathBuf,
    /// `data`: the venv (or the target folder).
    pub data: PathBuf,
    /// `headers`: `VENV/include/site/python3.14/NAME`.
    pub headers: PathBuf,
    /// What a script launcher runs: the venv's `python` (belay-run), or belay-run itself.
    pub python: PathBuf,
}

impl Layout {
    /// The layout of the virtual environment at `venv`.
    pub fn venv(venv: &Path, python: (u32, u32)) -> Layout {
        let _ = (venv, python);
        todo!("helper I")
    }

    /// The layout of a `--target` folder (as pip's: packages at its top, scripts in `bin`).
    pub fn target(folder: &Path, belay_run: &Path) -> Layout {
        let _ = (folder, belay_run);
        todo!("helper I")
    }
}

/// One wheel to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelToInstall {
    pub path: PathBuf,
    pub name: PackageName,
    pub version: Version,
    /// Named by the user (`REQUESTED`).
    pub requested: bool,
}

/// What an install did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallReport {
    /// `name-version` installed, in order.
    pub installed: Vec<String>,
    /// `name-version` removed first (upgrades, reinstalls).
    pub removed: Vec<String>,
}

/// Install `wheels` into `layout`, replacing installed versions of the same distributions; all
/// or nothing.
pub fn install(
    wheels: &[WheelToInstall],
    layout: &Layout,
    report: &dyn crate::Report,
) -> crate::Result<InstallReport> {
    let _ = (wheels, layout, report);
    todo!("helper I")
}
