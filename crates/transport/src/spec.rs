//! Port strings, as Belay accepts them (see the README's port table), plus `socket://` and `auto`.

use crate::error::{Result, TransportError};
use crate::usb::UsbSpecifier;

/// What the user asked to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    /// A serial device or any tty path, e.g. `/dev/ttyACM0` or `/dev/pts/7`.
    Serial(String),
    /// `exec:COMMAND`: a child process run by `sh -c`, talking over its stdin and stdout.
    Exec(String),
    /// `execpty:COMMAND`: a child process that opens a pty and names it on stderr (QEMU style).
    ExecPty(String),
    /// An IP address with an optional `:port` (23 by default), or `telnet://host[:port]` (a host
    /// name too): MicroPython's telnet REPL.
    Telnet { host: String, port: u16 },
    /// `ws://host[:port][/path]` (port 8266 by default): MicroPython's WebREPL.
    WebRepl {
        host: String,
        port: u16,
        path: String,
    },
    /// `socket://host:port`: the raw REPL byte stream over TCP (ser2net, pyserial's URL form).
    Socket { host: String, port: u16 },
    /// `rfc2217://host:port`: a serial port served over the network with RFC 2217 (telnet with
    /// the COM port option: ser2net, pyserial's and mpremote's URL form).
    Rfc2217 { host: String, port: u16 },
    /// A USB device described by its properties (JSON, as in `BELAY_DEVICE`).
    Usb(UsbSpecifier),
    /// The one USB serial device that looks like a MicroPython board.
    Auto,
}

impl PortSpec {
    /// Parse a port string.
    pub fn parse(port: &str) -> Result<PortSpec> {
        let bad = |reason: String| TransportError::BadPort {
            port: port.to_string(),
            reason,
        };
        let trimmed = port.trim();
        if trimmed.is_empty() {
            return Err(bad("the port is empty".into()));
        }
        if trimmed.starts_with('{') {
            return UsbSpecifier::from_json(trimmed)
                .map(PortSpec::Usb)
                .map_err(bad);
        }
        if trimmed == "auto" {
            return Ok(PortSpec::Auto);
        }
        if let Some(cmd) = port.strip_prefix("exec:") {
            return non_empty(cmd, "exec:").map(PortSpec::Exec).map_err(bad);
        }
        if let Some(cmd) = port.strip_prefix("execpty:") {
            return non_empty(cmd, "execpty:")
                .map(PortSpec::ExecPty)
                .map_err(bad);
        }
        if let Some(rest) = trimmed.strip_prefix("socket://") {
            let (host, p) = host_port(rest, None).map_err(bad)?;
            return Ok(PortSpec::Socket { host, port: p });
        }
        if let Some(rest) = trimmed.strip_prefix("telnet://") {
            let (host, p) = host_port(rest, Some(23)).map_err(bad)?;
            return Ok(PortSpec::Telnet { host, port: p });
        }
        if let Some(rest) = trimmed.strip_prefix("rfc2217://") {
            let (host, p) = host_port(rest, None).map_err(bad)?;
            return Ok(PortSpec::Rfc2217 { host, port: p });
        }
        if let Some(rest) = trimmed.strip_prefix("ws://") {
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], rest[i..].to_string()),
                None => (rest, "/".to_string()),
            };
            let (host, p) = host_port(authority, Some(8266)).map_err(bad)?;
            return Ok(PortSpec::WebRepl {
                host,
                port: p,
                path,
            });
        }
        if trimmed.starts_with("wss://") {
            return Err(bad(
                "secure WebREPL (wss://) is not supported; MicroPython serves ws://".into(),
            ));
        }
        if looks_like_ip(trimmed) {
            let (host, p) = host_port(trimmed, Some(23)).map_err(bad)?;
            return Ok(PortSpec::Telnet { host, port: p });
        }
        Ok(PortSpec::Serial(port.to_string()))
    }

    /// Whether to soft-reset the board right after connecting. Not over WebREPL: the reset
    /// would drop the board's network connection.
    pub fn soft_reset_on_connect(&self) -> bool {
        !matches!(self, PortSpec::WebRepl { .. })
    }
}

fn non_empty(cmd: &str, prefix: &str) -> std::result::Result<String, String> {
    if cmd.trim().is_empty() {
        Err(format!("`{prefix}` needs a command after the colon"))
    } else {
        Ok(cmd.to_string())
    }
}

