//! The `net` serializer: writes each value straight into an [`Output`].

use serde::ser::{self, Serialize};

use super::config::{
    Config, EnumTagging, EnumTags, LengthWidth, NoTags, RuntimeWidths, TagWidth, Widths,
};
use super::read::no_end;
use crate::error::{Error, ErrorKind, Result};
use crate::limits::{self, Limits};
pub(crate) use crate::output::Output;
use crate::with::{self, Adapter, Width};

/// The serde serializer of the `net` format.
pub struct Serializer<'a, O, G = NoTags, W = RuntimeWidths> {
    out: &'a mut O,
    widths: W,
    /// The decoder's depth and element limits, applied while encoding.
    limits: Limits,
    /// The tag tables of enums whose tags are not their variant indices.
    tags: G,
    /// What the bytes after a field of [`with::empty_as_none`] or
    /// [`with::rest`] must be, once one has been written.
    ends: Option<Ends>,
    /// Whether the reader is told where the message ends (a frame, a
    /// datagram, `from_slice`); without that, no field may run to the end.
    framed: bool,
}

/// The fields whose reading depends on where the message ends. Kept in
/// the serializer, not boxed: `to_slice` allocates nothing.
#[derive(Clone, Copy, Default)]
struct Ends {
    /// The first field that must end the message: a [`with::rest`], or a
    /// `None` under [`with::empty_as_none`]. No byte may follow it.
    last: Option<Mark>,
    /// The last `Some` of no bytes under [`with::empty_as_none`]: a byte
    /// must follow it, or it would read back as `None`.
    empty_some: Option<Mark>,
}

/// A position in the message, and the field that was written there.
#[derive(Clone, Copy)]
struct Mark {
    /// The position right after the field.
    at: usize,
    /// The innermost struct field around it, once its serializer returned.
    field: Option<&'static str>,
}

impl Mark {
    #[inline]
    fn new(at: usize) -> Self {
        Mark { at, field: None }
    }

    /// Names the mark after struct field `key`, when it has no name yet:
    /// `key` is then the innermost struct field around it.
    #[inline]
    fn name(&mut self, key: &'static str) {
        self.field = self.field.or(Some(key));
    }
}

impl<'a, O: Output, G: EnumTagging> Serializer<'a, O, G> {
    /// A serializer writing to `out` with the widths and limits of `config`.
    #[inline]
    pub fn new(out: &'a mut O, config: &Config<G>) -> Self {
        Serializer::with_widths(out, config, config.widths())
    }
}

impl<'a, O: Output, G: EnumTagging, W: Widths> Serializer<'a, O, G, W> {
    /// A serializer writing to `out` with the limits of `config` and
    /// `widths`, which must be `config`'s.
    #[inline]
    pub(crate) fn with_widths(out: &'a mut O, config: &Config<G>, widths: W) -> Self {
        debug_assert!(
            widths.length() == config.length_width() && widths.tag() == config.tag_width()
        );
        Serializer {
            out,
            widths,
            limits: Limits::new(config.depth(), config.limit()),
            tags: config.tagging(),
            ends: None,
            framed: true,
        }
    }

    /// The serializer of a message with no frame around it, whose reader
    /// finds its end by decoding it: a field that runs to the end of the
    /// message is refused ([`ErrorKind::Unsupported`]).
    #[inline]
    pub(crate) fn unframed(mut self) -> Self {
        self.framed = false;
        self
    }

    /// Checks the message just written: nothing follows a field that runs
    /// to the end of it.
    ///
    /// # Errors
    /// [`ErrorKind::EndNotLast`].
    #[inline]
    pub(crate) fn finish(&self) -> Result<()> {
        match &self.ends {
            Some(ends) => ends.check(self.out.position()),
            None => Ok(()),
        }
    }

    /// The marks of fields whose reading depends on the message's end.
    #[cold]
    fn ends(&mut self) -> Result<&mut Ends> {
        if !self.framed {
            return Err(no_end());
        }
        Ok(self.ends.get_or_insert_with(Ends::default))
    }

