//! The `net` deserializer, generic over its input (see [`super::read`]).
//!
//! The functions on the recursive path of nested values (enums, tuples,
//! structs, sequence elements) are `#[inline(always)]` and keep few locals:
//! in a debug build one level of a recursive enum then takes about 1 KiB of
//! stack, so the default depth limit of 128 fits a 128 KiB thread stack.
//! Offsets for errors are computed in `#[cold]` functions.

use serde::de::value::U32Deserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::config::{
    Config, EnumTagging, EnumTags, LengthWidth, NoTags, RuntimeWidths, TagWidth, Widths,
};
use super::read::{Owned, ROOM, Read, Reference, char_bytes, no_end};
use super::ser::MISPLACED;
use crate::error::{Error, ErrorKind, Result};
use crate::format;
use crate::limits::{HintBudget, HintClaim, Limits};
use crate::with::{self, Adapter, Width};

/// The serde deserializer of the `net` format.
pub struct Deserializer<R, T = NoTags, W = RuntimeWidths> {
    read: R,
    widths: W,
    limit: u64,
    /// The element budget (see [`crate::limits`]).
    limits: Limits,
    /// Compound levels that may still be entered: the depth budget of
    /// [`crate::limits`], kept here so that `fixed` can build its depth
    /// error on the same cold path as its visitor's errors.
    depth_left: usize,
    /// The configured depth, for the error.
    max_depth: usize,
    /// Size hints the rest of the message may still give (see
    /// [`crate::limits`]).
    hints: HintBudget,
    /// The tag tables of enums whose tags are not their variant indices.
    tags: T,
}

