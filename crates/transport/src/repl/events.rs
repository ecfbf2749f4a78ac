//! What a board sends unasked, on its way to the host: events (during a call and between calls),
//! the board's reports of dropped events, and output printed between calls once the host
//! watches for events (`docs/protocol.md` §6).
//!
//! The protocol thread hands them over through one bounded channel per connection. When the
//! consumer is slow, the protocol thread waits (and reads nothing meanwhile, so the link's flow
//! control holds the board back, whose own queue then overflows with a count: never silence). A
//! consumer that makes no progress for [`STALL`] (it waits for the call that is waiting for it,
//! say) stops holding the board back: events are then dropped on the host, counted, and the
//! count is reported as soon as there is room again.

use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, SendTimeoutError, Sender, TrySendError, bounded};

use crate::io::timed::AbortSignal;
use crate::wire::Literal;

/// Events in flight between the protocol thread and the consumer.
pub const EVENT_BACKLOG: usize = 1024;
/// How long the protocol thread waits for room before it drops events on the host.
pub const STALL: Duration = Duration::from_secs(2);
/// How often a wait for room checks whether the connection closes.
const CLOSE_CHECK: Duration = Duration::from_millis(50);

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

/// The protocol thread's side of the channel.
pub(crate) struct EventSink {
    tx: Sender<BoardEvent>,
    abort: Arc<AbortSignal>,
    /// Events dropped on the host and not reported yet.
    dropped: Cell<u64>,
    /// The consumer stalled: drop instead of waiting, until there is room again.
    overflowing: Cell<bool>,
}

/// A connection's event channel: the consumer's end and the protocol thread's.
pub(crate) fn channel(abort: Arc<AbortSignal>) -> (Receiver<BoardEvent>, EventSink) {
    let (tx, rx) = bounded(EVENT_BACKLOG);
    let sink = EventSink {
        tx,
        abort,
        dropped: Cell::new(0),
        overflowing: Cell::new(false),
    };
    (rx, sink)
}

impl EventSink {
    /// Hand `event` on (see the module documentation for when it waits and when it drops).
    pub fn send(&self, event: BoardEvent) {
        let dropped = self.dropped.get();
        if dropped > 0 {
            let report = BoardEvent::Dropped {
                count: dropped,
                on_host: true,
            };
            if !self.put(report) {
                self.dropped.set(dropped + 1);
                return;
            }
            self.dropped.set(0);
        }
        if !self.put(event) {
            self.dropped.set(self.dropped.get() + 1);
        }
    }

    /// Try to hand `event` on: at once when overflowing, else waiting up to [`STALL`] (or until
    /// the connection closes). Whether it went.
    fn put(&self, event: BoardEvent) -> bool {
        let mut event = match self.tx.try_send(event) {
            Ok(()) => {
                self.overflowing.set(false);
                return true;
            }
            Err(TrySendError::Disconnected(_)) => return false,
            Err(TrySendError::Full(e)) => e,
        };
        if self.overflowing.get() {
            return false;
        }
        let deadline = Instant::now() + STALL;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if self.abort.is_closing() {
                return false;
            }
            if left.is_zero() {
                self.overflowing.set(true);
                return false;
            }
            match self.tx.send_timeout(event, left.min(CLOSE_CHECK)) {
                Ok(()) => return true,
                Err(SendTimeoutError::Timeout(e)) => event = e,
                Err(SendTimeoutError::Disconnected(_)) => return false,
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
            sink.send(event(n));
        }
        let t0 = Instant::now();
        for n in 0..5 {
            sink.send(event(n));
        }
        // One stall for the first, none for the rest.
        assert!(t0.elapsed() >= STALL && t0.elapsed() < STALL * 2);
        for n in 0..EVENT_BACKLOG as i64 {
            assert_eq!(rx.recv().unwrap(), event(n));
        }
        sink.send(event(99));
        assert_eq!(
            rx.recv().unwrap(),
            BoardEvent::Dropped {
                count: 5,
                on_host: true
            }
        );
        assert_eq!(rx.recv().unwrap(), event(99));
    }
}
