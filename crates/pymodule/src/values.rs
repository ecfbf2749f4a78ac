//! Python objects ↔ the wire: host arguments written as board source (the scalars by
//! `belay_transport::wire::encode`, containers here), and board results (parsed literals) built
//! into Python objects. A proxy argument stands for the board object it names.

use belay_transport::wire::encode::{Encoder, MAX_SEND_DEPTH, write_constant, write_int};
use belay_transport::wire::{FloatFormat, Literal, Reply, ReplyError, decode_reply};
use rustpython_vm::builtins::{
    PyByteArray, PyBytes, PyComplex, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyStr,
    PyTuple,
};
use rustpython_vm::{AsObject, PyObject, PyObjectRef, PyResult, VirtualMachine};

use crate::errors::{self, UnparsableResultError};
use crate::proxy::object::ProxyObject;

/// `obj` as board source text that evaluates to an equal value on the board.
pub fn to_source(encoder: Encoder, obj: &PyObject, vm: &VirtualMachine) -> PyResult<String> {
    let mut out = String::new();
    write(encoder, obj, &mut out, vm, 0)?;
    Ok(out)
}

/// How many objects [`may_pack`] looks at before it gives up.
const PACK_SCAN_LIMIT: usize = 256;

/// Whether any of `objs` holds a value the board's codecs would send shorter: long bytes, or a long
/// list that starts with an int. Looks at the first [`PACK_SCAN_LIMIT`] objects only (what it
/// misses goes as a literal, which is exact too).
pub fn may_pack<'a>(objs: impl IntoIterator<Item = &'a PyObject>, vm: &VirtualMachine) -> bool {
    let mut todo: Vec<PyObjectRef> = objs.into_iter().map(|o| o.to_owned()).collect();
    let mut seen = 0;
    while let Some(obj) = todo.pop() {
        seen += 1;
        if seen > PACK_SCAN_LIMIT {
            return false;
        }
        if let Some(b) = obj.downcast_ref::<PyBytes>() {
            if b.as_bytes().len() >= Encoder::BYTES_PACK_MIN {
                return true;
            }
        } else if let Some(b) = obj.downcast_ref::<PyByteArray>() {
            if b.borrow_buf().len() >= Encoder::BYTES_PACK_MIN {
                return true;
            }
        } else if let Some(list) = obj.downcast_ref::<PyList>() {
            let items = list.borrow_vec();
            let ints = items.first().is_some_and(|i| {
                i.downcast_ref::<PyInt>().is_some() && !i.class().is(vm.ctx.types.bool_type)
            });
            if ints && items.len() >= Encoder::INT_LIST_MIN {
                return true;
            }
            todo.extend(items.iter().cloned());
        } else if let Some(tuple) = obj.downcast_ref::<PyTuple>() {
            todo.extend(tuple.iter().cloned());
        } else if let Some(dict) = obj.downcast_ref::<PyDict>() {
            todo.extend(dict.items_vec().into_iter().map(|(_, v)| v));
        }
    }
    false
}

fn write(
    encoder: Encoder,
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
    let items = |items: &[PyObjectRef], out: &mut String| -> PyResult<()> {
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            write(encoder, item, out, vm, depth + 1)?;
        }
        Ok(())
    };
    if vm.is_none(obj) {
        write_constant(None, out);
    } else if obj.class().is(ctx.types.bool_type) {
        write_constant(Some(obj.is(&ctx.true_value)), out);
    } else if let Some(i) = obj.downcast_ref::<PyInt>() {
        match i64::try_from(i.as_bigint()) {
            Ok(small) => write_int(small, out),
            Err(_) => write_int(i.as_bigint(), out),
        }
    } else if let Some(f) = obj.downcast_ref::<PyFloat>() {
        encoder.write_float(f.to_f64(), out);
    } else if let Some(c) = obj.downcast_ref::<PyComplex>() {
        let z = c.as_complex();
        out.push_str("complex(");
        encoder.write_float(z.re, out);
        out.push(',');
        encoder.write_float(z.im, out);
        out.push(')');
    } else if let Some(s) = obj.downcast_ref::<PyStr>() {
        let text = s.to_str().ok_or_else(|| {
            vm.new_value_error("a str with lone surrogates cannot be sent to the board")
        })?;
        encoder.write_str(text, out);
    } else if let Some(b) = obj.downcast_ref::<PyBytes>() {
        encoder.write_bytes(b.as_bytes(), out);
    } else if let Some(b) = obj.downcast_ref::<PyByteArray>() {
        encoder.write_bytearray(&b.borrow_buf(), out);
    } else if let Some(t) = obj.downcast_ref::<PyTuple>() {
        out.push('(');
        items(t.as_slice(), out)?;
        if t.len() == 1 {
            out.push(',');
        }
        out.push(')');
    } else if let Some(l) = obj.downcast_ref::<PyList>() {
        let list: Vec<PyObjectRef> = l.borrow_vec().to_vec();
        if !write_int_list(encoder, &list, out, vm) {
            out.push('[');
            items(&list, out)?;
            out.push(']');
        }
    } else if let Some(d) = obj.downcast_ref::<PyDict>() {
        out.push('{');
        for (n, (k, v)) in d.items_vec().iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            write(encoder, k, out, vm, depth + 1)?;
            out.push(':');
            write(encoder, v, out, vm, depth + 1)?;
        }
        out.push('}');
    } else if let Some(s) = obj.downcast_ref::<PySet>() {
        write_set(&s.elements(), "set()", out, &items)?;
    } else if let Some(s) = obj.downcast_ref::<PyFrozenSet>() {
        out.push_str("frozenset(");
        write_set(&s.elements(), "", out, &items)?;
        out.push(')');
    } else if let Some(p) = obj.downcast_ref::<ProxyObject>() {
        // A proxy stands for the board object it names.
        out.push_str(
            &p.target_name()
                .ok_or_else(|| vm.new_type_error("uninitialised ProxyObject"))?,
        );
    } else {
        return Err(vm.new_type_error(format!(
            "cannot send a '{}' to the board: arguments must be Python literals \
             (None, bool, int, float, complex, str, bytes, bytearray, tuple, list, dict, set) or ProxyObjects",
            obj.class().name()
        )));
    }
    Ok(())
}

