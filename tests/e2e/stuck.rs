//! A board that stops answering: every wait is bounded and names what it was waiting for, and
//! Ctrl-C on the host ends the process within a second whatever the board does.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Board, Kind, belay_run, check_script_on, root, watchdog};

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
        run.stderr.contains("the raw REPL banner after Ctrl-A"),
        "{}",
        run.stderr
    );
}

/// Start `tests/scripts/<script> ARGS`, wait for its first line (`expect`), then run `then`.
fn started(
    script: &str,
    args: &[&str],
    expect: &str,
) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = belay_run()
        .arg(root().join("tests/scripts").join(script))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting belay-run");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line.trim_end(), expect);
    (child, stdout)
}

/// Send SIGINT to `child`; its exit status, the rest of its output, and how long it took.
fn interrupt(
    mut child: Child,
    mut stdout: BufReader<std::process::ChildStdout>,
) -> (std::process::ExitStatus, String, String, Duration) {
    let _guard = watchdog(child.id(), Duration::from_secs(30));
    let t0 = Instant::now();
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let took = t0.elapsed();
    let mut out = String::new();
    stdout.read_to_string(&mut out).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status, out, err, took)
}

#[test]
fn ctrl_c_while_connecting_to_a_silent_board_exits_at_once() {
    let board = Board::start_with(Kind::Unix, &["--mute-at-ctrl-a"]);
    let (child, stdout) = started("stuck_connect.py", &[&board.port, "0"], "connecting");
    // Well into the wait for the raw REPL banner that never comes.
    std::thread::sleep(Duration::from_millis(700));
    let (status, _, err, took) = interrupt(child, stdout);
    assert!(!status.success(), "{status:?}");
    assert!(err.contains("KeyboardInterrupt"), "{err}");
    assert!(took < EXIT_BOUND, "exit took {took:?}");
}

#[test]
fn ctrl_c_with_a_board_silent_between_calls_exits_at_once() {
    let mut board = Board::start(Kind::Unix);
    let (child, stdout) = started("stuck_exit.py", &[&board.port, "idle"], "ready");
    board.mute();
    std::thread::sleep(Duration::from_millis(200));
    let (status, out, err, took) = interrupt(child, stdout);
    assert!(!status.success(), "{status:?}");
    assert!(err.contains("KeyboardInterrupt"), "{err}");
    // The teardown could not run: the board never took it.
    assert!(!out.contains("teardown ran"), "{out}");
    assert!(err.contains("stopped answering"), "{err}");
    assert!(took < EXIT_BOUND, "exit took {took:?}");
}

#[test]
fn ctrl_c_during_a_call_to_a_board_that_went_silent_exits_at_once() {
    let mut board = Board::start(Kind::Unix);
    let (child, stdout) = started("stuck_exit.py", &[&board.port, "call"], "ready");
    board.mute();
    std::thread::sleep(Duration::from_millis(300));
    let (status, out, err, took) = interrupt(child, stdout);
    assert!(!status.success(), "{status:?}");
    assert!(err.contains("KeyboardInterrupt"), "{err}");
    assert!(!out.contains("teardown ran"), "{out}");
    assert!(err.contains("teardowns skipped"), "{err}");
    assert!(took < EXIT_BOUND, "exit took {took:?}");
}

#[test]
fn ctrl_c_with_an_answering_board_still_runs_the_teardown() {
    let board = Board::start(Kind::Unix);
    let (child, stdout) = started("stuck_exit.py", &[&board.port, "call"], "ready");
    std::thread::sleep(Duration::from_millis(300));
    let (status, out, err, took) = interrupt(child, stdout);
    assert!(!status.success(), "{status:?}");
    assert!(err.contains("KeyboardInterrupt"), "{err}");
    assert!(out.contains("teardown ran"), "{out}\n{err}");
    assert!(took < EXIT_BOUND, "exit took {took:?}");
}
