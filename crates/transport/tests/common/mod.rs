//! What the scripted-board tests share: the board's usual answers and small helpers.
#![allow(dead_code)] // each test file uses its own part

use std::time::{Duration, Instant};

use belay_transport::scripted::ScriptedBoard;
use belay_transport::{Phase, RawRepl, ReplOptions, TransportError};

pub const ENTER: &[u8] = b"\r\x03\x03\x01";
pub const BANNER: &[u8] = b"\r\n>>> \r\nMicroPython v1.29.0 on 2026-11-23; test\r\nType \"help()\" for more information.\r\n>>> ";
pub const RAW: &[u8] = b"\r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>";
pub const SOFT_RESET: &[u8] = b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>";
pub const PASTE_REQUEST: &[u8] = b"\x05A\x01";
/// Raw-paste accepted with a window of 128 bytes (and the first window granted).
pub const PASTE_OK: &[u8] = b"R\x01\x80\x00\x01";

/// How the probe that follows re-entering the raw REPL after a failed call starts.
pub const PROBE: &[u8] = b"print('";

/// The board's reply to that probe (`print('<a>'+'<b>')`): `OK`, then the output `<a><b>` and an
/// empty error.
pub fn probe_reply(command: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(command.to_vec()).unwrap();
    let parts: Vec<&str> = text.split('\'').collect();
    assert_eq!(parts.len(), 5, "{text:?}");
    format!("OK{}{}\r\n\x04\x04>", parts[1], parts[3]).into_bytes()
}

/// The bound every protocol step gets in these tests.
pub const STEP: Duration = Duration::from_millis(300);
/// What a test allows for a bound of [`STEP`] (or 1 s) to show, on a loaded machine.
pub const GENEROUS: Duration = Duration::from_secs(2);

pub fn opts(soft_reset: bool) -> ReplOptions {
    ReplOptions {
        soft_reset,
        timeout: STEP,
    }
}

/// A board that takes the host into its raw REPL (no soft reset).
pub fn board_in_raw_repl() -> ScriptedBoard {
    ScriptedBoard::new().step(ENTER, RAW)
}

/// A connection (protocol thread) to `board`, in its raw REPL without a soft reset.
pub fn connected(board: &ScriptedBoard) -> belay_transport::Connection {
    let pending = board.connect(opts(false));
    pending
        .wait(Duration::from_secs(5))
        .expect("connected in time")
        .expect("connected");
    pending.into_connection()
}

pub fn entered(board: ScriptedBoard, soft_reset: bool) -> RawRepl {
    board.repl(opts(soft_reset)).expect("enter raw REPL")
}

pub fn exec(repl: &mut RawRepl, code: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut out = Vec::new();
    let err = repl
        .exec(code, &mut |b| out.extend_from_slice(b))
        .expect("exec");
    (out, err)
}

pub fn assert_all_steps_ran(board: &ScriptedBoard) {
    let (left, unexpected) = board.leftovers();
    assert_eq!(
        unexpected, None,
        "host sent bytes the script did not expect"
    );
    assert_eq!(left, 0, "script steps left");
}

/// Run `f`, which must fail; returns the error and how long it took.
pub fn timed_failure<T>(
    f: impl FnOnce() -> Result<T, TransportError>,
) -> (TransportError, Duration) {
    let t0 = Instant::now();
    let err = f().err().expect("must fail");
    (err, t0.elapsed())
}

/// `err` is a timeout of `phase` whose message names `step`, within a generous bound.
pub fn assert_timeout(err: &TransportError, elapsed: Duration, phase: Phase, step: &str) {
    let msg = err.to_string();
    assert!(
        matches!(err, TransportError::Timeout { .. }),
        "not a timeout: {msg}"
    );
    assert_eq!(err.phase(), Some(phase), "{msg}");
    assert_eq!(err.is_connect_step(), phase == Phase::Connect, "{msg}");
    assert!(msg.starts_with(&format!("{phase}: ")), "{msg}");
    assert!(msg.contains(step), "the message names {step:?}: {msg}");
    assert!(elapsed < GENEROUS, "took {elapsed:?}: {msg}");
}
