//! The MicroPython raw REPL protocol: entering it, running commands and reading their replies.
//! How a command is sent (raw-paste or plain raw mode) is in [`super::paste`].
//!
//! Wire summary (see `docs/protocol.md` §1):
//! - enter: `\r\x03\x03\x01` → `raw REPL; CTRL-B to exit\r\n>` (from the friendly REPL, from the
//!   raw REPL, or from a running program);
//!   optional soft reset `\x04` → `OK…soft reboot…raw REPL; CTRL-B to exit\r\n>`.
//! - raw-paste: `\x05A\x01` → `R\x01` + window (u16 LE); data in window-sized pieces, each further
//!   window granted by a `\x01` byte; `\x04` ends the data and is acknowledged with `\x04`.
//!   `R\x00` means refused: plain raw mode (`code \x04` → `OK`) is used from then on.
//! - reply: stdout `\x04` stderr `\x04`, then the next `>` prompt.
//!
//! Every wait is bounded by [`ReplOptions::timeout`] (and, while connecting, by what is left of
//! [`ConnectOptions::connect_timeout`]), except the wait for a running command's output: a
//! command may run for hours (callers bound it, if they want to, and give up with
//! [`crate::Connection::abort`]).

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use memchr::memmem::find;

use crate::error::{Phase, Result, TransportError, show_bytes};
use crate::io::link::{Link, READ_CHUNK};
use crate::io::port::{ConnectOptions, Port, SharedWriter};
use crate::io::timed::{AbortSignal, TimedRead};
use crate::io::wait::{Budget, Wait};
use crate::spec::PortSpec;
use crate::wire::token::random_token;

pub(crate) const RAW_PROMPT: &[u8] = b"raw REPL; CTRL-B to exit\r\n>";
/// Ctrl-C twice stops a running program (main.py loops included); Ctrl-B leaves raw mode.
const INTERRUPT_AND_LEAVE_RAW: &[u8] = b"\r\x03\x03\r\x02";
/// Ctrl-C twice stops a running program and clears the line (friendly or raw); Ctrl-A enters the
/// raw REPL from the friendly one and starts it afresh from the raw one. (Belay goes through the
/// friendly REPL with Ctrl-B first: its banner costs a hundred bytes of wire time.)
const INTERRUPT_AND_ENTER_RAW: &[u8] = b"\r\x03\x03\x01";
pub(super) const EOT: u8 = 0x04;

/// How the board accepts code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasteMode {
    /// Not asked yet.
    Unknown,
    /// Raw-paste with this flow-control window.
    Paste { window: u16 },
    /// Plain raw mode: the board refused raw-paste, predates it, or could not take a paste.
    Plain,
}

/// Settings for a raw REPL session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplOptions {
    /// Soft-reset the board after entering the raw REPL (fresh interpreter state).
    pub soft_reset: bool,
    /// Longest wait of any one protocol step: each connect step (within the connect budget),
    /// each step of re-entering the raw REPL, each step of a command's handshake (the previous
    /// `>` prompt, the raw-paste answer and window, each flow-control credit, the paste
    /// acknowledgement, `OK`, the answer after an early end of a paste) and the error text that
    /// ends a reply. Not the command's output. Default 10 s.
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
    pub(super) link: Link,
    pub(super) mode: PasteMode,
    /// A command ran since the last prompt was consumed, so a `>` is still to come.
    pub(super) prompt_pending: bool,
    /// A command was sent since the board last started afresh (so a reboot now loses
    /// something). Re-entering the raw REPL without a soft reset keeps what was defined.
    ran_since_enter: bool,
    opts: ReplOptions,
    /// The end of what [`RawRepl::idle`] handed on, to find a reboot's text split across reads.
    idle_tail: Vec<u8>,
}

impl RawRepl {
    /// Open `spec`, log in where the port form needs it, and enter the raw REPL (soft-resetting
    /// the board if `opts` asks for it and the port form allows it), all within
    /// `opts.connect_timeout` (the tries of `opts.attempts` to open a missing device aside).
    /// Any error is a connect failure.
    pub fn open(spec: &PortSpec, opts: &ConnectOptions) -> Result<RawRepl> {
        Self::open_with(spec, opts, AbortSignal::shared()?)
    }

