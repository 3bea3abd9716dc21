//! Property checks for fuzzing your own message types (feature `fuzz`).
//!
//! Test tooling, so it is not compiled unless asked for: in the fuzz
//! crate, depend on `netwire = { version = "…", features = ["fuzz"] }`.
//!
//! A fuzzer finds bugs by watching for panics, so each function here decodes
//! or encodes with every netwire format and **panics with a message naming
//! the broken property** when the format and the type disagree. Call them
//! from a [cargo-fuzz](https://rust-fuzz.github.io/book/cargo-fuzz.html)
//! target:
//!
//! ```ignore
//! #![no_main]
//! libfuzzer_sys::fuzz_target!(|data: &[u8]| {
//!     netwire::fuzz::check_decode::<my_protocol::Msg>(data);
//! });
//! ```
//!
//! The checks, for each format (`net` and `ascii`, each with its default
//! settings; the `_with` functions take one format with any settings):
//!
//! - **Decoding is total.** Any input gives a value or an error; never a
//!   panic, a hang or an allocation beyond the configured limit (the last
//!   two are what the fuzzer's `-timeout` and `-malloc_limit_mb` catch).
//! - **Every entry point agrees.** `from_slice`, `take_from_slice` and
//!   `from_reader` give the same value, or the same error kind at the same
//!   byte offset; `from_slice` fails with `TrailingBytes` exactly where
//!   `take_from_slice` leaves bytes over.
//! - **Round trip.** A decoded value encodes (to `encoded_len` bytes) and
//!   decodes back to an equal value; `to_slice` writes the same bytes into
//!   a slice of that length, and into one a byte shorter fails with
//!   [`ErrorKind::BufferFull`] naming the size needed.
//! - **Truncation.** Every strict prefix of an encoding fails with
//!   [`ErrorKind::UnexpectedEnd`], whose [`Error::needed`] (when set) lies
//!   past the cut and within the full encoding.
//! - **Scan.** Where the format finds message ends without decoding
//!   ([`Encoding::scan`](crate::Encoding::scan), `ascii`): input it calls
//!   partial does not decode, and a message it calls complete decodes to
//!   exactly that length.
//!
//! Values that are not equal to themselves (a `NaN` inside) are compared by
//! their encodings instead.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, PartialEq, Debug)]
//! enum Msg {
//!     Ping(u32),
//!     Chat { room: u16, text: String },
//! }
//!
//! // Arbitrary bytes: valid, truncated, garbage. None of them panics.
//! netwire::fuzz::check_decode::<Msg>(&[1, 0, 7, 0, 0, 0, 2, b'h', b'i']);
//! netwire::fuzz::check_decode::<Msg>(&[1, 0, 7, 0, 0, 0, 9]);
//! netwire::fuzz::check_decode::<Msg>(b"1 7 2:hi\n");
//! netwire::fuzz::check_decode::<Msg>(&[0xff; 12]);
//!
//! // A value: encodes, decodes back equal, every truncation is detected.
//! netwire::fuzz::check_roundtrip(&Msg::Chat { room: 7, text: "hi".into() });
//! ```
//!
//! A type whose `Serialize` and `Deserialize` disagree is caught:
//!
//! ```should_panic
//! use serde::{Deserialize, Deserializer, Serialize, Serializer};
//!
//! #[derive(PartialEq, Debug)]
//! struct Lossy(u16);
//!
//! impl Serialize for Lossy {
//!     fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
//!         s.serialize_u16(self.0)
//!     }
//! }
//! impl<'de> Deserialize<'de> for Lossy {
//!     fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
//!         // Drops the high byte: decoding is not the inverse of encoding.
//!         u16::deserialize(d).map(|v| Lossy(v & 0xff))
//!     }
//! }
//!
//! // Panics: "net: the value decoded from its own encoding differs ..."
//! netwire::fuzz::check_roundtrip(&Lossy(0x0102));
//! ```
//!
//! Types that borrow from the input (`&str`, `&[u8]` fields) use
//! [`check_decode_borrowed`] and [`check_roundtrip_borrowed`], which need a
//! [`Scratch`] buffer that lives as long as the borrowed values.
//!
//! A byte field needs `#[serde(with = "serde_bytes")]` (or the
//! `serde_bytes` types): serde writes a plain `&[u8]` or `Vec<u8>` as a
//! sequence of numbers but reads a `&[u8]` as bytes. In `net` both have the
//! same layout, so the mismatch goes unseen; in `ascii` they differ
//! (`2 104 105` against `2:hi`), and [`check_roundtrip_borrowed`] reports
//! it.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::{Deserialize, DeserializeOwned};

