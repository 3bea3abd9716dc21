//! [`MessageEncoder`]: typed messages into framed bytes, with no I/O.

use std::fmt;

use bytes::{BufMut, BytesMut};
use serde::Serialize;

use crate::encoding::{Encoding, Scan};
use crate::error::Result;
use crate::frame::{FrameEncoder, MessageEnds};
use crate::net;

/// Encodes typed messages into frames, straight into the caller's buffer:
/// framing × encoding, with no I/O.
///
/// The message is encoded once, in place: the encoder reserves the
/// frame's head (when the framing says how long it is, see
/// [`FrameEncoder::head_len`]), encodes the message right after it, then
/// writes the head over the reserved bytes and appends the tail. No
/// scratch buffer, no copy of the message. On any error `dst` is left as
/// it was.
///
/// # Example
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::LengthPrefixed;
/// use netwire::message::MessageEncoder;
///
/// let mut encoder = MessageEncoder::new(LengthPrefixed::u16());
/// let mut dst = BytesMut::new();
/// encoder.encode(&(1u8, "hi"), &mut dst)?;
/// assert_eq!(&dst[..], [0, 7, 1, 0, 0, 0, 2, b'h', b'i']);
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Clone)]
pub struct MessageEncoder<F, E = net::Config> {
    framing: F,
    encoding: E,
    /// The head and tail the framing writes, before they go into place.
    edges: BytesMut,
}

impl<F> MessageEncoder<F> {
    /// An encoder of messages in the default [`net`] encoding, framed by
    /// `framing`.
    pub fn new(framing: F) -> Self {
        Self::with_encoding(framing, net::Config::default())
    }
}

impl<F, E> MessageEncoder<F, E> {
    /// An encoder of messages in `encoding`, framed by `framing`.
    pub fn with_encoding(framing: F, encoding: E) -> Self {
        MessageEncoder {
            framing,
            encoding,
            edges: BytesMut::new(),
        }
    }

    /// The framing.
    pub fn framing(&self) -> &F {
        &self.framing
    }

    /// The encoding.
    pub fn encoding(&self) -> &E {
        &self.encoding
    }

    /// Goes on with another framing.
    pub fn map_framing<G>(self, f: impl FnOnce(F) -> G) -> MessageEncoder<G, E> {
        MessageEncoder {
            framing: f(self.framing),
            encoding: self.encoding,
            edges: self.edges,
        }
    }

    /// Returns the framing and the encoding.
    pub fn into_parts(self) -> (F, E) {
        (self.framing, self.encoding)
    }
}

impl<F: FrameEncoder, E: Encoding> MessageEncoder<F, E> {
    /// Appends `message`, encoded and framed, to `dst`.
    ///
    /// # Errors
    /// The encoding's errors (over its limit, a field it cannot write) and
    /// the framing's (a payload over its limit, a delimiter inside the
    /// payload); `dst` is unchanged then.
    #[inline]
    pub fn encode<T: ?Sized + Serialize>(&mut self, message: &T, dst: &mut BytesMut) -> Result<()> {
        encode_framed(
            &mut self.framing,
            &self.encoding,
            &mut self.edges,
            message,
            dst,
        )
    }
}

/// Appends `message` to `dst` in `framing` × `encoding`, encoded in place
/// after a reserved head; `edges` is scratch space for head and tail. On
/// an error `dst` is left as it was.
#[inline]
pub(crate) fn encode_framed<F, E, T>(
    framing: &mut F,
    encoding: &E,
    edges: &mut BytesMut,
    message: &T,
    dst: &mut BytesMut,
) -> Result<()>
where
    F: FrameEncoder + ?Sized,
    E: Encoding + ?Sized,
    T: ?Sized + Serialize,
{
    let mark = dst.len();
    let reserved = framing.head_len().unwrap_or(0);
    dst.put_bytes(0, reserved);
    let encoded = match framing.message_ends() {
        MessageEnds::Framed => encoding.encode_into_bytes(message, dst),
        MessageEnds::Decoded => encoding.encode_unframed_into_bytes(message, dst),
        MessageEnds::Scanned => encode_scanned(encoding, message, dst),
    };
    let result = encoded.and_then(|()| {
        edges.clear();
        let payload = dst.get(mark + reserved..).unwrap_or_default();
        framing.encode_head(payload, edges)?;
        let head = edges.len();
        framing.encode_tail(payload, edges)?;
        Ok(head)
    });
    let head = match result {
        Ok(head) => head,
        Err(err) => {
            dst.truncate(mark);
            return Err(err);
        }
    };
    if head != reserved {
        move_payload(dst, mark, reserved, head);
    }
    // The payload's first bytes go before the head (a length field between
    // header fields): only they move, into the room reserved for the head.
    let before = framing.head_offset().min(dst.len() - mark - head);
    if before > 0 {
        dst.copy_within(mark + head..mark + head + before, mark);
    }
    if let Some(slot) = dst.get_mut(mark + before..mark + before + head) {
        slot.copy_from_slice(&edges[..head]);
    }
    dst.extend_from_slice(&edges[head..]);
    Ok(())
}

