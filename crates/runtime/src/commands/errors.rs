//! How a built-in command (`fs`, `info`, `exec`, `latency`, `mount`, `sync`, ...) ends on an
//! exception its Python did not catch: one miette report naming the command for a `belay`
//! exception or an `OSError` (the board or the host refused something: no internal frames
//! shown), quietly for a closed pipe (`belay-run fs PORT ls | head`), without a traceback for
//! Ctrl-C. Anything else is a bug in the command and keeps its Python traceback. Scripts
//! (`belay-run script.py`) are not affected: they keep Python's tracebacks.

use std::sync::OnceLock;

use miette::Diagnostic;
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::{AsObject, VirtualMachine};

/// The built-in command this process runs, when it runs one (set once by `main`).
static COMMAND: OnceLock<String> = OnceLock::new();

/// Record that this process runs the built-in command `name` (not a script).
pub fn set_command(name: &str) {
    let _ = COMMAND.set(name.to_string());
}

/// The built-in command this process runs, if any.
pub fn command() -> Option<&'static str> {
    COMMAND.get().map(String::as_str)
}

/// A built-in command failed: the exception's message, under the command's name.
#[derive(Debug, thiserror::Error)]
#[error("{command}: {message}")]
pub struct CommandFailed {
    command: &'static str,
    /// The exception's class, `belay::ConnectionFailedError` or `FileNotFoundError`.
    class: String,
    message: String,
}

impl Diagnostic for CommandFailed {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.class))
    }
}

/// What an uncaught exception of a built-in command becomes.
pub enum Ending {
    /// Shown as one report: exit status 1.
    Report(CommandFailed),
    /// stdout was closed by its reader: end quietly with status 1 (as Python's documentation
    /// advises for `BrokenPipeError`).
    ClosedPipe,
    /// Ctrl-C: the process dies of SIGINT, as a shell expects, without a traceback.
    Interrupted,
    /// A bug in the command: Python's traceback.
    Traceback,
}

/// How `exc`, uncaught in the built-in command `command`, ends the process.
pub fn ending(command: &'static str, exc: &PyBaseExceptionRef, vm: &VirtualMachine) -> Ending {
    let ctx = &vm.ctx.exceptions;
    if exc.fast_isinstance(ctx.keyboard_interrupt) {
        return Ending::Interrupted;
    }
    if exc.fast_isinstance(ctx.broken_pipe_error) {
        return Ending::ClosedPipe;
    }
    let belay = vm
        .import("belay", 0)
        .and_then(|m| m.get_attr("BelayException", vm))
        .ok()
        .is_some_and(|class| exc.as_object().is_instance(&class, vm).unwrap_or(false));
    if !belay && !exc.fast_isinstance(ctx.os_error) {
        return Ending::Traceback;
    }
    let name = exc.class().name().to_string();
    let class = if belay {
        format!("belay::{name}")
    } else {
        name
    };
    let message = exc
        .as_object()
        .str(vm)
        .map(|s| s.as_wtf8().to_string())
        .unwrap_or_default();
    Ending::Report(CommandFailed {
        command,
        class,
        message,
    })
}

/// After a closed pipe: stdout goes to the null device, so that what is still buffered for it
/// (flushed at exit) is not a second error.
pub fn silence_stdout(vm: &VirtualMachine) {
    let scope = vm.new_scope_with_builtins();
    let _ = vm.run_string(
        scope,
        "import os\nos.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n",
        "<belay-run closed pipe>",
    );
}
