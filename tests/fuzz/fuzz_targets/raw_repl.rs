//! The raw-REPL state machine (entering the REPL, raw-paste with flow control, plain raw mode,
//! reboot detection, output and error streams) against a board that answers with arbitrary bytes
//! in arbitrary pieces. Any error is fine; a panic, a hang or an unbounded allocation is not.
//!
//! The input is the board's answers separated by `SEP`. As on a real line, an answer becomes
//! readable only when the host writes something or waits for it (a read with a timeout); a read
//! that must not wait sees nothing new. The first answer (boot noise) is there from the start.
#![no_main]

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use belay_transport::wire::ReplySplitter;
use belay_transport::{RawRepl, ReadOutcome, ReplOptions, TimedRead, Until};
use libfuzzer_sys::fuzz_target;

const SEP: &[u8] = b"\xff\xfe";
/// The whole connect is bounded too (the fuzz board never makes the host wait long).
const CONNECT: Duration = Duration::from_millis(50);

struct Feed {
    answers: Vec<Vec<u8>>,
    /// Answers released so far.
    released: usize,
    /// Position in the released bytes.
    pos: usize,
    piece: usize,
}

impl Feed {
    fn release_next(&mut self) {
        self.released = (self.released + 1).min(self.answers.len());
    }

    fn readable(&self) -> &[u8] {
        let mut skip = self.pos;
        for a in &self.answers[..self.released] {
            if skip < a.len() {
                return &a[skip..];
            }
            skip -= a.len();
        }
        &[]
    }
}

#[derive(Clone)]
struct Board(Arc<Mutex<Feed>>);

impl TimedRead for Board {
    fn read_timeout(&mut self, buf: &mut [u8], until: Until<'_>) -> io::Result<ReadOutcome> {
        let mut feed = self.0.lock().unwrap();
        if feed.readable().is_empty() {
            if until.timeout == Some(Duration::ZERO) {
                return Ok(ReadOutcome::TimedOut);
            }
            // The host waits: the board's next answer arrives, or the board is gone.
            if feed.released == feed.answers.len() {
                return Ok(ReadOutcome::Closed);
            }
            feed.release_next();
            if feed.readable().is_empty() {
                return Ok(ReadOutcome::TimedOut);
            }
        }
        let data = feed.readable();
        let n = feed.piece.min(buf.len()).min(data.len());
        buf[..n].copy_from_slice(&data[..n]);
        feed.pos += n;
        feed.piece = feed.piece * 5 % 67 + 1;
        Ok(ReadOutcome::Data(n))
    }
}

impl io::Write for Board {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().release_next();
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn split(stream: &[u8]) -> Vec<Vec<u8>> {
    let mut answers = Vec::new();
    let mut rest = stream;
    while let Some(i) = rest.windows(SEP.len()).position(|w| w == SEP) {
        answers.push(rest[..i].to_vec());
        rest = &rest[i + SEP.len()..];
    }
    answers.push(rest.to_vec());
    answers
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, stream)) = data.split_first() else {
        return;
    };
    let board = Board(Arc::new(Mutex::new(Feed {
        answers: split(stream),
        released: 1,
        pos: 0,
        piece: usize::from(flags >> 3) + 1,
    })));
    // Short waits: a read that times out ends quickly (the fuzz board never makes the host wait).
    let opts = ReplOptions {
        soft_reset: flags & 1 == 1,
        timeout: Duration::from_millis(1),
    };
    let Ok(mut repl) = RawRepl::over(Box::new(board.clone()), Box::new(board), opts, CONNECT) else {
        return;
    };
    // A short command, then one longer than any window the board may grant.
    let long = vec![b'x'; 300];
    for code in [&b"print(1)"[..], &long, b"2"] {
        let mut splitter = ReplySplitter::new(b"\x02R");
        let mut out = 0usize;
        let result = repl.exec(code, &mut |b| splitter.push(b, &mut |o| out += o.len()));
        splitter.finish(&mut |o| out += o.len());
        if result.is_err() {
            return;
        }
    }
});
