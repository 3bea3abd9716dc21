//! The C99 header.
//!
//! Decoders mirror the Python runtime's reader step by step, so that an
//! error has the kind and offset netwire gives: every item checks its own
//! bytes at its own offset, lengths are charged to the message's element
//! budget, and each nested level counts against the depth limit.
//! Encoders count the levels the same way. Recursive types hold pointers
//! to nodes taken from an arena the caller gives (the header allocates
//! nothing); a full arena is the header's own error, none of netwire's.
//!
//! `naming` gives every type, variant and field its C name; `support`
//! holds the generator's state and finds which types have a C form;
//! `arena` finds the recursive types and what they need; `runtime` is the
//! fixed part of every header; `types` lays out each type, with `decl`
//! for its C declaration, `dec` for its decoders and `enc` for its
//! encoders; `framing` writes the frame helpers.

mod arena;
mod dec;
mod decl;
mod enc;
mod framing;
mod naming;
mod runtime;
mod support;
mod types;

use std::fmt::Write as _;

use super::Spec;
use super::names::comment;
use super::trace::Shape;
use support::Gen;

impl Spec {
    /// A C99 header (one file, `static inline`, no allocation) with a
    /// struct, `<protocol>_<Type>_decode(in, len, &value)` and
    /// `<protocol>_<Type>_encode(&value, out, cap)` for every type it
    /// can describe: numbers (128-bit ones as 16 big-endian bytes), bools,
    /// floats, `char` (a `uint32_t` code point), tuples and
    /// arrays, structs, enums (a `tag` and a union of the variants'
    /// fields), options, and views (`ptr`, `len`) borrowing from the input
    /// for strings, byte strings and sequences of fixed-size elements (a
    /// sequence's view holds its elements' wire bytes; `len` counts
    /// elements), a `<protocol>_seq` (`ptr`, `len`, `size`: the count and
    /// the wire bytes, every element checked by the decoder) for maps and
    /// sequences of variable-size elements, and the adapters `len_*`,
    /// `nullable_*` (a `present` flag and a view), `cstr`, `rest`,
    /// `nul_terminated` (a `<protocol>_seq` without its end mark) and
    /// `empty_as_none` (a `present` flag: not at the message's end). Numbers are assembled with
    /// explicit shifts; strings are checked to be UTF-8.
    ///
    /// Decoders return the bytes used, encoders the bytes written, or a
    /// negative error; `<protocol>_<Type>_decode_at(in, len, &value, &err)`
    /// also fills a `<protocol>_error` with the error's code and byte
    /// offset, as netwire's `Error::kind` and `Error::offset` give them
    /// (`<protocol>_error_name(code)` is the `ErrorKind` variant's name).
    /// Decoders keep netwire's limit (`<PROTOCOL>_LIMIT` bytes, as many
    /// sequence elements) and depth limit (`<PROTOCOL>_DEPTH`). A field
    /// that runs to the end of the message (`with::rest`) ends at `len`.
    /// `<protocol>_message` and its `_decode`, `_decode_at` and `_encode`
    /// name the protocol's message type. For a length, ASCII-digit or
    /// datagram framing, `<protocol>_frame_header(n, out, cap)` writes a
    /// frame header and `<protocol>_unframe(in, len, &payload, &n)` finds
    /// the first frame (0: more input needed). A stream with a preamble
    /// ([`Spec::preamble`]) starts with it, in each direction, before the
    /// first frame: `<protocol>_preamble` and its `_decode_at`, `_decode`
    /// and `_encode` name its type.
    ///
    /// Recursive types are carried without allocating: a field whose type
    /// can hold the field's own type is a pointer (`NULL` for an option's
    /// `None`) to a node the decoder takes from a caller's arena
    /// (`<protocol>_arena`: `mem`, `cap`, `used`; nodes aligned to
    /// `<PROTOCOL>_ALIGN`), so the decoders of every type that can hold
    /// one take `<protocol>_arena *arena` before `err`. A full arena is
    /// `<PROTOCOL>_EARENA` (`"ArenaFull"`: the arena's own limit, none of
    /// netwire's kinds) at the offset of the value that did not fit;
    /// when every node has a byte of its own (an enum's tag, an option's
    /// flag) `<PROTOCOL>_ARENA_SIZE(len)` bytes always suffice for a
    /// message of `len` bytes. A sequence of a recursive type stays a
    /// `<protocol>_seq` (its elements checked, their nodes given back).
    /// Decoding recurses at most `<PROTOCOL>_DEPTH` levels deep; encoders
    /// count the levels as the decoder does and refuse a value nested
    /// deeper (a cycle of pointers included) with `<PROTOCOL>_EDEPTH`.
    ///
    /// The types left out (with a shape the header has no form for) are
    /// listed at the top with the reason.
    ///
    /// ```
    /// use netwire::net::Config;
    /// use netwire::spec::{Framing, Spec};
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Point { x: i32, y: i32 }
    ///
    /// let h = Spec::new("geo", Config::new(), Framing::SelfDelimited)
    ///     .message::<Point>()?
    ///     .c_header();
    /// assert!(h.contains("static inline long geo_Point_decode(const uint8_t *in, size_t len, geo_Point *out)"));
    /// assert!(h.contains("#define GEO_POINT_SIZE 8"));
    ///
    /// #[derive(serde::Deserialize)]
    /// enum Expr { Num(i64), Neg(Box<Expr>), Add(Box<Expr>, Box<Expr>) }
    ///
    /// let h = Spec::new("calc", Config::new(), Framing::SelfDelimited)
    ///     .message::<Expr>()?
    ///     .c_header();
    /// assert!(h.contains("struct { calc_Expr *_0; calc_Expr *_1; } Add;"));
    /// assert!(h.contains("calc_Expr_decode_at(const uint8_t *in, size_t len, calc_Expr *out, calc_arena *arena, calc_error *err)"));
    /// # Ok::<(), netwire::spec::SpecError>(())
    /// ```
    pub fn c_header(&self) -> String {
        let p = self.protocol.clone();
        let big = p.to_uppercase();
        let mut g = Gen::new(self);
        for n in self.reg.containers.keys() {
            let _ = g.supported(&Shape::Named(n.clone()), &mut Vec::new());
        }
        g.recursion();
        let recursive = !g.rec.is_empty();
        let mut out = String::from("/*\n");
        for line in self.header().lines() {
            let _ = writeln!(out, " * {}", comment(line));
        }
        out.push_str(" *\n * Decoders return the bytes used and encoders the bytes written, or a\n * negative error. Views borrow from the decoded buffer.\n");
        if g.why.is_empty() {
            out.push_str(" * Every type of the protocol is here.\n");
        } else {
            out.push_str(" *\n * Left out (no C form):\n");
            for (n, why) in &g.why {
                let _ = writeln!(out, " *   {}: holds {}", comment(n), comment(why));
            }
        }
        if recursive {
            g.arena_comment(&mut out);
        }
        out.push_str(" */\n");
        out.push_str(&self.c_runtime(recursive));
        g.types(&mut out);
        if recursive {
            g.arena_sizes(&mut out);
        }
        if let Some(first) = self.message_names().first()
            && g.ok.get(*first).copied().unwrap_or(false)
        {
            let doc = format!("The protocol's message: `{}`.", comment(first));
            alias(&g, first, "message", &doc, &mut out);
        }
        if let Some(pre) = &self.preamble {
            if g.ok.get(pre).copied().unwrap_or(false) {
                let doc = format!(
                    "The preamble: one `{}` at the start of each direction of a stream, before the first frame; decode it with `{p}_preamble_decode_at` (its end is found by decoding it), then unframe the messages after it.",
                    comment(pre)
                );
                alias(&g, pre, "preamble", &doc, &mut out);
            } else {
                let _ = writeln!(
                    out,
                    "/* The preamble: one `{}` at the start of each direction of a stream, before the first frame (left out of this header: see above). */\n",
                    comment(pre)
                );
            }
        }
        out.push_str(&self.c_framing());
        let _ = writeln!(out, "#endif /* {big}_NETWIRE_H */");
        out
    }
}

