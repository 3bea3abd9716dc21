//! The `ascii` deserializer: tokens in, serde visits out.
//!
//! Type-directed: every `deserialize_*` call knows which token comes next, so
//! the decoder never searches for a delimiter. On a slice, number tokens are
//! scanned whole in one loop (byte-wise reading remains the fallback and the
//! stream path); strings and bytes are borrowed from a slice input.
//!
//! The functions on the recursive path of nested values (enums, tuples,
//! structs, elements) are `#[inline(always)]` and keep few locals, and the
//! variant index is read outside `deserialize_enum`'s frame: in a debug
//! build one level of a recursive enum then takes about 1 KiB of stack, so
//! the default depth limit of 128 fits a 128 KiB thread stack.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::lex::{self, Float};
use super::read::{Body, Read};
use crate::error::{Error, ErrorKind, Result};
use crate::limits::{HintBudget, HintClaim, Limits};

/// Decodes one message from a [`Read`].
pub(crate) struct Deserializer<R> {
    pub(crate) read: R,
    /// A token has been read and the next one must follow a single space.
    sep: bool,
    /// Where the last token started (the position given to serde's own
    /// `custom` errors).
    last: u64,
    limit: u64,
    /// Depth and element budget (see [`crate::limits`]).
    limits: Limits,
    /// Size hints the rest of the message may still give.
    hints: HintBudget,
    scratch: Vec<u8>,
}

impl<'de, R: Read<'de>> Deserializer<R> {
    #[inline]
    pub(crate) fn new(read: R, limit: usize, depth: usize) -> Self {
        Deserializer {
            read,
            sep: false,
            last: 0,
            limit: limit as u64,
            limits: Limits::new(depth, limit),
            hints: HintBudget::new(limit),
            scratch: Vec::new(),
        }
    }

