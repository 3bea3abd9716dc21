//! The encodings under comparison, behind one small trait, and the batch
//! loops that every benchmark times.
//!
//! Each crate is used through its fastest documented API for the job: for
//! encoding into a caller's buffer, its slice API (`to_slice`,
//! `encode_into_slice`, a cursor over the slice, a reused encode buffer);
//! for appending to a `Vec`, its `Vec` or writer API; for decoding, its
//! slice decoder (borrowing where the type does).

use std::cell::RefCell;
use std::hint::black_box;

use bincode::enc::write::Writer;
use bincode::error::EncodeError;
use netwire::Encoding;
use serde::{Deserialize, Serialize};

/// wincode's default configuration: bincode 1's layout (fixed-width
/// integers, `u64` lengths, `u32` tags), little-endian.
pub type WincodeLe = wincode::config::DefaultConfig;

/// [`WincodeLe`] in big-endian byte order
/// (`Configuration::default().with_big_endian()`): the layout of bincode's
/// `legacy().with_big_endian()` and of `net::Config::bincode_legacy()`.
pub type WincodeBe = wincode::config::Configuration<
    true,
    { wincode::config::DEFAULT_PREALLOCATION_SIZE_LIMIT },
    wincode::len::BincodeLen,
    wincode::int_encoding::BigEndian,
    wincode::int_encoding::FixInt,
    u32,
    { wincode::config::DEFAULT_DESERIALIZATION_SIZE_LIMIT },
>;

/// What a message type needs to be encoded by every format: serde's
/// `Serialize`, wincode's `SchemaWrite` and [`BitcodeEncode`] (all three
/// derived).
pub trait Encode:
    Serialize
    + wincode::SchemaWrite<WincodeLe, Src = Self>
    + wincode::SchemaWrite<WincodeBe, Src = Self>
    + BitcodeEncode
{
}

impl<T> Encode for T where
    T: ?Sized
        + Serialize
        + wincode::SchemaWrite<WincodeLe, Src = T>
        + wincode::SchemaWrite<WincodeBe, Src = T>
        + BitcodeEncode
{
}

/// Encoding with bitcode's derive: every `bitcode::Encode` type, and the
/// types bitcode cannot encode (it has no borrowed byte slices), which say
/// so instead.
pub trait BitcodeEncode {
    /// Encodes `self` with a reused `buffer`.
    fn bitcode_encode<'b>(&self, buffer: &'b mut bitcode::Buffer) -> Result<&'b [u8], String>;
}

impl<T: ?Sized + bitcode::Encode> BitcodeEncode for T {
    #[inline]
    fn bitcode_encode<'b>(&self, buffer: &'b mut bitcode::Buffer) -> Result<&'b [u8], String> {
        Ok(buffer.encode(self))
    }
}

/// What a message type needs to be decoded by every format, borrowing
/// from `'de` where it can: serde's `Deserialize`, wincode's `SchemaRead`,
/// and [`BitcodeDecode`].
pub trait Decode<'de>:
    Deserialize<'de>
    + wincode::SchemaRead<'de, WincodeLe, Dst = Self>
    + wincode::SchemaRead<'de, WincodeBe, Dst = Self>
    + BitcodeDecode<'de>
{
}

impl<'de, T> Decode<'de> for T where
    T: Deserialize<'de>
        + wincode::SchemaRead<'de, WincodeLe, Dst = T>
        + wincode::SchemaRead<'de, WincodeBe, Dst = T>
        + BitcodeDecode<'de>
{
}

/// Decoding with bitcode's derive, as [`BitcodeEncode`].
pub trait BitcodeDecode<'de>: Sized {
    /// Decodes `input` with a reused `buffer`.
    fn bitcode_decode(buffer: &mut bitcode::Buffer, input: &'de [u8]) -> Result<Self, String>;
}

impl<'de, T: bitcode::Decode<'de>> BitcodeDecode<'de> for T {
    #[inline]
    fn bitcode_decode(buffer: &mut bitcode::Buffer, input: &'de [u8]) -> Result<Self, String> {
        buffer.decode(input).map_err(|e| e.to_string())
    }
}