fn write_set(
    elements: &[PyObjectRef],
    empty: &str,
    out: &mut String,
    items: &dyn Fn(&[PyObjectRef], &mut String) -> PyResult<()>,
) -> PyResult<()> {
    if elements.is_empty() {
        out.push_str(empty);
        return Ok(());
    }
    out.push('{');
    items(elements, out)?;
    out.push('}');
    Ok(())
}

/// A long list of ints that fit 32 bits, packed (see [`Encoder::write_int_list`]); false when
/// the list does not qualify.
fn write_int_list(
    encoder: Encoder,
    items: &[PyObjectRef],
    out: &mut String,
    vm: &VirtualMachine,
) -> bool {
    if !encoder.int_arrays || items.len() < Encoder::INT_LIST_MIN {
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
    encoder.write_int_list(&values, out)
}

/// Build the host object for a literal from a board that stores floats as `floats` (a board
/// float becomes the shortest decimal the board reads back as the same value).
pub fn to_py(lit: Literal, floats: FloatFormat, vm: &VirtualMachine) -> PyResult<PyObjectRef> {
    let ctx = &vm.ctx;
    let to_py_items = |items: Vec<Literal>| -> PyResult<Vec<PyObjectRef>> {
        items.into_iter().map(|l| to_py(l, floats, vm)).collect()
    };
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
        Literal::Float(f) => ctx.new_float(floats.host_value(f)).into(),
        Literal::Complex(re, im) => ctx.types.complex_type.as_object().call(
            (
                ctx.new_float(floats.host_value(re)),
                ctx.new_float(floats.host_value(im)),
            ),
            vm,
        )?,
        Literal::Str(s) => ctx.new_str(s).into(),
        Literal::Bytes(b) => ctx.new_bytes(b).into(),
        Literal::ByteArray(b) => ctx
            .types
            .bytearray_type
            .as_object()
            .call((ctx.new_bytes(b),), vm)?,
        Literal::Tuple(items) => ctx.new_tuple(to_py_items(items)?).into(),
        Literal::List(items) => ctx.new_list(to_py_items(items)?).into(),
        Literal::Set(items) => {
            let list = ctx.new_list(to_py_items(items)?);
            ctx.types.set_type.as_object().call((list,), vm)?
        }
        Literal::Dict(pairs) => {
            let dict = ctx.new_dict();
            for (k, v) in pairs {
                dict.set_item(&*to_py(k, floats, vm)?, to_py(v, floats, vm)?, vm)?;
            }
            dict.into()
        }
    })
}

/// A result text as a host value: a literal, or (with `trusted`) evaluated on the host, which
/// lets the board run code on the host (Belay's `trusted=True`, kept for compatibility). Long
/// bytes come base64-encoded either way. A value that is not a literal (a module, a `Pin`, a
/// named tuple) is `belay.UNPARSABLE_RESULT`, as in Belay.
pub fn decode(text: &[u8], trusted: bool, floats: FloatFormat, vm: &VirtualMachine) -> PyResult {
    let base64 = matches!(text.first(), Some(b'B' | b'A'));
    if trusted && !base64 {
        let source = String::from_utf8_lossy(text).into_owned();
        return vm.builtins.get_attr("eval", vm)?.call((source,), vm);
    }
    literal_or_unparsable(decode_reply(text, false), floats, vm)
}

/// A decoded reply's value; `belay.UNPARSABLE_RESULT` for one that is not a literal.
pub fn literal_or_unparsable(
    reply: Result<Reply, ReplyError>,
    floats: FloatFormat,
    vm: &VirtualMachine,
) -> PyResult {
    match reply {
        Ok(Reply::Value(literal)) => to_py(literal, floats, vm),
        Ok(Reply::Proxy(_)) => Err(errors::new::<UnparsableResultError>(
            vm,
            "a proxy reply where a value was expected",
        )),
        Err(ReplyError::NotALiteral { .. }) => crate::compat::unparsable_result(vm),
        Err(e) => Err(errors::new::<UnparsableResultError>(vm, e.to_string())),
    }
}
