//! A call's reply: its own output told apart from its result, and the result's framing.
//!
//! The board prints the result of a call as `MARKER + text` at the very end of the call's stdout,
//! without a newline. The result is the text after the last marker: the result's own text never
//! holds the marker's control character, so nothing the user's code prints can forge a result.
//! Everything before is the user's output and is streamed on as it arrives, byte for byte (text
//! printed with `end=""` is neither lost nor glued to the result); only a tail that could be the
//! start of the marker, or the text after a marker, is held back until the next bytes decide it.
//!
//! The text after the marker (see `snippets/helpers.py`):
//! - `T<ticks>|` first when the call was timed;
//! - `B<base64>` / `A<base64>`: a long bytes / bytearray value;
//! - `I<code><base64>`: a long list of ints, packed little-endian in array type `b`, `h` or `i`;
//! - `D<code><first>,<base64>`: the same, as the differences between neighbours after `first`;
//! - `P<n>`: the value stayed on the board as `_Bo_<n>` (`_Bp` only);
//! - `S` ([`EXHAUSTED`]): the generator is exhausted (`_Bn` only);
//! - otherwise the value's `repr`, read with [`parse_literal`] (never evaluated).

use base64::Engine;

use super::literal::{Literal, LiteralError, parse_literal};
use super::pack::unpack_ints;
use crate::error::show_bytes;

/// The result of a generator step (`_Bn`) that found the generator exhausted: the caller of a
/// step compares against it before decoding.
pub const EXHAUSTED: &[u8] = b"S";

/// Whether a result (after [`split_time`]) is a `repr` that holds a finite float. MicroPython's
/// float `repr` is not exact: until the float helpers are defined, the board keeps such a value
/// (`_Bv`) and the host asks for it again, exactly (`snippets::pending_float_result`).
pub fn holds_finite_float(text: &[u8]) -> bool {
    fn any(l: &Literal) -> bool {
        match l {
            Literal::Float(f) => f.is_finite(),
            Literal::Tuple(items) | Literal::List(items) | Literal::Set(items) => {
                items.iter().any(any)
            }
            Literal::Dict(pairs) => pairs.iter().any(|(k, v)| any(k) || any(v)),
            _ => false,
        }
    }
    // A finite float's repr has a '.' or an 'e' (`1.5`, `1e+22`).
    text.iter().any(|&b| b == b'.' || b == b'e') && parse_literal(text).is_ok_and(|l| any(&l))
}

/// A result, decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A value.
    Value(Literal),
    /// The value stayed on the board under this proxy number.
    Proxy(u64),
}

/// A result text that is not in the wire format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("bad base64 reply from the board: {0}")]
    Base64(String),
    #[error(
        "the board returned {shown}, which is not a Python literal ({error}); \
         return literals (None, bool, int, float, str, bytes, tuple, list, dict, set)"
    )]
    NotALiteral { shown: String, error: LiteralError },
}

/// A timed result starts with `T<ticks>|`: the ticks, and the rest.
pub fn split_time(reply: &[u8]) -> (Option<u64>, &[u8]) {
    if let Some(rest) = reply.strip_prefix(b"T")
        && let Some(bar) = rest.iter().position(|&b| b == b'|')
        && let Some(tick) = std::str::from_utf8(&rest[..bar])
            .ok()
            .and_then(|t| t.parse().ok())
    {
        return (Some(tick), &rest[bar + 1..]);
    }
    (None, reply)
}

/// `I<code><base64>` / `D<code><first>,<base64>`: the ints of a packed little-endian array (of
/// the differences between neighbours after `first`, for `D`).
fn int_list(tag: u8, code: u8, rest: &[u8]) -> Result<Literal, ReplyError> {
    let (first, encoded) = match tag {
        b'D' => {
            let comma = rest.iter().position(|&b| b == b',').ok_or_else(|| {
                ReplyError::Base64("a packed list of differences without its first value".into())
            })?;
            let first = std::str::from_utf8(&rest[..comma])
                .ok()
                .and_then(|t| t.parse::<i64>().ok())
                .ok_or_else(|| ReplyError::Base64("a bad first value".into()))?;
            (Some(first), &rest[comma + 1..])
        }
        _ => (None, rest),
    };
    let packed = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim_ascii())
        .map_err(|e| ReplyError::Base64(e.to_string()))?;
    let items = unpack_ints(code, &packed, first).map_err(ReplyError::Base64)?;
    Ok(Literal::List(items.into_iter().map(Literal::Int).collect()))
}

