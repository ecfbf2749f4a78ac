//! A board that stops answering: every wait is bounded and names what it was waiting for, and
//! Ctrl-C on the host ends the process within a second whatever the board does.

use std::time::{Duration, Instant};

use crate::support::{Board, Kind, Ready, belay_run, check_script_on, root, start_until};

/// The longest Ctrl-C may take to end the process: the one second, with room for a
/// loaded machine to start and reap processes.
const EXIT_BOUND: Duration = Duration::from_millis(1500);

#[test]
fn a_board_silent_mid_connect_fails_within_the_bound_naming_the_step() {
    for kind in [Kind::Unix, Kind::Wasm] {
        let board = Board::start_with(kind, &["--mute-at-ctrl-a"]);
        let t0 = Instant::now();
        let run = check_script_on(&board, "stuck_connect.py", &["1"], "stuck connect ok");
        assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
        let took: f64 = run
            .stdout
            .split("failed after ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|s| s.parse().ok())
            .expect("the time the connect took");
        assert!(
            (0.9..3.0).contains(&took),
            "the 1 s bound ran out after {took} s"
        );
    }
}

#[test]
fn the_cli_bounds_connect_and_names_the_step() {
    let board = Board::start_with(Kind::Unix, &["--mute-at-ctrl-a"]);
    let mut cmd = belay_run();
    cmd.args(["--connect-timeout", "1", "exec", &board.port, "1 + 1"]);
    let run = crate::support::run_with_limit(cmd, Duration::from_secs(30));
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert!(
        run.stderr.contains("ConnectionFailedError"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("the raw REPL banner after Ctrl-C, Ctrl-A"),
        "{}",
        run.stderr
    );
}

/// `tests/scripts/<script> ARGS` under belay-run, once it printed `ready`.
fn started(script: &str, args: &[&str], ready: &str) -> Ready {
    let mut cmd = belay_run();
    cmd.arg(root().join("tests/scripts").join(script))
        .args(args);
    start_until(cmd, ready)
}

#[test]
fn ctrl_c_while_connecting_to_a_silent_board_exits_at_once() {
    let board = Board::start_with(Kind::Unix, &["--mute-at-ctrl-a"]);
    let process = started("stuck_connect.py", &[&board.port, "0"], "connecting");
    // Well into the wait for the raw REPL banner that never comes.
    std::thread::sleep(Duration::from_millis(700));
    let end = process.interrupt();
    assert!(!end.status.success(), "{:?}", end.status);
    assert!(end.stderr.contains("KeyboardInterrupt"), "{}", end.stderr);
    assert!(end.took < EXIT_BOUND, "exit took {:?}", end.took);
}

#[test]
fn ctrl_c_with_a_board_silent_between_calls_exits_at_once() {
    let mut board = Board::start(Kind::Unix);
    let process = started("stuck_exit.py", &[&board.port, "idle"], "ready");
    board.mute();
    std::thread::sleep(Duration::from_millis(200));
    let end = process.interrupt();
    assert!(!end.status.success(), "{:?}", end.status);
    assert!(end.stderr.contains("KeyboardInterrupt"), "{}", end.stderr);
    // The teardown could not run: the board never took it.
    assert!(!end.stdout.contains("teardown ran"), "{}", end.stdout);
    assert!(end.stderr.contains("stopped answering"), "{}", end.stderr);
    assert!(end.took < EXIT_BOUND, "exit took {:?}", end.took);
}

#[test]
fn ctrl_c_during_a_call_to_a_board_that_went_silent_exits_at_once() {
    let mut board = Board::start(Kind::Unix);
    let process = started("stuck_exit.py", &[&board.port, "call"], "ready");
    board.mute();
    std::thread::sleep(Duration::from_millis(300));
    let end = process.interrupt();
    assert!(!end.status.success(), "{:?}", end.status);
    assert!(end.stderr.contains("KeyboardInterrupt"), "{}", end.stderr);
    assert!(!end.stdout.contains("teardown ran"), "{}", end.stdout);
    assert!(end.stderr.contains("teardowns skipped"), "{}", end.stderr);
    assert!(end.took < EXIT_BOUND, "exit took {:?}", end.took);
}

#[test]
fn ctrl_c_with_an_answering_board_still_runs_the_teardown() {
    let board = Board::start(Kind::Unix);
    let process = started("stuck_exit.py", &[&board.port, "call"], "ready");
    std::thread::sleep(Duration::from_millis(300));
    let end = process.interrupt();
    assert!(!end.status.success(), "{:?}", end.status);
    assert!(end.stderr.contains("KeyboardInterrupt"), "{}", end.stderr);
    assert!(
        end.stdout.contains("teardown ran"),
        "{}\n{}",
        end.stdout,
        end.stderr
    );
    assert!(end.took < EXIT_BOUND, "exit took {:?}", end.took);
}
