//! The `net` serializer: writes each value straight into an [`Output`].

use serde::ser::{self, Serialize};

use super::config::{Config, LengthWidth, TagWidth};
use crate::error::{Error, ErrorKind, Result};

mod private {
    pub trait Sealed {}
    impl Sealed for Vec<u8> {}
    impl Sealed for super::Counter {}
}

/// Where the serializer puts its bytes: a `Vec<u8>`, or a [`Counter`] that
/// only adds up their number.
pub trait Output: private::Sealed {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
    /// Appends one byte.
    fn put_u8(&mut self, byte: u8);
    /// How many bytes have been put so far.
    fn position(&self) -> usize;
    /// Overwrites `bytes.len()` bytes starting at `at`, which were put
    /// before (a placeholder length prefix).
    fn patch(&mut self, at: usize, bytes: &[u8]);
}

impl Output for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    #[inline]
    fn put_u8(&mut self, byte: u8) {
        self.push(byte);
    }

    #[inline]
    fn position(&self) -> usize {
        self.len()
    }

    fn patch(&mut self, at: usize, bytes: &[u8]) {
        let slot = at
            .checked_add(bytes.len())
            .and_then(|end| self.get_mut(at..end));
        if let Some(slot) = slot {
            slot.copy_from_slice(bytes);
        }
    }
}

/// An [`Output`] that counts bytes instead of storing them.
#[derive(Debug, Default)]
pub struct Counter {
    count: usize,
}

impl Counter {
    /// The number of bytes put.
    pub fn count(&self) -> usize {
        self.count
    }
}

impl Output for Counter {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.count = self.count.saturating_add(bytes.len());
    }

    #[inline]
    fn put_u8(&mut self, _byte: u8) {
        self.count = self.count.wrapping_add(1);
    }

    #[inline]
    fn position(&self) -> usize {
        self.count
    }

    fn patch(&mut self, _at: usize, _bytes: &[u8]) {}
}

/// The serde serializer of the `net` format.
pub struct Serializer<'a, O> {
    out: &'a mut O,
    length_width: LengthWidth,
    tag_width: TagWidth,
}

impl<'a, O: Output> Serializer<'a, O> {
    /// A serializer writing to `out` with the widths of `config`.
    pub fn new(out: &'a mut O, config: &Config) -> Self {
        Serializer {
            out,
            length_width: config.length_width(),
            tag_width: config.tag_width(),
        }
    }

    /// Writes a length prefix. Always inlined: the width is the same on
    /// every call, so the match costs one predictable branch.
    #[inline(always)]
    fn put_len(&mut self, len: usize) -> Result<()> {
        match self.length_width {
            LengthWidth::U8 => {
                let v = u8::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U8))?;
                self.out.put_u8(v);
            }
            LengthWidth::U16 => {
                let v = u16::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U16))?;
                self.out.put(&v.to_be_bytes());
            }
            LengthWidth::U32 => {
                let v = u32::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U32))?;
                self.out.put(&v.to_be_bytes());
            }
            LengthWidth::U64 => self.out.put(&(len as u64).to_be_bytes()),
        }
        Ok(())
    }

    /// Overwrites the placeholder prefix at `at` with `len`.
    fn patch_len(&mut self, at: usize, len: usize) -> Result<()> {
        match self.length_width {
            LengthWidth::U8 => {
                let v = u8::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U8))?;
                self.out.patch(at, &[v]);
            }
            LengthWidth::U16 => {
                let v = u16::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U16))?;
                self.out.patch(at, &v.to_be_bytes());
            }
            LengthWidth::U32 => {
                let v = u32::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U32))?;
                self.out.patch(at, &v.to_be_bytes());
            }
            LengthWidth::U64 => self.out.patch(at, &(len as u64).to_be_bytes()),
        }
        Ok(())
    }

    /// Writes an enum tag.
    #[inline(always)]
    fn put_tag(&mut self, index: u32) -> Result<()> {
        match self.tag_width {
            TagWidth::U8 => {
                let v = u8::try_from(index).map_err(|_| tag_overflow(index, TagWidth::U8))?;
                self.out.put_u8(v);
            }
            TagWidth::U16 => {
                let v = u16::try_from(index).map_err(|_| tag_overflow(index, TagWidth::U16))?;
                self.out.put(&v.to_be_bytes());
            }
            TagWidth::U32 => self.out.put(&index.to_be_bytes()),
        }
        Ok(())
    }

    /// Starts a counted sequence or map: writes the known count, or a
    /// placeholder to patch when the count is known at the end.
    #[inline]
    fn counted(&mut self, len: Option<usize>) -> Result<Counted<'_, 'a, O>> {
        let length = match len {
            Some(n) => {
                self.put_len(n)?;
                Length::Known(n)
            }
            None => {
                let at = self.out.position();
                self.put_len(0)?;
                Length::Patch(at)
            }
        };
        Ok(Counted {
            ser: self,
            length,
            count: 0,
        })
    }
}

