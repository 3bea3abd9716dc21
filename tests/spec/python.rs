//! The generated Python module against netwire: round trips, hostile
//! inputs, and a socket exchange.

use std::net::TcpListener;
use std::process::{Command, Stdio};

use netwire::ErrorKind;
use netwire::frame::LengthPrefixed;
use netwire::net::{Config, TagTable};
use netwire::spec::{Framing, Spec};
use netwire::stream::{MessageReader, MessageWriter};
use quickcheck::{Arbitrary, Gen};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::types::*;
use crate::{have, hex, scratch};

/// The spec of the test types under `config`.
pub fn spec(config: Config<TagTable>, framing: Framing) -> Spec {
    Spec::new("proto", config, framing)
        .message::<All>()
        .and_then(|s| s.message::<Maybe>())
        .and_then(|s| s.message::<Records>())
        .expect("the test types trace")
}

const RUNNER: &str = r#"
import sys
sys.path.insert(0, sys.argv[1])
import proto as m
out = []
for line in sys.stdin:
    parts = line.split()
    mode, cls = parts[0], getattr(m, parts[1])
    data = bytes.fromhex(parts[2] if len(parts) > 2 else "")
    try:
        if mode == "whole":
            v = m.decode(data, cls)
            out.append("ok " + m.encode(v).hex())
        else:
            v, used = m.decode_prefix(data, cls)
            out.append("ok " + m.encode(v).hex() + " " + str(used))
    except m.UnexpectedEnd as e:
        out.append(f"err UnexpectedEnd {e.offset} {e.needed}")
    except m.LengthOverLimit as e:
        out.append(f"err LengthOverLimit {e.offset} {e.length} {e.limit}")
    except m.DecodeError as e:
        out.append(f"err {e.kind} {e.offset}")
sys.stdout.write("\n".join(out) + "\n")
"#;

/// What netwire says of an input.
enum Says {
    /// Decoded; `canon` is netwire's re-encoding, `used` the bytes taken.
    Ok {
        canon: Vec<u8>,
        used: Option<usize>,
        decode: fn(&Config<TagTable>, &[u8]) -> Vec<u8>,
    },
    Err(String),
    /// A `Custom` error: a check of the type's own `Deserialize`, which the
    /// Python side does not make.
    Custom,
}

fn canon<T: DeserializeOwned + Serialize>(config: &Config<TagTable>, bytes: &[u8]) -> Vec<u8> {
    let v: T = config
        .from_slice(bytes)
        .expect("netwire decodes what Python encodes");
    config.to_vec(&v).expect("re-encodes")
}

fn rust_says<T: DeserializeOwned + Serialize>(
    config: &Config<TagTable>,
    whole: bool,
    bytes: &[u8],
) -> Says {
    let result = if whole {
        config.from_slice::<T>(bytes).map(|v| (v, None))
    } else {
        config
            .take_from_slice::<T>(bytes)
            .map(|(v, rest)| (v, Some(bytes.len() - rest.len())))
    };
    match result {
        Ok((v, used)) => Says::Ok {
            canon: config.to_vec(&v).expect("re-encodes"),
            used,
            decode: canon::<T>,
        },
        Err(e) => {
            let off = e
                .offset()
                .map_or_else(|| "None".to_string(), |o| o.to_string());
            Says::Err(match e.kind() {
                ErrorKind::Custom(_) => return Says::Custom,
                ErrorKind::UnexpectedEnd => {
                    format!("err UnexpectedEnd {off} {}", e.needed().unwrap_or(0))
                }
                ErrorKind::LengthOverLimit { len, limit } => {
                    format!("err LengthOverLimit {off} {len} {limit}")
                }
                k => {
                    let name = format!("{k:?}");
                    let name = name.split(['(', ' ']).next().unwrap_or("").to_string();
                    format!("err {name} {off}")
                }
            })
        }
    }
}

struct Batch {
    config: Config<TagTable>,
    lines: Vec<String>,
    expected: Vec<Says>,
    inputs: Vec<Vec<u8>>,
    valid: usize,
}

impl Batch {
    fn push<T: DeserializeOwned + Serialize>(&mut self, cls: &str, whole: bool, bytes: &[u8]) {
        let mode = if whole { "whole" } else { "prefix" };
        self.lines.push(format!("{mode} {cls} {}", hex(bytes)));
        self.expected
            .push(rust_says::<T>(&self.config, whole, bytes));
        self.inputs.push(bytes.to_vec());
    }