impl<'de, R: Read<'de>, T: EnumTagging> Deserializer<R, T> {
    /// A deserializer over `read` with the settings of `config`.
    #[inline]
    pub fn new(read: R, config: &Config<T>) -> Self {
        Deserializer::with_widths(read, config, config.widths())
    }
}

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> Deserializer<R, T, W> {
    /// A copy of this deserializer over its reader's [`Read::Fast`] one,
    /// when the reader has one here. The copy takes the hint budget; this
    /// one keeps none until [`Deserializer::join`].
    #[inline(always)]
    fn fork(&mut self) -> Option<Deserializer<R::Fast, T, W>> {
        let read = self.read.fast()?;
        Some(Deserializer {
            read,
            widths: self.widths,
            limit: self.limit,
            limits: self.limits,
            depth_left: self.depth_left,
            max_depth: self.max_depth,
            hints: self.hints.take(),
            tags: self.tags,
        })
    }

    /// The size hint for a collection holding `claim` with `count`
    /// elements left, capped by the input bytes already in memory, while
    /// the message's hint budget lasts.
    #[inline]
    fn hint(&self, claim: &HintClaim, count: usize) -> usize {
        self.hints.hint(claim, count as u64, self.read.buffered())
    }

    /// Takes back the state of a [`Deserializer::fork`]: the reader's
    /// position, the limits and the hint budget left.
    #[inline(always)]
    fn join(&mut self, fast: &Deserializer<R::Fast, T, W>) {
        self.read.unfast(&fast.read);
        self.limits = fast.limits;
        self.depth_left = fast.depth_left;
        self.hints = fast.hints.take();
    }

    /// A deserializer over `read` with the settings of `config` and
    /// `widths`, which must be `config`'s.
    #[inline]
    pub(crate) fn with_widths(read: R, config: &Config<T>, widths: W) -> Self {
        debug_assert!(
            widths.length() == config.length_width() && widths.tag() == config.tag_width()
        );
        Deserializer {
            read,
            widths,
            limit: config.limit() as u64,
            limits: Limits::new(config.depth(), config.limit()),
            depth_left: config.depth(),
            max_depth: config.depth(),
            hints: HintBudget::new(config.limit()),
            tags: config.tagging(),
        }
    }

    /// Reads a length field of an adapter's width: `None` for −1.
    #[cold]
    fn read_width(&mut self, width: Width) -> Result<Option<u64>> {
        let start = self.read.pos();
        let mut buf = [0u8; 8];
        match width.size() {
            1 => buf[..1].copy_from_slice(&self.read.array::<1>()?),
            2 => buf[..2].copy_from_slice(&self.read.array::<2>()?),
            4 => buf[..4].copy_from_slice(&self.read.array::<4>()?),
            _ => buf = self.read.array::<8>()?,
        }
        width
            .decode(&buf[..width.size()])
            .map_err(|n| error_at(ErrorKind::NegativeLength(n), start))
    }

    /// The length an adapter gives a string, bytes or sequence here, when
    /// it is a length adapter.
    #[cold]
    fn adapted_len(&mut self, adapter: Adapter) -> Result<Option<u64>> {
        let start = self.read.pos();
        match adapter {
            Adapter::Known(n) => Ok(Some(n)),
            Adapter::Len(width) => match self.read_width(width)? {
                Some(n) => Ok(Some(n)),
                None => Err(error_at(ErrorKind::NegativeLength(-1), start)),
            },
            _ => Ok(None),
        }
    }

    /// The bytes of a string or byte string under an adapter.
    #[cold]
    fn adapted_bytes(&mut self, adapter: Adapter) -> Result<Reference<'de, '_>> {
        let start = self.read.pos();
        if let Some(len) = self.adapted_len(adapter)? {
            return self.read.bytes(len, start);
        }
        match adapter {
            Adapter::CStr => self.read.until_nul(start),
            Adapter::Rest => self.read.rest(start),
            _ => Err(misplaced()),
        }
    }

    /// A string under an adapter.
    #[cold]
    fn adapted_str<V: Visitor<'de>>(&mut self, adapter: Adapter, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        let bytes = self.adapted_bytes(adapter)?;
        visit_str(bytes, start, visitor)
    }

    /// A byte string under an adapter.
    #[cold]
    fn adapted_byte_str<V: Visitor<'de>>(
        &mut self,
        adapter: Adapter,
        visitor: V,
    ) -> Result<V::Value> {
        let start = self.read.pos();
        match self.adapted_bytes(adapter)? {
            Reference::Borrowed(b) => visitor.visit_borrowed_bytes(b),
            Reference::Copied(b) => visitor.visit_bytes(b),
        }
        .map_err(|e| with_offset(e, start))
    }

    /// An option under an adapter: no option byte.
    #[cold]
    fn adapted_option<V: Visitor<'de>>(
        &mut self,
        adapter: Adapter,
        visitor: V,
    ) -> Result<V::Value> {
        let start = self.read.pos();
        match adapter {
            Adapter::Nullable(width) => match self.read_width(width)? {
                None => visitor.visit_none(),
                Some(len) => visitor.visit_some(Adapted {
                    de: &mut *self,
                    adapter: Adapter::Known(len),
                }),
            },
            Adapter::EmptyAsNone => match self.read.at_end() {
                Some(true) => visitor.visit_none(),
                Some(false) => visitor.visit_some(&mut *self),
                None => Err(no_end()),
            },
            _ => Err(misplaced()),
        }
        .map_err(|e| with_offset(e, start))
    }

    /// A sequence or map under an adapter.
    #[cold]
    fn adapted_seq<V: Visitor<'de>>(
        &mut self,
        adapter: Adapter,
        visitor: V,
        map: bool,
    ) -> Result<V::Value> {
        let start = self.read.pos();
        if let Some(len) = self.adapted_len(adapter)? {
            let len = self.charge(len, start)?;
            return self.counted(len, start, visitor, map);
        }
        let open = match adapter {
            Adapter::Rest if !map => {
                if self.read.at_end().is_none() {
                    return Err(no_end());
                }
                false
            }
            Adapter::NulTerminated if !map => true,
            _ => return Err(misplaced()),
        };
        self.enter(start)?;
        let value = visitor
            .visit_seq(Open {
                de: &mut *self,
                terminated: open,
            })
            .map_err(|e| with_offset(e, start))?;
        self.leave();
        Ok(value)
    }

    /// Records of [`crate::with::records`]: a count, then `count × size`
    /// bytes (`counted`), or exactly `size` bytes. The byte length is
    /// checked against the input and the limit before anything is copied.
    #[inline]
    fn records<V: Visitor<'de>>(
        &mut self,
        size: usize,
        counted: bool,
        visitor: V,
    ) -> Result<V::Value> {
        let start = self.read.pos();
        let len = if counted {
            let n = self.count(start)?;
            (n as u64).saturating_mul(size as u64)
        } else {
            size as u64
        };
        match self.read.bytes(len, start)? {
            Reference::Borrowed(b) => visitor.visit_borrowed_bytes(b),
            Reference::Copied(b) => visitor.visit_bytes(b),
        }
        .map_err(|e| with_offset(e, start))
    }

    /// Visits `len` elements (or entries) whose count was read at `start`.
    #[inline]
    fn counted<V: Visitor<'de>>(
        &mut self,
        len: usize,
        start: u64,
        visitor: V,
        map: bool,
    ) -> Result<V::Value> {
        self.enter(start)?;
        let mut access = Counted {
            de: &mut *self,
            left: len,
            claim: HintClaim::default(),
            fast: Default::default(),
        };
        let result = if map {
            visitor.visit_map(&mut access)
        } else {
            visitor.visit_seq(&mut access)
        };
        access.join();
        let (left, claim) = (access.left, access.claim);
        let value = finish_counted(result, left, start)?;
        self.hints.settle(&claim);
        self.leave();
        Ok(value)
    }

    /// The variant index of the enum `name`, by its tag table if it has
    /// one. Kept out of `deserialize_enum`, whose frame is on the stack
    /// once per level of a recursive enum.
    #[cold]
    #[inline(never)]
    fn tagged_variant(&mut self, name: &str, variants: usize) -> Result<u32> {
        match EnumTags::find(self.tags.table(), name)? {
            Some(table) => self.mapped_variant(*table, variants),
            None => self.variant(variants),
        }
    }

    /// The variant index of an enum whose tags come from `table`.
    fn mapped_variant(&mut self, table: EnumTags, variants: usize) -> Result<u32> {
        table.check_count(Some(variants))?;
        let start = self.read.pos();
        let tag = match table.width() {
            TagWidth::U8 => u64::from(self.byte()?),
            TagWidth::U16 => u64::from(u16::from_be_bytes(self.read.array()?)),
            TagWidth::U32 => u64::from(u32::from_be_bytes(self.read.array()?)),
        };
        match table.index_of(tag) {
            Some(index) if index < variants => Ok(index as u32),
            _ => Err(
                Error::new(ErrorKind::TagOutOfRange { tag, variants }, start)
                    .with_detail(table.unknown(tag)),
            ),
        }
    }

    /// Gives the reader back (to learn how much was consumed).
    pub fn into_reader(self) -> R {
        self.read
    }

    /// The reader, to learn how much was consumed.
    pub(crate) fn reader(&self) -> &R {
        &self.read
    }

    #[inline]
    fn byte(&mut self) -> Result<u8> {
        let [b] = self.read.array::<1>()?;
        Ok(b)
    }

    /// Reads a length prefix.
    #[inline]
    fn len(&mut self) -> Result<u64> {
        Ok(match self.widths.length() {
            LengthWidth::U8 => u64::from(self.byte()?),
            LengthWidth::U16 => u64::from(u16::from_be_bytes(self.read.array()?)),
            LengthWidth::U32 => u64::from(u32::from_be_bytes(self.read.array()?)),
            LengthWidth::U64 => u64::from_be_bytes(self.read.array()?),
        })
    }

    /// Reads the element count of a sequence or map starting at `start`
    /// and takes it from the message's element budget; a count above what
    /// is left of the budget is an error.
    #[inline]
    fn count(&mut self, start: u64) -> Result<usize> {
        let n = self.len()?;
        self.charge(n, start)
    }

    /// Takes `n` elements from the message's element budget.
    #[inline]
    fn charge(&mut self, n: u64, start: u64) -> Result<usize> {
        self.limits.elements(n, Some(start))?;
        // The limit is a `usize`, so a count within it fits.
        usize::try_from(n).map_err(|_| over_limit(n, self.limit, start))
    }

    /// Reads an enum tag.
    #[inline]
    fn tag(&mut self) -> Result<u32> {
        Ok(match self.widths.tag() {
            TagWidth::U8 => u32::from(self.byte()?),
            TagWidth::U16 => u32::from(u16::from_be_bytes(self.read.array()?)),
            TagWidth::U32 => u32::from_be_bytes(self.read.array()?),
        })
    }

    /// Reads the tag of an enum with `variants` variants. In debug builds
    /// it stays out of `deserialize_enum` so its locals are not on the
    /// stack while the variant's content recurses; optimized builds inline
    /// it, their frames being small anyway.
    #[cfg_attr(debug_assertions, inline(never))]
    #[cfg_attr(not(debug_assertions), inline)]
    fn variant(&mut self, variants: usize) -> Result<u32> {
        let start = self.read.pos();
        let tag = self.tag()?;
        if tag as usize >= variants {
            return Err(tag_out_of_range(tag, variants, start));
        }
        Ok(tag)
    }

    /// Enters one compound level at offset `start`.
    #[inline]
    fn enter(&mut self, start: u64) -> Result<()> {
        match self.depth_left.checked_sub(1) {
            Some(left) => {
                self.depth_left = left;
                Ok(())
            }
            None => Err(depth_limit(self.max_depth, start)),
        }
    }

    /// Leaves a level entered with [`Self::enter`].
    #[inline]
    fn leave(&mut self) {
        // The entry took one off, so this cannot overflow.
        self.depth_left = self.depth_left.wrapping_add(1);
    }

    /// Visits a fixed number of values (tuple, struct) as one level.
    #[inline(always)]
    fn fixed<V: Visitor<'de>>(&mut self, len: usize, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        // Optimized builds return early on error (a deserializer is not used
        // after one) so the value moves straight out: carrying the `Result`
        // past `leave()` made header-sized structs decode ~30% slower. The
        // depth error and the visitor's errors share one cold call
        // (`fixed_error`): with one call site fewer, a small tuple such as
        // `[f32; 3]` inlines into the loop of its sequence. Debug builds
        // keep the `Result` shape, whose smaller frame lets the default
        // depth fit a 128 KiB stack through the stream readers too.
        #[cfg(not(debug_assertions))]
        {
            let result = match self.depth_left.checked_sub(1) {
                Some(left) => {
                    self.depth_left = left;
                    let fields = Fixed {
                        de: &mut *self,
                        left: len,
                    };
                    visitor.visit_seq(fields).map_err(Some)
                }
                None => Err(None),
            };
            match result {
                Ok(value) => {
                    self.leave();
                    Ok(value)
                }
                Err(e) => Err(fixed_error(e, start, self.max_depth)),
            }
        }
        #[cfg(debug_assertions)]
        {
            self.enter(start)?;
            let fields = Fixed {
                de: &mut *self,
                left: len,
            };
            let result = visitor.visit_seq(fields);
            self.leave();
            result.map_err(|e| with_offset(e, start))
        }
    }
}

