use super::*;
use crate::index::IndexOptions;
use crate::index::testutil::{LocalIndex, Recorder, files_dir, settings, target};
use crate::requirements::RequirementSet;

/// The real shape of rich 13.9 and its dependencies (their Requires-Dist lines).
fn rich_index() -> LocalIndex {
    let mut index = LocalIndex::new();
    index
        .wheel(
            "rich",
            "13.9.4",
            &[
                "Requires-Python: >=3.8.0",
                "Provides-Extra: jupyter",
                "Requires-Dist: ipywidgets (>=7.5.1,<9) ; extra == \"jupyter\"",
                "Requires-Dist: markdown-it-py (>=2.2.0)",
                "Requires-Dist: pygments (>=2.13.0,<3.0.0)",
                "Requires-Dist: typing-extensions (>=4.0.0,<5.0) ; python_version < \"3.11\"",
            ],
        )
        .wheel(
            "rich",
            "12.0.0",
            &["Requires-Dist: pygments (>=2.6.0,<3.0.0)"],
        )
        .wheel(
            "markdown-it-py",
            "3.0.0",
            &["Requires-Python: >=3.8", "Requires-Dist: mdurl~=0.1"],
        )
        .wheel("markdown-it-py", "2.2.0", &["Requires-Dist: mdurl~=0.1"])
        .wheel("mdurl", "0.1.2", &["Requires-Python: >=3.7"])
        .wheel("mdurl", "0.1.0", &[])
        .wheel("pygments", "2.18.0", &["Requires-Python: >=3.8"])
        .wheel("pygments", "2.17.2", &[])
        .wheel("typing-extensions", "4.12.2", &[])
        .wheel(
            "ipywidgets",
            "8.1.5",
            &["Requires-Dist: colorama ; sys_platform == 'win32'"],
        )
        .wheel("colorama", "0.4.6", &[]);
    index
}

struct Setup {
    requirements: RequirementSet,
    no_deps: bool,
    upgrade: bool,
    installed: Vec<crate::installed::Installed>,
}

impl Setup {
    fn new(args: &[&str]) -> Setup {
        let mut requirements = RequirementSet::default();
        requirements
            .add_arguments(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
            .unwrap();
        Setup {
            requirements,
            no_deps: false,
            upgrade: false,
            installed: Vec::new(),
        }
    }

    fn resolve(&self, local: &LocalIndex) -> crate::Result<Resolution> {
        self.resolve_with(local.options())
    }

    fn resolve_with(&self, options: IndexOptions) -> crate::Result<Resolution> {
        self.resolve_reporting(options, &crate::Silent)
    }

    fn resolve_reporting(
        &self,
        options: IndexOptions,
        report: &dyn crate::Report,
    ) -> crate::Result<Resolution> {
        let cache = tempfile::tempdir().unwrap();
        let settings = settings(cache.path());
        let target = target();
        let index = Index::new(&options, &settings, report);
        let request = Request {
            requirements: &self.requirements,
            target: &target,
            no_deps: self.no_deps,
            installed: &self.installed,
            upgrade: self.upgrade,
        };
        resolve(&request, &index)
    }
}

fn pins(resolution: &Resolution) -> Vec<String> {
    resolution.dists.iter().map(Resolved::pin).collect()
}

#[test]
fn rich_and_its_dependencies_quickly() {
    let local = rich_index();
    let started = std::time::Instant::now();
    let resolution = Setup::new(&["rich"]).resolve(&local).unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    // typing-extensions is for Python < 3.11 only; the newest of everything else.
    assert_eq!(
        pins(&resolution),
        [
            "markdown-it-py==3.0.0",
            "mdurl==0.1.2",
            "pygments==2.18.0",
            "rich==13.9.4"
        ]
    );
    let rich = &resolution.dists[3];
    assert!(rich.requested && !resolution.dists[0].requested);
    let file = rich.file.as_ref().unwrap();
    assert_eq!(file.filename, "rich-13.9.4-py3-none-any.whl");
    assert!(file.sha256.is_some());
    assert_eq!(rich.local, None);
    // Deterministic.
    assert_eq!(Setup::new(&["rich"]).resolve(&local).unwrap(), resolution);
}

#[test]
fn each_page_is_asked_once() {
    let local = rich_index();
    let recorder = Recorder::default();
    Setup::new(&["rich[jupyter]"])
        .resolve_reporting(local.options(), &recorder)
        .unwrap();
    let events = recorder.0.lock().unwrap().clone();
    let mut queried: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Querying { project, .. } => Some(project.as_str()),
            _ => None,
        })
        .collect();
    let count = queried.len();
    queried.sort_unstable();
    queried.dedup();
    assert_eq!(count, queried.len(), "{events:?}");
    assert!(matches!(events.last(), Some(Event::Resolved(pins)) if pins.len() == 5));
}

