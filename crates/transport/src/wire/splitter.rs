//! A call's stdout split, as it streams, into the user's output, in-band frames and the result
//! (`docs/protocol.md` §2.1 and §6).
//!
//! The board prints the result of a call as `MARKER + text` at the very end of the call's stdout,
//! without a newline; the result is the text after the last marker: the result's own text never
//! holds the marker's control character, so nothing the user's code prints can forge a result.
//! Board → host frames (events, host function requests) are `MARKER \x1d payload \x1f` anywhere in
//! the output, between calls too: a payload is a `repr` or digits, so it never holds a control
//! character, and a frame cut short by another `\x1e` (or by the end of the output) is the user's
//! output, not a frame. Everything else is the user's output and is streamed on as it arrives,
//! byte for byte; only a tail that could be the start of the marker, a marker whose next byte
//! has not come yet, a frame in progress, or the text after a result marker is held back until
//! the next bytes decide it.

use memchr::memchr2;
use memchr::memmem::find;

/// After the marker: an in-band frame follows (a result never starts with a control character).
pub const FRAME_OPEN: u8 = 0x1d;
/// Ends an in-band frame's payload.
pub const FRAME_CLOSE: u8 = 0x1f;
/// The longest frame payload kept; a longer one is handed on as output (an event's value is
/// meant to be small; bulk data goes as a call's result).
pub const MAX_FRAME: usize = 1 << 20;
/// The marker's first byte, which no frame payload holds.
const MARKER_START: u8 = 0x1e;

/// What the splitter hands on, in stream order.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// The user's output, now certain.
    Output(&'a [u8]),
    /// The payload of a whole frame (between `MARKER \x1d` and `\x1f`).
    Frame(&'a [u8]),
}

/// Streaming splitter (see the module documentation).
#[derive(Debug)]
pub struct ReplySplitter {
    marker: Vec<u8>,
    /// Bytes not decided yet: a tail that could start a marker, a marker waiting for its next
    /// byte, or (in a frame) the payload so far.
    held: Vec<u8>,
    in_frame: bool,
    /// The text after the last result marker so far: the result, unless another result marker
    /// follows.
    candidate: Option<Vec<u8>>,
}

impl ReplySplitter {
    pub fn new(marker: &[u8]) -> Self {
        assert!(!marker.is_empty());
        ReplySplitter {
            marker: marker.to_vec(),
            held: Vec::new(),
            in_frame: false,
            candidate: None,
        }
    }

    /// The marker it looks for.
    pub fn marker(&self) -> &[u8] {
        &self.marker
    }

    /// The bytes it holds undecided, as they came (for another splitter to take over).
    pub fn into_raw(self) -> Vec<u8> {
        let mut raw = Vec::new();
        if let Some(candidate) = &self.candidate {
            raw.extend_from_slice(&self.marker);
            raw.extend_from_slice(candidate);
        }
        if self.in_frame {
            raw.extend_from_slice(&self.marker);
            raw.push(FRAME_OPEN);
        }
        raw.extend_from_slice(&self.held);
        raw
    }

    /// Feed the next stdout bytes; `out` receives what is now certain.
    pub fn push(&mut self, chunk: &[u8], out: &mut dyn FnMut(Piece<'_>)) {
        let m = self.marker.len();
        // Where to look: out of a frame, `held` is at most a marker (a tail that could start
        // one, or one waiting for its next byte), so from its start; in a frame, the new bytes.
        let mut from = if self.in_frame { self.held.len() } else { 0 };
        self.held.extend_from_slice(chunk);
        loop {
            if self.in_frame {
                match memchr2(FRAME_CLOSE, MARKER_START, &self.held[from..]).map(|i| from + i) {
                    Some(i) if self.held[i] == FRAME_CLOSE => {
                        out(Piece::Frame(&self.held[..i]));
                        self.held.drain(..=i);
                    }
                    Some(i) => {
                        // Cut short by another marker: what came was output.
                        self.broken_frame(i, out);
                    }
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
            let Some(at) = find(&self.held[from..], &self.marker).map(|i| from + i) else {
                let keep = longest_prefix_suffix(&self.held, &self.marker);
                let text = self.held.len() - keep;
                self.text(text, out);
                return;
            };
            self.text(at, out);
            let Some(&next) = self.held.get(m) else {
                return; // the byte after the marker decides
            };
            if next == FRAME_OPEN {
                self.held.drain(..=m);
                self.in_frame = true;
            } else {
                self.result_marker(out);
            }
            from = 0;
        }
    }

    /// End of stdout: hand on what is held and return the result text, if a result was printed.
    pub fn finish(mut self, out: &mut dyn FnMut(Piece<'_>)) -> Option<Vec<u8>> {
        if self.in_frame {
            let all = self.held.len();
            self.broken_frame(all, out);
        } else if self.held == self.marker {
            self.result_marker(out);
        } else {
            let all = self.held.len();
            self.text(all, out);
        }
        self.candidate
    }

    /// The first `n` held bytes are text: the result's, once a result marker came, else output.
    fn text(&mut self, n: usize, out: &mut dyn FnMut(Piece<'_>)) {
        if n == 0 {
            return;
        }
        match &mut self.candidate {
            Some(c) => c.extend_from_slice(&self.held[..n]),
            None => out(Piece::Output(&self.held[..n])),
        }
        self.held.drain(..n);
    }

    /// `held` starts with a result marker: the previous result (marker included) was output.
    fn result_marker(&mut self, out: &mut dyn FnMut(Piece<'_>)) {
        if let Some(previous) = self.candidate.take() {
            out(Piece::Output(&self.marker));
            if !previous.is_empty() {
                out(Piece::Output(&previous));
            }
        }
        self.held.drain(..self.marker.len());
        self.candidate = Some(Vec::new());
    }

    /// A frame whose first `n` payload bytes came, and no end: those bytes, with the marker and
    /// the frame's opening byte, are text.
    fn broken_frame(&mut self, n: usize, out: &mut dyn FnMut(Piece<'_>)) {
        let mut text = self.marker.clone();
        text.push(FRAME_OPEN);
        text.extend_from_slice(&self.held[..n]);
        self.held.drain(..n);
        match &mut self.candidate {
            Some(c) => c.extend_from_slice(&text),
            None => out(Piece::Output(&text)),
        }
    }
}

/// Length of the longest proper prefix of `marker` that `data` ends with.
fn longest_prefix_suffix(data: &[u8], marker: &[u8]) -> usize {
    let max = (marker.len() - 1).min(data.len());
    (1..=max)
        .rev()
        .find(|&k| data[data.len() - k..] == marker[..k])
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
