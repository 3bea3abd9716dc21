//! The layout as data: [`Spec::to_json`], [`Spec::from_json`] and the
//! wire form behind [`Spec::fingerprint`]. The format is described in the
//! module docs of [`crate::spec`] ("The JSON document").

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::trace::{Container, Fields, Prim, Registry, Shape, Variant};
use super::{Framing, Message, Spec, SpecError};
use crate::net::{Config, LengthWidth, TagWidth};
use crate::with::{Adapter, Width};

/// The `version` this crate writes and reads.
pub(crate) const VERSION: u64 = 1;
/// The version of a document with a preamble: a reader of version 1
/// would skip the key and misread the stream, so it refuses instead.
const VERSION_PREAMBLE: u64 = 2;

/// The value of the `format` key.
const FORMAT: &str = "netwire-spec";

/// A JSON value whose object keys keep the order they were written in.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(u64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn obj(pairs: Vec<(&str, J)>) -> J {
    J::Obj(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn s(text: &str) -> J {
    J::Str(text.to_string())
}

/// The widest line the writer puts an object or array on.
const LINE: usize = 96;

impl J {
    /// The value on one line.
    fn compact(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => {
                let _ = write!(out, "{n}");
            }
            J::Str(t) => quote(t, out),
            J::Arr(v) => {
                out.push('[');
                for (i, x) in v.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    x.compact(out);
                }
                out.push(']');
            }
            J::Obj(v) => {
                out.push('{');
                for (i, (k, x)) in v.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    quote(k, out);
                    out.push_str(": ");
                    x.compact(out);
                }
                out.push('}');
            }
        }
    }

    /// The value at `indent`: on one line when that line is short, else
    /// one member per line.
    fn pretty(&self, indent: usize, out: &mut String) {
        let mut line = String::new();
        self.compact(&mut line);
        // Scalars, and lists of them (the elements of an array), stay on
        // one line.
        let scalar = match self {
            J::Arr(v) => v.iter().all(|x| !matches!(x, J::Arr(_) | J::Obj(_))),
            J::Obj(v) => v.is_empty(),
            _ => true,
        };
        if scalar || indent + line.len() <= LINE {
            out.push_str(&line);
            return;
        }
        let pad = " ".repeat(indent + 2);
        match self {
            J::Arr(v) => {
                out.push_str("[\n");
                for (i, x) in v.iter().enumerate() {
                    out.push_str(&pad);
                    x.pretty(indent + 2, out);
                    out.push_str(if i + 1 < v.len() { ",\n" } else { "\n" });
                }
            }
            J::Obj(v) => {
                out.push_str("{\n");
                for (i, (k, x)) in v.iter().enumerate() {
                    out.push_str(&pad);
                    quote(k, out);
                    out.push_str(": ");
                    x.pretty(indent + 2, out);
                    out.push_str(if i + 1 < v.len() { ",\n" } else { "\n" });
                }
            }
            _ => {}
        }
        out.push_str(&" ".repeat(indent));
        out.push(if matches!(self, J::Arr(_)) { ']' } else { '}' });
    }

    fn from_serde(v: serde_json::Value) -> Result<J, String> {
        Ok(match v {
            serde_json::Value::Null => J::Null,
            serde_json::Value::Bool(b) => J::Bool(b),
            serde_json::Value::Number(n) => J::Num(
                n.as_u64()
                    .ok_or_else(|| format!("{n} is not a whole number from 0 to 2^64 - 1"))?,
            ),
            serde_json::Value::String(t) => J::Str(t),
            serde_json::Value::Array(v) => {
                J::Arr(v.into_iter().map(J::from_serde).collect::<Result<_, _>>()?)
            }
            serde_json::Value::Object(m) => J::Obj(
                m.into_iter()
                    .map(|(k, v)| Ok((k, J::from_serde(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
        })
    }

    fn get(&self, key: &str) -> Result<&J, String> {
        match self {
            J::Obj(v) => v
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, x)| x)
                .ok_or_else(|| format!("missing key `{key}`")),
            _ => Err(format!("expected an object with the key `{key}`")),
        }
    }

    fn num(&self) -> Result<u64, String> {
        match self {
            J::Num(n) => Ok(*n),
            _ => Err("expected a number".into()),
        }
    }

    fn str(&self) -> Result<&str, String> {
        match self {
            J::Str(t) => Ok(t),
            _ => Err("expected a string".into()),
        }
    }

    fn arr(&self) -> Result<&[J], String> {
        match self {
            J::Arr(v) => Ok(v),
            _ => Err("expected an array".into()),
        }
    }

    fn boolean(&self) -> Result<bool, String> {
        match self {
            J::Bool(b) => Ok(*b),
            _ => Err("expected true or false".into()),
        }
    }

    /// The only key of a one-key object, and its value.
    fn single(&self) -> Option<(&str, &J)> {
        match self {
            J::Obj(v) if v.len() == 1 => v.first().map(|(k, x)| (k.as_str(), x)),
            _ => None,
        }
    }
}

/// A JSON string literal.
fn quote(t: &str, out: &mut String) {
    out.push('"');
    for c in t.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The adapters by the names the document gives them (their names in
/// [`crate::with`]).
const ADAPTERS: [(&str, Adapter); 12] = [
    ("len_u8", Adapter::Len(Width::U8)),
    ("len_u16", Adapter::Len(Width::U16)),
    ("len_u32", Adapter::Len(Width::U32)),
    ("len_u64", Adapter::Len(Width::U64)),
    ("len_i16", Adapter::Len(Width::I16)),
    ("len_i32", Adapter::Len(Width::I32)),
    ("nullable_i16", Adapter::Nullable(Width::I16)),
    ("nullable_i32", Adapter::Nullable(Width::I32)),
    ("cstr", Adapter::CStr),
    ("rest", Adapter::Rest),
    ("nul_terminated", Adapter::NulTerminated),
    ("empty_as_none", Adapter::EmptyAsNone),
];

pub(crate) fn adapter_key(a: Adapter) -> &'static str {
    ADAPTERS
        .iter()
        .find(|(_, x)| *x == a)
        .map_or("known", |(n, _)| n)
}

const PRIMS: [Prim; 13] = [
    Prim::Bool,
    Prim::U8,
    Prim::U16,
    Prim::U32,
    Prim::U64,
    Prim::U128,
    Prim::I8,
    Prim::I16,
    Prim::I32,
    Prim::I64,
    Prim::I128,
    Prim::F32,
    Prim::F64,
];

fn shape_json(shape: &Shape) -> J {
    match shape {
        Shape::Unknown => J::Null,
        Shape::Prim(p) => s_(p.name()),
        Shape::Char => s_("char"),
        Shape::Str => s_("str"),
        Shape::Bytes => s_("bytes"),
        Shape::Unit => s_("unit"),
        Shape::Option(x) => obj(vec![("option", shape_json(x))]),
        Shape::Seq(x) => obj(vec![("seq", shape_json(x))]),
        Shape::Map(k, v) => obj(vec![(
            "map",
            obj(vec![("key", shape_json(k)), ("value", shape_json(v))]),
        )]),
        Shape::Tuple(v) => obj(vec![("tuple", J::Arr(v.iter().map(shape_json).collect()))]),
        Shape::Named(n) => obj(vec![("type", s(n))]),
        Shape::Adapted(a, x) => obj(vec![("with", s(adapter_key(*a))), ("of", shape_json(x))]),
        Shape::Padded(n) => obj(vec![("padded", J::Num(*n as u64))]),
    }
}

fn s_(t: &str) -> J {
    s(t)
}

fn fields_json(f: &Fields, out: &mut Vec<(&str, J)>) {
    match f {
        Fields::Unit => out.push(("kind", s("unit"))),
        Fields::Newtype(x) => {
            out.push(("kind", s("newtype")));
            out.push(("type", shape_json(x)));
        }
        Fields::Tuple(v) => {
            out.push(("kind", s("tuple")));
            out.push(("fields", J::Arr(v.iter().map(shape_json).collect())));
        }
        Fields::Named(v) => {
            out.push(("kind", s("struct")));
            out.push((
                "fields",
                J::Arr(
                    v.iter()
                        .map(|(n, x)| obj(vec![("name", s(n)), ("type", shape_json(x))]))
                        .collect(),
                ),
            ));
        }
    }
}

fn container_json(c: &Container) -> J {
    match c {
        Container::Struct(f) => {
            let mut pairs = Vec::new();
            fields_json(f, &mut pairs);
            obj(pairs)
        }
        Container::Enum {
            tag_width,
            table,
            variants,
        } => obj(vec![
            ("kind", s("enum")),
            ("tag_width", J::Num(*tag_width as u64)),
            ("tag_table", J::Bool(*table)),
            (
                "variants",
                J::Arr(
                    variants
                        .iter()
                        .map(|v| {
                            let mut pairs = vec![("name", s(&v.name)), ("tag", J::Num(v.tag))];
                            match &v.fields {
                                Some(f) => fields_json(f, &mut pairs),
                                None => pairs.push(("kind", J::Null)),
                            }
                            obj(pairs)
                        })
                        .collect(),
                ),
            ),
        ]),
    }
}

fn framing_json(f: Framing) -> J {
    match f {
        Framing::SelfDelimited => obj(vec![("kind", s("self_delimited"))]),
        Framing::Datagram => obj(vec![("kind", s("datagram"))]),
        Framing::LengthPrefix {
            width,
            includes_header,
        } => obj(vec![
            ("kind", s("length_prefix")),
            ("width", J::Num(width.size() as u64)),
            ("includes_header", J::Bool(includes_header)),
        ]),
        Framing::AsciiDigits(d) => obj(vec![
            ("kind", s("ascii_digits")),
            ("digits", J::Num(d as u64)),
        ]),
    }
}

impl Spec {
    /// The document as a JSON tree, keys in their canonical order.
    fn json_tree(&self) -> J {
        let version = if self.preamble.is_some() {
            VERSION_PREAMBLE
        } else {
            VERSION
        };
        let mut doc = obj(vec![
            ("format", s(FORMAT)),
            ("version", J::Num(version)),
            ("protocol", s(&self.protocol)),
            (
                "config",
                obj(vec![
                    (
                        "length_width",
                        J::Num(self.config.length_width().size() as u64),
                    ),
                    ("tag_width", J::Num(self.config.tag_width().size() as u64)),
                    ("limit", J::Num(self.config.limit() as u64)),
                    ("depth", J::Num(self.config.depth() as u64)),
                ]),
            ),
            ("framing", framing_json(self.framing)),
            (
                "messages",
                J::Arr(self.messages.iter().map(|m| s(&m.name)).collect()),
            ),
            (
                "types",
                J::Obj(
                    self.reg
                        .containers
                        .iter()
                        .map(|(n, c)| (n.clone(), container_json(c)))
                        .collect(),
                ),
            ),
        ]);
        if let (Some(p), J::Obj(keys)) = (&self.preamble, &mut doc) {
            // After `framing`: what comes first on the stream.
            keys.insert(5, ("preamble".to_string(), s(p)));
        }
        doc
    }

    /// The canonical JSON document of the layout: the config's widths and
    /// limits, the framing, the message types and every type they use,
    /// with fields, widths, adapters and tags. The same spec gives the same
    /// text on every run and machine (types sorted by name, fields and
    /// variants in wire order, one short item per line), so it is made to
    /// be committed and diffed. See the [module docs](crate::spec#the-json-document)
    /// for the format; [`Spec::from_json`] reads it back.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Hello { version: u16 }
    ///
    /// let spec = Spec::new("demo", Config::new(), Framing::SelfDelimited).message::<Hello>()?;
    /// let json = spec.to_json();
    /// assert!(json.contains(r#""Hello": {"kind": "struct", "fields": [{"name": "version", "type": "u16"}]}"#));
    /// assert_eq!(Spec::from_json(&json)?.to_json(), json);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.json_tree().pretty(0, &mut out);
        out.push('\n');
        out
    }

    /// How messages are framed.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// A 64-bit fingerprint of the layout, for peers to compare before
    /// they talk (see `examples/handshake.rs`).
    ///
    /// It is FNV-1a (64 bits) of the spec's *wire form*, a text that
    /// holds exactly what the bytes depend on: the config's length width,
    /// the framing, and for each message type, in order, its layout —
    /// types numbered in the order a walk from the messages first meets
    /// them; each struct, struct variant or tuple as the list of its
    /// fields' shapes (integer, float, `bool`, `char`, `str`, `bytes`,
    /// unit, option, sequence, map, tuple); each enum as its tag width and
    /// its variants' tags with their fields; a struct of one field as
    /// that field, a sequence of `u8` as a byte string (the same bytes);
    /// each adapter of
    /// [`crate::with`] by name, except a `len_u*` of the config's length
    /// width, which writes what no adapter writes. Left out, because no
    /// byte depends on them: the protocol's, types', fields' and variants'
    /// names, whether a struct is a newtype, tuple or named struct, the
    /// order types are declared in, and the limit and depth (which decide
    /// how large a message may be, not how it is laid out).
    ///
    /// Two specs have the same fingerprint when their wire forms are
    /// equal (and, but for a 64-bit hash collision, only then): a field
    /// renamed keeps it, a width changed or a variant added changes it.
    /// Names swapped keep it too — two `u16` fields, or two unit variants,
    /// trading places — since the bytes are laid out as before; only their
    /// meaning moved, which [`Spec::compare`] reports.
    /// The value is the same on every platform and release that writes
    /// this `version` of the document; [`Spec::python`] and
    /// [`Spec::c_header`] carry it as `FINGERPRINT`.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Hello { version: u16 }
    /// #[derive(serde::Deserialize)]
    /// struct Renamed { release: u16 }
    /// #[derive(serde::Deserialize)]
    /// struct Wider { version: u32 }
    ///
    /// let fp = |spec: Spec| spec.fingerprint();
    /// let spec = || Spec::new("demo", Config::new(), Framing::SelfDelimited);
    /// let hello = fp(spec().message::<Hello>()?);
    /// assert_eq!(hello, fp(spec().message::<Renamed>()?));
    /// assert_ne!(hello, fp(spec().message::<Wider>()?));
    /// assert_eq!(hello, 0xf7e6_d47b_f265_70e6);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fingerprint(&self) -> u64 {
        fnv1a64(wire_form(self).as_bytes())
    }

    /// Reads a document written by [`Spec::to_json`] (of this `version`).
    /// The spec it gives describes, generates code for, compares, and
    /// decodes (see [`Value`](super::Value)) exactly as the traced one;
    /// it has no Rust types, so [`Spec::example`] does not apply to it.
    ///
    /// # Errors
    /// [`SpecError`] (type name `spec`, or the type at fault) when the
    /// text is not JSON, is of another format or version, or describes a
    /// layout the `net` format cannot have (an unknown type, a width that
    /// does not exist, an adapter on a field it does not apply to, ...).
    ///
    /// ```
    /// use netwire::spec::Spec;
    ///
    /// let err = Spec::from_json(r#"{"format": "netwire-spec", "version": 99}"#).unwrap_err();
    /// assert!(err.reason().contains("version 99"));
    /// ```
    pub fn from_json(text: &str) -> Result<Spec, SpecError> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| SpecError::new("spec", format!("not JSON: {e}")))?;
        let doc = J::from_serde(value).map_err(|e| SpecError::new("spec", e))?;
        read_doc(&doc)
    }
}

