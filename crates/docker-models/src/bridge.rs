//! The models and serde: their `Deserialize` impls hand this crate's reader the value's
//! JSON text, and [`from_json`] gives that text without a second pass.
//!
//! A model's `Deserialize` asks the deserializer for the text of the value, in two steps:
//!
//! 1. `deserialize_newtype_struct(MODEL_TOKEN)`: [`from_json`]'s deserializer answers
//!    with the whole input, which the model then decodes (and checks to its end);
//! 2. any other deserializer calls `visit_newtype_struct` back, and the model asks again
//!    with serde_json's own raw-value name (`RAW_TOKEN`): serde_json's deserializers
//!    (`from_str`, `from_slice`, `from_reader`, `from_value`) answer with the text of
//!    the value, as they do for `serde_json::value::RawValue`;
//! 3. a deserializer that knows neither (another format, or serde's buffered content in
//!    an untagged enum or a flattened field) hands over the data itself, which is written
//!    out as JSON text first ([`Transcoder`]).
//!
//! Both answers are `visit_map` with one member under the token whose value is the text,
//! as serde_json does it, so a `RawValue` asked of [`from_json`] works too.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;

use crate::extra::push_json_string;
use crate::json::{self, Reader};

/// serde_json's name for a raw value: its deserializers answer a newtype of this name with
/// the value's text, as one map member under this key.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// This crate's request for the whole input, answered by [`from_json`] only.
const MODEL_TOKEN: &str = "$docker_models::private::Model";

/// The text of the value `d` holds, for a model's `Deserialize`.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    d.deserialize_newtype_struct(MODEL_TOKEN, TextVisitor { asked: MODEL_TOKEN })
}

/// A decoding error of `text`, as the deserializer's error.
pub(crate) fn error<E: de::Error>(text: &str, e: json::Error) -> E {
    E::custom(e.describe(text))
}

/// Decodes one value of JSON text into `T`, fast for this crate's models.
///
/// This is `serde_json::from_str` for every type that implements `Deserialize`, with one
/// difference: a model of this crate, or a list of them, is decoded in one pass by the
/// model's own decoder, where `serde_json::from_str` reads the text once to find where the
/// value ends and the model reads it again. docker-client decodes every answer with it.
///
/// ```
/// use docker_models::{from_json, ContainerSummary, ContainerInspect};
///
/// let c: ContainerInspect = from_json(r#"{"Id":"1cd78d71f60d","Name":"/web"}"#)?;
/// assert_eq!(c.name(), "web");
/// let list: Vec<ContainerSummary> = from_json(r#"[{"Id":"a"},{"Id":"b"}]"#)?;
/// assert_eq!(list.len(), 2);
/// // Any other type goes through serde_json.
/// let v: serde_json::Value = from_json(r#"{"a":[1]}"#)?;
/// assert_eq!(v["a"][0], 1);
/// assert!(from_json::<ContainerInspect>(r#"{"Id":"a"} trailing"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    T::deserialize(Text { text })
}

/// Asks for the text of a value; see the module's documentation.
struct TextVisitor {
    /// The token this visitor was asked with.
    asked: &'static str,
}

impl TextVisitor {
    fn written<E: de::Error>(
        self,
        write: impl FnOnce(Transcoder<'_>) -> Result<(), E>,
    ) -> Result<Cow<'static, str>, E> {
        let mut out = String::new();
        write(Transcoder(&mut out))?;
        Ok(Cow::Owned(out))
    }
}

macro_rules! transcoded {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<E: de::Error>(self, $($arg: $ty),*) -> Result<Self::Value, E> {
            self.written(|t| t.$method($($arg),*))
        }
    )*};
}

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some(Str(key)) = map.next_key::<Str<'de>>()? else {
            return Ok(Cow::Borrowed("{}"));
        };
        if key == RAW_TOKEN || key == MODEL_TOKEN {
            return map.next_value::<Str<'de>>().map(|s| s.0);
        }
        // A map of data: written out, the key already read included.
        let mut out = String::from("{");
        push_json_string(&mut out, &key);
        out.push(':');
        map.next_value_seed(Transcoder(&mut out))?;
        while map.next_key_seed(KeyTranscoder(&mut out))?.is_some() {
            map.next_value_seed(Transcoder(&mut out))?;
        }
        out.push('}');
        Ok(Cow::Owned(out))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match self.asked {
            MODEL_TOKEN => {
                d.deserialize_newtype_struct(RAW_TOKEN, TextVisitor { asked: RAW_TOKEN })
            }
            _ => {
                let mut out = String::new();
                d.deserialize_any(Transcoder(&mut out))?;
                Ok(Cow::Owned(out))
            }
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let mut out = String::new();
        Transcoder(&mut out).visit_seq(seq)?;
        Ok(Cow::Owned(out))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let mut out = String::new();
        d.deserialize_any(Transcoder(&mut out))?;
        Ok(Cow::Owned(out))
    }

    transcoded! {
        visit_bool(v: bool); visit_i64(v: i64); visit_u64(v: u64); visit_i128(v: i128);
        visit_u128(v: u128); visit_f64(v: f64); visit_str(v: &str); visit_bytes(v: &[u8]);
        visit_unit(); visit_none();
    }
}

/// A string, borrowed when the deserializer can lend it.
struct Str<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str<'de>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Writes whatever a deserializer hands it as JSON text.
struct Transcoder<'o>(&'o mut String);

