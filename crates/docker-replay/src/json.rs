//! A JSON reader that reports where each scalar is and under which keys, for the
//! normaliser's rules. It checks structure only as far as it needs to find the scalars.

use std::ops::Range;

/// A step of the path from a document's root to a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The span is the text between the quotes, escapes not undone.
    Str,
    Num,
    /// `true`, `false` or `null`.
    Literal,
    /// The span runs from `{` to `}`.
    Object,
    /// The span runs from `[` to `]`.
    Array,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scalar {
    /// Which top-level document of the text it belongs to (bodies of streams hold many).
    pub(crate) doc: usize,
    pub(crate) path: Vec<Seg>,
    pub(crate) span: Range<usize>,
    pub(crate) kind: Kind,
    /// For a member of an object, where its key's opening quote is.
    pub(crate) key_start: Option<usize>,
}

impl Scalar {
    /// The last key of the path, if the value sits directly in an object.
    pub(crate) fn key(&self) -> Option<&str> {
        match self.path.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }
}

/// Every scalar of a sequence of JSON documents separated by white space, or `None` when
/// `text` is not such a sequence.
pub(crate) fn scalars(text: &[u8]) -> Option<Vec<Scalar>> {
    let all = values(text)?;
    Some(
        all.into_iter()
            .filter(|v| !matches!(v.kind, Kind::Object | Kind::Array))
            .collect(),
    )
}

/// Every value, objects and arrays included (each after what it contains).
pub(crate) fn values(text: &[u8]) -> Option<Vec<Scalar>> {
    let mut r = Reader {
        s: text,
        i: 0,
        path: Vec::new(),
        out: Vec::new(),
        doc: 0,
        key_start: None,
    };
    loop {
        r.ws();
        if r.i == r.s.len() {
            break;
        }
        r.value(0)?;
        r.doc += 1;
    }
    (r.doc > 0).then_some(r.out)
}

const MAX_DEPTH: usize = 256;

struct Reader<'a> {
    s: &'a [u8],
    i: usize,
    path: Vec<Seg>,
    out: Vec<Scalar>,
    doc: usize,
    /// The key of the member being read, taken by the next value pushed.
    key_start: Option<usize>,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self
            .s
            .get(self.i)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.s.get(self.i) == Some(&b)).then(|| self.i += 1)
    }

    fn push(&mut self, span: Range<usize>, kind: Kind, key_start: Option<usize>) {
        self.out.push(Scalar {
            doc: self.doc,
            path: self.path.clone(),
            span,
            kind,
            key_start,
        });
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        let key_start = self.key_start.take();
        let start = self.i;
        match *self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    self.push(start..self.i, Kind::Object, key_start);
                    return Some(());
                }
                loop {
                    self.ws();
                    let member = self.i;
                    let key = self.string()?;
                    let key = String::from_utf8_lossy(&self.s[key]).into_owned();
                    self.eat(b':')?;
                    self.key_start = Some(member);
                    self.path.push(Seg::Key(key));
                    self.value(depth + 1)?;
                    self.path.pop();
                    self.ws();
                    match *self.s.get(self.i)? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            self.push(start..self.i, Kind::Object, key_start);
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    self.push(start..self.i, Kind::Array, key_start);
                    return Some(());
                }
                let mut n = 0;
                loop {
                    self.path.push(Seg::Index(n));
                    self.value(depth + 1)?;
                    self.path.pop();
                    n += 1;
                    self.ws();
                    match *self.s.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            self.push(start..self.i, Kind::Array, key_start);
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => {
                let span = self.string()?;
                self.push(span, Kind::Str, key_start);
                Some(())
            }
            b'-' | b'0'..=b'9' => {
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    self.i += 1;
                }
                self.push(start..self.i, Kind::Num, key_start);
                Some(())
            }
            _ => {
                for word in [&b"true"[..], b"false", b"null"] {
                    if self.s[self.i..].starts_with(word) {
                        self.i += word.len();
                        self.push(start..self.i, Kind::Literal, key_start);
                        return Some(());
                    }
                }
                None
            }
        }
    }

    /// Reads a string at the cursor and returns the span between its quotes.
    fn string(&mut self) -> Option<Range<usize>> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let start = self.i;
        loop {
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(start..self.i - 1);
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_carry_their_paths() {
        let text = br#"{"a":[1,"x"],"b":{"c":null}} {"t":2}"#;
        let all = scalars(text).unwrap();
        let paths: Vec<(usize, Vec<Seg>, &[u8])> = all
            .iter()
            .map(|s| (s.doc, s.path.clone(), &text[s.span.clone()]))
            .collect();
        use Seg::*;
        assert_eq!(
            paths,
            vec![
                (0, vec![Key("a".into()), Index(0)], &b"1"[..]),
                (0, vec![Key("a".into()), Index(1)], b"x"),
                (0, vec![Key("b".into()), Key("c".into())], b"null"),
                (1, vec![Key("t".into())], b"2"),
            ]
        );
    }

    #[test]
    fn text_that_is_not_json_gives_none() {
        assert_eq!(scalars(b"OK"), None);
        assert_eq!(scalars(b""), None);
        assert_eq!(scalars(b"{\"a\":"), None);
    }
}
