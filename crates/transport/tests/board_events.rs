//! Board → host frames against a scripted board (`docs/protocol.md` §6): events during a call and
//! between calls, a host function call answered on the board's console, and output printed
//! between calls, all without an interpreter.

mod common;

use std::time::Duration;

use belay_transport::scripted::ScriptedBoard;
use belay_transport::wire::Literal;
use belay_transport::wire::frames::host_answer;
use belay_transport::{BoardEvent, ExecEvent};
use common::{ENTER, PASTE_REQUEST, RAW, assert_all_steps_ran, connected};

const MARKER: &[u8] = b"\x1eABCDE";

fn frame(payload: &[u8]) -> Vec<u8> {
    [MARKER, b"\x1d", payload, b"\x1f"].concat()
}

#[test]
fn events_and_a_host_call_during_a_call_then_events_between_calls() {
    let during = [
        &b"OKout "[..],
        &frame(b"E('a', 1, 5)"),
        &frame(b"H('f', (2,), {'k': b'x'})"),
    ]
    .concat();
    let after_answer = [
        &b"more"[..],
        MARKER,
        b"7\x04\x04>",
        &frame(b"E('idle', None, None)"),
        b"printed\n",
        &frame(b"L3"),
    ]
    .concat();
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(PASTE_REQUEST, b"R\x00")
        .step(b"work()\x04", &during)
        .step(b"(0,4)\n", &after_answer);
    let conn = connected(&board);
    conn.watch_events(MARKER.to_vec());
    let events = conn.events();

    let handle = conn.exec(b"work()".to_vec(), Some(MARKER.to_vec()));
    let mut out = Vec::new();
    let reply = loop {
        match handle
            .recv_timeout(Duration::from_secs(5))
            .expect("an event")
        {
            ExecEvent::Accepted => {}
            ExecEvent::Stdout(b) => out.extend_from_slice(&b),
            ExecEvent::HostCall { name, args, kwargs } => {
                assert_eq!(name, "f");
                assert_eq!(args, [Literal::Int(2)]);
                assert_eq!(kwargs, [("k".to_string(), Literal::Bytes(b"x".to_vec()))]);
                conn.answer(&host_answer(Ok("4"))).unwrap();
            }
            ExecEvent::Done { reply, stderr } => {
                assert!(stderr.is_empty());
                break reply;
            }
            ExecEvent::Failed(e) => panic!("{e}"),
        }
    };
    assert_eq!(out, b"out more");
    assert_eq!(reply.as_deref(), Some(&b"7"[..]));

    let next = || {
        events
            .recv_timeout(Duration::from_secs(5))
            .expect("an event")
    };
    assert_eq!(
        next(),
        BoardEvent::Event {
            name: "a".into(),
            value: Literal::Int(1),
            ticks: Some(5)
        }
    );
    // After the call, while no command runs.
    assert_eq!(
        next(),
        BoardEvent::Event {
            name: "idle".into(),
            value: Literal::None,
            ticks: None
        }
    );
    assert_eq!(next(), BoardEvent::Output(b"printed\n".to_vec()));
    assert_eq!(
        next(),
        BoardEvent::Dropped {
            count: 3,
            on_host: false
        }
    );
    assert_all_steps_ran(&board);
}

#[test]
fn frames_that_do_not_parse_are_output() {
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(PASTE_REQUEST, b"R\x00")
        .step(
            b"x()\x04",
            &[
                &b"OK"[..],
                &frame(b"E__import__('os')"),
                MARKER,
                b"1\x04\x04>",
            ]
            .concat(),
        );
    let conn = connected(&board);
    let collected = conn.exec_collect(b"x()", Some(MARKER)).unwrap();
    assert_eq!(collected.stdout, frame(b"E__import__('os')"));
    assert_eq!(collected.reply.as_deref(), Some(&b"1"[..]));
    assert!(conn.events().try_recv().is_err());
}

/// A board thread or timer may print a frame at any moment: in the middle of the raw-paste
/// answer, before a paste's acknowledgement or `OK`, between the output's end and the error
/// text's, before the prompt (with a `>` in its payload). Each is an event, and the protocol is
/// undisturbed.
#[test]
fn frames_in_the_middle_of_handshakes_are_events() {
    let ev = |n: i64| frame(format!("E('t', {n}, None)").as_bytes());
    let board = ScriptedBoard::new()
        .step(ENTER, RAW)
        .step(
            PASTE_REQUEST,
            &[&b"R\x01"[..], &ev(1), b"\x80\x00", &ev(2), b"\x01"].concat(),
        )
        .step(b"a()\x04", &[&ev(3)[..], b"\x04"].concat())
        .step(
            b"",
            &[
                &b"x"[..],
                MARKER,
                b"1\x04",
                &ev(4),
                b"\x04",
                &frame(b"E('gt', '>', None)"),
                b">",
            ]
            .concat(),
        )
        .step(
            b"b()\x04",
            &[&ev(5)[..], b"OK", MARKER, b"2\x04\x04>"].concat(),
        );
    let conn = connected(&board);
    conn.watch_events(MARKER.to_vec());
    let events = conn.events();
    for (code, result) in [(&b"a()"[..], &b"1"[..]), (b"b()", b"2")] {
        let got = conn.exec_collect(code, Some(MARKER)).unwrap();
        assert_eq!(got.reply.as_deref(), Some(result));
        assert!(got.stderr.is_empty(), "{:?}", got.stderr);
        assert_eq!(got.stdout, if result == b"1" { &b"x"[..] } else { b"" });
    }
    let mut names = Vec::new();
    while let Ok(BoardEvent::Event { name, value, .. }) =
        events.recv_timeout(Duration::from_millis(500))
    {
        names.push(format!("{name}={value:?}"));
    }
    assert_eq!(
        names,
        [
            "t=Int(1)",
            "t=Int(2)",
            "t=Int(3)",
            "t=Int(4)",
            "gt=Str(\">\")",
            "t=Int(5)"
        ]
    );
    assert_all_steps_ran(&board);
}
