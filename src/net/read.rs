//! The decoder's input: a borrowed slice or an [`io::Read`], behind one
//! sealed trait so the deserializer is written once.
//!
//! Both readers enforce the byte limit of one message: a read that would
//! end past it fails with [`ErrorKind::LengthOverLimit`] instead of
//! [`ErrorKind::UnexpectedEnd`], because more input could never help.

use std::io::{self, Read as _};

use crate::error::{Error, ErrorKind, Result};

mod private {
    pub trait Sealed {}
    impl<const FAST: bool> Sealed for super::SliceReader<'_, FAST> {}
    impl<R: std::io::Read> Sealed for super::IoReader<R> {}
    impl Sealed for super::SplitReader<'_> {}
}

/// The bytes left that let a sequence's elements be decoded through a
/// [`Read::Fast`] reader: what the reads of one small element fit in.
pub(crate) const ROOM: usize = 64;

/// Bytes of a string or byte string: borrowed from the input for the whole
/// of `'de`, or copied into the reader's scratch buffer.
pub enum Reference<'de, 's> {
    /// Borrowed from the input.
    Borrowed(&'de [u8]),
    /// Copied; valid until the next read.
    Copied(&'s [u8]),
}

/// Bytes the caller wants to own: borrowed from the input (the caller
/// copies them) or already an owned buffer.
pub enum Owned<'de> {
    /// Borrowed from the input.
    Borrowed(&'de [u8]),
    /// Read into a buffer of its own.
    Owned(Vec<u8>),
}

/// The decoder's input.
pub trait Read<'de>: private::Sealed {
    /// Bytes consumed so far.
    fn pos(&self) -> u64;

    /// Reads the next `N` bytes.
    fn array<const N: usize>(&mut self) -> Result<[u8; N]>;

    /// Reads the next `len` bytes of an item starting at offset `start`.
    fn bytes(&mut self, len: u64, start: u64) -> Result<Reference<'de, '_>>;

    /// Reads the next `len` bytes of an item starting at `start` for a
    /// caller that wants to own them.
    fn owned(&mut self, len: u64, start: u64) -> Result<Owned<'de>>;

    /// How many bytes of the message may already be in memory: what is
    /// left of a slice (within the limit), nothing for a reader. Caps the
    /// size hints given to serde, so a count read from the wire never
    /// reserves more than one element per byte actually present.
    fn buffered(&self) -> u64;

    /// Whether the message has been read to its end, when its end is
    /// known (a whole slice); `None` otherwise.
    fn at_end(&self) -> Option<bool>;

    /// Everything up to the message's end, for an item starting at `start`.
    fn rest(&mut self, start: u64) -> Result<Reference<'de, '_>>;

    /// The bytes up to the next 0 byte, which is consumed too.
    fn until_nul(&mut self, start: u64) -> Result<Reference<'de, '_>>;

    /// The next byte, without consuming it.
    fn peek(&mut self) -> Result<u8>;

    /// The reader that small sequence elements are decoded through while
    /// at least [`ROOM`] bytes are left: the same reads, another type, so
    /// that the element's code is compiled once more for it. Inlined into
    /// its sequence's loop, right after the loop's check of the room, that
    /// copy needs no check of its own for the reads that fit in it.
    type Fast: Read<'de>;

    /// A [`Read::Fast`] reader at this one's position, when this one has
    /// [`ROOM`] bytes left.
    #[inline(always)]
    fn fast(&self) -> Option<Self::Fast> {
        None
    }

    /// Moves this reader to where the [`Read::fast`] reader it gave is.
    #[inline(always)]
    fn unfast(&mut self, fast: &Self::Fast) {
        let _ = fast;
    }

    /// Gives an error that leaves the decoder its offset and kind where
    /// the reader left them to it (a slice's short read, see
    /// `SliceReader::array`); other errors as they are.
    #[inline]
    fn resolve(&self, e: Error) -> Error {
        e
    }
}

/// The bytes of a `char` whose first byte, read at `start`, says it is
/// `width` bytes long: the rest in one read, as both decoders read it. A
/// short input is at the char's start, unless the char does not fit the
/// limit (the reader gives the error its position and kind first).
#[inline]
pub(crate) fn char_bytes<'de, R: Read<'de>>(
    read: &mut R,
    first: u8,
    width: usize,
    start: u64,
) -> Result<[u8; 4]> {
    let rest = match width {
        1 => Ok([first, 0, 0, 0]),
        2 => read.array::<1>().map(|[a]| [first, a, 0, 0]),
        3 => read.array::<2>().map(|[a, b]| [first, a, b, 0]),
        _ => read.array::<3>().map(|[a, b, c]| [first, a, b, c]),
    };
    rest.map_err(|e| match read.resolve(e) {
        e if e.is_eof() => Error::eof(start, start.saturating_add(width as u64)),
        e => e,
    })
}

/// Why a field that runs to the end of the message cannot be read here.
pub(crate) const NO_END: &str = "a netwire::with::rest or empty_as_none field needs to know where \
     the message ends: decode it from a whole frame or datagram (from_slice), not from a \
     reader, a prefix or a self-delimited stream";

#[cold]
pub(crate) fn no_end() -> Error {
    Error::without_offset(ErrorKind::Unsupported(NO_END))
}

/// The error for an item starting at `start` that needs the input to be at
/// least `needed` bytes long, when it is not.
#[cold]
fn short(start: u64, needed: u64, limit: u64) -> Error {
    if needed > limit {
        Error::new(ErrorKind::LengthOverLimit { len: needed, limit }, start)
    } else {
        Error::eof(start, needed)
    }
}

/// The error for a string or byte string of `len` bytes whose body starts
/// at `body` (its prefix at `start`) and does not fit the input or limit.
#[cold]
fn short_bytes(start: u64, body: u64, len: u64, limit: u64) -> Error {
    let needed = body.saturating_add(len);
    if needed > limit {
        Error::new(
            ErrorKind::LengthOverLimit {
                len,
                limit: limit.saturating_sub(body),
            },
            start,
        )
    } else {
        Error::eof(start, needed)
    }
}

/// Reads from a borrowed slice; strings and bytes borrow from it.
pub struct SliceReader<'de, const FAST: bool = false> {
    /// The input, cut at the limit.
    rest: &'de [u8],
    /// The length of the input after the cut.
    end: usize,
    limit: u64,
    /// The input is the whole message (`from_slice`), so its end is the
    /// message's.
    whole: bool,
    /// The input was longer than the limit.
    cut: bool,
}

