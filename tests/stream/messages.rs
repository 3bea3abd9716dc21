//! MessageReader/MessageWriter: framing × encoding over scripted IO, for a
//! framed stream and a self-delimited one.

use std::cell::Cell;

use crate::support;
use crate::support::io::{Draws, Mix, ScriptedReader, ScriptedWriter, Step, is_retry};
use netwire::frame::LengthPrefixed;
use netwire::message::MessageFraming;
use netwire::message::SelfDelimited;
use netwire::stream::{MessageReader, MessageWriter};
use netwire::{Encoding, ErrorKind, net};
use quickcheck::QuickCheck;
use serde::{Deserialize, Serialize};

type Msg = (u32, String, Vec<u16>, Option<i64>, bool);

/// How these tests draw their schedules.
struct MessageSchedules;

impl Draws for MessageSchedules {
    const MIX: Mix = Mix {
        max_steps: 300,
        draws: 10,
        short_draws: 4,
        short: 5,
        long: 200,
    };
}

type Schedule = support::io::Schedule<MessageSchedules>;

fn encode_all<F: netwire::frame::FrameEncoder>(framing: F, messages: &[Msg]) -> Vec<u8> {
    let mut tx = MessageWriter::new(Vec::new(), framing);
    for m in messages {
        tx.queue(m).unwrap();
    }
    tx.flush().unwrap();
    tx.into_inner()
}

/// Reads every message, retrying after `WouldBlock`/`TimedOut`.
fn read_all<F: MessageFraming>(
    rx: &mut MessageReader<ScriptedReader, F>,
) -> netwire::Result<Vec<Msg>> {
    let mut out = Vec::new();
    for _ in 0..100_000 {
        match rx.read::<Msg>() {
            Ok(Some(m)) => out.push(m),
            Ok(None) => return Ok(out),
            Err(e) if is_retry(&e) => {}
            Err(e) => return Err(e),
        }
    }
    panic!("reader did not finish");
}

fn same_as_one_slice<F: MessageFraming + Clone>(
    framing: F,
    wire: Vec<u8>,
    schedule: Vec<Step>,
) -> Vec<Msg> {
    let mut whole = MessageReader::new(ScriptedReader::new(wire.clone(), []), framing.clone());
    let expected = read_all(&mut whole).unwrap();
    let mut rx = MessageReader::new(ScriptedReader::new(wire, schedule).tail_chunk(3), framing);
    let got = read_all(&mut rx).unwrap();
    assert_eq!(got, expected);
    assert_eq!(rx.get_ref().remaining(), 0);
    got
}

#[test]
fn framed_any_schedule_gives_the_messages_of_one_slice() {
    fn prop(messages: Vec<Msg>, schedule: Schedule) -> bool {
        let wire = encode_all(LengthPrefixed::u32(), &messages);
        same_as_one_slice(LengthPrefixed::u32(), wire, schedule.0) == messages
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Msg>, Schedule) -> bool);
}

#[test]
fn self_delimited_any_schedule_gives_the_messages_of_one_slice() {
    fn prop(messages: Vec<Msg>, schedule: Schedule) -> bool {
        let wire = encode_all(SelfDelimited::retrying(), &messages);
        // Self-delimited: the wire is just the messages back to back.
        let concat: Vec<u8> = messages
            .iter()
            .flat_map(|m| net::to_vec(m).unwrap())
            .collect();
        wire == concat && same_as_one_slice(SelfDelimited::retrying(), wire, schedule.0) == messages
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Msg>, Schedule) -> bool);
}

fn sample() -> Vec<Msg> {
    vec![
        (1, "one".into(), vec![1, 2], None, true),
        (2, String::new(), vec![], Some(-5), false),
        (3, "three".into(), vec![7; 9], Some(i64::MAX), true),
    ]
}

/// Ends of each message on the wire.
fn ends(messages: &[Msg], header: usize) -> Vec<usize> {
    let mut at = 0;
    messages
        .iter()
        .map(|m| {
            at += header + net::to_vec(m).unwrap().len();
            at
        })
        .collect()
}

