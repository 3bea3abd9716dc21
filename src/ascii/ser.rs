//! The `ascii` serializer: serde calls in, tokens out.
//!
//! Output goes through the crate's one [`Output`] trait, as in `net`.

use serde::ser::{self, Serialize};

use crate::error::{Error, Result};
use crate::limits::{self, Limits};
pub(crate) use crate::output::Output;

/// Writes one message's tokens (not the final newline: see [`write_message`]).
pub(crate) struct Serializer<'o, O> {
    out: &'o mut O,
    /// A token has been written and the next one must be preceded by a space.
    /// False at the start of a message and right after an option's `+`.
    sep: bool,
    /// The decoder's depth and element limits, applied while encoding.
    limits: Limits,
}

/// Writes `value` as one complete message (tokens and the final `"\n"`).
pub(crate) fn write_message<O: Output, T: ?Sized + Serialize>(
    out: &mut O,
    value: &T,
    limits: Limits,
) -> Result<()> {
    let mut ser = Serializer {
        out,
        sep: false,
        limits,
    };
    value.serialize(&mut ser)?;
    ser.out.put_u8(b'\n');
    Ok(())
}

impl<'o, O: Output> Serializer<'o, O> {
    /// Starts a token: the separating space if one is due.
    #[inline]
    fn token(&mut self) {
        if self.sep {
            self.out.put_u8(b' ');
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
        self.out.put_u8(b':');
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
            self.limits.elements(len as u64, None)?;
        }
        self.limits.enter(None)?;
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
                    self.out.put_u8(b' ');
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
        self.limits.enter(None)?;
        Ok(Compound {
            ser: self,
            count: Count::Fields,
        })
    }

    /// Serializes `value` one compound level down.
    fn nested<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.limits.enter(None)?;
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
    Unknown { at: usize, seen: u64 },
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
                self.ser.limits.elements(seen, None)?;
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
        self.out.put_u8(if v { b'1' } else { b'0' });
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
        self.out.put_u8(b'~');
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        self.token();
        self.out.put_u8(b'+');
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
        Err(limits::skipped(key))
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
        Err(limits::skipped(key))
    }
    fn end(self) -> Result<()> {
        self.finish()
    }
}
