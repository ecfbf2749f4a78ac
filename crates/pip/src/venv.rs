//! `belay-run venv DIR`: a virtual environment belay-run uses when it is active or when its
//! `python` runs: `pyvenv.cfg`, `lib/python3.X/site-packages` (`Lib/site-packages` on Windows),
//! `bin/activate` for sh, bash and zsh, `activate.fish`, `Scripts\activate.bat` and
//! `Activate.ps1` on Windows, and a `python` (and `python3`, `python3.X`) that runs belay-run with
//! this environment.

mod activate;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::Error;
use crate::install::Layout;

/// What `create` needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VenvOptions {
    /// The belay-run binary the environment's `python` runs.
    pub belay_run: PathBuf,
    /// `(3, 14, 0)`.
    pub python: (u32, u32, u32),
    /// The prompt (`--prompt`; default: the folder's name; `.`: the current folder's name).
    pub prompt: Option<String>,
    /// Remove what is in the folder first (`--clear`; refused for a folder that is neither empty
    /// nor a virtual environment).
    pub clear: bool,
}

/// Create (or update) the environment at `dir`; its site-packages folder.
pub fn create(dir: &Path, options: &VenvOptions) -> crate::Result<PathBuf> {
    create_for(dir, options, cfg!(windows))
}

fn write(path: &Path, text: &str, executable: bool) -> crate::Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io("write", path, e))?;
    #[cfg(unix)]
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| Error::io("make executable", path, e))?;
    }
    let _ = executable;
    Ok(())
}

fn mkdirs(dir: &Path) -> crate::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))
}

/// Empty `dir` for `--clear` (only an environment, or an empty folder).
fn clear(dir: &Path) -> crate::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let entries: Vec<_> = entries.flatten().collect();
    if !entries.is_empty() && !dir.join("pyvenv.cfg").is_file() {
        return Err(Error::io(
            "clear",
            dir,
            std::io::Error::other("not a virtual environment (no pyvenv.cfg); nothing was removed"),
        ));
    }
    for entry in entries {
        let path = entry.path();
        let removed = if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| Error::io("remove", &path, e))?;
    }
    Ok(())
}

/// [`create`] for Windows (`windows`) or POSIX, whatever this machine is.
fn create_for(dir: &Path, options: &VenvOptions, windows: bool) -> crate::Result<PathBuf> {
    let dir = std::path::absolute(dir).map_err(|e| Error::io("resolve", dir, e))?;
    if options.clear {
        clear(&dir)?;
    }
    let (major, minor, patch) = options.python;
    let site_packages = if windows {
        dir.join("Lib").join("site-packages")
    } else {
        Layout::venv(&dir, (major, minor)).site_packages
    };
    let scripts = dir.join(if windows { "Scripts" } else { "bin" });
    mkdirs(&site_packages)?;
    mkdirs(&scripts)?;
    mkdirs(&dir.join(if windows { "Include" } else { "include" }))?;
    let prompt = prompt(&dir, options.prompt.as_deref());
    let venv = dir.to_string_lossy();
    let belay_run = options.belay_run.to_string_lossy();
    let home = options.belay_run.parent().unwrap_or(Path::new(""));
    let cfg = format!(
        "home = {}\ninclude-system-site-packages = false\nversion = {major}.{minor}.{patch}\n\
         executable = {belay_run}\ncommand = {belay_run} venv{} {venv}\nprompt = {prompt}\n",
        home.display(),
        options
            .prompt
            .as_deref()
            .map(|p| format!(" --prompt {}", activate::sh_quote(p)))
            .unwrap_or_default(),
    );
    write(&dir.join("pyvenv.cfg"), &cfg, false)?;
    write(
        &dir.join(".gitignore"),
        "# Made by belay-run venv\n*\n",
        false,
    )?;
    if windows {
        write(
            &scripts.join("python.cmd"),
            &activate::python_cmd(&venv, &belay_run),
            false,
        )?;
        write(
            &scripts.join("activate.bat"),
            &activate::activate_bat(&venv, &prompt),
            false,
        )?;
        write(
            &scripts.join("deactivate.bat"),
            &activate::deactivate_bat(),
            false,
        )?;
        write(
            &scripts.join("Activate.ps1"),
            &activate::activate_ps1(&venv, &prompt),
            false,
        )?;
    } else {
        let python = activate::python_sh(&venv, &belay_run);
        for name in [
            "python".to_string(),
            format!("python{major}"),
            format!("python{major}.{minor}"),
        ] {
            write(&scripts.join(name), &python, true)?;
        }
        write(
            &scripts.join("activate"),
            &activate::activate_sh(&venv, &prompt),
            false,
        )?;
        write(
            &scripts.join("activate.fish"),
            &activate::activate_fish(&venv, &prompt),
            false,
        )?;
    }
    Ok(site_packages)
}

/// The prompt: `--prompt`'s, `.` for the current folder's name, else the environment's name.
fn prompt(dir: &Path, given: Option<&str>) -> String {
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    match given {
        Some(".") => std::env::current_dir().ok().and_then(|d| name_of(&d)),
        Some(given) => Some(given.to_string()),
        None => name_of(dir),
    }
    .unwrap_or_else(|| "venv".to_string())
}

/// The site-packages folder of the environment at `dir` (`None`: not one): the one of the
/// `version` in its `pyvenv.cfg`, else any `lib/python3.*/site-packages`, else
/// `Lib/site-packages`.
pub fn site_packages(dir: &Path) -> Option<PathBuf> {
    let cfg = std::fs::read_to_string(dir.join("pyvenv.cfg")).ok()?;
    let version = cfg.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        let mut parts = value.trim().split('.');
        (key.trim() == "version")
            .then(|| Some(format!("python{}.{}", parts.next()?, parts.next()?)))?
    });
    let lib = dir.join("lib");
    let candidates = version
        .map(|v| lib.join(v).join("site-packages"))
        .into_iter()
        .chain({
            let mut found: Vec<PathBuf> = std::fs::read_dir(&lib)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
                .map(|e| e.path().join("site-packages"))
                .collect();
            found.sort();
            found
        })
        .chain([dir.join("Lib").join("site-packages")]);
    candidates.into_iter().find(|p| p.is_dir())
}
