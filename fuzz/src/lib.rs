//! Shared pieces of netwire's fuzz targets: message types covering every
//! serde shape, the format settings a target picks from a byte, and the
//! chunked-versus-whole driver of the framing targets.
//!
//! Memory bound of the targets: every configured decoder runs with a
//! message or frame limit of at most [`MAX_LIMIT`] (1 MiB); the targets
//! that go through `netwire::fuzz`'s default settings use the formats'
//! default limit of 16 MiB, whose inputs are libFuzzer's (at most
//! `-max_len`, 4 KiB by default). `.ci/fuzz.sh` runs every target with
//! `-malloc_limit_mb=16` (no single allocation above the default limit)
//! and `-rss_limit_mb=2048` (libFuzzer's default: under AddressSanitizer
//! the process keeps freed memory, so its RSS grows over a long run while
//! the live heap stays small; see `.ci/fuzz.sh`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use serde::{Deserialize, Serialize};

pub mod budget;
pub mod differential;
pub mod framing;
pub mod framings;
pub mod room;
pub mod schedule;
pub mod streams;
pub mod writer;

/// The largest byte limit a configured target uses.
pub const MAX_LIMIT: usize = 1 << 20;

/// A unit struct.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Marker;

/// A struct without fields: no bytes at all in `net`.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Empty {}

/// A struct with a field serde leaves out when it is `None`: fields are
/// positional, so the encoders refuse it then (`SkippedField`).
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Sparse {
    /// Always there.
    pub id: u8,
    /// Left out when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// After the field that may be left out.
    pub tail: u16,
}

/// A small message that borrows every way a frame can lend: a string,
/// bytes, an optional string and a sequence of strings.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Loan<'a> {
    /// Borrowed.
    pub name: &'a str,
    /// Borrowed bytes.
    #[serde(with = "serde_bytes")]
    pub raw: &'a [u8],
    /// Borrowed, optional.
    #[serde(borrow)]
    pub note: Option<&'a str>,
    /// Borrowed strings.
    #[serde(borrow)]
    pub words: Vec<&'a str>,
}

/// [`Loan`] owning its fields: the same wire format in both encodings.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LoanOwned {
    /// Owned.
    pub name: String,
    /// Owned bytes.
    #[serde(with = "serde_bytes")]
    pub raw: Vec<u8>,
    /// Owned, optional.
    pub note: Option<String>,
    /// Owned strings.
    pub words: Vec<String>,
}

/// A newtype struct.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Meters(pub u32);

/// A tuple struct.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Pair(pub i16, pub Option<char>);

/// An enum with every kind of variant, recursive through a `Box` and a
/// `Vec`.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub enum Event {
    /// Unit variant.
    Quit,
    /// Newtype variant.
    Move(i32),
    /// Tuple variant.
    Resize(u16, u16),
    /// Struct variant.
    Say {
        /// A nested option.
        to: Option<String>,
        /// A string.
        text: String,
    },
    /// Recursion through a box.
    Nested(Box<Event>),
    /// Recursion through a sequence.
    Batch(Vec<Event>),
}

/// The recursive type of the stack tests: a binary tree.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub enum Tree {
    /// A leaf.
    Leaf,
    /// Two subtrees.
    Node(Box<Tree>, Box<Tree>),
    /// A labelled node with any number of children.
    Labeled {
        /// The label.
        label: u8,
        /// The children.
        children: Vec<Tree>,
    },
}

/// An owned message holding every serde shape.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Message {
    /// u64.
    pub id: u64,
    /// bool and the small integers.
    pub small: (bool, i8, u16, i32),
    /// 128-bit integers.
    pub wide: (u128, i128),
    /// f32 (may be NaN).
    pub ratio: f32,
    /// f64 (may be NaN).
    pub precise: f64,
    /// char.
    pub letter: char,
    /// String.
    pub name: String,
    /// Bytes through `serialize_bytes`.
    #[serde(with = "serde_bytes")]
    pub blob: Vec<u8>,
    /// Nested options.
    pub maybe: Option<Option<u16>>,
    /// unit.
    pub unit: (),
    /// Unit struct.
    pub marker: Marker,
    /// Newtype struct.
    pub meters: Meters,
    /// Tuple struct.
    pub pair: Pair,
    /// Array.
    pub array: [u8; 3],
    /// Sequence of enums.
    pub events: Vec<Event>,
    /// Map.
    pub index: BTreeMap<String, i64>,
    /// Recursive type.
    pub tree: Tree,
}

