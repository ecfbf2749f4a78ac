//! The raw-REPL state machine against scripted byte streams (real boards are in the workspace's
//! integration tests; these pin the exact bytes on the wire and the error paths).

mod common;

use std::time::{Duration, Instant};

use belay_transport::scripted::ScriptedBoard;
use belay_transport::{ExecEvent, PasteMode, TransportError};
use common::{
    ENTER, PROBE, RAW, assert_all_steps_ran, connected, entered, exec, opts, probe_reply,
};

#[test]
fn enter_with_soft_reset_then_one_write_per_call() {
    let board = ScriptedBoard::new()
        .preface(b"noise from a boot\r\nhalf a li")
        .step(ENTER, RAW)
        .step(
            b"\x04",
            b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>",
        )
        // First call: ask, learn the window, then send.
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"print(1)\x04", b"\x04")
        .step(b"", b"1\r\n\x04\x04>")
        // Second call: it fits the window, so data and end byte in one write, plain raw mode.
        .step(b"x=2\x04", b"OK\x04\x04>");
    let mut repl = entered(board.clone(), true);
    assert_eq!(exec(&mut repl, b"print(1)"), (b"1\r\n".to_vec(), vec![]));
    assert_eq!(repl.paste_mode(), PasteMode::Paste { window: 128 });
    let writes_before = board.write_calls();
    assert_eq!(exec(&mut repl, b"x=2"), (vec![], vec![]));
    assert_eq!(
        board.write_calls() - writes_before,
        1,
        "a short call is a single write"
    );
    assert_all_steps_ran(&board);
}

#[test]
fn stderr_is_returned_separately() {
    let tb = b"Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\nNameError: name 'y' isn't defined\r\n";
    let mut reply = b"\x04partial\x04".to_vec();
    reply.extend_from_slice(tb);
    reply.extend_from_slice(b"\x04>");
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"print('partial',end='');y\x04", &reply);
    let mut repl = entered(board.clone(), false);
    let (out, err) = exec(&mut repl, b"print('partial',end='');y");
    assert_eq!(out, b"partial");
    assert_eq!(err, tb);
    assert_all_steps_ran(&board);
}

#[test]
fn refused_raw_paste_falls_back_to_plain_raw_mode() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x00")
        .step(b"1+1\x04", b"OK2\n\x04\x04>")
        // Later calls go straight to plain mode.
        .step(b"2+2\x04", b"OK4\n\x04\x04>");
    let mut repl = entered(board.clone(), false);
    assert_eq!(exec(&mut repl, b"1+1").0, b"2\n");
    assert_eq!(repl.paste_mode(), PasteMode::Plain);
    assert_eq!(exec(&mut repl, b"2+2").0, b"4\n");
    assert_all_steps_ran(&board);
}

#[test]
fn firmware_without_raw_paste_is_detected() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        // Old firmware: \x05 and A go into the line, \x01 resets the raw REPL.
        .step(b"\x05A\x01", b"\r\nraw REPL; CTRL-B to exit\r\n>")
        .step(b"7\x04", b"OK7\n\x04\x04>");
    let mut repl = entered(board.clone(), false);
    assert_eq!(exec(&mut repl, b"7").0, b"7\n");
    assert_eq!(repl.paste_mode(), PasteMode::Plain);
    assert_all_steps_ran(&board);
}

#[test]
fn long_command_follows_the_flow_control_window() {
    let code: Vec<u8> = (0..20).map(|i| b'a' + i).collect();
    // Window of 8: the announcement frees one window, each \x01 one more.
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x08\x00")
        .step(&code[..8], b"\x01")
        .step(&code[8..16], b"\x01")
        .step(&code[16..], b"")
        .step(b"\x04", b"\x04done\x04\x04>");
    let mut repl = entered(board.clone(), false);
    assert_eq!(exec(&mut repl, &code).0, b"done");
    assert_all_steps_ran(&board);
    // Once the window is known, a command longer than it still uses flow control.
    assert_eq!(repl.paste_mode(), PasteMode::Paste { window: 8 });
}

