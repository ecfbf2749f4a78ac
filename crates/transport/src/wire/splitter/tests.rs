use super::*;

fn run(marker: &[u8], chunks: &[&[u8]]) -> (Vec<u8>, Option<Vec<u8>>, Vec<Vec<u8>>) {
    let (out, reply, pieces, frames) = run_framed(marker, chunks);
    assert!(frames.is_empty(), "{frames:?}");
    (out, reply, pieces)
}

/// Output, result, output pieces and frames.
#[allow(clippy::type_complexity)]
fn run_framed(
    marker: &[u8],
    chunks: &[&[u8]],
) -> (Vec<u8>, Option<Vec<u8>>, Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut s = ReplySplitter::new(marker);
    let mut out = Vec::new();
    let mut pieces = Vec::new();
    let mut frames = Vec::new();
    let mut take = |p: Piece<'_>| match p {
        Piece::Output(b) => {
            out.extend_from_slice(b);
            pieces.push(b.to_vec());
        }
        Piece::Frame(f) => frames.push(f.to_vec()),
    };
    for c in chunks {
        s.push(c, &mut take);
    }
    let reply = s.finish(&mut take);
    (out, reply, pieces, frames)
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
    s.push(b"tick\n", &mut |p| {
        if let Piece::Output(b) = p {
            seen.extend_from_slice(b)
        }
    });
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

#[test]
fn frames_are_taken_out_of_the_output_anywhere() {
    let (out, reply, _, frames) = run_framed(
        b"@K1@",
        &[
            b"a@K1@\x1dE('b', 1",
            b", None)\x1fmid",
            b"@K1@",
            b"\x1d",
            b"L3\x1f@K1@7",
        ],
    );
    assert_eq!(out, b"amid");
    assert_eq!(frames, vec![b"E('b', 1, None)".to_vec(), b"L3".to_vec()]);
    assert_eq!(reply.unwrap(), b"7");
    // A frame printed by a board thread after the result leaves the result whole.
    let (out, reply, _, frames) = run_framed(b"@K1@", &[b"@K1@[1,", b"@K1@\x1dEx\x1f 2]"]);
    assert_eq!(out, b"");
    assert_eq!(frames, vec![b"Ex".to_vec()]);
    assert_eq!(reply.unwrap(), b"[1, 2]");
}

#[test]
fn broken_frames_are_output() {
    // Cut short by the next marker, or by the end of the output.
    let (out, reply, _, frames) = run_framed(
        b"@K1@",
        &[b"x@K1@\x1dE('a'", b"\x1e@K1@\x1dE1\x1fy@K1@\x1dhalf"],
    );
    assert_eq!(frames, vec![b"E1".to_vec()]);
    assert_eq!(out, b"x@K1@\x1dE('a'\x1ey@K1@\x1dhalf");
    assert!(reply.is_none());
    // Too long.
    let mut long = b"@K1@\x1dE".to_vec();
    long.resize(MAX_FRAME + 10, b'9');
    let (out, _, _, frames) = run_framed(b"@K1@", &[&long, b"\x1f"]);
    assert!(frames.is_empty());
    assert_eq!(out.len(), long.len() + 1);
}

#[test]
fn a_marker_at_the_very_end_is_an_empty_result() {
    let (out, reply, _, _) = run_framed(b"@K1@", &[b"x@K1@"]);
    assert_eq!(out, b"x");
    assert_eq!(reply.unwrap(), b"");
}
