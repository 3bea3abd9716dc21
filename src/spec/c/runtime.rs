//! What every header holds before its types: the include guard, the
//! error codes and limits, the view, sequence, error and state types, the
//! big-endian readers and writers, and the helpers the decoders and
//! encoders call (bounds, levels, budget, UTF-8, error names).

use std::fmt::Write as _;

use super::arena::ARENA_RUNTIME;
use crate::spec::Spec;

impl Spec {
    /// The header from its include guard to the helpers; `recursive`: it
    /// has recursive types (and so an arena).
    pub(super) fn c_runtime(&self, recursive: bool) -> String {
        let p = &self.protocol;
        let big = p.to_uppercase();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "#ifndef {big}_NETWIRE_H\n#define {big}_NETWIRE_H\n\n#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n"
        );
        let _ = writeln!(
            out,
            "#define {big}_ESHORT (-1L) /* UnexpectedEnd: input (or output) too short */\n\
             #define {big}_EINVAL (-2L) /* a value this protocol cannot carry (encoding) */\n\
             #define {big}_EBOOL (-3L) /* InvalidBool */\n\
             #define {big}_EOPTION (-4L) /* InvalidOption */\n\
             #define {big}_ETAG (-5L) /* TagOutOfRange */\n\
             #define {big}_EUTF8 (-6L) /* InvalidUtf8 */\n\
             #define {big}_ENEGATIVE (-7L) /* NegativeLength */\n\
             #define {big}_ELIMIT (-8L) /* LengthOverLimit */\n\
             #define {big}_EDEPTH (-9L) /* DepthLimit */\n\
             #define {big}_ETRAILING (-10L) /* TrailingBytes */\n\
             #define {big}_ECHAR (-11L) /* InvalidChar */\n\
             #define {big}_EEMPTY (-12L) /* EmptyMessage: an element of no bytes before the end mark */\n\
             #define {big}_LIMIT UINT64_C({}) /* the most bytes of one message */\n\
             #define {big}_DEPTH {}u /* the most nested levels */\n",
            self.config.limit(),
            self.config.depth()
        );
        if recursive {
            let _ = writeln!(
                out,
                "#define {big}_EARENA (-13L) /* ArenaFull: the caller's arena is full (a C limit, not one of netwire's kinds) */\n"
            );
        }
        let _ = writeln!(
            out,
            "#define {big}_FINGERPRINT UINT64_C(0x{:016x}) /* the layout's fingerprint (Spec::fingerprint) */\n",
            self.fingerprint()
        );
        let _ = writeln!(
            out,
            "/** Bytes borrowed from a buffer: a string, byte string or the elements of a sequence (`len` counts elements). */\n\
             typedef struct {{ const uint8_t *ptr; size_t len; }} {p}_view;\n\n\
             /** The elements of a sequence of variable-size elements, or the entries of a map, borrowed from a buffer: `len` counts them, `size` is their bytes on the wire (decode each with its type's decoder). */\n\
             typedef struct {{ const uint8_t *ptr; size_t len; size_t size; }} {p}_seq;\n\n\
             /** Why a decoder failed: one of the negative codes above, and the byte offset. */\n\
             typedef struct {{ long code; size_t offset; }} {p}_error;\n\n{}\
             /** A decoder's state: the error, the levels and elements left, whether the input was cut at the limit{}. */\n\
             typedef struct {{ {p}_error *err; size_t depth; uint64_t elements; bool cut;{} }} {p}_state;\n",
            if recursive {
                format!(
                    "/** Memory the decoders take the nodes of recursive values from: `mem`, `cap` bytes of it, the first `used` of them taken. Set `used` back (to 0, or to what it was before a decode, which may have failed) to free the nodes taken since at once. */\n\
                     typedef struct {{ uint8_t *mem; size_t cap; size_t used; }} {p}_arena;\n\n\
                     typedef union {{ uint64_t u; double d; void *p; size_t s; }} {p}_max_align;\n\
                     typedef struct {{ char c; {p}_max_align a; }} {p}_align_probe;\n\
                     /** The alignment of every node. */\n\
                     #define {big}_ALIGN offsetof({p}_align_probe, a)\n\n"
                )
            } else {
                String::new()
            },
            if recursive { ", the arena" } else { "" },
            if recursive {
                format!(" {p}_arena *arena;")
            } else {
                String::new()
            },
        );
        for n in [16, 32, 64] {
            let bytes = n / 8;
            let rd: Vec<_> = (0..bytes)
                .map(|i| format!("(uint{n}_t)b[{i}] << {}", 8 * (bytes - 1 - i)))
                .collect();
            let _ = writeln!(
                out,
                "static inline uint{n}_t {p}_rd{n}(const uint8_t *b) {{ return {}; }}",
                rd.join(" | ")
            );
            let wr: Vec<_> = (0..bytes)
                .map(|i| format!("b[{i}] = (uint8_t)(v >> {});", 8 * (bytes - 1 - i)))
                .collect();
            let _ = writeln!(
                out,
                "static inline void {p}_wr{n}(uint8_t *b, uint{n}_t v) {{ {} }}",
                wr.join(" ")
            );
        }
        let _ = writeln!(
            out,
            "static inline uint8_t {p}_rd8(const uint8_t *b) {{ return b[0]; }}\nstatic inline void {p}_wr8(uint8_t *b, uint8_t v) {{ b[0] = v; }}\n"
        );
        let mut runtime = RUNTIME.to_string();
        if recursive {
            runtime = runtime.replace(
                "    default: return \"Invalid\";",
                "    case P_EARENA: return \"ArenaFull\";\n    default: return \"Invalid\";",
            );
            runtime.push_str(ARENA_RUNTIME);
            runtime.push('\n');
        }
        out.push_str(
            &runtime
                .replace("P_", &format!("{big}_"))
                .replace("p_", &format!("{p}_")),
        );
        out
    }
}