    /// A value, its every truncation, its prefix decoding and some
    /// corruptions (random bytes, huge length prefixes).
    fn value<T: DeserializeOwned + Serialize>(
        &mut self,
        cls: &str,
        v: &T,
        g: &mut Gen,
        hostile: bool,
    ) {
        let Ok(bytes) = self.config.to_vec(v) else {
            return;
        };
        self.valid += 1;
        self.push::<T>(cls, true, &bytes);
        if !hostile {
            return;
        }
        let mut extended = bytes.clone();
        extended.extend_from_slice(&[0, 1, 2]);
        self.push::<T>(cls, false, &extended);
        self.push::<T>(cls, true, &extended);
        for k in 0..bytes.len() {
            self.push::<T>(cls, true, &bytes[..k]);
        }
        for _ in 0..12 {
            let mut bad = bytes.clone();
            if bad.is_empty() {
                break;
            }
            let at = usize::arbitrary(g) % bad.len();
            if bool::arbitrary(g) {
                bad[at] = u8::arbitrary(g);
            } else {
                for b in bad.iter_mut().skip(at).take(1 + usize::arbitrary(g) % 8) {
                    *b = 0xff;
                }
            }
            self.push::<T>(cls, true, &bad);
            self.push::<T>(cls, false, &bad);
        }
    }
}

fn run_batch(name: &str, spec: &Spec, batch: &Batch) -> usize {
    let dir = scratch(name);
    std::fs::write(dir.join("proto.py"), spec.python()).expect("write module");
    let input = batch.lines.join("\n") + "\n";
    let out = crate::run_python(RUNNER, &dir, &input);
    assert!(
        out.status.success(),
        "python3 failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let got: Vec<&str> = text.lines().collect();
    assert_eq!(got.len(), batch.lines.len(), "one answer per input");
    let mut compared = 0;
    for (((line, want), got), input) in batch
        .lines
        .iter()
        .zip(&batch.expected)
        .zip(&got)
        .zip(&batch.inputs)
    {
        match want {
            Says::Custom => continue,
            Says::Err(want) => assert_eq!(got, want, "input: {line}"),
            Says::Ok {
                canon,
                used,
                decode,
            } => {
                let mut parts = got.split(' ');
                assert_eq!(parts.next(), Some("ok"), "input: {line}\npython: {got}");
                let py = parse_hex(parts.next().unwrap_or(""));
                let py_used = parts.next().map(|u| u.parse::<usize>().expect("a count"));
                assert_eq!(py_used, *used, "input: {line}");
                let taken = &input[..used.unwrap_or(input.len())];
                if canon == taken {
                    // A canonical input comes back byte for byte.
                    assert_eq!(py, taken, "input: {line}");
                }
                // Python's bytes decode in netwire to the same value.
                assert_eq!(&decode(&batch.config, &py), canon, "input: {line}");
            }
        }
        compared += 1;
    }
    compared
}

fn round_trips(name: &str, config: Config<TagTable>) {
    if !have("python3") {
        return;
    }
    let spec = spec(config, Framing::length_prefix_u32());
    let mut batch = Batch {
        config,
        lines: Vec::new(),
        expected: Vec::new(),
        inputs: Vec::new(),
        valid: 0,
    };
    let mut g = Gen::new(12);
    for i in 0..80 {
        batch.value("All", &All::arbitrary(&mut g), &mut g, i < 12);
        batch.value("Maybe", &Maybe::arbitrary(&mut g), &mut g, i < 20);
        batch.value("Records", &Records::arbitrary(&mut g), &mut g, i < 20);
    }
    assert!(batch.valid > 100, "only {} values encode", batch.valid);
    let compared = run_batch(name, &spec, &batch);
    eprintln!(
        "{name}: {} values, {} inputs, {compared} compared with netwire",
        batch.valid,
        batch.lines.len()
    );
    assert!(compared * 10 > batch.lines.len() * 8);
}

#[test]
fn python_round_trips_and_hostile_inputs() {
    round_trips("py-wide", WIDE);
}

#[test]
fn python_small_limits() {
    round_trips("py-small", SMALL);
}

#[test]
fn python_depth_limit_of_recursive_input() {
    if !have("python3") {
        return;
    }
    // A chain of Nested variants deeper than the depth limit.
    let spec = spec(SMALL, Framing::length_prefix_u32());
    let mut batch = Batch {
        config: SMALL,
        lines: Vec::new(),
        expected: Vec::new(),
        inputs: Vec::new(),
        valid: 0,
    };
    for depth in 0..12 {
        let mut bytes = Vec::new();
        // Records { id, items: rest } won't nest; All's `shapes` will, so
        // feed a Shapes chain through a hand-built All prefix instead: a
        // long run of Nested tags ends in the depth limit.
        bytes.extend(std::iter::repeat_n([0u8, 1], depth).flatten());
        bytes.extend([0, 3]);
        batch.push::<Shapes>("Shapes", true, &bytes);
    }
    let compared = run_batch("py-depth", &spec, &batch);
    assert_eq!(compared, 12);
}

#[test]
fn python_message_socket() {
    if !have("python3") {
        return;
    }
    let spec = spec(WIDE, Framing::length_prefix_u32());
    let dir = scratch("py-socket");
    std::fs::write(dir.join("proto.py"), spec.python()).expect("write module");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let script = format!(
        "import socket, sys\nsys.path.insert(0, {dir:?})\nimport proto\n\
         s = socket.create_connection(('127.0.0.1', {port}))\n\
         ms = proto.MessageSocket(s, proto.All, send_chunk=3)\nn = 0\n\
         while True:\n    m = ms.recv()\n    if m is None:\n        break\n    ms.send(m)\n    n += 1\n\
         s.close()\nprint(n)\n",
        dir = dir.display().to_string()
    );
    let child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let (socket, _) = listener.accept().expect("accept");
    let mut g = Gen::new(10);
    let sent: Vec<All> = (0..20)
        .map(|_| All::arbitrary(&mut g))
        .filter(|v| WIDE.to_vec(v).is_ok())
        .collect();
    let reader_socket = socket.try_clone().expect("clone");
    let mut tx = MessageWriter::with_encoding(socket, LengthPrefixed::u32(), WIDE);
    for m in &sent {
        tx.write(m).expect("write");
    }
    tx.get_ref()
        .shutdown(std::net::Shutdown::Write)
        .expect("shutdown");
    let mut rx = MessageReader::with_encoding(reader_socket, LengthPrefixed::u32(), WIDE);
    let mut back = Vec::new();
    while let Some(m) = rx.read::<All>().expect("read") {
        back.push(m);
    }
    let out = child.wait_with_output().expect("python3 ends");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        sent.len().to_string()
    );
    let bytes = |v: &[All]| {
        v.iter()
            .map(|m| WIDE.to_vec(m).expect("encodes"))
            .collect::<Vec<_>>()
    };
    assert_eq!(bytes(&back), bytes(&sent));
}

