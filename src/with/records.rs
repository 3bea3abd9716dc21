//! Arrays of fixed-layout records, written and read in one copy.
//!
//! Name this module in `#[serde(with = "netwire::with::records")]` on a
//! `Vec<T>`, `Box<[T]>`, `[T; N]` or `&'de [T]` field whose record type
//! `T` has a fixed layout of its own: a `#[repr(C)]` struct deriving
//! zerocopy's `FromBytes`, `IntoBytes`, `Immutable`, `KnownLayout` and
//! `Unaligned`, with fields such as `zerocopy::network_endian::F32` or
//! `U16` (telemetry samples, audio frames, sensor readings, vertices).
//!
//! In `net` the bytes are those of the same field holding serde structs
//! of plain big-endian numbers: the element count in the config's length
//! width, then the records back to back (`[T; N]`: no count). The encoder
//! writes them in one copy, the decoder checks `count × size_of::<T>()`
//! against the input and the limit once, before it allocates, then copies
//! them in one go (`Vec<T>`, `Box<[T]>`, `[T; N]`) or borrows them from
//! the input with no copy at all (`&'de [T]`, from a slice).
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use zerocopy::network_endian::{F32, U16};
//! use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
//!
//! /// One sample of a sensor: `u16 id; float value;` in network order.
//! #[derive(FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned)]
//! #[derive(Clone, Copy, Debug, PartialEq)]
//! #[repr(C)]
//! struct Sample {
//!     id: U16,
//!     value: F32,
//! }
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct Report {
//!     station: u8,
//!     #[serde(with = "netwire::with::records")]
//!     samples: Vec<Sample>,
//! }
//!
//! let report = Report {
//!     station: 7,
//!     samples: vec![
//!         Sample { id: U16::new(1), value: F32::new(1.5) },
//!         Sample { id: U16::new(2), value: F32::new(-2.0) },
//!     ],
//! };
//! let wire = netwire::net::to_vec(&report)?;
//! assert_eq!(
//!     wire,
//!     [7, 0, 0, 0, 2, 0, 1, 0x3f, 0xc0, 0, 0, 0, 2, 0xc0, 0, 0, 0]
//! );
//! assert_eq!(netwire::net::from_slice::<Report>(&wire)?, report);
//!
//! // The same bytes, borrowed: no copy.
//! #[derive(Deserialize)]
//! struct ReportRef<'a> {
//!     station: u8,
//!     #[serde(borrow, with = "netwire::with::records")]
//!     samples: &'a [Sample],
//! }
//! let view: ReportRef<'_> = netwire::net::from_slice(&wire)?;
//! assert_eq!(view.station, 7);
//! assert_eq!(view.samples, &report.samples[..]);
//! # Ok::<(), netwire::Error>(())
//! ```
//!
//! In every other format, `ascii` included, a record is a tuple of its
//! `size_of::<T>()` bytes, and the field a sequence (an array: a tuple) of
//! them: `[[0,1,63,192,0,0],[0,2,192,0,0,0]]` in JSON, the count and then
//! one number per byte in `ascii`. Every format reads back what it wrote;
//! only `net` reading from a slice can lend a `&'de [T]`, elsewhere
//! borrowing is an error. Zero-sized records are refused when the program
//! is compiled: a count of them would carry no bytes to bound it.
//!
//! ```compile_fail
//! #[derive(serde::Serialize)]
//! struct Nothing(#[serde(with = "netwire::with::records")] Vec<()>);
//! netwire::net::to_vec(&Nothing(vec![()]));
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, SerializeTuple, Serializer};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The newtype name the `net` format knows this field by.
pub(crate) const NAME: &str = "$netwire::records";

/// The newtype name of the records' bytes, in the count's sequence:
/// bytes with no prefix, which (unlike [`super::rest`]'s) need not end
/// the message.
const RAW: &str = NAME;

