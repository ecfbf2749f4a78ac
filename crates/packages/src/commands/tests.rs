use super::*;
use crate::events::Silent;
use crate::manifest::Manifest;
use crate::testutil::{Recorder, Server, fast_settings, short_hash, tree, write_files};
use std::collections::BTreeMap;
use std::path::Path;

/// A project in a temporary folder, next to a `local/` folder of sources, with an index server.
struct Fixture {
    _temp: tempfile::TempDir,
    base: PathBuf,
    root: PathBuf,
    settings: Settings,
    server: Server,
}

impl Fixture {
    fn new(pyproject: &str) -> Fixture {
        let temp = tempfile::tempdir().unwrap();
        let base = temp.path().to_path_buf();
        let server = Server::start();
        let root = base.join("project");
        std::fs::create_dir_all(&root).unwrap();
        let mut settings = fast_settings(&base.join("cache"));
        settings.package_index = Some(server.url("/pi"));
        settings.github_raw = server.url("/raw");
        settings.gitlab = server.url("/gl");
        let fixture = Fixture {
            _temp: temp,
            base,
            root,
            settings,
            server,
        };
        fixture.pyproject(pyproject);
        fixture
    }

    /// Rewrites pyproject.toml; `{server}` becomes the server's base URL.
    fn pyproject(&self, text: &str) {
        let text = text.replace("{server}", &self.server.url(""));
        std::fs::write(self.root.join("pyproject.toml"), text).unwrap();
    }

    fn local(&self, files: &[(&str, &str)]) {
        write_files(&self.base.join("local"), files);
    }

    fn project(&self) -> Project {
        Project::discover(&self.root).unwrap()
    }

    fn update(&self) -> Result<UpdateOutcome> {
        update(&self.project(), &self.settings, &[], &Silent)
    }

    fn deps(&self) -> PathBuf {
        self.root.join(".belay/dependencies")
    }

    /// The dependencies tree as `path = content` lines.
    fn tree(&self) -> Vec<String> {
        tree(&self.deps())
    }

    fn manifest(&self) -> Manifest {
        Manifest::load(&self.root.join(".belay/belay-run-packages.json"))
            .unwrap()
            .expect("a manifest")
            .unwrap()
    }

    /// Publishes tinypkg (a folder package depending on tinydep) and tinydep (one file).
    fn publish_tinypkg(&self) {
        self.server.index_package(
            "tinypkg",
            "1.0",
            &[
                ("tinypkg/__init__.py", b"from tinypkg.sub import x\n"),
                ("tinypkg/sub.py", b"x = 1\n"),
            ],
            &[("tinydep", "latest")],
        );
        self.server
            .index_package("tinydep", "0.1", &[("tinydep.py", b"DEP = 1\n")], &[]);
    }
}

