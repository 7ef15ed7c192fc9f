//! Reading the recorded engine exchanges in `shared/captures/docker-20.10`.

use std::path::PathBuf;

/// The capture folder, relative to this crate.
pub(crate) fn captures_dir() -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/captures/docker-20.10");
    assert!(
        dir.is_dir(),
        "capture folder {} is missing: these tests decode the recorded Docker 20.10 \
         exchanges and need the shared reference folder next to the repository",
        dir.display()
    );
    dir
}

/// Every capture file name (`*.txt` except the README), sorted.
pub(crate) fn capture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(captures_dir())
        .expect("capture folder is readable")
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
}

/// One recorded response.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn is_json(&self) -> bool {
        self.header("content-type")
            .is_some_and(|v| v.starts_with("application/json"))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Loads the (first) response of a capture, with its body de-chunked.
pub(crate) fn response(name: &str) -> Response {
    let path = captures_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let start =
        find(&bytes, b"===== RESPONSE").unwrap_or_else(|| panic!("{name}: no RESPONSE marker"));
    let start = start + find(&bytes[start..], b"\n").expect("marker line ends") + 1;
    let end = rfind(&bytes, b"\n===== END")
        .unwrap_or(bytes.len())
        .max(start);
    let raw = &bytes[start..end];

    let head_end = find(raw, b"\r\n\r\n").unwrap_or_else(|| panic!("{name}: no end of head"));
    let head = std::str::from_utf8(&raw[..head_end]).expect("head is text");
    let rest = &raw[head_end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{name}: bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut resp = Response {
        status,
        headers,
        body: Vec::new(),
    };
    resp.body = if resp
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        dechunk(rest)
    } else if let Some(len) = resp
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        rest[..len.min(rest.len())].to_vec()
    } else {
        rest.to_vec()
    };
    resp
}

/// Strips chunk framing. Stops at the last-chunk or where the recording ends.
pub(crate) fn dechunk(mut input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = find(input, b"\r\n") {
        let size_text = std::str::from_utf8(&input[..line_end]).expect("chunk size is text");
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .unwrap_or_else(|_| panic!("bad chunk size line {size_text:?}"));
        if size == 0 {
            break;
        }
        let data = line_end + 2;
        let data_end = (data + size).min(input.len());
        out.extend_from_slice(&input[data..data_end]);
        input = input.get(data_end + 2..).unwrap_or(&[]);
    }
    out
}

/// Every JSON value in a body (one for plain answers, many for streams).
pub(crate) fn json_values<T: serde::de::DeserializeOwned>(name: &str, body: &[u8]) -> Vec<T> {
    serde_json::Deserializer::from_slice(body)
        .into_iter::<T>()
        .collect::<Result<Vec<T>, _>>()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The single JSON document of a 2xx capture, decoded as `T`.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let r = response(name);
    assert!(
        (200..300).contains(&r.status),
        "{name}: status {}",
        r.status
    );
    let mut all = json_values::<T>(name, &r.body);
    assert_eq!(all.len(), 1, "{name}: expected one JSON document");
    all.remove(0)
}

/// Every JSON document of a streamed 2xx capture, decoded as `T`.
pub(crate) fn decode_stream<T: serde::de::DeserializeOwned>(name: &str) -> Vec<T> {
    let r = response(name);
    assert!(
        (200..300).contains(&r.status),
        "{name}: status {}",
        r.status
    );
    json_values(name, &r.body)
}
