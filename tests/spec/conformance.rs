//! One conformance property over every generated peer: for each type of
//! the catalogue, values netwire encodes decode in Python, in C (built with
//! ASan and UBSan) and in tshark, and re-encode byte for byte in Python and
//! C; every negative sample (each truncation, random mutations, hostile
//! lengths, depth at and over the limit) gives the error kind and offset
//! netwire gives, and Malformed — never a Lua error — in tshark.
//!
//! Each language runs once over every case of every type (one python3
//! process, one C binary, one tshark run). `NETWIRE_CONFORMANCE_VALUES`
//! sets the values per type (default 40), `NETWIRE_CONFORMANCE_HOSTILE` how
//! many of them get negative samples (default 10), and
//! `NETWIRE_CONFORMANCE_PEERS` which peers run (default `python,c,tshark`).

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use netwire::ErrorKind;
use netwire::net::{Config, EnumTags, LengthWidth, TagTable, TagWidth};
use netwire::spec::{Framing, Spec};
use quickcheck::{Arbitrary, Gen};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::catalogue::*;
use crate::{have, hex, scratch};

pub const TAGS: &[EnumTags] = &[
    EnumTags::of::<Op>(TagWidth::U16, &[1, 0x10, 0xffff]),
    EnumTags::of::<Wide8>(TagWidth::U32, &[0, 0xffff_ffff]),
];

/// What netwire says of one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Decoded, using `used` bytes; `canonical` when netwire re-encodes
    /// them byte for byte.
    Ok { used: usize, canonical: bool },
    /// Refused: the `ErrorKind` variant's name and the offset (none for
    /// `Unsupported`, a configuration that cannot work).
    Err { kind: String, offset: Option<usize> },
    /// A check of the type's own `Deserialize` (not the format's).
    Custom,
}

pub struct Sample {
    pub bytes: Vec<u8>,
    /// `decode` (the whole input) or `decode_prefix`.
    pub whole: bool,
    pub rust: Verdict,
}

/// Decodes another peer's encoding and re-encodes it in netwire.
type Canon = fn(&Config<TagTable>, &[u8]) -> Option<Vec<u8>>;

pub struct Entry {
    pub name: String,
    pub spec: Spec,
    pub config: Config<TagTable>,
    pub samples: Vec<Sample>,
    pub valid: usize,
    canon: Canon,
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn kind_name(k: &ErrorKind) -> String {
    let name = format!("{k:?}");
    name.split(['(', ' ', '{']).next().unwrap_or("").to_string()
}

fn verdict<T: DeserializeOwned + Serialize>(
    config: &Config<TagTable>,
    whole: bool,
    bytes: &[u8],
) -> Verdict {
    let result = if whole {
        config.from_slice::<T>(bytes).map(|v| (v, bytes.len()))
    } else {
        config
            .take_from_slice::<T>(bytes)
            .map(|(v, rest)| (v, bytes.len() - rest.len()))
    };
    match result {
        Ok((v, used)) => Verdict::Ok {
            used,
            canonical: config.to_vec(&v).ok().as_deref() == Some(&bytes[..used]),
        },
        Err(e) => match e.kind() {
            ErrorKind::Custom(_) => Verdict::Custom,
            k => Verdict::Err {
                kind: kind_name(k),
                offset: e.offset().map(|o| o as usize),
            },
        },
    }
}

fn canon<T: DeserializeOwned + Serialize>(config: &Config<TagTable>, b: &[u8]) -> Option<Vec<u8>> {
    let v: T = config.from_slice(b).ok()?;
    config.to_vec(&v).ok()
}

/// Builds the samples of `T`: `values` and, for the first `hostile` of
/// them, every truncation, a prefix decoding, trailing bytes, random
/// mutations and hostile lengths; then `extra` inputs as they are.
fn entry<T: DeserializeOwned + Serialize>(
    name: &str,
    config: Config<TagTable>,
    framing: Framing,
    values: &[T],
    extra: &[Vec<u8>],
    g: &mut Gen,
) -> Entry {
    let spec = Spec::new(&format!("cf_{name}"), config, framing)
        .message::<T>()
        .unwrap_or_else(|e| panic!("{name} traces: {e}"));
    let hostile = env("NETWIRE_CONFORMANCE_HOSTILE", 10);
    let mut samples = Vec::new();
    let mut push = |bytes: Vec<u8>, whole: bool| {
        let rust = verdict::<T>(&config, whole, &bytes);
        samples.push(Sample { bytes, whole, rust });
    };
    let mut valid = 0;
    for (i, v) in values.iter().enumerate() {
        let Ok(bytes) = config.to_vec(v) else {
            continue;
        };
        valid += 1;
        push(bytes.clone(), true);
        if i >= hostile {
            continue;
        }
        for k in 0..bytes.len() {
            push(bytes[..k].to_vec(), true);
        }
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0, 1, 0xff]);
        push(longer.clone(), true);
        push(longer, false);
        if bytes.is_empty() {
            continue;
        }
        for _ in 0..16 {
            let mut bad = bytes.clone();
            let at = usize::arbitrary(g) % bad.len();
            match u8::arbitrary(g) % 4 {
                0 => bad[at] = u8::arbitrary(g),
                1 => bad[at] ^= 1 << (u8::arbitrary(g) % 8),
                2 => {
                    // A hostile length: all ones, the sign bit, just past
                    // the limit, or a huge value, in 1 to 8 bytes.
                    let width = [1, 2, 4, 8][usize::arbitrary(g) % 4];
                    let value: u64 = match u8::arbitrary(g) % 4 {
                        0 => u64::MAX,
                        1 => 1 << (8 * width - 1),
                        2 => config.limit() as u64 + 1,
                        _ => u64::arbitrary(g),
                    };
                    let be = value.to_be_bytes();
                    for (b, v) in bad.iter_mut().skip(at).zip(&be[8 - width..]) {
                        *b = *v;
                    }
                }
                _ => {
                    bad.remove(at);
                }
            }
            push(bad.clone(), true);
            push(bad, false);
        }
    }
    for x in extra {
        push(x.clone(), true);
    }
    Entry {
        name: name.to_string(),
        spec,
        config,
        samples,
        valid,
        canon: canon::<T>,
    }
}

fn values<T: Arbitrary>(g: &mut Gen) -> Vec<T> {
    (0..env("NETWIRE_CONFORMANCE_VALUES", 40))
        .map(|_| T::arbitrary(g))
        .collect()
}

/// Bytes of a chain of `Tree::Maybe` `n` deep, ending in a leaf.
fn chain_bytes(n: usize) -> Vec<u8> {
    let mut b: Vec<u8> = std::iter::repeat_n([3u8, 1], n).flatten().collect();
    b.extend([0, 7]);
    b
}