/// The most bytes of records the element form reserves before they arrive.
const PREALLOC: usize = 64 * 1024;

mod sealed {
    pub trait Sealed {}
}

/// The containers of records this module writes and reads: `Vec<T>`,
/// `Box<[T]>`, `[T; N]` and `&'de [T]`.
///
/// Sealed: its methods are for this module only.
pub trait Container<'de>: Sized + sealed::Sealed {
    /// The record.
    type Record: FromBytes + IntoBytes + Immutable + KnownLayout + Unaligned;

    /// `Some(N)` for an array of `N` records, which has no count.
    #[doc(hidden)]
    const FIXED: Option<usize>;

    /// The records.
    #[doc(hidden)]
    fn records(&self) -> &[Self::Record];

    /// The container over `bytes`, which live as long as the input.
    #[doc(hidden)]
    fn borrowed(bytes: &'de [u8]) -> Option<Self>;

    /// The container holding a copy of `bytes`; `None` for a borrowing one.
    #[doc(hidden)]
    fn copied(bytes: &[u8]) -> Option<Self>;

    /// The container holding `records`; `None` for a borrowing one.
    #[doc(hidden)]
    fn collected(records: Vec<Self::Record>) -> Option<Self>;
}

impl<T> sealed::Sealed for Vec<T> {}
impl<T> sealed::Sealed for Box<[T]> {}
impl<T, const N: usize> sealed::Sealed for [T; N] {}
impl<T> sealed::Sealed for &[T] {}

impl<T> Container<'_> for Vec<T>
where
    T: FromBytes + IntoBytes + Immutable + KnownLayout + Unaligned + Clone,
{
    type Record = T;
    const FIXED: Option<usize> = None;

    fn records(&self) -> &[T] {
        self
    }

    fn borrowed(bytes: &[u8]) -> Option<Self> {
        Self::copied(bytes)
    }

    #[inline]
    fn copied(bytes: &[u8]) -> Option<Self> {
        <[T]>::ref_from_bytes(bytes).ok().map(<[T]>::to_vec)
    }

    fn collected(records: Vec<T>) -> Option<Self> {
        Some(records)
    }
}

impl<T> Container<'_> for Box<[T]>
where
    T: FromBytes + IntoBytes + Immutable + KnownLayout + Unaligned + Clone,
{
    type Record = T;
    const FIXED: Option<usize> = None;

    fn records(&self) -> &[T] {
        self
    }

    fn borrowed(bytes: &[u8]) -> Option<Self> {
        Self::copied(bytes)
    }

    fn copied(bytes: &[u8]) -> Option<Self> {
        <[T]>::ref_from_bytes(bytes).ok().map(Box::from)
    }

    fn collected(records: Vec<T>) -> Option<Self> {
        Some(records.into_boxed_slice())
    }
}

impl<T, const N: usize> Container<'_> for [T; N]
where
    T: FromBytes + IntoBytes + Immutable + KnownLayout + Unaligned,
{
    type Record = T;
    const FIXED: Option<usize> = Some(N);

    fn records(&self) -> &[T] {
        self
    }

    fn borrowed(bytes: &[u8]) -> Option<Self> {
        Self::copied(bytes)
    }

    fn copied(bytes: &[u8]) -> Option<Self> {
        <[T; N]>::read_from_bytes(bytes).ok()
    }

    fn collected(records: Vec<T>) -> Option<Self> {
        records.try_into().ok()
    }
}

impl<'de, T> Container<'de> for &'de [T]
where
    T: FromBytes + IntoBytes + Immutable + KnownLayout + Unaligned,
{
    type Record = T;
    const FIXED: Option<usize> = None;

    fn records(&self) -> &[T] {
        self
    }

    fn borrowed(bytes: &'de [u8]) -> Option<Self> {
        <[T]>::ref_from_bytes(bytes).ok()
    }

    fn copied(_: &[u8]) -> Option<Self> {
        None
    }

    fn collected(_: Vec<T>) -> Option<Self> {
        None
    }
}