#[test]
fn eof_at_every_offset_framed_and_self_delimited() {
    let messages = sample();
    for (header, wire) in [
        (4, encode_all(LengthPrefixed::u32(), &messages)),
        (0, encode_all(SelfDelimited::retrying(), &messages)),
    ] {
        let ends = ends(&messages, header);
        assert_eq!(*ends.last().unwrap(), wire.len());
        for cut in 0..=wire.len() {
            let reader = ScriptedReader::new(wire[..cut].to_vec(), []).tail_chunk(2);
            let mut got = Vec::new();
            let outcome = if header == 4 {
                let mut rx = MessageReader::new(reader, LengthPrefixed::u32());
                loop {
                    match rx.read::<Msg>() {
                        Ok(Some(m)) => got.push(m),
                        Ok(None) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                }
            } else {
                let mut rx = MessageReader::new(reader, SelfDelimited::retrying());
                loop {
                    match rx.read::<Msg>() {
                        Ok(Some(m)) => got.push(m),
                        Ok(None) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                }
            };
            let whole = ends.iter().filter(|&&e| e <= cut).count();
            assert_eq!(got, messages[..whole], "cut {cut}");
            let start = if whole == 0 { 0 } else { ends[whole - 1] };
            match outcome {
                Ok(()) => assert_eq!(start, cut, "cut {cut}: clean end only at a boundary"),
                Err(e) if header == 4 => {
                    // The size is known once the whole header has arrived.
                    let expected = (cut - start >= 4).then(|| (ends[whole] - start) as u64);
                    assert_eq!(
                        e.kind(),
                        &ErrorKind::Truncated {
                            received: (cut - start) as u64,
                            expected
                        },
                        "cut {cut}"
                    );
                    assert_eq!(e.offset(), Some(start as u64));
                }
                Err(e) => {
                    // A self-delimited message: what arrived, and at most
                    // its real length as the least it needs.
                    let len = (ends[whole] - start) as u64;
                    let received = (cut - start) as u64;
                    let ErrorKind::TruncatedMessage {
                        received: r,
                        needed,
                    } = *e.kind()
                    else {
                        panic!("cut {cut}: {e:?}");
                    };
                    assert_eq!(r, received, "cut {cut}");
                    assert!(
                        needed.is_none_or(|n| n > received && n <= len),
                        "cut {cut}: {needed:?} of {len}"
                    );
                    assert_eq!(e.offset(), Some(start as u64));
                }
            }
        }
    }
}

#[test]
fn a_bad_message_is_skipped_with_its_frame() {
    // Second frame: a bool byte of 7 at payload offset 4.
    let mut wire = encode_all(LengthPrefixed::u16(), &[]);
    let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u16());
    tx.write(&(1u32, true)).unwrap();
    wire.extend(tx.into_inner());
    wire.extend([0, 5, 0, 0, 0, 2, 7]);
    let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u16());
    tx.write(&(3u32, false)).unwrap();
    wire.extend(tx.into_inner());

    let mut rx = MessageReader::new(&wire[..], LengthPrefixed::u16());
    assert_eq!(rx.read::<(u32, bool)>().unwrap(), Some((1, true)));
    let e = rx.read::<(u32, bool)>().unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::InvalidBool(7));
    // 7 bytes of the first frame, 2 of this header, 4 into the payload.
    assert_eq!(e.offset(), Some(7 + 2 + 4));
    assert_eq!(rx.read::<(u32, bool)>().unwrap(), Some((3, false)));
    assert_eq!(rx.read::<(u32, bool)>().unwrap(), None);
}

#[test]
fn borrowed_messages_come_from_the_frame() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Line<'a> {
        no: u16,
        text: &'a str,
        #[serde(with = "serde_bytes")]
        raw: &'a [u8],
    }
    let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u32());
    tx.write(&Line {
        no: 1,
        text: "first",
        raw: b"\x00\x01",
    })
    .unwrap();
    tx.write(&Line {
        no: 2,
        text: "second",
        raw: b"",
    })
    .unwrap();
    let wire = tx.into_inner();
    let reader = ScriptedReader::new(wire, []).tail_chunk(3);
    let mut rx = MessageReader::new(reader, LengthPrefixed::u32());
    let line: Line<'_> = rx.read_borrowed().unwrap().unwrap();
    assert_eq!(
        line,
        Line {
            no: 1,
            text: "first",
            raw: b"\x00\x01"
        }
    );
    let line: Line<'_> = rx.read_borrowed().unwrap().unwrap();
    assert_eq!(line.text, "second");
    assert_eq!(rx.read_borrowed::<Line<'_>>().unwrap(), None);
}