    /// [`RawRepl::open`], woken (and stopped) by `abort`.
    pub(crate) fn open_with(
        spec: &PortSpec,
        opts: &ConnectOptions,
        abort: Arc<AbortSignal>,
    ) -> Result<RawRepl> {
        let (mut port, budget) = Port::open(spec, opts, Some(&abort))?;
        let login = port.login.take();
        let mut link = Link::new(port, abort);
        if let Some(login) = login {
            let wait = Wait::new(Phase::Connect, opts.repl.timeout).within(budget);
            login.run(&mut link, wait)?;
        }
        let repl = ReplOptions {
            soft_reset: opts.repl.soft_reset && spec.soft_reset_on_connect(),
            ..opts.repl.clone()
        };
        RawRepl::enter(link, repl, budget)
    }

    /// Enter the raw REPL of a board reached through any reader and writer (a custom transport,
    /// a scripted board in tests, a fuzzer's byte stream), within `connect_timeout`.
    pub fn over(
        reader: Box<dyn TimedRead>,
        writer: Box<dyn Write + Send>,
        opts: ReplOptions,
        connect_timeout: Duration,
    ) -> Result<RawRepl> {
        Self::over_with(
            reader,
            writer,
            opts,
            connect_timeout,
            AbortSignal::shared()?,
        )
    }

    /// [`RawRepl::over`], woken (and stopped) by `abort`.
    pub(crate) fn over_with(
        reader: Box<dyn TimedRead>,
        writer: Box<dyn Write + Send>,
        opts: ReplOptions,
        connect_timeout: Duration,
        abort: Arc<AbortSignal>,
    ) -> Result<RawRepl> {
        let budget = Budget::starting_now(connect_timeout);
        let link = Link::new(Port::from_parts(reader, writer), abort);
        RawRepl::enter(link, opts, budget)
    }

    /// Take over a link and put the board into the raw REPL within `budget`.
    fn enter(link: Link, opts: ReplOptions, budget: Budget) -> Result<RawRepl> {
        let mut repl = RawRepl {
            link,
            mode: PasteMode::Unknown,
            prompt_pending: false,
            ran_since_enter: false,
            opts,
            idle_tail: Vec::new(),
        };
        let wait = repl.wait(Phase::Connect).within(budget);
        repl.enter_within(repl.opts.soft_reset, wait)?;
        Ok(repl)
    }

    pub fn paste_mode(&self) -> PasteMode {
        self.mode
    }

    /// The port's writer (to send an interrupt from another thread).
    pub(crate) fn link_writer(&self) -> SharedWriter {
        self.link.writer()
    }

    /// The signal that makes this session abandon its current command (or stop).
    pub(crate) fn abort_signal(&self) -> Arc<AbortSignal> {
        self.link.abort_signal()
    }

    /// One protocol step of `phase`.
    pub(super) fn wait(&self, phase: Phase) -> Wait {
        Wait::new(phase, self.opts.timeout)
    }

    /// Interrupt whatever runs and enter the raw REPL (each step
    /// waits at most [`ReplOptions::timeout`]). Without `soft_reset`, what was defined on a
    /// MicroPython board survives (CircuitPython starts a fresh interpreter whenever a REPL is
    /// entered).
    pub fn enter_raw(&mut self, soft_reset: bool) -> Result<()> {
        self.enter_within(soft_reset, self.wait(Phase::Reenter))
    }

    /// Re-enter the raw REPL after a command that failed or that the host gave up on (the board's
    /// state is unknown), keeping what is defined on the board. The board may still be finishing
    /// that command (one that does not stop for Ctrl-C) and may still owe the end of its reply,
    /// the banners of earlier attempts to re-enter and the Ctrl-C's meanwhile: once the banner
    /// came, a probe prints a fresh token (split in two in the command, so only the board's
    /// output holds it whole) and everything up to its reply is dropped. Each step waits at most
    /// [`ReplOptions::timeout`]; a board that is still busy after that is
    /// [`TransportError::StillBusy`].
    pub fn resync(&mut self) -> Result<()> {
        let wait = self.wait(Phase::Reenter);
        self.enter_within(false, wait).map_err(|e| match e {
            TransportError::Timeout {
                phase: Phase::Reenter,
                received,
                ..
            } => TransportError::StillBusy {
                waited: wait.allowed(),
                received,
            },
            other => other,
        })?;
        let (a, b) = (random_token(8), random_token(8));
        let probe = format!("print('{a}'+'{b}')");
        self.link.write(&[probe.as_bytes(), &[EOT]].concat())?;
        let token = format!("{a}{b}");
        self.link.read_until(
            token.as_bytes(),
            wait,
            "the output of the probe that follows re-entering the raw REPL",
        )?;
        // The rest of the probe's reply: the end of its output and an empty error text.
        self.link.read_until(
            &[EOT, EOT],
            wait,
            "the end of the probe's reply (\\x04\\x04)",
        )?;
        self.prompt_pending = true;
        Ok(())
    }

