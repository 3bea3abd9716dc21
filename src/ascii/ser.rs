//! The `ascii` serializer: serde calls in, tokens out.
//!
//! Output goes through the small [`Output`] trait so the same code writes a
//! `Vec<u8>` (every entry point ends up there) and counts bytes for
//! [`super::encoded_len`] without writing anything.

use serde::ser::{self, Serialize};

use crate::budget::{self, EncodeLimits};
use crate::error::{Error, ErrorKind, Result};
pub(crate) use crate::output::{BufMutOutput, SliceOutput};

/// Where the serializer puts its bytes.
pub(crate) trait Output {
    /// Appends one byte.
    fn put(&mut self, byte: u8);
    /// Appends a run of bytes.
    fn put_slice(&mut self, bytes: &[u8]);
    /// The number of bytes written so far (a position for [`Output::insert`]).
    fn mark(&self) -> u64;
    /// Inserts `bytes` at a position returned by [`Output::mark`] (only used
    /// for sequences whose length is known after their elements).
    fn insert(&mut self, at: u64, bytes: &[u8]);
}

impl Output for Vec<u8> {
    #[inline]
    fn put(&mut self, byte: u8) {
        self.push(byte);
    }
    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn mark(&self) -> u64 {
        self.len() as u64
    }
    fn insert(&mut self, at: u64, bytes: &[u8]) {
        let at = usize::try_from(at).map_or(self.len(), |at| at.min(self.len()));
        self.splice(at..at, bytes.iter().copied());
    }
}

impl Output for bytes::BytesMut {
    #[inline]
    fn put(&mut self, byte: u8) {
        self.extend_from_slice(&[byte]);
    }
    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn mark(&self) -> u64 {
        self.len() as u64
    }
    fn insert(&mut self, at: u64, bytes: &[u8]) {
        let at = usize::try_from(at).map_or(self.len(), |at| at.min(self.len()));
        self.extend_from_slice(bytes);
        if let Some(moved) = self.get_mut(at..) {
            moved.rotate_right(bytes.len());
        }
    }
}

/// An [`Output`] that only counts.
#[derive(Default)]
pub(crate) struct Counter(pub(crate) u64);

impl Output for Counter {
    #[inline]
    fn put(&mut self, _: u8) {
        self.0 = self.0.saturating_add(1);
    }
    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        self.0 = self.0.saturating_add(bytes.len() as u64);
    }
    fn mark(&self) -> u64 {
        self.0
    }
    fn insert(&mut self, _: u64, bytes: &[u8]) {
        self.put_slice(bytes);
    }
}

/// Writes one message's tokens (not the final newline: see [`write_message`]).
pub(crate) struct Serializer<'o, O> {
    out: &'o mut O,
    /// A token has been written and the next one must be preceded by a space.
    /// False at the start of a message and right after an option's `+`.
    sep: bool,
    /// The decoder's depth and element limits, applied while encoding.
    limits: EncodeLimits,
}

/// Writes `value` as one complete message (tokens and the final `"\n"`).
pub(crate) fn write_message<O: Output, T: ?Sized + Serialize>(
    out: &mut O,
    value: &T,
    limits: EncodeLimits,
) -> Result<()> {
    let mut ser = Serializer {
        out,
        sep: false,
        limits,
    };
    value.serialize(&mut ser)?;
    ser.out.put(b'\n');
    Ok(())
}

impl<'o, O: Output> Serializer<'o, O> {
    /// Starts a token: the separating space if one is due.
    #[inline]
    fn token(&mut self) {
        if self.sep {
            self.out.put(b' ');
        }
        self.sep = true;
    }

    #[inline]
    fn integer<I: itoa::Integer>(&mut self, v: I) {
        self.token();
        let mut buf = itoa::Buffer::new();
        self.out.put_slice(buf.format(v).as_bytes());
    }

    /// `<len>:<bytes>`
    #[inline]
    fn netstring(&mut self, bytes: &[u8]) {
        self.integer(bytes.len());
        self.out.put(b':');
        self.out.put_slice(bytes);
    }

    fn float<F: ryu::Float>(&mut self, v: F, nan: bool, inf: bool, negative: bool) {
        self.token();
        let text = match (nan, inf, negative) {
            (true, _, _) => "NaN",
            (false, true, false) => "inf",
            (false, true, true) => "-inf",
            (false, false, _) => {
                let mut buf = ryu::Buffer::new();
                self.out.put_slice(buf.format_finite(v).as_bytes());
                return;
            }
        };
        self.out.put_slice(text.as_bytes());
    }

    fn compound(&mut self, len: Option<usize>) -> Result<Compound<'_, 'o, O>> {
        if let Some(len) = len {
            self.limits.elements(len as u64)?;
        }
        self.limits.enter()?;
        Ok(match len {
            Some(len) => {
                self.integer(len);
                Compound {
                    ser: self,
                    count: Count::Known {
                        declared: len,
                        seen: 0,
                    },
                }
            }
            None => {
                // The count goes in front of the elements once it is known:
                // reserve its place (and its leading space) now.
                if self.sep {
                    self.out.put(b' ');
                }
                self.sep = true;
                let at = self.out.mark();
                Compound {
                    ser: self,
                    count: Count::Unknown { at, seen: 0 },
                }
            }
        })
    }

    fn fields(&mut self) -> Result<Compound<'_, 'o, O>> {
        self.limits.enter()?;
        Ok(Compound {
            ser: self,
            count: Count::Fields,
        })
    }

    /// Serializes `value` one compound level down.
    fn nested<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.limits.enter()?;
        value.serialize(&mut *self)?;
        self.limits.leave();
        Ok(())
    }
}

