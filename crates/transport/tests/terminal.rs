//! The friendly REPL on an open connection (`Connection::terminal`, `docs/protocol.md` §7)
//! against a scripted board: keys go out as typed, output comes back, a host function call made
//! while the user types is served, the raw REPL is entered again when the keys end, and a soft
//! reboot the user asks for ends the session as a reset.

mod common;

use std::time::Duration;

use belay_transport::scripted::ScriptedBoard;
use belay_transport::wire::Literal;
use belay_transport::wire::frames::host_answer;
use belay_transport::{Connection, ExecEvent, ExecHandle, TransportError};
use common::{BANNER, ENTER, RAW, assert_all_steps_ran, connected};

const MARKER: &[u8] = b"\x1eABCDE";

fn frame(payload: &[u8]) -> Vec<u8> {
    [MARKER, b"\x1d", payload, b"\x1f"].concat()
}

/// The output until the session ends, answering host calls with `answer`; the last event.
fn follow(conn: &Connection, handle: &ExecHandle, answer: &str) -> (Vec<u8>, ExecEvent) {
    let mut out = Vec::new();
    loop {
        match handle
            .recv_timeout(Duration::from_secs(5))
            .expect("an event")
        {
            ExecEvent::Accepted => {}
            ExecEvent::Stdout(b) => out.extend_from_slice(&b),
            ExecEvent::HostCall { name, args, .. } => {
                assert_eq!(name, "_Bfs");
                assert_eq!(args[1], Literal::Str("stat".into()));
                conn.answer(&host_answer(Ok(answer))).unwrap();
            }
            last => return (out, last),
        }
    }
}

#[test]
fn keys_output_and_a_host_call_then_back_to_the_raw_repl() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\r\x02", BANNER)
        .step(
            b"import m\r",
            &[
                &b"import m\r\n"[..],
                &frame(b"H('_Bfs', ('/remote', 'stat', 'm.py'), {})"),
            ]
            .concat(),
        )
        .step(b"(0,(32768,))\n", b"hi from m\r\n>>> ")
        .step(ENTER, RAW);
    let conn = connected(&board);
    conn.watch_events(MARKER.to_vec());
    let (handle, keys) = conn.terminal();
    // What the person types arrives in pieces.
    keys.send(b"import ").unwrap();
    keys.send(b"m\r").unwrap();
    let waiter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(keys);
    });
    let (out, last) = follow(&conn, &handle, "(32768,)");
    waiter.join().unwrap();
    assert!(matches!(last, ExecEvent::Done { .. }), "{last:?}");
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("MicroPython v1.29.0"), "{text:?}");
    assert!(text.ends_with("import m\r\nhi from m\r\n>>> "), "{text:?}");
    assert!(
        !text.contains('\x1e'),
        "a frame leaked into the output: {text:?}"
    );
    // The connection runs commands again.
    assert_all_steps_ran(&board);
}

#[test]
fn a_soft_reboot_ends_the_session_as_a_reset() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(b"\r\x02", BANNER)
        .step(
            b"\x04",
            b"\r\nMPY: soft reboot\r\nMicroPython v1.29.0\r\n>>> ",
        );
    let conn = connected(&board);
    let (handle, keys) = conn.terminal();
    keys.send(b"\x04").unwrap();
    let (out, last) = follow(&conn, &handle, "None");
    assert!(
        matches!(last, ExecEvent::Failed(TransportError::BoardReset(_))),
        "{last:?}"
    );
    assert!(String::from_utf8_lossy(&out).contains("soft reboot"));
    assert_all_steps_ran(&board);
}