    fn enter_within(&mut self, soft_reset: bool, wait: Wait) -> Result<()> {
        self.link.discard_input()?;
        self.link.write(INTERRUPT_AND_ENTER_RAW)?;
        self.link
            .read_until(RAW_PROMPT, wait, "the raw REPL banner after Ctrl-C, Ctrl-A")?;
        if soft_reset {
            self.link.write(&[EOT])?;
            // The reboot text first: a raw REPL banner that was still on its way when the one
            // above matched (a previous session's reset, or ours after a stale one) is skipped.
            self.link
                .read_until(REBOOT_TEXT, wait, "the soft reboot text after Ctrl-D")?;
            self.link.read_until(
                RAW_PROMPT,
                wait,
                "the raw REPL banner after the soft reset (Ctrl-D)",
            )?;
            self.ran_since_enter = false;
        }
        self.prompt_pending = false;
        Ok(())
    }

    /// Execute `code`. Stdout is handed to `on_stdout` as it arrives; the stderr text is returned
    /// (empty when the code raised nothing).
    pub fn exec(&mut self, code: &[u8], on_stdout: &mut dyn FnMut(&[u8])) -> Result<Vec<u8>> {
        self.exec_noting(code, on_stdout, &mut |_| {}, &mut || {})
    }

    /// [`RawRepl::exec`], calling `on_accepted` once the board took the command (the handshake
    /// is over and the code runs), and `on_frame` with each board → host frame, in stream order
    /// with the output (once [`RawRepl::watch_frames`] was called; `docs/protocol.md` §6).
    pub fn exec_noting(
        &mut self,
        code: &[u8],
        on_stdout: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
        on_accepted: &mut dyn FnMut(),
    ) -> Result<Vec<u8>> {
        let result = self.run(code, on_stdout, on_frame, on_accepted);
        if let Err(TransportError::BoardReset(_)) = result {
            // The board starts afresh: nothing is defined on it any more.
            self.ran_since_enter = false;
        }
        result
    }

