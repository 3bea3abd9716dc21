//! The generated files of the README's protocol, compared with
//! `tests/spec/golden/`; `NETWIRE_BLESS=1` rewrites them.

use netwire::net::Config;
use netwire::spec::{Framing, Spec};

use crate::types::Msg;

#[test]
fn generated_files_match_golden() {
    let spec = Spec::new("chat", Config::new(), Framing::length_prefix_u32())
        .message::<Msg>()
        .and_then(|s| s.example(&Msg::Ping(1)))
        .and_then(|s| {
            s.example(&Msg::Chat {
                room: 7,
                text: "hi".into(),
            })
        })
        .and_then(|s| s.example(&Msg::Bye))
        .expect("traces");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spec/golden");
    let bless = std::env::var("NETWIRE_BLESS").is_ok_and(|v| v == "1");
    for (file, text) in [
        ("chat.md", spec.markdown()),
        ("chat.py", spec.python()),
        ("chat.h", spec.c_header()),
        ("chat.lua", spec.wireshark_lua(7000)),
    ] {
        let path = dir.join(file);
        if bless {
            std::fs::write(&path, &text).expect("write golden");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            want == text,
            "{file} differs from tests/spec/golden (NETWIRE_BLESS=1 rewrites it)"
        );
    }
}

#[test]
fn untraceable_types_name_the_type() {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        a: u8,
    }
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Flat {
        #[serde(flatten)]
        inner: Inner,
    }
    let err = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<Flat>()
        .unwrap_err();
    assert_eq!(err.type_name(), "Flat");

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Bad(#[serde(with = "netwire::with::cstr")] u32);
    let err = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<Bad>()
        .unwrap_err();
    assert_eq!(err.type_name(), "Bad");
    assert!(err.reason().contains("cstr"), "{err}");

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    #[serde(tag = "t")]
    enum Internal {
        A { x: u8 },
    }
    let err = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<Internal>()
        .unwrap_err();
    assert_eq!(err.type_name(), "Internal");

    let err = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<u32>()
        .unwrap_err();
    assert!(err.reason().contains("struct or an enum"), "{err}");
}