use crate::encoding::Scan;
use crate::error::{Error, ErrorKind, Result};
use crate::{ascii, net};

/// Longest encoding whose every prefix is checked; longer encodings are cut
/// at [`SAMPLED_CUTS`] evenly spread points, so the check stays linear.
const ALL_CUTS_UP_TO: usize = 64;
const SAMPLED_CUTS: usize = 64;

/// Buffers for re-encoded values, borrowed by the values decoded from them.
///
/// The borrowed checks decode a value, encode it into a `Scratch` buffer
/// and decode it again; the second value borrows from the buffer, so the
/// buffer must outlive both. Reuse one `Scratch` across calls to avoid
/// allocating.
///
/// ```
/// let mut scratch = netwire::fuzz::Scratch::new();
/// netwire::fuzz::check_decode_borrowed::<(&str, u8)>(&[0, 0, 0, 1, b'a', 9], &mut scratch);
/// ```
#[derive(Debug, Default)]
pub struct Scratch {
    net: Vec<u8>,
    ascii: Vec<u8>,
}

impl Scratch {
    /// Empty buffers.
    pub fn new() -> Self {
        Scratch::default()
    }
}

mod private {
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    use crate::encoding::Encoding;
    use crate::error::Result;

    /// What the checks need from a format beyond [`Encoding`].
    pub trait Sealed: Encoding {
        const NAME: &'static str;
        fn encoded_len<T: ?Sized + Serialize>(&self, value: &T) -> Result<usize>;
        fn to_slice<'b, T: ?Sized + Serialize>(
            &self,
            value: &T,
            buf: &'b mut [u8],
        ) -> Result<&'b mut [u8]>;
        fn decode_reader<T: DeserializeOwned>(&self, reader: &[u8]) -> Result<T>;
    }
}

/// A netwire format the checks can run with: [`net::Config`] or
/// [`ascii::Config`], with any settings. Sealed.
pub trait Format: private::Sealed {}

impl private::Sealed for net::Config {
    const NAME: &'static str = "net";
    fn encoded_len<T: ?Sized + Serialize>(&self, value: &T) -> Result<usize> {
        net::Config::encoded_len(self, value)
    }
    fn to_slice<'b, T: ?Sized + Serialize>(
        &self,
        value: &T,
        buf: &'b mut [u8],
    ) -> Result<&'b mut [u8]> {
        net::Config::to_slice(self, value, buf)
    }
    fn decode_reader<T: DeserializeOwned>(&self, reader: &[u8]) -> Result<T> {
        net::Config::from_reader(self, reader)
    }
}

impl Format for net::Config {}

impl private::Sealed for ascii::Config {
    const NAME: &'static str = "ascii";
    fn encoded_len<T: ?Sized + Serialize>(&self, value: &T) -> Result<usize> {
        ascii::Config::encoded_len(self, value)
    }
    fn to_slice<'b, T: ?Sized + Serialize>(
        &self,
        value: &T,
        buf: &'b mut [u8],
    ) -> Result<&'b mut [u8]> {
        ascii::Config::to_slice(self, value, buf)
    }
    fn decode_reader<T: DeserializeOwned>(&self, reader: &[u8]) -> Result<T> {
        ascii::Config::from_reader(self, reader)
    }
}

impl Format for ascii::Config {}

/// Decodes `data` as a `T` with every format and checks the properties of
/// the [module docs](self): no panic inside netwire, every entry point
/// agreeing, and a decoded value surviving a round trip.
///
/// ```
/// // A u16 and a string "ok"; then the same with a byte too many.
/// netwire::fuzz::check_decode::<(u16, String)>(&[0, 7, 0, 0, 0, 2, b'o', b'k']);
/// netwire::fuzz::check_decode::<(u16, String)>(&[0, 7, 0, 0, 0, 2, b'o', b'k', 0]);
/// ```
///
/// # Panics
/// When a property fails, with a message naming the format, the property,
/// the input and what each side gave. A panic inside a `Deserialize` or
/// `Serialize` implementation propagates as well.
pub fn check_decode<T>(data: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    check_decode_with::<T, _>(&net::Config::new(), data);
    check_decode_with::<T, _>(&ascii::Config::new(), data);
}

