//! The splitter of a call's stdout into the user's output and the result text, fed arbitrary
//! bytes in arbitrary pieces: it must never panic, and what it hands on must add up to exactly
//! what arrived (nothing lost, nothing invented, the result only after the last marker).
#![no_main]

use belay_transport::wire::ReplySplitter;
use libfuzzer_sys::fuzz_target;

mod layout;

fuzz_target!(|data: &[u8]| {
    let Some((marker, seed, stream)) = layout::split(data) else {
        return;
    };
    let mut splitter = ReplySplitter::new(marker);
    let mut out = Vec::new();
    for piece in layout::pieces(stream, seed) {
        splitter.push(piece, &mut |b| out.extend_from_slice(b));
    }
    let reply = splitter.finish(&mut |b| out.extend_from_slice(b));
    match reply {
        Some(reply) => {
            let mut whole = out.clone();
            whole.extend_from_slice(marker);
            whole.extend_from_slice(&reply);
            assert_eq!(whole, stream);
            // The result follows the marker's last occurrence.
            assert!(!reply.windows(marker.len()).any(|w| w == marker));
        }
        None => {
            assert_eq!(out, stream);
            assert!(!stream.windows(marker.len()).any(|w| w == marker));
        }
    }
});
