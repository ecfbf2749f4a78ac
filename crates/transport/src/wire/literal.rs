//! Parsing the `repr()` text a board sends back as a Python literal, without evaluating it.
//!
//! Accepted: `None`, `True`, `False`, ints of any size, floats (including `inf`, `nan` and
//! `-0.0`), complex numbers as Python and MicroPython write them (`2j`, `(1-2j)`, `(nan+infj)`), str and bytes literals with every escape Python and MicroPython emit, tuples, lists,
//! dicts, sets, `set()`, and `dict_keys([...])` (read as a list, as Belay does). Anything else is an
//! error: a name, a call, an expression. Nesting depth is bounded so hostile input cannot exhaust
//! the stack.

use std::fmt;

/// Maximum container nesting accepted from a board.
pub const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    None,
    Bool(bool),
    /// Fits in an i64.
    Int(i64),
    /// Decimal digits with an optional leading `-`, too large for i64.
    BigInt(String),
    Float(f64),
    /// `(1+2j)`, `2j`, `(nan+infj)`: real and imaginary parts.
    Complex(f64, f64),
    Str(String),
    Bytes(Vec<u8>),
    /// `bytearray(b'...')`, how MicroPython shows a bytearray.
    ByteArray(Vec<u8>),
    Tuple(Vec<Literal>),
    List(Vec<Literal>),
    Dict(Vec<(Literal, Literal)>),
    Set(Vec<Literal>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralError {
    pub message: String,
    /// Byte offset in the input.
    pub offset: usize,
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at offset {}", self.message, self.offset)
    }
}

impl std::error::Error for LiteralError {}

