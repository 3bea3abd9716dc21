//! The slice decoder scans whole tokens at once; the reader decoder reads
//! one byte at a time. On any input both must give the same value, stop
//! after the same byte, or fail with the same error kind at the same offset.

use std::fmt::Debug;

use crate::support::io::ScriptedReader;
use netwire::ascii;
use quickcheck::{Arbitrary, Gen, QuickCheck};
use serde::Deserialize;

/// Decodes the message at the front of `input` both ways and compares the
/// outcomes with `same` (floats compare by bits).
fn agree<T>(input: &[u8], same: impl Fn(&T, &T) -> bool) -> bool
where
    T: for<'de> Deserialize<'de> + Debug,
{
    let slice = ascii::take_from_slice::<T>(input);
    let mut reader = ScriptedReader::one_byte(input);
    let read = ascii::from_reader::<_, T>(&mut reader);
    let ok = match (&slice, &read) {
        (Ok((a, rest)), Ok(b)) => same(a, b) && rest.len() == reader.remaining(),
        (Err(a), Err(b)) => {
            (a.kind(), a.offset(), a.needed()) == (b.kind(), b.offset(), b.needed())
        }
        _ => false,
    };
    if !ok {
        eprintln!(
            "slice {slice:?} but reader {read:?} on {:?}",
            String::from_utf8_lossy(input)
        );
    }
    ok
}

/// Number-like messages: digit runs of every length around the `u64`
/// overflow point, signs, fractions, exponents, string lengths, and every
/// way to get a separator or line end wrong.
#[derive(Clone, Debug)]
struct Numbers(Vec<u8>);

impl Arbitrary for Numbers {
    fn arbitrary(g: &mut Gen) -> Self {
        const PIECES: &[&[u8]] = &[
            b" ",
            b" ",
            b" ",
            b"\n",
            b"\r\n",
            b"\r",
            b"-",
            b"-",
            b".",
            b"e",
            b"e-",
            b"0",
            b"00",
            b"1",
            b"9",
            b"18446744073709551615",
            b"18446744073709551616",
            b"9999999999999999999",
            b"1000000000000000000",
            b"9223372036854775808",
            b"340282366920938463463374607431768211455",
            b"3.4028235e38",
            b"1e39",
            b"NaN",
            b"inf",
            b"-inf",
            b":",
            b"2:",
            b"1:x",
            b"x",
            b"+",
            b"~",
        ];
        let pieces = usize::arbitrary(g) % 16;
        let mut out = Vec::new();
        for _ in 0..pieces {
            if u8::arbitrary(g) % 3 == 0 {
                let digits = usize::arbitrary(g) % 24;
                out.extend((0..digits).map(|_| b'0' + u8::arbitrary(g) % 10));
            } else {
                out.extend_from_slice(g.choose(PIECES).copied().unwrap_or(b"0"));
            }
        }
        if bool::arbitrary(g) {
            out.push(b'\n');
        }
        Numbers(out)
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new(self.0.shrink().map(Numbers))
    }
}

fn eq<T: PartialEq>(a: &T, b: &T) -> bool {
    a == b
}

fn bits32(a: &(f32, f32), b: &(f32, f32)) -> bool {
    (a.0.to_bits(), a.1.to_bits()) == (b.0.to_bits(), b.1.to_bits())
}

fn bits64(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

#[test]
fn slice_and_reader_agree_on_numbers() {
    fn prop(input: Numbers) -> bool {
        let input = &input.0;
        agree::<(u64, u8)>(input, eq)
            && agree::<(i64, i8)>(input, eq)
            && agree::<(u128, i128)>(input, eq)
            && agree::<(u16, Option<i32>, u32)>(input, eq)
            && agree::<Vec<u64>>(input, eq)
            && agree::<(f32, f32)>(input, bits32)
            && agree::<Vec<f64>>(input, |a, b| bits64(a, b))
            && agree::<(String, char, u8)>(input, eq)
            && agree::<(Vec<u8>, Option<String>)>(input, eq)
    }
    QuickCheck::new()
        .tests(3000)
        .quickcheck(prop as fn(Numbers) -> bool);
}

/// Valid encodings of random numbers with one byte changed (or none).
#[test]
fn slice_and_reader_agree_on_mutated_numbers() {
    type Msg = (u64, i64, f32, f64, Vec<u32>, String, Option<i16>);
    fn prop(value: Msg, at: usize, byte: u8, change: bool) -> bool {
        let mut bytes = ascii::to_vec(&value).unwrap();
        if change {
            let i = at % bytes.len();
            bytes[i] = byte;
        }
        agree::<Msg>(&bytes, |a, b| {
            (a.0, a.1, a.2.to_bits(), a.3.to_bits(), &a.4, &a.5, a.6)
                == (b.0, b.1, b.2.to_bits(), b.3.to_bits(), &b.4, &b.5, b.6)
        })
    }
    QuickCheck::new().quickcheck(prop as fn(Msg, usize, u8, bool) -> bool);
}