/// Visits the bytes of a string that starts at `start`, borrowed when the
/// input lets it be.
#[inline(always)]
fn visit_str<'de, V: Visitor<'de>>(
    bytes: Reference<'de, '_>,
    start: u64,
    visitor: V,
) -> Result<V::Value> {
    match bytes {
        Reference::Borrowed(b) => {
            let s = format::utf8(b).ok_or_else(|| error_at(ErrorKind::InvalidUtf8, start))?;
            visitor.visit_borrowed_str(s)
        }
        Reference::Copied(b) => {
            let s = format::utf8(b).ok_or_else(|| error_at(ErrorKind::InvalidUtf8, start))?;
            visitor.visit_str(s)
        }
    }
    .map_err(|e| with_offset(e, start))
}

/// Checks that a sequence or map visitor read every element it was given.
#[inline]
fn finish_counted<T>(result: Result<T>, left: usize, start: u64) -> Result<T> {
    match result {
        Ok(_) if left != 0 => Err(unread_elements(left, start)),
        Ok(value) => Ok(value),
        Err(e) => Err(with_offset(e, start)),
    }
}

/// Gives an error from a visitor the offset of the value it was visiting,
/// unless it already has one.
#[cold]
fn with_offset(e: Error, start: u64) -> Error {
    e.or_offset(start)
}

