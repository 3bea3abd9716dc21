//! Conformance vectors: values of a message type drawn from a seed,
//! their bytes, and inputs netwire refuses with the error it gives, as
//! JSON any peer can be tested against.

use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use serde::ser::{self, Serialize, Serializer};

use super::{Spec, SpecError};

/// A splitmix64 stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Often small, sometimes anything: edges are where peers differ.
    fn int(&mut self) -> u64 {
        match self.below(4) {
            0 => self.below(3),
            1 => u64::MAX - self.below(3),
            2 => self.below(300),
            _ => self.next(),
        }
    }

    fn text(&mut self) -> String {
        const CHARS: &[char] = &[
            'a', 'Z', '0', ' ', '"', '\\', '\n', 'é', '€', '名', '😀', '\u{7f}',
        ];
        (0..self.below(6))
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize])
            .collect()
    }
}

/// A `Deserializer` handing out random values.
struct Random {
    rng: Rng,
    depth: usize,
}

#[derive(Debug)]
struct Retry;

impl fmt::Display for Retry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no value drawn")
    }
}

impl std::error::Error for Retry {}

impl de::Error for Retry {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Retry
    }
}

/// Levels past which collections are empty and options `None`.
const SHALLOW: usize = 6;
/// Levels past which a draw is given up (a recursion that does not end).
const DEEPEST: usize = 64;

impl Random {
    fn count(&mut self) -> usize {
        if self.depth >= SHALLOW {
            0
        } else {
            self.rng.below(4) as usize
        }
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Retry>) -> Result<T, Retry> {
        if self.depth >= DEEPEST {
            return Err(Retry);
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }
}

struct Items<'a> {
    r: &'a mut Random,
    left: usize,
}

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Retry;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Retry> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.r).map(Some)
    }
}

impl<'de> de::MapAccess<'de> for Items<'_> {
    type Error = Retry;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Retry> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.r).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Retry> {
        seed.deserialize(&mut *self.r)
    }
}

struct Choice<'a> {
    r: &'a mut Random,
    index: u32,
}

impl<'de, 'a> de::EnumAccess<'de> for Choice<'a> {
    type Error = Retry;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), Retry> {
        let index: de::value::U32Deserializer<Retry> = self.index.into_deserializer();
        Ok((seed.deserialize(index)?, self))
    }
}

impl<'de> de::VariantAccess<'de> for Choice<'_> {
    type Error = Retry;

    fn unit_variant(self) -> Result<(), Retry> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Retry> {
        seed.deserialize(&mut *self.r)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_seq(Items {
            r: self.r,
            left: len,
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Retry> {
        visitor.visit_seq(Items {
            r: self.r,
            left: fields.len(),
        })
    }
}

macro_rules! ints {
    ($($method:ident => $visit:ident($t:ty)),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
            visitor.$visit(self.rng.int() as $t)
        }
    )*};
}

impl<'de> Deserializer<'de> for &mut Random {
    type Error = Retry;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Retry> {
        Err(Retry)
    }