impl<'de> SliceReader<'de> {
    /// A reader over `input` that stops at `limit` bytes.
    #[inline]
    pub fn new(input: &'de [u8], limit: usize) -> Self {
        let window = input.get(..limit).unwrap_or(input);
        SliceReader {
            rest: window,
            end: window.len(),
            limit: limit as u64,
            whole: false,
            cut: window.len() < input.len(),
        }
    }

    /// As [`SliceReader::new`], for an input that is one whole message.
    #[inline]
    pub fn whole(input: &'de [u8], limit: usize) -> Self {
        SliceReader {
            whole: true,
            ..Self::new(input, limit)
        }
    }
}

impl<'de, const FAST: bool> SliceReader<'de, FAST> {
    /// Bytes consumed so far.
    #[inline]
    pub fn position(&self) -> usize {
        // `rest` is always a suffix of the `end`-byte window, so this
        // cannot wrap; `wrapping_sub` keeps it one instruction.
        self.end.wrapping_sub(self.rest.len())
    }
}

impl<'de, const FAST: bool> Read<'de> for SliceReader<'de, FAST> {
    type Fast = SliceReader<'de, true>;

    #[inline(always)]
    fn fast(&self) -> Option<Self::Fast> {
        if FAST || self.rest.len() < ROOM {
            return None;
        }
        // The same reader, typed as the fast one.
        Some(SliceReader {
            rest: self.rest,
            end: self.end,
            limit: self.limit,
            whole: self.whole,
            cut: self.cut,
        })
    }

    #[inline(always)]
    fn unfast(&mut self, fast: &Self::Fast) {
        self.rest = fast.rest;
    }

    #[inline]
    fn pos(&self) -> u64 {
        self.position() as u64
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        match self.rest.split_first_chunk::<N>() {
            Some((head, tail)) => {
                self.rest = tail;
                Ok(*head)
            }
            None => Err(Error::short_in_slice(self.rest.len(), N)),
        }
    }

    /// A short read's error is built from the count of bytes left alone,
    /// and given its position where it leaves the decoder
    /// ([`Read::resolve`]): the inlined read is a compare, a load and the
    /// cursor update, the call on its cold path has two arguments already
    /// in registers, and the reader's state need not be in memory for it.
    /// Both keep a struct's reads in registers and a string's
    /// `deserialize` small enough to inline.
    #[inline]
    fn resolve(&self, e: Error) -> Error {
        match e.left_in_slice() {
            Some((left, n)) => {
                let pos = (self.end as u64).saturating_sub(left);
                short(pos, pos.saturating_add(n), self.limit)
            }
            None => e,
        }
    }

    #[inline]
    fn bytes(&mut self, len: u64, start: u64) -> Result<Reference<'de, '_>> {
        self.take(len, start).map(Reference::Borrowed)
    }

    #[inline]
    fn owned(&mut self, len: u64, start: u64) -> Result<Owned<'de>> {
        self.take(len, start).map(Owned::Borrowed)
    }

    #[inline]
    fn buffered(&self) -> u64 {
        self.rest.len() as u64
    }

    #[inline]
    fn at_end(&self) -> Option<bool> {
        // Past the limit the message goes on, into a limit error.
        self.whole.then_some(self.rest.is_empty() && !self.cut)
    }

    fn rest(&mut self, start: u64) -> Result<Reference<'de, '_>> {
        if !self.whole {
            return Err(no_end());
        }
        if self.cut {
            let pos = self.pos();
            return Err(short(start, self.limit.saturating_add(1), self.limit).or_offset(pos));
        }
        let rest = std::mem::take(&mut self.rest);
        Ok(Reference::Borrowed(rest))
    }

    fn until_nul(&mut self, start: u64) -> Result<Reference<'de, '_>> {
        match memchr::memchr(0, self.rest) {
            Some(at) => {
                let (head, tail) = self.rest.split_at(at);
                self.rest = tail.get(1..).unwrap_or_default();
                Ok(Reference::Borrowed(head))
            }
            None => {
                let needed = (self.end as u64).saturating_add(1);
                Err(short(start, needed, self.limit))
            }
        }
    }

    fn peek(&mut self) -> Result<u8> {
        match self.rest.first() {
            Some(&b) => Ok(b),
            None => {
                let pos = self.pos();
                Err(short(pos, pos.saturating_add(1), self.limit))
            }
        }
    }
}

