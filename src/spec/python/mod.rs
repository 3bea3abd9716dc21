//! The Python 3 module: standard library only.
//!
//! `naming` gives every type, variant and field its Python name;
//! `codec` builds the codec expression of each shape; `class` writes
//! the value classes; `fields` writes the decoder and encoder functions
//! of each type; `fast` finds the fixed-width runs and the
//! whole-message fast paths; `framing` writes `frame`, `unframe` and
//! `MessageSocket`. `runtime.py` is the fixed part of every module.

mod class;
mod codec;
mod fast;
mod fields;
mod framing;
mod naming;

use std::fmt::Write as _;

use super::Spec;
use super::names::py_str;
use super::trace::{Container, Fields};
use class::write_class;
use codec::Codecs;
use fast::{Fast, fast_path};
use fields::{write_enum_codec, write_fields_codec};
use naming::PyNames;

const RUNTIME: &str = include_str!("runtime.py");

impl Spec {
    /// A Python 3 module (standard library only) that encodes and decodes
    /// the messages exactly as netwire does: a value class per struct and
    /// per enum variant (`Msg_Chat`, a subclass of `Msg`, also reachable as
    /// `Msg.Chat`),
    /// `encode(value) -> bytes`, `decode(data, cls=MESSAGE)` (exactly one
    /// message; trailing bytes are `TrailingBytes`),
    /// `decode_prefix(data, cls=MESSAGE) -> (value, used)`, exceptions
    /// carrying the byte offset (`DecodeError.offset`, one subclass per
    /// netwire `ErrorKind`), the same byte limit and depth limit, the
    /// framing (`frame`, `unframe`) and a `MessageSocket` over a socket.
    ///
    /// A value class is an immutable tuple of its fields in wire order, as
    /// a `collections.namedtuple` is: built by position or keyword
    /// (`Msg_Chat(room=1, text="hi")`), read by name (`v.text`),
    /// `_fields`, `_replace(text="bye")`, `_asdict()`, a `repr` with the
    /// field names, pickling and `match` patterns. Unlike a plain tuple, a
    /// value equals only a value of the same class with equal fields (two
    /// variants with equal fields differ, and no value equals a tuple),
    /// hashes when its fields do, is always true and has no order. A fixed
    /// layout (a struct of numbers and bools) is read with one `unpack` and
    /// written with one `pack`.
    ///
    /// `encode` checks each value's type: a value the protocol cannot carry
    /// is `EncodeError`, never another exception or other bytes. Decoding
    /// goes as deep as the depth limit (the module raises Python's
    /// recursion limit to fit it).
    ///
    /// Values: integers are `int`, floats `float`, `char` and strings
    /// `str`, byte strings, `Vec<u8>` and `[u8; N]` `bytes` (a `Padded<N>`
    /// is a `str`), sequences
    /// `list`, maps `dict`, tuples `tuple`, unit `()`, `Option` `None` or
    /// the value (an `Option` in an `Option` wraps its value in `Some`).
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Point { x: i32, y: i32 }
    ///
    /// let py = Spec::new("geo", Config::new(), Framing::SelfDelimited)
    ///     .message::<Point>()?
    ///     .python();
    /// assert!(py.contains("class Point(_Value):\n"));
    /// assert!(py.contains("struct.Struct(\">ii\")"));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    pub fn python(&self) -> String {
        let mut out = String::new();
        for line in self.header().lines() {
            let _ = writeln!(out, "# {line}");
        }
        let n = &PyNames::new(&self.reg);
        let first = self
            .message_names()
            .first()
            .map(|s| n.ty(s).to_string())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\"\"\"The `{}` protocol: messages as netwire's `net` format writes them.\n\n\
             encode(value) -> bytes; decode(data, cls={first}); decode_prefix(data, cls={first}) -> (value, used);\n\
             frame(payload)/unframe(buffer) for the framing; MessageSocket(sock) for whole messages.\n\"\"\"\n",
            self.protocol
        );
        out.push_str(
            "from __future__ import annotations\n\nimport struct\nimport sys\nfrom operator import itemgetter as _itemgetter\n\
             from typing import Any, Callable, ClassVar, Dict, List, NoReturn, Optional, Tuple\n\n",
        );
        let _ = writeln!(
            out,
            "LIMIT = {}\n\"\"\"The most bytes one message may occupy.\"\"\"",
            self.config.limit()
        );
        let _ = writeln!(
            out,
            "DEPTH = {}\n\"\"\"The most nested compound values.\"\"\"",
            self.config.depth()
        );
        let _ = writeln!(
            out,
            "LENGTH_WIDTH = {}\n\"\"\"Bytes of a length prefix.\"\"\"\n",
            self.config.length_width().size()
        );
        let _ = writeln!(
            out,
            "FINGERPRINT = 0x{:016x}\n\"\"\"The layout's fingerprint (netwire::spec::Spec::fingerprint).\"\"\"\n",
            self.fingerprint()
        );
        out.push_str(RUNTIME);
        out.push_str(
            "\n\n# ---- the types -----------------------------------------------------------\n\n",
        );

        let mut codecs = Codecs::default();
        let mut runs = Vec::new();
        let mut funcs = String::new();
        let mut encoders = Vec::new();
        let mut fast = Vec::new();
        let mut pack = Vec::new();
        let mut message_fast = None;
        for (name, c) in &self.reg.containers {
            let py = n.ty(name).to_string();
            match c {
                Container::Struct(fields) => {
                    let doc = format!("Rust `{name}`.");
                    write_class(&mut out, &py, "_Value", &doc, fields, None, n);
                    write_fields_codec(
                        n,
                        &mut funcs,
                        &py,
                        &py,
                        fields,
                        !matches!(fields, Fields::Unit),
                        &mut codecs,
                        &mut runs,
                    );
                    encoders.push((py.clone(), py.clone()));
                    let limits = (self.config.limit(), self.config.depth());
                    let paths = fast_path(&mut funcs, &mut fast, &mut pack, &py, fields, limits);
                    if py == first {
                        message_fast = paths;
                    }
                }
                Container::Enum {
                    tag_width,
                    variants,
                    ..
                } => {
                    let _ = writeln!(
                        out,
                        "class {py}(_Value):\n    {}\n\n    __slots__ = ()\n\n",
                        py_str(&format!("Rust enum `{name}`: one subclass per variant."))
                    );
                    let mut dec_table = Vec::new();
                    let mut enc_table = Vec::new();
                    for (v, (vpy, attr)) in variants.iter().zip(&n.variants[name]) {
                        let vpy = vpy.clone();
                        let fields = v.fields.as_ref().unwrap_or(&Fields::Unit);
                        let doc = format!("`{name}::{}`, tag {}.", v.name, v.tag);
                        write_class(&mut out, &vpy, &py, &doc, fields, Some(v.tag), n);
                        let _ =
                            writeln!(out, "{py}.{attr} = {vpy}  # type: ignore[attr-defined]\n\n");
                        let depth = !matches!(fields, Fields::Unit);
                        write_fields_codec(
                            n,
                            &mut funcs,
                            &vpy,
                            &vpy,
                            fields,
                            depth,
                            &mut codecs,
                            &mut runs,
                        );
                        dec_table.push(format!("{}: _dec_{vpy}", v.tag));
                        enc_table.push(format!("{vpy}: _enc_{vpy}"));
                        encoders.push((vpy.clone(), py.clone()));
                    }
                    write_enum_codec(
                        &mut funcs,
                        &py,
                        *tag_width,
                        variants.len(),
                        &dec_table,
                        &enc_table,
                    );
                    encoders.push((py.clone(), py.clone()));
                }
            }
        }
        for r in &runs {
            out.push_str(r);
            out.push('\n');
        }
        out.push_str("\n\n");
        out.push_str(&funcs);
        for name in self.reg.containers.keys() {
            let py = n.ty(name);
            let _ = writeln!(out, "_N_{py} = _Named(_dec_{py}, _enc_{py})");
        }
        for (n, expr) in &codecs.order {
            let _ = writeln!(out, "{n} = {expr}");
        }
        let _ = writeln!(
            out,
            "\n_FAST: Dict[type, Callable[[bytes], Any]] = {{{}}}",
            fast.join(", ")
        );
        let _ = writeln!(
            out,
            "_PACK: Dict[type, Callable[..., bytes]] = {{{}}}",
            pack.join(", ")
        );
        let _ = writeln!(
            out,
            "\n_DECODERS: Dict[type, Callable[[_Reader], Any]] = {{"
        );
        for name in self.reg.containers.keys() {
            let py = n.ty(name);
            let _ = writeln!(out, "    {py}: _dec_{py},");
        }
        let _ = writeln!(
            out,
            "}}\n_ENCODERS: Dict[type, Callable[[_Writer, Any], None]] = {{"
        );
        for (class, enc) in &encoders {
            let _ = writeln!(out, "    {class}: _enc_{enc},");
        }
        let _ = writeln!(
            out,
            "}}\n\nMESSAGE = {first}\n\"\"\"The message type the framing carries.\"\"\"\n"
        );
        let _ = writeln!(
            out,
            "PREAMBLE = {}\n\"\"\"The type read once at the start of each direction, before the first frame (None: no preamble).\"\"\"\n",
            self.preamble.as_deref().map_or("None", |p| n.ty(p))
        );
        // The message type's fixed layout in `encode` and `decode`
        // themselves: a call less on the most common path.
        let (dec_fast, enc_fast) =
            message_fast.map_or_else(Default::default, |f: Fast| (f.decode, f.encode));
        out.push_str(
            &API.replace("        # (the message's fixed layout)\n", &enc_fast)
                .replace("    # (the message's fixed layout)\n", &dec_fast),
        );
        out.push_str(&self.python_framing());
        out
    }
}

