//! User code and the names of belay-run's board helpers (tests/scripts/board_names.py): a setup,
//! task, thread or `device(...)` string that would bind one is refused on the host at its line,
//! and later calls still work; a setup that rebinds `sys`, `time`, `os`, `errno` and `io` breaks
//! neither calls, events, host functions, mounts nor sync.

use crate::support::{Board, Kind, check_script_on};

fn check(board: &Board, no_startup: bool) {
    let scratch = tempfile::tempdir().unwrap();
    let mut args = vec![scratch.path().to_str().unwrap()];
    if no_startup {
        args.push("--no-startup");
    }
    check_script_on(board, "board_names.py", &args, "board names ok");
}

#[test]
fn helper_names_are_refused_and_module_names_are_free_on_the_unix_board() {
    check(&Board::start(Kind::Unix), false);
}

#[test]
fn helper_names_on_a_64k_unix_board_without_startup_imports() {
    check(&Board::start_with(Kind::Unix, &["--heap", "64k"]), true);
}
