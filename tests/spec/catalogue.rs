//! The conformance catalogue: a type for every serde shape `net` carries,
//! every adapter of `netwire::with`, tag tables, generic and recursive
//! enums, and names that are hostile to the generated languages.

use std::collections::BTreeMap;

use netwire::with::Padded;
use quickcheck::{Arbitrary, Gen};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

/// Fills a struct with arbitrary fields.
macro_rules! arb {
    ($ty:ident { $($f:ident),* $(,)? }) => {
        impl Arbitrary for $ty {
            fn arbitrary(g: &mut Gen) -> Self {
                $ty { $($f: Arbitrary::arbitrary(g)),* }
            }
        }
    };
}

fn bytes(g: &mut Gen) -> ByteBuf {
    ByteBuf::from(Vec::<u8>::arbitrary(g))
}

/// Text of at most `max` bytes without a NUL.
pub fn text(g: &mut Gen, max: usize) -> String {
    let mut out = String::new();
    for c in String::arbitrary(g).chars().filter(|&c| c != '\0') {
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Ints {
    pub a: u8,
    pub b: u16,
    pub c: u32,
    pub d: u64,
    pub e: i8,
    pub f: i16,
    pub g: i32,
    pub h: i64,
}
arb!(Ints {
    a,
    b,
    c,
    d,
    e,
    f,
    g,
    h
});

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Wide {
    pub u: u128,
    pub i: i128,
    pub tail: u8,
}
arb!(Wide { u, i, tail });

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Floats {
    pub a: f32,
    pub b: f64,
    pub c: (f32, f64),
}
arb!(Floats { a, b, c });

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CharBool {
    pub c: char,
    pub b: bool,
    pub u: (),
    pub bs: [bool; 3],
    pub cs: Vec<char>,
}
arb!(CharBool { c, b, u, bs, cs });

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Texts {
    pub s: String,
    pub b: ByteBuf,
    pub v: Vec<u8>,
    pub arr: [u8; 4],
    pub empty: [u8; 0],
    pub big: [u16; 3],
}

impl Arbitrary for Texts {
    fn arbitrary(g: &mut Gen) -> Self {
        Texts {
            s: Arbitrary::arbitrary(g),
            b: bytes(g),
            v: Arbitrary::arbitrary(g),
            arr: Arbitrary::arbitrary(g),
            empty: [],
            big: Arbitrary::arbitrary(g),
        }
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Options {
    pub a: Option<u32>,
    pub b: Option<Option<bool>>,
    pub c: Option<String>,
    pub d: Option<ByteBuf>,
    pub e: Option<Option<Option<u8>>>,
    pub f: Option<Vec<String>>,
}

impl Arbitrary for Options {
    fn arbitrary(g: &mut Gen) -> Self {
        Options {
            a: Arbitrary::arbitrary(g),
            b: Arbitrary::arbitrary(g),
            c: Arbitrary::arbitrary(g),
            d: bool::arbitrary(g).then(|| bytes(g)),
            e: Arbitrary::arbitrary(g),
            f: Arbitrary::arbitrary(g),
        }
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Tuples {
    pub a: (u16, String),
    pub b: ((u8, i8), u32),
    pub c: (),
    pub d: (bool,),
    pub e: [(u8, u16); 2],
}
arb!(Tuples { a, b, c, d, e });

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Seqs {
    pub a: Vec<String>,
    pub b: Vec<Vec<i16>>,
    pub c: Vec<(u8, String)>,
    pub d: Vec<Option<u8>>,
    pub e: Vec<()>,
    pub f: Vec<u64>,
}
arb!(Seqs { a, b, c, d, e, f });

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Maps {
    pub a: BTreeMap<u8, String>,
    pub b: BTreeMap<String, Vec<u8>>,
    pub c: BTreeMap<u16, Option<i32>>,
}
arb!(Maps { a, b, c });

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct UnitS;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Newtype(pub u32);

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct TupleS(pub u8, pub String);

/// Every variant kind, empty ones included.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Variants {
    Unit,
    Newtype(u32),
    Tuple(u8, String),
    Struct { a: bool, b: i64 },
    EmptyTuple(),
    EmptyStruct {},
    Named(TupleS),
    Units(UnitS, Newtype),
}

impl Arbitrary for Variants {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 8 {
            0 => Variants::Unit,
            1 => Variants::Newtype(Arbitrary::arbitrary(g)),
            2 => Variants::Tuple(Arbitrary::arbitrary(g), Arbitrary::arbitrary(g)),
            3 => Variants::Struct {
                a: Arbitrary::arbitrary(g),
                b: Arbitrary::arbitrary(g),
            },
            4 => Variants::EmptyTuple(),
            5 => Variants::EmptyStruct {},
            6 => Variants::Named(TupleS(Arbitrary::arbitrary(g), Arbitrary::arbitrary(g))),
            _ => Variants::Units(UnitS, Newtype(Arbitrary::arbitrary(g))),
        }
    }
}

/// An enum nested in an enum's later variant only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Outer {
    First(u8),
    Second(Inner),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Inner {
    X,
    Y(Box<Outer>),
    Z(String),
}

fn outer(g: &mut Gen, depth: usize) -> Outer {
    if depth == 0 || bool::arbitrary(g) {
        return Outer::First(Arbitrary::arbitrary(g));
    }
    Outer::Second(match u8::arbitrary(g) % 3 {
        0 => Inner::X,
        1 => Inner::Y(Box::new(outer(g, depth - 1))),
        _ => Inner::Z(Arbitrary::arbitrary(g)),
    })
}

impl Arbitrary for Outer {
    fn arbitrary(g: &mut Gen) -> Self {
        outer(g, 4)
    }
}

/// A recursive enum (through `Box`, `Vec` and `Option`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Tree {
    Leaf(u8),
    Node(Box<Tree>, Box<Tree>),
    List(Vec<Tree>),
    Maybe { next: Option<Box<Tree>> },
}

/// A tree `depth` levels deep.
pub fn tree(g: &mut Gen, depth: usize) -> Tree {
    if depth == 0 {
        return Tree::Leaf(Arbitrary::arbitrary(g));
    }
    match u8::arbitrary(g) % 4 {
        0 => Tree::Leaf(Arbitrary::arbitrary(g)),
        1 => Tree::Node(Box::new(tree(g, depth - 1)), Box::new(tree(g, depth - 1))),
        2 => Tree::List(
            (0..u8::arbitrary(g) % 3)
                .map(|_| tree(g, depth - 1))
                .collect(),
        ),
        _ => Tree::Maybe {
            next: bool::arbitrary(g).then(|| Box::new(tree(g, depth - 1))),
        },
    }
}

impl Arbitrary for Tree {
    fn arbitrary(g: &mut Gen) -> Self {
        tree(g, 4)
    }
}

/// Tags from a table (see `conformance::TAGS`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Op {
    A,
    B(u8),
    C { x: u16 },
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Wide8 {
    P,
    Q(i8),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Tagged {
    pub op: Op,
    pub ops: Vec<Op>,
    pub w: Wide8,
}

impl Arbitrary for Op {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 3 {
            0 => Op::A,
            1 => Op::B(Arbitrary::arbitrary(g)),
            _ => Op::C {
                x: Arbitrary::arbitrary(g),
            },
        }
    }
}

impl Arbitrary for Wide8 {
    fn arbitrary(g: &mut Gen) -> Self {
        if bool::arbitrary(g) {
            Wide8::P
        } else {
            Wide8::Q(Arbitrary::arbitrary(g))
        }
    }
}
arb!(Tagged { op, ops, w });

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Label(#[serde(with = "netwire::with::len_u8")] pub String);

/// Every length adapter.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Lens {
    #[serde(with = "netwire::with::len_u8")]
    pub a: String,
    #[serde(with = "netwire::with::len_u16")]
    pub b: Vec<u16>,
    #[serde(with = "netwire::with::len_u32")]
    pub c: ByteBuf,
    #[serde(with = "netwire::with::len_u64")]
    pub d: Vec<u8>,
    #[serde(with = "netwire::with::len_i16")]
    pub e: String,
    #[serde(with = "netwire::with::len_i32")]
    pub f: Vec<u32>,
    #[serde(with = "netwire::with::len_u8")]
    pub m: BTreeMap<u8, bool>,
    pub labels: Vec<Label>,
}

impl Arbitrary for Lens {
    fn arbitrary(g: &mut Gen) -> Self {
        Lens {
            a: text(g, 255),
            b: Arbitrary::arbitrary(g),
            c: bytes(g),
            d: Arbitrary::arbitrary(g),
            e: Arbitrary::arbitrary(g),
            f: Arbitrary::arbitrary(g),
            m: Arbitrary::arbitrary(g),
            labels: (0..u8::arbitrary(g) % 4)
                .map(|_| Label(text(g, 255)))
                .collect(),
        }
    }
}

/// Kafka's nullable strings and bytes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Nullables {
    pub id: i32,
    #[serde(with = "netwire::with::nullable_i16")]
    pub client: Option<String>,
    #[serde(with = "netwire::with::nullable_i32")]
    pub key: Option<ByteBuf>,
    #[serde(with = "netwire::with::nullable_i32")]
    pub parts: Option<Vec<u32>>,
}

impl Arbitrary for Nullables {
    fn arbitrary(g: &mut Gen) -> Self {
        Nullables {
            id: Arbitrary::arbitrary(g),
            client: Arbitrary::arbitrary(g),
            key: bool::arbitrary(g).then(|| bytes(g)),
            parts: Arbitrary::arbitrary(g),
        }
    }
}

/// C strings, padded strings, NUL-terminated sequences.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Terminated {
    #[serde(with = "netwire::with::cstr")]
    pub name: String,
    #[serde(with = "netwire::with::cstr")]
    pub raw: ByteBuf,
    pub pad: Padded<8>,
    #[serde(with = "netwire::with::nul_terminated")]
    pub labels: Vec<Label>,
    pub after: u16,
}

fn no_nul(g: &mut Gen) -> ByteBuf {
    ByteBuf::from(
        Vec::<u8>::arbitrary(g)
            .into_iter()
            .filter(|&b| b != 0)
            .collect::<Vec<_>>(),
    )
}

impl Arbitrary for Terminated {
    fn arbitrary(g: &mut Gen) -> Self {
        Terminated {
            name: text(g, 100),
            raw: no_nul(g),
            pad: Padded::new(text(g, 8)).expect("8 bytes"),
            labels: (0..u8::arbitrary(g) % 4)
                .map(|_| Label(format!("l{}", text(g, 100))))
                .collect(),
            after: Arbitrary::arbitrary(g),
        }
    }
}

/// Bytes to the end of the message.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RestBytes {
    pub id: u16,
    #[serde(with = "netwire::with::rest")]
    pub data: Vec<u8>,
}
arb!(RestBytes { id, data });

