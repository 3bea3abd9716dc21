//! Fields that run to the end of the message (`with::rest`,
//! `with::empty_as_none`) must be the end: anything written after one, and
//! an `empty_as_none` around a `Some` of no bytes, would read back as a
//! different value, so they are encode errors, through every entry point
//! and every writer, with the output left as it was. The catalogue below
//! puts every such field before every other field shape, nested, in
//! sequences and options, and checks the one property that matters: a
//! value encodes exactly when the bytes it would give read back as it.

use bytes::BytesMut;
use netwire::frame::LengthPrefixed;
use netwire::message::{MessageEncoder, SelfDelimited};
use netwire::net::{self, Config};
use netwire::stream::{MessageReader, MessageWriter};
use netwire::{Encoding, ErrorKind, ascii};
use quickcheck::{Arbitrary, Gen, QuickCheck};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One byte.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Byte(u8);

/// No bytes at all.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Nothing;

/// The rest of the message, as elements.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct RestSeq(#[serde(with = "netwire::with::rest")] Vec<u8>);

/// The rest of the message, as a string.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct RestStr(#[serde(with = "netwire::with::rest")] String);

/// A byte, or nothing when the message has ended.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct MaybeByte(#[serde(with = "netwire::with::empty_as_none")] Option<u8>);

/// A `Some` that writes nothing reads back as `None`.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct MaybeUnit(#[serde(with = "netwire::with::empty_as_none")] Option<()>);

/// A struct whose last field runs to the end.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Nested {
    head: u8,
    tail: RestSeq,
}

/// Elements that each run to the end, behind a count.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Many(Vec<RestSeq>);

/// An ordinary option (with its option byte) around such a field.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Opt(Option<MaybeByte>);

/// A variant whose content runs to the end, then a plain one.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Variant {
    Tail(#[serde(with = "netwire::with::rest")] Vec<u8>),
    Plain(u8),
}

fn bytes(g: &mut Gen) -> Vec<u8> {
    let len = usize::arbitrary(g) % 3;
    (0..len).map(|_| u8::arbitrary(g)).collect()
}

impl Arbitrary for Byte {
    fn arbitrary(g: &mut Gen) -> Self {
        Byte(u8::arbitrary(g))
    }
}
impl Arbitrary for Nothing {
    fn arbitrary(_: &mut Gen) -> Self {
        Nothing
    }
}
impl Arbitrary for RestSeq {
    fn arbitrary(g: &mut Gen) -> Self {
        RestSeq(bytes(g))
    }
}
impl Arbitrary for RestStr {
    fn arbitrary(g: &mut Gen) -> Self {
        RestStr(
            bytes(g)
                .into_iter()
                .map(|b| char::from(b'a' + b % 26))
                .collect(),
        )
    }
}
impl Arbitrary for MaybeByte {
    fn arbitrary(g: &mut Gen) -> Self {
        MaybeByte(Option::arbitrary(g))
    }
}
impl Arbitrary for MaybeUnit {
    fn arbitrary(g: &mut Gen) -> Self {
        MaybeUnit(bool::arbitrary(g).then_some(()))
    }
}
impl Arbitrary for Nested {
    fn arbitrary(g: &mut Gen) -> Self {
        Nested {
            head: u8::arbitrary(g),
            tail: RestSeq::arbitrary(g),
        }
    }
}
impl Arbitrary for Many {
    fn arbitrary(g: &mut Gen) -> Self {
        Many(
            (0..usize::arbitrary(g) % 3)
                .map(|_| RestSeq::arbitrary(g))
                .collect(),
        )
    }
}
impl Arbitrary for Opt {
    fn arbitrary(g: &mut Gen) -> Self {
        Opt(bool::arbitrary(g).then(|| MaybeByte::arbitrary(g)))
    }
}
impl Arbitrary for Variant {
    fn arbitrary(g: &mut Gen) -> Self {
        if bool::arbitrary(g) {
            Variant::Tail(bytes(g))
        } else {
            Variant::Plain(u8::arbitrary(g))
        }
    }
}

