//! Wire specifications generated from your message types (feature `spec`).
//!
//! A [`Spec`] traces message types — their serde shape, the adapters of
//! [`crate::with`] on their fields, the tag tables of the
//! [`net::Config`](crate::net::Config) — and writes four descriptions of
//! the same bytes:
//!
//! - [`Spec::markdown`]: a wire specification, one table of fields per type
//!   with widths, byte order, prefixes, tags and fixed offsets, and an
//!   example message byte by byte;
//! - [`Spec::python`]: a Python 3 module (standard library only) with a
//!   value class (an immutable tuple with named fields) per struct and per
//!   enum variant, `encode`, `decode`,
//!   `decode_prefix`, the framing and a `MessageSocket`;
//! - [`Spec::c_header`]: a C99 header of `static inline` encoders and
//!   decoders, views into the input for strings and sequences, the
//!   nodes of recursive types in an arena the caller gives;
//! - [`Spec::wireshark_lua`]: a Wireshark dissector for a TCP port (UDP
//!   for [`Framing::Datagram`]).
//!
//! [`Spec::vectors`] writes JSON conformance vectors (values, bytes, and
//! refused inputs with netwire's error kind and offset) for testing any
//! other peer. The crate's own tests hold the generated Python, C and
//! dissector to netwire over a catalogue of types, every framing and
//! hostile input (`tests/spec/conformance.rs`).
//!
//! Names come from serde and are untrusted text: each generator makes
//! them valid, distinct identifiers of its language (a name that is not
//! one is spelled with its code points, a second `a_b` becomes `a_b_2`)
//! and escapes every string and comment.
//!
//! ```
//! use netwire::net::Config;
//! use netwire::spec::{Framing, Spec};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! enum Msg {
//!     Ping(u32),
//!     Chat { room: u16, text: String },
//!     Bye,
//! }
//!
//! let spec = Spec::new("chat", Config::new(), Framing::length_prefix_u32())
//!     .message::<Msg>()?
//!     .example(&Msg::Chat { room: 7, text: "hi".into() })?;
//! let md = spec.markdown();
//! assert!(md.contains("| 1 | `room` | `u16` |"));
//! assert!(spec.python().contains("class Msg_Chat(Msg):"));
//! assert!(spec.c_header().contains("chat_Msg_decode"));
//! assert!(spec.wireshark_lua(7000).contains("dissect_tcp_pdus"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How types are traced
//!
//! The tracer is a serde `Deserializer` of its own (no dependency): it
//! runs the type's `Deserialize` impl, once per enum variant not yet seen,
//! and records the shape of each field. It sees the adapters of
//! [`crate::with`] by the names they serialize under, per field, which a
//! registry keyed by type name (serde-reflection's) cannot tell apart.
//! A type the `net` format cannot carry, or the tracer cannot see — one
//! that needs `deserialize_any` (`#[serde(flatten)]`, untagged or
//! internally tagged enums), two different types under one name (a
//! generic type used with two parameters, same-named types of two
//! modules), an adapter on a field it
//! does not apply to — is a [`SpecError`] naming the type: never a wrong
//! description. A `Deserialize` impl that checks its values is described
//! by the shape it reads; [`Padded`](crate::with::Padded) is described as
//! the padded text it is.
//!
//! A type is traced with values of its own choosing: `Deserialize` impls
//! that refuse `1`, `"a"` or `false` (a `NonZeroU8` accepts `1`) cannot be
//! traced.
//!
//! # The layout as data
//!
//! - [`Spec::to_json`] writes the traced layout as a canonical JSON
//!   document, [`Spec::from_json`] reads it back: commit it, and the
//!   layout is reviewed like code.
//! - [`Spec::compare`] lists every difference between two layouts as a
//!   [`Change`]: where (type path, field, byte offset) and what it does
//!   to a new reader on old bytes and an old reader on new bytes.
//! - [`check_lockfile`] fails a test when the layout no longer matches
//!   the committed document, with that list; `NETWIRE_LOCK=update`
//!   rewrites it.
//! - [`Spec::fingerprint`] is a 64-bit hash of what the bytes depend on,
//!   for peers to compare in a handshake.
//! - [`Spec::decode`] and [`Spec::dump`] decode messages with the document
//!   alone, into a [`Value`].
//!
//! ## The JSON document
//!
//! Version 1, as [`Spec::to_json`] writes it (UTF-8, `\n` line ends, two
//! spaces of indent; an object or array that fits in 96 columns, and an
//! array of strings and numbers, is on one line, otherwise each member is
//! on a line of its own):
//!
//! ```json
//! {
//!   "format": "netwire-spec",
//!   "version": 1,
//!   "protocol": "chat",
//!   "config": {"length_width": 4, "tag_width": 1, "limit": 16777216, "depth": 128},
//!   "framing": {"kind": "length_prefix", "width": 4, "includes_header": false},
//!   "messages": ["Msg"],
//!   "types": {
//!     "Msg": {
//!       "kind": "enum",
//!       "tag_width": 1,
//!       "tag_table": false,
//!       "variants": [
//!         {"name": "Ping", "tag": 0, "kind": "newtype", "type": "u32"},
//!         {
//!           "name": "Chat",
//!           "tag": 1,
//!           "kind": "struct",
//!           "fields": [{"name": "room", "type": "u16"}, {"name": "text", "type": "str"}]
//!         },
//!         {"name": "Bye", "tag": 2, "kind": "unit"}
//!       ]
//!     }
//!   }
//! }
//! ```
//!
//! - `config`: the widths in bytes of length prefixes (1, 2, 4, 8) and of
//!   enum tags (1, 2, 4), the byte limit and the depth limit of one
//!   message.
//! - `framing`: `{"kind": "self_delimited"}`, `{"kind": "length_prefix",
//!   "width": 1|2|4|8, "includes_header": bool}` or `{"kind":
//!   "ascii_digits", "digits": n}` (see [`Framing`]).
//! - `preamble` (only in a document of version 2, which has it): the
//!   struct or enum read once at the start of each direction of a stream,
//!   before the first frame ([`Spec::preamble`]). A spec without one
//!   writes version 1, as before.
//! - `messages`: the message types in the order traced; the first is the
//!   one the framing carries.
//! - `types`: every struct and enum, by name, sorted. A struct has a
//!   `kind` of `unit`, `newtype` (with its `type`), `tuple` (with
//!   `fields`, a list of types) or `struct` (with `fields`, a list of
//!   `{"name", "type"}` in wire order). An enum is `{"kind": "enum",
//!   "tag_width", "tag_table", "variants"}`: `tag_table` says the tags come
//!   from a [`net::EnumTags`](crate::net::EnumTags) table instead of being
//!   the variants' indices; each variant has its `name`, its `tag` on the
//!   wire and its fields as a struct has them.
//! - A type is a string for `bool`, `u8` … `u128`, `i8` … `i128`, `f32`,
//!   `f64`, `char`, `str`, `bytes` (a byte string) and `unit`, or an
//!   object: `{"option": T}`, `{"seq": T}`, `{"map": {"key": K, "value":
//!   V}}`, `{"tuple": [T, ...]}` (tuples and arrays), `{"type": "Name"}` (a
//!   struct or enum of `types`) and `{"with": "len_u8", "of": T}` for a
//!   field under an adapter of [`crate::with`] (`len_u8`, `len_u16`,
//!   `len_u32`, `len_u64`, `len_i16`, `len_i32`, `nullable_i16`,
//!   `nullable_i32`, `cstr`, `rest`, `nul_terminated`, `empty_as_none`).
//!
//! Keys are written in the order above; a reader finds them by name. A
//! change of this format that an older reader would misread gets a new
//! `version`, which [`Spec::from_json`] refuses rather than guesses.