    /// Decodes a whole message: the value, then the line end.
    pub(crate) fn message<T: de::Deserialize<'de>>(&mut self) -> Result<T> {
        let value = T::deserialize(&mut *self).map_err(|e| e.or_offset(self.last))?;
        self.end()?;
        Ok(value)
    }

    /// The next byte; the end of the input is an error for the item at `at`.
    #[inline]
    fn need(&mut self, at: u64) -> Result<u8> {
        match self.read.peek()? {
            Some(b) => Ok(b),
            None => {
                let needed = self.read.pos().saturating_add(1);
                Err(ended(self.limit, at, needed))
            }
        }
    }

    /// Starts a token: consumes the separating space when one is due and
    /// returns the offset of the token's first byte.
    #[inline]
    fn begin(&mut self) -> Result<u64> {
        if self.sep {
            let at = self.read.pos();
            if self.need(at)? != b' ' {
                return Err(Error::new(
                    ErrorKind::Expected("a space before the next token"),
                    at,
                ));
            }
            self.read.bump();
        }
        self.sep = true;
        let start = self.read.pos();
        self.last = start;
        Ok(start)
    }

    /// [`Self::begin`] for a token a quick path has checked, separator
    /// included (the caller then consumes both).
    #[inline]
    fn quick_begin(&mut self) -> u64 {
        let start = self.read.pos().saturating_add(u64::from(self.sep));
        self.sep = true;
        self.last = start;
        start
    }

    /// Checks that a token ends here: a space or a line end. Returns the
    /// offending byte if not.
    ///
    /// # Errors
    /// The end of the input is [`ErrorKind::UnexpectedEnd`]: a message
    /// always ends with a line end, and bytes still to come could continue
    /// the token and change its value. So a token is judged only once its
    /// end is known, and a prefix of the input never fails differently from
    /// the whole.
    #[inline]
    fn token_end(&mut self) -> Result<Option<u8>> {
        match self.read.peek()? {
            Some(b' ' | b'\n' | b'\r') => Ok(None),
            Some(b) => Ok(Some(b)),
            None => Err(no_delimiter(self.limit, self.read.pos())),
        }
    }

    /// The line end that closes the message: `"\n"` or `"\r\n"`.
    pub(crate) fn end(&mut self) -> Result<()> {
        let at = self.read.pos();
        match self.need(at)? {
            b'\n' => {
                self.read.bump();
                Ok(())
            }
            b'\r' => {
                self.read.bump();
                match self.need(at)? {
                    b'\n' => {
                        self.read.bump();
                        Ok(())
                    }
                    _ => Err(Error::new(
                        ErrorKind::Expected("\"\\n\" after \"\\r\""),
                        at + 1,
                    )),
                }
            }
            _ => Err(Error::new(
                ErrorKind::Expected("the end of the message (\"\\n\")"),
                at,
            )),
        }
    }

    /// Decimal digits without sign: `0` or `[1-9][0-9]*`. Leaves the reader
    /// on the first byte after them.
    #[inline]
    fn digits<N: lex::Accumulate>(&mut self, start: u64) -> Result<N> {
        let first = self.need(start)?;
        let mut n = match first {
            b'0' => {
                self.read.bump();
                if let Some(b'0'..=b'9') = self.read.peek()? {
                    return Err(Error::new(ErrorKind::InvalidNumber, start));
                }
                return Ok(N::ZERO);
            }
            b'1'..=b'9' => N::from_digit(first - b'0'),
            _ => return Err(Error::new(ErrorKind::InvalidNumber, start)),
        };
        self.read.bump();
        while let Some(b @ b'0'..=b'9') = self.read.peek()? {
            n = n
                .push_digit(b - b'0')
                .ok_or_else(|| Error::new(ErrorKind::NumberOutOfRange, start))?;
            self.read.bump();
        }
        Ok(n)
    }

    /// A whole unsigned number token.
    #[inline]
    fn unsigned<N: lex::Accumulate>(&mut self) -> Result<(N, u64)> {
        let sep = self.sep;
        if let Some((n, taken)) = self.read.rest().and_then(|r| lex::quick_unsigned(r, sep)) {
            let start = self.quick_begin();
            self.read.skip(taken);
            return Ok((N::from(n), start));
        }
        let start = self.begin()?;
        let n = self.digits::<N>(start)?;
        if self.token_end()?.is_some() {
            return Err(Error::new(ErrorKind::InvalidNumber, start));
        }
        Ok((n, start))
    }

    /// A whole signed number token: its magnitude, whether it was negative,
    /// and where it started.
    #[inline]
    fn signed<N: lex::Accumulate>(&mut self) -> Result<(N, bool, u64)> {
        let sep = self.sep;
        if let Some((n, negative, taken)) = self.read.rest().and_then(|r| lex::quick_signed(r, sep))
        {
            let start = self.quick_begin();
            self.read.skip(taken);
            return Ok((N::from(n), negative, start));
        }
        let start = self.begin()?;
        let negative = self.need(start)? == b'-';
        if negative {
            self.read.bump();
            // "-0" is not a number: zero has one spelling.
            if self.need(start)? == b'0' {
                return Err(Error::new(ErrorKind::InvalidNumber, start));
            }
        }
        let n = self.digits::<N>(start)?;
        if self.token_end()?.is_some() {
            return Err(Error::new(ErrorKind::InvalidNumber, start));
        }
        Ok((n, negative, start))
    }

    fn u64_in<T: TryFrom<u64>>(&mut self) -> Result<T> {
        let (n, start) = self.unsigned::<u64>()?;
        T::try_from(n).map_err(|_| Error::new(ErrorKind::NumberOutOfRange, start))
    }

    fn i64_in<T: TryFrom<i64>>(&mut self) -> Result<T> {
        let (n, negative, start) = self.signed::<u64>()?;
        lex::signed_i64(n, negative)
            .and_then(|v| T::try_from(v).ok())
            .ok_or_else(|| Error::new(ErrorKind::NumberOutOfRange, start))
    }

    /// A float token, validated by [`lex::Float`] and parsed by the standard
    /// library (correctly rounded).
    fn float<F: Float>(&mut self) -> Result<F> {
        let sep = self.sep;
        let quick = self.read.rest().and_then(|rest| {
            let tok = lex::after_sep(rest, sep)?;
            let (len, exact) = lex::quick_float(tok)?;
            let value = match exact.and_then(F::exact) {
                Some(value) => Ok(value),
                None => F::parse(tok.get(..len)?),
            };
            Some((value, len + usize::from(sep)))
        });
        if let Some((parsed, taken)) = quick {
            let start = self.quick_begin();
            self.read.skip(taken);
            return parsed.map_err(|kind| Error::new(kind, start));
        }
        let start = self.begin()?;
        self.read.start_record();
        let scanned = self.scan_float(start);
        let text = self.read.recorded();
        scanned?;
        F::parse(text).map_err(|kind| Error::new(kind, start))
    }

    fn scan_float(&mut self, start: u64) -> Result<()> {
        let bad = |()| Error::new(ErrorKind::InvalidNumber, start);
        let mut b = self.need(start)?;
        if b == b'-' {
            self.read.bump();
            b = self.need(start)?;
            if b == b'N' {
                return Err(bad(()));
            }
        }
        match b {
            b'N' => self.literal(start, b"NaN")?,
            b'i' => self.literal(start, b"inf")?,
            _ => {
                self.float_digits(start, false)?;
                if self.read.peek()? == Some(b'.') {
                    self.read.bump();
                    self.float_digits(start, true)?;
                }
                if self.read.peek()? == Some(b'e') {
                    self.read.bump();
                    if self.need(start)? == b'-' {
                        self.read.bump();
                    }
                    self.float_digits(start, true)?;
                }
            }
        }
        match self.token_end()? {
            None => Ok(()),
            Some(_) => Err(bad(())),
        }
    }

    /// One or more digits; with `any_leading` false, the integer part of a
    /// float: `0` or `[1-9][0-9]*`.
    fn float_digits(&mut self, start: u64, any_leading: bool) -> Result<()> {
        let first = self.need(start)?;
        if !first.is_ascii_digit() {
            return Err(Error::new(ErrorKind::InvalidNumber, start));
        }
        self.read.bump();
        if first == b'0' && !any_leading {
            return Ok(());
        }
        while let Some(b'0'..=b'9') = self.read.peek()? {
            self.read.bump();
        }
        Ok(())
    }

    fn literal(&mut self, start: u64, word: &[u8]) -> Result<()> {
        for &want in word {
            if self.need(start)? != want {
                return Err(Error::new(ErrorKind::InvalidNumber, start));
            }
            self.read.bump();
        }
        Ok(())
    }

    /// A netstring's length and its `:`, byte by byte.
    fn length(&mut self, start: u64) -> Result<u64> {
        let len = self.digits::<u64>(start)?;
        if self.need(start)? != b':' {
            let at = self.read.pos();
            return Err(Error::new(
                ErrorKind::Expected("':' after a string length"),
                at,
            ));
        }
        self.read.bump();
        Ok(len)
    }

    /// A netstring `<len>:<bytes>`: returns where it started, where its
    /// body started, and the body. `max` (chars) bounds the length before
    /// the limit does; a length outside `1..=max` is an invalid char.
    fn netstring(&mut self, max: Option<u64>) -> Result<(u64, u64, Body<'de, '_>)> {
        let start = self.begin()?;
        let quick = self.read.rest().and_then(|rest| {
            let (len, n) = lex::quick_digits(rest)?;
            (rest.get(n) == Some(&b':')).then_some((len, n + 1))
        });
        let len = match quick {
            Some((len, taken)) => {
                self.read.skip(taken);
                len
            }
            None => self.length(start)?,
        };
        if max.is_some_and(|max| len > max || len == 0) {
            return Err(Error::new(ErrorKind::InvalidChar, start));
        }
        let body_start = self.read.pos();
        let room = self.limit.saturating_sub(body_start);
        if len > room {
            return Err(Error::new(
                ErrorKind::LengthOverLimit { len, limit: room },
                start,
            ));
        }
        // `len <= limit`, and the limit is a `usize`.
        let ulen = usize::try_from(len).unwrap_or(usize::MAX);
        let needed = body_start.saturating_add(len).saturating_add(1);
        let Some(body) = self.read.body(ulen, &mut self.scratch)? else {
            return Err(ended(self.limit, start, needed));
        };
        // A delimiter must follow: anything else means the length was wrong.
        // Its absence is checked before the body is judged (as UTF-8, as a
        // char), so a prefix ending right after the body needs more bytes
        // instead of failing differently from the whole input.
        match self.read.peek()? {
            Some(b' ' | b'\n' | b'\r') => Ok((start, body_start, body)),
            None => Err(no_delimiter(self.limit, self.read.pos())),
            Some(_) => Err(Error::new(
                ErrorKind::Expected("a space or the line end right after the string body"),
                self.read.pos(),
            )),
        }
    }
}

