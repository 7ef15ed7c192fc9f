//! The two base64 forms the Engine API uses: URL-safe encoding for `X-Registry-Auth`, and
//! standard decoding (padded or not) for `X-Docker-Container-Path-Stat` and `config.json`.
//! Both are the `base64` crate's engines, strict about the alphabet and the trailing bits.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};

/// Padding written when encoding, and optional when decoding.
const PADDING: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, PADDING);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, PADDING);

/// Encodes with the URL-safe alphabet and padding, as the engine's `base64.URLEncoding`
/// decodes it.
pub(crate) fn encode_url(data: &[u8]) -> String {
    URL_SAFE.encode(data)
}

/// Decodes standard or URL-safe base64, padded or not. `None` on any other text.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoding_round_trips_and_avoids_plus_and_slash() {
        for len in 0..40 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 251) as u8).collect();
            let enc = encode_url(&data);
            assert!(!enc.contains('+') && !enc.contains('/'), "{enc}");
            assert_eq!(enc.len() % 4, 0);
            assert_eq!(decode(&enc).unwrap(), data);
        }
        assert_eq!(encode_url(b"\xfb\xff"), "-_8=");
        assert_eq!(decode("aGk=").unwrap(), b"hi");
        assert_eq!(decode("aGk").unwrap(), b"hi");
        assert_eq!(decode("a*k"), None);
        assert_eq!(decode("aGl="), None, "non-zero trailing bits are refused");
    }
}
