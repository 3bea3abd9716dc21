//! Where both formats' serializers put their bytes: one [`Output`] trait,
//! implemented by a `Vec<u8>`, a [`bytes::BytesMut`], a caller's slice, any
//! [`bytes::BufMut`], and a [`Counter`] that only counts.
//!
//! The slice and `BufMut` outputs never panic: a put that does not fit
//! marks the output full, from then on nothing more is written, and the
//! entry point turns that into an error.

use bytes::BytesMut;

mod private {
    pub trait Sealed {}
}

/// Where a serializer puts its bytes. Sealed: the formats' serializers are
/// generic over it, and only this crate's outputs implement it.
pub trait Output: private::Sealed {
    /// Appends one byte.
    fn put_u8(&mut self, byte: u8);
    /// Appends `bytes`.
    fn put_slice(&mut self, bytes: &[u8]);
    /// How many bytes have been put so far.
    fn position(&self) -> usize;
    /// The position, from where the bytes put can be patched, inserted
    /// into and read back: the place of a length to write later.
    #[inline]
    fn mark(&mut self) -> usize {
        self.position()
    }
    /// Overwrites `bytes.len()` bytes put before, from `at` (a placeholder
    /// length prefix), a position at or after a mark.
    fn patch(&mut self, at: usize, bytes: &[u8]);
    /// Inserts `bytes` at `at`, a position at or after a mark, shifting
    /// what was put after it (a count known only after its elements).
    fn insert(&mut self, at: usize, bytes: &[u8]);
    /// The byte put at `at`, when the output keeps its bytes there.
    fn byte_at(&self, at: usize) -> Option<u8> {
        let _ = at;
        None
    }
    /// Whether the serializer names the struct fields around an error it
    /// finds only at the end of the message (bytes after a field that runs
    /// to the end): set by the output of a second pass made only to name
    /// them ([`Naming`]), so that the first pays nothing per field.
    const NAMES_FIELDS: bool = false;
}

/// The bytes at `at..at + len` of `buf`, when they are there.
fn slot(buf: &mut [u8], at: usize, len: usize) -> Option<&mut [u8]> {
    buf.get_mut(at..at.checked_add(len)?)
}

impl private::Sealed for Vec<u8> {}

impl Output for Vec<u8> {
    #[inline]
    fn put_u8(&mut self, byte: u8) {
        self.push(byte);
    }
    #[inline(always)]
    fn put_slice(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    #[inline]
    fn position(&self) -> usize {
        self.len()
    }
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        if let Some(slot) = slot(self, at, bytes.len()) {
            slot.copy_from_slice(bytes);
        }
    }
    fn insert(&mut self, at: usize, bytes: &[u8]) {
        let at = at.min(self.len());
        self.splice(at..at, bytes.iter().copied());
    }
    fn byte_at(&self, at: usize) -> Option<u8> {
        self.get(at).copied()
    }
}

impl private::Sealed for BytesMut {}

impl Output for BytesMut {
    #[inline]
    fn put_u8(&mut self, byte: u8) {
        self.extend_from_slice(&[byte]);
    }
    #[inline(always)]
    fn put_slice(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    #[inline]
    fn position(&self) -> usize {
        self.len()
    }
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        if let Some(slot) = slot(self, at, bytes.len()) {
            slot.copy_from_slice(bytes);
        }
    }
    fn insert(&mut self, at: usize, bytes: &[u8]) {
        let at = at.min(self.len());
        self.extend_from_slice(bytes);
        if let Some(moved) = self.get_mut(at..) {
            moved.rotate_right(bytes.len());
        }
    }
    fn byte_at(&self, at: usize) -> Option<u8> {
        self.get(at).copied()
    }
}

/// An [`Output`] that counts bytes instead of storing them.
#[derive(Debug, Default)]
pub struct Counter {
    count: usize,
}

