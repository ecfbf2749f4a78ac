//! Host values → board literal text, and parsed board literals → host objects.

use rustpython_vm::builtins::{
    PyByteArray, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyStr, PyTuple,
};
use rustpython_vm::{AsObject, PyObject, PyObjectRef, PyResult, VirtualMachine};

use crate::literal::Literal;

/// Deepest container nesting sent to a board.
const MAX_SEND_DEPTH: usize = 100;
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

/// Writes host values as MicroPython source text, for one particular board.
#[derive(Debug, Clone, Copy, Default)]
pub struct Encoder {
    /// The board has `binascii.a2b_base64` (as `__belay_a2b`): long binary data goes as base64.
    pub base64: bool,
    /// The board has `__belay_il(typecode, base64)`: long lists of small ints go as packed
    /// little-endian arrays (less to send, nothing to parse on the board).
    pub int_arrays: bool,
}

impl Encoder {
    /// `obj` as source text that evaluates to an equal value on the board. Separators carry no
    /// spaces: every byte sent costs flow-control round trips.
    pub fn to_literal(self, obj: &PyObject, vm: &VirtualMachine) -> PyResult<String> {
        let mut out = String::new();
        self.write(obj, &mut out, vm, 0)?;
        Ok(out)
    }

    fn write(
        self,
        obj: &PyObject,
        out: &mut String,
        vm: &VirtualMachine,
        depth: usize,
    ) -> PyResult<()> {
        if depth > MAX_SEND_DEPTH {
            return Err(vm.new_value_error(format!(
                "value nested deeper than {MAX_SEND_DEPTH} levels (or containing itself) cannot be sent to the board"
            )));
        }
        let ctx = &vm.ctx;
        if vm.is_none(obj) {
            out.push_str("None");
        } else if obj.class().is(ctx.types.bool_type) {
            out.push_str(if obj.is(&ctx.true_value) {
                "True"
            } else {
                "False"
            });
        } else if let Some(i) = obj.downcast_ref::<PyInt>() {
            use std::fmt::Write;
            match i64::try_from(i.as_bigint()) {
                Ok(small) => write!(out, "{small}").expect("writing to a String"),
                Err(_) => write!(out, "{}", i.as_bigint()).expect("writing to a String"),
            }
        } else if let Some(f) = obj.downcast_ref::<PyFloat>() {
            write_float(f.to_f64(), out);
        } else if let Some(s) = obj.downcast_ref::<PyStr>() {
            let text = s.to_str().ok_or_else(|| {
                vm.new_value_error("a str with lone surrogates cannot be sent to the board")
            })?;
            match unintern_padding(text.len()) {
                0 => write_str(text, out),
                pad => {
                    write_str(&format!("{text}{:pad$}", ""), out);
                    out.push_str(&format!("[:-{pad}]"));
                }
            }
        } else if let Some(b) = obj.downcast_ref::<PyBytes>() {
            self.write_bytes(b.as_bytes(), out);
        } else if let Some(b) = obj.downcast_ref::<PyByteArray>() {
            out.push_str("bytearray(");
            self.write_bytes(&b.borrow_buf(), out);
            out.push(')');
        } else if let Some(t) = obj.downcast_ref::<PyTuple>() {
            let items = t.as_slice();
            out.push('(');
            self.write_items(items, out, vm, depth)?;
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        } else if let Some(l) = obj.downcast_ref::<PyList>() {
            let items: Vec<PyObjectRef> = l.borrow_vec().to_vec();
            if self.write_int_array(&items, out, vm) {
                return Ok(());
            }
            out.push('[');
            self.write_items(&items, out, vm, depth)?;
            out.push(']');
        } else if let Some(d) = obj.downcast_ref::<PyDict>() {
            out.push('{');
            for (n, (k, v)) in d.items_vec().iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                self.write(k, out, vm, depth + 1)?;
                out.push(':');
                self.write(v, out, vm, depth + 1)?;
            }
            out.push('}');
        } else if let Some(s) = obj.downcast_ref::<PySet>() {
            self.write_set(&s.elements(), "set()", out, vm, depth)?;
        } else if let Some(s) = obj.downcast_ref::<PyFrozenSet>() {
            out.push_str("frozenset(");
            self.write_set(&s.elements(), "", out, vm, depth)?;
            out.push(')');
        } else if let Some(p) = obj.downcast_ref::<crate::proxy::ProxyObject>() {
            // A proxy stands for the board object it names.
            out.push_str(
                &p.target_name()
                    .ok_or_else(|| vm.new_type_error("uninitialised ProxyObject"))?,
            );
        } else {
            return Err(vm.new_type_error(format!(
                "cannot send a '{}' to the board: arguments must be Python literals \
                 (None, bool, int, float, str, bytes, bytearray, tuple, list, dict, set) or ProxyObjects",
                obj.class().name()
            )));
        }
        Ok(())
    }

    fn write_items(
        self,
        items: &[PyObjectRef],
        out: &mut String,
        vm: &VirtualMachine,
        depth: usize,
    ) -> PyResult<()> {
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            self.write(item, out, vm, depth + 1)?;
        }
        Ok(())
    }

    fn write_set(
        self,
        items: &[PyObjectRef],
        empty: &str,
        out: &mut String,
        vm: &VirtualMachine,
        depth: usize,
    ) -> PyResult<()> {
        if items.is_empty() {
            out.push_str(empty);
            return Ok(());
        }
        out.push('{');
        self.write_items(items, out, vm, depth)?;
        out.push('}');
        Ok(())
    }

    /// A long list of ints that fit 32 bits, as `__belay_il('h', b'<base64>')`; false (nothing
    /// written) when the list does not qualify or the board lacks the helper.
    fn write_int_array(self, items: &[PyObjectRef], out: &mut String, vm: &VirtualMachine) -> bool {
        if !self.int_arrays || items.len() < INT_ARRAY_MIN {
            return false;
        }
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let Some(i) = item.downcast_ref::<PyInt>() else {
                return false;
            };
            if item.class().is(vm.ctx.types.bool_type) {
                return false;
            }
            match i32::try_from(i.as_bigint()) {
                Ok(v) => values.push(v),
                Err(_) => return false,
            }
        }
        let (lo, hi) = values
            .iter()
            .fold((0, 0), |(lo, hi), &v| (v.min(lo), v.max(hi)));
        let (code, width) = if lo >= i32::from(i8::MIN) && hi <= i32::from(i8::MAX) {
            ('b', 1)
        } else if lo >= i32::from(i16::MIN) && hi <= i32::from(i16::MAX) {
            ('h', 2)
        } else {
            ('i', 4)
        };
        let mut packed = Vec::with_capacity(values.len() * width);
        for v in values {
            packed.extend_from_slice(&v.to_le_bytes()[..width]);
        }
        use base64::Engine;
        out.push_str(&format!("__belay_il('{code}',b'"));
        base64::engine::general_purpose::STANDARD.encode_string(&packed, out);
        out.push_str("')");
        true
    }

    /// Bytes as the shorter of a bytes literal and a base64 decode on the board.
    pub fn write_bytes(self, data: &[u8], out: &mut String) {
        if self.base64 && data.len() >= BASE64_MIN {
            let literal_len: usize = data
                .iter()
                .map(|&b| if (0x20..0x7f).contains(&b) { 1 } else { 4 })
                .sum();
            let base64_len = data.len().div_ceil(3) * 4 + "__belay_a2b(b'')".len();
            if base64_len < literal_len {
                use base64::Engine;
                out.push_str("__belay_a2b(b'");
                base64::engine::general_purpose::STANDARD.encode_string(data, out);
                out.push_str("')");
                return;
            }
        }
        match unintern_padding(data.len()) {
            0 => write_bytes(data, out),
            pad => {
                write_bytes(&[data, &b" ".repeat(pad)].concat(), out);
                out.push_str(&format!("[:-{pad}]"));
            }
        }
    }
}