/// The header's helpers (`p_`/`P_` become the protocol's prefix).
pub(super) const RUNTIME: &str = r#"static inline long p_fail(p_state *st, long code, size_t at) { st->err->code = code; st->err->offset = at; return code; }
/* The input ends before `end`: past the limit, or just short. */
static inline long p_short(p_state *st, size_t at, uint64_t end) { return p_fail(st, end > P_LIMIT ? P_ELIMIT : P_ESHORT, at); }
static inline uint64_t p_end(size_t p, uint64_t count) { return count > UINT64_MAX - p ? UINT64_MAX : (uint64_t)p + count; }
static inline long p_enter(p_state *st, size_t at) { if (st->depth == 0) return p_fail(st, P_EDEPTH, at); st->depth--; return 0; }
static inline long p_charge(p_state *st, uint64_t n, size_t at) { if (n > st->elements) return p_fail(st, P_ELIMIT, at); st->elements -= n; return 0; }
/* An encoder's level: none left is P_EDEPTH, as the decoder would say. */
static inline long p_enc_depth(size_t *depth) { if (*depth == 0) return P_EDEPTH; (*depth)--; return 0; }
/* Whether the `n` bytes at `s` are UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static inline bool p_utf8(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        size_t w;
        uint8_t lo = 0x80, hi = 0xBF;
        if (b < 0x80) { i++; continue; }
        else if (b >= 0xC2 && b <= 0xDF) w = 2;
        else if (b >= 0xE0 && b <= 0xEF) { w = 3; if (b == 0xE0) lo = 0xA0; if (b == 0xED) hi = 0x9F; }
        else if (b >= 0xF0 && b <= 0xF4) { w = 4; if (b == 0xF0) lo = 0x90; if (b == 0xF4) hi = 0x8F; }
        else return false;
        if (n - i < w) return false;
        if (s[i + 1] < lo || s[i + 1] > hi) return false;
        for (size_t k = 2; k < w; k++) if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
        i += w;
    }
    return true;
}
/* The width of the UTF-8 sequence a byte starts (0: none does). */
static inline size_t p_char_width(uint8_t b) {
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) return 2;
    if (b >= 0xE0 && b <= 0xEF) return 3;
    if (b >= 0xF0 && b <= 0xF4) return 4;
    return 0;
}
/* The code point of the checked UTF-8 sequence of `w` bytes at `s`. */
static inline uint32_t p_char_value(const uint8_t *s, size_t w) {
    uint32_t c = w == 1 ? s[0] : w == 2 ? (uint32_t)(s[0] & 0x1F) : w == 3 ? (uint32_t)(s[0] & 0x0F) : (uint32_t)(s[0] & 0x07);
    for (size_t i = 1; i < w; i++) c = c << 6 | (uint32_t)(s[i] & 0x3F);
    return c;
}
/* Writes the UTF-8 of `c` to `o`; its width, or 0 when `c` is no Unicode scalar value. */
static inline size_t p_char_put(uint32_t c, uint8_t *o) {
    if (c < 0x80) { o[0] = (uint8_t)c; return 1; }
    if (c < 0x800) { o[0] = (uint8_t)(0xC0 | c >> 6); o[1] = (uint8_t)(0x80 | (c & 0x3F)); return 2; }
    if (c >= 0xD800 && c <= 0xDFFF) return 0;
    if (c < 0x10000) { o[0] = (uint8_t)(0xE0 | c >> 12); o[1] = (uint8_t)(0x80 | (c >> 6 & 0x3F)); o[2] = (uint8_t)(0x80 | (c & 0x3F)); return 3; }
    if (c > 0x10FFFF) return 0;
    o[0] = (uint8_t)(0xF0 | c >> 18); o[1] = (uint8_t)(0x80 | (c >> 12 & 0x3F)); o[2] = (uint8_t)(0x80 | (c >> 6 & 0x3F)); o[3] = (uint8_t)(0x80 | (c & 0x3F));
    return 4;
}
/** The name of netwire's `ErrorKind` for an error code. */
static inline const char *p_error_name(long code) {
    switch (code) {
    case P_ESHORT: return "UnexpectedEnd";
    case P_EBOOL: return "InvalidBool";
    case P_EOPTION: return "InvalidOption";
    case P_ETAG: return "TagOutOfRange";
    case P_EUTF8: return "InvalidUtf8";
    case P_ENEGATIVE: return "NegativeLength";
    case P_ELIMIT: return "LengthOverLimit";
    case P_EDEPTH: return "DepthLimit";
    case P_ETRAILING: return "TrailingBytes";
    case P_ECHAR: return "InvalidChar";
    case P_EEMPTY: return "EmptyMessage";
    default: return "Invalid";
    }
}

"#;
