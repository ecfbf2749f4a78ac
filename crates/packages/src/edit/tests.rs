use super::*;
use crate::config::{Config, DependencySource};

fn path() -> &'static Path {
    Path::new("pyproject.toml")
}

fn sources(text: &str, group: &str, name: &str) -> Vec<DependencySource> {
    let config = Config::parse(text, path()).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    config
        .group_dependencies(group)
        .unwrap()
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("{name} not in {group}:\n{text}"))
        .sources
        .clone()
}

#[test]
fn values_as_belay_writes_them() {
    assert_eq!(
        DependencyValue::new("x", false, true).to_toml().to_string(),
        "\"x\""
    );
    assert_eq!(
        DependencyValue::new("x", false, false)
            .to_toml()
            .to_string(),
        "{uri = \"x\", rename_to_init = false}"
    );
    assert_eq!(
        DependencyValue::new("./x", true, true)
            .to_toml()
            .to_string(),
        "{uri = \"./x\", develop = true}"
    );
    assert_eq!(
        DependencyValue::new("./x", true, false)
            .to_toml()
            .to_string(),
        "{uri = \"./x\", develop = true, rename_to_init = false}"
    );
}

#[test]
fn add_to_a_file_without_tool_belay() {
    let text = "[project]\nname = \"x\"\n";
    let out = add_dependency_text(
        text,
        path(),
        "main",
        "single",
        &DependencyValue::new("./local/single.py", false, true),
    )
    .unwrap();
    assert_eq!(
        out,
        "[project]\nname = \"x\"\n\n[tool.belay.dependencies]\nsingle = \"./local/single.py\"\n"
    );
    let out = add_dependency_text(
        &out,
        path(),
        "main",
        "other",
        &DependencyValue::new("./local/single.py", false, false),
    )
    .unwrap();
    let out = add_dependency_text(
        &out,
        path(),
        "dev",
        "devx",
        &DependencyValue::new("./local/single.py", true, true),
    )
    .unwrap();
    assert_eq!(
        out,
        "[project]\nname = \"x\"\n\n[tool.belay.dependencies]\nsingle = \"./local/single.py\"\nother = {uri = \"./local/single.py\", rename_to_init = false}\n\n[tool.belay.group.dev.dependencies]\ndevx = {uri = \"./local/single.py\", develop = true}\n"
    );
    assert_eq!(
        sources(&out, "dev", "devx"),
        vec![DependencySource {
            uri: "./local/single.py".into(),
            develop: true,
            rename_to_init: true
        }]
    );
    assert!(!sources(&out, "main", "other")[0].rename_to_init);
}

#[test]
fn add_keeps_comments_and_formatting() {
    let text = "# Top comment\n[project]\nname    =   \"x\"   # aligned\n\n[tool.belay]\nname = \"x\"  # the package\n\n[tool.belay.dependencies]\n# pinned for the board\naiohttp = \"1.0\"   # trailing\n\n[tool.other]\nkey = [1,2,  3]\n";
    let out = add_dependency_text(
        text,
        path(),
        "main",
        "extra",
        &DependencyValue::new("github:u/extra", false, true),
    )
    .unwrap();
    assert_eq!(
        out,
        "# Top comment\n[project]\nname    =   \"x\"   # aligned\n\n[tool.belay]\nname = \"x\"  # the package\n\n[tool.belay.dependencies]\n# pinned for the board\naiohttp = \"1.0\"   # trailing\nextra = \"github:u/extra\"\n\n[tool.other]\nkey = [1,2,  3]\n"
    );
}

#[test]
fn add_to_an_existing_group_and_inline_tables() {
    let text = "[tool.belay.group.dev]\noptional = true\n\n[tool.belay.group.dev.dependencies]\na = \"*\"\n";
    let out = add_dependency_text(
        text,
        path(),
        "dev",
        "b",
        &DependencyValue::new("*", false, true),
    )
    .unwrap();
    assert_eq!(
        out,
        "[tool.belay.group.dev]\noptional = true\n\n[tool.belay.group.dev.dependencies]\na = \"*\"\nb = \"*\"\n"
    );
    let text = "[tool.belay]\ndependencies = { a = \"*\" }\n";
    let out = add_dependency_text(
        text,
        path(),
        "main",
        "b",
        &DependencyValue::new("*", false, true),
    )
    .unwrap();
    assert_eq!(
        out,
        "[tool.belay]\ndependencies = { a = \"*\", b = \"*\" }\n"
    );
}

#[test]
fn add_refuses_to_replace_a_non_table() {
    let text = "[tool.belay]\ndependencies = 3\n";
    let error = add_dependency_text(
        text,
        path(),
        "main",
        "b",
        &DependencyValue::new("*", false, true),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`tool.belay.dependencies` is not a table"),
        "{error}"
    );
}