fn lines(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn belay_layouts_for_local_sources() {
    let fixture = Fixture::new(
        r#"[tool.belay.dependencies]
single = "../local/single.py"
other = {uri = "../local/single.py", rename_to_init = false}
pkgdir = "../local/pkgdir"
listy = ["../local/single.py", "../local/pkgdir"]
compiled = "../local/comp.mpy"

[tool.belay.group.dev.dependencies]
devsingle = "../local/single.py"
"#,
    );
    fixture.local(&[
        ("single.py", "S = 1\n"),
        ("comp.mpy", "M\x06"),
        ("pkgdir/__init__.py", "P = 1\n"),
        ("pkgdir/sub/mod.py", "Q = 2\n"),
        ("pkgdir/data.txt", "not python ("),
    ]);
    let outcome = fixture.update().unwrap();
    assert_eq!(outcome.updated.len(), 6);
    assert_eq!(
        fixture.tree(),
        lines(&[
            "dev/",
            "dev/devsingle/",
            "dev/devsingle/__init__.py = S = 1\n",
            "main/",
            "main/compiled/",
            "main/compiled/__init__.mpy = M\u{6}",
            "main/listy/",
            "main/listy/__init__.py = P = 1\n",
            "main/listy/data.txt = not python (",
            "main/listy/single.py = S = 1\n",
            "main/listy/sub/",
            "main/listy/sub/mod.py = Q = 2\n",
            "main/other/",
            "main/other/single.py = S = 1\n",
            "main/pkgdir/",
            "main/pkgdir/__init__.py = P = 1\n",
            "main/pkgdir/data.txt = not python (",
            "main/pkgdir/sub/",
            "main/pkgdir/sub/mod.py = Q = 2\n",
            "main/single/",
            "main/single/__init__.py = S = 1\n",
        ])
    );
    // The manifest lives outside the tree.
    let manifest = fixture.manifest();
    let record = manifest.record("main", "listy").unwrap();
    assert_eq!(record.entries, BTreeSet::from(["listy".to_string()]));
    assert_eq!(record.sources, ["../local/single.py", "../local/pkgdir"]);
    assert_eq!(record.files.len(), 4);
}

#[test]
fn index_packages_land_where_mip_puts_them() {
    let fixture = Fixture::new("[tool.belay.dependencies]\ntinypkg = \"*\"\n");
    fixture.publish_tinypkg();
    fixture.update().unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/tinydep.py = DEP = 1\n",
            "main/tinypkg/",
            "main/tinypkg/__init__.py = from tinypkg.sub import x\n",
            "main/tinypkg/sub.py = x = 1\n",
        ])
    );
    let manifest = fixture.manifest();
    let record = manifest.record("main", "tinypkg").unwrap();
    assert_eq!(
        record.entries,
        BTreeSet::from(["tinydep.py".to_string(), "tinypkg".to_string()])
    );
    assert_eq!(
        record.versions,
        BTreeMap::from([
            ("tinydep".to_string(), "0.1".to_string()),
            ("tinypkg".to_string(), "1.0".to_string())
        ])
    );
    let paths: Vec<&str> = record.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        ["tinydep.py", "tinypkg/__init__.py", "tinypkg/sub.py"]
    );
    assert_eq!(
        record.files[0].sha256,
        crate::fsutil::sha256_hex(b"DEP = 1\n")
    );
}

#[test]
fn a_single_file_index_package_is_at_the_root() {
    let fixture = Fixture::new("[tool.belay.dependencies]\ntinydep = \"0.1\"\n");
    fixture.publish_tinypkg();
    fixture.update().unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&["main/", "main/tinydep.py = DEP = 1\n"])
    );
    assert_eq!(fixture.server.hits("/pi/package/py/tinydep/0.1.json"), 1);
}

#[test]
fn project_package_indices_win_over_the_settings() {
    let other = Server::start();
    other.index_package("tinydep", "9", &[("tinydep.py", b"OTHER = 1\n")], &[]);
    let fixture = Fixture::new(&format!(
        "[tool.belay]\npackage_indices = [\"{}\"]\n[tool.belay.dependencies]\ntinydep = \"*\"\n",
        other.url("/pi")
    ));
    fixture.publish_tinypkg();
    fixture.update().unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&["main/", "main/tinydep.py = OTHER = 1\n"])
    );
    assert_eq!(fixture.server.total_hits(), 0);
}

#[test]
fn git_and_url_files_keep_belays_layout() {
    let fixture = Fixture::new(
        r#"[tool.belay.dependencies]
x = "github:u/r/path/mod.py"
pinned = "github:u/r/path/mod.py@v1"
web = "https://github.com/u/r/blob/dev/path/mod.py"
lab = "gitlab:g/p/lib/thing.py@main"
plain = "{server}/files/plain.py"
kept = {uri = "{server}/files/plain.py", rename_to_init = false}
"#,
    );
    fixture
        .server
        .file("/raw/u/r/HEAD/path/mod.py", b"HEAD = 1\n");
    fixture.server.file("/raw/u/r/v1/path/mod.py", b"V1 = 1\n");
    fixture
        .server
        .file("/raw/u/r/dev/path/mod.py", b"DEV = 1\n");
    fixture
        .server
        .file("/gl/g/p/-/raw/main/lib/thing.py", b"LAB = 1\n");
    fixture.server.file("/files/plain.py", b"PLAIN = 1\n");
    fixture.update().unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/kept/",
            "main/kept/plain.py = PLAIN = 1\n",
            "main/lab/",
            "main/lab/__init__.py = LAB = 1\n",
            "main/pinned/",
            "main/pinned/__init__.py = V1 = 1\n",
            "main/plain/",
            "main/plain/__init__.py = PLAIN = 1\n",
            "main/web/",
            "main/web/__init__.py = DEV = 1\n",
            "main/x/",
            "main/x/__init__.py = HEAD = 1\n",
        ])
    );
}

