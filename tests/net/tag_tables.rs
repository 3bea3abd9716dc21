//! Tag tables bound to their enum's type: a table that does not fit its
//! enum is an error, never a wrong byte; an unknown tag names the enum and
//! its tags.

use netwire::ErrorKind;
use netwire::net::{Config, EnumTags, TagTable, TagWidth};
use serde::{Deserialize, Serialize};

/// PostgreSQL's backend messages, by their type byte (a few of them).
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Backend {
    Authentication(u32),
    ReadyForQuery(u8),
    ErrorResponse(#[serde(with = "netwire::with::cstr")] String),
}

/// The same enum, renamed on the wire: the table follows serde's name.
#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
#[serde(rename = "Reply")]
enum Renamed {
    Ok,
    No,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Wrapper(Backend);

const PG: Config<TagTable> = Config::new().with_enum_tags(&[EnumTags::bytes::<Backend>(b"RZE")]);

#[test]
fn a_typed_table_writes_and_reads_its_tags_anywhere() {
    let msg = Backend::ReadyForQuery(b'I');
    assert_eq!(PG.to_vec(&msg).unwrap(), b"ZI");
    assert_eq!(PG.from_slice::<Backend>(b"ZI").unwrap(), msg);
    let nested = vec![Wrapper(Backend::Authentication(0)), Wrapper(msg)];
    let wire = PG.to_vec(&nested).unwrap();
    assert_eq!(wire, b"\0\0\0\x02R\0\0\0\0ZI");
    assert_eq!(PG.from_slice::<Vec<Wrapper>>(&wire).unwrap(), nested);
}

#[test]
fn a_renamed_enum_keeps_its_table() {
    const C: Config<TagTable> =
        Config::new().with_enum_tags(&[EnumTags::of::<Renamed>(TagWidth::U16, &[200, 404])]);
    assert_eq!(C.enum_tags()[0].name(), "Reply");
    assert_eq!(C.to_vec(&Renamed::No).unwrap(), [1, 0x94]);
    assert_eq!(C.from_slice::<Renamed>(&[0, 200]).unwrap(), Renamed::Ok);
}

#[test]
fn a_table_with_fewer_or_more_tags_than_variants_is_refused_both_ways() {
    const SHORT: Config<TagTable> =
        Config::new().with_enum_tags(&[EnumTags::bytes::<Backend>(b"RZ")]);
    const LONG: Config<TagTable> =
        Config::new().with_enum_tags(&[EnumTags::bytes::<Backend>(b"RZEX")]);
    for (tags, config) in [(&b"RZ"[..], SHORT), (&b"RZEX"[..], LONG)] {
        let mismatch = ErrorKind::TagTableMismatch {
            enum_name: "Backend",
            tags: tags.len(),
            variants: 3,
        };
        // Even a variant that has a tag: the table is wrong as a whole.
        let err = config.to_vec(&Backend::Authentication(0)).unwrap_err();
        assert_eq!((err.kind(), err.offset()), (&mismatch, None));
        let err = config.from_slice::<Backend>(b"R\0\0\0\0").unwrap_err();
        assert_eq!((err.kind(), err.offset()), (&mismatch, None));
        assert_eq!(
            err.to_string(),
            format!(
                "the tag table of `Backend` has {} tag(s), but the enum has 3 variant(s)",
                tags.len()
            )
        );
    }
}

#[test]
fn a_string_table_is_checked_against_the_variants_when_decoding() {
    #[allow(deprecated)]
    const OLD: Config<TagTable> =
        Config::new().with_enum_tags(&[EnumTags::new("Backend", TagWidth::U8, &[1, 2])]);
    let err = OLD.from_slice::<Backend>(&[1, 0, 0, 0, 0]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::TagTableMismatch { .. }),
        "{err:?}"
    );
    // Encoding has no variant count to check against: the variant without
    // a tag is still refused.
    assert_eq!(
        OLD.to_vec(&Backend::ErrorResponse("x".into()))
            .unwrap_err()
            .kind(),
        &ErrorKind::TagOverflow { index: 2, max: 1 }
    );
}

#[test]
fn a_table_bound_to_a_type_that_is_not_an_enum_is_refused() {
    const WRONG: Config<TagTable> =
        Config::new().with_enum_tags(&[EnumTags::bytes::<Wrapper>(b"RZE")]);
    let err = WRONG.to_vec(&Backend::ReadyForQuery(0)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unsupported(_)), "{err:?}");
    assert_eq!(err.offset(), None);
    assert!(WRONG.from_slice::<Backend>(b"Z\0").is_err());
}

#[test]
fn an_unknown_tag_names_the_enum_and_its_tags() {
    let err = PG.from_slice::<Backend>(b"Q").unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (
            &ErrorKind::TagOutOfRange {
                tag: u64::from(b'Q'),
                variants: 3
            },
            Some(0)
        )
    );
    assert_eq!(
        err.to_string(),
        "tag 0x51 is not a tag of `Backend` (R, Z, E) at byte offset 0"
    );
}