/// The error of a tuple or struct starting at `start`: its visitor's
/// (given that offset unless it has one), or the depth limit's (`None`).
#[cold]
#[cfg(not(debug_assertions))]
fn fixed_error(e: Option<Error>, start: u64, max_depth: usize) -> Error {
    match e {
        Some(e) => e.or_offset(start),
        None => depth_limit(max_depth, start),
    }
}

#[cold]
fn depth_limit(max_depth: usize, at: u64) -> Error {
    Error::new(ErrorKind::DepthLimit(max_depth), at)
}

#[cold]
fn over_limit(len: u64, limit: u64, at: u64) -> Error {
    Error::new(ErrorKind::LengthOverLimit { len, limit }, at)
}

#[cold]
fn misplaced() -> Error {
    Error::without_offset(ErrorKind::Unsupported(MISPLACED))
}

#[cold]
fn tag_out_of_range(tag: u32, variants: usize, at: u64) -> Error {
    Error::new(
        ErrorKind::TagOutOfRange {
            tag: u64::from(tag),
            variants,
        },
        at,
    )
}

#[cold]
fn error_at(kind: ErrorKind, at: u64) -> Error {
    Error::new(kind, at)
}

#[cold]
fn not_self_describing(what: &'static str, at: u64) -> Error {
    Error::new(ErrorKind::NotSelfDescribing(what), at)
}