#[test]
fn git_package_json_at_a_ref() {
    let fixture =
        Fixture::new("[tool.belay.dependencies]\nlib = \"github:o/lib/pkg/package.json@v3\"\n");
    fixture.server.file(
        "/raw/o/lib/v3/pkg/package.json",
        br#"{"urls": [["lib/__init__.py", "src/lib.py"]], "deps": [["tinydep", "latest"]]}"#,
    );
    fixture
        .server
        .file("/raw/o/lib/v3/pkg/src/lib.py", b"LIB = 3\n");
    fixture.publish_tinypkg();
    fixture.update().unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/lib/",
            "main/lib/__init__.py = LIB = 3\n",
            "main/tinydep.py = DEP = 1\n",
        ])
    );
}

#[test]
fn local_package_json() {
    let fixture =
        Fixture::new("[tool.belay.dependencies]\nthing = \"../local/thing/package.json\"\n");
    fixture.local(&[
        (
            "thing/package.json",
            r#"{"urls": [["thing/__init__.py", "src/thing.py"]]}"#,
        ),
        ("thing/src/thing.py", "T = 1\n"),
    ]);
    fixture.update().unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&["main/", "main/thing/", "main/thing/__init__.py = T = 1\n"])
    );
}

#[test]
fn a_second_update_reports_no_changes() {
    let fixture = Fixture::new(
        "[tool.belay.dependencies]\ntinypkg = \"*\"\nsingle = \"../local/single.py\"\n",
    );
    fixture.publish_tinypkg();
    fixture.local(&[("single.py", "S = 1\n")]);
    let first = fixture.update().unwrap();
    assert_eq!(first.updated.len(), 2);
    let recorder = Recorder::default();
    let second = update(&fixture.project(), &fixture.settings, &[], &recorder).unwrap();
    assert!(second.updated.is_empty());
    assert_eq!(second.unchanged.len(), 2);
    let lines: Vec<String> = recorder
        .events()
        .iter()
        .filter(|e| matches!(e, Event::Updating { .. } | Event::Unchanged { .. }))
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "  • tinypkg: Updating...",
            "  • tinypkg: No changes detected.",
            "  • single: Updating...",
            "  • single: No changes detected."
        ]
    );
    // The index files are served from the cache: they are addressed by their hash.
    let hash = short_hash(b"x = 1\n");
    assert_eq!(
        fixture
            .server
            .hits(&format!("/pi/file/{}/{hash}", &hash[..2])),
        1
    );
}

#[test]
fn update_picks_up_new_versions_and_removes_stale_files() {
    let fixture =
        Fixture::new("[tool.belay.dependencies]\ntinypkg = \"*\"\npkgdir = \"../local/pkgdir\"\n");
    fixture.publish_tinypkg();
    fixture.local(&[
        ("pkgdir/__init__.py", "P = 1\n"),
        ("pkgdir/gone/old.py", "OLD = 1\n"),
    ]);
    fixture.update().unwrap();
    // tinypkg 2.0 no longer ships sub.py nor depends on tinydep.
    fixture.server.index_package(
        "tinypkg",
        "2.0",
        &[("tinypkg/__init__.py", b"V = 2\n")],
        &[],
    );
    std::fs::remove_dir_all(fixture.base.join("local/pkgdir/gone")).unwrap();
    let outcome = fixture.update().unwrap();
    assert_eq!(outcome.updated.len(), 2);
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/pkgdir/",
            "main/pkgdir/__init__.py = P = 1\n",
            "main/tinypkg/",
            "main/tinypkg/__init__.py = V = 2\n",
        ])
    );
    assert_eq!(
        fixture
            .manifest()
            .record("main", "tinypkg")
            .unwrap()
            .versions["tinypkg"],
        "2.0"
    );
}