const API: &str = r#"
def encode(value: Any) -> bytes:
    """The bytes of one message (any type of this module)."""
    t = type(value)
    try:
        # (the message's fixed layout)
        pack = _PACK.get(t)
        if pack is not None:
            return pack(value)
        enc = _ENCODERS.get(t)
        if enc is None:
            raise EncodeError(f"not a type of this protocol: {t.__name__}")
        w = _Writer()
        enc(w, value)
    except EncodeError:
        raise
    except (struct.error, OverflowError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise EncodeError(f"{type(e).__name__}: {e}") from None
    if len(w.out) > LIMIT:
        raise EncodeError(f"a message of {len(w.out)} bytes is over the limit of {LIMIT}")
    return bytes(w.out)


def decode(data: bytes, cls: type = MESSAGE) -> Any:
    """Exactly one message of type `cls` filling `data`."""
    # (the message's fixed layout)
    if type(data) is not bytes:
        data = bytes(data)
    fast = _FAST.get(cls)
    if fast is not None:
        value = fast(data)
        if value is not None:
            return value
    r = _Reader(data, True)
    value = _DECODERS[cls](r)
    if r.pos < len(data):
        raise TrailingBytes(r.pos)
    return value


def decode_prefix(data: bytes, cls: type = MESSAGE) -> Tuple[Any, int]:
    """One message of type `cls` from the front of `data`, and the bytes it used."""
    r = _Reader(bytes(data), False)
    value = _DECODERS[cls](r)
    return value, r.pos
"#;