/// Two fields, `first` then `second`.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Pair<A, B> {
    first: A,
    second: B,
}

impl<A: Arbitrary, B: Arbitrary> Arbitrary for Pair<A, B> {
    fn arbitrary(g: &mut Gen) -> Self {
        Pair {
            first: A::arbitrary(g),
            second: B::arbitrary(g),
        }
    }
}

/// The property, for one pair of shapes: the encoder refuses a value
/// exactly when the bytes of its two fields, one after the other (what an
/// encoder without the check writes), would not read back as it; what it
/// refuses, it refuses with `EndNotLast` or `EmptySome`, in `to_vec` and
/// `encoded_len` alike; what it writes reads back equal.
fn agrees<A, B>(v: Pair<A, B>) -> bool
where
    A: Serialize + DeserializeOwned + PartialEq + Clone + std::fmt::Debug,
    B: Serialize + DeserializeOwned + PartialEq + Clone + std::fmt::Debug,
{
    // Each field alone is the whole message, so it is written as it is;
    // a `Some` of nothing, refused alone, writes nothing.
    let alone = |bytes: netwire::Result<Vec<u8>>| match bytes {
        Err(e) if matches!(e.kind(), ErrorKind::EmptySome { .. }) => Ok(Vec::new()),
        other => other,
    };
    let naive = match (alone(net::to_vec(&v.first)), alone(net::to_vec(&v.second))) {
        (Ok(a), Ok(b)) => Some([a, b].concat()),
        _ => None,
    };
    let reads_back = naive
        .as_ref()
        .is_some_and(|bytes| net::from_slice::<Pair<A, B>>(bytes).ok().as_ref() == Some(&v));
    match net::to_vec(&v) {
        Ok(bytes) => {
            assert!(reads_back, "{v:?} was written as {bytes:?}");
            assert_eq!(Some(&bytes), naive.as_ref());
            assert_eq!(net::encoded_len(&v).unwrap(), bytes.len());
            net::from_slice::<Pair<A, B>>(&bytes).unwrap() == v
        }
        Err(err) => {
            assert!(!reads_back, "{v:?} reads back, but was refused: {err}");
            let counted = net::encoded_len(&v).unwrap_err();
            assert_eq!(counted.kind(), err.kind());
            matches!(
                err.kind(),
                ErrorKind::EndNotLast { .. } | ErrorKind::EmptySome { .. }
            ) && err.offset().is_none()
        }
    }
}

macro_rules! catalogue {
    ($($first:ident),* ; $seconds:tt) => {{
        let mut checked = 0;
        $( catalogue!(@row checked, $first, $seconds); )*
        checked
    }};
    (@row $checked:ident, $first:ident, [$($second:ident),*]) => {
        $(
            QuickCheck::new()
                .tests(40)
                .quickcheck(agrees::<$first, $second> as fn(Pair<$first, $second>) -> bool);
            $checked += 1;
        )*
    };
}

#[test]
fn a_value_encodes_exactly_when_its_bytes_read_back_as_it() {
    let pairs = catalogue!(
        Byte, Nothing, RestSeq, RestStr, MaybeByte, MaybeUnit, Nested, Many, Opt, Variant;
        [Byte, Nothing, RestSeq, RestStr, MaybeByte, MaybeUnit, Nested, Many, Opt, Variant]
    );
    assert_eq!(pairs, 100);
}

