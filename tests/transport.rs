//! Transport behaviour on real boards: every port form, call timeouts, vanished boards.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{Board, Kind, belay_run, root, run_script, watchdog};

#[test]
fn call_timeout_interrupts_the_board_and_the_next_call_works() {
    let board = Board::start(Kind::Unix);
    let run = run_script("timeout.py", &[&board.port]);
    run.assert_ok();
    assert!(run.stdout.contains("timeout ok"), "{}", run.stdout);
}

#[test]
fn vanished_board_raises_connection_lost_within_a_second() {
    let mut board = Board::start(Kind::Unix);
    let mut child = belay_run()
        .arg(root().join("tests/scripts/lost.py"))
        .arg(&board.port)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let _guard = watchdog(child.id(), Duration::from_secs(30));
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "started\n");
    let t0 = Instant::now();
    board.kill();
    line.clear();
    out.read_line(&mut line).unwrap();
    let took = t0.elapsed();
    assert!(line.starts_with("lost: connection lost"), "{line:?}");
    assert!(
        took < Duration::from_secs(1),
        "ConnectionLost after {took:?}"
    );
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "still lost\n");
    assert!(child.wait().unwrap().success());
}