#[cold]
fn unread_elements(left: usize, at: u64) -> Error {
    Error::new(
        ErrorKind::Custom(format!(
            "{left} element(s) of a sequence or map were left unread"
        )),
        at,
    )
}

/// The byte length of a UTF-8 sequence starting with `first`, or `None` if
/// no scalar value starts with that byte.
#[inline]
fn utf8_width(first: u8) -> Option<usize> {
    match first {
        0x00..=0x7f => Some(1),
        0xc2..=0xdf => Some(2),
        0xe0..=0xef => Some(3),
        0xf0..=0xf4 => Some(4),
        _ => None,
    }
}

macro_rules! de_be {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let start = self.read.pos();
            let v = <$ty>::from_be_bytes(self.read.array()?);
            visitor.$visit(v).map_err(|e| with_offset(e, start))
        }
    )*};
}

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> de::Deserializer<'de>
    for &mut Deserializer<R, T, W>
{
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(not_self_describing(
            "decode a value of unknown type (deserialize_any)",
            self.read.pos(),
        ))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(not_self_describing(
            "skip a value of unknown type (deserialize_ignored_any)",
            self.read.pos(),
        ))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(not_self_describing(
            "decode a field or variant name (deserialize_identifier)",
            self.read.pos(),
        ))
    }

    #[inline]
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        match self.byte()? {
            0 => visitor.visit_bool(false),
            1 => visitor.visit_bool(true),
            b => Err(error_at(ErrorKind::InvalidBool(b), start)),
        }
        .map_err(|e| with_offset(e, start))
    }

    de_be! {
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128,
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_i128 => visit_i128: i128,
        deserialize_f32 => visit_f32: f32,
        deserialize_f64 => visit_f64: f64,
    }

    #[inline]
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        let first = self.byte()?;
        let width = utf8_width(first).ok_or_else(|| error_at(ErrorKind::InvalidChar, start))?;
        let buf = char_bytes(&mut self.read, first, width, start)?;
        let c = buf
            .get(..width)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next())
            .ok_or_else(|| error_at(ErrorKind::InvalidChar, start))?;
        visitor.visit_char(c).map_err(|e| with_offset(e, start))
    }

    #[inline]
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        let len = self.len()?;
        let bytes = self.read.bytes(len, start)?;
        visit_str(bytes, start, visitor)
    }

    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        let len = self.len()?;
        match self.read.owned(len, start)? {
            Owned::Borrowed(b) => {
                let s = format::utf8(b).ok_or_else(|| error_at(ErrorKind::InvalidUtf8, start))?;
                visitor.visit_borrowed_str(s)
            }
            Owned::Owned(v) => {
                let s =
                    String::from_utf8(v).map_err(|_| error_at(ErrorKind::InvalidUtf8, start))?;
                visitor.visit_string(s)
            }
        }
        .map_err(|e| with_offset(e, start))
    }

    #[inline]
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        let len = self.len()?;
        match self.read.bytes(len, start)? {
            Reference::Borrowed(b) => visitor.visit_borrowed_bytes(b),
            Reference::Copied(b) => visitor.visit_bytes(b),
        }
        .map_err(|e| with_offset(e, start))
    }

    #[inline]
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        let len = self.len()?;
        match self.read.owned(len, start)? {
            Owned::Borrowed(b) => visitor.visit_borrowed_bytes(b),
            Owned::Owned(v) => visitor.visit_byte_buf(v),
        }
        .map_err(|e| with_offset(e, start))
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        match self.byte()? {
            0 => visitor.visit_none().map_err(|e| with_offset(e, start)),
            1 => {
                self.enter(start)?;
                let value = visitor
                    .visit_some(&mut *self)
                    .map_err(|e| with_offset(e, start))?;
                self.leave();
                Ok(value)
            }
            b => Err(error_at(ErrorKind::InvalidOption(b), start)),
        }
    }

    #[inline]
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        visitor.visit_unit().map_err(|e| with_offset(e, start))
    }

    #[inline]
    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    #[inline]
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if let Some(adapter) = with::adapter(name) {
            return visitor.visit_newtype_struct(Adapted { de: self, adapter });
        }
        let start = self.read.pos();
        self.enter(start)?;
        let value = visitor
            .visit_newtype_struct(&mut *self)
            .map_err(|e| with_offset(e, start))?;
        self.leave();
        Ok(value)
    }

    #[inline]
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        let len = self.count(start)?;
        self.counted(len, start, visitor, false)
    }

    #[inline(always)]
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        self.fixed(len, visitor)
    }

    #[inline(always)]
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.fixed(len, visitor)
    }

    #[inline]
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.read.pos();
        let len = self.count(start)?;
        self.counted(len, start, visitor, true)
    }

    #[inline(always)]
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.fixed(fields.len(), visitor)
    }

    #[inline(always)]
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // No locals beyond the tag: this frame is on the stack once per
        // level of a recursive enum. Errors without an offset get one from
        // `variant_seed` or from the enclosing value.
        let tag = if T::TABLE {
            self.tagged_variant(name, variants.len())
        } else {
            self.variant(variants.len())
        };
        match tag {
            Ok(tag) => visitor.visit_enum(Enum { de: self, tag }),
            Err(e) => Err(e),
        }
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// The elements of a tuple or struct: a fixed number, no prefix.
struct Fixed<'a, R, T, W> {
    de: &'a mut Deserializer<R, T, W>,
    left: usize,
}

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> de::SeqAccess<'de> for Fixed<'_, R, T, W> {
    type Error = Error;

    #[inline(always)]
    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>> {
        match self.left.checked_sub(1) {
            Some(left) => {
                self.left = left;
                seed.deserialize(&mut *self.de).map(Some)
            }
            None => Ok(None),
        }
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        Some(self.left)
    }
}

