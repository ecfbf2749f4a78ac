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
        // Only `implementation_version` can fail to parse (the Python versions are numbers):
        // an interpreter reporting something that is not PEP 440 compares as the Python version.
        self.environment(&self.implementation_version)
            .or_else(|_| self.environment(&self.python_full_version()))
            .expect("a version made of three numbers parses")
    }

    fn environment(
        &self,
        implementation_version: &str,
    ) -> Result<pep508_rs::MarkerEnvironment, pep440_rs::VersionParseError> {
        pep508_rs::MarkerEnvironment::try_from(pep508_rs::MarkerEnvironmentBuilder {
            implementation_name: &self.implementation_name,
            implementation_version,
            os_name: &self.os_name,
            platform_machine: &self.platform_machine,
            platform_python_implementation: &self.platform_python_implementation,
            platform_release: &self.platform_release,
            platform_system: &self.platform_system,
            platform_version: &self.platform_version,
            python_full_version: &self.python_full_version(),
            python_version: &self.python_version(),
            sys_platform: &self.sys_platform,
        })
    }

    /// This interpreter's version as PEP 440 compares it (`3.14.0`).
    pub fn version(&self) -> pep440_rs::Version {
        pep440_rs::Version::new([
            u64::from(self.python.0),
            u64::from(self.python.1),
            u64::from(self.python.2),
        ])
    }

    /// belay-run's embedded interpreter as docs/host-packages.md describes it, on this host
    /// (tests, and a fallback for the runtime).
    pub fn rustpython(sys_platform: &str, platform_system: &str, machine: &str) -> Target {
        Target {
            python: (3, 14, 0),
            implementation_name: "rustpython".to_string(),
            implementation_version: "0.6.0".to_string(),
            platform_python_implementation: "RustPython".to_string(),
            sys_platform: sys_platform.to_string(),
            platform_system: platform_system.to_string(),
            platform_machine: machine.to_string(),
            platform_release: String::new(),
            platform_version: String::new(),
            os_name: if sys_platform == "win32" {
                "nt"
            } else {
                "posix"
            }
            .to_string(),
        }
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
        requires_python.contains(&self.version())
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use pep440_rs::VersionSpecifiers;
    use pep508_rs::Requirement;

    use super::*;

    fn linux() -> Target {
        Target::rustpython("linux", "Linux", "x86_64")
    }

    fn applies(requirement: &str, target: &Target) -> bool {
        let requirement = Requirement::<pep508_rs::VerbatimUrl>::from_str(requirement).unwrap();
        requirement.evaluate_markers(&target.marker_environment(), &[])
    }

    #[test]
    fn markers_see_the_embedded_interpreter() {
        let target = linux();
        assert!(applies("a; python_version >= '3.14'", &target));
        assert!(!applies("a; python_version < '3.14'", &target));
        assert!(applies("a; python_full_version == '3.14.0'", &target));
        assert!(applies("a; implementation_name == 'rustpython'", &target));
        assert!(!applies("a; implementation_name == 'cpython'", &target));
        assert!(applies(
            "a; platform_python_implementation != 'CPython'",
            &target
        ));
        assert!(applies("a; implementation_version >= '0.6'", &target));
        assert!(applies(
            "a; sys_platform == 'linux' and os_name == 'posix'",
            &target
        ));
        assert!(!applies("a; sys_platform == 'win32'", &target));
        assert!(applies("a; platform_machine == 'x86_64'", &target));
        let windows = Target::rustpython("win32", "Windows", "AMD64");
        assert!(applies(
            "a; os_name == 'nt' and platform_system == 'Windows'",
            &windows
        ));
    }

    #[test]
    fn an_odd_implementation_version_does_not_break_markers() {
        let mut target = linux();
        target.implementation_version = "not a version".to_string();
        assert!(applies("a; python_version == '3.14'", &target));
    }

    #[test]
    fn requires_python_is_checked_against_the_release() {
        let target = linux();
        let yes = |s: &str| target.satisfies(&VersionSpecifiers::from_str(s).unwrap());
        assert!(yes(">=3.8"));
        assert!(yes(">=3.14"));
        assert!(yes("~=3.14"));
        assert!(yes(">=3.8, <4"));
        assert!(!yes("<3.14"));
        assert!(!yes(">=3.15"));
        assert!(!yes("==3.13.*"));
        assert!(yes(""));
        assert_eq!(target.python_version(), "3.14");
        assert_eq!(target.python_full_version(), "3.14.0");
    }
}
