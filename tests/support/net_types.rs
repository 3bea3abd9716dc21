//! Types covering every serde shape, with quickcheck generators, shared by
//! the `net` format's property tests.

use std::collections::{BTreeMap, HashMap};

use quickcheck::{Arbitrary, Gen};
use serde::{Deserialize, Serialize};

/// An `f32` compared by its bits, so NaN payloads count.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
#[serde(transparent)]
pub struct F32(pub f32);

impl PartialEq for F32 {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

/// An `f64` compared by its bits.
#[derive(Serialize, Deserialize, Debug, Clone, Copy)]
#[serde(transparent)]
pub struct F64(pub f64);

impl PartialEq for F64 {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

/// Floats from their bits half the time, so NaNs with payloads, infinities
/// and subnormals all appear.
fn f32_any(g: &mut Gen) -> f32 {
    if bool::arbitrary(g) {
        f32::from_bits(u32::arbitrary(g))
    } else {
        f32::arbitrary(g)
    }
}

fn f64_any(g: &mut Gen) -> f64 {
    if bool::arbitrary(g) {
        f64::from_bits(u64::arbitrary(g))
    } else {
        f64::arbitrary(g)
    }
}

/// Every primitive serde knows.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Prims {
    pub b: bool,
    pub u8: u8,
    pub u16: u16,
    pub u32: u32,
    pub u64: u64,
    pub u128: u128,
    pub i8: i8,
    pub i16: i16,
    pub i32: i32,
    pub i64: i64,
    pub i128: i128,
    pub f32: F32,
    pub f64: F64,
    pub c: char,
}

impl Arbitrary for Prims {
    fn arbitrary(g: &mut Gen) -> Self {
        Prims {
            b: Arbitrary::arbitrary(g),
            u8: Arbitrary::arbitrary(g),
            u16: Arbitrary::arbitrary(g),
            u32: Arbitrary::arbitrary(g),
            u64: Arbitrary::arbitrary(g),
            u128: Arbitrary::arbitrary(g),
            i8: Arbitrary::arbitrary(g),
            i16: Arbitrary::arbitrary(g),
            i32: Arbitrary::arbitrary(g),
            i64: Arbitrary::arbitrary(g),
            i128: Arbitrary::arbitrary(g),
            f32: F32(f32_any(g)),
            f64: F64(f64_any(g)),
            c: Arbitrary::arbitrary(g),
        }
    }
}

/// A unit struct.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Marker;

/// A newtype struct.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Id(pub u64);

/// A tuple struct.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Point(pub i32, pub i32);

/// An enum with every kind of variant, recursive through `Box`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Kind {
    Unit,
    Newtype(u16),
    Tuple(i8, String),
    Struct { a: Option<u32>, b: Vec<bool> },
    Nested(Box<Kind>),
    Point(Point),
    Char(char),
}

impl Kind {
    fn gen_depth(g: &mut Gen, depth: usize) -> Self {
        let choices = if depth == 0 { 6 } else { 7 };
        match usize::arbitrary(g) % choices {
            0 => Kind::Unit,
            1 => Kind::Newtype(u16::arbitrary(g)),
            2 => Kind::Tuple(i8::arbitrary(g), String::arbitrary(g)),
            3 => Kind::Struct {
                a: Arbitrary::arbitrary(g),
                b: Arbitrary::arbitrary(g),
            },
            4 => Kind::Point(Point(i32::arbitrary(g), i32::arbitrary(g))),
            5 => Kind::Char(char::arbitrary(g)),
            _ => Kind::Nested(Box::new(Kind::gen_depth(g, depth - 1))),
        }
    }
}

impl Arbitrary for Kind {
    fn arbitrary(g: &mut Gen) -> Self {
        Kind::gen_depth(g, 4)
    }
}

/// A message using every shape at once.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Everything {
    pub prims: Prims,
    pub text: String,
    pub opt: Option<Option<u8>>,
    pub opt_text: Option<String>,
    pub kinds: Vec<Kind>,
    pub hash: HashMap<String, i32>,
    pub tree: BTreeMap<u16, Vec<u8>>,
    pub tuple: (u8, i64, char),
    pub array: [u16; 3],
    pub kind_array: [Kind; 2],
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    pub unit: (),
    pub marker: Marker,
    pub id: Id,
    pub nested: Vec<Vec<Option<String>>>,
    pub floats: Vec<F64>,
}

impl Arbitrary for Everything {
    fn arbitrary(g: &mut Gen) -> Self {
        Everything {
            prims: Prims::arbitrary(g),
            text: String::arbitrary(g),
            opt: Arbitrary::arbitrary(g),
            opt_text: Arbitrary::arbitrary(g),
            kinds: Arbitrary::arbitrary(g),
            hash: Arbitrary::arbitrary(g),
            tree: Arbitrary::arbitrary(g),
            tuple: Arbitrary::arbitrary(g),
            array: [u16::arbitrary(g), u16::arbitrary(g), u16::arbitrary(g)],
            kind_array: [Kind::arbitrary(g), Kind::arbitrary(g)],
            bytes: Arbitrary::arbitrary(g),
            unit: (),
            marker: Marker,
            id: Id(u64::arbitrary(g)),
            nested: Arbitrary::arbitrary(g),
            floats: (0..usize::arbitrary(g) % 4)
                .map(|_| F64(f64_any(g)))
                .collect(),
        }
    }
}

/// Borrowed strings and bytes; encodes like [`Owned`].
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Borrowed<'a> {
    pub text: &'a str,
    #[serde(with = "serde_bytes")]
    pub bytes: &'a [u8],
    #[serde(borrow)]
    pub words: Vec<&'a str>,
    #[serde(borrow)]
    pub maybe: Option<&'a str>,
}

/// The owned twin of [`Borrowed`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Owned {
    pub text: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    pub words: Vec<String>,
    pub maybe: Option<String>,
}

impl Arbitrary for Owned {
    fn arbitrary(g: &mut Gen) -> Self {
        Owned {
            text: Arbitrary::arbitrary(g),
            bytes: Arbitrary::arbitrary(g),
            words: Arbitrary::arbitrary(g),
            maybe: Arbitrary::arbitrary(g),
        }
    }
}

impl Owned {
    /// The borrowed view of the same values.
    pub fn view(&self) -> Borrowed<'_> {
        Borrowed {
            text: &self.text,
            bytes: &self.bytes,
            words: self.words.iter().map(String::as_str).collect(),
            maybe: self.maybe.as_deref(),
        }
    }
}
