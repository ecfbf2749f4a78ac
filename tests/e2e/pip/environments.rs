//! `belay-run venv`, installing into the active environment (`VIRTUAL_ENV`), console scripts,
//! `pip list`/`freeze`/`show`/`uninstall` (compared with CPython's pip where pip can look at the
//! same distributions: `--path`, `PYTHONPATH`), and pytest 8 installed by belay-run running
//! under it.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{
    LIMIT, Lab, arg, check_records, dist_infos, dists, failed, normalized_json, says, set,
};
use crate::support::{Run, run_feeding, run_with_limit};

/// A venv's site-packages folder (the embedded interpreter is Python 3.14).
fn site(venv: &Path) -> PathBuf {
    venv.join("lib/python3.14/site-packages")
}

/// Run a program of the venv (`bin/NAME`) with the lab's environment and `input` on stdin.
fn venv_program(lab: &Lab, venv: &Path, name: &str, args: &[&str], input: Option<&str>) -> Run {
    let mut cmd = Command::new(venv.join("bin").join(name));
    cmd.args(args);
    lab.env(&mut cmd);
    run_feeding(cmd, input.map(str::as_bytes), LIMIT)
}

#[test]
fn venv_makes_an_environment_whose_python_is_belay_run() {
    let lab = Lab::new("venv", &[]);
    let venv = lab.venv("env");
    for file in [
        "pyvenv.cfg",
        "bin/python",
        "bin/python3",
        "bin/activate",
        "bin/activate.fish",
    ] {
        assert!(venv.join(file).exists(), "the venv has no {file}");
    }
    assert!(site(&venv).is_dir(), "no lib/python3.14/site-packages");
    let code = "import sys; print(sys.prefix); print(sys.implementation.name); print(sys.path)";
    let run = venv_program(&lab, &venv, "python", &["-c", code], None);
    run.assert_ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[..2], [arg(&venv), "rustpython"], "{}", run.stdout);
    assert!(
        lines[2].contains(&format!("'{}'", site(&venv).display())),
        "site-packages not on sys.path: {}",
        lines[2]
    );

    // bash's activate: VIRTUAL_ENV, `python` on PATH, the prompt, deactivate.
    let named = lab.path("named");
    lab.belay_run(&["venv", arg(&named), "--prompt", "bench-env"])
        .assert_ok();
    let script = format!(
        "PS1='$ '; . '{0}/bin/activate' && echo \"$VIRTUAL_ENV\" && echo \"$PS1\" && \
         python -c 'import sys; print(sys.prefix)' && deactivate && echo \"${{VIRTUAL_ENV:-none}}\"",
        named.display()
    );
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &script]);
    lab.env(&mut cmd);
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert_eq!(lines[0], arg(&named));
    assert!(lines[1].contains("(bench-env)"), "prompt: {:?}", lines[1]);
    assert_eq!(lines[2..], [arg(&named), "none"]);

    // --clear empties the folder first.
    std::fs::write(named.join("left-over.txt"), "x").unwrap();
    lab.belay_run(&["venv", arg(&named), "--clear"]).assert_ok();
    assert!(!named.join("left-over.txt").exists(), "--clear kept a file");
    assert!(named.join("pyvenv.cfg").is_file());
}

#[test]
fn pip_installs_into_the_active_venv_and_its_console_scripts_run() {
    let lab = Lab::new("venv-install", &[]);
    let venv = lab.venv("env");
    let run = lab.in_venv(
        &venv,
        &["pip", "install", "-i", &lab.simple(), "tabulate==0.9.0"],
    );
    run.assert_ok();
    assert!(run.stdout.contains("Successfully installed tabulate-0.9.0"));
    assert_eq!(dists(&site(&venv)), set(&["tabulate==0.9.0"]));
    check_records(&site(&venv), &venv);
    let code = "import tabulate; print(tabulate.__version__)";
    let run = venv_program(&lab, &venv, "python", &["-c", code], None);
    run.assert_ok();
    assert_eq!(run.stdout, "0.9.0\n");
    // The console script, as CPython's runs it: `tabulate -1` reads a table from stdin.
    let run = venv_program(&lab, &venv, "tabulate", &["-1"], Some("a b\n1 2\n"));
    run.assert_ok();
    assert_eq!(run.stdout, "  a    b\n---  ---\n  1    2\n");
}

