//! The MicroPython raw REPL protocol: entering it, and executing code in raw-paste mode (with the
//! board's flow-control window) or in plain raw mode when the board refuses raw-paste.
//!
//! Wire summary (see belay-spec §2.2–2.3):
//! - enter: `\r\x03\x03\r\x02` → `>>>`; `\r\x01` → `raw REPL; CTRL-B to exit\r\n>`;
//!   optional soft reset `\x04` → `OK…soft reboot…raw REPL; CTRL-B to exit\r\n>`.
//! - raw-paste: `\x05A\x01` → `R\x01` + window (u16 LE); data in window-sized pieces, each further
//!   window granted by a `\x01` byte; `\x04` ends the data and is acknowledged with `\x04`.
//!   `R\x00` means refused: plain raw mode (`code \x04` → `OK`) is used from then on.
//! - reply: stdout `\x04` stderr `\x04`, then the next `>` prompt.

use std::time::{Duration, Instant};

use crate::error::{Result, TransportError, show_bytes};
use memchr::memmem::find;

use std::io::Write;

use crate::io::fdio::{AbortSignal, TimedRead};
use crate::io::link::{Link, Wait};
use crate::io::port::{ConnectOptions, Port, SharedWriter};
use crate::spec::PortSpec;

pub(crate) const RAW_PROMPT: &[u8] = b"raw REPL; CTRL-B to exit\r\n>";
const FRIENDLY_PROMPT: &[u8] = b">>>";
const PASTE_REQUEST: &[u8] = b"\x05A\x01";
const EOT: u8 = 0x04;
const CREDIT: u8 = 0x01;

/// How the board accepts code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasteMode {
    /// Not asked yet.
    Unknown,
    /// Raw-paste with this flow-control window.
    Paste { window: u16 },
    /// Plain raw mode: the board refused raw-paste (or predates it).
    Plain,
}

/// Settings for a raw REPL session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplOptions {
    /// Soft-reset the board after entering the raw REPL (fresh interpreter state).
    pub soft_reset: bool,
    /// Longest wait for any protocol answer (prompts, window, acknowledgements).
    pub timeout: Duration,
}

impl Default for ReplOptions {
    fn default() -> Self {
        ReplOptions {
            soft_reset: true,
            timeout: Duration::from_secs(10),
        }
    }
}

/// A board in raw REPL mode.
pub struct RawRepl {
    link: Link,
    mode: PasteMode,
    /// A command ran since the last prompt was consumed, so a `>` is still to come.
    prompt_pending: bool,
    /// A command was sent since the raw REPL was entered (so a reboot now loses something).
    ran_since_enter: bool,
    opts: ReplOptions,
}

/// What the answer to a raw-paste request said.
enum PasteAnswer {
    Accepted(u16),
    Refused,
    /// Not an answer: firmware without raw-paste (it took `\x01` for "enter raw REPL" and
    /// printed the banner), or a board that rebooted. Holds the two bytes read.
    Unknown(Vec<u8>),
}

impl RawRepl {
    /// Open `spec`, log in where the port form needs it, and enter the raw REPL (soft-resetting
    /// the board if `opts` asks for it and the port form allows it).
    pub fn open(spec: &PortSpec, opts: &ConnectOptions) -> Result<RawRepl> {
        let mut port = Port::open(spec, opts)?;
        let login = port.login.take();
        let mut link = Link::new(port)?;
        if let Some(login) = login {
            login.run(&mut link, Wait::For(opts.repl.timeout))?;
        }
        let repl = ReplOptions {
            soft_reset: opts.repl.soft_reset && spec.soft_reset_on_connect(),
            ..opts.repl.clone()
        };
        RawRepl::enter(link, repl)
    }

    /// Enter the raw REPL of a board reached through any reader and writer (a custom transport,
    /// a scripted board in tests, a fuzzer's byte stream).
    pub fn over(
        reader: Box<dyn TimedRead>,
        writer: Box<dyn Write + Send>,
        opts: ReplOptions,
    ) -> Result<RawRepl> {
        RawRepl::enter(Link::new(Port::from_parts(reader, writer))?, opts)
    }