mod c;
mod diff;
mod dynamic;
mod json;
mod lock;
mod lua;
mod markdown;
mod names;
mod python;
mod trace;
mod vectors;

pub use diff::{Change, Effect, Verdict};
pub use dynamic::{Content, Value};
pub use lock::{LOCK_ENV, LockfileError, check_lockfile};

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::net::{Config, EnumTagging, LengthWidth, TagTable};
use trace::{Registry, Shape, Tagging};

/// A type that cannot be described: its name and the reason.
///
/// ```
/// use netwire::net::Config;
/// use netwire::spec::{Framing, Spec};
///
/// #[derive(serde::Deserialize)]
/// #[serde(untagged)]
/// enum Loose { A(u8), B(String) }
///
/// let err = Spec::new("p", Config::new(), Framing::SelfDelimited)
///     .message::<Loose>()
///     .unwrap_err();
/// assert_eq!(err.type_name(), "Loose");
/// assert!(err.to_string().contains("self-describing"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    type_name: String,
    reason: String,
}

impl SpecError {
    pub(crate) fn new(type_name: &str, reason: impl Into<String>) -> Self {
        SpecError {
            type_name: type_name.to_string(),
            reason: reason.into(),
        }
    }

    /// The type (as serde names it) that cannot be described.
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// Why.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot describe `{}`: {}", self.type_name, self.reason)
    }
}

impl std::error::Error for SpecError {}