fn bad(e: String) -> SpecError {
    SpecError::new("spec", e)
}

fn read_doc(doc: &J) -> Result<Spec, SpecError> {
    let format = doc.get("format").and_then(J::str).map_err(bad)?;
    if format != FORMAT {
        return Err(bad(format!("`format` is {format:?}, not {FORMAT:?}")));
    }
    let version = doc.get("version").and_then(J::num).map_err(bad)?;
    if version != VERSION && version != VERSION_PREAMBLE {
        return Err(bad(format!(
            "the document is of version {version}; this netwire reads versions {VERSION} and {VERSION_PREAMBLE}"
        )));
    }
    let protocol = doc.get("protocol").and_then(J::str).map_err(bad)?;
    let config = doc.get("config").map_err(bad)?;
    let num = |key: &str| config.get(key).and_then(J::num).map_err(bad);
    let length_width = match num("length_width")? {
        1 => LengthWidth::U8,
        2 => LengthWidth::U16,
        4 => LengthWidth::U32,
        8 => LengthWidth::U64,
        n => return Err(bad(format!("no length width of {n} bytes"))),
    };
    let tag_width = tag_width(num("tag_width")?)?;
    let limit = usize::try_from(num("limit")?).map_err(|_| bad("limit too large".into()))?;
    let depth = usize::try_from(num("depth")?).map_err(|_| bad("depth too large".into()))?;
    let framing = read_framing(doc.get("framing").map_err(bad)?).map_err(bad)?;
    let mut reg = Registry::default();
    let J::Obj(types) = doc.get("types").map_err(bad)? else {
        return Err(bad("`types` is not an object".into()));
    };
    for (name, t) in types {
        let c = read_container(t).map_err(|e| SpecError::new(name, e))?;
        if reg.containers.insert(name.clone(), c).is_some() {
            return Err(SpecError::new(name, "described twice"));
        }
    }
    let mut messages = Vec::new();
    for m in doc.get("messages").and_then(J::arr).map_err(bad)? {
        let name = m.str().map_err(bad)?;
        if !reg.containers.contains_key(name) {
            return Err(SpecError::new(name, "a message type that `types` lacks"));
        }
        if messages.iter().any(|x: &Message| x.name == name) {
            return Err(SpecError::new(name, "listed twice in `messages`"));
        }
        messages.push(Message {
            name: name.to_string(),
            examples: Vec::new(),
        });
    }
    let preamble = if version == VERSION_PREAMBLE {
        let name = doc.get("preamble").and_then(J::str).map_err(bad)?;
        if !reg.containers.contains_key(name) {
            return Err(SpecError::new(name, "a preamble type that `types` lacks"));
        }
        if framing == Framing::Datagram {
            return Err(SpecError::new(name, "a preamble with datagram framing"));
        }
        Some(name.to_string())
    } else {
        None
    };
    check_registry(&reg)?;
    for (name, c) in &reg.containers {
        if let Container::Enum {
            tag_width: w,
            table: false,
            ..
        } = c
        {
            if *w != tag_width.size() {
                return Err(SpecError::new(
                    name,
                    "an enum without a tag table has the config's tag width",
                ));
            }
        }
    }
    let config = Config::new()
        .with_length_width(length_width)
        .with_tag_width(tag_width)
        .with_limit(limit)
        .with_depth(depth);
    let mut spec = Spec::new(protocol, config, framing);
    spec.reg = reg;
    spec.messages = messages;
    spec.preamble = preamble;
    if spec.protocol != protocol {
        return Err(bad(format!("{protocol:?} is not a protocol name")));
    }
    let tables: Vec<&str> = spec
        .reg
        .containers
        .iter()
        .filter(|(_, c)| matches!(c, Container::Enum { table: true, .. }))
        .map(|(n, _)| n.as_str())
        .collect();
    if !tables.is_empty() {
        spec.config_text
            .push_str(&format!(", tag tables for {}", tables.join(", ")));
    }
    Ok(spec)
}

