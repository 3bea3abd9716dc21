//! Message types covering every serde shape `net` carries and every
//! adapter of `netwire::with`, with quickcheck generators.

use std::collections::BTreeMap;

use netwire::net::{Config, EnumTags, LengthWidth, TagTable, TagWidth};
use netwire::with::Padded;
use quickcheck::{Arbitrary, Gen};
use serde::{Deserialize, Serialize};

pub const TAGS: &[EnumTags] = &[EnumTags::of::<Op>(TagWidth::U16, &[1, 0x10, 0xffff])];

/// The default config with a tag table.
pub const WIDE: Config<TagTable> = Config::new().with_enum_tags(TAGS);
/// Small widths and limits.
pub const SMALL: Config<TagTable> = Config::new()
    .with_length_width(LengthWidth::U16)
    .with_tag_width(TagWidth::U16)
    .with_limit(400)
    .with_depth(6)
    .with_enum_tags(TAGS);

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Scalars {
    pub b: bool,
    pub u8_: u8,
    pub u16_: u16,
    pub u32_: u32,
    pub u64_: u64,
    pub u128_: u128,
    pub i8_: i8,
    pub i16_: i16,
    pub i32_: i32,
    pub i64_: i64,
    pub i128_: i128,
    pub f32_: f32,
    pub f64_: f64,
    pub c: char,
    pub unit: (),
    pub flag: bool,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Texts {
    pub s: String,
    #[serde(with = "serde_bytes")]
    pub b: Vec<u8>,
    pub v: Vec<u8>,
    pub arr: [u8; 4],
    pub tup: (u16, String, i8),
    pub opt: Option<u32>,
    pub opt2: Option<Option<bool>>,
    pub seq: Vec<(u8, String)>,
    pub map: BTreeMap<u16, String>,
    pub nested: Vec<Vec<i16>>,
    pub r#type: u8,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct UnitS;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Newtype(pub u32);

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TupleS(pub u8, pub i64);

/// A recursive enum of every variant kind.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Shapes {
    Tuple(u8, u16),
    Nested(Box<Shapes>),
    Struct { a: bool, next: Option<Box<Shapes>> },
    Unit,
    Newtype(String),
}

/// Tags from the table: 1, 0x10, 0xffff in two bytes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Op {
    A,
    B(u8),
    C { x: u16 },
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Label(#[serde(with = "netwire::with::len_u8")] pub String);

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Adapters {
    #[serde(with = "netwire::with::len_u8")]
    pub a: String,
    #[serde(with = "netwire::with::len_u16")]
    pub b: Vec<u16>,
    #[serde(with = "netwire::with::len_u32")]
    pub c: serde_bytes::ByteBuf,
    #[serde(with = "netwire::with::len_u64")]
    pub d: Vec<u8>,
    #[serde(with = "netwire::with::len_i16")]
    pub e: String,
    #[serde(with = "netwire::with::len_i32")]
    pub f: Vec<u32>,
    #[serde(with = "netwire::with::nullable_i16")]
    pub g: Option<String>,
    #[serde(with = "netwire::with::nullable_i32")]
    pub h: Option<Vec<u8>>,
    #[serde(with = "netwire::with::cstr")]
    pub i: String,
    pub j: Padded<6>,
    #[serde(with = "netwire::with::nul_terminated")]
    pub k: Vec<Label>,
    #[serde(with = "netwire::with::len_u8")]
    pub m: BTreeMap<u8, bool>,
    #[serde(with = "netwire::with::rest")]
    pub rest: Vec<u8>,
}

/// Every shape in one message.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct All {
    pub scalars: Scalars,
    pub texts: Texts,
    pub unit: UnitS,
    pub nt: Newtype,
    pub ts: TupleS,
    pub shapes: Shapes,
    pub op: Op,
    pub adapters: Adapters,
}

/// `empty_as_none`: the whole message or nothing.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Maybe(#[serde(with = "netwire::with::empty_as_none")] pub Option<(u8, u32)>);

/// A sequence of records that runs to the frame's end (`rest`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Records {
    pub id: u16,
    #[serde(with = "netwire::with::rest")]
    pub items: Vec<TupleS>,
}

