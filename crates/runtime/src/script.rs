//! Running a script file as `__main__` in RustPython.

use std::path::Path;
use std::process::ExitCode;

use miette::{Diagnostic, NamedSource, SourceSpan};
use rustpython_vm::{PyResult, VirtualMachine};

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ScriptError {
    #[error("can't open file '{path}': {reason}")]
    #[diagnostic(code(belay_run::script_not_found))]
    Unreadable { path: String, reason: String },

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

/// Run `script` with `args`; returns the exit status (from `SystemExit`, 1 on an uncaught
/// exception) or an error that happened before the script could start.
pub fn run(script: &Path, args: &[String]) -> Result<ExitCode, ScriptError> {
    let shown = script.display().to_string();
    let source = std::fs::read_to_string(script).map_err(|e| ScriptError::Unreadable {
        path: shown.clone(),
        reason: io_reason(&e),
    })?;
    if let Err(e) = ruff_python_parser::parse_module(&source) {
        let start = e.location.start().to_usize();
        let len = e.location.len().to_usize();
        return Err(ScriptError::Syntax {
            message: format!("invalid syntax in {shown}: {}", e.error),
            src: NamedSource::new(shown, source),
            span: (start, len).into(),
        });
    }

    let path = std::path::absolute(script).unwrap_or_else(|_| script.to_path_buf());
    let argv = std::iter::once(shown).chain(args.iter().cloned()).collect();
    Ok(crate::interp::run_main(argv, |vm| run_file(vm, &path)))
}

fn run_file(vm: &VirtualMachine, path: &Path) -> PyResult<()> {
    // Like CPython: the script's folder comes first on sys.path.
    let dir = path
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    vm.insert_sys_path(vm.new_pyobj(dir))?;
    let scope = vm.new_scope_with_main()?;
    vm.run_script(scope, &path.to_string_lossy())
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
            ScriptError::Unreadable { .. } => 2,
            ScriptError::Syntax { .. } => 1,
        }
    }
}
