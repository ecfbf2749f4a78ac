//! Bad input and interruptions (issue 26, "Bad input"): a hash mismatch installs nothing, a wheel
//! naming a path outside the destination is refused, Ctrl-C during an install and a failed
//! download leave the environment as it was, an unreachable index fails in bounded time naming
//! its URL, `--offline` with an empty cache fails clearly.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{LIMIT, Lab, arg, dists, failed, says, sha256, tree, wheel};
use crate::support::watchdog;

#[test]
fn a_hash_mismatch_installs_nothing() {
    // A --hash line that does not match: pip refuses too.
    let lab = Lab::new("hash-line", &[]);
    let humanize = sha256(&wheel("humanize-4.16.0-py3-none-any.whl"));
    let requirements = lab.path("requirements.txt");
    std::fs::write(
        &requirements,
        format!(
            "humanize==4.16.0 --hash=sha256:{humanize}\nsix==1.17.0 --hash=sha256:{}\n",
            "0".repeat(64)
        ),
    )
    .unwrap();
    let (a, b) = (lab.path("pip"), lab.path("belay"));
    let simple = lab.simple();
    let pip = lab.pip(&[
        "install",
        "--target",
        arg(&a),
        "--only-binary=:all:",
        "--python-version",
        "3.14",
        "-i",
        &simple,
        "-r",
        arg(&requirements),
    ]);
    assert!(!pip.status.success(), "pip accepted a wrong hash");
    let run = lab.install_into(&b, &["-r", arg(&requirements)]);
    failed(&run, "a wrong --hash");
    says(&run, "six", "a wrong --hash");
    assert!(run.stderr.contains("hash"), "{}", run.stderr);
    assert!(
        tree(&b).is_empty(),
        "files installed: {:?}",
        tree(&b).keys()
    );

    // An index whose `#sha256=` does not match the file it serves.
    let lab = Lab::new(
        "hash-index",
        &["--bad-hash", "tabulate-0.10.0-py3-none-any.whl"],
    );
    let b = lab.path("belay");
    let run = lab.install_into(&b, &["humanize", "tabulate"]);
    failed(&run, "an index hash mismatch");
    says(
        &run,
        "tabulate-0.10.0-py3-none-any.whl",
        "an index hash mismatch",
    );
    assert!(
        tree(&b).is_empty(),
        "files installed: {:?}",
        tree(&b).keys()
    );

    // An index whose PEP 658 metadata hash does not match the metadata file it serves.
    let lab = Lab::new(
        "hash-metadata",
        &["--bad-metadata-hash", "tabulate-0.10.0-py3-none-any.whl"],
    );
    let b = lab.path("belay");
    let run = lab.install_into(&b, &["tabulate"]);
    failed(&run, "a metadata hash mismatch");
    says(
        &run,
        "tabulate-0.10.0-py3-none-any.whl.metadata: hash mismatch",
        "a metadata hash mismatch",
    );
    assert!(
        tree(&b).is_empty(),
        "files installed: {:?}",
        tree(&b).keys()
    );
}

/// Every file under `dir` whose name is `name`.
fn find_named(dir: &Path, name: &str) -> Vec<String> {
    tree(dir)
        .into_keys()
        .filter(|p| p.rsplit('/').next() == Some(name))
        .collect()
}

#[test]
fn a_wheel_that_names_a_path_outside_its_destination_is_refused() {
    let lab = Lab::new("evil", &[]);
    for mode in ["zip", "record", "absolute"] {
        // A name of this run's own, so that /tmp/<name>_escape.py is ours to look for.
        let name = format!("evil{mode}{}", std::process::id());
        let made = lab.make_wheel(
            &name,
            "1.0",
            &["--file", "evil_pkg/__init__.py=X = 1\n", "--evil", mode],
        );
        let escape = format!("{name}_escape.py");
        for (where_, venv) in [("target", false), ("venv", true)] {
            let dest = lab.path(&format!("{mode}-{where_}"));
            let run = if venv {
                lab.belay_run(&["venv", arg(&dest)]).assert_ok();
                lab.in_venv(&dest, &["pip", "install", arg(&made)])
            } else {
                lab.install_into(&dest, &[arg(&made)])
            };
            let what = format!("a wheel with {mode} escaping, into a {where_}");
            failed(&run, &what);
            says(&run, &name, &what);
            assert!(dists(&dest).is_empty(), "{what}: installed");
            assert!(
                !dest.join("evil_pkg").exists()
                    && !dest.join("lib/python3.14/site-packages/evil_pkg").exists(),
                "{what}: its package was installed"
            );
            let escaped = find_named(&lab.dir, &escape);
            assert!(escaped.is_empty(), "{what}: wrote {escaped:?}");
            let absolute = Path::new("/tmp").join(&escape);
            assert!(!absolute.exists(), "{what}: wrote {}", absolute.display());
        }
    }
}

