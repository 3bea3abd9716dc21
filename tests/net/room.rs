//! Small sequence elements decoded with room: a `Vec` of small, plain
//! values (16 to 64 bytes, no drop glue) read from a slice with at least
//! 64 bytes left goes through a second copy of the element's code, whose
//! reads the compiler may leave unchecked. That copy must be the plain
//! decoder in all but speed: the same values, and on any damaged or cut
//! input, limit and depth, the same error kind, offset and bytes needed.
//!
//! The reference is the same element wrapped in `Slow`, which has drop
//! glue and so always takes the plain path, over the same bytes. The
//! types and the comparison are the `net_room` fuzz target's.

use std::mem::{needs_drop, size_of};

use netwire::net::Config;
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use serde::{Deserialize, Serialize};

#[path = "../../fuzz/src/room.rs"]
mod shared;
use shared::{Named, Record, Shape, Slow, Triangle, check_same};

#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
struct Vertex {
    x: i32,
    y: i32,
    z: i32,
    w: u32,
}

/// Larger than the room: always the plain path, as a control.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
struct Big {
    words: [u64; 8],
    last: u64,
}

/// The element types above are where they are meant to be: within the
/// room and without drop glue (so that the tests below exercise the
/// second path), or outside it.
#[test]
fn the_catalogue_covers_both_paths() {
    fn in_room<T>() -> bool {
        !needs_drop::<T>() && (16..=64).contains(&size_of::<T>())
    }
    assert!(in_room::<Vertex>());
    assert!(in_room::<Triangle>());
    assert!(in_room::<Record>());
    assert!(in_room::<Named<'static>>());
    assert!(!in_room::<Big>());
    assert!(!in_room::<Slow<Record>>());
    assert!(!in_room::<Slow<Named<'static>>>());
}

impl Arbitrary for Vertex {
    fn arbitrary(g: &mut Gen) -> Self {
        Vertex {
            x: i32::arbitrary(g),
            y: i32::arbitrary(g),
            z: i32::arbitrary(g),
            w: u32::arbitrary(g),
        }
    }
}

impl Arbitrary for Triangle {
    fn arbitrary(g: &mut Gen) -> Self {
        Triangle {
            vertices: [
                <[i32; 3]>::arbitrary(g),
                <[i32; 3]>::arbitrary(g),
                <[i32; 3]>::arbitrary(g),
            ],
            normal: <[u32; 3]>::arbitrary(g),
        }
    }
}

impl Arbitrary for Record {
    fn arbitrary(g: &mut Gen) -> Self {
        let shape = match u8::arbitrary(g) % 3 {
            0 => Shape::Dot(u16::arbitrary(g)),
            1 => Shape::Rect {
                w: u32::arbitrary(g),
                h: u32::arbitrary(g),
            },
            _ => Shape::Empty,
        };
        Record {
            shape,
            flag: bool::arbitrary(g),
            letter: char::arbitrary(g),
            maybe: Option::arbitrary(g),
            pair: <(i8, u64)>::arbitrary(g),
            small: u8::arbitrary(g),
        }
    }
}

impl Big {
    fn from_seed(seed: u64) -> Self {
        let word = |i: u64| {
            seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(i as u32)
        };
        Big {
            words: std::array::from_fn(|i| word(i as u64)),
            last: word(9),
        }
    }
}

/// The layouts the sequences are written in.
const LAYOUTS: [Config; 2] = [Config::new(), Config::bincode_legacy()];

/// The configs a message of `len` bytes in `layout` is read with: its
/// own, a byte limit that cuts it, and a depth of two (the sequence and
/// its element; the element's own fields need more).
fn configs(layout: Config, len: usize) -> [Config; 3] {
    [layout, layout.with_limit(len / 2 + 1), layout.with_depth(2)]
}

/// Damages `bytes` as `edits` say: each a position and a byte written
/// there; then `cut` bytes off the end.
fn damage(bytes: &[u8], edits: &[(u16, u8)], cut: u8) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for &(at, b) in edits {
        if !bytes.is_empty() {
            let at = usize::from(at) % bytes.len();
            bytes[at] = b;
        }
    }
    let keep = bytes.len().saturating_sub(usize::from(cut) % 8 * 7);
    bytes.truncate(keep);
    bytes
}

fn check<T>(values: &[T], edits: &[(u16, u8)], cut: u8) -> TestResult
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    for layout in LAYOUTS {
        let bytes = match layout.to_vec(values) {
            Ok(bytes) => bytes,
            Err(e) => return TestResult::error(format!("encode: {e}")),
        };
        for cfg in configs(layout, bytes.len()) {
            // The undamaged message, then the damaged one.
            for input in [bytes.clone(), damage(&bytes, edits, cut)] {
                if let Err(e) = check_same::<T>(&cfg, &input) {
                    return TestResult::error(format!("{cfg:?}, {} bytes: {e}", input.len()));
                }
            }
        }
    }
    TestResult::passed()
}

