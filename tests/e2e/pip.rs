//! Host packages without CPython (issue 26, docs/host-packages.md): `belay-run pip`, `belay-run
//! venv` and PEP 723 scripts, against tests/pypi/index_server.py serving real wheels from PyPI
//! (pinned in tests/pypi/wheels.txt, downloaded once by tests/pypi/install.sh, which tests/run.sh
//! runs) and wheels built in the tests (tests/pypi/make_wheel.py).
//!
//! - `differential`: CPython's pip (26.3, tests/pypi/.venv) and belay-run install the same
//!   requirement sets into two `--target` folders; the same distributions, versions and files;
//! - `environments`: `venv`, installing into it, console scripts, `list`/`freeze`/`show`/
//!   `uninstall`, pytest;
//! - `scripts`: PEP 723 blocks and `--with`;
//! - `bad_input`: hashes, evil wheels, Ctrl-C, failed downloads, unreachable indexes, offline;
//! - `sdists`: source distributions built by their PEP 517 backends (setuptools, flit_core,
//!   hatchling, poetry-core) under belay-run.
//!
//! No board: these need belay-run, a Python 3 for the server and the helpers, and the set-up.
//! Every test has its own server, scratch folder (removed at the end) and belay-run cache.

mod bad_input;
mod differential;
mod environments;
mod scripts;
mod sdists;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub(crate) use crate::packages::{Tree, files as tree};
use crate::support::{Run, belay_run, python, root, run_with_limit, watchdog};

/// The limit for one command (an install of pytest under the embedded interpreter included).
pub const LIMIT: Duration = Duration::from_secs(180);

fn pypi_dir() -> PathBuf {
    root().join("tests/pypi")
}

/// The real wheels (tests/pypi/install.sh).
pub fn wheels_dir() -> PathBuf {
    let dir = std::env::var_os("BELAY_PYPI_WHEELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/belay-pypi-wheels")
        });
    assert!(
        dir.join(".ready").is_file(),
        "the test wheels are not downloaded ({} has no .ready): run tests/pypi/install.sh",
        dir.display()
    );
    dir
}

/// One of the real wheels, by file name.
pub fn wheel(file: &str) -> PathBuf {
    let path = wheels_dir().join(file);
    assert!(
        path.is_file(),
        "{} is not in the test wheels",
        path.display()
    );
    path
}