/// Encodes a message whose reader finds its end by scanning: only in an
/// encoding that can scan, as its reader would refuse any other.
#[cold]
fn encode_scanned<E, T>(encoding: &E, message: &T, dst: &mut BytesMut) -> Result<()>
where
    E: Encoding + ?Sized,
    T: ?Sized + Serialize,
{
    // An encoding that scans says something of any input, the empty one
    // included; one that cannot says `Unknown` whatever the input.
    if encoding.scan(&[], 0) == Scan::Unknown {
        return Err(super::self_delimited::cannot_scan());
    }
    encoding.encode_into_bytes(message, dst)
}

/// Makes the room before the payload at `mark` `head` bytes long instead
/// of `reserved`, for a framing whose head length was not known ahead.
#[cold]
fn move_payload(dst: &mut BytesMut, mark: usize, reserved: usize, head: usize) {
    if head > reserved {
        dst.put_bytes(0, head - reserved);
        if let Some(frame) = dst.get_mut(mark..) {
            frame.rotate_right(head - reserved);
        }
    } else {
        if let Some(frame) = dst.get_mut(mark..) {
            frame.rotate_left(reserved - head);
        }
        dst.truncate(dst.len() - (reserved - head));
    }
}

impl<F: fmt::Debug, E: fmt::Debug> fmt::Debug for MessageEncoder<F, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageEncoder")
            .field("framing", &self.framing)
            .field("encoding", &self.encoding)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Delimited, LengthPrefixed};
    use crate::message::MessageDecoder;

    /// A head of one byte per 100 payload bytes, of no length known ahead;
    /// `claims` is what it says of its head length.
    struct Tally {
        claims: Option<usize>,
    }

    impl FrameEncoder for Tally {
        fn head_len(&self) -> Option<usize> {
            self.claims
        }
        fn encode_head(&mut self, payload: &[u8], dst: &mut BytesMut) -> Result<()> {
            dst.put_bytes(0xAA, payload.len() / 100 + 1);
            Ok(())
        }
        fn encode_tail(&mut self, _payload: &[u8], dst: &mut BytesMut) -> Result<()> {
            dst.extend_from_slice(b"!");
            Ok(())
        }
    }

    #[test]
    fn a_head_of_unknown_or_wrong_length_still_goes_before_the_payload() {
        let message = vec![7u8; 250];
        let payload = crate::net::to_vec(&message).unwrap();
        let mut expected = vec![0xAA; 3];
        expected.extend_from_slice(&payload);
        expected.push(b'!');
        for claims in [None, Some(0), Some(1), Some(3), Some(9)] {
            let mut dst = BytesMut::from(&b"before"[..]);
            MessageEncoder::new(Tally { claims })
                .encode(&message, &mut dst)
                .unwrap();
            assert_eq!(&dst[..6], b"before", "claims {claims:?}");
            assert_eq!(&dst[6..], &expected[..], "claims {claims:?}");
        }
    }

    #[test]
    fn an_error_leaves_the_output_as_it_was() {
        let mut dst = BytesMut::from(&b"kept"[..]);
        // The payload holds the delimiter: the framing refuses it after
        // the message was encoded in place.
        let err = MessageEncoder::with_encoding(Delimited::lines(), crate::ascii::Config::new())
            .encode(&"a\nb", &mut dst);
        assert!(err.is_err());
        assert_eq!(&dst[..], b"kept");
        let limit = crate::net::Config::new().with_limit(4);
        let err = MessageEncoder::with_encoding(LengthPrefixed::u16(), limit)
            .encode(&"too long", &mut dst);
        assert!(err.is_err());
        assert_eq!(&dst[..], b"kept");
    }

    #[test]
    fn what_it_encodes_the_decoder_reads() {
        let mut encoder = MessageEncoder::new(LengthPrefixed::u8());
        let mut wire = BytesMut::new();
        for i in 0..5u16 {
            encoder.encode(&(i, "x"), &mut wire).unwrap();
        }
        let mut decoder = MessageDecoder::new(LengthPrefixed::u8());
        for i in 0..5u16 {
            let got: Option<(u16, String)> = decoder.decode_buf(&mut wire).unwrap();
            assert_eq!(got, Some((i, "x".to_string())));
        }
        assert!(wire.is_empty());
        assert_eq!(decoder.position(), 5 * 8);
    }
}
