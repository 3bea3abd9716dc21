//! The message layer: typed messages in and out of bytes, with no I/O.
//!
//! A message stream is *framing × encoding*. This layer puts the two
//! together and owns everything a stream needs besides moving bytes: the
//! limits (the smaller of the framing's and the encoding's, applied from a
//! frame's header), the stream position that error offsets count from, the
//! rule that a bad message in a complete frame is consumed with it, and the
//! end of the input. It never touches a socket: [`MessageDecoder`] is given
//! bytes and returns messages (owned or borrowed from those bytes) or
//! "need more"; [`MessageEncoder`] encodes messages in place into a
//! [`BytesMut`](bytes::BytesMut) after a reserved frame head. It may use
//! [`crate::frame`] and any [`Encoding`](crate::Encoding), and nothing of
//! the adapters.
//!
//! The adapters are loops around it that only move bytes:
//! [`crate::stream`] over `std::io`, `codec` over tokio-util (feature
//! `tokio`), `futures` over futures-io (feature `futures`).
//!
//! [`SelfDelimited`] lives here: it is no frame, but the encoding finding
//! each message's end by itself.
//!
//! ```
//! use bytes::BytesMut;
//! use netwire::frame::LengthPrefixed;
//! use netwire::message::{MessageDecoder, MessageEncoder};
//!
//! let mut encoder = MessageEncoder::new(LengthPrefixed::u8());
//! let mut wire = BytesMut::new();
//! encoder.encode(&(7u16, true), &mut wire)?;
//! encoder.encode(&(8u16, false), &mut wire)?;
//! assert_eq!(&wire[..], [3, 0, 7, 1, 3, 0, 8, 0]);
//!
//! let mut decoder = MessageDecoder::new(LengthPrefixed::u8());
//! assert_eq!(decoder.decode_buf::<(u16, bool)>(&mut wire)?, Some((7, true)));
//! assert_eq!(decoder.decode_buf::<(u16, bool)>(&mut wire)?, Some((8, false)));
//! assert_eq!(decoder.decode_buf_eof::<(u16, bool)>(&mut wire)?, None);
//! # Ok::<(), netwire::Error>(())
//! ```

pub(crate) mod buffer;
mod decoder;
mod encoder;
mod framing;
mod self_delimited;

pub use decoder::MessageDecoder;
pub use encoder::MessageEncoder;
#[cfg(feature = "tokio")]
pub(crate) use encoder::encode_framed;
pub use framing::MessageFraming;
pub(crate) use framing::next_span as framing_span;
pub use self_delimited::SelfDelimited;
