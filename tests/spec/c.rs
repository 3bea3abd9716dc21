//! The C header compiled by gcc (with ASan and UBSan), round-tripping
//! vectors netwire encodes; every truncation must be refused.

use std::fmt::Write as _;

use netwire::net::Config;
use netwire::spec::{Framing, Spec};
use quickcheck::{Arbitrary, Gen};
use serde::{Deserialize, Serialize};

use crate::{have, hex, scratch};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Header {
    kind: u8,
    flags: u16,
    len: u32,
    big: u64,
    neg: i16,
    n32: i32,
    n64: i64,
    n8: i8,
    ratio: f64,
    small: f32,
    ok: bool,
    mac: [u8; 6],
    pt: (i32, u16),
    opt: Option<u16>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Packet {
    Ping,
    Data {
        id: u32,
        #[serde(with = "netwire::with::len_u16")]
        payload: Vec<u8>,
        name: String,
        hdr: Header,
    },
    Points(Vec<(i16, i16)>),
    Name(#[serde(with = "netwire::with::cstr")] String),
    Raw(#[serde(with = "serde_bytes")] Vec<u8>),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Tail {
    id: u16,
    #[serde(with = "netwire::with::rest")]
    items: Vec<(u8, u32)>,
}

/// A type with no C form: listed, not generated.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Wide {
    c: char,
    x: u128,
}

impl Arbitrary for Header {
    fn arbitrary(g: &mut Gen) -> Self {
        Header {
            kind: Arbitrary::arbitrary(g),
            flags: Arbitrary::arbitrary(g),
            len: Arbitrary::arbitrary(g),
            big: Arbitrary::arbitrary(g),
            neg: Arbitrary::arbitrary(g),
            n32: Arbitrary::arbitrary(g),
            n64: Arbitrary::arbitrary(g),
            n8: Arbitrary::arbitrary(g),
            ratio: Arbitrary::arbitrary(g),
            small: Arbitrary::arbitrary(g),
            ok: Arbitrary::arbitrary(g),
            mac: [1, 2, 3, 4, 5, u8::arbitrary(g)],
            pt: Arbitrary::arbitrary(g),
            opt: Arbitrary::arbitrary(g),
        }
    }
}

impl Arbitrary for Packet {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 5 {
            0 => Packet::Ping,
            1 => Packet::Data {
                id: Arbitrary::arbitrary(g),
                payload: Arbitrary::arbitrary(g),
                name: Arbitrary::arbitrary(g),
                hdr: Arbitrary::arbitrary(g),
            },
            2 => Packet::Points(Arbitrary::arbitrary(g)),
            3 => Packet::Name(String::arbitrary(g).replace('\0', "")),
            _ => Packet::Raw(Arbitrary::arbitrary(g)),
        }
    }
}

#[test]
fn c_header_round_trips_under_sanitizers() {
    if !have("gcc") {
        return;
    }
    let spec = Spec::new("nw", Config::new(), Framing::length_prefix_u32())
        .message::<Packet>()
        .and_then(|s| s.message::<Tail>())
        .and_then(|s| s.message::<Wide>())
        .expect("traces");
    let header = spec.c_header();
    // A char is a code point, a u128 its 16 big-endian bytes.
    assert!(header.contains("uint32_t c; /* a char"), "{header}");
    assert!(header.contains("uint8_t x[16]; /* u128"), "{header}");
    assert!(header.contains("nw_Wide_decode"));
    let dir = scratch("c");
    std::fs::write(dir.join("nw.h"), &header).expect("write header");
    let mut g = Gen::new(20);
    let mut input = String::new();
    let mut expected = Vec::new();
    let mut add = |ty: &str, bytes: Vec<u8>, input: &mut String| {
        for k in 0..bytes.len() {
            let _ = writeln!(input, "{ty} {}", hex(&bytes[..k]));
            expected.push("err".to_string());
        }
        let _ = writeln!(input, "{ty} {}", hex(&bytes));
        expected.push(format!("ok {}", hex(&bytes)));
    };
    let mut values = 0;
    for _ in 0..60 {
        add(
            "Packet",
            netwire::net::to_vec(&Packet::arbitrary(&mut g)).expect("encodes"),
            &mut input,
        );
        add(
            "Header",
            netwire::net::to_vec(&Header::arbitrary(&mut g)).expect("encodes"),
            &mut input,
        );
        values += 2;
    }
    for n in 0..4u8 {
        let tail = Tail {
            id: 9,
            items: (0..n).map(|i| (i, u32::from(i) << 20)).collect(),
        };
        let bytes = netwire::net::to_vec(&tail).expect("encodes");
        // `rest` takes the whole input: only the complete one and the
        // ones cut inside `id` or an element are refused.
        let _ = writeln!(input, "Tail {}", hex(&bytes));
        expected.push(format!("ok {}", hex(&bytes)));
        values += 1;
    }
    let program = r#"
#include <stdio.h>
#include <stdlib.h>
#include "nw.h"

static size_t unhex(const char *s, uint8_t *out) {
    size_t n = 0;
    while (s[0] && s[1] && s[0] != '\n') {
        unsigned v;
        sscanf(s, "%2x", &v);
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

#define TRY(T) \
    if (strcmp(type, #T) == 0) { \
        nw_##T v; \
        long n = nw_##T##_decode(in, len, &v); \
        if (n < 0 || (size_t)n != len) { puts("err"); continue; } \
        long m = nw_##T##_encode(&v, out, sizeof out); \
        if (m < 0) { puts("encode-failed"); continue; } \
        printf("ok "); \
        for (long i = 0; i < m; i++) printf("%02x", out[i]); \
        printf("\n"); \
        continue; \
    }

int main(void) {
    static char line[1 << 16];
    static uint8_t out[1 << 15];
    while (fgets(line, sizeof line, stdin)) {
        char type[64];
        char *sp = strchr(line, ' ');
        if (!sp) return 2;
        memcpy(type, line, (size_t)(sp - line));
        type[sp - line] = 0;
        size_t cap = strlen(sp) / 2 + 1;
        uint8_t *in = malloc(cap); /* exactly the input: ASan sees overreads */
        size_t len = unhex(sp + 1, in);
        TRY(Packet) TRY(Header) TRY(Tail)
        return 3;
    }
    return 0;
}
"#;
    // The loop's `continue` skips the free: keep it simple, ASan's leak
    // check is off.
    std::fs::write(dir.join("main.c"), program).expect("write main.c");
    let run = crate::run_c(&dir, "rt", &[], Some(&input));
    assert!(
        run.status.success(),
        "the C round trip failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8(run.stdout).expect("utf-8");
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got.len(), expected.len());
    for ((g, e), line) in got.iter().zip(&expected).zip(input.lines()) {
        assert_eq!(g, e, "input: {line}");
    }
    eprintln!("c: {values} values, {} inputs", expected.len());
}

#[derive(Serialize, Deserialize)]
struct Refusals {
    c: char,
    #[serde(with = "netwire::with::empty_as_none")]
    unit: Option<()>,
}

/// The C encoders refuse what netwire refuses to encode: a `char` that
/// is a surrogate or past U+10FFFF, and an `empty_as_none` `Some` of no
/// bytes (it would read back as `None`); the values netwire writes
/// encode byte for byte.
#[test]
fn c_encoders_refuse_what_netwire_cannot_write() {
    if !have("gcc") {
        return;
    }
    let spec = Spec::new("rf", Config::new(), Framing::Datagram)
        .message::<Refusals>()
        .expect("traces");
    let none = netwire::net::to_vec(&Refusals {
        c: 'é', unit: None
    })
    .expect("encodes");
    assert_eq!(none, [0xc3, 0xa9]);
    assert!(
        netwire::net::to_vec(&Refusals {
            c: 'a',
            unit: Some(()),
        })
        .is_err()
    );
    let dir = scratch("c-refusals");
    std::fs::write(dir.join("rf.h"), spec.c_header()).expect("write header");
    let program = "#include <stdio.h>\n#include \"rf.h\"\n\
        static long enc(uint32_t c, bool present) {\n\
        \x20   rf_Refusals v; uint8_t out[16];\n    v.c = c; v.unit.present = present; v.unit.value = 0;\n\
        \x20   long n = rf_Refusals_encode(&v, out, sizeof out);\n\
        \x20   for (long i = 0; i < n; i++) printf(\"%02x\", out[i]);\n    return n;\n}\n\
        int main(void) {\n\
        \x20   printf(\" %ld\\n\", enc(0xE9, false));\n    printf(\" %ld\\n\", enc(0x1F600, false));\n\
        \x20   printf(\" %ld\\n\", enc(0xD800, false));\n    printf(\" %ld\\n\", enc(0x110000, false));\n\
        \x20   printf(\" %ld\\n\", enc(0x61, true));\n    return 0;\n}\n";
    std::fs::write(dir.join("main.c"), program).expect("write main.c");
    let run = crate::run_c(&dir, "rf", &["-Wno-unused-function"], None);
    let text = String::from_utf8_lossy(&run.stdout);
    let smile = hex(&netwire::net::to_vec(&'😀').expect("encodes"));
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            format!("{} 2", hex(&none)),
            format!("{smile} 4"),
            " -2".to_string(),
            " -2".to_string(),
            " -2".to_string(),
        ]
    );
}
