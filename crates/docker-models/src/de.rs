//! Tolerant `deserialize_with` / `skip_serializing_if` helpers shared by every model.
//!
//! The engine encodes with Go's `encoding/json`, so a nil slice, map, pointer or
//! interface arrives as `null`, and numeric fields have changed width and sign across
//! API versions. These helpers turn all of that into plain Rust defaults:
//!
//! * [`nullable`]: `null` becomes `T::default()` (empty string, empty Vec or map,
//!   default struct, `false`); [`nullable_values`] also maps `null` map values
//!   (Go's `map[string]*T`) to defaults.
//! * [`int`] / [`uint`] and their `opt_` forms: any JSON number (signed, unsigned or
//!   float), a numeric string, or `null`; out-of-range values saturate instead of
//!   failing the whole document.
//! * [`flag`]: a bool, or the strings `"true"`/`"false"` (as in `/version` Details).
//!
//! Absent fields are handled by `#[serde(default)]` on each struct; these functions
//! only run when the key is present.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// Decodes `T`, mapping `null` to `T::default()`.
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes a map whose values may be `null` (Go's `map[string]*T`): a `null` map is
/// empty and a `null` value is `T::default()`.
pub(crate) fn nullable_values<'de, D, T>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    struct MapVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for MapVisitor<T> {
        type Value = BTreeMap<String, T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }

        // Built in place: one map, not a map of options collected into another.
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, Option<T>>()? {
                out.insert(k, v.unwrap_or_default());
            }
            Ok(out)
        }
    }

    deserializer.deserialize_option(MapVisitor(std::marker::PhantomData))
}

/// `skip_serializing_if` predicate: true when the value equals its default.
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// What a lenient number visitor saw.
enum Num {
    Signed(i64),
    Unsigned(u64),
    Float(f64),
    Null,
}

struct NumVisitor;

impl<'de> Visitor<'de> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, a numeric string or null")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(Num::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num::Unsigned(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Num, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => Num::Signed(v),
            Err(_) if v > 0 => Num::Unsigned(u64::try_from(v).unwrap_or(u64::MAX)),
            Err(_) => Num::Signed(i64::MIN),
        })
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Num, E> {
        Ok(Num::Unsigned(u64::try_from(v).unwrap_or(u64::MAX)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        Ok(Num::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(Num::Null);
        }
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Num::Signed(n));
        }
        if let Ok(n) = t.parse::<u64>() {
            return Ok(Num::Unsigned(n));
        }
        match t.parse::<f64>() {
            Ok(n) => Ok(Num::Float(n)),
            Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Num, E> {
        Ok(Num::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Num, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

fn to_i64(n: Num) -> Option<i64> {
    match n {
        Num::Signed(v) => Some(v),
        Num::Unsigned(v) => Some(i64::try_from(v).unwrap_or(i64::MAX)),
        // `as` saturates for floats and maps NaN to 0.
        Num::Float(v) => Some(v as i64),
        Num::Null => None,
    }
}

fn to_u64(n: Num) -> Option<u64> {
    match n {
        Num::Signed(v) => Some(u64::try_from(v).unwrap_or(0)),
        Num::Unsigned(v) => Some(v),
        Num::Float(v) => Some(v as u64),
        Num::Null => None,
    }
}

/// A lenient `i64`: `null` is 0, unsigned values above `i64::MAX` saturate.
pub(crate) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(to_i64(d.deserialize_any(NumVisitor)?).unwrap_or(0))
}

/// A lenient `u64`: `null` is 0, negative values become 0.
pub(crate) fn uint<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(to_u64(d.deserialize_any(NumVisitor)?).unwrap_or(0))
}

/// A lenient `Option<i64>`: `null` is `None`.
pub(crate) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(to_i64(d.deserialize_any(NumVisitor)?))
}

/// A lenient `Option<u64>`: `null` is `None`.
pub(crate) fn opt_uint<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(to_u64(d.deserialize_any(NumVisitor)?))
}

struct FlagVisitor;

impl<'de> Visitor<'de> for FlagVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a bool, \"true\"/\"false\", a number or null")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        Ok(v != 0)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        Ok(v != 0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v.trim() {
            t if t.eq_ignore_ascii_case("true") || t == "1" => Ok(true),
            t if t.eq_ignore_ascii_case("false") || t == "0" || t.is_empty() => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(FlagVisitor)
    }
}

