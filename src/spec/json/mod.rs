//! The layout as data: [`Spec::to_json`], [`Spec::from_json`] and the
//! wire form behind [`Spec::fingerprint`]. The format is described in the
//! module docs of [`crate::spec`] ("The JSON document").
//!
//! `tree` holds the document's types (a JSON value that keeps its keys in
//! order, written one short item per line) and the names it gives
//! primitives and adapters; `write` turns a spec into that tree; `read`
//! turns a tree back into a spec, refusing what `net` cannot lay out, with
//! `check` for the checks over the whole registry; `wire` writes the wire
//! form and hashes it into the fingerprint.

mod check;
mod read;
mod tree;
mod wire;
mod write;

use super::{Framing, Spec, SpecError};
use read::read_doc;
use tree::J;
use wire::{fnv1a64, wire_form};

/// The `version` this crate writes and reads.
const VERSION: u64 = 1;
/// The version of a document with a preamble: a reader of version 1
/// would skip the key and misread the stream, so it refuses instead.
const VERSION_PREAMBLE: u64 = 2;

/// The value of the `format` key.
const FORMAT: &str = "netwire-spec";

impl Spec {
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