impl<'de, const FAST: bool> SliceReader<'de, FAST> {
    #[inline]
    fn take(&mut self, len: u64, start: u64) -> Result<&'de [u8]> {
        let split = usize::try_from(len)
            .ok()
            .and_then(|n| self.rest.split_at_checked(n));
        match split {
            Some((head, tail)) => {
                self.rest = tail;
                Ok(head)
            }
            None => Err(short_bytes(start, self.pos(), len, self.limit)),
        }
    }
}

/// The most a string or byte buffer reserves before its bytes arrive.
const IO_PREALLOC: usize = 64 * 1024;

/// Reads from an [`io::Read`], exactly the bytes each item needs.
pub struct IoReader<R> {
    inner: R,
    pos: u64,
    limit: u64,
    scratch: Vec<u8>,
    /// A byte read by [`Read::peek`] and not consumed yet (it is counted
    /// in `pos` only once consumed).
    peeked: Option<u8>,
}

impl<R: io::Read> IoReader<R> {
    /// A reader over `inner` that stops at `limit` bytes.
    pub fn new(inner: R, limit: usize) -> Self {
        IoReader {
            inner,
            pos: 0,
            limit: limit as u64,
            scratch: Vec::new(),
            peeked: None,
        }
    }

    /// Reads one byte at `start`, the peeked one first.
    fn byte(&mut self, start: u64) -> Result<u8> {
        if let Some(b) = self.peeked.take() {
            self.pos = start.saturating_add(1);
            return Ok(b);
        }
        let needed = start.saturating_add(1);
        if needed > self.limit {
            return Err(short(start, needed, self.limit));
        }
        let mut buf = [0u8; 1];
        match self.inner.read_exact(&mut buf) {
            Ok(()) => {
                self.pos = needed;
                Ok(buf[0])
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(Error::eof(start, needed)),
            Err(e) => Err(Error::io(e, Some(start))),
        }
    }

    /// Gives a peeked byte back to the front of `buf`.
    #[cold]
    fn unpeek(&mut self, buf: &mut Vec<u8>) {
        if let Some(b) = self.peeked.take() {
            buf.push(b);
            self.pos = self.pos.saturating_add(1);
        }
    }

    /// Reads `len` bytes (the body of an item starting at `start`) and
    /// appends them to `buf`, which grows as they arrive.
    fn read_into(
        inner: &mut R,
        pos: &mut u64,
        limit: u64,
        buf: &mut Vec<u8>,
        len: u64,
        start: u64,
    ) -> Result<()> {
        let body = *pos;
        let needed = body.saturating_add(len);
        if needed > limit {
            return Err(short_bytes(start, body, len, limit));
        }
        // `len` is at most the limit, a `usize`, so this cannot truncate.
        let want = usize::try_from(len).unwrap_or(usize::MAX);
        buf.reserve_exact(want.min(IO_PREALLOC));
        let before = buf.len();
        let result = inner.take(len).read_to_end(buf);
        let got = buf.len().saturating_sub(before);
        *pos = pos.saturating_add(got as u64);
        match result {
            Ok(_) if got == want => Ok(()),
            Ok(_) => Err(Error::eof(start, needed)),
            Err(e) => Err(Error::io(e, Some(start))),
        }
    }
}

impl<'de, R: io::Read> Read<'de> for IoReader<R> {
    /// Never made: nothing is read ahead, so there is never room.
    type Fast = SliceReader<'de, true>;

