//! Differential tests: CPython's pip (`pip install --target A --no-compile --python-version 3.14
//! --only-binary=:all:`) and `belay-run pip install --target B` get the same requirements and
//! options from the same index and must install the same distributions and versions with the
//! same files: each `*.dist-info/RECORD`'s path set (without RECORD, INSTALLER, REQUESTED and
//! direct_url.json), the same files on disk with the same bytes (launchers in `bin/`: only their
//! names), and the same `Successfully installed` line. belay-run's RECORDs are also checked
//! against the files (hashes and sizes; pip's `--target` RECORDs name `../../bin/...`, so only
//! their path sets are compared). Each case also names what it must install, which pip confirms.

use std::path::{Path, PathBuf};

use super::{
    Lab, PypiServer, announced, arg, check_records, dist_infos, dists, failed, installers_own,
    make_wheel, normalized_json, record_paths, says, set, sha256, tree, wheel, wheels_dir,
};
use crate::support::Run;

/// Both installers' runs and folders for one case.
struct Both {
    pip: Run,
    ours: Run,
    a: PathBuf,
    b: PathBuf,
}

/// Run both installers on `args` (requirements and options), from the lab's index unless `args`
/// name their own (`-i`, `--index-url`, `--no-index`), into `<case>-pip` and `<case>-belay`.
fn both(lab: &Lab, case: &str, args: &[&str]) -> Both {
    let a = lab.path(&format!("{case}-pip"));
    let b = lab.path(&format!("{case}-belay"));
    let simple = lab.simple();
    let own_index = args
        .iter()
        .any(|x| matches!(*x, "-i" | "--index-url" | "--no-index"));
    let index: Vec<&str> = if own_index {
        vec![]
    } else {
        vec!["--index-url", &simple]
    };
    let mut pip_args = vec!["install", "--target", arg(&a), "--no-compile"];
    pip_args.extend(["--python-version", "3.14", "--only-binary=:all:"]);
    pip_args.extend(&index);
    pip_args.extend(args);
    let pip = lab.pip(&pip_args);
    let mut ours_args = vec!["pip", "install", "--target", arg(&b)];
    ours_args.extend(&index);
    ours_args.extend(args);
    let ours = lab.belay_run(&ours_args);
    Both { pip, ours, a, b }
}

/// Both installers succeed on `args`, pip installs exactly `expected`, and belay-run the same.
fn same(lab: &Lab, case: &str, args: &[&str], expected: &[&str]) -> Both {
    let both = both(lab, case, args);
    both.pip.assert_ok();
    assert_eq!(dists(&both.a), set(expected), "{case}: what pip installed");
    both.ours.assert_ok();
    assert_same_install(case, &both.a, &both.b);
    assert_eq!(
        announced(&both.ours.stdout, "Successfully installed "),
        announced(&both.pip.stdout, "Successfully installed "),
        "{case}: the `Successfully installed` line"
    );
    both
}

/// The same distributions and files in pip's folder `a` and belay-run's `b`.
pub(super) fn assert_same_install(case: &str, a: &Path, b: &Path) {
    assert_eq!(dist_infos(b), dist_infos(a), "{case}: dist-info folders");
    for info in dist_infos(a) {
        assert_eq!(
            record_paths(b, &info),
            record_paths(a, &info),
            "{case}: {info}/RECORD's paths"
        );
    }
    let (pip, ours) = (tree(a), tree(b));
    let files = |t: &super::Tree| -> Vec<String> {
        t.keys().filter(|p| !installers_own(p)).cloned().collect()
    };
    assert_eq!(files(&ours), files(&pip), "{case}: the files installed");
    for (path, bytes) in &pip {
        if !installers_own(path) && !path.starts_with("bin/") {
            assert!(&ours[path] == bytes, "{case}: {path} differs");
        }
    }
    check_records(b, b);
    for info in dist_infos(b) {
        let installer = std::fs::read_to_string(b.join(&info).join("INSTALLER")).unwrap();
        assert_eq!(installer.trim(), "belay-run", "{case}: {info}/INSTALLER");
    }
}

