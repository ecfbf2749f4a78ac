//! Interrupting never blocks long: `Connection::interrupt()` returns within
//! [`INTERRUPT_TIMEOUT`] even when the board stopped reading and the protocol thread is stuck in
//! a write to it (the link never drains).

mod common;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use belay_transport::scripted::ScriptedBoard;
use belay_transport::{Connection, ExecEvent, INTERRUPT_TIMEOUT, TransportError};
use common::{GENEROUS, board_in_raw_repl, opts};

/// The host's end of a line that stops draining once `stuck` is set: every write from then on
/// blocks (as a write to a full pty or USB buffer of a board that stopped reading does).
struct Draining {
    inner: Box<dyn io::Write + Send>,
    stuck: Arc<AtomicBool>,
}

impl io::Write for Draining {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        while self.stuck.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.inner.write(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn connected_over_a_line_that_stops(board: &ScriptedBoard) -> (Connection, Arc<AtomicBool>) {
    let (reader, writer) = board.halves();
    let stuck = Arc::new(AtomicBool::new(false));
    let writer = Box::new(Draining {
        inner: writer,
        stuck: stuck.clone(),
    });
    let pending = Connection::start_over(
        "a line that stops draining".into(),
        reader,
        writer,
        opts(false),
        Duration::from_secs(5),
    );
    pending
        .wait(Duration::from_secs(5))
        .expect("connected in time")
        .expect("connected");
    (pending.into_connection(), stuck)
}

/// `conn.interrupt()`, on another thread, and how long it took (`None`: still blocked after
/// 10 s).
fn timed_interrupt(conn: &Arc<Connection>) -> Option<(Result<(), TransportError>, Duration)> {
    let (tx, rx) = crossbeam_channel::bounded(1);
    let conn = conn.clone();
    std::thread::spawn(move || {
        let t0 = Instant::now();
        let result = conn.interrupt();
        let _ = tx.send((result, t0.elapsed()));
    });
    rx.recv_timeout(Duration::from_secs(10)).ok()
}

#[test]
fn an_interrupt_behind_a_write_stuck_on_a_board_that_stopped_reading_returns_within_its_bound() {
    let board = board_in_raw_repl().silent_at_end();
    let (conn, stuck) = connected_over_a_line_that_stops(&board);
    let conn = Arc::new(conn);
    // The line stops draining; the protocol thread's write of the next command blocks.
    stuck.store(true, Ordering::SeqCst);
    let handle = conn.exec(b"work()".to_vec(), None);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        handle.recv_timeout(Duration::from_millis(10)).is_err(),
        "the command is stuck in its write"
    );
    let (result, took) = timed_interrupt(&conn).expect("interrupt() still blocked after 10 s");
    match result {
        Err(TransportError::ConnectionLost(why)) => {
            assert!(why.contains("sending Ctrl-C"), "{why}");
            assert!(why.contains("took nothing"), "{why}");
        }
        other => panic!("expected ConnectionLost, got {other:?}"),
    }
    assert!(took >= INTERRUPT_TIMEOUT, "gave up early: {took:?}");
    assert!(took < INTERRUPT_TIMEOUT + GENEROUS, "took {took:?}");
    // A second interrupt while the first is stuck does not wait again.
    let (result, took) = timed_interrupt(&conn).expect("interrupt() still blocked after 10 s");
    assert!(
        matches!(result, Err(TransportError::ConnectionLost(_))),
        "{result:?}"
    );
    assert!(took < GENEROUS, "took {took:?}");
    // Closing stays bounded too.
    let t0 = Instant::now();
    conn.close(Duration::from_millis(300));
    assert!(t0.elapsed() < GENEROUS, "close took {:?}", t0.elapsed());
    // Once the line drains, the given-up Ctrl-C is not sent late.
    stuck.store(false, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(300));
    let written = board.written();
    let ctrl_cs = written.windows(2).filter(|w| w == b"\x03\x03").count();
    assert_eq!(
        ctrl_cs, 1,
        "only the connect's Ctrl-C went out: {written:?}"
    );
    match handle.recv_timeout(Duration::from_secs(5)) {
        Ok(ExecEvent::Failed(_)) | Err(_) => {}
        Ok(other) => panic!("{other:?}"),
    }
}

#[test]
fn an_interrupt_of_a_running_command_on_a_draining_line_goes_out_at_once() {
    let board = board_in_raw_repl()
        .step(common::PASTE_REQUEST, common::PASTE_OK)
        .step(b"loop()\x04", b"\x04running")
        .step(b"\x03\x03", b"\x04\x04>")
        .silent_at_end();
    let (conn, _stuck) = connected_over_a_line_that_stops(&board);
    let conn = Arc::new(conn);
    let handle = conn.exec(b"loop()".to_vec(), None);
    loop {
        match handle.recv_timeout(Duration::from_secs(5)).expect("output") {
            ExecEvent::Stdout(b) if b == b"running" => break,
            ExecEvent::Accepted | ExecEvent::Stdout(_) => {}
            other => panic!("the call runs: {other:?}"),
        }
    }
    let (result, took) = timed_interrupt(&conn).expect("interrupt() returned");
    result.expect("the Ctrl-C went out");
    assert!(took < GENEROUS, "took {took:?}");
    assert!(board.written().ends_with(b"\x03\x03"));
}