    #[inline]
    fn pos(&self) -> u64 {
        self.pos
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let start = self.pos;
        let needed = start.saturating_add(N as u64);
        if needed > self.limit {
            return Err(short(start, needed, self.limit));
        }
        let mut buf = [0u8; N];
        let mut from = 0;
        if let (Some(b), Some(first)) = (self.peeked, buf.first_mut()) {
            *first = b;
            self.peeked = None;
            from = 1;
        }
        match self.inner.read_exact(&mut buf[from..]) {
            Ok(()) => {
                self.pos = needed;
                Ok(buf)
            }
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(Error::eof(start, needed)),
            Err(e) => Err(Error::io(e, Some(start))),
        }
    }

    fn bytes(&mut self, len: u64, start: u64) -> Result<Reference<'de, '_>> {
        self.scratch.clear();
        let mut scratch = std::mem::take(&mut self.scratch);
        let len = self.take_peeked(&mut scratch, len);
        self.scratch = scratch;
        Self::read_into(
            &mut self.inner,
            &mut self.pos,
            self.limit,
            &mut self.scratch,
            len,
            start,
        )?;
        Ok(Reference::Copied(&self.scratch))
    }

    fn owned(&mut self, len: u64, start: u64) -> Result<Owned<'de>> {
        let mut buf = Vec::new();
        let len = self.take_peeked(&mut buf, len);
        Self::read_into(
            &mut self.inner,
            &mut self.pos,
            self.limit,
            &mut buf,
            len,
            start,
        )?;
        Ok(Owned::Owned(buf))
    }

    /// Nothing is read ahead, so collections grow as their elements arrive.
    #[inline]
    fn buffered(&self) -> u64 {
        0
    }

    fn at_end(&self) -> Option<bool> {
        None
    }

    fn rest(&mut self, _start: u64) -> Result<Reference<'de, '_>> {
        Err(no_end())
    }

    fn until_nul(&mut self, start: u64) -> Result<Reference<'de, '_>> {
        self.scratch.clear();
        loop {
            let at = self.pos;
            match self.byte(at) {
                Ok(0) => return Ok(Reference::Copied(&self.scratch)),
                Ok(b) => self.scratch.push(b),
                Err(e) if e.is_eof() => return Err(Error::eof(start, at.saturating_add(1))),
                Err(e) => return Err(e),
            }
        }
    }

    fn peek(&mut self) -> Result<u8> {
        if let Some(b) = self.peeked {
            return Ok(b);
        }
        let at = self.pos;
        let b = self.byte(at)?;
        // Not consumed: `pos` stays where the byte starts.
        self.pos = at;
        self.peeked = Some(b);
        Ok(b)
    }
}

impl<R: io::Read> IoReader<R> {
    /// Moves a peeked byte into `buf` as the first of `len` bytes to read;
    /// returns how many are left to read.
    #[inline]
    fn take_peeked(&mut self, buf: &mut Vec<u8>, len: u64) -> u64 {
        if self.peeked.is_none() || len == 0 {
            return len;
        }
        self.unpeek(buf);
        len - 1
    }
}

/// Reads one message from two borrowed slices, `front` then `back`: a
/// payload a length field cuts in two. Items within one slice borrow from
/// it; an item that straddles the cut is copied into a scratch buffer.
pub struct SplitReader<'de> {
    front: &'de [u8],
    back: &'de [u8],
    /// Bytes consumed so far.
    pos: usize,
    limit: u64,
    /// The input was longer than the limit.
    cut: bool,
    scratch: Vec<u8>,
}

