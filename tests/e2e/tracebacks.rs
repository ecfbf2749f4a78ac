//! Board tracebacks in host terms: every host call that led to an uncaught board exception, the
//! line of a task the board cannot compile, and the tracebacks board threads print as output.

use crate::support::{Board, Kind, check_script, root, run_script};

/// The line of `tests/scripts/<script>` that holds `marker`.
fn line_of(script: &str, marker: &str) -> usize {
    let text = std::fs::read_to_string(root().join("tests/scripts").join(script)).unwrap();
    text.lines()
        .position(|l| l.contains(marker) && !l.contains("line_of("))
        .unwrap_or_else(|| panic!("{marker} not in {script}"))
        + 1
}

/// Where miette shows a snippet of `script` at the line of `marker`, in `report`.
fn shown_at(report: &str, script: &str, marker: &str) -> usize {
    let place = format!("{script}:{}:", line_of(script, marker));
    report
        .find(&place)
        .unwrap_or_else(|| panic!("{place} ({marker}) not shown in:\n{report}"))
}

/// A task called from `inner()`, called from `outer()`, called at module level: the report shows
/// the board line, then each host call outermost first, the innermost one as the call that ran
/// on the board.
#[test]
fn an_uncaught_board_exception_shows_every_host_call_that_led_to_it() {
    let board = Board::start(Kind::Unix);
    let run = run_script("call_chain.py", &[&board.port]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    assert_eq!(run.stdout, "before the call\n");
    let report = &run.stderr;
    let places = [
        "# BOARD-LINE",
        "# MODULE-CALL",
        "# OUTER-CALL",
        "# INNER-CALL",
    ]
    .map(|marker| shown_at(report, "call_chain.py", marker));
    assert!(places.is_sorted(), "{places:?} out of order in:\n{report}");
    assert!(
        report.contains("× NameError: name 'undefined_name'"),
        "{report}"
    );
    assert!(report.contains("raised on the board here"), "{report}");
    assert_eq!(report.matches("called from here").count(), 2, "{report}");
    let ran = report.find("this call ran on the board").unwrap();
    assert!(ran > places[3], "{report}");
}

/// MicroPython has no `match`: a task using it is refused by the board's compiler, and the
/// `SyntaxError` names the task's line (in the exception and in the uncaught report), not its
/// decorator.
fn syntax_error_of_a_task(kind: Kind) {
    let script = "board_syntax_error.py";
    check_script(kind, script, &[], "board syntax error ok");
    let board = Board::start(kind);
    let run = run_script(script, &[&board.port, "--uncaught"]);
    assert_eq!(run.code(), Some(1), "{run:?}");
    let report = &run.stderr;
    assert!(report.contains("× SyntaxError: invalid syntax"), "{report}");
    let bad = shown_at(report, script, "# UNCAUGHT-LINE");
    let label = report.find("the board could not compile this").unwrap();
    assert!(bad < label, "{report}");
}

#[test]
fn a_syntax_error_of_a_task_names_its_line_unix() {
    syntax_error_of_a_task(Kind::Unix);
}

#[test]
fn a_syntax_error_of_a_task_names_its_line_wasm() {
    syntax_error_of_a_task(Kind::Wasm);
}

/// A board thread's unhandled exception, printed by the board, names the host lines of its
/// frames; the unix board's stderr goes to the link (`2>&1`) as a board's UART carries it.
#[test]
fn board_thread_tracebacks_name_host_lines() {
    let port = format!("{} 2>&1", Kind::Unix.exec_port());
    let run = run_script("thread_traceback.py", &[&port]);
    run.assert_ok();
    assert!(
        run.stdout.ends_with("thread traceback ok\n"),
        "{}",
        run.stdout
    );
}