/// An enum whose variants borrow.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub enum Piece<'a> {
    /// A borrowed string.
    Text(&'a str),
    /// Borrowed bytes.
    Raw(#[serde(with = "serde_bytes")] &'a [u8]),
    /// Borrowed fields of a struct variant.
    Pair {
        /// Borrowed.
        key: &'a str,
        /// Borrowed, optional.
        value: Option<&'a str>,
    },
}

/// A message that borrows from its input.
#[derive(Serialize, Deserialize, Arbitrary, Debug, Clone, PartialEq)]
pub struct Borrowed<'a> {
    /// A borrowed string.
    pub name: &'a str,
    /// Borrowed bytes (through `serialize_bytes`: a plain `&[u8]` would
    /// be written as a sequence of numbers, which `ascii` cannot read back
    /// as borrowed bytes).
    #[serde(with = "serde_bytes")]
    pub bytes: &'a [u8],
    /// Borrowed when it can be.
    #[serde(borrow)]
    pub cow: Cow<'a, str>,
    /// A sequence of borrowed strings.
    #[serde(borrow)]
    pub parts: Vec<&'a str>,
    /// A map with borrowed keys.
    #[serde(borrow)]
    pub attrs: BTreeMap<&'a str, u8>,
    /// An enum with borrowed variants.
    #[serde(borrow)]
    pub pieces: Vec<Piece<'a>>,
    /// An owned message inside.
    pub inner: Option<Box<Message>>,
}

/// `net` settings from one byte: length width (bits 0–1), tag width (bits
/// 2–3, 3 meaning u8), limit (bits 4–5: 1 MiB, 4 KiB, 256 B, 16 B) and
/// depth (bits 6–7: 128, 16, 2, 0).
pub fn net_config(sel: u8) -> netwire::net::Config {
    use netwire::net::{Config, LengthWidth, TagWidth};
    let length = [
        LengthWidth::U32,
        LengthWidth::U8,
        LengthWidth::U16,
        LengthWidth::U64,
    ][usize::from(sel & 3)];
    let tag = [TagWidth::U8, TagWidth::U16, TagWidth::U32, TagWidth::U8][usize::from(sel >> 2 & 3)];
    let limit = [MAX_LIMIT, 4096, 256, 16][usize::from(sel >> 4 & 3)];
    let depth = [128, 16, 2, 0][usize::from(sel >> 6 & 3)];
    Config::new()
        .with_length_width(length)
        .with_tag_width(tag)
        .with_limit(limit)
        .with_depth(depth)
}

/// `ascii` settings from one byte: limit (bits 0–1: 1 MiB, 4 KiB, 256 B,
/// 16 B) and depth (bits 2–3: 128, 16, 2, 0).
pub fn ascii_config(sel: u8) -> netwire::ascii::Config {
    let limit = [MAX_LIMIT, 4096, 256, 16][usize::from(sel & 3)];
    let depth = [128, 16, 2, 0][usize::from(sel >> 2 & 3)];
    netwire::ascii::Config::new()
        .with_limit(limit)
        .with_depth(depth)
}

/// Sample messages for the seed corpora.
pub fn sample_messages() -> Vec<Message> {
    let tree = Tree::Node(
        Box::new(Tree::Leaf),
        Box::new(Tree::Labeled {
            label: 7,
            children: vec![
                Tree::Leaf,
                Tree::Node(Box::new(Tree::Leaf), Box::new(Tree::Leaf)),
            ],
        }),
    );
    let full = Message {
        id: 0x0102_0304_0506_0708,
        small: (true, -1, 443, -70000),
        wide: (u128::MAX, i128::MIN),
        ratio: 1.5,
        precise: -0.25,
        letter: 'é',
        name: "netwire".into(),
        blob: vec![0, 1, 0xff, b'\n'],
        maybe: Some(None),
        unit: (),
        marker: Marker,
        meters: Meters(42),
        pair: Pair(-2, Some('\u{1F980}')),
        array: [1, 2, 3],
        events: vec![
            Event::Quit,
            Event::Move(-5),
            Event::Resize(80, 24),
            Event::Say {
                to: Some("all".into()),
                text: "hi there".into(),
            },
            Event::Nested(Box::new(Event::Batch(vec![Event::Quit]))),
        ],
        index: BTreeMap::from([("a".into(), 1), ("b".into(), -1)]),
        tree,
    };
    let empty = Message {
        id: 0,
        small: (false, 0, 0, 0),
        wide: (0, 0),
        ratio: 0.0,
        precise: 0.0,
        letter: 'a',
        name: String::new(),
        blob: Vec::new(),
        maybe: None,
        unit: (),
        marker: Marker,
        meters: Meters(0),
        pair: Pair(0, None),
        array: [0; 3],
        events: Vec::new(),
        index: BTreeMap::new(),
        tree: Tree::Leaf,
    };
    vec![empty, full]
}
