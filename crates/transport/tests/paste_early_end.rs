//! A board that ends a raw paste early (`\x04` in the middle of the data): the host
//! acknowledges, reads the board's answer within the bound, and reports the board's error, or
//! falls back to plain raw mode and sends the command again when the board could not take the
//! paste. Never a wait for ever.

mod common;

use std::time::Instant;

use belay_transport::PasteMode;
use belay_transport::scripted::ScriptedBoard;
use common::{
    ENTER, GENEROUS, PASTE_REQUEST, RAW, assert_all_steps_ran, board_in_raw_repl, entered, exec,
};

/// A command longer than the window of 8 the board grants.
fn long_code() -> Vec<u8> {
    b"x = 1234567890 + 1234567890\n".to_vec()
}

/// A board that takes the first window of `code`, then ends the paste.
fn ends_after_first_window(code: &[u8]) -> ScriptedBoard {
    board_in_raw_repl()
        .step(PASTE_REQUEST, b"R\x01\x08\x00")
        .step(&code[..8], b"\x04")
}

#[test]
fn the_boards_error_is_the_commands_error() {
    let code = long_code();
    let tb = b"Traceback (most recent call last):\r\n  File \"<stdin>\", line 1\r\nSyntaxError: invalid syntax\r\n";
    let board = ends_after_first_window(&code)
        .step(b"\x04", &[b"\x04", &tb[..], b"\x04>"].concat())
        // The session goes on: the next command finds the `>` of this one (and, short, goes
        // in plain raw mode).
        .step(b"1\x04", b"OK\x04\x04>");
    let mut repl = entered(board.clone(), false);
    assert_eq!(exec(&mut repl, &code), (vec![], tb.to_vec()));
    assert_eq!(repl.paste_mode(), PasteMode::Paste { window: 8 });
    assert_eq!(exec(&mut repl, b"1"), (vec![], vec![]));
    assert_all_steps_ran(&board);
}

#[test]
fn a_board_that_answers_nothing_gets_the_command_in_plain_raw_mode() {
    let code = long_code();
    let plain = [&code[..], b"\x04"].concat();
    let board = ends_after_first_window(&code)
        .step(b"\x04", b"")
        // The raw REPL is re-entered (no soft reset: what was defined survives)...
        .step(ENTER, RAW)
        // ...and the command sent again, in plain raw mode; so is the next one.
        .step(&plain, b"OKdone\r\n\x04\x04>")
        .step(b"2\x04", b"OK\x04\x04>");
    let mut repl = entered(board.clone(), false);
    let t0 = Instant::now();
    assert_eq!(exec(&mut repl, &code), (b"done\r\n".to_vec(), vec![]));
    assert!(t0.elapsed() < GENEROUS, "took {:?}", t0.elapsed());
    assert_eq!(repl.paste_mode(), PasteMode::Plain);
    assert_eq!(exec(&mut repl, b"2"), (vec![], vec![]));
    assert_all_steps_ran(&board);
}

/// The board answers its early end with `answer`, which does not show the command ran: the raw
/// REPL is entered again and the command sent in plain raw mode.
fn falls_back_to_plain_raw_mode_after(answer: &[u8]) {
    let code = long_code();
    let board = ends_after_first_window(&code)
        .step(b"\x04", answer)
        .step(ENTER, RAW)
        .step(&[&code[..], b"\x04"].concat(), b"OK\x04\x04>");
    let mut repl = entered(board.clone(), false);
    assert_eq!(exec(&mut repl, &code), (vec![], vec![]));
    assert_eq!(repl.paste_mode(), PasteMode::Plain);
    assert_all_steps_ran(&board);
}

#[test]
fn an_answer_without_an_error_means_the_paste_was_not_run_as_sent() {
    // The board ran (or dropped) the part it received and says nothing went wrong: that is not
    // the command's reply; the command goes again in plain raw mode.
    falls_back_to_plain_raw_mode_after(b"\x04\x04>");
}

#[test]
fn a_board_that_resets_its_raw_repl_gets_the_command_in_plain_raw_mode() {
    falls_back_to_plain_raw_mode_after(b"raw REPL; CTRL-B to exit\r\n>");
}