/// A lenient `bool`: also accepts `"true"`/`"false"`, 0/1 and `null` (false).
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(FlagVisitor)
}

/// A `Deserializer` for a derived struct visitor that puts every key the visitor does not
/// name, with its value, into `extra`.
///
/// This is what `#[serde(flatten)] extra: Map` does, without its cost: serde's flatten
/// first buffers the whole object into an intermediate tree and then decodes each field
/// from it, which made `HostConfig` more than half of the time to decode an inspect. Here
/// each key goes to the derived visitor as is; a key it does not know it skips with
/// `IgnoredAny`, and that skip is where the value is decoded into `extra` instead, so no
/// key is looked up twice. Used through [`keep_unknown_keys!`].
pub(crate) struct Collect<'a, D> {
    inner: D,
    extra: &'a mut serde_json::Map<String, serde_json::Value>,
}

impl<'a, D> Collect<'a, D> {
    pub(crate) fn new(inner: D, extra: &'a mut serde_json::Map<String, serde_json::Value>) -> Self {
        Collect { inner, extra }
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Collect<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(CollectVisitor {
            visitor,
            extra: self.extra,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct CollectVisitor<'a, V> {
    visitor: V,
    extra: &'a mut serde_json::Map<String, serde_json::Value>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CollectVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(CollectMap {
            map,
            key: None,
            extra: self.extra,
        })
    }
}

struct CollectMap<'a, 'de, A> {
    map: A,
    /// The key whose value comes next.
    key: Option<Key<'de>>,
    extra: &'a mut serde_json::Map<String, serde_json::Value>,
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for CollectMap<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key::<Key<'de>>()? else {
            return Ok(None);
        };
        let field = seed.deserialize(de::value::StrDeserializer::<A::Error>::new(&key.0))?;
        self.key = Some(key);
        Ok(Some(field))
    }

    fn next_value_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(ValueSeed {
            seed,
            key: self.key.take(),
            extra: self.extra,
        })
    }
}

/// The value of one key: decoded by the visitor's seed, or into `extra` when the seed
/// skips it.
struct ValueSeed<'a, 'de, S> {
    seed: S,
    key: Option<Key<'de>>,
    extra: &'a mut serde_json::Map<String, serde_json::Value>,
}

impl<'de, S: de::DeserializeSeed<'de>> de::DeserializeSeed<'de> for ValueSeed<'_, 'de, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(ValueDe {
            inner: d,
            key: self.key,
            extra: self.extra,
        })
    }
}

/// Passes every request on to the real deserializer, but `deserialize_ignored_any`.
struct ValueDe<'a, 'de, D> {
    inner: D,
    key: Option<Key<'de>>,
    extra: &'a mut serde_json::Map<String, serde_json::Value>,
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ValueDe<'_, 'de, D> {
    type Error = D::Error;

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        match self.key {
            Some(key) => {
                let value = serde_json::Value::deserialize(self.inner)?;
                self.extra.insert(key.0.into_owned(), value);
                visitor.visit_unit()
            }
            None => self.inner.deserialize_ignored_any(visitor),
        }
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }

    forward! {
        deserialize_any(); deserialize_bool(); deserialize_i8(); deserialize_i16();
        deserialize_i32(); deserialize_i64(); deserialize_i128(); deserialize_u8();
        deserialize_u16(); deserialize_u32(); deserialize_u64(); deserialize_u128();
        deserialize_f32(); deserialize_f64(); deserialize_char(); deserialize_str();
        deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
        deserialize_option(); deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq(); deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(v.into()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(v.to_owned().into()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(v.into()))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// `Serialize` and `Deserialize` for a struct derived with `#[serde(remote = "Self")]`
/// whose `extra: serde_json::Map` field is `#[serde(flatten, skip_deserializing)]`:
/// encoding is the derived one (extra merged into the object); decoding runs the
/// derived visitor through [`Collect`], which keeps unknown keys in `extra`.
macro_rules! keep_unknown_keys {
    ($ty:ident) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                // The inherent function made by the derive, not this trait method.
                $ty::serialize(self, s)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let mut extra = serde_json::Map::new();
                let mut value = $ty::deserialize($crate::de::Collect::new(d, &mut extra))?;
                value.extra = extra;
                Ok(value)
            }
        }
    };
}
pub(crate) use keep_unknown_keys;