/// A serde wire format, as the benchmarks use it: encode one message into
/// a caller's slice or onto a `Vec`, decode one message from a slice
/// (borrowing where the type does).
pub trait Format {
    /// The name in tables, charts and benchmark ids.
    fn name(&self) -> &'static str;

    /// Writes `value` at the front of `out` with the crate's API for a
    /// caller's buffer; returns the number of bytes written.
    fn encode_slice<T: ?Sized + Encode>(&self, value: &T, out: &mut [u8]) -> Result<usize, String>;

    /// Appends the encoding of `value` to `out` with the crate's API for
    /// a `Vec` or a writer.
    fn encode<T: ?Sized + Encode>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String>;

    /// Decodes one message from `input`.
    fn decode<'de, T: Decode<'de>>(&self, input: &'de [u8]) -> Result<T, String>;
}

/// Something that runs once per format (the formats are different types,
/// so the list is walked with a visitor).
pub trait Visit {
    /// Called with each format in turn.
    fn visit<F: Format>(&mut self, format: &F);
}

/// Calls `v` with every format in the comparison, `net` first.
pub fn each_format(v: &mut impl Visit) {
    v.visit(&Wire("net", netwire::net::Config::new()));
    v.visit(&Wire("net-bincode", netwire::net::Config::bincode_legacy()));
    v.visit(&Wire("ascii", netwire::ascii::Config::new()));
    v.visit(&Bincode(
        "bincode-legacy-be",
        bincode::config::legacy().with_big_endian(),
    ));
    v.visit(&Bincode("bincode-std", bincode::config::standard()));
    v.visit(&Wincode::<WincodeBe>("wincode-be", WincodeBe::new()));
    v.visit(&Wincode::<WincodeLe>("wincode", WincodeLe::new()));
    v.visit(&Bitcode(RefCell::new(bitcode::Buffer::new())));
    v.visit(&BitcodeSerde);
    v.visit(&Postcard);
    v.visit(&Json);
}

/// A netwire format: `net` with any config, or `ascii`.
pub trait Netwire: Encoding {
    /// `Config::to_slice`.
    fn to_slice<T: ?Sized + Serialize>(&self, value: &T, out: &mut [u8]) -> netwire::Result<usize>;
}

impl Netwire for netwire::net::Config {
    #[inline]
    fn to_slice<T: ?Sized + Serialize>(&self, value: &T, out: &mut [u8]) -> netwire::Result<usize> {
        self.to_slice(value, out).map(|used| used.len())
    }
}

impl Netwire for netwire::ascii::Config {
    #[inline]
    fn to_slice<T: ?Sized + Serialize>(&self, value: &T, out: &mut [u8]) -> netwire::Result<usize> {
        self.to_slice(value, out).map(|used| used.len())
    }
}

/// netwire: `to_slice`, `append_to_vec` (as [`Encoding::encode_into`]),
/// `from_slice`.
pub struct Wire<E>(pub &'static str, pub E);

impl<E: Netwire> Format for Wire<E> {
    fn name(&self) -> &'static str {
        self.0
    }

    #[inline]
    fn encode_slice<T: ?Sized + Encode>(&self, value: &T, out: &mut [u8]) -> Result<usize, String> {
        self.1.to_slice(value, out).map_err(|e| e.to_string())
    }

    #[inline]
    fn encode<T: ?Sized + Encode>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        self.1.encode_into(value, out).map_err(|e| e.to_string())
    }

    #[inline]
    fn decode<'de, T: Decode<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        self.1.decode(input).map_err(|e| e.to_string())
    }
}

