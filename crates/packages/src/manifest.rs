//! The ownership manifest, `<project>/.belay/belay-run-packages.json`: for each group and each
//! declared package, its sources, the versions resolved, the top-level entries of the group
//! folder it owns and its files with their sha256.
//!
//! Package.json packages put files at the group folder's root (`tinydep.py` next to
//! `tinypkg/`), so a folder name no longer tells which package a file belongs to; `clean` and
//! `update` read this. It lives outside the dependencies tree, whose contents are exactly what
//! goes to `/lib`, and is written atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::errors::{Result, io_err};
use crate::fsutil::write_atomic;

/// The manifest format version.
pub const MANIFEST_VERSION: u32 = 1;

/// A file owned by a package, relative to the group folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OwnedFile {
    pub path: String,
    pub sha256: String,
}

/// What one package installed in its group folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageRecord {
    /// The source URIs, as configured.
    pub sources: Vec<String>,
    /// Resolved package.json packages (the package and its dependencies) and their versions.
    #[serde(default)]
    pub versions: BTreeMap<String, String>,
    /// Top-level names in the group folder the package owns (files or folders).
    pub entries: BTreeSet<String>,
    /// Every file it owns.
    pub files: Vec<OwnedFile>,
}

impl PackageRecord {
    /// Whether the package owns `path` (a file, or anything under an owned folder).
    pub fn owns_file(&self, path: &str) -> bool {
        self.files.iter().any(|file| file.path == path)
    }
}

/// The whole manifest: group → package → record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub groups: BTreeMap<String, BTreeMap<String, PackageRecord>>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            version: MANIFEST_VERSION,
            groups: BTreeMap::new(),
        }
    }
}

impl Manifest {
    /// Reads the manifest; `Ok(None)` if there is none. A file that cannot be parsed is an
    /// error message for the caller to report (as a warning) before going on without it.
    pub fn load(path: &Path) -> Result<Option<std::result::Result<Manifest, String>>> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io_err("read", path)(error)),
        };
        Ok(Some(serde_json::from_slice(&bytes).map_err(|error| {
            format!("ignoring {}: {error}", path.display())
        })))
    }

    /// Writes the manifest atomically (temporary file and rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self).expect("the manifest serializes");
        text.push('\n');
        write_atomic(path, text.as_bytes())
    }

    /// A package's record.
    pub fn record(&self, group: &str, package: &str) -> Option<&PackageRecord> {
        self.groups.get(group)?.get(package)
    }

    /// The records of a group.
    pub fn group(&self, group: &str) -> Option<&BTreeMap<String, PackageRecord>> {
        self.groups.get(group)
    }

    /// Sets a package's record.
    pub fn set(&mut self, group: &str, package: &str, record: PackageRecord) {
        self.groups
            .entry(group.to_string())
            .or_default()
            .insert(package.to_string(), record);
    }

    /// Removes a package's record.
    pub fn remove(&mut self, group: &str, package: &str) {
        if let Some(records) = self.groups.get_mut(group) {
            records.remove(package);
            if records.is_empty() {
                self.groups.remove(group);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_missing() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join(".belay/belay-run-packages.json");
        assert!(Manifest::load(&path).unwrap().is_none());
        let mut manifest = Manifest::default();
        manifest.set(
            "main",
            "tinypkg",
            PackageRecord {
                sources: vec!["tinypkg".into()],
                versions: BTreeMap::from([("tinypkg".into(), "1.0".into())]),
                entries: BTreeSet::from(["tinypkg".into(), "tinydep.py".into()]),
                files: vec![OwnedFile {
                    path: "tinydep.py".into(),
                    sha256: "ab".into(),
                }],
            },
        );
        manifest.save(&path).unwrap();
        let loaded = Manifest::load(&path).unwrap().unwrap().unwrap();
        assert_eq!(loaded, manifest);
        assert!(
            loaded
                .record("main", "tinypkg")
                .unwrap()
                .owns_file("tinydep.py")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"tinydep.py\""), "{text}");
        manifest.remove("main", "tinypkg");
        assert!(manifest.groups.is_empty());
    }

    #[test]
    fn corrupt_manifest_is_reported() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("m.json");
        std::fs::write(&path, "{not json").unwrap();
        let message = Manifest::load(&path).unwrap().unwrap().unwrap_err();
        assert!(message.starts_with("ignoring "), "{message}");
    }
}
