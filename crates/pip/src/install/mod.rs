//! Installing wheels by the wheel spec (PEP 427, PEP 491; PyPA's "Recording installed projects"
//! and "entry points" specifications): files into the layout's folders (`.data/purelib`,
//! `platlib`, `scripts`, `headers`, `data`), RECORD rewritten with the installed paths and their
//! hashes, `INSTALLER` = `belay-run`, `REQUESTED` for what the user named, console and GUI
//! scripts as launchers that run belay-run. Every wheel is checked first (RECORD hashes, no path
//! outside the destination, `Wheel-Version`); files go into a staging folder beside the
//! destination and are moved in at the end, an upgrade's old files aside until then, so a
//! failure or Ctrl-C leaves the previous state.

mod record;
mod scripts;
mod transaction;
mod wheel;

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testwheel;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use pep440_rs::Version;
use pep508_rs::PackageName;

pub(crate) use record::{normalize, parse as parse_record};
pub(crate) use transaction::Transaction;
use wheel::{Scheme, Staged, StagedFile};

use crate::{Error, Event};

/// Where a distribution's files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `purelib`/`platlib`: `VENV/lib/python3.14/site-packages`, or the `--target` folder.
    pub site_packages: PathBuf,
    /// Console scripts and `scripts`: `VENV/bin` (`Scripts` on Windows), or `TARGET/bin`.
    pub scripts: PathBuf,
    /// `data`: the venv (or the target folder).
    pub data: PathBuf,
    /// `headers`: `VENV/include/site/python3.14`, or `TARGET/include/python` (as pip's); a
    /// distribution's go into `NAME/` in it.
    pub headers: PathBuf,
    /// What a script launcher runs: the venv's `python` (belay-run), or belay-run itself.
    pub python: PathBuf,
}

impl Layout {
    /// The layout of the virtual environment at `venv`.
    pub fn venv(venv: &Path, python: (u32, u32)) -> Layout {
        let version = format!("python{}.{}", python.0, python.1);
        let (site_packages, scripts, exe) = if cfg!(windows) {
            (
                venv.join("Lib").join("site-packages"),
                venv.join("Scripts"),
                "python.cmd",
            )
        } else {
            (
                venv.join("lib").join(&version).join("site-packages"),
                venv.join("bin"),
                "python",
            )
        };
        Layout {
            site_packages,
            python: scripts.join(exe),
            scripts,
            data: venv.to_path_buf(),
            headers: venv.join("include").join("site").join(version),
        }
    }

    /// The layout of a `--target` folder (as pip's: packages at its top, scripts in `bin`).
    pub fn target(folder: &Path, belay_run: &Path) -> Layout {
        Layout {
            site_packages: folder.to_path_buf(),
            scripts: folder.join("bin"),
            data: folder.to_path_buf(),
            headers: folder.join("include").join("python"),
            python: belay_run.to_path_buf(),
        }
    }

    fn folder(&self, scheme: Scheme) -> &Path {
        match scheme {
            Scheme::Site => &self.site_packages,
            Scheme::Scripts => &self.scripts,
            Scheme::Headers => &self.headers,
            Scheme::Data => &self.data,
        }
    }

    /// Every folder absolute and without `.`/`..` (RECORD's relative paths come from them).
    fn absolute(&self) -> crate::Result<Layout> {
        let abs = |p: &Path| {
            std::path::absolute(p)
                .map(|a| normalize(&a))
                .map_err(|e| Error::io("resolve", p, e))
        };
        Ok(Layout {
            site_packages: abs(&self.site_packages)?,
            scripts: abs(&self.scripts)?,
            data: abs(&self.data)?,
            headers: abs(&self.headers)?,
            python: self.python.clone(),
        })
    }
}