fn tag_width(n: u64) -> Result<TagWidth, SpecError> {
    match n {
        1 => Ok(TagWidth::U8),
        2 => Ok(TagWidth::U16),
        4 => Ok(TagWidth::U32),
        n => Err(bad(format!("no tag width of {n} bytes"))),
    }
}

fn read_framing(j: &J) -> Result<Framing, String> {
    Ok(match j.get("kind")?.str()? {
        "self_delimited" => Framing::SelfDelimited,
        "datagram" => Framing::Datagram,
        "length_prefix" => Framing::LengthPrefix {
            width: match j.get("width")?.num()? {
                1 => LengthWidth::U8,
                2 => LengthWidth::U16,
                4 => LengthWidth::U32,
                8 => LengthWidth::U64,
                n => return Err(format!("no frame length of {n} bytes")),
            },
            includes_header: j.get("includes_header")?.boolean()?,
        },
        "ascii_digits" => {
            let d = j.get("digits")?.num()?;
            if !(1..=20).contains(&d) {
                return Err(format!("{d} ASCII digits: from 1 to 20"));
            }
            Framing::AsciiDigits(d as usize)
        }
        k => return Err(format!("no framing of kind {k:?}")),
    })
}

fn read_shape(j: &J) -> Result<Shape, String> {
    if let J::Str(t) = j {
        return Ok(match t.as_str() {
            "char" => Shape::Char,
            "str" => Shape::Str,
            "bytes" => Shape::Bytes,
            "unit" => Shape::Unit,
            t => Shape::Prim(
                *PRIMS
                    .iter()
                    .find(|p| p.name() == t)
                    .ok_or_else(|| format!("no type {t:?}"))?,
            ),
        });
    }
    if let Ok(w) = j.get("with") {
        let w = w.str()?;
        let a = ADAPTERS
            .iter()
            .find(|(n, _)| *n == w)
            .map(|&(_, a)| a)
            .ok_or_else(|| format!("no adapter {w:?}"))?;
        let inner = read_shape(j.get("of")?)?;
        if !adapter_applies(a, &inner) {
            return Err(format!("with::{w} does not apply to {}", j_text(j)));
        }
        return Ok(Shape::Adapted(a, Box::new(inner)));
    }
    let Some((k, x)) = j.single() else {
        return Err(format!("not a type: {}", j_text(j)));
    };
    Ok(match k {
        "option" => Shape::Option(Box::new(read_shape(x)?)),
        "seq" => Shape::Seq(Box::new(read_shape(x)?)),
        "map" => Shape::Map(
            Box::new(read_shape(x.get("key")?)?),
            Box::new(read_shape(x.get("value")?)?),
        ),
        "tuple" => Shape::Tuple(x.arr()?.iter().map(read_shape).collect::<Result<_, _>>()?),
        "type" => Shape::Named(x.str()?.to_string()),
        "padded" => Shape::Padded(usize::try_from(x.num()?).map_err(|e| e.to_string())?),
        _ => return Err(format!("not a type: {}", j_text(j))),
    })
}