#[test]
fn iterator_resumes_after_would_block_and_stops_after_errors() {
    let messages = sample();
    let wire = encode_all(LengthPrefixed::u32(), &messages);
    let script = [
        Step::Bytes(5),
        Step::WouldBlock,
        Step::Bytes(100),
        Step::WouldBlock,
    ];
    let mut rx = MessageReader::new(ScriptedReader::new(wire, script), LengthPrefixed::u32());
    let items: Vec<_> = rx.messages::<Msg>().collect();
    assert_eq!(items.len(), 3 + 2);
    let ok: Vec<Msg> = items.into_iter().filter_map(|r| r.ok()).collect();
    assert_eq!(ok, messages);

    // A frame over the limit is an error the iterator does not repeat.
    let wire = [0xff, 0xff, 0xff, 0xff, 1, 2, 3];
    let rx = MessageReader::new(&wire[..], LengthPrefixed::u32().with_limit(1024));
    let items: Vec<_> = rx.into_messages::<Msg>().collect();
    assert_eq!(items.len(), 1);
    assert!(matches!(
        items[0].as_ref().unwrap_err().kind(),
        ErrorKind::LengthOverLimit { .. }
    ));
}

/// An encoding (`net` by default), counting decode attempts. It forwards
/// [`Encoding::scan`] only when its flag is set; otherwise streams fall
/// back to trying decodes.
struct Counting<'a, E = net::Config>(E, &'a Cell<usize>, bool);

impl<E: Encoding> Encoding for Counting<'_, E> {
    fn encode_into<T: ?Sized + Serialize>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> netwire::Result<()> {
        self.0.encode_into(value, out)
    }
    fn decode<'de, T: Deserialize<'de>>(&self, input: &'de [u8]) -> netwire::Result<T> {
        self.0.decode(input)
    }
    fn decode_prefix<'de, T: Deserialize<'de>>(
        &self,
        input: &'de [u8],
    ) -> netwire::Result<(T, usize)> {
        self.1.set(self.1.get() + 1);
        self.0.decode_prefix(input)
    }
    fn limit(&self) -> usize {
        self.0.limit()
    }
    fn scan(&self, input: &[u8], from: usize) -> netwire::Scan {
        if self.2 {
            self.0.scan(input, from)
        } else {
            netwire::Scan::Unknown
        }
    }
}

#[test]
fn self_delimited_trickle_retries_only_at_the_hint() {
    // A 10 000-byte blob arriving one byte per read: the decoder's hint
    // (length prefix + blob) means a handful of attempts, not 10 000.
    let blob = vec![0xabu8; 10_000];
    let wire = net::to_vec(&(1u8, serde_bytes::ByteBuf::from(blob.clone()))).unwrap();
    let attempts = Cell::new(0);
    let reader = ScriptedReader::new(wire.clone(), []).tail_chunk(1);
    let mut rx = MessageReader::with_encoding(
        reader,
        SelfDelimited::retrying(),
        Counting(net::Config::default(), &attempts, false),
    );
    let (tag, got): (u8, serde_bytes::ByteBuf) = rx.read().unwrap().unwrap();
    assert_eq!((tag, got.into_vec()), (1, blob));
    assert_eq!(rx.get_ref().calls, wire.len());
    assert!(attempts.get() <= 4, "{} attempts", attempts.get());
}

#[test]
fn self_delimited_stops_at_the_encoding_limit() {
    // A blob announced larger than the limit allows.
    let config = net::Config::default().with_limit(1000);
    let wire = net::to_vec(&serde_bytes::ByteBuf::from(vec![0u8; 5000])).unwrap();
    let reader = ScriptedReader::new(wire, []).tail_chunk(100);
    let mut rx = MessageReader::with_encoding(reader, SelfDelimited::retrying(), config);
    let e = rx.read::<serde_bytes::ByteBuf>().unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::LengthOverLimit { .. }),
        "{e:?}"
    );
    // It gave up without reading the whole stream.
    assert!(rx.get_ref().remaining() > 3000);
}