/// The elements of a sequence or the entries of a map: a count read from
/// the wire.
struct Counted<'a, 'de, R: Read<'de>, T, W> {
    de: &'a mut Deserializer<R, T, W>,
    left: usize,
    /// This collection's share of the hint budget.
    claim: HintClaim,
    /// While the reader has [`ROOM`] bytes left, the deserializer over its
    /// [`Read::Fast`] reader that small elements are decoded with (see
    /// [`Counted::small_element`]). Kept from one element to the next
    /// (in optimized builds, see [`slot`]), so that an element's code
    /// that is not inlined costs a comparison more and no copy.
    fast: slot::Slot<Deserializer<R::Fast, T, W>>,
}

/// Where [`Counted::fast`] is kept. In optimized builds, in the
/// sequence's access, from one element to the next. In debug builds,
/// whose frames are largest, nowhere: each element forks its own, in the
/// frame of [`Counted::small_element`], which is out of line there, so
/// that a sequence's frame stays as it was and the default depth still
/// fits a 128 KiB stack with room to spare (`tests/bounds_stack.rs`; kept
/// in the access, a whole deserializer a level, the margin fell from 15
/// KiB to 2). The reads and their order are the same either way.
mod slot {
    #[cfg(not(debug_assertions))]
    pub(super) type Slot<D> = Option<D>;
    #[cfg(debug_assertions)]
    pub(super) type Slot<D> = std::marker::PhantomData<D>;
}