fn j_text(j: &J) -> String {
    let mut t = String::new();
    j.compact(&mut t);
    t
}

/// Whether `net` accepts the adapter `a` on a field of shape `inner` (the
/// tracer's rule).
pub(crate) fn adapter_applies(a: Adapter, inner: &Shape) -> bool {
    let open = |s: &Shape| {
        matches!(
            s,
            Shape::Str | Shape::Bytes | Shape::Seq(_) | Shape::Map(..)
        )
    };
    match a {
        Adapter::Len(_) => open(inner),
        Adapter::Nullable(_) => matches!(inner, Shape::Option(s) if open(s)),
        Adapter::CStr => matches!(inner, Shape::Str | Shape::Bytes),
        Adapter::Rest => matches!(inner, Shape::Bytes | Shape::Seq(_)),
        Adapter::NulTerminated => matches!(inner, Shape::Seq(_)),
        Adapter::EmptyAsNone => matches!(inner, Shape::Option(_)),
        // Records are traced in their element form, never as an adapter.
        Adapter::Known(_) | Adapter::Records => false,
    }
}

fn read_fields(j: &J) -> Result<Fields, String> {
    Ok(match j.get("kind")?.str()? {
        "unit" => Fields::Unit,
        "newtype" => Fields::Newtype(read_shape(j.get("type")?)?),
        "tuple" => Fields::Tuple(
            j.get("fields")?
                .arr()?
                .iter()
                .map(read_shape)
                .collect::<Result<_, _>>()?,
        ),
        "struct" => Fields::Named(
            j.get("fields")?
                .arr()?
                .iter()
                .map(|f| {
                    Ok((
                        f.get("name")?.str()?.to_string(),
                        read_shape(f.get("type")?)?,
                    ))
                })
                .collect::<Result<_, String>>()?,
        ),
        k => return Err(format!("no kind {k:?}")),
    })
}

