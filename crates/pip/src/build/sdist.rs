//! An sdist (`.tar.gz`, or a legacy `.zip`) unpacked into a folder: regular files and folders
//! only, every path inside the folder (no `..`, no absolute path, no link).

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Unpack the sdist at `path` (named `filename`) into `dest`; the source tree is its one top
/// folder (`name-version/`), or `dest` itself when the archive has none.
pub(super) fn unpack(path: &Path, filename: &str, dest: &Path) -> crate::Result<PathBuf> {
    std::fs::create_dir_all(dest).map_err(|e| crate::Error::io("create", dest, e))?;
    let file = std::fs::File::open(path).map_err(|e| crate::Error::io("cannot open", path, e))?;
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".zip") {
        unzip(file, filename, dest)?;
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        untar(flate2::read::GzDecoder::new(file), filename, dest)?;
    } else {
        return Err(invalid(
            filename,
            "not a .tar.gz or .zip source distribution",
        ));
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(dest)
        .map_err(|e| crate::Error::io("cannot read", dest, e))?
        .flatten()
        .map(|entry| entry.path())
        .collect();
    match entries.as_slice() {
        [one] if one.is_dir() => Ok(one.clone()),
        _ => Ok(dest.to_path_buf()),
    }
}

fn invalid(filename: &str, message: impl Into<String>) -> crate::Error {
    crate::Error::Wheel {
        wheel: filename.to_string(),
        message: message.into(),
    }
}

/// `name` as a relative path inside the destination, or why not.
fn inside(filename: &str, name: &Path) -> crate::Result<PathBuf> {
    let mut clean = PathBuf::new();
    for component in name.components() {
        match component {
            Component::Normal(part) => clean.push(part),
            Component::CurDir => {}
            _ => {
                return Err(invalid(
                    filename,
                    format!("{} is outside the source tree", name.display()),
                ));
            }
        }
    }
    Ok(clean)
}

fn untar(reader: impl Read, filename: &str, dest: &Path) -> crate::Result<()> {
    let mut archive = tar::Archive::new(reader);
    let bad = |e: std::io::Error| invalid(filename, format!("not a tar archive: {e}"));
    for entry in archive.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let name = entry.path().map_err(bad)?.into_owned();
        let relative = inside(filename, &name)?;
        let kind = entry.header().entry_type();
        let to = dest.join(&relative);
        if kind.is_dir() {
            std::fs::create_dir_all(&to).map_err(|e| crate::Error::io("create", &to, e))?;
        } else if kind.is_file() {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| crate::Error::io("create", parent, e))?;
            }
            let mut out =
                std::fs::File::create(&to).map_err(|e| crate::Error::io("create", &to, e))?;
            std::io::copy(&mut entry, &mut out).map_err(|e| crate::Error::io("write", &to, e))?;
        } else if kind.is_symlink() || kind.is_hard_link() {
            return Err(invalid(
                filename,
                format!("{} is a link (not unpacked)", name.display()),
            ));
        }
        // Other entries (PAX headers, ...) carry no file.
    }
    Ok(())
}

fn unzip(file: std::fs::File, filename: &str, dest: &Path) -> crate::Result<()> {
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| invalid(filename, format!("not a zip archive: {e}")))?;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| invalid(filename, format!("entry {i}: {e}")))?;
        let relative = inside(filename, Path::new(entry.name()))?;
        let to = dest.join(&relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&to).map_err(|e| crate::Error::io("create", &to, e))?;
            continue;
        }
        if entry.is_symlink() {
            return Err(invalid(filename, format!("{} is a link", entry.name())));
        }
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| crate::Error::io("create", parent, e))?;
        }
        let mut out = std::fs::File::create(&to).map_err(|e| crate::Error::io("create", &to, e))?;
        std::io::copy(&mut entry, &mut out).map_err(|e| crate::Error::io("write", &to, e))?;
    }
    Ok(())
}
