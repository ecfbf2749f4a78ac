//! What a board sends without being asked, and the host's answers (`docs/protocol.md` §6): the
//! payloads of in-band frames ([`super::splitter`]) and the line that answers a host function.
//!
//! Payloads (written by `snippets/events.py`):
//! - `E(name, value, ticks)`: an event; `ticks` is the board clock (`_Bm()`) when it was emitted,
//!   or `None` on a board without one;
//! - `L<n>`: the board's event queue was full, `n` events were dropped since the last report;
//! - `H(name, args, kwargs)`: board code called host function `name`, and waits for the answer.
//!
//! Every payload is read with the literal parser, never evaluated. The answer to `H` is one line
//! of board source that the board evaluates (as it does arguments): `(0,<value>)` or
//! `(1,<message>)`.

use super::encode::write_str;
use super::literal::{Literal, parse_literal};
use crate::error::show_bytes;

/// A frame, decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Event {
        name: String,
        value: Literal,
        /// The board clock when it was emitted (raw ticks, as `_Bm()` gives them).
        ticks: Option<u64>,
    },
    /// Events the board dropped because its queue was full.
    Dropped(u64),
    HostCall {
        name: String,
        args: Vec<Literal>,
        kwargs: Vec<(String, Literal)>,
    },
}

/// A frame payload that is not in the format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a board frame that is not in belay-run's format: {0}")]
pub struct FrameError(pub String);

/// Decode a frame's payload.
pub fn parse_frame(payload: &[u8]) -> Result<Frame, FrameError> {
    let bad = || FrameError(show_bytes(payload, 120));
    let (&kind, rest) = payload.split_first().ok_or_else(bad)?;
    match kind {
        b'L' => std::str::from_utf8(rest)
            .ok()
            .and_then(|n| n.parse().ok())
            .map(Frame::Dropped)
            .ok_or_else(bad),
        b'E' => match parse_literal(rest).map_err(|_| bad())? {
            Literal::Tuple(items) => match <[Literal; 3]>::try_from(items) {
                Ok([Literal::Str(name), value, ticks]) => Ok(Frame::Event {
                    name,
                    value,
                    ticks: match ticks {
                        Literal::Int(t) => Some(u64::try_from(t).map_err(|_| bad())?),
                        Literal::None => None,
                        _ => return Err(bad()),
                    },
                }),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        },
        b'H' => match parse_literal(rest).map_err(|_| bad())? {
            Literal::Tuple(items) => match <[Literal; 3]>::try_from(items) {
                Ok(
                    [
                        Literal::Str(name),
                        Literal::Tuple(args),
                        Literal::Dict(kwargs),
                    ],
                ) => {
                    let kwargs = kwargs
                        .into_iter()
                        .map(|(k, v)| match k {
                            Literal::Str(k) => Ok((k, v)),
                            _ => Err(bad()),
                        })
                        .collect::<Result<_, _>>()?;
                    Ok(Frame::HostCall { name, args, kwargs })
                }
                _ => Err(bad()),
            },
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// The line that answers a host function: its value written as board source
/// ([`super::Encoder`] with no codecs: the board is inside a call and cannot be sent helpers), or
/// the error the board raises.
pub fn host_answer(result: Result<&str, &str>) -> Vec<u8> {
    let mut line = String::from("(");
    match result {
        Ok(source) => {
            line.push_str("0,");
            line.push_str(source);
        }
        Err(message) => {
            line.push_str("1,");
            write_str(message, &mut line);
        }
    }
    line.push_str(")\n");
    line.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads() {
        assert_eq!(
            parse_frame(b"E('button', [1, b'\\x00'], 12345)"),
            Ok(Frame::Event {
                name: "button".into(),
                value: Literal::List(vec![Literal::Int(1), Literal::Bytes(vec![0])]),
                ticks: Some(12345)
            })
        );
        assert_eq!(
            parse_frame(b"E('x', None, None)"),
            Ok(Frame::Event {
                name: "x".into(),
                value: Literal::None,
                ticks: None
            })
        );
        assert_eq!(parse_frame(b"L17"), Ok(Frame::Dropped(17)));
        assert_eq!(
            parse_frame(b"H('lookup', ('limit', 2), {'default': None})"),
            Ok(Frame::HostCall {
                name: "lookup".into(),
                args: vec![Literal::Str("limit".into()), Literal::Int(2)],
                kwargs: vec![("default".into(), Literal::None)],
            })
        );
        for bad in [
            &b""[..],
            b"L",
            b"L-1",
            b"E(1, 2, 3)",
            b"E('a', 1)",
            b"E('a', 1, -5)",
            b"E__import__('os')",
            b"H('f', [], {})",
            b"X1",
        ] {
            assert!(parse_frame(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn answers_are_one_line() {
        assert_eq!(host_answer(Ok("[1,'a']")), b"(0,[1,'a'])\n");
        assert_eq!(
            host_answer(Err("host function f() raised KeyError: 'a\nb'")),
            b"(1,\"host function f() raised KeyError: 'a\\nb'\")\n"
        );
    }
}