#[test]
fn extras_and_markers() {
    let local = rich_index();
    let resolution = Setup::new(&["rich[jupyter]>=13"]).resolve(&local).unwrap();
    // colorama is for Windows only.
    assert_eq!(
        pins(&resolution),
        [
            "ipywidgets==8.1.5",
            "markdown-it-py==3.0.0",
            "mdurl==0.1.2",
            "pygments==2.18.0",
            "rich==13.9.4"
        ]
    );
    let rich = resolution
        .dists
        .iter()
        .find(|d| d.name.as_ref() == "rich")
        .unwrap();
    assert_eq!(rich.extras.len(), 1);
    assert_eq!(rich.extras[0].as_ref(), "jupyter");
    // A marker on the requirement itself, for the embedded interpreter.
    let resolution = Setup::new(&[
        "rich ; implementation_name == 'rustpython'",
        "colorama ; platform_python_implementation == 'CPython'",
    ])
    .resolve(&local)
    .unwrap();
    assert_eq!(resolution.dists.len(), 4);
}

#[test]
fn requires_python_of_files_and_metadata() {
    let mut local = LocalIndex::new();
    local
        .wheel("a", "3.0", &["Requires-Python: >=3.15"])
        .file(
            "a",
            "2.0",
            "py3-none-any",
            &[],
            "data-requires-python=\"&gt;=4\"",
        )
        .wheel("a", "1.0", &["Requires-Python: >=3.8"]);
    let resolution = Setup::new(&["a"]).resolve(&local).unwrap();
    assert_eq!(pins(&resolution), ["a==1.0"]);
    let error = Setup::new(&["a>=2"]).resolve(&local).unwrap_err();
    assert!(
        matches!(error, crate::Error::NoInstallableFile { .. })
            || matches!(error, crate::Error::Conflict { .. }),
        "{error:?}"
    );
}

#[test]
fn yanked_only_when_pinned() {
    let mut local = LocalIndex::new();
    local
        .file("a", "2.0", "py3-none-any", &[], "data-yanked=\"broken\"")
        .wheel("a", "1.0", &[]);
    assert_eq!(
        pins(&Setup::new(&["a"]).resolve(&local).unwrap()),
        ["a==1.0"]
    );
    assert_eq!(
        pins(&Setup::new(&["a==2.0"]).resolve(&local).unwrap()),
        ["a==2.0"]
    );
}

#[test]
fn pre_releases_when_asked_or_named_or_alone() {
    let mut local = LocalIndex::new();
    local
        .wheel("a", "2.0b1", &[])
        .wheel("a", "1.0", &[])
        .wheel("only-pre", "1.0rc1", &[])
        .wheel("b", "1.0", &["Requires-Dist: a>=2.0b1"]);
    assert_eq!(
        pins(&Setup::new(&["a"]).resolve(&local).unwrap()),
        ["a==1.0"]
    );
    assert_eq!(
        pins(&Setup::new(&["a>=2.0a1"]).resolve(&local).unwrap()),
        ["a==2.0b1"]
    );
    let mut options = local.options();
    options.pre = true;
    assert_eq!(
        pins(&Setup::new(&["a"]).resolve_with(options).unwrap()),
        ["a==2.0b1"]
    );
    assert_eq!(
        pins(&Setup::new(&["only-pre"]).resolve(&local).unwrap()),
        ["only-pre==1.0rc1"]
    );
    // A dependency's specifier that names a pre-release allows it.
    assert_eq!(
        pins(&Setup::new(&["b"]).resolve(&local).unwrap()),
        ["a==2.0b1", "b==1.0"]
    );
}

