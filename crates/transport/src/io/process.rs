//! Boards that are processes: `exec:` (stdin/stdout pipes) and `execpty:` (a pty the process
//! names on stderr, as QEMU does).

use std::io::Write;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Result, TransportError, show_bytes};
use crate::io::timed::{ReadOutcome, SourceReader, TimedRead, Until};
use crate::sys;

/// `exec:COMMAND`: run by the system's shell (`sh -c`, `cmd /C`) in its own process group.
pub(crate) fn spawn_piped(
    cmd: &str,
) -> Result<(
    Child,
    SourceReader<sys::Watched<std::process::ChildStdout>>,
    std::process::ChildStdin,
)> {
    let mut child = sys::spawn_group(
        sys::shell(cmd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit()),
    )
    .map_err(|e| open_error(&format!("exec:{cmd}"), e.to_string()))?;
    let stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    Ok((child, SourceReader::new(stdout), stdin))
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