/// `<p>_<name>`, another name of the type `n`, and its `_decode_at`,
/// `_decode` and `_encode`; `doc` is its comment.
fn alias(g: &Gen, n: &str, name: &str, doc: &str, out: &mut String) {
    let p = &g.p;
    let ty = format!("{p}_{}", g.names.ty(n));
    // The arena parameter and argument of the type's decoders.
    let (ap, aa) = if g.arena.contains(n) {
        (format!(" {p}_arena *arena,"), " arena,")
    } else {
        (String::new(), "")
    };
    let (dp, da) = (ap.trim_end_matches(','), aa.trim_end_matches(','));
    let (dp, da) = if dp.is_empty() {
        (String::new(), String::new())
    } else {
        (format!(",{dp}"), format!(",{da}"))
    };
    let a = format!("{p}_{name}");
    let _ = writeln!(
        out,
        "/** {doc} */\ntypedef {ty} {a};\n\
         static inline long {a}_decode_at(const uint8_t *in, size_t len, {a} *out,{ap} {p}_error *err) {{ return {ty}_decode_at(in, len, out,{aa} err); }}\n\
         static inline long {a}_decode(const uint8_t *in, size_t len, {a} *out{dp}) {{ return {ty}_decode(in, len, out{da}); }}\n\
         static inline long {a}_encode(const {a} *v, uint8_t *out, size_t cap) {{ return {ty}_encode(v, out, cap); }}\n"
    );
}

#[cfg(test)]
mod tests {
    use crate::net::Config;
    use crate::spec::{Framing, Spec};

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Arena {
        x: u8,
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    enum List {
        Nil,
        Cons(u8, Box<List>),
    }

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Both {
        a: Arena,
        l: List,
    }

    fn header<T: serde::de::DeserializeOwned>() -> String {
        Spec::new("p", Config::new(), Framing::Datagram)
            .message::<T>()
            .expect("traces")
            .c_header()
    }

    /// A header without recursive types declares no arena, so a type
    /// keeps a name the arena would take; with one, the arena's names win.
    #[test]
    fn arena_names_are_taken_only_by_headers_with_recursive_types() {
        let h = header::<Arena>();
        assert!(h.contains("} p_Arena;"), "{h}");
        assert!(h.contains("#define P_ARENA_SIZE 1"), "{h}");
        assert!(!h.contains("p_arena"), "{h}");
        let h = header::<Both>();
        assert!(h.contains("} p_Arena_2;"), "{h}");
        assert!(h.contains("#define P_ARENA_2_SIZE 1"), "{h}");
        assert!(h.contains("#define P_ARENA_SIZE(len)"), "{h}");
        assert!(
            h.contains("struct { uint8_t _0; p_List *_1; } Cons;"),
            "{h}"
        );
        // `Both` holds a `List`: its decoders take the arena too.
        assert!(
            h.contains("p_Both_decode(const uint8_t *in, size_t len, p_Both *out, p_arena *arena)"),
            "{h}"
        );
        assert!(
            h.contains("p_Arena_2_decode(const uint8_t *in, size_t len, p_Arena_2 *out) {"),
            "{h}"
        );
    }
}
