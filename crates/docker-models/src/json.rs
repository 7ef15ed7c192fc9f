//! The JSON reader every model decodes with.
//!
//! One pass over the text, straight into the model: no intermediate tree, no generic
//! deserializer in between. The models' decoders ([`Decode`]) are ordinary functions of
//! this crate, compiled once here whatever the caller's reader, and the `Deserialize`
//! impls that serde users see hand them the text (see `bridge.rs`).
//!
//! What makes it fast on the engine's answers:
//!
//! - strings are scanned eight bytes at a time for a quote, a backslash or a control
//!   character, and borrowed from the input unless they hold an escape;
//! - the engine writes an object's keys in the order of its Go struct, which is the order
//!   of the model's fields, so the key after the last one matched is compared in place,
//!   without reading the key first ([`Reader::key`]); a miss falls back to reading the key
//!   and looking it up;
//! - models are decoded in place, field by field, through a table of one small function
//!   per field, so no large struct is built on the stack and moved;
//! - keys no model names are copied into the model's [`Extra`](crate::Extra) as the
//!   engine wrote them, one string per object, not decoded into a `serde_json::Value`.
//!
//! The reader is strict about JSON (RFC 8259) and lenient about what the engine's Go
//! encoder may put in a field: `null` for any nil value, numbers of any width or sign, and
//! numeric or boolean strings (see [`Decode`]'s impls). Nesting is limited to
//! [`MAX_DEPTH`], so no input can exhaust the stack.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// Objects and arrays nested deeper than this are refused, as serde_json does.
pub(crate) const MAX_DEPTH: u32 = 128;

/// A decoding failure: what was wrong, and the byte offset where it was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Error {
    pub(crate) at: usize,
    pub(crate) what: &'static str,
}

pub(crate) type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The message with the line and column of the offset in `text`, as serde_json words
    /// its own.
    pub(crate) fn describe(&self, text: &str) -> String {
        let at = self.at.min(text.len());
        let before = &text.as_bytes()[..at];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
        format!("{} at line {line} column {column}", self.what)
    }
}

/// A JSON number as written: an integer that fits 64 bits, or anything else as `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
}

impl Num {
    /// Saturating, as the lenient decoders promise: floats are truncated (NaN is 0).
    pub(crate) fn to_i64(self) -> i64 {
        match self {
            Num::Signed(v) => v,
            Num::Unsigned(v) => i64::try_from(v).unwrap_or(i64::MAX),
            Num::Float(v) => v as i64,
        }
    }

    /// Saturating; negative values become 0.
    pub(crate) fn to_u64(self) -> u64 {
        match self {
            Num::Signed(v) => u64::try_from(v).unwrap_or(0),
            Num::Unsigned(v) => v,
            Num::Float(v) => v as u64,
        }
    }

    pub(crate) fn to_f64(self) -> f64 {
        match self {
            Num::Signed(v) => v as f64,
            Num::Unsigned(v) => v as f64,
            Num::Float(v) => v,
        }
    }
}

/// What [`Reader::key`] found.
pub(crate) enum Key<'a> {
    /// The index of the key in the table it was given.
    Known(usize),
    /// A key the table does not hold, as written (quotes and escapes included).
    Unknown(&'a str),
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The bytes of `chunk` that end a run of plain string characters: a quote, a backslash
/// or a control character. Only the lowest set bit is exact (borrows may set higher ones),
/// which is the only one used.
#[inline]
fn string_stops(chunk: u64) -> u64 {
    let quote = chunk ^ (ONES * u64::from(b'"'));
    let backslash = chunk ^ (ONES * u64::from(b'\\'));
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v;
    (zero_byte(quote) | zero_byte(backslash) | chunk.wrapping_sub(ONES * 0x20) & !chunk) & HIGHS
}

/// The first eight bytes of `chunk` (which has at least eight) as a little-endian word.
#[inline(always)]
fn word(chunk: &[u8]) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&chunk[..8]);
    u64::from_le_bytes(w)
}

/// `a == b` for short slices of the same length, without a call into `memcmp`.
#[inline(always)]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i + 8 <= a.len() {
        if word(&a[i..]) != word(&b[i..]) {
            return false;
        }
        i += 8;
    }
    a[i..].iter().zip(&b[i..]).all(|(x, y)| x == y)
}