#[test]
fn missing_prompt_times_out_with_what_was_received() {
    let board = ScriptedBoard::new().step(ENTER, b"garbage without a prompt");
    let t0 = Instant::now();
    let err = board.repl(opts(false)).err().expect("must time out");
    assert!(t0.elapsed() < Duration::from_secs(2));
    let msg = err.to_string();
    assert!(matches!(err, TransportError::Timeout { .. }), "{msg}");
    assert!(msg.contains("the raw REPL banner"), "{msg}");
    assert!(msg.contains("garbage without a prompt"), "{msg}");
}

#[test]
fn board_vanishing_mid_call_is_connection_lost() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"run()\x04", b"\x04half the out")
        .hang_up_at_end();
    let mut repl = entered(board, false);
    let mut out = Vec::new();
    let err = repl
        .exec(b"run()", &mut |b| out.extend_from_slice(b))
        .unwrap_err();
    assert!(matches!(err, TransportError::ConnectionLost(_)), "{err}");
    assert_eq!(
        out, b"half the out",
        "output received before the loss is delivered"
    );
}

#[test]
fn unexpected_bytes_during_raw_paste_are_a_protocol_error() {
    let code = vec![b'x'; 20];
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x08\x00")
        .step(&code[..8], b"?");
    let mut repl = entered(board, false);
    let err = repl.exec(&code, &mut |_| {}).unwrap_err();
    assert!(matches!(err, TransportError::Protocol { .. }), "{err}");
    assert!(err.to_string().contains("?"), "{err}");
}

#[test]
fn board_ending_the_paste_early_is_acknowledged() {
    let code = vec![b'y'; 20];
    // The board aborts after the first window (e.g. Ctrl-C on its console): it sends \x04, the
    // host acknowledges with \x04 and reads the error the board then reports.
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x08\x00")
        .step(&code[..8], b"\x04")
        .step(b"\x04", b"\x04Traceback: KeyboardInterrupt\x04>");
    let mut repl = entered(board.clone(), false);
    let (out, err) = exec(&mut repl, &code);
    assert!(out.is_empty());
    assert_eq!(err, b"Traceback: KeyboardInterrupt");
    assert_all_steps_ran(&board);
}

#[test]
fn short_commands_go_in_plain_raw_mode_once_the_window_is_known() {
    // A command that fits the window needs no flow control: `code \x04` / `OK` costs fewer
    // bytes than raw-paste's request, answer and acknowledgement. Longer ones follow the window.
    let long = b"x = 12345678";
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x08\x00")
        .step(b"1\x04", b"\x041\n\x04\x04>")
        .step(b"2\x04", b"OK2\n\x04\x04>")
        .step(b"\x05A\x01", b"R\x01\x08\x00")
        .step(&long[..8], b"\x01")
        .step(&[&long[8..], b"\x04"].concat(), b"\x04\x04\x04>");
    let mut repl = entered(board.clone(), false);
    assert_eq!(exec(&mut repl, b"1").0, b"1\n");
    assert_eq!(exec(&mut repl, b"2").0, b"2\n");
    assert_eq!(repl.paste_mode(), PasteMode::Paste { window: 8 });
    assert_eq!(exec(&mut repl, long), (vec![], vec![]));
    assert_all_steps_ran(&board);
}

#[test]
fn recorded_micropython_cortex_m_handshake() {
    // Bytes recorded from MicroPython 1.29 on an ARM Cortex-M3 board (shared/transcripts).
    let board = ScriptedBoard::new()
        .step(
            ENTER,
            // (Recorded with Ctrl-B before Ctrl-A: its banner, then the raw one.)
            b"\r\n>>> \r\n>>> \r\n>>> \r\n>>> \r\nMicroPython v1.29.0-preview.731.g1c3c201149.dirty on 2026-11-23; mps2-an385 with Cortex-M3\r\nType \"help()\" for more information.\r\n>>> \r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>",
        )
        .step(b"\x04", b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>")
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"print(1)\x04", b"\x01\x041\r\n\x04\x04>");
    let mut repl = entered(board.clone(), true);
    assert_eq!(exec(&mut repl, b"print(1)").0, b"1\r\n");
    assert_all_steps_ran(&board);
}