#[test]
fn constraints_no_deps_and_hashes() {
    let local = rich_index();
    let temp = tempfile::tempdir().unwrap();
    let constraints = temp.path().join("c.txt");
    std::fs::write(
        &constraints,
        "pygments<2.18\nmarkdown-it-py==2.2.0\nunrelated==1\n",
    )
    .unwrap();
    let mut setup = Setup::new(&["rich"]);
    setup.requirements.add_constraints(&constraints).unwrap();
    assert_eq!(
        pins(&setup.resolve(&local).unwrap()),
        [
            "markdown-it-py==2.2.0",
            "mdurl==0.1.2",
            "pygments==2.17.2",
            "rich==13.9.4"
        ]
    );
    let mut setup = Setup::new(&["rich[jupyter]"]);
    setup.no_deps = true;
    let resolution = setup.resolve(&local).unwrap();
    assert_eq!(pins(&resolution), ["rich==13.9.4"]);
    let requirements = temp.path().join("r.txt");
    let hash = "ab".repeat(32);
    std::fs::write(
        &requirements,
        format!("mdurl==0.1.2 --hash=sha256:{hash}\n"),
    )
    .unwrap();
    let mut setup = Setup::new(&[]);
    setup.requirements.add_file(&requirements).unwrap();
    let resolution = setup.resolve(&local).unwrap();
    assert_eq!(resolution.dists[0].hashes, std::slice::from_ref(&hash));
    // Hash-checking mode: every requirement pinned, every distribution hashed.
    std::fs::write(
        &requirements,
        format!("markdown-it-py==2.2.0 --hash=sha256:{hash}\n"),
    )
    .unwrap();
    let mut setup = Setup::new(&[]);
    setup.requirements.add_file(&requirements).unwrap();
    let error = setup.resolve(&local).unwrap_err();
    assert!(
        error.to_string().contains("none for mdurl==0.1.2"),
        "{error}"
    );
    std::fs::write(
        &requirements,
        format!("markdown-it-py>=2 --hash=sha256:{hash}\n"),
    )
    .unwrap();
    let mut setup = Setup::new(&[]);
    setup.requirements.add_file(&requirements).unwrap();
    let error = setup.resolve(&local).unwrap_err();
    assert!(error.to_string().contains("r.txt:1: "), "{error}");
    assert!(error.to_string().contains("pinned with =="), "{error}");
}

/// An installed distribution whose METADATA requires `requires`.
fn installed(name: &str, version: &str, requires: &[&str]) -> crate::installed::Installed {
    let text = format!(
        "Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{}",
        requires
            .iter()
            .map(|r| format!("Requires-Dist: {r}\n"))
            .collect::<String>()
    );
    let metadata = crate::metadata::Metadata::parse(&text, "METADATA").unwrap();
    crate::installed::Installed {
        name: metadata.name.clone(),
        display_name: name.to_string(),
        version: metadata.version.clone(),
        dist_info: std::path::PathBuf::from(format!("{name}-{version}.dist-info")),
        metadata,
        installer: None,
        requested: true,
    }
}

#[test]
fn a_kept_installed_version_still_brings_its_requirements() {
    // markdown-it-py 2.2.0 is installed, mdurl (which it requires) is not any more.
    let local = rich_index();
    let mut setup = Setup::new(&["markdown-it-py"]);
    setup.installed = vec![installed("markdown-it-py", "2.2.0", &["mdurl~=0.1"])];
    let resolution = setup.resolve(&local).unwrap();
    assert_eq!(pins(&resolution), ["markdown-it-py==2.2.0", "mdurl==0.1.2"]);
    assert_eq!(resolution.dists[0].file, None, "markdown-it-py is kept");
    assert!(resolution.dists[1].file.is_some(), "mdurl is installed");
}

#[test]
fn installed_versions_are_kept_unless_upgrading() {
    let local = rich_index();
    let mut setup = Setup::new(&["mdurl"]);
    setup.installed = vec![installed("mdurl", "0.1.0", &[])];
    let resolution = setup.resolve(&local).unwrap();
    assert_eq!(pins(&resolution), ["mdurl==0.1.0"]);
    assert_eq!(resolution.dists[0].file, None);
    setup.upgrade = true;
    let resolution = setup.resolve(&local).unwrap();
    assert_eq!(pins(&resolution), ["mdurl==0.1.2"]);
    assert!(resolution.dists[0].file.is_some());
    // `-U` upgrades what was named, not its installed dependencies (pip's only-if-needed).
    let mut setup = Setup::new(&["markdown-it-py"]);
    setup.installed = vec![
        installed("mdurl", "0.1.0", &[]),
        installed("markdown-it-py", "2.2.0", &["mdurl~=0.1"]),
    ];
    setup.upgrade = true;
    assert_eq!(
        pins(&setup.resolve(&local).unwrap()),
        ["markdown-it-py==3.0.0", "mdurl==0.1.0"]
    );
    // A requirement that excludes the installed version replaces it.
    let mut setup = Setup::new(&["mdurl>0.1.0"]);
    setup.installed = vec![installed("mdurl", "0.1.0", &[])];
    assert_eq!(pins(&setup.resolve(&local).unwrap()), ["mdurl==0.1.2"]);
}

