//! `new PATH` / `init`: Belay's project template, or `[tool.belay]` added to an existing
//! `pyproject.toml`.
//!
//! Unlike Belay: the package name is an importable identifier (D9), and in an existing folder
//! only the template's files are written, never over an existing file (D10).

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::edit::init_pyproject;
use crate::errors::{Error, Result, io_err};
use crate::names::project_package_name;

/// Belay's template `pyproject.toml`, with `packagename` to replace.
pub const TEMPLATE_PYPROJECT: &str = "[tool.belay]\nname = \"packagename\"\n\n[tool.belay.dependencies]\n\n[tool.pytest.ini_options]\npythonpath = \".belay/dependencies/main\"\n";
/// Belay's template `main.py`, with `packagename` to replace.
pub const TEMPLATE_MAIN: &str = "import packagename\nfrom machine import Pin\n\n\ndef main():\n    pass\n\n\nif __name__ == \"__main__\":\n    main()\n";

/// What `new` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutcome {
    /// The project folder (absolute).
    pub root: PathBuf,
    /// The package name (also `[tool.belay] name`).
    pub package: String,
    /// The files created (none when an existing `pyproject.toml` was initialised).
    pub created: Vec<PathBuf>,
    /// Whether an existing `pyproject.toml` got `[tool.belay]` instead of the template.
    pub initialized_existing: bool,
}

/// Creates a project at `path` (the current directory for `.`): with an existing
/// `pyproject.toml`, adds `[tool.belay]` to it; otherwise writes `pyproject.toml`, `main.py`,
/// `README.md` and `<package>/__init__.py`, refusing if any of them exists.
pub fn new_project(path: &Path) -> Result<NewOutcome> {
    let root = resolve(path)?;
    let folder = root
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let package = project_package_name(&folder)?;
    let pyproject = root.join("pyproject.toml");
    if pyproject.exists() {
        init_pyproject(&pyproject, &package)?;
        return Ok(NewOutcome {
            root,
            package,
            created: Vec::new(),
            initialized_existing: true,
        });
    }
    let files: Vec<(PathBuf, String)> = vec![
        (
            pyproject,
            TEMPLATE_PYPROJECT.replace("packagename", &package),
        ),
        (
            root.join("main.py"),
            TEMPLATE_MAIN.replace("packagename", &package),
        ),
        (root.join("README.md"), String::new()),
        (root.join(&package).join("__init__.py"), String::new()),
    ];
    if let Some((existing, _)) = files.iter().find(|(path, _)| path.exists()) {
        return Err(Error::FileExists {
            path: existing.clone(),
        });
    }
    let mut created = Vec::new();
    for (path, text) in &files {
        let parent = path.parent().expect("template files are in a folder");
        std::fs::create_dir_all(parent).map_err(io_err("create", parent))?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|error| match error.kind() {
                std::io::ErrorKind::AlreadyExists => Error::FileExists { path: path.clone() },
                _ => Error::io("create", path, error),
            })?;
        file.write_all(text.as_bytes())
            .map_err(io_err("write", path))?;
        created.push(path.clone());
    }
    Ok(NewOutcome {
        root,
        package,
        created,
        initialized_existing: false,
    })
}

/// Python's `Path.resolve()`: absolute, `..` and `.` removed, symbolic links of the existing
/// part followed.
fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).map_err(io_err("resolve", path))?;
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    Ok(std::fs::canonicalize(&normal).unwrap_or(normal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::tree;

    #[test]
    fn new_project_from_the_template() {
        let temp = tempfile::tempdir().unwrap();
        let outcome = new_project(&temp.path().join("proj")).unwrap();
        assert_eq!(outcome.package, "proj");
        assert!(!outcome.initialized_existing);
        let root = temp.path().join("proj");
        assert_eq!(
            tree(&root),
            vec![
                "README.md = ".to_string(),
                "main.py = import proj\nfrom machine import Pin\n\n\ndef main():\n    pass\n\n\nif __name__ == \"__main__\":\n    main()\n".to_string(),
                "proj/".to_string(),
                "proj/__init__.py = ".to_string(),
                "pyproject.toml = [tool.belay]\nname = \"proj\"\n\n[tool.belay.dependencies]\n\n[tool.pytest.ini_options]\npythonpath = \".belay/dependencies/main\"\n".to_string(),
            ]
        );
        assert_eq!(TEMPLATE_PYPROJECT.len(), 128);
        assert_eq!(TEMPLATE_MAIN.len(), 106);
        // The result is a valid project.
        let project = crate::project::Project::discover(&root).unwrap();
        assert_eq!(project.config.name.as_deref(), Some("proj"));
    }

    #[test]
    fn names_become_identifiers() {
        let temp = tempfile::tempdir().unwrap();
        let outcome = new_project(&temp.path().join("My_Cool.Project")).unwrap();
        assert_eq!(outcome.package, "my_cool_project");
        let main = std::fs::read_to_string(temp.path().join("My_Cool.Project/main.py")).unwrap();
        assert!(main.starts_with("import my_cool_project\n"));
        assert!(
            temp.path()
                .join("My_Cool.Project/my_cool_project/__init__.py")
                .is_file()
        );
        let error = new_project(&temp.path().join("1st-try")).unwrap_err();
        assert!(matches!(error, Error::ProjectName { .. }), "{error:?}");
        assert!(!temp.path().join("1st-try/pyproject.toml").exists());
    }

    #[test]
    fn dot_resolves_to_the_folder_name() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("dotted");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        let outcome = new_project(&root.join("sub/..")).unwrap();
        assert_eq!(outcome.package, "dotted");
        assert!(root.join("dotted/__init__.py").is_file());
    }

    #[test]
    fn existing_folder_files_are_untouched_and_never_overwritten() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("proj");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/packagename"), [0xffu8, 0, 1]).unwrap();
        std::fs::write(root.join("notes.txt"), "packagename stays").unwrap();
        let outcome = new_project(&root).unwrap();
        assert_eq!(outcome.created.len(), 4);
        assert_eq!(
            std::fs::read_to_string(root.join("notes.txt")).unwrap(),
            "packagename stays"
        );
        assert_eq!(
            std::fs::read(root.join(".git/packagename")).unwrap(),
            [0xff, 0, 1]
        );

        let other = temp.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::write(other.join("main.py"), "mine").unwrap();
        let error = new_project(&other).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "refusing to overwrite existing file {}",
                other.join("main.py").display()
            )
        );
        assert_eq!(
            std::fs::read_to_string(other.join("main.py")).unwrap(),
            "mine"
        );
        assert!(!other.join("pyproject.toml").exists());
    }

    #[test]
    fn existing_pyproject_is_initialised() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().join("binit");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join("pyproject.toml"),
            "# my project\n[project]\nname = \"x\"  # keep\n",
        )
        .unwrap();
        let outcome = new_project(&root).unwrap();
        assert!(outcome.initialized_existing);
        assert!(outcome.created.is_empty());
        let text = std::fs::read_to_string(root.join("pyproject.toml")).unwrap();
        assert!(
            text.starts_with("# my project\n[project]\nname = \"x\"  # keep\n"),
            "{text}"
        );
        assert!(text.contains("[tool.belay]\nname = \"binit\"\n"), "{text}");
        assert!(!root.join("main.py").exists());
        let error = new_project(&root).unwrap_err();
        assert!(
            matches!(error, Error::AlreadyConfigured { .. }),
            "{error:?}"
        );
    }
}