/// How messages are delimited on a stream, as the spec describes it (the
/// frame types of [`crate::frame`] with these parameters).
///
/// ```
/// use netwire::net::LengthWidth;
/// use netwire::spec::Framing;
///
/// assert_eq!(
///     Framing::length_prefix_u32(),
///     Framing::LengthPrefix { width: LengthWidth::U32, includes_header: false },
/// );
/// assert_eq!(Framing::AsciiDigits(5).to_string(), "5 ASCII decimal digits, zero-padded, then the payload");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Framing {
    /// No frame: messages back to back, each one's end found by decoding
    /// it (`SelfDelimited`). Fields that run to the end of the message
    /// (`with::rest`, `with::empty_as_none`) cannot be decoded this way.
    SelfDelimited,
    /// A big-endian length of `width` bytes, then the payload
    /// ([`LengthPrefixed`](crate::frame::LengthPrefixed)); with
    /// `includes_header` the length counts its own bytes too
    /// (`length_includes_header(true)`).
    LengthPrefix {
        /// The length's width.
        width: LengthWidth,
        /// Whether the length counts the header.
        includes_header: bool,
    },
    /// The payload length as this many ASCII decimal digits, zero-padded,
    /// then the payload ([`AsciiLength::digits`](crate::frame::AsciiLength::digits)).
    AsciiDigits(usize),
    /// One message per datagram (UDP): the datagram's payload is the
    /// message, its end the datagram's end.
    Datagram,
}

impl Framing {
    /// A `u32` length, then the payload: `LengthPrefixed::u32()`.
    pub const fn length_prefix_u32() -> Self {
        Framing::LengthPrefix {
            width: LengthWidth::U32,
            includes_header: false,
        }
    }
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Framing::SelfDelimited => f.write_str("none: messages back to back"),
            Framing::LengthPrefix {
                width,
                includes_header,
            } => {
                write!(f, "a {}-byte big-endian length", width.size())?;
                if *includes_header {
                    f.write_str(" (counting its own bytes)")?;
                }
                f.write_str(", then the payload")
            }
            Framing::AsciiDigits(d) => {
                write!(f, "{d} ASCII decimal digits, zero-padded, then the payload")
            }
            Framing::Datagram => f.write_str("one message per datagram"),
        }
    }
}

/// One traced message type.
#[derive(Debug, Clone)]
struct Message {
    name: String,
    examples: Vec<Vec<u8>>,
}

/// The description of a protocol: a [`net::Config`](crate::net::Config),
/// a [`Framing`], and the message types traced with
/// [`Spec::message`]. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct Spec {
    protocol: String,
    config: Config<TagTable>,
    config_text: String,
    framing: Framing,
    reg: Registry,
    messages: Vec<Message>,
    /// The type read once at the start of each direction, before the
    /// first frame ([`Spec::preamble`]).
    preamble: Option<String>,
}

/// "1 byte", "4 bytes".
fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

impl Spec {
    /// A spec for the protocol `protocol` (a C and Lua identifier prefix:
    /// letters, digits and `_`), encoded with `config` and framed with
    /// `framing`.
    pub fn new<G: EnumTagging>(protocol: &str, config: Config<G>, framing: Framing) -> Self {
        let config_text = format!(
            "length prefixes {}, enum tags {}, limit {} bytes, depth {}{}",
            bytes(config.length_width().size()),
            bytes(config.tag_width().size()),
            config.limit(),
            config.depth(),
            if config.enum_tags().is_empty() {
                String::new()
            } else {
                let names: Vec<_> = config.enum_tags().iter().map(|t| t.name()).collect();
                format!(", tag tables for {}", names.join(", "))
            }
        );
        let all = Config::new()
            .with_length_width(config.length_width())
            .with_tag_width(config.tag_width())
            .with_limit(config.limit())
            .with_depth(config.depth())
            .with_enum_tags(config.enum_tags());
        let protocol: String = protocol
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        Spec {
            protocol,
            config: all,
            config_text,
            framing,
            reg: Registry::default(),
            messages: Vec::new(),
            preamble: None,
        }
    }

    /// Traces the message type `T` (a struct or enum) and the types in it.
    /// The first one traced is the protocol's message: the one the
    /// framing carries and the dissector shows.
    ///
    /// # Errors
    /// [`SpecError`] when `T`, or a type in it, cannot be described.
    pub fn message<'de, T: Deserialize<'de>>(mut self) -> Result<Self, SpecError> {
        let name = self.trace_named::<T>()?;
        if !self.messages.iter().any(|m| m.name == name) {
            self.messages.push(Message {
                name,
                examples: Vec::new(),
            });
        }
        Ok(self)
    }