#[test]
fn writer_sends_large_messages_from_its_queue_and_keeps_them_on_would_block() {
    let big = vec![0x5au8; 20_000];
    let script = [
        Step::Bytes(3),
        Step::Bytes(10_000),
        Step::WouldBlock,
        Step::Bytes(7),
        Step::WouldBlock,
    ];
    let mut tx = MessageWriter::new(ScriptedWriter::new(script), LengthPrefixed::u32());
    // Head (4) + net length (4) + 20 000 bytes: 3, then 10 000 go out,
    // then the socket is full. The message is queued, so `write` is `Ok`.
    // It was encoded into the queue and goes out from there: no vectored
    // write, no second buffer.
    tx.write(&serde_bytes::ByteBuf::from(big.clone())).unwrap();
    assert_eq!(tx.position(), 10_003);
    assert_eq!(tx.get_ref().vectored_calls, 0);
    assert_eq!(tx.pending(), 20_008 - 10_003);
    // The next message waits for the backlog: not queued, retry it.
    let e = tx.write(&1u8).unwrap_err();
    assert!(e.is_transient(), "{e}");
    assert_eq!(tx.pending(), 20_008 - 10_003 - 7);
    tx.write(&1u8).unwrap();
    tx.flush().unwrap();
    let wire = tx.into_inner().data;
    let mut rx = MessageReader::new(&wire[..], LengthPrefixed::u32());
    assert_eq!(
        rx.read::<serde_bytes::ByteBuf>()
            .unwrap()
            .unwrap()
            .into_vec(),
        big
    );
    assert_eq!(rx.read::<u8>().unwrap(), Some(1));
    assert_eq!(rx.read::<u8>().unwrap(), None);
}

#[test]
fn would_block_and_interrupted_at_every_position() {
    let messages = sample();
    for framed in [true, false] {
        let wire = if framed {
            encode_all(LengthPrefixed::u32(), &messages)
        } else {
            encode_all(SelfDelimited::retrying(), &messages)
        };
        for at in 0..=wire.len() {
            for fault in [Step::WouldBlock, Step::TimedOut, Step::Interrupted] {
                let mut script = vec![];
                if at > 0 {
                    script.push(Step::Bytes(at));
                }
                script.extend([fault, Step::Bytes(1), fault]);
                let reader = ScriptedReader::new(wire.clone(), script);
                let got = if framed {
                    read_all(&mut MessageReader::new(reader, LengthPrefixed::u32()))
                } else {
                    read_all(&mut MessageReader::new(reader, SelfDelimited::retrying()))
                };
                assert_eq!(got.unwrap(), messages, "fault {fault:?} after {at} bytes");
            }
        }
    }
}

#[test]
fn a_frame_reader_becomes_a_message_reader_without_losing_bytes() {
    use netwire::stream::{FrameReader, FrameWriter};
    // A raw handshake frame, then typed messages, all in one read.
    let mut tx = FrameWriter::new(Vec::new(), LengthPrefixed::u8());
    tx.write_frame(b"HELLO/1").unwrap();
    let mut tx = MessageWriter::from_frame_writer(tx, net::Config::default());
    tx.write(&(5u32, true)).unwrap();
    let wire = tx.into_inner();
    let mut frames = FrameReader::with_capacity(4096, &wire[..], LengthPrefixed::u8());
    assert_eq!(frames.read_frame().unwrap().unwrap(), &b"HELLO/1"[..]);
    assert_eq!(frames.buffer().len(), 6);
    let mut rx = MessageReader::from_frame_reader(frames, net::Config::default());
    assert_eq!(rx.read::<(u32, bool)>().unwrap(), Some((5, true)));
    assert_eq!(rx.read::<(u32, bool)>().unwrap(), None);
}

#[test]
fn ascii_self_delimited_any_schedule() {
    use netwire::ascii;
    fn prop(messages: Vec<Msg>, schedule: Schedule) -> bool {
        // Strings may hold newlines: the message's own line end, found by
        // the decoder, delimits it, not the first "\n".
        let mut tx =
            MessageWriter::with_encoding(Vec::new(), SelfDelimited::new(), ascii::Config::new());
        for m in &messages {
            tx.queue(m).unwrap();
        }
        tx.flush().unwrap();
        let wire = tx.into_inner();
        let reader = ScriptedReader::new(wire, schedule.0).tail_chunk(16);
        let mut rx =
            MessageReader::with_encoding(reader, SelfDelimited::new(), ascii::Config::new());
        let mut got = Vec::new();
        for _ in 0..100_000 {
            match rx.read::<Msg>() {
                Ok(Some(m)) => got.push(m),
                Ok(None) => break,
                Err(e) if is_retry(&e) => {}
                Err(e) => panic!("{e}"),
            }
        }
        got == messages
    }
    QuickCheck::new().quickcheck(prop as fn(Vec<Msg>, Schedule) -> bool);
}

