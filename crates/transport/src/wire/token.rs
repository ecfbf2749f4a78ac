//! Random tokens for unforgeable reply markers.

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `n` random characters from `[A-Za-z0-9]`, from the operating system's random source.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).expect("the operating system has no random source");
    // 248 = 4 * 62: reject the top bytes so every character is equally likely.
    let mut out = String::with_capacity(n);
    let mut i = 0;
    while out.len() < n {
        if i == bytes.len() {
            getrandom::fill(&mut bytes).expect("the operating system has no random source");
            i = 0;
        }
        let b = bytes[i];
        i += 1;
        if b < 248 {
            out.push(ALPHABET[usize::from(b % 62)] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_alphanumeric_and_differ() {
        let a = super::random_token(16);
        let b = super::random_token(16);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