/// One wheel to install.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WheelToInstall {
    pub path: PathBuf,
    pub name: PackageName,
    pub version: Version,
    /// Named by the user (`REQUESTED`).
    pub requested: bool,
    /// The URL the user named the wheel by: `direct_url.json` (PEP 610) is written for it.
    pub direct_url: Option<String>,
}

impl WheelToInstall {
    /// The wheel at `path` for the resolved distribution `dist`.
    pub fn of(dist: &crate::resolve::Resolved, path: PathBuf) -> WheelToInstall {
        WheelToInstall {
            path,
            name: dist.name.clone(),
            version: dist.version.clone(),
            requested: dist.requested,
            direct_url: dist.direct_url.clone(),
        }
    }
}

/// What an install did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallReport {
    /// `name-version` installed, in order.
    pub installed: Vec<String>,
    /// `name-version` removed first (upgrades, reinstalls).
    pub removed: Vec<String>,
}

/// Install `wheels` into `layout`, replacing installed versions of the same distributions; all
/// or nothing.
pub fn install(
    wheels: &[WheelToInstall],
    layout: &Layout,
    report: &dyn crate::Report,
) -> crate::Result<InstallReport> {
    install_cancellable(wheels, layout, report, &AtomicBool::new(false))
}

/// [`install`], stopped with [`Error::Interrupted`] (and everything put back) once `cancel`
/// becomes true (Ctrl-C).
pub fn install_cancellable(
    wheels: &[WheelToInstall],
    layout: &Layout,
    report: &dyn crate::Report,
    cancel: &AtomicBool,
) -> crate::Result<InstallReport> {
    let layout = layout.absolute()?;
    let parent = layout
        .site_packages
        .parent()
        .unwrap_or(&layout.site_packages);
    let mut tx = Transaction::new(parent, cancel)?;
    match apply(&mut tx, wheels, &layout, report) {
        Ok(done) => {
            tx.commit()?;
            Ok(done)
        }
        Err(error) => {
            tx.rollback();
            Err(error)
        }
    }
}

fn apply(
    tx: &mut Transaction<'_>,
    wheels: &[WheelToInstall],
    layout: &Layout,
    report: &dyn crate::Report,
) -> crate::Result<InstallReport> {
    if let Some(twice) = wheels
        .iter()
        .enumerate()
        .find(|(i, w)| wheels[..*i].iter().any(|o| o.name == w.name))
    {
        return Err(Error::Wheel {
            wheel: twice.1.path.display().to_string(),
            message: format!("{} is to be installed twice", twice.1.name),
        });
    }
    let mut staged = Vec::new();
    for (index, wheel) in wheels.iter().enumerate() {
        tx.check()?;
        report.report(&Event::Installing {
            name: wheel.name.to_string(),
            version: wheel.version.to_string(),
        });
        let root = tx.stage().join(format!("new-{index}"));
        let mut dist = wheel::stage(wheel, &root, &layout.python, &|| tx.check())?;
        finish_dist_info(&mut dist, wheel, layout)?;
        staged.push(dist);
    }
    let mut done = InstallReport::default();
    for wheel in wheels {
        if let Some(old) = crate::installed::find(&layout.site_packages, &wheel.name)? {
            crate::installed::remove_into(tx, &old)?;
            report.report(&Event::Removed {
                name: old.name.to_string(),
                version: old.version.to_string(),
            });
            done.removed.push(format!("{}-{}", old.name, old.version));
        }
    }
    for (wheel, dist) in wheels.iter().zip(&staged) {
        move_staged(tx, dist, layout)?;
        done.installed
            .push(format!("{}-{}", wheel.name, wheel.version));
    }
    Ok(done)
}

