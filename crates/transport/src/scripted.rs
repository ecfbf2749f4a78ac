//! A scripted board for protocol tests: each step waits for exact bytes from the host, then
//! answers with the given bytes (an empty answer: the board stays silent). Used by unit tests
//! here and by callers' tests.

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::io::port::ConnectOptions;
use crate::io::timed::{ReadOutcome, Ready, TimedRead, Until, wait_readable};
use crate::repl::connection::{Connection, PendingConnection};
use crate::repl::raw_repl::{RawRepl, ReplOptions};

/// What the board answers once a step's bytes came.
enum Answer {
    Bytes(Vec<u8>),
    /// Computed from the bytes the host wrote for the step.
    From(fn(&[u8]) -> Vec<u8>),
}

/// One step: the host bytes it waits for (exact, or a prefix up to an end byte), and its answer.
struct Step {
    expect: Vec<u8>,
    /// The step's bytes are `expect` followed by anything up to and including this byte.
    until: Option<u8>,
    answer: Answer,
}

#[derive(Default)]
struct State {
    steps: VecDeque<Step>,
    /// Host bytes not yet matched against a step.
    received: Vec<u8>,
    /// Every byte the host wrote, for assertions.
    log: Vec<u8>,
    outbox: VecDeque<u8>,
    /// Hang up once the script is done and the outbox is drained.
    hang_up_at_end: bool,
    /// Host bytes that matched no step.
    unexpected: Option<String>,
    /// Number of write calls the host made.
    writes: usize,
    /// Once the steps ran out, take whatever the host sends and answer nothing.
    silent_at_end: bool,
    /// Bytes the host has read.
    read_by_host: u64,
}

/// The board's side of a scripted conversation.
#[derive(Clone, Default)]
pub struct ScriptedBoard {
    state: Arc<(Mutex<State>, Condvar)>,
}

impl ScriptedBoard {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes the board sends before the host writes anything (noise, banners).
    pub fn preface(self, reply: &[u8]) -> Self {
        self.state.0.lock().unwrap().outbox.extend(reply);
        self
    }

    /// When the host has written exactly `expect` (since the previous step), send `reply`.
    pub fn step(self, expect: &[u8], reply: &[u8]) -> Self {
        self.push(Step {
            expect: expect.to_vec(),
            until: None,
            answer: Answer::Bytes(reply.to_vec()),
        })
    }

    /// When the host has written `prefix`, then anything up to and including `until`, send what
    /// `answer` makes of those bytes (for commands with random parts).
    pub fn step_answering(self, prefix: &[u8], until: u8, answer: fn(&[u8]) -> Vec<u8>) -> Self {
        self.push(Step {
            expect: prefix.to_vec(),
            until: Some(until),
            answer: Answer::From(answer),
        })
    }

    fn push(self, step: Step) -> Self {
        self.state.0.lock().unwrap().steps.push_back(step);
        self
    }

    /// Close the line (EOF) once all steps ran and their replies were read.
    pub fn hang_up_at_end(self) -> Self {
        self.state.0.lock().unwrap().hang_up_at_end = true;
        self
    }

    /// Once all steps ran, stop answering: whatever the host sends later is taken (and logged)
    /// without an answer and without counting as unexpected; the line stays open.
    pub fn silent_at_end(self) -> Self {
        self.state.0.lock().unwrap().silent_at_end = true;
        self
    }

    /// The host's reader and writer of a line whose far end is this board.
    pub fn halves(&self) -> (Box<dyn TimedRead>, Box<dyn io::Write + Send>) {
        (
            Box::new(Reader(self.clone())),
            Box::new(Writer(self.clone())),
        )
    }

    /// Enter the raw REPL of this board (within the default connect timeout).
    pub fn repl(&self, opts: ReplOptions) -> Result<RawRepl> {
        self.repl_within(opts, ConnectOptions::default().connect_timeout)
    }

    /// Enter the raw REPL of this board within `connect_timeout`.
    pub fn repl_within(&self, opts: ReplOptions, connect_timeout: Duration) -> Result<RawRepl> {
        let (reader, writer) = self.halves();
        RawRepl::over(reader, writer, opts, connect_timeout)
    }

