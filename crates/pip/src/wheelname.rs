//! Distribution file names: wheels (`name-version(-build)?-python-abi-platform.whl`, with
//! compressed tag sets) and sdists (`name-version.tar.gz`, `.zip`), and which wheels a
//! pure-Python interpreter can install: `py3-none-any`, `py2.py3-none-any`, `py3X-none-any` for
//! `X` up to the interpreter's minor version (never a CPython ABI or a platform tag).

use pep440_rs::Version;
use pep508_rs::PackageName;

use crate::target::Target;

/// A parsed wheel file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelName {
    pub name: PackageName,
    pub version: Version,
    pub build: Option<String>,
    pub python_tags: Vec<String>,
    pub abi_tags: Vec<String>,
    pub platform_tags: Vec<String>,
}

impl WheelName {
    /// Parse `file` (`None`: not a wheel name).
    pub fn parse(file: &str) -> Option<WheelName> {
        let _ = file;
        todo!("helper R")
    }

    /// Whether a pure-Python interpreter like `target` can install it.
    pub fn installable_by(&self, target: &Target) -> bool {
        let _ = target;
        todo!("helper R")
    }
}

/// A parsed sdist file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdistName {
    pub name: PackageName,
    pub version: Version,
}

impl SdistName {
    /// Parse `file` (`None`: not an sdist name, `.tar.gz` or `.zip`).
    pub fn parse(file: &str) -> Option<SdistName> {
        let _ = file;
        todo!("helper R")
    }
}