    /// Take over a link and put the board into the raw REPL.
    pub(crate) fn enter(link: Link, opts: ReplOptions) -> Result<RawRepl> {
        let mut repl = RawRepl {
            link,
            mode: PasteMode::Unknown,
            prompt_pending: false,
            ran_since_enter: false,
            opts,
        };
        let soft_reset = repl.opts.soft_reset;
        repl.enter_raw(soft_reset)?;
        Ok(repl)
    }

    pub fn paste_mode(&self) -> PasteMode {
        self.mode
    }

    /// The port's writer (to send an interrupt from another thread).
    pub(crate) fn link_writer(&self) -> SharedWriter {
        self.link.writer()
    }

    /// The signal that makes this session abandon its current command.
    pub(crate) fn abort_signal(&self) -> std::sync::Arc<AbortSignal> {
        self.link.abort_signal()
    }

    fn wait(&self) -> Wait {
        Wait::For(self.opts.timeout)
    }

    /// Interrupt whatever runs, go to the friendly REPL, then into the raw REPL.
    pub fn enter_raw(&mut self, soft_reset: bool) -> Result<()> {
        let wait = self.wait();
        self.link.discard_input()?;
        // Ctrl-C twice stops a running program (main.py loops included); Ctrl-B leaves raw mode.
        self.link.write(b"\r\x03\x03\r\x02")?;
        self.link.read_until(
            FRIENDLY_PROMPT,
            wait,
            "the friendly REPL prompt `>>>` after Ctrl-C, Ctrl-B",
        )?;
        self.link.write(b"\r\x01")?;
        self.link
            .read_until(RAW_PROMPT, wait, "the raw REPL banner after Ctrl-A")?;
        if soft_reset {
            self.link.write(&[EOT])?;
            self.link.read_until(
                RAW_PROMPT,
                wait,
                "the raw REPL banner after the soft reset (Ctrl-D)",
            )?;
        }
        self.prompt_pending = false;
        self.ran_since_enter = false;
        Ok(())
    }

    /// Execute `code`. Stdout is handed to `on_stdout` as it arrives; the stderr text is returned
    /// (empty when the code raised nothing).
    pub fn exec(&mut self, code: &[u8], on_stdout: &mut dyn FnMut(&[u8])) -> Result<Vec<u8>> {
        if self.prompt_pending {
            let wait = self.wait();
            let before = self.link.read_until(
                b">",
                wait,
                "the raw REPL prompt `>` after the previous command",
            )?;
            self.prompt_pending = false;
            // A reboot as the command ended (e.g. `supervisor.reload()`): its banner ends in `>`.
            self.between_commands(&before[..before.len() - 1], on_stdout)?;
        }
        self.unsolicited(on_stdout)?;
        self.ran_since_enter = true;
        self.send(code)?;
        self.prompt_pending = true;
        self.follow(on_stdout)?;
        // The error text follows the end of the program's output at once.
        let wait = self.wait();
        let mut stderr =
            self.link
                .read_until(&[EOT], wait, "the end of the error output (\\x04)")?;
        stderr.pop();
        Ok(stderr)
    }

    /// Send the code and wait for the board to accept it.
    fn send(&mut self, code: &[u8]) -> Result<()> {
        match self.mode {
            PasteMode::Paste { window } if code.len() <= usize::from(window) => {
                // One write: request, data and end marker. The board's first window is free.
                let mut msg = Vec::with_capacity(code.len() + 4);
                msg.extend_from_slice(PASTE_REQUEST);
                msg.extend_from_slice(code);
                msg.push(EOT);
                self.link.write(&msg)?;
                match self.paste_answer()? {
                    PasteAnswer::Accepted(_) => self.paste_ack(),
                    // The board now treats the data as a plain raw-mode command.
                    PasteAnswer::Refused => {
                        self.mode = PasteMode::Plain;
                        self.expect_ok()
                    }
                    PasteAnswer::Unknown(answer) => {
                        self.not_an_answer(answer)?;
                        Err(self.protocol("`R\\x01` or `R\\x00`"))
                    }
                }
            }
            PasteMode::Paste { .. } | PasteMode::Unknown => {
                self.link.write(PASTE_REQUEST)?;
                match self.paste_answer()? {
                    PasteAnswer::Accepted(window) => {
                        self.mode = PasteMode::Paste { window };
                        self.paste_write(code, window)
                    }
                    PasteAnswer::Refused => {
                        self.mode = PasteMode::Plain;
                        self.plain_write(code)
                    }
                    PasteAnswer::Unknown(answer) => {
                        self.not_an_answer(answer)?;
                        self.mode = PasteMode::Plain;
                        self.plain_write(code)
                    }
                }
            }
            PasteMode::Plain => self.plain_write(code),
        }
    }

