//! Boards over TCP: raw sockets (`socket://`), MicroPython's telnet REPL, and serial ports served
//! over the network with RFC 2217 (`rfc2217://`, as ser2net and pyserial speak it).

use std::io::{self, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::timed::{ReadOutcome, SourceReader, TimedRead, Until, retry_until};
use crate::error::{Result, TransportError};

/// Connect with a timeout, trying every address the name resolves to (resolved without NSS:
/// [`super::resolve`]).
pub(crate) fn connect(host: &str, port: u16, timeout: Duration, shown: &str) -> Result<TcpStream> {
    let open_err = |reason: String| TransportError::Open {
        port: shown.to_string(),
        reason,
    };
    let addrs =
        super::resolve::resolve(host, port, timeout).map_err(|e| open_err(e.to_string()))?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(s) => {
                // Small REPL packets must not wait for Nagle's algorithm.
                s.set_nodelay(true).map_err(|e| open_err(e.to_string()))?;
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(open_err(
        last.map_or("the name resolved to no address".into(), |e| e.to_string()),
    ))
}

const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
const SB: u8 = 250;
const SE: u8 = 240;
const BINARY: u8 = 0;
const ECHO: u8 = 1;
const SGA: u8 = 3;
/// RFC 2217's COM-PORT-OPTION, and its subnegotiation commands (client to server).
const COM_PORT: u8 = 44;
const SET_BAUDRATE: u8 = 1;
const SET_DATASIZE: u8 = 2;
const SET_PARITY: u8 = 3;
const SET_STOPSIZE: u8 = 4;
const SET_CONTROL: u8 = 5;

/// Which telnet options a connection agrees to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Options the server may enable on its side (we answer its WILL with DO).
    server: &'static [u8],
    /// Options we enable on our side (we answer its DO with WILL).
    client: &'static [u8],
}

impl Options {
    /// MicroPython's telnet REPL: the server echoes and suppresses go-ahead.
    pub(crate) const REPL: Options = Options {
        server: &[ECHO, SGA],
        client: &[SGA],
    };
    /// RFC 2217: an 8-bit clean line both ways, and the COM port option.
    pub(crate) const RFC2217: Options = Options {
        server: &[BINARY, ECHO, SGA, COM_PORT],
        client: &[BINARY, SGA, COM_PORT],
    };
}

/// What an RFC 2217 client sends first: binary mode both ways, the COM port option, and the
/// serial settings (8N1 at `baudrate`, no flow control).
pub(crate) fn rfc2217_start(baudrate: u32) -> Vec<u8> {
    let mut out = vec![
        IAC, WILL, BINARY, IAC, DO, BINARY, IAC, WILL, SGA, IAC, DO, SGA, IAC, WILL, COM_PORT,
    ];
    let mut sub = |command: u8, value: &[u8]| {
        out.extend([IAC, SB, COM_PORT, command]);
        for &b in value {
            out.push(b);
            if b == IAC {
                out.push(IAC);
            }
        }
        out.extend([IAC, SE]);
    };
    sub(SET_BAUDRATE, &baudrate.to_be_bytes());
    sub(SET_DATASIZE, &[8]);
    sub(SET_PARITY, &[1]);
    sub(SET_STOPSIZE, &[1]);
    sub(SET_CONTROL, &[1]);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Telnet {
    Data,
    Iac,
    Option(u8),
    Sub,
    SubIac,
}

/// The reading side of a telnet connection: option negotiation is answered and removed, `IAC IAC`
/// becomes a 0xFF data byte.
pub(crate) struct TelnetReader {
    inner: SourceReader<crate::sys::Watched<TcpStream>>,
    replies: TcpStream,
    state: Telnet,
    options: Options,
    /// Negotiations already answered (command, option): a repeated one gets no second answer,
    /// so two sides cannot loop.
    answered: Vec<(u8, u8)>,
}

impl TelnetReader {
    pub(crate) fn new(stream: TcpStream, options: Options) -> io::Result<TelnetReader> {
        Ok(TelnetReader {
            replies: stream.try_clone()?,
            inner: SourceReader::new(stream),
            state: Telnet::Data,
            options,
            answered: Vec::new(),
        })
    }

    /// Filter `buf` in place; returns the number of data bytes kept.
    fn filter(&mut self, buf: &mut [u8]) -> usize {
        let mut kept = 0;
        let mut replies = Vec::new();
        for i in 0..buf.len() {
            let b = buf[i];
            self.state = match (self.state, b) {
                (Telnet::Data, IAC) => Telnet::Iac,
                (Telnet::Data, _) => {
                    buf[kept] = b;
                    kept += 1;
                    Telnet::Data
                }
                (Telnet::Iac, IAC) => {
                    buf[kept] = IAC;
                    kept += 1;
                    Telnet::Data
                }
                (Telnet::Iac, DO | DONT | WILL | WONT) => Telnet::Option(b),
                (Telnet::Iac, SB) => Telnet::Sub,
                (Telnet::Iac, _) => Telnet::Data,
                (Telnet::Option(cmd), option) => {
                    // Agree to the options of this kind of connection, refuse the others.
                    let answer = match cmd {
                        WILL if self.options.server.contains(&option) => Some(DO),
                        WILL => Some(DONT),
                        DO if self.options.client.contains(&option) => Some(WILL),
                        DO => Some(WONT),
                        _ => None,
                    };
                    if let Some(answer) = answer
                        && !self.answered.contains(&(cmd, option))
                    {
                        self.answered.push((cmd, option));
                        replies.extend([IAC, answer, option]);
                    }
                    Telnet::Data
                }
                (Telnet::Sub, IAC) => Telnet::SubIac,
                (Telnet::Sub, _) => Telnet::Sub,
                (Telnet::SubIac, SE) => Telnet::Data,
                (Telnet::SubIac, _) => Telnet::Sub,
            };
        }
        if !replies.is_empty() {
            let _ = self.replies.write_all(&replies);
        }
        kept
    }
}

impl TimedRead for TelnetReader {
    fn read_timeout(&mut self, buf: &mut [u8], until: Until<'_>) -> io::Result<ReadOutcome> {
        retry_until(until.timeout, |left| {
            Ok(
                match self.inner.read_timeout(buf, until.with_timeout(left))? {
                    ReadOutcome::Data(n) => match self.filter(&mut buf[..n]) {
                        // Only negotiation arrived: keep waiting for data.
                        0 => None,
                        kept => Some(ReadOutcome::Data(kept)),
                    },
                    other => Some(other),
                },
            )
        })
    }
}

/// The writing side of a telnet connection: 0xFF data bytes are sent as `IAC IAC`.
pub(crate) struct TelnetWriter(pub(crate) TcpStream);

impl Write for TelnetWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.contains(&IAC) {
            let mut escaped = Vec::with_capacity(data.len() + 8);
            for &b in data {
                escaped.push(b);
                if b == IAC {
                    escaped.push(IAC);
                }
            }
            self.0.write_all(&escaped)?;
        } else {
            self.0.write_all(data)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    #[test]
    fn negotiation_is_answered_and_removed_and_iac_is_unescaped() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.write_all(&[
                IAC, WILL, ECHO, b'o', b'k', IAC, IAC, IAC, DO, 31, IAC, SB, 24, 1, IAC, SE, b'!',
            ])
            .unwrap();
            let mut answer = [0u8; 6];
            s.read_exact(&mut answer).unwrap();
            answer
        });
        let stream = TcpStream::connect(addr).unwrap();
        let mut reader = TelnetReader::new(stream, Options::REPL).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 64];
        while got.len() < 4 {
            match reader
                .read_timeout(&mut buf, Until::timeout(Some(Duration::from_secs(5))))
                .unwrap()
            {
                ReadOutcome::Data(n) => got.extend_from_slice(&buf[..n]),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(got, [b'o', b'k', 0xFF, b'!']);
        assert_eq!(server.join().unwrap(), [IAC, DO, ECHO, IAC, WONT, 31]);
    }

    #[test]
    fn rfc2217_asks_for_an_8_bit_line_and_the_serial_settings() {
        let start = rfc2217_start(115_200);
        assert!(start.starts_with(&[IAC, WILL, BINARY, IAC, DO, BINARY]));
        let baud = [IAC, SB, COM_PORT, SET_BAUDRATE, 0, 1, 0xC2, 0, IAC, SE];
        assert!(start.windows(baud.len()).any(|w| w == baud), "{start:?}");
        // A 0xFF byte inside a subnegotiation is doubled.
        let odd = rfc2217_start(0x00FF_0000);
        let escaped = [SET_BAUDRATE, 0, IAC, IAC, 0, 0, IAC, SE];
        assert!(odd.windows(escaped.len()).any(|w| w == escaped), "{odd:?}");
    }
}
