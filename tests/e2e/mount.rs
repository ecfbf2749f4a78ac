//! Host folders mounted on the test boards (tests/scripts/mount.py), each in a scratch folder of
//! the test.

use crate::support::{Board, Kind, check_script_on};

fn check(kind: Kind) {
    let scratch = tempfile::tempdir().unwrap();
    let folder = scratch.path().join("mounted");
    let board = Board::start(kind);
    check_script_on(
        &board,
        "mount.py",
        &[folder.to_str().unwrap(), kind.name()],
        "mount ok",
    );
}

#[test]
fn mount_on_the_unix_board() {
    check(Kind::Unix);
}

#[test]
fn mount_on_the_wasm_board() {
    check(Kind::Wasm);
}
