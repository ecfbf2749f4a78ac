//! A buffered byte link over a [`Port`]: read until a pattern with a deadline, read exact counts,
//! write. Bytes read past what a caller asked for stay buffered for the next caller.

use std::time::{Duration, Instant};

use std::sync::Arc;

use crate::error::{Result, TransportError, show_bytes};
use crate::io::fdio::{AbortSignal, ReadOutcome, TimedRead};
use crate::io::port::{Port, SharedWriter, write_all};

/// How many received bytes an error message shows.
const SHOW_LIMIT: usize = 300;
const READ_CHUNK: usize = 64 * 1024;

pub(crate) struct Link {
    reader: Box<dyn TimedRead>,
    writer: SharedWriter,
    /// Received but not yet consumed.
    buf: Vec<u8>,
    /// Start of the unconsumed part of `buf`.
    pos: usize,
    abort: Arc<AbortSignal>,
    _port: Port,
}

/// When a wait ends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wait {
    /// Give up after this long.
    For(Duration),
}

impl Wait {
    fn deadline(self) -> Option<Instant> {
        match self {
            Wait::For(d) => Some(Instant::now() + d),
        }
    }
    fn duration(self) -> Duration {
        match self {
            Wait::For(d) => d,
        }
    }
}

impl Link {
    pub fn new(mut port: Port) -> Result<Link> {
        // The reader moves into the link; the port keeps the device (and child process) alive.
        let reader = std::mem::replace(&mut port.reader, Box::new(Nothing));
        let abort = AbortSignal::new().map_err(|e| lost("creating the wake-up pipe failed", e))?;
        Ok(Link {
            reader,
            writer: port.writer.clone(),
            buf: Vec::with_capacity(READ_CHUNK),
            pos: 0,
            abort: Arc::new(abort),
            _port: port,
        })
    }

    /// The signal another thread uses to make this link give up the current command.
    pub fn abort_signal(&self) -> Arc<AbortSignal> {
        self.abort.clone()
    }

    /// The writer, for sending an interrupt from another thread.
    pub fn writer(&self) -> SharedWriter {
        self.writer.clone()
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        write_all(&self.writer, bytes).map_err(|e| lost("writing to the board failed", e))
    }

    /// Unconsumed bytes.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Mark `n` pending bytes as consumed.
    pub fn consume(&mut self, n: usize) {
        self.pos += n;
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

    /// Read at least one more byte, waiting until `deadline`. Returns false on timeout.
    pub fn fill(&mut self, deadline: Option<Instant>) -> Result<bool> {
        if self.pos > 0 && self.pos * 2 > self.buf.capacity() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + READ_CHUNK, 0);
        let got = loop {
            let timeout = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let res =
                self.reader
                    .read_timeout(&mut self.buf[old..], timeout, Some(self.abort.fd()));
            match res {
                Ok(ReadOutcome::Data(n)) => break n,
                Ok(ReadOutcome::TimedOut) => break 0,
                Ok(ReadOutcome::Woken) => {
                    if self.abort.take() {
                        self.buf.truncate(old);
                        return Err(TransportError::Aborted);
                    }
                }
                Ok(ReadOutcome::Closed) => {
                    self.buf.truncate(old);
                    return Err(TransportError::ConnectionLost(
                        "the board closed the connection (port closed or process exited)".into(),
                    ));
                }
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(lost("reading from the board failed", e));
                }
            }
        };
        self.buf.truncate(old + got);
        Ok(got > 0)
    }

    /// Discard whatever is already waiting on the line, without blocking.
    pub fn discard_input(&mut self) -> Result<()> {
        self.consume(self.pending().len());
        while self.fill(Some(Instant::now()))? {
            self.consume(self.pending().len());
        }
        Ok(())
    }

    /// Read until `pattern` has been received; return everything up to and including it.
    pub fn read_until(&mut self, pattern: &[u8], wait: Wait, expected: &str) -> Result<Vec<u8>> {
        let deadline = wait.deadline();
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
            if !self.fill(deadline)? && deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(self.timeout(expected, wait));
            }
        }
    }

    /// Read until one of `patterns` arrives; returns its index and everything up to it.
    pub fn read_until_any(
        &mut self,
        patterns: &[&[u8]],
        wait: Wait,
        expected: &str,
    ) -> Result<(usize, Vec<u8>)> {
        let deadline = wait.deadline();
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
            if !self.fill(deadline)? && deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(self.timeout(expected, wait));
            }
        }
    }

    /// Read exactly `n` bytes.
    pub fn read_exact(&mut self, n: usize, wait: Wait, expected: &str) -> Result<Vec<u8>> {
        let deadline = wait.deadline();
        while self.pending().len() < n {
            if !self.fill(deadline)? && deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(self.timeout(expected, wait));
            }
        }
        let out = self.pending()[..n].to_vec();
        self.consume(n);
        Ok(out)
    }

    /// A timeout error that shows what did arrive.
    pub fn timeout(&self, expected: &str, wait: Wait) -> TransportError {
        TransportError::Timeout {
            expected: expected.to_string(),
            timeout: wait.duration(),
            received: show_bytes(self.pending(), SHOW_LIMIT),
        }
    }
}

pub(crate) fn lost(what: &str, e: std::io::Error) -> TransportError {
    TransportError::ConnectionLost(format!("{what}: {e}"))
}

/// Placeholder reader left in the `Port` after its reader moved into the link.
struct Nothing;

impl TimedRead for Nothing {
    fn read_timeout(
        &mut self,
        _buf: &mut [u8],
        _t: Option<Duration>,
        _wake: Option<std::os::fd::BorrowedFd<'_>>,
    ) -> std::io::Result<ReadOutcome> {
        Ok(ReadOutcome::Closed)
    }
}
