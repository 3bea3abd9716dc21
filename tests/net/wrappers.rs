//! The wrapper types of `netwire::with`: the same `net` bytes as the
//! adapter module on a field, in every position (quickcheck), decoded back
//! equal, every cut-short input an error; and what only the types do
//! (`RestBytes`' buffers, the traits a value type is expected to have).

use std::collections::{BTreeMap, HashMap};

use netwire::with::{
    EmptyAsNone, LenI16, LenI32, LenU8, LenU16, LenU32, LenU64, NulStr, NulTerminated, NullableI16,
    NullableI32, Rest, RestBytes,
};
use netwire::{Error, ErrorKind, net};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wrapper_cases::Format;

struct Net;

impl Format for Net {
    fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
        net::to_vec(value)
    }
    fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
        net::from_slice(bytes)
    }
    const ADAPTERS_TRANSPARENT: bool = false;
    const END_IS_THE_INPUT: bool = true;
}

fn labels(v: Vec<String>) -> Vec<LenU8<String>> {
    v.into_iter().map(LenU8).collect()
}

fn pairs(v: Vec<(String, String)>) -> Vec<(NulStr, NulStr)> {
    v.into_iter().map(|(a, b)| (NulStr(a), NulStr(b))).collect()
}

crate::wrapper_cases! { Net;
    len_u8_strings_match_the_module: String =>
        LenU8<String> = LenU8,
        "netwire::with::len_u8" String = |g| g,
        String = |g| g,
        anywhere;
    len_u8_byte_vectors_match_the_module: Vec<u8> =>
        LenU8<Vec<u8>> = LenU8,
        "netwire::with::len_u8" Vec<u8> = |g| g,
        Vec<u8> = |g| g,
        anywhere;
    len_u16_sequences_match_the_module: Vec<u16> =>
        LenU16<Vec<u16>> = LenU16,
        "netwire::with::len_u16" Vec<u16> = |g| g,
        Vec<u16> = |g| g,
        anywhere;
    len_u32_strings_match_the_module: String =>
        LenU32<String> = LenU32,
        "netwire::with::len_u32" String = |g| g,
        String = |g| g,
        anywhere;
    len_u64_string_lists_match_the_module: Vec<String> =>
        LenU64<Vec<String>> = LenU64,
        "netwire::with::len_u64" Vec<String> = |g| g,
        Vec<String> = |g| g,
        anywhere;
    len_i16_strings_match_the_module: String =>
        LenI16<String> = LenI16,
        "netwire::with::len_i16" String = |g| g,
        String = |g| g,
        anywhere;
    len_i32_maps_match_the_module: BTreeMap<u8, String> =>
        LenI32<BTreeMap<u8, String>> = LenI32,
        "netwire::with::len_i32" BTreeMap<u8, String> = |g| g,
        BTreeMap<u8, String> = |g| g,
        anywhere;
    nullable_i16_strings_match_the_module: Option<String> =>
        NullableI16<String> = NullableI16,
        "netwire::with::nullable_i16" Option<String> = |g| g,
        Option<String> = |g| g,
        anywhere;
    nullable_i32_bytes_match_the_module: Option<Vec<u8>> =>
        NullableI32<Vec<u8>> = NullableI32,
        "netwire::with::nullable_i32" Option<Vec<u8>> = |g| g,
        Option<Vec<u8>> = |g| g,
        anywhere;
    c_strings_match_the_module: String =>
        NulStr = NulStr,
        "netwire::with::cstr" String = |g| g,
        String = |g| g,
        anywhere;
    nul_terminated_labels_match_the_module: Vec<String> =>
        NulTerminated<Vec<LenU8<String>>> = |g| NulTerminated(labels(g)),
        "netwire::with::nul_terminated" Vec<LenU8<String>> = labels,
        Vec<LenU8<String>> = labels,
        anywhere;
    rest_bytes_as_a_sequence_match_the_module: Vec<u8> =>
        Rest<Vec<u8>> = Rest,
        "netwire::with::rest" Vec<u8> = |g| g,
        Vec<u8> = |g| g,
        at_end;
    rest_strings_match_the_module: String =>
        Rest<String> = Rest,
        "netwire::with::rest" String = |g| g,
        String = |g| g,
        at_end;
    rest_option_pairs_match_the_module: Vec<(String, String)> =>
        Rest<Vec<(NulStr, NulStr)>> = |g| Rest(pairs(g)),
        "netwire::with::rest" Vec<(NulStr, NulStr)> = pairs,
        Vec<(NulStr, NulStr)> = pairs,
        at_end;
    rest_byte_buffers_match_the_module_on_serde_bytes: Vec<u8> =>
        RestBytes = RestBytes,
        "netwire::with::rest" serde_bytes::ByteBuf = serde_bytes::ByteBuf::from,
        serde_bytes::ByteBuf = serde_bytes::ByteBuf::from,
        at_end;
    rest_byte_buffers_match_the_module_on_a_vec: Vec<u8> =>
        RestBytes = RestBytes,
        "netwire::with::rest" Vec<u8> = |g| g,
        Vec<u8> = |g| g,
        at_end;
    empty_as_none_matches_the_module: Option<(u8, u32)> =>
        EmptyAsNone<(u8, u32)> = EmptyAsNone,
        "netwire::with::empty_as_none" Option<(u8, u32)> = |g| g,
        Option<(u8, u32)> = |g| g,
        at_end;
}