fn read_container(j: &J) -> Result<Container, String> {
    if j.get("kind")?.str()? != "enum" {
        return Ok(Container::Struct(read_fields(j)?));
    }
    let tag_width = j.get("tag_width")?.num()?;
    if ![1, 2, 4].contains(&tag_width) {
        return Err(format!("no tag width of {tag_width} bytes"));
    }
    let max = (1u64 << (8 * tag_width)) - 1;
    let mut variants = Vec::new();
    for v in j.get("variants")?.arr()? {
        let name = v.get("name")?.str()?.to_string();
        let tag = v.get("tag")?.num()?;
        if tag > max {
            return Err(format!(
                "tag {tag} of {name} does not fit {tag_width} bytes"
            ));
        }
        if variants.iter().any(|x: &Variant| x.tag == tag) {
            return Err(format!("tag {tag} is given twice"));
        }
        variants.push(Variant {
            name,
            tag,
            fields: Some(read_fields(v)?),
        });
    }
    if variants.is_empty() {
        return Err("an enum without variants".into());
    }
    let table = j.get("tag_table")?.boolean()?;
    if !table && variants.iter().enumerate().any(|(i, v)| v.tag != i as u64) {
        return Err("without a tag table, the tags are the variants' indices".into());
    }
    Ok(Container::Enum {
        tag_width: tag_width as usize,
        table,
        variants,
    })
}

