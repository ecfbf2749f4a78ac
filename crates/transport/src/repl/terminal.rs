//! The board's own (friendly) REPL on an open raw-REPL connection, for `belay-run mount`: the
//! protocol thread leaves the raw REPL, writes the user's keys to the board and hands the board's
//! output back, still taking board → host frames out of it, so that a mounted folder goes on
//! being served while the user types; when the keys end it enters the raw REPL again
//! (`docs/protocol.md` §7).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, TryRecvError};

use crate::error::{Phase, Result, TransportError, show_bytes};
use crate::io::timed::AbortSignal;
use crate::repl::raw_repl::{RawRepl, is_reboot};

/// Ctrl-B: leave the raw REPL for the friendly one (the board shows its banner and `>>> `).
const LEAVE_RAW: &[u8] = b"\r\x02";
/// How long a read waits before the keys are looked at again (a key also wakes it at once).
const KEY_POLL: Duration = Duration::from_millis(200);
/// The end of the output kept to find the reboot text split across reads.
const TAIL: usize = 16;

/// The user's keys for a terminal session ([`crate::Connection::terminal`]): each `send` goes to
/// the board as it is; dropping the sender ends the session.
pub struct TerminalKeys {
    keys: Sender<Vec<u8>>,
    /// Wakes the protocol thread's read (`None`: the connection never started).
    abort: Option<Arc<AbortSignal>>,
}

impl TerminalKeys {
    pub(crate) fn new(keys: Sender<Vec<u8>>, abort: Option<Arc<AbortSignal>>) -> TerminalKeys {
        TerminalKeys { keys, abort }
    }

    /// Send `bytes` to the board. Fails once the session is over.
    pub fn send(&self, bytes: &[u8]) -> Result<()> {
        self.keys
            .send(bytes.to_vec())
            .map_err(|_| TransportError::Closed)?;
        self.wake();
        Ok(())
    }

    fn wake(&self) {
        if let Some(abort) = &self.abort {
            abort.poke();
        }
    }
}

impl Drop for TerminalKeys {
    fn drop(&mut self) {
        // Wake the protocol thread's read: the session is over.
        self.wake();
    }
}

impl RawRepl {
    /// The friendly REPL until `keys` ends: keys go to the board, its output to `on_output` and
    /// its frames to `on_frame`, in stream order. Ends in the raw REPL again (what was defined
    /// stays). A soft reboot the user asks for (Ctrl-D) ends it with
    /// [`TransportError::BoardReset`]: what was defined on the board is gone.
    pub(crate) fn terminal(
        &mut self,
        keys: &Receiver<Vec<u8>>,
        on_output: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
    ) -> Result<()> {
        self.end_of_previous_command(on_output, on_frame)?;
        self.link.write(LEAVE_RAW)?;
        let mut tail: Vec<u8> = Vec::new();
        loop {
            loop {
                match keys.try_recv() {
                    Ok(bytes) => self.link.write(&bytes)?,
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return self.enter_raw(false),
                }
            }
            self.link.fill(Some(Instant::now() + KEY_POLL))?;
            let pending = self.link.pending();
            tail.extend_from_slice(pending);
            let rebooted = is_reboot(&tail);
            let excess = tail.len().saturating_sub(TAIL);
            tail.drain(..excess);
            let n = pending.len();
            self.link.hand_on(n, on_output, on_frame);
            if rebooted {
                self.forget_definitions();
                return Err(TransportError::BoardReset(show_bytes(&tail, 120)));
            }
        }
    }

    /// The `>` that ends the previous command's reply, if still to come (what comes before it is
    /// output).
    fn end_of_previous_command(
        &mut self,
        on_output: &mut dyn FnMut(&[u8]),
        on_frame: &mut dyn FnMut(&[u8]),
    ) -> Result<()> {
        if !self.prompt_pending {
            return Ok(());
        }
        let wait = self.link.begin(self.wait(Phase::Handshake));
        loop {
            if let Some(i) = self.link.pending().iter().position(|&b| b == b'>') {
                self.link.hand_on(i, on_output, on_frame);
                self.link.consume(1);
                self.prompt_pending = false;
                return Ok(());
            }
            self.link
                .fill_before(&wait, "the raw REPL prompt `>` after the previous command")?;
        }
    }
}
