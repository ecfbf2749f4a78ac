//! A buffered byte link over a [`Port`]: read until a pattern with a deadline, read exact counts,
//! write. Bytes read past what a caller asked for stay buffered for the next caller.
//!
//! The link reads only when the protocol asks for bytes, so its buffer holds at most what one
//! step is looking for: a read of [`READ_CHUNK`] bytes on top of unconsumed bytes, and a search
//! for a pattern keeps at most [`SCAN_LIMIT`] bytes (the oldest are dropped).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Result, TransportError, show_bytes};
use crate::io::port::{Port, SharedWriter, write_all};
use crate::io::timed::{AbortSignal, ReadOutcome, TimedRead, Until};
use crate::io::wait::{Deadline, IntoDeadline, Wait};
use crate::wire::filter::{FrameFilter, Piece};

/// How many received bytes an error message shows.
const SHOW_LIMIT: usize = 300;
/// The most one read takes from the port.
pub const READ_CHUNK: usize = 64 * 1024;
/// A search for a pattern keeps at most this many unmatched bytes...
const SCAN_LIMIT: usize = 1024 * 1024;
/// ...and, beyond it, only the newest this many.
const SCAN_KEEP: usize = 64 * 1024;
/// The most bytes of frames waiting to be handed on; beyond it they are dropped and counted.
const FRAMES_HELD: usize = 4 * 1024 * 1024;
/// The most bytes [`Link::discard_input`] drops (a board that prints without pause would
/// otherwise keep it busy for ever).
const DISCARD_LIMIT: usize = 4 * READ_CHUNK;

pub(crate) struct Link {
    reader: Box<dyn TimedRead>,
    writer: SharedWriter,
    /// Received but not yet consumed.
    buf: Vec<u8>,
    /// Start of the unconsumed part of `buf`.
    pos: usize,
    /// Bytes received so far, and the last [`SHOW_LIMIT`] of them (for error messages).
    received: u64,
    tail: Vec<u8>,
    abort: Arc<AbortSignal>,
    /// Bytes ever put in `buf`, and ever consumed from it (positions of frames).
    appended: u64,
    consumed: u64,
    /// Once the host watches for board → host frames: the filter that takes them out of
    /// everything received, and the frames taken, each with the position in the data before
    /// which it came (`docs/protocol.md` §6).
    frames: Option<FrameFilter>,
    taken: VecDeque<(u64, Vec<u8>)>,
    /// Bytes of the frames in `taken`, and frames dropped because there were too many.
    taken_bytes: usize,
    frames_dropped: u64,
    _port: Port,
}

impl Link {
    /// A link over `port` whose reads `abort` can wake.
    pub fn new(mut port: Port, abort: Arc<AbortSignal>) -> Link {
        // The reader moves into the link; the port keeps the device (and child process) alive.
        let reader = std::mem::replace(&mut port.reader, Box::new(Nothing));
        Link {
            reader,
            writer: port.writer.clone(),
            buf: Vec::with_capacity(READ_CHUNK),
            pos: 0,
            received: 0,
            tail: Vec::with_capacity(SHOW_LIMIT),
            abort,
            appended: 0,
            consumed: 0,
            frames: None,
            taken: VecDeque::new(),
            taken_bytes: 0,
            frames_dropped: 0,
            _port: port,
        }
    }

    /// From now on take board → host frames (after `marker`) out of what is received.
    pub fn watch_frames(&mut self, marker: &[u8]) {
        if self.frames.is_none() {
            self.frames = Some(FrameFilter::new(marker));
        }
    }

    /// Hand on the first `n` pending bytes to `on_data` and consume them, with the frames that
    /// came among them to `on_frame`, in stream order (frames due before the first byte too).
    pub fn hand_on(
        &mut self,
        n: usize,
        on_data: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
    ) {
        let mut left = n;
        loop {
            self.frames_due(on_frame);
            if left == 0 {
                return;
            }
            let chunk = match self.taken.front() {
                Some(&(at, _)) => left.min((at - self.consumed) as usize),
                None => left,
            };
            on_data(&self.buf[self.pos..self.pos + chunk]);
            self.consume(chunk);
            left -= chunk;
        }
    }

    /// Frames dropped because too many waited to be handed on (a board flooding frames during a
    /// long handshake wait), since the last call.
    pub fn take_frames_dropped(&mut self) -> u64 {
        std::mem::take(&mut self.frames_dropped)
    }

