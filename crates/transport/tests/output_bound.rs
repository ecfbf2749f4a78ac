//! Board output waiting for a slow consumer sits in a bounded buffer: the protocol thread stops
//! reading until the consumer makes room, so the bytes the transport holds stay under
//! `STDOUT_IN_FLIGHT` (in flight) plus one read of the link, however much the board prints.
//! The bound is asserted as an invariant at every event, not through timing.

mod common;

use std::time::{Duration, Instant};

use belay_transport::scripted::ScriptedBoard;
use belay_transport::{
    Connection, ExecEvent, ExecHandle, LINK_READ_CHUNK, ReplOptions, STDOUT_IN_FLIGHT,
    TransportError,
};
use common::{
    ENTER, GENEROUS, PASTE_OK, PASTE_REQUEST, PROBE, RAW, STEP, board_in_raw_repl, probe_reply,
};

const FLOOD: usize = 4 * 1024 * 1024;
/// Protocol bytes besides the output (the paste answer, its acknowledgement, end markers).
const PROTOCOL_SLACK: u64 = 64;

/// A board whose `flood()` prints [`FLOOD`] bytes of output, then `end`.
fn flooding_board(end: &[u8]) -> ScriptedBoard {
    let output: Vec<u8> = (0..FLOOD).map(|i| b'a' + (i % 26) as u8).collect();
    board_in_raw_repl()
        .step(PASTE_REQUEST, PASTE_OK)
        .step(b"flood()\x04", &[b"\x04", &output[..], end].concat())
}

/// Connected, with step bounds no test here relies on (a re-entry after an abort finds the
/// prompt behind megabytes of output).
fn connected(board: &ScriptedBoard) -> Connection {
    let pending = board.connect(ReplOptions {
        soft_reset: false,
        timeout: Duration::from_secs(10),
    });
    pending
        .wait(Duration::from_secs(5))
        .expect("connected in time")
        .expect("connected");
    pending.into_connection()
}

#[test]
fn a_starved_consumer_holds_the_board_back() {
    let board = flooding_board(b"\x04\x04>");
    let conn = connected(&board);
    let before = board.read_by_host();
    let handle = conn.exec(b"flood()".to_vec(), None);
    let bound = (STDOUT_IN_FLIGHT + LINK_READ_CHUNK) as u64 + PROTOCOL_SLACK;
    let mut received = 0u64;
    loop {
        // A slow consumer: the board could print far faster.
        std::thread::sleep(Duration::from_millis(2));
        match handle
            .recv_timeout(Duration::from_secs(10))
            .expect("an event")
        {
            ExecEvent::Accepted => {}
            ExecEvent::Stdout(bytes) => {
                received += bytes.len() as u64;
                let held = board.read_by_host() - before - received;
                assert!(held <= bound, "the transport holds {held} bytes");
                assert!(handle.in_flight() <= STDOUT_IN_FLIGHT);
            }
            ExecEvent::Done { stderr, .. } => {
                assert!(stderr.is_empty());
                break;
            }
            ExecEvent::Failed(e) => panic!("{e}"),
            ExecEvent::HostCall { .. } => panic!("no host function was called"),
        }
    }
    assert_eq!(received, FLOOD as u64, "all the output arrived");
    assert!(handle.peak_in_flight() <= STDOUT_IN_FLIGHT);
    assert!(handle.peak_in_flight() > 0);
}

/// Wait until the protocol thread is held back by a consumer that reads nothing.
fn wait_until_held_back(handle: &ExecHandle) {
    let t0 = Instant::now();
    while handle.in_flight() + LINK_READ_CHUNK <= STDOUT_IN_FLIGHT {
        assert!(t0.elapsed() < Duration::from_secs(10), "no output arrived");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_consumer_that_stops_reading_does_not_hold_up_close() {
    let board = flooding_board(b"").silent_at_end();
    let conn = connected(&board);
    let handle = conn.exec(b"flood()".to_vec(), None);
    wait_until_held_back(&handle);
    let t0 = Instant::now();
    conn.close(STEP);
    assert!(t0.elapsed() < GENEROUS, "close took {:?}", t0.elapsed());
    let last = handle.iter().last().expect("events");
    assert!(
        matches!(last, ExecEvent::Failed(TransportError::Closed)),
        "{last:?}"
    );
    assert!(handle.peak_in_flight() <= STDOUT_IN_FLIGHT);
}

#[test]
fn a_call_held_back_by_its_consumer_can_be_aborted() {
    let board = flooding_board(b"")
        .step(ENTER, RAW)
        .step_answering(PROBE, 0x04, probe_reply)
        .step(b"next()\x04", b"OKok\x04\x04>");
    let conn = connected(&board);
    let handle = conn.exec(b"flood()".to_vec(), None);
    wait_until_held_back(&handle);
    conn.abort(handle.id);
    let last = handle.iter().last().expect("events");
    assert!(
        matches!(last, ExecEvent::Failed(TransportError::Aborted)),
        "{last:?}"
    );
    // The next call re-enters the raw REPL first.
    let next = conn
        .exec_collect(b"next()", None)
        .expect("the next call runs");
    assert_eq!(next.stdout, b"ok");
}

#[test]
fn a_consumer_that_goes_away_does_not_stop_the_protocol() {
    let board = flooding_board(b"\x04\x04>").step(b"next()\x04", b"OKok\x04\x04>");
    let conn = connected(&board);
    drop(conn.exec(b"flood()".to_vec(), None));
    // The flood runs to its end unheard; the next call is served.
    let next = conn
        .exec_collect(b"next()", None)
        .expect("the next call runs");
    assert_eq!(next.stdout, b"ok");
}
