//! Raw bytes to and from a board's pty, and recorded sessions of real firmware
//! (tests/boards/recorded/, copied from shared/transcripts/: one JSON object per read or write,
//! `{"dir": "host->board" | "board->host", "bytes": "<latin-1 text>"}`).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// A board's pty opened as a host would, with everything read so far.
pub struct Wire {
    port: File,
    rx: Receiver<Vec<u8>>,
    pub seen: Vec<u8>,
}

impl Wire {
    pub fn open(path: &str) -> Wire {
        let port = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOCTTY)
            .open(path)
            .unwrap_or_else(|e| panic!("opening {path}: {e}"));
        let mut reader = port.try_clone().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Wire {
            port,
            rx,
            seen: Vec::new(),
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.port.write_all(bytes).unwrap();
    }

    /// Read until `done(everything read)`; panics with what came after `limit`.
    pub fn read_until(&mut self, what: &str, limit: Duration, done: impl Fn(&[u8]) -> bool) {
        let deadline = Instant::now() + limit;
        while !done(&self.seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(chunk) => self.seen.extend_from_slice(&chunk),
                Err(_) => panic!("no {what} within {limit:?}; got {}", show(&self.seen)),
            }
        }
    }

    /// Send `bytes` and return the board's whole answer, which must end with `end`.
    pub fn ask(&mut self, bytes: &[u8], end: &[u8]) -> Vec<u8> {
        self.seen.clear();
        self.send(bytes);
        self.read_until(&show(end), Duration::from_secs(10), |s| s.ends_with(end));
        std::mem::take(&mut self.seen)
    }
}

/// Bytes as a readable Rust byte string.
pub fn show(bytes: &[u8]) -> String {
    format!("b\"{}\"", bytes.escape_ascii())
}

/// One read or write of a recorded session: (host to board?, bytes).
pub type Step = (bool, Vec<u8>);

/// A recorded session from tests/boards/recorded/.
pub fn transcript(name: &str) -> Vec<Step> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/boards/recorded")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let host = line.contains(r#""dir": "host->board""#);
            let at = line.find(r#""bytes": ""#).expect("a bytes field") + 10;
            (host, json_latin1(&line[at..]))
        })
        .collect()
}

/// The JSON string starting at `s` (after its opening quote), its characters taken as bytes.
fn json_latin1(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        let code = match c {
            '"' => return out,
            '\\' => match chars.next().unwrap() {
                'n' => 10,
                'r' => 13,
                't' => 9,
                'b' => 8,
                'f' => 12,
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    u32::from_str_radix(&hex, 16).unwrap()
                }
                other => other as u32,
            },
            other => other as u32,
        };
        out.push(u8::try_from(code).expect("latin-1"));
    }
    panic!("unterminated JSON string")
}
