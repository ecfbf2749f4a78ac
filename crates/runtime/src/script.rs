//! Running the program as `__main__` in RustPython: a script file, stdin, `-c CODE`, `-m MODULE`
//! or the interactive REPL, as `python` runs them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{Diagnostic, NamedSource, SourceSpan};
use rustpython_vm::{PyResult, VirtualMachine};

use crate::cli::PythonArgs;
use crate::commands::pip::args::RunPackages;
use crate::hostpkgs::run_env::{self, RunRequest};
use crate::{pyenv, suggest};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ScriptError {
    #[error("can't open file '{path}': {reason}")]
    #[diagnostic(code(belay_run::script_not_found))]
    Unreadable {
        path: String,
        reason: String,
        /// The belay-run command meant, when the word is another tool's command.
        #[help]
        help: Option<String>,
    },

    /// A device (a board's serial port, `/dev/null`) is never read as a script: reading a port
    /// would wait for ever.
    #[error("can't run '{path}': it is {kind}, not a script")]
    #[diagnostic(code(belay_run::not_a_script))]
    NotAScript {
        path: String,
        kind: &'static str,
        #[help]
        help: Option<String>,
    },

    /// The program's packages (a PEP 723 block, `--with`) could not be had.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Packages(#[from] belay_pip::Error),

    #[error("{message}")]
    #[diagnostic(code(belay_run::syntax_error))]
    Syntax {
        message: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("here")]
        span: SourceSpan,
    },
}

/// What runs as `__main__`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// A script file.
    Script(PathBuf),
    /// The program read from stdin (`-`, or no program with stdin not a terminal).
    Stdin,
    /// `-c CODE`.
    Code(String),
    /// `-m MODULE`.
    Module(String),
    /// The interactive REPL.
    Repl,
}

/// Run `program` with `args` (its `sys.argv[1:]`); returns the exit status (from `SystemExit`, 1
/// on an uncaught exception) or an error that happened before the program could start.
pub fn run(
    program: &Program,
    args: &[String],
    python: &PythonArgs,
    packages: &RunPackages,
) -> Result<ExitCode, ScriptError> {
    // The packages a program without a script of its own asks for (`--with`).
    let with_only = || {
        run_env::prepare(&RunRequest {
            script: None,
            packages,
        })
    };
    let with_args = |first: String| -> Vec<String> {
        std::iter::once(first).chain(args.iter().cloned()).collect()
    };
    let code = match program {
        Program::Script(script) => {
            let shown = script.display().to_string();
            refuse_devices(script, &shown, args)?;
            let source = std::fs::read_to_string(script).map_err(|e| ScriptError::Unreadable {
                path: shown.clone(),
                reason: io_reason(&e),
                help: (e.kind() == std::io::ErrorKind::NotFound)
                    .then(|| {
                        suggest::for_missing_script(&shown, args)
                            .or_else(|| suggest::for_port_as_script(&shown, args))
                    })
                    .flatten(),
            })?;
            // A pipe (`<(...)`, a FIFO) cannot be read a second time: its program is the text
            // read here. A file is read again by the interpreter, as `python` runs it.
            let piped = !std::fs::metadata(script).is_ok_and(|m| m.is_file());
            let program = piped.then(|| source.clone());
            let sites = run_env::prepare(&RunRequest {
                script: Some((&shown, &source)),
                packages,
            })?;
            check_syntax(&shown, source)?;
            let path = std::path::absolute(script).unwrap_or_else(|_| script.clone());
            let settings = pyenv::settings(python, with_args(shown));
            crate::interp::run_main(settings, |vm| {
                run_env::add_to_path(vm, &sites)?;
                run_file(vm, &path, program.as_deref())
            })
        }
        Program::Stdin => {
            let mut source = String::new();
            std::io::stdin()
                .read_to_string(&mut source)
                .map_err(|e| ScriptError::Unreadable {
                    path: "<stdin>".into(),
                    reason: io_reason(&e),
                    help: None,
                })?;
            check_syntax("<stdin>", source.clone())?;
            let sites = with_only()?;
            let settings = pyenv::settings(python, with_args("-".into()));
            crate::interp::run_main(settings, |vm| {
                run_env::add_to_path(vm, &sites)?;
                run_source(vm, &source, "<stdin>")
            })
        }
        Program::Code(code) => {
            let sites = with_only()?;
            let settings = pyenv::settings(python, with_args("-c".into()));
            crate::interp::run_main(settings, |vm| {
                run_env::add_to_path(vm, &sites)?;
                run_source(vm, code, "<string>")
            })
        }
        Program::Module(module) => {
            let sites = with_only()?;
            let settings = pyenv::settings(python, with_args("-m".into()));
            crate::interp::run_main(settings, |vm| {
                run_env::add_to_path(vm, &sites)?;
                run_module(vm, module)
            })
        }
        Program::Repl => {
            let sites = with_only()?;
            let settings = pyenv::settings(python, with_args(String::new()));
            let quiet = settings.quiet;
            crate::interp::run_main(settings, |vm| {
                first_on_path(vm, String::new())?;
                run_env::add_to_path(vm, &sites)?;
                vm.new_scope_with_main()?;
                crate::repl::interact(vm, quiet)
            })
        }
    };
    Ok(code)
}

