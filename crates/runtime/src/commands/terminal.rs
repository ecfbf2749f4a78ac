//! `belay-run terminal [PORT]`: the board's own REPL, byte for byte, until Ctrl-].

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use belay_transport::{
    ConnectOptions, Credentials, Passthrough, PortSpec, TransportError, stdin_has_input,
};

use super::port_or_default;
use crate::cli::{Cli, PortArgs};
use crate::sys::RawMode;

/// Ctrl-]: leave the terminal (as in Belay, miniterm and telnet).
const EXIT_KEY: u8 = 0x1d;
/// When input ends, the board's answer is over once it has been quiet this long...
const QUIET_MS: u64 = 300;
/// ...or after this long at most.
const DRAIN_LIMIT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("terminal on {port}: {source}")]
#[diagnostic(code(belay_run::terminal))]
struct TerminalError {
    port: String,
    source: TransportError,
}

pub fn terminal(args: &PortArgs, cli: &Cli) -> ExitCode {
    let port = match port_or_default(args.port.as_deref(), cli) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match run(&port, args.password.as_deref(), cli.connect_timeout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(source) => {
            eprintln!("{:?}", miette::Report::new(TerminalError { port, source }));
            ExitCode::FAILURE
        }
    }
}

/// A byte-for-byte connection to the board at `port` (the terminal's, install's soft reset).
pub(super) fn open_passthrough(
    port: &str,
    password: Option<&str>,
    connect_timeout: Option<f64>,
) -> Result<Passthrough, TransportError> {
    let spec = PortSpec::parse(port)?;
    let mut opts = ConnectOptions::default();
    if let Some(seconds) = connect_timeout {
        opts.connect_timeout = Duration::from_secs_f64(seconds);
    }
    if let Some(p) = password {
        opts.credentials = Credentials {
            password: p.to_string(),
            ..Credentials::default()
        };
    }
    Passthrough::open(&spec, &opts)
}

fn run(
    port: &str,
    password: Option<&str>,
    connect_timeout: Option<f64>,
) -> Result<(), TransportError> {
    let mut board = open_passthrough(port, password, connect_timeout)?;
    let sender = board.sender();
    eprint!("--- belay-run terminal on {port}; Ctrl-] exits ---\r\n");
    let _raw = RawMode::enable();
    // Leave a raw REPL another host may have left behind; the board shows its banner and prompt.
    sender.send(b"\r\x02")?;

    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let last_output = Arc::new(AtomicU64::new(0));
    let shown = {
        let (stop, last_output) = (stop.clone(), last_output.clone());
        std::thread::spawn(move || show_board_output(&mut board, &stop, &last_output, started))
    };
    let mut stdin = std::io::stdin().lock();
    let mut buf = [0u8; 1024];
    while !shown.is_finished() {
        // Wake up now and then to notice a board that went away.
        match stdin_has_input(Duration::from_millis(200)) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(_) => break,
        }
        let n = match stdin.read(&mut buf) {
            Ok(0) | Err(_) => {
                // Input ended (a pipe, not a person): show what the board still answers.
                let quiet = |since: u64| started.elapsed().as_millis() as u64 - since >= QUIET_MS;
                let limit = Instant::now() + DRAIN_LIMIT;
                while !quiet(last_output.load(Ordering::Relaxed)) && Instant::now() < limit {
                    std::thread::sleep(Duration::from_millis(20));
                }
                break;
            }
            Ok(n) => n,
        };
        let keys = &buf[..n];
        let (send, leave) = match keys.iter().position(|&b| b == EXIT_KEY) {
            Some(i) => (&keys[..i], true),
            None => (keys, false),
        };
        if !send.is_empty() {
            sender.send(send)?;
        }
        if leave {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let outcome = shown.join().unwrap_or(Ok(()));
    eprint!("\r\n--- terminal closed ---\r\n");
    outcome
}

/// Copy what the board sends to stdout until `stop` (or the board goes away), noting when it
/// last sent something (milliseconds after `started`).
fn show_board_output(
    board: &mut Passthrough,
    stop: &AtomicBool,
    last_output: &AtomicU64,
    started: Instant,
) -> Result<(), TransportError> {
    let mut out = std::io::stdout();
    while !stop.load(Ordering::Relaxed) {
        if let Some(bytes) = board.recv(Duration::from_millis(100))? {
            let _ = out.write_all(&bytes);
            let _ = out.flush();
            last_output.store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        }
    }
    Ok(())
}
