//! Tolerant `deserialize_with` / `skip_serializing_if` helpers for types that derive
//! serde's traits instead of being written with `model!` (whose decoders get the same
//! leniency from `json::Decode`): [`ProcessEntry`](crate::ProcessEntry), and models
//! written that way elsewhere, which decode through the same rules.
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

#![allow(dead_code)] // Not every helper has a user in every build of the crate.

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
