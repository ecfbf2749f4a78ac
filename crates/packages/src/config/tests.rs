use super::*;

fn parse(text: &str) -> Config {
    Config::parse(text, Path::new("pyproject.toml")).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Parses `text`, expects a configuration error; returns (message, the text its span covers).
fn fail(text: &str) -> (String, String) {
    match Config::parse(text, Path::new("pyproject.toml")) {
        Ok(config) => panic!("accepted: {config:?}"),
        Err(error) => {
            let config = error
                .as_config()
                .unwrap_or_else(|| panic!("not a config error: {error:?}"));
            (config.message.clone(), config.snippet().to_string())
        }
    }
}

fn source(uri: &str, develop: bool, rename_to_init: bool) -> DependencySource {
    DependencySource {
        uri: uri.to_string(),
        develop,
        rename_to_init,
    }
}

#[test]
fn no_tool_belay_gives_defaults() {
    let config = parse("[project]\nname = \"x\"\n");
    assert_eq!(config, Config::default());
    assert!(!config.has_tool_belay);
    assert_eq!(
        config.dependencies_path,
        PathBuf::from(".belay/dependencies")
    );
    assert_eq!(config.mpy_version, "py");
    assert_eq!(config.ignore_patterns(), DEFAULT_IGNORE);
    let settings = Settings::new("/c");
    assert_eq!(
        config.indices(&settings),
        vec!["https://micropython.org/pi/v2"]
    );
}

#[test]
fn every_key() {
    let config = parse(
        r#"
[tool.belay]
name = "proj"
ignore = ["*.txt"]
dependencies_path = "proj/dependencies"
mpy_version = "6"
package_indices = ["https://a.example/pi", "http://127.0.0.1:8000"]
bogus = 1

[tool.belay.dependencies]
aiohttp = "*"
pinned = "1.2.3"
named = "latest"
single = "../local/single.py"
other = {uri = "../local/single.py", rename_to_init = false}
devel = {uri = "../local/pkgdir", develop = true}
listy = ["../local/single.py", {uri = "github:u/r/x.py", rename_to_init = true}]
tabled = {uri = "2.0"}

[tool.belay.group.dev]
optional = true
[tool.belay.group.dev.dependencies]
pytest_stub = "github:u/stubs"

[tool.belay.group.test.dependencies]
unittest = "*"
"#,
    );
    assert!(config.has_tool_belay);
    assert_eq!(config.name.as_deref(), Some("proj"));
    assert_eq!(config.ignore_patterns(), vec!["*.txt"]);
    assert_eq!(config.dependencies_path, PathBuf::from("proj/dependencies"));
    assert_eq!(config.mpy_version, "6");
    let settings = Settings::new("/c");
    assert_eq!(
        config.indices(&settings),
        vec!["https://a.example/pi", "http://127.0.0.1:8000"]
    );
    let deps: Vec<(&str, &[DependencySource])> = config
        .dependencies
        .iter()
        .map(|d| (d.name.as_str(), d.sources.as_slice()))
        .collect();
    assert_eq!(
        deps,
        vec![
            ("aiohttp", &[source("aiohttp", false, true)][..]),
            ("pinned", &[source("pinned@1.2.3", false, true)][..]),
            ("named", &[source("named", false, true)][..]),
            ("single", &[source("../local/single.py", false, true)][..]),
            ("other", &[source("../local/single.py", false, false)][..]),
            ("devel", &[source("../local/pkgdir", true, true)][..]),
            (
                "listy",
                &[
                    source("../local/single.py", false, false),
                    source("github:u/r/x.py", false, true)
                ][..]
            ),
            ("tabled", &[source("tabled@2.0", false, true)][..]),
        ]
    );
    assert_eq!(config.groups.len(), 2);
    let dev = &config.groups["dev"];
    assert!(dev.optional);
    assert_eq!(dev.dependencies[0].name, "pytest_stub");
    let test = &config.groups["test"];
    assert!(!test.optional);
    assert_eq!(
        test.dependencies[0].sources,
        vec![source("unittest", false, true)]
    );
    assert_eq!(config.group_dependencies("main").unwrap().len(), 8);
    assert!(config.group_dependencies("nope").is_none());
}

#[test]
fn dependency_spans_point_at_keys() {
    let text = "[tool.belay.dependencies]\nfoo = \"x\"\nbar = \"y\"\n";
    let config = parse(text);
    let span = config.dependencies[1].span.clone().unwrap();
    assert_eq!(&text[span], "bar");
}

#[test]
fn inline_and_dotted_forms() {
    let config = parse("[tool]\nbelay = { name = \"p\", dependencies = { a = \"github:u/a\" } }\n");
    assert_eq!(config.name.as_deref(), Some("p"));
    assert_eq!(
        config.dependencies[0].sources,
        vec![source("github:u/a", false, true)]
    );
    let config = parse("[tool.belay]\ndependencies.b = \"github:u/b\"\ngroup.x.optional = true\n");
    assert_eq!(config.dependencies[0].name, "b");
    assert!(config.groups["x"].optional);
}

#[test]
fn array_of_tables_is_the_list_form() {
    let config = parse(
        "[[tool.belay.dependencies.multi]]\nuri = \"../a.py\"\n[[tool.belay.dependencies.multi]]\nuri = \"../b\"\ndevelop = true\n",
    );
    assert_eq!(
        config.dependencies[0].sources,
        vec![source("../a.py", false, false), source("../b", true, false)]
    );
}

#[test]
fn empty_package_indices_means_none() {
    let config = parse("[tool.belay]\npackage_indices = []\n");
    assert_eq!(config.indices(&Settings::new("/c")), Vec::<String>::new());
    let mut settings = Settings::new("/c");
    settings.package_index = Some("http://mirror/pi".into());
    let config = parse("[tool.belay]\n");
    assert_eq!(config.indices(&settings), vec!["http://mirror/pi"]);
}

#[test]
fn explicit_empty_ignore() {
    let config = parse("[tool.belay]\nignore = []\n");
    assert_eq!(config.ignore_patterns(), Vec::<String>::new());
}

#[test]
fn version_transform() {
    assert_eq!(transform_version_uri("foo", "*").unwrap(), "foo");
    assert_eq!(transform_version_uri("foo", "latest").unwrap(), "foo");
    assert_eq!(transform_version_uri("foo", "1").unwrap(), "foo@1");
    assert_eq!(
        transform_version_uri("foo", "1.0.10").unwrap(),
        "foo@1.0.10"
    );
    assert_eq!(transform_version_uri("foo", "v1.0").unwrap(), "v1.0");
    assert_eq!(transform_version_uri("foo", "1.").unwrap(), "1.");
    assert_eq!(
        transform_version_uri("foo", "github:u/r").unwrap(),
        "github:u/r"
    );
    for range in ["^1.0", "~1", ">=1", "<2", "==1.0", "!=3"] {
        assert_eq!(
            transform_version_uri("foo", range).unwrap_err(),
            format!(
                "Version ranges are not supported: foo = \"{range}\". Use \"*\" for latest or an exact version like \"1.0.0\"."
            )
        );
    }
}

#[test]
fn errors_point_at_the_offending_text() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[tool.belay.dependencies]\nfoo-bar = \"x\"\n",
            "Dependency name \"foo-bar\" must be a valid Python identifier.",
            "foo-bar",
        ),
        (
            "[tool.belay.group.dev.dependencies]\n\"1x\" = \"x\"\n",
            "Dependency name \"1x\" must be a valid Python identifier.",
            "\"1x\"",
        ),
        (
            "[tool.belay.dependencies]\nfoo = \">=1.0\"\n",
            "Version ranges are not supported: foo = \">=1.0\". Use \"*\" for latest or an exact version like \"1.0.0\".",
            "\">=1.0\"",
        ),
        (
            "[tool.belay.dependencies]\nfoo = {uri = \"^2\"}\n",
            "Version ranges are not supported: foo = \"^2\". Use \"*\" for latest or an exact version like \"1.0.0\".",
            "\"^2\"",
        ),
        (
            "[tool.belay.dependencies]\nfoo = [[\"a\"]]\n",
            "Cannot have double nested lists in dependency specification.",
            "[\"a\"]",
        ),
        (
            "[tool.belay.dependencies]\nfoo = 3\n",
            "Dependency \"foo\" must be a URI string, a list of sources or a table with `uri`",
            "3",
        ),
        (
            "[tool.belay.dependencies]\nfoo = [\"a\", 3]\n",
            "Each source of \"foo\" must be a URI string or a table with `uri`",
            "3",
        ),
        (
            "[tool.belay.dependencies]\nfoo = {develop = true}\n",
            "Dependency \"foo\": `uri` is required",
            "{develop = true}",
        ),
        (
            "[tool.belay.dependencies]\nfoo = {uri = \"x\", develop = \"yes\"}\n",
            "`develop` must be true or false",
            "\"yes\"",
        ),
        (
            "[tool.belay.dependencies]\nfoo = [{uri = \"../a.py\", rename_to_init = true}, {uri = \"../b.py\", rename_to_init = true}]\n",
            "foo has more than 1 dependency marked with \"rename_to_init\".",
            "foo",
        ),
        (
            // Checked for the main group too (Belay only checked it later).
            "[tool.belay.dependencies]\nfoo = [{uri = \"../a.py\", rename_to_init = true}, {uri = \"../b.py\", rename_to_init = true}]\n[tool.belay.group.g.dependencies]\n",
            "foo has more than 1 dependency marked with \"rename_to_init\".",
            "foo",
        ),
        (
            "[tool.belay.group.main.dependencies]\nx = \"y\"\n",
            "Specify \"main\" group dependencies under \"tool.belay.dependencies\", not \"tool.belay.group.main.dependencies\"",
            "main",
        ),
        (
            "[tool.belay.group.\"../escape\".dependencies]\nx = \"y\"\n",
            "Invalid group name \"../escape\": it must be usable as a folder name",
            "\"../escape\"",
        ),
        (
            "[tool.belay]\nmpy_version = \"\"\n",
            "mpy_version cannot be empty",
            "\"\"",
        ),
        (
            "[tool.belay]\nmpy_version = \"6a\"\n",
            "Invalid mpy_version: \"6a\". Use \"py\" for pure Python or a number like \"6\" for compiled .mpy format.",
            "\"6a\"",
        ),
        (
            "[tool.belay]\nmpy_version = 6\n",
            "mpy_version must be a string",
            "6",
        ),
        (
            "[tool.belay]\npackage_indices = [\"https://ok.example\", \"ftp://x.example/pi\"]\n",
            "Invalid package index URL (must be http:// or https://): ftp://x.example/pi",
            "\"ftp://x.example/pi\"",
        ),
        (
            "[tool.belay]\npackage_indices = [\"micropython.org/pi\"]\n",
            "Invalid package index URL (must be http:// or https://): micropython.org/pi",
            "\"micropython.org/pi\"",
        ),
        (
            "[tool.belay]\npackage_indices = [\"https:///pi\"]\n",
            "Invalid package index URL (missing host): https:///pi",
            "\"https:///pi\"",
        ),
        (
            "[tool.belay]\npackage_indices = \"https://x.example\"\n",
            "`package_indices` must be a list of URLs",
            "\"https://x.example\"",
        ),
        ("[tool.belay]\nname = 5\n", "`name` must be a string", "5"),
        (
            "[tool.belay]\nignore = \"*.pyc\"\n",
            "`ignore` must be a list of strings",
            "\"*.pyc\"",
        ),
        (
            "[tool.belay.group.dev]\noptional = 1\n",
            "`optional` must be true or false",
            "1",
        ),
        (
            "[tool.belay.dependencies]\nbad = \"github:x\"\n",
            "invalid source \"github:x\": Invalid github URL: github:x (expected github:user/repo[/path])",
            "\"github:x\"",
        ),
        (
            "[tool.belay.dependencies]\nweird = \"s3://bucket/x.py\"\n",
            "invalid source \"s3://bucket/x.py\": unsupported scheme \"s3\" (use an index name, mip:, github:, gitlab:, http(s):// or a local path)",
            "\"s3://bucket/x.py\"",
        ),
        (
            "[tool.belay.dependencies]\nempty = \"\"\n",
            "The source of \"empty\" is empty",
            "\"\"",
        ),
        ("[tool]\nbelay = 3\n", "`tool.belay` must be a table", "3"),
    ];
    for (text, message, snippet) in cases {
        let (got_message, got_snippet) = fail(text);
        assert_eq!(&got_message, message, "in:\n{text}");
        assert_eq!(&got_snippet, snippet, "span of {message:?} in:\n{text}");
    }
}