#[test]
fn rich_and_its_dependencies() {
    let lab = Lab::new("plain", &[]);
    let rich = [
        "rich==15.0.0",
        "markdown-it-py==4.3.0",
        "mdurl==0.1.2",
        "pygments==2.21.0",
    ];
    same(&lab, "plain", &["rich"], &rich);
}

#[test]
fn json_html_and_metadata_less_indexes_give_the_same_install() {
    let expected = ["python-dateutil==4.0.0", "tzdata==2026.6"];
    for (case, options) in [
        ("json", &["--format", "json"][..]),
        ("html", &["--format", "html"]),
        ("no-metadata", &["--no-metadata"]),
    ] {
        let lab = Lab::new(case, options);
        same(&lab, case, &["python-dateutil"], &expected);
        let old = ["python-dateutil==2.9.0.post0", "six==1.17.0"];
        same(&lab, &format!("{case}-old"), &["python-dateutil<3"], &old);
    }
}

#[test]
fn extras_bring_their_requirements() {
    let lab = Lab::new("extras", &[]);
    let expected = [
        "markdown-it-py==4.3.0",
        "mdurl==0.1.2",
        "linkify-it-py==2.2.0",
        "mdit-py-plugins==0.7.0",
    ];
    same(
        &lab,
        "extras",
        &["markdown-it-py[linkify,plugins]"],
        &expected,
    );
}

#[test]
fn markers_leave_out_and_take_in() {
    // pytest's colorama (win32), exceptiongroup and tomli (< 3.11) are left out; a marker true
    // here takes tabulate in, a false one leaves six out. (pip evaluates markers with the
    // Python that runs it, 3.11 here, whatever --python-version says: the markers compared are
    // the same for 3.11 and 3.14. The embedded interpreter's own values: scripts.rs.)
    let lab = Lab::new("markers", &[]);
    let expected = [
        "pytest==8.4.2",
        "iniconfig==2.3.1",
        "packaging==26.4",
        "pluggy==1.6.0",
        "pygments==2.21.0",
        "tabulate==0.10.0",
    ];
    let args = [
        "pytest",
        "tabulate; python_version >= '3.10' and os_name == 'posix'",
        "six; sys_platform == 'win32'",
    ];
    same(&lab, "markers", &args, &expected);
}

#[test]
fn requirements_files_with_hashes() {
    let lab = Lab::new("hashes", &[]);
    let humanize = sha256(&wheel("humanize-4.16.0-py3-none-any.whl"));
    let six = sha256(&wheel("six-1.17.0-py2.py3-none-any.whl"));
    std::fs::write(
        lab.path("base.txt"),
        format!("# pinned\nsix==1.17.0 \\\n    --hash=sha256:{six}\n"),
    )
    .unwrap();
    std::fs::write(
        lab.path("requirements.txt"),
        format!("-r base.txt\nhumanize==4.16.0 --hash=sha256:{humanize}\n"),
    )
    .unwrap();
    let req = lab.path("requirements.txt");
    let args = ["--require-hashes", "-r", arg(&req)];
    same(&lab, "hashes", &args, &["humanize==4.16.0", "six==1.17.0"]);
}

#[test]
fn constraints_narrow_and_install_nothing_by_themselves() {
    let lab = Lab::new("constraints", &[]);
    let c = lab.path("constraints.txt");
    std::fs::write(&c, "rich<15\ntabulate<0.10\nsix==1.17.0\n").unwrap();
    let expected = [
        "rich==14.3.4",
        "markdown-it-py==4.3.0",
        "mdurl==0.1.2",
        "pygments==2.21.0",
        "tabulate==0.9.0",
    ];
    same(
        &lab,
        "constraints",
        &["-c", arg(&c), "rich", "tabulate"],
        &expected,
    );
}

#[test]
fn no_deps_installs_only_what_is_named() {
    let lab = Lab::new("no-deps", &[]);
    let expected = ["rich==15.0.0", "typer==0.16.0"];
    same(&lab, "no-deps", &["--no-deps", "rich", "typer"], &expected);
}

