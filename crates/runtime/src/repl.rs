//! The interactive host REPL (`belay-run` alone on a terminal, or `-i`): the standard library's
//! `code.InteractiveConsole` in `__main__`, reading lines with rustyline on a terminal (line
//! editing, history kept in `~/.belay-run_history`). Ctrl-C cancels the line being typed, or
//! interrupts what runs (a board call included); Ctrl-D leaves, and the boards are closed as at the
//! end of a script.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustpython_vm::builtins::PyStrRef;
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};
use rustyline::DefaultEditor;
use rustyline::error::ReadlineError;

const SOURCE: &str = include_str!("python/repl.py");

/// Where the REPL keeps its history: `~/.belay-run_history`.
fn history_file() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".belay-run_history"))
}

/// The greeting, as `python` prints its own.
fn banner() -> String {
    format!(
        "belay-run {} on {}\n\
         Type \"help()\" for help; `import belay` drives a board. Ctrl-D exits.",
        crate::cli::version_text(),
        std::env::consts::OS
    )
}

/// Run the REPL until EOF (or `exit()`, which raises `SystemExit` as usual).
pub fn interact(vm: &VirtualMachine, quiet: bool) -> PyResult<()> {
    let scope = vm.new_scope_with_builtins();
    vm.run_string(scope.clone(), SOURCE, "<belay-run repl>")?;
    let interact = scope.globals.get_item("interact", vm)?;
    let editor = terminal_editor();
    let readline: PyObjectRef = match &editor {
        Some(editor) => {
            let editor = Arc::clone(editor);
            vm.new_function("readline", move |prompt: PyStrRef, vm: &VirtualMachine| {
                read_line(&editor, &prompt.as_wtf8().to_string(), vm)
            })
            .into()
        }
        None => vm.ctx.none(),
    };
    let banner = if quiet { String::new() } else { banner() };
    let outcome = interact.call((readline, banner), vm);
    if let (Some(editor), Some(file)) = (&editor, history_file()) {
        let _ = lock(editor).save_history(&file);
    }
    outcome.map(drop)
}

/// A line editor when stdin and stdout are a terminal (elsewhere the console reads stdin).
fn terminal_editor() -> Option<Arc<Mutex<DefaultEditor>>> {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return None;
    }
    let mut editor = DefaultEditor::new().ok()?;
    if let Some(file) = history_file() {
        let _ = editor.load_history(&file);
    }
    Some(Arc::new(Mutex::new(editor)))
}

fn lock(editor: &Mutex<DefaultEditor>) -> std::sync::MutexGuard<'_, DefaultEditor> {
    editor.lock().unwrap_or_else(|p| p.into_inner())
}

/// One line, as `input()` gives it: EOFError on Ctrl-D, KeyboardInterrupt on Ctrl-C.
fn read_line(editor: &Mutex<DefaultEditor>, prompt: &str, vm: &VirtualMachine) -> PyResult<String> {
    let mut editor = lock(editor);
    match editor.readline(prompt) {
        Ok(line) => {
            if !line.trim().is_empty() {
                let _ = editor.add_history_entry(line.as_str());
            }
            Ok(line)
        }
        Err(ReadlineError::Interrupted) => {
            Err(vm.new_exception_empty(vm.ctx.exceptions.keyboard_interrupt.to_owned()))
        }
        Err(ReadlineError::Eof) => {
            Err(vm.new_exception_empty(vm.ctx.exceptions.eof_error.to_owned()))
        }
        Err(e) => Err(vm.new_os_error(e.to_string())),
    }
}
