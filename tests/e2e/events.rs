//! Board → host events and host functions (tests/scripts/events.py) on each test board: during a
//! call and between calls, a burst of 10 000, an exact dropped count, values of every kind,
//! forged frames, raising callbacks, host functions (raising, from a generator, from a setup,
//! nested calls refused), and a reconnect.

use crate::support::{Board, Kind, check_script_on};

fn check(board: &Board, background: &str) {
    check_with(board, &[background]);
}

/// [`check`] with the script's arguments: the background, then `--no-startup` if wanted.
fn check_with(board: &Board, args: &[&str]) {
    let background = args[0];
    let run = check_script_on(board, "events.py", args, "events ok");
    // Reported on stderr: the board's overflow, with its exact count, and the raising callback
    // with its traceback.
    assert!(
        run.stderr
            .contains("belay: 9936 events dropped (the board's event queue of 64 was full)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("belay: the callback fragile for event 'fragile' raised:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("ZeroDivisionError: callback failure on purpose"),
        "{}",
        run.stderr
    );
    // The forged frames were output, as printed.
    assert!(
        run.stdout.contains("\x1eabcde\x1dE('forged', 1, None)\x1f"),
        "{}",
        run.stdout
    );
    if background != "none" {
        // A board thread's print between calls arrives when printed.
        assert!(
            run.stdout.contains("printed between calls"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn events_unix_with_a_board_thread() {
    check(&Board::start(Kind::Unix), "thread");
}

/// With `startup=""` on a 64 KiB board: the events and host-function helpers import what they use.
#[test]
fn events_unix_on_a_64k_board_without_startup_imports() {
    check_with(
        &Board::start_with(Kind::Unix, &["--heap", "64k"]),
        &["thread", "--no-startup"],
    );
}

#[test]
fn events_wasm_with_a_timer_in_plain_raw_mode() {
    check(&Board::start(Kind::Wasm), "timer");
}

#[test]
fn events_circuitpython() {
    check(&Board::start_with(Kind::Unix, &["--circuitpython"]), "none");
}

/// The webassembly test board stops its timers at a soft reset, as a board does (a timer of the
/// previous VM firing into the fresh one crashed it).
#[test]
fn a_soft_reset_stops_the_wasm_boards_timers() {
    crate::support::check_script(
        crate::support::Kind::Wasm,
        "timer_reset.py",
        &[],
        "timer reset ok",
    );
}