/// The input ended at `at`, where the delimiter after a token was due.
#[cold]
fn no_delimiter(limit: u64, at: u64) -> Error {
    ended(limit, at, at.saturating_add(1))
}

/// The input ended (or the byte limit was reached) where the item starting at
/// `at` needed at least `needed` bytes of message in total.
#[cold]
fn ended(limit: u64, at: u64, needed: u64) -> Error {
    if needed > limit {
        Error::new(ErrorKind::LengthOverLimit { len: needed, limit }, at)
    } else {
        Error::eof(at, needed)
    }
}

/// The error for a tuple or struct visitor that stopped early.
#[cold]
fn unread_fields(len: usize) -> Error {
    de::Error::invalid_length(len, &"all elements to be read")
}

impl<'de, R: Read<'de>> Deserializer<R> {
    /// Where the next token starts if the input is well-formed (after the
    /// separating space when one is due): the offset of a value that is
    /// about to be read.
    #[inline]
    fn here(&self) -> u64 {
        self.read.pos().saturating_add(u64::from(self.sep))
    }

    /// Enters a nested value that starts at `at`.
    #[inline]
    fn enter(&mut self, at: u64) -> Result<()> {
        self.limits.enter(Some(at))
    }

    #[inline]
    fn leave(&mut self) {
        self.limits.leave();
    }

