//! Every wait of connect and of a command's handshake is bounded: a board that goes silent at
//! any step is an error within the bound that names the step (scripted boards, 300 ms bounds;
//! only generous upper bounds are asserted).

mod common;

use std::time::Duration;

use belay_transport::scripted::ScriptedBoard;
use belay_transport::{Phase, RawRepl, ReplOptions, TransportError};
use common::{
    ENTER, PASTE_OK, PASTE_REQUEST, RAW, SOFT_RESET, STEP, assert_timeout, board_in_raw_repl,
    entered, exec, opts, timed_failure,
};

/// Connect (with a soft reset) to `board`, which must fail at `step`.
fn assert_connect_times_out(board: ScriptedBoard, step: &str) -> TransportError {
    let (err, took) = timed_failure(|| board.repl(opts(true)));
    assert_timeout(&err, took, Phase::Connect, step);
    err
}

/// Run `code` on a board entered with `board`'s script, which must fail at `step`.
fn assert_command_times_out(board: ScriptedBoard, code: &[u8], step: &str) -> TransportError {
    let mut repl = entered(board, false);
    let (err, took) = timed_failure(|| repl.exec(code, &mut |_| {}));
    assert_timeout(&err, took, Phase::Handshake, step);
    err
}

#[test]
fn a_silent_board_fails_the_connect() {
    let err = assert_connect_times_out(
        ScriptedBoard::new().step(ENTER, b""),
        "the raw REPL banner after Ctrl-C, Ctrl-A",
    );
    assert!(err.to_string().contains("received nothing at all"), "{err}");
}

#[test]
fn a_missing_raw_banner_fails_the_connect_showing_the_last_bytes() {
    let err = assert_connect_times_out(
        ScriptedBoard::new().step(
            ENTER,
            b"\r\n>>> \r\nType \"help()\" for more information.\r\n",
        ),
        "connect: timed out after",
    );
    let msg = err.to_string();
    assert!(
        msg.contains("the raw REPL banner after Ctrl-C, Ctrl-A"),
        "{msg}"
    );
    assert!(
        msg.contains("for more information"),
        "the bytes received: {msg}"
    );
}

#[test]
fn a_soft_reset_that_never_ends_fails_the_connect() {
    let err = assert_connect_times_out(
        ScriptedBoard::new()
            .step(ENTER, RAW)
            .step(b"\x04", b"OK\r\nMPY: soft reboot\r\nraw RE"),
        "the raw REPL banner after the soft reset",
    );
    assert!(err.to_string().contains("raw RE"), "{err}");
}

#[test]
fn the_connect_budget_cuts_a_longer_step_short() {
    // Each step may wait 10 s, the connect as a whole 300 ms.
    let board = ScriptedBoard::new().step(ENTER, b"");
    let step = ReplOptions {
        soft_reset: false,
        timeout: Duration::from_secs(10),
    };
    let (err, took) = timed_failure(|| board.repl_within(step, STEP));
    assert_timeout(
        &err,
        took,
        Phase::Connect,
        "the raw REPL banner after Ctrl-C, Ctrl-A",
    );
    assert!(
        err.to_string()
            .contains("(the 300.0ms connect budget ran out)"),
        "{err}"
    );
    let TransportError::Timeout { timeout, .. } = err else {
        unreachable!()
    };
    assert!(timeout <= STEP, "waited {timeout:?}, more than the budget");
}

#[test]
fn a_connection_reports_a_silent_connect_step() {
    let board = ScriptedBoard::new().step(ENTER, b"");
    let pending = board.connect(opts(false));
    let err = pending
        .wait(Duration::from_secs(5))
        .expect("the connect ends within its bound")
        .expect_err("the board never entered the raw REPL");
    assert!(err.is_connect_step(), "{err}");
    assert!(err.to_string().contains("raw REPL banner"), "{err}");
}

#[test]
fn silent_raw_paste_answer() {
    assert_command_times_out(
        board_in_raw_repl().step(PASTE_REQUEST, b""),
        b"1",
        "the answer to the raw-paste request",
    );
}

#[test]
fn a_raw_paste_window_cut_short() {
    assert_command_times_out(
        board_in_raw_repl().step(PASTE_REQUEST, b"R\x01\x80"),
        b"1",
        "the raw-paste window size",
    );
}

#[test]
fn garbage_instead_of_the_raw_paste_answer() {
    let err = assert_command_times_out(
        board_in_raw_repl().step(PASTE_REQUEST, b"Zz not an answer"),
        b"1",
        "`R\\x01`, `R\\x00`, or the raw REPL banner",
    );
    assert!(err.to_string().contains("Zz not an answer"), "{err}");
}

#[test]
fn silent_ok_in_plain_raw_mode() {
    assert_command_times_out(
        board_in_raw_repl()
            .step(PASTE_REQUEST, b"R\x00")
            .step(b"1+1\x04", b""),
        b"1+1",
        "`OK` after the command was sent in plain raw mode",
    );
}

#[test]
fn silent_flow_control_credit() {
    let code = vec![b'x'; 20];
    assert_command_times_out(
        board_in_raw_repl()
            .step(PASTE_REQUEST, b"R\x01\x08\x00")
            .step(&code[..8], b""),
        &code,
        "a raw-paste flow-control credit",
    );
}

#[test]
fn silent_paste_acknowledgement() {
    assert_command_times_out(
        board_in_raw_repl()
            .step(PASTE_REQUEST, PASTE_OK)
            .step(b"x=1\x04", b""),
        b"x=1",
        "the raw-paste acknowledgement",
    );
}

#[test]
fn silent_prompt_before_the_next_command() {
    let board = board_in_raw_repl()
        .step(PASTE_REQUEST, PASTE_OK)
        .step(b"1\x04", b"\x04\x04\x04");
    let mut repl = entered(board, false);
    exec(&mut repl, b"1");
    let (err, took) = timed_failure(|| repl.exec(b"2", &mut |_| {}));
    assert_timeout(&err, took, Phase::Handshake, "the raw REPL prompt `>`");
}

#[test]
fn silent_end_of_the_error_text() {
    let board = board_in_raw_repl()
        .step(PASTE_REQUEST, PASTE_OK)
        .step(b"1\x04", b"\x04out\x04Traceback (most");
    let mut repl = entered(board, false);
    let (err, took) = timed_failure(|| repl.exec(b"1", &mut |_| {}));
    assert_timeout(&err, took, Phase::Reply, "the end of the error output");
}

#[test]
fn re_entering_a_silent_board_names_the_re_entry() {
    let board = board_in_raw_repl().step(ENTER, b"");
    let mut repl = entered(board, false);
    let (err, took) = timed_failure(|| repl.enter_raw(false));
    assert_timeout(
        &err,
        took,
        Phase::Reenter,
        "the raw REPL banner after Ctrl-C, Ctrl-A",
    );
}

#[test]
fn a_board_flooding_the_line_before_connect_is_still_entered() {
    // A main.py printing without pause: the host drops what it can, interrupts, and finds the
    // prompt after megabytes of output (it keeps only the end of what it searched).
    let noise = b"busy 0123456789\r\n".repeat(200_000);
    let board = ScriptedBoard::new()
        .preface(&noise)
        .step(ENTER, RAW)
        .step(b"\x04", SOFT_RESET);
    let slow_machine = ReplOptions {
        soft_reset: true,
        timeout: Duration::from_secs(10),
    };
    let repl: RawRepl = board.repl(slow_machine).expect("entered");
    drop(repl);
}