#[test]
fn without_a_destination_the_error_names_both_ways() {
    let lab = Lab::new("no-destination", &[]);
    let run = lab.belay_run(&["pip", "install", "-i", &lab.simple(), "six"]);
    failed(&run, "no venv, no --target");
    says(&run, "--target", "no venv, no --target");
    says(&run, "belay-run venv", "no venv, no --target");
}

/// CPython's pip: `pip install --target A` of `reqs`; A.
fn pip_target(lab: &Lab, name: &str, reqs: &[&str]) -> PathBuf {
    let a = lab.path(name);
    let mut args = vec!["install", "--target", arg(&a), "--no-compile"];
    args.extend(["--python-version", "3.14", "--only-binary=:all:"]);
    let simple = lab.simple();
    args.extend(["--index-url", &simple]);
    args.extend(reqs);
    lab.pip(&args).assert_ok();
    a
}

#[test]
fn list_freeze_and_show_say_what_pip_says() {
    let lab = Lab::new("list", &[]);
    let reqs = ["rich", "tabulate==0.9.0"];
    let a = pip_target(&lab, "pip-target", &reqs);
    let venv = lab.venv("env");
    let mut install = vec!["pip", "install", "-i"];
    let simple = lab.simple();
    install.push(&simple);
    install.extend(reqs);
    lab.in_venv(&venv, &install).assert_ok();
    let b = lab.path("belay-target");
    let mut target = install.clone();
    target.extend(["--target", arg(&b)]);
    lab.belay_run(&target).assert_ok();

    let pip_freeze = lab.pip(&["freeze", "--path", arg(&a)]);
    pip_freeze.assert_ok();
    assert!(pip_freeze.stdout.contains("rich==15.0.0\n"));
    for (what, run) in [
        ("freeze in the venv", lab.in_venv(&venv, &["pip", "freeze"])),
        (
            "freeze --path",
            lab.belay_run(&["pip", "freeze", "--path", arg(&b)]),
        ),
        (
            "list --format freeze",
            lab.in_venv(&venv, &["pip", "list", "--format", "freeze"]),
        ),
    ] {
        run.assert_ok();
        assert_eq!(run.stdout, pip_freeze.stdout, "{what}");
    }
    for format in ["json", "columns"] {
        let pip = lab.pip(&["list", "--format", format, "--path", arg(&a)]);
        pip.assert_ok();
        let ours = lab.in_venv(&venv, &["pip", "list", "--format", format]);
        ours.assert_ok();
        if format == "json" {
            assert_eq!(normalized_json(&ours.stdout), normalized_json(&pip.stdout));
        } else {
            assert_eq!(ours.stdout, pip.stdout, "list --format columns");
        }
    }

    // show: CPython's pip sees A through PYTHONPATH; every field but the location is the same.
    let fields = |text: &str| -> Vec<String> {
        let keep = ["Name:", "Version:", "Summary:", "Requires:", "Required-by:"];
        text.lines()
            .filter(|l| keep.iter().any(|k| l.starts_with(k)))
            .map(str::to_string)
            .collect()
    };
    // `Files:` sections: indented lines (leading `../` off: a `--target` RECORD's `../../bin`).
    let files = |text: &str| -> std::collections::BTreeSet<String> {
        let mut in_files = false;
        let mut out = std::collections::BTreeSet::new();
        for line in text.lines() {
            if line.starts_with("Files:") {
                in_files = true;
            } else if in_files && line.starts_with("  ") {
                let path = line.trim().trim_start_matches("../");
                if !super::installers_own(path) {
                    out.insert(path.to_string());
                }
            } else {
                in_files = false;
            }
        }
        out
    };
    let mut cmd = pip_cmd_with_path(&lab, &a);
    cmd.args(["show", "-f", "rich", "markdown-it-py"]);
    let pip_show = run_with_limit(cmd, LIMIT);
    pip_show.assert_ok();
    let ours = lab.in_venv(&venv, &["pip", "show", "-f", "rich", "markdown-it-py"]);
    ours.assert_ok();
    assert_eq!(fields(&ours.stdout), fields(&pip_show.stdout), "show");
    assert_eq!(files(&ours.stdout), files(&pip_show.stdout), "show -f");
    assert!(files(&ours.stdout).contains("rich/console.py"));
}

/// CPython's `python -m pip` with `dir` on PYTHONPATH.
fn pip_cmd_with_path(lab: &Lab, dir: &Path) -> Command {
    let mut cmd = Command::new(super::pypi_dir().join(".venv/bin/python"));
    cmd.args(["-m", "pip"]);
    lab.env(&mut cmd);
    cmd.env("PYTHONPATH", dir);
    cmd
}

