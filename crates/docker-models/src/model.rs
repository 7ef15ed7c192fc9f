//! `model!`: a model's struct, its decoder and its serde impls, from one list of fields.
//!
//! ```text
//! model! {
//!     /// Docs of the struct.
//!     #[derive(Debug, Clone, Default, PartialEq, Eq)]
//!     pub struct ContainerState {
//!         /// `Status`: docs of the field.
//!         status: String = "Status",
//!         /// `Health`: present only with a health check.
//!         health: Option<Health> = "Health" omitempty,
//!     }
//! }
//! ```
//!
//! Each field is `name: Type = "JsonKey"`, in the order the engine writes the keys (the
//! order of the Go struct, which decoding relies on to compare keys in place), optionally
//! followed by `omitempty`: left out of the encoding when it equals its default, as Go's
//! `omitempty` does (so a request body leaves it to the engine's default), and optionally
//! by `=> path`: encoded by the function `path(&value, serializer)`. The macro adds
//! `pub` to the fields, and a last field, `pub extra: Extra`, for the keys no field names.
//!
//! It implements:
//!
//! - the decoder (`json::Model`, `json::Decode`): a table of one small function per key,
//!   each decoding its field in place with the field type's `Decode`, which is where the
//!   leniency is (`null` for any default, numbers of any width, numeric strings);
//! - `Serialize`: the fields in order, then the members of `extra`;
//! - `Deserialize`: the value's text handed to the decoder (see `bridge.rs`).
//!
//! The struct's derives are the caller's; every model derives at least `Default` and
//! `PartialEq` (the decoder starts from the default, `omitempty` compares with it).

use std::collections::BTreeMap;

/// A value equal to its type's default, for `omitempty`.
pub(crate) trait Empty {
    fn is_empty_value(&self) -> bool;
}

impl Empty for String {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

impl<T> Empty for Vec<T> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

impl<K, V> Empty for BTreeMap<K, V> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

impl<T> Empty for Option<T> {
    fn is_empty_value(&self) -> bool {
        self.is_none()
    }
}

impl Empty for bool {
    fn is_empty_value(&self) -> bool {
        !*self
    }
}

macro_rules! empty_number {
    ($($t:ty),*) => {$(
        impl Empty for $t {
            fn is_empty_value(&self) -> bool {
                *self == 0 as $t
            }
        }
    )*};
}

empty_number!(i64, i32, u64, u32, u16, u8, f64, f32);

impl Empty for crate::Extra {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

impl Empty for serde_json::Value {
    fn is_empty_value(&self) -> bool {
        self.is_null()
    }
}

/// Whether a field is left out of the encoding.
macro_rules! omitted {
    ($value:expr) => {
        false
    };
    ($value:expr, omitempty) => {
        $crate::model::Empty::is_empty_value($value)
    };
}
pub(crate) use omitted;

/// A field's value as encoded: itself, or through the function named after `=>`.
macro_rules! encoded {
    ($value:expr, $ty:ty) => {
        $value
    };
    ($value:expr, $ty:ty, $encode:path) => {{
        struct Encoded<'a>(&'a $ty);
        impl serde::Serialize for Encoded<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $encode(self.0, s)
            }
        }
        &Encoded($value)
    }};
}
pub(crate) use encoded;

macro_rules! model {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:expr])*
                $field:ident: $ty:ty = $key:literal $($omit:ident)? $(=> $encode:path)?
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        pub struct $name {
            $(
                $(#[doc = $doc])*
                pub $field: $ty,
            )*
            /// Every other key of the object, with its value as the engine sent it (see
            /// [`Extra`](crate::Extra)): decoded models keep what they do not name, and
            /// encode it again.
            pub extra: $crate::Extra,
        }

        impl $crate::json::Model for $name {
            const KEYS: &'static [&'static str] = &[$($key),*];
            const FIELDS: &'static [fn(&mut Self, &mut $crate::json::Reader<'_>) -> $crate::json::Result<()>] = &[
                $(|model, r| $crate::json::Decode::decode_into(&mut model.$field, r)),*
            ];

            fn extra_mut(&mut self) -> &mut $crate::Extra {
                &mut self.extra
            }
        }

        impl $crate::json::Decode for $name {
            fn decode(r: &mut $crate::json::Reader<'_>) -> $crate::json::Result<Self> {
                let mut model = Self::default();
                $crate::json::decode_object(r, &mut model)?;
                Ok(model)
            }

            fn decode_into(&mut self, r: &mut $crate::json::Reader<'_>) -> $crate::json::Result<()> {
                $crate::json::decode_object(r, self)
            }
        }

        impl $crate::model::Empty for $name {
            fn is_empty_value(&self) -> bool {
                *self == Self::default()
            }
        }

        impl $name {
            /// Decodes one value of JSON text; compiled here, once, whoever calls it.
            #[inline(never)]
            fn decode_json(text: &str) -> $crate::json::Result<Self> {
                $crate::json::decode_text(text)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                $(
                    if !$crate::model::omitted!(&self.$field $(, $omit)?) {
                        map.serialize_entry($key, $crate::model::encoded!(&self.$field, $ty $(, $encode)?))?;
                    }
                )*
                $crate::extra::serialize_members(&self.extra, &mut map)?;
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = $crate::bridge::text(d)?;
                Self::decode_json(&text).map_err(|e| $crate::bridge::error(&text, e))
            }
        }
    };
}
pub(crate) use model;
