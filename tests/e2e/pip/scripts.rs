//! PEP 723 scripts (`# /// script` blocks) and `--with` for `-c`, `-m` and stdin programs: the
//! environment made once in belay-run's cache, a second run without the network, markers with
//! the embedded interpreter's values, two first runs at once, malformed blocks, `requires-python`,
//! `--offline` and `--refresh`. The index comes from `PIP_INDEX_URL` (docs/host-packages.md,
//! "Indexes and files").

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{LIMIT, Lab, arg, failed, says};
use crate::support::{Run, run_feeding, run_with_limit, watchdog};

const SCRIPT: &str = "\
#!/usr/bin/env belay-run
# /// script
# requires-python = \">=3.12\"
# dependencies = [
#   \"humanize\",
#   \"tabulate==0.9.0\",
#   \"python-dateutil<3\",
# ]
# ///
import dateutil
import humanize
import six
import tabulate

print(humanize.intcomma(1234567), tabulate.__version__, dateutil.__version__, six.__version__)
";
const SCRIPT_SAYS: &str = "1,234,567 0.9.0 2.9.0.post0 1.17.0\n";

/// Write `text` as the lab's script `name`; its path.
fn script(lab: &Lab, name: &str, text: &str) -> PathBuf {
    let path = lab.path(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `belay-run OPTIONS... ARGS...` with the lab's index in `PIP_INDEX_URL`.
fn with_index(lab: &Lab, args: &[&str]) -> Command {
    let mut cmd = lab.belay_run_cmd(args);
    cmd.env("PIP_INDEX_URL", lab.simple());
    cmd
}

fn run(lab: &Lab, args: &[&str]) -> Run {
    run_with_limit(with_index(lab, args), LIMIT)
}

/// The environments in the cache (`environments-v1/*`, hidden staging folders left out).
fn environments(cache: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(cache.join("environments-v1")) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect()
}

#[test]
fn a_script_gets_its_dependencies_once_and_runs_again_without_the_network() {
    let mut lab = Lab::new("pep723", &[]);
    let path = script(&lab, "report.py", SCRIPT);
    let first = run(&lab, &[arg(&path)]);
    first.assert_ok();
    assert_eq!(first.stdout, SCRIPT_SAYS);
    assert_eq!(environments(&lab.cache()).len(), 1, "one environment");

    lab.stop_server();
    for options in [&[][..], &["--offline"]] {
        let mut args = options.to_vec();
        args.push(arg(&path));
        let again = run(&lab, &args);
        again.assert_ok();
        assert_eq!(again.stdout, SCRIPT_SAYS, "again with {options:?}");
    }
    // --refresh resolves again: with the index gone, that fails, and says where it looked.
    let refresh = run(&lab, &["--refresh", arg(&path)]);
    failed(&refresh, "--refresh without the index");
    says(&refresh, "127.0.0.1", "--refresh without the index");
    // A script without a block needs none of this.
    let plain = script(&lab, "plain.py", "print('plain')\n");
    let run = run(&lab, &[arg(&plain)]);
    run.assert_ok();
    assert_eq!(run.stdout, "plain\n");
}

#[test]
fn markers_take_the_embedded_interpreters_values() {
    let lab = Lab::new("pep723-markers", &[]);
    let path = script(
        &lab,
        "markers.py",
        "# /// script\n# dependencies = [\n\
         #   \"six; platform_python_implementation == 'RustPython'\",\n\
         #   \"tabulate; implementation_name == 'cpython'\",\n\
         #   \"humanize; python_version >= '3.14'\",\n# ]\n# ///\n\
         import importlib.util\n\
         print([importlib.util.find_spec(n) is not None for n in ('six', 'tabulate', 'humanize')])\n",
    );
    let run = run(&lab, &[arg(&path)]);
    run.assert_ok();
    assert_eq!(run.stdout, "[True, False, True]\n");
}

#[test]
fn two_first_runs_at_once_both_succeed() {
    let mut lab = Lab::new("pep723-race", &[]);
    let path = script(&lab, "race.py", SCRIPT);
    let children: Vec<_> = (0..2)
        .map(|_| {
            with_index(&lab, &[arg(&path)])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawning belay-run")
        })
        .collect();
    for child in children {
        let _guard = watchdog(child.id(), LIMIT);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a concurrent run failed:\n{stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), SCRIPT_SAYS);
    }
    assert_eq!(environments(&lab.cache()).len(), 1, "one environment");
    lab.stop_server();
    let again = run(&lab, &[arg(&path)]);
    again.assert_ok();
    assert_eq!(again.stdout, SCRIPT_SAYS);
}

#[test]
fn a_malformed_block_is_reported_at_its_line() {
    let lab = Lab::new("pep723-malformed", &[]);
    let cases = [
        // (line 3 of the script, what the report must quote)
        (
            "# dependencies = [\"humanize\"",
            "dependencies = [\"humanize\"",
        ),
        (
            "# dependencies = \"humanize\"",
            "dependencies = \"humanize\"",
        ),
        ("# dependencies = [\"humanize >>> 1\"]", "humanize >>> 1"),
    ];
    for (line, quoted) in cases {
        let text = format!("\"\"\"A script.\"\"\"\n# /// script\n{line}\n# ///\nprint('ran')\n");
        let path = script(&lab, "bad_block.py", &text);
        let run = run(&lab, &[arg(&path)]);
        failed(&run, line);
        assert!(!run.stdout.contains("ran"), "{line}: the script ran");
        says(&run, "bad_block.py", line);
        assert!(
            run.stderr.contains(quoted),
            "{line}: not quoted:\n{}",
            run.stderr
        );
        // miette's frame names the place: `bad_block.py:3:COLUMN` (or, narrated, `line 3`).
        assert!(
            run.stderr.contains("bad_block.py:3:") || run.stderr.contains("line 3"),
            "{line}: the report does not point at line 3:\n{}",
            run.stderr
        );
    }
}

#[test]
fn a_requires_python_that_excludes_this_interpreter_is_refused() {
    let lab = Lab::new("pep723-python", &[]);
    let text =
        "# /// script\n# requires-python = \">=3.15\"\n# dependencies = []\n# ///\nprint('ran')\n";
    let path = script(&lab, "future.py", text);
    let run = run(&lab, &[arg(&path)]);
    failed(&run, "requires-python >=3.15");
    assert!(!run.stdout.contains("ran"), "the script ran");
    says(&run, ">=3.15", "requires-python >=3.15");
    says(&run, "3.14", "requires-python >=3.15");
}

#[test]
fn with_adds_requirements_to_c_m_and_stdin_programs() {
    let lab = Lab::new("with", &[]);
    let code = "import humanize, tabulate; print(humanize.intcomma(1000), tabulate.__version__)";
    let without = run(&lab, &["-c", code]);
    assert!(
        !without.status.success(),
        "humanize importable without --with"
    );

    let run_c = run(
        &lab,
        &[
            "--with",
            "humanize",
            "--with",
            "tabulate==0.9.0",
            "-c",
            code,
        ],
    );
    run_c.assert_ok();
    assert_eq!(run_c.stdout, "1,000 0.9.0\n");

    let run_m = run(
        &lab,
        &["--with", "pygments==2.21.0", "-m", "pygments", "-V"],
    );
    run_m.assert_ok();
    assert!(
        run_m.stdout.starts_with("Pygments version 2.21.0,"),
        "{}",
        run_m.stdout
    );

    let program = b"import humanize\nprint(humanize.intcomma(42000))\n";
    let cmd = with_index(&lab, &["--with", "humanize", "-"]);
    let run_stdin = run_feeding(cmd, Some(program), LIMIT);
    run_stdin.assert_ok();
    assert_eq!(run_stdin.stdout, "42,000\n");
}

#[test]
fn offline_with_an_empty_cache_fails_clearly() {
    let lab = Lab::new("pep723-offline", &[]);
    let path = script(&lab, "offline.py", SCRIPT);
    let started = std::time::Instant::now();
    let run = run(&lab, &["--offline", arg(&path)]);
    failed(&run, "--offline, empty cache");
    assert!(run.stdout.is_empty(), "the script ran: {}", run.stdout);
    super::says_offline(&run);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "offline took long"
    );
    assert!(environments(&lab.cache()).is_empty());
}

#[test]
fn an_interrupted_first_run_leaves_no_environment_to_reuse() {
    // The server sends half of tabulate 0.9.0, then nothing: the first run is interrupted while
    // it makes the environment. A second run (from a server that answers) must make it whole.
    let held = "tabulate-0.9.0-py3-none-any.whl";
    let lab = Lab::new("pep723-interrupted", &["--hold", held]);
    let path = script(&lab, "interrupted.py", SCRIPT);
    let child = with_index(&lab, &[arg(&path)])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning belay-run");
    let _guard = watchdog(child.id(), LIMIT);
    lab.server
        .as_ref()
        .unwrap()
        .wait_for(&format!("held {held}"), LIMIT);
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "an interrupted first run succeeded");
    assert!(out.stdout.is_empty(), "the script ran");

    let other = super::PypiServer::start(&[], &[]);
    let mut cmd = lab.belay_run_cmd(&[arg(&path)]);
    cmd.env("PIP_INDEX_URL", other.simple());
    let again = run_with_limit(cmd, LIMIT);
    again.assert_ok();
    assert_eq!(again.stdout, SCRIPT_SAYS);
}
