//! The speed of the Python module `Spec::python` writes, against
//! hand-written `struct` code for the same bytes, in one python3 run.
//!
//! ```text
//! cargo run --release --features spec --example python_speed
//! ```
//!
//! Prints, per layout, messages per second decoded and encoded by each
//! (the best of 24 rounds, the four taking turns), and the generated
//! code's share of the hand-written speed: the aim is at least 1/2 for the
//! fixed layout and 1/3 for strings, bytes and sequences. Both sides check
//! that they read the bytes netwire wrote.

use std::process::Command;

use netwire::net::Config;
use netwire::spec::{Framing, Spec};
use serde::{Deserialize, Serialize};

/// A fixed layout: numbers only.
#[derive(Serialize, Deserialize)]
struct Header {
    kind: u8,
    flags: u16,
    len: u32,
    seq: u64,
    delta: i32,
    ratio: f64,
    port: u16,
    ttl: u8,
}

/// Strings, bytes and sequences.
#[derive(Serialize, Deserialize)]
struct Record {
    id: u32,
    name: String,
    #[serde(with = "serde_bytes")]
    blob: Vec<u8>,
    tags: Vec<u16>,
    #[serde(with = "netwire::with::rest")]
    payload: Vec<u8>,
}

const SCRIPT: &str = r#"
import struct, sys, timeit
sys.path.insert(0, sys.argv[1])
import gen_header, gen_record

H = struct.Struct(">BHIQidHB")

def hand_dec_header(b):
    if len(b) != H.size:
        raise ValueError("length")
    return H.unpack(b)

def hand_enc_header(v):
    return H.pack(*v)

U32 = struct.Struct(">I")

def hand_dec_record(b):
    (i,) = U32.unpack_from(b, 0)
    (n,) = U32.unpack_from(b, 4)
    p = 8 + n
    if p > len(b):
        raise ValueError("short")
    name = b[8:p].decode("utf-8")
    (n,) = U32.unpack_from(b, p)
    p += 4
    blob = b[p:p + n]
    if len(blob) != n:
        raise ValueError("short")
    p += n
    (n,) = U32.unpack_from(b, p)
    p += 4
    if p + 2 * n > len(b):
        raise ValueError("short")
    tags = list(struct.unpack_from(">%dH" % n, b, p))
    p += 2 * n
    return (i, name, blob, tags, b[p:])

def hand_enc_record(v):
    i, name, blob, tags, payload = v
    raw = name.encode("utf-8")
    return b"".join((U32.pack(i), U32.pack(len(raw)), raw, U32.pack(len(blob)), blob,
                     U32.pack(len(tags)), struct.pack(">%dH" % len(tags), *tags), payload))

cases = [
    ("fixed layout", gen_header, bytes.fromhex(sys.argv[2]), hand_dec_header, hand_enc_header),
    ("strings, bytes, sequences", gen_record, bytes.fromhex(sys.argv[3]), hand_dec_record, hand_enc_record),
]
for title, m, data, hdec, henc in cases:
    v = m.decode(data)
    h = hdec(data)
    assert m.encode(v) == data and henc(h) == data, title
    # Rounds taking turns, the best of each: a load that comes and goes
    # falls on both sides alike.
    fs = (lambda: m.decode(data), lambda: m.encode(v), lambda: hdec(data), lambda: henc(h))
    n = 4000
    best = [float("inf")] * len(fs)
    for _ in range(24):
        best = [min(b, timeit.timeit(f, number=n)) for b, f in zip(best, fs)]
    gd, ge, hd, he = (n / b for b in best)
    print(f"{title} ({len(data)} bytes):")
    print(f"  decode: generated {gd:>9.0f}/s, hand-written {hd:>9.0f}/s, ratio {gd / hd:.2f}")
    print(f"  encode: generated {ge:>9.0f}/s, hand-written {he:>9.0f}/s, ratio {ge / he:.2f}")
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::new();
    let dir = std::env::temp_dir().join(format!("netwire-python-speed-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let header = Spec::new("gen_header", config, Framing::Datagram).message::<Header>()?;
    let record = Spec::new("gen_record", config, Framing::Datagram).message::<Record>()?;
    std::fs::write(dir.join("gen_header.py"), header.python())?;
    std::fs::write(dir.join("gen_record.py"), record.python())?;
    let h = config.to_vec(&Header {
        kind: 3,
        flags: 0x8001,
        len: 1500,
        seq: 1 << 40,
        delta: -7,
        ratio: 0.25,
        port: 443,
        ttl: 64,
    })?;
    let r = config.to_vec(&Record {
        id: 9,
        name: "a record of some length".into(),
        blob: (0..=255).collect(),
        tags: (0..64).collect(),
        payload: vec![7; 1024],
    })?;
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(&dir)
        .arg(hex(&h))
        .arg(hex(&r))
        .output()?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if std::env::var_os("NETWIRE_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("modules kept in {}", dir.display());
    }
    if !out.status.success() {
        return Err("python3 failed".into());
    }
    Ok(())
}
