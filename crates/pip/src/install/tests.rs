use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::testwheel::TestWheel;
use super::*;
use crate::{Event, Report, Silent};

fn venv(dir: &Path) -> Layout {
    Layout::venv(&dir.join("v"), (3, 14))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every RECORD row with a hash matches the file on disk; the RECORD's own row has none.
fn check_record(layout: &Layout, dist_info: &str) -> Vec<String> {
    let text = read(&layout.site_packages.join(dist_info).join("RECORD"));
    let rows = record::parse(&text).unwrap();
    for row in &rows {
        let path = layout.site_packages.join(&row.path);
        if row.path == format!("{dist_info}/RECORD") {
            assert_eq!((row.hash.as_str(), row.size.as_str()), ("", ""));
            continue;
        }
        let content = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", row.path));
        assert_eq!(row.hash, record::sha256(&content), "{}", row.path);
        assert_eq!(row.size, content.len().to_string(), "{}", row.path);
    }
    rows.into_iter().map(|r| r.path).collect()
}

/// Names in `dir` (sorted), to compare before and after.
fn tree(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let content = std::fs::read(&entry)
            .map(|c| record::sha256(&c))
            .unwrap_or_default();
        found.push(format!("{rel} {content}"));
    }
    found.sort();
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        out.push(entry.path());
        if entry.path().is_dir() {
            out.extend(walk(&entry.path()));
        }
    }
    out
}

#[test]
fn installs_files_record_installer_requested_and_launchers() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = venv(tmp.path());
    let mut wheel = TestWheel::new("demo-pkg", "1.0")
        .file("demo/__init__.py", "X = 1\n")
        .file("demo/cli.py", "def main():\n    return 0\n")
        .file(
            "demo_pkg-1.0.data/scripts/tool",
            "#!python\nprint('tool')\n",
        )
        .file("demo_pkg-1.0.data/data/share/demo/a.txt", "data\n")
        .file("demo_pkg-1.0.data/headers/demo.h", "int x;\n")
        .file("demo_pkg-1.0.data/purelib/demo_extra.py", "E = 2\n");
    wheel.entry_points = Some(
        "[console_scripts]\ndemo = demo.cli:main\n[gui_scripts]\ndemo-gui = demo.cli:main\n".into(),
    );
    let done = install(&[wheel.to_install(tmp.path(), true)], &layout, &Silent).unwrap();
    assert_eq!(done.installed, ["demo-pkg-1.0"]);
    let site = &layout.site_packages;
    let v = tmp.path().join("v");
    assert_eq!(read(&site.join("demo/__init__.py")), "X = 1\n");
    assert_eq!(read(&site.join("demo_extra.py")), "E = 2\n");
    assert_eq!(read(&v.join("share/demo/a.txt")), "data\n");
    assert_eq!(
        read(&v.join("include/site/python3.14/demo_pkg/demo.h")),
        "int x;\n"
    );
    assert!(!site.join("demo_pkg-1.0.data").exists());
    let python = v.join("bin/python");
    assert_eq!(
        read(&v.join("bin/tool")),
        format!("#!{}\nprint('tool')\n", python.display())
    );
    let launcher = read(&v.join("bin/demo"));
    assert!(launcher.starts_with(&format!(
        "#!{}\n# -*- coding: utf-8 -*-\n",
        python.display()
    )));
    assert!(
        launcher.contains("from demo.cli import main\n")
            && launcher.ends_with("sys.exit(main())\n")
    );
    assert!(v.join("bin/demo-gui").is_file());
    #[cfg(unix)]
    for script in ["demo", "demo-gui", "tool"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(v.join("bin").join(script))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755, "{script}");
    }
    let info = "demo_pkg-1.0.dist-info";
    assert_eq!(read(&site.join(info).join("INSTALLER")), "belay-run\n");
    assert_eq!(read(&site.join(info).join("REQUESTED")), "");
    let mut paths = check_record(&layout, info);
    paths.sort();
    let mut expected = vec![
        "../../../bin/demo",
        "../../../bin/demo-gui",
        "../../../bin/tool",
        "../../../include/site/python3.14/demo_pkg/demo.h",
        "../../../share/demo/a.txt",
        "demo/__init__.py",
        "demo/cli.py",
        "demo_extra.py",
        "demo_pkg-1.0.dist-info/INSTALLER",
        "demo_pkg-1.0.dist-info/METADATA",
        "demo_pkg-1.0.dist-info/RECORD",
        "demo_pkg-1.0.dist-info/REQUESTED",
        "demo_pkg-1.0.dist-info/WHEEL",
        "demo_pkg-1.0.dist-info/entry_points.txt",
    ];
    expected.sort();
    assert_eq!(paths, expected);
    // Nothing left beside the environment: the staging folder is gone.
    let lib = site.parent().unwrap();
    assert_eq!(std::fs::read_dir(lib).unwrap().count(), 1);
}

