use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::Silent;
use crate::install::testwheel::TestWheel;

fn resolved(name: &str, version: &str, wheel: &Path) -> Resolved {
    Resolved {
        name: pep508_rs::PackageName::from_str(name).unwrap(),
        version: pep440_rs::Version::from_str(version).unwrap(),
        file: None,
        hashes: Vec::new(),
        extras: Vec::new(),
        requested: true,
        local: Some(wheel.to_path_buf()),
        direct_url: None,
    }
}

fn resolution(dir: &Path) -> Resolution {
    let a = TestWheel::new("aaa", "1.0")
        .file("aaa.py", "A = 1\n")
        .write(dir);
    let b = TestWheel::new("bbb", "2.0")
        .file("bbb/__init__.py", "B = 2\n")
        .write(dir);
    Resolution {
        dists: vec![resolved("aaa", "1.0", &a), resolved("bbb", "2.0", &b)],
    }
}

fn local(dist: &Resolved) -> crate::Result<PathBuf> {
    Ok(dist.local.clone().unwrap())
}

fn names(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

#[test]
fn keys_are_sha256_of_lengths_and_bytes() {
    let k = key(&[b"ab", b"c"]);
    assert_eq!(k.len(), 64);
    assert!(is_key(&k));
    assert_ne!(k, key(&[b"a", b"bc"]));
    assert_eq!(k, key(&[b"ab", b"c"]));
    assert!(!is_key("../x") && !is_key(""));
    let tmp = tempfile::tempdir().unwrap();
    let never = |_: &Resolved| -> crate::Result<PathBuf> { panic!("fetched") };
    let empty = Resolution::default();
    assert!(ensure(tmp.path(), "../x", &empty, &never, &Silent).is_err());
    assert_eq!(names(tmp.path()), Vec::<String>::new());
}

#[test]
fn ensure_installs_once_and_lookup_finds_it_without_fetching() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let resolution = resolution(tmp.path());
    let block = key(&[b"dependencies = ['aaa', 'bbb']"]);
    assert_eq!(lookup(&cache, &block), None);
    let fetched = AtomicUsize::new(0);
    let fetch = |d: &Resolved| {
        fetched.fetch_add(1, Ordering::Relaxed);
        local(d)
    };
    let site = ensure(&cache, &block, &resolution, &fetch, &Silent).unwrap();
    assert_eq!(fetched.load(Ordering::Relaxed), 2);
    assert!(site.join("aaa.py").is_file() && site.join("bbb/__init__.py").is_file());
    assert_eq!(
        crate::installed::freeze(&site).unwrap(),
        ["aaa==1.0", "bbb==2.0"]
    );
    assert_eq!(lookup(&cache, &block), Some(site.clone()));
    // Another block with the same resolution shares the environment, fetching nothing.
    let other = key(&[b"dependencies = ['bbb', 'aaa']"]);
    assert_eq!(
        ensure(&cache, &other, &resolution, &fetch, &Silent).unwrap(),
        site
    );
    assert_eq!(fetched.load(Ordering::Relaxed), 2);
    assert_eq!(lookup(&cache, &other), Some(site));
    assert_eq!(names(&cache.join(ENVIRONMENTS)).len(), 1);
    assert_eq!(names(&cache.join(SCRIPTS)), {
        let mut both = vec![block, other];
        both.sort();
        both
    });
}

#[test]
fn a_failed_fetch_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let resolution = resolution(tmp.path());
    let block = key(&[b"x"]);
    let fail = |d: &Resolved| {
        if d.name.as_ref() == "bbb" {
            Err(Error::NotInstalled("bbb".into()))
        } else {
            local(d)
        }
    };
    assert!(ensure(&cache, &block, &resolution, &fail, &Silent).is_err());
    assert!(names(&cache.join(ENVIRONMENTS)).is_empty());
    assert_eq!(lookup(&cache, &block), None);
}

#[test]
fn the_loser_of_a_race_keeps_the_winners_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let resolution = resolution(tmp.path());
    let winner = cache.join(ENVIRONMENTS).join(environment_key(&resolution));
    // Another process finishes the same environment while this one fetches.
    let fetch = |d: &Resolved| {
        std::fs::create_dir_all(winner.join(SITE_PACKAGES)).unwrap();
        std::fs::write(winner.join("winner"), "").unwrap();
        local(d)
    };
    let block = key(&[b"y"]);
    let site = ensure(&cache, &block, &resolution, &fetch, &Silent).unwrap();
    assert_eq!(site, winner.join(SITE_PACKAGES));
    assert!(winner.join("winner").is_file());
    assert_eq!(
        names(&cache.join(ENVIRONMENTS)).len(),
        1,
        "no staging folder left"
    );
    assert_eq!(lookup(&cache, &block), Some(site));
}

#[test]
fn two_threads_at_once_get_one_whole_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let resolution = resolution(tmp.path());
    let sites: Vec<PathBuf> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let (cache, resolution) = (&cache, &resolution);
                s.spawn(move || {
                    let block = key(&[format!("block {i}").as_bytes()]);
                    ensure(cache, &block, resolution, &local, &Silent).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(sites.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(names(&cache.join(ENVIRONMENTS)).len(), 1);
    assert_eq!(
        crate::installed::freeze(&sites[0]).unwrap(),
        ["aaa==1.0", "bbb==2.0"]
    );
}

#[test]
fn staging_folders_of_killed_processes_are_swept() {
    let tmp = tempfile::tempdir().unwrap();
    let envs = tmp.path().join(ENVIRONMENTS);
    for name in [".staging-old", ".staging-new", "kept"] {
        std::fs::create_dir_all(envs.join(name).join(SITE_PACKAGES)).unwrap();
    }
    let day_ago = std::time::SystemTime::now() - STALE - std::time::Duration::from_secs(60);
    for name in [".staging-old", "kept"] {
        std::fs::File::open(envs.join(name))
            .unwrap()
            .set_modified(day_ago)
            .unwrap();
    }
    let resolution = resolution(tmp.path());
    ensure(tmp.path(), &key(&[b"z"]), &resolution, &local, &Silent).unwrap();
    let left = names(&envs);
    assert!(left.contains(&".staging-new".to_string()) && left.contains(&"kept".to_string()));
    assert!(!left.contains(&".staging-old".to_string()), "{left:?}");
}
