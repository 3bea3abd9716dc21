//! The [`Encoding`] trait: what the framing and stream layers need from a
//! wire format.
//!
//! A stream carries messages as *framing × encoding*, chosen independently:
//! the framing (see [`crate::frame`]) says where a message's bytes start and
//! end, the encoding turns those bytes into a typed value. [`crate::net::Config`]
//! and [`crate::ascii::Config`] implement this trait; so can a user's own
//! format.

use serde::{Deserialize, Serialize};

use crate::error::Result;

/// A serde wire format with a byte limit.
///
/// # Implementer notes
/// `decode_prefix` must be *total*: for any input it returns a value and the
/// number of bytes it used, or an error. When the input is a strict prefix of
/// a valid message the error must be [`crate::ErrorKind::UnexpectedEnd`]
/// (ideally with [`crate::Error::needed`] set), because self-delimiting
/// streams retry on exactly that error once more bytes have arrived.
pub trait Encoding {
    /// Appends the encoding of `value` to `out`.
    fn encode_into<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<()>;

    /// Decodes one value that must fill `input` exactly.
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T>;

    /// Decodes one value from the front of `input`; returns it and the number
    /// of bytes it used.
    fn decode_prefix<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<(T, usize)>;

    /// The most bytes one encoded message may occupy.
    fn limit(&self) -> usize;
}

impl<E: Encoding + ?Sized> Encoding for &E {
    fn encode_into<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        (**self).encode_into(value, out)
    }
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T> {
        (**self).decode(input)
    }
    fn decode_prefix<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<(T, usize)> {
        (**self).decode_prefix(input)
    }
    fn limit(&self) -> usize {
        (**self).limit()
    }
}
