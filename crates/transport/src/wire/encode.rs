//! Host values written as MicroPython source text that evaluates to an equal value on the board.
//! The caller walks its own value tree (the `belay` module walks Python objects) and writes each
//! scalar here; containers are plain Python syntax. Separators carry no spaces: every byte sent
//! costs wire time and flow-control round trips.

use std::fmt::Write;

use super::literal::Literal;
use super::pack;
use super::precision::FloatFormat;

/// Deepest container nesting sent to a board (its parser recurses, and its C stack is small).
pub const MAX_SEND_DEPTH: usize = 100;
/// Bytes shorter than this are always sent as a literal.
const BASE64_MIN: usize = 48;
/// Lists of ints at least this long may go as a packed array.
const INT_ARRAY_MIN: usize = 32;
/// MicroPython's parser interns every str or bytes literal of at most this many bytes
/// (`MICROPY_ALLOC_PARSE_INTERN_STRING_LEN`) in its qstr pool, which is never freed: a board sent
/// many distinct short values runs out of memory. Such values go padded with spaces past this
/// length and are cut back on the board (`'ab         '[:-9]`).
const PARSER_INTERNS_UP_TO: usize = 10;

/// The spaces that lift a literal of `len` bytes out of the parser's interning.
fn unintern_padding(len: usize) -> usize {
    if (1..=PARSER_INTERNS_UP_TO).contains(&len) {
        PARSER_INTERNS_UP_TO + 1 - len
    } else {
        0
    }
}

/// How to write values for one particular board (what its helpers can decode).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Encoder {
    /// The board has `binascii.a2b_base64` (as `_Ba`): long binary data goes as base64.
    pub base64: bool,
    /// The board has `_Bi(typecode, bytes)`: long lists of small ints go as packed
    /// little-endian arrays (less to send, nothing to parse on the board).
    pub int_arrays: bool,
    /// The board has MicroPython's `deflate` module: long data may go compressed (`_BZ`).
    pub deflate: bool,
    /// How the board stores floats: a float goes as the nearest value it can hold.
    pub floats: FloatFormat,
}

impl Encoder {
    /// What the board's codecs snippet ([`super::snippets::codecs`]) printed:
    /// `(has_base64, has_int_arrays, has_deflate)`.
    pub fn from_codecs_reply(reply: &Literal) -> Option<Encoder> {
        match reply {
            Literal::Tuple(items) => match items.as_slice() {
                [
                    Literal::Bool(base64),
                    Literal::Bool(int_arrays),
                    Literal::Bool(deflate),
                ] => Some(Encoder {
                    base64: *base64,
                    int_arrays: *int_arrays,
                    deflate: *base64 && *deflate,
                    floats: FloatFormat::DOUBLE,
                }),
                _ => None,
            },
            _ => None,
        }
    }

    /// The same encoder for a board that stores floats as `floats`.
    pub fn with_floats(self, floats: FloatFormat) -> Encoder {
        Encoder { floats, ..self }
    }

    /// A float value: the nearest value the board can hold, written exactly ([`write_float`]).
    pub fn write_float(self, f: f64, out: &mut String) {
        write_float(self.floats.board_value(f), out);
    }

    /// A str value (padded out of the board's intern pool when short).
    pub fn write_str(self, text: &str, out: &mut String) {
        match unintern_padding(text.len()) {
            0 => write_str(text, out),
            pad => {
                write_str(&format!("{text}{:pad$}", ""), out);
                write!(out, "[:-{pad}]").expect("writing to a String");
            }
        }
    }

    /// A bytes value, as the shortest of a bytes literal, a base64 decode on the board and (with
    /// `deflate`) compressed data ([`pack::bytes_expr`]).
    pub fn write_bytes(self, data: &[u8], out: &mut String) {
        if self.base64 && data.len() >= BASE64_MIN {
            let literal_len: usize = data
                .iter()
                .map(|&b| if (0x20..0x7f).contains(&b) { 1 } else { 4 })
                .sum();
            let packed = pack::bytes_expr(data, self.deflate);
            if packed.len() < literal_len {
                out.push_str(&packed);
                return;
            }
        }
        match unintern_padding(data.len()) {
            0 => write_bytes(data, out),
            pad => {
                write_bytes(&[data, &b" ".repeat(pad)].concat(), out);
                write!(out, "[:-{pad}]").expect("writing to a String");
            }
        }
    }