#[test]
fn pre_releases_only_when_asked_or_alone() {
    let lab = Lab::new("pre", &[]);
    let (final_, pre) = ("typing-extensions==4.15.0", "typing-extensions==4.16.0rc1");
    same(&lab, "final", &["typing_extensions"], &[final_]);
    same(&lab, "pre", &["--pre", "typing_extensions"], &[pre]);
    // exceptiongroup has only 1.0.0rc9 here: taken without --pre.
    let only = ["exceptiongroup==1.0.0rc9"];
    same(&lab, "only-pre", &["exceptiongroup"], &only);
}

#[test]
fn yanked_files_only_for_an_exact_pin() {
    // The server marks humanize 4.17.0 yanked.
    let lab = Lab::new("yanked", &[]);
    same(&lab, "free", &["humanize"], &["humanize==4.16.0"]);
    same(&lab, "pinned", &["humanize==4.17.0"], &["humanize==4.17.0"]);
}

/// PEP 610: the distributions named by URL or path have the same `direct_url.json` in both.
fn same_direct_urls(both: &Both, infos: &[&str]) {
    for info in infos {
        let read = |dir: &Path| {
            let path = dir.join(info).join("direct_url.json");
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        assert_eq!(
            normalized_json(&read(&both.b)),
            normalized_json(&read(&both.a)),
            "{info}/direct_url.json"
        );
    }
}

#[test]
fn urls_and_local_wheel_paths() {
    let lab = Lab::new("urls", &[]);
    let attrs = format!("{}/files/attrs-26.1.0-py3-none-any.whl", lab.base);
    let click = format!("click @ {}/files/click-8.5.1-py3-none-any.whl", lab.base);
    let urls = ["attrs==26.1.0", "click==8.5.1"];
    let both = same(&lab, "urls", &[&attrs, &click], &urls);
    same_direct_urls(&both, &["attrs-26.1.0.dist-info", "click-8.5.1.dist-info"]);
    // A wheel built here: a console script, a .data file, a dependency from the index.
    let made = lab.make_wheel(
        "hello-pkg",
        "1.0",
        &[
            "--file",
            "hello_pkg/__init__.py=def main():\n    print('hello from hello-pkg')\n",
            "--data",
            "data/share/hello-pkg/hello.txt=hi\n",
            "--console",
            "hello-pkg=hello_pkg:main",
            "--requires",
            "six>=1.16",
        ],
    );
    let both = same(
        &lab,
        "local",
        &[arg(&made)],
        &["hello-pkg==1.0", "six==1.17.0"],
    );
    assert!(
        both.b.join("bin/hello-pkg").is_file(),
        "no launcher in bin/"
    );
    same_direct_urls(&both, &["hello_pkg-1.0.dist-info"]);
    assert!(
        !both.b.join("six-1.17.0.dist-info/direct_url.json").exists(),
        "a dependency from the index got a direct_url.json"
    );
    assert!(both.b.join("share/hello-pkg/hello.txt").is_file());
}

#[test]
fn an_extra_index_fills_in_what_the_first_lacks() {
    // The main index serves only a wheel built here (which needs six); the extra one, the rest.
    let lab = Lab::new("extra-index", &[]);
    let made = make_wheel(
        &lab.path("small"),
        "hello-pkg",
        "2.0",
        &[
            "--file",
            "hello_pkg/__init__.py=X = 2\n",
            "--requires",
            "six",
        ],
    );
    let small_dir = made.parent().unwrap().to_path_buf();
    let small = PypiServer::serving(&[&small_dir], &[], &[]);
    let args = [
        "-i",
        &small.simple(),
        "--extra-index-url",
        &lab.simple(),
        "hello-pkg",
    ];
    same(
        &lab,
        "extra-index",
        &args,
        &["hello-pkg==2.0", "six==1.17.0"],
    );
}

#[test]
fn find_links_pages_and_folders() {
    let lab = Lab::new("find-links", &[]);
    let page = format!("{}/links/", lab.base);
    let rich = [
        "rich==15.0.0",
        "markdown-it-py==4.3.0",
        "mdurl==0.1.2",
        "pygments==2.21.0",
    ];
    same(&lab, "page", &["--no-index", "-f", &page, "rich"], &rich);
    let folder = wheels_dir();
    let args = ["--no-index", "-f", arg(&folder), "python-dateutil<3"];
    let old = ["python-dateutil==2.9.0.post0", "six==1.17.0"];
    same(&lab, "folder", &args, &old);
}

#[test]
fn upgrade_replaces_the_old_version() {
    // pip's `--target -U` leaves the old version's dist-info folder behind (a pip defect), so
    // belay-run's upgraded folder is compared with a fresh pip install of the new version.
    let lab = Lab::new("upgrade", &[]);
    let old = same(&lab, "old", &["tabulate==0.9.0"], &["tabulate==0.9.0"]);
    let up = lab.belay_run(&[
        "pip",
        "install",
        "--target",
        arg(&old.b),
        "--index-url",
        &lab.simple(),
        "-U",
        "tabulate",
    ]);
    up.assert_ok();
    let fresh = same(&lab, "new", &["tabulate"], &["tabulate==0.10.0"]);
    assert_same_install("upgrade", &fresh.a, &old.b);
}

#[test]
fn dry_run_says_what_it_would_install_and_installs_nothing() {
    let lab = Lab::new("dry-run", &[]);
    let both = both(&lab, "dry", &["--dry-run", "python-dateutil"]);
    both.pip.assert_ok();
    both.ours.assert_ok();
    assert_eq!(
        announced(&both.ours.stdout, "Would install "),
        announced(&both.pip.stdout, "Would install "),
    );
    assert_eq!(
        announced(&both.ours.stdout, "Would install "),
        set(&["python-dateutil==4.0.0", "tzdata==2026.6"])
    );
    assert!(tree(&both.b).is_empty(), "a dry run installed files");
}

#[test]
fn a_conflict_fails_in_both_and_is_explained() {
    // typer 0.16.0 needs click>=8.0.0.
    let lab = Lab::new("conflict", &[]);
    let both = both(&lab, "conflict", &["typer", "click==7.1.2"]);
    assert!(!both.pip.status.success(), "pip resolved a conflict");
    failed(&both.ours, "a conflict");
    says(&both.ours, "click", "a conflict");
    says(&both.ours, "typer", "a conflict");
    assert!(tree(&both.b).is_empty(), "a failed install left files");
}

#[test]
fn a_cpython_only_package_is_refused_naming_its_files() {
    // markupsafe 3.0.3 has only cp314 wheels here: CPython's pip installs one, pip told to want
    // pure-Python wheels finds none, and belay-run refuses before installing anything, naming
    // the package, the files it saw and why.
    let lab = Lab::new("cpython-only", &[]);
    let both = both(&lab, "cpython-only", &["tabulate", "markupsafe"]);
    both.pip.assert_ok();
    assert!(dists(&both.a).contains("markupsafe==3.0.3"));
    let pure = lab.pip(&[
        "install",
        "--target",
        arg(&lab.path("pure")),
        "--only-binary=:all:",
        "--python-version",
        "3.14",
        "--implementation",
        "py",
        "--abi",
        "none",
        "--platform",
        "any",
        "--index-url",
        &lab.simple(),
        "markupsafe",
    ]);
    assert!(!pure.status.success(), "pip found a pure-Python markupsafe");
    failed(&both.ours, "a CPython-only package");
    says(&both.ours, "markupsafe", "a CPython-only package");
    says(&both.ours, "3.0.3", "a CPython-only package");
    says(
        &both.ours,
        "markupsafe-3.0.3-cp314-cp314-win_amd64.whl",
        "a CPython-only package",
    );
    assert!(tree(&both.b).is_empty(), "tabulate was installed anyway");
}
