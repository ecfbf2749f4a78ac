//! `belay-run mount [PORT] FOLDER`: the board's own REPL, as `terminal` shows it, with a host
//! folder mounted (`device.mount`): board code imports from it and works in it while the person
//! types. The work is `mount.py` against the `belay` module; this side gives it the terminal as
//! the native `_terminal(device)` (`device_terminal`).

use std::process::ExitCode;

use rustpython_vm::{PyObjectRef, VirtualMachine};

use super::device_terminal;
use super::port_or_default;
use super::terminal::EXIT_KEY;
use crate::cli::{Cli, MountArgs};
use crate::interp::run_builtin_with;

pub fn mount(args: &MountArgs, cli: &Cli) -> ExitCode {
    let (port, folder) = match args.args.as_slice() {
        [port, folder] => (port.clone(), folder.clone()),
        [folder] => match port_or_default(None, cli) {
            Ok(port) => (port, folder.clone()),
            Err(code) => return code,
        },
        _ => unreachable!("clap takes one or two values"),
    };
    let argv = vec![
        "belay-run mount".to_string(),
        port,
        args.password.clone().unwrap_or_default(),
        folder,
        args.at.clone(),
        if args.readonly { "1" } else { "0" }.to_string(),
    ];
    let code = run_builtin_with("mount", include_str!("mount.py"), argv, |vm| {
        let hook = vm.new_function("_terminal", |device: PyObjectRef, vm: &VirtualMachine| {
            device_terminal::session(&device, EXIT_KEY, vm)
        });
        Ok(vec![("_terminal", hook.into())])
    });
    device_terminal::console_as_it_was();
    code
}