    fn paste_answer(&mut self) -> Result<PasteAnswer> {
        let wait = self.wait();
        let answer = self.link.read_exact(
            2,
            wait,
            "the answer to the raw-paste request (`R\\x01` or `R\\x00`)",
        )?;
        match answer.as_slice() {
            b"R\x01" => {
                let w = self
                    .link
                    .read_exact(2, wait, "the raw-paste window size (2 bytes)")?;
                let window = u16::from_le_bytes([w[0], w[1]]);
                if window == 0 {
                    return Err(TransportError::Protocol {
                        expected: "a non-zero raw-paste window".into(),
                        received: show_bytes(&w, 16),
                    });
                }
                Ok(PasteAnswer::Accepted(window))
            }
            b"R\x00" => Ok(PasteAnswer::Refused),
            _ => Ok(PasteAnswer::Unknown(answer)),
        }
    }

    /// After a raw-paste request got no `R` answer, read the rest of the raw REPL banner that
    /// follows: from firmware without raw-paste it is the answer; after `soft reboot` it means
    /// the board reset.
    fn not_an_answer(&mut self, answer: Vec<u8>) -> Result<()> {
        let wait = self.wait();
        let rest = self.link.read_until(
            b"REPL; CTRL-B to exit\r\n>",
            wait,
            "the raw REPL banner (firmware without raw-paste)",
        )?;
        let seen = [answer, rest].concat();
        if is_reboot(&seen) {
            return Err(TransportError::BoardReset(show_bytes(&seen, 120)));
        }
        Ok(())
    }

    /// Send `code` within the flow-control window, then the end marker.
    fn paste_write(&mut self, code: &[u8], window: u16) -> Result<()> {
        let window = usize::from(window);
        let mut remain = window;
        let mut sent = 0;
        while sent < code.len() {
            // Take the credits that already arrived; block only when the window is used up.
            let deadline = if remain == 0 {
                Some(Instant::now() + self.opts.timeout)
            } else {
                Some(Instant::now())
            };
            if self.link.pending().is_empty() {
                let got = self.link.fill(deadline)?;
                if !got && remain == 0 {
                    return Err(self
                        .link
                        .timeout("a raw-paste flow-control credit (\\x01)", self.wait()));
                }
            }
            let mut credits = 0;
            for &b in self.link.pending() {
                match b {
                    CREDIT => credits += 1,
                    EOT => break,
                    _ => return Err(self.protocol("a raw-paste flow-control credit (\\x01)")),
                }
            }
            remain += credits * window;
            if self.link.pending().get(credits) == Some(&EOT) {
                // The board ended the paste early (e.g. interrupted): acknowledge it.
                self.link.consume(credits + 1);
                self.link.write(&[EOT])?;
                return Ok(());
            }
            let n = self.link.pending().len();
            self.link.consume(n);
            if remain == 0 {
                continue;
            }
            let take = remain.min(code.len() - sent);
            self.link.write(&code[sent..sent + take])?;
            sent += take;
            remain -= take;
        }
        self.link.write(&[EOT])?;
        self.paste_ack()
    }