/// The serializer of a sequence, map, tuple or struct.
pub(crate) struct Compound<'a, 'o, O> {
    ser: &'a mut Serializer<'o, O>,
    count: Count,
}

enum Count {
    /// Fixed-size (tuple, struct, array): no count on the wire.
    Fields,
    /// The count was written up front; check that it was honest.
    Known { declared: usize, seen: usize },
    /// The count is inserted at `at` when the sequence ends.
    Unknown { at: u64, seen: u64 },
}

impl<O: Output> Compound<'_, '_, O> {
    #[inline]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        match &mut self.count {
            Count::Fields => {}
            Count::Known { seen, .. } => *seen = seen.saturating_add(1),
            Count::Unknown { seen, .. } => *seen = seen.saturating_add(1),
        }
        value.serialize(&mut *self.ser)
    }

    fn finish(self) -> Result<()> {
        self.ser.limits.leave();
        match self.count {
            Count::Fields => Ok(()),
            Count::Known { declared, seen } if declared == seen => Ok(()),
            Count::Known { declared, seen } => Err(Error::custom(format_args!(
                "a sequence or map declared {declared} element(s) but serialized {seen}"
            ))),
            Count::Unknown { at, seen } => {
                self.ser.limits.elements(seen)?;
                let mut buf = itoa::Buffer::new();
                self.ser.out.insert(at, buf.format(seen).as_bytes());
                Ok(())
            }
        }
    }
}

impl<'a, 'o, O: Output> ser::Serializer for &'a mut Serializer<'o, O> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, 'o, O>;
    type SerializeTuple = Compound<'a, 'o, O>;
    type SerializeTupleStruct = Compound<'a, 'o, O>;
    type SerializeTupleVariant = Compound<'a, 'o, O>;
    type SerializeMap = Compound<'a, 'o, O>;
    type SerializeStruct = Compound<'a, 'o, O>;
    type SerializeStructVariant = Compound<'a, 'o, O>;

    fn is_human_readable(&self) -> bool {
        // Same serde data model calls as `net`, so a type has the same token
        // structure in both formats (and no type switches to a text form that
        // a non-self-describing format might not be able to read back).
        false
    }

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.token();
        self.out.put(if v { b'1' } else { b'0' });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.integer(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        self.integer(v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<()> {
        self.float(v, v.is_nan(), v.is_infinite(), v.is_sign_negative());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        self.float(v, v.is_nan(), v.is_infinite(), v.is_sign_negative());
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<()> {
        let mut buf = [0u8; 4];
        self.netstring(v.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.netstring(v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.netstring(v);
        Ok(())
    }

    fn serialize_none(self) -> Result<()> {
        self.token();
        self.out.put(b'~');
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        self.token();
        self.out.put(b'+');
        // The inner value's first token is glued to the `+`...
        self.sep = false;
        self.nested(value)?;
        // ...and if it wrote none (a unit), the `+` is a token of its own.
        self.sep = true;
        Ok(())
    }

    fn serialize_unit(self) -> Result<()> {
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
    ) -> Result<()> {
        self.integer(variant_index);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        self.nested(value)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.integer(variant_index);
        self.nested(value)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        self.compound(len)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        self.fields()
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        self.fields()
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        self.integer(variant_index);
        self.fields()
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        self.compound(len)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        self.fields()
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        self.integer(variant_index);
        self.fields()
    }
}

impl<O: Output> ser::SerializeSeq for Compound<'_, '_, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<O: Output> ser::SerializeTuple for Compound<'_, '_, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<O: Output> ser::SerializeTupleStruct for Compound<'_, '_, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<O: Output> ser::SerializeTupleVariant for Compound<'_, '_, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.element(value)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<O: Output> ser::SerializeMap for Compound<'_, '_, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        // A map's count is of entries: count the key, not the value.
        self.element(key)
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<O: Output> ser::SerializeStruct for Compound<'_, '_, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.element(value)
    }
    /// Fields are positional: leaving one out would shift the rest.
    fn skip_field(&mut self, key: &'static str) -> Result<()> {
        Err(budget::skipped(key))
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<O: Output> ser::SerializeStructVariant for Compound<'_, '_, O> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.element(value)
    }
    /// Fields are positional: leaving one out would shift the rest.
    fn skip_field(&mut self, key: &'static str) -> Result<()> {
        Err(budget::skipped(key))
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}

/// The error for an encoded message longer than the configured limit.
#[cold]
pub(crate) fn over_limit(len: u64, limit: usize) -> Error {
    Error::without_offset(ErrorKind::LengthOverLimit {
        len,
        limit: limit as u64,
    })
}

impl Output for SliceOutput<'_> {
    #[inline]
    fn put(&mut self, byte: u8) {
        self.put_u8(byte);
    }

    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        SliceOutput::put_slice(self, bytes);
    }

    fn mark(&self) -> u64 {
        self.len() as u64
    }

    /// Shifts the bytes after `at` right to make room.
    fn insert(&mut self, at: u64, bytes: &[u8]) {
        SliceOutput::insert(self, usize::try_from(at).unwrap_or(usize::MAX), bytes);
    }
}

impl<B: bytes::BufMut + ?Sized> Output for BufMutOutput<'_, B> {
    #[inline]
    fn put(&mut self, byte: u8) {
        self.put_u8(byte);
    }

    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        BufMutOutput::put_slice(self, bytes);
    }

    fn mark(&self) -> u64 {
        self.position() as u64
    }

    fn insert(&mut self, at: u64, bytes: &[u8]) {
        BufMutOutput::insert(self, usize::try_from(at).unwrap_or(usize::MAX), bytes);
    }
}
