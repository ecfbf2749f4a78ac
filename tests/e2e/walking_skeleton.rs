//! End-to-end: `belay-run` scripts against real MicroPython boards (unix and webassembly ports)
//! reached through a pty, as a USB board would be.

use std::time::Duration;

use crate::support::{
    Board, Kind, belay_run, check_script, interrupt_after, root, run_script, run_with_limit,
};

/// One test per board kind for a script that asserts on its own and prints `expect`.
macro_rules! on_both_boards {
    ($name:ident, $script:literal, $expect:literal) => {
        mod $name {
            use super::*;

            #[test]
            fn unix() {
                check_script(Kind::Unix, $script, &[], $expect);
            }

            #[test]
            fn wasm() {
                check_script(Kind::Wasm, $script, &[], $expect);
            }
        }
    };
}

on_both_boards!(literals_round_trip, "literals.py", "literals ok 34");
on_both_boards!(
    exceptions_map_to_host_lines,
    "exceptions.py",
    "exceptions ok"
);
on_both_boards!(eval_and_exec, "eval_exec.py", "eval ok");
on_both_boards!(nested_and_method_tasks, "nested_method.py", "nested ok");
on_both_boards!(close_and_reconnect, "reconnect.py", "reconnect ok");
on_both_boards!(bulk_data, "bulk.py", "bulk ok");

fn print_forwarding(kind: Kind) {
    let board = Board::start(kind);
    let run = run_script("printing.py", &[&board.port]);
    run.assert_ok();
    assert_eq!(
        run.stdout,
        "[begin]\nline 0\nline 1\nno newline -- continued[result] 2\n\
         tail without newline[result] 7\nfrom device()[end]\n[streamed]\n",
    );
}

#[test]
fn print_forwarding_unix() {
    print_forwarding(Kind::Unix);
}

#[test]
fn print_forwarding_wasm() {
    print_forwarding(Kind::Wasm);
}

fn blink_example(kind: Kind) {
    let board = Board::start(kind);
    let mut cmd = belay_run();
    cmd.arg("--port")
        .arg(&board.port)
        .arg(root().join("examples/01_blink_led/main.py"))
        .args(["--count", "2", "--period", "0.02"]);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    run.assert_ok();
    let one = "Printing from device; turning LED to True.\nhost: LED pin reads 1\n\
               Printing from device; turning LED to False.\nhost: LED pin reads 0\n";
    assert_eq!(run.stdout, one.repeat(2));
}

#[test]
fn blink_example_unix() {
    blink_example(Kind::Unix);
}

#[test]
fn blink_example_wasm() {
    blink_example(Kind::Wasm);
}

#[test]
fn exec_port_runs_a_board_process() {
    for kind in [Kind::Unix, Kind::Wasm] {
        let run = run_script("eval_exec.py", &[&kind.exec_port()]);
        run.assert_ok();
        assert!(run.stdout.contains("eval ok"), "{}", run.stdout);
    }
}

#[test]
fn default_port_from_option_and_environment() {
    let board = Board::start(Kind::Unix);
    let script = root().join("examples/01_blink_led/main.py");
    let mut cmd = belay_run();
    cmd.args(["--port", &board.port])
        .arg(&script)
        .args(["-n", "1", "--period", "0"]);
    run_with_limit(cmd, Duration::from_secs(60)).assert_ok();
    let mut cmd = belay_run();
    cmd.env("BELAY_DEVICE", &board.port)
        .arg(&script)
        .args(["-n", "1", "--period", "0"]);
    run_with_limit(cmd, Duration::from_secs(60)).assert_ok();
}

#[test]
fn ctrl_c_interrupts_the_board_call_and_the_next_call_works() {
    let board = Board::start(Kind::Unix);
    let mut cmd = belay_run();
    cmd.arg(root().join("tests/scripts/interrupt.py"))
        .arg(&board.port);
    let end = interrupt_after(cmd, "started");
    assert_eq!(end.stdout, "interrupted\nafter 2\n");
    assert!(end.status.success(), "{:?}", end.status);
    assert!(
        end.took < Duration::from_secs(5),
        "interrupt took {:?}",
        end.took
    );
}
