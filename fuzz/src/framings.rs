//! Every framing strategy, picked by a byte, for the targets that run the
//! same check over each: the stream readers, the codecs and the writers.
//! Each framing is its own type, so the pick calls a [`Visit`]or.

use netwire::frame::{AsciiLength, ByType, Delimited, FixedLength, FrameDecoder, FrameEncoder, HeaderDescribed, LengthPrefixed, UntilClose};
use netwire::message::SelfDelimited;
use zerocopy::network_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

/// A 6-byte frame header: a kind and the body's length.
#[derive(FromBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
pub struct Header {
    /// Anything.
    pub kind: U16,
    /// The body's length.
    pub len: U32,
}

/// A 1-byte frame header: the body's length.
#[derive(FromBytes, KnownLayout, Immutable, Unaligned, Clone, Copy)]
#[repr(C)]
pub struct Tiny {
    /// The body's length.
    pub len: u8,
}

/// What runs over the picked framing.
pub trait Visit {
    /// What the run gives back.
    type Out;

    /// A framing with frames; each payload starts `head` bytes into its
    /// frame.
    fn framed<F>(self, framing: F, head: usize) -> Self::Out
    where
        F: FrameDecoder + FrameEncoder + Clone;

    /// No frames: the encoding finds each message's end; `retrying` for
    /// `SelfDelimited::retrying()`, else `SelfDelimited::new()`.
    fn self_delimited(self, framing: SelfDelimited, retrying: bool) -> Self::Out;
}

/// The pick of [`UntilClose`]: all payloads written read back as one.
pub const UNTIL_CLOSE: u8 = 11;

/// How many framings [`pick`] knows.
pub const COUNT: u8 = 14;

/// A name for each pick, for the seed corpora and failure messages.
pub const NAMES: [&str; COUNT as usize] = [
    "header-6",
    "header-1",
    "delimited-crlf",
    "delimited-aba",
    "lines",
    "length-u32",
    "length-u64-with-header",
    "length-u16-with-header",
    "by-type",
    "ascii-length-4",
    "fixed",
    "until-close",
    "self-delimited",
    "self-delimited-new",
];

/// Runs `v` over framing `pick % COUNT`, with frame limit `max` (except
/// [`FixedLength`], whose frames are `fixed` bytes, at least 1).
/// `scans` says whether the encoding finds message ends by scanning:
/// `SelfDelimited::new()` for it, `SelfDelimited::retrying()` otherwise;
/// the last pick is `new()` whatever the encoding (refused by `net`).
pub fn pick<V: Visit>(pick: u8, max: usize, fixed: usize, scans: bool, v: V) -> V::Out {
    match pick % COUNT {
        0 => v.framed(
            HeaderDescribed::new(|h: &Header| u64::from(h.len.get())).with_limit(max),
            0,
        ),
        1 => v.framed(
            HeaderDescribed::new(|h: &Tiny| u64::from(h.len)).with_limit(max),
            0,
        ),
        2 => v.framed(Delimited::new(b"\r\n").with_limit(max), 0),
        3 => v.framed(Delimited::new(b"aba").with_limit(max), 0),
        4 => v.framed(Delimited::lines().with_limit(max), 0),
        5 => v.framed(LengthPrefixed::u32().with_limit(max), 4),
        6 => v.framed(
            LengthPrefixed::u64()
                .length_includes_header(true)
                .with_limit(max),
            8,
        ),
        7 => v.framed(
            LengthPrefixed::u16()
                .length_includes_header(true)
                .with_limit(max),
            2,
        ),
        8 => v.framed(
            ByType::new()
                .fixed(0, 1)
                .fixed(1, 5)
                .prefixed(2, 1)
                .prefixed(3, 4)
                .with_limit(max),
            0,
        ),
        9 => v.framed(AsciiLength::digits(4).with_limit(max), 4),
        10 => v.framed(FixedLength::new(fixed.max(1)), 0),
        11 => v.framed(UntilClose::new().with_limit(max), 0),
        12 if scans => v.self_delimited(SelfDelimited::new(), false),
        12 => v.self_delimited(SelfDelimited::retrying(), true),
        _ => v.self_delimited(SelfDelimited::new(), false),
    }
}