    /// Start a protocol thread on this board (within the default connect timeout).
    pub fn connect(&self, opts: ReplOptions) -> PendingConnection {
        self.connect_within(opts, ConnectOptions::default().connect_timeout)
    }

    /// Start a protocol thread on this board that connects within `connect_timeout`.
    pub fn connect_within(
        &self,
        opts: ReplOptions,
        connect_timeout: Duration,
    ) -> PendingConnection {
        let (reader, writer) = self.halves();
        Connection::start_over(
            "scripted board".into(),
            reader,
            writer,
            opts,
            connect_timeout,
        )
    }

    /// How many bytes the host has read from this board so far.
    pub fn read_by_host(&self) -> u64 {
        self.state.0.lock().unwrap().read_by_host
    }

    /// Everything the host wrote.
    pub fn written(&self) -> Vec<u8> {
        self.state.0.lock().unwrap().log.clone()
    }

    /// How many write calls the host made so far.
    pub fn write_calls(&self) -> usize {
        self.state.0.lock().unwrap().writes
    }

    /// Steps that never ran, and host bytes that matched nothing.
    pub fn leftovers(&self) -> (usize, Option<String>) {
        let s = self.state.0.lock().unwrap();
        (s.steps.len(), s.unexpected.clone())
    }
}

struct Reader(ScriptedBoard);
struct Writer(ScriptedBoard);

impl TimedRead for Reader {
    fn read_timeout(&mut self, buf: &mut [u8], until: Until<'_>) -> io::Result<ReadOutcome> {
        // Test double: the condition variable is waited on in short slices so that the wake-up
        // descriptor is noticed too.
        const SLICE: Duration = Duration::from_millis(5);
        let (lock, cv) = &*self.0.state;
        let deadline = until.timeout.map(|t| Instant::now() + t);
        let mut s = lock.lock().unwrap();
        loop {
            if !s.outbox.is_empty() {
                let n = buf.len().min(s.outbox.len());
                for (i, b) in s.outbox.drain(..n).enumerate() {
                    buf[i] = b;
                }
                s.read_by_host += n as u64;
                return Ok(ReadOutcome::Data(n));
            }
            if s.hang_up_at_end && s.steps.is_empty() {
                return Ok(ReadOutcome::Closed);
            }
            if let Some(w) = until.wake
                && wait_readable(w, Some(Duration::ZERO), None)? == Ready::Readable
            {
                return Ok(ReadOutcome::Woken);
            }
            let slice = match deadline {
                None => SLICE,
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Ok(ReadOutcome::TimedOut);
                    }
                    (d - now).min(SLICE)
                }
            };
            s = cv.wait_timeout(s, slice).unwrap().0;
        }
    }
}

impl io::Write for Writer {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let (lock, cv) = &*self.0.state;
        let mut s = lock.lock().unwrap();
        s.log.extend_from_slice(data);
        s.writes += 1;
        s.received.extend_from_slice(data);
        loop {
            let Some(Step { expect, until, .. }) = s.steps.front() else {
                if s.silent_at_end {
                    s.received.clear();
                } else if !s.received.is_empty() && s.unexpected.is_none() {
                    s.unexpected = Some(crate::error::show_bytes(&s.received, 200));
                }
                break;
            };
            if s.received.len() < expect.len() {
                if !expect.starts_with(&s.received) && s.unexpected.is_none() {
                    s.unexpected = Some(crate::error::show_bytes(&s.received, 200));
                }
                break;
            }
            if !s.received.starts_with(expect) {
                if s.unexpected.is_none() {
                    s.unexpected = Some(crate::error::show_bytes(&s.received, 200));
                }
                break;
            }
            let len = match until {
                None => expect.len(),
                Some(end) => match s.received[expect.len()..].iter().position(|b| b == end) {
                    Some(i) => expect.len() + i + 1,
                    None => break,
                },
            };
            let step = s.steps.pop_front().unwrap();
            let taken: Vec<u8> = s.received.drain(..len).collect();
            let reply = match step.answer {
                Answer::Bytes(reply) => reply,
                Answer::From(answer) => answer(&taken),
            };
            s.outbox.extend(reply);
        }
        cv.notify_all();
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
