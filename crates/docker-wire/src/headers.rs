//! Owned response heads: status and headers in one allocation-light structure.

use std::fmt;

/// The head of a response: status, version and headers, owned so that no lifetime
/// leaks into the layers above.
///
/// ```
/// # use docker_wire::{ClientConn, Event, Limits, Method, RequestHead};
/// # let mut conn = ClientConn::new(Limits::default());
/// # conn.send_request(&RequestHead::new(Method::Get, "/_ping", "docker"), &mut Vec::new()).unwrap();
/// let res = conn.decode(b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK").unwrap();
/// let Event::Head(head) = res.event else { panic!() };
/// assert_eq!(head.status, 200);
/// assert_eq!(head.headers.get("api-version"), Some("1.41"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseHead {
    /// The status code, 100 to 999.
    pub status: u16,
    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub minor_version: u8,
    /// The reason phrase, possibly empty.
    pub reason: String,
    /// The header fields in the order received.
    pub headers: Headers,
}

impl fmt::Debug for ResponseHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseHead")
            .field("status", &self.status)
            .field("minor_version", &self.minor_version)
            .field("reason", &self.reason)
            .field("headers", &self.headers)
            .finish()
    }
}

/// Header fields stored in one string buffer, looked up case-insensitively.
///
/// Values that are not valid UTF-8 are stored with replacement characters.
///
/// ```
/// let mut h = docker_wire::Headers::default();
/// h.push("Content-Type", "application/json");
/// assert_eq!(h.get("content-type"), Some("application/json"));
/// assert_eq!(h.iter().count(), 1);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    text: String,
    spans: Vec<Span>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Span {
    name_end: usize,
    value_end: usize,
}

impl Headers {
    /// Appends a field.
    ///
    /// ```
    /// let mut h = docker_wire::Headers::default();
    /// h.push("X-Registry-Auth", "e30=");
    /// assert_eq!(h.get("x-registry-auth"), Some("e30="));
    /// ```
    pub fn push(&mut self, name: &str, value: &str) {
        self.push_raw(name, value.as_bytes());
    }

    pub(crate) fn push_raw(&mut self, name: &str, value: &[u8]) {
        // A name starts where the previous value ended, so only the ends are stored.
        self.text.push_str(name);
        let name_end = self.text.len();
        // Values are nearly always ASCII: the plain check is the fast path.
        match std::str::from_utf8(value) {
            Ok(value) => self.text.push_str(value),
            Err(_) => self.text.push_str(&String::from_utf8_lossy(value)),
        }
        let value_end = self.text.len();
        self.spans.push(Span {
            name_end,
            value_end,
        });
    }

    pub(crate) fn with_capacity(fields: usize, bytes: usize) -> Headers {
        Headers {
            text: String::with_capacity(bytes),
            spans: Vec::with_capacity(fields),
        }
    }

    /// The first value of the field `name` (ASCII case-insensitive).
    ///
    /// ```
    /// let mut h = docker_wire::Headers::default();
    /// h.push("Api-Version", "1.47");
    /// assert_eq!(h.get("API-VERSION"), Some("1.47"));
    /// assert_eq!(h.get("Server"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        let text = self.text.as_bytes();
        let mut name_start = 0usize;
        for s in &self.spans {
            if text[name_start..s.name_end].eq_ignore_ascii_case(name.as_bytes()) {
                return Some(&self.text[s.name_end..s.value_end]);
            }
            name_start = s.value_end;
        }
        None
    }

    /// Every value of the field `name` (ASCII case-insensitive), in order.
    ///
    /// ```
    /// let mut h = docker_wire::Headers::default();
    /// h.push("Warning", "first");
    /// h.push("warning", "second");
    /// assert_eq!(h.get_all("WARNING").collect::<Vec<_>>(), ["first", "second"]);
    /// ```
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        // Names are compared as bytes, length first; only a match is sliced as `str`.
        let text = self.text.as_bytes();
        let mut name_start = 0usize;
        self.spans.iter().filter_map(move |s| {
            let field = &text[name_start..s.name_end];
            name_start = s.value_end;
            field
                .eq_ignore_ascii_case(name.as_bytes())
                .then(|| &self.text[s.name_end..s.value_end])
        })
    }

    /// True when the field is present.
    ///
    /// ```
    /// let mut h = docker_wire::Headers::default();
    /// h.push("Docker-Experimental", "false");
    /// assert!(h.contains("docker-experimental"));
    /// assert!(!h.contains("Ostype"));
    /// ```
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// All fields as `(name, value)`, in the order received.
    ///
    /// ```
    /// let mut h = docker_wire::Headers::default();
    /// h.push("Server", "Docker/27.0");
    /// h.push("Ostype", "linux");
    /// assert_eq!(h.iter().collect::<Vec<_>>(), [("Server", "Docker/27.0"), ("Ostype", "linux")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        let mut name_start = 0usize;
        self.spans.iter().map(move |s| {
            let name = &self.text[name_start..s.name_end];
            let value = &self.text[s.name_end..s.value_end];
            name_start = s.value_end;
            (name, value)
        })
    }

    /// The number of fields.
    ///
    /// ```
    /// let mut h = docker_wire::Headers::default();
    /// h.push("Vary", "a");
    /// h.push("Vary", "b");
    /// assert_eq!(h.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are no fields.
    ///
    /// ```
    /// let mut h = docker_wire::Headers::default();
    /// assert!(h.is_empty());
    /// h.push("Server", "Docker");
    /// assert!(!h.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
