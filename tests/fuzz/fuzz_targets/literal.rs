//! The parser of the Python literals a board sends back, fed arbitrary bytes: it must never panic
//! or recurse without bound, and error offsets must lie within the input.
//!
//! The parser lives in the transport crate's wire layer, which needs no host interpreter: the fuzz
//! build does not instrument the RustPython VM.
#![no_main]

use belay_transport::wire::literal;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match literal::parse_literal(data) {
        Ok(value) => {
            // Whatever parsed must parse the same again from its own text with whitespace around.
            let mut padded = b" ".to_vec();
            padded.extend_from_slice(data);
            padded.extend_from_slice(b"\n");
            let again = literal::parse_literal(&padded).expect("padding broke a valid literal");
            assert!(same(&value, &again));
        }
        Err(e) => assert!(e.offset <= data.len(), "{e}"),
    }
});

/// Equality where NaN equals NaN (a literal `nan` parses to a NaN each time).
fn same(a: &literal::Literal, b: &literal::Literal) -> bool {
    format!("{a:?}") == format!("{b:?}")
}