#[test]
fn recorded_circuitpython_handshake() {
    // CircuitPython 10.3: its banner comes after Ctrl-A, and its reboot text has no `MPY:`.
    let board = ScriptedBoard::new()
        .step(
            ENTER,
            b"\r\n>>> \r\n>>> \r\n>>> \r\n>>> \r\n\r\nAdafruit CircuitPython 10.3.0-alpha.4-53-gcd3da4a5d8-dirty on 2026-11-23; linux [GCC 12.2.0] version\r\n>>> \r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>",
        )
        .step(b"\x04", b"OK\r\nsoft reboot\r\nraw REPL; CTRL-B to exit\r\n>")
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"x=1\x04", b"\x01\x04\x04\x04>");
    let mut repl = entered(board.clone(), true);
    assert_eq!(exec(&mut repl, b"x=1"), (vec![], vec![]));
    assert_all_steps_ran(&board);
}

#[test]
fn an_abort_request_stops_a_call_that_never_ends() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"loop()\x04", b"\x04running");
    let conn = connected(&board);
    let handle = conn.exec(b"loop()".to_vec(), None);
    let t0 = Instant::now();
    let mut out = Vec::new();
    let mut aborted = false;
    let err = loop {
        match handle
            .recv_timeout(Duration::from_secs(5))
            .expect("an event")
        {
            ExecEvent::Stdout(b) => {
                out.extend_from_slice(&b);
                if !aborted {
                    // The call is running on the board: give it up.
                    conn.abort(handle.id);
                    aborted = true;
                }
            }
            ExecEvent::Accepted => {}
            ExecEvent::Done { .. } => panic!("the call cannot end on its own"),
            ExecEvent::HostCall { .. } => panic!("no host function was called"),
            ExecEvent::Failed(e) => break e,
        }
    };
    assert!(matches!(err, TransportError::Aborted), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert_eq!(out, b"running");
}

/// Give up a running call (it printed `running`) and return once the connection says so.
fn abandon_running_call(conn: &belay_transport::Connection) {
    let handle = conn.exec(b"loop()".to_vec(), None);
    loop {
        match handle
            .recv_timeout(Duration::from_secs(5))
            .expect("an event")
        {
            ExecEvent::Stdout(_) => conn.abort(handle.id),
            ExecEvent::Failed(e) => {
                assert!(matches!(e, TransportError::Aborted), "{e}");
                return;
            }
            ExecEvent::Accepted => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn after_a_given_up_call_the_next_one_skips_what_the_board_still_owed() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"loop()\x04", b"\x04running")
        // The next call re-enters the raw REPL: the board first finishes the call it was given
        // up on (its output's end, its error's end, its prompt), then shows a banner for each
        // Ctrl-A it had been sent meanwhile (here two: an earlier attempt's too).
        .step(
            ENTER,
            b" done\x04\x04>\r\nraw REPL; CTRL-B to exit\r\n>raw REPL; CTRL-B to exit\r\n>",
        )
        // The probe: whatever comes before its output is dropped.
        .step_answering(PROBE, 0x04, probe_reply)
        .step(b"1\x04", b"OK1\r\n\x04\x04>");
    let conn = connected(&board);
    abandon_running_call(&conn);
    let out = conn.exec_collect(b"1", None).expect("the call after");
    assert_eq!((out.stdout, out.stderr), (b"1\r\n".to_vec(), vec![]));
    assert_all_steps_ran(&board);
}

#[test]
fn a_board_still_busy_after_a_given_up_call_is_said_to_be() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"loop()\x04", b"\x04running")
        .silent_at_end();
    let conn = connected(&board);
    abandon_running_call(&conn);
    let t0 = Instant::now();
    let err = conn
        .exec_collect(b"1", None)
        .expect_err("the board is busy");
    assert!(matches!(err, TransportError::StillBusy { .. }), "{err}");
    assert!(err.to_string().contains("still busy"), "{err}");
    assert!(t0.elapsed() < common::GENEROUS, "{:?}", t0.elapsed());
}