#[test]
fn init_as_belay() {
    let text = "# my project\n[project]\nname = \"x\"  # keep\n\n[tool.ruff]\nline-length = 100\n";
    let out = init_pyproject_text(text, path(), "binit").unwrap();
    assert_eq!(
        out,
        "# my project\n[project]\nname = \"x\"  # keep\n\n[tool.ruff]\nline-length = 100\n\n[tool.belay]\nname = \"binit\"\n\n[tool.belay.dependencies]\n\n[tool.pytest.ini_options]\npythonpath = \".belay/dependencies/main\"\n"
    );
    let config = Config::parse(&out, path()).unwrap();
    assert_eq!(config.name.as_deref(), Some("binit"));
    assert!(config.has_tool_belay);
}

#[test]
fn init_extends_pythonpath() {
    let text = "[project]\nname = \"x\"\n[tool.pytest.ini_options]\npythonpath = \"src\"\n";
    let out = init_pyproject_text(text, path(), "p").unwrap();
    assert!(
        out.contains("pythonpath = [\"src\", \".belay/dependencies/main\"]\n"),
        "{out}"
    );
    assert!(out.contains("[tool.belay]\nname = \"p\"\n"), "{out}");
    let text = "[tool.pytest.ini_options]\npythonpath = [\"a\"]  # paths\n";
    let out = init_pyproject_text(text, path(), "p").unwrap();
    assert!(
        out.contains("pythonpath = [\"a\", \".belay/dependencies/main\"]  # paths\n"),
        "{out}"
    );
    let text = "[tool.pytest.ini_options]\npythonpath = \"src .belay/dependencies/main\"\n";
    let out = init_pyproject_text(text, path(), "p").unwrap();
    assert!(
        out.contains("pythonpath = \"src .belay/dependencies/main\"\n"),
        "{out}"
    );
}

#[test]
fn init_refuses_an_existing_tool_belay() {
    for text in [
        "[tool.belay]\n",
        "[tool.belay.dependencies]\n",
        "[tool]\nbelay = {}\n",
    ] {
        let error = init_pyproject_text(text, Path::new("/p/pyproject.toml"), "p").unwrap_err();
        assert_eq!(
            error.to_string(),
            "Belay is already configured in /p/pyproject.toml. Remove [tool.belay] section to reinitialize.",
            "{text}"
        );
    }
}

#[test]
fn files_are_rewritten_in_place() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("pyproject.toml");
    std::fs::write(&file, "[project]\nname = \"x\"  # c\n").unwrap();
    add_dependency(&file, "main", "a", &DependencyValue::new("*", false, true)).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        text,
        "[project]\nname = \"x\"  # c\n\n[tool.belay.dependencies]\na = \"*\"\n"
    );
}

/// Belay 0.30.1's `_add_dependency_to_toml` (tomlkit) on this file, for these five adds, gives
/// exactly this text (recorded with the installed Belay).
#[test]
fn add_sequence_matches_belay_byte_for_byte() {
    let mut text = "# Project notes: keep this comment.\n[tool.belay]\nname = \"app\"\npackage_indices = [\"http://x/pi\"]  # the test index\n\n[tool.belay.dependencies]\nsingle   =   \"./vendor/single.py\"  # a local file\n".to_string();
    for (name, uri, group, develop, rename) in [
        ("tinypkg", "tinypkg", "main", false, true),
        ("devtool", "./vendor/devtool.py", "dev", false, true),
        ("mylocal", "./vendor/other.py", "main", false, false),
        ("devlocal", "./vendor/pkgdir", "main", true, true),
        (
            "bme",
            "github:someone/sensors/sensors/bme.py@main",
            "main",
            false,
            true,
        ),
    ] {
        text = add_dependency_text(
            &text,
            path(),
            group,
            name,
            &DependencyValue::new(uri, develop, rename),
        )
        .unwrap();
    }
    assert_eq!(
        text,
        "# Project notes: keep this comment.\n[tool.belay]\nname = \"app\"\npackage_indices = [\"http://x/pi\"]  # the test index\n\n[tool.belay.dependencies]\nsingle   =   \"./vendor/single.py\"  # a local file\ntinypkg = \"tinypkg\"\nmylocal = {uri = \"./vendor/other.py\", rename_to_init = false}\ndevlocal = {uri = \"./vendor/pkgdir\", develop = true}\nbme = \"github:someone/sensors/sensors/bme.py@main\"\n\n[tool.belay.group.dev.dependencies]\ndevtool = \"./vendor/devtool.py\"\n"
    );
}
