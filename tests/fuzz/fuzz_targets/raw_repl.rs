//! The raw-REPL state machine (entering the REPL, raw-paste with flow control, plain raw mode,
//! reboot detection, output and error streams) against a board that answers with arbitrary bytes
//! in arbitrary pieces. Any error is fine; a panic, a hang or an unbounded allocation is not.
#![no_main]

use std::io;
use std::time::Duration;

use belay_transport::fdio::{ReadOutcome, TimedRead};
use belay_transport::link::Link;
use belay_transport::port::Port;
use belay_transport::reply::ReplySplitter;
use belay_transport::{RawRepl, ReplOptions};
use libfuzzer_sys::fuzz_target;

/// Hands out the fuzz input in pieces, then reports the line closed.
struct Board {
    data: Vec<u8>,
    pos: usize,
    piece: usize,
}

impl TimedRead for Board {
    fn read_timeout(
        &mut self,
        buf: &mut [u8],
        _timeout: Option<Duration>,
        _wake: Option<std::os::fd::BorrowedFd<'_>>,
    ) -> io::Result<ReadOutcome> {
        if self.pos >= self.data.len() {
            return Ok(ReadOutcome::Closed);
        }
        let n = self.piece.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        self.piece = self.piece * 5 % 67 + 1;
        Ok(ReadOutcome::Data(n))
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, stream)) = data.split_first() else {
        return;
    };
    let board = Board {
        data: stream.to_vec(),
        pos: 0,
        piece: usize::from(flags >> 3) + 1,
    };
    let Ok(link) = Link::new(Port::from_parts(Box::new(board), Box::new(io::sink()))) else {
        return;
    };
    let opts = ReplOptions {
        soft_reset: flags & 1 == 1,
        timeout: Duration::from_secs(5),
    };
    let Ok(mut repl) = RawRepl::enter(link, opts) else {
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