impl Counter {
    /// The number of bytes put.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// The output of the pass that names the fields of an encoding error
/// found at the end of the message: counts, like [`Counter`], and asks
/// the serializer to name fields ([`Output::NAMES_FIELDS`]).
#[derive(Debug, Default)]
pub(crate) struct Naming(Counter);

impl private::Sealed for Naming {}

impl Output for Naming {
    const NAMES_FIELDS: bool = true;
    fn put_u8(&mut self, byte: u8) {
        self.0.put_u8(byte);
    }
    fn put_slice(&mut self, bytes: &[u8]) {
        self.0.put_slice(bytes);
    }
    fn position(&self) -> usize {
        self.0.position()
    }
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        self.0.patch(at, bytes);
    }
    fn insert(&mut self, at: usize, bytes: &[u8]) {
        self.0.insert(at, bytes);
    }
}

impl private::Sealed for Counter {}

impl Output for Counter {
    #[inline]
    fn put_u8(&mut self, _byte: u8) {
        self.count = self.count.saturating_add(1);
    }
    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        self.count = self.count.saturating_add(bytes.len());
    }
    #[inline]
    fn position(&self) -> usize {
        self.count
    }
    fn patch(&mut self, _at: usize, _bytes: &[u8]) {}
    fn insert(&mut self, _at: usize, bytes: &[u8]) {
        self.put_slice(bytes);
    }
}

/// Writes into the front of a caller's slice in one pass: each put splits
/// what it writes off the front of the unwritten rest, one comparison and
/// no index arithmetic.
///
/// The puts are `#[inline]`, not `#[inline(always)]`: forced early, they
/// left the compiler storing the rest again after every put in loops over
/// arrays of numbers, 1.8× slower on `mesh` than with the hint (measured
/// with a driver timing `net::to_slice` on the `mesh` dataset).
///
/// It cannot go back, so a [`Output::mark`] (a length to patch later, rare
/// in derived types) stops it: the entry point then writes the message
/// again into an [`IndexedSlice`].
pub(crate) struct SliceOutput<'s> {
    /// The unwritten rest of the slice.
    rest: &'s mut [u8],
    /// The length of the whole slice.
    cap: usize,
    /// A put did not fit.
    full: bool,
    /// A mark was taken.
    marked: bool,
}

/// How a [`SliceOutput`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SliceEnd {
    /// This many bytes are written at the front of the slice.
    Written(usize),
    /// A put did not fit.
    Full,
    /// The message took a mark, and must be written by index.
    Marked,
}

impl<'s> SliceOutput<'s> {
    /// An empty output over `buf`.
    #[inline]
    pub(crate) fn new(buf: &'s mut [u8]) -> Self {
        SliceOutput {
            cap: buf.len(),
            rest: buf,
            full: false,
            marked: false,
        }
    }

    /// How the output ended.
    pub(crate) fn end(&self) -> SliceEnd {
        if self.marked {
            SliceEnd::Marked
        } else if self.full {
            SliceEnd::Full
        } else {
            SliceEnd::Written(self.position())
        }
    }

    /// A put that did not fit. Leaving the rest empty makes every later
    /// put come here too. Two stores and no call: the fast path then
    /// keeps nothing in memory for it.
    #[cold]
    fn overflow(&mut self) {
        self.rest = &mut [];
        self.full = true;
    }
}

impl private::Sealed for SliceOutput<'_> {}

impl Output for SliceOutput<'_> {
    #[inline]
    fn put_u8(&mut self, byte: u8) {
        match std::mem::take(&mut self.rest).split_first_mut() {
            Some((slot, rest)) => {
                *slot = byte;
                self.rest = rest;
            }
            None => self.overflow(),
        }
    }
    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        match std::mem::take(&mut self.rest).split_at_mut_checked(bytes.len()) {
            Some((slot, rest)) => {
                slot.copy_from_slice(bytes);
                self.rest = rest;
            }
            None => self.overflow(),
        }
    }
    #[inline]
    fn position(&self) -> usize {
        self.cap - self.rest.len()
    }
    /// Stops the output: the message is written again by index.
    #[cold]
    fn mark(&mut self) -> usize {
        let at = self.position();
        self.marked = true;
        self.rest = &mut [];
        at
    }
    fn patch(&mut self, _at: usize, _bytes: &[u8]) {}
    fn insert(&mut self, _at: usize, _bytes: &[u8]) {}
}

/// Writes into the front of a caller's slice, by index, so that bytes
/// after a mark can be patched: the output of a message that
/// [`SliceOutput`] could not write in one pass.
pub(crate) struct IndexedSlice<'s> {
    buf: &'s mut [u8],
    len: usize,
    full: bool,
}

