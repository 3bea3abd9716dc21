//! Regression tests for the ways a peer or a careless caller could stall,
//! starve or fool a stream: each test is named for the behaviour it keeps.
//! (The work bounds, linear in the bytes received whatever the reads, are
//! checked by counting in the crate's own cost-model tests, `src/cost.rs`.)

use std::io::{self, Read};
use std::marker::PhantomData;

use crate::support::io::{Counted, ScriptedReader, ScriptedWriter, Step};
use netwire::frame::{FrameDecoder, LengthPrefixed};
use netwire::message::SelfDelimited;
use netwire::stream::{FrameReader, MessageReader, MessageWriter};
use netwire::{Error, ErrorKind, ascii, net};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Unit;

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Empty {}

/// Reads every message of `T` until the end, an error or 100 items (a
/// reader that spins would go on forever).
fn read_some<T, R, F, E>(rx: &mut MessageReader<R, F, E>) -> (usize, Option<Error>)
where
    T: serde::de::DeserializeOwned,
    R: Read,
    F: netwire::message::MessageFraming,
    E: netwire::Encoding,
{
    let mut count = 0;
    for item in rx.messages::<T>().take(100) {
        match item {
            Ok(_) => count += 1,
            Err(e) => return (count, Some(e)),
        }
    }
    (count, None)
}

#[test]
fn zero_sized_messages_never_spin_a_self_delimited_reader() {
    fn check<T: serde::de::DeserializeOwned>() {
        let mut rx = MessageReader::new(&[1u8, 2, 3][..], SelfDelimited::retrying());
        let (count, err) = read_some::<T, _, _, _>(&mut rx);
        assert_eq!(count, 0, "{}", std::any::type_name::<T>());
        let err = err.expect("an error, not an endless stream");
        assert_eq!(err.kind(), &ErrorKind::EmptyMessage);
        assert_eq!(err.offset(), Some(0));
        // The iterator is done after it.
        assert!(rx.messages::<T>().next().is_some_and(|r| r.is_err()));
    }
    check::<()>();
    check::<Unit>();
    check::<Empty>();
    check::<PhantomData<u64>>();
    check::<((), Unit)>();
}

#[test]
fn zero_sized_messages_are_refused_by_a_self_delimited_writer() {
    let mut tx = MessageWriter::new(Vec::new(), SelfDelimited::retrying());
    for err in [
        tx.write(&()).unwrap_err(),
        tx.write(&Unit).unwrap_err(),
        tx.write(&Empty {}).unwrap_err(),
        tx.queue(&()).unwrap_err(),
    ] {
        assert_eq!(err.kind(), &ErrorKind::EmptyMessage);
    }
    tx.flush().unwrap();
    assert!(tx.get_ref().is_empty());
}

#[test]
fn zero_sized_messages_travel_in_frames_one_per_frame() {
    let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u8());
    for _ in 0..3 {
        tx.write(&()).unwrap();
    }
    let wire = tx.into_inner();
    assert_eq!(wire, [0, 0, 0]);
    let mut rx = MessageReader::new(&wire[..], LengthPrefixed::u8());
    let (count, err) = read_some::<(), _, _, _>(&mut rx);
    assert_eq!((count, err.map(|e| e.kind().clone())), (3, None));
    // ascii writes a unit as a line end: self-delimited is fine there.
    let mut rx =
        MessageReader::with_encoding(&b"\n\n"[..], SelfDelimited::new(), ascii::Config::new());
    let (count, err) = read_some::<(), _, _, _>(&mut rx);
    assert_eq!((count, err.map(|e| e.kind().clone())), (2, None));
}

#[cfg(feature = "tokio")]
#[test]
fn zero_sized_messages_never_spin_a_self_delimited_codec() {
    use bytes::BytesMut;
    use netwire::codec::MessageCodec;
    use tokio_util::codec::Decoder;

    let mut codec = MessageCodec::<(), _>::new(SelfDelimited::retrying());
    let mut src = BytesMut::from(&[1u8, 2, 3][..]);
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::EmptyMessage);
    let err = codec.decode_eof(&mut src).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::EmptyMessage);
}

#[test]
fn self_delimited_net_must_be_asked_for_by_name() {
    let wire = net::to_vec(&(1u8, 2u16)).unwrap();
    let mut rx = MessageReader::new(&wire[..], SelfDelimited::new());
    let err = rx.read::<(u8, u16)>().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
    assert!(
        err.to_string().contains("SelfDelimited::retrying()"),
        "{err}"
    );
    let mut rx = MessageReader::new(&wire[..], SelfDelimited::retrying());
    assert_eq!(rx.read::<(u8, u16)>().unwrap(), Some((1, 2)));
    assert_eq!(rx.read::<(u8, u16)>().unwrap(), None);
}