#[test]
fn ascii_self_delimited_decodes_each_message_once() {
    // The scan finds each message's line end (skipping string bodies that
    // hold line ends and spaces), so whatever the reads, every message is
    // decoded exactly once.
    use netwire::ascii;
    type Msg = (u32, String, Vec<Option<u8>>);
    let messages: Vec<Msg> = vec![
        (1, "a\nb 3:x\n".into(), vec![Some(2), None]),
        (99, String::new(), vec![]),
        (4_000_000_000, "\n\n".repeat(300), vec![None; 50]),
    ];
    let wire: Vec<u8> = messages
        .iter()
        .flat_map(|m| ascii::to_vec(m).unwrap())
        .collect();
    for chunk in [1, 3, 64, wire.len()] {
        let attempts = Cell::new(0);
        let reader = ScriptedReader::new(wire.clone(), []).tail_chunk(chunk);
        let encoding = Counting(ascii::Config::new(), &attempts, true);
        let mut rx = MessageReader::with_encoding(reader, SelfDelimited::new(), encoding);
        let got: Vec<Msg> = rx.messages().collect::<netwire::Result<_>>().unwrap();
        assert_eq!(got, messages, "reads of {chunk}");
        assert_eq!(attempts.get(), messages.len(), "reads of {chunk}");
    }
}

#[test]
fn ascii_self_delimited_without_an_end_stops_at_the_limit() {
    // No line end in the first `limit` bytes: refused once they are in,
    // without decoding any of it.
    use netwire::ascii;
    let attempts = Cell::new(0);
    let wire = b"3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19".to_vec();
    let reader = ScriptedReader::new(wire, []).tail_chunk(2);
    let encoding = Counting(ascii::Config::new().with_limit(16), &attempts, true);
    let mut rx = MessageReader::with_encoding(reader, SelfDelimited::new(), encoding);
    let err = rx.read::<Vec<u8>>().unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::LengthOverLimit { len: 17, limit: 16 }, Some(0))
    );
    assert_eq!(attempts.get(), 0);
    assert_eq!(rx.get_ref().calls, 8, "reads stop at the limit");
}

#[test]
fn ascii_framed_by_length() {
    use netwire::ascii;
    let mut tx =
        MessageWriter::with_encoding(Vec::new(), LengthPrefixed::u8(), ascii::Config::new());
    tx.write(&(7u16, "a\nb")).unwrap();
    let wire = tx.into_inner();
    assert_eq!(wire, b"\x087 3:a\nb\n");
    let mut rx =
        MessageReader::with_encoding(&wire[..], LengthPrefixed::u8(), ascii::Config::new());
    let (n, s): (u16, &str) = rx.read_borrowed().unwrap().unwrap();
    assert_eq!((n, s), (7, "a\nb"));
}

#[test]
fn self_delimited_never_retries_without_new_bytes() {
    // ascii can often only say "one more byte": one attempt per read at
    // most, never more.
    use netwire::ascii;
    let numbers: Vec<u32> = (0..300).map(|i| i * 7919).collect();
    let wire = ascii::to_vec(&numbers).unwrap();
    let attempts = Cell::new(0);
    let reader = ScriptedReader::new(wire.clone(), []).tail_chunk(1);
    let encoding = Counting(ascii::Config::new(), &attempts, false);
    let mut rx = MessageReader::with_encoding(reader, SelfDelimited::retrying(), encoding);
    assert_eq!(rx.read::<Vec<u32>>().unwrap(), Some(numbers));
    assert_eq!(rx.get_ref().calls, wire.len());
    assert!(attempts.get() <= wire.len(), "{} attempts", attempts.get());
    // The same with 64-byte reads: at most one attempt per read.
    attempts.set(0);
    let reader = ScriptedReader::new(wire.clone(), []).tail_chunk(64);
    let encoding = Counting(ascii::Config::new(), &attempts, false);
    let mut rx = MessageReader::with_encoding(reader, SelfDelimited::retrying(), encoding);
    assert!(rx.read::<Vec<u32>>().unwrap().is_some());
    assert!(
        attempts.get() <= wire.len().div_ceil(64),
        "{} attempts",
        attempts.get()
    );
}
