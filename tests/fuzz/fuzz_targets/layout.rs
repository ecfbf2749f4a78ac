//! The input layout the streaming fuzz targets share: a marker length (1..=16), the marker, a
//! seed for the piece lengths, then the stream, which is fed in pieces of varying length.

/// The marker and the stream, or None when the input is too short.
pub fn split(data: &[u8]) -> Option<(&[u8], u8, &[u8])> {
    let (&n, rest) = data.split_first()?;
    let n = usize::from(n % 16) + 1;
    if rest.len() < n + 1 {
        return None;
    }
    let (marker, rest) = rest.split_at(n);
    let (&seed, stream) = rest.split_first()?;
    Some((marker, seed, stream))
}

/// `stream` in pieces of 1 to 11 bytes, their lengths following `seed`.
pub fn pieces(stream: &[u8], seed: u8) -> impl Iterator<Item = &[u8]> {
    let mut fed = 0;
    let mut piece = usize::from(seed % 7) + 1;
    std::iter::from_fn(move || {
        if fed >= stream.len() {
            return None;
        }
        let end = (fed + piece).min(stream.len());
        let out = &stream[fed..end];
        fed = end;
        piece = piece * 3 % 11 + 1;
        Some(out)
    })
}
