//! Just enough HTTP/1.1 framing to take recorded messages apart and put them back together
//! byte for byte, and to tell when a request read from a socket is complete.

use crate::transcript::find;

/// A request or response split into its head and its framed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// The start line and headers, with the blank line that ends them (or every byte, for a
    /// head that never ended).
    pub(crate) head: Vec<u8>,
    pub(crate) body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    /// No body bytes.
    None,
    /// A body sized by `Content-Length` (complete), or delimited by the end of the stream.
    Plain(Vec<u8>),
    /// Chunks as `(extension, data)`; `last` is the last-chunk line, trailers and final CRLF
    /// as recorded, absent when the stream stopped before it.
    Chunked {
        chunks: Vec<(Vec<u8>, Vec<u8>)>,
        last: Option<Vec<u8>>,
    },
    /// Bytes whose framing is not understood (truncated, upgraded): kept as they are.
    Raw(Vec<u8>),
}

impl Message {
    /// The body content with chunk framing removed, when the framing is understood.
    pub(crate) fn content(&self) -> Option<Vec<u8>> {
        match &self.body {
            Body::None => Some(Vec::new()),
            Body::Plain(b) => Some(b.clone()),
            Body::Chunked { chunks, .. } => {
                Some(chunks.iter().flat_map(|(_, d)| d.clone()).collect())
            }
            Body::Raw(_) => None,
        }
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.head.clone();
        match &self.body {
            Body::None => (),
            Body::Plain(b) | Body::Raw(b) => out.extend_from_slice(b),
            Body::Chunked { chunks, last } => {
                for (ext, data) in chunks {
                    out.extend_from_slice(format!("{:x}", data.len()).as_bytes());
                    out.extend_from_slice(ext);
                    out.extend_from_slice(b"\r\n");
                    out.extend_from_slice(data);
                    out.extend_from_slice(b"\r\n");
                }
                if let Some(last) = last {
                    out.extend_from_slice(last);
                }
            }
        }
        out
    }

    /// The value of the first header called `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        header(&self.head, name)
    }

    /// The first word of the start line: the method of a request.
    pub(crate) fn method(&self) -> String {
        let line = self.head.split(|&b| b == b' ').next().unwrap_or(&[]);
        String::from_utf8_lossy(line).into_owned()
    }

    /// The second word of the start line: the target of a request, the status of a response.
    pub(crate) fn second_word(&self) -> String {
        let line = self.head.split(|&b| b == b'\r').next().unwrap_or(&[]);
        let word = line.split(|&b| b == b' ').nth(1).unwrap_or(&[]);
        String::from_utf8_lossy(word).into_owned()
    }
}

/// Splits a request: the body is chunked, sized by `Content-Length`, or absent.
pub(crate) fn parse_request(bytes: &[u8]) -> Message {
    let Some(head_len) = head_len(bytes) else {
        return Message {
            head: bytes.to_vec(),
            body: Body::None,
        };
    };
    let head = &bytes[..head_len];
    let rest = &bytes[head_len..];
    let body = if is_chunked(head) {
        chunked(rest)
    } else if let Some(n) = content_length(head) {
        sized(rest, n)
    } else if rest.is_empty() {
        Body::None
    } else {
        Body::Raw(rest.to_vec())
    };
    Message {
        head: head.to_vec(),
        body,
    }
}

/// Splits a response to a request made with `method`.
pub(crate) fn parse_response(bytes: &[u8], method: &str) -> Message {
    let Some(head_len) = head_len(bytes) else {
        return Message {
            head: bytes.to_vec(),
            body: Body::None,
        };
    };
    let head = &bytes[..head_len];
    let rest = &bytes[head_len..];
    let status: u16 = {
        let line = head.split(|&b| b == b'\r').next().unwrap_or(&[]);
        let word = line.split(|&b| b == b' ').nth(1).unwrap_or(&[]);
        std::str::from_utf8(word)
            .ok()
            .and_then(|w| w.parse().ok())
            .unwrap_or(0)
    };
    let no_body = method.eq_ignore_ascii_case("HEAD")
        || (100..200).contains(&status) && status != 101
        || status == 204
        || status == 304;
    // An upgraded stream is raw bytes; a body that should not be there is kept as it is.
    let body = if status == 101 || no_body {
        raw(rest)
    } else if is_chunked(head) {
        chunked(rest)
    } else if let Some(n) = content_length(head) {
        sized(rest, n)
    } else {
        Body::Plain(rest.to_vec())
    };
    Message {
        head: head.to_vec(),
        body,
    }
}

/// The length of the first complete request in `buf`, or `None` while it is incomplete.
/// A head that cannot be framed counts as complete at its end, so that it gets an answer.
pub(crate) fn request_len(buf: &[u8]) -> Option<usize> {
    let head_len = head_len(buf)?;
    let head = &buf[..head_len];
    if is_chunked(head) {
        let mut at = head_len;
        loop {
            let line_end = at + find(&buf[at..], b"\r\n")?;
            let size = chunk_size(&buf[at..line_end]);
            at = line_end + 2;
            match size {
                Some(0) | None => {
                    // Trailers end with an empty line.
                    loop {
                        let end = at + find(&buf[at..], b"\r\n")?;
                        let empty = end == at;
                        at = end + 2;
                        if empty {
                            return Some(at);
                        }
                    }
                }
                Some(n) => {
                    at = at.checked_add(n)?.checked_add(2)?;
                    if at > buf.len() {
                        return None;
                    }
                }
            }
        }
    }
    let total = head_len.checked_add(content_length(head).unwrap_or(0))?;
    (buf.len() >= total).then_some(total)
}