    /// After the end marker: credits may still arrive, then the `\x04` acknowledgement.
    fn paste_ack(&mut self) -> Result<()> {
        let deadline = Instant::now() + self.opts.timeout;
        loop {
            let pending = self.link.pending();
            if let Some(i) = pending.iter().position(|&b| b != CREDIT) {
                if pending[i] == EOT {
                    self.link.consume(i + 1);
                    return Ok(());
                }
                return Err(self.protocol("the raw-paste acknowledgement (\\x04)"));
            }
            let n = pending.len();
            self.link.consume(n);
            if !self.link.fill(Some(deadline))? && Instant::now() >= deadline {
                return Err(self
                    .link
                    .timeout("the raw-paste acknowledgement (\\x04)", self.wait()));
            }
        }
    }

    fn plain_write(&mut self, code: &[u8]) -> Result<()> {
        let mut msg = Vec::with_capacity(code.len() + 1);
        msg.extend_from_slice(code);
        msg.push(EOT);
        self.link.write(&msg)?;
        self.expect_ok()
    }

    fn expect_ok(&mut self) -> Result<()> {
        let wait = self.wait();
        let ok = self
            .link
            .read_exact(2, wait, "`OK` after sending the command in raw mode")?;
        if ok != b"OK" {
            return Err(TransportError::Protocol {
                expected: "`OK` after sending the command in raw mode".into(),
                received: show_bytes(&[ok.as_slice(), self.link.pending()].concat(), 300),
            });
        }
        Ok(())
    }

    /// Stream stdout until its terminating `\x04`. The raw REPL banner in the output means the
    /// board rebooted during the command (it will never end it).
    fn follow(&mut self, on_stdout: &mut dyn FnMut(&[u8])) -> Result<()> {
        // The end of the output so far, to find a banner split across reads.
        let mut recent: Vec<u8> = Vec::new();
        loop {
            let pending = self.link.pending();
            if let Some(i) = pending.iter().position(|&b| b == EOT) {
                if i > 0 {
                    on_stdout(&pending[..i]);
                }
                self.link.consume(i + 1);
                return Ok(());
            }
            if !pending.is_empty() {
                on_stdout(pending);
                recent.extend_from_slice(pending);
                let n = pending.len();
                self.link.consume(n);
                if find(&recent, RAW_PROMPT).is_some() {
                    return Err(TransportError::BoardReset(show_bytes(&recent, 120)));
                }
                let keep = recent.len().saturating_sub(RAW_PROMPT.len());
                recent.drain(..keep);
            }
            self.link.fill(None)?;
        }
    }

    /// Bytes that arrived between commands: a board thread's prints are output for the next
    /// command; a reboot banner means the board reset and lost everything defined on it.
    fn unsolicited(&mut self, on_stdout: &mut dyn FnMut(&[u8])) -> Result<()> {
        while self.link.fill(Some(Instant::now()))? {}
        let pending = self.link.take_pending();
        self.between_commands(&pending, on_stdout)
    }

    /// Judge bytes the board sent outside any command.
    fn between_commands(&mut self, bytes: &[u8], on_stdout: &mut dyn FnMut(&[u8])) -> Result<()> {
        if is_reboot(bytes) || find(bytes, RAW_PROMPT).is_some() {
            if self.ran_since_enter {
                return Err(TransportError::BoardReset(show_bytes(bytes, 120)));
            }
            // Nothing was defined yet, so nothing is lost (e.g. the late end of a reset that
            // began before this session): let the board's new raw REPL banner end, go on.
            if find(bytes, RAW_PROMPT).is_none() {
                let wait = self.wait();
                self.link
                    .read_until(b">", wait, "the raw REPL banner after the reboot")?;
            }
            return Ok(());
        }
        if !bytes.is_empty() {
            on_stdout(bytes);
        }
        Ok(())
    }

    fn protocol(&self, expected: &str) -> TransportError {
        TransportError::Protocol {
            expected: expected.to_string(),
            received: show_bytes(self.link.pending(), 300),
        }
    }

    /// Ctrl-C twice, then leave the raw REPL (what a board expects before the port closes).
    pub fn leave(&mut self) -> Result<()> {
        self.link.write(b"\r\x03\x03\r\x02")
    }
}

/// The board's soft-reboot text (MicroPython and CircuitPython both print it).
fn is_reboot(bytes: &[u8]) -> bool {
    find(bytes, b"soft reboot").is_some()
}
