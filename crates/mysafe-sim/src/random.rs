//! Unguessable identifiers: access tokens, generated credentials, Kong request ids.

/// `bytes` random bytes from the operating system, as lowercase hex.
pub fn hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    // The OS generator failing is not something a test server can recover from, but
    // it must not panic on a request path: fall back to a per-process hash, which is
    // still unique enough to tell tokens apart.
    if getrandom::fill(&mut buf).is_err() {
        use std::hash::{BuildHasher, RandomState};
        let state = RandomState::new();
        for (i, b) in buf.iter_mut().enumerate() {
            *b = state.hash_one(i) as u8;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_has_the_requested_length_and_differs_between_calls() {
        let a = super::hex(16);
        let b = super::hex(16);
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
