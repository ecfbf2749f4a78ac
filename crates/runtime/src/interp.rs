//! The embedded interpreter: RustPython with its native stdlib, the frozen standard library and
//! the `belay` module.

use std::process::ExitCode;

use rustpython_compiler_core::frozen::FrozenLib;
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::{AsObject, Interpreter, PyObjectRef, PyResult, Settings, VirtualMachine};

use crate::commands::errors::{self, Ending};

/// An interpreter with `settings` (`pyenv::settings`).
pub fn interpreter(settings: Settings) -> Interpreter {
    crate::tls::install();
    crate::sys::prepare_c_runtime();
    let builder = Interpreter::builder(settings);
    let stdlib = rustpython_stdlib::stdlib_module_defs(&builder.ctx);
    let belay = belay_pymodule::module_def(&builder.ctx);
    let submodules = belay_pymodule::submodule_defs(&builder.ctx);
    builder
        .add_native_modules(&stdlib)
        .add_native_module(belay)
        .add_native_modules(&submodules)
        .add_frozen_modules(FROZEN_STDLIB)
        .build()
}

/// The standard library's bytecode, frozen by `build/frozen_stdlib.rs`.
static FROZEN_STDLIB: &FrozenLib = FrozenLib::from_ref(STDLIB_BYTES);
const STDLIB_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/frozen_stdlib.bin"));

/// What every program gets before it starts: SIGTERM and SIGHUP end it as Ctrl-C does, and an
/// active virtual environment's site-packages are on sys.path (their `.pth` files honoured), its
/// folder `sys.prefix` and `sys.exec_prefix` (as CPython's in a venv).
fn prepare(vm: &VirtualMachine) -> PyResult<()> {
    let scope = vm.new_scope_with_builtins();
    vm.run_string(scope, END_ON_SIGNALS, "<belay-run signals>")?;
    let Some(venv) = crate::pyenv::active_venv(vm.state.config.settings.isolated) else {
        return Ok(());
    };
    let prefix = vm.ctx.new_str(venv.to_string_lossy().into_owned());
    vm.sys_module.set_attr("prefix", prefix.clone(), vm)?;
    vm.sys_module.set_attr("exec_prefix", prefix, vm)?;
    let dirs = crate::pyenv::site_packages(&venv);
    if !dirs.is_empty() {
        let site = vm.import("site", 0)?;
        for dir in dirs {
            vm.call_method(&site, "addsitedir", (dir.to_string_lossy().into_owned(),))?;
        }
    }
    Ok(())
}

const END_ON_SIGNALS: &str = include_str!("python/end_on_signals.py");

/// An exception that ends the program: shown with miette when it is a board error pointing at
/// host source (then the exit status is 1 without a second report; atexit, and so teardowns,
/// still run); for a built-in command, as `commands::errors` says; passed on as it is otherwise.
fn report(exc: PyBaseExceptionRef, vm: &VirtualMachine) -> PyBaseExceptionRef {
    let failure = match crate::board_error::diagnose(&exc, vm) {
        Some(failure) => miette::Report::new(failure),
        None => match crate::commands::command().map(|c| errors::ending(c, &exc, vm)) {
            Some(Ending::Report(failed)) => miette::Report::new(failed),
            Some(Ending::ClosedPipe) => {
                errors::silence_stdout(vm);
                return exit_status(1, vm);
            }
            _ => return exc,
        },
    };
    // What the program printed comes first.
    if let Ok(stdout) = vm.sys_module.get_attr("stdout", vm) {
        let _ = vm.call_method(&stdout, "flush", ());
    }
    eprintln!("{failure:?}");
    exit_status(1, vm)
}

/// `SystemExit(code)`.
fn exit_status(code: u8, vm: &VirtualMachine) -> PyBaseExceptionRef {
    vm.new_exception(
        vm.ctx.exceptions.system_exit.to_owned(),
        vec![vm.ctx.new_int(code).into()],
    )
}

/// A built-in command's output is flushed before the interpreter ends, so that a closed pipe is
/// seen (and ended quietly) as any other error of the command.
fn flush_stdout(vm: &VirtualMachine) -> PyResult<()> {
    let stdout = vm.sys_module.get_attr("stdout", vm)?;
    if vm.is_none(&stdout) {
        return Ok(());
    }
    vm.call_method(&stdout, "flush", ()).map(drop)
}

/// Run `main` as `__main__` and turn the outcome into an exit status: `SystemExit`'s code, 1 (with
/// a traceback) for an uncaught exception, death by SIGINT for an uncaught KeyboardInterrupt. An
/// uncaught `belay.PyboardException` is shown with miette, pointing at the host source; a
/// built-in command's errors as `commands::errors` says. With `-i` (`inspect`) the REPL follows
/// the program, after its error if it raised one.
pub fn run_main(
    settings: Settings,
    main: impl FnOnce(&VirtualMachine) -> PyResult<()>,
) -> ExitCode {
    let inspect = settings.inspect;
    let command = crate::commands::command();
    let interp = interpreter(settings);
    let outcome = interp.enter(|vm| {
        prepare(vm)?;
        let result = match command {
            Some(_) => main(vm).and_then(|()| flush_stdout(vm)),
            None => main(vm),
        };
        match result {
            Err(exc) if inspect && !exc.fast_isinstance(vm.ctx.exceptions.system_exit) => {
                let exc = report(exc, vm);
                if !exc.fast_isinstance(vm.ctx.exceptions.system_exit) {
                    vm.print_exception(&exc);
                }
                crate::repl::interact(vm, true)
            }
            Ok(()) if inspect => crate::repl::interact(vm, true),
            other => other.map_err(|exc| report(exc, vm)),
        }
    });
    if let Err(exc) = &outcome
        && interp.enter(|vm| exc.fast_isinstance(vm.ctx.exceptions.keyboard_interrupt))
    {
        // As CPython does: the traceback (not for a built-in command: its frames are of no use
        // to its user), then the interpreter's finalisation (atexit: boards are closed, their
        // teardowns run), then death by SIGINT so the caller sees it.
        if command.is_none() {
            interp.enter(|vm| vm.print_exception(exc));
        }
        interp.finalize(None);
        crate::sys::die_of_sigint();
    }
    let status = interp.finalize(outcome.err());
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}

/// Run one of belay-run's own commands, written in Python against the `belay` module.
pub fn run_builtin(name: &str, source: &'static str, argv: Vec<String>) -> ExitCode {
    run_builtin_with(name, source, argv, |_| Ok(Vec::new()))
}

/// [`run_builtin`] with extra globals (native hooks the command's Python calls).
pub fn run_builtin_with(
    name: &str,
    source: &'static str,
    argv: Vec<String>,
    globals: impl FnOnce(&VirtualMachine) -> PyResult<Vec<(&'static str, PyObjectRef)>>,
) -> ExitCode {
    run_main(crate::pyenv::command_settings(argv), |vm| {
        let scope = vm.new_scope_with_main()?;
        for (key, value) in globals(vm)? {
            scope.globals.set_item(key, value, vm)?;
        }
        vm.run_string(scope, source, &format!("<belay-run {name}>"))?;
        Ok(())
    })
}
