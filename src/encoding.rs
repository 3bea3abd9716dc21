//! The [`Encoding`] trait: what the framing and stream layers need from a
//! wire format.
//!
//! A stream carries messages as *framing × encoding*, chosen independently:
//! the framing (see [`crate::frame`]) says where a message's bytes start and
//! end, the encoding turns those bytes into a typed value. [`crate::net::Config`]
//! and [`crate::ascii::Config`] implement this trait; so can a user's own
//! format.

use bytes::BytesMut;
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

    /// Appends the encoding of `value` to `out`, which is left as it was
    /// on an error. The message layer encodes straight into its output
    /// buffer with this.
    ///
    /// # Implementer notes
    /// The default encodes into a new `Vec<u8>` and copies it; a format
    /// that can write into a [`BytesMut`] directly should do so.
    fn encode_into_bytes<T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut BytesMut,
    ) -> Result<()> {
        let mut bytes = Vec::new();
        self.encode_into(value, &mut bytes)?;
        out.extend_from_slice(&bytes);
        Ok(())
    }

    /// Appends the encoding of `value` to `out` as a message with no frame
    /// around it, whose reader finds its end by decoding it
    /// ([`SelfDelimited::retrying`](crate::message::SelfDelimited::retrying)):
    /// what [`Encoding::decode_prefix`] could not read back is refused, and
    /// `out` is left as it was.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use netwire::{Encoding, ErrorKind, net};
    ///
    /// #[derive(serde::Serialize)]
    /// struct Data {
    ///     block: u16,
    ///     #[serde(with = "netwire::with::rest")]
    ///     bytes: Vec<u8>,
    /// }
    ///
    /// let data = Data { block: 1, bytes: vec![7] };
    /// let mut out = BytesMut::new();
    /// net::Config::new().encode_into_bytes(&data, &mut out)?;
    /// assert_eq!(&out[..], [0, 1, 7]);
    /// // Without a frame, nothing tells a reader where `bytes` ends.
    /// let err = net::Config::new().encode_unframed_into_bytes(&data, &mut out).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::Unsupported(_)));
    /// assert_eq!(&out[..], [0, 1, 7]);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// # Implementer notes
    /// The default is [`Encoding::encode_into_bytes`]. `net` refuses its
    /// fields that run to the end of the message ([`crate::with::rest`],
    /// [`crate::with::empty_as_none`]) with
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported), as its
    /// `decode_prefix` does.
    fn encode_unframed_into_bytes<T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut BytesMut,
    ) -> Result<()> {
        self.encode_into_bytes(value, out)
    }

    /// Decodes one value that must fill `input` exactly.
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T>;

    /// Decodes one value that must fill `front` followed by `back` exactly:
    /// a payload that a framing's length field cuts in two (see
    /// [`FrameDecoder::gap`](crate::frame::FrameDecoder::gap)). Error
    /// offsets count through `front` into `back` as if they were one input.
    ///
    /// ```
    /// use netwire::{Encoding, net};
    ///
    /// // A type byte and a body with a length field cut out between them.
    /// let value: (u8, u16) = net::Config::new().decode_split(b"Z", &[0, 7])?;
    /// assert_eq!(value, (b'Z', 7));
    /// # Ok::<(), netwire::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`decode`](Self::decode). The default decodes the one part when
    /// the other is empty and otherwise returns
    /// [`ErrorKind::Unsupported`](crate::ErrorKind::Unsupported): an
    /// encoding that can read across the cut overrides it (the `net` format
    /// does).
    fn decode_split<'de, T: Deserialize<'de>>(
        &self,
        front: &'de [u8],
        back: &'de [u8],
    ) -> Result<T> {
        if back.is_empty() {
            self.decode(front)
        } else if front.is_empty() {
            self.decode(back)
        } else {
            Err(crate::Error::new(
                crate::ErrorKind::Unsupported(
                    "this encoding cannot decode a payload cut in two by a length field",
                ),
                0,
            ))
        }
    }

    /// Decodes one value from the front of `input`; returns it and the number
    /// of bytes it used.
    fn decode_prefix<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<(T, usize)>;

    /// The most bytes one encoded message may occupy.
    fn limit(&self) -> usize;

    /// Looks for the end of the message at the front of `input` without
    /// decoding it, resuming at `from`: 0, or the `resume` of an earlier
    /// [`Scan::Partial`] for a prefix of `input`.
    ///
    /// Encodings whose messages end with a mark that can be found without
    /// knowing the message's type implement this (`ascii`: the first line
    /// end outside string bodies). A
    /// [`SelfDelimited`](crate::message::SelfDelimited) stream then decodes
    /// each message once, when all of it has arrived, instead of trying
    /// after every read. The default, [`Scan::Unknown`], keeps the trying.
    ///
    /// ```
    /// use netwire::{Encoding, Scan, ascii};
    ///
    /// let config = ascii::Config::new();
    /// // The line end inside the 3-byte string does not end the message.
    /// assert_eq!(config.scan(b"7 3:a\nb\n8 0:\n", 0), Scan::Complete(8));
    /// let Scan::Partial { resume } = config.scan(b"7 3:a\n", 0) else {
    ///     panic!("the string is not complete yet");
    /// };
    /// assert_eq!(config.scan(b"7 3:a\nb\n", resume), Scan::Complete(8));
    /// ```
    ///
    /// # Implementer notes
    /// [`Scan::Partial`] must only be returned when decoding `input` could
    /// not succeed; [`Scan::Complete`] must give the length decoding would
    /// use whenever the message is well-formed. A self-delimited stream
    /// refuses a message whose first [`Encoding::limit`] bytes still scan
    /// as partial ([`ErrorKind::LengthOverLimit`](crate::ErrorKind::LengthOverLimit)),
    /// and at the end of the input reports a partial message as
    /// [`ErrorKind::Truncated`](crate::ErrorKind::Truncated).
    fn scan(&self, input: &[u8], from: usize) -> Scan {
        let _ = (input, from);
        Scan::Unknown
    }
}

/// What [`Encoding::scan`] found out about the message at the front of
/// its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scan {
    /// The message ends after this many bytes: decode it.
    Complete(usize),
    /// The message may or may not be complete, and decoding will tell (for
    /// example because it is malformed in a way decoding reports).
    Ready,
    /// The input ends inside the message: wait for more bytes, then scan
    /// again from `resume`.
    Partial {
        /// Passed back as `from` to continue the scan on a longer input;
        /// what it encodes (a position, a state) is the encoding's own.
        resume: usize,
    },
    /// The encoding cannot tell without decoding.
    Unknown,
}

impl<E: Encoding + ?Sized> Encoding for &E {
    fn encode_into<T: ?Sized + Serialize>(&self, value: &T, out: &mut Vec<u8>) -> Result<()> {
        (**self).encode_into(value, out)
    }
    fn encode_into_bytes<T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut BytesMut,
    ) -> Result<()> {
        (**self).encode_into_bytes(value, out)
    }
    fn encode_unframed_into_bytes<T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut BytesMut,
    ) -> Result<()> {
        (**self).encode_unframed_into_bytes(value, out)
    }
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<T> {
        (**self).decode(input)
    }
    fn decode_split<'de, T: Deserialize<'de>>(
        &self,
        front: &'de [u8],
        back: &'de [u8],
    ) -> Result<T> {
        (**self).decode_split(front, back)
    }
    fn decode_prefix<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> Result<(T, usize)> {
        (**self).decode_prefix(input)
    }
    fn limit(&self) -> usize {
        (**self).limit()
    }
    fn scan(&self, input: &[u8], from: usize) -> Scan {
        (**self).scan(input, from)
    }
}