fn parse_hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// A fixed layout of numbers only: `decode` and `encode` read and write it
/// in one `unpack` and one `pack` of their own.
#[derive(Serialize, serde::Deserialize)]
struct Plain {
    a: u16,
    b: i64,
}

/// A fixed layout with a bool, and field names the value classes use.
#[derive(Serialize, serde::Deserialize)]
struct Named {
    kind: u8,
    ok: bool,
    #[serde(rename = "_cls")]
    cls: u16,
    #[serde(rename = "_tnew")]
    tnew: u32,
    count: i8,
    #[serde(rename = "_replace")]
    replace: f64,
}

/// A tuple field: a value class, a tuple too, is no value for it.
#[derive(Serialize, serde::Deserialize)]
struct Holder {
    pair: (u8, u16),
    inner: Option<Plain>,
    ratio: f32,
}

/// A value with a `bits` field, which an `f32` once took for a NaN's bits.
#[derive(Serialize, serde::Deserialize)]
struct Bits {
    bits: u32,
}

#[derive(Serialize, serde::Deserialize)]
enum Figure {
    Circle(u32),
    Square(u32),
    #[serde(rename = "_replace")]
    Replace {
        a: u8,
    },
    #[serde(rename = "_fields")]
    Fields,
    Empty,
}

const VALUES: &str = r#"
import copy, pickle, sys
sys.path.insert(0, sys.argv[1])
import values as m
plain, named, circle, empty, holder = (bytes.fromhex(h) for h in sys.argv[2:7])

p = m.Plain(a=7, b=-2)
assert m.encode(p) == plain and m.decode(plain) == p and type(m.decode(plain)) is m.Plain
assert m.decode(bytearray(plain)) == p and m.decode(memoryview(plain)) == p
assert (p.a, p.b) == (7, -2) and tuple(p) == (7, -2) and p[1] == -2
for bad, kind, offset in ((plain[:3], "UnexpectedEnd", 2), (plain + b"\0", "TrailingBytes", 10)):
    try:
        m.decode(bad)
        raise AssertionError(f"decoded {bad.hex()}")
    except m.DecodeError as e:
        assert (e.kind, e.offset) == (kind, offset), (e.kind, e.offset)