#[test]
fn bytes_after_a_rest_field_are_an_encode_error_naming_both_fields() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct TwoRests {
        #[serde(with = "netwire::with::rest")]
        a: Vec<u8>,
        #[serde(with = "netwire::with::rest")]
        b: Vec<u8>,
    }
    // [1], [2] would read back as [1, 2], [].
    let err = net::to_vec(&TwoRests {
        a: vec![1],
        b: vec![2],
    })
    .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::EndNotLast {
            field: Some("a"),
            next: Some("b")
        }
    );
    assert_eq!(
        err.to_string(),
        "field `a` (netwire::with::rest or empty_as_none) is followed by field `b`, which \
         the decoder would read as part of it: such a field must come last"
    );
    // A second one that writes nothing is no byte after the first.
    let fine = TwoRests {
        a: vec![1],
        b: vec![],
    };
    let wire = net::to_vec(&fine).unwrap();
    assert_eq!(wire, [1]);
    assert_eq!(net::from_slice::<TwoRests>(&wire).unwrap(), fine);
}

#[test]
fn a_none_followed_by_a_value_is_an_encode_error() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Shifted {
        #[serde(with = "netwire::with::empty_as_none")]
        a: Option<u8>,
        #[serde(with = "netwire::with::empty_as_none")]
        b: Option<u8>,
    }
    // {None, Some(5)} would read back as {Some(5), None}.
    let err = net::to_vec(&Shifted {
        a: None,
        b: Some(5),
    })
    .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::EndNotLast {
            field: Some("a"),
            next: Some("b")
        }
    );
    for fine in [
        Shifted { a: None, b: None },
        Shifted {
            a: Some(5),
            b: None,
        },
    ] {
        let wire = net::to_vec(&fine).unwrap();
        assert_eq!(net::from_slice::<Shifted>(&wire).unwrap(), fine);
    }
}

#[test]
fn a_some_of_no_bytes_under_empty_as_none_is_an_encode_error() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Empty {
        #[serde(with = "netwire::with::rest")]
        tail: Vec<u8>,
    }
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Keepalive {
        #[serde(with = "netwire::with::empty_as_none")]
        body: Option<Empty>,
    }
    let err = net::to_vec(&Keepalive {
        body: Some(Empty { tail: vec![] }),
    })
    .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::EmptySome {
            field: Some("body")
        }
    );
    assert_eq!(
        err.to_string(),
        "field `body` holds a Some that writes no bytes at the end of the message, which \
         would read back as None"
    );
    // Unnamed: a tuple struct's field.
    #[derive(Serialize)]
    struct Unit(#[serde(with = "netwire::with::empty_as_none")] Option<()>);
    let err = net::to_vec(&Unit(Some(()))).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::EmptySome { field: None });
    // Some of a byte or more is fine, and so is a Some of nothing that a
    // byte follows: the message has not ended there.
    let some = Keepalive {
        body: Some(Empty { tail: vec![9] }),
    };
    assert_eq!(
        net::from_slice::<Keepalive>(&net::to_vec(&some).unwrap()).unwrap(),
        some
    );
    let followed = Pair {
        first: MaybeUnit(Some(())),
        second: Byte(7),
    };
    assert_eq!(net::to_vec(&followed).unwrap(), [7]);
    assert_eq!(
        net::from_slice::<Pair<MaybeUnit, Byte>>(&[7]).unwrap(),
        followed
    );
}

#[test]
fn a_rest_field_inside_an_element_followed_by_another_is_an_encode_error() {
    let two = Many(vec![RestSeq(vec![1]), RestSeq(vec![2])]);
    let err = net::to_vec(&two).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::EndNotLast { .. }),
        "{err:?}"
    );
    // One element is the end of the message.
    let one = Many(vec![RestSeq(vec![1, 2])]);
    assert_eq!(
        net::from_slice::<Many>(&net::to_vec(&one).unwrap()).unwrap(),
        one
    );
    // Behind a terminator: the 0 byte would be read as part of the rest.
    #[derive(Serialize, Debug)]
    struct Terminated(#[serde(with = "netwire::with::nul_terminated")] Vec<Nested>);
    let err = net::to_vec(&Terminated(vec![Nested {
        head: 1,
        tail: RestSeq(vec![]),
    }]))
    .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::EndNotLast {
            field: Some("tail"),
            next: None
        }
    );
    // In a tuple: no field names.
    let err = net::to_vec(&(RestSeq(vec![1]), 2u8)).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::EndNotLast {
            field: None,
            next: None
        }
    );
}