/// Every type named is described, and every recursion passes through an
/// enum or a collection (a struct that contains itself has no value).
fn check_registry(reg: &Registry) -> Result<(), SpecError> {
    fn names(s: &Shape, out: &mut Vec<String>) {
        match s {
            Shape::Named(n) => out.push(n.clone()),
            Shape::Option(x) | Shape::Seq(x) | Shape::Adapted(_, x) => names(x, out),
            Shape::Map(k, v) => {
                names(k, out);
                names(v, out);
            }
            Shape::Tuple(v) => v.iter().for_each(|x| names(x, out)),
            _ => {}
        }
    }
    for (name, c) in &reg.containers {
        let mut used = Vec::new();
        match c {
            Container::Struct(f) => f.shapes().into_iter().for_each(|s| names(s, &mut used)),
            Container::Enum { variants, .. } => {
                for v in variants {
                    if let Some(f) = &v.fields {
                        f.shapes().into_iter().for_each(|s| names(s, &mut used));
                    }
                }
            }
        }
        if let Some(u) = used.iter().find(|u| !reg.containers.contains_key(*u)) {
            return Err(SpecError::new(
                name,
                format!("uses `{u}`, which `types` lacks"),
            ));
        }
    }
    // A cycle of structs through plain fields (no option, sequence, map or
    // enum on the way) would be infinitely large.
    fn direct(s: &Shape, out: &mut Vec<String>) {
        match s {
            Shape::Named(n) => out.push(n.clone()),
            Shape::Tuple(v) => v.iter().for_each(|x| direct(x, out)),
            _ => {}
        }
    }
    fn visit(
        n: &str,
        reg: &Registry,
        stack: &mut BTreeSet<String>,
        done: &mut BTreeSet<String>,
    ) -> Result<(), SpecError> {
        if done.contains(n) {
            return Ok(());
        }
        if !stack.insert(n.to_string()) {
            return Err(SpecError::new(n, "a struct that contains itself"));
        }
        if let Some(Container::Struct(f)) = reg.containers.get(n) {
            let mut next = Vec::new();
            f.shapes().into_iter().for_each(|s| direct(s, &mut next));
            for m in next {
                visit(&m, reg, stack, done)?;
            }
        }
        stack.remove(n);
        done.insert(n.to_string());
        Ok(())
    }
    let mut done = BTreeSet::new();
    for n in reg.containers.keys() {
        visit(n, reg, &mut BTreeSet::new(), &mut done)?;
    }
    Ok(())
}

