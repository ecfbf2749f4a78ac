//! `belay-run mount [PORT] FOLDER`: the board's own REPL, as `terminal` shows it, with a host
//! folder mounted (`device.mount`): board code imports from it and works in it while the person
//! types. The work is `mount.py` against the `belay` module; this side gives it the terminal as
//! the native `_terminal(device)`: the console in raw mode, the keys passed on, the board's
//! output shown, host functions served by the `belay` module meanwhile.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use belay_transport::TerminalKeys;
use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use super::port_or_default;
use super::terminal::{BoardOutput, Pace, pump_keys};
use crate::cli::{Cli, MountArgs};
use crate::interp::run_builtin_with;
use crate::sys::RawMode;

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
        let hook = vm.new_function("_terminal", terminal);
        Ok(vec![("_terminal", hook.into())])
    });
    // The console as it was.
    lock(&RAW).take();
    code
}

/// The console is raw from the first session to the end of the command: keys typed while the
/// board reboots and the folder is mounted again wait, as typed, for the next session.
static RAW: Mutex<Option<RawMode>> = Mutex::new(None);

/// `_terminal(device)`: the board's REPL until Ctrl-] or the end of input (False), or until the
/// board soft-rebooted (True).
fn terminal(device: PyObjectRef, vm: &VirtualMachine) -> PyResult<bool> {
    lock(&RAW).get_or_insert_with(RawMode::enable);
    let over = Arc::new(AtomicBool::new(false));
    let output = Arc::new(BoardOutput::new());
    // Lines piped in go one at a time, each at a prompt: a mount operation's answer is read from
    // the same console, and must not find the next lines there.
    let pace = if std::io::stdin().is_terminal() {
        Pace::AsTyped
    } else {
        Pace::LineByLine
    };
    // Keys are read only once the session can take them (none is lost before it starts).
    let pump: Mutex<Option<std::thread::JoinHandle<()>>> = Mutex::new(None);
    let start_pump = |keys: TerminalKeys| {
        let (over, output) = (over.clone(), output.clone());
        *lock(&pump) = Some(std::thread::spawn(move || {
            let over = || over.load(Ordering::Relaxed);
            let _ = pump_keys(&|bytes| keys.send(bytes), &over, &output, pace);
            // Ctrl-] or the end of input: dropping the keys ends the session.
        }));
    };
    let mut stdout = std::io::stdout();
    let outcome = belay_pymodule::terminal(
        &device,
        &start_pump,
        &mut |bytes| {
            let _ = stdout.write_all(bytes);
            let _ = stdout.flush();
            output.note(bytes);
        },
        vm,
    );
    over.store(true, Ordering::Relaxed);
    if let Some(pump) = lock(&pump).take() {
        vm.allow_threads(|| pump.join().ok());
    }
    outcome
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
