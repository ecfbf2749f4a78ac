//! A board's REPL byte stream with nothing in between, for an interactive terminal: the port is
//! opened (and logged in to, for network REPLs) as for the raw REPL, then bytes go both ways as
//! they are.

use std::time::{Duration, Instant};

use crate::error::{Phase, Result};
use crate::io::link::{Link, lost};
use crate::io::port::{ConnectOptions, Port, SharedWriter, write_all};
use crate::io::timed::AbortSignal;
use crate::io::wait::Wait;
use crate::spec::PortSpec;

/// The receiving side of a pass-through session (owned by the thread that shows the output).
pub struct Passthrough {
    link: Link,
}

/// The sending side of a pass-through session (keys typed by the user).
#[derive(Clone)]
pub struct PassthroughSender(SharedWriter);

impl Passthrough {
    /// Open `spec` and log in where the port form needs it; the board is left as it is (no
    /// interrupt, no raw REPL).
    /// Opening and logging in take at most `opts.connect_timeout` together.
    pub fn open(spec: &PortSpec, opts: &ConnectOptions) -> Result<Passthrough> {
        let (mut port, budget) = Port::open(spec, opts, None)?;
        let login = port.login.take();
        let mut link = Link::new(port, AbortSignal::shared()?);
        if let Some(login) = login {
            let wait = Wait::new(Phase::Connect, opts.repl.timeout).within(budget);
            login.run(&mut link, wait)?;
        }
        Ok(Passthrough { link })
    }

    pub fn sender(&self) -> PassthroughSender {
        PassthroughSender(self.link.writer())
    }

    /// What the board sent within `timeout` (`None`: nothing arrived).
    pub fn recv(&mut self, timeout: Duration) -> Result<Option<Vec<u8>>> {
        if self.link.pending().is_empty() && !self.link.fill(Some(Instant::now() + timeout))? {
            return Ok(None);
        }
        Ok(Some(self.link.take_pending()))
    }
}

impl PassthroughSender {
    pub fn send(&self, bytes: &[u8]) -> Result<()> {
        write_all(&self.0, bytes).map_err(|e| lost("writing to the board failed", e))
    }
}