fn text(g: &mut Gen, max: usize) -> String {
    let s = String::arbitrary(g);
    let mut out = String::new();
    for c in s.chars().filter(|&c| c != '\0') {
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out
}

impl Arbitrary for Scalars {
    fn arbitrary(g: &mut Gen) -> Self {
        Scalars {
            b: bool::arbitrary(g),
            u8_: u8::arbitrary(g),
            u16_: u16::arbitrary(g),
            u32_: u32::arbitrary(g),
            u64_: u64::arbitrary(g),
            u128_: u128::arbitrary(g),
            i8_: i8::arbitrary(g),
            i16_: i16::arbitrary(g),
            i32_: i32::arbitrary(g),
            i64_: i64::arbitrary(g),
            i128_: i128::arbitrary(g),
            f32_: f32::arbitrary(g),
            f64_: f64::arbitrary(g),
            c: char::arbitrary(g),
            unit: (),
            flag: bool::arbitrary(g),
        }
    }
}

impl Arbitrary for Texts {
    fn arbitrary(g: &mut Gen) -> Self {
        Texts {
            s: String::arbitrary(g),
            b: Vec::arbitrary(g),
            v: Vec::arbitrary(g),
            arr: [
                u8::arbitrary(g),
                u8::arbitrary(g),
                u8::arbitrary(g),
                u8::arbitrary(g),
            ],
            tup: Arbitrary::arbitrary(g),
            opt: Arbitrary::arbitrary(g),
            opt2: Arbitrary::arbitrary(g),
            seq: Arbitrary::arbitrary(g),
            map: Arbitrary::arbitrary(g),
            nested: Arbitrary::arbitrary(g),
            r#type: u8::arbitrary(g),
        }
    }
}

fn shapes(g: &mut Gen, depth: usize) -> Shapes {
    let pick = if depth == 0 {
        3 + usize::from(bool::arbitrary(g))
    } else {
        usize::arbitrary(g) % 5
    };
    match pick {
        0 => Shapes::Tuple(u8::arbitrary(g), u16::arbitrary(g)),
        1 => Shapes::Nested(Box::new(shapes(g, depth - 1))),
        2 => Shapes::Struct {
            a: bool::arbitrary(g),
            next: bool::arbitrary(g).then(|| Box::new(shapes(g, depth - 1))),
        },
        3 => Shapes::Unit,
        _ => Shapes::Newtype(String::arbitrary(g)),
    }
}

impl Arbitrary for Shapes {
    fn arbitrary(g: &mut Gen) -> Self {
        shapes(g, 3)
    }
}

impl Arbitrary for Op {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 3 {
            0 => Op::A,
            1 => Op::B(u8::arbitrary(g)),
            _ => Op::C {
                x: u16::arbitrary(g),
            },
        }
    }
}

impl Arbitrary for Adapters {
    fn arbitrary(g: &mut Gen) -> Self {
        let n = usize::arbitrary(g) % 4;
        Adapters {
            a: text(g, 255),
            b: Arbitrary::arbitrary(g),
            c: serde_bytes::ByteBuf::from(Vec::<u8>::arbitrary(g)),
            d: Arbitrary::arbitrary(g),
            e: String::arbitrary(g),
            f: Arbitrary::arbitrary(g),
            g: Arbitrary::arbitrary(g),
            h: Arbitrary::arbitrary(g),
            i: text(g, 1000),
            j: Padded::new(text(g, 6)).expect("6 bytes"),
            k: (0..n)
                .map(|_| Label(format!("l{}", text(g, 200))))
                .collect(),
            m: Arbitrary::arbitrary(g),
            rest: Arbitrary::arbitrary(g),
        }
    }
}

impl Arbitrary for All {
    fn arbitrary(g: &mut Gen) -> Self {
        All {
            scalars: Arbitrary::arbitrary(g),
            texts: Arbitrary::arbitrary(g),
            unit: UnitS,
            nt: Newtype(u32::arbitrary(g)),
            ts: TupleS(u8::arbitrary(g), i64::arbitrary(g)),
            shapes: Arbitrary::arbitrary(g),
            op: Arbitrary::arbitrary(g),
            adapters: Arbitrary::arbitrary(g),
        }
    }
}

impl Arbitrary for Maybe {
    fn arbitrary(g: &mut Gen) -> Self {
        Maybe(Arbitrary::arbitrary(g))
    }
}

impl Arbitrary for Records {
    fn arbitrary(g: &mut Gen) -> Self {
        let n = usize::arbitrary(g) % 5;
        Records {
            id: u16::arbitrary(g),
            items: (0..n)
                .map(|_| TupleS(u8::arbitrary(g), i64::arbitrary(g)))
                .collect(),
        }
    }
}

/// The README's message type.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Msg {
    Ping(u32),
    Chat { room: u16, text: String },
    Bye,
}