/// A u32 header announcing 8 MiB, then all of it.
fn eight_mib_frame() -> Vec<u8> {
    let mut wire = (8u32 << 20).to_be_bytes().to_vec();
    wire.resize(4 + (8 << 20), 0);
    wire
}

#[test]
fn a_framed_stream_refuses_a_frame_over_the_encoding_limit_from_its_header() {
    let wire = eight_mib_frame();
    let config = net::Config::new().with_limit(1024);
    let over = ErrorKind::LengthOverLimit {
        len: 8 << 20,
        limit: 1024,
    };

    let reader = Counted::new(&wire[..]);
    let mut rx = MessageReader::with_encoding(reader, LengthPrefixed::u32(), config);
    let err = rx.read::<serde_bytes::ByteBuf>().unwrap_err();
    assert_eq!((err.kind(), err.offset()), (&over, Some(0)));
    assert!(
        rx.get_ref().given <= 64 * 1024,
        "read {} bytes",
        rx.get_ref().given
    );

    let reader = Counted::new(&wire[..]);
    let mut rx = MessageReader::with_encoding(reader, LengthPrefixed::u32(), config);
    let err = rx.read_borrowed::<&[u8]>().unwrap_err();
    assert_eq!((err.kind(), err.offset()), (&over, Some(0)));

    // The framing's own, smaller bound still wins.
    let framing = LengthPrefixed::u32().with_limit(10);
    let mut rx = MessageReader::with_encoding(&wire[..], framing, config);
    let err = rx.read::<serde_bytes::ByteBuf>().unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 8 << 20,
            limit: 10
        }
    );
}

#[cfg(feature = "tokio")]
#[test]
fn a_framed_codec_refuses_a_frame_over_the_encoding_limit_from_its_header() {
    use bytes::BytesMut;
    use netwire::codec::MessageCodec;
    use tokio_util::codec::Decoder;

    let config = net::Config::new().with_limit(1024);
    let mut codec =
        MessageCodec::<serde_bytes::ByteBuf, _, _>::with_encoding(LengthPrefixed::u32(), config);
    let mut src = BytesMut::from(&eight_mib_frame()[..4]);
    let err = codec.decode(&mut src).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 8 << 20,
            limit: 1024
        }
    );
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
struct Sparse {
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<u8>,
    b: u8,
}

#[test]
fn skipped_fields_are_an_encode_error_in_both_formats() {
    let skipped = Sparse { a: None, b: 1 };
    for err in [
        net::to_vec(&skipped).unwrap_err(),
        ascii::to_vec(&skipped).unwrap_err(),
        net::Config::new().encoded_len(&skipped).unwrap_err(),
    ] {
        assert_eq!(err.kind(), &ErrorKind::SkippedField("a"));
        assert!(err.to_string().contains("`a`"), "{err}");
    }
    // Present, the field is written and read back.
    let full = Sparse { a: Some(5), b: 1 };
    assert_eq!(net::to_vec(&full).unwrap(), [1, 5, 1]);
    assert_eq!(net::from_slice::<Sparse>(&[1, 5, 1]).unwrap(), full);
    // The writer queues nothing, so the stream cannot desynchronise.
    let mut tx = MessageWriter::new(Vec::new(), SelfDelimited::retrying());
    tx.write(&full).unwrap();
    assert!(tx.write(&skipped).is_err());
    tx.write(&full).unwrap();
    let wire = tx.into_inner();
    let mut rx = MessageReader::new(&wire[..], SelfDelimited::retrying());
    assert_eq!(
        rx.read::<Sparse>().unwrap(),
        Some(Sparse { a: Some(5), b: 1 })
    );
    assert_eq!(
        rx.read::<Sparse>().unwrap(),
        Some(Sparse { a: Some(5), b: 1 })
    );
    assert_eq!(rx.read::<Sparse>().unwrap(), None);
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Chain {
    End,
    Link(Box<Chain>),
}

fn chain(depth: usize) -> Chain {
    (0..depth).fold(Chain::End, |c, _| Chain::Link(Box::new(c)))
}

#[test]
fn encode_refuses_what_decode_would_refuse() {
    // Depth: 200 levels under the default 128, in both formats.
    let deep = chain(200);
    let err = net::to_vec(&deep).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::DepthLimit(128));
    let err = ascii::to_vec(&deep).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::DepthLimit(128));
    // With room for it, it round trips.
    let roomy = net::Config::new().with_depth(200);
    assert_eq!(
        roomy
            .from_slice::<Chain>(&roomy.to_vec(&deep).unwrap())
            .unwrap(),
        deep
    );
    let roomy = ascii::Config::new().with_depth(200);
    assert_eq!(
        roomy
            .from_slice::<Chain>(&roomy.to_vec(&deep).unwrap())
            .unwrap(),
        deep
    );
    // The deepest allowed value is accepted both ways.
    let edge = chain(128);
    assert_eq!(
        net::from_slice::<Chain>(&net::to_vec(&edge).unwrap()).unwrap(),
        edge
    );

    // Elements: every count of a message comes out of one budget equal to
    // the limit; 2000 zero-sized elements exceed a 1000-byte limit though
    // they take 4 bytes on the wire.
    let small = net::Config::new().with_limit(1000);
    let units = vec![(); 2000];
    let err = small.to_vec(&units).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverLimit {
            len: 2000,
            limit: 1000
        }
    );
    let wire = net::to_vec(&units).unwrap();
    assert!(small.from_slice::<Vec<()>>(&wire).is_err());
    let small = ascii::Config::new().with_limit(1000);
    assert!(small.to_vec(&units).is_err());
    // Nested counts add up; unknown lengths are checked when they end.
    let nested: Vec<Vec<()>> = vec![vec![(); 600], vec![(); 600]];
    assert!(net::Config::new().with_limit(1000).to_vec(&nested).is_err());
    let unknown = std::iter::repeat_n((), 1001).collect::<std::collections::VecDeque<_>>();
    assert!(
        net::Config::new()
            .with_limit(1000)
            .to_vec(&unknown)
            .is_err()
    );
}