#[test]
fn a_failed_update_leaves_the_previous_tree() {
    let fixture = Fixture::new(
        "[tool.belay.dependencies]\ntinypkg = \"*\"\nsingle = \"../local/single.py\"\n",
    );
    fixture.publish_tinypkg();
    fixture.local(&[("single.py", "S = 1\n")]);
    fixture.update().unwrap();
    let before = fixture.tree();
    let manifest_before = fixture.manifest();

    // Version 2: one file downloads, the next one fails every attempt.
    let new_sub = b"x = 2\n";
    fixture.server.index_package(
        "tinypkg",
        "2.0",
        &[
            ("tinypkg/__init__.py", b"NEW = 1\n"),
            ("tinypkg/sub.py", new_sub),
        ],
        &[("tinydep", "latest")],
    );
    let hash = short_hash(new_sub);
    let failing = format!("/pi/file/{}/{hash}", &hash[..2]);
    fixture.server.fail_next(&failing, &[500, 500, 500]);
    fixture.local(&[("single.py", "S = 2\n")]);
    let error = fixture.update().unwrap_err();
    assert!(
        matches!(&error, Error::Network { url, attempts: 3, .. } if url.ends_with(&failing)),
        "{error:?}"
    );
    assert_eq!(fixture.tree(), before, "the tree must be untouched");
    assert_eq!(fixture.manifest(), manifest_before);

    // An interrupted body (the connection closes early) fails the same way.
    fixture.server.truncate_next(&failing, 3);
    assert!(fixture.update().is_err());
    assert_eq!(fixture.tree(), before);

    // No temporary folder is left next to the groups.
    let leftovers: Vec<_> = std::fs::read_dir(fixture.deps())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["main"]);

    // Once the server is well, the update goes through.
    fixture.update().unwrap();
    assert!(
        fixture
            .tree()
            .contains(&"main/tinypkg/__init__.py = NEW = 1\n".to_string())
    );
    assert!(
        fixture
            .tree()
            .contains(&"main/single/__init__.py = S = 2\n".to_string())
    );
}

#[test]
fn a_bad_hash_names_the_file_and_both_hashes() {
    let fixture = Fixture::new("[tool.belay.dependencies]\ntinydep = \"*\"\n");
    fixture.publish_tinypkg();
    let good = short_hash(b"DEP = 1\n");
    fixture.server.file(
        &format!("/pi/file/{}/{good}", &good[..2]),
        b"TAMPERED = 1\n",
    );
    let error = fixture.update().unwrap_err();
    let url = fixture
        .server
        .url(&format!("/pi/file/{}/{good}", &good[..2]));
    assert_eq!(
        error.to_string(),
        format!(
            "Hash mismatch for tinydep.py ({url}): expected {good}, got {}",
            short_hash(b"TAMPERED = 1\n")
        )
    );
    // Nothing was created for the failed package (Belay left an empty folder, D7).
    assert!(!fixture.deps().exists());
}

#[test]
fn a_404_is_an_immediate_error_naming_the_url() {
    let fixture =
        Fixture::new("[tool.belay.dependencies]\nmissing = \"{server}/files/missing.py\"\n");
    let error = fixture.update().unwrap_err();
    let url = fixture.server.url("/files/missing.py");
    assert_eq!(error.to_string(), format!("{url} was not found (HTTP 404)"));
    assert_eq!(fixture.server.hits("/files/missing.py"), 1);
}

#[test]
fn python_that_does_not_parse_is_refused() {
    let fixture = Fixture::new("[tool.belay.dependencies]\nbroken = \"../local/broken\"\n");
    fixture.local(&[
        ("broken/__init__.py", "ok = 1\n"),
        ("broken/bad.py", "def f(:\n"),
    ]);
    let error = fixture.update().unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("broken/bad.py is not valid Python: "),
        "{error}"
    );
    assert!(!fixture.deps().join("main").exists());
}

#[test]
fn missing_local_sources() {
    let fixture = Fixture::new("[tool.belay.dependencies]\nnope = \"../local/nope.py\"\n");
    let error = fixture.update().unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("local source \"../local/nope.py\" not found"),
        "{error}"
    );
}

#[test]
fn cycles_fail_the_update() {
    let fixture = Fixture::new("[tool.belay.dependencies]\na = \"*\"\n");
    fixture
        .server
        .index_package("a", "1", &[("a.py", b"")], &[("b", "latest")]);
    fixture
        .server
        .index_package("b", "1", &[("b.py", b"")], &[("a", "latest")]);
    let error = fixture.update().unwrap_err();
    assert_eq!(
        error.to_string(),
        "Circular dependency detected: a -> b -> a"
    );
}