/// [`check_decode`] with one format and its settings, for a protocol that
/// does not use the defaults.
///
/// ```
/// use netwire::net::{Config, LengthWidth};
///
/// let wire = Config::new().with_length_width(LengthWidth::U8).with_limit(1024);
/// netwire::fuzz::check_decode_with::<Vec<String>, _>(&wire, &[1, 2, b'h', b'i']);
/// ```
///
/// # Panics
/// As [`check_decode`].
pub fn check_decode_with<T, F>(format: &F, data: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
    F: Format,
{
    decode_owned::<T, F>(format, data);
}

/// Encodes `value` with every format and checks that it decodes back equal
/// from every entry point, that [`Error::needed`] and `encoded_len` are
/// right, and that every truncation of the encoding is detected as
/// [`ErrorKind::UnexpectedEnd`].
///
/// A value the format cannot carry is skipped for that format: one that
/// fails to encode (longer than the limit, an enum variant index wider
/// than the tag) or nests deeper than the decoder's depth limit (the
/// encoder has no depth limit; the decoder refuses such a value with
/// [`ErrorKind::DepthLimit`] by design).
///
/// ```
/// use std::collections::BTreeMap;
///
/// let value = (Some(-1i64), vec!["a".to_string(), "é".to_string()], BTreeMap::from([(1u8, 'x')]));
/// netwire::fuzz::check_roundtrip(&value);
/// ```
///
/// # Panics
/// When a property fails, with a message naming the format and property.
pub fn check_roundtrip<T>(value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    check_roundtrip_with(&net::Config::new(), value);
    check_roundtrip_with(&ascii::Config::new(), value);
}

/// [`check_roundtrip`] with one format and its settings.
///
/// ```
/// use netwire::net::Config;
///
/// netwire::fuzz::check_roundtrip_with(&Config::bincode_legacy(), &Some(vec![1u16, 2]));
/// ```
///
/// # Panics
/// As [`check_roundtrip`].
pub fn check_roundtrip_with<T, F>(format: &F, value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
    F: Format,
{
    roundtrip_owned(format, value);
}

/// [`check_decode`] for types that borrow from the input: decodes with
/// `from_slice` and `take_from_slice` (a borrowing type cannot come from a
/// reader) and round-trips through `scratch`.
///
/// ```
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, PartialEq, Debug)]
/// struct Chat<'a> { room: u16, text: &'a str }
///
/// let mut scratch = netwire::fuzz::Scratch::new();
/// netwire::fuzz::check_decode_borrowed::<Chat>(&[0, 7, 0, 0, 0, 2, b'h', b'i'], &mut scratch);
/// ```
///
/// # Panics
/// As [`check_decode`].
pub fn check_decode_borrowed<'a, T>(data: &'a [u8], scratch: &'a mut Scratch)
where
    T: Serialize + Deserialize<'a> + PartialEq + Debug,
{
    let Scratch { net, ascii } = scratch;
    decode_borrowed::<T, _>(&net::Config::new(), data, net);
    decode_borrowed::<T, _>(&ascii::Config::new(), data, ascii);
}

/// [`check_decode_borrowed`] with one format and its settings; the value
/// re-encoded from `data` is kept in `scratch`.
///
/// ```
/// let mut scratch = Vec::new();
/// let wire = netwire::net::Config::bincode_legacy();
/// netwire::fuzz::check_decode_borrowed_with::<&[u8], _>(&wire, &[0, 0, 0, 0, 0, 0, 0, 1, 7], &mut scratch);
/// assert_eq!(scratch, [0, 0, 0, 0, 0, 0, 0, 1, 7]);
/// ```
///
/// # Panics
/// As [`check_decode`].
pub fn check_decode_borrowed_with<'a, T, F>(format: &F, data: &'a [u8], scratch: &'a mut Vec<u8>)
where
    T: Serialize + Deserialize<'a> + PartialEq + Debug,
    F: Format,
{
    decode_borrowed::<T, F>(format, data, scratch);
}

