//! [`Extra`]: the keys of an object that its model does not name, kept as the engine wrote
//! them, so that a decoded model encodes again without losing anything.

use std::borrow::Cow;
use std::fmt;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::json::{self, Num, Reader};

/// The members of a JSON object that no field of its model names, with their values as
/// the engine sent them.
///
/// Every model has one, in its `extra` field. Decoding puts there each key the model does
/// not know (a field of a newer API, a field an older engine still sends, a platform's
/// own), and encoding writes them back after the typed fields, so that a model decoded
/// from the engine and encoded again holds everything the engine sent. When building a
/// request body, it is where options without a typed field go.
///
/// The members are stored as one string of JSON text (`"Key":value,...`), copied from
/// the answer (in canonical form: no whitespace, strings escaped only where JSON requires
/// it, which is how the engine writes them anyway): a model with unknown keys costs one
/// allocation, and nothing is parsed until asked for ([`get`](Self::get),
/// [`value`](Self::value), [`iter`](Self::iter)). Two `Extra`s are equal when they hold
/// the same members, in any order.
///
/// ```
/// use docker_models::{Extra, HostConfig};
///
/// let hc: HostConfig = serde_json::from_str(r#"{"Privileged":true,"KernelMemory":0,"Future":{"A":[1]}}"#)?;
/// assert!(hc.privileged);
/// assert_eq!(hc.extra.get("Future"), Some(r#"{"A":[1]}"#));
/// assert_eq!(hc.extra.value("KernelMemory"), Some(serde_json::json!(0)));
///
/// // Encoding again writes them back.
/// let json = serde_json::to_value(&hc)?;
/// assert_eq!(json["Future"]["A"][0], 1);
///
/// // And a request body can carry options the model has no field for.
/// let mut extra = Extra::default();
/// extra.insert("CpuCount", serde_json::json!(2));
/// assert_eq!(extra.to_string(), r#"{"CpuCount":2}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Extra {
    /// `"Key":value` members joined by commas; empty when there are none.
    members: String,
}

impl Extra {
    /// Appends the value the reader is at under `raw_key` (a JSON string as written, quotes
    /// included). A key the object repeats is kept twice, as the engine sent it; encoding
    /// writes both, and a JSON reader keeps the last, as the engine's own does.
    pub(crate) fn capture(&mut self, raw_key: &str, r: &mut Reader<'_>) -> json::Result<()> {
        let value = r.raw()?;
        if self.members.is_empty() {
            self.members.reserve(128);
        }
        self.push_member(raw_key, value);
        Ok(())
    }

    fn push_member(&mut self, raw_key: &str, raw_value: &str) {
        if !self.members.is_empty() {
            self.members.push(',');
        }
        match raw_key.contains('\\') {
            false => self.members.push_str(raw_key),
            true => push_canonical(&mut self.members, raw_key),
        }
        self.members.push(':');
        push_canonical(&mut self.members, raw_value);
    }

