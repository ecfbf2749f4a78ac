//! What a board sends unasked, on its way to the host: events (during a call and between calls),
//! the board's reports of dropped events, and output printed between calls once the host
//! watches for events (`docs/protocol.md` §6).
//!
//! The protocol thread hands them over through one channel per connection, bounded in events
//! ([`EVENT_BACKLOG`]) and in bytes ([`EVENT_BYTES`]). When the consumer is slow, the protocol
//! thread waits (and reads nothing meanwhile, so the link's flow
//! control holds the board back, whose own queue then overflows with a count: never silence). A
//! consumer that makes no progress for [`STALL`] (it waits for the call that is waiting for it,
//! say) stops holding the board back: events are then dropped on the host, counted, and the
//! count is reported as soon as there is room again.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{
    Receiver, RecvTimeoutError, SendTimeoutError, Sender, TryRecvError, TrySendError, bounded,
};

use crate::io::timed::AbortSignal;
use crate::wire::Literal;

/// Events in flight between the protocol thread and the consumer.
pub const EVENT_BACKLOG: usize = 1024;
/// Bytes of events and output in flight (payload sizes), besides the count.
pub const EVENT_BYTES: usize = 1 << 20;
/// Output between calls goes in pieces of at most this many bytes.
pub const OUTPUT_PIECE: usize = 4096;
/// How long the protocol thread waits for room before it drops events on the host.
pub const STALL: Duration = Duration::from_secs(2);
/// How often a wait for room checks whether the connection closes (and for bytes freed).
const RECHECK: Duration = Duration::from_millis(5);

/// Something the board sent unasked.
#[derive(Debug, Clone, PartialEq)]
pub enum BoardEvent {
    /// `belay_emit(name, value)`; `ticks`: the board clock then (raw, as `_Bm()` gave it).
    Event {
        name: String,
        value: Literal,
        ticks: Option<u64>,
    },
    /// Events lost: `count` of them, by the board (its queue was full) or by the host (its
    /// consumer did not keep up).
    Dropped { count: u64, on_host: bool },
    /// Output printed while no call ran.
    Output(Vec<u8>),
    /// Board code called host function `name` while no call ran: the host cannot answer (the
    /// board's console belongs to its REPL then).
    StrayHostCall(String),
}

/// The consumer's end (cheap to clone).
#[derive(Clone)]
pub struct EventSource {
    rx: Receiver<(BoardEvent, usize)>,
    bytes: Arc<AtomicUsize>,
}

impl EventSource {
    /// A source that never gets anything (a connection whose thread could not start).
    pub(crate) fn closed() -> EventSource {
        EventSource {
            rx: bounded(0).1,
            bytes: Arc::default(),
        }
    }

    /// The next event, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<BoardEvent, RecvTimeoutError> {
        self.rx.recv_timeout(timeout).map(|e| self.took(e))
    }

    /// The next event if there is one now.
    pub fn try_recv(&self) -> Result<BoardEvent, TryRecvError> {
        self.rx.try_recv().map(|e| self.took(e))
    }

    fn took(&self, (event, size): (BoardEvent, usize)) -> BoardEvent {
        self.bytes.fetch_sub(size, Ordering::SeqCst);
        event
    }
}

/// The protocol thread's side of the channel.
pub(crate) struct EventSink {
    tx: Sender<(BoardEvent, usize)>,
    bytes: Arc<AtomicUsize>,
    abort: Arc<AbortSignal>,
    /// Events dropped on the host and not reported yet.
    dropped: Cell<u64>,
    /// The consumer stalled: drop instead of waiting, until there is room again.
    overflowing: Cell<bool>,
}

/// A connection's event channel: the consumer's end and the protocol thread's.
pub(crate) fn channel(abort: Arc<AbortSignal>) -> (EventSource, EventSink) {
    let (tx, rx) = bounded(EVENT_BACKLOG);
    let bytes = Arc::new(AtomicUsize::new(0));
    let sink = EventSink {
        tx,
        bytes: bytes.clone(),
        abort,
        dropped: Cell::new(0),
        overflowing: Cell::new(false),
    };
    (EventSource { rx, bytes }, sink)
}