    /// A field that must end the message has just been written.
    #[cold]
    fn ended(&mut self) -> Result<()> {
        let at = self.out.position();
        let ends = self.ends()?;
        ends.last = ends.last.or(Some(Mark::new(at)));
        Ok(())
    }

    /// A `Some` of no bytes under [`with::empty_as_none`] has just been
    /// written (or not written).
    #[cold]
    fn empty_some(&mut self) -> Result<()> {
        let at = self.out.position();
        self.ends()?.empty_some = Some(Mark::new(at));
        Ok(())
    }

    /// After struct field `key`, once a field whose reading depends on the
    /// message's end was written: names the marks that have no name yet,
    /// and refuses any byte written after a field that must end the
    /// message.
    #[cold]
    fn after_end(&mut self, key: &'static str) -> Result<()> {
        let position = self.out.position();
        let Some(ends) = &mut self.ends else {
            return Ok(());
        };
        if let Some(mark) = &mut ends.empty_some {
            mark.name(key);
        }
        let Some(last) = &mut ends.last else {
            return Ok(());
        };
        let next = last.field.map(|_| key);
        last.name(key);
        if position != last.at {
            return Err(end_not_last(last.field, next));
        }
        Ok(())
    }

    /// Writes `len` in an adapter's width.
    #[cold]
    fn put_width(&mut self, width: Width, len: usize) -> Result<()> {
        if len as u64 > width.max() {
            return Err(Error::without_offset(ErrorKind::LengthOverflow {
                len: len as u64,
                max: width.max(),
            }));
        }
        let mut buf = [0; 8];
        self.out.put_slice(width.encode(Some(len as u64), &mut buf));
        Ok(())
    }

    /// A string or byte string under an adapter.
    #[cold]
    fn adapted_bytes(&mut self, adapter: Adapter, bytes: &[u8]) -> Result<()> {
        match adapter {
            Adapter::Len(width) => self.put_width(width, bytes.len())?,
            Adapter::CStr => {
                if let Some(at) = memchr::memchr(0, bytes) {
                    return Err(Error::new(ErrorKind::InvalidCString, at as u64));
                }
                self.out.put_slice(bytes);
                self.out.put_u8(0);
                return Ok(());
            }
            Adapter::Rest => {
                self.out.put_slice(bytes);
                return self.ended();
            }
            Adapter::Records => {}
            _ => return Err(misplaced()),
        }
        self.out.put_slice(bytes);
        Ok(())
    }

    /// `None` under an adapter.
    #[cold]
    fn adapted_none(&mut self, adapter: Adapter) -> Result<()> {
        match adapter {
            Adapter::Nullable(width) => {
                let mut buf = [0; 8];
                self.out.put_slice(width.encode(None, &mut buf));
                Ok(())
            }
            Adapter::EmptyAsNone => self.ended(),
            _ => Err(misplaced()),
        }
    }

    /// A sequence or map under an adapter.
    #[cold]
    fn adapted_counted(
        &mut self,
        adapter: Adapter,
        len: Option<usize>,
        map: bool,
    ) -> Result<Counted<'_, 'a, O, G, W>> {
        let length = match (adapter, len) {
            (Adapter::Len(width), Some(n)) => {
                self.limits.elements(n as u64, None)?;
                self.put_width(width, n)?;
                Length::Known(n)
            }
            (Adapter::Len(width), None) => {
                let at = self.out.mark();
                self.put_width(width, 0)?;
                Length::PatchWidth(at, width)
            }
            (Adapter::Rest, _) if !map => Length::Open(Open::Rest),
            // The count, then the records as one element of raw bytes.
            (Adapter::Records, Some(n)) if !map => {
                self.limits.elements(n as u64, None)?;
                self.put_len(n)?;
                Length::Open(Open::Records)
            }
            (Adapter::NulTerminated, _) if !map => Length::Open(Open::Terminated),
            _ => return Err(misplaced()),
        };
        self.limits.enter(None)?;
        Ok(Counted {
            ser: self,
            length,
            count: 0,
        })
    }

