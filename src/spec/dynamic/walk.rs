//! The walk: a value of each shape, as the typed decoder would decode
//! it: options, sequences and maps, tuples, structs and enum variants,
//! `Padded` strings and the adapters of [`crate::with`].

use super::decoder::{Decoder, MAX_EMPTY, at, misplaced};
use super::dump::{Label, bytes_like, shape_name};
use super::{Content, Value};
use crate::error::{Error, ErrorKind, Result};
use crate::net::read::{Read, Reference, no_end};
use crate::spec::trace::{Container, Fields, Prim, Shape};
use crate::with::Adapter;

impl<'de> Decoder<'_, 'de> {
    /// Decodes a value of shape `s`, as the typed decoder would.
    pub(super) fn value(&mut self, s: &Shape, label: Label<'_>) -> Result<Value> {
        let start = self.read.pos();
        let line = self.open(label, start);
        self.level += 1;
        let value = self.inner(s, start);
        self.level -= 1;
        let value = value.and_then(|v| {
            if self.read.pos() == start {
                self.empty += 1;
                if self.empty > MAX_EMPTY {
                    let kind = ErrorKind::LengthOverLimit {
                        len: self.empty,
                        limit: MAX_EMPTY,
                    };
                    return Err(at(kind, start));
                }
            }
            Ok(v)
        });
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                self.close(line, || format!("{} (error)", shape_name(s)));
                return Err(e);
            }
        };
        let raw = matches!(value, Value::Seq(_)) && bytes_like(s);
        if raw {
            // Bytes are shown as bytes, not one line per element.
            if let (Some(i), Some(lines)) = (line, self.lines.as_mut()) {
                lines.truncate(i + 1);
            }
        }
        self.close(line, || match (&value, s) {
            (Value::Seq(v), _) if raw => {
                let hex: String = v
                    .iter()
                    .map(|x| match x {
                        Value::U8(b) => format!("{b:02x}"),
                        _ => "??".into(),
                    })
                    .collect();
                format!("{} = 0x{hex}", shape_name(s))
            }
            (Value::Struct { name, .. }, _) => name.clone(),
            (
                Value::Variant {
                    name, variant, tag, ..
                },
                _,
            ) => format!("{name}::{variant} (tag {tag})"),
            (Value::Option(None), _) => format!("{} = None", shape_name(s)),
            (Value::Seq(v) | Value::Tuple(v), _) => {
                format!("{} ({} element(s))", shape_name(s), v.len())
            }
            (Value::Map(v), _) => format!("{} ({} entr(ies))", shape_name(s), v.len()),
            (Value::Option(Some(_)), _) => shape_name(s),
            (v, _) => format!("{} = {v}", shape_name(s)),
        });
        // A line for each compound value only if it has children; leaves
        // are one line.
        Ok(value)
    }

    fn inner(&mut self, s: &Shape, start: u64) -> Result<Value> {
        match s {
            Shape::Prim(p) => self.prim(*p, start),
            Shape::Char => self.char(start),
            Shape::Str => {
                let len = self.len()?;
                self.str_body(len, start)
            }
            Shape::Bytes => {
                let len = self.len()?;
                Ok(Value::Bytes(self.bytes_body(len, start)?))
            }
            Shape::Unit => Ok(Value::Unit),
            Shape::Option(x) => match self.byte()? {
                0 => Ok(Value::Option(None)),
                1 => {
                    self.enter(start)?;
                    let v = self.value(x, Label::Name("Some"))?;
                    self.leave();
                    Ok(Value::Option(Some(Box::new(v))))
                }
                b => Err(at(ErrorKind::InvalidOption(b), start)),
            },
            Shape::Seq(x) => {
                let n = self.len()?;
                let n = self.charge(n, start)?;
                self.counted(x, None, n, start)
            }
            Shape::Map(k, v) => {
                let n = self.len()?;
                let n = self.charge(n, start)?;
                self.counted(v, Some(k), n, start)
            }
            Shape::Tuple(v) => Ok(Value::Tuple(
                self.fixed(v.iter().map(|x| (None, x)), start)?,
            )),
            Shape::Named(n) => self.named(n, start),
            Shape::Adapted(a, x) => self.adapted(*a, x, start),
            Shape::Padded(n) => self.padded(*n, start),
            Shape::Unknown => Err(Error::custom("a type the spec could not trace")),
        }
    }

    /// `n` elements (or entries, with a key shape) whose count was read at
    /// `start`.
    fn counted(
        &mut self,
        elem: &Shape,
        key: Option<&Shape>,
        n: usize,
        start: u64,
    ) -> Result<Value> {
        self.enter(start)?;
        let value = match key {
            None => {
                let mut v = Vec::new();
                for i in 0..n {
                    v.push(self.value(elem, Label::Index(i))?);
                }
                Value::Seq(v)
            }
            Some(k) => {
                let mut v = Vec::new();
                for _ in 0..n {
                    let key = self.value(k, Label::Key)?;
                    let val = self.value(elem, Label::Val)?;
                    v.push((key, val));
                }
                Value::Map(v)
            }
        };
        self.leave();
        Ok(value)
    }

    /// Fields one after the other, as one level.
    fn fixed<'a>(
        &mut self,
        fields: impl Iterator<Item = (Option<&'a str>, &'a Shape)>,
        start: u64,
    ) -> Result<Vec<Value>> {
        self.enter(start)?;
        let mut out = Vec::new();
        for (i, (name, s)) in fields.enumerate() {
            let label = name.map_or(Label::Index(i), Label::Name);
            out.push(self.value(s, label)?);
        }
        self.leave();
        Ok(out)
    }

    /// A [`crate::with::Padded`] string of `n` bytes: read as the tuple of
    /// `n` bytes it is on the wire, then checked as `Padded` checks it
    /// (zeros after the first 0, UTF-8 before it), with its words.
    fn padded(&mut self, n: usize, start: u64) -> Result<Value> {
        let byte = Shape::Prim(Prim::U8);
        let values = self.fixed(std::iter::repeat_n((None, &byte), n), start)?;
        let bytes: Vec<u8> = values
            .iter()
            .map(|v| match v {
                Value::U8(b) => *b,
                _ => 0,
            })
            .collect();
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(n);
        if let Some(i) = bytes[end..].iter().position(|&b| b != 0) {
            return Err(at(
                ErrorKind::Custom(format!(
                    "byte {} of a NUL-padded string of {n} bytes follows its terminator but is \
                     not 0",
                    end + i
                )),
                start,
            ));
        }
        if std::str::from_utf8(&bytes[..end]).is_err() {
            return Err(at(
                ErrorKind::Custom("a NUL-padded string is not valid UTF-8".into()),
                start,
            ));
        }
        Ok(Value::Tuple(values))
    }

    /// The fields of a struct or variant (whose tag, if any, is read).
    fn content(&mut self, f: &Fields) -> Result<Content> {
        let start = self.read.pos();
        Ok(match f {
            Fields::Unit => Content::Unit,
            Fields::Newtype(x) => {
                self.enter(start)?;
                let v = self.value(x, Label::Index(0))?;
                self.leave();
                Content::Newtype(Box::new(v))
            }
            Fields::Tuple(v) => Content::Tuple(self.fixed(v.iter().map(|x| (None, x)), start)?),
            Fields::Named(v) => {
                let values = self.fixed(v.iter().map(|(n, x)| (Some(n.as_str()), x)), start)?;
                Content::Struct(v.iter().map(|(n, _)| n.clone()).zip(values).collect())
            }
        })
    }

    fn named(&mut self, name: &str, start: u64) -> Result<Value> {
        let spec = self.spec;
        let Some(c) = spec.reg.containers.get(name) else {
            return Err(Error::custom(format!(
                "`{name}` is not a type of this spec"
            )));
        };
        match c {
            Container::Struct(f) => Ok(Value::Struct {
                name: name.to_string(),
                content: self.content(f)?,
            }),
            Container::Enum {
                tag_width,
                table,
                variants,
            } => {
                let count = variants.len();
                let tag = self.uint(*tag_width)?;
                let index = if *table {
                    variants.iter().position(|v| v.tag == tag)
                } else {
                    usize::try_from(tag).ok().filter(|&i| i < count)
                };
                let Some(v) = index.and_then(|i| variants.get(i)) else {
                    return Err(at(
                        ErrorKind::TagOutOfRange {
                            tag,
                            variants: count,
                        },
                        start,
                    ));
                };
                let Some(fields) = &v.fields else {
                    return Err(Error::new(
                        ErrorKind::Custom(format!("{name}::{} was not traced", v.name)),
                        start,
                    ));
                };
                Ok(Value::Variant {
                    name: name.to_string(),
                    variant: v.name.clone(),
                    tag,
                    content: self.content(fields)?,
                })
            }
        }
    }

    fn adapted(&mut self, a: Adapter, s: &Shape, start: u64) -> Result<Value> {
        match (a, s) {
            (Adapter::Len(w), Shape::Str | Shape::Bytes | Shape::Seq(_) | Shape::Map(..)) => {
                let len = match self.width(w)? {
                    Some(n) => n,
                    None => return Err(at(ErrorKind::NegativeLength(-1), start)),
                };
                self.known(len, s, start)
            }
            (Adapter::CStr, Shape::Str | Shape::Bytes) => {
                let b = match self.read.until_nul(start)? {
                    Reference::Borrowed(b) | Reference::Copied(b) => b.to_vec(),
                };
                if matches!(s, Shape::Bytes) {
                    return Ok(Value::Bytes(b));
                }
                String::from_utf8(b)
                    .map(Value::Str)
                    .map_err(|_| at(ErrorKind::InvalidUtf8, start))
            }
            (Adapter::Rest, Shape::Bytes) => match self.read.rest(start)? {
                Reference::Borrowed(b) | Reference::Copied(b) => Ok(Value::Bytes(b.to_vec())),
            },
            (Adapter::Rest, Shape::Seq(x)) => {
                if self.read.at_end().is_none() {
                    return Err(no_end());
                }
                self.open_seq(x, false, start)
            }
            (Adapter::NulTerminated, Shape::Seq(x)) => self.open_seq(x, true, start),
            (Adapter::Nullable(w), Shape::Option(x)) => match self.width(w)? {
                None => Ok(Value::Option(None)),
                Some(len) => {
                    let inner = self.read.pos();
                    let line = self.open(Label::Name("Some"), inner);
                    self.level += 1;
                    let v = self.known(len, x, inner);
                    self.level -= 1;
                    let v = v?;
                    self.close(line, || match &v {
                        Value::Seq(items) => {
                            format!("{} ({} element(s))", shape_name(x), items.len())
                        }
                        Value::Map(items) => {
                            format!("{} ({} entr(ies))", shape_name(x), items.len())
                        }
                        v => format!("{} = {v}", shape_name(x)),
                    });
                    Ok(Value::Option(Some(Box::new(v))))
                }
            },
            (Adapter::EmptyAsNone, Shape::Option(x)) => match self.read.at_end() {
                Some(true) => Ok(Value::Option(None)),
                Some(false) => Ok(Value::Option(Some(Box::new(
                    self.value(x, Label::Name("Some"))?,
                )))),
                None => Err(no_end()),
            },
            _ => Err(misplaced(start)),
        }
    }

    /// A string, bytes, sequence or map whose length `len` is known (read
    /// by an adapter); `start` is where the adapter's field starts for a
    /// length prefix, or where the body starts for a nullable's `Some`.
    fn known(&mut self, len: u64, s: &Shape, start: u64) -> Result<Value> {
        match s {
            Shape::Str => self.str_body(len, start),
            Shape::Bytes => Ok(Value::Bytes(self.bytes_body(len, start)?)),
            Shape::Seq(x) => {
                let n = self.charge(len, start)?;
                self.counted(x, None, n, start)
            }
            Shape::Map(k, v) => {
                let n = self.charge(len, start)?;
                self.counted(v, Some(k), n, start)
            }
            _ => Err(misplaced(start)),
        }
    }

    /// Elements up to the message's end, or up to a 0 byte.
    fn open_seq(&mut self, x: &Shape, terminated: bool, start: u64) -> Result<Value> {
        self.enter(start)?;
        let mut v = Vec::new();
        loop {
            let at_ = self.read.pos();
            if terminated {
                if self.read.peek()? == 0 {
                    self.read.array::<1>()?;
                    break;
                }
            } else if self.read.at_end() != Some(false) {
                break;
            }
            self.charge(1, at_)?;
            v.push(self.value(x, Label::Index(v.len()))?);
            if self.read.pos() == at_ {
                return Err(at(ErrorKind::EmptyMessage, at_));
            }
        }
        self.leave();
        Ok(Value::Seq(v))
    }
}