impl<'s> IndexedSlice<'s> {
    /// An empty output over `buf`.
    #[inline]
    pub(crate) fn new(buf: &'s mut [u8]) -> Self {
        IndexedSlice {
            buf,
            len: 0,
            full: false,
        }
    }

    /// The bytes written (the front of the slice), or `None` if a put did
    /// not fit.
    pub(crate) fn into_written(self) -> Option<&'s mut [u8]> {
        if self.full {
            None
        } else {
            self.buf.get_mut(..self.len)
        }
    }

    /// Bytes written so far.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Marks the output full. Setting `len` to the end of the slice makes
    /// every later put fail the same bounds check, so the hot path needs no
    /// test of `full`.
    #[cold]
    fn overflow(&mut self) {
        self.full = true;
        self.len = self.buf.len();
    }

    #[inline]
    pub(crate) fn put_u8(&mut self, byte: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = byte;
                self.len += 1;
            }
            None => self.overflow(),
        }
    }

    #[inline]
    pub(crate) fn put_slice(&mut self, bytes: &[u8]) {
        // Cannot overflow: both lengths are at most `isize::MAX`.
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(slot) => {
                slot.copy_from_slice(bytes);
                self.len = end;
            }
            None => self.overflow(),
        }
    }

    /// Overwrites bytes written before, at `at`.
    pub(crate) fn patch(&mut self, at: usize, bytes: &[u8]) {
        if self.full {
            return;
        }
        let slot = at
            .checked_add(bytes.len())
            .filter(|&end| end <= self.len)
            .and_then(|end| self.buf.get_mut(at..end));
        if let Some(slot) = slot {
            slot.copy_from_slice(bytes);
        }
    }

    /// Inserts `bytes` at `at`, shifting the bytes after it right.
    pub(crate) fn insert(&mut self, at: usize, bytes: &[u8]) {
        if self.full {
            return;
        }
        let at = at.min(self.len);
        let end = self.len + bytes.len();
        if end > self.buf.len() {
            return self.overflow();
        }
        let len = self.len;
        if let Some(tail) = self.buf.get_mut(at..end) {
            tail.copy_within(..len - at, bytes.len());
            if let Some(slot) = tail.get_mut(..bytes.len()) {
                slot.copy_from_slice(bytes);
            }
        }
        self.len = end;
    }

    /// The byte written at `at`, if it was.
    pub(crate) fn byte_at(&self, at: usize) -> Option<u8> {
        if self.full || at >= self.len {
            return None;
        }
        self.buf.get(at).copied()
    }
}

impl private::Sealed for IndexedSlice<'_> {}

impl Output for IndexedSlice<'_> {
    #[inline]
    fn put_u8(&mut self, byte: u8) {
        IndexedSlice::put_u8(self, byte);
    }
    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        IndexedSlice::put_slice(self, bytes);
    }
    #[inline]
    fn position(&self) -> usize {
        self.len()
    }
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        IndexedSlice::patch(self, at, bytes);
    }
    fn insert(&mut self, at: usize, bytes: &[u8]) {
        IndexedSlice::insert(self, at, bytes);
    }
    fn byte_at(&self, at: usize) -> Option<u8> {
        IndexedSlice::byte_at(self, at)
    }
}

/// Puts bytes into a [`bytes::BufMut`], at most `room` of them (the
/// buffer's `remaining_mut` or the byte limit).
///
/// A `BufMut` cannot go back, so from the first [`BufMutOutput::mark`]
/// on (a length to patch or insert later) the bytes are staged in a `Vec`
/// and put into the buffer by [`BufMutOutput::finish`].
pub(crate) struct BufMutOutput<'b, B: ?Sized> {
    buf: &'b mut B,
    /// How many more bytes may be put.
    room: usize,
    /// Bytes put into `buf` so far.
    written: usize,
    /// Bytes put since staging started, not yet in `buf`.
    staged: Vec<u8>,
    /// Set by the first `mark`; never cleared, so every marked position is
    /// at or after `written`, inside `staged`.
    staging: bool,
    full: bool,
}

