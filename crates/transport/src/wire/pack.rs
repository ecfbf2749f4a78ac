//! Binary data in as few bytes of board source as the board can decode: base64 (`_Ba`), or raw
//! DEFLATE streams in base64 (`_BZ`) when the board has MicroPython's `deflate` module and that is
//! shorter for the actual data; and int lists as packed little-endian arrays, of the values or of
//! their differences (smooth data, such as sensor readings, packs narrower as differences).

use std::fmt::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::snippets::names;

/// Longest run of data compressed as one raw DEFLATE stream. Its back-references stay within it,
/// so the board inflates with a window of this size (`wbits` 12 in `snippets/inflate.py`): 4 KiB
/// of RAM, which a small board has to spare.
pub const DEFLATE_CHUNK: usize = 4096;
/// Shorter data is not worth compressing (the stream's overhead and the call eat the gain).
const DEFLATE_MIN: usize = 128;
/// miniz's default compression level.
const DEFLATE_LEVEL: u8 = 6;

/// `data` as a board expression for the bytes: `_Ba(b'<base64>')`, or `_BZ(b'<base64>',...)` (a
/// raw DEFLATE stream per [`DEFLATE_CHUNK`]) when `deflate` is allowed and that is shorter.
pub fn bytes_expr(data: &[u8], deflate: bool) -> String {
    let mut out = String::with_capacity(base64_expr_len(data.len()));
    if deflate && data.len() >= DEFLATE_MIN {
        let streams: Vec<Vec<u8>> = data
            .chunks(DEFLATE_CHUNK)
            .map(|c| miniz_oxide::deflate::compress_to_vec(c, DEFLATE_LEVEL))
            .collect();
        // `_BZ(` `b'…',` per stream, `)` in place of the last comma.
        let packed: usize = streams.iter().map(|s| base64_len(s.len()) + 4).sum();
        if names::INFLATE.len() + 1 + packed < base64_expr_len(data.len()) {
            out.push_str(names::INFLATE);
            out.push('(');
            for (i, stream) in streams.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                base64_literal(stream, &mut out);
            }
            out.push(')');
            return out;
        }
    }
    out.push_str(names::A2B);
    out.push('(');
    base64_literal(data, &mut out);
    out.push(')');
    out
}

/// The length of [`bytes_expr`] without compression.
fn base64_expr_len(len: usize) -> usize {
    names::A2B.len() + base64_len(len) + "(b'')".len()
}

fn base64_len(len: usize) -> usize {
    len.div_ceil(3) * 4
}

fn base64_literal(data: &[u8], out: &mut String) {
    out.push_str("b'");
    BASE64.encode_string(data, out);
    out.push('\'');
}

/// An array type code for ints that all fit it, the narrowest one: `b`, `h` or `i`.
fn narrowest(values: impl Iterator<Item = i64> + Clone) -> Option<(char, usize)> {
    let (lo, hi) = values.fold((0, 0), |(lo, hi), v| (v.min(lo), v.max(hi)));
    [('b', 1usize), ('h', 2), ('i', 4)]
        .into_iter()
        .find(|&(_, width)| {
            let half = 1i64 << (8 * width - 1);
            lo >= -half && hi < half
        })
}

fn packed(values: impl Iterator<Item = i64>, width: usize) -> Vec<u8> {
    values
        .flat_map(|v| v.to_le_bytes().into_iter().take(width))
        .collect()
}

/// A list of ints as `_Bi('h',<bytes>)` (the values packed in the narrowest array type), or as
/// `_Bi('b',<bytes>,first)` (the first value, then the differences between neighbours, packed)
/// when the differences pack narrower.
pub fn write_int_list(values: &[i32], deflate: bool, out: &mut String) {
    let plain = values.iter().map(|&v| i64::from(v));
    let (code, width) = narrowest(plain.clone()).unwrap_or(('i', 4));
    let steps = values.windows(2).map(|w| i64::from(w[1]) - i64::from(w[0]));
    let (code, bytes, first) = match narrowest(steps.clone()) {
        Some((code, w)) if w < width && !values.is_empty() => {
            (code, packed(steps, w), format!(",{}", values[0]))
        }
        _ => (code, packed(plain, width), String::new()),
    };
    let data = bytes_expr(&bytes, deflate);
    write!(out, "{}('{code}',{data}{first})", names::INT_LIST).expect("writing to a String");
}

