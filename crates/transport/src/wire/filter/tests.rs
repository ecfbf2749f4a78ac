use super::*;

/// Data and frames, fed in `chunks`; the bytes still held at the end.
fn run(marker: &[u8], chunks: &[&[u8]]) -> (Vec<u8>, Vec<Vec<u8>>, Vec<u8>) {
    let mut f = FrameFilter::new(marker);
    let mut data = Vec::new();
    let mut frames = Vec::new();
    for c in chunks {
        f.push(c, &mut |p| match p {
            Piece::Data(b) => data.extend_from_slice(b),
            Piece::Frame(b) => frames.push(b.to_vec()),
        });
    }
    (data, frames, f.held())
}

#[test]
fn frames_are_taken_out_anywhere() {
    let (data, frames, held) = run(
        b"@K1@",
        &[
            b"a@K1@\x1dE('b', 1",
            b", None)\x1fmid",
            b"@K1@",
            b"\x1d",
            b"L3\x1f@K1@7",
        ],
    );
    assert_eq!(data, b"amid@K1@7");
    assert_eq!(frames, vec![b"E('b', 1, None)".to_vec(), b"L3".to_vec()]);
    assert!(held.is_empty());
}

#[test]
fn a_possible_opening_is_held_until_decided() {
    let (data, frames, held) = run(b"@K1@", &[b"ok@K1"]);
    assert_eq!(
        (data.as_slice(), held.as_slice()),
        (&b"ok"[..], &b"@K1"[..])
    );
    assert!(frames.is_empty());
    let (data, _, held) = run(b"@K1@", &[b"ok@K1", b"@", b"5"]);
    assert_eq!(data, b"ok@K1@5");
    assert!(held.is_empty());
}

#[test]
fn broken_frames_are_data() {
    // Cut short by the next marker, or still open at the end.
    let (data, frames, held) = run(
        b"@K1@",
        &[b"x@K1@\x1dE('a'", b"\x1e@K1@\x1dE1\x1fy@K1@\x1dhalf"],
    );
    assert_eq!(frames, vec![b"E1".to_vec()]);
    assert_eq!(data, b"x@K1@\x1dE('a'\x1ey");
    assert_eq!(held, b"@K1@\x1dhalf");
    // Too long.
    let mut long = b"@K1@\x1dE".to_vec();
    long.resize(MAX_FRAME + 10, b'9');
    let (data, frames, _) = run(b"@K1@", &[&long, b"\x1f"]);
    assert!(frames.is_empty());
    assert_eq!(data.len(), long.len() + 1);
}

#[test]
fn ordinary_control_characters_are_data() {
    let (data, frames, _) = run(
        b"\x1eABCDE",
        &[b"\x1eabcde\x1dE(1)\x1f \x1d\x1fE(2)\x1e\x04"],
    );
    assert!(frames.is_empty());
    assert_eq!(data, b"\x1eabcde\x1dE(1)\x1f \x1d\x1fE(2)\x1e\x04");
}