/// The catalogue under `config`.
pub fn catalogue(config: Config<TagTable>, g: &mut Gen) -> Vec<Entry> {
    let d = Framing::Datagram;
    let mut out = vec![
        entry::<Ints>("ints", config, d, &values(g), &[], g),
        entry::<Flags>("flags", config, d, &values(g), &[], g),
        entry::<Wide>("wide", config, d, &values(g), &[], g),
        entry::<Floats>("floats", config, d, &values(g), &[], g),
        entry::<CharBool>("charbool", config, d, &values(g), &[], g),
        entry::<Texts>("texts", config, d, &values(g), &[], g),
        entry::<Options>("options", config, d, &values(g), &[], g),
        entry::<Tuples>("tuples", config, d, &values(g), &[], g),
        entry::<Seqs>("seqs", config, d, &values(g), &[], g),
        entry::<Maps>("maps", config, d, &values(g), &[], g),
        entry::<Variants>("variants", config, d, &values(g), &[], g),
        entry::<Outer>("outer", config, d, &values(g), &[], g),
        entry::<Tagged>("tagged", config, d, &values(g), &[], g),
        entry::<Lens>("lens", config, d, &values(g), &[], g),
        entry::<Nullables>("nullables", config, d, &values(g), &[], g),
        entry::<Terminated>("terminated", config, d, &values(g), &[], g),
        entry::<RestBytes>("restbytes", config, d, &values(g), &[], g),
        entry::<RestSeq>("restseq", config, d, &values(g), &[], g),
        entry::<MaybeTail>("maybetail", config, d, &values(g), &[], g),
        entry::<GenericOnce>("genericonce", config, d, &values(g), &[], g),
        entry::<Hostile>("hostile", config, d, &values(g), &[], g),
        entry::<Shadows>("shadows", config, d, &values(g), &[], g),
        entry::<Nest>("nest", config, d, &values(g), &[], g),
    ];
    // Depth: chains at, just under and just over the limit.
    let limit = config.depth();
    let extra: Vec<Vec<u8>> = (0..4)
        .flat_map(|k| [limit / 2 + k, limit.saturating_sub(k)])
        .chain([limit + 1, limit + 2, 2 * limit])
        .map(chain_bytes)
        .collect();
    out.push(entry::<Tree>("tree", config, d, &values(g), &extra, g));
    out
}

/// The configs the catalogue runs under: the default widths with tag
/// tables and a deep limit; small widths and limits.
pub fn configs() -> [Config<TagTable>; 2] {
    [
        Config::new().with_enum_tags(TAGS).with_depth(1000),
        Config::new()
            .with_length_width(LengthWidth::U16)
            .with_tag_width(TagWidth::U16)
            .with_limit(300)
            .with_depth(5)
            .with_enum_tags(TAGS),
    ]
}

const PY_RUNNER: &str = r#"
import importlib, sys
sys.path.insert(0, sys.argv[1])
mods = {}
out = []
HOSTILE = [None, object(), 2, -1, 2 ** 70, 1.5, float("nan"), "x", "", b"x", 16384, [1], [None], (1,), {}, {1: 2}]