/// Records to the end of the message.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RestSeq {
    pub id: u16,
    #[serde(with = "netwire::with::rest")]
    pub items: Vec<(u8, u32)>,
}
arb!(RestSeq { id, items });

/// `empty_as_none`: the whole message or nothing.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MaybeTail(#[serde(with = "netwire::with::empty_as_none")] pub Option<(u8, u32)>);

impl Arbitrary for MaybeTail {
    fn arbitrary(g: &mut Gen) -> Self {
        MaybeTail(Arbitrary::arbitrary(g))
    }
}

/// A generic enum used at two types.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Maybe<T> {
    Nothing,
    Just(T),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Generic {
    pub a: Maybe<u8>,
    pub b: Maybe<String>,
}

/// A generic enum used at one type: fine.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct GenericOnce {
    pub a: Maybe<u16>,
    pub b: Vec<Maybe<u16>>,
}

impl<T: Arbitrary> Arbitrary for Maybe<T> {
    fn arbitrary(g: &mut Gen) -> Self {
        if bool::arbitrary(g) {
            Maybe::Nothing
        } else {
            Maybe::Just(T::arbitrary(g))
        }
    }
}
arb!(GenericOnce { a, b });

pub mod request {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Status {
        Ask(u8),
    }
}

pub mod response {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Status {
        Fine,
        Failed(String),
    }
}