    /// A sequence or map count, charged against the message's element
    /// budget (so zero-size elements cannot make a short input loop long).
    fn count(&mut self) -> Result<(u64, u64)> {
        let (count, start) = self.unsigned::<u64>()?;
        self.limits.elements(count, Some(start))?;
        Ok((count, start))
    }

    /// Visits `len` values with no count on the wire.
    #[inline(always)]
    fn fixed<V: Visitor<'de>>(&mut self, len: usize, visitor: V) -> Result<V::Value> {
        let at = self.here();
        self.enter(at)?;
        let mut access = Elements {
            de: &mut *self,
            left: len as u64,
            claim: HintClaim::default(),
        };
        // Debug builds carry the `Result` past `leave()`: the smaller frame
        // lets the default depth fit a 128 KiB stack. Optimized builds
        // return early, their frames being small anyway.
        #[cfg(not(debug_assertions))]
        {
            let value = visitor.visit_seq(&mut access)?;
            if access.left != 0 {
                return Err(unread_fields(len));
            }
            let claim = access.claim;
            self.hints.settle(&claim);
            self.leave();
            Ok(value)
        }
        #[cfg(debug_assertions)]
        {
            let result = visitor.visit_seq(&mut access);
            let (left, claim) = (access.left, access.claim);
            self.hints.settle(&claim);
            self.leave();
            match result {
                Ok(value) if left == 0 => Ok(value),
                Ok(_) => Err(unread_fields(len)),
                Err(e) => Err(e),
            }
        }
    }

    /// Visits the elements of a sequence, or the entries of a map, whose
    /// count comes next; a collection decoded whole gives its share of the
    /// hint budget back. Always inlined, so that a level of nesting keeps
    /// the one frame of `deserialize_seq` or `deserialize_map`.
    #[inline(always)]
    fn counted<V: Visitor<'de>>(&mut self, visitor: V, map: bool) -> Result<V::Value> {
        let (count, start) = self.count()?;
        self.enter(start)?;
        let mut access = Elements {
            de: &mut *self,
            left: count,
            claim: HintClaim::default(),
        };
        let value = if map {
            visitor.visit_map(&mut access)?
        } else {
            visitor.visit_seq(&mut access)?
        };
        if access.left != 0 {
            let every = if map {
                "every entry to be read"
            } else {
                "every element to be read"
            };
            return Err(de::Error::invalid_length(
                usize::try_from(count).unwrap_or(usize::MAX),
                &every,
            ));
        }
        let claim = access.claim;
        self.hints.settle(&claim);
        self.leave();
        Ok(value)
    }

    /// Reads an enum's variant index and checks it against the number of
    /// variants. Kept out of `deserialize_enum` in debug builds so its
    /// locals are not on the stack while the variant's content recurses.
    #[cfg_attr(debug_assertions, inline(never))]
    #[cfg_attr(not(debug_assertions), inline)]
    fn variant(&mut self, variants: usize) -> Result<u32> {
        let (tag, start) = self.unsigned::<u64>()?;
        match u32::try_from(tag) {
            Ok(index) if tag < variants as u64 => Ok(index),
            _ => Err(Error::new(
                ErrorKind::TagOutOfRange { tag, variants },
                start,
            )),
        }
    }

    /// The hint given to serde for a count read from the wire: never more
    /// than the bytes left in a slice and within the limit, and only while
    /// the message's hint budget lasts (see [`crate::limits`]). A reader has
    /// no bytes present ahead of time, so it gives no hint: collections
    /// grow as their elements arrive.
    fn hint(&self, claim: &HintClaim, count: u64) -> usize {
        let room = self.limit.saturating_sub(self.read.pos());
        let present = self.read.remaining().map_or(0, |left| left.min(room));
        self.hints.hint(claim, count, present)
    }
}