#[test]
fn a_short_payload_inside_a_consumed_frame_is_not_eof() {
    // A u32 message in a 3-byte frame, then a good frame.
    let wire = [3u8, 0, 0, 0, 4, 0, 0, 0, 9];
    let mut rx = MessageReader::new(&wire[..], LengthPrefixed::u8());
    let err = rx.read::<u32>().unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::ShortFrame {
            len: 3,
            needed: Some(4)
        }
    );
    assert!(!err.is_eof(), "more bytes cannot help a consumed frame");
    assert_eq!(err.offset(), Some(1));
    assert_eq!(
        err.to_string(),
        "the frame's 3-byte payload ends inside the message, which needs at least 4 bytes \
         at byte offset 1"
    );
    // The stream goes on with the next frame.
    assert_eq!(rx.read::<u32>().unwrap(), Some(9));

    let mut rx = MessageReader::new(&wire[..], LengthPrefixed::u8());
    let err = rx.read_borrowed::<u32>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ShortFrame { len: 3, .. }),
        "{err:?}"
    );
    // ascii: a message without its line end, in a frame.
    let mut rx =
        MessageReader::with_encoding(&b"\x031 2"[..], LengthPrefixed::u8(), ascii::Config::new());
    let err = rx.read::<(u8, u8)>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ShortFrame { len: 3, .. }),
        "{err:?}"
    );
    assert!(!err.is_eof());
}

#[test]
fn a_reader_with_a_huge_capacity_neither_panics_nor_aborts() {
    for chunk in [usize::MAX, 1 << 42, 1 << 30, 0] {
        let input: &[u8] = &[2, b'h', b'i', 0];
        let mut rx = FrameReader::with_capacity(chunk, input, LengthPrefixed::u8());
        assert_eq!(rx.read_frame().unwrap().unwrap(), &b"hi"[..]);
        assert_eq!(rx.read_frame().unwrap().unwrap(), &b""[..]);
        assert_eq!(rx.read_frame().unwrap(), None);
    }
}

#[test]
fn retrying_a_write_after_would_block_never_sends_it_twice() {
    // The loop every user writes first.
    let script = [
        Step::Bytes(2),
        Step::WouldBlock,
        Step::WouldBlock,
        Step::Bytes(1),
        Step::TimedOut,
        Step::Bytes(3),
    ];
    let mut tx = MessageWriter::new(ScriptedWriter::new(script), LengthPrefixed::u8());
    let messages = [(1u8, 2u16), (3, 4), (5, 6)];
    for m in &messages {
        while let Err(e) = tx.write(m) {
            assert!(e.is_transient(), "{e}");
        }
    }
    while let Err(e) = tx.flush() {
        assert!(e.is_transient(), "{e}");
    }
    let wire = tx.into_inner().data;
    assert_eq!(wire, [3, 1, 0, 2, 3, 3, 0, 4, 3, 5, 0, 6]);
}