#[test]
fn kafka_topic_lists_need_no_newtype() {
    // A Metadata request v0: an INT32 count of INT16-length strings.
    let topics: LenI32<Vec<LenI16<String>>> = LenI32(vec![LenI16("a".into()), LenI16("bc".into())]);
    let wire = net::to_vec(&topics).unwrap();
    assert_eq!(wire, b"\0\0\0\x02\0\x01a\0\x02bc");
    assert_eq!(
        net::from_slice::<LenI32<Vec<LenI16<String>>>>(&wire).unwrap(),
        topics
    );
    // A negative element length is an error at that element.
    let err =
        net::from_slice::<LenI32<Vec<LenI16<String>>>>(b"\0\0\0\x02\0\x01a\xff\xfe").unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (&ErrorKind::NegativeLength(-2), Some(7))
    );
}

#[test]
fn wrappers_serve_as_map_keys_and_values() {
    let map: HashMap<NulStr, NullableI16<String>> = HashMap::from([
        (NulStr("client".into()), NullableI16(Some("x".into()))),
        (NulStr("rack".into()), NullableI16(None)),
    ]);
    let wire = net::to_vec(&map).unwrap();
    assert_eq!(net::from_slice::<HashMap<_, _>>(&wire).unwrap(), map);
    let one = BTreeMap::from([(LenU8("k".to_string()), LenU16(vec![1u8]))]);
    assert_eq!(net::to_vec(&one).unwrap(), b"\0\0\0\x01\x01k\0\x01\x01");
}

#[test]
fn rest_bytes_decodes_into_each_buffer_in_one_piece() {
    // A TFTP data packet's block number, then the data.
    let wire = b"\0\x07payload";
    let (block, v): (u16, RestBytes<Vec<u8>>) = net::from_slice(wire).unwrap();
    assert_eq!((block, v.as_slice()), (7, &b"payload"[..]));
    let (_, b): (u16, RestBytes<Box<[u8]>>) = net::from_slice(wire).unwrap();
    assert_eq!(&*b.into_inner(), b"payload");
    let (_, by): (u16, RestBytes<bytes::Bytes>) = net::from_slice(wire).unwrap();
    assert_eq!(by.0, bytes::Bytes::from_static(b"payload"));
    let (_, view): (u16, RestBytes<&[u8]>) = net::from_slice(wire).unwrap();
    // Borrowed: the very bytes of the input.
    assert!(std::ptr::eq(view.0.as_ptr(), wire[2..].as_ptr()));
    // Any AsRef<[u8]> encodes, to the same bytes.
    assert_eq!(net::to_vec(&(7u16, &v)).unwrap(), wire);
    assert_eq!(net::to_vec(&(7u16, view)).unwrap(), wire);
    assert_eq!(net::to_vec(&(7u16, &by)).unwrap(), wire);
    // An empty rest is an empty buffer.
    let (_, empty): (u16, RestBytes) = net::from_slice(b"\0\x07").unwrap();
    assert!(empty.is_empty());
}

#[test]
fn rest_wrappers_need_a_known_end() {
    for err in [
        net::from_reader::<_, (u16, RestBytes)>(&b"\0\x01ab"[..]).unwrap_err(),
        net::take_from_slice::<(u16, RestBytes)>(b"\0\x01ab").unwrap_err(),
        net::from_reader::<_, (u16, Rest<Vec<u8>>)>(&b"\0\x01ab"[..]).unwrap_err(),
        net::from_reader::<_, EmptyAsNone<u8>>(&b"\x01"[..]).unwrap_err(),
    ] {
        assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
    }
    // Over the limit, the rest is refused, not cut short.
    let err = net::Config::new()
        .with_limit(3)
        .from_slice::<(u16, RestBytes)>(b"\0\x01ab")
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::LengthOverLimit { .. }),
        "{err:?}"
    );
}

#[test]
fn a_length_too_wide_is_the_same_error_as_the_module() {
    #[derive(Serialize)]
    struct Moduled(#[serde(with = "netwire::with::len_u8")] String);
    let long = "x".repeat(256);
    let wrapped = net::to_vec(&LenU8(long.clone())).unwrap_err();
    let moduled = net::to_vec(&Moduled(long)).unwrap_err();
    assert_eq!(
        wrapped.kind(),
        &ErrorKind::LengthOverflow { len: 256, max: 255 }
    );
    assert_eq!(wrapped.kind(), moduled.kind());
    let err = net::to_vec(&vec![LenI16(vec![0u8; 32_768])]).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LengthOverflow {
            len: 32_768,
            max: 32_767
        }
    );
}

#[test]
fn a_wrapper_on_a_value_without_a_length_is_misplaced() {
    let err = net::to_vec(&LenU8(5u32)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
    let err = net::from_slice::<LenU8<u32>>(&[0, 0, 0, 5]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
    let err = net::to_vec(&NulStr(vec![1u16])).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
}

#[test]
fn wrappers_behave_as_the_values_they_hold() {
    let mut s = LenU8::from(String::from("ab"));
    s.push('c');
    assert_eq!((s.len(), s.as_str()), (3, "abc"));
    assert_eq!(s.clone().into_inner(), "abc");
    assert!(LenU8("a".to_string()) < LenU8("b".to_string()));
    assert_eq!(NullableI32::<Vec<u8>>::default(), NullableI32(None));
    assert_eq!(EmptyAsNone::<u8>::default().into_inner(), None);
    assert_eq!(NulStr::default(), NulStr(String::new()));
    assert_eq!(RestBytes::<Vec<u8>>::default().len(), 0);
    let borrowed: NulStr<&str> = NulStr("mode");
    let copy = borrowed;
    assert_eq!(format!("{copy:?}"), "NulStr(\"mode\")");
    assert_eq!(*LenU64::from(vec![1u8]), vec![1]);
    assert_eq!(Rest(vec![1u8]).into_inner(), LenU32(vec![1u8]).into_inner());
    assert_eq!(LenI16(1u8).cmp(&LenI16(2)), std::cmp::Ordering::Less);
    assert_eq!(NulTerminated(vec![1u8]).0, vec![1]);
}