#[test]
fn clean_keeps_files_shared_with_declared_packages() {
    let fixture = Fixture::new("[tool.belay.dependencies]\nalpha = \"*\"\nbeta = \"*\"\n");
    fixture.server.index_package(
        "alpha",
        "1",
        &[("alpha/__init__.py", b"A = 1\n")],
        &[("shared", "latest")],
    );
    fixture.server.index_package(
        "beta",
        "1",
        &[("beta.py", b"B = 1\n")],
        &[("shared", "latest")],
    );
    fixture
        .server
        .index_package("shared", "1", &[("shared.py", b"SH = 1\n")], &[]);
    fixture.update().unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/alpha/",
            "main/alpha/__init__.py = A = 1\n",
            "main/beta.py = B = 1\n",
            "main/shared.py = SH = 1\n",
        ])
    );
    // alpha removed from the project: its folder goes, the shared file stays for beta.
    fixture.pyproject("[tool.belay.dependencies]\nbeta = \"*\"\n");
    let outcome = clean(&fixture.project(), &Silent).unwrap();
    assert_eq!(outcome.removed, vec![fixture.deps().join("main/alpha")]);
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/beta.py = B = 1\n",
            "main/shared.py = SH = 1\n"
        ])
    );
    assert!(fixture.manifest().record("main", "alpha").is_none());
    // beta removed too: everything goes.
    fixture.pyproject("[tool.belay.dependencies]\n");
    clean(&fixture.project(), &Silent).unwrap();
    assert_eq!(fixture.tree(), lines(&["main/"]));
    assert!(fixture.manifest().groups.is_empty());
}

#[test]
fn clean_without_a_manifest_follows_belay() {
    let fixture = Fixture::new(
        "[tool.belay.dependencies]\nfoo = \"../local/foo.py\"\n[tool.belay.group.dev.dependencies]\n",
    );
    write_files(
        &fixture.deps(),
        &[
            ("main/foo/__init__.py", "F"),
            ("main/bar/__init__.py", "B"),
            ("main/stray.py", "S"),
            ("dev/old/__init__.py", "O"),
            ("removed_group/x/__init__.py", "X"),
            ("loose_file.txt", "kept: files at the top are left alone"),
        ],
    );
    let outcome = clean(&fixture.project(), &Silent).unwrap();
    assert_eq!(outcome.removed.len(), 4, "{:?}", outcome.removed);
    assert_eq!(
        fixture.tree(),
        lines(&[
            "dev/",
            "loose_file.txt = kept: files at the top are left alone",
            "main/",
            "main/foo/",
            "main/foo/__init__.py = F",
        ])
    );
    // No manifest was needed, none is written.
    assert!(!fixture.root.join(".belay/belay-run-packages.json").exists());
}

#[test]
fn clean_removes_files_of_undeclared_packages_inside_kept_folders() {
    let fixture = Fixture::new("[tool.belay.dependencies]\none = \"*\"\ntwo = \"*\"\n");
    fixture
        .server
        .index_package("one", "1", &[("lib/one.py", b"")], &[]);
    fixture
        .server
        .index_package("two", "1", &[("lib/two.py", b"")], &[]);
    fixture.update().unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/lib/",
            "main/lib/one.py = ",
            "main/lib/two.py = "
        ])
    );
    fixture.pyproject("[tool.belay.dependencies]\none = \"*\"\n");
    clean(&fixture.project(), &Silent).unwrap();
    assert_eq!(
        fixture.tree(),
        lines(&["main/", "main/lib/", "main/lib/one.py = "])
    );
}

#[test]
fn updating_one_package_keeps_anothers_files_in_a_shared_folder() {
    let fixture = Fixture::new("[tool.belay.dependencies]\none = \"*\"\ntwo = \"*\"\n");
    fixture
        .server
        .index_package("one", "1", &[("lib/one.py", b"ONE = 1\n")], &[]);
    fixture
        .server
        .index_package("two", "1", &[("lib/two.py", b"TWO = 1\n")], &[]);
    fixture.update().unwrap();
    fixture
        .server
        .index_package("one", "2", &[("lib/one.py", b"ONE = 2\n")], &[]);
    let outcome = update(
        &fixture.project(),
        &fixture.settings,
        &["one".to_string()],
        &Silent,
    )
    .unwrap();
    assert_eq!(
        outcome.updated,
        vec![("main".to_string(), "one".to_string())]
    );
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/lib/",
            "main/lib/one.py = ONE = 2\n",
            "main/lib/two.py = TWO = 1\n",
        ])
    );
}

