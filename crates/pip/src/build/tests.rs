use std::io::Write;
use std::path::Path;

use super::BuildSystem;
use super::sdist::unpack;

#[test]
fn a_tree_without_build_system_uses_setuptools_legacy_backend() {
    let legacy = BuildSystem::parse("[project]\nname = 'x'\n").unwrap();
    assert_eq!(legacy.backend, "setuptools.build_meta:__legacy__");
    assert_eq!(legacy.requires[0].to_string(), "setuptools>=40.8.0");
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(BuildSystem::read(dir.path()).unwrap(), legacy);
}

#[test]
fn build_system_fields_are_read_and_checked() {
    let system = BuildSystem::parse(
        "[build-system]\nrequires = ['flit_core>=3.4,<5', 'tomli; python_version < \"3.11\"']\n\
         build-backend = 'flit_core.buildapi'\nbackend-path = ['tools', './more']\n",
    )
    .unwrap();
    assert_eq!(system.backend, "flit_core.buildapi");
    assert_eq!(system.requires.len(), 2);
    assert_eq!(
        system.backend_path,
        [Path::new("tools"), Path::new("./more")]
    );
    // No backend: setuptools' legacy one with the requirements given.
    let system = BuildSystem::parse("[build-system]\nrequires = ['setuptools']\n").unwrap();
    assert_eq!(system.backend, "setuptools.build_meta:__legacy__");
    for (text, said) in [
        ("[build-system]\nbuild-backend = 'x'\n", "no `requires`"),
        (
            "[build-system]\nrequires = 'setuptools'\n",
            "not a list of strings",
        ),
        (
            "[build-system]\nrequires = ['set tools ==']\n",
            "build-system.requires",
        ),
        (
            "[build-system]\nrequires = []\nbackend-path = ['../up']\n",
            "leaves the tree",
        ),
        (
            "[build-system]\nrequires = []\nbackend-path = ['/abs']\n",
            "leaves the tree",
        ),
        ("[build-system\n", "not TOML"),
    ] {
        let error = BuildSystem::parse(text).unwrap_err();
        assert!(error.contains(said), "{text:?}: {error}");
    }
}

/// A .tar.gz with `entries` (name, content; `None`: a symlink to `target`).
fn tar_gz(path: &Path, entries: &[(&str, Option<&[u8]>)]) {
    let file = std::fs::File::create(path).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut builder = tar::Builder::new(gz);
    for (name, content) in entries {
        let mut header = tar::Header::new_old();
        // Written raw: tar's own `set_path` refuses `..`, as a hostile archive does not.
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        match content {
            Some(bytes) => {
                header.set_size(bytes.len() as u64);
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_cksum();
                builder.append(&header, *bytes).unwrap();
            }
            None => {
                header.set_size(0);
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_link_name("/etc/passwd").unwrap();
                header.set_cksum();
                builder.append(&header, std::io::empty()).unwrap();
            }
        }
    }
    builder
        .into_inner()
        .unwrap()
        .finish()
        .unwrap()
        .flush()
        .unwrap();
}

#[test]
fn an_sdist_unpacks_to_its_top_folder() {
    let dir = tempfile::tempdir().unwrap();
    let sdist = dir.path().join("demo-1.0.tar.gz");
    tar_gz(
        &sdist,
        &[
            (
                "demo-1.0/pyproject.toml",
                Some(b"[build-system]\nrequires=[]\n"),
            ),
            ("demo-1.0/src/demo/__init__.py", Some(b"X = 1\n")),
        ],
    );
    let tree = unpack(&sdist, "demo-1.0.tar.gz", &dir.path().join("src")).unwrap();
    assert_eq!(tree, dir.path().join("src").join("demo-1.0"));
    assert_eq!(
        std::fs::read(tree.join("src/demo/__init__.py")).unwrap(),
        b"X = 1\n"
    );
}

#[test]
fn an_sdist_naming_a_path_outside_or_a_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (case, entries) in [
        ("up", vec![("demo-1.0/../../evil.py", Some(&b"x"[..]))]),
        ("abs", vec![("/tmp/belay-evil.py", Some(&b"x"[..]))]),
        ("link", vec![("demo-1.0/passwd", None)]),
    ] {
        let sdist = dir.path().join(format!("{case}.tar.gz"));
        tar_gz(&sdist, &entries);
        let dest = dir.path().join(case).join("src");
        let error = unpack(&sdist, "demo-1.0.tar.gz", &dest).unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains("outside the source tree") || text.contains("is a link"),
            "{case}: {text}"
        );
        assert!(!dir.path().join(case).join("evil.py").exists());
    }
    assert!(!Path::new("/tmp/belay-evil.py").exists());
}

#[test]
fn a_zip_sdist_unpacks_too() {
    let dir = tempfile::tempdir().unwrap();
    let sdist = dir.path().join("demo-1.0.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&sdist).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("demo-1.0/setup.py", options).unwrap();
    zip.write_all(b"from setuptools import setup\nsetup()\n")
        .unwrap();
    zip.finish().unwrap();
    let tree = unpack(&sdist, "demo-1.0.zip", &dir.path().join("src")).unwrap();
    assert!(tree.join("setup.py").is_file());
}
