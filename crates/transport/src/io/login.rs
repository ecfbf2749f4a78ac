//! Logging in on network REPLs before the raw REPL protocol starts: MicroPython's telnet server
//! (`Login as:` / `Password:`) and WebREPL (`Password:`). Passwords never appear in errors.

use crate::error::{Result, TransportError, show_bytes};
use crate::io::link::Link;
use crate::io::wait::Wait;

/// User name and password for network REPLs.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            user: "micro".into(),
            password: "python".into(),
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"***")
            .finish()
    }
}

/// A login exchange to run on a fresh link.
#[derive(Debug, Clone)]
pub(crate) enum Login {
    Telnet(Credentials),
    WebRepl(Credentials),
}

const TELNET_BANNER: &[u8] = b"Type \"help()\" for more information.";

impl Login {
    pub fn run(&self, link: &mut Link, wait: Wait) -> Result<()> {
        match self {
            Login::Telnet(c) => telnet(link, c, wait),
            Login::WebRepl(c) => webrepl(link, c, wait),
        }
        .map_err(|e| redact(e, self.password()))
    }

    fn password(&self) -> &str {
        match self {
            Login::Telnet(c) | Login::WebRepl(c) => &c.password,
        }
    }
}

fn telnet(link: &mut Link, c: &Credentials, wait: Wait) -> Result<()> {
    link.read_until(b"Login as:", wait, "the telnet prompt `Login as:`")?;
    link.write(format!("{}\r\n", c.user).as_bytes())?;
    link.read_until(b"Password:", wait, "the telnet prompt `Password:`")?;
    link.write(format!("{}\r\n", c.password).as_bytes())?;
    let (which, seen) = link.read_until_any(
        &[TELNET_BANNER, b"Invalid credentials", b"Login as:"],
        wait,
        "the REPL banner after the telnet login",
    )?;
    if which == 0 {
        Ok(())
    } else {
        Err(TransportError::Authentication(format!(
            "telnet login as {:?} was refused: {}",
            c.user,
            show_bytes(&seen, 200)
        )))
    }
}

fn webrepl(link: &mut Link, c: &Credentials, wait: Wait) -> Result<()> {
    link.read_until(b"Password: ", wait, "the WebREPL prompt `Password: `")?;
    link.write(format!("{}\r", c.password).as_bytes())?;
    let (which, _) = link.read_until_any(
        &[b"WebREPL connected", b"Access denied"],
        wait,
        "the WebREPL answer to the password",
    )?;
    if which == 0 {
        Ok(())
    } else {
        Err(TransportError::Authentication(
            "WebREPL refused the password (Access denied)".into(),
        ))
    }
}

/// Remove the password from an error's text, in case the other side echoed it.
fn redact(e: TransportError, password: &str) -> TransportError {
    if password.is_empty() {
        return e;
    }
    let clean = |s: String| s.replace(password, "***");
    match e {
        TransportError::Timeout {
            phase,
            expected,
            timeout,
            received,
        } => TransportError::Timeout {
            phase,
            expected,
            timeout,
            received: clean(received),
        },
        TransportError::Protocol { expected, received } => TransportError::Protocol {
            expected,
            received: clean(received),
        },
        TransportError::Authentication(m) => TransportError::Authentication(clean(m)),
        other => other,
    }
}