/// A float as text the board reads back as exactly the same double. MicroPython's decimal parser
/// is not correctly rounded (`821355.619412` can come out one bit off), so only integral values
/// go as decimals; the rest go as `m*2.0**e` with an odd integer `m`, which is exact.
fn write_float(f: f64, out: &mut String) {
    use std::fmt::Write;
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

/// A str literal: printable text as is (UTF-8 included), quotes, backslashes and control
/// characters escaped.
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
            c if (c as u32) < 0x20 || c == '\x7f' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// A bytes literal: printable ASCII as is, everything else as `\xNN`.
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

/// Build the host object for a parsed literal.
pub fn to_py(lit: Literal, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
    let ctx = &vm.ctx;
    Ok(match lit {
        Literal::None => ctx.none(),
        Literal::Bool(b) => ctx.new_bool(b).into(),
        Literal::Int(i) => ctx.new_int(i).into(),
        Literal::BigInt(digits) => {
            // Not through int(str): that is capped by sys.get_int_max_str_digits().
            let big: malachite_bigint::BigInt = digits.parse().map_err(|_| {
                vm.new_value_error(format!("malformed integer from the board: {digits}"))
            })?;
            ctx.new_bigint(&big).into()
        }
        Literal::Float(f) => ctx.new_float(f).into(),
        Literal::Str(s) => ctx.new_str(s).into(),
        Literal::Bytes(b) => ctx.new_bytes(b).into(),
        Literal::ByteArray(b) => ctx
            .types
            .bytearray_type
            .as_object()
            .call((ctx.new_bytes(b),), vm)?,
        Literal::Tuple(items) => ctx.new_tuple(to_py_items(items, vm)?).into(),
        Literal::List(items) => ctx.new_list(to_py_items(items, vm)?).into(),
        Literal::Set(items) => {
            let list = ctx.new_list(to_py_items(items, vm)?);
            ctx.types.set_type.as_object().call((list,), vm)?
        }
        Literal::Dict(pairs) => {
            let dict = ctx.new_dict();
            for (k, v) in pairs {
                dict.set_item(&*to_py(k, vm)?, to_py(v, vm)?, vm)?;
            }
            dict.into()
        }
    })
}

fn to_py_items(items: Vec<Literal>, vm: &VirtualMachine) -> PyResult<Vec<PyObjectRef>> {
    items.into_iter().map(|l| to_py(l, vm)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_literals() {
        let mut s = String::new();
        write_str("a'b\\c\n\x00é", &mut s);
        assert_eq!(s, "\"a'b\\\\c\\n\\x00é\"");
        let mut s = String::new();
        write_str("x\"y'", &mut s);
        assert_eq!(s, "'x\"y\\''");
    }

    #[test]
    fn floats_are_written_exactly() {
        let text = |f: f64| {
            let mut s = String::new();
            write_float(f, &mut s);
            s
        };
        assert_eq!(text(3.0), "3.0");
        assert_eq!(text(-0.0), "-0.0");
        assert_eq!(text(0.5), "1*2.0**-1");
        assert_eq!(text(-1.5), "-3*2.0**-1");
        assert_eq!(text(5e-324), "1*2.0**-1074");
        assert_eq!(text(1e300), "1681218273811815*2.0**946");
        for f in [0.1, -821355.619412, 6.0286808956103544e-170, 1e300, 5e-324] {
            let s = text(f);
            let (m, e) = s.split_once("*2.0**").unwrap();
            let (m, e): (f64, i32) = (m.parse().unwrap(), e.parse().unwrap());
            // In two halves, so that 2**e itself cannot underflow.
            assert_eq!(m * 2f64.powi(e / 2) * 2f64.powi(e - e / 2), f, "{s}");
        }
    }

    #[test]
    fn short_bytes_are_padded_out_of_the_boards_qstr_pool() {
        let mut s = String::new();
        Encoder::default().write_bytes(b"ab", &mut s);
        assert_eq!(s, "b'ab         '[:-9]");
        for data in [&b""[..], b"0123456789a"] {
            let mut s = String::new();
            Encoder::default().write_bytes(data, &mut s);
            assert!(!s.contains("[:"), "{s}");
        }
    }

    #[test]
    fn bytes_literals_round_trip_through_the_parser() {
        let all: Vec<u8> = (0..=255).collect();
        let mut s = String::new();
        write_bytes(&all, &mut s);
        assert_eq!(
            crate::literal::parse_literal(s.as_bytes()).unwrap(),
            Literal::Bytes(all)
        );
    }
}
