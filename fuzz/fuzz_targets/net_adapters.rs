//! Arbitrary bytes into a message that uses every `netwire::with` adapter
//! and a tag table: never a panic; whatever `from_slice` accepts encodes
//! back to the same bytes (every adapter has one spelling) and decodes to
//! the same value; a message without the end-bound adapters agrees between
//! `from_slice`, `take_from_slice` and `from_reader`; a truncated
//! message never decodes as the whole; and any value built from the bytes
//! with fields that run to the end of the message in every position
//! (last, followed by a field, twice, nested, in a sequence, in an option,
//! in a variant) either encodes to bytes that decode back to it or is
//! refused with `EndNotLast`/`EmptySome`.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use netwire::ErrorKind;
use netwire::net::{Config, EnumTags, TagTable, TagWidth};
use netwire::with::Padded;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Op {
    Query,
    Sync,
    Stop,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Param(
    #[serde(with = "netwire::with::cstr")] String,
    #[serde(with = "netwire::with::cstr")] String,
);

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Label(#[serde(with = "netwire::with::len_u8")] String);

/// Every adapter that needs no known end.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Head {
    op: Op,
    #[serde(with = "netwire::with::len_u16")]
    ids: Vec<u16>,
    #[serde(with = "netwire::with::len_i16")]
    name: String,
    #[serde(with = "netwire::with::nullable_i32")]
    note: Option<Vec<u8>>,
    #[serde(with = "netwire::with::nullable_i16")]
    user: Option<String>,
    tty: Padded<4>,
    #[serde(with = "netwire::with::nul_terminated")]
    params: Vec<Param>,
    #[serde(with = "netwire::with::nul_terminated")]
    labels: Vec<Label>,
    /// Pairs, not a map: a map merges repeated keys, so it has more than
    /// one spelling whatever the format.
    #[serde(with = "netwire::with::len_u64")]
    pairs: Vec<(u8, bool)>,
}

/// The same, then the rest of the message.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Whole {
    head: Head,
    #[serde(with = "netwire::with::rest")]
    tail: Vec<u32>,
}

/// A keep-alive or a message.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Frame(#[serde(with = "netwire::with::empty_as_none")] Option<Head>);

/// A field whose reading depends on where the message ends, or one that
/// does not, in any of the places they can take.
#[derive(Serialize, Deserialize, Debug, PartialEq, Arbitrary)]
enum Slot {
    Byte(u8),
    Nothing,
    Rest(#[serde(with = "netwire::with::rest")] Vec<u8>),
    RestText(#[serde(with = "netwire::with::rest")] String),
    Maybe(#[serde(with = "netwire::with::empty_as_none")] Option<u16>),
    MaybeUnit(#[serde(with = "netwire::with::empty_as_none")] Option<()>),
    Nested(Box<Slots>),
    Many(Vec<Slot>),
    Optional(Option<Box<Slot>>),
}

/// Three slots in a row, each a field.
#[derive(Serialize, Deserialize, Debug, PartialEq, Arbitrary)]
struct Slots {
    a: Slot,
    b: Slot,
    c: Slot,
}

/// The same slots with no enum tag around them: the slots of `Slots`, but
/// as the message's own fields.
#[derive(Serialize, Deserialize, Debug, PartialEq, Arbitrary)]
struct Bare {
    head: Slot,
    #[serde(with = "netwire::with::empty_as_none")]
    maybe: Option<u8>,
    #[serde(with = "netwire::with::rest")]
    tail: Vec<u8>,
}

/// Encodes `value`: either it reads back as itself, or the encoder said
/// why it would not.
fn reads_back_or_refused<T>(config: &Config<TagTable>, value: &T)
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    match config.to_vec(value) {
        Ok(bytes) => {
            let back = config.from_slice::<T>(&bytes);
            assert!(
                back.as_ref().is_ok_and(|back| back == value),
                "{value:?} was written as {bytes:02x?}, which reads back as {back:?}"
            );
        }
        Err(e) => assert!(
            matches!(
                e.kind(),
                ErrorKind::EndNotLast { .. }
                    | ErrorKind::EmptySome { .. }
                    | ErrorKind::DepthLimit(_)
                    | ErrorKind::LengthOverLimit { .. }
            ),
            "{value:?} fails to encode: {e:?}"
        ),
    }
}

const TAGS: &[EnumTags] = &[EnumTags::of::<Op>(TagWidth::U16, &[0x51, 0x53, 0xff])];

fn config(sel: u8) -> Config<TagTable> {
    Config::new()
        .with_limit(if sel & 1 == 0 { 1 << 16 } else { 64 })
        .with_depth(usize::from(sel >> 4) + 1)
        .with_enum_tags(TAGS)
}

/// What `from_slice` accepts has one spelling: it encodes back to `data`.
fn canonical<T>(config: &Config<TagTable>, data: &[u8])
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let Ok(value) = config.from_slice::<T>(data) else {
        return;
    };
    let bytes = match config.to_vec(&value) {
        Ok(bytes) => bytes,
        // A decoded value may count more elements or levels than the
        // encoder allows (nothing else may fail).
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::LengthOverLimit { .. } | ErrorKind::DepthLimit(_)
                ),
                "{value:?} decoded from {data:02x?} fails to encode: {e:?}"
            );
            return;
        }
    };
    assert_eq!(bytes, data, "{value:?} has two spellings");
    assert_eq!(config.encoded_len(&value).unwrap(), bytes.len());
    let mut buf = vec![0u8; bytes.len()];
    assert_eq!(config.to_slice(&value, &mut buf).unwrap(), &bytes[..]);
    for cut in 0..data.len() {
        if let Ok(shorter) = config.from_slice::<T>(&data[..cut]) {
            assert_ne!(shorter, value, "a truncation decoded as the whole");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let config = config(sel);
    let mut u = Unstructured::new(body);
    if let Ok(slots) = Slots::arbitrary(&mut u) {
        reads_back_or_refused(&config, &slots);
    }
    if let Ok(bare) = Bare::arbitrary(&mut u) {
        reads_back_or_refused(&config, &bare);
    }
    canonical::<Head>(&config, body);
    canonical::<Whole>(&config, body);
    canonical::<Frame>(&config, body);
    // Without end-bound adapters, every entry point agrees.
    let whole = config.from_slice::<Head>(body);
    let prefix = config.take_from_slice::<Head>(body);
    let reader = config.from_reader::<_, Head>(body);
    match (&prefix, &reader) {
        (Ok((a, _)), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.kind(), b.kind(), "{body:02x?}"),
        _ => {
            panic!("take_from_slice {prefix:?} and from_reader {reader:?} disagree on {body:02x?}")
        }
    }
    if let (Ok(a), Ok((b, rest))) = (&whole, &prefix) {
        assert!(rest.is_empty());
        assert_eq!(a, b);
    }
    // The end-bound ones are refused where no end is known.
    if let Err(e) = config.take_from_slice::<Whole>(body) {
        let _ = e.kind();
    } else {
        panic!("rest decoded without a known end");
    }
});