/// Run `second` after a first call whose reply is `first_reply`; the second call must report a
/// board reset (its reboot text arrived at the given point).
fn assert_reset_noticed(first_reply: &[u8], second_step: (&[u8], &[u8])) {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"1\x04", first_reply)
        .step(second_step.0, second_step.1);
    let mut repl = entered(board.clone(), false);
    let mut out = Vec::new();
    repl.exec(b"1", &mut |b| out.extend_from_slice(b))
        .expect("first call");
    match repl.exec(b"2", &mut |b| out.extend_from_slice(b)) {
        Err(TransportError::BoardReset(seen)) => assert!(seen.contains("reboot"), "{seen}"),
        other => panic!("expected BoardReset, got {other:?}"),
    }
}

#[test]
fn a_reboot_as_a_command_ends_is_not_taken_for_its_prompt() {
    // CircuitPython's supervisor.reload(): the command ends, then the reboot text and a new banner.
    assert_reset_noticed(
        b"\x04\x04\x04soft reboot\r\nraw REPL; CTRL-B to exit\r\n>",
        (b"", b""),
    );
}

#[test]
fn a_reboot_between_calls_is_noticed_before_sending() {
    assert_reset_noticed(
        b"\x04\x04\x04>MPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>",
        (b"", b""),
    );
}

#[test]
fn a_reboot_answering_the_command_is_not_a_protocol_error() {
    assert_reset_noticed(
        b"\x04\x04\x04>",
        (b"2\x04", b"soft reboot\r\nraw REPL; CTRL-B to exit\r\n>"),
    );
}

#[test]
fn a_reboot_during_a_call_ends_it() {
    assert_reset_noticed(
        b"\x04\x04\x04>",
        (
            b"2\x04",
            b"OKpartial\r\nsoft reboot\r\nraw REPL; CTRL-B to exit\r\n>",
        ),
    );
}

/// A reboot whose text arrives after the REPL was entered but before any command ran loses
/// nothing (e.g. the late end of a previous session's reset): the first command goes on.
#[test]
fn a_reboot_before_the_first_command_is_waited_out() {
    let board = ScriptedBoard::new()
        .step(
            ENTER,
            b"\r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>MPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>",
        )
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"print(1)\x04", b"\x04")
        .step(b"", b"1\r\n\x04\x04>");
    let mut repl = entered(board.clone(), false);
    assert_eq!(exec(&mut repl, b"print(1)"), (b"1\r\n".to_vec(), vec![]));
    assert_all_steps_ran(&board);
}

/// A raw REPL banner still on its way from before (a previous session's reset) arrives ahead of
/// the one Ctrl-A asked for: the soft reset waits for its own reboot text, so the late banner is
/// not taken for the end of the reset (on a real board the first command would then be sent
/// while it reboots, and its reply would show the reboot).
#[test]
fn a_stale_raw_banner_is_not_taken_for_the_end_of_the_soft_reset() {
    let stale_then_ours: &[u8] =
        b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>raw REPL; CTRL-B to exit\r\n>";
    let reset: &[u8] = b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>";
    let board = ScriptedBoard::new()
        .step(ENTER, stale_then_ours)
        .step(b"\x04", reset)
        .step(b"\x05A\x01", b"R\x01\x80\x00\x01")
        .step(b"print(1)\x04", b"\x04")
        .step(b"", b"1\r\n\x04\x04>");
    let mut repl = entered(board.clone(), true);
    assert_eq!(
        board.read_by_host(),
        (stale_then_ours.len() + reset.len()) as u64,
        "entering ends with the reset's own banner"
    );
    assert_eq!(exec(&mut repl, b"print(1)"), (b"1\r\n".to_vec(), vec![]));
    assert_all_steps_ran(&board);
}