/// Whether elements of type `V` go through [`Counted::fast`]: small, plain
/// values, from [`SMALLEST`] to [`ROOM`] bytes with no drop glue (so no
/// string or collection of their own, whose reads the room would not
/// cover). The choice is made by the compiler: other types have one copy
/// of their code, as before.
const fn worth<V>() -> bool {
    let size = size_of::<V>();
    !std::mem::needs_drop::<V>() && SMALLEST <= size && size <= ROOM
}

/// The fewest bytes of a value for [`worth`]: a smaller one has too few
/// reads to spare a check of.
const SMALLEST: usize = 16;

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> Counted<'_, 'de, R, T, W> {
    /// The count, capped by the input bytes already in memory, while the
    /// message's hint budget lasts.
    #[inline]
    fn hint(&self) -> usize {
        #[cfg(not(debug_assertions))]
        let fast = self.fast.as_ref();
        #[cfg(debug_assertions)]
        let fast: Option<&Deserializer<R::Fast, T, W>> = None;
        match fast {
            Some(de) => de.hint(&self.claim, self.left),
            None => self.de.hint(&self.claim, self.left),
        }
    }

    /// Decodes a small, plain element ([`worth`]): through
    /// [`Counted::fast`] while the reader has [`ROOM`] bytes left. The
    /// reads, their errors and their offsets are the same either way.
    #[cfg(not(debug_assertions))]
    #[inline(always)]
    fn small_element<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        if self.fast.is_none() {
            self.fast = self.de.fork();
        }
        match &mut self.fast {
            Some(fast) if fast.read.buffered() >= ROOM as u64 => seed.deserialize(fast),
            _ => {
                self.join();
                seed.deserialize(&mut *self.de)
            }
        }
    }

    /// As in optimized builds, with a deserializer forked for this
    /// element alone (see [`slot`]).
    #[cfg(debug_assertions)]
    #[inline(never)]
    fn small_element<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value> {
        match self.de.fork() {
            Some(mut fast) => {
                let value = seed.deserialize(&mut fast);
                self.de.join(&fast);
                value
            }
            None => seed.deserialize(&mut *self.de),
        }
    }

    /// Gives [`Counted::fast`]'s state back, when in use.
    #[cfg(not(debug_assertions))]
    #[inline(always)]
    fn join(&mut self) {
        if let Some(fast) = self.fast.take() {
            self.de.join(&fast);
        }
    }

    /// Nothing to give back in debug builds (see [`slot`]).
    #[cfg(debug_assertions)]
    #[inline(always)]
    fn join(&mut self) {}
}

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> de::SeqAccess<'de>
    for Counted<'_, 'de, R, T, W>
{
    type Error = Error;

    #[inline(always)]
    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>> {
        match self.left.checked_sub(1) {
            Some(left) => {
                self.left = left;
                if worth::<S::Value>() {
                    return self.small_element(seed).map(Some);
                }
                seed.deserialize(&mut *self.de).map(Some)
            }
            None => Ok(None),
        }
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        Some(self.hint())
    }
}

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> de::MapAccess<'de>
    for Counted<'_, 'de, R, T, W>
{
    type Error = Error;

    #[inline(always)]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.left.checked_sub(1) {
            Some(left) => {
                self.left = left;
                seed.deserialize(&mut *self.de).map(Some)
            }
            None => Ok(None),
        }
    }

    #[inline(always)]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.de)
    }

    #[inline]
    fn size_hint(&self) -> Option<usize> {
        Some(self.hint())
    }
}