/// bincode 2.0.1 through its serde support, with a given configuration:
/// `encode_into_slice`, a `Vec` writer, `borrow_decode_from_slice`.
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
    fn encode_slice<T: ?Sized + Encode>(&self, value: &T, out: &mut [u8]) -> Result<usize, String> {
        bincode::serde::encode_into_slice(value, out, self.1).map_err(|e| e.to_string())
    }

    #[inline]
    fn encode<T: ?Sized + Encode>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        bincode::serde::encode_into_writer(value, Append(out), self.1).map_err(|e| e.to_string())
    }

    #[inline]
    fn decode<'de, T: Decode<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        bincode::serde::borrow_decode_from_slice(input, self.1)
            .map(|(v, _)| v)
            .map_err(|e| e.to_string())
    }
}

/// wincode 0.6 through its derives, with a given configuration:
/// `serialize_into` a cursor over the slice or onto the `Vec`,
/// `deserialize`.
pub struct Wincode<C>(pub &'static str, pub C);

macro_rules! wincode_format {
    ($config:ty) => {
        impl Format for Wincode<$config> {
            fn name(&self) -> &'static str {
                self.0
            }

            #[inline]
            fn encode_slice<T: ?Sized + Encode>(
                &self,
                value: &T,
                out: &mut [u8],
            ) -> Result<usize, String> {
                let mut cursor = std::io::Cursor::new(out);
                wincode::config::serialize_into(&mut cursor, value, self.1)
                    .map_err(|e| e.to_string())?;
                Ok(cursor.position() as usize)
            }

            #[inline]
            fn encode<T: ?Sized + Encode>(
                &self,
                value: &T,
                out: &mut Vec<u8>,
            ) -> Result<(), String> {
                wincode::config::serialize_into(out, value, self.1).map_err(|e| e.to_string())
            }

            #[inline]
            fn decode<'de, T: Decode<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
                wincode::config::deserialize(input, self.1).map_err(|e| e.to_string())
            }
        }
    };
}

wincode_format!(WincodeLe);
wincode_format!(WincodeBe);

/// bitcode 0.6 through its derives, with one reused `bitcode::Buffer`
/// (its fastest API; bitcode has no slice output, so the bytes are copied
/// from the buffer).
pub struct Bitcode(pub RefCell<bitcode::Buffer>);

impl Format for Bitcode {
    fn name(&self) -> &'static str {
        "bitcode"
    }

    #[inline]
    fn encode_slice<T: ?Sized + Encode>(&self, value: &T, out: &mut [u8]) -> Result<usize, String> {
        let mut buffer = self.0.borrow_mut();
        let bytes = value.bitcode_encode(&mut buffer)?;
        let slot = out.get_mut(..bytes.len()).ok_or("slice too small")?;
        slot.copy_from_slice(bytes);
        Ok(bytes.len())
    }

    #[inline]
    fn encode<T: ?Sized + Encode>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        out.extend_from_slice(value.bitcode_encode(&mut self.0.borrow_mut())?);
        Ok(())
    }

    #[inline]
    fn decode<'de, T: Decode<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        T::bitcode_decode(&mut self.0.borrow_mut(), input)
    }
}

/// bitcode 0.6 through serde: `bitcode::serialize` (a new `Vec` per
/// message, its only serde encoder) and `bitcode::deserialize`.
pub struct BitcodeSerde;

impl Format for BitcodeSerde {
    fn name(&self) -> &'static str {
        "bitcode-serde"
    }

    #[inline]
    fn encode_slice<T: ?Sized + Encode>(&self, value: &T, out: &mut [u8]) -> Result<usize, String> {
        let bytes = bitcode::serialize(value).map_err(|e| e.to_string())?;
        let slot = out.get_mut(..bytes.len()).ok_or("slice too small")?;
        slot.copy_from_slice(&bytes);
        Ok(bytes.len())
    }

    #[inline]
    fn encode<T: ?Sized + Encode>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        let bytes = bitcode::serialize(value).map_err(|e| e.to_string())?;
        out.extend_from_slice(&bytes);
        Ok(())
    }

    #[inline]
    fn decode<'de, T: Decode<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        bitcode::deserialize(input).map_err(|e| e.to_string())
    }
}

/// postcard 1 (varints, little-endian): `to_slice`, `to_extend`,
/// `from_bytes`.
pub struct Postcard;