fn raw(rest: &[u8]) -> Body {
    match rest.is_empty() {
        true => Body::None,
        false => Body::Raw(rest.to_vec()),
    }
}

fn sized(rest: &[u8], n: usize) -> Body {
    match (rest.len() == n, n) {
        (true, 0) => Body::None,
        (true, _) => Body::Plain(rest.to_vec()),
        (false, _) => raw(rest),
    }
}

fn chunked(rest: &[u8]) -> Body {
    let whole = rest;
    let mut rest = rest;
    let mut chunks = Vec::new();
    loop {
        if rest.is_empty() {
            return Body::Chunked { chunks, last: None };
        }
        let Some(line_end) = find(rest, b"\r\n") else {
            return Body::Raw(whole.to_vec());
        };
        let line = &rest[..line_end];
        let Some(size) = chunk_size(line) else {
            return Body::Raw(whole.to_vec());
        };
        if size == 0 {
            // The last chunk and its trailers must end with an empty line.
            if !rest.ends_with(b"\r\n\r\n") && rest != b"0\r\n\r\n" {
                return Body::Raw(whole.to_vec());
            }
            return Body::Chunked {
                chunks,
                last: Some(rest.to_vec()),
            };
        }
        let ext = line[line.iter().position(|&b| b == b';').unwrap_or(line.len())..].to_vec();
        let data_start = line_end + 2;
        let data_end = data_start + size;
        if rest.len() < data_end + 2 || &rest[data_end..data_end + 2] != b"\r\n" {
            return Body::Raw(whole.to_vec());
        }
        chunks.push((ext, rest[data_start..data_end].to_vec()));
        rest = &rest[data_end + 2..];
    }
}

fn chunk_size(line: &[u8]) -> Option<usize> {
    let size = line.split(|&b| b == b';').next()?;
    let size = std::str::from_utf8(size).ok()?.trim();
    if size.is_empty() || size.len() > 15 {
        return None;
    }
    usize::from_str_radix(size, 16).ok()
}

fn head_len(bytes: &[u8]) -> Option<usize> {
    find(bytes, b"\r\n\r\n").map(|at| at + 4)
}

fn is_chunked(head: &[u8]) -> bool {
    header(head, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
}

fn content_length(head: &[u8]) -> Option<usize> {
    header(head, "content-length")?.trim().parse().ok()
}

fn header(head: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    text.split("\r\n").skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

/// `head` with its `Content-Length` value set to `len` (when it has one).
pub(crate) fn with_content_length(head: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(head.len());
    for (i, line) in split_lines(head).into_iter().enumerate() {
        let is_cl = i > 0
            && line.iter().position(|&b| b == b':').is_some_and(|c| {
                line[..c]
                    .trim_ascii()
                    .eq_ignore_ascii_case(b"content-length")
            });
        match is_cl {
            true => {
                let colon = line.iter().position(|&b| b == b':').unwrap_or(0);
                out.extend_from_slice(&line[..=colon]);
                out.extend_from_slice(format!(" {len}").as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            false => {
                out.extend_from_slice(line);
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    // `split_lines` drops the trailing CRLF of the last (empty) line; put the head back as it
    // ended.
    let ends_with_crlf = head.ends_with(b"\r\n");
    if !ends_with_crlf {
        out.truncate(out.len().saturating_sub(2));
    }
    out
}

fn split_lines(head: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut rest = head;
    while let Some(at) = find(rest, b"\r\n") {
        lines.push(&rest[..at]);
        rest = &rest[at + 2..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_response_round_trips() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n";
        let m = parse_response(raw, "GET");
        assert_eq!(m.content().unwrap(), b"abcde");
        assert_eq!(m.to_bytes(), raw);
    }

    #[test]
    fn truncated_chunked_response_keeps_its_chunks() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        let m = parse_response(raw, "GET");
        assert_eq!(
            m.body,
            Body::Chunked {
                chunks: vec![],
                last: None
            }
        );
        assert_eq!(m.to_bytes(), raw);
    }

    #[test]
    fn head_and_no_content_have_no_body() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
        assert_eq!(parse_response(raw, "HEAD").body, Body::None);
        let raw = b"HTTP/1.1 304 Not Modified\r\n\r\n";
        assert_eq!(parse_response(raw, "POST").body, Body::None);
    }

    #[test]
    fn content_length_is_rewritten_in_place() {
        let head = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\nX: y\r\n\r\n";
        assert_eq!(
            with_content_length(head, 7),
            b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nX: y\r\n\r\n"
        );
    }

    #[test]
    fn request_len_waits_for_the_body() {
        let req = b"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nab";
        assert_eq!(request_len(req), None);
        let req = b"POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET";
        assert_eq!(request_len(req), Some(req.len() - 3));
        let req = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n";
        assert_eq!(request_len(req), Some(req.len()));
        assert_eq!(request_len(&req[..req.len() - 1]), None);
    }
}
