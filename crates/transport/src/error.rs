//! Typed errors of the transport layer.

use std::time::Duration;

/// Everything that can go wrong between the host and the board's REPL.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The port could not be opened (wrong path, permissions, command failed to start).
    #[error("could not open {port}: {reason}")]
    Open { port: String, reason: String },

    /// The board did not send what the protocol expected in time. `phase` is the part of the
    /// protocol that was waiting (tell a connect failure from a later one with
    /// [`TransportError::is_connect_step`]), `expected` what it waited for, `timeout` how long
    /// that step waited (its own bound, or less when the connect budget ran out first) and
    /// `received` the last bytes the board sent.
    #[error(
        "{phase}: timed out after {:.1?} waiting for {expected}; received {received}",
        timeout
    )]
    Timeout {
        phase: Phase,
        expected: String,
        timeout: Duration,
        received: String,
    },

    /// The board answered with bytes the protocol does not allow at this point.
    #[error("protocol error: expected {expected}, received {received}")]
    Protocol { expected: String, received: String },

    /// The port was closed, the process exited or the cable was pulled.
    #[error("connection lost: {0}")]
    ConnectionLost(String),

    /// The board rebooted on its own (it printed its reboot banner): everything the host defined
    /// on it is gone.
    #[error("the board rebooted unexpectedly; everything defined on it is gone (received {0})")]
    BoardReset(String),

    /// Re-entering the raw REPL after a command the host gave up on: the board did not come back
    /// within the step's bound (it is still running code that does not stop for Ctrl-C).
    #[error(
        "the board is still busy: it did not stop for Ctrl-C and come back to its raw REPL within \
         {:.1?} (it may still be running a call that was given up on); received {received}",
        waited
    )]
    StillBusy { waited: Duration, received: String },

    /// The host gave up on the running command (it did not end after an interrupt).
    #[error("the command was abandoned: the board did not finish it after an interrupt")]
    Aborted,

    /// The device handle was closed by the host.
    #[error("the device is closed")]
    Closed,

    /// A network REPL refused the credentials.
    #[error("authentication failed: {0}")]
    Authentication(String),

    /// No USB device, or several, matched what was asked for.
    #[error("{0}")]
    Usb(#[from] crate::usb::UsbError),

    /// The port specification is not understood.
    #[error("invalid port {port:?}: {reason}")]
    BadPort { port: String, reason: String },
}

impl TransportError {
    /// Whether this is a timeout of a connect step (opening the port, logging in, entering the
    /// raw REPL, the soft reset of [`crate::RawRepl::open`] / [`crate::Connection::start`]), as
    /// opposed to one of a later step (re-entering the raw REPL, a command's handshake, its
    /// reply). Every error that [`crate::RawRepl::open`] or [`crate::PendingConnection::wait`]
    /// returns is a connect failure, whatever its variant; this tells a timeout apart where the
    /// error's origin is not known.
    pub fn is_connect_step(&self) -> bool {
        self.phase() == Some(Phase::Connect)
    }

    /// The part of the protocol a timeout happened in (`None` for other errors).
    pub fn phase(&self) -> Option<Phase> {
        match self {
            TransportError::Timeout { phase, .. } => Some(*phase),
            _ => None,
        }
    }
}

/// The part of the protocol a bounded wait belongs to (named first in a timeout's message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Connecting: opening the port, logging in, interrupting the board, the friendly prompt,
    /// the raw REPL banner, the soft reset. Each step waits at most
    /// [`crate::ReplOptions::timeout`], and all of them together at most
    /// [`crate::ConnectOptions::connect_timeout`].
    Connect,
    /// Re-entering the raw REPL of a connected board (after a failed command, after the board
    /// ended a raw paste early, or [`crate::RawRepl::enter_raw`]).
    Reenter,
    /// A command's handshake: the previous command's `>` prompt, the raw-paste answer and
    /// window, flow-control credits, the paste acknowledgement, plain raw mode's `OK`, the
    /// board's answer after it ended a paste early.
    Handshake,
    /// The end of a command's reply: its error text, which follows its output at once. (The
    /// output itself is waited for without a bound: a command may run for hours.)
    Reply,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Connect => "connect",
            Phase::Reenter => "re-entering the raw REPL",
            Phase::Handshake => "command handshake",
            Phase::Reply => "command reply",
        })
    }
}

pub type Result<T, E = TransportError> = std::result::Result<T, E>;

/// Render bytes the way a person debugging a serial line wants to see them: printable ASCII as is,
/// everything else escaped, and only the last `limit` bytes when the data is long.
pub fn show_bytes(bytes: &[u8], limit: usize) -> String {
    let (skipped, tail) = if bytes.len() > limit {
        (bytes.len() - limit, &bytes[bytes.len() - limit..])
    } else {
        (0, bytes)
    };
    let mut out = String::with_capacity(tail.len() + 8);
    if skipped > 0 {
        out.push_str(&format!("[{skipped} earlier bytes] "));
    }
    out.push_str("b\"");
    for &b in tail {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::show_bytes;

    #[test]
    fn shows_control_bytes_escaped() {
        assert_eq!(show_bytes(b"OK\r\n\x04>", 100), r#"b"OK\r\n\x04>""#);
    }

    #[test]
    fn long_data_keeps_the_tail() {
        let s = show_bytes(b"0123456789", 4);
        assert_eq!(s, r#"[6 earlier bytes] b"6789""#);
    }
}
