//! The interpreter packages are installed for: the values PEP 508 markers are evaluated with (as
//! belay-run's embedded interpreter reports them) and the Python version wheels and
//! `requires-python` are checked against. The runtime fills it from the interpreter
//! (`crates/runtime`); tests build it by hand.

use serde::{Deserialize, Serialize};

/// belay-run's interpreter as packages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// `python_version`, `python_full_version`: `(3, 14, 0)`. (RustPython reports a release
    /// level of `alpha`; packages are installed for the release, as `3.14.0`.)
    pub python: (u32, u32, u32),
    /// `implementation_name`: `rustpython`.
    pub implementation_name: String,
    /// `implementation_version`: `0.6.0`.
    pub implementation_version: String,
    /// `platform_python_implementation`: `RustPython`.
    pub platform_python_implementation: String,
    /// `sys_platform`: `linux`, `darwin`, `win32`.
    pub sys_platform: String,
    /// `platform_system`: `Linux`, `Darwin`, `Windows`.
    pub platform_system: String,
    /// `platform_machine`: `x86_64`, `aarch64`, `AMD64`.
    pub platform_machine: String,
    /// `platform_release`.
    pub platform_release: String,
    /// `platform_version`.
    pub platform_version: String,
    /// `os_name`: `posix`, `nt`.
    pub os_name: String,
}

impl Target {
    /// The PEP 508 marker environment.
    pub fn marker_environment(&self) -> pep508_rs::MarkerEnvironment {
        todo!("helper R")
    }

    /// `3.14`, as `python_version` is written.
    pub fn python_version(&self) -> String {
        format!("{}.{}", self.python.0, self.python.1)
    }

    /// `3.14.0`, as `python_full_version` is written.
    pub fn python_full_version(&self) -> String {
        format!("{}.{}.{}", self.python.0, self.python.1, self.python.2)
    }

    /// Whether `requires_python` (a PEP 440 specifier set, e.g. `>=3.8`) admits this
    /// interpreter.
    pub fn satisfies(&self, requires_python: &pep440_rs::VersionSpecifiers) -> bool {
        let _ = requires_python;
        todo!("helper R")
    }
}
