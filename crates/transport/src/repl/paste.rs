//! Sending a command and waiting for the board to take it: raw-paste mode within the board's
//! flow-control window, plain raw mode when the board refuses raw-paste (or predates it, or
//! cannot take a paste), and a board that ends a paste early. Every wait here is a step of the
//! command's handshake, bounded by [`ReplOptions::timeout`](super::raw_repl::ReplOptions).
//!
//! Early end (MicroPython's `py/pyexec.c` and `tools/pyboard.py`): the board sends `\x04` in the
//! middle of the data when compiling what it received failed (e.g. a `SyntaxError`, a
//! `MemoryError`); its reader then waits for the host's `\x04` and the board answers with its
//! normal reply, `stdout \x04 error \x04 >`. (A command sent in one write, request, data and end
//! byte together, is never cut short: the board's `\x04` is then its acknowledgement, and its
//! error arrives as the reply.)

use memchr::memmem::find;

use crate::error::{Phase, Result, TransportError, show_bytes};
use crate::io::wait::Deadline;
use crate::repl::raw_repl::{EOT, PasteMode, RAW_PROMPT, RawRepl, is_reboot};

const PASTE_REQUEST: &[u8] = b"\x05A\x01";
const CREDIT: u8 = 0x01;
const CREDIT_EXPECTED: &str = "a raw-paste flow-control credit (\\x01)";
const ACK_EXPECTED: &str = "the raw-paste acknowledgement (\\x04)";
/// An answer to an early end longer than this without its two `\x04` is not one.
const EARLY_ANSWER_LIMIT: usize = 64 * 1024;

/// What the answer to a raw-paste request said.
enum PasteAnswer {
    Accepted(u16),
    Refused,
    /// Not an answer but the raw REPL banner: firmware without raw-paste (it took `\x01` for
    /// "enter raw REPL" and printed the banner).
    Unknown,
}

