//! Closing never blocks long: `close(timeout)` returns within `timeout`, dropping a connection
//! (connected or still connecting) within 1 s, whatever the board does; afterwards nothing more
//! is written to the board.

mod common;

use std::time::{Duration, Instant};

use belay_transport::scripted::ScriptedBoard;
use belay_transport::{
    ConnectOptions, Connection, ExecEvent, ExecHandle, PendingConnection, Phase, PortSpec, RawRepl,
    ReplOptions, TransportError,
};
use common::{ENTER, GENEROUS, PASTE_OK, PASTE_REQUEST, STEP, board_in_raw_repl, connected};

/// Step bounds long enough that only a close can end the waits of these tests.
fn patient() -> ReplOptions {
    ReplOptions {
        soft_reset: false,
        timeout: Duration::from_secs(30),
    }
}

/// Drop `pending` (still connecting); it must take less than [`GENEROUS`] (the bound is 1 s).
fn assert_quick_drop(pending: PendingConnection) {
    assert!(
        pending.wait(Duration::from_millis(100)).is_none(),
        "still connecting"
    );
    let t0 = Instant::now();
    drop(pending);
    assert!(t0.elapsed() < GENEROUS, "drop took {:?}", t0.elapsed());
}

/// The next event that is not output.
fn last_event(handle: &ExecHandle) -> ExecEvent {
    loop {
        match handle
            .recv_timeout(Duration::from_secs(5))
            .expect("an event")
        {
            ExecEvent::Accepted | ExecEvent::Stdout(_) => continue,
            other => return other,
        }
    }
}

#[test]
fn dropping_a_connection_stuck_in_a_connect_read_is_quick_and_final() {
    let board = ScriptedBoard::new().step(ENTER, b"").silent_at_end();
    assert_quick_drop(board.connect_within(patient(), Duration::from_secs(30)));
    let written = board.written();
    std::thread::sleep(STEP);
    assert_eq!(
        board.written(),
        written,
        "nothing is written after the drop"
    );
}

#[test]
fn dropping_a_connection_that_waits_for_a_missing_device_is_quick() {
    let spec = PortSpec::parse("/dev/belay-test-no-such-port").expect("a serial path");
    let opts = ConnectOptions {
        attempts: -1,
        ..ConnectOptions::default()
    };
    assert_quick_drop(Connection::start(spec, opts));
}

#[test]
fn dropping_a_connection_to_a_silent_process_is_quick() {
    // A real pipe: the protocol thread blocks in poll(2) and is woken through its wake-up pipe.
    let spec = PortSpec::parse("exec:sleep 30").expect("an exec port");
    let opts = ConnectOptions {
        repl: patient(),
        connect_timeout: Duration::from_secs(30),
        ..ConnectOptions::default()
    };
    assert_quick_drop(Connection::start(spec, opts));
}

#[test]
fn a_silent_process_fails_the_connect_within_its_budget() {
    let spec = PortSpec::parse("exec:sleep 30").expect("an exec port");
    let opts = ConnectOptions {
        repl: patient(),
        connect_timeout: STEP,
        ..ConnectOptions::default()
    };
    let t0 = Instant::now();
    let err = RawRepl::open(&spec, &opts).err().expect("must time out");
    common::assert_timeout(&err, t0.elapsed(), Phase::Connect, "the raw REPL banner");
}

#[test]
fn closing_with_a_command_running_on_a_silent_board_returns_within_its_timeout() {
    let board = board_in_raw_repl()
        .step(PASTE_REQUEST, PASTE_OK)
        .step(b"loop()\x04", b"\x04running")
        .silent_at_end();
    let conn = connected(&board);
    let handle = conn.exec(b"loop()".to_vec(), None);
    match handle
        .recv_timeout(Duration::from_secs(5))
        .expect("accepted")
    {
        ExecEvent::Accepted => {}
        other => panic!("the board took the command: {other:?}"),
    }
    match handle.recv_timeout(Duration::from_secs(5)).expect("output") {
        ExecEvent::Stdout(b) => assert_eq!(b, b"running"),
        other => panic!("the call runs: {other:?}"),
    }
    let t0 = Instant::now();
    conn.close(STEP);
    assert!(t0.elapsed() < GENEROUS, "close took {:?}", t0.elapsed());
    match last_event(&handle) {
        ExecEvent::Failed(TransportError::Closed) => {}
        other => panic!("expected Closed, got {other:?}"),
    }
    let written = board.written();
    let later = conn.exec(b"more()".to_vec(), None);
    assert!(matches!(
        last_event(&later),
        ExecEvent::Failed(TransportError::Closed)
    ));
    assert_eq!(board.written(), written, "nothing is written after close");
}

#[test]
fn closing_an_idle_connection_leaves_the_raw_repl() {
    let board = board_in_raw_repl().silent_at_end();
    let conn = connected(&board);
    let t0 = Instant::now();
    conn.close(Duration::from_secs(1));
    assert!(t0.elapsed() < GENEROUS, "close took {:?}", t0.elapsed());
    assert!(
        board.written().ends_with(b"\r\x03\x03\r\x02"),
        "the goodbye (Ctrl-C, Ctrl-B) was sent"
    );
    assert!(matches!(conn.interrupt(), Err(TransportError::Closed)));
    let t0 = Instant::now();
    drop(conn);
    assert!(t0.elapsed() < GENEROUS, "a second close is immediate");
}