impl Spec {
    /// An enum with a tag table the config lacks: the spec was read from
    /// a document, and its config cannot encode that enum.
    pub(super) fn tables_missing(&self) -> Option<&str> {
        self.reg.containers.iter().find_map(|(name, c)| {
            let table = matches!(c, Container::Enum { table: true, .. });
            let known = self.config.enum_tags().iter().any(|t| t.name() == name);
            (table && !known).then_some(name.as_str())
        })
    }
}

/// The wire form: the layout with every name left out that the bytes do
/// not depend on. Types are numbered in the order a depth-first walk from
/// the message types first meets them.
pub(crate) fn wire_form(spec: &Spec) -> String {
    let mut w = WireForm {
        reg: &spec.reg,
        len_width: spec.config.length_width().size(),
        ids: BTreeMap::new(),
        order: Vec::new(),
        inlining: BTreeSet::new(),
    };
    let mut out = format!(
        "netwire-wire/{VERSION};len={};framing={};messages=",
        w.len_width,
        match spec.framing {
            Framing::SelfDelimited => "none".to_string(),
            Framing::Datagram => "datagram".to_string(),
            Framing::LengthPrefix {
                width,
                includes_header,
            } => format!(
                "len{}{}",
                width.size(),
                if includes_header { "h" } else { "" }
            ),
            Framing::AsciiDigits(d) => format!("ascii{d}"),
        }
    );
    let roots: Vec<String> = spec
        .messages
        .iter()
        .map(|m| w.shape(&Shape::Named(m.name.clone())))
        .collect();
    out.push_str(&roots.join(","));
    if let Some(p) = &spec.preamble {
        // Only with a preamble: the fingerprints of other specs stay.
        let p = w.shape(&Shape::Named(p.clone()));
        let _ = write!(out, ";preamble={p}");
    }
    let mut i = 0;
    while i < w.order.len() {
        let name = w.order[i].clone();
        let body = match &spec.reg.containers[&name] {
            Container::Struct(f) => w.fields(f),
            Container::Enum {
                tag_width,
                variants,
                ..
            } => {
                // By tag: the order variants are declared in is not on
                // the wire.
                let mut sorted: Vec<&Variant> = variants.iter().collect();
                sorted.sort_by_key(|v| v.tag);
                let vs: Vec<String> = sorted
                    .into_iter()
                    .map(|v| {
                        let f = v.fields.as_ref().map_or("?".into(), |f| w.fields(f));
                        format!("{}={f}", v.tag)
                    })
                    .collect();
                format!("enum{tag_width}[{}]", vs.join(","))
            }
        };
        let _ = write!(out, ";#{i}={body}");
        i += 1;
    }
    out
}

