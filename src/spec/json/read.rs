//! Reading: a document's tree back into a spec, refusing what the `net`
//! format cannot lay out (an unknown type, a width that does not exist,
//! an adapter on a field it does not apply to, ...).

use super::check::check_registry;
use super::tree::{ADAPTERS, J, PRIMS, j_text};
use super::{FORMAT, VERSION, VERSION_PREAMBLE};
use crate::net::{Config, LengthWidth, TagWidth};
use crate::spec::trace::{Container, Fields, Registry, Shape, Variant};
use crate::spec::{Framing, Message, Spec, SpecError};
use crate::with::Adapter;

fn bad(e: String) -> SpecError {
    SpecError::new("spec", e)
}

pub(super) fn read_doc(doc: &J) -> Result<Spec, SpecError> {
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

/// Whether `net` accepts the adapter `a` on a field of shape `inner` (the
/// tracer's rule).
fn adapter_applies(a: Adapter, inner: &Shape) -> bool {
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
