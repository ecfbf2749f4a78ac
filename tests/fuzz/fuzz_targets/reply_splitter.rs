//! The splitter of a call's stdout into the user's output and the result text, fed arbitrary
//! bytes in arbitrary pieces: it must never panic, and what it hands on must add up to exactly
//! what arrived (nothing lost, nothing invented, the result only after the last marker).
#![no_main]

use belay_transport::wire::ReplySplitter;
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
    let mut fed = 0;
    let mut piece = usize::from(seed % 7) + 1;
    while fed < stream.len() {
        let end = (fed + piece).min(stream.len());
        splitter.push(&stream[fed..end], &mut |b| out.extend_from_slice(b));
        fed = end;
        piece = piece * 3 % 11 + 1;
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