    /// A bytearray value.
    pub fn write_bytearray(self, data: &[u8], out: &mut String) {
        out.push_str("bytearray(");
        self.write_bytes(data, out);
        out.push(')');
    }

    /// A long list of ints that fit 32 bits, packed ([`pack::write_int_list`]); false (nothing
    /// written) when the list is short or the board lacks the helper.
    pub fn write_int_list(self, values: &[i32], out: &mut String) -> bool {
        if !self.int_arrays || values.len() < INT_ARRAY_MIN {
            return false;
        }
        pack::write_int_list(values, self.deflate, out);
        true
    }

    /// The smallest list length [`Encoder::write_int_list`] packs (shorter lists are literals).
    pub const INT_LIST_MIN: usize = INT_ARRAY_MIN;
    /// The shortest bytes [`Encoder::write_bytes`] may send as base64.
    pub const BYTES_PACK_MIN: usize = BASE64_MIN;
}

/// `None`, `True` or `False`.
pub fn write_constant(value: Option<bool>, out: &mut String) {
    out.push_str(match value {
        None => "None",
        Some(true) => "True",
        Some(false) => "False",
    });
}

/// An int of any size, from its decimal digits.
pub fn write_int(value: impl std::fmt::Display, out: &mut String) {
    write!(out, "{value}").expect("writing to a String");
}

/// A float as text the board reads back as exactly the same double. MicroPython's decimal parser
/// is not correctly rounded (`821355.619412` can come out one bit off), so only integral values
/// go as decimals; the rest go as `m*2.0**e` with an odd integer `m`, which is exact.
pub fn write_float(f: f64, out: &mut String) {
    const EXACT_INTS: f64 = 9_007_199_254_740_992.0; // 2**53
    if f.is_nan() {
        out.push_str("float('nan')");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 {
            "float('inf')"
        } else {
            "float('-inf')"
        });
    } else if f == 0.0 {
        out.push_str(if f.is_sign_negative() { "-0.0" } else { "0.0" });
    } else if f.fract() == 0.0 && f.abs() < EXACT_INTS {
        write!(out, "{}.0", f as i64).expect("writing to a String");
    } else {
        let bits = f.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let fraction = bits & ((1 << 52) - 1);
        let (mut m, mut e) = if biased == 0 {
            (fraction, -1074) // subnormal
        } else {
            (fraction | (1 << 52), biased - 1075)
        };
        let zeros = m.trailing_zeros();
        m >>= zeros;
        e += zeros as i32;
        let sign = if f < 0.0 { "-" } else { "" };
        write!(out, "{sign}{m}*2.0**{e}").expect("writing to a String");
    }
}