    /// True when there are no members.
    ///
    /// ```
    /// assert!(docker_models::Extra::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// How many members there are.
    ///
    /// ```
    /// let hc: docker_models::HostConfig = serde_json::from_str(r#"{"A":1,"B":2}"#).unwrap();
    /// assert_eq!(hc.extra.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// The members in the order the engine sent them: each key, and its value as JSON
    /// text.
    ///
    /// ```
    /// let hc: docker_models::HostConfig = serde_json::from_str(r#"{"A":1,"B":[true]}"#).unwrap();
    /// let members: Vec<(String, &str)> = hc.extra.iter().map(|(k, v)| (k.into_owned(), v)).collect();
    /// assert_eq!(members, [("A".to_owned(), "1"), ("B".to_owned(), "[true]")]);
    /// ```
    pub fn iter(&self) -> ExtraIter<'_> {
        ExtraIter {
            members: self.members(),
        }
    }

    /// The value of `key` as JSON text.
    ///
    /// ```
    /// let hc: docker_models::HostConfig = serde_json::from_str(r#"{"CpuCount":4}"#).unwrap();
    /// assert_eq!(hc.extra.get("CpuCount"), Some("4"));
    /// assert_eq!(hc.extra.get("Other"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, parsed.
    ///
    /// ```
    /// let hc: docker_models::HostConfig = serde_json::from_str(r#"{"IOMaximumIOps":30}"#).unwrap();
    /// assert_eq!(hc.extra.value("IOMaximumIOps"), Some(serde_json::json!(30)));
    /// ```
    pub fn value(&self, key: &str) -> Option<serde_json::Value> {
        self.get(key).and_then(|raw| json::decode_text(raw).ok())
    }

    /// Sets `key` to `value`, replacing the member of that key if there is one.
    ///
    /// ```
    /// let mut extra = docker_models::Extra::default();
    /// extra.insert("VolumeOptions", serde_json::json!({"NoCopy": true}));
    /// extra.insert("VolumeOptions", serde_json::json!({"NoCopy": false}));
    /// assert_eq!(extra.to_string(), r#"{"VolumeOptions":{"NoCopy":false}}"#);
    /// ```
    pub fn insert(&mut self, key: &str, value: serde_json::Value) {
        self.remove(key);
        let mut raw_key = String::new();
        push_json_string(&mut raw_key, key);
        self.push_member(&raw_key, &value.to_string());
    }

    /// Removes the member of `key`; true when there was one.
    ///
    /// ```
    /// let mut hc: docker_models::HostConfig = serde_json::from_str(r#"{"A":1,"B":2}"#).unwrap();
    /// assert!(hc.extra.remove("A"));
    /// assert!(!hc.extra.remove("A"));
    /// assert_eq!(hc.extra.to_string(), r#"{"B":2}"#);
    /// ```
    pub fn remove(&mut self, key: &str) -> bool {
        let mut kept = String::with_capacity(self.members.len());
        let mut found = false;
        for member in self.members() {
            if member.key == key {
                found = true;
                continue;
            }
            if !kept.is_empty() {
                kept.push(',');
            }
            kept.push_str(member.text);
        }
        if found {
            self.members = kept;
        }
        found
    }

    /// Each member's key and value, and its whole text (`"Key":value`).
    fn members(&self) -> Members<'_> {
        Members {
            text: &self.members,
            reader: Reader::new(&self.members),
            first: true,
        }
    }
}

/// One member of an [`Extra`].
struct Member<'a> {
    key: Cow<'a, str>,
    value: &'a str,
    text: &'a str,
}

/// The members of an [`Extra`]'s text, in order.
struct Members<'a> {
    text: &'a str,
    reader: Reader<'a>,
    first: bool,
}

impl<'a> Iterator for Members<'a> {
    type Item = Member<'a>;

    fn next(&mut self) -> Option<Member<'a>> {
        let r = &mut self.reader;
        if !std::mem::take(&mut self.first) && !r.eat(b',') {
            return None;
        }
        r.peek()?;
        let start = r.pos();
        let key = r.str().ok()?;
        r.colon().ok()?;
        let value = r.raw().ok()?;
        let text = &self.text[start..r.pos()];
        Some(Member { key, value, text })
    }
}

/// Equal when both hold the same members, in any order, with equal values (compared as
/// `serde_json::Value`s when their text differs, so the order of the members of a nested
/// object does not count either: a `serde_json::Value` sorts them).
impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        if self.members == other.members {
            return true;
        }
        let mine: Vec<Member<'_>> = self.members().collect();
        let theirs: Vec<Member<'_>> = other.members().collect();
        mine.len() == theirs.len()
            && mine.iter().all(|m| {
                theirs
                    .iter()
                    .any(|t| t.key == m.key && same_value(t.value, m.value))
            })
    }
}

fn same_value(a: &str, b: &str) -> bool {
    a == b || parsed(a) == parsed(b)
}

fn parsed(raw: &str) -> Option<serde_json::Value> {
    json::decode_text(raw).ok()
}

impl Eq for Extra {}

/// Agrees with `PartialEq`: neither the order of the members nor that of nested objects'
/// members counts.
impl std::hash::Hash for Extra {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let each = BuildHasherDefault::<DefaultHasher>::default();
        let sum = self
            .members()
            .map(|m| {
                let value = parsed(m.value).map(|v| v.to_string());
                each.hash_one((&m.key, value))
            })
            .fold(0u64, u64::wrapping_add);
        state.write_u64(sum);
    }
}

/// The members as one JSON object, `{"Key":value,...}`.
impl fmt::Display for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}", self.members)
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Extra({self})")
    }
}

