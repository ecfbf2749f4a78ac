//! What comes back from a board reaches the caller that asked, as the value the board means:
//! floats at the board's own precision in every path, and results from many host threads at
//! once never crossing (issue 34).

use crate::support::{Board, Kind, check_script, check_script_on};

#[test]
fn floats_of_a_single_precision_board_read_as_written_unix() {
    let board = Board::start_with(Kind::Unix, &["--float32"]);
    check_script_on(&board, "floats.py", &["single"], "floats ok single");
}

#[test]
fn floats_of_a_single_precision_board_read_as_written_wasm() {
    let board = Board::start_with(Kind::Wasm, &["--float32"]);
    check_script_on(&board, "floats.py", &["single"], "floats ok single");
}

#[test]
fn floats_of_a_double_precision_board_stay_exact_unix() {
    check_script(Kind::Unix, "floats.py", &["double"], "floats ok double");
}

#[test]
fn floats_of_a_double_precision_board_stay_exact_wasm() {
    check_script(Kind::Wasm, "floats.py", &["double"], "floats ok double");
}

#[test]
fn results_never_cross_between_host_threads_unix() {
    check_script(Kind::Unix, "threads.py", &["20", "8"], "threads ok");
}

#[test]
fn results_never_cross_between_host_threads_wasm() {
    check_script(Kind::Wasm, "threads.py", &["5", "6"], "threads ok");
}
