//! The wrapper types of `netwire::with` in `ascii`, where an adapter
//! leaves a value as it would be without it: the wrapper, the module on a
//! field and the plain value are the same text in every position
//! (quickcheck), decode back equal, and every cut-short input is an error.

use std::collections::BTreeMap;

use netwire::with::{
    EmptyAsNone, LenI16, LenI32, LenU8, LenU16, LenU32, LenU64, NulStr, NulTerminated, NullableI16,
    NullableI32, Rest, RestBytes,
};
use netwire::{Error, ascii};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wrapper_cases::Format;

struct Ascii;

impl Format for Ascii {
    fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
        ascii::to_vec(value)
    }
    fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
        let from_slice = ascii::from_slice(bytes);
        // The reader agrees, `rest` included: a line has a known end.
        let from_reader = ascii::from_reader::<_, T>(bytes);
        assert_eq!(from_slice.is_ok(), from_reader.is_ok(), "{bytes:?}");
        from_slice
    }
    const ADAPTERS_TRANSPARENT: bool = true;
    const END_IS_THE_INPUT: bool = false;
}

fn labels(v: Vec<String>) -> Vec<LenU8<String>> {
    v.into_iter().map(LenU8).collect()
}

fn pairs(v: Vec<(String, String)>) -> Vec<(NulStr, NulStr)> {
    v.into_iter().map(|(a, b)| (NulStr(a), NulStr(b))).collect()
}

crate::wrapper_cases! { Ascii;
    len_u8_strings_are_plain_strings: String =>
        LenU8<String> = LenU8,
        "netwire::with::len_u8" String = |g| g,
        String = |g| g,
        anywhere;
    len_u16_sequences_are_plain_sequences: Vec<u16> =>
        LenU16<Vec<u16>> = LenU16,
        "netwire::with::len_u16" Vec<u16> = |g| g,
        Vec<u16> = |g| g,
        anywhere;
    len_u32_strings_are_plain_strings: String =>
        LenU32<String> = LenU32,
        "netwire::with::len_u32" String = |g| g,
        String = |g| g,
        anywhere;
    len_u64_string_lists_are_plain_lists: Vec<String> =>
        LenU64<Vec<String>> = LenU64,
        "netwire::with::len_u64" Vec<String> = |g| g,
        Vec<String> = |g| g,
        anywhere;
    len_i16_strings_are_plain_strings: String =>
        LenI16<String> = LenI16,
        "netwire::with::len_i16" String = |g| g,
        String = |g| g,
        anywhere;
    len_i32_maps_are_plain_maps: BTreeMap<u8, String> =>
        LenI32<BTreeMap<u8, String>> = LenI32,
        "netwire::with::len_i32" BTreeMap<u8, String> = |g| g,
        BTreeMap<u8, String> = |g| g,
        anywhere;
    nullable_i16_strings_are_plain_options: Option<String> =>
        NullableI16<String> = NullableI16,
        "netwire::with::nullable_i16" Option<String> = |g| g,
        Option<String> = |g| g,
        anywhere;
    nullable_i32_bytes_are_plain_options: Option<Vec<u8>> =>
        NullableI32<Vec<u8>> = NullableI32,
        "netwire::with::nullable_i32" Option<Vec<u8>> = |g| g,
        Option<Vec<u8>> = |g| g,
        anywhere;
    c_strings_are_plain_strings: String =>
        NulStr = NulStr,
        "netwire::with::cstr" String = |g| g,
        String = |g| g,
        anywhere;
    nul_terminated_labels_are_plain_sequences: Vec<String> =>
        NulTerminated<Vec<LenU8<String>>> = |g| NulTerminated(labels(g)),
        "netwire::with::nul_terminated" Vec<LenU8<String>> = labels,
        Vec<String> = |g| g,
        anywhere;
    rest_sequences_are_plain_sequences: Vec<u8> =>
        Rest<Vec<u8>> = Rest,
        "netwire::with::rest" Vec<u8> = |g| g,
        Vec<u8> = |g| g,
        at_end;
    rest_option_pairs_are_plain_pairs: Vec<(String, String)> =>
        Rest<Vec<(NulStr, NulStr)>> = |g| Rest(pairs(g)),
        "netwire::with::rest" Vec<(NulStr, NulStr)> = pairs,
        Vec<(String, String)> = |g| g,
        at_end;
    rest_byte_buffers_are_plain_byte_strings: Vec<u8> =>
        RestBytes = RestBytes,
        "netwire::with::rest" serde_bytes::ByteBuf = serde_bytes::ByteBuf::from,
        serde_bytes::ByteBuf = serde_bytes::ByteBuf::from,
        at_end;
    empty_as_none_is_a_plain_option: Option<(u8, u32)> =>
        EmptyAsNone<(u8, u32)> = EmptyAsNone,
        "netwire::with::empty_as_none" Option<(u8, u32)> = |g| g,
        Option<(u8, u32)> = |g| g,
        at_end;
}

#[test]
fn rest_bytes_is_one_netstring_where_a_rest_vec_is_a_count_and_numbers() {
    assert_eq!(
        ascii::to_vec(&(3u16, RestBytes(b"ab".to_vec()))).unwrap(),
        b"3 2:ab\n"
    );
    assert_eq!(
        ascii::to_vec(&(3u16, Rest(b"ab".to_vec()))).unwrap(),
        b"3 2 97 98\n"
    );
    let (_, view): (u16, RestBytes<&[u8]>) = ascii::from_slice(b"3 2:ab\n").unwrap();
    assert_eq!(view.0, b"ab");
    let (_, owned): (u16, RestBytes<bytes::Bytes>) = ascii::from_reader(&b"3 2:ab\n"[..]).unwrap();
    assert_eq!(owned.0, bytes::Bytes::from_static(b"ab"));
}

#[test]
fn a_kafka_topic_list_is_a_count_and_netstrings() {
    let topics = LenI32(vec![LenI16("a".to_string()), LenI16("bc".to_string())]);
    assert_eq!(ascii::to_vec(&topics).unwrap(), b"2 1:a 2:bc\n");
    assert_eq!(
        ascii::from_slice::<LenI32<Vec<LenI16<String>>>>(b"2 1:a 2:bc\n").unwrap(),
        topics
    );
    assert_eq!(
        ascii::to_vec(&(NullableI16::<String>(None), EmptyAsNone(Some(1u8)))).unwrap(),
        b"~ +1\n"
    );
}
