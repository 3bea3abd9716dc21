//! Deterministic work counters for the cost-model tests (test builds only).
//!
//! The places where work can grow with the input count what they do here:
//! bytes a scan examines (ascii's message-end scan, a delimiter search),
//! bytes a read buffer zeroes or copies, and decode attempts with the
//! bytes each was given. The tests feed `N` and `4N` bytes one byte per
//! read and check that the counts grow by about 4: linear work, whatever
//! the read pattern. Counters are per thread, so tests run in parallel.

use std::cell::Cell;

/// What the counted code did since the last [`take`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Bytes examined by scans for a message's or frame's end.
    pub(crate) scanned: u64,
    /// Bytes a read buffer zeroed before handing them to `read`.
    pub(crate) zeroed: u64,
    /// Bytes a read buffer may have copied while growing or compacting.
    pub(crate) copied: u64,
    /// Decode attempts (calls into the encoding's decoder).
    pub(crate) attempts: u64,
    /// Bytes given to those decode attempts, added up.
    pub(crate) attempted: u64,
}

impl Counts {
    /// All work in bytes touched.
    pub(crate) fn bytes(&self) -> u64 {
        self.scanned + self.zeroed + self.copied + self.attempted
    }
}

thread_local! {
    static COUNTS: Cell<Counts> = Cell::new(Counts::default());
}

fn add(f: impl FnOnce(&mut Counts)) {
    COUNTS.with(|c| {
        let mut counts = c.get();
        f(&mut counts);
        c.set(counts);
    });
}

/// Returns the counts so far and starts again from zero.
pub(crate) fn take() -> Counts {
    COUNTS.with(|c| c.replace(Counts::default()))
}

pub(crate) fn scanned(n: usize) {
    add(|c| c.scanned += n as u64);
}

pub(crate) fn zeroed(n: usize) {
    add(|c| c.zeroed += n as u64);
}

pub(crate) fn copied(n: usize) {
    add(|c| c.copied += n as u64);
}

pub(crate) fn attempt(n: usize) {
    add(|c| {
        c.attempts += 1;
        c.attempted += n as u64;
    });
}

/// The cost model: every framing × encoding × reader, fed `N` and then
/// `4N` bytes one byte per read, does about 4 times the work.
#[cfg(test)]
mod tests {
    use std::io::{self, Read};

    use bytes::BytesMut;
    use serde::Serialize;
    use serde::de::DeserializeOwned;
    use zerocopy::network_endian::U32;
    use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

    use super::{Counts, take};
    use crate::encoding::Encoding;
    use crate::frame::{
        AsciiLength, ByType, Delimited, FixedLength, FrameDecoder, FrameEncoder, HeaderDescribed,
        LengthField, LengthPrefixed, UntilClose,
    };
    use crate::message::{MessageFraming, SelfDelimited};
    use crate::stream::{FrameReader, MessageReader};
    use crate::{ascii, net};

    /// Bytes in the smaller run.
    const N: usize = 16 * 1024;

    /// A reader that hands out one byte per call.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    /// Asserts that `work(4N)` is about four times `work(N)`, in bytes
    /// touched and in decode attempts, and a small multiple of the bytes.
    /// Buffers grow by doubling, so where a size falls against a power of
    /// two moves the zeroed and copied counts by up to half again: the
    /// bound is 1.5 times the ratio of the inputs (quadratic work would
    /// be 16 for 4).
    fn linear(name: &str, work: impl Fn(usize) -> (Counts, usize)) {
        let (small, small_len) = work(N);
        let (big, big_len) = work(4 * N);
        let ratio = |a: u64, b: u64| b as f64 / a.max(1) as f64;
        let input = ratio(small_len as u64, big_len as u64);
        assert!(
            ratio(small.bytes(), big.bytes()) <= input * 1.5,
            "{name}: {small_len} bytes cost {small:?}, {big_len} bytes cost {big:?}"
        );
        assert!(
            ratio(small.attempts, big.attempts) <= input * 1.5,
            "{name}: attempts {} -> {}",
            small.attempts,
            big.attempts
        );
        assert!(
            big.bytes() <= 8 * big_len as u64 + (1 << 20),
            "{name}: {big:?} for {big_len} bytes"
        );
    }