impl RawRepl {
    /// Send the code and wait for the board to accept it.
    pub(super) fn send(&mut self, code: &[u8]) -> Result<()> {
        match self.mode {
            // A command that fits the board's window needs no flow control: the board buffers a
            // window whatever happens. Plain raw mode sends it with 5 bytes fewer of handshake
            // (`code \x04` answered by `OK`, where raw-paste has `\x05A\x01`, `R\x01` and the
            // window, and the acknowledgement), in the same single write.
            PasteMode::Paste { window } if code.len() <= usize::from(window) => {
                self.plain_write(code)
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
                    PasteAnswer::Unknown => {
                        self.mode = PasteMode::Plain;
                        self.plain_write(code)
                    }
                }
            }
            PasteMode::Plain => self.plain_write(code),
        }
    }

    /// Read the answer to a raw-paste request (the whole answer within one bound).
    fn paste_answer(&mut self) -> Result<PasteAnswer> {
        let d = self.link.begin(self.wait(Phase::Handshake));
        self.link.fill_to(
            2,
            &d,
            "the answer to the raw-paste request (`R\\x01` or `R\\x00`)",
        )?;
        match &self.link.pending()[..2] {
            b"R\x01" => {
                self.link.consume(2);
                let w = self.link.read_exact(
                    2,
                    &d,
                    "the raw-paste window size (2 bytes after `R\\x01`)",
                )?;
                let window = u16::from_le_bytes([w[0], w[1]]);
                if window == 0 {
                    return Err(TransportError::Protocol {
                        expected: "a non-zero raw-paste window".into(),
                        received: show_bytes(&w, 16),
                    });
                }
                Ok(PasteAnswer::Accepted(window))
            }
            b"R\x00" => {
                self.link.consume(2);
                Ok(PasteAnswer::Refused)
            }
            _ => {
                self.not_an_answer(&d)?;
                Ok(PasteAnswer::Unknown)
            }
        }
    }

    /// After a raw-paste request got no `R` answer, read the rest of the raw REPL banner that
    /// must follow (within the answer's bound `d`): from firmware without raw-paste it is the
    /// answer; after `soft reboot` it means the board reset. Anything else (garbage) times out.
    /// Returns what was read.
    fn not_an_answer(&mut self, d: &Deadline) -> Result<Vec<u8>> {
        let seen = self.link.read_until(
            b"REPL; CTRL-B to exit\r\n>",
            d,
            "the answer to the raw-paste request: `R\\x01`, `R\\x00`, or the raw REPL banner of \
             firmware without raw-paste",
        )?;
        if is_reboot(&seen) {
            return Err(TransportError::BoardReset(show_bytes(&seen, 120)));
        }
        Ok(seen)
    }

    /// Send `code` within the flow-control window, then the end marker.
    fn paste_write(&mut self, code: &[u8], window: u16) -> Result<()> {
        let window = usize::from(window);
        let mut remain = window;
        let mut sent = 0;
        while sent < code.len() {
            // Take the credits that already arrived; wait only when the window is used up.
            if remain == 0 {
                let d = self.link.begin(self.wait(Phase::Handshake));
                while self.link.pending().is_empty() {
                    self.link.fill_before(&d, CREDIT_EXPECTED)?;
                }
            } else if self.link.pending().is_empty() {
                self.link.fill(Some(std::time::Instant::now()))?;
            }
            let pending = self.link.pending();
            let credits = pending.iter().take_while(|&&b| b == CREDIT).count();
            remain += credits * window;
            match pending.get(credits) {
                None => self.link.consume(credits),
                Some(&EOT) => {
                    self.link.consume(credits + 1);
                    return self.early_end(code);
                }
                Some(_) => return Err(self.protocol(CREDIT_EXPECTED)),
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
        let d = self.link.begin(self.wait(Phase::Handshake));
        loop {
            let pending = self.link.pending();
            let credits = pending.iter().take_while(|&&b| b == CREDIT).count();
            match pending.get(credits) {
                Some(&EOT) => {
                    self.link.consume(credits + 1);
                    return Ok(());
                }
                Some(_) => return Err(self.protocol(ACK_EXPECTED)),
                None => {
                    self.link.consume(credits);
                    self.link.fill_before(&d, ACK_EXPECTED)?;
                }
            }
        }
    }

    /// The board ended the paste before all of `code` was sent: acknowledge it and read its
    /// answer within the bound. An answer with an error is the command's reply (left pending
    /// for [`RawRepl::exec`] to read as usual). Otherwise (no answer in time, an answer without
    /// an error, a raw REPL banner) the board cannot take a paste: it is switched to plain raw
    /// mode, its raw REPL is re-entered as by [`RawRepl::enter_raw`] without a soft reset (which
    /// leaves behind a `>` still to come or a paste the board still waits in) and `code` is sent
    /// again.
    fn early_end(&mut self, code: &[u8]) -> Result<()> {
        self.link.write(&[EOT])?;
        if self.early_answer_has_error()? {
            return Ok(());
        }
        self.mode = PasteMode::Plain;
        self.enter_raw(false)?;
        self.plain_write(code)
    }

    /// Whether the board answered an early end with its reply `stdout \x04 error \x04` and a
    /// non-empty error, within the bound (the reply stays pending).
    fn early_answer_has_error(&mut self) -> Result<bool> {
        let d = self.link.begin(self.wait(Phase::Handshake));
        loop {
            let pending = self.link.pending();
            let mut ends = memchr::memchr_iter(EOT, pending);
            if let (Some(out_end), Some(err_end)) = (ends.next(), ends.next()) {
                return Ok(err_end > out_end + 1);
            }
            if is_reboot(pending) {
                return Err(TransportError::BoardReset(show_bytes(pending, 120)));
            }
            if pending.len() > EARLY_ANSWER_LIMIT || find(pending, RAW_PROMPT).is_some() {
                return Ok(false);
            }
            if !self.link.fill(Some(d.at))? && d.passed() {
                return Ok(false);
            }
        }
    }

    fn plain_write(&mut self, code: &[u8]) -> Result<()> {
        self.link.write(&[code, &[EOT]].concat())?;
        self.expect_ok()
    }

    fn expect_ok(&mut self) -> Result<()> {
        const EXPECTED: &str = "`OK` after the command was sent in plain raw mode";
        let d = self.link.begin(self.wait(Phase::Handshake));
        self.link.fill_to(2, &d, EXPECTED)?;
        if self.link.pending().starts_with(b"OK") {
            self.link.consume(2);
            return Ok(());
        }
        // A board that rebooted as the command arrived answers with its reboot text and a new
        // raw REPL banner (within the same bound); anything else is not the protocol.
        let seen = self.link.read_until(
            b"REPL; CTRL-B to exit\r\n>",
            &d,
            "`OK` after the command was sent in plain raw mode (or a reboot's raw REPL banner)",
        )?;
        if is_reboot(&seen) {
            return Err(TransportError::BoardReset(show_bytes(&seen, 120)));
        }
        Err(TransportError::Protocol {
            expected: EXPECTED.into(),
            received: show_bytes(&seen, 300),
        })
    }
}