/// One JSON text and a position in it.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            pos: 0,
            depth: 0,
        }
    }

    #[inline]
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    pub(crate) fn error(&self, what: &'static str) -> Error {
        Error { at: self.pos, what }
    }

    /// Skips whitespace and returns the next byte, not consumed.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let bytes = self.bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// The byte offset of the position.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Consumes `byte` if it comes next (after whitespace).
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        if next {
            self.pos += 1;
        }
        next
    }

    /// Nothing but whitespace is left.
    pub(crate) fn end(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    /// Consumes `byte` after whitespace, or fails with `what`.
    #[inline]
    fn expect(&mut self, byte: u8, what: &'static str) -> Result<()> {
        match self.peek() {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.error(what)),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// Consumes `word` (`true`, `false`, `null`) at the position.
    #[inline]
    fn literal(&mut self, word: &'static str) -> Result<()> {
        match self.bytes().get(self.pos..self.pos + word.len()) {
            Some(got) if got == word.as_bytes() => {
                self.pos += word.len();
                Ok(())
            }
            _ => Err(self.error("expected ident")),
        }
    }

    /// Consumes a `null`, if that is what comes next.
    #[inline]
    pub(crate) fn null(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b'n') => self.literal("null").map(|()| true),
            _ => Ok(false),
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        match self.depth > MAX_DEPTH {
            true => Err(self.error("recursion limit exceeded")),
            false => Ok(()),
        }
    }

    /// Opens an object (`null` reads as an empty one). True when a member follows: the
    /// caller reads its key, [`colon`](Self::colon), its value, then
    /// [`next_member`](Self::next_member).
    pub(crate) fn begin_object(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                self.enter()?;
                match self.peek() {
                    Some(b'}') => {
                        self.pos += 1;
                        self.depth -= 1;
                        Ok(false)
                    }
                    _ => Ok(true),
                }
            }
            Some(b'n') => self.literal("null").map(|()| false),
            Some(_) => Err(self.error("invalid type: expected an object")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// After a member's value: true when another member follows, false at the end.
    #[inline]
    pub(crate) fn next_member(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(_) => Err(self.error("expected `,` or `}`")),
            None => Err(self.error("EOF while parsing an object")),
        }
    }

    /// The `:` between a key and its value.
    #[inline]
    pub(crate) fn colon(&mut self) -> Result<()> {
        self.expect(b':', "expected `:`")
    }

    /// Opens an array (`null` reads as an empty one). True when an element follows: the
    /// caller reads it, then [`next_element`](Self::next_element).
    pub(crate) fn begin_array(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b'[') => {
                self.pos += 1;
                self.enter()?;
                match self.peek() {
                    Some(b']') => {
                        self.pos += 1;
                        self.depth -= 1;
                        Ok(false)
                    }
                    _ => Ok(true),
                }
            }
            Some(b'n') => self.literal("null").map(|()| false),
            Some(_) => Err(self.error("invalid type: expected an array")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// After an element: true when another follows, false at the end.
    #[inline]
    pub(crate) fn next_element(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(_) => Err(self.error("expected `,` or `]`")),
            None => Err(self.error("EOF while parsing a list")),
        }
    }

    /// An object key, looked up in `keys`: `keys[hint]` is compared in place first (the
    /// engine writes keys in the models' order), then the key is read and searched for
    /// from `hint` on, then before it.
    #[inline]
    pub(crate) fn key(&mut self, keys: &[&str], hint: usize) -> Result<Key<'a>> {
        if self.peek() != Some(b'"') {
            return Err(self.error("key must be a string"));
        }
        let start = self.pos + 1;
        let bytes = self.bytes();
        if let Some(k) = keys.get(hint) {
            let end = start + k.len();
            if bytes.get(end) == Some(&b'"') && same_bytes(&bytes[start..end], k.as_bytes()) {
                self.pos = end + 1;
                return Ok(Key::Known(hint));
            }
        }
        self.key_lookup(keys, hint, start)
    }

    #[inline(never)]
    fn key_lookup(&mut self, keys: &[&str], hint: usize, start: usize) -> Result<Key<'a>> {
        self.pos = start;
        let key = self.string_tail()?;
        let hint = hint.min(keys.len());
        let found = keys[hint..]
            .iter()
            .position(|k| *k == key)
            .map(|i| i + hint)
            .or_else(|| keys[..hint].iter().position(|k| *k == key));
        Ok(match found {
            Some(i) => Key::Known(i),
            None => Key::Unknown(&self.text[start - 1..self.pos]),
        })
    }

    /// A string (after whitespace).
    #[inline]
    pub(crate) fn str(&mut self) -> Result<Cow<'a, str>> {
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.string_tail()
            }
            Some(_) => Err(self.error("invalid type: expected a string")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// The rest of a string whose opening quote was consumed; borrowed when it holds no
    /// escape.
    #[inline]
    fn string_tail(&mut self) -> Result<Cow<'a, str>> {
        let start = self.pos;
        let stop = self.scan_plain(start);
        match self.bytes().get(stop) {
            Some(b'"') => {
                self.pos = stop + 1;
                Ok(Cow::Borrowed(&self.text[start..stop]))
            }
            _ => self.string_escaped(start, stop),
        }
    }

    /// The index of the first quote, backslash or control character at or after `from`
    /// (the length of the text when there is none).
    #[inline]
    fn scan_plain(&self, from: usize) -> usize {
        let bytes = self.bytes();
        let mut i = from;
        while let Some(chunk) = bytes.get(i..i + 8) {
            let stops = string_stops(word(chunk));
            if stops != 0 {
                return i + (stops.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while let Some(&b) = bytes.get(i) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                return i;
            }
            i += 1;
        }
        i
    }

    /// A string that holds an escape (or is malformed), from `start`; `stop` is the first
    /// byte that is not plain.
    #[cold]
    fn string_escaped(&mut self, start: usize, mut stop: usize) -> Result<Cow<'a, str>> {
        let mut out = String::with_capacity(stop - start + 16);
        let mut from = start;
        loop {
            out.push_str(&self.text[from..stop]);
            self.pos = stop;
            match self.bytes().get(stop) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                None => return Err(self.error("EOF while parsing a string")),
            }
            from = self.pos;
            stop = self.scan_plain(from);
        }
    }

    /// One escape after its backslash, appended to `out`. A lone or mismatched surrogate
    /// becomes U+FFFD, as Go's decoder makes it.
    fn escape(&mut self, out: &mut String) -> Result<()> {
        let Some(&b) = self.bytes().get(self.pos) else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.pos += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                match first {
                    0xD800..=0xDBFF if self.bytes().get(self.pos..self.pos + 2) == Some(b"\\u") => {
                        let save = self.pos;
                        self.pos += 2;
                        let second = self.hex4()?;
                        match second {
                            0xDC00..=0xDFFF => {
                                let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                                char::from_u32(c).unwrap_or('\u{FFFD}')
                            }
                            _ => {
                                // Not a pair: the first is lone; the second is read on its own.
                                self.pos = save;
                                '\u{FFFD}'
                            }
                        }
                    }
                    _ => char::from_u32(first).unwrap_or('\u{FFFD}'),
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.error("invalid escape"));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32> {
        let Some(digits) = self.bytes().get(self.pos..self.pos + 4) else {
            return Err(self.error("EOF while parsing a string"));
        };
        let mut n = 0;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(self.error("invalid escape")),
            };
            n = n * 16 + u32::from(v);
        }
        self.pos += 4;
        Ok(n)
    }

    /// A number (after whitespace), as written.
    pub(crate) fn number(&mut self) -> Result<Num> {
        self.peek();
        let bytes = self.bytes();
        let start = self.pos;
        let mut i = start;
        let negative = bytes.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let mut value: u64 = 0;
        let mut overflow = false;
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&d @ b'0'..=b'9') = bytes.get(i) {
                    match value
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(u64::from(d - b'0')))
                    {
                        Some(v) => value = v,
                        None => overflow = true,
                    }
                    i += 1;
                }
            }
            _ => return Err(self.error("invalid number")),
        }
        let mut float = overflow;
        if bytes.get(i) == Some(&b'.') {
            float = true;
            i += 1;
            let digits = i;
            while let Some(b'0'..=b'9') = bytes.get(i) {
                i += 1;
            }
            if i == digits {
                self.pos = i;
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = bytes.get(i) {
            float = true;
            i += 1;
            if let Some(b'+' | b'-') = bytes.get(i) {
                i += 1;
            }
            let digits = i;
            while let Some(b'0'..=b'9') = bytes.get(i) {
                i += 1;
            }
            if i == digits {
                self.pos = i;
                return Err(self.error("invalid number"));
            }
        }
        self.pos = i;
        if float {
            return match self.text[start..i].parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Num::Float(v)),
                _ => Err(Error {
                    at: start,
                    what: "number out of range",
                }),
            };
        }
        Ok(match negative {
            false => Num::Unsigned(value),
            true => match 0i64.checked_sub_unsigned(value) {
                Some(v) => Num::Signed(v),
                None => Num::Float(-(value as f64)),
            },
        })
    }

    /// A number where the engine may also write a numeric string or `null`, as the lenient
    /// decoders take it; `None` for `null` and the empty string.
    pub(crate) fn lenient_number(&mut self) -> Result<Option<Num>> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number().map(Some),
            Some(b'n') => self.literal("null").map(|()| None),
            Some(b'"') => {
                let at = self.pos;
                let text = self.str()?;
                let text = text.trim();
                if text.is_empty() {
                    return Ok(None);
                }
                let mut inner = Reader::new(text);
                match inner.number().and_then(|n| inner.end().map(|()| n)) {
                    Ok(n) => Ok(Some(n)),
                    Err(_) => Err(Error {
                        at,
                        what: "invalid value: expected a number or a numeric string",
                    }),
                }
            }
            Some(_) => Err(self.error("invalid type: expected a number")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// A bool where the engine may also write `"true"`/`"false"`, 0 or 1, or `null`
    /// (false).
    pub(crate) fn flag(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|()| true),
            Some(b'f') => self.literal("false").map(|()| false),
            Some(b'n') => self.literal("null").map(|()| false),
            Some(b'-' | b'0'..=b'9') => Ok(self.number()?.to_f64() != 0.0),
            Some(b'"') => {
                let at = self.pos;
                let text = self.str()?;
                match text.trim() {
                    t if t.eq_ignore_ascii_case("true") || t == "1" => Ok(true),
                    t if t.eq_ignore_ascii_case("false") || t == "0" || t.is_empty() => Ok(false),
                    _ => Err(Error {
                        at,
                        what: "invalid value: expected a bool or \"true\"/\"false\"",
                    }),
                }
            }
            Some(_) => Err(self.error("invalid type: expected a bool")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    /// Skips one value, checking that it is well-formed.
    pub(crate) fn skip(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.skip_string_tail()
            }
            Some(b'{') => {
                if self.begin_object()? {
                    loop {
                        if self.peek() != Some(b'"') {
                            return Err(self.error("key must be a string"));
                        }
                        self.pos += 1;
                        self.skip_string_tail()?;
                        self.colon()?;
                        self.skip()?;
                        if !self.next_member()? {
                            break;
                        }
                    }
                }
                Ok(())
            }
            Some(b'[') => {
                if self.begin_array()? {
                    loop {
                        self.skip()?;
                        if !self.next_element()? {
                            break;
                        }
                    }
                }
                Ok(())
            }
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(_) => Err(self.error("expected value")),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    fn skip_string_tail(&mut self) -> Result<()> {
        let mut at = self.pos;
        loop {
            let stop = self.scan_plain(at);
            self.pos = stop;
            match self.bytes().get(stop) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    // Validated the same way as when decoded; the character is dropped.
                    let mut sink = String::new();
                    self.escape(&mut sink)?;
                }
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                None => return Err(self.error("EOF while parsing a string")),
            }
            at = self.pos;
        }
    }

    /// The text of the next value, as written, checked to be well-formed.
    pub(crate) fn raw(&mut self) -> Result<&'a str> {
        self.peek();
        let start = self.pos;
        self.skip()?;
        Ok(&self.text[start..self.pos])
    }
}