    /// Frames `payloads` with `framing`.
    fn framed<F: FrameEncoder>(mut framing: F, payloads: &[Vec<u8>]) -> Vec<u8> {
        let mut wire = BytesMut::new();
        for p in payloads {
            framing.encode(p, &mut wire).unwrap();
        }
        wire.to_vec()
    }

    /// `count` payloads of `size` letters (no NUL, CR or LF in them).
    fn letters(count: usize, size: usize) -> Vec<Vec<u8>> {
        (0..count)
            .map(|i| (0..size).map(|j| b'a' + ((i + j) % 26) as u8).collect())
            .collect()
    }

    /// A length field after the first byte of the frame, PostgreSQL's way.
    fn after_a_byte() -> LengthField {
        LengthField::new()
            .length_field_offset(1)
            .length_adjustment(-4)
    }

    /// Reads every frame of `wire`, one byte per read.
    fn frames<F: FrameDecoder>(framing: F, wire: &[u8]) -> (Counts, usize) {
        take();
        let mut rx = FrameReader::new(Trickle(wire), framing);
        let mut count = 0;
        while rx.read_frame().unwrap().is_some() {
            count += 1;
        }
        assert!(count > 0);
        (take(), wire.len())
    }

    /// A message of many small fields: the shape that makes re-decoding
    /// from the start quadratic.
    type Msg = Vec<(u8, String)>;

    fn msg(bytes: usize) -> Msg {
        (0..bytes / 10).map(|i| (i as u8, "abcde".into())).collect()
    }

    /// Reads every message of `wire`, one byte per read.
    fn messages<T, F, E>(framing: F, encoding: E, wire: &[u8]) -> (Counts, usize)
    where
        T: DeserializeOwned,
        F: MessageFraming,
        E: Encoding,
    {
        take();
        let mut rx = MessageReader::with_encoding(Trickle(wire), framing, encoding);
        let mut count = 0;
        while rx.read::<T>().unwrap().is_some() {
            count += 1;
        }
        assert!(count > 0);
        (take(), wire.len())
    }

    /// As [`messages`], borrowing each message from its frame.
    fn borrowed<F: FrameDecoder, E: Encoding>(
        framing: F,
        encoding: E,
        wire: &[u8],
    ) -> (Counts, usize) {
        take();
        let mut rx = MessageReader::with_encoding(Trickle(wire), framing, encoding);
        let mut count = 0;
        while rx.read_borrowed::<Vec<(u8, &str)>>().unwrap().is_some() {
            count += 1;
        }
        assert!(count > 0);
        (take(), wire.len())
    }

    fn net_payloads<T: Serialize>(values: &[T]) -> Vec<Vec<u8>> {
        values.iter().map(|v| net::to_vec(v).unwrap()).collect()
    }

    fn ascii_payloads<T: Serialize>(values: &[T]) -> Vec<Vec<u8>> {
        values.iter().map(|v| ascii::to_vec(v).unwrap()).collect()
    }

    #[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
    #[repr(C)]
    struct Header {
        kind: u8,
        len: U32,
    }

    /// `(kind, bytes)` in `net` is a kind byte, a u32 length and the
    /// bytes: the frame layout of `ByType::prefixed(k, 4)` and of
    /// `HeaderDescribed<Header>`.
    fn typed(bytes: usize) -> Vec<u8> {
        net::to_vec(&(1u8, serde_bytes::ByteBuf::from(vec![7u8; bytes]))).unwrap()
    }