    /// Traces `H` (a struct or enum) as the stream's preamble: one value
    /// of `H`, unframed and self-delimited, at the start of each direction,
    /// before the first frame — a handshake such as BitTorrent's 68 bytes
    /// or PostgreSQL's startup message. Every output honours it: the
    /// Markdown describes it, Python's `MessageSocket` has
    /// `send_preamble`/`recv_preamble`, the C header's framing helpers say
    /// to decode it first, and the dissector shows it at the start of each
    /// direction of a TCP stream.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Hello { version: u16, peer: [u8; 4] }
    /// #[derive(serde::Deserialize)]
    /// enum Msg { Ping(u32), Bye }
    ///
    /// let spec = Spec::new("p2p", Config::new(), Framing::length_prefix_u32())
    ///     .preamble::<Hello>()?
    ///     .message::<Msg>()?;
    /// assert!(spec.markdown().contains("## Preamble"));
    /// assert!(spec.python().contains("PREAMBLE = Hello\n"));
    /// assert!(spec.to_json().contains("\"preamble\": \"Hello\""));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    ///
    /// # Errors
    /// [`SpecError`] when `H` cannot be described, is not a struct or
    /// enum, a preamble was given already, or the framing is
    /// [`Framing::Datagram`] (a datagram has no stream to start).
    pub fn preamble<'de, H: Deserialize<'de>>(mut self) -> Result<Self, SpecError> {
        let full = std::any::type_name::<H>();
        if self.framing == Framing::Datagram {
            return Err(SpecError::new(
                full,
                "a preamble starts a stream; datagrams have none",
            ));
        }
        if let Some(p) = &self.preamble {
            return Err(SpecError::new(
                full,
                format!("the spec's preamble is `{p}` already"),
            ));
        }
        self.preamble = Some(self.trace_named::<H>()?);
        Ok(self)
    }

    /// Traces `T`, which must be a struct or an enum, and gives its name.
    fn trace_named<'de, T: Deserialize<'de>>(&mut self) -> Result<String, SpecError> {
        let path = std::any::type_name::<T>();
        let head = path.split('<').next().unwrap_or(path);
        let full = &path[head.rfind("::").map_or(0, |i| i + 2)..];
        let tagging = Tagging {
            tag_width: self.config.tag_width().size(),
            tables: self
                .config
                .enum_tags()
                .iter()
                .map(|t| (t.name().to_string(), t.width().size(), t.tags().collect()))
                .collect(),
        };
        let shape = trace::trace::<T>(&mut self.reg, &tagging, full)?;
        let Shape::Named(name) = shape else {
            return Err(SpecError::new(
                full,
                "a message type must be a struct or an enum (wrap it in one)",
            ));
        };
        Ok(name)
    }

    /// Adds `value`, encoded with the spec's config, as an example of the
    /// message type traced last (shown byte by byte in [`Spec::markdown`]).
    ///
    /// # Errors
    /// [`SpecError`] when no type was traced yet or `value` cannot be
    /// encoded.
    pub fn example<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Self, SpecError> {
        if let Some(name) = self.tables_missing() {
            return Err(SpecError::new(
                name,
                "its tag table is in the spec's document, not in its config: \
                 a spec read with from_json cannot encode examples",
            ));
        }
        let bytes = self.config.to_vec(value);
        let Some(last) = self.messages.last_mut() else {
            return Err(SpecError::new(
                std::any::type_name::<T>(),
                "an example needs a message type traced first",
            ));
        };
        let bytes = bytes.map_err(|e| SpecError::new(&last.name, format!("the example: {e}")))?;
        last.examples.push(bytes);
        Ok(self)
    }

    /// The name of the protocol (a C identifier).
    pub fn protocol(&self) -> &str {
        &self.protocol
    }

    /// The header line every generated file starts with.
    fn header(&self) -> String {
        let mut h = format!(
            "Generated by netwire {} (netwire::spec) for protocol `{}`. Do not edit.\n\
             net::Config: {}.\nFraming: {}.",
            env!("CARGO_PKG_VERSION"),
            self.protocol,
            self.config_text,
            self.framing
        );
        if let Some(p) = &self.preamble {
            h.push_str(&format!(
                "\nPreamble: one `{p}` at the start of each direction."
            ));
        }
        h
    }

    /// The preamble's type, when the stream starts with one
    /// ([`Spec::preamble`]).
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Hello { version: u16 }
    ///
    /// let spec = Spec::new("p", Config::new(), Framing::SelfDelimited);
    /// assert_eq!(spec.preamble_type(), None);
    /// assert_eq!(spec.preamble::<Hello>()?.preamble_type(), Some("Hello"));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    pub fn preamble_type(&self) -> Option<&str> {
        self.preamble.as_deref()
    }

    /// The message types, in the order traced.
    fn message_names(&self) -> Vec<&str> {
        self.messages.iter().map(|m| m.name.as_str()).collect()
    }
}