/// A script path that is a device (a board's port, `/dev/null`, a socket) is refused before it
/// is opened; stdin's own names (`/dev/stdin`, `/dev/fd/0`) and pipes (`<(...)`) are read.
fn refuse_devices(script: &Path, shown: &str, args: &[String]) -> Result<(), ScriptError> {
    const STDIN: [&str; 3] = ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"];
    if STDIN.contains(&shown) {
        return Ok(());
    }
    let Ok(meta) = std::fs::metadata(script) else {
        return Ok(());
    };
    match crate::sys::device_kind(&meta.file_type()) {
        Some(kind) => Err(ScriptError::NotAScript {
            path: shown.to_string(),
            kind,
            help: suggest::for_port_as_script(shown, args),
        }),
        None => Ok(()),
    }
}

/// A syntax error before anything runs, shown with the source.
pub(crate) fn check_syntax(shown: &str, source: String) -> Result<(), ScriptError> {
    if let Err(e) = ruff_python_parser::parse_module(&source) {
        let start = e.location.start().to_usize();
        let len = e.location.len().to_usize();
        return Err(ScriptError::Syntax {
            message: format!("invalid syntax in {shown}: {}", e.error),
            src: NamedSource::new(shown, source),
            span: (start, len).into(),
        });
    }
    Ok(())
}

/// Put `dir` first on sys.path, as CPython does for the program (the script's folder, `''` for
/// the current folder), unless `-P`/`PYTHONSAFEPATH` asks not to.
fn first_on_path(vm: &VirtualMachine, dir: String) -> PyResult<()> {
    if vm.state.config.settings.safe_path {
        return Ok(());
    }
    vm.insert_sys_path(vm.new_pyobj(dir))
}

/// Run the script at `path`; `piped` is its text when it came through a pipe (read already).
fn run_file(vm: &VirtualMachine, path: &Path, piped: Option<&str>) -> PyResult<()> {
    let dir = path
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    first_on_path(vm, dir)?;
    let scope = vm.new_scope_with_main()?;
    let name = path.to_string_lossy();
    match piped {
        Some(source) => {
            scope
                .globals
                .set_item("__file__", vm.ctx.new_str(name.as_ref()).into(), vm)?;
            vm.run_string(scope, source, &name).map(drop)
        }
        None => vm.run_script(scope, &name),
    }
}

fn run_source(vm: &VirtualMachine, source: &str, name: &str) -> PyResult<()> {
    first_on_path(vm, String::new())?;
    let scope = vm.new_scope_with_main()?;
    vm.run_string(scope, source, name).map(drop)
}

/// `-m MODULE`, as CPython runs it: `runpy._run_module_as_main`, the current folder first on
/// sys.path.
fn run_module(vm: &VirtualMachine, module: &str) -> PyResult<()> {
    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    first_on_path(vm, cwd)?;
    // runpy replaces the `__main__` module that is there.
    vm.new_scope_with_main()?;
    let runpy = vm.import("runpy", 0)?;
    let run = runpy.get_attr("_run_module_as_main", vm)?;
    run.call((module.to_string(),), vm).map(drop)
}

/// `[Errno 2] No such file or directory`, as Python words it.
fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_string();
    match e.raw_os_error() {
        Some(code) => format!("[Errno {code}] {text}"),
        None => text,
    }
}

impl ScriptError {
    /// Exit status: 2 when the script cannot be read (as CPython), 1 for a syntax error.
    pub fn status(&self) -> u8 {
        match self {
            ScriptError::Unreadable { .. } | ScriptError::NotAScript { .. } => 2,
            ScriptError::Syntax { .. } | ScriptError::Packages(_) => 1,
        }
    }
}
