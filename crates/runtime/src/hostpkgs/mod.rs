//! Host packages for belay-run's own interpreter (`docs/host-packages.md`): the glue between the
//! command line and `belay-pip`: the interpreter as packages see it ([`target`]), where packages
//! go, the settings of the downloads, and the environments of PEP 723 scripts and `--with`
//! ([`run_env`]).

pub mod build;
pub mod run_env;

use std::path::PathBuf;

use belay_pip::Target;
use belay_pip::index::IndexOptions;

/// The interpreter as packages see it: asked of a short-lived embedded interpreter, so that the
/// marker values are the ones a script sees.
pub fn target() -> Target {
    let mut settings = crate::pyenv::command_settings(Vec::new());
    // Ctrl-C keeps its default action: the commands that install defer it themselves.
    settings.install_signal_handlers = false;
    let interp = crate::interp::interpreter(settings);
    let asked = interp.enter(|vm| -> rustpython_vm::PyResult<String> {
        let scope = vm.new_scope_with_builtins();
        vm.run_string(
            scope.clone(),
            include_str!("target.py"),
            "<belay-run target>",
        )?;
        let text = scope.globals.get_item("result", vm)?;
        Ok(text.str(vm)?.to_string())
    });
    asked
        .ok()
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_else(target_as_built)
}

/// The interpreter as it is built (its Python version exact; the other values as the system
/// names them): for `requires-python` before the interpreter starts, and should asking it fail.
pub fn target_as_built() -> Target {
    use rustpython_vm::version as v;
    Target {
        python: (v::MAJOR as u32, v::MINOR as u32, v::MICRO as u32),
        implementation_name: "rustpython".into(),
        implementation_version: format!("{}.{}.{}", v::MAJOR_IMPL, v::MINOR_IMPL, v::MICRO_IMPL),
        platform_python_implementation: "RustPython".into(),
        sys_platform: match std::env::consts::OS {
            "macos" => "darwin".into(),
            "windows" => "win32".into(),
            os => os.into(),
        },
        platform_system: match std::env::consts::OS {
            "macos" => "Darwin".into(),
            "windows" => "Windows".into(),
            "linux" => "Linux".into(),
            os => os.into(),
        },
        platform_machine: std::env::consts::ARCH.into(),
        platform_release: String::new(),
        platform_version: String::new(),
        os_name: if cfg!(windows) { "nt" } else { "posix" }.into(),
    }
}

/// belay-packages' settings (the cache folder, the HTTP client's bounds), offline when asked.
pub fn download_settings(offline: bool) -> belay_packages::Settings {
    let mut settings = belay_packages::Settings::from_env();
    settings.offline |= offline;
    settings
}

/// The index options of the environment (`UV_INDEX_URL`, `PIP_INDEX_URL`, ...).
pub fn env_index_options() -> IndexOptions {
    IndexOptions::from_env(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}

/// The wheel of a resolved distribution on disk: a local file, or fetched (its hashes checked), or
/// built from its sdist.
pub fn wheel_of(
    index: &belay_pip::index::Index<'_>,
    dist: &belay_pip::resolve::Resolved,
) -> belay_pip::Result<PathBuf> {
    match (&dist.local, &dist.file) {
        (Some(path), _) => Ok(path.clone()),
        (None, Some(file)) => index.wheel(file, &dist.hashes),
        (None, None) => Err(belay_pip::Error::NotInstalled(dist.name.to_string())),
    }
}

/// The belay-run binary (what launchers and venvs run).
pub fn belay_run_exe() -> PathBuf {
    std::env::current_exe().unwrap_or_else(|_| PathBuf::from("belay-run"))
}