/// Two enums with one serde name.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SameNames {
    pub req: request::Status,
    pub resp: response::Status,
}

/// Names hostile to Python, C and Lua: keywords, non-ASCII, comment and
/// quote characters, names that collide once mangled.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename = "class\"\"\"; import os #*/ --]]")]
pub struct Hostile {
    pub class: u8,
    pub int: u16,
    #[serde(rename = "end")]
    pub end_: u8,
    #[serde(rename = "local")]
    pub local_: bool,
    #[serde(rename = "名前")]
    pub name: String,
    #[serde(rename = "年齢")]
    pub age: u8,
    #[serde(rename = "a-b")]
    pub ab1: u8,
    #[serde(rename = "a_b")]
    pub ab2: u8,
    #[serde(rename = "a b")]
    pub ab3: u8,
    #[serde(rename = "*/*")]
    pub comment: u8,
    #[serde(rename = "\"\"\"")]
    pub quotes: u8,
    #[serde(rename = "--")]
    pub dashes: u8,
    #[serde(rename = "x\ny\\")]
    pub newline: u8,
    #[serde(rename = "")]
    pub empty: u8,
    #[serde(rename = "None")]
    pub none: u8,
    pub value: u8,
    pub v: HostileEnum,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename = "while")]
pub enum HostileEnum {
    Size,
    #[serde(rename = "SIZE")]
    Size2(u8),
    #[serde(rename = "size")]
    Size3 {},
    #[serde(rename = "*/")]
    Comment,
    #[serde(rename = "tag")]
    Tag(u8),
    #[serde(rename = "")]
    Empty,
    #[serde(rename = "Ω")]
    Omega(String),
}

