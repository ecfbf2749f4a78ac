//! `belay-run mount [PORT] FOLDER`: the board's own REPL, as `terminal` shows it, with a host
//! folder mounted (`device.mount`): board code imports from it and works in it while the person
//! types. The work is `mount.py` against the `belay` module; this side gives it the terminal as
//! the native `_terminal(device)`: the console in raw mode, the keys passed on, the board's
//! output shown, host functions served by the `belay` module meanwhile.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use belay_transport::{TerminalKeys, TransportError};
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
    run_builtin_with("mount", include_str!("mount.py"), argv, |vm| {
        let hook = vm.new_function("_terminal", terminal);
        Ok(vec![("_terminal", hook.into())])
    })
}

/// `_terminal(device)`: the board's REPL until Ctrl-] or the end of input (False), or until the
/// board soft-rebooted (True).
fn terminal(device: PyObjectRef, vm: &VirtualMachine) -> PyResult<bool> {
    let _raw = RawMode::enable();
    let keys: Arc<Mutex<Option<TerminalKeys>>> = Arc::default();
    let over = Arc::new(AtomicBool::new(false));
    let output = Arc::new(BoardOutput::new());
    // Lines piped in go one at a time, each at a prompt: a mount operation's answer is read from
    // the same console, and must not find the next lines there.
    let pace = if std::io::stdin().is_terminal() {
        Pace::AsTyped
    } else {
        Pace::LineByLine
    };
    let pump = {
        let (keys, over, output) = (keys.clone(), over.clone(), output.clone());
        std::thread::spawn(move || {
            let send = |bytes: &[u8]| match &*keys.lock().unwrap_or_else(|p| p.into_inner()) {
                Some(keys) => keys.send(bytes),
                None => Err(TransportError::Closed),
            };
            let _ = pump_keys(&send, &|| over.load(Ordering::Relaxed), &output, pace);
            // Ctrl-] or the end of input: dropping the keys ends the session.
            keys.lock().unwrap_or_else(|p| p.into_inner()).take();
        })
    };
    let mut stdout = std::io::stdout();
    let outcome = belay_pymodule::terminal(
        &device,
        &|sender| *keys.lock().unwrap_or_else(|p| p.into_inner()) = Some(sender),
        &mut |bytes| {
            let _ = stdout.write_all(bytes);
            let _ = stdout.flush();
            output.note(bytes);
        },
        vm,
    );
    over.store(true, Ordering::Relaxed);
    keys.lock().unwrap_or_else(|p| p.into_inner()).take();
    vm.allow_threads(|| pump.join().ok());
    outcome
}
