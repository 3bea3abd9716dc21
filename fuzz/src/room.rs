//! Small, plain sequence elements, which `net` decodes from a slice with
//! room through a second copy of their code: the types, a wrapper that
//! takes the plain path over the same bytes, and the comparison of the
//! two (target `net_room`).

use serde::{Deserialize, Serialize};

/// `T` on the wire and in memory, plus drop glue: a sequence of these is
/// decoded on the plain path. Transparent: no level, no byte.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(transparent)]
pub struct Slow<T> {
    /// The element.
    pub inner: T,
    #[serde(skip)]
    guard: Option<Box<u8>>,
}

/// A plain enum.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Newtype variant.
    Dot(u16),
    /// Struct variant.
    Rect {
        /// Width.
        w: u32,
        /// Height.
        h: u32,
    },
    /// Unit variant.
    Empty,
}

/// Every check a plain value's reads can fail: tag, bool, char, option.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Record {
    /// An enum.
    pub shape: Shape,
    /// A bool.
    pub flag: bool,
    /// A char.
    pub letter: char,
    /// An option.
    pub maybe: Option<u64>,
    /// A tuple.
    pub pair: (i8, u64),
    /// A byte.
    pub small: u8,
}

/// Fixed-size numbers only (as in a mesh).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Triangle {
    /// Three vertices.
    pub vertices: [[i32; 3]; 3],
    /// A normal.
    pub normal: [u32; 3],
}

/// Borrowed text and bytes, of any length.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Named<'a> {
    /// Borrowed text.
    pub name: &'a str,
    /// A number.
    pub id: u32,
    /// Borrowed bytes.
    #[serde(with = "serde_bytes")]
    pub bytes: &'a [u8],
}

/// What a decode came to: the value and the bytes it took, or the error's
/// kind, offset and bytes needed (its message aside).
type Outcome<V> = Result<(V, usize), (netwire::ErrorKind, Option<u64>, Option<u64>)>;

fn outcome<V>(r: netwire::Result<(V, &[u8])>, input: &[u8]) -> Outcome<V> {
    r.map(|(v, rest)| (v, input.len() - rest.len()))
        .map_err(|e| (e.kind().clone(), e.offset(), e.needed()))
}

/// Decodes `input` as a `Vec<T>` (elements with room) and as a
/// `Vec<Slow<T>>` (the plain path), with `take_from_slice` and
/// `from_slice` (the whole input).
///
/// # Errors
/// What differed, when the two differ in value, bytes taken, error kind,
/// offset or bytes needed.
pub fn check_same<'de, T>(config: &netwire::net::Config, input: &'de [u8]) -> Result<(), String>
where
    T: Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let unwrap = |v: Vec<Slow<T>>| v.into_iter().map(|s| s.inner).collect::<Vec<T>>();
    let fast = outcome(config.take_from_slice::<Vec<T>>(input), input);
    let plain =
        outcome(config.take_from_slice::<Vec<Slow<T>>>(input), input).map(|(v, n)| (unwrap(v), n));
    if fast != plain {
        return Err(format!(
            "take_from_slice: {fast:?} with room, {plain:?} without"
        ));
    }
    let whole = |v| (v, &input[input.len()..]);
    let fast = outcome(config.from_slice::<Vec<T>>(input).map(whole), input);
    let plain = outcome(
        config
            .from_slice::<Vec<Slow<T>>>(input)
            .map(|v| whole(unwrap(v))),
        input,
    );
    if fast != plain {
        return Err(format!("from_slice: {fast:?} with room, {plain:?} without"));
    }
    Ok(())
}