/// [`check_roundtrip`] for types that borrow: `value` is encoded into
/// `scratch` and decoded back from it with `from_slice` and
/// `take_from_slice`.
///
/// ```
/// use serde_bytes::Bytes;
///
/// let mut scratch = netwire::fuzz::Scratch::new();
/// netwire::fuzz::check_roundtrip_borrowed(&("borrowed", Bytes::new(b"bytes")), &mut scratch);
/// ```
///
/// # Panics
/// As [`check_roundtrip`].
pub fn check_roundtrip_borrowed<'a, T>(value: &T, scratch: &'a mut Scratch)
where
    T: Serialize + Deserialize<'a> + PartialEq + Debug,
{
    let Scratch { net, ascii } = scratch;
    roundtrip_borrowed(&net::Config::new(), value, net);
    roundtrip_borrowed(&ascii::Config::new(), value, ascii);
}

/// [`check_roundtrip_borrowed`] with one format and its settings; the
/// encoding of `value` is left in `scratch`.
///
/// ```
/// let mut scratch = Vec::new();
/// netwire::fuzz::check_roundtrip_borrowed_with(&netwire::net::Config::new(), &"hi", &mut scratch);
/// assert_eq!(scratch, [0, 0, 0, 2, b'h', b'i']);
/// ```
///
/// # Panics
/// As [`check_roundtrip`].
pub fn check_roundtrip_borrowed_with<'a, T, F>(format: &F, value: &T, scratch: &'a mut Vec<u8>)
where
    T: Serialize + Deserialize<'a> + PartialEq + Debug,
    F: Format,
{
    roundtrip_borrowed(format, value, scratch);
}

// ---- the checks, per format ------------------------------------------------

fn decode_owned<T, F>(format: &F, data: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
    F: Format,
{
    let whole = format.decode::<T>(data);
    let prefix = format.decode_prefix::<T>(data);
    let reader = format.decode_reader::<T>(data);
    check_entry_points(F::NAME, data, &whole, &prefix);
    check_scan(format, data, &prefix);
    match (&prefix, &reader) {
        (Ok((a, _)), Ok(b)) => same_value(F::NAME, "take_from_slice and from_reader", a, b),
        (Err(a), Err(b)) => same_error(F::NAME, "take_from_slice and from_reader", data, a, b),
        _ => violation(
            F::NAME,
            "take_from_slice and from_reader disagree",
            data,
            &prefix,
            &reader,
        ),
    }
    if let Ok(value) = whole {
        if let Some(bytes) = encode_decoded(format, &value, data) {
            roundtrip_owned_from(format, &value, &bytes);
        }
    }
}

fn decode_borrowed<'a, T, F>(format: &F, data: &'a [u8], scratch: &'a mut Vec<u8>)
where
    T: Serialize + Deserialize<'a> + PartialEq + Debug,
    F: Format,
{
    let whole = format.decode::<T>(data);
    let prefix = format.decode_prefix::<T>(data);
    check_entry_points(F::NAME, data, &whole, &prefix);
    check_scan(format, data, &prefix);
    if let Ok(value) = whole {
        let Some(bytes) = encode_decoded(format, &value, data) else {
            return;
        };
        *scratch = bytes;
        let bytes: &'a [u8] = scratch;
        check_borrowed_from(format, &value, bytes);
    }
}

/// The format's scan of `data` agrees with decoding its front (`prefix`).
fn check_scan<T: Debug, F: Format>(format: &F, data: &[u8], prefix: &Result<(T, usize)>) {
    match (format.scan(data, 0), prefix) {
        (Scan::Partial { .. }, Ok(_)) => violation(
            F::NAME,
            "scan calls a message partial that decodes",
            data,
            &format.scan(data, 0),
            prefix,
        ),
        (Scan::Complete(len), Ok((_, used))) if len != *used => violation(
            F::NAME,
            "scan and decoding disagree on the message's length",
            data,
            &len,
            used,
        ),
        _ => {}
    }
}

fn roundtrip_owned<T, F>(format: &F, value: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
    F: Format,
{
    let mut bytes = Vec::new();
    if format.encode_into(value, &mut bytes).is_err() || too_deep(format.decode::<T>(&bytes)) {
        return;
    }
    roundtrip_owned_from(format, value, &bytes);
}

fn roundtrip_borrowed<'a, T, F>(format: &F, value: &T, scratch: &'a mut Vec<u8>)
where
    T: Serialize + Deserialize<'a> + PartialEq + Debug,
    F: Format,
{
    scratch.clear();
    if format.encode_into(value, scratch).is_err() {
        return;
    }
    let bytes: &'a [u8] = scratch;
    if too_deep(format.decode::<T>(bytes)) {
        return;
    }
    check_borrowed_from(format, value, bytes);
}

/// `bytes` is the encoding of `value`: every owned entry point gives it
/// back.
fn roundtrip_owned_from<T, F>(format: &F, value: &T, bytes: &[u8])
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
    F: Format,
{
    check_encoded_len(format, value, bytes);
    let back = format.decode_reader::<T>(bytes);
    expect_equal(format, "from_reader", value, bytes, back);
    check_slices(format, value, bytes);
    check_truncations::<T, F>(format, bytes, |cut| format.decode_reader::<T>(cut).err());
}

/// `bytes` is the encoding of `value`: the slice entry points give it back.
fn check_borrowed_from<'a, T, F>(format: &F, value: &T, bytes: &'a [u8])
where
    T: Serialize + Deserialize<'a> + PartialEq + Debug,
    F: Format,
{
    check_encoded_len(format, value, bytes);
    check_slices::<T, F>(format, value, bytes);
}