/// 300 cases of size 40, unless `QUICKCHECK_TESTS` says otherwise (as
/// `.ci/miri.sh` does: 10 cases of size 16 under Miri).
fn quickcheck() -> QuickCheck {
    if std::env::var_os("QUICKCHECK_TESTS").is_some() {
        return QuickCheck::new();
    }
    QuickCheck::new()
        .tests(300)
        .max_tests(3000)
        .rng(Gen::new(40))
}

#[test]
fn elements_with_room_decode_as_the_plain_path_on_any_input() {
    fn vertices(v: Vec<Vertex>, edits: Vec<(u16, u8)>, cut: u8) -> TestResult {
        check(&v, &edits, cut)
    }
    fn triangles(v: Vec<Triangle>, edits: Vec<(u16, u8)>, cut: u8) -> TestResult {
        check(&v, &edits, cut)
    }
    fn records(v: Vec<Record>, edits: Vec<(u16, u8)>, cut: u8) -> TestResult {
        check(&v, &edits, cut)
    }
    fn big(seeds: Vec<u64>, edits: Vec<(u16, u8)>, cut: u8) -> TestResult {
        let v: Vec<Big> = seeds.into_iter().map(Big::from_seed).collect();
        check(&v, &edits, cut)
    }
    quickcheck().quickcheck(vertices as fn(_, _, _) -> TestResult);
    quickcheck().quickcheck(triangles as fn(_, _, _) -> TestResult);
    quickcheck().quickcheck(records as fn(_, _, _) -> TestResult);
    quickcheck().quickcheck(big as fn(_, _, _) -> TestResult);
}

#[test]
fn borrowed_elements_with_room_decode_as_the_plain_path_on_any_input() {
    fn prop(v: Vec<(String, u32, Vec<u8>)>, edits: Vec<(u16, u8)>, cut: u8) -> TestResult {
        let named: Vec<Named<'_>> = v
            .iter()
            .map(|(name, id, bytes)| Named {
                name,
                id: *id,
                bytes,
            })
            .collect();
        for layout in LAYOUTS {
            let bytes = layout.to_vec(&named).unwrap();
            for cfg in configs(layout, bytes.len()) {
                for input in [bytes.clone(), damage(&bytes, &edits, cut)] {
                    if let Err(e) = check_same::<Named<'_>>(&cfg, &input) {
                        return TestResult::error(format!("{cfg:?}: {e}"));
                    }
                }
            }
        }
        TestResult::passed()
    }
    quickcheck().quickcheck(prop as fn(_, _, _) -> TestResult);
}