#[test]
fn dependencies_get_no_requested_and_target_layout_is_pips() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("t");
    let layout = Layout::target(&target, Path::new("/opt/belay-run"));
    let mut wheel = TestWheel::new("dep", "2.0")
        .file("dep.py", "")
        .file("dep-2.0.data/headers/dep.h", "")
        .file("dep-2.0.data/data/share/dep.txt", "");
    wheel.entry_points = Some("[console_scripts]\ndep = dep:main\n".into());
    install(&[wheel.to_install(tmp.path(), false)], &layout, &Silent).unwrap();
    for path in ["dep.py", "include/python/dep/dep.h", "share/dep.txt"] {
        assert!(target.join(path).is_file(), "{path}");
    }
    assert!(read(&target.join("bin/dep")).starts_with("#!/opt/belay-run\n"));
    assert!(!target.join("dep-2.0.dist-info/REQUESTED").exists());
    let paths = check_record(&layout, "dep-2.0.dist-info");
    assert!(paths.contains(&"bin/dep".to_string()), "{paths:?}");
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.to_string_lossy().starts_with(".belay-staging"))
    );
}

#[test]
fn namespace_packages_merge_and_record_may_omit_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = venv(tmp.path());
    let mut a = TestWheel::new("ns-a", "1").file("ns/a/__init__.py", "A = 1\n");
    a.directories = vec!["ns/".into(), "ns/a/".into()];
    let b = TestWheel::new("ns-b", "1").file("ns/b/__init__.py", "B = 1\n");
    install(&[a.to_install(tmp.path(), true)], &layout, &Silent).unwrap();
    install(&[b.to_install(tmp.path(), true)], &layout, &Silent).unwrap();
    let site = &layout.site_packages;
    assert!(site.join("ns/a/__init__.py").is_file() && site.join("ns/b/__init__.py").is_file());
    check_record(&layout, "ns_a-1.dist-info");
    check_record(&layout, "ns_b-1.dist-info");
}

fn refused(wheel: TestWheel, what: &str, expect: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let layout = venv(tmp.path());
    let existing = TestWheel::new("keep", "1").file("keep.py", "K = 1\n");
    install(&[existing.to_install(tmp.path(), true)], &layout, &Silent).unwrap();
    let before = tree(&tmp.path().join("v"));
    let path = wheel.to_install(tmp.path(), true);
    let error = install(&[path], &layout, &Silent).expect_err(what);
    let message = error.to_string();
    assert!(
        matches!(error, Error::Wheel { .. } | Error::Hash { .. }),
        "{what}: {message}"
    );
    assert!(message.contains(expect), "{what}: {message}");
    assert_eq!(tree(&tmp.path().join("v")), before, "{what}: {message}");
    assert!(!tmp.path().join("evil.py").exists());
}