    ints! {
        deserialize_u8 => visit_u8(u8),
        deserialize_u16 => visit_u16(u16),
        deserialize_u32 => visit_u32(u32),
        deserialize_u64 => visit_u64(u64),
        deserialize_i8 => visit_i8(i8),
        deserialize_i16 => visit_i16(i16),
        deserialize_i32 => visit_i32(i32),
        deserialize_i64 => visit_i64(i64),
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_u128(u128::from(self.rng.int()) << 64 | u128::from(self.rng.int()))
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_i128((u128::from(self.rng.int()) << 64 | u128::from(self.rng.int())) as i128)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_bool(self.rng.below(2) == 1)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_f32(self.rng.next() as i32 as f32 / 16.0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_f64(self.rng.next() as i64 as f64 / 1024.0)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        let t = self.rng.text();
        visitor.visit_char(t.chars().next().unwrap_or('x'))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_string(self.rng.text())
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_string(self.rng.text())
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        let n = self.rng.below(6);
        visitor.visit_byte_buf((0..n).map(|_| self.rng.next() as u8).collect())
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        if self.depth >= SHALLOW || self.rng.below(3) == 0 {
            visitor.visit_none()
        } else {
            self.nested(|r| visitor.visit_some(r))
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Retry> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Retry> {
        self.nested(|r| visitor.visit_newtype_struct(r))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        let left = self.count();
        self.nested(|r| visitor.visit_seq(Items { r, left }))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Retry> {
        if std::any::type_name::<V>().starts_with("<netwire::with::Padded<") {
            // Text, then zeros.
            let mut bytes = self.rng.text().into_bytes();
            bytes.truncate(bytes.len().min(len));
            while std::str::from_utf8(&bytes).is_err() {
                bytes.pop();
            }
            bytes.resize(len, 0);
            return visitor.visit_seq(de::value::SeqDeserializer::new(bytes.into_iter()));
        }
        self.nested(|r| visitor.visit_seq(Items { r, left: len }))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Retry> {
        self.nested(|r| visitor.visit_seq(Items { r, left: len }))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Retry> {
        let left = self.count();
        self.nested(|r| visitor.visit_map(Items { r, left }))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Retry> {
        self.nested(|r| {
            visitor.visit_seq(Items {
                r,
                left: fields.len(),
            })
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Retry> {
        let index = self.rng.below(variants.len() as u64) as u32;
        self.nested(|r| visitor.visit_enum(Choice { r, index }))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Retry> {
        Err(Retry)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Retry> {
        Err(Retry)
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// A JSON string literal.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A serde `Serializer` writing the JSON form documented at
/// [`Spec::vectors`].
struct Json<'a>(&'a mut String);

#[derive(Debug)]
struct NoJson;

impl fmt::Display for NoJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no JSON form")
    }
}

impl std::error::Error for NoJson {}

impl ser::Error for NoJson {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NoJson
    }
}

/// An array or object being written; `close` ends it (and the object a
/// variant sits in).
struct Compound<'a> {
    out: &'a mut String,
    first: bool,
    close: &'static str,
}

impl Compound<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.out.push_str(", ");
        }
        self.first = false;
    }

    fn item<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), NoJson> {
        self.sep();
        v.serialize(Json(self.out))
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &str, v: &T) -> Result<(), NoJson> {
        self.sep();
        json_str(self.out, key);
        self.out.push_str(": ");
        v.serialize(Json(self.out))
    }

    fn end(self) -> Result<(), NoJson> {
        self.out.push_str(self.close);
        Ok(())
    }
}

macro_rules! compound {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = NoJson;
            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), NoJson> {
                self.item(v)
            }
            fn end(self) -> Result<(), NoJson> {
                Compound::end(self)
            }
        }
    )*};
}

compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = NoJson;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), NoJson> {
        self.sep();
        self.out.push('[');
        k.serialize(Json(self.out))?;
        self.out.push_str(", ");
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), NoJson> {
        v.serialize(Json(self.out))?;
        self.out.push(']');
        Ok(())
    }

    fn end(self) -> Result<(), NoJson> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = NoJson;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), NoJson> {
        self.field(k, v)
    }

    fn end(self) -> Result<(), NoJson> {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = NoJson;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), NoJson> {
        self.field(k, v)
    }

    fn end(self) -> Result<(), NoJson> {
        Compound::end(self)
    }
}