    /// Writes the tag of variant `index` of the enum `name`. A config
    /// without tag tables compiles the lookup out.
    #[inline(always)]
    fn put_variant(&mut self, name: &'static str, index: u32) -> Result<()> {
        if G::TABLE {
            return self.put_mapped_tag(name, index);
        }
        match self.widths.tag() {
            TagWidth::U8 => {
                let v = u8::try_from(index).map_err(|_| tag_overflow(index, TagWidth::U8))?;
                self.out.put_u8(v);
            }
            TagWidth::U16 => {
                let v = u16::try_from(index).map_err(|_| tag_overflow(index, TagWidth::U16))?;
                self.out.put_slice(&v.to_be_bytes());
            }
            TagWidth::U32 => self.out.put_slice(&index.to_be_bytes()),
        }
        Ok(())
    }

    /// Writes a tag from the enum's table, or its index in `width` when it
    /// has none.
    #[inline(never)]
    fn put_mapped_tag(&mut self, name: &'static str, index: u32) -> Result<()> {
        let width = self.widths.tag();
        let Some(table) = EnumTags::find(self.tags.table(), name)? else {
            if u64::from(index) > width.max() {
                return Err(tag_overflow(index, width));
            }
            let bytes = u64::from(index).to_be_bytes();
            self.out.put_slice(&bytes[8 - width.size()..]);
            return Ok(());
        };
        table.check_count(None)?;
        let Some(tag) = table.tag(index as usize) else {
            return Err(Error::without_offset(ErrorKind::TagOverflow {
                index,
                max: table.len().saturating_sub(1) as u64,
            }));
        };
        let width = table.width();
        if tag > width.max() {
            return Err(tag_overflow(index, width));
        }
        let bytes = tag.to_be_bytes();
        self.out.put_slice(&bytes[8 - width.size()..]);
        Ok(())
    }

    /// Serializes `value` one compound level down.
    #[inline]
    fn nested<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.limits.enter(None)?;
        value.serialize(&mut *self)?;
        self.limits.leave();
        Ok(())
    }

    /// Writes a length prefix. Always inlined: the width is the same on
    /// every call, so the match costs one predictable branch.
    #[inline(always)]
    fn put_len(&mut self, len: usize) -> Result<()> {
        match self.widths.length() {
            LengthWidth::U8 => {
                let v = u8::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U8))?;
                self.out.put_u8(v);
            }
            LengthWidth::U16 => {
                let v = u16::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U16))?;
                self.out.put_slice(&v.to_be_bytes());
            }
            LengthWidth::U32 => {
                let v = u32::try_from(len).map_err(|_| length_overflow(len, LengthWidth::U32))?;
                self.out.put_slice(&v.to_be_bytes());
            }
            LengthWidth::U64 => self.out.put_slice(&(len as u64).to_be_bytes()),
        }
        Ok(())
    }

    /// Overwrites the placeholder prefix of an adapter's width at `at`.
    #[cold]
    fn patch_width(&mut self, at: usize, width: Width, len: usize) -> Result<()> {
        if len as u64 > width.max() {
            return Err(Error::without_offset(ErrorKind::LengthOverflow {
                len: len as u64,
                max: width.max(),
            }));
        }
        let mut buf = [0; 8];
        self.out.patch(at, width.encode(Some(len as u64), &mut buf));
        Ok(())
    }

    /// Overwrites the placeholder prefix at `at` with `len`.
    fn patch_len(&mut self, at: usize, len: usize) -> Result<()> {
        match self.widths.length() {
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

    /// Starts a counted sequence or map: writes the known count, or a
    /// placeholder to patch when the count is known at the end.
    #[inline]
    fn counted(&mut self, len: Option<usize>) -> Result<Counted<'_, 'a, O, G, W>> {
        let length = match len {
            Some(n) => {
                self.limits.elements(n as u64, None)?;
                self.put_len(n)?;
                Length::Known(n)
            }
            None => {
                let at = self.out.mark();
                self.put_len(0)?;
                Length::Patch(at)
            }
        };
        self.limits.enter(None)?;
        Ok(Counted {
            ser: self,
            length,
            count: 0,
        })
    }

    /// Writes struct field `key`. In the pass that names the fields of an
    /// error found at the end of the message ([`Output::NAMES_FIELDS`]),
    /// also names the fields around a field that runs to the end, and
    /// refuses what follows it right there; other outputs compile that
    /// out (a check per field cost up to 75 % more instructions to encode
    /// a message of many small fields).
    #[inline]
    fn struct_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        value.serialize(&mut *self)?;
        if O::NAMES_FIELDS && self.ends.is_some() {
            return self.after_end(key);
        }
        Ok(())
    }

    /// Starts a tuple, struct or variant's fields: one compound level.
    #[inline]
    fn fields(&mut self) -> Result<&mut Self> {
        self.limits.enter(None)?;
        Ok(self)
    }
}