/// Something a model field can be: decoded from the reader, leniently where the engine's
/// Go encoder allows more than one form (see the impls).
pub(crate) trait Decode: Sized {
    fn decode(r: &mut Reader<'_>) -> Result<Self>;

    /// Decodes into a value already there (models fill their fields in place).
    #[inline]
    fn decode_into(&mut self, r: &mut Reader<'_>) -> Result<()> {
        *self = Self::decode(r)?;
        Ok(())
    }
}

/// `null` is the empty string.
impl Decode for String {
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<String> {
        if r.null()? {
            return Ok(String::new());
        }
        r.str().map(Cow::into_owned)
    }
}

/// Also `"true"`/`"false"`, 0 or 1; `null` is false.
impl Decode for bool {
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<bool> {
        r.flag()
    }
}

macro_rules! decode_int {
    ($($t:ty: $via:ident),*) => {$(
        /// Any JSON number or numeric string, saturating (floats truncated); `null` is 0.
        impl Decode for $t {
            #[inline]
            fn decode(r: &mut Reader<'_>) -> Result<$t> {
                let n = r.lenient_number()?.map_or(0, Num::$via);
                Ok(n.clamp(<$t>::MIN as _, <$t>::MAX as _) as $t)
            }
        }
    )*};
}

decode_int!(i64: to_i64, i32: to_i64, u64: to_u64, u32: to_u64, u16: to_u64, u8: to_u64);

/// Any JSON number or numeric string; `null` is 0.
impl Decode for f64 {
    fn decode(r: &mut Reader<'_>) -> Result<f64> {
        Ok(r.lenient_number()?.map_or(0.0, Num::to_f64))
    }
}

/// Any JSON number or numeric string; `null` is 0.
impl Decode for f32 {
    fn decode(r: &mut Reader<'_>) -> Result<f32> {
        Ok(r.lenient_number()?.map_or(0.0, Num::to_f64) as f32)
    }
}

/// `null` is `None` (Go's nil pointer).
impl<T: Decode> Decode for Option<T> {
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Option<T>> {
        match r.null()? {
            true => Ok(None),
            false => T::decode(r).map(Some),
        }
    }
}

/// `null` is the empty list (Go's nil slice).
impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Vec<T>> {
        let mut out = Vec::new();
        if r.begin_array()? {
            loop {
                out.push(T::decode(r)?);
                if !r.next_element()? {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// `null` is the empty map (Go's nil map), and a `null` value is the value's default
/// (Go's `map[string]*T`).
impl<T: Decode + Default> Decode for BTreeMap<String, T> {
    fn decode(r: &mut Reader<'_>) -> Result<BTreeMap<String, T>> {
        let mut out = BTreeMap::new();
        if r.begin_object()? {
            loop {
                let key = r.str()?.into_owned();
                r.colon()?;
                let value = match r.null()? {
                    true => T::default(),
                    false => T::decode(r)?,
                };
                out.insert(key, value);
                if !r.next_member()? {
                    break;
                }
            }
        }
        Ok(out)
    }
}

/// Any JSON value, for the fields whose shape the API leaves open.
impl Decode for serde_json::Value {
    fn decode(r: &mut Reader<'_>) -> Result<serde_json::Value> {
        use serde_json::Value;
        Ok(match r.peek() {
            Some(b'"') => Value::String(r.str()?.into_owned()),
            Some(b'{') => {
                let mut map = serde_json::Map::new();
                if r.begin_object()? {
                    loop {
                        let key = r.str()?.into_owned();
                        r.colon()?;
                        map.insert(key, Value::decode(r)?);
                        if !r.next_member()? {
                            break;
                        }
                    }
                }
                Value::Object(map)
            }
            Some(b'[') => Value::Array(Vec::decode(r)?),
            Some(b't') => r.literal("true").map(|()| Value::Bool(true))?,
            Some(b'f') => r.literal("false").map(|()| Value::Bool(false))?,
            Some(b'n') => r.literal("null").map(|()| Value::Null)?,
            Some(b'-' | b'0'..=b'9') => match r.number()? {
                Num::Signed(v) => v.into(),
                Num::Unsigned(v) => v.into(),
                Num::Float(v) => serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
            },
            Some(_) => return Err(r.error("expected value")),
            None => return Err(r.error("EOF while parsing a value")),
        })
    }
}

/// Decodes `text`: one value and nothing after it but whitespace.
pub(crate) fn decode_text<T: Decode>(text: &str) -> Result<T> {
    let mut r = Reader::new(text);
    let value = T::decode(&mut r)?;
    r.end()?;
    Ok(value)
}

/// A model: its keys in the engine's order, one decoder per key, and where unknown keys go.
pub(crate) trait Model: Default + 'static {
    /// The JSON keys of the fields, in the order the engine writes them.
    const KEYS: &'static [&'static str];
    /// The decoder of the field of each key, at the same index.
    const FIELDS: &'static [fn(&mut Self, &mut Reader<'_>) -> Result<()>];
    /// Where the keys no field names go.
    fn extra_mut(&mut self) -> &mut crate::Extra;
}

/// Decodes an object into `out`, field by field (`null` leaves it as it is).
pub(crate) fn decode_object<T: Model>(r: &mut Reader<'_>, out: &mut T) -> Result<()> {
    if !r.begin_object()? {
        return Ok(());
    }
    let mut hint = 0;
    loop {
        match r.key(T::KEYS, hint)? {
            Key::Known(i) => {
                r.colon()?;
                (T::FIELDS[i])(out, r)?;
                hint = i + 1;
            }
            Key::Unknown(key) => {
                r.colon()?;
                out.extra_mut().capture(key, r)?;
            }
        }
        if !r.next_member()? {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> Result<String> {
        let mut r = Reader::new(text);
        let s = r.str()?.into_owned();
        r.end()?;
        Ok(s)
    }

    fn number(text: &str) -> Result<Num> {
        let mut r = Reader::new(text);
        let n = r.number()?;
        r.end()?;
        Ok(n)
    }

    #[test]
    fn plain_strings_are_borrowed_and_escaped_ones_decoded() {
        let mut r = Reader::new(r#""a plain string, longer than eight bytes""#);
        assert!(matches!(r.str(), Ok(Cow::Borrowed(_))));
        assert_eq!(
            string(r#""\" \\ \/ \b \f \n \r \t \u00e9 \u20ac""#).unwrap(),
            "\" \\ / \u{8} \u{c} \n \r \t é €"
        );
        assert_eq!(string(r#""\ud83d\ude00 after""#).unwrap(), "😀 after");
        assert_eq!(
            string("\"héllo wörld, ünïcode\"").unwrap(),
            "héllo wörld, ünïcode"
        );
    }

    #[test]
    fn lone_surrogates_become_the_replacement_character_as_in_go() {
        assert_eq!(string(r#""\ud83d""#).unwrap(), "\u{FFFD}");
        assert_eq!(string(r#""\ude00x""#).unwrap(), "\u{FFFD}x");
        assert_eq!(string(r#""\ud83d\u0041""#).unwrap(), "\u{FFFD}A");
    }

    #[test]
    fn malformed_strings_are_errors_at_their_place() {
        assert_eq!(string("\"a\u{1}b\"").unwrap_err().at, 2);
        assert!(string(r#""\x""#).is_err());
        assert!(string(r#""\u12""#).is_err());
        assert!(string(r#""unterminated"#).is_err());
        assert!(string(r#""unterminated, longer than eight bytes"#).is_err());
        let e = string("\n  \"\\q\"").unwrap_err();
        assert_eq!(
            e.describe("\n  \"\\q\""),
            "invalid escape at line 2 column 5"
        );
    }

    #[test]
    fn numbers_keep_their_integer_form_until_they_do_not_fit() {
        assert_eq!(number("0").unwrap(), Num::Unsigned(0));
        assert_eq!(number("-0").unwrap(), Num::Signed(0));
        assert_eq!(
            number("18446744073709551615").unwrap(),
            Num::Unsigned(u64::MAX)
        );
        assert_eq!(
            number("-9223372036854775808").unwrap(),
            Num::Signed(i64::MIN)
        );
        assert_eq!(
            number("18446744073709551616").unwrap(),
            Num::Float(1.8446744073709552e19)
        );
        assert_eq!(
            number("-9223372036854775809").unwrap(),
            Num::Float(-9.223372036854776e18)
        );
        assert_eq!(number("1.5e3").unwrap(), Num::Float(1500.0));
        assert_eq!(number("2E-2").unwrap(), Num::Float(0.02));
        for bad in [
            "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1e400", "0x10",
        ] {
            assert!(number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lenient_numbers_saturate_and_read_numeric_strings() {
        let int = |t| decode_text::<i64>(t);
        let uint = |t| decode_text::<u64>(t);
        assert_eq!(int("\" 42 \""), Ok(42));
        assert_eq!(int("\"\""), Ok(0));
        assert_eq!(int("null"), Ok(0));
        assert_eq!(int("1.9"), Ok(1));
        assert_eq!(int("1e30"), Ok(i64::MAX));
        assert_eq!(int("18446744073709551615"), Ok(i64::MAX));
        assert_eq!(uint("-5"), Ok(0));
        assert_eq!(decode_text::<u16>("70000"), Ok(u16::MAX));
        assert_eq!(decode_text::<i32>("-3000000000"), Ok(i32::MIN));
        assert!(int("\"ten\"").is_err());
        assert!(int("true").is_err());
    }

    #[test]
    fn flags_read_what_the_engine_has_written_for_a_bool() {
        for (text, want) in [
            ("true", true),
            ("false", false),
            ("null", false),
            ("1", true),
            ("0", false),
            ("\"TRUE\"", true),
            ("\"false\"", false),
            ("\"\"", false),
        ] {
            assert_eq!(decode_text::<bool>(text), Ok(want), "{text}");
        }
        assert!(decode_text::<bool>("\"yes\"").is_err());
        assert!(decode_text::<bool>("[]").is_err());
    }

    #[test]
    fn skipping_checks_the_structure_and_the_depth() {
        let mut r = Reader::new(r#" {"a": [1, -2.5e3, "x\"y", {"b": null}], "c": true} , "#);
        assert_eq!(
            r.raw().unwrap(),
            r#"{"a": [1, -2.5e3, "x\"y", {"b": null}], "c": true}"#
        );
        for bad in [
            "[1,]",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "[1 2]",
            "{1:2}",
            "tru",
            "[",
            "{\"a\":",
        ] {
            assert!(Reader::new(bad).skip().is_err(), "{bad}");
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(Reader::new(&deep(MAX_DEPTH as usize)).skip().is_ok());
        let e = Reader::new(&deep(MAX_DEPTH as usize + 1))
            .skip()
            .unwrap_err();
        assert_eq!(e.what, "recursion limit exceeded");
    }

    #[test]
    fn keys_are_found_in_any_order_and_whatever_their_escapes() {
        const KEYS: &[&str] = &["Id", "Name", "State"];
        let mut r = Reader::new(r#""Name" "Id" "St\u0061te" "Other" "#);
        assert!(matches!(r.key(KEYS, 1), Ok(Key::Known(1))));
        assert!(matches!(r.key(KEYS, 2), Ok(Key::Known(0))));
        assert!(matches!(r.key(KEYS, 1), Ok(Key::Known(2))));
        assert!(matches!(r.key(KEYS, 0), Ok(Key::Unknown("\"Other\""))));
        // A key that starts like the expected one is not taken for it.
        let mut r = Reader::new(r#""Identity""#);
        assert!(matches!(r.key(KEYS, 0), Ok(Key::Unknown(_))));
    }

    #[test]
    fn eight_byte_compares_agree_with_slice_equality() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnopq",
        ];
        for a in words {
            for b in words {
                assert_eq!(same_bytes(a.as_bytes(), b.as_bytes()), a == b, "{a} {b}");
            }
            let mut changed = a.as_bytes().to_vec();
            if let Some(last) = changed.last_mut() {
                *last ^= 1;
                assert!(!same_bytes(a.as_bytes(), &changed), "{a}");
            }
        }
    }
}
