//! The framing helpers: `<p>_frame_header` writes a frame header and
//! `<p>_unframe` finds the first frame, for a length prefix, ASCII digits
//! or datagrams.

use std::fmt::Write as _;

use crate::spec::{Framing, Spec};

impl Spec {
    /// `<p>_frame_header` and `<p>_unframe` for the framing (none for a
    /// self-delimited stream, where decoding finds each message's end).
    pub(super) fn c_framing(&self) -> String {
        let p = &self.protocol;
        let big = p.to_uppercase();
        let (head, write, read) = match self.framing {
            Framing::SelfDelimited => return String::new(),
            Framing::Datagram => (0, String::new(), "    n = (uint64_t)len;\n".to_string()),
            Framing::LengthPrefix {
                width,
                includes_header,
            } => {
                let w = width.size();
                let adj = if includes_header { w } else { 0 };
                let max = if w == 8 {
                    "UINT64_MAX".to_string()
                } else {
                    format!("UINT64_C({})", (1u64 << (8 * w)) - 1)
                };
                let mut write = if w == 8 {
                    format!("    v = (uint64_t)n + {adj};\n")
                } else {
                    format!(
                        "    if ((uint64_t)n > {max} - {adj}) return {big}_ELIMIT;\n    v = (uint64_t)n + {adj};\n"
                    )
                };
                for i in 0..w {
                    let _ = writeln!(write, "    out[{i}] = (uint8_t)(v >> {});", 8 * (w - 1 - i));
                }
                let mut read = String::from("    n = 0;\n");
                for i in 0..w {
                    let _ = writeln!(read, "    n = n << 8 | in[{i}];");
                }
                if adj > 0 {
                    let _ = writeln!(
                        read,
                        "    if (n < {adj}) return {big}_ELIMIT;\n    n -= {adj};"
                    );
                }
                (w, write, read)
            }
            Framing::AsciiDigits(d) => {
                let write = format!(
                    "    v = (uint64_t)n;\n    for (size_t i = {d}; i > 0; i--) {{ out[i - 1] = (uint8_t)('0' + v % 10); v /= 10; }}\n    if (v != 0) return {big}_ELIMIT;\n"
                );
                let read = format!(
                    "    n = 0;\n    for (size_t i = 0; i < {d}; i++) {{\n        if (in[i] < '0' || in[i] > '9') return {big}_EINVAL;\n        n = n * 10 + (uint64_t)(in[i] - '0');\n    }}\n"
                );
                (d, write, read)
            }
        };
        let (cap_check, len_check) = if head == 0 {
            (String::new(), String::new())
        } else {
            (
                format!("    if (cap < {head}) return {big}_ESHORT;\n"),
                format!("    if (len < {head}) return 0;\n"),
            )
        };
        format!(
            "/** Writes the frame header of a payload of `n` bytes to `out`; returns its size ({head}) or a negative error. */\n\
             static inline long {p}_frame_header(size_t n, uint8_t *out, size_t cap) {{\n    uint64_t v = 0;\n    (void)v; (void)out;\n\
             \x20   (void)cap;\n    if ((uint64_t)n > {big}_LIMIT) return {big}_ELIMIT;\n{cap_check}{write}    return {head};\n}}\n\n\
             /** Finds the first frame in `in`: sets `*payload` and `*payload_len`, returns the bytes the frame takes, 0 when more input is needed, or a negative error ({big}_ELIMIT: over the limit; the stream cannot be followed). */\n\
             static inline long {p}_unframe(const uint8_t *in, size_t len, const uint8_t **payload, size_t *payload_len) {{\n    uint64_t n;\n\
             {len_check}{read}\
             \x20   if (n > {big}_LIMIT) return {big}_ELIMIT;\n    if (len - {head} < n) return 0;\n\
             \x20   *payload = in + {head};\n    *payload_len = (size_t)n;\n    return (long)({head} + n);\n}}\n\n"
        )
    }
}