for bad in (p._replace(a=1 << 16), p._replace(a=-1), p._replace(a=1.0), p._replace(b=None), p._replace(a="1")):
    try:
        m.encode(bad)
        raise AssertionError(f"encoded {bad!r}")
    except m.EncodeError:
        pass

n = m.Named(kind=1, ok=True, _cls_2=2, _tnew_2=3, count=-4, _replace_2=0.5)
assert m.Named._fields == ("kind", "ok", "_cls_2", "_tnew_2", "count", "_replace_2"), m.Named._fields
assert m.encode(n) == named and m.decode(named, m.Named) == n and hash(m.decode(named, m.Named)) == hash(n)
assert repr(n) == "Named(kind=1, ok=True, _cls_2=2, _tnew_2=3, count=-4, _replace_2=0.5)", repr(n)
assert n.count == -4 and n._replace(kind=9).kind == 9 and n._replace(kind=9)._cls_2 == 2
assert n._asdict() == {"kind": 1, "ok": True, "_cls_2": 2, "_tnew_2": 3, "count": -4, "_replace_2": 0.5}
assert pickle.loads(pickle.dumps(n)) == n and copy.deepcopy(n) == n and copy.copy(n) == n
assert n != tuple(n) and tuple(n) != n and not (n == tuple(n))
for bad in (n._replace(ok=2), n._replace(ok=1), n._replace(ok=None), n._replace(kind=256)):
    try:
        m.encode(bad)
        raise AssertionError(f"encoded {bad!r}")
    except m.EncodeError:
        pass
try:
    m.decode(named[:1] + b"\x02" + named[2:], m.Named)
    raise AssertionError("a bool of 2 decoded")
except m.InvalidBool as e:
    assert e.offset == 1
try:
    n.kind = 2
    raise AssertionError("a field was set")
except AttributeError:
    pass
try:
    n.other = 2
    raise AssertionError("an attribute was added")
except AttributeError:
    pass
try:
    n < n
    raise AssertionError("values are ordered")
except TypeError:
    pass
try:
    n._replace(nope=1)
    raise AssertionError("_replace took an unknown field")
except TypeError:
    pass

c = m.Figure.Circle(value=5)
assert m.encode(c) == circle and m.decode(circle, m.Figure) == c and isinstance(c, m.Figure)
assert c != m.Figure.Square(5) and hash(c) == hash(m.Figure_Circle(5)) and {c: 1}[m.Figure_Circle(5)] == 1
assert m.Figure._replace_2(a=1)._replace(a=2) == m.Figure._replace_2(2)
assert m.Figure._fields_2() != m.Figure.Empty() and m.decode(empty, m.Figure) == m.Figure.Empty()
assert bool(m.Figure.Empty()) and len(m.Figure.Empty()) == 0
assert repr(m.Figure.Empty()) == "Figure_Empty()" and repr(c) == "Figure_Circle(value=5)"
# What a positional `case Figure_Circle(v):` pattern reads.
assert m.Figure_Circle.__match_args__ == ("value",) and m.Named.__match_args__ == m.Named._fields
print("ok")
"#;

