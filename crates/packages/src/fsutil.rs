//! File-system helpers: atomic writes, tree copies and listings, hashes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::errors::{Error, Result, io_err};

/// The lowercase hex sha256 of `bytes` (also belay-pip's, for index hashes).
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so that
/// readers see the old or the new content, never a part. Parents are created.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(io_err("create", folder))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".belay-run-")
        .tempfile_in(folder)
        .map_err(io_err("create a temporary file in", folder))?;
    temp.write_all(bytes)
        .map_err(io_err("write", temp.path()))?;
    if let Ok(metadata) = std::fs::metadata(path) {
        // Keep the permissions of the file being replaced.
        let _ = temp.as_file().set_permissions(metadata.permissions());
    }
    temp.as_file().sync_all().map_err(io_err("write", path))?;
    temp.persist(path)
        .map_err(|error| Error::io("replace", path, error.error))?;
    Ok(())
}

/// Writes `bytes` to `path`, creating its parents.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_err("create", parent))?;
    }
    std::fs::write(path, bytes).map_err(io_err("write", path))
}

/// Copies the contents of folder `src` into folder `dst` (created), merging with what is
/// there and overwriting files; symbolic links are followed. `skip` names entries of `src`'s
/// top level to leave out. Returns the files written, relative to `dst`.
pub(crate) fn copy_tree(src: &Path, dst: &Path, skip: &[&str]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    std::fs::create_dir_all(dst).map_err(io_err("create", dst))?;
    // A destination inside the source (a dependency on the project folder itself) is not copied
    // into itself.
    let inside = std::fs::canonicalize(dst).ok();
    let walk = Walk {
        skip,
        inside: inside.as_deref(),
    };
    walk.copy(src, dst, Path::new(""), &mut written, 0)?;
    Ok(written)
}

struct Walk<'a> {
    skip: &'a [&'a str],
    inside: Option<&'a Path>,
}

impl Walk<'_> {
    fn copy(
        &self,
        src: &Path,
        dst: &Path,
        relative: &Path,
        written: &mut Vec<PathBuf>,
        depth: usize,
    ) -> Result<()> {
        let skip = self.skip;
        if depth > 64 {
            return Err(Error::io(
                "copy",
                src,
                std::io::Error::other("folders nested too deeply (a symbolic link loop?)"),
            ));
        }
        std::fs::create_dir_all(dst).map_err(io_err("create", dst))?;
        let mut entries: Vec<_> = std::fs::read_dir(src)
            .map_err(io_err("read", src))?
            .collect::<std::io::Result<_>>()
            .map_err(io_err("read", src))?;
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let name = entry.file_name();
            if depth == 0 && name.to_str().is_some_and(|name| skip.contains(&name)) {
                continue;
            }
            let from = entry.path();
            let to = dst.join(&name);
            let metadata = std::fs::metadata(&from).map_err(io_err("read", &from))?;
            if metadata.is_dir() {
                if self.inside.is_some()
                    && std::fs::canonicalize(&from).ok().as_deref() == self.inside
                {
                    continue;
                }
                if to.is_file() {
                    std::fs::remove_file(&to).map_err(io_err("remove", &to))?;
                }
                self.copy(&from, &to, &relative.join(&name), written, depth + 1)?;
            } else {
                if to.is_dir() {
                    std::fs::remove_dir_all(&to).map_err(io_err("remove", &to))?;
                }
                std::fs::copy(&from, &to).map_err(io_err("copy", &from))?;
                written.push(relative.join(&name));
            }
        }
        Ok(())
    }
}

/// One entry of a [`listing`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    Dir,
    File { sha256: String },
}

/// Every folder and file under `root` (or `root` itself if it is a file, under the key ""),
/// keyed by `/`-separated relative path. A missing `root` gives an empty listing.
pub(crate) fn listing(root: &Path) -> Result<BTreeMap<String, Entry>> {
    let mut entries = BTreeMap::new();
    match std::fs::metadata(root) {
        Err(_) => {}
        Ok(metadata) if metadata.is_file() => {
            entries.insert(String::new(), file_entry(root)?);
        }
        Ok(_) => list_inner(root, "", &mut entries, 0)?,
    }
    Ok(entries)
}

fn file_entry(path: &Path) -> Result<Entry> {
    let bytes = std::fs::read(path).map_err(io_err("read", path))?;
    Ok(Entry::File {
        sha256: sha256_hex(&bytes),
    })
}

fn list_inner(
    folder: &Path,
    prefix: &str,
    entries: &mut BTreeMap<String, Entry>,
    depth: usize,
) -> Result<()> {
    if depth > 64 {
        return Err(Error::io(
            "read",
            folder,
            std::io::Error::other("folders nested too deeply (a symbolic link loop?)"),
        ));
    }
    for entry in std::fs::read_dir(folder).map_err(io_err("read", folder))? {
        let entry = entry.map_err(io_err("read", folder))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        if std::fs::metadata(&path)
            .map_err(io_err("read", &path))?
            .is_dir()
        {
            entries.insert(relative.clone(), Entry::Dir);
            list_inner(&path, &relative, entries, depth + 1)?;
        } else {
            entries.insert(relative, file_entry(&path)?);
        }
    }
    Ok(())
}