impl Format for Postcard {
    fn name(&self) -> &'static str {
        "postcard"
    }

    #[inline]
    fn encode_slice<T: ?Sized + Encode>(&self, value: &T, out: &mut [u8]) -> Result<usize, String> {
        postcard::to_slice(value, out)
            .map(|used| used.len())
            .map_err(|e| e.to_string())
    }

    #[inline]
    fn encode<T: ?Sized + Encode>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        let buf = std::mem::take(out);
        *out = postcard::to_extend(value, buf).map_err(|e| e.to_string())?;
        Ok(())
    }

    #[inline]
    fn decode<'de, T: Decode<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
        postcard::from_bytes(input).map_err(|e| e.to_string())
    }
}

/// serde_json, the text baseline: `to_writer` on the slice or the `Vec`,
/// `from_slice`.
pub struct Json;

impl Format for Json {
    fn name(&self) -> &'static str {
        "serde_json"
    }

    #[inline]
    fn encode_slice<T: ?Sized + Encode>(&self, value: &T, out: &mut [u8]) -> Result<usize, String> {
        let size = out.len();
        let mut rest = out;
        serde_json::to_writer(&mut rest, value).map_err(|e| e.to_string())?;
        Ok(size - rest.len())
    }

    #[inline]
    fn encode<T: ?Sized + Encode>(&self, value: &T, out: &mut Vec<u8>) -> Result<(), String> {
        serde_json::to_writer(&mut *out, value).map_err(|e| e.to_string())
    }

    #[inline]
    fn decode<'de, T: Decode<'de>>(&self, input: &'de [u8]) -> Result<T, String> {
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
    pub fn encode<F: Format, T: Encode>(format: &F, messages: &[T]) -> Result<Batch, String> {
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

/// Encodes every message onto `out` (cleared first) with the format's
/// `Vec` API: the timed `encode_vec` loop.
#[inline]
pub fn encode_all<F: Format, T: Encode>(format: &F, messages: &[T], out: &mut Vec<u8>) {
    out.clear();
    for m in messages {
        format.encode(black_box(m), out).expect("encode");
    }
    black_box(out);
}

/// Encodes every message back to back into `out` (as long as the batch)
/// with the format's slice API: the timed `encode` loop.
#[inline]
pub fn encode_all_slice<F: Format, T: Encode>(format: &F, messages: &[T], out: &mut [u8]) {
    let mut at = 0;
    for m in messages {
        let rest = out.get_mut(at..).unwrap_or_default();
        at += format.encode_slice(black_box(m), rest).expect("encode");
    }
    black_box(out);
}

/// Decodes every message of `batch` one by one and drops it: the timed
/// decode loop. `T` may borrow from the batch.
#[inline]
pub fn decode_all<'a, F: Format, T: Decode<'a>>(format: &F, batch: &'a Batch) {
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
/// itself, and that the slice API writes the same bytes as the `Vec` API;
/// returns the batch.
pub fn check<F, T>(format: &F, messages: &[T]) -> Result<Batch, String>
where
    F: Format,
    T: Encode + for<'de> Decode<'de> + PartialEq,
{
    let batch = Batch::encode(format, messages)?;
    for (i, (m, bytes)) in messages.iter().zip(batch.messages()).enumerate() {
        let back: T = format.decode(bytes)?;
        if &back != m {
            return Err(format!("message {i} does not decode to itself"));
        }
    }
    let mut slice = vec![0; batch.len()];
    encode_all_slice(format, messages, &mut slice);
    if slice != batch.bytes {
        return Err("the slice API writes other bytes than the Vec API".into());
    }
    Ok(batch)
}

/// Checks that every message of `batch` decodes as the borrowing type `V`
/// and encodes back to the same bytes. An error means the format cannot
/// borrow this type (serde_json cannot borrow byte strings).
pub fn check_view<'a, F, V>(format: &F, batch: &'a Batch) -> Result<(), String>
where
    F: Format,
    V: Encode + Decode<'a>,
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