#[test]
fn update_only_named_packages_and_warn_about_unknown_ones() {
    let fixture =
        Fixture::new("[tool.belay.dependencies]\na = \"../local/a.py\"\nb = \"../local/b.py\"\n");
    fixture.local(&[("a.py", "A\n"), ("b.py", "B\n")]);
    let recorder = Recorder::default();
    let outcome = update(
        &fixture.project(),
        &fixture.settings,
        &["b".to_string(), "zzz".to_string()],
        &recorder,
    )
    .unwrap();
    assert_eq!(outcome.updated, vec![("main".to_string(), "b".to_string())]);
    assert_eq!(
        fixture.tree(),
        lines(&["main/", "main/b/", "main/b/__init__.py = B\n"])
    );
    assert!(
        recorder
            .events()
            .contains(&Event::Warning("not a dependency of any group: zzz".into()))
    );
}

#[test]
fn a_belay_made_tree_is_taken_over() {
    // Belay 0.30 nested index packages (D1): tinypkg/tinypkg/__init__.py.
    let fixture =
        Fixture::new("[tool.belay.dependencies]\ntinypkg = \"*\"\nmine = \"../local/mine.py\"\n");
    fixture.publish_tinypkg();
    fixture.local(&[("mine.py", "M = 1\n")]);
    write_files(
        &fixture.deps(),
        &[
            ("main/tinypkg/tinypkg/__init__.py", "old"),
            ("main/tinypkg/tinydep.py", "old"),
            ("main/mine/__init__.py", "M = 1\n"),
        ],
    );
    let outcome = fixture.update().unwrap();
    assert_eq!(
        outcome.updated,
        vec![("main".to_string(), "tinypkg".to_string())]
    );
    assert_eq!(
        outcome.unchanged,
        vec![("main".to_string(), "mine".to_string())]
    );
    assert_eq!(
        fixture.tree(),
        lines(&[
            "main/",
            "main/mine/",
            "main/mine/__init__.py = M = 1\n",
            "main/tinydep.py = DEP = 1\n",
            "main/tinypkg/",
            "main/tinypkg/__init__.py = from tinypkg.sub import x\n",
            "main/tinypkg/sub.py = x = 1\n",
        ])
    );
}