/// Parse one literal that makes up all of `text` (surrounding whitespace allowed).
pub fn parse_literal(text: &[u8]) -> Result<Literal, LiteralError> {
    let mut p = Parser { s: text, i: 0 };
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.i != p.s.len() {
        return Err(p.err("unexpected text after the value"));
    }
    Ok(value)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> LiteralError {
        LiteralError {
            message: message.to_string(),
            offset: self.i,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), LiteralError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(&format!("expected `{}`", c as char)))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Literal, LiteralError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        self.skip_ws();
        match self.peek() {
            None => Err(self.err("expected a value, found the end")),
            Some(b'(') => self.paren(depth),
            Some(b'[') => {
                self.i += 1;
                Ok(Literal::List(self.items(b']', depth)?))
            }
            Some(b'{') => self.brace(depth),
            Some(b'\'' | b'"') => Ok(Literal::Str(self.string()?)),
            Some(b'b' | b'B') if matches!(self.s.get(self.i + 1), Some(b'\'' | b'"')) => {
                self.i += 1;
                Ok(Literal::Bytes(self.bytes()?))
            }
            Some(b'-' | b'+' | b'0'..=b'9' | b'.') => self.complex_or_number(),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => self.name(depth),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    /// Comma-separated values up to `close` (trailing comma allowed).
    fn items(&mut self, close: u8, depth: usize) -> Result<Vec<Literal>, LiteralError> {
        let mut out = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(out);
            }
            out.push(self.value(depth + 1)?);
            if !self.eat(b',') {
                self.expect(close)?;
                return Ok(out);
            }
        }
    }

    fn paren(&mut self, depth: usize) -> Result<Literal, LiteralError> {
        self.i += 1;
        if self.eat(b')') {
            return Ok(Literal::Tuple(Vec::new()));
        }
        let first = self.value(depth + 1)?;
        if self.eat(b')') {
            // `(x)` is just x.
            return Ok(first);
        }
        self.expect(b',')?;
        let mut rest = self.items(b')', depth)?;
        rest.insert(0, first);
        Ok(Literal::Tuple(rest))
    }

    fn brace(&mut self, depth: usize) -> Result<Literal, LiteralError> {
        self.i += 1;
        if self.eat(b'}') {
            return Ok(Literal::Dict(Vec::new()));
        }
        let first = self.value(depth + 1)?;
        if self.eat(b':') {
            let v = self.value(depth + 1)?;
            let mut pairs = vec![(first, v)];
            while self.eat(b',') {
                if self.eat(b'}') {
                    return Ok(Literal::Dict(pairs));
                }
                let k = self.value(depth + 1)?;
                self.expect(b':')?;
                let v = self.value(depth + 1)?;
                pairs.push((k, v));
            }
            self.expect(b'}')?;
            return Ok(Literal::Dict(pairs));
        }
        let mut items = vec![first];
        if self.eat(b',') {
            items.extend(self.items(b'}', depth)?);
        } else {
            self.expect(b'}')?;
        }
        Ok(Literal::Set(items))
    }

    fn ident(&mut self) -> &str {
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i]).expect("ASCII")
    }

    fn name(&mut self, depth: usize) -> Result<Literal, LiteralError> {
        let start = self.i;
        let name = self.ident().to_string();
        match name.as_str() {
            "None" => Ok(Literal::None),
            "True" => Ok(Literal::Bool(true)),
            "False" => Ok(Literal::Bool(false)),
            "inf" => Ok(self.complex_tail(Literal::Float(f64::INFINITY))),
            "nan" => Ok(self.complex_tail(Literal::Float(f64::NAN))),
            "infj" | "infJ" => Ok(Literal::Complex(0.0, f64::INFINITY)),
            "nanj" | "nanJ" => Ok(Literal::Complex(0.0, f64::NAN)),
            "set" => {
                self.expect(b'(')?;
                self.expect(b')')?;
                Ok(Literal::Set(Vec::new()))
            }
            "bytearray" => {
                self.expect(b'(')?;
                if self.eat(b')') {
                    return Ok(Literal::ByteArray(Vec::new()));
                }
                self.skip_ws();
                if !matches!(self.peek(), Some(b'b' | b'B')) {
                    return Err(self.err("bytearray(...) must hold a bytes literal"));
                }
                self.i += 1;
                if !matches!(self.peek(), Some(b'\'' | b'"')) {
                    return Err(self.err("bytearray(...) must hold a bytes literal"));
                }
                let data = self.bytes()?;
                self.expect(b')')?;
                Ok(Literal::ByteArray(data))
            }
            "dict_keys" => {
                self.expect(b'(')?;
                let inner = self.value(depth + 1)?;
                self.expect(b')')?;
                match inner {
                    Literal::List(items) => Ok(Literal::List(items)),
                    _ => Err(self.err("dict_keys(...) must hold a list")),
                }
            }
            _ => {
                self.i = start;
                Err(self.err(&format!("`{name}` is not a literal")))
            }
        }
    }

    /// A number, or a complex number written as a real part and an imaginary one (`1+2j`).
    fn complex_or_number(&mut self) -> Result<Literal, LiteralError> {
        let first = self.number()?;
        Ok(self.complex_tail(first))
    }

    /// `first`, or the complex number it starts when an imaginary part follows (`+2j`).
    fn complex_tail(&mut self, first: Literal) -> Literal {
        let real = match &first {
            Literal::Int(i) => *i as f64,
            Literal::BigInt(digits) => digits.parse().unwrap_or(f64::NAN),
            Literal::Float(f) => *f,
            _ => return first,
        };
        let before = self.i;
        if matches!(self.peek(), Some(b'+' | b'-'))
            && let Ok(Literal::Complex(zero, imag)) = self.number()
            && zero == 0.0
        {
            return Literal::Complex(real, imag);
        }
        self.i = before;
        first
    }

    /// A real number, or an imaginary one (`2j`, `-infj`).
    fn number(&mut self) -> Result<Literal, LiteralError> {
        let negative = self.peek() == Some(b'-');
        let value = self.real()?;
        if !matches!(self.peek(), Some(b'j' | b'J')) {
            return Ok(value);
        }
        self.i += 1;
        let imag = match value {
            // `-0j`: the sign of a zero imaginary part matters (as `-0.0` does).
            Literal::Int(0) if negative => -0.0,
            Literal::Int(i) => i as f64,
            Literal::BigInt(digits) => digits.parse().unwrap_or(f64::NAN),
            Literal::Float(f) => f,
            other => return Ok(other),
        };
        Ok(Literal::Complex(0.0, imag))
    }

    fn real(&mut self) -> Result<Literal, LiteralError> {
        let start = self.i;
        let negative = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                true
            }
            Some(b'+') => {
                self.i += 1;
                false
            }
            _ => false,
        };
        if matches!(self.peek(), Some(c) if c.is_ascii_alphabetic()) {
            let name = self.ident();
            let inf = if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            return match name {
                "inf" => Ok(Literal::Float(inf)),
                "nan" => Ok(Literal::Float(f64::NAN)),
                "infj" | "infJ" => Ok(Literal::Complex(0.0, inf)),
                "nanj" | "nanJ" => Ok(Literal::Complex(0.0, f64::NAN)),
                _ => {
                    self.i = start;
                    Err(self.err("a sign must be followed by a number"))
                }
            };
        }
        let digits_start = self.i;
        let mut is_float = false;
        while let Some(c) = self.peek() {
            match c {
                b'0'..=b'9' => self.i += 1,
                b'.' => {
                    is_float = true;
                    self.i += 1;
                }
                b'e' | b'E' => {
                    is_float = true;
                    self.i += 1;
                    if matches!(self.peek(), Some(b'+' | b'-')) {
                        self.i += 1;
                    }
                }
                _ => break,
            }
        }
        let body = std::str::from_utf8(&self.s[digits_start..self.i]).expect("ASCII");
        if body.is_empty() || !body.bytes().any(|c| c.is_ascii_digit()) {
            self.i = start;
            return Err(self.err("malformed number"));
        }
        if is_float {
            let text = std::str::from_utf8(&self.s[start..self.i]).expect("ASCII");
            return text
                .parse::<f64>()
                .map(Literal::Float)
                .map_err(|_| LiteralError {
                    message: format!("malformed float `{text}`"),
                    offset: start,
                });
        }
        if body.len() > 1 && body.starts_with('0') && body.bytes().any(|c| c != b'0') {
            self.i = start;
            return Err(self.err("integers with leading zeros are not literals"));
        }
        let text = if negative {
            format!("-{body}")
        } else {
            body.to_string()
        };
        Ok(match text.parse::<i64>() {
            Ok(v) => Literal::Int(v),
            Err(_) => Literal::BigInt(text),
        })
    }

    /// The raw characters between quotes, with the quote consumed; escapes are handled by the
    /// callers.
    fn quoted(&mut self) -> Result<(u8, usize, usize), LiteralError> {
        let q = self.peek().expect("caller checked the quote");
        if self.s.get(self.i + 1) == Some(&q) && self.s.get(self.i + 2) == Some(&q) {
            return Err(self.err("triple-quoted strings are not produced by repr()"));
        }
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                // An escape; a backslash at the very end leaves the string unterminated.
                Some(b'\\') => self.i = (self.i + 2).min(self.s.len()),
                Some(b'\n') => return Err(self.err("newline inside a string")),
                Some(c) if c == q => {
                    let end = self.i;
                    self.i += 1;
                    return Ok((q, start, end));
                }
                Some(_) => self.i += 1,
            }
        }
    }

    fn string(&mut self) -> Result<String, LiteralError> {
        let (_, start, end) = self.quoted()?;
        let raw = &self.s[start..end];
        let text = std::str::from_utf8(raw).map_err(|e| LiteralError {
            message: "string is not valid UTF-8".into(),
            offset: start + e.valid_up_to(),
        })?;
        let mut out = String::with_capacity(text.len());
        let mut chars = text.char_indices();
        while let Some((pos, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let at = start + pos;
            let bad = |m: &str| LiteralError {
                message: m.to_string(),
                offset: at,
            };
            let (_, e) = chars.next().ok_or_else(|| bad("dangling backslash"))?;
            match e {
                'x' | 'u' | 'U' => {
                    let n = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let hex: String = chars.by_ref().take(n).map(|(_, c)| c).collect();
                    if hex.len() != n {
                        return Err(bad("truncated escape"));
                    }
                    let v = u32::from_str_radix(&hex, 16).map_err(|_| bad("bad hex escape"))?;
                    out.push(
                        char::from_u32(v)
                            .ok_or_else(|| bad("escape is not a Unicode scalar value"))?,
                    );
                }
                '0'..='7' => {
                    let mut v = e.to_digit(8).expect("octal digit");
                    for _ in 0..2 {
                        let next = chars.clone().next();
                        match next {
                            Some((_, d @ '0'..='7')) => {
                                v = v * 8 + d.to_digit(8).expect("octal digit");
                                chars.next();
                            }
                            _ => break,
                        }
                    }
                    out.push(char::from_u32(v).ok_or_else(|| bad("bad octal escape"))?);
                }
                // Python keeps unknown escapes as they are.
                other => match simple_escape(other) {
                    Some(b) => out.push(b as char),
                    None => {
                        out.push('\\');
                        out.push(other);
                    }
                },
            }
        }
        Ok(out)
    }

    fn bytes(&mut self) -> Result<Vec<u8>, LiteralError> {
        let (_, start, end) = self.quoted()?;
        let raw = &self.s[start..end];
        let mut out = Vec::with_capacity(raw.len());
        let mut k = 0;
        while k < raw.len() {
            let c = raw[k];
            let at = start + k;
            let bad = |m: &str| LiteralError {
                message: m.to_string(),
                offset: at,
            };
            if c >= 0x80 {
                return Err(bad("bytes literals hold only ASCII characters"));
            }
            if c != b'\\' {
                out.push(c);
                k += 1;
                continue;
            }
            let e = *raw.get(k + 1).ok_or_else(|| bad("dangling backslash"))?;
            k += 2;
            match e {
                b'x' => {
                    let hex = raw.get(k..k + 2).ok_or_else(|| bad("truncated escape"))?;
                    let hex = std::str::from_utf8(hex).map_err(|_| bad("bad hex escape"))?;
                    out.push(u8::from_str_radix(hex, 16).map_err(|_| bad("bad hex escape"))?);
                    k += 2;
                }
                b'0'..=b'7' => {
                    let mut v = u32::from(e - b'0');
                    for _ in 0..2 {
                        match raw.get(k) {
                            Some(&d @ b'0'..=b'7') => {
                                v = v * 8 + u32::from(d - b'0');
                                k += 1;
                            }
                            _ => break,
                        }
                    }
                    out.push(u8::try_from(v).map_err(|_| bad("octal escape out of range"))?);
                }
                other => match simple_escape(other as char) {
                    Some(b) => out.push(b),
                    None => out.extend_from_slice(&[b'\\', other]),
                },
            }
        }
        Ok(out)
    }
}