impl Arbitrary for HostileEnum {
    fn arbitrary(g: &mut Gen) -> Self {
        match u8::arbitrary(g) % 7 {
            0 => HostileEnum::Size,
            1 => HostileEnum::Size2(Arbitrary::arbitrary(g)),
            2 => HostileEnum::Size3 {},
            3 => HostileEnum::Comment,
            4 => HostileEnum::Tag(Arbitrary::arbitrary(g)),
            5 => HostileEnum::Empty,
            _ => HostileEnum::Omega(Arbitrary::arbitrary(g)),
        }
    }
}
arb!(Hostile {
    class,
    int,
    end_,
    local_,
    name,
    age,
    ab1,
    ab2,
    ab3,
    comment,
    quotes,
    dashes,
    newline,
    empty,
    none,
    value,
    v
});

/// Names that mangle to the names the generators use themselves.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(rename = "Some")]
pub struct Shadows {
    #[serde(rename = "struct")]
    pub struct_: u8,
    pub r: u8,
    pub w: u8,
    pub p: u8,
    pub x0: u8,
    pub enc: u8,
    pub dec: u8,
    pub count: u16,
    pub len: u8,
    pub out: u8,
    pub cap: u8,
    #[serde(rename = "in")]
    pub in_: u8,
    pub elem: Vec<u8>,
    pub proto: u8,
    pub tree: u8,
    #[serde(rename = "_tag")]
    pub tag: u8,
}
arb!(Shadows {
    struct_,
    r,
    w,
    p,
    x0,
    enc,
    dec,
    count,
    len,
    out,
    cap,
    in_,
    elem,
    proto,
    tree,
    tag
});

