//! A minimal WebSocket client for MicroPython's WebREPL (RFC 6455): the upgrade handshake, masked
//! frames out, any data frames in. REPL traffic is raw bytes in both directions, so payloads are
//! not required to be UTF-8 (which general-purpose WebSocket crates insist on for text frames).

use std::io::{self, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use sha1::{Digest, Sha1};

use super::timed::{ReadOutcome, SourceReader, TimedRead, Until, retry_until};
use crate::error::{Result, TransportError, show_bytes};

const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const OP_CONTINUATION: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
/// Largest frame accepted from a board (a WebREPL frame is at most a few KiB).
const MAX_FRAME: u64 = 16 * 1024 * 1024;

/// Upgrade `stream` to a WebSocket at `path`. Returns the reader (with any bytes that followed
/// the response headers) and the writer.
pub(crate) fn handshake(
    mut stream: TcpStream,
    host: &str,
    port: u16,
    path: &str,
    timeout: Duration,
) -> Result<(WsReader, WsWriter)> {
    let shown = format!("ws://{host}:{port}{path}");
    let fail = |reason: String| TransportError::Open {
        port: shown.clone(),
        reason,
    };
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| fail(e.to_string()))?;
    let key = base64::engine::general_purpose::STANDARD.encode(nonce);
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| fail(e.to_string()))?;

    let writer_stream = stream.try_clone().map_err(|e| fail(e.to_string()))?;
    let mut reader = SourceReader::new(stream);
    let deadline = Instant::now() + timeout;
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match reader
            .read_timeout(&mut buf, Until::timeout(Some(left)))
            .map_err(|e| fail(e.to_string()))?
        {
            ReadOutcome::Data(n) => head.extend_from_slice(&buf[..n]),
            _ => {
                return Err(fail(format!(
                    "no WebSocket upgrade answer (received {})",
                    show_bytes(&head, 200)
                )));
            }
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let status_ok = text
        .lines()
        .next()
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("101"));
    let expected = base64::engine::general_purpose::STANDARD
        .encode(Sha1::digest(format!("{key}{GUID}").as_bytes()));
    let accept_ok = text.lines().any(|l| {
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("sec-websocket-accept") && v.trim() == expected
        })
    });
    if !status_ok || !accept_ok {
        return Err(fail(format!(
            "the server did not accept the WebSocket upgrade: {:?}",
            text.lines().next().unwrap_or("")
        )));
    }
    let shared = Arc::new(Mutex::new(writer_stream));
    Ok((
        WsReader {
            inner: reader,
            raw: head[end..].to_vec(),
            payload: Vec::new(),
            pongs: shared.clone(),
            closed: false,
        },
        WsWriter(shared),
    ))
}

fn write_frame(stream: &Mutex<TcpStream>, opcode: u8, payload: &[u8]) -> io::Result<()> {
    let mut mask = [0u8; 4];
    getrandom::fill(&mut mask).map_err(|e| io::Error::other(e.to_string()))?;
    let mut frame = Vec::with_capacity(payload.len() + 14);
    frame.push(0x80 | opcode);
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= 0xFFFF => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    let mut s = stream.lock().unwrap_or_else(|p| p.into_inner());
    s.write_all(&frame)?;
    s.flush()
}

/// Sends every write as one text frame (WebREPL reads REPL input from text frames).
pub(crate) struct WsWriter(Arc<Mutex<TcpStream>>);

impl Write for WsWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        write_frame(&self.0, OP_TEXT, data)?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Yields the payload bytes of data frames; answers pings; a close frame ends the stream.
pub(crate) struct WsReader {
    inner: SourceReader<crate::sys::Watched<TcpStream>>,
    /// Received bytes not yet parsed into frames.
    raw: Vec<u8>,
    /// Payload bytes not yet handed out.
    payload: Vec<u8>,
    pongs: Arc<Mutex<TcpStream>>,
    closed: bool,
}

impl WsReader {
    /// Parse complete frames out of `raw`.
    fn parse(&mut self) -> io::Result<()> {
        loop {
            let r = &self.raw;
            if r.len() < 2 {
                return Ok(());
            }
            let opcode = r[0] & 0x0F;
            let masked = r[1] & 0x80 != 0;
            let (len, mut at) = match r[1] & 0x7F {
                126 if r.len() >= 4 => (u64::from(u16::from_be_bytes([r[2], r[3]])), 4),
                127 if r.len() >= 10 => (
                    u64::from_be_bytes(r[2..10].try_into().expect("8 bytes")),
                    10,
                ),
                126 | 127 => return Ok(()),
                n => (u64::from(n), 2),
            };
            if len > MAX_FRAME {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "WebSocket frame too large",
                ));
            }
            let mask = if masked {
                if r.len() < at + 4 {
                    return Ok(());
                }
                let m = [r[at], r[at + 1], r[at + 2], r[at + 3]];
                at += 4;
                Some(m)
            } else {
                None
            };
            let len = len as usize;
            if r.len() < at + len {
                return Ok(());
            }
            let mut data = r[at..at + len].to_vec();
            if let Some(m) = mask {
                data.iter_mut()
                    .enumerate()
                    .for_each(|(i, b)| *b ^= m[i % 4]);
            }
            self.raw.drain(..at + len);
            match opcode {
                OP_CONTINUATION | OP_TEXT | OP_BINARY => self.payload.extend_from_slice(&data),
                OP_PING => write_frame(&self.pongs, 0xA, &data)?,
                OP_CLOSE => self.closed = true,
                _ => {}
            }
        }
    }
}

impl TimedRead for WsReader {
    fn read_timeout(&mut self, buf: &mut [u8], until: Until<'_>) -> io::Result<ReadOutcome> {
        let mut chunk = vec![0u8; buf.len().max(4096)];
        retry_until(until.timeout, |left| {
            self.parse()?;
            if !self.payload.is_empty() {
                let n = buf.len().min(self.payload.len());
                buf[..n].copy_from_slice(&self.payload[..n]);
                self.payload.drain(..n);
                return Ok(Some(ReadOutcome::Data(n)));
            }
            if self.closed {
                return Ok(Some(ReadOutcome::Closed));
            }
            Ok(
                match self
                    .inner
                    .read_timeout(&mut chunk, until.with_timeout(left))?
                {
                    ReadOutcome::Data(n) => {
                        self.raw.extend_from_slice(&chunk[..n]);
                        None
                    }
                    other => Some(other),
                },
            )
        })
    }
}