#[test]
fn ctrl_c_during_an_install_leaves_the_environment_as_it_was() {
    // The server sends half of tabulate 0.10.0 and then nothing: belay-run is interrupted while
    // it upgrades a venv that holds tabulate 0.9.0.
    let held = "tabulate-0.10.0-py3-none-any.whl";
    let lab = Lab::new("ctrl-c", &["--hold", held]);
    let envs = lab.path("envs");
    let venv = envs.join("env");
    lab.belay_run(&["venv", arg(&venv)]).assert_ok();
    let simple = lab.simple();
    let install = ["pip", "install", "-i", &simple, "tabulate==0.9.0", "six"];
    lab.in_venv(&venv, &install).assert_ok();
    let before = tree(&envs);

    let mut cmd = lab.belay_run_cmd(&["pip", "install", "-i", &simple, "-U", "tabulate", "rich"]);
    cmd.env("VIRTUAL_ENV", &venv)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("spawning belay-run");
    let _guard = watchdog(child.id(), LIMIT);
    let server = lab.server.as_ref().unwrap();
    server.wait_for(&format!("held {held}"), LIMIT);
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let t0 = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(t0.elapsed() < Duration::from_secs(30), "slow to stop");
    assert!(!out.status.success(), "an interrupted install succeeded");
    let after = tree(&envs);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "the files of the venv (and beside it) changed"
    );
    assert!(after == before, "the contents of the venv changed");
}

#[test]
fn a_failed_download_leaves_the_environment_as_it_was() {
    let lab = Lab::new(
        "failed-download",
        &["--bad-hash", "tabulate-0.10.0-py3-none-any.whl"],
    );
    let envs = lab.path("envs");
    let venv = envs.join("env");
    lab.belay_run(&["venv", arg(&venv)]).assert_ok();
    let simple = lab.simple();
    lab.in_venv(&venv, &["pip", "install", "-i", &simple, "tabulate==0.9.0"])
        .assert_ok();
    let before = tree(&envs);
    let run = lab.in_venv(
        &venv,
        &[
            "pip", "install", "-i", &simple, "-U", "tabulate", "humanize",
        ],
    );
    failed(&run, "an upgrade whose download is bad");
    assert!(tree(&envs) == before, "the venv changed");
}

#[test]
fn an_unreachable_index_fails_in_bounded_time_naming_the_url() {
    let lab = Lab::new("unreachable", &[]);
    // A port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/simple");
    let b = lab.path("belay");
    let started = Instant::now();
    let run = lab.belay_run(&["pip", "install", "--target", arg(&b), "-i", &url, "six"]);
    failed(&run, "an unreachable index");
    says(&run, &format!("127.0.0.1:{port}"), "an unreachable index");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    assert!(tree(&b).is_empty());
}

#[test]
fn offline_pip_install_with_an_empty_cache_fails_clearly() {
    let lab = Lab::new("pip-offline", &[]);
    let simple = lab.simple();
    let install = |dest: &str, offline: bool| {
        let mut args = vec!["pip", "install"];
        if offline {
            args.push("--offline");
        }
        args.extend(["--target", dest, "-i", &simple, "six"]);
        lab.belay_run(&args)
    };
    let b = lab.path("belay");
    let run = install(arg(&b), true);
    failed(&run, "--offline, empty cache");
    super::says_offline(&run);
    assert!(tree(&b).is_empty());
    // The same online fills the cache; then offline works.
    install(arg(&b), false).assert_ok();
    let c = lab.path("again");
    install(arg(&c), true).assert_ok();
    assert_eq!(dists(&c), super::set(&["six==1.17.0"]));
    // `belay-run cache` lists and clears the host packages' entries too.
    let list = lab.belay_run(&["cache", "list"]);
    list.assert_ok();
    assert!(!list.stdout.trim().is_empty(), "cache list shows nothing");
    lab.belay_run(&["cache", "clear", "--all", "--yes"])
        .assert_ok();
    let d = lab.path("cleared");
    failed(&install(arg(&d), true), "--offline after cache clear");
    assert!(tree(&d).is_empty());
}
