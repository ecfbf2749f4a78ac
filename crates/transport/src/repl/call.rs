//! What one call produces and how it reaches its consumer: events in order, with the board's
//! output bounded in flight. When the consumer is slow, the protocol thread waits for room
//! before it hands over more output, and reads nothing from the board meanwhile, so the link's
//! flow control holds the board back: host memory stays bounded whatever the load.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crossbeam_channel::{
    Receiver, RecvError, RecvTimeoutError, Sender, TryRecvError, bounded, select, unbounded,
};

use crate::error::TransportError;
use crate::io::timed::AbortSignal;

/// The most bytes of a call's output in flight between the protocol thread and the consumer
/// (sent, not yet received). On top of them the transport holds at most one read of the link
/// ([`LINK_READ_CHUNK`](crate::LINK_READ_CHUNK) bytes) while it waits for room.
pub const STDOUT_IN_FLIGHT: usize = 256 * 1024;
/// The most output chunks in flight (so that many tiny chunks cannot add up either).
const CHUNKS_IN_FLIGHT: usize = 64;

/// What a call produces, in order: `Accepted` once the board took the command (not when the
/// call fails before), any number of `Stdout`, then `Done` or `Failed`.
#[derive(Debug)]
pub enum ExecEvent {
    /// The board took the command (its handshake is over, within the step bound): from here on
    /// it runs the code, for as long as the code takes. A caller that must not wait for a board
    /// that stopped answering bounds its wait for this event.
    Accepted,
    /// Output printed by the board, as it arrived (never contains the result marker).
    Stdout(Vec<u8>),
    /// Board code called host function `name` and waits for its answer
    /// ([`crate::Connection::answer`] with [`crate::wire::frames::host_answer`]).
    HostCall {
        name: String,
        args: Vec<crate::wire::Literal>,
        kwargs: Vec<(String, crate::wire::Literal)>,
    },
    /// The call finished. `reply` is the text after the result marker, if one was printed;
    /// `stderr` is empty unless the board raised an exception.
    Done {
        reply: Option<Vec<u8>>,
        stderr: Vec<u8>,
    },
    /// The call could not be completed.
    Failed(TransportError),
}

/// Output in flight, counted by the producer (adds) and the consumer (subtracts).
#[derive(Default)]
struct InFlight {
    bytes: AtomicUsize,
    chunks: AtomicUsize,
    /// The most bytes ever in flight at once.
    peak: AtomicUsize,
}

/// A queued call: its id (for [`Connection::abort`](crate::Connection::abort)) and its events.
/// Receiving an event makes room for more output; dropping the handle tells the protocol thread
/// that nobody listens any more (the call still runs to its end, its output is dropped).
pub struct ExecHandle {
    pub id: u64,
    events: Receiver<ExecEvent>,
    in_flight: Arc<InFlight>,
    /// A token after each received output chunk, for a producer waiting for room.
    freed: Sender<()>,
}

impl ExecHandle {
    /// The next event, waiting as long as it takes. An error means the protocol thread is gone.
    pub fn recv(&self) -> Result<ExecEvent, RecvError> {
        self.events.recv().map(|ev| self.took(ev))
    }

    /// The next event, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<ExecEvent, RecvTimeoutError> {
        self.events.recv_timeout(timeout).map(|ev| self.took(ev))
    }

    /// The next event if there is one now.
    pub fn try_recv(&self) -> Result<ExecEvent, TryRecvError> {
        self.events.try_recv().map(|ev| self.took(ev))
    }

    /// The events, until the last one (or until the protocol thread is gone).
    pub fn iter(&self) -> impl Iterator<Item = ExecEvent> + '_ {
        std::iter::from_fn(|| self.recv().ok())
    }

    /// Bytes of output sent to this handle and not received yet (at most [`STDOUT_IN_FLIGHT`]).
    pub fn in_flight(&self) -> usize {
        self.in_flight.bytes.load(Ordering::SeqCst)
    }

    /// The most bytes of output that were ever in flight at once for this call.
    pub fn peak_in_flight(&self) -> usize {
        self.in_flight.peak.load(Ordering::SeqCst)
    }

    fn took(&self, ev: ExecEvent) -> ExecEvent {
        if let ExecEvent::Stdout(bytes) = &ev {
            self.in_flight
                .bytes
                .fetch_sub(bytes.len(), Ordering::SeqCst);
            self.in_flight.chunks.fetch_sub(1, Ordering::SeqCst);
            // A token already waiting wakes the producer just as well.
            let _ = self.freed.try_send(());
        }
        ev
    }

    /// A handle whose call failed before it was queued.
    pub(crate) fn failed(id: u64, error: TransportError) -> ExecHandle {
        let (tx, events) = unbounded();
        let _ = tx.send(ExecEvent::Failed(error));
        ExecHandle {
            id,
            events,
            in_flight: Arc::default(),
            freed: bounded(1).0,
        }
    }
}

