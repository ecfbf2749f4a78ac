//! A source tree's `[build-system]` (PEP 517, PEP 518): what the build needs, and the backend.

use std::path::{Component, Path, PathBuf};

use pep508_rs::Requirement;

/// The backend of a tree without `pyproject.toml` or without `build-backend` (PEP 517).
const LEGACY_BACKEND: &str = "setuptools.build_meta:__legacy__";
/// The requirements of a tree without `pyproject.toml` or without `[build-system]` (PEP 518).
const LEGACY_REQUIRES: &str = "setuptools>=40.8.0";

/// How a source tree is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSystem {
    /// `requires`: installed before the backend is imported.
    pub requires: Vec<Requirement>,
    /// `build-backend`: `module` or `module:object`.
    pub backend: String,
    /// `backend-path`: folders of the tree put first on `sys.path` (relative, inside the tree).
    pub backend_path: Vec<PathBuf>,
}

impl BuildSystem {
    /// The build system of the tree at `source` (an error says what is wrong in its
    /// `pyproject.toml`).
    pub fn read(source: &Path) -> Result<BuildSystem, String> {
        let path = source.join("pyproject.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => BuildSystem::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BuildSystem::legacy()),
            Err(e) => Err(format!("cannot read pyproject.toml: {e}")),
        }
    }

    /// setuptools' legacy backend, as for a tree with only `setup.py`.
    fn legacy() -> BuildSystem {
        BuildSystem {
            requires: vec![LEGACY_REQUIRES.parse().expect("a valid requirement")],
            backend: LEGACY_BACKEND.to_string(),
            backend_path: Vec::new(),
        }
    }

    /// The `[build-system]` of a `pyproject.toml`'s text.
    pub fn parse(text: &str) -> Result<BuildSystem, String> {
        let document: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e| format!("pyproject.toml is not TOML: {e}"))?;
        let Some(table) = document.get("build-system") else {
            return Ok(BuildSystem::legacy());
        };
        let strings = |key: &str| -> Result<Option<Vec<String>>, String> {
            let Some(item) = table.get(key) else {
                return Ok(None);
            };
            let list = item
                .as_array()
                .and_then(|array| {
                    array
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| format!("build-system.{key} is not a list of strings"))?;
            Ok(Some(list))
        };
        // PEP 518: a `[build-system]` table must have `requires`.
        let requires = strings("requires")?
            .ok_or_else(|| "pyproject.toml's [build-system] has no `requires`".to_string())?
            .iter()
            .map(|text| {
                text.parse::<Requirement>()
                    .map_err(|e| format!("build-system.requires: {text:?}: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let backend = match table.get("build-backend") {
            None => LEGACY_BACKEND.to_string(),
            Some(item) => item
                .as_str()
                .filter(|b| !b.trim().is_empty())
                .ok_or_else(|| "build-system.build-backend is not a module name".to_string())?
                .trim()
                .to_string(),
        };
        let backend_path = strings("backend-path")?
            .unwrap_or_default()
            .into_iter()
            .map(|folder| {
                let path = PathBuf::from(&folder);
                // PEP 517: backend-path entries are inside the source tree.
                let inside = path
                    .components()
                    .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
                inside
                    .then_some(path)
                    .ok_or_else(|| format!("build-system.backend-path {folder:?} leaves the tree"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(BuildSystem {
            requires,
            backend,
            backend_path,
        })
    }
}
