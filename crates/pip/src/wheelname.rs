//! Distribution file names: wheels (`name-version(-build)?-python-abi-platform.whl`, with
//! compressed tag sets) and sdists (`name-version.tar.gz`, `.zip`), and which wheels a
//! pure-Python interpreter can install: `py3-none-any`, `py2.py3-none-any`, `py3X-none-any` for
//! `X` up to the interpreter's minor version (never a CPython ABI or a platform tag).

use std::str::FromStr;

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
        let stem = file.strip_suffix(".whl")?;
        let parts: Vec<&str> = stem.split('-').collect();
        let (name, version, build, tags) = match parts.as_slice() {
            [name, version, tags @ ..] if tags.len() == 3 => (name, version, None, tags),
            [name, version, build, tags @ ..] if tags.len() == 3 => {
                // The build tag starts with a digit (the wheel spec).
                if !build.starts_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                (name, version, Some(build.to_string()), tags)
            }
            _ => return None,
        };
        let split = |tag: &str| -> Option<Vec<String>> {
            let tags: Vec<String> = tag.split('.').map(str::to_string).collect();
            tags.iter().all(|t| !t.is_empty()).then_some(tags)
        };
        Some(WheelName {
            name: PackageName::from_str(name).ok()?,
            version: Version::from_str(version).ok()?,
            build,
            python_tags: split(tags[0])?,
            abi_tags: split(tags[1])?,
            platform_tags: split(tags[2])?,
        })
    }

    /// Whether a pure-Python interpreter like `target` can install it.
    pub fn installable_by(&self, target: &Target) -> bool {
        let python = self
            .python_tags
            .iter()
            .any(|tag| python_tag_fits(tag, target));
        let abi = self.abi_tags.iter().any(|tag| tag == "none");
        let platform = self.platform_tags.iter().any(|tag| tag == "any");
        python && abi && platform
    }

    /// Why [`WheelName::installable_by`] refuses it (`None`: it does not).
    pub fn refusal(&self, target: &Target) -> Option<String> {
        if self.installable_by(target) {
            return None;
        }
        let tags = format!(
            "{}-{}-{}",
            self.python_tags.join("."),
            self.abi_tags.join("."),
            self.platform_tags.join(".")
        );
        Some(if self.abi_tags.iter().all(|tag| tag != "none") {
            format!("{tags} is built for a CPython ABI (C extensions cannot be loaded)")
        } else if self.platform_tags.iter().all(|tag| tag != "any") {
            format!("{tags} is built for a platform (C extensions cannot be loaded)")
        } else {
            format!(
                "{tags} is for another Python than {}",
                target.python_version()
            )
        })
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
        let stem = file
            .strip_suffix(".tar.gz")
            .or_else(|| file.strip_suffix(".zip"))?;
        // Legacy sdists may have `-` in their names (`python-dateutil-2.8.2.tar.gz`): the
        // version is after the last one.
        let (name, version) = stem.rsplit_once('-')?;
        Some(SdistName {
            name: PackageName::from_str(name).ok()?,
            version: Version::from_str(version).ok()?,
        })
    }
}

/// `py3`, `py2.py3` (one of the set), `py3X` with `X` up to the target's minor version.
fn python_tag_fits(tag: &str, target: &Target) -> bool {
    let Some(rest) = tag.strip_prefix("py") else {
        return false;
    };
    let major = target.python.0.to_string();
    let Some(minor) = rest.strip_prefix(major.as_str()) else {
        return false;
    };
    minor.is_empty()
        || minor
            .parse::<u32>()
            .is_ok_and(|minor| minor <= target.python.1)
}

#[cfg(test)]
mod tests;