    #[test]
    fn frame_reader_is_linear_for_every_framing() {
        // One large frame, and many small ones.
        for (what, split) in [("one frame", 1), ("frames of 64", 64)] {
            let cut = |n: usize| letters(n / split.max(1) / split.max(1) * split, split.max(1));
            let one = |n: usize| if split == 1 { letters(1, n) } else { cut(n) };
            linear(&format!("{what}: u32"), |n| {
                frames(
                    LengthPrefixed::u32(),
                    &framed(LengthPrefixed::u32(), &one(n)),
                )
            });
            linear(&format!("{what}: u32 counting its header"), |n| {
                let f = || LengthPrefixed::u32().length_includes_header(true);
                frames(f(), &framed(f(), &one(n)))
            });
            linear(&format!("{what}: nul"), |n| {
                frames(Delimited::nul(), &framed(Delimited::nul(), &one(n)))
            });
            linear(&format!("{what}: length field after a byte"), |n| {
                frames(after_a_byte(), &framed(after_a_byte(), &one(n)))
            });
            linear(&format!("{what}: multi-byte delimiter"), |n| {
                let f = || Delimited::new(b"\r\n.\r\n");
                frames(f(), &framed(f(), &one(n)))
            });
            linear(&format!("{what}: decimal length"), |n| {
                frames(
                    AsciiLength::digits(8),
                    &framed(AsciiLength::digits(8), &one(n)),
                )
            });
        }
        linear("until close", |n| {
            frames(UntilClose::new(), &letters(1, n)[0])
        });
        linear("fixed", |n| frames(FixedLength::new(n), &letters(1, n)[0]));
        linear("fixed, small", |n| {
            frames(FixedLength::new(16), &letters(1, n)[0])
        });
        linear("by type", |n| {
            frames(ByType::new().prefixed(1, 4), &typed(n))
        });
        linear("header described", |n| {
            let f = HeaderDescribed::new(|h: &Header| u64::from(h.len.get()));
            frames(f, &typed(n))
        });
    }

    #[test]
    fn message_reader_is_linear_for_every_framing_and_encoding() {
        let big = |n: usize| vec![msg(n)];
        let many = |n: usize| (0..n / 200).map(|_| msg(200)).collect::<Vec<_>>();
        for (what, values) in [
            ("one message", &big as &dyn Fn(usize) -> Vec<Msg>),
            ("many", &many),
        ] {
            linear(&format!("{what}: net u32"), |n| {
                let wire = framed(LengthPrefixed::u32(), &net_payloads(&values(n)));
                messages::<Msg, _, _>(LengthPrefixed::u32(), net::Config::new(), &wire)
            });
            linear(&format!("{what}: net u32 borrowed"), |n| {
                let wire = framed(LengthPrefixed::u32(), &net_payloads(&values(n)));
                borrowed(LengthPrefixed::u32(), net::Config::new(), &wire)
            });
            linear(&format!("{what}: net length field after a byte"), |n| {
                let wire = framed(after_a_byte(), &net_payloads(&values(n)));
                messages::<Msg, _, _>(after_a_byte(), net::Config::new(), &wire)
            });
            linear(
                &format!("{what}: net length field after a byte, borrowed"),
                |n| {
                    let wire = framed(after_a_byte(), &net_payloads(&values(n)));
                    borrowed(after_a_byte(), net::Config::new(), &wire)
                },
            );
            linear(&format!("{what}: ascii nul"), |n| {
                let wire = framed(Delimited::nul(), &ascii_payloads(&values(n)));
                messages::<Msg, _, _>(Delimited::nul(), ascii::Config::new(), &wire)
            });
            linear(&format!("{what}: ascii nul borrowed"), |n| {
                let wire = framed(Delimited::nul(), &ascii_payloads(&values(n)));
                borrowed(Delimited::nul(), ascii::Config::new(), &wire)
            });
            linear(&format!("{what}: net decimal length"), |n| {
                let wire = framed(AsciiLength::digits(8), &net_payloads(&values(n)));
                messages::<Msg, _, _>(AsciiLength::digits(8), net::Config::new(), &wire)
            });
            linear(&format!("{what}: ascii self-delimited"), |n| {
                let wire: Vec<u8> = ascii_payloads(&values(n)).concat();
                messages::<Msg, _, _>(SelfDelimited::new(), ascii::Config::new(), &wire)
            });
        }
        linear("net until close", |n| {
            let wire = net::to_vec(&msg(n)).unwrap();
            messages::<Msg, _, _>(UntilClose::new(), net::Config::new(), &wire)
        });
        linear("net by type", |n| {
            type Typed = (u8, serde_bytes::ByteBuf);
            messages::<Typed, _, _>(ByType::new().prefixed(1, 4), net::Config::new(), &typed(n))
        });
    }