    /// Hand the frames that came before the next pending byte to `on_frame`.
    pub fn frames_due(&mut self, on_frame: &mut dyn FnMut(&[u8])) {
        while self
            .taken
            .front()
            .is_some_and(|&(at, _)| at <= self.consumed)
        {
            if let Some((_, frame)) = self.taken.pop_front() {
                self.taken_bytes -= frame.len();
                on_frame(&frame);
            }
        }
    }

    /// The signal another thread uses to make this link give up the current command.
    pub fn abort_signal(&self) -> Arc<AbortSignal> {
        self.abort.clone()
    }

    /// The writer, for sending an interrupt from another thread.
    pub fn writer(&self) -> SharedWriter {
        self.writer.clone()
    }

    /// Write `bytes`, unless the connection is closing (nothing is sent once it is).
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if self.abort.is_closing() {
            return Err(TransportError::Closed);
        }
        self.write_final(bytes)
    }

    /// Write `bytes` even while the connection is closing (the goodbye to the board).
    pub fn write_final(&mut self, bytes: &[u8]) -> Result<()> {
        write_all(&self.writer, bytes).map_err(|e| lost("writing to the board failed", e))
    }

    /// Unconsumed bytes.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Mark `n` pending bytes as consumed.
    pub fn consume(&mut self, n: usize) {
        self.pos += n;
        self.consumed += n as u64;
        debug_assert!(self.pos <= self.buf.len());
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
    }

    /// Take all pending bytes.
    pub fn take_pending(&mut self) -> Vec<u8> {
        let out = self.pending().to_vec();
        self.consume(out.len());
        out
    }

    /// Start a step that waits as `wait` allows.
    pub fn begin(&self, wait: Wait) -> Deadline {
        wait.start(self.received)
    }

    /// Read at least one more byte, waiting until `deadline` (`None`: as long as it takes).
    /// Returns false when nothing arrived (the deadline passed, or a poke woke the read:
    /// [`AbortSignal::poke`]). Fails with
    /// [`TransportError::Closed`] once the connection is closing, and with
    /// [`TransportError::Aborted`] when the running command is given up.
    pub fn fill(&mut self, deadline: Option<Instant>) -> Result<bool> {
        if self.abort.is_closing() {
            return Err(TransportError::Closed);
        }
        if self.pos > 0 && self.pos * 2 > self.buf.capacity() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        let got = loop {
            let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let res = self.reader.read_timeout(
                &mut self.buf[old..],
                Until {
                    timeout,
                    wake: Some(self.abort.source()),
                },
            );
            let failure = match res {
                Ok(ReadOutcome::Data(n)) => break n,
                Ok(ReadOutcome::TimedOut) => break 0,
                Ok(ReadOutcome::Woken) if self.abort.is_closing() => TransportError::Closed,
                Ok(ReadOutcome::Woken) if self.abort.take() => TransportError::Aborted,
                // A command was queued while this read waited between commands.
                Ok(ReadOutcome::Woken) if self.abort.take_poke() => break 0,
                Ok(ReadOutcome::Woken) => continue,
                Ok(ReadOutcome::Closed) => TransportError::ConnectionLost(
                    "the board closed the connection (port closed or process exited)".into(),
                ),
                Err(e) => lost("reading from the board failed", e),
            };
            self.buf.truncate(old);
            return Err(failure);
        };
        self.buf.truncate(old + got);
        self.remember(old);
        if let Some(filter) = &mut self.frames {
            let raw = self.buf.split_off(old);
            let (buf, appended) = (&mut self.buf, &mut self.appended);
            let (taken, taken_bytes, dropped) = (
                &mut self.taken,
                &mut self.taken_bytes,
                &mut self.frames_dropped,
            );
            filter.push(&raw, &mut |piece| match piece {
                Piece::Data(data) => {
                    buf.extend_from_slice(data);
                    *appended += data.len() as u64;
                }
                Piece::Frame(_) if *taken_bytes >= FRAMES_HELD => *dropped += 1,
                Piece::Frame(frame) => {
                    *taken_bytes += frame.len();
                    taken.push_back((*appended, frame.to_vec()));
                }
            });
        } else {
            self.appended += got as u64;
        }
        Ok(got > 0)
    }

    /// Note the bytes from `start` of the buffer on as received.
    fn remember(&mut self, start: usize) {
        let new = &self.buf[start..];
        self.received += new.len() as u64;
        let keep = new.len().min(SHOW_LIMIT);
        self.tail.extend_from_slice(&new[new.len() - keep..]);
        let excess = self.tail.len().saturating_sub(SHOW_LIMIT);
        self.tail.drain(..excess);
    }

    /// Discard whatever is already waiting on the line, without blocking (and at most
    /// [`DISCARD_LIMIT`] bytes).
    pub fn discard_input(&mut self) -> Result<()> {
        let mut dropped = 0;
        loop {
            dropped += self.pending().len();
            self.consume(self.pending().len());
            if dropped >= DISCARD_LIMIT || !self.fill(Some(Instant::now()))? {
                return Ok(());
            }
        }
    }

    /// Wait as `d` allows for more bytes; a timeout error naming `expected` once it passed.
    pub fn fill_before(&mut self, d: &Deadline, expected: &str) -> Result<()> {
        if !self.fill(Some(d.at))? && d.passed() {
            return Err(self.timeout(expected, d));
        }
        Ok(())
    }

    /// Drop the oldest unmatched bytes of a search beyond [`SCAN_LIMIT`]; returns how many.
    fn bound_search(&mut self) -> usize {
        let len = self.pending().len();
        if len <= SCAN_LIMIT {
            return 0;
        }
        let dropped = len - SCAN_KEEP;
        self.consume(dropped);
        dropped
    }

    /// Read until `pattern` has been received; return everything up to and including it (at
    /// most the last [`SCAN_KEEP`] bytes before it when more than [`SCAN_LIMIT`] came first).
    pub fn read_until(
        &mut self,
        pattern: &[u8],
        wait: impl IntoDeadline,
        expected: &str,
    ) -> Result<Vec<u8>> {
        let d = wait.into_deadline(self.received);
        let mut searched = 0;
        loop {
            let pending = self.pending();
            if let Some(i) = memchr::memmem::find(&pending[searched..], pattern) {
                let end = searched + i + pattern.len();
                let out = pending[..end].to_vec();
                self.consume(end);
                return Ok(out);
            }
            searched = pending.len().saturating_sub(pattern.len() - 1);
            searched -= self.bound_search().min(searched);
            self.fill_before(&d, expected)?;
        }
    }

    /// Read until one of `patterns` arrives; returns its index and everything up to it (bounded
    /// as for [`Link::read_until`]).
    pub fn read_until_any(
        &mut self,
        patterns: &[&[u8]],
        wait: impl IntoDeadline,
        expected: &str,
    ) -> Result<(usize, Vec<u8>)> {
        let d = wait.into_deadline(self.received);
        loop {
            let pending = self.pending();
            let found = patterns
                .iter()
                .enumerate()
                .filter_map(|(k, p)| memchr::memmem::find(pending, p).map(|i| (i + p.len(), k)))
                .min();
            if let Some((end, k)) = found {
                let out = pending[..end].to_vec();
                self.consume(end);
                return Ok((k, out));
            }
            self.bound_search();
            self.fill_before(&d, expected)?;
        }
    }

    /// Wait until at least `n` bytes are pending (they stay pending).
    pub fn fill_to(&mut self, n: usize, wait: impl IntoDeadline, expected: &str) -> Result<()> {
        let d = wait.into_deadline(self.received);
        while self.pending().len() < n {
            self.fill_before(&d, expected)?;
        }
        Ok(())
    }

    /// Read exactly `n` bytes.
    pub fn read_exact(
        &mut self,
        n: usize,
        wait: impl IntoDeadline,
        expected: &str,
    ) -> Result<Vec<u8>> {
        self.fill_to(n, wait, expected)?;
        let out = self.pending()[..n].to_vec();
        self.consume(n);
        Ok(out)
    }

    /// A timeout error for the step `d`: the step, what it expected, how long it waited and the
    /// last bytes received (and whether any arrived during the wait).
    pub fn timeout(&self, expected: &str, d: &Deadline) -> TransportError {
        let last = show_bytes(&self.tail, SHOW_LIMIT);
        let received = if self.received == 0 {
            "nothing at all".to_string()
        } else if self.received == d.received_before {
            format!("nothing during the wait (the last bytes before it: {last})")
        } else {
            last
        };
        let expected = match d.budget_ran_out {
            Some(total) => format!("{expected} (the {total:.1?} connect budget ran out)"),
            None => expected.to_string(),
        };
        TransportError::Timeout {
            phase: d.phase,
            expected,
            timeout: d.allowed,
            received,
        }
    }
}

pub(crate) fn lost(what: &str, e: std::io::Error) -> TransportError {
    TransportError::ConnectionLost(format!("{what}: {e}"))
}

/// Placeholder reader left in the `Port` after its reader moved into the link.
struct Nothing;

impl TimedRead for Nothing {
    fn read_timeout(&mut self, _buf: &mut [u8], _until: Until<'_>) -> std::io::Result<ReadOutcome> {
        Ok(ReadOutcome::Closed)
    }
}
