//! Boards that are processes: `exec:` (stdin/stdout pipes) and `execpty:` (a pty the process
//! names on stderr, as QEMU does).

use std::io::Write;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Result, TransportError, show_bytes};
use crate::io::timed::{ReadOutcome, SourceReader, TimedRead, Until};
use crate::sys;

/// `exec:COMMAND`: run by the system's shell (`sh -c`, `cmd /C`) in its own process group. Its
/// stderr goes on to ours; when its stdout ends, the reader's error carries what it last wrote
/// there (`sh: 1: /nonexistent: not found`).
pub(crate) fn spawn_piped(cmd: &str) -> Result<(Child, ProcessReader, std::process::ChildStdin)> {
    let mut child = sys::spawn_group(
        sys::shell(cmd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .map_err(|e| open_error(&format!("exec:{cmd}"), e.to_string()))?;
    let stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let tail = Arc::new(StderrTail::default());
    let copier = tail.clone();
    std::thread::spawn(move || copier.copy(SourceReader::new(stderr)));
    let reader = ProcessReader {
        stdout: SourceReader::new(stdout),
        stderr: tail,
    };
    Ok((child, reader, stdin))
}

/// An `exec:` process's stdout; at its end, an error naming what the process last wrote to its
/// stderr (when it wrote anything), rather than a bare end of input.
pub(crate) struct ProcessReader {
    stdout: SourceReader<sys::Watched<std::process::ChildStdout>>,
    stderr: Arc<StderrTail>,
}

impl TimedRead for ProcessReader {
    fn read_timeout(&mut self, buf: &mut [u8], until: Until<'_>) -> std::io::Result<ReadOutcome> {
        match self.stdout.read_timeout(buf, until)? {
            ReadOutcome::Closed => match self.stderr.claim() {
                Some(text) => Err(std::io::Error::other(format!(
                    "the process ended; its last error output: {text}"
                ))),
                None => Ok(ReadOutcome::Closed),
            },
            other => Ok(other),
        }
    }
}

impl Drop for ProcessReader {
    /// The connection is closing: what the process wrote to its stderr and is still held is
    /// shown now (the copier thread may not outlive the program).
    fn drop(&mut self) {
        let mut state = self.stderr.lock();
        if !state.claimed {
            show(&mut state);
        }
    }
}

/// Error output is shown this late at most: when the process ends meanwhile, it is shown once,
/// in the error, instead.
const STDERR_HOLD: Duration = Duration::from_millis(300);
/// How much of the last error output an error shows.
const STDERR_TAIL: usize = 1000;

/// A process's stderr, passed on to ours and remembered (its tail) for the error at its end.
#[derive(Default)]
struct StderrTail {
    state: Mutex<TailState>,
    changed: Condvar,
}

#[derive(Default)]
struct TailState {
    /// Received, not shown yet, and since when.
    held: Vec<u8>,
    since: Option<Instant>,
    /// The last bytes received.
    recent: Vec<u8>,
    /// The process closed its stderr.
    ended: bool,
    /// The reader took the tail for its error: nothing held is shown any more.
    claimed: bool,
}

impl StderrTail {
    fn lock(&self) -> std::sync::MutexGuard<'_, TailState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The copier thread: until the process closes its stderr.
    fn copy(&self, mut reader: impl TimedRead) {
        let mut buf = [0u8; 4096];
        loop {
            let wait = self
                .lock()
                .since
                .map(|t| STDERR_HOLD.saturating_sub(t.elapsed()));
            match reader.read_timeout(&mut buf, Until::timeout(wait)) {
                Ok(ReadOutcome::Data(n)) => self.received(&buf[..n]),
                Ok(ReadOutcome::TimedOut | ReadOutcome::Woken) => show(&mut self.lock()),
                Ok(ReadOutcome::Closed) | Err(_) => break,
            }
        }
        let mut state = self.lock();
        state.ended = true;
        self.changed.notify_all();
        // The reader may be about to take the tail for its error.
        let (mut state, _) = self
            .changed
            .wait_timeout_while(state, STDERR_HOLD, |s| !s.claimed)
            .unwrap_or_else(|p| p.into_inner());
        if !state.claimed {
            show(&mut state);
        }
    }

    fn received(&self, bytes: &[u8]) {
        let mut state = self.lock();
        state.recent.extend_from_slice(bytes);
        let excess = state.recent.len().saturating_sub(STDERR_TAIL);
        state.recent.drain(..excess);
        if state.claimed {
            let _ = std::io::stderr().write_all(bytes);
        } else {
            state.held.extend_from_slice(bytes);
            state.since.get_or_insert_with(Instant::now);
            if state.since.is_some_and(|t| t.elapsed() >= STDERR_HOLD) {
                show(&mut state);
            }
        }
    }

    /// The tail of the error output, once the process closed its stderr (or after a short
    /// wait); held output is not shown any more.
    fn claim(&self) -> Option<String> {
        let state = self.lock();
        let (mut state, _) = self
            .changed
            .wait_timeout_while(state, STDERR_HOLD, |s| !s.ended)
            .unwrap_or_else(|p| p.into_inner());
        state.claimed = true;
        state.held.clear();
        state.since = None;
        self.changed.notify_all();
        let text = String::from_utf8_lossy(&state.recent).trim().to_string();
        (!text.is_empty()).then_some(text)
    }
}

/// Show what is held.
fn show(state: &mut TailState) {
    if !state.held.is_empty() {
        let mut stderr = std::io::stderr();
        let _ = stderr.write_all(&state.held);
        let _ = stderr.flush();
        state.held.clear();
    }
    state.since = None;
}

/// `execpty:COMMAND`: run (split on whitespace, no shell); returns the child and the pty path it
/// printed on stderr, e.g. QEMU's `char device redirected to /dev/pts/3 (label serial0)`.
pub(crate) fn spawn_pty(cmd: &str, timeout: Duration) -> Result<(Child, String)> {
    let port = format!("execpty:{cmd}");
    let mut words = cmd.split_whitespace();
    let program = words
        .next()
        .ok_or_else(|| open_error(&port, "no command".into()))?;
    let mut child = sys::spawn_group(
        Command::new(program)
            .args(words)
            .stdin(Stdio::null())
            .stdout(Stdio::inherit())
            .stderr(Stdio::piped()),
    )
    .map_err(|e| open_error(&port, e.to_string()))?;
    let stderr = child.stderr.take().expect("stderr is piped");
    match first_line(stderr, timeout) {
        Ok((line, stderr)) => {
            // Keep the rest of its stderr flowing to ours (a full pipe would stall it).
            std::thread::spawn(move || {
                let mut stderr = stderr;
                let mut buf = [0u8; 4096];
                let forever = Until::timeout(None);
                while let Ok(ReadOutcome::Data(n)) = stderr.read_timeout(&mut buf, forever) {
                    let _ = std::io::stderr().write_all(&buf[..n]);
                }
            });
            match line.split_whitespace().find(|w| w.starts_with("/dev/")) {
                Some(path) => Ok((child, path.to_string())),
                None => {
                    sys::stop_process_group(&mut child);
                    Err(open_error(
                        &port,
                        format!("its first stderr line names no /dev/ path: {line:?}"),
                    ))
                }
            }
        }
        Err(e) => {
            sys::stop_process_group(&mut child);
            Err(open_error(&port, e))
        }
    }
}

/// The first line of a child's stderr, and the reader for the rest.
fn first_line(
    stderr: ChildStderr,
    timeout: Duration,
) -> std::result::Result<(String, SourceReader<sys::Watched<ChildStderr>>), String> {
    let deadline = Instant::now() + timeout;
    let mut reader = SourceReader::new(stderr);
    let mut line = Vec::new();
    let mut buf = [0u8; 1];
    // One byte at a time: whatever follows the first line belongs to the copier thread.
    while !line.ends_with(b"\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        match reader.read_timeout(&mut buf, Until::timeout(Some(left))) {
            Ok(ReadOutcome::Data(_)) => line.push(buf[0]),
            Ok(ReadOutcome::TimedOut | ReadOutcome::Woken) => {
                return Err(format!(
                    "no pty path on its stderr within {timeout:?} (received {})",
                    show_bytes(&line, 200)
                ));
            }
            Ok(ReadOutcome::Closed) => return Err("it exited before naming its pty".into()),
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok((String::from_utf8_lossy(&line).trim().to_string(), reader))
}

fn open_error(port: &str, reason: String) -> TransportError {
    TransportError::Open {
        port: port.to_string(),
        reason,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Everything the process writes to its stdout, then how its end was reported (an error, or
    /// `None` for a plain end of input).
    fn drain(reader: &mut ProcessReader) -> (Vec<u8>, Option<std::io::Error>) {
        let mut out = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let until = Until::timeout(Some(Duration::from_secs(10)));
            match reader.read_timeout(&mut buf, until) {
                Ok(ReadOutcome::Data(n)) => out.extend_from_slice(&buf[..n]),
                Ok(ReadOutcome::Closed) => return (out, None),
                Ok(ReadOutcome::TimedOut | ReadOutcome::Woken) => panic!("no end of output"),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn the_end_of_a_process_names_its_error_output() {
        let (_child, mut reader, _stdin) =
            spawn_piped("echo partial; echo 'oops: no board here' >&2; exit 3").unwrap();
        let (out, error) = drain(&mut reader);
        assert_eq!(out, b"partial\n");
        assert_eq!(
            error.expect("an error").to_string(),
            "the process ended; its last error output: oops: no board here"
        );
    }

    #[test]
    fn a_quiet_process_just_ends() {
        let (_child, mut reader, _stdin) = spawn_piped("echo done").unwrap();
        let (out, error) = drain(&mut reader);
        assert_eq!(out, b"done\n");
        assert!(error.is_none(), "{error:?}");
    }
}