/// A message that cannot be written: a rest field, then a byte.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Bad {
    #[serde(with = "netwire::with::rest")]
    tail: Vec<u8>,
    after: u8,
}

fn bad() -> Bad {
    Bad {
        tail: vec![1, 2],
        after: 3,
    }
}

fn is_end_not_last(err: &netwire::Error) -> bool {
    err.kind()
        == &ErrorKind::EndNotLast {
            field: Some("tail"),
            next: Some("after"),
        }
}

#[test]
fn every_entry_point_refuses_bytes_after_the_end_and_leaves_the_output() {
    let config = Config::new();
    let mut slice = [0u8; 64];
    assert!(is_end_not_last(&config.to_vec(&bad()).unwrap_err()));
    assert!(is_end_not_last(&config.encoded_len(&bad()).unwrap_err()));
    assert!(is_end_not_last(
        &config.to_slice(&bad(), &mut slice).unwrap_err()
    ));
    // A slice too short for the message reports the message's error, not
    // the room.
    assert!(is_end_not_last(
        &config.to_slice(&bad(), &mut slice[..2]).unwrap_err()
    ));
    let mut buf = BytesMut::new();
    assert!(is_end_not_last(
        &config.to_buf_mut(&bad(), &mut buf).unwrap_err()
    ));
    let mut out = vec![0xee];
    assert!(is_end_not_last(
        &config.append_to_vec(&bad(), &mut out).unwrap_err()
    ));
    assert_eq!(out, [0xee]);
    let mut written = Vec::new();
    assert!(is_end_not_last(
        &config.to_writer(&mut written, &bad()).unwrap_err()
    ));
    assert!(written.is_empty());
    let mut into = vec![0xee];
    assert!(is_end_not_last(
        &config.encode_into(&bad(), &mut into).unwrap_err()
    ));
    assert_eq!(into, [0xee]);
    let mut bytes = BytesMut::from(&b"kept"[..]);
    assert!(is_end_not_last(
        &config.encode_into_bytes(&bad(), &mut bytes).unwrap_err()
    ));
    assert_eq!(&bytes[..], b"kept");

    // The message layer and the writers.
    let mut encoder = MessageEncoder::new(LengthPrefixed::u16());
    assert!(is_end_not_last(
        &encoder.encode(&bad(), &mut bytes).unwrap_err()
    ));
    assert_eq!(&bytes[..], b"kept");
    let mut tx = MessageWriter::new(Vec::new(), LengthPrefixed::u16());
    assert!(is_end_not_last(&tx.write(&bad()).unwrap_err()));
    tx.write(&Nested {
        head: 1,
        tail: RestSeq(vec![2]),
    })
    .unwrap();
    assert_eq!(
        tx.into_inner(),
        [0, 2, 1, 2],
        "nothing of the refused message"
    );

    // ascii writes the same fields with their lengths, so nothing is lost.
    let line = ascii::to_vec(&bad()).unwrap();
    assert_eq!(ascii::from_slice::<Bad>(&line).unwrap(), bad());
}

#[cfg(feature = "tokio")]
#[test]
fn the_tokio_codec_refuses_bytes_after_the_end() {
    use netwire::codec::MessageCodec;
    use tokio_util::codec::Encoder;
    let mut codec = MessageCodec::<Bad, _>::new(LengthPrefixed::u16());
    let mut dst = BytesMut::from(&b"kept"[..]);
    assert!(is_end_not_last(&codec.encode(bad(), &mut dst).unwrap_err()));
    assert_eq!(&dst[..], b"kept");
}

