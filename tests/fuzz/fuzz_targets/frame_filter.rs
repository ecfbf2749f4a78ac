//! The filter that takes board → host frames out of everything a board sends, fed arbitrary bytes
//! in arbitrary pieces: it must never panic, frames never hold a control character that ends or
//! breaks them, and data, frames and what it still holds add up to exactly what arrived, in
//! order.
#![no_main]

use belay_transport::wire::filter::{FRAME_CLOSE, FrameFilter, Piece};
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
    let mut filter = FrameFilter::new(marker);
    let mut opening = marker.to_vec();
    opening.push(belay_transport::wire::filter::FRAME_OPEN);
    // The stream rebuilt from what the filter hands on.
    let mut rebuilt = Vec::new();
    let mut take = |p: Piece<'_>| match p {
        Piece::Data(b) => rebuilt.extend_from_slice(b),
        Piece::Frame(f) => {
            assert!(!f.iter().any(|&b| b == FRAME_CLOSE || b == 0x1e));
            rebuilt.extend_from_slice(&opening);
            rebuilt.extend_from_slice(f);
            rebuilt.push(FRAME_CLOSE);
        }
    };
    let mut fed = 0;
    let mut piece = usize::from(seed % 7) + 1;
    while fed < stream.len() {
        let end = (fed + piece).min(stream.len());
        filter.push(&stream[fed..end], &mut take);
        fed = end;
        piece = piece * 3 % 11 + 1;
    }
    rebuilt.extend_from_slice(&filter.held());
    assert_eq!(rebuilt, stream);
});