/// A str literal (no padding): printable text as is (UTF-8 included), quotes, backslashes and
/// control characters escaped.
pub fn write_str(text: &str, out: &mut String) {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\x7f' => {
                write!(out, "\\x{:02x}", c as u32).expect("writing to a String")
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// A bytes literal (no padding): printable ASCII as is, everything else as `\xNN`.
pub fn write_bytes(data: &[u8], out: &mut String) {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.reserve(data.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\x");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out.push(quote as char);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::literal::{Literal, parse_literal};

    fn text(f: impl Fn(&mut String)) -> String {
        let mut s = String::new();
        f(&mut s);
        s
    }

    #[test]
    fn str_literals() {
        assert_eq!(
            text(|s| write_str("a'b\\c\n\x00é", s)),
            "\"a'b\\\\c\\n\\x00é\""
        );
        assert_eq!(text(|s| write_str("x\"y'", s)), "'x\"y\\''");
        assert_eq!(
            text(|s| Encoder::default().write_str("ab", s)),
            "'ab         '[:-9]"
        );
        assert_eq!(
            text(|s| Encoder::default().write_str("0123456789a", s)),
            "'0123456789a'"
        );
    }

    #[test]
    fn floats_are_written_exactly() {
        let float = |f: f64| text(|s| write_float(f, s));
        assert_eq!(float(3.0), "3.0");
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(0.5), "1*2.0**-1");
        assert_eq!(float(-1.5), "-3*2.0**-1");
        assert_eq!(float(5e-324), "1*2.0**-1074");
        assert_eq!(float(1e300), "1681218273811815*2.0**946");
        for f in [0.1, -821355.619412, 6.0286808956103544e-170, 1e300, 5e-324] {
            let s = float(f);
            let (m, e) = s.split_once("*2.0**").unwrap();
            let (m, e): (f64, i32) = (m.parse().unwrap(), e.parse().unwrap());
            // In two halves, so that 2**e itself cannot underflow.
            assert_eq!(m * 2f64.powi(e / 2) * 2f64.powi(e - e / 2), f, "{s}");
        }
    }

    #[test]
    fn floats_for_a_single_precision_board_are_its_nearest_value() {
        let single = Encoder::default().with_floats(FloatFormat::SINGLE);
        let float = |f: f64| text(|s| single.write_float(f, s));
        // 0.3 as a 32-bit float: 10066330 * 2**-25, a small int the board converts exactly.
        assert_eq!(float(0.3), "5033165*2.0**-24");
        assert_eq!(float(16777217.0), "16777216.0");
        assert_eq!(float(1e39), "float('inf')");
        assert_eq!(text(|s| Encoder::default().write_float(0.3, s)), {
            text(|s| write_float(0.3, s))
        });
    }

    #[test]
    fn short_bytes_are_padded_out_of_the_boards_qstr_pool() {
        let bytes = |d: &[u8]| text(|s| Encoder::default().write_bytes(d, s));
        assert_eq!(bytes(b"ab"), "b'ab         '[:-9]");
        for data in [&b""[..], b"0123456789a"] {
            assert!(!bytes(data).contains("[:"), "{}", bytes(data));
        }
    }

    #[test]
    fn long_binary_data_goes_as_base64_when_shorter() {
        let with = Encoder {
            base64: true,
            int_arrays: true,
            deflate: false,
            floats: FloatFormat::DOUBLE,
        };
        let binary: Vec<u8> = (0..=255).collect();
        let s = text(|s| with.write_bytes(&binary, s));
        assert!(s.starts_with("_Ba(b'AAEC"), "{s}");
        let printable = b"abcdefghijklmnopqrstuvwxyz".repeat(4);
        assert!(text(|s| with.write_bytes(&printable, s)).starts_with("b'abc"));
        // Text that compresses goes compressed to a board with deflate, though its literal is
        // shorter than its base64.
        let deflate = Encoder {
            deflate: true,
            ..with
        };
        let source = b"def f(x):\n    return x + 1\n".repeat(100);
        assert!(text(|s| deflate.write_bytes(&source, s)).starts_with("_BZ(b'"));
        assert!(text(|s| with.write_bytes(&source, s)).starts_with("b'def"));
        assert!(text(|s| Encoder::default().write_bytes(&binary, s)).starts_with("b'\\x00"));
    }

    #[test]
    fn int_lists_are_packed_in_the_narrowest_type() {
        let with = Encoder {
            base64: true,
            int_arrays: true,
            deflate: false,
            floats: FloatFormat::DOUBLE,
        };
        let small: Vec<i32> = (0..40).collect();
        assert!(
            text(|s| assert!(with.write_int_list(&small, s))).starts_with("_Bi('b',_Ba(b'AAEC")
        );
        let wide: Vec<i32> = (0..40).map(|i| i * 100_000).collect();
        assert!(text(|s| assert!(with.write_int_list(&wide, s))).starts_with("_Bi('i',"));
        assert!(!Encoder::default().write_int_list(&small, &mut String::new()));
        assert!(!with.write_int_list(&small[..31], &mut String::new()));
    }

    #[test]
    fn bytes_literals_round_trip_through_the_parser() {
        let all: Vec<u8> = (0..=255).collect();
        let s = text(|s| write_bytes(&all, s));
        assert_eq!(parse_literal(s.as_bytes()).unwrap(), Literal::Bytes(all));
    }
}