impl FromIterator<(String, serde_json::Value)> for Extra {
    /// ```
    /// let extra: docker_models::Extra = [("A".to_owned(), serde_json::json!(1))].into_iter().collect();
    /// assert_eq!(extra.to_string(), r#"{"A":1}"#);
    /// ```
    fn from_iter<I: IntoIterator<Item = (String, serde_json::Value)>>(iter: I) -> Extra {
        let mut extra = Extra::default();
        for (k, v) in iter {
            extra.insert(&k, v);
        }
        extra
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Extra {
    /// ```
    /// let map = serde_json::json!({"A": 1}).as_object().unwrap().clone();
    /// assert_eq!(docker_models::Extra::from(map).get("A"), Some("1"));
    /// ```
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Extra {
        map.into_iter().collect()
    }
}

/// The members of an [`Extra`], from [`Extra::iter`].
///
/// ```
/// let hc: docker_models::HostConfig = serde_json::from_str(r#"{"A":1}"#).unwrap();
/// let mut members = hc.extra.iter();
/// assert_eq!(members.next().map(|(k, v)| (k.into_owned(), v)), Some(("A".to_owned(), "1")));
/// assert!(members.next().is_none());
/// ```
pub struct ExtraIter<'a> {
    members: Members<'a>,
}

impl<'a> Iterator for ExtraIter<'a> {
    /// The key (borrowed unless it holds an escape) and the value as JSON text.
    type Item = (Cow<'a, str>, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        self.members.next().map(|m| (m.key, m.value))
    }
}

/// Appends `raw` (well-formed JSON) in canonical form: no whitespace outside strings, and
/// strings escaped only where JSON requires it (as serde_json writes them). The engine's
/// answers are compact and plain, so they are copied as they are.
fn push_canonical(out: &mut String, raw: &str) {
    if !raw
        .bytes()
        .any(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\\'))
    {
        out.push_str(raw);
        return;
    }
    let mut r = Reader::new(raw);
    // Well-formed by the caller's check; a failure leaves the text as it is.
    let at = out.len();
    if write_canonical(out, &mut r).is_err() {
        out.truncate(at);
        out.push_str(raw);
    }
}

fn write_canonical(out: &mut String, r: &mut Reader<'_>) -> json::Result<()> {
    match r.peek() {
        Some(b'"') => push_json_string(out, &r.str()?),
        Some(b'{') => {
            out.push('{');
            if r.begin_object()? {
                loop {
                    push_json_string(out, &r.str()?);
                    r.colon()?;
                    out.push(':');
                    write_canonical(out, r)?;
                    if !r.next_member()? {
                        break;
                    }
                    out.push(',');
                }
            }
            out.push('}');
        }
        Some(b'[') => {
            out.push('[');
            if r.begin_array()? {
                loop {
                    write_canonical(out, r)?;
                    if !r.next_element()? {
                        break;
                    }
                    out.push(',');
                }
            }
            out.push(']');
        }
        _ => out.push_str(r.raw()?),
    }
    Ok(())
}

/// Appends `s` as a JSON string, escaped as serde_json escapes it.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        plain = i + 1;
        match escape {
            "" => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{b:04x}");
            }
            e => out.push_str(e),
        }
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Writes the members after a model's typed fields.
pub(crate) fn serialize_members<M: SerializeMap>(
    extra: &Extra,
    map: &mut M,
) -> Result<(), M::Error> {
    for (key, raw) in extra.iter() {
        map.serialize_entry(&*key, &RawJson(raw))?;
    }
    Ok(())
}

/// Encodes as a map of its members, whatever the serializer.
impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        serialize_members(self, &mut map)?;
        map.end()
    }
}

/// Well-formed JSON text, encoded through any serializer as the value it denotes.
pub(crate) struct RawJson<'a>(pub(crate) &'a str);

impl Serialize for RawJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let mut r = Reader::new(self.0);
        let bad = |e: json::Error| S::Error::custom(e.describe(self.0));
        match r.peek() {
            Some(b'{') => {
                let mut map = s.serialize_map(None)?;
                if r.begin_object().map_err(bad)? {
                    loop {
                        let key = r.str().map_err(bad)?;
                        r.colon().map_err(bad)?;
                        let value = r.raw().map_err(bad)?;
                        map.serialize_entry(&*key, &RawJson(value))?;
                        if !r.next_member().map_err(bad)? {
                            break;
                        }
                    }
                }
                map.end()
            }
            Some(b'[') => {
                let mut seq = s.serialize_seq(None)?;
                if r.begin_array().map_err(bad)? {
                    loop {
                        seq.serialize_element(&RawJson(r.raw().map_err(bad)?))?;
                        if !r.next_element().map_err(bad)? {
                            break;
                        }
                    }
                }
                seq.end()
            }
            Some(b'"') => s.serialize_str(&r.str().map_err(bad)?),
            Some(b't' | b'f') => s.serialize_bool(r.flag().map_err(bad)?),
            Some(b'n') => s.serialize_unit(),
            _ => match r.number().map_err(bad)? {
                Num::Signed(v) => s.serialize_i64(v),
                Num::Unsigned(v) => s.serialize_u64(v),
                Num::Float(v) => s.serialize_f64(v),
            },
        }
    }
}