#[cfg(feature = "futures")]
#[test]
fn the_futures_writer_refuses_bytes_after_the_end() {
    let mut tx = netwire::futures::MessageWriter::new(Vec::new(), LengthPrefixed::u16());
    let err = async_io::block_on(tx.write(&bad())).unwrap_err();
    assert!(is_end_not_last(&err), "{err:?}");
    async_io::block_on(tx.write(&1u8)).unwrap();
    async_io::block_on(tx.flush()).unwrap();
    assert_eq!(tx.into_inner(), [0, 1, 1]);
}

/// A message with a rest field last: fine framed, unreadable unframed.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Tail {
    kind: u8,
    #[serde(with = "netwire::with::rest")]
    bytes: Vec<u8>,
}

#[test]
fn a_self_delimited_writer_refuses_what_its_reader_refuses() {
    let tail = Tail {
        kind: 1,
        bytes: vec![2],
    };
    // Retrying: `net` is read by decoding, which cannot find a rest
    // field's end. Reader and writer answer the same, at no offset.
    let mut tx = MessageWriter::new(Vec::new(), SelfDelimited::retrying());
    let written = tx.write(&tail).unwrap_err();
    let read = MessageReader::new(&[1u8, 2][..], SelfDelimited::retrying())
        .read::<Tail>()
        .unwrap_err();
    assert_eq!(written.kind(), read.kind());
    assert!(matches!(written.kind(), ErrorKind::Unsupported(_)));
    assert_eq!((written.offset(), read.offset()), (None, None));
    #[derive(Serialize, Debug)]
    struct Keepalive(#[serde(with = "netwire::with::empty_as_none")] Option<u8>);
    assert!(matches!(
        tx.write(&Keepalive(None)).unwrap_err().kind(),
        ErrorKind::Unsupported(_)
    ));
    // What it can read, it writes.
    tx.write(&(1u8, 2u16)).unwrap();
    assert_eq!(tx.into_inner(), [1, 0, 2]);

    // Scanning: `net` cannot scan at all; refused before anything is
    // written, with the reader's words.
    let mut tx = MessageWriter::new(Vec::new(), SelfDelimited::new());
    let written = tx.write(&(1u8, 2u16)).unwrap_err();
    let read = MessageReader::new(&[1u8, 0, 2][..], SelfDelimited::new())
        .read::<(u8, u16)>()
        .unwrap_err();
    assert_eq!(written.kind(), read.kind());
    assert_eq!((written.offset(), read.offset()), (None, None));
    assert!(tx.into_inner().is_empty());
    let mut encoder = MessageEncoder::new(SelfDelimited::new());
    let mut dst = BytesMut::new();
    assert_eq!(
        encoder.encode(&(1u8, 2u16), &mut dst).unwrap_err().kind(),
        read.kind()
    );

    // ascii scans, and writes its rest fields with a length: both work.
    let mut tx =
        MessageWriter::with_encoding(Vec::new(), SelfDelimited::new(), ascii::Config::new());
    tx.write(&tail).unwrap();
    tx.write(&tail).unwrap();
    let wire = tx.into_inner();
    let mut rx =
        MessageReader::with_encoding(&wire[..], SelfDelimited::new(), ascii::Config::new());
    assert_eq!(rx.read::<Tail>().unwrap(), Some(tail.clone()));
    assert_eq!(rx.read::<Tail>().unwrap(), Some(tail));
}

#[test]
fn a_configuration_mistake_has_no_offset_when_read() {
    // `take_from_slice` knows no end; the field's position would mislead.
    let err = net::take_from_slice::<Tail>(&[1, 2, 3]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)));
    assert_eq!(err.offset(), None);
    // An adapter on a field it cannot start.
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Misplaced(#[serde(with = "netwire::with::len_u8")] u32);
    let err = net::from_slice::<Misplaced>(&[0, 0, 0, 1]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)));
    assert_eq!(err.offset(), None);
}
