//! Messages written with the wrapper types of `netwire::with` have the
//! spec of the adapter modules: the wrappers pass the modules' names to
//! serde, so every generated file agrees, and an element's layout is
//! described in place, with no newtype of its own.

use netwire::net::Config;
use netwire::spec::{Framing, Spec};

mod wrapped {
    use netwire::with::{LenI16, LenI32, LenU8, NulStr, NulTerminated, NullableI32, RestBytes};

    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct Query {
        pub topics: LenI32<Vec<String>>,
        pub label: LenU8<String>,
        pub mode: NulStr,
        pub value: NullableI32<Vec<u8>>,
        pub payload: RestBytes,
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct Lists {
        pub topics: LenI32<Vec<LenI16<String>>>,
        pub name: NulTerminated<Vec<LenU8<String>>>,
    }
}

mod moduled {
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct Query {
        #[serde(with = "netwire::with::len_i32")]
        pub topics: Vec<String>,
        #[serde(with = "netwire::with::len_u8")]
        pub label: String,
        #[serde(with = "netwire::with::cstr")]
        pub mode: String,
        #[serde(with = "netwire::with::nullable_i32")]
        pub value: Option<Vec<u8>>,
        #[serde(with = "netwire::with::rest")]
        pub payload: serde_bytes::ByteBuf,
    }
}

fn spec() -> Spec {
    Spec::new("q", Config::new(), Framing::length_prefix_u32())
}

#[test]
fn wrapper_types_have_the_spec_of_the_modules() {
    let w = spec().message::<wrapped::Query>().unwrap();
    let m = spec().message::<moduled::Query>().unwrap();
    assert_eq!(w.markdown(), m.markdown());
    assert_eq!(w.python(), m.python());
    assert_eq!(w.c_header(), m.c_header());
    assert_eq!(w.wireshark_lua(9000), m.wireshark_lua(9000));
}

#[test]
fn wrapped_elements_are_described_in_place() {
    let md = spec().message::<wrapped::Lists>().unwrap().markdown();
    assert!(
        md.contains(
            "`with::len_i32`: count (4-byte big-endian), then each element: \
             `with::len_i16`: length (2-byte big-endian), then that many bytes of UTF-8"
        ),
        "{md}"
    );
    assert!(
        md.contains(
            "`with::nul_terminated`: elements until a `00` byte where the next would start, \
             each: `with::len_u8`: length (1-byte big-endian)"
        ),
        "{md}"
    );
}
