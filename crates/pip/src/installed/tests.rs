use std::path::Path;

use super::*;
use crate::Silent;
use crate::install::testwheel::TestWheel;
use crate::install::{Layout, install};

fn name(text: &str) -> PackageName {
    text.parse().unwrap()
}

fn layout(dir: &Path) -> Layout {
    Layout::venv(&dir.join("v"), (3, 14))
}

fn put(dir: &Path, layout: &Layout, wheel: TestWheel, requested: bool) {
    install(&[wheel.to_install(dir, requested)], layout, &Silent).unwrap();
}

#[test]
fn list_and_freeze_sort_as_pip() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = layout(tmp.path());
    for (n, v) in [
        ("Zeta", "1.0"),
        ("alpha", "2.0.post1"),
        ("Beta_Two", "3"),
        ("pip", "25.0"),
    ] {
        put(
            tmp.path(),
            &layout,
            TestWheel::new(n, v).file(&format!("{n}.py"), ""),
            n == "alpha",
        );
    }
    let site = &layout.site_packages;
    // A folder that is not a distribution is no trouble.
    std::fs::create_dir_all(site.join("junk.dist-info")).unwrap();
    let all = list(site).unwrap();
    let names: Vec<_> = all.iter().map(|d| d.name.to_string()).collect();
    assert_eq!(names, ["alpha", "beta-two", "pip", "zeta"]);
    assert_eq!(all[0].installer.as_deref(), Some("belay-run"));
    assert!(all[0].requested && !all[1].requested);
    assert_eq!(all[0].metadata.summary.as_deref(), Some("test"));
    assert_eq!(
        freeze(site).unwrap(),
        ["alpha==2.0.post1", "Beta_Two==3", "Zeta==1.0"]
    );
    assert!(list(&tmp.path().join("nowhere")).unwrap().is_empty());
}

#[test]
fn files_come_from_record() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = layout(tmp.path());
    put(
        tmp.path(),
        &layout,
        TestWheel::new("f", "1").file("f/__init__.py", ""),
        true,
    );
    let dist = find(&layout.site_packages, &name("f")).unwrap().unwrap();
    let mut got: Vec<_> = files(&dist)
        .unwrap()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            "f-1.dist-info/INSTALLER",
            "f-1.dist-info/METADATA",
            "f-1.dist-info/RECORD",
            "f-1.dist-info/REQUESTED",
            "f-1.dist-info/WHEEL",
            "f/__init__.py"
        ]
    );
}

#[test]
fn uninstall_removes_files_scripts_caches_and_empty_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = layout(tmp.path());
    let mut gone = TestWheel::new("gone", "1.0")
        .file("gone/__init__.py", "")
        .file("gone/sub/mod.py", "")
        .file("ns/gone_part.py", "")
        .file("gone-1.0.data/data/share/gone/x.txt", "");
    gone.entry_points = Some("[console_scripts]\ngone = gone:main\n".into());
    put(tmp.path(), &layout, gone, true);
    put(
        tmp.path(),
        &layout,
        TestWheel::new("stay", "1.0").file("ns/stay_part.py", ""),
        true,
    );
    let site = &layout.site_packages;
    let cache = site.join("gone/sub/__pycache__");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(cache.join("mod.cpython-314.pyc"), "").unwrap();
    let removed = uninstall(site, &name("gone"), &Silent).unwrap();
    assert_eq!(removed.version.to_string(), "1.0");
    let v = tmp.path().join("v");
    for path in [
        "bin/gone",
        "share/gone",
        "lib/python3.14/site-packages/gone",
        "lib/python3.14/site-packages/gone-1.0.dist-info",
    ] {
        assert!(!v.join(path).exists(), "{path}");
    }
    assert!(site.join("ns/stay_part.py").is_file() && !site.join("ns/gone_part.py").exists());
    assert!(v.join("bin").is_dir());
    assert_eq!(freeze(site).unwrap(), ["stay==1.0"]);
    // Nothing beside the environment's folders is left over (no staging folder).
    let left: Vec<_> = std::fs::read_dir(site.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, ["site-packages"]);
    let error = uninstall(site, &name("gone"), &Silent).unwrap_err();
    assert!(matches!(error, Error::NotInstalled(_)), "{error}");
}

#[test]
fn uninstall_refuses_record_paths_outside_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = layout(tmp.path());
    put(
        tmp.path(),
        &layout,
        TestWheel::new("evil", "1").file("evil.py", ""),
        true,
    );
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "keep").unwrap();
    let record = layout.site_packages.join("evil-1.dist-info/RECORD");
    let mut text = std::fs::read_to_string(&record).unwrap();
    text.push_str("../../../../victim.txt,,\n");
    std::fs::write(&record, text).unwrap();
    let error = uninstall(&layout.site_packages, &name("evil"), &Silent).unwrap_err();
    assert!(error.to_string().contains("outside"), "{error}");
    assert!(victim.is_file() && layout.site_packages.join("evil.py").is_file());
    assert_eq!(freeze(&layout.site_packages).unwrap(), ["evil==1"]);
}

#[test]
fn environment_roots() {
    assert_eq!(
        environment_root(Path::new("/v/lib/python3.14/site-packages")),
        Path::new("/v")
    );
    assert_eq!(
        environment_root(Path::new("/v/Lib/site-packages")),
        Path::new("/v")
    );
    assert_eq!(environment_root(Path::new("/t")), Path::new("/t"));
}

#[test]
fn uninstall_keeps_the_environments_folders_a_record_names() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = layout(tmp.path());
    put(
        tmp.path(),
        &layout,
        TestWheel::new("dirs", "1").file("dirs.py", ""),
        true,
    );
    put(
        tmp.path(),
        &layout,
        TestWheel::new("other", "1").file("other.py", ""),
        true,
    );
    std::fs::create_dir_all(&layout.scripts).unwrap();
    std::fs::write(layout.scripts.join("someone-elses"), "").unwrap();
    let record = layout.site_packages.join("dirs-1.dist-info/RECORD");
    let mut text = std::fs::read_to_string(&record).unwrap();
    text.push_str(
        "../../../bin/,,
./,,
../../..,,
",
    );
    std::fs::write(&record, text).unwrap();
    uninstall(&layout.site_packages, &name("dirs"), &Silent).unwrap();
    assert!(layout.scripts.join("someone-elses").is_file());
    assert!(layout.site_packages.join("other.py").is_file());
    assert!(!layout.site_packages.join("dirs.py").exists());
}

#[test]
fn files_not_in_record_stay_with_their_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = layout(tmp.path());
    let wheel = TestWheel::new("pkg", "1")
        .file("pkg/__init__.py", "")
        .file("pkg/sub/a.py", "")
        .file("pkg/data/b.txt", "");
    put(tmp.path(), &layout, wheel, true);
    let site = &layout.site_packages;
    std::fs::write(site.join("pkg/sub/mine.txt"), "user's").unwrap();
    uninstall(site, &name("pkg"), &Silent).unwrap();
    assert_eq!(
        std::fs::read_to_string(site.join("pkg/sub/mine.txt")).unwrap(),
        "user's"
    );
    for gone in [
        "pkg/__init__.py",
        "pkg/sub/a.py",
        "pkg/data",
        "pkg-1.dist-info",
    ] {
        assert!(!site.join(gone).exists(), "{gone}");
    }
}
