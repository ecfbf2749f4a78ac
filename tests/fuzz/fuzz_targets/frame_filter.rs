//! The filter that takes board → host frames out of everything a board sends, fed arbitrary bytes
//! in arbitrary pieces: it must never panic, frames never hold a control character that ends or
//! breaks them, and data, frames and what it still holds add up to exactly what arrived, in
//! order.
#![no_main]

use belay_transport::wire::filter::{FRAME_CLOSE, FrameFilter, Piece};
use libfuzzer_sys::fuzz_target;

mod layout;

fuzz_target!(|data: &[u8]| {
    let Some((marker, seed, stream)) = layout::split(data) else {
        return;
    };
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
    for piece in layout::pieces(stream, seed) {
        filter.push(piece, &mut take);
    }
    rebuilt.extend_from_slice(&filter.held());
    assert_eq!(rebuilt, stream);
});