    #[test]
    fn ascii_scan_of_trickled_marks_and_bodies_is_linear() {
        // A run of `+` marks: each byte scanned about once, not again on
        // every read. (The message is malformed; only the work matters.)
        linear("plus run", |n| {
            let mut wire = vec![b'+'; n];
            wire.extend_from_slice(b"~\n");
            take();
            let mut rx = MessageReader::with_encoding(
                Trickle(&wire),
                SelfDelimited::new(),
                ascii::Config::new(),
            );
            assert!(rx.read::<Option<u8>>().is_err());
            (take(), wire.len())
        });
        // A string body: skipped while it arrives, not read.
        linear("string body", |n| {
            let mut wire = format!("{n}:").into_bytes();
            wire.extend(std::iter::repeat_n(b'\n', n));
            wire.push(b'\n');
            messages::<String, _, _>(SelfDelimited::new(), ascii::Config::new(), &wire)
        });
        // Numbers and plain tokens.
        linear("tokens", |n| {
            let wire = ascii::to_vec(&vec![123_456u32; n / 7]).unwrap();
            messages::<Vec<u32>, _, _>(SelfDelimited::new(), ascii::Config::new(), &wire)
        });
    }

    #[test]
    fn retrying_net_is_linear_where_the_hints_are_few() {
        // One string: the decoder knows its whole size from its prefix.
        linear("net retrying, one string", |n| {
            let wire = net::to_vec(&"x".repeat(n)).unwrap();
            messages::<String, _, _>(SelfDelimited::retrying(), net::Config::new(), &wire)
        });
    }

    #[test]
    fn retrying_net_is_quadratic_on_many_small_fields_as_documented() {
        // Why `SelfDelimited::new()` refuses `net`: the same message of
        // many fields costs about 16 times the work for 4 times the bytes.
        let work = |n: usize| {
            let wire = net::to_vec(&msg(n)).unwrap();
            messages::<Msg, _, _>(SelfDelimited::retrying(), net::Config::new(), &wire).0
        };
        let (small, big) = (work(N / 4), work(N));
        assert!(big.attempted > 10 * small.attempted, "{small:?} {big:?}");
    }

    #[cfg(feature = "tokio")]
    #[test]
    fn message_codec_is_linear_for_every_framing_and_encoding() {
        use tokio_util::codec::Decoder;

        fn codec<T, F, E>(framing: F, encoding: E, wire: &[u8]) -> (Counts, usize)
        where
            T: DeserializeOwned,
            F: MessageFraming,
            E: Encoding,
        {
            take();
            let mut codec = crate::codec::MessageCodec::<T, F, E>::with_encoding(framing, encoding);
            let mut src = BytesMut::new();
            let mut count = 0;
            for &b in wire {
                src.extend_from_slice(&[b]);
                while codec.decode(&mut src).unwrap().is_some() {
                    count += 1;
                }
            }
            while codec.decode_eof(&mut src).unwrap().is_some() {
                count += 1;
            }
            assert!(count > 0);
            (take(), wire.len())
        }
        linear("codec net u32", |n| {
            let wire = framed(LengthPrefixed::u32(), &net_payloads(&[msg(n)]));
            codec::<Msg, _, _>(LengthPrefixed::u32(), net::Config::new(), &wire)
        });
        linear("codec net length field after a byte", |n| {
            let wire = framed(after_a_byte(), &net_payloads(&[msg(n)]));
            codec::<Msg, _, _>(after_a_byte(), net::Config::new(), &wire)
        });
        linear("codec ascii nul", |n| {
            let wire = framed(Delimited::nul(), &ascii_payloads(&[msg(n)]));
            codec::<Msg, _, _>(Delimited::nul(), ascii::Config::new(), &wire)
        });
        linear("codec ascii self-delimited", |n| {
            let wire = ascii::to_vec(&msg(n)).unwrap();
            codec::<Msg, _, _>(SelfDelimited::new(), ascii::Config::new(), &wire)
        });
    }
}