#[test]
fn bad_wheels_are_refused_and_nothing_changes() {
    for name in [
        "../evil.py",
        "/evil.py",
        "C:/evil.py",
        "a/../../evil.py",
        "a\\..\\evil.py",
    ] {
        refused(
            TestWheel::new("bad", "1").file(name, "E = 1\n"),
            name,
            "outside the destination",
        );
    }
    let mut link = TestWheel::new("bad", "1").file("ok.py", "");
    link.symlinks = vec![("bad/link".into(), "/etc/passwd".into())];
    refused(link, "symlink", "a symbolic link");
    let mut record = TestWheel::new("bad", "1").file("ok.py", "");
    record.extra_rows = vec!["../../evil.py,sha256=y,1".into()];
    refused(
        record,
        "RECORD path outside",
        "RECORD names ../../evil.py, outside",
    );
    let mut hash = TestWheel::new("bad", "1").file("ok.py", "right\n");
    let good = record::sha256(b"wrong\n");
    hash.unrecorded = vec!["ok.py".into()];
    hash.extra_rows = vec![format!("ok.py,{good},6")];
    refused(hash, "hash mismatch", "hash mismatch");
    let mut unrecorded = TestWheel::new("bad", "1")
        .file("ok.py", "")
        .file("sneaky.py", "");
    unrecorded.unrecorded = vec!["sneaky.py".into()];
    refused(
        unrecorded,
        "file not in RECORD",
        "sneaky.py is not in RECORD",
    );
    let mut missing = TestWheel::new("bad", "1").file("ok.py", "");
    missing.extra_rows = vec![format!("ghost.py,{},0", record::sha256(b""))];
    refused(
        missing,
        "RECORD file missing from the wheel",
        "RECORD lists ghost.py",
    );
    let mut version = TestWheel::new("bad", "1").file("ok.py", "");
    version.wheel_version = "2.0".into();
    refused(version, "Wheel-Version 2.0", "Wheel-Version 2.0 is not 1.x");
    let mut md5 = TestWheel::new("bad", "1").file("ok.py", "");
    md5.unrecorded = vec!["ok.py".into()];
    md5.extra_rows = vec!["ok.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0".into()];
    refused(md5, "md5 in RECORD", "is not sha256/384/512");
}

#[test]
fn a_wheel_without_record_or_of_another_project_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("x-1-py3-none-any.whl");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in [
        ("x-1.dist-info/METADATA", "Name: x\nVersion: 1\n"),
        ("x-1.dist-info/WHEEL", "Wheel-Version: 1.0\n"),
    ] {
        zip.start_file(name, options).unwrap();
        std::io::Write::write_all(&mut zip, text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let wheel = WheelToInstall {
        path,
        name: "x".parse().unwrap(),
        version: "1".parse().unwrap(),
        requested: true,
        direct_url: None,
    };
    let error = install(std::slice::from_ref(&wheel), &venv(tmp.path()), &Silent).unwrap_err();
    assert!(
        error.to_string().contains("no x-1.dist-info/RECORD"),
        "{error}"
    );
    let other = WheelToInstall {
        name: "y".parse().unwrap(),
        ..wheel
    };
    let error = install(&[other], &venv(tmp.path()), &Silent).unwrap_err();
    assert!(
        error.to_string().contains("no .dist-info folder for y"),
        "{error}"
    );
}

#[test]
fn upgrades_remove_the_old_files_in_the_same_install() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = venv(tmp.path());
    let mut old = TestWheel::new("up", "1.0")
        .file("up/__init__.py", "V = 1\n")
        .file("up/gone.py", "");
    old.entry_points = Some("[console_scripts]\nup-old = up:main\n".into());
    install(&[old.to_install(tmp.path(), true)], &layout, &Silent).unwrap();
    // A broken distribution beside it does not stop the upgrade.
    let broken = layout.site_packages.join("broken-1.dist-info");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("METADATA"), "no headers\n").unwrap();
    let pycache = layout.site_packages.join("up/__pycache__");
    std::fs::create_dir_all(&pycache).unwrap();
    std::fs::write(pycache.join("gone.cpython-314.pyc"), "").unwrap();
    let new = TestWheel::new("up", "2.0").file("up/__init__.py", "V = 2\n");
    let done = install(&[new.to_install(tmp.path(), true)], &layout, &Silent).unwrap();
    assert_eq!(
        (done.removed, done.installed),
        (vec!["up-1.0".to_string()], vec!["up-2.0".to_string()])
    );
    let site = &layout.site_packages;
    assert_eq!(read(&site.join("up/__init__.py")), "V = 2\n");
    assert!(!site.join("up/gone.py").exists() && !pycache.exists());
    assert!(!site.join("up-1.0.dist-info").exists());
    assert!(!tmp.path().join("v/bin/up-old").exists());
    assert!(tmp.path().join("v/bin").is_dir());
    check_record(&layout, "up-2.0.dist-info");
    // A reinstall of the same version replaces it too.
    let again = install(
        &[TestWheel::new("up", "2.0")
            .file("up/__init__.py", "V = 3\n")
            .to_install(tmp.path(), true)],
        &layout,
        &Silent,
    )
    .unwrap();
    assert_eq!(again.removed, ["up-2.0"]);
    assert_eq!(read(&site.join("up/__init__.py")), "V = 3\n");
}