/// Gives serde the elements of a sequence, tuple, struct or map.
struct Elements<'a, R> {
    de: &'a mut Deserializer<R>,
    left: u64,
    /// This collection's share of the hint budget.
    claim: HintClaim,
}

impl<'de, R: Read<'de>> de::SeqAccess<'de> for Elements<'_, R> {
    type Error = Error;

    #[inline(always)]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.de.hint(&self.claim, self.left))
    }
}

impl<'de, R: Read<'de>> de::MapAccess<'de> for Elements<'_, R> {
    type Error = Error;

    #[inline(always)]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    #[inline(always)]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.de.hint(&self.claim, self.left))
    }
}

/// Gives serde an enum whose variant index has been read and checked.
struct Enum<'a, R> {
    de: &'a mut Deserializer<R>,
    index: u32,
}

impl<'de, 'a, R: Read<'de>> de::EnumAccess<'de> for Enum<'a, R> {
    type Error = Error;
    type Variant = &'a mut Deserializer<R>;

    #[inline]
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self::Variant)> {
        let index: de::value::U32Deserializer<Error> = self.index.into_deserializer();
        let value = seed.deserialize(index)?;
        Ok((value, self.de))
    }
}

impl<'de, R: Read<'de>> de::VariantAccess<'de> for &mut Deserializer<R> {
    type Error = Error;

    #[inline]
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    #[inline(always)]
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        let at = self.here();
        self.enter(at)?;
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

macro_rules! unsigned {
    ($($method:ident $visit:ident $t:ty),*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(self.u64_in::<$t>()?)
        }
    )*};
}

macro_rules! signed {
    ($($method:ident $visit:ident $t:ty),*) => {$(
        #[inline]
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(self.i64_in::<$t>()?)
        }
    )*};
}

macro_rules! not_self_describing {
    ($($method:ident $what:literal),*) => {$(
        fn $method<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
            Err(Error::new(ErrorKind::NotSelfDescribing($what), self.read.pos()))
        }
    )*};
}