/// A message of every nested kind at once.
#[allow(clippy::type_complexity)]
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Nest {
    pub a: Vec<Option<Vec<(u8, Option<String>)>>>,
    pub b: BTreeMap<u8, Vec<Variants>>,
    pub c: Option<(u16, Vec<String>)>,
    pub d: (Vec<u8>, String, [u8; 2]),
}
arb!(Nest { a, b, c, d });

/// A fixed header with bools: the generated Python decodes it in one
/// `unpack` and must still refuse a bool byte of 2.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Flags {
    pub a: bool,
    pub b: u16,
    pub c: bool,
    pub d: i64,
}
arb!(Flags { a, b, c, d });

/// Recursion through a map's values, an option of an option and a tuple.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Forest {
    pub kids: BTreeMap<u8, Forest>,
    pub up: Option<Option<Box<Forest>>>,
    pub pair: (u8, Option<Box<Forest>>),
}

fn forest(g: &mut Gen, depth: usize) -> Forest {
    let sub =
        |g: &mut Gen| (depth > 0 && bool::arbitrary(g)).then(|| Box::new(forest(g, depth - 1)));
    Forest {
        kids: (0..u8::arbitrary(g) % 3)
            .filter(|_| depth > 0)
            .map(|k| (k, forest(g, depth - 1)))
            .collect(),
        up: bool::arbitrary(g).then(|| sub(g)),
        pair: (u8::arbitrary(g), sub(g)),
    }
}

impl Arbitrary for Forest {
    fn arbitrary(g: &mut Gen) -> Self {
        forest(g, 3)
    }
}

/// Recursion through an array of boxes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Twin {
    Leaf(u8),
    Two([Box<Twin>; 2]),
}

fn twin(g: &mut Gen, depth: usize) -> Twin {
    if depth == 0 || bool::arbitrary(g) {
        return Twin::Leaf(Arbitrary::arbitrary(g));
    }
    Twin::Two([Box::new(twin(g, depth - 1)), Box::new(twin(g, depth - 1))])
}

impl Arbitrary for Twin {
    fn arbitrary(g: &mut Gen) -> Self {
        twin(g, 4)
    }
}

/// Recursion through a struct under `empty_as_none`: a node with no byte
/// of its own.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Ring {
    pub v: u8,
    #[serde(with = "netwire::with::empty_as_none")]
    pub next: Option<Box<Ring>>,
}

impl Arbitrary for Ring {
    fn arbitrary(g: &mut Gen) -> Self {
        let n = usize::arbitrary(g) % 6;
        (0..n).fold(
            Ring {
                v: Arbitrary::arbitrary(g),
                next: None,
            },
            |r, _| Ring {
                v: Arbitrary::arbitrary(g),
                next: Some(Box::new(r)),
            },
        )
    }
}

/// Two types recursive through each other, one of them only through a
/// sequence and `rest`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Mutual {
    pub tag: u8,
    #[serde(with = "netwire::with::rest")]
    pub items: Vec<Other>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum Other {
    Done,
    Back(Box<Mutual>),
    Many(Vec<Other>),
}

fn other(g: &mut Gen, depth: usize) -> Other {
    match if depth == 0 { 0 } else { u8::arbitrary(g) % 3 } {
        0 => Other::Done,
        // `rest` runs to the end: only the last element may hold one.
        1 => Other::Many(
            (0..u8::arbitrary(g) % 3)
                .map(|_| other(g, depth - 1))
                .collect(),
        ),
        _ => Other::Done,
    }
}

impl Arbitrary for Mutual {
    fn arbitrary(g: &mut Gen) -> Self {
        let mut items: Vec<Other> = (0..u8::arbitrary(g) % 3).map(|_| other(g, 3)).collect();
        if bool::arbitrary(g) {
            items.push(Other::Back(Box::new(Mutual {
                tag: Arbitrary::arbitrary(g),
                items: (0..u8::arbitrary(g) % 2).map(|_| other(g, 2)).collect(),
            })));
        }
        Mutual {
            tag: Arbitrary::arbitrary(g),
            items,
        }
    }
}
