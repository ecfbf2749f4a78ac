//! Source distributions (docs/host-packages.md, "Source distributions"): a project with only an
//! sdist is built by its PEP 517 backend, itself installed from the index as wheels into a build
//! environment of its own, and run by belay-run's embedded interpreter; the built wheel is
//! installed as any other and kept in the cache. Backends: setuptools (docopt 0.6.2, the real
//! sdist from PyPI, with only `setup.py`; and a `pyproject.toml` project), flit_core, hatchling and
//! poetry-core (projects made by tests/pypi/make_sdist.py).

use std::path::Path;

use super::differential::assert_same_install;
use super::{Lab, PypiServer, arg, check_records, dists, failed, make_sdist, says, set};
use crate::support::run_with_limit;

/// A lab whose index serves the real wheels and sdists, and the sdists `made` makes in `folder`.
fn lab_with_sdists(name: &str, made: impl FnOnce(&Path)) -> Lab {
    Lab::with_server(name, |dir| {
        let folder = dir.join("sdists");
        made(&folder);
        PypiServer::start(&[&folder], &[])
    })
}

#[test]
fn sdists_are_built_by_their_backends_and_installed() {
    let lab = lab_with_sdists("sdists", |out| {
        let console = ["--console", "flitdemo=flitdemo:main"];
        make_sdist(
            out,
            "flitdemo",
            "1.2",
            &[&["--backend", "flit", "--requires", "six"][..], &console].concat(),
        );
        make_sdist(
            out,
            "hatchdemo",
            "0.3",
            &["--backend", "hatchling", "--requires", "attrs"],
        );
        make_sdist(out, "poetrydemo", "2.0", &["--backend", "poetry"]);
        make_sdist(out, "setupdemo", "1.0", &["--backend", "setuptools"]);
    });
    let target = lab.path("target");
    let names = ["flitdemo", "hatchdemo", "poetrydemo", "setupdemo", "docopt"];
    let run = lab.install_into(&target, &names);
    run.assert_ok();
    for sdist in [
        "flitdemo-1.2.tar.gz",
        "hatchdemo-0.3.tar.gz",
        "docopt-0.6.2.tar.gz",
    ] {
        says(
            &run,
            &format!("Building a wheel from {sdist}"),
            "the first install",
        );
    }
    // The built projects and their dependencies; no backend is left in the target.
    assert_eq!(
        dists(&target),
        set(&[
            "flitdemo==1.2",
            "six==1.17.0",
            "hatchdemo==0.3",
            "attrs==26.1.0",
            "poetrydemo==2.0",
            "setupdemo==1.0",
            "docopt==0.6.2",
        ])
    );
    check_records(&target, &target);
    let code = "import flitdemo, hatchdemo, poetrydemo, setupdemo, docopt, six, attrs\n\
                print(flitdemo.VERSION, hatchdemo.VERSION, poetrydemo.VERSION, setupdemo.VERSION)\n\
                print(docopt.docopt('usage: x <a>', ['1']))";
    let mut cmd = lab.belay_run_cmd(&["-c", code]);
    cmd.env("PYTHONPATH", &target);
    let imported = run_with_limit(cmd, super::LIMIT);
    imported.assert_ok();
    assert_eq!(imported.stdout, "1.2 0.3 2.0 1.0\n{'<a>': '1'}\n");
    // flit wrote the console script into the wheel; it runs under belay-run.
    let mut script = std::process::Command::new(target.join("bin/flitdemo"));
    lab.env(&mut script);
    script.env("PYTHONPATH", &target);
    let ran = run_with_limit(script, super::LIMIT);
    ran.assert_ok();
    assert_eq!(ran.stdout, "flitdemo 1.2 runs\n");

    // A second install builds nothing: the wheels are in the cache.
    let again = lab.path("again");
    let run = lab.install_into(&again, &names);
    run.assert_ok();
    assert!(
        !run.stderr.contains("Building"),
        "the second install built again:\n{}",
        run.stderr
    );
    assert_eq!(dists(&again), dists(&target));
}

#[test]
fn docopt_from_its_sdist_as_pip_builds_it() {
    let lab = Lab::new("sdist-pip", &[]);
    let (a, b) = (lab.path("pip"), lab.path("belay"));
    // pip builds it with setuptools from the same index, in its own build isolation.
    let simple = lab.simple();
    lab.pip(&[
        "install",
        "--target",
        arg(&a),
        "--no-compile",
        "-i",
        &simple,
        "docopt==0.6.2",
    ])
    .assert_ok();
    assert_eq!(dists(&a), set(&["docopt==0.6.2"]));
    lab.install_into(&b, &["docopt==0.6.2"]).assert_ok();
    assert_same_install("docopt", &a, &b);
}

#[test]
fn a_build_that_fails_is_explained_and_installs_nothing() {
    let lab = lab_with_sdists("sdist-fail", |out| {
        make_sdist(out, "brokenpkg", "1.0", &["--backend", "intree-fail"]);
    });
    let target = lab.path("target");
    let run = lab.install_into(&target, &["six", "brokenpkg"]);
    failed(&run, "a failing build");
    says(
        &run,
        "brokenpkg-1.0.tar.gz: cannot build a wheel",
        "the report",
    );
    says(
        &run,
        "failing_backend: no compiler for _speedups.c",
        "the backend's output",
    );
    says(
        &run,
        "RuntimeError: the extension could not be built",
        "the backend's error",
    );
    assert!(
        dists(&target).is_empty(),
        "something was installed: {:?}",
        dists(&target)
    );
}