/// Sets the cancel flag when an old version has been set aside (as Ctrl-C could).
struct CancelAfterRemoval<'a>(&'a AtomicBool);

impl Report for CancelAfterRemoval<'_> {
    fn report(&self, event: &Event) {
        if matches!(event, Event::Removed { .. }) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

#[test]
fn an_interrupted_upgrade_puts_everything_back() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = venv(tmp.path());
    let mut old = TestWheel::new("up", "1.0")
        .file("up/__init__.py", "V = 1\n")
        .file("up/gone.py", "");
    old.entry_points = Some("[console_scripts]\nup = up:main\n".into());
    let other = TestWheel::new("other", "1.0").file("other.py", "");
    install(
        &[
            old.to_install(tmp.path(), true),
            other.to_install(tmp.path(), true),
        ],
        &layout,
        &Silent,
    )
    .unwrap();
    let before = tree(&tmp.path().join("v"));
    let new = TestWheel::new("up", "2.0")
        .file("up/__init__.py", "V = 2\n")
        .file("up/new.py", "");
    let fresh = TestWheel::new("fresh", "1.0").file("fresh.py", "");
    let cancel = AtomicBool::new(false);
    let wheels = [
        fresh.to_install(tmp.path(), true),
        new.to_install(tmp.path(), true),
    ];
    let error =
        install_cancellable(&wheels, &layout, &CancelAfterRemoval(&cancel), &cancel).unwrap_err();
    assert!(matches!(error, Error::Interrupted), "{error}");
    assert_eq!(tree(&tmp.path().join("v")), before);
}

#[test]
fn two_versions_of_one_project_at_once_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let one = TestWheel::new("twice", "1").file("twice.py", "");
    let two = TestWheel::new("twice", "2").file("twice.py", "");
    std::fs::create_dir(tmp.path().join("2")).unwrap();
    let wheels = [
        one.to_install(tmp.path(), true),
        two.to_install(&tmp.path().join("2"), true),
    ];
    let error = install(&wheels, &venv(tmp.path()), &Silent).unwrap_err();
    assert!(
        error.to_string().contains("twice is to be installed twice"),
        "{error}"
    );
    assert!(
        !tmp.path()
            .join("v/lib/python3.14/site-packages/twice.py")
            .exists()
    );
}

/// Sets the cancel flag as soon as installing starts (Ctrl-C during the unpacking).
struct CancelAtOnce<'a>(&'a AtomicBool);

impl Report for CancelAtOnce<'_> {
    fn report(&self, _event: &Event) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[test]
fn an_install_interrupted_while_unpacking_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = venv(tmp.path());
    let wheel = TestWheel::new("big", "1")
        .file("big/a.py", "")
        .file("big/b.py", "");
    let cancel = AtomicBool::new(false);
    let wheels = [wheel.to_install(tmp.path(), true)];
    let error = install_cancellable(&wheels, &layout, &CancelAtOnce(&cancel), &cancel).unwrap_err();
    assert!(matches!(error, Error::Interrupted), "{error}");
    assert_eq!(tree(&tmp.path().join("v")), ["lib ", "lib/python3.14 "]);
}