#[test]
fn uninstall_and_the_freeze_round_trip() {
    let lab = Lab::new("uninstall", &[]);
    let venv = lab.venv("env");
    let simple = lab.simple();
    let install = ["pip", "install", "-i", &simple, "rich", "tabulate==0.9.0"];
    lab.in_venv(&venv, &install).assert_ok();
    let freeze = lab.in_venv(&venv, &["pip", "freeze"]);
    freeze.assert_ok();

    // freeze -> -r -> the same set in a new venv.
    let requirements = lab.path("requirements.txt");
    std::fs::write(&requirements, &freeze.stdout).unwrap();
    let again = lab.venv("again");
    let run = lab.in_venv(
        &again,
        &["pip", "install", "-i", &simple, "-r", arg(&requirements)],
    );
    run.assert_ok();
    let freeze_again = lab.in_venv(&again, &["pip", "freeze"]);
    freeze_again.assert_ok();
    assert_eq!(freeze_again.stdout, freeze.stdout);
    assert_eq!(dists(&site(&again)), dists(&site(&venv)));

    // uninstall: the package, its dist-info and its launcher go; the rest stays.
    assert!(venv.join("bin/tabulate").is_file());
    let run = lab.in_venv(&venv, &["pip", "uninstall", "-y", "tabulate"]);
    run.assert_ok();
    assert!(
        run.stdout
            .contains("Successfully uninstalled tabulate-0.9.0"),
        "{}",
        run.stdout
    );
    assert!(!site(&venv).join("tabulate.py").exists() && !site(&venv).join("tabulate").exists());
    assert!(!venv.join("bin/tabulate").exists(), "the launcher stayed");
    let rich = [
        "rich==15.0.0",
        "markdown-it-py==4.3.0",
        "mdurl==0.1.2",
        "pygments==2.21.0",
    ];
    assert_eq!(dists(&site(&venv)), set(&rich));
    check_records(&site(&venv), &venv);

    // uninstall -r: everything the file names.
    let run = lab.in_venv(
        &again,
        &["pip", "uninstall", "-y", "-r", arg(&requirements)],
    );
    run.assert_ok();
    assert!(
        dist_infos(&site(&again)).is_empty(),
        "uninstall -r left some"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site(&again))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(leftovers.is_empty(), "files left: {leftovers:?}");
}

#[test]
fn pytest_installed_by_belay_run_runs_under_it() {
    let lab = Lab::new("pytest", &[]);
    let venv = lab.venv("env");
    let run = lab.in_venv(&venv, &["pip", "install", "-i", &lab.simple(), "pytest"]);
    run.assert_ok();
    let tests = lab.path("project");
    std::fs::create_dir_all(&tests).unwrap();
    std::fs::write(
        tests.join("test_sample.py"),
        "import pytest\n\n\ndef test_add():\n    assert 1 + 1 == 2\n\n\n\
         @pytest.mark.parametrize('n', [1, 2, 3])\ndef test_positive(n):\n    assert n > 0\n",
    )
    .unwrap();
    std::fs::write(
        tests.join("test_failing.py"),
        "def test_wrong():\n    assert 2 + 2 == 5\n",
    )
    .unwrap();
    let pytest = |args: &[&str]| {
        let mut all = vec!["-m", "pytest", "-q", "-p", "no:cacheprovider"];
        all.extend(args);
        let mut cmd = lab.belay_run_cmd(&all);
        cmd.current_dir(&tests).env("VIRTUAL_ENV", &venv);
        run_with_limit(cmd, LIMIT)
    };
    let run = pytest(&["test_sample.py"]);
    run.assert_ok();
    assert!(run.stdout.contains("4 passed"), "{}", run.stdout);
    let run = pytest(&["test_failing.py"]);
    assert_eq!(run.code(), Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 failed"), "{}", run.stdout);
    // The venv's own pytest launcher.
    let mut cmd = Command::new(venv.join("bin/pytest"));
    lab.env(&mut cmd);
    cmd.current_dir(&tests)
        .args(["-q", "-p", "no:cacheprovider", "test_sample.py"]);
    let run = run_with_limit(cmd, LIMIT);
    run.assert_ok();
    assert!(run.stdout.contains("4 passed"), "{}", run.stdout);
}