#[test]
fn offline_updates_come_from_the_cache() {
    let fixture = Fixture::new(
        "[tool.belay.dependencies]\ntinypkg = \"*\"\nplain = \"{server}/files/plain.py\"\n",
    );
    fixture.publish_tinypkg();
    fixture.server.file("/files/plain.py", b"PLAIN = 1\n");
    fixture.update().unwrap();
    let tree = fixture.tree();
    let hits = fixture.server.total_hits();
    std::fs::remove_dir_all(fixture.deps()).unwrap();
    let mut offline = fixture.settings.clone();
    offline.offline = true;
    update(&fixture.project(), &offline, &[], &Silent).unwrap();
    assert_eq!(fixture.tree(), tree);
    assert_eq!(fixture.server.total_hits(), hits, "offline made a request");

    // Nothing cached: a clear error naming the URL.
    let mut empty = offline.clone();
    empty.cache_dir = fixture.base.join("empty-cache");
    let error = update(&fixture.project(), &empty, &[], &Silent).unwrap_err();
    assert!(matches!(error, Error::Offline { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("BELAY_RUN_OFFLINE is set and "),
        "{error}"
    );
    assert_eq!(fixture.tree(), tree);
}

#[test]
fn stage_install_merges_groups_and_refreshes_develop_sources() {
    let fixture = Fixture::new(
        r#"[tool.belay.dependencies]
single = "../local/single.py"
live = {uri = "../local/live", develop = true}

[tool.belay.group.dev]
optional = true
[tool.belay.group.dev.dependencies]
devtool = "../local/devtool.py"

[tool.belay.group.test.dependencies]
testing = "../local/testing.py"
"#,
    );
    fixture.local(&[
        ("single.py", "S\n"),
        ("live/__init__.py", "L = 1\n"),
        ("devtool.py", "D\n"),
        ("testing.py", "T\n"),
    ]);
    fixture.update().unwrap();
    // A develop source changes after the update; install sends the fresh copy.
    fixture.local(&[("live/__init__.py", "L = 2\n"), ("live/new.py", "N\n")]);
    let project = fixture.project();
    let staging = stage_install_for(&project, &fixture.settings, &[]);
    assert_eq!(staging.groups, ["main", "test"]);
    assert_eq!(
        tree(staging.path()),
        lines(&[
            "live/",
            "live/__init__.py = L = 2\n",
            "live/new.py = N\n",
            "single/",
            "single/__init__.py = S\n",
            "testing/",
            "testing/__init__.py = T\n",
        ])
    );
    // The committed tree is not touched by staging.
    assert!(
        fixture
            .tree()
            .contains(&"main/live/__init__.py = L = 1\n".to_string())
    );

    let staging = stage_install_for(&project, &fixture.settings, &["dev".to_string()]);
    assert_eq!(staging.groups, ["dev", "main", "test"]);
    assert!(staging.path().join("devtool/__init__.py").is_file());

    let all = crate::tree::stage_install(
        &project,
        &fixture.settings,
        &crate::tree::GroupSelection::All,
        &Silent,
    )
    .unwrap();
    assert_eq!(all.groups, ["dev", "main", "test"]);
    let path = all.path().to_path_buf();
    drop(all);
    assert!(!path.exists(), "the staging folder is removed when dropped");

    let error = crate::tree::stage_install(
        &project,
        &fixture.settings,
        &crate::tree::GroupSelection::Install {
            with: vec!["dev".into(), "nope".into()],
        },
        &Silent,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown group(s) in --with: nope; the groups are: dev, main, test"
    );
}

fn stage_install_for(
    project: &Project,
    settings: &Settings,
    with: &[String],
) -> crate::tree::Staging {
    crate::tree::stage_install(
        project,
        settings,
        &crate::tree::GroupSelection::Install {
            with: with.to_vec(),
        },
        &Silent,
    )
    .unwrap()
}

#[test]
fn stage_install_works_offline_without_a_network() {
    let fixture = Fixture::new("[tool.belay.dependencies]\ntinypkg = \"*\"\n");
    fixture.publish_tinypkg();
    fixture.update().unwrap();
    let hits = fixture.server.total_hits();
    let mut offline = fixture.settings.clone();
    offline.offline = true;
    offline.cache_dir = fixture.base.join("no-cache");
    let staging = stage_install_for(&fixture.project(), &offline, &[]);
    assert_eq!(
        tree(staging.path()),
        lines(&[
            "tinydep.py = DEP = 1\n",
            "tinypkg/",
            "tinypkg/__init__.py = from tinypkg.sub import x\n",
            "tinypkg/sub.py = x = 1\n",
        ])
    );
    assert_eq!(fixture.server.total_hits(), hits);
}

#[test]
fn add_downloads_then_writes_the_pyproject() {
    let fixture = Fixture::new("# the project\n[project]\nname = \"x\"  # keep me\n");
    fixture.local(&[("single.py", "S = 1\n")]);
    fixture.publish_tinypkg();
    let project = fixture.project();
    let outcome = add(
        &project,
        &fixture.settings,
        &AddRequest::new("../local/single.py"),
        &Silent,
    )
    .unwrap();
    assert_eq!(outcome.package, "single");
    assert!(outcome.changed);
    let project = fixture.project();
    let request = AddRequest {
        name: Some("tinypkg".into()),
        uri: "1.0".into(),
        group: "dev".into(),
        develop: false,
        rename_to_init: false,
    };
    let outcome = add(&project, &fixture.settings, &request, &Silent).unwrap();
    // A package.json source keeps rename_to_init: the string form is written.
    assert_eq!(outcome.value, DependencyValue::Uri("1.0".into()));
    assert_eq!(fixture.server.hits("/pi/package/py/tinypkg/1.0.json"), 1);
    let text = std::fs::read_to_string(fixture.root.join("pyproject.toml")).unwrap();
    assert_eq!(
        text,
        "# the project\n[project]\nname = \"x\"  # keep me\n\n[tool.belay.dependencies]\nsingle = \"../local/single.py\"\n\n[tool.belay.group.dev.dependencies]\ntinypkg = \"1.0\"\n"
    );
    assert_eq!(
        fixture.tree(),
        lines(&[
            "dev/",
            "dev/tinydep.py = DEP = 1\n",
            "dev/tinypkg/",
            "dev/tinypkg/__init__.py = from tinypkg.sub import x\n",
            "dev/tinypkg/sub.py = x = 1\n",
            "main/",
            "main/single/",
            "main/single/__init__.py = S = 1\n",
        ])
    );
    // The result survives clean: the manifest knows tinypkg owns tinydep.py.
    clean(&fixture.project(), &Silent).unwrap();
    assert_eq!(fixture.tree().len(), 8);

    let duplicate = add(
        &fixture.project(),
        &fixture.settings,
        &AddRequest::new("../local/single.py"),
        &Silent,
    )
    .unwrap_err();
    assert_eq!(
        duplicate.to_string(),
        "Dependency 'single' already exists in group 'main'. Remove it first or manually edit pyproject.toml."
    );
}

#[test]
fn add_checks_before_downloading() {
    let fixture = Fixture::new("[project]\n");
    let project = fixture.project();
    let mut request = AddRequest::new("{server}/x.py");
    request.develop = true;
    request.name = Some("x".into());
    assert!(matches!(
        add(&project, &fixture.settings, &request, &Silent),
        Err(Error::DevelopNotLocal)
    ));
    let request = AddRequest {
        name: Some("bad-name".into()),
        ..AddRequest::new("../x.py")
    };
    assert_eq!(
        add(&project, &fixture.settings, &request, &Silent)
            .unwrap_err()
            .to_string(),
        "Package name 'bad-name' must be a valid Python identifier."
    );
    assert!(matches!(
        add(
            &project,
            &fixture.settings,
            &AddRequest::new("https://example.com/x.py"),
            &Silent
        ),
        Err(Error::CannotInferName { .. })
    ));
    let request = AddRequest {
        group: "../up".into(),
        ..AddRequest::new("../x.py")
    };
    assert!(matches!(
        add(&project, &fixture.settings, &request, &Silent),
        Err(Error::InvalidGroup { .. })
    ));
    assert_eq!(fixture.server.total_hits(), 0);
}

#[test]
fn a_failed_add_changes_nothing() {
    let fixture = Fixture::new("[project]\nname = \"x\"\n");
    let before = std::fs::read_to_string(fixture.root.join("pyproject.toml")).unwrap();
    let error = add(
        &fixture.project(),
        &fixture.settings,
        &AddRequest::new("nosuchpkg"),
        &Silent,
    )
    .unwrap_err();
    assert!(matches!(error, Error::PackageNotFound { .. }), "{error:?}");
    assert_eq!(
        std::fs::read_to_string(fixture.root.join("pyproject.toml")).unwrap(),
        before
    );
    assert!(
        !fixture.root.join(".belay").exists(),
        "D7: no folder left behind"
    );
}

#[test]
fn add_develop_and_no_rename_write_tables() {
    let fixture = Fixture::new("[tool.belay]\nname = \"x\"\n");
    fixture.local(&[("lib.py", "L\n")]);
    let request = AddRequest {
        name: Some("lib".into()),
        uri: "../local/lib.py".into(),
        group: "main".into(),
        develop: true,
        rename_to_init: false,
    };
    let outcome = add(&fixture.project(), &fixture.settings, &request, &Silent).unwrap();
    assert_eq!(
        outcome.value,
        DependencyValue::Table {
            uri: "../local/lib.py".into(),
            develop: true,
            rename_to_init: false
        }
    );
    let text = std::fs::read_to_string(fixture.root.join("pyproject.toml")).unwrap();
    assert!(
        text.contains("lib = {uri = \"../local/lib.py\", develop = true, rename_to_init = false}"),
        "{text}"
    );
    assert_eq!(
        fixture.tree(),
        lines(&["main/", "main/lib/", "main/lib/lib.py = L\n"])
    );
}

#[test]
fn dependencies_path_equal_to_the_project_is_not_cleaned() {
    let fixture = Fixture::new("[tool.belay]\ndependencies_path = \".\"\n");
    std::fs::create_dir_all(fixture.root.join("src")).unwrap();
    let error = clean(&fixture.project(), &Silent).unwrap_err();
    assert!(
        matches!(error, Error::UnsafeDependenciesPath { .. }),
        "{error:?}"
    );
    assert!(fixture.root.join("src").exists());
}

#[test]
fn the_manifest_is_outside_the_tree_and_valid_json() {
    let fixture = Fixture::new("[tool.belay.dependencies]\ntinypkg = \"*\"\n");
    fixture.publish_tinypkg();
    fixture.update().unwrap();
    let path = fixture.root.join(".belay/belay-run-packages.json");
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["groups"]["main"]["tinypkg"]["sources"][0], "tinypkg");
    assert!(Path::new(&path).starts_with(fixture.root.join(".belay")));
    assert!(!path.starts_with(fixture.deps()));
}