impl<'a> Json<'a> {
    fn open(self, open: &str, close: &'static str) -> Compound<'a> {
        self.0.push_str(open);
        Compound {
            out: self.0,
            first: true,
            close,
        }
    }

    fn variant(self, name: &str, open: &str, close: &'static str) -> Compound<'a> {
        self.0.push('{');
        json_str(self.0, name);
        self.0.push_str(": ");
        self.open(open, close)
    }
}

macro_rules! numbers {
    ($($method:ident($t:ty)),*) => {$(
        fn $method(self, v: $t) -> Result<(), NoJson> {
            let _ = write!(self.0, "{v}");
            Ok(())
        }
    )*};
}

impl<'a> Serializer for Json<'a> {
    type Ok = ();
    type Error = NoJson;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    numbers!(
        serialize_bool(bool),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32)
    );

    fn serialize_u64(self, v: u64) -> Result<(), NoJson> {
        // Past 2^53 a JSON number loses digits in most parsers.
        if v < 1 << 53 {
            let _ = write!(self.0, "{v}");
        } else {
            let _ = write!(self.0, "\"{v}\"");
        }
        Ok(())
    }

    fn serialize_i64(self, v: i64) -> Result<(), NoJson> {
        if v.unsigned_abs() < 1 << 53 {
            let _ = write!(self.0, "{v}");
        } else {
            let _ = write!(self.0, "\"{v}\"");
        }
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), NoJson> {
        let _ = write!(self.0, "\"{v}\"");
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), NoJson> {
        let _ = write!(self.0, "\"{v}\"");
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), NoJson> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), NoJson> {
        if v.is_finite() {
            let _ = write!(self.0, "{v:?}");
        } else {
            let _ = write!(self.0, "\"{v}\"");
        }
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), NoJson> {
        json_str(self.0, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), NoJson> {
        json_str(self.0, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), NoJson> {
        let _ = write!(self.0, "{{\"bytes\": \"{}\"}}", hex(v));
        Ok(())
    }

    fn serialize_none(self) -> Result<(), NoJson> {
        self.0.push_str("null");
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), NoJson> {
        let mut c = self.open("{\"some\": ", "}");
        v.serialize(Json(c.out))?;
        c.first = false;
        c.end()
    }

    fn serialize_unit(self) -> Result<(), NoJson> {
        self.0.push_str("[]");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), NoJson> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), NoJson> {
        self.variant(variant, "[", "]}").end()
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), NoJson> {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), NoJson> {
        let mut c = self.variant(variant, "", "}");
        v.serialize(Json(c.out))?;
        c.first = false;
        c.end()
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, NoJson> {
        Ok(self.open("[", "]"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, NoJson> {
        Ok(self.open("[", "]"))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, NoJson> {
        Ok(self.open("[", "]"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, NoJson> {
        Ok(self.variant(variant, "[", "]}"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, NoJson> {
        Ok(self.open("[", "]"))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, NoJson> {
        Ok(self.open("{", "}"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, NoJson> {
        Ok(self.variant(variant, "{", "}}"))
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// netwire's verdict on `bytes` as one whole `T`: `None` when it decodes.
fn refusal<T: DeserializeOwned>(spec: &Spec, bytes: &[u8]) -> Option<(String, Option<u64>)> {
    let e = spec.config.from_slice::<T>(bytes).err()?;
    let kind = format!("{:?}", e.kind());
    let kind = kind.split(['(', ' ', '{']).next().unwrap_or("").to_string();
    Some((kind, e.offset()))
}

impl Spec {
    /// Conformance vectors for the message type `T` as JSON, so that any
    /// peer (another language, a hand-written server) can be tested
    /// against netwire: `n` values drawn from `seed` (the same seed gives
    /// the same vectors), each with its bytes, and inputs netwire refuses
    /// — every truncation of the first values, a trailing byte, single
    /// bytes changed — each with the error kind and byte offset netwire
    /// gives.
    ///
    /// ```json
    /// {"protocol": "chat", "config": "length prefixes 4 bytes, ...", "seed": 7,
    ///  "valid": [{"value": {"Chat": {"room": 7, "text": "hi"}}, "hex": "01000700000002..."}],
    ///  "invalid": [{"hex": "0100", "kind": "UnexpectedEnd", "offset": 1}]}
    /// ```
    ///
    /// A `valid` case decodes, as one whole message, to `value`, and
    /// `value` encodes to exactly `hex`. An `invalid` case is refused with
    /// the `ErrorKind` variant named by `kind` at byte `offset` (`null` for
    /// `Unsupported`, which is at no byte; `Custom`
    /// is a check of the type's own `Deserialize`, whose offset a peer
    /// need not match). Values are JSON: numbers (a `u64`/`i64` past 2^53,
    /// 128-bit integers and non-finite floats as strings), strings, chars
    /// as one-character strings, byte strings as `{"bytes": "<hex>"}`, unit
    /// as `[]`, `None` as `null` and `Some(x)` as `{"some": x}`, sequences,
    /// tuples and arrays as arrays, maps as arrays of `[key, value]`,
    /// structs as objects, enum variants as `{"<variant>": fields}` (unit
    /// variants `{"<variant>": []}`), newtypes and adapters as their value.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Serialize, serde::Deserialize)]
    /// enum Msg { Ping(u8), Bye }
    ///
    /// let spec = Spec::new("p", Config::new(), Framing::Datagram).message::<Msg>()?;
    /// let json = spec.vectors::<Msg>(7, 20)?;
    /// assert!(json.contains(r#"{"value": {"Bye": []}, "hex": "01"}"#));
    /// assert!(json.contains(r#"{"hex": "", "kind": "UnexpectedEnd", "offset": 0}"#));
    /// assert_eq!(json, spec.vectors::<Msg>(7, 20)?);
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    ///
    /// # Errors
    /// [`SpecError`] when `T` is not a traced message type, or no value
    /// of it can be drawn (a recursion that always goes on).
    pub fn vectors<T: Serialize + DeserializeOwned>(
        &self,
        seed: u64,
        n: usize,
    ) -> Result<String, SpecError> {
        let path = std::any::type_name::<T>();
        let head = path.split('<').next().unwrap_or(path);
        let full = &path[head.rfind("::").map_or(0, |i| i + 2)..];
        if self.messages.is_empty() {
            return Err(SpecError::new(
                full,
                "vectors need a message type traced first",
            ));
        }
        let mut rng = Rng(seed);
        let mut valid: Vec<(String, Vec<u8>)> = Vec::new();
        let mut tries = 0;
        while valid.len() < n {
            tries += 1;
            if tries > 100 * n + 100 {
                return Err(SpecError::new(full, "no value could be drawn to encode"));
            }
            let mut random = Random {
                rng: Rng(rng.next()),
                depth: 0,
            };
            let Ok(v) = T::deserialize(&mut random) else {
                continue;
            };
            let Ok(bytes) = self.config.to_vec(&v) else {
                continue;
            };
            // Only values that come back as they went.
            let Ok(back) = self.config.from_slice::<T>(&bytes) else {
                continue;
            };
            if self.config.to_vec(&back).ok().as_deref() != Some(&bytes[..]) {
                continue;
            }
            let mut json = String::new();
            if v.serialize(Json(&mut json)).is_err() {
                continue;
            }
            valid.push((json, bytes));
        }
        let mut invalid: Vec<(Vec<u8>, String, Option<u64>)> = Vec::new();
        let push = |bytes: Vec<u8>, invalid: &mut Vec<(Vec<u8>, String, Option<u64>)>| {
            if let Some((kind, offset)) = refusal::<T>(self, &bytes)
                && !invalid.iter().any(|(b, ..)| *b == bytes)
            {
                invalid.push((bytes, kind, offset));
            }
        };
        for (_, bytes) in valid.iter().take(8) {
            for k in 0..bytes.len() {
                push(bytes[..k].to_vec(), &mut invalid);
            }
            let mut longer = bytes.clone();
            longer.push(0);
            push(longer, &mut invalid);
            for _ in 0..4 {
                if bytes.is_empty() {
                    break;
                }
                let mut bad = bytes.clone();
                let at = rng.below(bad.len() as u64) as usize;
                bad[at] = rng.next() as u8;
                push(bad, &mut invalid);
            }
        }
        let mut out = String::from("{\"protocol\": ");
        json_str(&mut out, &self.protocol);
        out.push_str(", \"config\": ");
        json_str(&mut out, &self.config_text);
        let _ = write!(out, ", \"seed\": {seed},\n \"valid\": [");
        for (i, (value, bytes)) in valid.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            let _ = write!(
                out,
                "{sep}\n  {{\"value\": {value}, \"hex\": \"{}\"}}",
                hex(bytes)
            );
        }
        out.push_str("],\n \"invalid\": [");
        for (i, (bytes, kind, offset)) in invalid.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            // `null` for a configuration that cannot work (`Unsupported`).
            let offset = offset.map_or_else(|| "null".to_string(), |o| o.to_string());
            let _ = write!(
                out,
                "{sep}\n  {{\"hex\": \"{}\", \"kind\": \"{kind}\", \"offset\": {offset}}}",
                hex(bytes)
            );
        }
        out.push_str("]}\n");
        Ok(out)
    }
}
