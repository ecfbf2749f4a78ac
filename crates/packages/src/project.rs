//! Finding and loading the project: `pyproject.toml`, its folder, the dependencies folder, the
//! groups (Belay's `belay.project`).
//!
//! Belay caches these per process; here each call reads the file again and the caller keeps the
//! [`Project`] it wants to reuse.

use std::path::{Path, PathBuf};

use crate::config::{Config, Dependency};
use crate::errors::{Error, Result, io_err};
use crate::settings::Settings;

/// The name of the ownership manifest, in `<project>/.belay/`.
pub const MANIFEST_FILE: &str = "belay-run-packages.json";

/// A loaded project: where `pyproject.toml` is, and its `[tool.belay]`.
#[derive(Debug, Clone)]
pub struct Project {
    /// The absolute path of `pyproject.toml`.
    pub pyproject: PathBuf,
    /// The folder holding it.
    pub root: PathBuf,
    /// Its `[tool.belay]`.
    pub config: Config,
}

/// A dependency group as the commands use it (Belay's `Group`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    /// Installed only with `install --with <name>`.
    pub optional: bool,
    pub dependencies: Vec<Dependency>,
    /// `<dependencies folder>/<name>`: its contents go to the board's `/lib`.
    pub folder: PathBuf,
}

impl Group {
    /// The declared package called `name`.
    pub fn dependency(&self, name: &str) -> Option<&Dependency> {
        self.dependencies.iter().find(|d| d.name == name)
    }
}

impl Project {
    /// Finds `pyproject.toml` from `start` upwards and loads it.
    pub fn discover(start: &Path) -> Result<Project> {
        Project::load(&find_pyproject(start)?)
    }

    /// Loads the given `pyproject.toml`.
    pub fn load(pyproject: &Path) -> Result<Project> {
        let pyproject = absolute(pyproject)?;
        let text = std::fs::read_to_string(&pyproject).map_err(io_err("read", &pyproject))?;
        let config = Config::parse(&text, &pyproject)?;
        let root = pyproject
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        Ok(Project {
            pyproject,
            root,
            config,
        })
    }

    /// `<project>/<dependencies_path>` (an absolute `dependencies_path` stands alone).
    pub fn dependencies_folder(&self) -> PathBuf {
        self.root.join(&self.config.dependencies_path)
    }

    /// `<project>/.belay`.
    pub fn belay_folder(&self) -> PathBuf {
        self.root.join(".belay")
    }

    /// `<project>/.belay/belay-run-packages.json`: which files each package owns.
    pub fn manifest_path(&self) -> PathBuf {
        self.belay_folder().join(MANIFEST_FILE)
    }

    /// All groups, `main` included, sorted by name (Belay's `load_groups`).
    pub fn groups(&self) -> Vec<Group> {
        let folder = self.dependencies_folder();
        let mut groups = vec![Group {
            name: "main".to_string(),
            optional: false,
            dependencies: self.config.dependencies.clone(),
            folder: folder.join("main"),
        }];
        for (name, group) in &self.config.groups {
            groups.push(Group {
                name: name.clone(),
                optional: group.optional,
                dependencies: group.dependencies.clone(),
                folder: folder.join(name),
            });
        }
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        groups
    }

    /// One group by name (`main` always exists).
    pub fn group(&self, name: &str) -> Option<Group> {
        self.groups().into_iter().find(|group| group.name == name)
    }

    /// A group by name, empty if the project does not declare it yet (what `add --group`
    /// creates).
    pub fn group_or_new(&self, name: &str) -> Group {
        self.group(name).unwrap_or_else(|| Group {
            name: name.to_string(),
            optional: false,
            dependencies: Vec::new(),
            folder: self.dependencies_folder().join(name),
        })
    }