#[cold]
fn length_overflow(len: usize, width: LengthWidth) -> Error {
    Error::without_offset(ErrorKind::LengthOverflow {
        len: len as u64,
        max: width.max(),
    })
}

#[cold]
fn tag_overflow(index: u32, width: TagWidth) -> Error {
    Error::without_offset(ErrorKind::TagOverflow {
        index,
        max: width.max(),
    })
}

#[cold]
fn count_mismatch(declared: usize, actual: usize) -> Error {
    Error::custom(format_args!(
        "a sequence or map declared {declared} element(s) but produced {actual}"
    ))
}

macro_rules! put_be {
    ($($method:ident: $ty:ty),* $(,)?) => {$(
        #[inline]
        fn $method(self, v: $ty) -> Result<()> {
            self.out.put(&v.to_be_bytes());
            Ok(())
        }
    )*};
}

impl<'b, 'a, O: Output> ser::Serializer for &'b mut Serializer<'a, O> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Counted<'b, 'a, O>;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Counted<'b, 'a, O>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.put_u8(u8::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.out.put_u8(v);
        Ok(())
    }

    #[inline]
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.out.put(&v.to_be_bytes());
        Ok(())
    }

    put_be! {
        serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
        serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_f32: f32, serialize_f64: f64,
    }

    #[inline]
    fn serialize_char(self, v: char) -> Result<()> {
        let mut buf = [0u8; 4];
        self.out.put(v.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<()> {
        self.put_len(v.len())?;
        self.out.put(v.as_bytes());
        Ok(())
    }

    #[inline]
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.put_len(v.len())?;
        self.out.put(v);
        Ok(())
    }

    #[inline]
    fn serialize_none(self) -> Result<()> {
        self.out.put_u8(0);
        Ok(())
    }

    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        self.out.put_u8(1);
        value.serialize(self)
    }

    #[inline]
    fn serialize_unit(self) -> Result<()> {
        Ok(())
    }

    #[inline]
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        Ok(())
    }

    #[inline]
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
    ) -> Result<()> {
        self.put_tag(variant_index)
    }

    #[inline]
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    #[inline]
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.put_tag(variant_index)?;
        value.serialize(self)
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        self.counted(len)
    }

    #[inline]
    fn serialize_tuple(self, _len: usize) -> Result<Self> {
        Ok(self)
    }

    #[inline]
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self> {
        Ok(self)
    }

    #[inline]
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self> {
        self.put_tag(variant_index)?;
        Ok(self)
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        self.counted(len)
    }

    #[inline]
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self> {
        Ok(self)
    }

    #[inline]
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self> {
        self.put_tag(variant_index)?;
        Ok(self)
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// How a counted compound's prefix was written.
enum Length {
    /// The count was known up front and written.
    Known(usize),
    /// A placeholder was written at this position, to patch at the end.
    Patch(usize),
}

/// A sequence or map in progress: counts its elements so the prefix is
/// right whether or not the length was known up front.
pub struct Counted<'b, 'a, O> {
    ser: &'b mut Serializer<'a, O>,
    length: Length,
    count: usize,
}

impl<O: Output> Counted<'_, '_, O> {
    #[inline]
    fn finish(self) -> Result<()> {
        match self.length {
            Length::Known(n) if n == self.count => Ok(()),
            Length::Known(n) => Err(count_mismatch(n, self.count)),
            Length::Patch(at) => self.ser.patch_len(at, self.count),
        }
    }
}

impl<O: Output> ser::SerializeSeq for Counted<'_, '_, O> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.count = self.count.wrapping_add(1);
        value.serialize(&mut *self.ser)
    }

    #[inline]
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<O: Output> ser::SerializeMap for Counted<'_, '_, O> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.count = self.count.wrapping_add(1);
        key.serialize(&mut *self.ser)
    }

    #[inline]
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.ser)
    }

    #[inline]
    fn end(self) -> Result<()> {
        self.finish()
    }
}

macro_rules! fields {
    ($($tr:ident :: $method:ident($($key:ident)?)),* $(,)?) => {$(
        impl<O: Output> ser::$tr for &mut Serializer<'_, O> {
            type Ok = ();
            type Error = Error;

            #[inline]
            fn $method<T: ?Sized + Serialize>(
                &mut self,
                $($key: &'static str,)?
                value: &T,
            ) -> Result<()> {
                value.serialize(&mut **self)
            }

            #[inline]
            fn end(self) -> Result<()> {
                Ok(())
            }
        }
    )*};
}

fields! {
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeTupleVariant::serialize_field(),
    SerializeStruct::serialize_field(_key),
    SerializeStructVariant::serialize_field(_key),
}

impl private::Sealed for SliceOutput<'_> {}
impl<B: bytes::BufMut + ?Sized> private::Sealed for BufMutOutput<'_, B> {}