impl<'b, B: bytes::BufMut + ?Sized> BufMutOutput<'b, B> {
    /// An output putting at most `room` bytes into `buf`.
    pub(crate) fn new(buf: &'b mut B, room: usize) -> Self {
        BufMutOutput {
            buf,
            room,
            written: 0,
            staged: Vec::new(),
            staging: false,
            full: false,
        }
    }

    /// Whether a put did not fit.
    pub(crate) fn is_full(&self) -> bool {
        self.full
    }

    /// Puts the staged bytes into the buffer of an output that is not
    /// full (see [`BufMutOutput::is_full`]); returns the number of bytes
    /// put in all.
    pub(crate) fn finish(self) -> usize {
        debug_assert!(!self.full, "finish of a full BufMutOutput");
        if !self.staged.is_empty() {
            self.buf.put_slice(&self.staged);
        }
        self.written + self.staged.len()
    }

    #[cold]
    fn overflow(&mut self) {
        self.full = true;
        self.room = 0;
    }

    #[inline]
    pub(crate) fn put_u8(&mut self, byte: u8) {
        if self.room == 0 {
            return self.overflow();
        }
        self.room -= 1;
        if self.staging {
            self.staged.push(byte);
        } else {
            self.buf.put_u8(byte);
            self.written += 1;
        }
    }

    #[inline]
    pub(crate) fn put_slice(&mut self, bytes: &[u8]) {
        if bytes.len() > self.room {
            return self.overflow();
        }
        self.room -= bytes.len();
        if self.staging {
            self.staged.extend_from_slice(bytes);
        } else {
            self.buf.put_slice(bytes);
            self.written += bytes.len();
        }
    }

    /// Bytes put so far.
    pub(crate) fn position(&self) -> usize {
        self.written + self.staged.len()
    }

    /// The position; from now on the bytes are staged, so that what comes
    /// after it can still be patched or inserted into.
    pub(crate) fn mark(&mut self) -> usize {
        self.staging = true;
        self.position()
    }

    /// Overwrites staged bytes at `at`.
    pub(crate) fn patch(&mut self, at: usize, bytes: &[u8]) {
        if self.full {
            return;
        }
        let slot = at.checked_sub(self.written).and_then(|from| {
            let to = from.checked_add(bytes.len())?;
            self.staged.get_mut(from..to)
        });
        if let Some(slot) = slot {
            slot.copy_from_slice(bytes);
        }
    }

    /// Inserts `bytes` into the staged bytes at `at`.
    pub(crate) fn insert(&mut self, at: usize, bytes: &[u8]) {
        if self.full {
            return;
        }
        if bytes.len() > self.room {
            return self.overflow();
        }
        self.room -= bytes.len();
        let at = at
            .checked_sub(self.written)
            .map_or(self.staged.len(), |at| at.min(self.staged.len()));
        self.staged.splice(at..at, bytes.iter().copied());
    }
}

/// An output that grows and can be cut back: a `Vec<u8>` or a
/// [`bytes::BytesMut`], so an encoding error leaves it as it was.
pub(crate) trait Growable: Output {
    /// Drops the bytes after the first `len`.
    fn cut(&mut self, len: usize);
}

impl Growable for Vec<u8> {
    fn cut(&mut self, len: usize) {
        self.truncate(len);
    }
}

impl Growable for BytesMut {
    fn cut(&mut self, len: usize) {
        self.truncate(len);
    }
}

impl<B: bytes::BufMut + ?Sized> private::Sealed for BufMutOutput<'_, B> {}

impl<B: bytes::BufMut + ?Sized> Output for BufMutOutput<'_, B> {
    #[inline]
    fn put_u8(&mut self, byte: u8) {
        BufMutOutput::put_u8(self, byte);
    }
    #[inline]
    fn put_slice(&mut self, bytes: &[u8]) {
        BufMutOutput::put_slice(self, bytes);
    }
    fn position(&self) -> usize {
        BufMutOutput::position(self)
    }
    fn mark(&mut self) -> usize {
        BufMutOutput::mark(self)
    }
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        BufMutOutput::patch(self, at, bytes);
    }
    fn insert(&mut self, at: usize, bytes: &[u8]) {
        BufMutOutput::insert(self, at, bytes);
    }
}
