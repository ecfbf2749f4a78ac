//! `cache list|info|clear`: the direct children of belay-run's cache folder are its entries
//! (`http-<host>` for downloads, `git-<provider>-<user>-<repo>` for clones).

use std::path::{Path, PathBuf};

use crate::errors::{Error, Result, io_err};
use crate::fsutil::remove_path;

/// The entry names, sorted; none if the folder does not exist. Temporary folders left by an
/// interrupted clone are included, so that `clear` can remove them.
pub fn cache_list(folder: &Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(Error::io("read", folder, error)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_err("read", folder))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// `cache info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheInfo {
    pub location: PathBuf,
    /// The number of entries.
    pub elements: usize,
    /// The size of every file under the folder, in bytes.
    pub total_bytes: u64,
}

impl CacheInfo {
    /// The size as Belay prints it: `{MB:0.3}MB` with MB = bytes / 2^20 (Python's general
    /// format with 3 significant digits: `0.0MB`, `3.84MB`, `1.23e+03MB`).
    pub fn total_size_text(&self) -> String {
        format!(
            "{}MB",
            python_general_3(self.total_bytes as f64 / 1048576.0)
        )
    }

    /// Belay's three lines: `Location: …`, `Elements: …`, `Total Size: …`.
    pub fn lines(&self) -> [String; 3] {
        [
            format!("Location: {}", self.location.display()),
            format!("Elements: {}", self.elements),
            format!("Total Size: {}", self.total_size_text()),
        ]
    }
}

/// `cache info`: a missing folder has no entries and no size.
pub fn cache_info(folder: &Path) -> Result<CacheInfo> {
    Ok(CacheInfo {
        location: folder.to_path_buf(),
        elements: cache_list(folder)?.len(),
        total_bytes: size(folder)?,
    })
}

fn size(path: &Path) -> Result<u64> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(_) => return Ok(0),
    };
    if !metadata.is_dir() {
        return Ok(if metadata.is_file() {
            metadata.len()
        } else {
            0
        });
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path).map_err(io_err("read", path))? {
        total += size(&entry.map_err(io_err("read", path))?.path())?;
    }
    Ok(total)
}

/// The entries `cache clear` would remove: those starting with `prefix`, or all with `all`.
/// Exactly one of the two must be given (Belay's message otherwise); no match is an error
/// (`No caches found starting with "<prefix>*"`). The prefix is literal text, not a pattern.
pub fn cache_select(folder: &Path, prefix: Option<&str>, all: bool) -> Result<Vec<String>> {
    let prefix = match (prefix, all) {
        (Some(prefix), false) => prefix,
        (None, true) => "",
        _ => return Err(Error::CachePrefixOrAll),
    };
    let names: Vec<String> = cache_list(folder)?
        .into_iter()
        .filter(|name| name.starts_with(prefix))
        .collect();
    if names.is_empty() {
        return Err(Error::NoCaches {
            prefix: prefix.to_string(),
        });
    }
    Ok(names)
}

/// Removes the named entries (names from [`cache_select`]; anything with a path separator or
/// `..` is refused).
pub fn cache_remove(folder: &Path, names: &[String]) -> Result<()> {
    for name in names {
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
            return Err(Error::io(
                "remove",
                &folder.join(name),
                std::io::Error::other("not a cache entry name"),
            ));
        }
        remove_path(&folder.join(name))?;
    }
    Ok(())
}

/// Python's `format(x, "0.3")` for a non-negative float.
fn python_general_3(value: f64) -> String {
    const PRECISION: i32 = 3;
    if value == 0.0 {
        return "0.0".to_string();
    }
    // The exponent after rounding to 3 significant digits.
    let scientific = format!("{:.*e}", (PRECISION - 1) as usize, value);
    let (mantissa, exponent) = scientific.split_once('e').expect("e notation");
    let exponent: i32 = exponent.parse().expect("an exponent");
    if (-4..PRECISION - 1).contains(&exponent) {
        let decimals = (PRECISION - 1 - exponent).max(0) as usize;
        let fixed = format!("{value:.decimals$}");
        let trimmed = if fixed.contains('.') {
            fixed.trim_end_matches('0').to_string()
        } else {
            fixed
        };
        if trimmed.ends_with('.') {
            format!("{trimmed}0")
        } else {
            trimmed
        }
    } else {
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_general_format() {
        // Values checked against CPython's format(x, "0.3").
        for (value, text) in [
            (0.0, "0.0"),
            (3.8412, "3.84"),
            (12.0, "12.0"),
            (0.5, "0.5"),
            (123.0, "1.23e+02"),
            (1234.5, "1.23e+03"),
            (1e-5, "1e-05"),
            (0.000123, "0.000123"),
            (99.96, "1e+02"),
            (9.999, "10.0"),
            (1.0, "1.0"),
        ] {
            assert_eq!(python_general_3(value), text, "{value}");
        }
    }

    #[test]
    fn list_info_select_remove() {
        let temp = tempfile::tempdir().unwrap();
        let folder = temp.path().join("cache");
        assert_eq!(cache_list(&folder).unwrap(), Vec::<String>::new());
        let info = cache_info(&folder).unwrap();
        assert_eq!(
            info.lines(),
            [
                format!("Location: {}", folder.display()),
                "Elements: 0".to_string(),
                "Total Size: 0.0MB".to_string()
            ]
        );
        std::fs::create_dir_all(folder.join("http-a.example")).unwrap();
        std::fs::write(folder.join("http-a.example/x"), vec![0u8; 1 << 20]).unwrap();
        std::fs::create_dir_all(folder.join("git-github-u-r/sub")).unwrap();
        std::fs::write(folder.join("git-github-u-r/sub/y"), vec![0u8; 1 << 19]).unwrap();
        assert_eq!(
            cache_list(&folder).unwrap(),
            ["git-github-u-r", "http-a.example"]
        );
        let info = cache_info(&folder).unwrap();
        assert_eq!(info.elements, 2);
        assert_eq!(info.total_bytes, 3 << 19);
        assert_eq!(info.total_size_text(), "1.5MB");

        assert_eq!(
            cache_select(&folder, None, false).unwrap_err().to_string(),
            "Either provide a prefix OR set the \"--all\" flag."
        );
        assert!(matches!(
            cache_select(&folder, Some("git"), true),
            Err(Error::CachePrefixOrAll)
        ));
        assert_eq!(
            cache_select(&folder, Some("nope"), false)
                .unwrap_err()
                .to_string(),
            "No caches found starting with \"nope*\""
        );
        // The prefix is literal, not a glob.
        assert!(cache_select(&folder, Some("*"), false).is_err());
        let names = cache_select(&folder, Some("git-"), false).unwrap();
        assert_eq!(names, ["git-github-u-r"]);
        cache_remove(&folder, &names).unwrap();
        assert_eq!(cache_list(&folder).unwrap(), ["http-a.example"]);
        assert!(cache_remove(&folder, &["../x".to_string()]).is_err());
        let all = cache_select(&folder, None, true).unwrap();
        cache_remove(&folder, &all).unwrap();
        assert!(cache_list(&folder).unwrap().is_empty());
        assert!(folder.exists());
    }
}