/// Every cut of a long sequence (so that some elements have room and the
/// last ones do not), every byte of it damaged in turn, one byte per
/// read: the same outcome with and without room, and from a reader.
#[test]
fn every_cut_and_every_byte_of_a_long_sequence_decodes_as_the_plain_path() {
    let records: Vec<Record> = (0..12u8)
        .map(|i| Record {
            shape: match i % 3 {
                0 => Shape::Dot(u16::from(i)),
                1 => Shape::Rect {
                    w: u32::from(i) << 20,
                    h: 7,
                },
                _ => Shape::Empty,
            },
            flag: i % 2 == 0,
            letter: char::from(b'a' + i),
            maybe: (i % 4 != 0).then_some(u64::from(i) * 1_000_003),
            pair: (-(i as i8), u64::MAX - u64::from(i)),
            small: i,
        })
        .collect();
    let cfg = Config::new();
    let bytes = cfg.to_vec(&records).unwrap();
    assert!(
        bytes.len() > 3 * 64,
        "the sequence is long enough to have room"
    );
    for cut in 0..=bytes.len() {
        let input = &bytes[..cut];
        check_same::<Record>(&cfg, input).unwrap_or_else(|e| panic!("cut {cut}: {e}"));
        // A reader never has room: it is the plain path too.
        let from_reader = cfg
            .from_reader::<_, Vec<Record>>(input)
            .map(|v| (v, &input[cut..]));
        let from_slice = cfg.take_from_slice::<Vec<Record>>(input);
        match (from_slice, from_reader) {
            (Ok(a), Ok(b)) => assert_eq!(a.0, b.0, "cut {cut}"),
            (Err(a), Err(b)) => {
                assert!(a.is_eof() && b.is_eof(), "cut {cut}: {a:?} / {b:?}");
                assert_eq!(a.offset(), b.offset(), "cut {cut}");
            }
            (a, b) => panic!("cut {cut}: {a:?} from the slice, {b:?} from a reader"),
        }
    }
    for at in 0..bytes.len() {
        for b in [0x00, 0x01, 0x02, 0x7f, 0x80, 0xc0, 0xff] {
            let mut input = bytes.clone();
            input[at] = b;
            check_same::<Record>(&cfg, &input)
                .unwrap_or_else(|e| panic!("byte {at} = {b:#x}: {e}"));
        }
    }
}

/// A custom `Deserialize` that reads a count and then that many bytes as
/// a tuple: no drop glue, and how much it reads depends on what it reads,
/// so a run of them overruns the room. Decoded the same either way.
#[derive(Debug, PartialEq, Clone, Copy)]
struct Counted {
    n: u8,
    first: [u8; 15],
}

impl<'de> Deserialize<'de> for Counted {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Counted;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a count and its bytes")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Counted, A::Error> {
                let n: u8 = seq
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
                let mut first = [0u8; 15];
                for i in 0..usize::from(n) {
                    let b: u8 = seq
                        .next_element()?
                        .ok_or_else(|| serde::de::Error::invalid_length(i + 1, &self))?;
                    if let Some(slot) = first.get_mut(i) {
                        *slot = b;
                    }
                }
                Ok(Counted { n, first })
            }
        }
        d.deserialize_tuple(256, V)
    }
}

impl Serialize for Counted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(1 + usize::from(self.n))?;
        t.serialize_element(&self.n)?;
        for i in 0..usize::from(self.n) {
            t.serialize_element(&self.first.get(i).copied().unwrap_or(0))?;
        }
        t.end()
    }
}

#[test]
fn elements_whose_length_depends_on_their_bytes_decode_as_the_plain_path() {
    assert!(!needs_drop::<Counted>() && size_of::<Counted>() == 16);
    fn prop(v: Vec<(u8, u8)>, edits: Vec<(u16, u8)>, cut: u8) -> TestResult {
        let values: Vec<Counted> = v
            .into_iter()
            .map(|(n, fill)| {
                let n = n % 100;
                let mut first = [0u8; 15];
                for (i, slot) in first.iter_mut().enumerate().take(usize::from(n)) {
                    *slot = fill.wrapping_add(i as u8);
                }
                Counted { n, first }
            })
            .collect();
        check(&values, &edits, cut)
    }
    quickcheck().quickcheck(prop as fn(_, _, _) -> TestResult);
}