/// The ints of a packed little-endian array of type `code` (`b`, `h` or `i`); `first`: the array
/// holds the differences between neighbours, after this first value (`D` results).
pub fn unpack_ints(code: u8, packed: &[u8], first: Option<i64>) -> Result<Vec<i64>, String> {
    let width = match code {
        b'b' => 1,
        b'h' => 2,
        b'i' => 4,
        _ => return Err(format!("unknown array type {:?}", code as char)),
    };
    if !packed.len().is_multiple_of(width) {
        return Err(format!(
            "{} bytes do not make items of {width}",
            packed.len()
        ));
    }
    let items = packed.chunks(width).map(|c| {
        let mut b = [if c[width - 1] & 0x80 != 0 { 0xff } else { 0 }; 8];
        b[..width].copy_from_slice(c);
        i64::from_le_bytes(b)
    });
    Ok(match first {
        None => items.collect(),
        Some(first) => std::iter::once(first)
            .chain(items.scan(first, |sum, step| {
                *sum += step;
                Some(*sum)
            }))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate(expr: &str) -> Vec<u8> {
        let args = expr
            .strip_prefix(&format!("{}(", names::INFLATE))
            .and_then(|r| r.strip_suffix(')'))
            .expect("an inflate call");
        args.split(',')
            .flat_map(|lit| {
                let b64 = lit.trim_start_matches("b'").trim_end_matches('\'');
                let stream = BASE64.decode(b64).expect("base64");
                assert!(stream.len() < DEFLATE_CHUNK + 64);
                miniz_oxide::inflate::decompress_to_vec(&stream).expect("a raw deflate stream")
            })
            .collect()
    }

    #[test]
    fn repetitive_data_goes_compressed_in_chunks_and_random_data_does_not() {
        let text: Vec<u8> = b"def f(x):\n    return x + 1\n".repeat(400);
        let out = bytes_expr(&text, true);
        assert!(out.starts_with("_BZ(b'"), "{}", &out[..20]);
        assert_eq!(
            out.matches("b'").count(),
            text.len().div_ceil(DEFLATE_CHUNK)
        );
        assert!(out.len() < text.len() / 10, "{}", out.len());
        assert_eq!(inflate(&out), text);

        let mut noise = vec![0u8; 5000];
        getrandom::fill(&mut noise).unwrap();
        let out = bytes_expr(&noise, true);
        assert!(out.starts_with("_Ba(b'"));
        assert_eq!(out.len(), base64_expr_len(noise.len()));

        let out = bytes_expr(&text, false);
        assert!(out.starts_with("_Ba(b'"));
    }

    #[test]
    fn int_lists_pack_as_values_or_as_differences() {
        let ramp: Vec<i32> = (0..1000).collect();
        let mut out = String::new();
        write_int_list(&ramp, false, &mut out);
        assert!(
            out.starts_with("_Bi('b',_Ba(b'") && out.ends_with("'),0)"),
            "{out:.40}"
        );
        // 999 differences of one byte each.
        assert_eq!(
            out.len(),
            "_Bi('b',".len() + base64_expr_len(999) + ",0)".len()
        );

        let noisy: Vec<i32> = [2048, 2051, 2047, 2049].repeat(10);
        let mut out = String::new();
        write_int_list(&noisy, false, &mut out);
        assert!(out.ends_with(",2048)"), "{out}");

        let jumps: Vec<i32> = (0..40)
            .map(|i| if i % 2 == 0 { 30000 } else { -30000 })
            .collect();
        let mut out = String::new();
        write_int_list(&jumps, false, &mut out);
        assert!(
            out.starts_with("_Bi('h',_Ba(b'") && out.ends_with("'))"),
            "{out}"
        );

        let wide = [i32::MAX, i32::MIN, 0, 1];
        let mut out = String::new();
        write_int_list(&wide.repeat(10), false, &mut out);
        assert!(out.starts_with("_Bi('i',"), "{out}");
    }

    #[test]
    fn unpacking_undoes_packing() {
        for values in [
            (0..1000).collect::<Vec<i32>>(),
            [2048, 2051, 2047, 2049].repeat(10),
            vec![i32::MIN, i32::MAX, 0, -1],
            (0..50).map(|i| i * i * 1000).collect(),
        ] {
            let plain = values.iter().map(|&v| i64::from(v));
            let (code, width) = narrowest(plain.clone()).unwrap();
            let unpacked = unpack_ints(code as u8, &packed(plain, width), None).unwrap();
            assert_eq!(
                unpacked,
                values.iter().map(|&v| i64::from(v)).collect::<Vec<_>>()
            );
            let steps = values.windows(2).map(|w| i64::from(w[1]) - i64::from(w[0]));
            if let Some((code, width)) = narrowest(steps.clone()) {
                let first = Some(i64::from(values[0]));
                let unpacked = unpack_ints(code as u8, &packed(steps, width), first).unwrap();
                assert_eq!(
                    unpacked,
                    values.iter().map(|&v| i64::from(v)).collect::<Vec<_>>()
                );
            }
        }
        assert!(unpack_ints(b'q', b"", None).is_err());
        assert!(unpack_ints(b'h', b"abc", None).is_err());
    }
}