fn check_encoded_len<T: Serialize + Debug, F: Format>(format: &F, value: &T, bytes: &[u8]) {
    match format.encoded_len(value) {
        Ok(n) if n == bytes.len() => {}
        other => panic!(
            "netwire::fuzz: {}: encoded_len gave {other:?} but the encoding of {value:?} is {} bytes: {bytes:02x?}",
            F::NAME,
            bytes.len()
        ),
    }
    check_slice_output(format, value, bytes);
}

/// `to_slice` writes `bytes` (the encoding of `value`) into a slice of
/// exactly their length, and into one a byte shorter fails with the size
/// it needs.
fn check_slice_output<T: Serialize + Debug, F: Format>(format: &F, value: &T, bytes: &[u8]) {
    let mut buf = vec![0; bytes.len()];
    match format.to_slice(value, &mut buf) {
        Ok(written) if *written == *bytes => {}
        other => panic!(
            "netwire::fuzz: {}: to_slice of {value:?} into {} bytes gave {other:?}, expected {bytes:02x?}",
            F::NAME,
            bytes.len()
        ),
    }
    let Some(short) = bytes.len().checked_sub(1) else {
        return;
    };
    let expected = ErrorKind::BufferFull {
        needed: bytes.len() as u64,
        available: short as u64,
    };
    match format.to_slice(value, &mut buf[..short]) {
        Err(e) if e.kind() == &expected => {}
        other => panic!(
            "netwire::fuzz: {}: to_slice of {value:?} ({} bytes) into {short} bytes gave {other:?}, expected {expected:?}",
            F::NAME,
            bytes.len()
        ),
    }
}

/// `from_slice` and `take_from_slice` of `bytes` (the encoding of `value`)
/// give `value`; every strict prefix fails as a truncation.
fn check_slices<'a, T, F>(format: &F, value: &T, bytes: &'a [u8])
where
    T: Serialize + Deserialize<'a> + PartialEq + Debug,
    F: Format,
{
    let back = format.decode::<T>(bytes);
    expect_equal(format, "from_slice", value, bytes, back);
    match format.decode_prefix::<T>(bytes) {
        Ok((_, used)) if used == bytes.len() => {}
        other => panic!(
            "netwire::fuzz: {}: take_from_slice of the encoding of {value:?} ({bytes:02x?}) gave {other:?}, expected all {} bytes used",
            F::NAME,
            bytes.len()
        ),
    }
    check_truncations::<T, F>(format, bytes, |cut| format.decode::<T>(cut).err());
    check_truncations::<T, F>(format, bytes, |cut| format.decode_prefix::<T>(cut).err());
}

/// Every strict prefix of the valid encoding `bytes` (all of them for short
/// encodings, an even sample for long ones) fails with `UnexpectedEnd`.
fn check_truncations<'a, T, F>(
    _format: &F,
    bytes: &'a [u8],
    decode: impl Fn(&'a [u8]) -> Option<Error>,
) where
    F: Format,
{
    let len = bytes.len();
    let step = if len <= ALL_CUTS_UP_TO {
        1
    } else {
        len.div_ceil(SAMPLED_CUTS)
    };
    for cut in (0..len).step_by(step) {
        let prefix = bytes.get(..cut).unwrap_or_default();
        let err = decode(prefix);
        let ok = match &err {
            Some(e) if e.kind() == &ErrorKind::UnexpectedEnd => {
                e.needed().is_none_or(|n| n > cut as u64 && n <= len as u64)
            }
            _ => false,
        };
        if !ok {
            panic!(
                "netwire::fuzz: {}: the first {cut} of the {len} bytes {bytes:02x?} of a valid {} encoding gave {err:?}, expected UnexpectedEnd needing more than {cut} and at most {len} bytes",
                F::NAME,
                std::any::type_name::<T>()
            );
        }
    }
}

