//! One wheel, checked and unpacked into a staging folder (PEP 427, PEP 491): `Wheel-Version` 1.x,
//! every file in RECORD with its hash and size (and every RECORD file in the zip), no entry that
//! leaves the destination (`..`, absolute paths, drive letters, symlinks); files sorted into the
//! layout's schemes (`.data/{purelib,platlib,scripts,headers,data}`), `#!python` scripts
//! rewritten. Nothing here touches the destination.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep508_rs::PackageName;

use super::record::{self, Digest, HashingWriter};
use super::{WheelToInstall, scripts};
use crate::Error;

/// Where a file of a wheel goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    Site,
    Scripts,
    Headers,
    Data,
}

impl Scheme {
    pub(crate) const ALL: [Scheme; 4] =
        [Scheme::Site, Scheme::Scripts, Scheme::Headers, Scheme::Data];

    /// Its folder in a staged wheel.
    pub(crate) fn folder(self) -> &'static str {
        match self {
            Scheme::Site => "site",
            Scheme::Scripts => "scripts",
            Scheme::Headers => "headers",
            Scheme::Data => "data",
        }
    }
}

/// A staged file: its scheme, its `/`-path in the scheme, its installed hash and size.
#[derive(Debug, Clone)]
pub(crate) struct StagedFile {
    pub scheme: Scheme,
    pub path: String,
    pub hash: String,
    pub size: u64,
}

/// A wheel unpacked under `root/<scheme folder>/`.
#[derive(Debug)]
pub(crate) struct Staged {
    pub root: PathBuf,
    /// `name-version.dist-info`.
    pub dist_info: String,
    pub files: Vec<StagedFile>,
    /// `entry_points.txt`, when there is one.
    pub entry_points: Option<String>,
}

fn bad(wheel: &Path, message: impl Into<String>) -> Error {
    Error::Wheel {
        wheel: wheel.display().to_string(),
        message: message.into(),
    }
}

/// Whether a zip or RECORD path stays inside the folder it is unpacked in.
pub(crate) fn safe_path(path: &str) -> bool {
    let has_drive = path.as_bytes().get(1) == Some(&b':');
    !(path.is_empty()
        || path.starts_with(['/', '\\'])
        || has_drive
        || path.contains('\0')
        || path.split(['/', '\\']).any(|part| part == ".."))
}

/// The `name-version.dist-info` folder of the wheel of `project` whose entries are `names`.
fn dist_info_folder(
    wheel: &Path,
    project: &PackageName,
    names: &[String],
) -> crate::Result<String> {
    let mut found: Vec<&str> = names
        .iter()
        .filter_map(|n| n.split_once('/').map(|(top, _)| top))
        .filter(|top| top.ends_with(".dist-info"))
        .filter(|top| {
            let name = top.split('-').next().unwrap_or_default();
            PackageName::from_str(name).is_ok_and(|n| n == *project)
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    match found.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(bad(wheel, format!("no .dist-info folder for {project}"))),
        many => Err(bad(
            wheel,
            format!("several .dist-info folders: {}", many.join(", ")),
        )),
    }
}

fn read_entry(
    zip: &mut zip::ZipArchive<File>,
    wheel: &Path,
    name: &str,
) -> crate::Result<Option<String>> {
    let Ok(mut file) = zip.by_name(name) else {
        return Ok(None);
    };
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| bad(wheel, format!("{name}: {e}")))?;
    Ok(Some(text))
}

/// Check `Wheel-Version` (1.x).
fn check_wheel_file(wheel: &Path, text: &str) -> crate::Result<()> {
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("Wheel-Version:"))
        .map(str::trim)
        .ok_or_else(|| bad(wheel, "WHEEL has no Wheel-Version"))?;
    match version.split_once('.') {
        Some(("1", minor)) if minor.parse::<u32>().is_ok() => Ok(()),
        _ => Err(bad(wheel, format!("Wheel-Version {version} is not 1.x"))),
    }
}

/// Where the entry `name` goes: its scheme and path there.
fn place(wheel: &Path, data_dir: &str, dist: &str, name: &str) -> crate::Result<(Scheme, String)> {
    let Some(rest) = name
        .strip_prefix(data_dir)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return Ok((Scheme::Site, name.to_string()));
    };
    let (scheme, path) = rest.split_once('/').ok_or_else(|| {
        bad(
            wheel,
            format!("{name}: a file directly in the .data folder"),
        )
    })?;
    match scheme {
        "purelib" | "platlib" => Ok((Scheme::Site, path.to_string())),
        "scripts" => Ok((Scheme::Scripts, path.to_string())),
        "headers" => Ok((Scheme::Headers, format!("{dist}/{path}"))),
        "data" => Ok((Scheme::Data, path.to_string())),
        other => Err(bad(
            wheel,
            format!("{name}: unknown .data scheme `{other}`"),
        )),
    }
}