#[test]
fn would_block_and_timed_out_are_transient_and_lose_nothing() {
    let wire = [0u8, 3, 1, 0, 2];
    for fault in [Step::WouldBlock, Step::TimedOut, Step::Interrupted] {
        let reader = ScriptedReader::new(wire.to_vec(), [Step::Bytes(1), fault, Step::Bytes(1)]);
        let mut rx = MessageReader::new(reader, LengthPrefixed::u16());
        let got = loop {
            match rx.read::<(u8, u16)>() {
                Ok(m) => break m,
                Err(e) => assert!(e.is_transient(), "{e}"),
            }
        };
        assert_eq!(got, Some((1, 2)));
    }
    let gone = Error::io(io::ErrorKind::ConnectionReset.into(), None);
    assert!(!gone.is_transient());
    assert!(!Error::new(ErrorKind::UnexpectedEnd, 0).is_transient());
}

#[test]
fn truncation_errors_count_and_say_what_they_mean() {
    // A u32 header declaring one byte of payload, and nothing after it:
    // 4 of the frame's 5 bytes arrived.
    let mut rx = MessageReader::new(&[0u8, 0, 0, 1][..], LengthPrefixed::u32());
    let err = rx.read::<u8>().unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Truncated {
            received: 4,
            expected: Some(5)
        }
    );
    assert_eq!(
        err.to_string(),
        "stream ended inside a frame: 4 of its 5 bytes (header included) arrived at byte offset 0"
    );
    // Half a header: the size is not known yet.
    let mut rx = MessageReader::new(&[0u8, 0][..], LengthPrefixed::u32());
    let err = rx.read::<u8>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "stream ended inside a frame after 2 byte(s), before its size was known at byte offset 0"
    );
    // Self-delimited: a message, not a frame, with what the decoder knew.
    let wire = net::to_vec("hello").unwrap();
    let mut rx = MessageReader::new(&wire[..6], SelfDelimited::retrying());
    let err = rx.read::<String>().unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::TruncatedMessage {
            received: 6,
            needed: Some(9)
        }
    );
    assert_eq!(
        err.to_string(),
        "stream ended inside a message: 6 of at least 9 bytes arrived at byte offset 0"
    );
    let mut rx =
        MessageReader::with_encoding(&b"7 1 2"[..], SelfDelimited::new(), ascii::Config::new());
    let err = rx.read::<(u8, u8, u8)>().unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::TruncatedMessage { received: 5, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("stream ended inside a message"),
        "{err}"
    );
    // Both are an unexpected end of file to io code.
    assert_eq!(io::Error::from(err).kind(), io::ErrorKind::UnexpectedEof);
}

#[test]
fn every_strategy_caps_its_frames_at_a_message_layers_limit() {
    use netwire::frame::{AsciiLength, ByType, Delimited, FixedLength, UntilClose};
    fn refuses<F: FrameDecoder>(mut framing: F, input: &[u8]) {
        framing.lower_limit(4);
        let mut src = bytes::BytesMut::from(input);
        let err = match framing.decode(&mut src) {
            Err(e) => e,
            Ok(_) => framing.decode_eof(&mut src).unwrap_err(),
        };
        assert!(
            matches!(err.kind(), ErrorKind::LengthOverLimit { limit: 4, .. }),
            "{err:?}"
        );
    }
    refuses(LengthPrefixed::u8(), &[5]);
    refuses(AsciiLength::digits(2), b"05");
    refuses(Delimited::nul(), b"abcdef");
    refuses(UntilClose::new(), b"abcdef");
    refuses(FixedLength::new(5), b"");
    refuses(ByType::new().prefixed(1, 1), &[1, 9]);
}

#[test]
fn an_empty_message_cannot_be_sent_until_close() {
    use netwire::frame::UntilClose;
    let mut tx = MessageWriter::new(Vec::new(), UntilClose::new());
    assert_eq!(tx.write(&()).unwrap_err().kind(), &ErrorKind::EmptyMessage);
    tx.write(&7u8).unwrap();
    assert_eq!(tx.into_inner(), [7]);
}