/// CPython with pip 26.3 (tests/pypi/install.sh).
fn cpython() -> PathBuf {
    let python = pypi_dir().join(".venv/bin/python");
    assert!(
        python.exists(),
        "CPython's pip for the tests is not installed ({} missing): run tests/pypi/install.sh",
        python.display()
    );
    python
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// tests/pypi/index_server.py over the real wheels and `extra` folders, with `options`; serving
/// until dropped. Its stdout lines after the port (`held FILE`) arrive on `lines`.
pub struct PypiServer {
    child: Child,
    control: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl PypiServer {
    pub fn start(extra: &[&Path], options: &[&str]) -> PypiServer {
        Self::serving(&[&wheels_dir()], extra, options)
    }

    /// A server of `folders` and `extra` only (not the real wheels unless named).
    pub fn serving(folders: &[&Path], extra: &[&Path], options: &[&str]) -> PypiServer {
        let mut cmd = Command::new(python());
        cmd.arg("-B").arg(pypi_dir().join("index_server.py"));
        for folder in folders.iter().chain(extra) {
            cmd.arg("--wheels").arg(folder);
        }
        let mut child = cmd
            .args(options)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting tests/pypi/index_server.py");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let port = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the index server did not print its port");
        let port: u16 = port
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("unexpected index server output: {port:?}"));
        PypiServer {
            control: child.stdin.take(),
            child,
            lines,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Its PEP 503/691 index URL.
    pub fn simple(&self) -> String {
        format!("{}/simple", self.base)
    }

    /// Wait (at most `limit`) until the server prints `line`.
    pub fn wait_for(&self, line: &str, limit: Duration) {
        let end = std::time::Instant::now() + limit;
        loop {
            let left = end.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(got) if got == line => return,
                Ok(_) => continue,
                Err(_) => panic!("the index server did not print {line:?} within {limit:?}"),
            }
        }
    }
}

impl Drop for PypiServer {
    fn drop(&mut self) {
        // Closing its stdin stops it; kill it if it does not stop soon.
        drop(self.control.take());
        let _guard = watchdog(self.child.id(), Duration::from_secs(5));
        let _ = self.child.wait();
    }
}

/// One test's world: its index server and a scratch folder (removed at the end) holding the
/// installs, the tests' files and both installers' caches.
pub struct Lab {
    pub server: Option<PypiServer>,
    /// The server's `http://127.0.0.1:PORT` (still known after it stopped).
    pub base: String,
    pub dir: PathBuf,
}

impl Lab {
    /// A lab whose server serves the real wheels with `options` (index_server.py's).
    pub fn new(name: &str, options: &[&str]) -> Lab {
        Self::with_server(name, |_| PypiServer::start(&[], options))
    }

    /// A lab whose server `start` makes (given the scratch folder, where it may build wheels).
    pub fn with_server(name: &str, start: impl FnOnce(&Path) -> PypiServer) -> Lab {
        let dir = std::env::temp_dir().join(format!("belay-pip-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let server = start(&dir);
        Lab {
            base: server.base.clone(),
            server: Some(server),
            dir,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The index URL (`/simple`).
    pub fn simple(&self) -> String {
        format!("{}/simple", self.base)
    }

    pub fn cache(&self) -> PathBuf {
        self.dir.join("cache")
    }

    /// Stop the server: from now on nothing answers at its address.
    pub fn stop_server(&mut self) {
        drop(self.server.take());
    }

    /// What both installers get: caches in the scratch folder, no inherited variable that changes
    /// where packages come from or go.
    pub fn env(&self, cmd: &mut Command) {
        cmd.current_dir(&self.dir)
            .env("BELAY_RUN_CACHE_DIR", self.cache())
            .env("PIP_CACHE_DIR", self.dir.join("pip-cache"))
            .env("PIP_CONFIG_FILE", "/dev/null")
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("NO_PROXY", "127.0.0.1,localhost");
        for var in [
            "VIRTUAL_ENV",
            "PYTHONPATH",
            "PIP_INDEX_URL",
            "PIP_EXTRA_INDEX_URL",
            "PIP_FIND_LINKS",
            "PIP_NO_INDEX",
            "PIP_TARGET",
            "PIP_REQUIRE_VIRTUALENV",
            "UV_INDEX_URL",
            "UV_EXTRA_INDEX_URL",
            "BELAY_RUN_OFFLINE",
        ] {
            cmd.env_remove(var);
        }
    }

    /// `belay-run ARGS...` in the scratch folder.
    pub fn belay_run_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = belay_run();
        cmd.args(args);
        self.env(&mut cmd);
        cmd
    }

    pub fn belay_run(&self, args: &[&str]) -> Run {
        run_with_limit(self.belay_run_cmd(args), LIMIT)
    }

    /// `belay-run pip install --target DEST -i <the lab's index> ARGS...`.
    pub fn install_into(&self, dest: &Path, args: &[&str]) -> Run {
        let simple = self.simple();
        let mut all = vec!["pip", "install", "--target", arg(dest), "-i", &simple];
        all.extend(args);
        self.belay_run(&all)
    }

    /// `belay-run ARGS...` with the virtual environment `venv` active (`VIRTUAL_ENV`).
    pub fn in_venv(&self, venv: &Path, args: &[&str]) -> Run {
        let mut cmd = self.belay_run_cmd(args);
        cmd.env("VIRTUAL_ENV", venv);
        run_with_limit(cmd, LIMIT)
    }

    /// CPython's `python -m pip ARGS...`.
    pub fn pip(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(cpython());
        cmd.args(["-m", "pip"]).args(args);
        self.env(&mut cmd);
        run_with_limit(cmd, LIMIT)
    }

    /// A venv made by `belay-run venv` (checked).
    pub fn venv(&self, name: &str) -> PathBuf {
        let dir = self.path(name);
        self.belay_run(&["venv", arg(&dir)]).assert_ok();
        dir
    }

    /// Build a test wheel: `make_wheel.py OUT NAME VERSION ARGS...`; its path.
    pub fn make_wheel(&self, name: &str, version: &str, args: &[&str]) -> PathBuf {
        make_wheel(&self.path("made"), name, version, args)
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.server = None;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// tests/pypi/make_wheel.py: a small wheel in `out`; its path.
pub fn make_wheel(out: &Path, name: &str, version: &str, args: &[&str]) -> PathBuf {
    make("make_wheel.py", out, name, version, args)
}

/// tests/pypi/make_sdist.py: a small sdist in `out` built by a real backend; its path.
pub fn make_sdist(out: &Path, name: &str, version: &str, args: &[&str]) -> PathBuf {
    make("make_sdist.py", out, name, version, args)
}

/// tests/pypi/SCRIPT OUT NAME VERSION ARGS...: the path it printed.
fn make(script: &str, out: &Path, name: &str, version: &str, args: &[&str]) -> PathBuf {
    let mut cmd = Command::new(python());
    cmd.arg("-B")
        .arg(pypi_dir().join(script))
        .args([arg(out), name, version])
        .args(args);
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    PathBuf::from(run.stdout.trim())
}

/// tests/pypi/installed.py ARGS... (CPython-side checks); its run.
pub fn installed_py(args: &[&str], input: Option<&str>) -> Run {
    let mut cmd = Command::new(python());
    cmd.arg("-B")
        .arg(pypi_dir().join("installed.py"))
        .args(args);
    crate::support::run_feeding(cmd, input.map(str::as_bytes), LIMIT)
}

/// Every RECORD in `site` lists its files with the right hashes and sizes, inside `prefix`.
pub fn check_records(site: &Path, prefix: &Path) {
    let run = installed_py(&["record", arg(site), "--prefix", arg(prefix)], None);
    assert!(
        run.status.success(),
        "RECORD check of {}:\n{}",
        site.display(),
        run.stderr
    );
}

/// A file's sha256 (hex).
pub fn sha256(path: &Path) -> String {
    let run = installed_py(&["sha256", arg(path)], None);
    run.assert_ok();
    run.stdout.trim().to_string()
}

/// JSON text with its keys sorted, on one line.
pub fn normalized_json(text: &str) -> String {
    let run = installed_py(&["json"], Some(text));
    assert!(run.status.success(), "not JSON: {text:?}\n{}", run.stderr);
    run.stdout
}

/// PEP 503 normalization of a project name.
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// `name==version` strings (normalized names) from `items`.
pub fn set(items: &[&str]) -> BTreeSet<String> {
    items
        .iter()
        .map(|item| {
            let (name, version) = item.split_once("==").expect("name==version");
            format!("{}=={version}", normalize(name))
        })
        .collect()
}

/// The distributions installed in `site` (its `*.dist-info` folders) as `name==version`.
pub fn dists(site: &Path) -> BTreeSet<String> {
    dist_infos(site)
        .iter()
        .map(|info| {
            let stem = info.trim_end_matches(".dist-info");
            let (name, version) = stem.rsplit_once('-').expect("name-version.dist-info");
            format!("{}=={version}", normalize(name))
        })
        .collect()
}

/// The `*.dist-info` folder names in `site`.
pub fn dist_infos(site: &Path) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(site) else {
        return BTreeSet::new();
    };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".dist-info"))
        .collect()
}

/// Files of an installation that are the installer's own, not the wheel's: not compared.
pub fn installers_own(path: &str) -> bool {
    let mut parts = path.rsplitn(2, '/');
    let file = parts.next().unwrap_or_default();
    let folder = parts.next().unwrap_or_default();
    folder.ends_with(".dist-info")
        && !folder.contains('/')
        && matches!(
            file,
            "RECORD" | "INSTALLER" | "REQUESTED" | "direct_url.json"
        )
}

/// The paths a dist-info's RECORD lists, without the installer's own files and with leading
/// `../` taken off (pip's RECORD of a `--target` install names `../../bin/x` for `bin/x`).
pub fn record_paths(site: &Path, info: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(site.join(info).join("RECORD"))
        .unwrap_or_else(|e| panic!("{}/{info}/RECORD: {e}", site.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| record_path(line).trim_start_matches("../").to_string())
        .filter(|path| !installers_own(path))
        .collect()
}

/// The path of a RECORD row (CSV: quoted when it holds a comma).
fn record_path(line: &str) -> String {
    match line.strip_prefix('"') {
        Some(rest) => rest
            .split("\",")
            .next()
            .unwrap_or(rest)
            .replace("\"\"", "\""),
        None => line.split(',').next().unwrap_or(line).to_string(),
    }
}

/// The `Successfully installed ...` (or `Would install ...`) line's distributions, normalized.
pub fn announced(stdout: &str, prefix: &str) -> BTreeSet<String> {
    let line = stdout
        .lines()
        .find_map(|line| line.trim().strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} line in:\n{stdout}"));
    line.split_whitespace()
        .map(|item| {
            let (name, version) = item.rsplit_once('-').expect("name-version");
            format!("{}=={version}", normalize(name))
        })
        .collect()
}

/// A run failed, with a report on stderr.
pub fn failed(run: &Run, what: &str) {
    assert!(
        !run.status.success() && !run.stderr.trim().is_empty(),
        "{what}: expected a failure with a report\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout,
        run.stderr
    );
}

/// A run's stderr says `needle`, each word of it (miette may wrap lines).
pub fn says(run: &Run, needle: &str, what: &str) {
    let words = crate::cli_errors::words(&run.stderr);
    let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(&needle),
        "{what}: stderr does not say {needle:?}:\n{}",
        run.stderr
    );
}

/// An offline run's report says why it failed: offline, and nothing in the cache.
pub fn says_offline(run: &Run) {
    let text = run.stderr.to_lowercase();
    assert!(
        text.contains("offline") && text.contains("cache"),
        "the report does not say offline and cache:\n{}",
        run.stderr
    );
}