    /// The project package folder `<project>/<name>` that `install` syncs to `/<name>`:
    /// `None` without `name`, an error if the folder is missing.
    pub fn package_folder(&self) -> Result<Option<PathBuf>> {
        let Some(name) = &self.config.name else {
            return Ok(None);
        };
        let folder = self.root.join(name);
        if folder.exists() {
            Ok(Some(folder))
        } else {
            Err(Error::MissingProjectPackage { path: folder })
        }
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(io_err("resolve", path))
}

/// The nearest `pyproject.toml` in `start` or its parents (Belay's `find_pyproject`, with the
/// current directory as `start`).
pub fn find_pyproject(start: &Path) -> Result<PathBuf> {
    let start = absolute(start)?;
    for folder in start.ancestors() {
        let candidate = folder.join("pyproject.toml");
        if candidate.exists() {
            return Ok(candidate);
        }
    }
    Err(Error::PyprojectNotFound { cwd: start })
}

/// The folder of the nearest `pyproject.toml`.
pub fn find_project_folder(start: &Path) -> Result<PathBuf> {
    let pyproject = find_pyproject(start)?;
    Ok(pyproject
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/")))
}

/// The project's dependencies folder (`<project>/.belay/dependencies` by default).
pub fn find_dependencies_folder(start: &Path) -> Result<PathBuf> {
    Ok(Project::discover(start)?.dependencies_folder())
}

/// belay-run's cache folder (not created here).
pub fn find_cache_folder(settings: &Settings) -> PathBuf {
    settings.cache_dir.clone()
}

/// The `[tool.belay]` table of the file at `path` as JSON-like data; `{}` without one.
pub fn load_toml(path: &Path) -> Result<serde_json::Map<String, serde_json::Value>> {
    let text = std::fs::read_to_string(path).map_err(io_err("read", path))?;
    crate::config::belay_table_as_json(&text, path)
}

/// The configuration of the nearest `pyproject.toml`.
pub fn load_pyproject(start: &Path) -> Result<Config> {
    Ok(Project::discover(start)?.config)
}

/// The groups of the nearest project, sorted by name, `main` included.
pub fn load_groups(start: &Path) -> Result<Vec<Group>> {
    Ok(Project::discover(start)?.groups())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_pyproject_upwards() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::write(root.join("pyproject.toml"), "[tool.belay]\nname = \"p\"\n").unwrap();
        let deep = root.join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find_pyproject(&deep).unwrap(), root.join("pyproject.toml"));
        assert_eq!(find_project_folder(&deep).unwrap(), root);
        std::fs::write(root.join("a/pyproject.toml"), "").unwrap();
        assert_eq!(
            find_pyproject(&deep).unwrap(),
            root.join("a/pyproject.toml")
        );
        assert_eq!(
            find_dependencies_folder(&deep).unwrap(),
            root.join("a/.belay/dependencies")
        );
        let config = load_pyproject(&root.join("a")).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn not_found_message_as_belay() {
        let temp = tempfile::tempdir().unwrap();
        let error = find_pyproject(temp.path()).unwrap_err();
        // The temporary folder's parents must not hold a pyproject.toml for this test.
        if temp
            .path()
            .ancestors()
            .any(|p| p.join("pyproject.toml").exists())
        {
            return;
        }
        assert_eq!(
            error.to_string(),
            format!(
                "Cannot find a pyproject.toml in the current directory \"{}\" or any parent directory.",
                temp.path().display()
            )
        );
    }

    #[test]
    fn groups_sorted_with_main() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::write(
            root.join("pyproject.toml"),
            "[tool.belay]\ndependencies_path = \"deps\"\n[tool.belay.dependencies]\na = \"*\"\n[tool.belay.group.zeta.dependencies]\nz = \"*\"\n[tool.belay.group.dev]\noptional = true\n",
        )
        .unwrap();
        let groups = load_groups(root).unwrap();
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["dev", "main", "zeta"]);
        assert!(groups[0].optional);
        assert!(groups[0].dependencies.is_empty());
        assert_eq!(groups[1].dependencies[0].name, "a");
        assert_eq!(groups[2].folder, root.join("deps/zeta"));
        let project = Project::discover(root).unwrap();
        assert_eq!(
            project.manifest_path(),
            root.join(".belay/belay-run-packages.json")
        );
        assert_eq!(project.group_or_new("new").folder, root.join("deps/new"));
        assert_eq!(project.package_folder().unwrap(), None);
    }

    #[test]
    fn absolute_dependencies_path() {
        let temp = tempfile::tempdir().unwrap();
        let elsewhere = temp.path().join("elsewhere");
        let project_dir = temp.path().join("p");
        std::fs::create_dir_all(&project_dir).unwrap();
        std::fs::write(
            project_dir.join("pyproject.toml"),
            format!(
                "[tool.belay]\ndependencies_path = '{}'\n",
                elsewhere.display()
            ),
        )
        .unwrap();
        let project = Project::discover(&project_dir).unwrap();
        assert_eq!(project.dependencies_folder(), elsewhere);
    }

    #[test]
    fn project_package_folder() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::write(
            root.join("pyproject.toml"),
            "[tool.belay]\nname = \"pkg\"\n",
        )
        .unwrap();
        let project = Project::discover(root).unwrap();
        let error = project.package_folder().unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("\"{}\" does not exist.", root.join("pkg").display())
        );
        std::fs::create_dir(root.join("pkg")).unwrap();
        assert_eq!(project.package_folder().unwrap(), Some(root.join("pkg")));
    }

    #[test]
    fn load_toml_returns_the_table() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("pyproject.toml");
        std::fs::write(&path, "[tool.belay]\nname = \"x\"\n").unwrap();
        let table = load_toml(&path).unwrap();
        assert_eq!(table.get("name"), Some(&serde_json::json!("x")));
    }
}
