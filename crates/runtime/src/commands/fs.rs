//! `belay-run fs [PORT] COMMAND [ARGS]`: a board's files, mpremote-style. The work is `fs.py`
//! against the `belay` module; this side finds the port and gives `fs.py` the progress bar
//! `sync` draws, as the native `_progress(kind, ...)`.

use std::process::ExitCode;
use std::sync::Arc;

use belay_pymodule::sync::Progress;
use rustpython_vm::builtins::PyStrRef;
use rustpython_vm::function::OptionalArg;
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use super::bar::Bar;
use super::port_or_default;
use crate::cli::{Cli, FsArgs};
use crate::interp::run_builtin_with;

/// The commands `fs.py` knows: a first word that is none of them is the port. (mpremote has the
/// same, and takes them without `fs` too.)
pub const COMMANDS: [&str; 10] = [
    "ls",
    "cat",
    "cp",
    "rm",
    "mkdir",
    "rmdir",
    "touch",
    "tree",
    "df",
    "sha256sum",
];

pub fn fs(args: &FsArgs, cli: &Cli) -> ExitCode {
    let (port, rest) = match args.args.split_first() {
        Some((first, rest)) if !COMMANDS.contains(&first.as_str()) && !first.starts_with('-') => {
            (first.clone(), rest)
        }
        // `fs --help`, `fs -h`: help needs no board.
        Some((first, _)) if first.starts_with('-') => {
            (cli.port.clone().unwrap_or_default(), &args.args[..])
        }
        _ => match port_or_default(None, cli) {
            Ok(port) => (port, &args.args[..]),
            Err(code) => return code,
        },
    };
    let mut argv = vec![
        "belay-run fs".to_string(),
        port,
        args.password.clone().unwrap_or_default(),
    ];
    argv.extend(rest.iter().cloned());
    run_builtin_with("fs", include_str!("fs.py"), argv, |vm| {
        let bar = Arc::new(Bar::new());
        let hook = vm.new_function(
            "_progress",
            move |kind: PyStrRef,
                  a: OptionalArg<PyObjectRef>,
                  b: OptionalArg<PyObjectRef>,
                  vm: &VirtualMachine| progress(&bar, kind, a, b, vm),
        );
        Ok(vec![("_progress", hook.into())])
    })
}

/// `_progress("total", files, bytes)`, `("file", name)`, `("sent", bytes)`, `("done")`,
/// `("stage", text)`, `("finish")` (the bar goes; again is harmless).
fn progress(
    bar: &Bar,
    kind: PyStrRef,
    a: OptionalArg<PyObjectRef>,
    b: OptionalArg<PyObjectRef>,
    vm: &VirtualMachine,
) -> PyResult<()> {
    let arg = |v: OptionalArg<PyObjectRef>| {
        v.into_option()
            .ok_or_else(|| vm.new_type_error(format!("_progress({kind}) needs more arguments")))
    };
    let text = |v| -> PyResult<String> { Ok(arg(v)?.str(vm)?.as_wtf8().to_string()) };
    match kind.as_wtf8().to_string().as_str() {
        "stage" => bar.update(Progress::Stage(&text(a)?)),
        "total" => bar.update(Progress::Total {
            files: arg(a)?.try_into_value(vm)?,
            bytes: arg(b)?.try_into_value(vm)?,
        }),
        "file" => bar.update(Progress::Pushing(&text(a)?)),
        "sent" => bar.update(Progress::Sent(arg(a)?.try_into_value(vm)?)),
        "done" => bar.update(Progress::Pushed),
        "finish" => {
            bar.finish();
        }
        other => return Err(vm.new_value_error(format!("_progress: unknown kind {other:?}"))),
    }
    Ok(())
}