    fn run(
        &mut self,
        code: &[u8],
        on_stdout: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
        on_accepted: &mut dyn FnMut(),
    ) -> Result<Vec<u8>> {
        self.idle_tail.clear();
        if self.prompt_pending {
            let before = self.link.read_until(
                b">",
                self.wait(Phase::Handshake),
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
        on_accepted();
        self.follow(on_stdout, on_frame)?;
        // The error text follows the end of the program's output at once.
        let mut stderr = self.link.read_until(
            &[EOT],
            self.wait(Phase::Reply),
            "the end of the error output (\\x04)",
        )?;
        stderr.pop();
        self.link.frames_due(on_frame);
        Ok(stderr)
    }

    /// From now on take board → host frames after `marker` out of everything the board sends
    /// (they may come at any moment, a command's handshake included).
    pub(crate) fn watch_frames(&mut self, marker: &[u8]) {
        self.link.watch_frames(marker);
    }

    /// Frames dropped because too many waited (see [`Link::take_frames_dropped`]).
    pub(crate) fn take_frames_dropped(&mut self) -> u64 {
        self.link.take_frames_dropped()
    }

    /// Stream stdout until its terminating `\x04`, with no time limit. The raw REPL banner in
    /// the output means the board rebooted during the command (it will never end it). Bytes
    /// are read only once `on_stdout` took the previous ones, so a slow consumer holds the board
    /// back (through the link's flow control) instead of filling memory.
    fn follow(
        &mut self,
        on_stdout: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
    ) -> Result<()> {
        // The end of the output so far, to find a banner split across reads.
        let mut recent: Vec<u8> = Vec::new();
        loop {
            let pending = self.link.pending();
            if let Some(i) = pending.iter().position(|&b| b == EOT) {
                self.link.hand_on(i, on_stdout, on_frame);
                self.link.consume(1);
                return Ok(());
            }
            if !pending.is_empty() {
                recent.extend_from_slice(pending);
                let n = pending.len();
                self.link.hand_on(n, on_stdout, on_frame);
                if find(&recent, RAW_PROMPT).is_some() {
                    return Err(TransportError::BoardReset(show_bytes(&recent, 120)));
                }
                let keep = recent.len().saturating_sub(RAW_PROMPT.len());
                recent.drain(..keep);
            }
            // Frames that came alone (a host function's request: the board waits for the answer).
            self.link.frames_due(on_frame);
            self.link.fill(None)?;
        }
    }

    /// Bytes that arrived between commands (what is there now, at most one read's worth): a
    /// board thread's prints are output for the next command; a reboot banner means the board
    /// reset and lost everything defined on it.
    fn unsolicited(&mut self, on_stdout: &mut dyn FnMut(&[u8])) -> Result<()> {
        while self.link.pending().len() < READ_CHUNK && self.link.fill(Some(Instant::now()))? {}
        let pending = self.link.take_pending();
        self.between_commands(&pending, on_stdout)
    }

    /// While no command runs, once the host watches for events: wait for the board's bytes (until
    /// [`AbortSignal::poke`] wakes the read: a command was queued) and hand the ones that arrived
    /// to `on_bytes` (the end of the previous command's prompt is taken out). Returns false,
    /// leaving the bytes for the next command to judge, when they hold a reboot: the caller stops
    /// watching until then.
    pub(crate) fn idle(
        &mut self,
        on_bytes: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
    ) -> Result<bool> {
        if !self.idle_take(on_bytes, on_frame) {
            return Ok(false);
        }
        self.link.fill(None)?;
        Ok(self.idle_take(on_bytes, on_frame))
    }

    /// [`RawRepl::idle`] on the bytes already received.
    fn idle_take(
        &mut self,
        on_bytes: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
    ) -> bool {
        if self.prompt_pending {
            let Some(i) = self.link.pending().iter().position(|&b| b == b'>') else {
                self.link.frames_due(on_frame);
                return true; // the prompt is still to come
            };
            if looks_rebooted(&self.idle_tail, &self.link.pending()[..i]) {
                return false;
            }
            self.idle_hand_on(i, on_bytes, on_frame);
            self.link.consume(1);
            self.prompt_pending = false;
        }
        if looks_rebooted(&self.idle_tail, self.link.pending()) {
            return false;
        }
        let n = self.link.pending().len();
        self.idle_hand_on(n, on_bytes, on_frame);
        true
    }

    fn idle_hand_on(
        &mut self,
        n: usize,
        on_bytes: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
    ) {
        let tail = &mut self.idle_tail;
        self.link.hand_on(
            n,
            &mut |bytes| {
                on_bytes(bytes);
                tail.extend_from_slice(bytes);
                let excess = tail.len().saturating_sub(RAW_PROMPT.len());
                tail.drain(..excess);
            },
            on_frame,
        );
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
                self.link.read_until(
                    b">",
                    self.wait(Phase::Handshake),
                    "the raw REPL banner after the reboot",
                )?;
            }
            return Ok(());
        }
        if !bytes.is_empty() {
            on_stdout(bytes);
        }
        Ok(())
    }

    pub(super) fn protocol(&self, expected: &str) -> TransportError {
        TransportError::Protocol {
            expected: expected.to_string(),
            received: show_bytes(self.link.pending(), 300),
        }
    }

    /// The board started afresh on its own (a soft reboot): nothing is defined on it any more.
    pub(super) fn forget_definitions(&mut self) {
        self.ran_since_enter = false;
    }

    /// Ctrl-C twice, then leave the raw REPL (what a board expects before the port closes).
    /// Sent even while the connection is closing.
    pub fn leave(&mut self) -> Result<()> {
        self.link.write_final(INTERRUPT_AND_LEAVE_RAW)
    }
}

/// The board's soft-reboot text (MicroPython and CircuitPython both print it).
const REBOOT_TEXT: &[u8] = b"soft reboot";

/// Whether `bytes`, after `tail` (the end of what came before), hold a reboot's text or banner.
fn looks_rebooted(tail: &[u8], bytes: &[u8]) -> bool {
    let joined = [tail, bytes].concat();
    is_reboot(&joined) || find(&joined, RAW_PROMPT).is_some()
}

/// Whether `bytes` hold the board's soft-reboot text.
pub(super) fn is_reboot(bytes: &[u8]) -> bool {
    find(bytes, REBOOT_TEXT).is_some()
}