/// An adapter of [`crate::with`] on a value that does not start with what
/// it adapts.
#[cold]
fn misplaced() -> Error {
    Error::without_offset(ErrorKind::Unsupported(MISPLACED))
}

impl Ends {
    /// Checks the end of the message, at `position`.
    fn check(&self, position: usize) -> Result<()> {
        if let Some(last) = self.last {
            if position != last.at {
                return Err(end_not_last(last.field, None));
            }
        }
        match self.empty_some {
            Some(mark) if position == mark.at => Err(Error::without_offset(ErrorKind::EmptySome {
                field: mark.field,
            })),
            _ => Ok(()),
        }
    }
}

#[cold]
fn end_not_last(field: Option<&'static str>, next: Option<&'static str>) -> Error {
    Error::without_offset(ErrorKind::EndNotLast { field, next })
}

/// Why an adapter cannot apply.
pub(crate) const MISPLACED: &str = "a netwire::with adapter must be on a field that starts with \
     what it adapts: a length (string, bytes, sequence, map), a C string, or an option";

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

/// An element of a sequence without a count that wrote nothing.
#[cold]
fn empty_open_element() -> Error {
    Error::without_offset(ErrorKind::Unsupported(
        "every element of a rest or nul_terminated sequence must take at least one byte",
    ))
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
            self.out.put_slice(&v.to_be_bytes());
            Ok(())
        }
    )*};
}

impl<'b, 'a, O: Output, G: EnumTagging, W: Widths> ser::Serializer
    for &'b mut Serializer<'a, O, G, W>
{
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Counted<'b, 'a, O, G, W>;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Counted<'b, 'a, O, G, W>;
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
        self.out.put_slice(&v.to_be_bytes());
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
        self.out.put_slice(v.encode_utf8(&mut buf).as_bytes());
        Ok(())
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<()> {
        self.put_len(v.len())?;
        self.out.put_slice(v.as_bytes());
        Ok(())
    }

    #[inline]
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.put_len(v.len())?;
        self.out.put_slice(v);
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
        self.nested(value)
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
        name: &'static str,
        variant_index: u32,
        _variant: &'static str,
    ) -> Result<()> {
        self.put_variant(name, variant_index)
    }

    #[inline]
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<()> {
        if let Some(adapter) = with::adapter(name) {
            return value.serialize(Adapted { ser: self, adapter });
        }
        self.nested(value)
    }

    #[inline]
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.put_variant(name, variant_index)?;
        self.nested(value)
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        self.counted(len)
    }

    #[inline]
    fn serialize_tuple(self, _len: usize) -> Result<Self> {
        self.fields()
    }

    #[inline]
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self> {
        self.fields()
    }

    #[inline]
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self> {
        self.put_variant(name, variant_index)?;
        self.fields()
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        self.counted(len)
    }

    #[inline]
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self> {
        self.fields()
    }

    #[inline]
    fn serialize_struct_variant(
        self,
        name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self> {
        self.put_variant(name, variant_index)?;
        self.fields()
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
    /// As `Patch`, in an adapter's width.
    PatchWidth(usize, Width),
    /// No count on the wire (see [`crate::with`]).
    Open(Open),
}

/// A sequence without a count.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    /// It runs to the end of the message.
    Rest,
    /// A 0 byte ends it.
    Terminated,
    /// Zerocopy records: the count was written, their bytes follow as one
    /// element (see [`with::records`]).
    Records,
}

