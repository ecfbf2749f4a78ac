//! The splitter of a call's stdout into the user's output, in-band frames and the result text,
//! fed arbitrary bytes in arbitrary pieces: it must never panic, and what it hands on must add up
//! to exactly what arrived (nothing lost, nothing invented, frames without control characters,
//! the result without the marker).
#![no_main]

use belay_transport::wire::splitter::{FRAME_CLOSE, FRAME_OPEN};
use belay_transport::wire::{Piece, ReplySplitter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Layout: marker length (1..=16), marker, piece lengths seed, stream.
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n % 16) + 1;
    if rest.len() < n + 1 {
        return;
    }
    let (marker, rest) = rest.split_at(n);
    let (&seed, stream) = rest.split_first().unwrap();
    let mut splitter = ReplySplitter::new(marker);
    let mut out = Vec::new();
    let mut framed = 0;
    let mut take = |p: Piece<'_>| match p {
        Piece::Output(b) => out.extend_from_slice(b),
        Piece::Frame(f) => {
            assert!(!f.iter().any(|&b| b == FRAME_CLOSE || b == 0x1e));
            framed += marker.len() + f.len() + 2;
        }
    };
    let mut fed = 0;
    let mut piece = usize::from(seed % 7) + 1;
    while fed < stream.len() {
        let end = (fed + piece).min(stream.len());
        splitter.push(&stream[fed..end], &mut take);
        fed = end;
        piece = piece * 3 % 11 + 1;
    }
    let reply = splitter.finish(&mut take);
    let has_marker = stream.windows(marker.len()).any(|w| w == marker);
    match reply {
        Some(reply) => {
            assert_eq!(out.len() + framed + marker.len() + reply.len(), stream.len());
            // A marker in the result can only be a frame's that broke off.
            let m = marker.len();
            for i in (0..reply.len().saturating_sub(m - 1)).filter(|&i| reply[i..i + m] == *marker) {
                assert_eq!(reply.get(i + m), Some(&FRAME_OPEN));
            }
        }
        None => {
            assert_eq!(out.len() + framed, stream.len());
            if !has_marker {
                assert_eq!(out, stream);
            }
        }
    }
});