/// The protocol thread's side of a call.
pub(crate) struct CallOutput {
    events: Sender<ExecEvent>,
    in_flight: Arc<InFlight>,
    freed: Receiver<()>,
    abort: Arc<AbortSignal>,
    /// The consumer went away: output is dropped from now on.
    gone: Cell<bool>,
}

/// A call's handle and the protocol thread's side of it; `abort` wakes a producer waiting for
/// room when the call is given up or the connection closes.
pub(crate) fn call(id: u64, abort: Arc<AbortSignal>) -> (ExecHandle, CallOutput) {
    // Unbounded, because the output in it is bounded by `InFlight`, and the final event must
    // never wait.
    let (events_tx, events_rx) = unbounded();
    let (freed_tx, freed_rx) = bounded(1);
    let in_flight = Arc::new(InFlight::default());
    let handle = ExecHandle {
        id,
        events: events_rx,
        in_flight: in_flight.clone(),
        freed: freed_tx,
    };
    let output = CallOutput {
        events: events_tx,
        in_flight,
        freed: freed_rx,
        abort,
        gone: Cell::new(false),
    };
    (handle, output)
}

impl CallOutput {
    /// Hand `bytes` of output to the consumer, waiting while the output in flight is at its
    /// bound. Dropped when the consumer is gone or the call is being given up (the protocol
    /// thread's next read then ends the call).
    pub fn stdout(&self, bytes: &[u8]) {
        for piece in bytes.chunks(STDOUT_IN_FLIGHT) {
            if !self.wait_for_room(piece.len()) {
                return;
            }
            let held = self
                .in_flight
                .bytes
                .fetch_add(piece.len(), Ordering::SeqCst)
                + piece.len();
            self.in_flight.chunks.fetch_add(1, Ordering::SeqCst);
            self.in_flight.peak.fetch_max(held, Ordering::SeqCst);
            if self.events.send(ExecEvent::Stdout(piece.to_vec())).is_err() {
                self.gone.set(true);
                return;
            }
        }
    }

    /// The board took the command.
    pub fn accepted(&self) {
        let _ = self.events.send(ExecEvent::Accepted);
    }

    /// Board code asks the host something (never waits: the board waits for the answer).
    pub fn host_call(&self, event: ExecEvent) {
        if self.events.send(event).is_err() {
            self.gone.set(true);
        }
    }

    /// The call's last event (never waits).
    pub fn finish(&self, event: ExecEvent) {
        let _ = self.events.send(event);
    }

    /// Whether `n` more bytes may be sent (false: drop them).
    fn wait_for_room(&self, n: usize) -> bool {
        loop {
            if self.gone.get() || self.abort.giving_up() {
                return false;
            }
            let bytes = self.in_flight.bytes.load(Ordering::SeqCst);
            let chunks = self.in_flight.chunks.load(Ordering::SeqCst);
            if bytes + n <= STDOUT_IN_FLIGHT && chunks < CHUNKS_IN_FLIGHT {
                return true;
            }
            select! {
                recv(self.freed) -> token => {
                    if token.is_err() {
                        self.gone.set(true);
                    }
                }
                // An abort request or the close: checked at the top of the loop.
                recv(self.abort.nudged()) -> _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Callers wait on a handle from another thread (and share connections behind an `Arc`).
    #[test]
    fn handles_and_connections_are_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::ExecHandle>();
        shareable::<crate::Connection>();
        shareable::<crate::PendingConnection>();
    }
}