/// A sequence or map in progress: counts its elements so the prefix is
/// right whether or not the length was known up front.
pub struct Counted<'b, 'a, O, G, W = RuntimeWidths> {
    ser: &'b mut Serializer<'a, O, G, W>,
    length: Length,
    count: usize,
}

impl<O: Output, G: EnumTagging, W: Widths> Counted<'_, '_, O, G, W> {
    /// Ends the sequence: the common case (a length known up front and
    /// kept) inline, the others out of line.
    #[inline(always)]
    fn finish(self) -> Result<()> {
        self.ser.limits.leave();
        if let Length::Known(n) = self.length {
            if n == self.count {
                return Ok(());
            }
        }
        self.finish_other()
    }

    #[inline(never)]
    fn finish_other(self) -> Result<()> {
        match self.length {
            Length::Known(n) if n == self.count => Ok(()),
            Length::Known(n) => Err(count_mismatch(n, self.count)),
            Length::Patch(at) => {
                self.ser.limits.elements(self.count as u64, None)?;
                self.ser.patch_len(at, self.count)
            }
            Length::PatchWidth(at, width) => {
                self.ser.limits.elements(self.count as u64, None)?;
                self.ser.patch_width(at, width, self.count)
            }
            Length::Open(open) => {
                self.ser.limits.elements(self.count as u64, None)?;
                match open {
                    Open::Terminated => {
                        self.ser.out.put_u8(0);
                        Ok(())
                    }
                    Open::Rest => self.ser.ended(),
                    Open::Records => Ok(()),
                }
            }
        }
    }

    /// An element of a sequence without a count: it must take at least
    /// one byte, and must not start with the terminator, or the decoder
    /// would stop early or never.
    #[cold]
    fn open_element<T: ?Sized + Serialize>(&mut self, open: Open, value: &T) -> Result<()> {
        let at = match open {
            Open::Terminated => self.ser.out.mark(),
            Open::Rest | Open::Records => self.ser.out.position(),
        };
        value.serialize(&mut *self.ser)?;
        if self.ser.out.position() == at {
            return Err(empty_open_element());
        }
        if open == Open::Terminated && self.ser.first_byte(at, value)? == 0 {
            return Err(Error::without_offset(ErrorKind::Unsupported(
                "an element of a nul_terminated sequence starts with a 0 byte, \
                 which would end the sequence",
            )));
        }
        Ok(())
    }
}

impl<O: Output, G: EnumTagging, W: Widths> Serializer<'_, O, G, W> {
    /// The first byte of `value`, written at `at`: read back when the
    /// output keeps its bytes, otherwise found by writing `value` again
    /// into a scratch `Vec` (only for `nul_terminated` elements, and only
    /// into outputs that cannot look back, such as a counter or a
    /// `BufMut`).
    #[cold]
    fn first_byte<T: ?Sized + Serialize>(&self, at: usize, value: &T) -> Result<u8> {
        if let Some(b) = self.out.byte_at(at) {
            return Ok(b);
        }
        let mut probe = Vec::new();
        let mut ser = Serializer {
            out: &mut probe,
            widths: self.widths,
            limits: self.limits,
            tags: self.tags,
            ends: None,
            framed: true,
        };
        value.serialize(&mut ser)?;
        Ok(probe.first().copied().unwrap_or(0))
    }
}