/// Move a staged wheel into `layout`, its `.dist-info` folder last (in one rename when it is
/// new), so that a dist-info is never there without its files.
fn move_staged(tx: &mut Transaction<'_>, dist: &Staged, layout: &Layout) -> crate::Result<()> {
    for scheme in Scheme::ALL {
        let staged = dist.root.join(scheme.folder());
        let Ok(entries) = std::fs::read_dir(&staged) else {
            continue;
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("read", &staged, e))?;
            if scheme == Scheme::Site && entry.file_name() == *dist.dist_info {
                continue;
            }
            tx.move_in(
                &entry.path(),
                &layout.folder(scheme).join(entry.file_name()),
            )?;
        }
    }
    let dist_info = Path::new(Scheme::Site.folder()).join(&dist.dist_info);
    tx.move_in(
        &dist.root.join(&dist_info),
        &layout.site_packages.join(&dist.dist_info),
    )
}

/// Write a staged file (replacing one of the same place).
fn add_file(dist: &mut Staged, scheme: Scheme, path: String, content: &[u8]) -> crate::Result<()> {
    let dest = dist.root.join(scheme.folder()).join(&path);
    let parent = dest.parent().unwrap_or(&dist.root);
    std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    std::fs::write(&dest, content).map_err(|e| Error::io("write", &dest, e))?;
    if scheme == Scheme::Scripts {
        wheel::set_executable(&dest)?;
    }
    dist.files
        .retain(|f| !(f.scheme == scheme && f.path == path));
    dist.files.push(StagedFile {
        scheme,
        path,
        hash: record::sha256(content),
        size: content.len() as u64,
    });
    Ok(())
}

/// PEP 610's `direct_url.json` for a wheel named by `url`, with the sha256 of its file, as pip
/// writes it.
fn direct_url_json(url: &str, wheel: &Path) -> crate::Result<String> {
    let bytes = std::fs::read(wheel).map_err(|e| Error::io("read", wheel, e))?;
    let hash = belay_packages::sha256_hex(&bytes);
    let archive = serde_json::json!({"hash": format!("sha256={hash}"), "hashes": {"sha256": hash}});
    Ok(serde_json::json!({"archive_info": archive, "url": url}).to_string())
}

/// Launchers for the entry points, `INSTALLER`, `REQUESTED`, `direct_url.json` and the
/// rewritten RECORD.
fn finish_dist_info(
    dist: &mut Staged,
    wheel: &WheelToInstall,
    layout: &Layout,
) -> crate::Result<()> {
    if let Some(text) = dist.entry_points.take() {
        let entries = scripts::entry_points(&text).map_err(|message| Error::Wheel {
            wheel: dist.dist_info.clone(),
            message,
        })?;
        for entry in entries {
            let launcher = scripts::launcher(&entry, &layout.python);
            add_file(dist, Scheme::Scripts, entry.name, launcher.as_bytes())?;
        }
    }
    let info = dist.dist_info.clone();
    add_file(
        dist,
        Scheme::Site,
        format!("{info}/INSTALLER"),
        b"belay-run\n",
    )?;
    if wheel.requested {
        add_file(dist, Scheme::Site, format!("{info}/REQUESTED"), b"")?;
    }
    if let Some(url) = &wheel.direct_url {
        let json = direct_url_json(url, &wheel.path)?;
        add_file(
            dist,
            Scheme::Site,
            format!("{info}/direct_url.json"),
            json.as_bytes(),
        )?;
    }
    let mut rows: Vec<record::Row> = dist
        .files
        .iter()
        .map(|f| record::Row {
            path: match f.scheme {
                Scheme::Site => f.path.clone(),
                scheme => {
                    record::relative(&layout.site_packages, &layout.folder(scheme).join(&f.path))
                }
            },
            hash: f.hash.clone(),
            size: f.size.to_string(),
        })
        .collect();
    rows.push(record::Row {
        path: format!("{info}/RECORD"),
        hash: String::new(),
        size: String::new(),
    });
    let text = record::write(&mut rows);
    let dest = dist
        .root
        .join(Scheme::Site.folder())
        .join(&info)
        .join("RECORD");
    std::fs::write(&dest, text).map_err(|e| Error::io("write", &dest, e))
}