/// Belay's heuristic: first and last character are digits and there are exactly three dots.
fn looks_like_ip(s: &str) -> bool {
    let first = s.chars().next().is_some_and(|c| c.is_ascii_digit());
    let last = s.chars().last().is_some_and(|c| c.is_ascii_digit());
    first && last && s.matches('.').count() == 3
}

fn host_port(s: &str, default: Option<u16>) -> std::result::Result<(String, u16), String> {
    match s.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() => port
            .parse::<u16>()
            .map(|p| (host.to_string(), p))
            .map_err(|_| format!("`{port}` is not a TCP port number")),
        _ => match default {
            Some(p) if !s.is_empty() => Ok((s.to_string(), p)),
            _ => Err("expected HOST:PORT".to_string()),
        },
    }
}

impl std::fmt::Display for PortSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortSpec::Serial(p) => write!(f, "{p}"),
            PortSpec::Exec(c) => write!(f, "exec:{c}"),
            PortSpec::ExecPty(c) => write!(f, "execpty:{c}"),
            PortSpec::Telnet { host, port } => write!(f, "{host}:{port}"),
            PortSpec::WebRepl { host, port, path } => write!(f, "ws://{host}:{port}{path}"),
            PortSpec::Socket { host, port } => write!(f, "socket://{host}:{port}"),
            PortSpec::Rfc2217 { host, port } => write!(f, "rfc2217://{host}:{port}"),
            PortSpec::Usb(u) => write!(f, "{}", u.to_json()),
            PortSpec::Auto => write!(f, "auto"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PortSpec {
        PortSpec::parse(s).unwrap()
    }

    #[test]
    fn every_form() {
        assert_eq!(p("/dev/ttyACM0"), PortSpec::Serial("/dev/ttyACM0".into()));
        assert_eq!(p("COM3"), PortSpec::Serial("COM3".into()));
        assert_eq!(
            p("exec:micropython -i"),
            PortSpec::Exec("micropython -i".into())
        );
        assert_eq!(
            p("execpty:qemu-system-arm -serial pty"),
            PortSpec::ExecPty("qemu-system-arm -serial pty".into())
        );
        assert_eq!(
            p("192.168.4.1"),
            PortSpec::Telnet {
                host: "192.168.4.1".into(),
                port: 23
            }
        );
        assert_eq!(
            p("127.0.0.1:2323"),
            PortSpec::Telnet {
                host: "127.0.0.1".into(),
                port: 2323
            }
        );
        assert_eq!(
            p("telnet://esp32.lan"),
            PortSpec::Telnet {
                host: "esp32.lan".into(),
                port: 23
            }
        );
        assert_eq!(
            p("ws://192.168.4.1"),
            PortSpec::WebRepl {
                host: "192.168.4.1".into(),
                port: 8266,
                path: "/".into()
            }
        );
        assert_eq!(
            p("ws://board.local:9000/repl"),
            PortSpec::WebRepl {
                host: "board.local".into(),
                port: 9000,
                path: "/repl".into()
            }
        );
        assert_eq!(
            p("socket://localhost:7000"),
            PortSpec::Socket {
                host: "localhost".into(),
                port: 7000
            }
        );
        assert_eq!(
            p("rfc2217://192.168.1.5:2217"),
            PortSpec::Rfc2217 {
                host: "192.168.1.5".into(),
                port: 2217
            }
        );
        assert_eq!(p("auto"), PortSpec::Auto);
        assert!(matches!(
            p(r#"{"vid": 11914, "serial_number": "E66"}"#),
            PortSpec::Usb(_)
        ));
    }

    #[test]
    fn rejects_broken_forms() {
        for s in [
            "",
            "exec:",
            "execpty: ",
            "socket://host",
            "socket://host:x",
            "rfc2217://host",
            "ws://h:99999",
            "wss://h",
            "{not json",
        ] {
            assert!(PortSpec::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn only_webrepl_skips_the_soft_reset() {
        assert!(!p("ws://1.2.3.4").soft_reset_on_connect());
        assert!(p("1.2.3.4").soft_reset_on_connect());
        assert!(p("/dev/ttyUSB0").soft_reset_on_connect());
    }
}