impl<'de> SplitReader<'de> {
    /// A reader over `front` then `back` that stops at `limit` bytes; the
    /// two are one whole message.
    pub fn new(front: &'de [u8], back: &'de [u8], limit: usize) -> Self {
        let (front, back, cut) = match limit.checked_sub(front.len()) {
            None => (front.get(..limit).unwrap_or(front), &[][..], true),
            Some(room) => {
                let kept = back.get(..room).unwrap_or(back);
                (front, kept, kept.len() < back.len())
            }
        };
        let (front, back) = if front.is_empty() {
            (back, &[][..])
        } else {
            (front, back)
        };
        SplitReader {
            front,
            back,
            pos: 0,
            limit: limit as u64,
            cut,
            scratch: Vec::new(),
        }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    fn left(&self) -> usize {
        self.front.len() + self.back.len()
    }

    /// Takes the next `n` bytes, which are there: borrowed when they lie in
    /// one slice, copied into the scratch buffer when they straddle the cut.
    /// Once `front` is used up, `back` takes its place, so every read after
    /// the cut is a read of one slice.
    fn split(&mut self, n: usize) -> Reference<'de, '_> {
        self.pos += n;
        if let Some((head, tail)) = self.front.split_at_checked(n) {
            self.front = tail;
            if tail.is_empty() {
                self.front = std::mem::take(&mut self.back);
            }
            return Reference::Borrowed(head);
        }
        let from_back = n - self.front.len();
        let (head, tail) = self.back.split_at(from_back.min(self.back.len()));
        self.scratch.clear();
        self.scratch.extend_from_slice(self.front);
        self.scratch.extend_from_slice(head);
        self.front = tail;
        self.back = &[];
        Reference::Copied(&self.scratch)
    }

    fn take(&mut self, len: u64, start: u64) -> Result<Reference<'de, '_>> {
        match usize::try_from(len) {
            Ok(n) if n <= self.left() => Ok(self.split(n)),
            _ => Err(short_bytes(start, self.pos(), len, self.limit)),
        }
    }
}

impl<'de> Read<'de> for SplitReader<'de> {
    /// Never made: a message split in two is read with a check per read.
    type Fast = SliceReader<'de, true>;

    fn pos(&self) -> u64 {
        self.pos as u64
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        if let Some((head, tail)) = self.front.split_first_chunk::<N>() {
            if tail.is_empty() {
                self.front = std::mem::take(&mut self.back);
            } else {
                self.front = tail;
            }
            self.pos += N;
            return Ok(*head);
        }
        if self.left() < N {
            let pos = self.pos();
            return Err(short(pos, pos.saturating_add(N as u64), self.limit));
        }
        let mut out = [0u8; N];
        match self.split(N) {
            Reference::Borrowed(bytes) | Reference::Copied(bytes) => out.copy_from_slice(bytes),
        }
        Ok(out)
    }

    fn bytes(&mut self, len: u64, start: u64) -> Result<Reference<'de, '_>> {
        self.take(len, start)
    }

    fn owned(&mut self, len: u64, start: u64) -> Result<Owned<'de>> {
        Ok(match self.take(len, start)? {
            Reference::Borrowed(bytes) => Owned::Borrowed(bytes),
            Reference::Copied(bytes) => Owned::Owned(bytes.to_vec()),
        })
    }

    fn buffered(&self) -> u64 {
        self.left() as u64
    }

    fn at_end(&self) -> Option<bool> {
        Some(self.left() == 0 && !self.cut)
    }

    fn rest(&mut self, start: u64) -> Result<Reference<'de, '_>> {
        if self.cut {
            let pos = self.pos();
            return Err(short(start, self.limit.saturating_add(1), self.limit).or_offset(pos));
        }
        let n = self.left();
        Ok(self.split(n))
    }

    fn until_nul(&mut self, start: u64) -> Result<Reference<'de, '_>> {
        let at = match memchr::memchr(0, self.front) {
            Some(at) => Some(at),
            None => memchr::memchr(0, self.back).map(|at| self.front.len() + at),
        };
        match at {
            Some(at) => {
                let bytes = self.split(at + 1);
                Ok(match bytes {
                    Reference::Borrowed(b) => Reference::Borrowed(b.get(..at).unwrap_or(b)),
                    Reference::Copied(b) => Reference::Copied(b.get(..at).unwrap_or(b)),
                })
            }
            None => {
                let needed = (self.pos + self.left()) as u64;
                Err(short(start, needed.saturating_add(1), self.limit))
            }
        }
    }

    fn peek(&mut self) -> Result<u8> {
        match self.front.first().or(self.back.first()) {
            Some(&b) => Ok(b),
            None => {
                let pos = self.pos();
                Err(short(pos, pos.saturating_add(1), self.limit))
            }
        }
    }
}