fn simple_escape(c: char) -> Option<u8> {
    Some(match c {
        '\\' => b'\\',
        '\'' => b'\'',
        '"' => b'"',
        'n' => b'\n',
        'r' => b'\r',
        't' => b'\t',
        'a' => 0x07,
        'b' => 0x08,
        'f' => 0x0c,
        'v' => 0x0b,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::Literal::*;
    use super::*;

    fn p(s: &str) -> Literal {
        parse_literal(s.as_bytes()).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn bad(s: &str) -> LiteralError {
        parse_literal(s.as_bytes()).expect_err(s)
    }

    #[test]
    fn scalars() {
        assert_eq!(p("None"), None);
        assert_eq!(p("True"), Bool(true));
        assert_eq!(p(" False\r\n"), Bool(false));
        assert_eq!(p("-12"), Int(-12));
        assert_eq!(p("1.23"), Float(1.23));
        assert_eq!(p("1e+100"), Float(1e100));
        assert_eq!(p("-inf"), Float(f64::NEG_INFINITY));
        assert!(matches!(p("nan"), Float(f) if f.is_nan()));
        assert!(matches!(p("-0.0"), Float(f) if f == 0.0 && f.is_sign_negative()));
        assert_eq!(p("0"), Int(0));
    }

    #[test]
    fn complex_numbers_as_boards_write_them() {
        assert_eq!(p("2j"), Complex(0.0, 2.0));
        assert_eq!(p("(1+2j)"), Complex(1.0, 2.0));
        assert_eq!(p("(1.5-2.25e-3j)"), Complex(1.5, -0.00225));
        assert_eq!(p("-3J"), Complex(0.0, -3.0));
        assert!(
            matches!(p("(1-0j)"), Complex(r, i) if r == 1.0 && i == 0.0 && i.is_sign_negative())
        );
        assert!(matches!(p("(nan+infj)"), Complex(r, i) if r.is_nan() && i == f64::INFINITY));
        assert!(matches!(p("(-inf-nanj)"), Complex(r, i) if r == f64::NEG_INFINITY && i.is_nan()));
        assert!(matches!(p("infj"), Complex(r, i) if r == 0.0 && i == f64::INFINITY));
        assert_eq!(
            p("[1j, (2+3j)]"),
            List(vec![Complex(0.0, 1.0), Complex(2.0, 3.0)])
        );
        assert_eq!(p("(1, -2)"), Tuple(vec![Int(1), Int(-2)]));
        bad("1+2");
        bad("1+2j+3j");
        bad("j");
        bad("2jj");
    }

    #[test]
    fn big_ints_keep_every_digit() {
        assert_eq!(
            p("1180591620717411303424"),
            BigInt("1180591620717411303424".into())
        );
        assert_eq!(
            p("-9223372036854775809"),
            BigInt("-9223372036854775809".into())
        );
        assert_eq!(p("-9223372036854775808"), Int(i64::MIN));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(p("'a'"), Str("a".into()));
        assert_eq!(p(r#""it's""#), Str("it's".into()));
        assert_eq!(
            p(r"'\xe9\x00\x7f\u2028\U0001f600\n\t\\\''"),
            Str("é\0\x7f\u{2028}😀\n\t\\'".into())
        );
        assert_eq!(p("'é'"), Str("é".into()));
        assert_eq!(p(r"'\101'"), Str("A".into()));
    }

    #[test]
    fn bytes_all_values() {
        assert_eq!(p(r"b'\x00\xff'"), Bytes(vec![0, 255]));
        assert_eq!(p(r#"b"a'b""#), Bytes(b"a'b".to_vec()));
        assert_eq!(p(r"b'\\\n\u'"), Bytes(b"\\\n\\u".to_vec()));
    }

    #[test]
    fn containers() {
        assert_eq!(p("()"), Tuple(vec![]));
        assert_eq!(p("(1,)"), Tuple(vec![Int(1)]));
        assert_eq!(p("(1)"), Int(1));
        assert_eq!(
            p("[1, [2, (3, 'x')], {}]"),
            List(vec![
                Int(1),
                List(vec![Int(2), Tuple(vec![Int(3), Str("x".into())])]),
                Dict(vec![])
            ])
        );
        assert_eq!(
            p("{'a': 1, 2: None,}"),
            Dict(vec![(Str("a".into()), Int(1)), (Int(2), None)])
        );
        assert_eq!(p("{1, 2}"), Set(vec![Int(1), Int(2)]));
        assert_eq!(p("set()"), Set(vec![]));
        assert_eq!(
            p("dict_keys(['a', 'b'])"),
            List(vec![Str("a".into()), Str("b".into())])
        );
    }

    #[test]
    fn rejects_what_is_not_a_literal() {
        for s in [
            "object()",
            "<object>",
            "__import__('os')",
            "1 + 2",
            "bytearray('ab')",
            "bytearray(1)",
            "x",
            "",
            "(1, 2",
            "'abc",
            "[1 2]",
            "{1: 2, 3}",
            "07",
            "-",
            "1.2.3e",
            "b'\u{e9}'",
            "'''x'''",
            "range(3)",
            "inf(1)",
        ] {
            bad(s);
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 5) + &"]".repeat(MAX_DEPTH + 5);
        assert!(bad(&deep).message.contains("deep"));
        let ok = "[".repeat(50) + &"]".repeat(50);
        p(&ok);
    }

    /// Found by fuzzing: a string ending in a backslash reported an offset past the input.
    #[test]
    fn error_offsets_stay_within_the_input() {
        for s in ["'ab\\", "b'\\", "['x\\"] {
            let e = bad(s);
            assert!(e.message.contains("unterminated"), "{e}");
            assert!(e.offset <= s.len(), "{s:?}: {e}");
        }
    }
}
