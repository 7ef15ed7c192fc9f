//! The two base64 forms the Engine API uses: URL-safe encoding for `X-Registry-Auth`, and
//! standard decoding (padded or not) for `X-Docker-Container-Path-Stat`.

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes with the URL-safe alphabet and padding, as the engine's `base64.URLEncoding`
/// decodes it.
#[allow(dead_code)]
pub(crate) fn encode_url(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(URL[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard or URL-safe base64, padded or not. `None` on any other byte.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'-' => 62,
            b'_' => 63,
            _ => STD.iter().position(|&s| s == c)? as u32,
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
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
    }
}