impl<'de, R: Read<'de>> de::Deserializer<'de> for &mut Deserializer<R> {
    type Error = Error;

    fn is_human_readable(&self) -> bool {
        false
    }

    not_self_describing! {
        deserialize_any "decode a value of unknown type (deserialize_any)",
        deserialize_ignored_any "skip a value of unknown type (deserialize_ignored_any)",
        deserialize_identifier "decode a field or variant name (deserialize_identifier)"
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.begin()?;
        let b = self.need(start)?;
        let value = match b {
            b'0' => false,
            b'1' => true,
            _ => return Err(Error::new(ErrorKind::InvalidBool(b), start)),
        };
        self.read.bump();
        if let Some(b) = self.token_end()? {
            return Err(Error::new(ErrorKind::InvalidBool(b), self.read.pos()));
        }
        visitor.visit_bool(value)
    }

    unsigned! {
        deserialize_u8 visit_u8 u8,
        deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64
    }

    signed! {
        deserialize_i8 visit_i8 i8,
        deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let (n, _) = self.unsigned::<u128>()?;
        visitor.visit_u128(n)
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let (n, negative, start) = self.signed::<u128>()?;
        let v = lex::signed_i128(n, negative)
            .ok_or_else(|| Error::new(ErrorKind::NumberOutOfRange, start))?;
        visitor.visit_i128(v)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f32(self.float::<f32>()?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.float::<f64>()?)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let (start, _, body) = self.netstring(Some(4))?;
        let bytes = match body {
            Body::Borrowed(b) | Body::Copied(b) => b,
        };
        let mut chars = std::str::from_utf8(bytes)
            .ok()
            .into_iter()
            .flat_map(str::chars);
        match (chars.next(), chars.next()) {
            (Some(c), None) => visitor.visit_char(c),
            _ => Err(Error::new(ErrorKind::InvalidChar, start)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let (_, body_start, body) = self.netstring(None)?;
        match body {
            Body::Borrowed(b) => visitor.visit_borrowed_str(utf8(b, body_start)?),
            Body::Copied(b) => visitor.visit_str(utf8(b, body_start)?),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.netstring(None)?.2 {
            Body::Borrowed(b) => visitor.visit_borrowed_bytes(b),
            Body::Copied(b) => visitor.visit_bytes(b),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let start = self.begin()?;
        match self.need(start)? {
            b'~' => {
                self.read.bump();
                if let Some(b) = self.token_end()? {
                    return Err(Error::new(ErrorKind::InvalidOption(b), self.read.pos()));
                }
                visitor.visit_none()
            }
            b'+' => {
                self.read.bump();
                self.enter(start)?;
                // The inner value's first token is glued to the `+`.
                self.sep = false;
                let value = visitor.visit_some(&mut *self)?;
                // If the inner value had no token, the `+` stands alone.
                self.sep = true;
                self.leave();
                Ok(value)
            }
            b => Err(Error::new(ErrorKind::InvalidOption(b), start)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        let at = self.here();
        self.enter(at)?;
        let value = visitor.visit_newtype_struct(&mut *self)?;
        self.leave();
        Ok(value)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.counted(visitor, false)
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

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.counted(visitor, true)
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
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // No locals beyond the index: this frame is on the stack once per
        // level of a recursive enum.
        match self.variant(variants.len()) {
            Ok(index) => visitor.visit_enum(Enum { de: self, index }),
            Err(e) => Err(e),
        }
    }
}

/// `bytes` as UTF-8; an error points at the first bad byte.
#[inline]
fn utf8(bytes: &[u8], body_start: u64) -> Result<&str> {
    crate::format::utf8(bytes).ok_or_else(|| invalid_utf8(bytes, body_start))
}

/// The error for `bytes`, not UTF-8, at their first bad byte.
#[cold]
fn invalid_utf8(bytes: &[u8], body_start: u64) -> Error {
    let valid = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    Error::new(
        ErrorKind::InvalidUtf8,
        body_start.saturating_add(valid as u64),
    )
}
