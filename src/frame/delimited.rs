//! Delimited framing: each frame ends with a delimiter byte string.

use bytes::BytesMut;

use super::util;
use super::{DEFAULT_LIMIT, FrameDecoder, FrameEncoder, Span};
use crate::error::{Error, ErrorKind, Result};

/// Frames that end with a delimiter: a byte (`"\0"`, `"\n"`) or a byte
/// string (`"\r\n"`).
///
/// ```text
/// +-----------------------------+-----------+
/// | payload: no delimiter in it | delimiter |
/// +-----------------------------+-----------+
/// ```
///
/// The decoded frame is the payload without its delimiter. The decoder
/// remembers how far it has searched, so a frame arriving one byte at a
/// time costs linear work, also when a multi-byte delimiter is split
/// between reads. A payload longer than
/// [`with_limit`](Self::with_limit) (16 MiB by default) is
/// refused as soon as that many bytes have arrived without a delimiter;
/// input that ends without a final delimiter is
/// [`Truncated`](ErrorKind::Truncated).
///
/// # Examples
///
/// `Delimited::new(b"\r\n")`:
///
/// ```text
/// INPUT:  "HELO a\r\nQUIT\r\n"
/// FRAMES: "HELO a", "QUIT"
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{Delimited, FrameDecoder, FrameEncoder};
///
/// let mut codec = Delimited::new(b"\r\n");
/// let mut wire = BytesMut::new();
/// codec.encode(b"HELO a", &mut wire)?;
/// codec.encode(b"QUIT", &mut wire)?;
/// assert_eq!(wire, b"HELO a\r\nQUIT\r\n"[..]);
///
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"HELO a"[..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"QUIT"[..]);
/// assert_eq!(codec.decode(&mut wire)?, None);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// `Delimited::lines()`: a `"\n"` ends a frame, and a `"\r"` just before it
/// is dropped too; the encoder writes `"\n"`.
///
/// ```text
/// INPUT:  "one\r\ntwo\n"
/// FRAMES: "one", "two"
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::frame::{Delimited, FrameDecoder, FrameEncoder};
///
/// let mut codec = Delimited::lines();
/// let mut wire = BytesMut::from(&b"one\r\ntwo\n"[..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"one"[..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"two"[..]);
///
/// codec.encode(b"three", &mut wire)?;
/// assert_eq!(wire, b"three\n"[..]);
/// # Ok::<(), netwire::Error>(())
/// ```
///
/// `Delimited::nul()`, with a limit of 4 bytes:
///
/// ```text
/// INPUT:  "abc" 00 "defgh"
/// FRAMES: "abc", then error LengthOverLimit (5 bytes, no delimiter)
/// ```
///
/// ```
/// use bytes::BytesMut;
/// use netwire::ErrorKind;
/// use netwire::frame::{Delimited, FrameDecoder};
///
/// let mut codec = Delimited::nul().with_limit(4);
/// let mut wire = BytesMut::from(&b"abc\0defgh"[..]);
/// assert_eq!(codec.decode(&mut wire)?.unwrap(), &b"abc"[..]);
/// let err = codec.decode(&mut wire).unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::LengthOverLimit { len: 5, limit: 4 });
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Delimited {
    delimiter: Box<[u8]>,
    strip_cr: bool,
    limit: usize,
    /// Where the next search starts: no delimiter begins before it.
    searched: usize,
}

impl Delimited {
    /// Frames ended by `delimiter`.
    ///
    /// # Panics
    /// If `delimiter` is empty.
    pub fn new(delimiter: impl AsRef<[u8]>) -> Self {
        let delimiter: Box<[u8]> = delimiter.as_ref().into();
        assert!(!delimiter.is_empty(), "a frame delimiter cannot be empty");
        Delimited {
            delimiter,
            strip_cr: false,
            limit: DEFAULT_LIMIT,
            searched: 0,
        }
    }

    /// Text lines: frames ended by `"\n"` or `"\r\n"`; the encoder writes
    /// `"\n"` and refuses a payload ending in `"\r"`, which would not come
    /// back unchanged. A `"\r"` before the `"\n"` counts towards
    /// [`with_limit`](Self::with_limit).
    pub fn lines() -> Self {
        Delimited {
            strip_cr: true,
            ..Self::new(b"\n")
        }
    }

    /// Frames ended by a NUL byte, as C strings.
    pub fn nul() -> Self {
        Self::new(b"\0")
    }

    util::limit_methods!("payload (delimiter not counted)");
}