/// Writes the module of the value types in scratch directory `name` and
/// runs `script` with the bytes netwire writes for its values; the script
/// prints "ok".
fn run_values(name: &str, script: &str) {
    let config = Config::new();
    let spec = Spec::new("values", config, Framing::SelfDelimited)
        .message::<Plain>()
        .and_then(|s| s.message::<Named>())
        .and_then(|s| s.message::<Figure>())
        .and_then(|s| s.message::<Holder>())
        .and_then(|s| s.message::<Bits>())
        .expect("traces");
    let dir = scratch(name);
    std::fs::write(dir.join("values.py"), spec.python()).expect("write module");
    let plain = config.to_vec(&Plain { a: 7, b: -2 }).expect("encodes");
    let named = Named {
        kind: 1,
        ok: true,
        cls: 2,
        tnew: 3,
        count: -4,
        replace: 0.5,
    };
    let named = config.to_vec(&named).expect("encodes");
    let circle = config.to_vec(&Figure::Circle(5)).expect("encodes");
    let empty = config.to_vec(&Figure::Empty).expect("encodes");
    let holder = Holder {
        pair: (1, 2),
        inner: Some(Plain { a: 7, b: -2 }),
        ratio: 0.5,
    };
    let holder = config.to_vec(&holder).expect("encodes");
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&dir)
        .args([
            hex(&plain),
            hex(&named),
            hex(&circle),
            hex(&empty),
            hex(&holder),
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}

#[test]
fn python_values_are_tuples_with_named_fields_equal_only_in_their_class() {
    if have("python3") {
        run_values("py-values", VALUES);
    }
}

const FOREIGN: &str = r#"
import sys
sys.path.insert(0, sys.argv[1])
import values as m
holder = bytes.fromhex(sys.argv[6])
n = m.Named(kind=1, ok=True, _cls_2=2, _tnew_2=3, count=-4, _replace_2=0.5)

h = m.Holder(pair=(1, 2), inner=m.Plain(7, -2), ratio=0.5)
assert m.encode(h) == holder and m.decode(holder, m.Holder) == h and type(h.pair) is tuple
for bad in (h._replace(pair=m.Plain(1, 2)), h._replace(inner=(7, -2)), h._replace(inner=m.Named(*n)),
            h._replace(ratio=m.Bits(1))):
    try:
        m.encode(bad)
        raise AssertionError(f"encoded {bad!r}")
    except m.EncodeError:
        pass
print("ok")
"#;

#[test]
fn python_encode_refuses_a_value_class_for_a_tuple_or_a_float() {
    if have("python3") {
        run_values("py-foreign", FOREIGN);
    }
}

/// Types named as the generated functions' locals and parameters.
#[derive(Serialize, serde::Deserialize)]
#[serde(rename = "data")]
struct DataT {
    a: u8,
    b: u16,
}

#[derive(Serialize, serde::Deserialize)]
#[serde(rename = "r")]
struct RT {
    a: u8,
    ok: bool,
}

#[derive(Serialize, serde::Deserialize)]
#[serde(rename = "v")]
struct VT(u32, String);

#[derive(Serialize, serde::Deserialize)]
#[serde(rename = "x0")]
struct X0T {
    a: u8,
}

#[derive(Serialize, serde::Deserialize)]
#[serde(rename = "t")]
struct TT {
    d: DT,
}

#[derive(Serialize, serde::Deserialize)]
#[serde(rename = "d")]
struct DT {
    a: i16,
    b: f64,
}

#[derive(Serialize, serde::Deserialize)]
#[serde(rename = "cls")]
struct Shadows {
    data: DataT,
    r: RT,
    v: VT,
    x0: X0T,
    t: TT,
}

const SHADOWS: &str = r#"
import sys
sys.path.insert(0, sys.argv[1])
import shadow as m
first, whole = bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
values = [m.data(1, 2), m.r(3, True), m.v(4, "x"), m.x0(5), m.t(m.d(-6, 0.5)), m.d(7, 1.5)]
for value in values:
    b = m.encode(value)
    assert m.decode(b, type(value)) == value, value
    assert m.decode_prefix(b, type(value)) == (value, len(b)), value
assert m.MESSAGE is m.data and m.decode(first) == values[0] and m.encode(values[0]) == first
s = m.cls(*values[:5])
assert m.encode(s) == whole and m.decode(whole, m.cls) == s
for bad in (m.r(3, 2), s._replace(x0=m.data(1, 2)), s._replace(data=m.r(1, True))):
    try:
        m.encode(bad)
        raise AssertionError(f"encoded {bad!r}")
    except m.EncodeError:
        pass
print("ok")
"#;

#[test]
fn python_types_may_be_named_as_the_generated_locals() {
    if !have("python3") {
        return;
    }
    let config = Config::new();
    let spec = Spec::new("shadow", config, Framing::SelfDelimited)
        .message::<DataT>()
        .and_then(|s| s.message::<Shadows>())
        .and_then(|s| s.message::<DT>())
        .expect("traces");
    let dir = scratch("py-shadow");
    std::fs::write(dir.join("shadow.py"), spec.python()).expect("write module");
    let first = config.to_vec(&DataT { a: 1, b: 2 }).expect("encodes");
    let whole = Shadows {
        data: DataT { a: 1, b: 2 },
        r: RT { a: 3, ok: true },
        v: VT(4, "x".into()),
        x0: X0T { a: 5 },
        t: TT {
            d: DT { a: -6, b: 0.5 },
        },
    };
    let whole = config.to_vec(&whole).expect("encodes");
    let out = Command::new("python3")
        .arg("-c")
        .arg(SHADOWS)
        .arg(&dir)
        .args([hex(&first), hex(&whole)])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}
