//! The host interpreter's settings from the command line and the environment, as CPython takes
//! them (`PYTHONPATH`, `PYTHONUNBUFFERED`, `PYTHONSAFEPATH`, `PYTHONWARNINGS`,
//! `PYTHONIOENCODING`, `PYTHONINSPECT`, `PYTHONUTF8`; none of them under `-E` or `-I`), and the
//! `site-packages` folders of an active virtual environment.

use std::path::{Path, PathBuf};

use rustpython_vm::Settings;

use crate::cli::PythonArgs;

/// The `PYTHON*` variables, unless they are to be ignored. Empty values count as unset, as
/// CPython has it.
struct Environment {
    ignore: bool,
}

impl Environment {
    fn var(&self, name: &str) -> Option<String> {
        if self.ignore {
            return None;
        }
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn flag(&self, name: &str) -> bool {
        self.var(name).is_some()
    }
}

/// Settings for an interpreter whose `sys.argv` is `argv`.
pub fn settings(args: &PythonArgs, argv: Vec<String>) -> Settings {
    let ignore = args.isolate || args.ignore_environment;
    let env = Environment { ignore };
    let mut settings = Settings::default();
    settings.argv = argv;
    settings.isolated = args.isolate;
    settings.ignore_environment = ignore;
    // Never write __pycache__ next to the user's files.
    settings.write_bytecode = false;
    settings.path_list = env
        .var("PYTHONPATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|d| d.to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    settings.buffered_stdio = !(args.unbuffered || env.flag("PYTHONUNBUFFERED"));
    settings.safe_path = args.safe_path || args.isolate || env.flag("PYTHONSAFEPATH");
    settings.inspect = args.inspect || env.flag("PYTHONINSPECT");
    settings.quiet = args.quiet;
    settings.warnoptions = env
        .var("PYTHONWARNINGS")
        .map(|w| w.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    settings.warnoptions.extend(args.warnings.iter().cloned());
    settings.xoptions = args
        .xoptions
        .iter()
        .map(|x| match x.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (x.clone(), None),
        })
        .collect();
    if let Some(io) = env.var("PYTHONIOENCODING") {
        let (encoding, errors) = match io.split_once(':') {
            Some((e, r)) => (e.to_string(), Some(r.to_string())),
            None => (io, None),
        };
        settings.stdio_encoding = Some(encoding).filter(|e| !e.is_empty());
        settings.stdio_errors = errors.filter(|e| !e.is_empty());
    }
    settings.utf8_mode = utf8_mode(&settings.xoptions, &env);
    settings
}

/// Settings for belay-run's own commands (no `python` options) with this `sys.argv`.
pub fn command_settings(argv: Vec<String>) -> Settings {
    settings(&PythonArgs::default(), argv)
}

/// UTF-8 mode, on unless `-X utf8=0` or `PYTHONUTF8=0` (as CPython 3.15 has it by default, PEP
/// 686: files open as UTF-8 whatever the locale; a board's text is UTF-8, and under the C locale
/// open() would be ASCII-only).
fn utf8_mode(xoptions: &[(String, Option<String>)], env: &Environment) -> i8 {
    let option = xoptions
        .iter()
        .rev()
        .find(|(k, _)| k == "utf8")
        .map(|(_, v)| v.as_deref().unwrap_or("1").to_string());
    match option.or_else(|| env.var("PYTHONUTF8")).as_deref() {
        Some("0") => 0,
        _ => 1,
    }
}

/// The `site-packages` folders of the virtual environment at `root` (found by [`active_venv`]).
/// A venv made by any Python 3 counts (`lib/python3.*/site-packages`): pure-Python packages do
/// not care which.
pub fn site_packages(root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root.join("lib"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
        .map(|e| e.path().join("site-packages"))
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found
}

/// The active virtual environment's folder: `VIRTUAL_ENV` (unless `isolated`: `-I`), else a
/// `pyvenv.cfg` beside the binary or one folder up (a venv's `bin/`), as CPython finds its own.
pub fn active_venv(isolated: bool) -> Option<PathBuf> {
    let from_env = (!isolated)
        .then(|| std::env::var_os("VIRTUAL_ENV"))
        .flatten()
        .map(PathBuf::from)
        .filter(|p| p.is_dir());
    from_env.or_else(|| {
        let exe = std::env::current_exe().ok()?;
        let dir = exe.parent()?;
        [dir, dir.parent()?]
            .into_iter()
            .find(|d| d.join("pyvenv.cfg").is_file())
            .map(Path::to_path_buf)
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    fn parsed(args: &[&str]) -> PythonArgs {
        let cli = Cli::try_parse_from(std::iter::once("belay-run").chain(args.iter().copied()))
            .expect("valid options");
        cli.python
    }

    #[test]
    fn options_map_to_settings() {
        let s = settings(
            &parsed(&["-u", "-i", "-P", "-X", "utf8=0", "-W", "error"]),
            vec![],
        );
        assert!(!s.buffered_stdio && s.inspect && s.safe_path);
        assert_eq!(s.utf8_mode, 0);
        assert!(s.warnoptions.ends_with(&["error".to_string()]));
        let s = settings(&parsed(&["-I"]), vec![]);
        assert!(s.isolated && s.ignore_environment && s.safe_path);
        let s = settings(&parsed(&["-X", "utf8"]), vec![]);
        assert_eq!(s.utf8_mode, 1);
    }
}