#[test]
fn from_reader_asks_an_ended_reader_once() {
    for input in [&b"0"[..], b"1", b"-12", b"1.5"] {
        let mut reader = ScriptedReader::new(input.to_vec(), []);
        // A message cut before its line end: an error, after one end.
        let err = ascii::from_reader::<_, f64>(&mut reader).unwrap_err();
        assert!(err.is_eof(), "{err:?}");
        assert_eq!(reader.ends, 1, "{input:?}: {} reads", reader.calls);
    }
}

#[test]
fn a_scanned_message_is_decoded_from_its_own_bytes() {
    // Many messages in one read: each decode sees one message, not all
    // that follow it.
    #[derive(Default)]
    struct Given(std::cell::Cell<usize>);
    struct Counting<'a>(ascii::Config, &'a Given);
    impl netwire::Encoding for Counting<'_> {
        fn encode_into<T: ?Sized + Serialize>(
            &self,
            v: &T,
            out: &mut Vec<u8>,
        ) -> netwire::Result<()> {
            self.0.encode_into(v, out)
        }
        fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> netwire::Result<T> {
            self.1.0.set(self.1.0.get() + input.len());
            self.0.decode(input)
        }
        fn decode_prefix<'de, T: Deserialize<'de>>(
            &self,
            input: &'de [u8],
        ) -> netwire::Result<(T, usize)> {
            self.1.0.set(self.1.0.get() + input.len());
            self.0.decode_prefix(input)
        }
        fn limit(&self) -> usize {
            self.0.limit()
        }
        fn scan(&self, input: &[u8], from: usize) -> netwire::Scan {
            self.0.scan(input, from)
        }
    }
    let wire = b"1\n".repeat(4000);
    let given = Given::default();
    let mut rx = MessageReader::with_encoding(
        &wire[..],
        SelfDelimited::new(),
        Counting(ascii::Config::new(), &given),
    );
    let (count, err) = read_some_all::<u8, _, _, _>(&mut rx);
    assert_eq!((count, err.map(|e| e.kind().clone())), (4000, None));
    assert_eq!(given.0.get(), wire.len(), "bytes given to the decoder");
}

/// As [`read_some`], without the cap on the count.
fn read_some_all<T, R, F, E>(rx: &mut MessageReader<R, F, E>) -> (usize, Option<Error>)
where
    T: serde::de::DeserializeOwned,
    R: Read,
    F: netwire::message::MessageFraming,
    E: netwire::Encoding,
{
    let mut count = 0;
    for item in rx.messages::<T>() {
        match item {
            Ok(_) => count += 1,
            Err(e) => return (count, Some(e)),
        }
    }
    (count, None)
}

/// A framing that counts how often it is asked for a frame.
struct AskCounter<'c> {
    inner: LengthPrefixed,
    asked: &'c std::cell::Cell<usize>,
}

impl FrameDecoder for AskCounter<'_> {
    fn decode_span(&mut self, src: &[u8]) -> netwire::Result<Option<netwire::frame::Span>> {
        self.asked.set(self.asked.get() + 1);
        self.inner.decode_span(src)
    }
}

/// The obvious retry loop after `WouldBlock` must not make the reader
/// look at the same bytes again and again: after "need more", the
/// framing is asked again only once new bytes have come (found by the
/// `stream_read_borrowed` fuzz target: 22 framing calls for 20
/// `WouldBlock`s and one read of data).
#[test]
fn retries_after_would_block_ask_the_framing_only_when_bytes_came() {
    let wire = [0u8, 0, 0, 6, 0, 0, 0, 2, b'h', b'i'];
    for borrowed in [true, false] {
        let asked = std::cell::Cell::new(0);
        let mut script = vec![Step::Bytes(3)];
        script.extend(std::iter::repeat_n(Step::WouldBlock, 50));
        let reader = ScriptedReader::new(wire.to_vec(), script);
        let framing = AskCounter {
            inner: LengthPrefixed::u32(),
            asked: &asked,
        };
        let mut rx = MessageReader::new(reader, framing);
        let mut blocked = 0;
        loop {
            let got = if borrowed {
                rx.read_borrowed::<&str>().map(|m| m.map(str::to_string))
            } else {
                rx.read::<String>()
            };
            match got {
                Ok(Some(text)) => {
                    assert_eq!(text, "hi");
                    break;
                }
                Ok(None) => panic!("the message is there"),
                Err(e) if e.is_transient() => blocked += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(blocked, 50);
        // Once before the first read, once after the 3 bytes, once after
        // the rest: never once per retry.
        assert!(
            asked.get() <= 3,
            "borrowed {borrowed}: asked {} times",
            asked.get()
        );
    }
}
