//! The format core: what `net` and `ascii` share above their serializers.
//! Each format says how one message is written into an [`Output`] and how
//! large a message may be; the output entry points (`to_slice`,
//! `to_buf_mut`, appending, counting) are written once, here, and each
//! `Config` method is a call of one of them.

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::output::{BufMutOutput, Counter, Growable, IndexedSlice, Output, SliceEnd, SliceOutput};

/// A serde format of this crate, as the shared entry points see it.
pub(crate) trait Format {
    /// Writes `value` as one message into `out`.
    fn write<O: Output, T: ?Sized + Serialize>(&self, value: &T, out: &mut O) -> Result<()>;

    /// Writes `value` as one message with no frame around it, whose
    /// reader finds its end by decoding it: refuses what such a reader
    /// cannot read back. The default is [`Format::write`].
    #[inline]
    fn write_unframed<O: Output, T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut O,
    ) -> Result<()> {
        self.write(value, out)
    }

    /// The most bytes one message may occupy.
    fn byte_limit(&self) -> usize;
}

/// The messages of a format with no frame around them (see
/// [`Format::write_unframed`]).
pub(crate) struct Unframed<'a, F: ?Sized>(pub(crate) &'a F);

impl<F: Format + ?Sized> Format for Unframed<'_, F> {
    #[inline]
    fn write<O: Output, T: ?Sized + Serialize>(&self, value: &T, out: &mut O) -> Result<()> {
        self.0.write_unframed(value, out)
    }

    fn byte_limit(&self) -> usize {
        self.0.byte_limit()
    }
}

/// Appends `value` to a growable output, leaving it as it was on an error
/// (the message's own, or one over the limit).
#[inline]
pub(crate) fn append<F, O, T>(format: &F, value: &T, out: &mut O) -> Result<()>
where
    F: Format + ?Sized,
    O: Growable,
    T: ?Sized + Serialize,
{
    let start = out.position();
    let written = format
        .write(value, out)
        .map(|()| out.position().saturating_sub(start));
    match written {
        Ok(len) if len <= format.byte_limit() => Ok(()),
        Ok(len) => {
            out.cut(start);
            Err(over_limit(len, format.byte_limit()))
        }
        Err(err) => {
            out.cut(start);
            Err(err)
        }
    }
}

/// Appends `value` to a `Vec`; returns the number of bytes appended.
#[inline]
pub(crate) fn append_to_vec<F, T>(format: &F, value: &T, out: &mut Vec<u8>) -> Result<usize>
where
    F: Format + ?Sized,
    T: ?Sized + Serialize,
{
    let start = out.len();
    append(format, value, out)?;
    Ok(out.len() - start)
}

/// Encodes `value` into the front of `buf`; returns the bytes written.
///
/// One pass with the fast [`SliceOutput`]; a message that marks a place to
/// patch (a sequence of unknown length) is written again by index. When the
/// output ran full, the error of the pass is not trusted (a full output
/// stops moving, which checks of progress would misread): [`too_small`]
/// counts the message and reports its own error or the size it needs.
#[inline]
pub(crate) fn to_slice<'b, F, T>(format: &F, value: &T, buf: &'b mut [u8]) -> Result<&'b mut [u8]>
where
    F: Format + ?Sized,
    T: ?Sized + Serialize,
{
    let size = buf.len();
    let room = size.min(format.byte_limit());
    let mut out = SliceOutput::new(buf.get_mut(..room).unwrap_or_default());
    let written = format.write(value, &mut out);
    match out.end() {
        SliceEnd::Written(len) => written.map(|()| buf.get_mut(..len).unwrap_or_default()),
        SliceEnd::Full => Err(too_small(format, value, size)),
        SliceEnd::Marked => to_slice_indexed(format, value, buf, room),
    }
}

/// [`to_slice`] by index, for a message with places to patch.
#[cold]
fn to_slice_indexed<'b, F, T>(
    format: &F,
    value: &T,
    buf: &'b mut [u8],
    room: usize,
) -> Result<&'b mut [u8]>
where
    F: Format + ?Sized,
    T: ?Sized + Serialize,
{
    let size = buf.len();
    let mut out = IndexedSlice::new(buf.get_mut(..room).unwrap_or_default());
    let written = format.write(value, &mut out);
    match out.into_written() {
        Some(bytes) => written.map(|()| bytes),
        None => Err(too_small(format, value, size)),
    }
}

/// Puts `value` into any `BufMut`; returns the number of bytes put.
#[inline]
pub(crate) fn to_buf_mut<F, B, T>(format: &F, value: &T, buf: &mut B) -> Result<usize>
where
    F: Format + ?Sized,
    B: bytes::BufMut + ?Sized,
    T: ?Sized + Serialize,
{
    let size = buf.remaining_mut();
    let mut out = BufMutOutput::new(buf, size.min(format.byte_limit()));
    let written = format.write(value, &mut out);
    if out.is_full() {
        // As in `to_slice`: a full output's own error is not trusted.
        return Err(too_small(format, value, size));
    }
    written?;
    Ok(out.finish())
}

/// The number of bytes `value` encodes to, counted without writing them.
pub(crate) fn encoded_len<F, T>(format: &F, value: &T) -> Result<usize>
where
    F: Format + ?Sized,
    T: ?Sized + Serialize,
{
    let mut counter = Counter::default();
    format.write(value, &mut counter)?;
    Ok(counter.count())
}

/// The error of an output `room` bytes long that `value` did not fit: the
/// size it needs, or the limit when it needs more than that.
#[cold]
fn too_small<F, T>(format: &F, value: &T, room: usize) -> Error
where
    F: Format + ?Sized,
    T: ?Sized + Serialize,
{
    match encoded_len(format, value) {
        Ok(needed) if needed > format.byte_limit() => over_limit(needed, format.byte_limit()),
        Ok(needed) => Error::without_offset(ErrorKind::BufferFull {
            needed: needed as u64,
            available: room as u64,
        }),
        Err(err) => err,
    }
}

/// The error for an encoded message longer than the limit.
#[cold]
pub(crate) fn over_limit(len: usize, limit: usize) -> Error {
    Error::without_offset(ErrorKind::LengthOverLimit {
        len: len as u64,
        limit: limit as u64,
    })
}

/// `bytes` as a `str`, if they are UTF-8: both decoders' check of a
/// string. Out of line and returning an `Option` (two registers):
/// `std::str::from_utf8` returns its `Result` through memory, and callers
/// that moved the `&str` out of it read it back as one 16-byte load before
/// its two 8-byte stores could forward (a stall on every string; borrowed
/// decoding of the `bulk` dataset took 1.2x as long).
#[inline(never)]
pub(crate) fn utf8(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}
