//! Typed errors of the transport layer.

use std::time::Duration;

/// Everything that can go wrong between the host and the board's REPL.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The port could not be opened (wrong path, permissions, command failed to start).
    #[error("could not open {port}: {reason}")]
    Open { port: String, reason: String },

    /// The board did not send what the protocol expected in time.
    #[error(
        "timed out after {:.1?} waiting for {expected}; received {received}",
        timeout
    )]
    Timeout {
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
