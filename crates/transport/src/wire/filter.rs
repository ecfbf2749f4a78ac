//! Board → host frames taken out of everything the board sends (`docs/protocol.md` §6), before
//! the raw-REPL state machine sees it: a board thread or timer may print a frame at any moment,
//! in the middle of a command's handshake too.
//!
//! A frame is `MARKER \x1d payload \x1f`, `MARKER` being the connection's result marker. A
//! payload is a `repr` or digits, so it never holds a control character: a frame ends at the first
//! `\x1f`, and one cut short by another `\x1e`, or longer than [`MAX_FRAME`], is passed on as the
//! bytes it was. A marker not followed by `\x1d` (a call's result) is passed on. Only a tail that
//! could start a frame, or a frame in progress, is held back until the next bytes decide it.

use memchr::memchr2;
use memchr::memmem::find;

use super::splitter::longest_prefix_suffix;

/// After the marker: a frame follows (a result never starts with a control character).
pub const FRAME_OPEN: u8 = 0x1d;
/// Ends a frame's payload.
pub const FRAME_CLOSE: u8 = 0x1f;
/// The longest frame payload kept; a longer one is passed on as bytes (an event's value is meant
/// to be small; bulk data goes as a call's result).
pub const MAX_FRAME: usize = 1 << 20;
/// The marker's first byte, which no frame payload holds.
const MARKER_START: u8 = 0x1e;

/// What the filter hands on, in stream order.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Bytes that are not part of a frame.
    Data(&'a [u8]),
    /// The payload of a whole frame (between `MARKER \x1d` and `\x1f`).
    Frame(&'a [u8]),
}

/// Streaming frame filter (see the module documentation).
#[derive(Debug)]
pub struct FrameFilter {
    /// The marker and the byte that opens a frame.
    opening: Vec<u8>,
    /// Bytes not decided yet: a tail that could start a frame's opening, or (in a frame) the
    /// payload so far.
    held: Vec<u8>,
    in_frame: bool,
}

impl FrameFilter {
    pub fn new(marker: &[u8]) -> Self {
        assert!(!marker.is_empty());
        let mut opening = marker.to_vec();
        opening.push(FRAME_OPEN);
        FrameFilter {
            opening,
            held: Vec::new(),
            in_frame: false,
        }
    }

    /// Feed the next bytes; `out` receives what is now certain, in order.
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn FnMut(Piece<'_>)) {
        // Out of a frame `held` is shorter than an opening, so it is searched again whole; in a
        // frame, only the new bytes can end it.
        let mut from = if self.in_frame { self.held.len() } else { 0 };
        self.held.extend_from_slice(chunk);
        loop {
            if self.in_frame {
                match memchr2(FRAME_CLOSE, MARKER_START, &self.held[from..]).map(|i| from + i) {
                    Some(i) if self.held[i] == FRAME_CLOSE => {
                        out(Piece::Frame(&self.held[..i]));
                        self.held.drain(..=i);
                    }
                    // Cut short by another marker: what came was data.
                    Some(i) => self.broken_frame(i, out),
                    None if self.held.len() > MAX_FRAME => {
                        let all = self.held.len();
                        self.broken_frame(all, out);
                    }
                    None => return,
                }
                self.in_frame = false;
                from = 0;
                continue;
            }
            match find(&self.held, &self.opening) {
                Some(at) => {
                    if at > 0 {
                        out(Piece::Data(&self.held[..at]));
                    }
                    self.held.drain(..at + self.opening.len());
                    self.in_frame = true;
                    from = 0;
                }
                None => {
                    let keep = longest_prefix_suffix(&self.held, &self.opening);
                    let data = self.held.len() - keep;
                    if data > 0 {
                        out(Piece::Data(&self.held[..data]));
                        self.held.drain(..data);
                    }
                    return;
                }
            }
        }
    }

    /// The bytes held back, as they came (at the end of a stream: they were data).
    pub fn held(&self) -> Vec<u8> {
        let mut raw = Vec::new();
        if self.in_frame {
            raw.extend_from_slice(&self.opening);
        }
        raw.extend_from_slice(&self.held);
        raw
    }

    /// A frame whose first `n` payload bytes came, and no end: they, after the opening, are data.
    fn broken_frame(&mut self, n: usize, out: &mut dyn FnMut(Piece<'_>)) {
        let mut data = self.opening.clone();
        data.extend_from_slice(&self.held[..n]);
        self.held.drain(..n);
        out(Piece::Data(&data));
    }
}

#[cfg(test)]
mod tests;