def same(a, b):
    """Equal values, NaN equal to NaN."""
    if isinstance(a, float) or isinstance(b, float):
        return a == b or (a != a and b != b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b

def mutations(m, v):
    """Every field of `v` (and of a value class in it) replaced by each
    hostile value: encode raises EncodeError, or writes bytes that decode
    to the value it was given."""
    bad = []
    def visit(v, rebuild):
        if not isinstance(v, m._Value):
            return
        for f in v._fields:
            inner = getattr(v, f)
            for h in HOSTILE:
                changed = rebuild(v._replace(**{f: h}))
                try:
                    b = m.encode(changed)
                except m.EncodeError:
                    continue
                except BaseException as e:
                    bad.append(f"{f}={h!r}: {type(e).__name__}")
                    continue
                try:
                    back = m.decode(b)
                except BaseException as e:
                    bad.append(f"{f}={h!r}: wrote {b.hex()[:40]} which does not decode ({type(e).__name__})")
                    continue
                if not same(back, changed):
                    bad.append(f"{f}={h!r}: wrote {b.hex()[:40]}, read back {back!r}"[:200])
            visit(inner, lambda x, v=v, f=f: rebuild(v._replace(**{f: x})))
    visit(v, lambda x: x)
    return bad

for line in sys.stdin:
    parts = line.split()
    name, mode = parts[0], parts[1]
    data = bytes.fromhex(parts[2] if len(parts) > 2 else "")
    m = mods.get(name)
    if m is None:
        m = mods[name] = importlib.import_module(name)
    if mode == "e":
        bad = mutations(m, m.decode(data))
        out.append("ok" if not bad else "bad " + "; ".join(bad[:3]).replace("\n", " "))
        continue
    try:
        if mode == "w":
            v = m.decode(data)
            used = len(data)
        else:
            v, used = m.decode_prefix(data)
    except m.DecodeError as e:
        out.append(f"err {e.kind} {e.offset}")
        continue
    except BaseException as e:
        out.append(f"exc {type(e).__name__}: {e}"[:300].replace("\n", " "))
        continue
    try:
        out.append(f"ok {m.encode(v).hex()} {used}")
    except BaseException as e:
        out.append(f"encexc {type(e).__name__}: {e}"[:300].replace("\n", " "))
sys.stdout.write("\n".join(out) + "\n")
"#;

fn parse_hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// Checks a peer's answer ("ok HEX USED" or "err KIND OFFSET") against
/// netwire's; `loose` maps the peer's error kinds to netwire's first.
fn check(e: &Entry, s: &Sample, got: &str, peer: &str, failures: &mut Vec<String>) -> bool {
    let mut parts = got.split(' ');
    let head = parts.next().unwrap_or("");
    let fail = |failures: &mut Vec<String>, why: String| {
        failures.push(format!(
            "{peer} {} {} {}: {why}",
            e.name,
            if s.whole { "decode" } else { "decode_prefix" },
            hex(&s.bytes).chars().take(120).collect::<String>()
        ));
    };
    match (&s.rust, head) {
        (Verdict::Custom, _) => return false,
        (Verdict::Ok { used, canonical }, "ok") => {
            let bytes = parse_hex(parts.next().unwrap_or(""));
            let peer_used: usize = parts.next().and_then(|u| u.parse().ok()).unwrap_or(0);
            if peer_used != *used {
                fail(failures, format!("used {peer_used}, netwire {used}"));
            } else if *canonical && bytes != s.bytes[..*used] {
                fail(failures, format!("re-encoded as {}", hex(&bytes)));
            } else if (e.canon)(&e.config, &bytes) != (e.canon)(&e.config, &s.bytes[..*used]) {
                fail(
                    failures,
                    format!("re-encoded to another value: {}", hex(&bytes)),
                );
            }
        }
        (Verdict::Err { kind, offset }, "err") => {
            let k = parts.next().unwrap_or("");
            let o: Option<usize> = match parts.next() {
                Some("None") => None,
                other => Some(other.and_then(|u| u.parse().ok()).unwrap_or(usize::MAX)),
            };
            if k != kind || o != *offset {
                fail(
                    failures,
                    format!("{k} at {o:?}, netwire {kind} at {offset:?}"),
                );
            }
        }
        (want, _) => fail(failures, format!("said `{got}`, netwire {want:?}")),
    }
    true
}

/// Runs every sample of every entry through one python3 process.
fn python(entries: &[Entry], tag: &str, failures: &mut Vec<String>) -> usize {
    let dir = scratch(&format!("conform-py-{tag}"));
    let mut input = String::new();
    let mut checks: Vec<String> = Vec::new();
    for e in entries {
        std::fs::write(
            dir.join(format!("{}.py", e.spec.protocol())),
            e.spec.python(),
        )
        .expect("write module");
        // Wrong values given to encode, in the first valid messages.
        let valid = e.samples.iter().filter(|s| {
            s.whole
                && matches!(
                    s.rust,
                    Verdict::Ok {
                        canonical: true,
                        ..
                    }
                )
                && !s.bytes.is_empty()
        });
        for s in valid.take(3) {
            let _ = writeln!(input, "{} e {}", e.spec.protocol(), hex(&s.bytes));
            checks.push(e.name.clone());
        }
        for s in &e.samples {
            let _ = writeln!(
                input,
                "{} {} {}",
                e.spec.protocol(),
                if s.whole { "w" } else { "p" },
                hex(&s.bytes)
            );
        }
    }
    let out = crate::run_python(PY_RUNNER, &dir, &input);
    assert!(
        out.status.success(),
        "python3 failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = text.lines();
    let mut compared = 0;
    for e in entries {
        // The entry's encode checks come first, then its cases.
        for _ in checks.iter().filter(|n| **n == e.name) {
            let got = lines.next().expect("one answer per check");
            if got != "ok" {
                failures.push(format!("python {} encode: {got}", e.name));
            }
            compared += 1;
        }
        for s in &e.samples {
            let got = lines.next().expect("one answer per case");
            compared += usize::from(check(e, s, got, "python", failures));
        }
    }
    compared
}

const C_MAIN: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static size_t unhex(const char *s, uint8_t *out) {
    size_t n = 0;
    while (s[0] && s[1] && s[0] != '\n') {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1) exit(4);
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static void answer(long n, size_t len, int whole, const uint8_t *out, long m, const char *kind, size_t at) {
    if (n < 0) { printf("err %s %zu\n", kind, at); return; }
    if (whole && (size_t)n != len) { printf("err TrailingBytes %ld\n", n); return; }
    if (m < 0) { printf("encerr %ld\n", m); return; }
    printf("ok ");
    for (long i = 0; i < m; i++) printf("%02x", out[i]);
    printf(" %ld\n", n);
}

#define TRY(I, P) \
    if (which == I) { \
        P##_message v; P##_error err; \
        long n = P##_message_decode_at(in, len, &v, &err); \
        long m = n < 0 ? 0 : P##_message_encode(&v, out, sizeof out); \
        answer(n, len, whole, out, m, n < 0 ? P##_error_name(err.code) : "", err.offset); \
        free(in); \
        continue; \
    }

/* A recursive type: its nodes come from an arena of exactly the size the
   header promises for the input (ASan sees a node past it), or, when it
   promises none, eight nodes a byte. */
#define TRYA(I, P, SIZE) \
    if (which == I) { \
        P##_message v; P##_error err; \
        size_t size = SIZE; \
        P##_arena arena; \
        arena.mem = malloc(size); arena.cap = size; arena.used = 0; \
        long n = P##_message_decode_at(in, len, &v, &arena, &err); \
        long m = n < 0 ? 0 : P##_message_encode(&v, out, sizeof out); \
        answer(n, len, whole, out, m, n < 0 ? P##_error_name(err.code) : "", err.offset); \
        free(arena.mem); \
        free(in); \
        continue; \
    }

int main(void) {
    static char line[1 << 20];
    static uint8_t out[1 << 19];
    while (fgets(line, sizeof line, stdin)) {
        int which, whole;
        char *sp;
        which = (int)strtol(line, &sp, 10);
        whole = (int)strtol(sp, &sp, 10);
        size_t cap = strlen(sp) / 2 + 1;
        uint8_t *in = malloc(cap); /* exactly the input: ASan sees overreads */
        size_t len = unhex(sp + 1, in);
        DISPATCH
        return 3;
    }
    return 0;
}
"#;

/// Runs the samples of every entry with a C form through one binary.
fn c(entries: &[Entry], tag: &str, failures: &mut Vec<String>) -> (usize, Vec<String>) {
    let dir = scratch(&format!("conform-c-{tag}"));
    let mut includes = String::new();
    let mut dispatch = String::new();
    let mut input = String::new();
    let mut carried = Vec::new();
    let mut left_out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let p = e.spec.protocol();
        let header = e.spec.c_header();
        std::fs::write(dir.join(format!("{p}.h")), &header).expect("write header");
        if !header.contains(&format!("{p}_message_decode_at(")) {
            left_out.push(e.name.clone());
            continue;
        }
        carried.push(i);
        let _ = writeln!(includes, "#include \"{p}.h\"");
        let big = p.to_uppercase();
        if header.contains(&format!("#define {big}_ARENA_SIZE(len)")) {
            let _ = write!(dispatch, "TRYA({i}, {p}, {big}_ARENA_SIZE(len)) ");
        } else if header.contains(&format!("{p}_arena *arena")) {
            let _ = write!(
                dispatch,
                "TRYA({i}, {p}, (len + 1) * 8 * {big}_NODE_MAX + {big}_ALIGN) "
            );
        } else {
            let _ = write!(dispatch, "TRY({i}, {p}) ");
        }
        // C decodes whole messages (`rest` runs to `len`).
        for s in e.samples.iter().filter(|s| s.whole) {
            let _ = writeln!(input, "{i} 1 {}", hex(&s.bytes));
        }
    }
    let program = format!("{includes}{}", C_MAIN.replace("DISPATCH", &dispatch));
    std::fs::write(dir.join("main.c"), program).expect("write main.c");
    let run = crate::run_c(
        &dir,
        "conform",
        &["-Wno-unused-function", "-O1"],
        Some(&input),
    );
    assert!(
        run.status.success(),
        "the C peer failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = String::from_utf8(run.stdout).expect("utf-8");
    let mut lines = text.lines();
    let mut compared = 0;
    for &i in &carried {
        let e = &entries[i];
        for s in e.samples.iter().filter(|s| s.whole) {
            let got = lines.next().expect("one answer per case");
            compared += usize::from(check(e, s, got, "c", failures));
        }
    }
    (compared, left_out)
}

fn checksum(data: &[u8]) -> u16 {
    let mut sum = 0u32;
    for c in data.chunks(2) {
        sum += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An Ethernet/IPv4/UDP frame to `port`.
pub fn udp(port: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    u.extend(40000u16.to_be_bytes());
    u.extend(port.to_be_bytes());
    u.extend(((8 + payload.len()) as u16).to_be_bytes());
    u.extend([0, 0]);
    u.extend(payload);
    let mut ip = vec![0x45, 0];
    ip.extend(((20 + u.len()) as u16).to_be_bytes());
    ip.extend([0, 1, 0x40, 0, 64, 17, 0, 0]);
    ip.extend([10, 0, 0, 1, 10, 0, 0, 2]);
    let c = checksum(&ip);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    let mut eth = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
    eth.extend(ip);
    eth.extend(u);
    eth
}

pub fn pcap(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xa1b2c3d4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0; 8]);
    out.extend(262144u32.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend((1_700_000_000u32 + i as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend(f);
    }
    out
}

/// Runs every whole sample as one UDP datagram through one tshark run
/// with every entry's dissector loaded.
fn tshark(entries: &[Entry], tag: &str, failures: &mut Vec<String>) -> usize {
    let dir = scratch(&format!("conform-tshark-{tag}"));
    let mut frames = Vec::new();
    let mut cases = Vec::new();
    let mut cmd = Command::new("tshark");
    for (i, e) in entries.iter().enumerate() {
        let port = 30000 + i as u16;
        let lua = dir.join(format!("{}.lua", e.spec.protocol()));
        std::fs::write(&lua, e.spec.wireshark_lua(port)).expect("write lua");
        cmd.arg("-X").arg(format!("lua_script:{}", lua.display()));
        // An empty datagram reaches no dissector.
        for s in e
            .samples
            .iter()
            .filter(|s| s.whole && (1..60000).contains(&s.bytes.len()))
        {
            if s.rust == Verdict::Custom {
                continue;
            }
            frames.push(udp(port, &s.bytes));
            cases.push((e, s));
        }
    }
    let file = dir.join("cases.pcap");
    std::fs::write(&file, pcap(&frames)).expect("write pcap");
    let out = cmd
        .arg("-r")
        .arg(&file)
        .args(["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"])
        .args(["-e", "frame.number", "-e", "_ws.expert.message"])
        .args(["-e", "_ws.expert.group", "-e", "_ws.malformed"])
        .output()
        .expect("tshark runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tshark: {stderr}");
    assert!(!stderr.contains("Lua"), "tshark: {stderr}");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        cases.len(),
        "one line per frame; tshark: {stderr}"
    );
    for (line, (e, s)) in lines.iter().zip(&cases) {
        let cols: Vec<&str> = line.split('\t').collect();
        let message = cols.get(1).copied().unwrap_or("");
        let ok = match &s.rust {
            Verdict::Ok { .. } => message.is_empty(),
            Verdict::Err {
                kind,
                offset: Some(offset),
            } => message == format!("netwire: {kind} at offset {offset}"),
            Verdict::Err { kind, offset: None } => message == format!("netwire: {kind}"),
            Verdict::Custom => true,
        };
        if !ok {
            failures.push(format!(
                "tshark {} {}: netwire {:?}, tshark `{line}`",
                e.name,
                hex(&s.bytes).chars().take(60).collect::<String>(),
                s.rust
            ));
        }
    }
    cases.len()
}

/// Builds entries on a thread with a stack large enough for the deepest
/// values of the catalogue.
fn on_a_large_stack<T: Send + 'static>(build: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(build)
        .expect("thread")
        .join()
        .expect("the entries build")
}

/// Runs `entries` through the generated Python and C, where `tools` says
/// they are here, and adds their case counts to `report`. Every type
/// must have a C form.
fn python_and_c(
    entries: &[Entry],
    tag: &str,
    tools: [bool; 2],
    failures: &mut Vec<String>,
    report: &mut String,
) {
    if tools[0] {
        let n = python(entries, tag, failures);
        let _ = write!(report, "; python {n}");
    }
    if tools[1] {
        let (n, left) = c(entries, tag, failures);
        assert!(left.is_empty(), "types with no C form: {left:?}");
        let _ = write!(report, "; c {n}");
    }
}

/// Runs the catalogue under every config through every peer.
#[test]
fn every_peer_agrees_with_netwire() {
    let peers =
        std::env::var("NETWIRE_CONFORMANCE_PEERS").unwrap_or_else(|_| "python,c,tshark".into());
    let tools = [
        peers.contains("python") && have("python3"),
        peers.contains('c') && have("gcc"),
        peers.contains("tshark") && have("tshark"),
    ];
    let start = Instant::now();
    let mut g = Gen::new(16);
    let mut failures = Vec::new();
    for (i, config) in configs().into_iter().enumerate() {
        let tag = format!("cfg{i}");
        let entries = on_a_large_stack(move || catalogue(config, &mut Gen::new(16 + i)));
        let cases: usize = entries.iter().map(|e| e.samples.len()).sum();
        let valid: usize = entries.iter().map(|e| e.valid).sum();
        let mut report = format!(
            "config {i}: {} types, {valid} values, {cases} cases",
            entries.len()
        );
        python_and_c(
            &entries,
            &tag,
            [tools[0], tools[1]],
            &mut failures,
            &mut report,
        );
        if tools[2] {
            let n = tshark(&entries, &tag, &mut failures);
            let _ = write!(report, "; tshark {n}");
        }
        let _ = u8::arbitrary(&mut g);
        eprintln!("{report} ({:.1?})", start.elapsed());
    }
    // A few of each peer and type, and how many there are.
    let mut groups: std::collections::BTreeMap<String, Vec<&String>> = Default::default();
    for f in &failures {
        let key: Vec<&str> = f.splitn(3, ' ').take(2).collect();
        groups.entry(key.join(" ")).or_default().push(f);
    }
    let mut shown = String::new();
    for (key, list) in &groups {
        let _ = writeln!(shown, "== {key}: {} cases", list.len());
        for f in list.iter().take(4) {
            let _ = writeln!(shown, "{}", f.chars().take(400).collect::<String>());
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{shown}",
        failures.len()
    );
}

/// Recursive shapes past the catalogue's two (through a map, an option
/// of an option, a tuple, an array of boxes, `empty_as_none` on a struct,
/// a sequence under `rest`, two types through each other), with chains at
/// and over the depth limit, through Python and C.
#[test]
fn more_recursive_shapes_agree_in_python_and_c() {
    let tools = [have("python3"), have("gcc")];
    let mut failures = Vec::new();
    for (i, config) in configs().into_iter().enumerate() {
        let tag = format!("rec{i}");
        let entries = on_a_large_stack(move || {
            let mut g = Gen::new(16 + i);
            let d = Framing::Datagram;
            let limit = config.depth();
            let rings: Vec<Vec<u8>> = [limit - 1, limit, limit + 1, 2 * limit]
                .into_iter()
                .map(|n| vec![1u8; n])
                .collect();
            vec![
                entry::<Forest>("forest", config, d, &values(&mut g), &[], &mut g),
                entry::<Twin>("twin", config, d, &values(&mut g), &[], &mut g),
                entry::<Ring>("ring", config, d, &values(&mut g), &rings, &mut g),
                entry::<Mutual>("mutual", config, d, &values(&mut g), &[], &mut g),
            ]
        });
        let cases: usize = entries.iter().map(|e| e.samples.len()).sum();
        let mut report = format!("recursive, config {i}: {cases} cases");
        python_and_c(&entries, &tag, tools, &mut failures, &mut report);
        eprintln!("{report}");
    }
    let shown: Vec<String> = failures
        .iter()
        .take(12)
        .map(|f| f.chars().take(300).collect())
        .collect();
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        shown.join("\n")
    );
}

fn refused<T: DeserializeOwned>() -> netwire::spec::SpecError {
    match Spec::new("p", Config::new(), Framing::Datagram).message::<T>() {
        Ok(spec) => panic!("traced as one type:\n{}", spec.markdown()),
        Err(e) => e,
    }
}

#[test]
fn a_generic_enum_at_two_types_is_refused_not_merged() {
    let e = refused::<Generic>();
    assert_eq!(e.type_name(), "Maybe");
    assert!(e.reason().contains("two different types"), "{e}");
}

#[test]
fn same_named_enums_of_two_modules_are_refused_not_merged() {
    let e = refused::<SameNames>();
    assert_eq!(e.type_name(), "Status");
    assert!(e.reason().contains("two different types"), "{e}");
}

#[test]
fn an_enum_reached_through_a_later_variant_is_traced() {
    let spec = Spec::new("p", Config::new(), Framing::Datagram)
        .message::<Outer>()
        .expect("traces");
    let md = spec.markdown();
    assert!(md.contains("Inner"), "{md}");
    assert!(spec.python().contains("class Inner_Z(Inner):"));
}

#[test]
fn padded_is_described_as_padded_text_not_bytes() {
    let spec = Spec::new("p", Config::new(), Framing::Datagram)
        .message::<Terminated>()
        .expect("traces");
    assert!(
        spec.markdown().contains("`Padded<8>`"),
        "{}",
        spec.markdown()
    );
    let py = spec.python();
    assert!(py.contains("pad: str"), "{py}");
    assert!(py.contains("_Padded(8)"), "{py}");
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Pad(netwire::with::Padded<4>);
    let h = Spec::new("p", Config::new(), Framing::Datagram)
        .message::<Pad>()
        .expect("traces")
        .c_header();
    assert!(
        h.contains("uint8_t value[4]; /* UTF-8 text, then 0 bytes */"),
        "{h}"
    );
}

/// The vectors of `T`: valid ones decode and re-encode to their bytes,
/// invalid ones give the kind and offset they name.
fn vectors_hold<T: DeserializeOwned + Serialize>(config: Config<TagTable>) -> usize {
    let spec = Spec::new("v", config, Framing::Datagram)
        .message::<T>()
        .expect("traces");
    let json = spec.vectors::<T>(11, 60).expect("vectors");
    assert_eq!(
        json,
        spec.vectors::<T>(11, 60).expect("vectors"),
        "one seed, one file"
    );
    let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let valid = doc["valid"].as_array().expect("valid");
    assert_eq!(valid.len(), 60);
    for case in valid {
        let bytes = crate::conformance::parse_hex(case["hex"].as_str().expect("hex"));
        let v: T = config.from_slice(&bytes).expect("a valid vector decodes");
        assert_eq!(config.to_vec(&v).expect("encodes"), bytes);
        assert!(!case["value"].is_null() || bytes.len() <= 1);
    }
    let invalid = doc["invalid"].as_array().expect("invalid");
    assert!(!invalid.is_empty());
    for case in invalid {
        let bytes = parse_hex(case["hex"].as_str().expect("hex"));
        let Verdict::Err { kind, offset } = verdict::<T>(&config, true, &bytes) else {
            continue;
        };
        assert_eq!(case["kind"], kind.as_str());
        assert_eq!(case["offset"], serde_json::json!(offset));
    }
    valid.len() + invalid.len()
}

#[test]
fn vectors_say_what_netwire_says() {
    let [wide, small] = configs();
    let n = vectors_hold::<Variants>(wide)
        + vectors_hold::<Hostile>(wide)
        + vectors_hold::<Tree>(small)
        + vectors_hold::<Lens>(wide)
        + vectors_hold::<Terminated>(wide)
        + vectors_hold::<Nest>(small);
    assert!(n > 500, "{n} cases");
}

const FRAMING_RUNNER: &str = r#"
import importlib, sys
sys.path.insert(0, sys.argv[1])
class Chunks:
    """A socket handing out the stream a few bytes at a time."""
    def __init__(self, data):
        self.data, self.n = data, 0
    def recv(self, _):
        self.n = self.n % 7 + 1
        out, self.data = self.data[:self.n], self.data[self.n:]
        return out
for line in sys.stdin:
    name, stream, payloads = line.split(" ")
    m = importlib.import_module(name)
    stream = bytes.fromhex(stream)
    payloads = [bytes.fromhex(p) for p in payloads.strip().split(",") if p != "-"] if payloads.strip() != "-" else []
    framed = b"".join(m.frame(p) for p in payloads)
    if m.FRAMING != "none: messages back to back" and framed != stream:
        print(f"bad frame: {framed.hex()}")
        continue
    ms, got = m.MessageSocket(Chunks(stream)), []
    while True:
        v = ms.recv()
        if v is None:
            break
        got.append(m.encode(v))
    print("ok" if got == payloads else f"bad recv: {[g.hex() for g in got]}")
"#;

/// The framings a stream can carry, as the spec names them and as
/// netwire writes them.
fn framed_streams(config: Config<TagTable>, msgs: &[Variants]) -> Vec<(Framing, Vec<u8>)> {
    use netwire::frame::{AsciiLength, LengthPrefixed};
    use netwire::message::SelfDelimited;
    use netwire::stream::MessageWriter;
    macro_rules! stream {
        ($f:expr) => {{
            let mut w = MessageWriter::with_encoding(Vec::new(), $f, config);
            for m in msgs {
                w.write(m).expect("netwire writes");
            }
            w.into_inner()
        }};
    }
    let lp = |width, includes_header| Framing::LengthPrefix {
        width,
        includes_header,
    };
    vec![
        // `net` has no end mark: its writer, like its reader, asks for
        // the retrying mode by name.
        (Framing::SelfDelimited, stream!(SelfDelimited::retrying())),
        (lp(LengthWidth::U8, false), stream!(LengthPrefixed::u8())),
        (lp(LengthWidth::U16, false), stream!(LengthPrefixed::u16())),
        (
            lp(LengthWidth::U16, true),
            stream!(LengthPrefixed::u16().length_includes_header(true)),
        ),
        (lp(LengthWidth::U32, false), stream!(LengthPrefixed::u32())),
        (lp(LengthWidth::U64, false), stream!(LengthPrefixed::u64())),
        (Framing::AsciiDigits(5), stream!(AsciiLength::digits(5))),
    ]
}

/// Every stream framing: Python frames each payload as netwire does and
/// reads the stream back a few bytes at a time; tshark, over a TCP stream
/// cut at odd places, shows every message with the tags netwire wrote
/// and flags a frame that announces more than the limit.
#[test]
fn every_framing_agrees_with_netwire() {
    let config = Config::new().with_limit(200).with_enum_tags(TAGS);
    let mut g = Gen::new(8);
    let msgs: Vec<Variants> = (0..40)
        .map(|_| Variants::arbitrary(&mut g))
        .filter(|m| config.to_vec(m).is_ok_and(|b| b.len() < 200))
        .collect();
    let payloads: Vec<String> = msgs
        .iter()
        .map(|m| hex(&config.to_vec(m).expect("encodes")))
        .collect();
    let tags: Vec<String> = msgs
        .iter()
        .map(|m| config.to_vec(m).expect("encodes")[0].to_string())
        .collect();
    let streams = framed_streams(config, &msgs);
    let specs: Vec<Spec> = streams
        .iter()
        .enumerate()
        .map(|(i, (f, _))| {
            Spec::new(&format!("fr{i}"), config, *f)
                .message::<Variants>()
                .expect("traces")
        })
        .collect();
    if have("python3") {
        let dir = scratch("conform-framing-py");
        let mut input = String::new();
        for (spec, (_, stream)) in specs.iter().zip(&streams) {
            std::fs::write(dir.join(format!("{}.py", spec.protocol())), spec.python())
                .expect("write module");
            let _ = writeln!(
                input,
                "{} {} {}",
                spec.protocol(),
                hex(stream),
                payloads.join(",")
            );
        }
        let out = crate::run_python(FRAMING_RUNNER, &dir, &input);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<&str> = text.lines().collect();
        let want: Vec<&str> = vec!["ok"; streams.len()];
        assert_eq!(
            got,
            want,
            "framings: {:?}",
            streams.iter().map(|s| s.0).collect::<Vec<_>>()
        );
    }
    if have("gcc") {
        // C: <p>_unframe splits netwire's stream into its payloads, and
        // <p>_frame_header puts it back together.
        let dir = scratch("conform-framing-c");
        let mut program = String::from(
            "#include <stdio.h>\n#include <stdlib.h>\n#include <stdint.h>\n#include <string.h>\n",
        );
        let mut body = String::new();
        for (spec, (framing, stream)) in specs.iter().zip(&streams) {
            if *framing == Framing::SelfDelimited {
                continue;
            }
            let p = spec.protocol();
            std::fs::write(dir.join(format!("{p}.h")), spec.c_header()).expect("write header");
            let _ = writeln!(program, "#include \"{p}.h\"");
            let bytes: Vec<String> = stream.iter().map(|b| b.to_string()).collect();
            let _ = write!(
                body,
                "    {{ static const uint8_t s[] = {{ {}0 }}; size_t len = {}, at = 0, back_len = 0;\n\
                 \x20     uint8_t *back = malloc(len + 1);\n\
                 \x20     while (at < len) {{ const uint8_t *pl; size_t pn; long n = {p}_unframe(s + at, len - at, &pl, &pn);\n\
                 \x20       if (n <= 0) {{ printf(\"{p} stuck at %zu: %ld\\n\", at, n); return 1; }}\n\
                 \x20       for (size_t i = 0; i < pn; i++) printf(\"%02x\", pl[i]);\n        printf(\",\");\n\
                 \x20       long h = {p}_frame_header(pn, back + back_len, len + 1 - back_len); if (h < 0) return 2;\n\
                 \x20       back_len += (size_t)h; memcpy(back + back_len, pl, pn); back_len += pn; at += (size_t)n; }}\n\
                 \x20     printf(\" %s\\n\", back_len == len && memcmp(back, s, len) == 0 ? \"same\" : \"differs\"); free(back); }}\n",
                bytes.iter().map(|b| format!("{b}, ")).collect::<String>(),
                stream.len()
            );
        }
        let _ = write!(program, "int main(void) {{\n{body}    return 0;\n}}\n");
        std::fs::write(dir.join("main.c"), program).expect("write main.c");
        let run = crate::run_c(&dir, "framing", &["-Wno-unused-function"], None);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stdout)
        );
        let text = String::from_utf8_lossy(&run.stdout);
        let want = format!("{}, same", payloads.join(","));
        for line in text.lines() {
            assert_eq!(line, want);
        }
        assert_eq!(text.lines().count(), streams.len() - 1);
    }
    if have("tshark") {
        let dir = scratch("conform-framing-tshark");
        for (i, (spec, (framing, stream))) in specs.iter().zip(&streams).enumerate() {
            let port = 7000;
            let lua = dir.join(format!("{}.lua", spec.protocol()));
            std::fs::write(&lua, spec.wireshark_lua(port)).expect("write lua");
            let mut stream = stream.clone();
            // A frame announcing more than the limit ends the capture.
            let over = match framing {
                Framing::LengthPrefix {
                    width: LengthWidth::U32,
                    includes_header: false,
                } => {
                    stream.extend(201u32.to_be_bytes());
                    stream.extend([0; 8]);
                    true
                }
                _ => false,
            };
            let (c, s) = (1000u32, 5000u32);
            let mut frames = vec![
                crate::wireshark::packet(true, c, 0, 0x02, &[]),
                crate::wireshark::packet(false, s, c + 1, 0x12, &[]),
                crate::wireshark::packet(true, c + 1, s + 1, 0x10, &[]),
            ];
            let mut seq = c + 1;
            let mut at = 0;
            let mut k = 0;
            while at < stream.len() {
                k += 1;
                let n = (k * 37 % 61 + 1).min(stream.len() - at);
                frames.push(crate::wireshark::packet(
                    true,
                    seq,
                    s + 1,
                    0x18,
                    &stream[at..at + n],
                ));
                seq += n as u32;
                at += n;
            }
            let file = dir.join(format!("{i}.pcap"));
            std::fs::write(&file, pcap(&frames)).expect("write pcap");
            let p = format!("nw_{}", spec.protocol());
            let out = Command::new("tshark")
                .arg("-X")
                .arg(format!("lua_script:{}", lua.display()))
                .arg("-r")
                .arg(&file)
                .args(["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"])
                .args([
                    "-e",
                    &format!("{p}.variants.tag"),
                    "-e",
                    "_ws.expert.message",
                ])
                .output()
                .expect("tshark runs");
            let text = String::from_utf8_lossy(&out.stdout);
            let mut shown = Vec::new();
            let mut experts = Vec::new();
            for line in text.lines() {
                let mut cols = line.split('\t');
                shown.extend(
                    cols.next()
                        .unwrap_or("")
                        .split('|')
                        .filter(|t| !t.is_empty()),
                );
                experts.extend(
                    cols.next()
                        .unwrap_or("")
                        .split('|')
                        .filter(|t| t.starts_with("netwire") || t.contains("Lua")),
                );
            }
            assert_eq!(shown, tags, "{framing}: tshark said\n{text}");
            // After a frame over the limit the stream cannot be followed:
            // that frame is flagged, whatever comes after it.
            if over {
                assert_eq!(
                    experts.first().copied(),
                    Some("netwire: LengthOverLimit at offset 0"),
                    "{framing}: tshark said\n{text}"
                );
                assert!(!experts.iter().any(|e| e.contains("Lua")), "{text}");
            } else {
                assert!(experts.is_empty(), "{framing}: tshark said\n{text}");
            }
        }
    }
}

/// A BitTorrent handshake: 68 bytes before the length-prefixed messages.
#[derive(Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
struct Handshake {
    #[serde(with = "netwire::with::len_u8")]
    protocol: String,
    reserved: [u8; 8],
    info_hash: [u8; 20],
    peer_id: [u8; 20],
}

/// One parameter of a PostgreSQL-like startup message.
#[derive(Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
struct Param {
    #[serde(with = "netwire::with::cstr")]
    name: String,
    #[serde(with = "netwire::with::cstr")]
    value: String,
}

/// A PostgreSQL-like startup message: its own `Int32` length, no type
/// byte, parameters up to a zero byte.
#[derive(Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
struct Startup {
    length: u32,
    version: u32,
    #[serde(with = "netwire::with::nul_terminated")]
    params: Vec<Param>,
}

const PREAMBLE_RUNNER: &str = r#"
import importlib, sys
sys.path.insert(0, sys.argv[1])
class Chunks:
    """A socket handing out the stream a few bytes at a time, keeping what is sent."""
    def __init__(self, data):
        self.data, self.n, self.sent = data, 0, bytearray()
    def recv(self, _):
        self.n = self.n % 7 + 1
        out, self.data = self.data[:self.n], self.data[self.n:]
        return out
    def send(self, b):
        self.sent += b
        return len(b)
for line in sys.stdin:
    name, stream, pre, payloads = line.split(" ")
    m = importlib.import_module(name)
    stream, pre = bytes.fromhex(stream), bytes.fromhex(pre)
    payloads = [bytes.fromhex(p) for p in payloads.strip().split(",")]
    ms, got = m.MessageSocket(Chunks(stream)), []
    try:
        ms.recv()
        print("bad: recv before the preamble")
        continue
    except m.FrameError:
        pass
    p = ms.recv_preamble()
    if not isinstance(p, m.PREAMBLE) or m.encode(p) != pre:
        print(f"bad preamble: {p!r}")
        continue
    while True:
        v = ms.recv()
        if v is None:
            break
        got.append(m.encode(v))
    if got != payloads:
        print(f"bad recv: {[g.hex() for g in got]}")
        continue
    out = m.MessageSocket(Chunks(b""))
    out.send_preamble(p)
    for x in payloads:
        out.send(m.decode(x))
    print("ok" if bytes(out.sock.sent) == stream else f"bad send: {bytes(out.sock.sent).hex()}")
"#;

/// A stream that starts with a preamble (a BitTorrent handshake before
/// frames, a PostgreSQL-like startup message before self-delimited
/// messages), as netwire writes it: Python reads the preamble once, then
/// every message, a few bytes at a time, and writes the same stream back;
/// tshark shows each direction's preamble and every message after it with
/// the tags netwire wrote, nothing flagged.
#[test]
fn a_preamble_comes_before_the_framed_messages_in_every_peer() {
    let config = Config::new().with_limit(200).with_enum_tags(TAGS);
    let mut g = Gen::new(8);
    let msgs: Vec<Variants> = (0..30)
        .map(|_| Variants::arbitrary(&mut g))
        .filter(|m| config.to_vec(m).is_ok_and(|b| b.len() < 200))
        .collect();
    let payloads: Vec<String> = msgs
        .iter()
        .map(|m| hex(&config.to_vec(m).expect("encodes")))
        .collect();
    let tags: Vec<String> = msgs
        .iter()
        .map(|m| config.to_vec(m).expect("encodes")[0].to_string())
        .collect();
    let handshake = |id: u8| Handshake {
        protocol: "BitTorrent protocol".into(),
        reserved: [0; 8],
        info_hash: [0xab; 20],
        peer_id: [id; 20],
    };
    let startup = |user: &str| Startup {
        length: 0,
        version: 196_608,
        params: vec![
            Param {
                name: "user".into(),
                value: user.into(),
            },
            Param {
                name: "database".into(),
                value: "netwire".into(),
            },
        ],
    };
    // (spec, client preamble, server preamble, stream after the preamble,
    // the field tshark shows of the preamble)
    type Case = (Spec, Vec<u8>, Vec<u8>, Vec<u8>, &'static str);
    let mut cases: Vec<Case> = Vec::new();
    for (i, (framing, stream)) in framed_streams(config, &msgs).into_iter().enumerate() {
        let name = format!("pre{i}");
        let spec = Spec::new(&name, config, framing);
        if framing == Framing::SelfDelimited {
            let spec = spec
                .preamble::<Startup>()
                .and_then(|s| s.message::<Variants>())
                .expect("traces");
            let c = netwire::net::to_vec(&startup("alice")).expect("encodes");
            let s = netwire::net::to_vec(&startup("bob")).expect("encodes");
            cases.push((spec, c, s, stream, "startup.version"));
        } else {
            let spec = spec
                .preamble::<Handshake>()
                .and_then(|s| s.message::<Variants>())
                .expect("traces");
            assert_eq!(spec.preamble_type(), Some("Handshake"));
            let c = netwire::net::to_vec(&handshake(1)).expect("encodes");
            assert_eq!(c.len(), 68);
            let s = netwire::net::to_vec(&handshake(2)).expect("encodes");
            cases.push((spec, c, s, stream, "handshake.peer_id"));
        }
    }
    if have("python3") {
        let dir = scratch("conform-preamble-py");
        let mut input = String::new();
        for (spec, pre, _, stream, _) in &cases {
            std::fs::write(dir.join(format!("{}.py", spec.protocol())), spec.python())
                .expect("write module");
            let mut whole = pre.clone();
            whole.extend(stream);
            let _ = writeln!(
                input,
                "{} {} {} {}",
                spec.protocol(),
                hex(&whole),
                hex(pre),
                payloads.join(",")
            );
        }
        let out = crate::run_python(PREAMBLE_RUNNER, &dir, &input);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let got: Vec<&str> = text.lines().collect();
        assert_eq!(got, vec!["ok"; cases.len()]);
    }
    if have("tshark") {
        let dir = scratch("conform-preamble-tshark");
        for (i, (spec, cpre, spre, stream, field)) in cases.iter().enumerate() {
            let lua = dir.join(format!("{}.lua", spec.protocol()));
            std::fs::write(&lua, spec.wireshark_lua(7000)).expect("write lua");
            // The client sends its preamble and every message; then the
            // server its own preamble and the first three messages.
            let mut client = cpre.clone();
            client.extend(stream);
            let server_msgs = &msgs[..3];
            let mut server = spre.clone();
            // The server's messages framed as the client's are: the same
            // stream, cut after three messages.
            let three: usize = match spec.framing() {
                Framing::LengthPrefix { width, .. } => server_msgs
                    .iter()
                    .map(|m| width.size() + config.to_vec(m).expect("encodes").len())
                    .sum(),
                Framing::AsciiDigits(d) => server_msgs
                    .iter()
                    .map(|m| d + config.to_vec(m).expect("encodes").len())
                    .sum(),
                _ => server_msgs
                    .iter()
                    .map(|m| config.to_vec(m).expect("encodes").len())
                    .sum(),
            };
            server.extend(&stream[..three]);
            let (c, s) = (1000u32, 5000u32);
            let mut frames = vec![
                crate::wireshark::packet(true, c, 0, 0x02, &[]),
                crate::wireshark::packet(false, s, c + 1, 0x12, &[]),
                crate::wireshark::packet(true, c + 1, s + 1, 0x10, &[]),
            ];
            let (mut cseq, mut sseq) = (c + 1, s + 1);
            for (to_server, data) in [(true, &client), (false, &server)] {
                let mut segments = Vec::new();
                let mut at = 0;
                let mut k = 0;
                while at < data.len() {
                    k += 1;
                    // Cut at odd places: the preamble spans segments.
                    let n = (k * 37 % 61 + 1).min(data.len() - at);
                    let (seq, ack) = if to_server {
                        (cseq, sseq)
                    } else {
                        (sseq, cseq)
                    };
                    let segment =
                        crate::wireshark::packet(to_server, seq, ack, 0x18, &data[at..at + n]);
                    segments.push(segment.clone());
                    if k <= 2 {
                        // Retransmitted: the preamble's first segments
                        // twice, as a lossy capture shows them.
                        segments.push(segment);
                    }
                    if to_server {
                        cseq += n as u32;
                    } else {
                        sseq += n as u32;
                    }
                    at += n;
                }
                // Out of order: the preamble's second segment after the
                // third (the retransmitted first sits at 0 and 1).
                if segments.len() > 4 {
                    segments.swap(2, 4);
                }
                frames.extend(segments);
            }
            let file = dir.join(format!("{i}.pcap"));
            std::fs::write(&file, pcap(&frames)).expect("write pcap");
            let p = format!("nw_{}", spec.protocol());
            let out = Command::new("tshark")
                .arg("-X")
                .arg(format!("lua_script:{}", lua.display()))
                .args(["-o", "tcp.reassemble_out_of_order:TRUE"])
                .arg("-r")
                .arg(&file)
                .args(["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"])
                .args([
                    "-e",
                    &format!("{p}.variants.tag"),
                    "-e",
                    &format!("{p}.{field}"),
                    "-e",
                    "_ws.expert.message",
                ])
                .output()
                .expect("tshark runs");
            let text = String::from_utf8_lossy(&out.stdout);
            let (mut shown, mut pre, mut experts) = (Vec::new(), 0, Vec::new());
            for line in text.lines() {
                let mut cols = line.split('\t');
                shown.extend(
                    cols.next()
                        .unwrap_or("")
                        .split('|')
                        .filter(|t| !t.is_empty()),
                );
                pre += cols
                    .next()
                    .unwrap_or("")
                    .split('|')
                    .filter(|t| !t.is_empty())
                    .count();
                experts.extend(
                    cols.next()
                        .unwrap_or("")
                        .split('|')
                        .filter(|t| t.starts_with("netwire") || t.contains("Lua")),
                );
            }
            let mut want = tags.clone();
            want.extend(tags[..3].iter().cloned());
            let framing = spec.framing();
            assert_eq!(shown, want, "{framing}: tshark said\n{text}");
            assert_eq!(pre, 2, "{framing}: one preamble each way\n{text}");
            assert!(experts.is_empty(), "{framing}: tshark said\n{text}");
        }
    }
}

/// The preamble is part of the layout: in the JSON document (version 2,
/// read back as written), in the fingerprint and in `compare`; a spec
/// without one keeps its version-1 document; datagrams cannot have one.
#[test]
fn a_preamble_is_in_the_document_the_fingerprint_and_compare() {
    let base = || Spec::new("pg", Config::new(), Framing::length_prefix_u32());
    let plain = base().message::<Variants>().expect("traces");
    let with = base()
        .preamble::<Handshake>()
        .and_then(|s| s.message::<Variants>())
        .expect("traces");
    let other = base()
        .preamble::<Startup>()
        .and_then(|s| s.message::<Variants>())
        .expect("traces");
    let doc = with.to_json();
    assert!(doc.contains("\"version\": 2,"), "{doc}");
    assert!(
        doc.contains("\"preamble\": \"Handshake\",\n  \"messages\""),
        "{doc}"
    );
    let back = Spec::from_json(&doc).expect("reads");
    assert_eq!(back.preamble_type(), Some("Handshake"));
    assert_eq!(back.to_json(), doc);
    assert_eq!(back.fingerprint(), with.fingerprint());
    assert!(back.python().contains("PREAMBLE = Handshake\n"));
    let old = plain.to_json();
    assert!(old.contains("\"version\": 1,") && !old.contains("preamble"));
    assert_eq!(Spec::from_json(&old).expect("reads").preamble_type(), None);
    // Preamble or not, and which one, changes what the bytes mean.
    assert_ne!(with.fingerprint(), plain.fingerprint());
    assert_ne!(with.fingerprint(), other.fingerprint());
    let added: Vec<String> = with.compare(&plain).iter().map(|c| c.to_string()).collect();
    assert_eq!(
        added,
        [
            "[breaking] preamble Handshake (byte 0): preamble added: the stream starts with it; \
          new reader on old bytes: may misread, old reader on new bytes: may misread"
        ]
    );
    assert!(!plain.compare(&with).is_empty());
    let changed = other.compare(&with);
    assert!(
        changed
            .iter()
            .any(|c| c.to_string().starts_with("[breaking] preamble Startup")),
        "{changed:?}"
    );
    assert!(with.compare(&back).is_empty());
    // A document of version 2 without its preamble is refused.
    let broken = doc.replace("  \"preamble\": \"Handshake\",\n", "");
    assert!(Spec::from_json(&broken).is_err());
    let err = Spec::new("p", Config::new(), Framing::Datagram)
        .preamble::<Handshake>()
        .unwrap_err();
    assert!(err.reason().contains("datagram"), "{err}");
    let twice = base()
        .preamble::<Handshake>()
        .and_then(|s| s.preamble::<Startup>())
        .unwrap_err();
    assert!(twice.reason().contains("already"), "{twice}");
    // The Markdown and the C header say it comes first.
    assert!(
        with.markdown()
            .contains("## Preamble\n\nEach direction of a stream starts with one `Handshake`")
    );
    assert!(
        with.c_header()
            .contains("typedef pg_Handshake pg_preamble;")
    );
    if have("gcc") {
        // The C side decodes the 68-byte handshake, then unframes.
        let dir = scratch("conform-preamble-c");
        std::fs::write(dir.join("pg.h"), with.c_header()).expect("write header");
        let hs = netwire::net::to_vec(&Handshake {
            protocol: "BitTorrent protocol".into(),
            reserved: [0; 8],
            info_hash: [7; 20],
            peer_id: [9; 20],
        })
        .expect("encodes");
        let mut stream = hs.clone();
        stream.extend([0, 0, 0, 1, 5]);
        let bytes: String = stream.iter().map(|b| format!("{b}, ")).collect();
        let program = format!(
            "#include <stdio.h>\n#include \"pg.h\"\nint main(void) {{\n\
             \x20   static const uint8_t s[] = {{ {bytes} }};\n    pg_preamble h; pg_error e; uint8_t back[68];\n\
             \x20   long n = pg_preamble_decode_at(s, sizeof s, &h, &e);\n\
             \x20   const uint8_t *pl; size_t pn;\n    long f = n < 0 ? n : pg_unframe(s + n, sizeof s - (size_t)n, &pl, &pn);\n\
             \x20   long b = n < 0 ? n : pg_preamble_encode(&h, back, sizeof back);\n\
             \x20   printf(\"%ld %ld %ld %d\\n\", n, f, b, b == 68 && memcmp(back, s, 68) == 0);\n    return 0;\n}}\n"
        );
        std::fs::write(dir.join("main.c"), program).expect("write main.c");
        let run = crate::run_c(&dir, "pre", &["-Wno-unused-function"], None);
        assert_eq!(String::from_utf8_lossy(&run.stdout), "68 5 68 1\n");
    }
}