impl EventSink {
    /// Hand `event` on, `size` bytes of payload (see the module documentation for when it waits
    /// and when it drops). Output goes in pieces of at most [`OUTPUT_PIECE`] bytes.
    pub fn send(&self, event: BoardEvent, size: usize) {
        if let BoardEvent::Output(bytes) = &event
            && bytes.len() > OUTPUT_PIECE
        {
            for piece in bytes.chunks(OUTPUT_PIECE) {
                self.send(BoardEvent::Output(piece.to_vec()), piece.len());
            }
            return;
        }
        let dropped = self.dropped.get();
        if dropped > 0 {
            let report = BoardEvent::Dropped {
                count: dropped,
                on_host: true,
            };
            if !self.put(report, 0) {
                self.dropped.set(dropped + 1);
                return;
            }
            self.dropped.set(0);
        }
        if !self.put(event, size) {
            self.dropped.set(self.dropped.get() + 1);
        }
    }

    /// Whether `size` more bytes fit (a single event larger than the budget goes alone).
    fn room_for(&self, size: usize) -> bool {
        let held = self.bytes.load(Ordering::SeqCst);
        held == 0 || held + size <= EVENT_BYTES
    }

    /// Try to hand `event` on: at once when overflowing, else waiting up to [`STALL`] for room
    /// (or until the connection closes). Whether it went.
    fn put(&self, event: BoardEvent, size: usize) -> bool {
        let mut item = (event, size);
        let mut deadline = None;
        loop {
            if self.room_for(size) {
                // Counted before it can be received (and subtracted).
                self.bytes.fetch_add(size, Ordering::SeqCst);
                match self.tx.try_send(item) {
                    Ok(()) => {
                        self.overflowing.set(false);
                        return true;
                    }
                    Err(TrySendError::Disconnected(_)) => {
                        self.bytes.fetch_sub(size, Ordering::SeqCst);
                        return false;
                    }
                    Err(TrySendError::Full(back)) => {
                        self.bytes.fetch_sub(size, Ordering::SeqCst);
                        item = back;
                    }
                }
            }
            if self.overflowing.get() || self.abort.is_closing() {
                return false;
            }
            let deadline = *deadline.get_or_insert_with(|| Instant::now() + STALL);
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.overflowing.set(true);
                return false;
            }
            if !self.room_for(size) {
                std::thread::sleep(left.min(RECHECK));
                continue;
            }
            self.bytes.fetch_add(size, Ordering::SeqCst);
            match self.tx.send_timeout(item, left.min(RECHECK * 10)) {
                Ok(()) => return true,
                Err(SendTimeoutError::Timeout(back)) => {
                    self.bytes.fetch_sub(size, Ordering::SeqCst);
                    item = back;
                }
                Err(SendTimeoutError::Disconnected(_)) => {
                    self.bytes.fetch_sub(size, Ordering::SeqCst);
                    return false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64) -> BoardEvent {
        BoardEvent::Event {
            name: "n".into(),
            value: Literal::Int(n),
            ticks: None,
        }
    }

    #[test]
    fn a_stalled_consumer_costs_one_stall_then_counted_drops() {
        let abort = AbortSignal::shared().unwrap();
        let (rx, sink) = channel(abort);
        for n in 0..EVENT_BACKLOG as i64 {
            sink.send(event(n), 10);
        }
        let t0 = Instant::now();
        for n in 0..5 {
            sink.send(event(n), 10);
        }
        // One stall for the first, none for the rest.
        assert!(t0.elapsed() >= STALL && t0.elapsed() < STALL * 2);
        for n in 0..EVENT_BACKLOG as i64 {
            assert_eq!(rx.try_recv().unwrap(), event(n));
        }
        sink.send(event(99), 10);
        assert_eq!(
            rx.try_recv().unwrap(),
            BoardEvent::Dropped {
                count: 5,
                on_host: true
            }
        );
        assert_eq!(rx.try_recv().unwrap(), event(99));
    }

    #[test]
    fn bytes_in_flight_are_bounded_and_output_goes_in_pieces() {
        let abort = AbortSignal::shared().unwrap();
        let (rx, sink) = channel(abort);
        let sink = std::sync::Mutex::new(sink);
        std::thread::scope(|s| {
            s.spawn(|| {
                let sink = sink.lock().unwrap();
                for _ in 0..3 {
                    let big = vec![b'x'; EVENT_BYTES];
                    let n = big.len();
                    sink.send(BoardEvent::Output(big), n);
                }
            });
            let mut got = 0;
            while got < 3 * EVENT_BYTES {
                assert!(rx.bytes.load(Ordering::SeqCst) <= EVENT_BYTES);
                match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
                    BoardEvent::Output(b) => {
                        assert!(b.len() <= OUTPUT_PIECE);
                        got += b.len();
                    }
                    other => panic!("{other:?}"),
                }
            }
        });
    }
}