/// The files (not folders) of a listing of `root`, as paths relative to `root`'s parent when
/// `root` is named `name`: `name/a.py`, or `name` for a single file.
pub(crate) fn files_under(name: &str, root: &Path) -> Result<Vec<(String, String)>> {
    Ok(listing(root)?
        .into_iter()
        .filter_map(|(relative, entry)| match entry {
            Entry::File { sha256 } => Some((
                if relative.is_empty() {
                    name.to_string()
                } else {
                    format!("{name}/{relative}")
                },
                sha256,
            )),
            Entry::Dir => None,
        })
        .collect())
}

/// Removes a file or a folder tree; a missing path is fine.
pub(crate) fn remove_path(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(metadata) if metadata.is_dir() => {
            std::fs::remove_dir_all(path).map_err(io_err("remove", path))
        }
        Ok(_) => std::fs::remove_file(path).map_err(io_err("remove", path)),
    }
}

/// Removes empty folders under `root` (not `root` itself), deepest first.
pub(crate) fn prune_empty_dirs(root: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.map_err(io_err("read", root))?;
        let path = entry.path();
        if entry.file_type().map_err(io_err("read", &path))?.is_dir() {
            prune_empty_dirs(&path)?;
            if std::fs::read_dir(&path)
                .map_err(io_err("read", &path))?
                .next()
                .is_none()
            {
                std::fs::remove_dir(&path).map_err(io_err("remove", &path))?;
            }
        }
    }
    Ok(())
}

/// Checks a `/`-separated relative path from a package.json or a manifest: not empty, not
/// absolute, no `..`, `.`, empty, drive or backslash components. Returns the reason otherwise.
pub(crate) fn check_relative(path: &str) -> std::result::Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') || Path::new(path).is_absolute() {
        return Err("the path is absolute");
    }
    for part in path.split('/') {
        match part {
            ".." => return Err("the path goes up with \"..\""),
            "" | "." => return Err("the path has an empty or \".\" component"),
            _ if part.contains('\\') || part.contains(':') || part.contains('\0') => {
                return Err("the path has a backslash, colon or NUL");
            }
            _ => {}
        }
    }
    if Path::new(path)
        .components()
        .any(|component| !matches!(component, Component::Normal(_)))
    {
        return Err("the path is not a plain relative path");
    }
    Ok(())
}

/// `path` relative to `base` with `/` separators.
pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn relative_paths() {
        for good in ["a.py", "pkg/__init__.py", "a/b/c.mpy", "..x/y", "x../y"] {
            assert_eq!(check_relative(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x.py",
            "a/../../x",
            "a//b",
            "./a",
            "a/.",
            "\\x",
            "C:\\x",
            "c:/x",
            "a\\..\\b",
        ] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn copy_and_list() {
        let temp = tempfile::tempdir().unwrap();
        let src = temp.path().join("src");
        std::fs::create_dir_all(src.join("sub/empty")).unwrap();
        std::fs::write(src.join("a.py"), "a").unwrap();
        std::fs::write(src.join("sub/b.py"), "b").unwrap();
        std::fs::create_dir_all(src.join(".git")).unwrap();
        std::fs::write(src.join(".git/HEAD"), "x").unwrap();
        let dst = temp.path().join("dst");
        std::fs::create_dir_all(&dst).unwrap();
        std::fs::write(dst.join("a.py"), "old").unwrap();
        std::fs::write(dst.join("keep.txt"), "k").unwrap();
        let written = copy_tree(&src, &dst, &[".git"]).unwrap();
        assert_eq!(
            written,
            vec![PathBuf::from("a.py"), PathBuf::from("sub/b.py")]
        );
        let list = listing(&dst).unwrap();
        let keys: Vec<&str> = list.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a.py", "keep.txt", "sub", "sub/b.py", "sub/empty"]);
        assert_eq!(
            list["a.py"],
            Entry::File {
                sha256: sha256_hex(b"a")
            }
        );
        assert_eq!(
            files_under("dst", &dst).unwrap()[0],
            ("dst/a.py".to_string(), sha256_hex(b"a"))
        );
        assert_eq!(
            files_under("a.py", &dst.join("a.py")).unwrap(),
            vec![("a.py".to_string(), sha256_hex(b"a"))]
        );
        prune_empty_dirs(&dst).unwrap();
        assert!(!dst.join("sub/empty").exists());
        assert!(dst.join("sub/b.py").exists());
    }

    #[test]
    fn copying_a_folder_into_itself_skips_the_destination() {
        let temp = tempfile::tempdir().unwrap();
        let src = temp.path().join("project");
        std::fs::create_dir_all(src.join(".belay/dependencies/tmp")).unwrap();
        std::fs::write(src.join("a.py"), "a").unwrap();
        let dst = src.join(".belay/dependencies/tmp/pkg");
        let written = copy_tree(&src, &dst, &[]).unwrap();
        assert_eq!(written, vec![PathBuf::from("a.py")]);
        assert!(dst.join(".belay/dependencies/tmp").is_dir());
        assert!(!dst.join(".belay/dependencies/tmp/pkg").exists());
    }

    #[test]
    fn atomic_write_replaces() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("d/f.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(temp.path().join("d"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["f.json"]);
    }
}
