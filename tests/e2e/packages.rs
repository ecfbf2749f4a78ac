//! The package manager (issue 14): `new`/`init`, `add`, `update`, `clean`, `install` and `cache`,
//! against a real HTTP server on 127.0.0.1 (tests/packages/index_server.py: a mip v2 index, a
//! GitHub- and a GitLab-shaped raw tree, plain files; all generated at its start) and throwaway
//! projects written by tests/packages/fixtures.py.
//!
//! Several tests are differential: Belay 0.30.1 does the same thing in a copy of the same project
//! (or on a second board of the same kind) and the results must be identical, except where
//! belay-run fixes a Belay defect (numbered as in docs/belay-package-manager.md: D1,
//! index packages land where `mip install` puts them; D7, D9). Belay runs through
//! tests/packages/belay_mirrored.py: Belay's own CLI, with only its GitHub/GitLab raw hosts
//! replaced by the test server (the variables belay-run reads).
//!
//! NEED BELAY'S VENV (tests/packages/.venv, made by tests/packages/install.sh, which tests/run.sh
//! runs):
//!   update_matches_belay_for_local_and_url_dependencies
//!   index_packages_land_where_mip_puts_them
//!   install_on_the_wasm_board_matches_belay
//!   index_packages_install_and_import_on_the_wasm_board
//!   add_rewrites_pyproject_as_belay_does
//!   new_creates_belay_template_with_an_identifier_name
//!   install_on_the_unix_board_matches_belay_under_a_root
//! The others need only belay-run, the test boards and a Python 3 (for the server and fixtures).
//!
//! The unix board's files are the host's: installs on it always go under a scratch folder
//! (belay-run's `--root`; for Belay, belay_mirrored.py's BELAY_TEST_ROOT moving its destinations),
//! and only after the same install was seen to stay under the root on the webassembly board
//! (whose files are its own), so that a tool that ignored it could not empty the host's /lib.
//!
//! Every test has its own server, scratch folder (removed at the end) and belay-run cache
//! (`BELAY_RUN_CACHE_DIR` inside the scratch folder).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command};
use std::time::Duration;

use crate::support::{
    Board, Kind, Run, belay_run, check_terminal_session, python, root, run_with_limit,
    spawn_announcing, watchdog,
};

/// The limit for one command: an update, an install, a board read.
const LIMIT: Duration = Duration::from_secs(120);

/// Relative path (with `/`) -> bytes.
pub(crate) type Tree = BTreeMap<String, Vec<u8>>;

fn packages_dir() -> PathBuf {
    root().join("tests/packages")
}

/// Belay 0.30.1's Python (tests/packages/install.sh).
pub(crate) fn belay_python() -> PathBuf {
    let python = packages_dir().join(".venv/bin/python");
    assert!(
        python.exists(),
        "Belay 0.30.1 is not installed ({} missing): run tests/packages/install.sh",
        python.display()
    );
    python
}

/// tests/packages/index_server.py, serving until dropped.
struct IndexServer {
    child: Child,
    control: Option<ChildStdin>,
    /// `http://127.0.0.1:PORT`
    base: String,
}