/// Why a borrowed slice of records cannot be read here.
const NO_BORROW: &str = "a borrowed slice of records (&[T] under netwire::with::records) can \
     only be read by the net format from a slice; decode into a Vec<T> instead";

/// Serializes the field (serde's `with`); see the [module](self) docs.
///
/// # Errors
/// As the format's serializer: in `net`, a count too wide for the
/// config's length width is `LengthOverflow`, a count over the element
/// budget `LengthOverLimit`.
pub fn serialize<'a, C, S>(value: &C, serializer: S) -> Result<S::Ok, S::Error>
where
    C: Container<'a>,
    S: Serializer,
{
    const {
        assert!(
            size_of::<C::Record>() != 0,
            "zero-sized records are not supported"
        )
    };
    let run = Run {
        records: value.records(),
        fixed: C::FIXED.is_some(),
    };
    // A format that is human-readable here is not `net`: the elements.
    if serializer.is_human_readable() {
        return run.elements(serializer);
    }
    serializer.serialize_newtype_struct(NAME, &run)
}

/// Deserializes the field (serde's `with`); see the [module](self) docs.
///
/// # Errors
/// As the format's deserializer: in `net`, a count whose records would
/// not fit the limit is `LengthOverLimit` at the count, before anything
/// is allocated; input that ends inside them is `UnexpectedEnd`. A
/// `&'de [T]` from anything but `net` over a slice is an error.
pub fn deserialize<'de, C, D>(deserializer: D) -> Result<C, D::Error>
where
    C: Container<'de>,
    D: Deserializer<'de>,
{
    const {
        assert!(
            size_of::<C::Record>() != 0,
            "zero-sized records are not supported"
        )
    };
    if deserializer.is_human_readable() {
        return elements(deserializer);
    }
    deserializer.deserialize_newtype_struct(NAME, RunVisitor(PhantomData))
}

/// The records of a field, inside the newtype the `net` format knows.
///
/// Whoever meets the newtype name and does not know it passes this value
/// its own serializer, which stays non-human-readable; the `net` format
/// passes one that answers `true` to `is_human_readable`, and only then
/// are the records written as one run of bytes. The deserializer side
/// asks the same question.
struct Run<'r, T> {
    records: &'r [T],
    fixed: bool,
}

impl<T: IntoBytes + Immutable> Serialize for Run<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !serializer.is_human_readable() {
            return self.elements(serializer);
        }
        let bytes = self.records.as_bytes();
        if self.fixed {
            return serializer.serialize_bytes(bytes);
        }
        // The count, then the bytes with no prefix of their own.
        let mut seq = serializer.serialize_seq(Some(self.records.len()))?;
        if !bytes.is_empty() {
            seq.serialize_element(&Raw(bytes))?;
        }
        seq.end()
    }
}

impl<T: IntoBytes + Immutable> Run<'_, T> {
    /// The records one by one, each a tuple of its bytes.
    fn elements<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.fixed {
            let mut tuple = serializer.serialize_tuple(self.records.len())?;
            for r in self.records {
                tuple.serialize_element(&Record(r))?;
            }
            tuple.end()
        } else {
            let mut seq = serializer.serialize_seq(Some(self.records.len()))?;
            for r in self.records {
                seq.serialize_element(&Record(r))?;
            }
            seq.end()
        }
    }
}

/// Bytes written with no prefix.
struct Raw<'r>(&'r [u8]);

impl Serialize for Raw<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Bytes<'r>(&'r [u8]);
        impl Serialize for Bytes<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(self.0)
            }
        }
        serializer.serialize_newtype_struct(RAW, &Bytes(self.0))
    }
}

/// One record as a tuple of its bytes.
struct Record<'r, T>(&'r T);

