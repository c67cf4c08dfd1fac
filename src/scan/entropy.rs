//! Shannon entropy of a byte string.

/// Shannon entropy in bits per byte: 0 for one repeated byte, up to 8 for uniform bytes.
///
/// ```
/// use leakward::scan::shannon_entropy;
/// assert_eq!(shannon_entropy(b"aaaa"), 0.0);
/// assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
/// ```
pub fn shannon_entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0usize; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let total = bytes.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_uniform() {
        assert_eq!(shannon_entropy(b""), 0.0);
        assert_eq!(shannon_entropy(b"xxxxxxxx"), 0.0);
        assert!((shannon_entropy(b"ab") - 1.0).abs() < 1e-9);
        let all: Vec<u8> = (0..=255).collect();
        assert!((shannon_entropy(&all) - 8.0).abs() < 1e-9);
    }

    #[test]
    fn random_keys_score_higher_than_placeholders() {
        assert!(shannon_entropy(b"q8Zt3LmW0pXv7RkB2sYc9NdH4jFa6GeU") > 4.0);
        assert!(shannon_entropy(b"your-api-key-here-your-api-key") < 3.5);
    }
}