impl IndexServer {
    fn start() -> IndexServer {
        let mut cmd = Command::new(python());
        cmd.arg("-B").arg(packages_dir().join("index_server.py"));
        let (child, control, line) = spawn_announcing(cmd, "");
        let port: u16 = line
            .parse()
            .unwrap_or_else(|_| panic!("unexpected index server output: {line:?}"));
        let control = Some(control);
        IndexServer {
            child,
            control,
            base: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for IndexServer {
    fn drop(&mut self) {
        // Closing its stdin stops it (and removes its tree); kill it if it does not stop soon.
        drop(self.control.take());
        let _guard = watchdog(self.child.id(), Duration::from_secs(5));
        let _ = self.child.wait();
    }
}

/// One test's world: its index server and a scratch folder (removed at the end) holding its
/// projects and belay-run's cache.
struct Lab {
    server: Option<IndexServer>,
    /// The server's `http://127.0.0.1:PORT` (still known after it stopped).
    base: String,
    dir: PathBuf,
}

impl Lab {
    fn new(name: &str) -> Lab {
        let dir = std::env::temp_dir().join(format!("belay-pm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let server = IndexServer::start();
        let base = server.base.clone();
        Lab {
            server: Some(server),
            base,
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn cache(&self) -> PathBuf {
        self.dir.join("cache")
    }

    fn index(&self) -> String {
        format!("{}/index", self.base)
    }

    /// Stop the server: from now on nothing answers at its address.
    fn stop_server(&mut self) {
        drop(self.server.take());
    }

    /// Write a project into the scratch folder `name`: `fixtures.py KIND DIR --server BASE ARGS...`
    /// (files already there are overwritten, others kept).
    fn fixture(&self, name: &str, kind: &str, args: &[&str]) -> PathBuf {
        let folder = self.path(name);
        let mut cmd = Command::new(python());
        cmd.arg("-B")
            .arg(packages_dir().join("fixtures.py"))
            .arg(kind)
            .arg(&folder)
            .args(["--server", self.base.as_str()])
            .args(args);
        run_with_limit(cmd, LIMIT).assert_ok();
        folder
    }

    /// What both tools get: the test server in place of GitHub's and GitLab's raw hosts, the
    /// cache in the scratch folder, no inherited variable that changes where downloads come from.
    fn env(&self, cmd: &mut Command) {
        cmd.env("BELAY_RUN_GITHUB_RAW", format!("{}/github", self.base))
            .env("BELAY_RUN_GITLAB", format!("{}/gitlab", self.base))
            .env("BELAY_RUN_CACHE_DIR", self.cache())
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env_remove("BELAY_RUN_OFFLINE")
            .env_remove("BELAY_RUN_PACKAGE_INDEX");
    }

    /// `belay-run ARGS...` in `project`.
    fn belay_run_cmd(&self, project: &Path, args: &[&str]) -> Command {
        let mut cmd = belay_run();
        cmd.current_dir(project).args(args);
        self.env(&mut cmd);
        cmd
    }

    fn belay_run(&self, project: &Path, args: &[&str]) -> Run {
        run_with_limit(self.belay_run_cmd(project, args), LIMIT)
    }

    /// Belay 0.30.1's `belay ARGS...` in `project`.
    fn belay_cmd(&self, project: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(belay_python());
        cmd.current_dir(project)
            .arg("-B")
            .arg(packages_dir().join("belay_mirrored.py"))
            .args(args);
        self.env(&mut cmd);
        cmd
    }

    fn belay(&self, project: &Path, args: &[&str]) -> Run {
        run_with_limit(self.belay_cmd(project, args), LIMIT)
    }

    /// Belay with every board destination under `root` (belay_mirrored.py's BELAY_TEST_ROOT).
    fn belay_under(&self, project: &Path, root: &str, args: &[&str]) -> Run {
        let mut cmd = self.belay_cmd(project, args);
        cmd.env("BELAY_TEST_ROOT", root)
            .env("BELAY_TEST_ROOT_REQUIRED", "1");
        run_with_limit(cmd, LIMIT)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.server = None;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A value from tests/packages/index_server.py (what it serves), `s` being the module.
fn served(expr: &str) -> String {
    let mut cmd = Command::new(python());
    let code = format!("import index_server as s; print({expr})");
    cmd.current_dir(packages_dir())
        .args(["-B", "-c", code.as_str()]);
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    run.stdout.trim_end().to_string()
}

/// Every file under `dir`; empty when `dir` does not exist. Folders themselves are not compared
/// (Belay leaves empty ones behind, docs/belay-package-manager.md D6/D7).
pub(crate) fn files(dir: &Path) -> Tree {
    fn walk(base: &Path, dir: &Path, out: &mut Tree) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = Tree::new();
    walk(dir, dir, &mut out);
    out
}

fn paths(tree: &Tree) -> BTreeSet<String> {
    tree.keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in files(from) {
        let dst = to.join(rel);
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        std::fs::write(dst, bytes).unwrap();
    }
}

/// Assert `actual` holds exactly `expected`'s files with the same bytes, naming every difference.
fn assert_same_files(what: &str, expected: &Tree, actual: &Tree) {
    let mut problems = Vec::new();
    for (path, bytes) in expected {
        match actual.get(path) {
            None => problems.push(format!("missing: {path}")),
            Some(got) if got != bytes => problems.push(format!(
                "{path} differs:\n  expected {:?}\n  got      {:?}",
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(got)
            )),
            Some(_) => {}
        }
    }
    for path in actual.keys() {
        if !expected.contains_key(path) {
            problems.push(format!("unexpected: {path}"));
        }
    }
    assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
}

/// The board's files (read back from the board by tests/packages/board_tree.py run by belay-run):
/// sorted `PATH/` and `PATH SIZE SHA256` lines under `tops` (everything when empty).
fn board_tree(port: &str, tops: &[&str]) -> Vec<String> {
    let mut cmd = belay_run();
    cmd.arg(packages_dir().join("board_tree.py"))
        .arg(port)
        .args(tops);
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    run.stdout.lines().map(str::to_string).collect()
}

/// The paths of [`board_tree`] (folders end with `/`).
fn board_paths(port: &str, tops: &[&str]) -> BTreeSet<String> {
    board_tree(port, tops)
        .iter()
        .map(|line| line.split(' ').next().unwrap_or_default().to_string())
        .collect()
}

/// `belay-run exec PORT CODE`.
fn board_exec(port: &str, code: &str) -> Run {
    let mut cmd = belay_run();
    cmd.args(["exec", port, code]);
    run_with_limit(cmd, LIMIT)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn failed(run: &Run, what: &str) {
    assert!(
        !run.status.success(),
        "{what}: succeeded where it must fail\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout,
        run.stderr
    );
}

fn says(run: &Run, needle: &str, what: &str) {
    assert!(
        run.stderr.contains(needle),
        "{what}: stderr does not name {needle:?}:\n{}",
        run.stderr
    );
}

/// Local files, a folder, the list and table forms, plain URLs, `github:` and `gitlab:` files
/// (refs honoured), in the main group, an optional group and another group: the same
/// `.belay/dependencies` as Belay's, byte for byte.
#[test]
fn update_matches_belay_for_local_and_url_dependencies() {
    let lab = Lab::new("update");
    let theirs = lab.fixture("belay", "full", &[]);
    let ours = lab.path("belay-run");
    copy_tree(&theirs, &ours);
    lab.belay(&theirs, &["update"]).assert_ok();
    lab.belay_run(&ours, &["update"]).assert_ok();
    let belay = files(&theirs.join(".belay/dependencies"));
    // The fixture exercises what it should (Belay's layouts, docs/belay-package-manager.md §3).
    let forms = [
        "main/single/__init__.py",
        "main/other/other.py",
        "main/pkgdir/__init__.py",
        "main/pkgdir/data.txt",
        "main/pkgdir/helpers.py",
        "main/pkgdir/sub/deep.py",
        "main/listy/listy_one.py",
        "main/listy/listy_two.py",
        "main/urlmod/__init__.py",
        "main/bme/__init__.py",
        "dev/devtool/__init__.py",
        "dev/glbme/__init__.py",
        "extra/extra_mod/__init__.py",
        "extra/urlhelper/urlhelper.py",
        "extra/thermo/bme.py",
    ];
    assert_eq!(
        paths(&belay),
        set(&forms),
        "Belay's own tree is not the expected one"
    );
    let ours_deps = ours.join(".belay/dependencies");
    assert_same_files("belay-run update vs Belay's", &belay, &files(&ours_deps));
    // A second update changes nothing.
    lab.belay_run(&ours, &["update"]).assert_ok();
    assert_same_files("a second belay-run update", &belay, &files(&ours_deps));
}

/// `tinypkg` (a folder package depending on `tinydep`) and a chain of three (asked for at version
/// 1.0): where `mip install` puts them, one level up from where Belay 0.30 nests them (docs/belay-package-manager.md D1).
#[test]
fn index_packages_land_where_mip_puts_them() {
    let lab = Lab::new("index-layout");
    let theirs = lab.fixture("belay", "index", &["tinypkg", "chain_a=1.0"]);
    let ours = lab.path("belay-run");
    copy_tree(&theirs, &ours);
    lab.belay(&theirs, &["update"]).assert_ok();
    lab.belay_run(&ours, &["update"]).assert_ok();
    let belay = files(&theirs.join(".belay/dependencies"));
    let mine = files(&ours.join(".belay/dependencies"));
    // (mip's place, Belay's place) of each file.
    let places = [
        (
            "main/tinypkg/__init__.py",
            "main/tinypkg/tinypkg/__init__.py",
        ),
        ("main/tinypkg/greet.py", "main/tinypkg/tinypkg/greet.py"),
        ("main/tinydep.py", "main/tinypkg/tinydep.py"),
        ("main/chain_a.py", "main/chain_a/chain_a.py"),
        ("main/chain_b.py", "main/chain_a/chain_b.py"),
        ("main/chain_c.py", "main/chain_a/chain_c.py"),
    ];
    let mip: Vec<&str> = places.iter().map(|(m, _)| *m).collect();
    let nested: Vec<&str> = places.iter().map(|(_, b)| *b).collect();
    // The test tells the two apart: Belay's tree is the defective one.
    assert_eq!(paths(&belay), set(&nested), "Belay 0.30's layout");
    assert_eq!(paths(&mine), set(&mip), "belay-run's layout");
    for (m, b) in places {
        assert!(mine[m] == belay[b], "{m}: other bytes than Belay's {b}");
    }
}

/// `install` on the webassembly board (its files are its own): the same board tree as Belay's
/// install of the same project (local and URL dependencies, the project package, --main, an
/// optional group with --with), read back from the boards.
#[test]
fn install_on_the_wasm_board_matches_belay() {
    let lab = Lab::new("install-wasm");
    let project = lab.fixture("project", "full", &[]);
    lab.belay(&project, &["update"]).assert_ok();
    let belay_board = Board::start(Kind::Wasm);
    let our_board = Board::start(Kind::Wasm);
    lab.belay(
        &project,
        &[
            "install",
            &belay_board.port,
            "--main",
            "main.py",
            "--with",
            "dev",
        ],
    )
    .assert_ok();
    lab.belay_run(
        &project,
        &[
            "install",
            &our_board.port,
            "--main",
            "main.py",
            "--with",
            "dev",
        ],
    )
    .assert_ok();
    let belay = board_tree(&belay_board.port, &[]);
    let ours = board_tree(&our_board.port, &[]);
    for path in [
        "/app/util/fmt.py ",
        "/lib/single/__init__.py ",
        "/lib/pkgdir/data.txt ",
        "/lib/devtool/__init__.py ",
        "/lib/thermo/bme.py ",
        "/main.py ",
    ] {
        assert!(
            belay.iter().any(|l| l.starts_with(path)),
            "Belay's board lacks {path}: {belay:#?}"
        );
    }
    let only_belay: Vec<&String> = belay.iter().filter(|l| !ours.contains(*l)).collect();
    let only_ours: Vec<&String> = ours.iter().filter(|l| !belay.contains(*l)).collect();
    assert!(
        only_belay.is_empty() && only_ours.is_empty(),
        "the boards differ after install\nonly on Belay's: {only_belay:#?}\n\
         only on belay-run's: {only_ours:#?}"
    );
    // Without --with dev the next install takes the optional group's packages off the board.
    lab.belay_run(&project, &["install", &our_board.port])
        .assert_ok();
    let lib = board_paths(&our_board.port, &["/lib"]);
    assert!(!lib.contains("/lib/devtool/"), "{lib:#?}");
    assert!(!lib.contains("/lib/glbme/"), "{lib:#?}");
    assert!(lib.contains("/lib/extra_mod/__init__.py"), "{lib:#?}");
}

/// An index package installed on the webassembly board: /lib/tinypkg/__init__.py and
/// /lib/tinydep.py, and `import tinypkg; tinypkg.hello()` works on the board. Belay's board gets
/// /lib/tinypkg/tinypkg/... where the import finds no `hello`.
#[test]
fn index_packages_install_and_import_on_the_wasm_board() {
    let lab = Lab::new("index-wasm");
    let hello = served("s.HELLO");
    let ours = lab.fixture("belay-run", "index", &["tinypkg"]);
    let theirs = lab.path("belay");
    copy_tree(&ours, &theirs);
    lab.belay_run(&ours, &["update"]).assert_ok();
    lab.belay(&theirs, &["update"]).assert_ok();
    let import = "import tinypkg; print(tinypkg.hello())";

    let our_board = Board::start(Kind::Wasm);
    lab.belay_run(&ours, &["install", &our_board.port])
        .assert_ok();
    let lib = board_paths(&our_board.port, &["/lib"]);
    for path in [
        "/lib/tinypkg/__init__.py",
        "/lib/tinypkg/greet.py",
        "/lib/tinydep.py",
    ] {
        assert!(
            lib.contains(path),
            "belay-run's board lacks {path}: {lib:#?}"
        );
    }
    assert!(
        !lib.iter().any(|p| p.starts_with("/lib/tinypkg/tinypkg")),
        "{lib:#?}"
    );
    let run = board_exec(&our_board.port, import);
    run.assert_ok();
    assert_eq!(run.stdout, format!("{hello}\n"));

    let belay_board = Board::start(Kind::Wasm);
    lab.belay(&theirs, &["install", &belay_board.port])
        .assert_ok();
    let lib = board_paths(&belay_board.port, &["/lib"]);
    assert!(lib.contains("/lib/tinypkg/tinypkg/__init__.py"), "{lib:#?}");
    assert!(!lib.contains("/lib/tinydep.py"), "{lib:#?}");
    let run = board_exec(&belay_board.port, import);
    failed(&run, "importing Belay's tinypkg");
    says(&run, "AttributeError", "importing Belay's tinypkg");
}

/// The script belay-run runs against the unix board: ROOT/lib and ROOT on the board's sys.path,
/// then the installed packages import and run there.
const IMPORT_UNDER_ROOT: &str = "\
import sys

import belay

device = belay.Device(sys.argv[1])
root = sys.argv[2]
device('import sys')
device('sys.path.insert(0, %r)' % root)
device('sys.path.insert(0, %r)' % (root + '/lib'))
device('import tinypkg, app')
print(device('tinypkg.hello()'))
";

fn host_lib_has_test_packages() -> bool {
    Path::new("/lib/tinypkg").exists() || Path::new("/lib/tinydep.py").exists()
}

/// `install --root` on the unix board (whose files are the host's): everything lands under the
/// scratch folder, the host's /lib is untouched, and the board imports tinypkg from ROOT/lib. The
/// project names no index: BELAY_RUN_PACKAGE_INDEX gives the default one.
#[test]
fn install_on_the_unix_board_under_a_root_folder() {
    let lab = Lab::new("install-unix");
    let hello = served("s.HELLO");
    let project = lab.fixture("project", "index", &["--no-package-indices", "tinypkg"]);
    let mut cmd = lab.belay_run_cmd(&project, &["update"]);
    cmd.env("BELAY_RUN_PACKAGE_INDEX", lab.index());
    run_with_limit(cmd, LIMIT).assert_ok();
    let expected = set(&[
        "lib/tinypkg/__init__.py",
        "lib/tinypkg/greet.py",
        "lib/tinydep.py",
        "app/__init__.py",
        "app/core.py",
        "app/util/__init__.py",
        "app/util/fmt.py",
        "main.py",
    ]);

    // First the webassembly board, where a mistake costs nothing: with a file of ours in its /lib.
    let wasm = Board::start(Kind::Wasm);
    board_exec(
        &wasm.port,
        "f = open('/lib/sentinel.py', 'w'); f.write('S = 1\\n'); f.close()",
    )
    .assert_ok();
    lab.belay_run(
        &project,
        &[
            "install", &wasm.port, "--root", "/pm-root", "--main", "main.py",
        ],
    )
    .assert_ok();
    let on_wasm = board_paths(&wasm.port, &[]);
    let under_root: BTreeSet<String> = on_wasm
        .iter()
        .filter_map(|p| p.strip_prefix("/pm-root/"))
        .filter(|p| !p.is_empty() && !p.ends_with('/'))
        .map(str::to_string)
        .collect();
    assert_eq!(under_root, expected, "{on_wasm:#?}");
    let outside = ["/lib/tinypkg/", "/lib/tinydep.py", "/app/", "/main.py"];
    assert!(
        on_wasm.contains("/lib/sentinel.py") && !outside.iter().any(|p| on_wasm.contains(*p)),
        "--root was not honoured on the webassembly board: {on_wasm:#?}"
    );

    // Now the unix board.
    assert!(
        !host_lib_has_test_packages(),
        "the host's /lib already has tinypkg or tinydep.py: \
         this test could not tell where the install went"
    );
    let unix = Board::start(Kind::Unix);
    let board_root = lab.path("board-root");
    let root_arg = board_root.to_string_lossy().into_owned();
    lab.belay_run(
        &project,
        &[
            "install", &unix.port, "--root", &root_arg, "--main", "main.py",
        ],
    )
    .assert_ok();
    assert_eq!(paths(&files(&board_root)), expected);
    assert!(
        !host_lib_has_test_packages(),
        "the install put files in the host's /lib"
    );
    let script = lab.path("import_under_root.py");
    std::fs::write(&script, IMPORT_UNDER_ROOT).unwrap();
    let mut cmd = belay_run();
    cmd.arg(&script).arg(&unix.port).arg(&board_root);
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    assert_eq!(run.stdout, format!("{hello}\n"));
}

fn find_named(dir: &Path, name: &str, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == name) {
            found.push(path.clone());
        }
        if path.is_dir() {
            find_named(&path, name, found);
        }
    }
}

/// Failed updates name what went wrong and leave `.belay/dependencies` as it was (and no empty
/// package folder behind, docs/belay-package-manager.md D7): a hash mismatch (the file and both hashes), a file the index
/// does not serve and a plain URL that 404s (the URL), a dependency cycle (its packages), a file
/// that is not Python (the file), a package.json dest outside the install folder (refused: nothing
/// written anywhere, unlike Belay 0.30, which writes it beside its temporary folder).
#[test]
fn failed_updates_explain_and_leave_the_tree_as_it_was() {
    let lab = Lab::new("errors");
    let project = lab.fixture("project", "index", &["tinypkg"]);
    lab.belay_run(&project, &["update"]).assert_ok();
    let deps = project.join(".belay/dependencies");
    let good = files(&deps);
    assert!(
        good.contains_key("main/tinypkg/__init__.py"),
        "{:?}",
        good.keys()
    );

    let expected_hash = served("s.short_hash(s.PACKAGES['badhash'][1]['badhash.py'].encode())");
    let actual_hash = served("s.short_hash(s.TAMPERED['badhash.py'])");
    assert_ne!(expected_hash, actual_hash);
    let missing = served("s.short_hash(s.PACKAGES['missingfile'][1]['missingfile.py'].encode())");
    let missing_url = format!("{}/file/{}/{missing}", lab.index(), &missing[..2]);
    let nothere_url = format!("{}/files/nothere.py", lab.base);
    let nothere = format!("nothere={nothere_url}");
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        (
            "badhash",
            "badhash",
            vec!["badhash.py", expected_hash.as_str(), actual_hash.as_str()],
        ),
        ("missingfile", "missingfile", vec![missing_url.as_str()]),
        ("nothere", nothere.as_str(), vec![nothere_url.as_str()]),
        ("cyc_a", "cyc_a", vec!["cyc_a", "cyc_b"]),
        ("badsyntax", "badsyntax", vec!["badsyntax.py"]),
        ("dotdot", "dotdot", vec!["dotdot_escape.py"]),
    ];
    let tmp = lab.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    for (name, spec, needles) in cases {
        lab.fixture("project", "index", &["tinypkg", spec]);
        let mut cmd = lab.belay_run_cmd(&project, &["update"]);
        // Anything written beside a temporary folder lands in the scratch folder too.
        cmd.env("TMPDIR", &tmp);
        let run = run_with_limit(cmd, LIMIT);
        failed(&run, name);
        for needle in needles {
            says(&run, needle, name);
        }
        assert_same_files(
            &format!("{name}: the tree after the failed update"),
            &good,
            &files(&deps),
        );
        assert!(
            !deps.join("main").join(name).exists(),
            "{name}: an empty package folder was left behind"
        );
    }
    let mut escaped = Vec::new();
    find_named(&lab.dir, "dotdot_escape.py", &mut escaped);
    assert!(
        escaped.is_empty(),
        "a dest with .. was written: {escaped:?}"
    );
}

/// A `[tool.belay]` value of the wrong type or shape: an error that quotes the offending line.
#[test]
fn a_pyproject_of_the_wrong_shape_is_quoted() {
    let lab = Lab::new("pyproject-shape");
    let project = lab.path("project");
    std::fs::create_dir_all(&project).unwrap();
    let run = lab.belay_run(&project, &["update"]);
    failed(&run, "no pyproject.toml");
    says(&run, "pyproject.toml", "no pyproject.toml");
    let cases = [
        (
            "[tool.belay]\nname = \"app\"\nmpy_version = 6\n",
            "mpy_version = 6",
        ),
        (
            "[tool.belay]\nname = \"app\"\ndependencies = 3\n",
            "dependencies = 3",
        ),
        (
            "[tool.belay]\nname = \"app\"\n\n[tool.belay.dependencies]\nsingle = 3\n",
            "single = 3",
        ),
        (
            "[tool.belay]\npackage_indices = [\"ftp://example.com/pi\"]\n\n\
             [tool.belay.dependencies]\ntinypkg = \"*\"\n",
            "ftp://example.com/pi",
        ),
    ];
    for (pyproject, line) in cases {
        std::fs::write(project.join("pyproject.toml"), pyproject).unwrap();
        let run = lab.belay_run(&project, &["update"]);
        failed(&run, line);
        says(&run, line, line);
    }
}

const ADD_PYPROJECT: &str = "\
# Project notes: keep this comment.
[tool.belay]
name = \"app\"
package_indices = [\"INDEX\"]  # the test index

[tool.belay.dependencies]
single   =   \"./vendor/single.py\"  # a local file
";

/// `add` writes pyproject.toml as Belay does (byte for byte: comments, spacing and order kept,
/// new tables created), downloads what it adds, and changes nothing when it refuses.
#[test]
fn add_rewrites_pyproject_as_belay_does() {
    let lab = Lab::new("add");
    let theirs = lab.fixture("belay", "full", &[]);
    let original = ADD_PYPROJECT.replace("INDEX", &lab.index());
    std::fs::write(theirs.join("pyproject.toml"), &original).unwrap();
    let ours = lab.path("belay-run");
    copy_tree(&theirs, &ours);
    let adds: [&[&str]; 5] = [
        &["add", "tinypkg"],
        &["add", "./vendor/devtool.py", "--group", "dev"],
        &["add", "mylocal", "./vendor/other.py", "--no-rename-to-init"],
        &["add", "devlocal", "./vendor/pkgdir", "--develop"],
        &["add", "bme", "github:someone/sensors/sensors/bme.py@main"],
    ];
    for args in adds {
        lab.belay(&theirs, args).assert_ok();
        lab.belay_run(&ours, args).assert_ok();
        assert_eq!(
            read(&ours.join("pyproject.toml")),
            read(&theirs.join("pyproject.toml")),
            "pyproject.toml after {args:?}: belay-run's (left) vs Belay's (right)"
        );
    }
    let text = read(&ours.join("pyproject.toml"));
    assert!(text.starts_with(&original), "{text}");
    let deps = files(&ours.join(".belay/dependencies"));
    for path in [
        "main/tinypkg/__init__.py",
        "main/tinydep.py",
        "dev/devtool/__init__.py",
        "main/mylocal/other.py",
        "main/devlocal/__init__.py",
        "main/bme/__init__.py",
    ] {
        assert!(
            deps.contains_key(path),
            "add did not download {path}: {:?}",
            deps.keys()
        );
    }
    // Refused: a name already there, a failed download, a name that is not an identifier.
    let refusals: [(&[&str], &str); 3] = [
        (&["add", "tinypkg"], "tinypkg"),
        (&["add", "badhash"], "badhash.py"),
        (&["add", "my-lib", "./vendor/other.py"], "my-lib"),
    ];
    for (args, needle) in refusals {
        let run = lab.belay_run(&ours, args);
        failed(&run, needle);
        says(&run, needle, needle);
        assert_eq!(read(&ours.join("pyproject.toml")), text, "after {args:?}");
    }
    assert!(
        !ours.join(".belay/dependencies/main/badhash").exists(),
        "a failed add left a folder behind (docs/belay-package-manager.md D7)"
    );
}

/// `clean` removes undeclared packages (and their files) and groups that are gone, and keeps a
/// file that a declared package still needs (tinydep.py, shared by tinypkg and otherpkg).
#[test]
fn clean_removes_what_is_no_longer_declared_and_keeps_shared_files() {
    let lab = Lab::new("clean");
    let project = lab.fixture("project", "index", &["tinypkg", "otherpkg", "chain_c"]);
    lab.belay_run(&project, &["update"]).assert_ok();
    let deps = project.join(".belay/dependencies");
    let all = set(&[
        "main/chain_c.py",
        "main/otherpkg.py",
        "main/tinydep.py",
        "main/tinypkg/__init__.py",
        "main/tinypkg/greet.py",
    ]);
    assert_eq!(paths(&files(&deps)), all);

    // A package folder nobody declares, and a group that is gone.
    for stale in ["main/stale/__init__.py", "oldgroup/old/__init__.py"] {
        let path = deps.join(stale);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "X = 1\n").unwrap();
    }
    lab.belay_run(&project, &["clean"]).assert_ok();
    assert_eq!(paths(&files(&deps)), all);
    assert!(!deps.join("main/stale").exists());
    assert!(!deps.join("oldgroup").exists());

    // tinypkg no longer declared: its files go; tinydep.py stays, otherpkg needs it.
    lab.fixture("project", "index", &["otherpkg", "chain_c"]);
    lab.belay_run(&project, &["clean"]).assert_ok();
    assert_eq!(
        paths(&files(&deps)),
        set(&["main/chain_c.py", "main/otherpkg.py", "main/tinydep.py"])
    );
    assert!(!deps.join("main/tinypkg").exists());

    // otherpkg gone too: nothing needs tinydep.py any more.
    lab.fixture("project", "index", &["chain_c"]);
    lab.belay_run(&project, &["clean"]).assert_ok();
    assert_eq!(paths(&files(&deps)), set(&["main/chain_c.py"]));
}

fn entries(dir: &Path) -> BTreeSet<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

/// `cache list` names the cache's entries, `info` counts them, `clear` needs a prefix or --all
/// and fails on a prefix matching nothing, `clear --all --yes` empties it.
#[test]
fn cache_list_info_and_clear() {
    let lab = Lab::new("cache");
    let project = lab.fixture(
        "project",
        "index",
        &["tinypkg", "bme=github:someone/sensors/sensors/bme.py@main"],
    );
    lab.belay_run(&project, &["update"]).assert_ok();
    let list = lab.belay_run(&project, &["cache", "list"]);
    list.assert_ok();
    let listed: BTreeSet<String> = list.stdout.lines().map(str::to_string).collect();
    assert!(!listed.is_empty(), "an update left nothing in the cache");
    assert_eq!(listed, entries(&lab.cache()));
    let info = lab.belay_run(&project, &["cache", "info"]);
    info.assert_ok();
    for line in [
        format!("Location: {}", lab.cache().display()),
        format!("Elements: {}", listed.len()),
        "Total Size: ".to_string(),
    ] {
        assert!(
            info.stdout.contains(&line),
            "{line:?} not in:\n{}",
            info.stdout
        );
    }

    let run = lab.belay_run(&project, &["cache", "clear", "--yes"]);
    failed(&run, "cache clear without a prefix or --all");
    let run = lab.belay_run(&project, &["cache", "clear", "no-such-prefix", "--yes"]);
    failed(&run, "cache clear no-such-prefix");
    says(&run, "no-such-prefix", "cache clear no-such-prefix");
    assert_eq!(entries(&lab.cache()), listed);

    lab.belay_run(&project, &["cache", "clear", "--all", "--yes"])
        .assert_ok();
    assert!(
        entries(&lab.cache()).is_empty(),
        "{:?}",
        entries(&lab.cache())
    );
    let list = lab.belay_run(&project, &["cache", "list"]);
    list.assert_ok();
    assert_eq!(list.stdout, "");
    let info = lab.belay_run(&project, &["cache", "info"]);
    info.assert_ok();
    assert!(info.stdout.contains("Elements: 0"), "{}", info.stdout);
}

/// BELAY_RUN_OFFLINE=1: what one online update fetched comes from the cache (the server is gone);
/// something never fetched fails, saying so, even though the server could answer.
#[test]
fn offline_updates_come_from_the_cache() {
    let mut lab = Lab::new("offline");
    let urlmod = format!("urlmod={}/files/urlmod.py", lab.base);
    let specs = [
        "tinypkg",
        "bme=github:someone/sensors/sensors/bme.py@main",
        urlmod.as_str(),
    ];
    let project = lab.fixture("project", "index", &specs);
    lab.belay_run(&project, &["update"]).assert_ok();
    let deps = project.join(".belay/dependencies");
    let online = files(&deps);
    assert!(
        online.contains_key("main/tinypkg/__init__.py"),
        "{:?}",
        online.keys()
    );

    let offline_update = |lab: &Lab| {
        let mut cmd = lab.belay_run_cmd(&project, &["update"]);
        cmd.env("BELAY_RUN_OFFLINE", "1");
        run_with_limit(cmd, LIMIT)
    };
    let mut more = specs.to_vec();
    more.push("chain_c");
    lab.fixture("project", "index", &more);
    let run = offline_update(&lab);
    failed(&run, "an offline update of an uncached package");
    says(&run, "chain_c", "an offline update of an uncached package");
    assert!(
        run.stderr.to_lowercase().contains("offline"),
        "the error does not say it is offline:\n{}",
        run.stderr
    );
    assert_same_files(
        "the tree after the failed offline update",
        &online,
        &files(&deps),
    );

    lab.fixture("project", "index", &specs);
    std::fs::remove_dir_all(&deps).unwrap();
    lab.stop_server();
    offline_update(&lab).assert_ok();
    assert_same_files(
        "an offline update vs the online one",
        &online,
        &files(&deps),
    );
}

/// `new PROJECT` writes Belay's template (the same files as Belay's `new`); a name with `_` stays
/// an identifier (Belay would write `my-demo`, docs/belay-package-manager.md D9); `init` in a folder with a
/// pyproject.toml adds `[tool.belay]` as Belay does, and refuses a second time.
#[test]
fn new_creates_belay_template_with_an_identifier_name() {
    let lab = Lab::new("new");
    let theirs = lab.path("belay");
    let ours = lab.path("belay-run");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::create_dir_all(&ours).unwrap();
    lab.belay(&theirs, &["new", "demo"]).assert_ok();
    lab.belay_run(&ours, &["new", "demo"]).assert_ok();
    let belay_demo = files(&theirs.join("demo"));
    assert_eq!(
        paths(&belay_demo),
        set(&["README.md", "demo/__init__.py", "main.py", "pyproject.toml"])
    );
    assert_same_files(
        "new demo vs Belay's",
        &belay_demo,
        &files(&ours.join("demo")),
    );

    lab.belay_run(&ours, &["init", "my_demo"]).assert_ok();
    let expected: Tree = belay_demo
        .iter()
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes.clone()).unwrap();
            (
                path.replace("demo", "my_demo"),
                text.replace("demo", "my_demo").into_bytes(),
            )
        })
        .collect();
    assert_same_files("init my_demo", &expected, &files(&ours.join("my_demo")));
    assert!(read(&ours.join("my_demo/main.py")).contains("import my_demo\n"));

    let existing =
        "[project]\nname = \"ex\"  # the name\n\n# tools below\n[tool.ruff]\nline-length = 100\n";
    for side in [&theirs, &ours] {
        std::fs::create_dir_all(side.join("ex")).unwrap();
        std::fs::write(side.join("ex/pyproject.toml"), existing).unwrap();
    }
    lab.belay(&theirs.join("ex"), &["new"]).assert_ok();
    lab.belay_run(&ours.join("ex"), &["init"]).assert_ok();
    assert_same_files(
        "new in a folder with a pyproject.toml vs Belay's",
        &files(&theirs.join("ex")),
        &files(&ours.join("ex")),
    );
    let before = read(&ours.join("ex/pyproject.toml"));
    let run = lab.belay_run(&ours.join("ex"), &["new"]);
    failed(&run, "new where [tool.belay] exists");
    says(&run, "tool.belay", "new where [tool.belay] exists");
    assert_eq!(read(&ours.join("ex/pyproject.toml")), before);
}

/// `belay.project` from a host script (Belay's helpers over the same project), then `install
/// --run`: the script runs on the board after the install, with the index package importable.
#[test]
fn project_api_from_a_script_and_install_run() {
    let lab = Lab::new("api");
    let hello = served("s.HELLO");
    let project = lab.fixture("project", "index", &["tinypkg"]);
    lab.belay_run(&project, &["update"]).assert_ok();
    let script = "\
import os, tempfile
from belay.project import find_project_folder, load_groups, load_pyproject, project_cache
print('folder', find_project_folder().name)
print('deps', sorted(load_pyproject().dependencies))
groups = load_groups()
print('groups', [g.name for g in groups], groups[0].folder.is_dir())
dst = tempfile.mkdtemp()
groups[0].copy_to(dst)
print('copied', sorted(os.listdir(dst)))
os.chdir('/')
project_cache.clear()
try:
    find_project_folder()
except FileNotFoundError as e:
    print('outside', type(e).__name__)
";
    std::fs::write(project.join("api.py"), script).unwrap();
    let run = lab.belay_run(&project, &["api.py"]);
    run.assert_ok();
    assert_eq!(
        run.stdout,
        "folder project\ndeps ['tinypkg']\ngroups ['main'] True\n\
         copied ['tinydep.py', 'tinypkg']\noutside FileNotFoundError\n"
    );

    let board = Board::start(Kind::Wasm);
    std::fs::write(
        project.join("on_board.py"),
        "import tinypkg\nprint('ran', tinypkg.hello())\n",
    )
    .unwrap();
    let run = lab.belay_run(&project, &["install", &board.port, "--run", "on_board.py"]);
    run.assert_ok();
    assert!(
        run.stdout.contains(&format!("ran {hello}")),
        "{}",
        run.stdout
    );
}

/// Belay's install and belay-run's on the unix board (whose files are the host's), each under a
/// scratch root of its own: Belay's destinations moved by belay_mirrored.py's BELAY_TEST_ROOT,
/// belay-run's by `--root`. The two trees are identical. Belay goes to the unix board only after
/// the same move was seen to hold on the webassembly board (a Belay that ignored it would empty
/// the host's /lib).
#[test]
fn install_on_the_unix_board_matches_belay_under_a_root() {
    let lab = Lab::new("install-unix-belay");
    let project = lab.fixture("project", "full", &[]);
    lab.belay(&project, &["update"]).assert_ok();
    let install = ["install", "PORT", "--main", "main.py", "--with", "dev"];
    let on = |port: &str| -> Vec<String> {
        install
            .iter()
            .map(|a| {
                if *a == "PORT" {
                    port.to_string()
                } else {
                    a.to_string()
                }
            })
            .collect()
    };

    let wasm = Board::start(Kind::Wasm);
    let args = on(&wasm.port);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    lab.belay_under(&project, "/pm-root", &args).assert_ok();
    let on_wasm = board_paths(&wasm.port, &[]);
    assert!(
        on_wasm.contains("/pm-root/lib/single/__init__.py")
            && on_wasm.contains("/pm-root/main.py")
            && !on_wasm.contains("/main.py")
            && !on_wasm.contains("/app/"),
        "Belay's destinations were not moved under the root: {on_wasm:#?}"
    );

    let unix = Board::start(Kind::Unix);
    let args = on(&unix.port);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let belay_root = lab.path("belay-root");
    let our_root = lab.path("our-root");
    lab.belay_under(&project, belay_root.to_str().unwrap(), &args)
        .assert_ok();
    let mut ours = args.clone();
    ours.extend(["--root", our_root.to_str().unwrap()]);
    lab.belay_run(&project, &ours).assert_ok();
    let belay = files(&belay_root);
    for path in [
        "lib/single/__init__.py",
        "lib/devtool/__init__.py",
        "app/util/fmt.py",
        "main.py",
    ] {
        assert!(
            belay.contains_key(path),
            "Belay's root lacks {path}: {:?}",
            belay.keys()
        );
    }
    assert_eq!(
        files(&our_root),
        belay,
        "the unix board's trees differ after install"
    );
}

/// `Device.sync_dependencies`, Belay's recipe for projects that ship their dependencies inside
/// their host package (`dependencies_path = "hostpkg/dependencies"`): the group folder goes to
/// the board's /lib and the index package imports there.
#[test]
fn sync_dependencies_sends_a_group_from_a_host_package() {
    let lab = Lab::new("sync-deps");
    let hello = served("s.HELLO");
    let project = lab.fixture("project", "index", &["tinypkg"]);
    let pyproject = project.join("pyproject.toml");
    let text = read(&pyproject).replace(
        "[tool.belay]\n",
        "[tool.belay]\ndependencies_path = \"hostpkg/dependencies\"\n",
    );
    std::fs::write(&pyproject, text).unwrap();
    std::fs::create_dir_all(project.join("hostpkg")).unwrap();
    std::fs::write(project.join("hostpkg/__init__.py"), "").unwrap();
    lab.belay_run(&project, &["update"]).assert_ok();
    assert!(
        project
            .join("hostpkg/dependencies/main/tinydep.py")
            .is_file()
    );
    std::fs::write(
        project.join("send.py"),
        "import sys\nimport belay\n\
         device = belay.Device(sys.argv[1])\n\
         device.sync_dependencies('hostpkg', 'dependencies/main')\n\
         device('import tinypkg')\n\
         print(device('tinypkg.hello()'))\n",
    )
    .unwrap();
    let board = Board::start(Kind::Wasm);
    let run = lab.belay_run(&project, &["send.py", &board.port]);
    run.assert_ok();
    assert_eq!(run.stdout, format!("{hello}\n"));
}

/// `install --follow`: after the soft reset the board's REPL is on the terminal (here a pty, as
/// a person uses it): a key typed reaches the board and Ctrl-] leaves.
#[test]
fn install_follow_opens_the_terminal() {
    let lab = Lab::new("follow");
    let project = lab.fixture("project", "index", &["tinypkg"]);
    lab.belay_run(&project, &["update"]).assert_ok();
    let board = Board::start(Kind::Wasm);
    let mut cmd = lab.belay_run_cmd(&project, &["install", &board.port, "--follow"]);
    cmd.current_dir(&project);
    check_terminal_session(cmd, LIMIT);
}

/// Downloads over https trust the system's certificates (`SSL_CERT_FILE` names them here, as it
/// would a company CA for a mirror); a server whose certificate chains to none of them is
/// refused, and nothing is written.
#[test]
fn https_downloads_trust_the_system_certificates() {
    let lab = Lab::new("https");
    let tls = lab.path("tls");
    std::fs::create_dir_all(&tls).unwrap();
    let mut server = Command::new(python());
    server
        .arg("-B")
        .arg(root().join("tests/host/https_server.py"))
        .arg(&tls);
    let (mut child, control, port) = spawn_announcing(server, "");
    let project = lab.fixture("project", "index", &["tinydep"]);
    let url = format!("https://127.0.0.1:{port}/greeting.txt");
    let add = ["add", "greeting", url.as_str(), "--no-rename-to-init"];
    let pyproject = read(&project.join("pyproject.toml"));

    let mut cmd = lab.belay_run_cmd(&project, &add);
    cmd.env("SSL_CERT_FILE", root().join("tests/packages/fixtures.py"));
    let refused = run_with_limit(cmd, LIMIT);
    failed(&refused, "a server no certificate vouches for");
    says(&refused, &url, "a server no certificate vouches for");
    assert_eq!(read(&project.join("pyproject.toml")), pyproject);

    let mut cmd = lab.belay_run_cmd(&project, &add);
    cmd.env("SSL_CERT_FILE", tls.join("cert.pem"));
    run_with_limit(cmd, LIMIT).assert_ok();
    assert_eq!(
        read(&project.join(".belay/dependencies/main/greeting/greeting.txt")),
        "hello over TLS"
    );
    drop(control);
    let _guard = watchdog(child.id(), Duration::from_secs(5));
    let _ = child.wait();
}