/// Check `wheel` and unpack it under `root`; `python` is what `#!python` scripts run; `check`
/// stops the work (Ctrl-C) between files.
pub(crate) fn stage(
    to_install: &WheelToInstall,
    root: &Path,
    python: &Path,
    check: &dyn Fn() -> crate::Result<()>,
) -> crate::Result<Staged> {
    let wheel = to_install.path.as_path();
    let open = File::open(wheel).map_err(|e| Error::io("open", wheel, e))?;
    let mut zip =
        zip::ZipArchive::new(open).map_err(|e| bad(wheel, format!("not a zip file: {e}")))?;
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    if let Some(name) = names.iter().find(|n| !safe_path(n)) {
        return Err(bad(
            wheel,
            format!("{name}: a path outside the destination"),
        ));
    }
    let dist_info = dist_info_folder(wheel, &to_install.name, &names)?;
    let stem = dist_info.trim_end_matches(".dist-info");
    let data_dir = format!("{stem}.data");
    let dist_name = stem.split('-').next().unwrap_or(stem).to_string();
    let wheel_file = read_entry(&mut zip, wheel, &format!("{dist_info}/WHEEL"))?
        .ok_or_else(|| bad(wheel, format!("no {dist_info}/WHEEL")))?;
    check_wheel_file(wheel, &wheel_file)?;
    let record_name = format!("{dist_info}/RECORD");
    let record_text = read_entry(&mut zip, wheel, &record_name)?
        .ok_or_else(|| bad(wheel, format!("no {record_name}")))?;
    let rows = record::parse(&record_text).map_err(|e| bad(wheel, e))?;
    let mut expected: HashMap<String, record::Row> = HashMap::new();
    for row in rows {
        if !safe_path(&row.path) {
            return Err(bad(
                wheel,
                format!("RECORD names {}, outside the destination", row.path),
            ));
        }
        expected.insert(row.path.clone(), row);
    }
    if !names.iter().any(|n| *n == format!("{dist_info}/METADATA")) {
        return Err(bad(wheel, format!("no {dist_info}/METADATA")));
    }
    let signatures = [
        format!("{dist_info}/RECORD.jws"),
        format!("{dist_info}/RECORD.p7s"),
    ];
    let mut files = Vec::new();
    for index in 0..zip.len() {
        check()?;
        let mut entry = zip.by_index(index).map_err(|e| bad(wheel, e.to_string()))?;
        let name = entry.name().to_string();
        if entry.is_symlink() {
            return Err(bad(wheel, format!("{name}: a symbolic link")));
        }
        if entry.is_dir() || name == record_name {
            continue;
        }
        if signatures.contains(&name) {
            expected.remove(&name);
            continue;
        }
        let row = expected
            .remove(&name)
            .ok_or_else(|| bad(wheel, format!("{name} is not in RECORD")))?;
        let mut digest = Digest::for_record(&row.hash).ok_or_else(|| {
            bad(
                wheel,
                format!("{name}: RECORD hash `{}` is not sha256/384/512", row.hash),
            )
        })?;
        let (scheme, path) = place(wheel, &data_dir, &dist_name, &name)?;
        let dest = root.join(scheme.folder()).join(&path);
        let parent = dest.parent().unwrap_or(root);
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        let mut content = Vec::new();
        let out = File::create(&dest).map_err(|e| Error::io("write", &dest, e))?;
        let mut out = HashingWriter::new(std::io::BufWriter::new(out));
        let mut buffer = vec![0; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = entry
                .read(&mut buffer)
                .map_err(|e| bad(wheel, format!("{name}: {e}")))?;
            if n == 0 {
                break;
            }
            digest.update(&buffer[..n]);
            size += n as u64;
            if scheme == Scheme::Scripts {
                content.extend_from_slice(&buffer[..n]);
            } else {
                out.write_all(&buffer[..n])
                    .map_err(|e| Error::io("write", &dest, e))?;
            }
        }
        let actual = digest.finish();
        if actual != row.hash {
            return Err(Error::Hash {
                file: format!("{} ({name})", wheel.display()),
                expected: row.hash,
                actual,
            });
        }
        if !row.size.is_empty() && row.size != size.to_string() {
            return Err(bad(
                wheel,
                format!("{name}: RECORD size {} but {size} bytes", row.size),
            ));
        }
        if scheme == Scheme::Scripts {
            let fixed = scripts::fix_shebang(&content, python).unwrap_or(content);
            out.write_all(&fixed)
                .map_err(|e| Error::io("write", &dest, e))?;
        }
        out.flush().map_err(|e| Error::io("write", &dest, e))?;
        let size = out.size;
        let hash = out.hash();
        if scheme == Scheme::Scripts {
            set_executable(&dest)?;
        }
        files.push(StagedFile {
            scheme,
            path,
            hash,
            size,
        });
    }
    if let Some(missing) = expected
        .keys()
        .filter(|p| !p.ends_with('/') && **p != record_name)
        .min()
    {
        return Err(bad(
            wheel,
            format!("RECORD lists {missing}, which the wheel does not have"),
        ));
    }
    let entry_points = read_entry(&mut zip, wheel, &format!("{dist_info}/entry_points.txt"))?;
    Ok(Staged {
        root: root.to_path_buf(),
        dist_info,
        files,
        entry_points,
    })
}

/// Mode 0o755 (scripts), where the platform has modes.
pub(crate) fn set_executable(path: &Path) -> crate::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io("make executable", path, e))?;
    }
    let _ = path;
    Ok(())
}