/// Decode a result text (after [`split_time`]). `P<n>` is only recognised where the command can
/// print it (`proxies`): anywhere else it is not a literal.
pub fn decode_reply(text: &[u8], proxies: bool) -> Result<Reply, ReplyError> {
    if proxies
        && let Some(n) = text.strip_prefix(b"P")
        && !n.is_empty()
        && n.iter().all(u8::is_ascii_digit)
        && let Some(n) = std::str::from_utf8(n).ok().and_then(|n| n.parse().ok())
    {
        return Ok(Reply::Proxy(n));
    }
    if let Some((&tag @ (b'I' | b'D'), rest)) = text.split_first()
        && let Some((&code, rest)) = rest.split_first()
    {
        return int_list(tag, code, rest).map(Reply::Value);
    }
    if let Some((&tag @ (b'B' | b'A'), encoded)) = text.split_first() {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim_ascii())
            .map_err(|e| ReplyError::Base64(e.to_string()))?;
        return Ok(Reply::Value(if tag == b'B' {
            Literal::Bytes(bytes)
        } else {
            Literal::ByteArray(bytes)
        }));
    }
    parse_literal(text)
        .map(Reply::Value)
        .map_err(|error| ReplyError::NotALiteral {
            shown: show_bytes(text, 200),
            error,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_framing() {
        assert_eq!(split_time(b"T2810060|3"), (Some(2810060), &b"3"[..]));
        assert_eq!(split_time(b"T|3"), (None, &b"T|3"[..]));
        assert_eq!(
            decode_reply(b"(1, 'a')", false),
            Ok(Reply::Value(Literal::Tuple(vec![
                Literal::Int(1),
                Literal::Str("a".into())
            ])))
        );
        assert_eq!(decode_reply(b"P12", true), Ok(Reply::Proxy(12)));
        assert!(decode_reply(b"P12", false).is_err());
        assert!(decode_reply(EXHAUSTED, false).is_err());
        assert_eq!(
            decode_reply(b"BYmVsYXk=", false),
            Ok(Reply::Value(Literal::Bytes(b"belay".to_vec())))
        );
        assert_eq!(
            decode_reply(b"AYmVsYXk=", false),
            Ok(Reply::Value(Literal::ByteArray(b"belay".to_vec())))
        );
        assert!(matches!(
            decode_reply(b"B!!", false),
            Err(ReplyError::Base64(_))
        ));
        // [1, -2, 300] as 'h' (little-endian i16): 01 00 fe ff 2c 01.
        assert_eq!(
            decode_reply(b"IhAQD+/ywB", false),
            Ok(Reply::Value(Literal::List(vec![
                Literal::Int(1),
                Literal::Int(-2),
                Literal::Int(300)
            ])))
        );
        assert!(decode_reply(b"IqAQD+/ywB", false).is_err());
        assert!(decode_reply(b"IhAQD+", false).is_err());
        // [2048, 2049, 2047, 2047] as differences after 2048, in 'b': 01 fe 00.
        assert_eq!(
            decode_reply(b"Db2048,Af4A", false),
            Ok(Reply::Value(Literal::List(
                [2048, 2049, 2047, 2047].map(Literal::Int).to_vec()
            )))
        );
        assert!(decode_reply(b"Db2048Af4A", false).is_err());
        assert!(decode_reply(b"Dbx,Af4A", false).is_err());
        let err = decode_reply(b"__import__('os')", true).unwrap_err();
        assert!(err.to_string().contains("not a Python literal"), "{err}");
    }

    #[test]
    fn finite_floats_are_found_anywhere_in_a_repr() {
        assert!(holds_finite_float(b"1.5"));
        assert!(holds_finite_float(b"1e+22"));
        assert!(holds_finite_float(b"[1, (2, {'a': -0.0})]"));
        assert!(holds_finite_float(b"{2.5: 1}"));
        assert!(!holds_finite_float(b"[inf, nan]"));
        assert!(!holds_finite_float(b"'1.5'"));
        assert!(!holds_finite_float(b"(None, True, 'e')"));
        assert!(!holds_finite_float(b"BAAEC.e"));
        assert!(!holds_finite_float(b"3"));
    }
}