#[test]
fn toml_syntax_errors_have_a_span() {
    let text = "[tool.belay]\nname = \"unterminated\n";
    let error = Config::parse(text, Path::new("p/pyproject.toml")).unwrap_err();
    let config = error.as_config().expect("config error");
    assert!(
        config.message.starts_with("invalid TOML"),
        "{}",
        config.message
    );
    assert!(config.span.offset() >= "[tool.belay]\nname = ".len());
    assert_eq!(config.src.name(), "p/pyproject.toml");
}

#[test]
fn diagnostic_renders_the_snippet() {
    let text = "[tool.belay.dependencies]\nfoo-bar = \"x\"\n";
    let error = Config::parse(text, Path::new("pyproject.toml")).unwrap_err();
    let mut rendered = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut rendered, &error)
        .unwrap();
    assert!(rendered.contains("pyproject.toml:2:1"), "{rendered}");
    assert!(rendered.contains("foo-bar = \"x\""), "{rendered}");
    assert!(rendered.contains("not an identifier"), "{rendered}");
    assert!(rendered.contains("name it `foo_bar`"), "{rendered}");
}

#[test]
fn dependency_values_as_add_writes_them() {
    let dependency = parse_dependency_value("foo", Value::from("1.0")).unwrap();
    assert_eq!(dependency.sources, vec![source("foo@1.0", false, true)]);
    let mut table = toml_edit::InlineTable::new();
    table.insert("uri", Value::from("../x.py"));
    table.insert("rename_to_init", Value::from(false));
    let dependency = parse_dependency_value("foo", Value::InlineTable(table)).unwrap();
    assert_eq!(dependency.sources, vec![source("../x.py", false, false)]);
}

#[test]
fn belay_table_as_json_data() {
    let json = belay_table_as_json(
        "[tool.belay]\nname = \"p\"\nmpy_version = \"6\"\n[tool.belay.dependencies]\na = \"*\"\nb = {uri = \"x\", develop = true}\n",
        Path::new("pyproject.toml"),
    )
    .unwrap();
    assert_eq!(
        serde_json::Value::Object(json),
        serde_json::json!({
            "name": "p",
            "mpy_version": "6",
            "dependencies": {"a": "*", "b": {"uri": "x", "develop": true}}
        })
    );
    let json = belay_table_as_json("[project]\n", Path::new("pyproject.toml")).unwrap();
    assert!(json.is_empty());
}