impl<O: Output, G: EnumTagging, W: Widths> ser::SerializeSeq for Counted<'_, '_, O, G, W> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.count = self.count.wrapping_add(1);
        if let Length::Open(open) = self.length {
            if open != Open::Terminated {
                // Inline: a `Vec<u8>` under `rest` comes here once per byte.
                let at = self.ser.out.position();
                value.serialize(&mut *self.ser)?;
                if self.ser.out.position() == at {
                    return Err(empty_open_element());
                }
                return Ok(());
            }
            return self.open_element(open, value);
        }
        value.serialize(&mut *self.ser)
    }

    #[inline]
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<O: Output, G: EnumTagging, W: Widths> ser::SerializeMap for Counted<'_, '_, O, G, W> {
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
    ($($tr:ident :: $method:ident($($key:ident)?) $({ $skip:item })?),* $(,)?) => {$(
        impl<O: Output, G: EnumTagging, W: Widths> ser::$tr for &mut Serializer<'_, O, G, W> {
            type Ok = ();
            type Error = Error;

            #[inline]
            fn $method<T: ?Sized + Serialize>(
                &mut self,
                $($key: &'static str,)?
                value: &T,
            ) -> Result<()> {
                fields!(@field self, value $(, $key)?)
            }

            #[inline]
            fn end(self) -> Result<()> {
                self.limits.leave();
                Ok(())
            }

            $($skip)?
        }
    )*};
    (@field $self:ident, $value:ident) => {
        $value.serialize(&mut **$self)
    };
    (@field $self:ident, $value:ident, $key:ident) => {
        $self.struct_field($key, $value)
    };
}

fields! {
    SerializeTuple::serialize_element(),
    SerializeTupleStruct::serialize_field(),
    SerializeTupleVariant::serialize_field(),
    SerializeStruct::serialize_field(key) {
        /// Fields are positional: leaving one out would shift the rest.
        fn skip_field(&mut self, key: &'static str) -> Result<()> {
            Err(limits::skipped(key))
        }
    },
    SerializeStructVariant::serialize_field(key) {
        /// Fields are positional: leaving one out would shift the rest.
        fn skip_field(&mut self, key: &'static str) -> Result<()> {
            Err(limits::skipped(key))
        }
    },
}

/// The serializer of a field under an adapter of [`crate::with`]: it takes
/// the string, bytes, sequence, map or option the field starts with, and
/// refuses anything else.
struct Adapted<'b, 'a, O, G, W> {
    ser: &'b mut Serializer<'a, O, G, W>,
    adapter: Adapter,
}

macro_rules! misplaced {
    ($($method:ident($($arg:ty),*) -> $ret:ty;)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<$ret> {
            Err(misplaced())
        }
    )*};
}

impl<'b, 'a, O: Output, G: EnumTagging, W: Widths> ser::Serializer for Adapted<'b, 'a, O, G, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Counted<'b, 'a, O, G, W>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = Counted<'b, 'a, O, G, W>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<()> {
        self.ser.adapted_bytes(self.adapter, v.as_bytes())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.ser.adapted_bytes(self.adapter, v)
    }

    fn serialize_none(self) -> Result<()> {
        self.ser.adapted_none(self.adapter)
    }

    /// No option byte: a nullable field's length, or the value alone.
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        match self.adapter {
            Adapter::Nullable(width) => value.serialize(Adapted {
                ser: self.ser,
                adapter: Adapter::Len(width),
            }),
            Adapter::EmptyAsNone => {
                let at = self.ser.out.position();
                value.serialize(&mut *self.ser)?;
                if self.ser.out.position() == at {
                    // Read back as `Some` only if a byte follows.
                    return self.ser.empty_some();
                }
                Ok(())
            }
            _ => Err(misplaced()),
        }
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Counted<'b, 'a, O, G, W>> {
        self.ser.adapted_counted(self.adapter, len, false)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Counted<'b, 'a, O, G, W>> {
        self.ser.adapted_counted(self.adapter, len, true)
    }

    /// A newtype around what the adapter applies to is transparent.
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }

    misplaced! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_i128(i128) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_u128(u128) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _variant_index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<()> {
        Err(misplaced())
    }

    /// `true` only for [`crate::with::records`], which then writes its
    /// records as one run of bytes.
    fn is_human_readable(&self) -> bool {
        self.adapter == Adapter::Records
    }
}
