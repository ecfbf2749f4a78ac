//! `belay-run terminal [PORT]`: the board's own REPL, byte for byte, until Ctrl-].

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use belay_transport::{
    ConnectOptions, Credentials, Passthrough, PortSpec, ReadOutcome, TransportError, read_stdin,
};

use super::port_or_default;
use crate::cli::{Cli, PortArgs};
use crate::sys::RawMode;

/// Ctrl-]: leave the terminal (as in Belay, miniterm and telnet).
pub(super) const EXIT_KEY: u8 = 0x1d;
/// When input ends, the board's answer is over once it has been quiet this long...
const QUIET_MS: u64 = 300;
/// ...or after this long at most.
const DRAIN_LIMIT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("terminal on {port}: {reason}")]
#[diagnostic(code(belay_run::terminal))]
struct TerminalError {
    port: String,
    /// Shown in the message, not again as its cause.
    reason: TransportError,
}

pub fn terminal(args: &PortArgs, cli: &Cli) -> ExitCode {
    let port = match port_or_default(args.port.as_deref(), cli) {
        Ok(p) => p,
        Err(code) => return code,
    };
    match run(&port, args.password.as_deref(), cli.connect_timeout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            eprintln!("{:?}", miette::Report::new(TerminalError { port, reason }));
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
    let output = Arc::new(BoardOutput::new());
    let shown = {
        let (stop, output) = (stop.clone(), output.clone());
        std::thread::spawn(move || show_board_output(&mut board, &stop, &output))
    };
    let pumped = pump_keys(
        &|keys| sender.send(keys),
        &|| shown.is_finished(),
        &output,
        Pace::AsTyped,
        EXIT_KEY,
    );
    stop.store(true, Ordering::Relaxed);
    let outcome = shown.join().unwrap_or(Ok(()));
    eprint!("\r\n--- terminal closed ---\r\n");
    pumped.and(outcome)
}

/// What the board sent lately: when (to tell when its answer to piped input is over) and how it
/// ended (to tell when it shows a prompt).
pub(super) struct BoardOutput {
    started: Instant,
    /// Milliseconds after `started`.
    last: AtomicU64,
    /// The end of the output since the last line was sent.
    tail: Mutex<Vec<u8>>,
}

/// The friendly REPL's prompts: the board waits for a line.
const PROMPTS: [&[u8]; 2] = [b">>> ", b"... "];
/// The end of the output kept to find a prompt (with its auto-indent).
const TAIL: usize = 64;
/// The longest piped input waits for a prompt before its next line goes anyway.
const PROMPT_WAIT: Duration = Duration::from_secs(30);

impl BoardOutput {
    pub(super) fn new() -> BoardOutput {
        BoardOutput {
            started: Instant::now(),
            last: AtomicU64::new(0),
            tail: Mutex::new(Vec::new()),
        }
    }

    /// The board sent `bytes` now.
    pub(super) fn note(&self, bytes: &[u8]) {
        let now = self.started.elapsed().as_millis() as u64;
        self.last.store(now, Ordering::Relaxed);
        let mut tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
        tail.extend_from_slice(bytes);
        let excess = tail.len().saturating_sub(TAIL);
        tail.drain(..excess);
    }

    /// Wait until the board has been quiet for [`QUIET_MS`], or [`DRAIN_LIMIT`] at most.
    fn wait_quiet(&self) {
        let quiet = || {
            let since = self.last.load(Ordering::Relaxed);
            self.started.elapsed().as_millis() as u64 - since >= QUIET_MS
        };
        let limit = Instant::now() + DRAIN_LIMIT;
        while !quiet() && Instant::now() < limit {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until the board shows a prompt (or `over()`, or [`PROMPT_WAIT`]), then forget it.
    fn wait_prompt(&self, over: &dyn Fn() -> bool) {
        let limit = Instant::now() + PROMPT_WAIT;
        loop {
            {
                let mut tail = self.tail.lock().unwrap_or_else(|p| p.into_inner());
                if shows_prompt(&tail) {
                    tail.clear();
                    return;
                }
            }
            if over() || Instant::now() >= limit {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Whether the output ends in a prompt: the last line is `>>> ` or `... ` and spaces (the
/// board indents a block's next line itself).
fn shows_prompt(tail: &[u8]) -> bool {
    let line = match tail.iter().rposition(|&b| b == b'\n') {
        Some(i) => &tail[i + 1..],
        None => tail,
    };
    PROMPTS
        .iter()
        .any(|p| line.starts_with(p) && line[p.len()..].iter().all(|&b| b == b' '))
}

/// A piped line as a terminal sends it: the line ending (`\n` or `\r\n`) is Enter, `\r` (a
/// `\n` left over would be read by the next thing that reads the console).
fn as_entered(line: &[u8]) -> Vec<u8> {
    match line.strip_suffix(b"\n") {
        Some(text) => [text.strip_suffix(b"\r").unwrap_or(text), b"\r"].concat(),
        None => line.to_vec(),
    }
}

/// How typed keys go to the board.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pace {
    /// As they come.
    AsTyped,
    /// Piped input: a line at a time, each once the board shows its prompt, as a person types
    /// (a board that reads its console itself, for a host function's answer, must not find the
    /// next lines there).
    LineByLine,
}

/// Pass what the person types to `send` until `exit_key` (Ctrl-]), until `over()` (the board went
/// away), or until the input ends (a pipe, not a person: what the board still answers is waited
/// for).
pub(super) fn pump_keys(
    send: &dyn Fn(&[u8]) -> Result<(), TransportError>,
    over: &dyn Fn() -> bool,
    output: &BoardOutput,
    pace: Pace,
    exit_key: u8,
) -> Result<(), TransportError> {
    let mut buf = [0u8; 1024];
    while !over() {
        // Wake up now and then to notice a board that went away.
        let n = match read_stdin(&mut buf, Duration::from_millis(200)) {
            Ok(ReadOutcome::Data(n)) => n,
            Ok(ReadOutcome::TimedOut | ReadOutcome::Woken) => continue,
            Ok(ReadOutcome::Closed) | Err(_) => {
                output.wait_quiet();
                break;
            }
        };
        let keys = &buf[..n];
        let (keys, leave) = match keys.iter().position(|&b| b == exit_key) {
            Some(i) => (&keys[..i], true),
            None => (keys, false),
        };
        match pace {
            Pace::AsTyped if !keys.is_empty() => send(keys)?,
            Pace::AsTyped => {}
            Pace::LineByLine => {
                for line in keys.split_inclusive(|&b| b == b'\n') {
                    output.wait_prompt(over);
                    send(&as_entered(line))?;
                }
            }
        }
        if leave {
            break;
        }
    }
    Ok(())
}

/// Copy what the board sends to stdout until `stop` (or the board goes away).
fn show_board_output(
    board: &mut Passthrough,
    stop: &AtomicBool,
    output: &BoardOutput,
) -> Result<(), TransportError> {
    let mut out = std::io::stdout();
    while !stop.load(Ordering::Relaxed) {
        if let Some(bytes) = board.recv(Duration::from_millis(100))? {
            let _ = out.write_all(&bytes);
            let _ = out.flush();
            output.note(&bytes);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{as_entered, shows_prompt};

    #[test]
    fn piped_lines_end_as_enter_does() {
        assert_eq!(as_entered(b"import m\n"), b"import m\r");
        assert_eq!(as_entered(b"import m\r\n"), b"import m\r");
        assert_eq!(as_entered(b"x = 1"), b"x = 1");
        assert_eq!(as_entered(b"\n"), b"\r");
    }

    #[test]
    fn prompts_are_told_from_output() {
        assert!(shows_prompt(
            b"Type \"help()\" for more information.\r\n>>> "
        ));
        assert!(shows_prompt(b"for i in range(2):\r\n...     "));
        assert!(!shows_prompt(b">>> import time\r\n"));
        assert!(!shows_prompt(b"print('>>> ')\r\n>>> x"));
        assert!(!shows_prompt(b""));
    }
}
