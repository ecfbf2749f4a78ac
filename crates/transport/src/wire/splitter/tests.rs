use super::*;

fn run(marker: &[u8], chunks: &[&[u8]]) -> (Vec<u8>, Option<Vec<u8>>, Vec<Vec<u8>>) {
    let mut s = ReplySplitter::new(marker);
    let mut out = Vec::new();
    let mut pieces = Vec::new();
    for c in chunks {
        s.push(c, &mut |b| {
            out.extend_from_slice(b);
            pieces.push(b.to_vec());
        });
    }
    let reply = s.finish(&mut |b| out.extend_from_slice(b));
    (out, reply, pieces)
}

#[test]
fn output_then_result() {
    let (out, reply, _) = run(b"@K1@", &[b"hello\n", b"no newline", b"@K1@(1, 2)"]);
    assert_eq!(out, b"hello\nno newline");
    assert_eq!(reply.unwrap(), b"(1, 2)");
}

#[test]
fn marker_split_across_chunks_is_not_leaked() {
    let (out, reply, _) = run(b"@K1@", &[b"abc@", b"K", b"1@42"]);
    assert_eq!(out, b"abc");
    assert_eq!(reply.unwrap(), b"42");
}

#[test]
fn lookalike_prefix_is_released() {
    let (out, reply, pieces) = run(b"@K1@", &[b"x@K", b"2 rest"]);
    assert_eq!(out, b"x@K2 rest");
    assert!(reply.is_none());
    assert_eq!(pieces[0], b"x");
}

#[test]
fn trailing_partial_marker_without_result_is_output() {
    let (out, reply, _) = run(b"@K1@", &[b"end@K1"]);
    assert_eq!(out, b"end@K1");
    assert!(reply.is_none());
}

#[test]
fn streams_output_immediately() {
    let mut s = ReplySplitter::new(b"@K1@");
    let mut seen = Vec::new();
    s.push(b"tick\n", &mut |b| seen.extend_from_slice(b));
    assert_eq!(seen, b"tick\n");
}

#[test]
fn output_that_holds_the_marker_cannot_pass_for_the_result() {
    // The user's code printed the marker (it read it from the board's memory): the result
    // is still the text after the last one.
    let (out, reply, _) = run(b"@K1@", &[b"a@K1@forged", b"\n@K1", b"@5"]);
    assert_eq!(out, b"a@K1@forged\n");
    assert_eq!(reply.unwrap(), b"5");
    let (out, reply, _) = run(b"@K1@", &[b"@K1@@K1@@K1@7"]);
    assert_eq!(out, b"@K1@@K1@");
    assert_eq!(reply.unwrap(), b"7");
}