/// An [`Output`] writing into a caller's slice. It never panics: a put that
/// does not fit marks it full, and from then on it writes nothing (the
/// entry point turns that into an error).
pub struct SliceOutput<'s> {
    buf: &'s mut [u8],
    len: usize,
    full: bool,
}

impl<'s> SliceOutput<'s> {
    /// An empty output over `buf`.
    pub fn new(buf: &'s mut [u8]) -> Self {
        SliceOutput {
            buf,
            len: 0,
            full: false,
        }
    }

    /// Whether a put did not fit.
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// The bytes written: the front of the slice.
    pub fn into_written(self) -> &'s mut [u8] {
        let len = self.len;
        self.buf.get_mut(..len).unwrap_or_default()
    }

    /// Marks the output full. Setting `len` to the end of the slice makes
    /// every later put fail the same bounds check, so the hot path needs no
    /// test of `full`.
    #[cold]
    fn overflow(&mut self) {
        self.full = true;
        self.len = self.buf.len();
    }
}

impl Output for SliceOutput<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        // Cannot overflow: both lengths are at most `isize::MAX`.
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(slot) => {
                slot.copy_from_slice(bytes);
                self.len = end;
            }
            None => self.overflow(),
        }
    }

    #[inline]
    fn put_u8(&mut self, byte: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = byte;
                self.len += 1;
            }
            None => self.overflow(),
        }
    }

    #[inline]
    fn position(&self) -> usize {
        self.len
    }

    fn patch(&mut self, at: usize, bytes: &[u8]) {
        if self.full {
            return;
        }
        let slot = at
            .checked_add(bytes.len())
            .filter(|&end| end <= self.len)
            .and_then(|end| self.buf.get_mut(at..end));
        if let Some(slot) = slot {
            slot.copy_from_slice(bytes);
        }
    }
}

/// An [`Output`] putting its bytes into a [`bytes::BufMut`], at most `room`
/// of them (the buffer's `remaining_mut` or the byte limit), without
/// panicking: past `room` it marks itself full and writes nothing more.
///
/// A `BufMut` cannot go back to patch a placeholder length prefix, so from
/// the first [`Output::position`] on (a sequence of unknown length) the
/// bytes are staged in a `Vec` and put into the buffer by
/// [`BufMutOutput::finish`].
pub struct BufMutOutput<'b, B: ?Sized> {
    buf: &'b mut B,
    /// How many more bytes may be put.
    room: usize,
    /// Bytes put into `buf` so far.
    written: usize,
    /// Bytes put since staging started, not yet in `buf`.
    staged: Vec<u8>,
    /// Set by the first `position`; never cleared, so every position handed
    /// out is at or after `written`, inside `staged`.
    staging: std::cell::Cell<bool>,
    full: bool,
}

impl<'b, B: bytes::BufMut + ?Sized> BufMutOutput<'b, B> {
    /// An output putting at most `room` bytes into `buf`.
    pub fn new(buf: &'b mut B, room: usize) -> Self {
        BufMutOutput {
            buf,
            room,
            written: 0,
            staged: Vec::new(),
            staging: std::cell::Cell::new(false),
            full: false,
        }
    }

    /// Puts the staged bytes into the buffer; returns the number of bytes
    /// put in all, or `None` when the output is full (the buffer then holds
    /// the bytes that were put before).
    pub fn finish(self) -> Option<usize> {
        if self.full {
            return None;
        }
        if !self.staged.is_empty() {
            self.buf.put_slice(&self.staged);
        }
        Some(self.written + self.staged.len())
    }

    #[cold]
    fn overflow(&mut self) {
        self.full = true;
        self.room = 0;
    }
}

impl<B: bytes::BufMut + ?Sized> Output for BufMutOutput<'_, B> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if bytes.len() > self.room {
            return self.overflow();
        }
        self.room -= bytes.len();
        if self.staging.get() {
            self.staged.extend_from_slice(bytes);
        } else {
            self.buf.put_slice(bytes);
            self.written += bytes.len();
        }
    }

    #[inline]
    fn put_u8(&mut self, byte: u8) {
        if self.room == 0 {
            return self.overflow();
        }
        self.room -= 1;
        if self.staging.get() {
            self.staged.push(byte);
        } else {
            self.buf.put_u8(byte);
            self.written += 1;
        }
    }

    fn position(&self) -> usize {
        self.staging.set(true);
        self.written + self.staged.len()
    }

    fn patch(&mut self, at: usize, bytes: &[u8]) {
        if self.full {
            return;
        }
        let slot = at.checked_sub(self.written).and_then(|from| {
            let to = from.checked_add(bytes.len())?;
            self.staged.get_mut(from..to)
        });
        if let Some(slot) = slot {
            slot.copy_from_slice(bytes);
        }
    }
}