struct WireForm<'a> {
    reg: &'a Registry,
    len_width: usize,
    ids: BTreeMap<String, usize>,
    order: Vec<String>,
    /// The structs of one field being written in place.
    inlining: BTreeSet<String>,
}

impl WireForm<'_> {
    fn fields(&mut self, f: &Fields) -> String {
        let parts: Vec<String> = f.shapes().into_iter().map(|s| self.shape(s)).collect();
        format!("({})", parts.join(","))
    }

    fn shape(&mut self, s: &Shape) -> String {
        match s {
            Shape::Unknown => "?".into(),
            Shape::Prim(p) => p.name().into(),
            Shape::Char => "char".into(),
            Shape::Str => "str".into(),
            Shape::Bytes => "bytes".into(),
            Shape::Unit => "()".into(),
            Shape::Option(x) => format!("opt<{}>", self.shape(x)),
            // The same bytes as a byte string.
            Shape::Seq(x) if **x == Shape::Prim(Prim::U8) => "bytes".into(),
            Shape::Seq(x) => format!("seq<{}>", self.shape(x)),
            Shape::Map(k, v) => format!("map<{},{}>", self.shape(k), self.shape(v)),
            Shape::Tuple(v) => {
                let parts: Vec<String> = v.iter().map(|x| self.shape(x)).collect();
                format!("({})", parts.join(","))
            }
            Shape::Padded(n) => format!("padded{n}"),
            Shape::Named(n) => {
                let Some(c) = self.reg.containers.get(n) else {
                    return "?".into();
                };
                // A struct of one field writes that field: its bytes.
                if let Container::Struct(f) = c {
                    if let [only] = f.shapes().as_slice() {
                        if !self.inlining.contains(n) {
                            self.inlining.insert(n.clone());
                            let inner = self.shape(only);
                            self.inlining.remove(n);
                            return inner;
                        }
                    }
                }
                let next = self.order.len();
                let id = *self.ids.entry(n.clone()).or_insert(next);
                if id == next {
                    self.order.push(n.clone());
                }
                format!("#{id}")
            }
            // A length prefix of the config's width is the default one.
            Shape::Adapted(Adapter::Len(w), x)
                if w.size() == self.len_width && !matches!(w, Width::I16 | Width::I32) =>
            {
                self.shape(x)
            }
            Shape::Adapted(a, x) => format!("{}<{}>", adapter_key(*a), self.shape(x)),
        }
    }
}

/// FNV-1a, 64 bits: offset basis 0xcbf29ce484222325, prime 0x100000001b3.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_published_test_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_writer_escapes_what_json_requires() {
        let mut out = String::new();
        J::Str("a\"b\\c\n\u{1}é".into()).compact(&mut out);
        assert_eq!(out, r#""a\"b\\c\n\u0001é""#);
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, "a\"b\\c\n\u{1}é");
    }
}