impl<T: IntoBytes + Immutable> Serialize for Record<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bytes = self.0.as_bytes();
        let mut tuple = serializer.serialize_tuple(bytes.len())?;
        for b in bytes {
            tuple.serialize_element(b)?;
        }
        tuple.end()
    }
}

/// Reads the records one by one (every format but `net`).
fn elements<'de, C: Container<'de>, D: Deserializer<'de>>(d: D) -> Result<C, D::Error> {
    let visitor = Elements::<C>(PhantomData);
    match C::FIXED {
        Some(n) => d.deserialize_tuple(n, visitor),
        None => d.deserialize_seq(visitor),
    }
}

/// Sees the newtype: in `net` the records come as one run of bytes.
struct RunVisitor<C>(PhantomData<C>);

impl<'de, C: Container<'de>> Visitor<'de> for RunVisitor<C> {
    type Value = C;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("records")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<C, D::Error> {
        if !d.is_human_readable() {
            return elements(d);
        }
        // The `net` format: it reads the count and needs the record size
        // to know how many bytes follow; an array gives its whole size.
        let size = size_of::<C::Record>();
        let visitor = Bytes::<C>(PhantomData);
        match C::FIXED {
            Some(n) => d.deserialize_tuple_struct(NAME, n.saturating_mul(size), visitor),
            None => d.deserialize_tuple(size, visitor),
        }
    }
}

/// Takes the records' bytes from the `net` format.
struct Bytes<C>(PhantomData<C>);

impl<'de, C: Container<'de>> Visitor<'de> for Bytes<C> {
    type Value = C;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "records of {} bytes each", size_of::<C::Record>())
    }

    #[inline]
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<C, E> {
        C::borrowed(v).ok_or_else(|| de::Error::invalid_length(v.len(), &self))
    }

    #[inline]
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<C, E> {
        match C::copied(v) {
            Some(c) => Ok(c),
            None if <[C::Record]>::ref_from_bytes(v).is_ok() => Err(de::Error::custom(NO_BORROW)),
            None => Err(de::Error::invalid_length(v.len(), &self)),
        }
    }
}

/// Collects the records one by one.
struct Elements<C>(PhantomData<C>);

impl<'de, C: Container<'de>> Visitor<'de> for Elements<C> {
    type Value = C;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match C::FIXED {
            Some(n) => write!(f, "an array of {n} records"),
            None => f.write_str("a sequence of records"),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<C, A::Error> {
        let size = size_of::<C::Record>();
        let hint = seq.size_hint().unwrap_or(0);
        let mut records = Vec::with_capacity(hint.min(PREALLOC / size.max(1)));
        while let Some(r) = seq.next_element_seed(RecordSeed(PhantomData))? {
            if C::FIXED.is_some_and(|n| records.len() == n) {
                return Err(de::Error::invalid_length(records.len() + 1, &self));
            }
            records.push(r);
        }
        if C::FIXED.is_some_and(|n| records.len() != n) {
            return Err(de::Error::invalid_length(records.len(), &self));
        }
        C::collected(records).ok_or_else(|| de::Error::custom(NO_BORROW))
    }
}

/// Reads one record as a tuple of its bytes.
struct RecordSeed<T>(PhantomData<T>);

impl<'de, T: FromBytes + IntoBytes> DeserializeSeed<'de> for RecordSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_tuple(size_of::<T>(), self)
    }
}

impl<'de, T: FromBytes + IntoBytes> Visitor<'de> for RecordSeed<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a record of {} bytes", size_of::<T>())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let mut record = T::new_zeroed();
        for (i, b) in record.as_mut_bytes().iter_mut().enumerate() {
            *b = seq
                .next_element()?
                .ok_or_else(|| de::Error::invalid_length(i, &self))?;
        }
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(size_of::<T>() + 1, &self));
        }
        Ok(record)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<T, E> {
        T::read_from_bytes(v).map_err(|_| de::Error::invalid_length(v.len(), &self))
    }
}