/// The first position at or after `from` where `needle` (not empty) occurs
/// entirely inside `hay`. Candidates are found with `memchr` (SIMD where
/// available) on the delimiter's first byte; delimiters are short, so
/// checking the rest in place beats setting up a substring searcher on
/// every call.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut at = from;
    loop {
        at += memchr::memchr(first, hay.get(at..)?)?;
        let tail = hay.get(at + 1..at + needle.len())?;
        if tail == rest {
            return Some(at);
        }
        at += 1;
    }
}

impl FrameDecoder for Delimited {
    fn lower_limit(&mut self, max: usize) {
        self.limit = self.limit.min(max);
    }

    /// # Errors
    /// [`ErrorKind::LengthOverLimit`] at offset 0 once more than the maximum
    /// payload length has arrived without a delimiter; `len` is the number
    /// of bytes buffered.
    fn decode_span(&mut self, src: &[u8]) -> Result<Option<Span>> {
        let dlen = self.delimiter.len();
        // A delimiter that starts after the maximum payload length cannot
        // end an acceptable frame, so the search stops there.
        let window_len = src.len().min(self.limit.saturating_add(dlen));
        let window = src.get(..window_len).unwrap_or_default();
        if self.searched > window_len {
            self.searched = 0;
        }
        #[cfg(test)]
        crate::cost::scanned(window_len - self.searched);
        if let Some(at) = find(window, &self.delimiter, self.searched) {
            self.searched = 0;
            let mut end = at;
            if self.strip_cr && at > 0 && src.get(at - 1) == Some(&b'\r') {
                end -= 1;
            }
            return Ok(Some(Span::new(0..end, at + dlen)));
        }
        if src.len() >= self.limit.saturating_add(dlen) {
            return Err(util::over_limit(src.len() as u64, self.limit, Some(0)));
        }
        // The last `dlen - 1` bytes may begin a delimiter still arriving.
        self.searched = window_len.saturating_sub(dlen - 1);
        Ok(None)
    }
}

impl FrameEncoder for Delimited {
    fn head_len(&self) -> Option<usize> {
        Some(0)
    }

    /// Checks the payload; the delimiter is written by
    /// [`encode_tail`](Self::encode_tail).
    ///
    /// # Errors
    /// [`ErrorKind::LengthOverLimit`] when the payload is longer than the
    /// maximum; [`ErrorKind::InvalidHeader`] when it contains the delimiter
    /// (or would form one with the delimiter written after it, or ends in
    /// `"\r"` for [`lines`](Self::lines)), with the error's offset at that
    /// position in the payload.
    fn encode_head(&mut self, payload: &[u8], _dst: &mut BytesMut) -> Result<()> {
        util::check_payload(payload, self.limit)?;
        let d = &self.delimiter[..];
        if let Some(at) = find(payload, d, 0) {
            return Err(Error::new(
                ErrorKind::InvalidHeader("payload contains the delimiter"),
                at as u64,
            ));
        }
        // An occurrence that starts in the payload's last bytes and runs
        // into the delimiter itself would end the frame early.
        for overlap in 1..d.len().min(payload.len() + 1) {
            let start = payload.len() - overlap;
            if payload[start..] == d[..overlap] && d[..d.len() - overlap] == d[overlap..] {
                return Err(Error::new(
                    ErrorKind::InvalidHeader("payload end and delimiter form an earlier delimiter"),
                    start as u64,
                ));
            }
        }
        if self.strip_cr && payload.last() == Some(&b'\r') {
            return Err(Error::new(
                ErrorKind::InvalidHeader("line payload ends with a carriage return"),
                (payload.len() - 1) as u64,
            ));
        }
        Ok(())
    }

    /// Writes the delimiter.
    fn encode_tail(&mut self, _payload: &[u8], dst: &mut BytesMut) -> Result<()> {
        dst.extend_from_slice(&self.delimiter);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_handles_partial_and_repeated_starts() {
        assert_eq!(find(b"a\r\r\nb", b"\r\n", 0), Some(2));
        assert_eq!(find(b"abc\r", b"\r\n", 0), None);
        assert_eq!(find(b"aaab", b"ab", 0), Some(2));
        assert_eq!(find(b"ab", b"ab", 1), None);
        assert_eq!(find(b"", b"x", 5), None);
    }

    #[test]
    fn a_trickle_resumes_where_the_search_stopped() {
        let mut codec = Delimited::new(b"\r\n");
        let mut src = BytesMut::new();
        for &b in b"abc\r" {
            src.extend_from_slice(&[b]);
            assert_eq!(codec.decode(&mut src).unwrap(), None);
        }
        assert_eq!(
            codec.searched, 3,
            "the trailing \\r may start the delimiter"
        );
        src.extend_from_slice(b"\n");
        assert_eq!(codec.decode(&mut src).unwrap().unwrap(), &b"abc"[..]);
        assert_eq!(codec.searched, 0);
    }
}