/// The elements of a sequence without a count (see [`crate::with`]):
/// to the end of the message, or to a 0 byte.
struct Open<'a, R, T, W> {
    de: &'a mut Deserializer<R, T, W>,
    terminated: bool,
}

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> de::SeqAccess<'de> for Open<'_, R, T, W> {
    type Error = Error;

    #[inline]
    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>> {
        let de = &mut *self.de;
        let start = de.read.pos();
        if self.terminated {
            if de.read.peek()? == 0 {
                de.read.array::<1>()?;
                return Ok(None);
            }
        } else if de.read.at_end() != Some(false) {
            return Ok(None);
        }
        de.charge(1, start)?;
        let value = seed.deserialize(&mut *de)?;
        if de.read.pos() == start {
            // An element of no bytes would come out forever.
            return Err(error_at(ErrorKind::EmptyMessage, start));
        }
        Ok(Some(value))
    }
}

/// An enum whose tag has been read.
struct Enum<'a, R, T, W> {
    de: &'a mut Deserializer<R, T, W>,
    tag: u32,
}

impl<'de, 'a, R: Read<'de>, T: EnumTagging, W: Widths> de::EnumAccess<'de> for Enum<'a, R, T, W> {
    type Error = Error;
    type Variant = &'a mut Deserializer<R, T, W>;

    #[inline]
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant)> {
        let tag: U32Deserializer<Error> = self.tag.into_deserializer();
        match seed.deserialize(tag) {
            Ok(value) => Ok((value, self.de)),
            Err(e) => Err(e.or_offset(
                self.de
                    .read
                    .pos()
                    .saturating_sub(self.de.widths.tag().size() as u64),
            )),
        }
    }
}

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> de::VariantAccess<'de>
    for &mut Deserializer<R, T, W>
{
    type Error = Error;

    #[inline]
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    #[inline(always)]
    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value> {
        let start = self.read.pos();
        self.enter(start)?;
        let value = seed.deserialize(&mut *self)?;
        self.leave();
        Ok(value)
    }

    #[inline(always)]
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        self.fixed(len, visitor)
    }

    #[inline(always)]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.fixed(fields.len(), visitor)
    }
}

/// The deserializer of a field under an adapter of [`crate::with`]: it
/// reads the string, bytes, sequence, map or option the field starts
/// with, and refuses anything else.
struct Adapted<'a, R, T, W> {
    de: &'a mut Deserializer<R, T, W>,
    adapter: Adapter,
}

macro_rules! misplaced {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
            Err(misplaced())
        }
    )*};
}

impl<'de, R: Read<'de>, T: EnumTagging, W: Widths> de::Deserializer<'de> for Adapted<'_, R, T, W> {
    type Error = Error;

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.adapted_str(self.adapter, visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.adapted_str(self.adapter, visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.adapted_byte_str(self.adapter, visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.adapted_byte_str(self.adapter, visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.adapted_option(self.adapter, visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.adapted_seq(self.adapter, visitor, false)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.de.adapted_seq(self.adapter, visitor, true)
    }

    /// A newtype around what the adapter applies to is transparent.
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    misplaced! {
        deserialize_any, deserialize_ignored_any, deserialize_identifier, deserialize_bool,
        deserialize_i8, deserialize_i16, deserialize_i32, deserialize_i64, deserialize_i128,
        deserialize_u8, deserialize_u16, deserialize_u32, deserialize_u64, deserialize_u128,
        deserialize_f32, deserialize_f64, deserialize_char, deserialize_unit,
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(misplaced())
    }

    /// Counted records of `size` bytes each (see [`crate::with::records`]).
    #[inline]
    fn deserialize_tuple<V: Visitor<'de>>(self, size: usize, visitor: V) -> Result<V::Value> {
        if self.adapter != Adapter::Records {
            return Err(misplaced());
        }
        self.de.records(size, true, visitor)
    }

    /// An array of records, `len` bytes in all.
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        if self.adapter != Adapter::Records {
            return Err(misplaced());
        }
        self.de.records(len, false, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(misplaced())
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(misplaced())
    }

    /// `true` only for [`crate::with::records`], which then asks for its
    /// records as one run of bytes.
    fn is_human_readable(&self) -> bool {
        self.adapter == Adapter::Records
    }
}