impl<'de> DeserializeSeed<'de> for Transcoder<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Transcoder<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<(), E> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<(), E> {
        let _ = write!(self.0, "{v}");
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        match serde_json::Number::from_f64(v) {
            Some(n) => {
                let _ = write!(self.0, "{n}");
            }
            // JSON has no NaN or infinity; serde_json writes them as null too.
            None => self.0.push_str("null"),
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        push_json_string(self.0, v);
        Ok(())
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        self.0.push('[');
        for (i, b) in v.iter().enumerate() {
            let _ = write!(self.0, "{}{b}", if i > 0 { "," } else { "" });
        }
        self.0.push(']');
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push('[');
        let mut first = true;
        loop {
            let at = self.0.len();
            if !std::mem::take(&mut first) {
                self.0.push(',');
            }
            if seq.next_element_seed(Transcoder(self.0))?.is_none() {
                self.0.truncate(at);
                break;
            }
        }
        self.0.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.push('{');
        let at = self.0.len();
        while map.next_key_seed(KeyTranscoder(self.0))?.is_some() {
            map.next_value_seed(Transcoder(self.0))?;
        }
        // The key transcoder wrote a comma before every key; the first is not wanted.
        if self.0.len() > at {
            self.0.remove(at);
        }
        self.0.push('}');
        Ok(())
    }
}

/// Writes a map key as a JSON string, with the comma before it and the colon after it.
struct KeyTranscoder<'o>(&'o mut String);

impl<'de> DeserializeSeed<'de> for KeyTranscoder<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl KeyTranscoder<'_> {
    fn key<E: de::Error>(self, text: &str) -> Result<(), E> {
        self.0.push(',');
        push_json_string(self.0, text);
        self.0.push(':');
        Ok(())
    }
}

impl<'de> Visitor<'de> for KeyTranscoder<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.key(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.key(if v { "true" } else { "false" })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.key(&v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.key(&v.to_string())
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<(), E> {
        self.key(v.encode_utf8(&mut [0; 4]))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        match std::str::from_utf8(v) {
            Ok(s) => self.key(s),
            Err(_) => Err(E::invalid_type(de::Unexpected::Bytes(v), &self)),
        }
    }
}

/// [`from_json`]'s deserializer: one value of JSON text.
struct Text<'a> {
    text: &'a str,
}

impl<'de> Text<'de> {
    /// Runs `f` on serde_json's deserializer of the text, checking that nothing follows.
    fn delegate<V>(
        self,
        f: impl FnOnce(
            &mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
        ) -> Result<V, serde_json::Error>,
    ) -> Result<V, serde_json::Error> {
        let mut d = serde_json::Deserializer::from_str(self.text);
        let value = f(&mut d)?;
        d.end()?;
        Ok(value)
    }
}

macro_rules! delegate {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, serde_json::Error> {
            self.delegate(|d| d.$method($($arg,)* visitor))
        }
    )*};
}

impl<'de> Deserializer<'de> for Text<'de> {
    type Error = serde_json::Error;

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        match name {
            MODEL_TOKEN => visitor.visit_map(TextMember {
                text: Some(self.text),
            }),
            _ => self.delegate(|d| d.deserialize_newtype_struct(name, visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        let mut reader = Reader::new(self.text);
        if reader.peek() != Some(b'[') {
            return self.delegate(|d| d.deserialize_seq(visitor));
        }
        let mut elements = Elements {
            text: self.text,
            reader,
            started: false,
            ended: false,
        };
        let value = visitor.visit_seq(&mut elements)?;
        if !elements.ended {
            return Err(de::Error::custom("trailing elements in a list"));
        }
        elements.reader.end().map_err(|e| error(elements.text, e))?;
        Ok(value)
    }

    fn deserialize_option<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error> {
        match self.text.trim_matches([' ', '\n', '\r', '\t']) {
            "null" => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    delegate! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16();
        deserialize_i32(); deserialize_i64(); deserialize_i128(); deserialize_u8();
        deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
        deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
        deserialize_string(); deserialize_bytes(); deserialize_byte_buf(); deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier(); deserialize_ignored_any();
    }
}

/// The elements of a list, each handed on as its own text.
struct Elements<'a> {
    text: &'a str,
    reader: Reader<'a>,
    started: bool,
    ended: bool,
}

impl<'de> SeqAccess<'de> for &mut Elements<'de> {
    type Error = serde_json::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, serde_json::Error> {
        if self.ended {
            return Ok(None);
        }
        let more = match std::mem::replace(&mut self.started, true) {
            false => self.reader.begin_array(),
            true => self.reader.next_element(),
        };
        if !more.map_err(|e| error(self.text, e))? {
            self.ended = true;
            return Ok(None);
        }
        let raw = self.reader.raw().map_err(|e| error(self.text, e))?;
        seed.deserialize(Text { text: raw }).map(Some)
    }
}

/// The one member of a raw-value answer: the token, then the text.
struct TextMember<'a> {
    text: Option<&'a str>,
}

impl<'de> MapAccess<'de> for TextMember<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, serde_json::Error> {
        match self.text {
            Some(_) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(RAW_TOKEN))
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, serde_json::Error> {
        let text = self.text.take().unwrap_or("null");
        seed.deserialize(de::value::BorrowedStrDeserializer::new(text))
    }
}