/// Whether decoding failed only because the value nests too deep.
fn too_deep<T>(result: Result<T>) -> bool {
    matches!(result, Err(e) if matches!(e.kind(), ErrorKind::DepthLimit(_)))
}

/// Encodes a value that was decoded from `data`; `None` when its encoding
/// is longer than the limit (a decoder may accept a shorter spelling than
/// the encoder writes: `ascii` reads the float `0` and writes `0.0`) or
/// nests deeper or counts more elements than the limits allow (a type may
/// decode through a flatter serde path than it encodes: `&[u8]` reads as
/// bytes and writes as a sequence of `u8`).
fn encode_decoded<T: Serialize + Debug, F: Format>(
    format: &F,
    value: &T,
    data: &[u8],
) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    match format.encode_into(value, &mut bytes) {
        Ok(()) => Some(bytes),
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::LengthOverLimit { .. } | ErrorKind::DepthLimit(_)
            ) =>
        {
            None
        }
        Err(e) => panic!(
            "netwire::fuzz: {}: {value:?}, decoded from {data:02x?}, fails to encode: {e:?}",
            F::NAME
        ),
    }
}

/// `from_slice` (`whole`) and `take_from_slice` (`prefix`) of `data` agree:
/// the same value when the value fills the input, `TrailingBytes` where the
/// value ends otherwise, and the same error when both fail.
fn check_entry_points<T: Debug + PartialEq>(
    name: &str,
    data: &[u8],
    whole: &Result<T>,
    prefix: &Result<(T, usize)>,
) {
    match (whole, prefix) {
        (Ok(a), Ok((b, used))) if *used == data.len() => {
            same_value(name, "from_slice and take_from_slice", a, b);
        }
        (Err(e), Ok((_, used)))
            if *used < data.len()
                && e.kind() == &ErrorKind::TrailingBytes
                && e.offset() == Some(*used as u64) => {}
        (Err(a), Err(b)) => same_error(name, "from_slice and take_from_slice", data, a, b),
        _ => violation(
            name,
            "from_slice and take_from_slice disagree",
            data,
            whole,
            prefix,
        ),
    }
}

/// `back`, decoded from `bytes`, the encoding of `value`, equals `value`;
/// or, for a value not equal to itself, encodes to the same bytes.
fn expect_equal<T, F>(format: &F, entry: &str, value: &T, bytes: &[u8], back: Result<T>)
where
    T: Serialize + Debug + PartialEq,
    F: Format,
{
    let same = match &back {
        Ok(back) if reflexive(value) => back == value,
        Ok(back) => {
            let mut again = Vec::new();
            format.encode_into(back, &mut again).is_ok() && again == bytes
        }
        Err(_) => false,
    };
    if !same {
        panic!(
            "netwire::fuzz: {}: the value decoded from its own encoding differs ({entry}):\n  value:   {value:?}\n  bytes:   {bytes:02x?}\n  decoded: {back:?}",
            F::NAME
        );
    }
}

/// Whether `value == value`; false when a `NaN` hides inside.
#[allow(clippy::eq_op)]
fn reflexive<T: PartialEq>(value: &T) -> bool {
    value == value
}

fn same_value<T: Debug + PartialEq>(name: &str, what: &str, a: &T, b: &T) {
    if a != b && reflexive(a) {
        panic!("netwire::fuzz: {name}: {what} decoded different values:\n  {a:?}\n  {b:?}");
    }
}

fn same_error(name: &str, what: &str, data: &[u8], a: &Error, b: &Error) {
    if a.kind() != b.kind() || a.offset() != b.offset() {
        panic!(
            "netwire::fuzz: {name}: {what} failed differently on {data:02x?}:\n  {a:?}\n  {b:?}"
        );
    }
}

#[cold]
fn violation(name: &str, what: &str, data: &[u8], a: &dyn Debug, b: &dyn Debug) -> ! {
    panic!("netwire::fuzz: {name}: {what} on {data:02x?}:\n  {a:?}\n  {b:?}")
}
