//! The encodings under comparison, behind one small trait, and the batch
//! loops that every benchmark times.

use std::hint::black_box;

use bincode::enc::write::Writer;
use bincode::error::EncodeError;
use netwire::Encoding;
use serde::{Deserialize, Serialize};

/// A serde wire format, as the benchmarks use it: append one message to a
/// buffer, decode one message from a slice (borrowing where the type does).
pub trait Format {
    /// The name in tables, charts and benchmark ids.
    fn name(&self) -> &'static str;

    /// Appends the encoding of `value` to `out`.
    fn encode<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String>;

    /// Decodes one message from `input`.
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T, String>;
}

/// Something that runs once per format (the formats are different types,
/// so the list is walked with a visitor).
pub trait Visit {
    /// Called with each format in turn.
    fn visit<F: Format>(&mut self, format: &F);
}

/// Calls `v` with every serde format in the comparison, `net` first.
pub fn each_format(v: &mut impl Visit) {
    v.visit(&Wire("net", netwire::net::Config::new()));
    v.visit(&Wire("net-bincode", netwire::net::Config::bincode_legacy()));
    v.visit(&Wire("ascii", netwire::ascii::Config::new()));
    v.visit(&Bincode(
        "bincode-legacy-be",
        bincode::config::legacy().with_big_endian(),
    ));
    v.visit(&Bincode("bincode-std", bincode::config::standard()));
    v.visit(&Postcard);
    v.visit(&Json);
}

/// A netwire [`Encoding`] (`net` with any config, `ascii`).
pub struct Wire<E>(pub &'static str, pub E);

impl<E: Encoding> Format for Wire<E> {
    fn name(&self) -> &'static str {
        self.0
    }

    #[inline]
    fn encode<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        self.1.encode_into(value, out).map_err(|e| e.to_string())
    }

    #[inline]
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        self.1.decode(input).map_err(|e| e.to_string())
    }
}

/// bincode 2.0.1 through its serde support, with a given configuration.
pub struct Bincode<C>(pub &'static str, pub C);

/// Lets bincode append to a `Vec` directly (what its own `encode_to_vec`
/// does), instead of going through `io::Write`.
struct Append<'a>(&'a mut Vec<u8>);

impl Writer for Append<'_> {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

impl<C: bincode::config::Config> Format for Bincode<C> {
    fn name(&self) -> &'static str {
        self.0
    }

    #[inline]
    fn encode<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        bincode::serde::encode_into_writer(value, Append(out), self.1).map_err(|e| e.to_string())
    }

    #[inline]
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        bincode::serde::borrow_decode_from_slice(input, self.1)
            .map(|(v, _)| v)
            .map_err(|e| e.to_string())
    }
}

/// postcard 1 (varints, little-endian).
pub struct Postcard;

impl Format for Postcard {
    fn name(&self) -> &'static str {
        "postcard"
    }

    #[inline]
    fn encode<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        let buf = std::mem::take(out);
        *out = postcard::to_extend(value, buf).map_err(|e| e.to_string())?;
        Ok(())
    }

    #[inline]
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        postcard::from_bytes(input).map_err(|e| e.to_string())
    }
}

/// serde_json, the text baseline.
pub struct Json;

impl Format for Json {
    fn name(&self) -> &'static str {
        "serde_json"
    }

    #[inline]
    fn encode<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        serde_json::to_writer(&mut *out, value).map_err(|e| e.to_string())
    }

    #[inline]
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        serde_json::from_slice(input).map_err(|e| e.to_string())
    }
}

/// Many messages encoded back to back, with where each one ends.
pub struct Batch {
    /// All messages' bytes.
    pub bytes: Vec<u8>,
    /// `ends[i]` is the offset just past message `i`.
    pub ends: Vec<usize>,
}

impl Batch {
    /// Encodes every message with `format`.
    pub fn encode<F: Format, T: Serialize>(format: &F, messages: &[T]) -> Result<Batch, String> {
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(messages.len());
        for m in messages {
            format.encode(m, &mut bytes)?;
            ends.push(bytes.len());
        }
        Ok(Batch { bytes, ends })
    }

    /// Each message's bytes, in order.
    pub fn messages(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| &self.bytes[a..b])
    }

    /// The total size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The number of messages.
    pub fn count(&self) -> usize {
        self.ends.len()
    }
}

/// Encodes every message into `out` (cleared first): the timed encode loop.
#[inline]
pub fn encode_all<F: Format, T: Serialize>(format: &F, messages: &[T], out: &mut Vec<u8>) {
    out.clear();
    for m in messages {
        format.encode(black_box(m), out).expect("encode");
    }
    black_box(out);
}

/// Decodes every message of `batch` one by one and drops it: the timed
/// decode loop. `T` may borrow from the batch.
#[inline]
pub fn decode_all<'a, F: Format, T: Deserialize<'a>>(format: &F, batch: &'a Batch) {
    for bytes in batch.messages() {
        let value: T = format.decode(black_box(bytes)).expect("decode");
        black_box(value);
    }
}

/// Copies every message of `batch` into `dst`: what receiving the bytes
/// costs at the least, the floor under any decoder.
#[inline]
pub fn memcpy_all(batch: &Batch, dst: &mut Vec<u8>) {
    for bytes in batch.messages() {
        dst.clear();
        dst.extend_from_slice(black_box(bytes));
        black_box(&mut *dst);
    }
}

/// Encodes `messages` with `format` and checks that each decodes back to
/// itself; returns the batch.
pub fn check<F, T>(format: &F, messages: &[T]) -> Result<Batch, String>
where
    F: Format,
    T: Serialize + for<'de> Deserialize<'de> + PartialEq,
{
    let batch = Batch::encode(format, messages)?;
    for (i, (m, bytes)) in messages.iter().zip(batch.messages()).enumerate() {
        let back: T = format.decode(bytes)?;
        if &back != m {
            return Err(format!("message {i} does not decode to itself"));
        }
    }
    Ok(batch)
}

/// Checks that every message of `batch` decodes as the borrowing type `V`
/// and encodes back to the same bytes. An error means the format cannot
/// borrow this type (serde_json cannot borrow byte strings).
pub fn check_view<'a, F, V>(format: &F, batch: &'a Batch) -> Result<(), String>
where
    F: Format,
    V: Serialize + Deserialize<'a>,
{
    let mut again = Vec::new();
    for (i, bytes) in batch.messages().enumerate() {
        let view: V = format.decode(bytes)?;
        again.clear();
        format.encode(&view, &mut again)?;
        if again != bytes {
            return Err(format!("message {i} borrowed re-encodes differently"));
        }
    }
    Ok(())
}
