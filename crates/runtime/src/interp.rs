//! The embedded interpreter: RustPython with its native stdlib, the frozen standard library and
//! the `belay` module.

use std::process::ExitCode;

use rustpython_vm::{AsObject, Interpreter, PyResult, Settings, VirtualMachine};

/// An interpreter whose `sys.argv` is `argv`.
pub fn interpreter(argv: Vec<String>) -> Interpreter {
    let mut settings = Settings::default();
    settings.argv = argv;
    // Never write __pycache__ next to the user's files.
    settings.write_bytecode = false;
    // UTF-8 mode, as CPython 3.15 has by default (PEP 686): files open as UTF-8 whatever the
    // locale (a board's text is UTF-8; under the C locale open() would be ASCII-only).
    // PYTHONUTF8=0 turns it off.
    settings.utf8_mode = if std::env::var_os("PYTHONUTF8").is_some_and(|v| v == "0") {
        0
    } else {
        1
    };
    let builder = Interpreter::builder(settings);
    let stdlib = rustpython_stdlib::stdlib_module_defs(&builder.ctx);
    let belay = belay_pymodule::module_def(&builder.ctx);
    builder
        .add_native_modules(&stdlib)
        .add_native_module(belay)
        .add_frozen_modules(rustpython_pylib::FROZEN_STDLIB)
        .build()
}

/// Run `main` as `__main__` and turn the outcome into an exit status: `SystemExit`'s code, 1 (with
/// a traceback) for an uncaught exception, death by SIGINT for an uncaught KeyboardInterrupt. An
/// uncaught `belay.PyboardException` is shown with miette, pointing at the host source.
pub fn run_main(argv: Vec<String>, main: impl FnOnce(&VirtualMachine) -> PyResult<()>) -> ExitCode {
    let interp = interpreter(argv);
    let outcome = interp.enter(|vm| {
        main(vm).map_err(|exc| match crate::board_error::diagnose(&exc, vm) {
            Some(failure) => {
                // What the script printed comes first.
                if let Ok(stdout) = vm.sys_module.get_attr("stdout", vm) {
                    let _ = vm.call_method(&stdout, "flush", ());
                }
                eprintln!("{:?}", miette::Report::new(failure));
                // Exit with status 1 without a second report; atexit (teardowns) still runs.
                vm.new_exception(
                    vm.ctx.exceptions.system_exit.to_owned(),
                    vec![vm.ctx.new_int(1).into()],
                )
            }
            None => exc,
        })
    });
    if let Err(exc) = &outcome
        && interp.enter(|vm| exc.fast_isinstance(vm.ctx.exceptions.keyboard_interrupt))
    {
        // As CPython does: the traceback, then the interpreter's finalisation (atexit: boards
        // are closed, their teardowns run), then death by SIGINT so the caller sees it.
        interp.enter(|vm| vm.print_exception(exc));
        interp.finalize(None);
        die_of_sigint();
    }
    let status = interp.finalize(outcome.err());
    ExitCode::from(u8::try_from(status).unwrap_or(1))
}

/// End the process by SIGINT, with the default action (what a shell expects after Ctrl-C).
fn die_of_sigint() -> ! {
    // SAFETY: resetting a signal's disposition and raising it; no memory is involved.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::raise(libc::SIGINT);
    }
    // Should SIGINT be blocked, exit with the status a shell gives it.
    std::process::exit(130)
}

/// Run one of belay-run's own commands, written in Python against the `belay` module.
pub fn run_builtin(name: &str, source: &'static str, argv: Vec<String>) -> ExitCode {
    run_main(argv, |vm| {
        let scope = vm.new_scope_with_main()?;
        vm.run_string(scope, source, &format!("<belay-run {name}>"))?;
        Ok(())
    })
}