#[test]
fn local_wheels_and_direct_urls() {
    let local = rich_index();
    let wheel = files_dir(&local).join("markdown_it_py-2.2.0-py3-none-any.whl");
    let mut options = local.options();
    options.no_index = false;
    let resolution = Setup::new(&[wheel.to_str().unwrap()])
        .resolve(&local)
        .unwrap();
    assert_eq!(pins(&resolution), ["markdown-it-py==2.2.0", "mdurl==0.1.2"]);
    assert_eq!(resolution.dists[0].local.as_deref(), Some(wheel.as_path()));
    assert!(resolution.dists[0].requested);
    let url = url::Url::from_file_path(&wheel).unwrap();
    let resolution = Setup::new(&[&format!("markdown-it-py @ {url}")])
        .resolve(&local)
        .unwrap();
    assert_eq!(pins(&resolution), ["markdown-it-py==2.2.0", "mdurl==0.1.2"]);
    // A local wheel for another Python is refused, naming both.
    let mut other = LocalIndex::new();
    other.wheel("new-only", "1.0", &["Requires-Python: >=3.15"]);
    let path = files_dir(&other).join("new_only-1.0-py3-none-any.whl");
    let error = Setup::new(&[path.to_str().unwrap()])
        .resolve(&local)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "new_only-1.0-py3-none-any.whl requires Python >=3.15, and belay-run's interpreter is Python 3.14.0"
    );
    // The direct URL's version decides against other requirements.
    let error = Setup::new(&[&format!("markdown-it-py @ {url}"), "markdown-it-py>=3"])
        .resolve(&local)
        .unwrap_err();
    assert!(matches!(error, crate::Error::Conflict { .. }), "{error}");
}

#[test]
fn a_conflict_is_a_derivation() {
    let mut local = LocalIndex::new();
    local
        .wheel("a", "1.0", &["Requires-Dist: c<2"])
        .wheel("b", "1.0", &["Requires-Dist: c>=2"])
        .wheel("c", "1.0", &[])
        .wheel("c", "2.0", &[]);
    let error = Setup::new(&["a", "b"]).resolve(&local).unwrap_err();
    let crate::Error::Conflict { explanation } = &error else {
        panic!("{error:?}");
    };
    assert!(
        explanation.contains("a ==1.0 depends on c <2"),
        "{explanation}"
    );
    assert!(explanation.contains("b depends on c >=2"), "{explanation}");
    assert!(explanation.contains("you require a"), "{explanation}");
    assert!(explanation.contains("cannot be met"), "{explanation}");
    assert!(!explanation.contains(" *"), "{explanation}");
    assert!(!explanation.contains("<root>"), "{explanation}");
    let error = Setup::new(&["nothing-like-it"])
        .resolve(&local)
        .unwrap_err();
    assert!(error.to_string().contains("nothing-like-it"), "{error}");
}

#[test]
fn only_c_extensions_fail_naming_the_files() {
    let mut local = LocalIndex::new();
    local
        .file(
            "markupsafe",
            "3.0.3",
            "cp314-cp314-manylinux_2_17_x86_64",
            &[],
            "",
        )
        .file("markupsafe", "3.0.3", "cp314-cp314-win_amd64", &[], "");
    let error = Setup::new(&["markupsafe"]).resolve(&local).unwrap_err();
    let crate::Error::NoInstallableFile {
        package,
        files,
        why,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(package, "markupsafe");
    assert!(
        files.contains("markupsafe-3.0.3-cp314-cp314-win_amd64.whl"),
        "{files}"
    );
    assert!(why.contains("C extensions"), "{why}");
}

#[test]
fn an_extra_a_project_does_not_provide_is_a_warning() {
    let local = rich_index();
    let recorder = Recorder::default();
    let resolution = Setup::new(&["mdurl[nope]"])
        .resolve_reporting(local.options(), &recorder)
        .unwrap();
    assert_eq!(pins(&resolution), ["mdurl==0.1.2"]);
    let events = recorder.0.lock().unwrap().clone();
    assert!(
        events.contains(&Event::Warning(
            "mdurl 0.1.2 does not provide the extra 'nope'".to_string()
        )),
        "{events:?}"
    );
}

#[test]
fn an_http_index_is_read_ahead_and_each_page_once() {
    let local = rich_index();
    let server = crate::index::testutil::Server::start();
    local.serve(&server);
    let options = IndexOptions {
        index_url: Some(server.url("/simple")),
        ..Default::default()
    };
    let setup = Setup::new(&["rich[jupyter]"]);
    let over_http = setup.resolve_with(options).unwrap();
    let from_files = setup.resolve(&local).unwrap();
    assert_eq!(pins(&over_http), pins(&from_files));
    for project in ["rich", "markdown-it-py", "mdurl", "pygments", "ipywidgets"] {
        assert_eq!(server.hits(&format!("/simple/{project}/")), 1, "{project}");
    }
    // colorama is for Windows only, typing-extensions for Python < 3.11: never asked.
    assert_eq!(server.hits("/simple/colorama/"), 0);
    assert_eq!(server.hits("/simple/typing-extensions/"), 0);
    assert_eq!(server.hits("/files/rich-13.9.4-py3-none-any.whl"), 1);
}
