//! The C header compiled by gcc (with ASan and UBSan), round-tripping
//! vectors netwire encodes; every truncation must be refused.

use std::fmt::Write as _;

use netwire::net::Config;
use netwire::spec::{Framing, Spec};
use quickcheck::{Arbitrary, Gen};
use serde::{Deserialize, Serialize};

use crate::catalogue::Tree;
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

/// A message holding recursive values without being recursive itself.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Doc {
    root: Tree,
    kids: Vec<Tree>,
}

/// A recursion through a struct: a pointer to a struct has no byte of
/// its own, so the header promises no arena size.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Link {
    End,
    More(Node),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Node {
    val: u8,
    next: Box<Link>,
}

/// `Tree::Maybe` `n` deep, then a leaf.
fn chain(n: usize) -> Tree {
    (0..n).fold(Tree::Leaf(7), |t, _| Tree::Maybe {
        next: Some(Box::new(t)),
    })
}

/// Recursive values are nodes in the caller's arena: a full arena (none,
/// empty, one node short) is `ArenaFull` at the offset of the value that
/// did not fit, never netwire's kinds; an arena that fits exactly, or
/// starts unaligned, decodes; the nodes of checked sequence elements go
/// back to the arena; encoders refuse a cycle and a chain deeper than the
/// decoder takes (`EDEPTH`, as netwire refuses those bytes), and a NULL
/// pointer (`EINVAL`).
#[test]
fn c_recursive_values_live_in_the_callers_arena() {
    if !have("gcc") {
        return;
    }
    let config = Config::new().with_depth(5);
    let spec = Spec::new("ar", config, Framing::Datagram)
        .message::<Tree>()
        .and_then(|s| s.message::<Doc>())
        .expect("traces");
    let header = spec.c_header();
    assert!(header.contains("#define AR_ARENA_SIZE(len)"), "{header}");
    assert!(
        header.contains("ar_Doc_decode_at(const uint8_t *in, size_t len, ar_Doc *out, ar_arena *arena, ar_error *err)"),
        "{header}"
    );
    let lk = Spec::new("lk", Config::new(), Framing::Datagram)
        .message::<Link>()
        .expect("traces")
        .c_header();
    assert!(lk.contains("#define LK_NODE_MAX"), "{lk}");
    assert!(!lk.contains("LK_ARENA_SIZE"), "{lk}");
    assert!(lk.contains("struct { lk_Node *value; } More;"), "{lk}");
    let link = Link::More(Node {
        val: 9,
        next: Box::new(Link::More(Node {
            val: 8,
            next: Box::new(Link::End),
        })),
    });
    let link_bytes = netwire::net::to_vec(&link).expect("encodes");
    let doc = Doc {
        root: Tree::Leaf(1),
        kids: vec![
            Tree::Node(Box::new(Tree::Leaf(2)), Box::new(Tree::Leaf(3))),
            chain(1),
        ],
    };
    let doc_bytes = config.to_vec(&doc).expect("encodes");
    let dir = scratch("c-arena");
    std::fs::write(dir.join("ar.h"), &header).expect("write header");
    std::fs::write(dir.join("lk.h"), &lk).expect("write header");
    let mut program = format!(
        "#include <stdio.h>\n#include <stdlib.h>\n#include \"ar.h\"\n#include \"lk.h\"\n\
         static const uint8_t DOC[] = {{ {} }};\nstatic const uint8_t LINK[] = {{ {} }};\n",
        doc_bytes
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        link_bytes
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    program.push_str(
        r#"
static void hexout(long n, const uint8_t *out) {
    if (n < 0) { printf("err %ld\n", n); return; }
    printf("ok ");
    for (long i = 0; i < n; i++) printf("%02x", out[i]);
    printf("\n");
}

/* Decodes `in` into an arena of exactly `cap` bytes (malloc'd: ASan sees a
   node past it), `skew` bytes into its memory. */
static void tree(const uint8_t *in, size_t len, size_t cap, size_t skew) {
    uint8_t *mem = malloc(cap + skew + 1);
    ar_arena a; ar_Tree v; ar_error err; uint8_t out[64];
    a.mem = mem + skew; a.cap = cap; a.used = 0;
    long n = ar_Tree_decode_at(in, len, &v, &a, &err);
    if (n < 0) printf("err %s %zu used %zu\n", ar_error_name(err.code), err.offset, a.used);
    else {
        printf("ok %ld used %zu aligned %d ", n, a.used,
               v.tag != AR_TREE_MAYBE || v.v.Maybe.next == NULL || (uintptr_t)v.v.Maybe.next % AR_ALIGN == 0);
        hexout(ar_Tree_encode(&v, out, sizeof out), out);
    }
    free(mem);
}

int main(void) {
    static const uint8_t CHAIN[] = { 3, 1, 3, 1, 0, 7 };
    size_t node = AR_NODE_MAX;
    ar_error err; ar_Tree v; uint8_t out[256];
    /* no arena, an empty one, room for one node, for two, two unaligned */
    {
        long n = ar_Tree_decode_at(CHAIN, 6, &v, NULL, &err);
        printf("%ld %s %zu\n", n, ar_error_name(err.code), err.offset);
    }
    tree(CHAIN, 6, 0, 0);
    tree(CHAIN, 6, node, 0);
    tree(CHAIN, 6, 2 * node, 0);
    tree(CHAIN, 6, 2 * node + AR_ALIGN - 1, 1);
    tree(CHAIN, 6, AR_ARENA_SIZE(6), 0);
    printf("bound %d\n", AR_ARENA_SIZE(6) >= 2 * node + AR_ALIGN);
    /* checked elements give their nodes back; one node is too few for a Node's two */
    {
        uint8_t *mem = malloc(2 * node);
        ar_arena a; ar_Doc d;
        a.mem = mem; a.cap = 2 * node; a.used = 0;
        long n = ar_Doc_decode_at(DOC, sizeof DOC, &d, &a, &err);
        printf("doc %ld %zu used %zu\n", n, sizeof DOC, a.used);
        hexout(ar_Doc_encode(&d, out, sizeof out), out);
        a.cap = node; a.used = 0;
        n = ar_Doc_decode_at(DOC, sizeof DOC, &d, &a, &err);
        printf("doc %ld %s %zu\n", n, ar_error_name(err.code), err.offset);
        free(mem);
    }
    /* a cycle, a NULL child, chains 0 to 4 deep built by hand */
    {
        ar_Tree c, nodes[8], leaf;
        c.tag = AR_TREE_MAYBE; c.v.Maybe.next = &c;
        hexout(ar_Tree_encode(&c, out, sizeof out), out);
        c.tag = AR_TREE_NODE; c.v.Node._0 = &c; c.v.Node._1 = NULL;
        leaf.tag = AR_TREE_LEAF; leaf.v.Leaf.value = 7;
        c.v.Node._0 = &leaf;
        hexout(ar_Tree_encode(&c, out, sizeof out), out);
        for (int k = 0; k <= 4; k++) {
            for (int i = 0; i < k; i++) {
                nodes[i].tag = AR_TREE_MAYBE;
                nodes[i].v.Maybe.next = i + 1 < k ? &nodes[i + 1] : &leaf;
            }
            hexout(ar_Tree_encode(k == 0 ? &leaf : &nodes[0], out, sizeof out), out);
        }
    }
    /* a recursion through a struct */
    {
        static uint8_t mem[1024];
        lk_arena a; lk_Link l; lk_error e;
        a.mem = mem; a.cap = sizeof mem; a.used = 0;
        long n = lk_Link_decode_at(LINK, sizeof LINK, &l, &a, &e);
        printf("link %ld used %zu\n", n, a.used / LK_NODE_MAX);
        hexout(lk_Link_encode(&l, out, sizeof out), out);
    }
    return 0;
}
"#,
    );
    std::fs::write(dir.join("main.c"), program).expect("write main.c");
    let run = crate::run_c(&dir, "arena", &["-Wno-unused-function"], None);
    assert!(
        run.status.success(),
        "the C arena program failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8_lossy(&run.stdout).to_string();
    let lines: Vec<&str> = text.lines().collect();
    // The node sizes the program works with, from its own output.
    let chain2 = hex(&config.to_vec(&chain(2)).expect("encodes"));
    assert_eq!(chain2, "030103010007");
    let used2 = |line: &str| -> usize {
        let mut words = line.split(' ').skip_while(|w| *w != "used").skip(1);
        words.next().and_then(|u| u.parse().ok()).expect("used")
    };
    assert_eq!(lines[0], "-13 ArenaFull 2", "{text}");
    assert_eq!(lines[1], "err ArenaFull 2 used 0", "{text}");
    let one = lines[2];
    assert!(one.starts_with("err ArenaFull 4 used "), "{text}");
    assert!(
        lines[3].starts_with("ok 6 used ") && lines[3].ends_with(&format!("aligned 1 ok {chain2}")),
        "{text}"
    );
    let node = used2(lines[3]) / 2;
    assert_eq!(used2(one), node, "{text}");
    assert!(
        lines[4].ends_with(&format!("aligned 1 ok {chain2}")),
        "{text}"
    );
    assert!(
        lines[5].ends_with(&format!("aligned 1 ok {chain2}")),
        "{text}"
    );
    assert_eq!(lines[6], "bound 1");
    // Doc: the root is a leaf, the kids are checked and given back.
    assert_eq!(
        lines[7],
        format!("doc {0} {0} used 0", doc_bytes.len()),
        "{text}"
    );
    assert_eq!(lines[8], format!("ok {}", hex(&doc_bytes)));
    // The kids start after the root (2 bytes) and their count (4): the
    // Node's second leaf (at 2 + 4 + 3) does not fit.
    assert_eq!(lines[9], "doc -13 ArenaFull 9", "{text}");
    assert_eq!(lines[10], "err -9", "a cycle is too deep");
    assert_eq!(lines[11], "err -2", "a NULL child");
    for (k, line) in lines[12..17].iter().enumerate() {
        let bytes = Config::new().to_vec(&chain(k)).expect("encodes");
        let want = match config.from_slice::<Tree>(&bytes) {
            Ok(_) => format!("ok {}", hex(&bytes)),
            Err(e) => {
                assert!(matches!(e.kind(), netwire::ErrorKind::DepthLimit(_)), "{e}");
                "err -9".to_string()
            }
        };
        assert_eq!(*line, want, "chain {k}");
    }
    assert!(lines[14].starts_with("ok") && lines[15] == "err -9");
    assert_eq!(lines[17], format!("link {} used 4", link_bytes.len()));
    assert_eq!(lines[18], format!("ok {}", hex(&link_bytes)));
}
