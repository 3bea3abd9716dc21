//! The decoder's state and limits (the spec's depth and element limits,
//! and the bounds on what a [`Value`] takes in memory), and the reading
//! of numbers, length fields, characters and strings, step for step as
//! the typed `net` decoder reads them.

use super::Value;
use super::dump::Line;
use crate::error::{Error, ErrorKind, Result};
use crate::limits::Limits;
use crate::net::read::{Read, Reference, SliceReader, char_bytes};
use crate::spec::trace::{Prim, Shape};
use crate::spec::{Spec, SpecError};
use crate::with::Width;

/// The deepest a [`Value`] nests, whatever the spec's depth says: the
/// decoder recurses once per level, so this bounds its stack.
const MAX_DEPTH: usize = 256;

/// The most values of no bytes (`()`, empty tuples, unit structs) one
/// message may decode to: each is a [`Value`] in memory, and their count
/// comes from a count on the wire, not from bytes.
pub(super) const MAX_EMPTY: u64 = 1 << 16;

pub(super) struct Decoder<'s, 'de> {
    pub(super) spec: &'s Spec,
    pub(super) read: SliceReader<'de>,
    limits: Limits,
    limit: u64,
    pub(super) lines: Option<Vec<Line>>,
    pub(super) level: usize,
    /// Values of no bytes decoded so far.
    pub(super) empty: u64,
}

impl Spec {
    /// The type a message is decoded as: `type_name`, or the first message
    /// type when `None`.
    pub(super) fn root(&self, type_name: Option<&str>) -> std::result::Result<Shape, SpecError> {
        let name = match type_name {
            Some(n) => n,
            None => match self.messages.first() {
                Some(m) => &m.name,
                None => return Err(SpecError::new(&self.protocol, "no message type traced")),
            },
        };
        if !self.reg.containers.contains_key(name) {
            return Err(SpecError::new(name, "not a type of this spec"));
        }
        Ok(Shape::Named(name.to_string()))
    }

    pub(super) fn decoder<'de>(&self, read: SliceReader<'de>, lines: bool) -> Decoder<'_, 'de> {
        let depth = self.config.depth().min(MAX_DEPTH);
        Decoder {
            spec: self,
            read,
            limits: Limits::new(depth, self.config.limit()),
            limit: self.config.limit() as u64,
            lines: lines.then(Vec::new),
            level: 0,
            empty: 0,
        }
    }
}

#[cold]
pub(super) fn at(kind: ErrorKind, offset: u64) -> Error {
    Error::new(kind, offset)
}

/// An adapter on a shape it does not apply to: refused when the spec is
/// traced or read, so never met while decoding.
pub(super) fn misplaced(offset: u64) -> Error {
    at(
        ErrorKind::Custom("an adapter on a field it does not apply to".into()),
        offset,
    )
}

impl Decoder<'_, '_> {
    pub(super) fn enter(&mut self, start: u64) -> Result<()> {
        self.limits.enter(Some(start))
    }

    pub(super) fn leave(&mut self) {
        self.limits.leave();
    }

    pub(super) fn charge(&mut self, n: u64, start: u64) -> Result<usize> {
        self.limits.elements(n, Some(start))?;
        usize::try_from(n).map_err(|_| {
            at(
                ErrorKind::LengthOverLimit {
                    len: n,
                    limit: self.limit,
                },
                start,
            )
        })
    }

    pub(super) fn byte(&mut self) -> Result<u8> {
        let [b] = self.read.array::<1>()?;
        Ok(b)
    }

    /// An unsigned big-endian number of `width` bytes (1, 2, 4 or 8).
    pub(super) fn uint(&mut self, width: usize) -> Result<u64> {
        Ok(match width {
            1 => u64::from(self.byte()?),
            2 => u64::from(u16::from_be_bytes(self.read.array()?)),
            4 => u64::from(u32::from_be_bytes(self.read.array()?)),
            _ => u64::from_be_bytes(self.read.array()?),
        })
    }

    /// A length prefix of the config's width.
    pub(super) fn len(&mut self) -> Result<u64> {
        self.uint(self.spec.config.length_width().size())
    }

    /// A length field of an adapter's width: `None` for −1.
    pub(super) fn width(&mut self, w: Width) -> Result<Option<u64>> {
        let start = self.read.pos();
        let raw = self.uint(w.size())?;
        let bytes = raw.to_be_bytes();
        w.decode(&bytes[8 - w.size()..])
            .map_err(|n| at(ErrorKind::NegativeLength(n), start))
    }

    pub(super) fn prim(&mut self, p: Prim, start: u64) -> Result<Value> {
        Ok(match p {
            Prim::Bool => match self.byte()? {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                b => return Err(at(ErrorKind::InvalidBool(b), start)),
            },
            Prim::U8 => Value::U8(self.byte()?),
            Prim::I8 => Value::I8(i8::from_be_bytes(self.read.array()?)),
            Prim::U16 => Value::U16(u16::from_be_bytes(self.read.array()?)),
            Prim::I16 => Value::I16(i16::from_be_bytes(self.read.array()?)),
            Prim::U32 => Value::U32(u32::from_be_bytes(self.read.array()?)),
            Prim::I32 => Value::I32(i32::from_be_bytes(self.read.array()?)),
            Prim::U64 => Value::U64(u64::from_be_bytes(self.read.array()?)),
            Prim::I64 => Value::I64(i64::from_be_bytes(self.read.array()?)),
            Prim::U128 => Value::U128(u128::from_be_bytes(self.read.array()?)),
            Prim::I128 => Value::I128(i128::from_be_bytes(self.read.array()?)),
            Prim::F32 => Value::F32(f32::from_be_bytes(self.read.array()?)),
            Prim::F64 => Value::F64(f64::from_be_bytes(self.read.array()?)),
        })
    }

    pub(super) fn char(&mut self, start: u64) -> Result<Value> {
        let first = self.byte()?;
        let width = match first {
            0x00..=0x7f => 1,
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf4 => 4,
            _ => return Err(at(ErrorKind::InvalidChar, start)),
        };
        let buf = char_bytes(&mut self.read, first, width, start)?;
        buf.get(..width)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next())
            .map(Value::Char)
            .ok_or_else(|| at(ErrorKind::InvalidChar, start))
    }

    pub(super) fn bytes_body(&mut self, len: u64, start: u64) -> Result<Vec<u8>> {
        match self.read.bytes(len, start)? {
            Reference::Borrowed(b) | Reference::Copied(b) => Ok(b.to_vec()),
        }
    }

    pub(super) fn str_body(&mut self, len: u64, start: u64) -> Result<Value> {
        let b = self.bytes_body(len, start)?;
        String::from_utf8(b)
            .map(Value::Str)
            .map_err(|_| at(ErrorKind::InvalidUtf8, start))
    }
}
