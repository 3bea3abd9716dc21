//! `Spec::compare`, checked against the typed codec: for each kind of
//! change, a v1 and a v2 of a message type are traced and compared, then
//! messages of each version are encoded and decoded with the other. What
//! the diff calls readable must decode to the same values; what it calls
//! failing must be refused on some message and misread on none; what it
//! calls a misread must fail or decode differently on some message.
//! Also: the fingerprint follows the layout, the JSON document round-trips,
//! and the lockfile check passes, fails and updates.

use netwire::ErrorKind;
use netwire::net::{Config, EnumTagging, EnumTags, TagWidth};
use netwire::spec::{Change, Effect, Framing, Spec, Verdict, check_lockfile};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What one reader did with the other version's messages.
#[derive(Debug, Default)]
struct Seen {
    same: usize,
    failed: Vec<ErrorKind>,
    misread: usize,
}

/// JSON of a value with keys and unit variant names renamed from the
/// writer's names to the reader's, and bools as 0 and 1.
fn json<T: Serialize>(v: &T, renames: &[(&str, &str)]) -> serde_json::Value {
    fn walk(v: serde_json::Value, renames: &[(&str, &str)]) -> serde_json::Value {
        let rename = |k: String| {
            renames
                .iter()
                .find(|(a, _)| *a == k)
                .map_or(k, |(_, b)| b.to_string())
        };
        match v {
            serde_json::Value::Object(m) => serde_json::Value::Object(
                m.into_iter()
                    .map(|(k, x)| (rename(k), walk(x, renames)))
                    .collect(),
            ),
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(|x| walk(x, renames)).collect())
            }
            serde_json::Value::String(s) => serde_json::Value::String(rename(s)),
            // `true` and `1` are the same byte, and the same meaning.
            serde_json::Value::Bool(b) => serde_json::Value::from(u8::from(b)),
            x => x,
        }
    }
    walk(serde_json::to_value(v).expect("json"), renames)
}

/// Decodes every writer sample with the reader type.
fn read_with<W, R, GW, GR>(
    wcfg: &Config<GW>,
    rcfg: &Config<GR>,
    samples: &[W],
    renames: &[(&str, &str)],
) -> Seen
where
    W: Serialize,
    R: Serialize + DeserializeOwned,
    GW: EnumTagging,
    GR: EnumTagging,
{
    let mut seen = Seen::default();
    for s in samples {
        let bytes = wcfg.to_vec(s).expect("a sample encodes");
        match rcfg.from_slice::<R>(&bytes) {
            Err(e) => seen.failed.push(e.kind().clone()),
            Ok(r) => {
                let again = rcfg.to_vec(&r).expect("re-encode");
                if again == bytes && json(&r, &[]) == json(s, renames) {
                    seen.same += 1;
                } else {
                    seen.misread += 1;
                }
            }
        }
    }
    seen
}

/// The worst effect the changes claim for one direction.
fn worst(changes: &[Change], f: impl Fn(&Change) -> Effect) -> Effect {
    changes.iter().map(f).max().unwrap_or(Effect::Reads)
}

/// Whether what a reader did matches the effect the diff claims.
fn agrees(claim: Effect, seen: &Seen) -> bool {
    match claim {
        Effect::Reads => seen.failed.is_empty() && seen.misread == 0,
        Effect::Fails => !seen.failed.is_empty() && seen.misread == 0,
        _ => !seen.failed.is_empty() || seen.misread > 0,
    }
}

/// Compares v2 (new) with v1 (old), checks both directions against the
/// codec, and returns the changes.
#[allow(clippy::too_many_arguments)]
fn case<Old, New, GO, GN>(
    old_cfg: Config<GO>,
    new_cfg: Config<GN>,
    old: &[Old],
    new: &[New],
    renames: &[(&str, &str)],
    verdict: Verdict,
) -> Vec<Change>
where
    Old: Serialize + DeserializeOwned,
    New: Serialize + DeserializeOwned,
    GO: EnumTagging,
    GN: EnumTagging,
{
    let old_spec = Spec::new("p", old_cfg, Framing::SelfDelimited)
        .message::<Old>()
        .expect("v1 traces");
    let new_spec = Spec::new("p", new_cfg, Framing::SelfDelimited)
        .message::<New>()
        .expect("v2 traces");
    let changes = new_spec.compare(&old_spec);
    let lines: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert!(!changes.is_empty(), "no change found");
    let back: Vec<(&str, &str)> = renames.iter().map(|&(a, b)| (b, a)).collect();
    let new_on_old = read_with::<Old, New, _, _>(&old_cfg, &new_cfg, old, renames);
    let old_on_new = read_with::<New, Old, _, _>(&new_cfg, &old_cfg, new, &back);
    let (n, o) = (
        worst(&changes, Change::new_reads_old),
        worst(&changes, Change::old_reads_new),
    );
    assert!(
        agrees(n, &new_on_old),
        "new reader on old bytes: the diff says {n:?}, the codec did {new_on_old:?}\n{lines:#?}"
    );
    assert!(
        agrees(o, &old_on_new),
        "old reader on new bytes: the diff says {o:?}, the codec did {old_on_new:?}\n{lines:#?}"
    );
    let overall = changes.iter().map(Change::verdict).max().expect("changes");
    assert_eq!(overall, verdict, "{lines:#?}");
    // The fingerprint moves with the layout: a change that is not one of
    // names or limits changes it; names and limits alone keep it. (Names
    // swapped, a field moved or a variant renumbered, keep the layout and
    // may keep it.)
    let names_or_limits = |c: &Change| {
        c.verdict() == Verdict::Identical
            || c.path().starts_with("config.limit")
            || c.path().starts_with("config.depth")
    };
    let swapped = |c: &Change| {
        c.description().starts_with("field moved") || c.description().starts_with("variant tag was")
    };
    if changes.iter().all(names_or_limits) {
        assert_eq!(new_spec.fingerprint(), old_spec.fingerprint(), "{lines:#?}");
    }
    if changes.iter().any(|c| !names_or_limits(c) && !swapped(c)) {
        assert_ne!(new_spec.fingerprint(), old_spec.fingerprint(), "{lines:#?}");
    }
    changes
}

mod field_renamed {
    use serde::{Deserialize, Serialize};
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct V1 {
        pub room: u16,
        pub text: String,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct V2 {
        pub channel: u16,
        pub text: String,
    }
}

#[test]
fn a_renamed_field_or_type_is_identical_on_the_wire() {
    use field_renamed::{V1, V2};
    let old = [V1 {
        room: 7,
        text: "hi".into(),
    }];
    let new = [V2 {
        channel: 9,
        text: "yo".into(),
    }];
    let changes = case(
        Config::new(),
        Config::new(),
        &old,
        &new,
        &[("room", "channel")],
        Verdict::Identical,
    );
    let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "[identical] V2 (byte 0): type V1 renamed to V2; new reader on old bytes: reads, \
             old reader on new bytes: reads",
            "[identical] V2.channel (byte 0): field room renamed to channel; new reader on old \
             bytes: reads, old reader on new bytes: reads",
        ]
    );
}

mod variants {
    use serde::{Deserialize, Serialize};
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum V1 {
        Ping(u32),
        Chat { room: u16 },
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Appended {
        Ping(u32),
        Chat { room: u16 },
        Bye,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Inserted {
        Ping(u32),
        Bye,
        Chat { room: u16 },
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Removed {
        Ping(u32),
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub enum Renamed {
        Ping(u32),
        Talk { room: u16 },
    }
}

fn v1_samples() -> Vec<variants::V1> {
    vec![variants::V1::Ping(1), variants::V1::Chat { room: 7 }]
}

#[test]
fn an_appended_variant_is_read_by_new_readers_and_refused_by_old_ones() {
    use variants::Appended as A;
    let new = [A::Ping(3), A::Chat { room: 2 }, A::Bye];
    let changes = case(
        Config::new(),
        Config::new(),
        &v1_samples(),
        &new,
        &[("V1", "Appended")],
        Verdict::NewReadsOld,
    );
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[1].path(), "Appended::Bye");
    // The old reader refuses exactly the new variant, by its tag.
    let bytes = Config::new().to_vec(&A::Bye).unwrap();
    let err = Config::new()
        .from_slice::<variants::V1>(&bytes)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::TagOutOfRange {
            tag: 2,
            variants: 2
        }
    );
}

#[test]
fn a_variant_inserted_before_others_is_breaking() {
    use variants::Inserted as I;
    let new = [I::Ping(3), I::Bye, I::Chat { room: 2 }];
    let changes = case(
        Config::new(),
        Config::new(),
        &v1_samples(),
        &new,
        &[],
        Verdict::Breaking,
    );
    let chat = changes
        .iter()
        .find(|c| c.path() == "Inserted::Chat")
        .expect("Chat renumbered");
    assert_eq!(chat.description(), "variant tag was 1, is 2");
}

#[test]
fn a_removed_variant_is_read_by_old_readers_only() {
    use variants::Removed as R;
    case(
        Config::new(),
        Config::new(),
        &v1_samples(),
        &[R::Ping(5)],
        &[],
        Verdict::OldReadsNew,
    );
}

#[test]
fn a_renamed_variant_is_identical() {
    use variants::Renamed as R;
    case(
        Config::new(),
        Config::new(),
        &v1_samples(),
        &[R::Ping(5), R::Talk { room: 1 }],
        &[("Chat", "Talk")],
        Verdict::Identical,
    );
}

const OLD_TAGS: &[EnumTags] = &[EnumTags::of::<variants::V1>(TagWidth::U16, &[1, 2])];
const NEW_TAGS: &[EnumTags] = &[EnumTags::of::<variants::V1>(TagWidth::U16, &[2, 1])];
const WIDE_TAGS: &[EnumTags] = &[EnumTags::of::<variants::V1>(TagWidth::U32, &[1, 2])];

#[test]
fn a_renumbered_tag_table_is_breaking() {
    let old = Config::new().with_enum_tags(OLD_TAGS);
    let new = Config::new().with_enum_tags(NEW_TAGS);
    let changes = case(
        old,
        new,
        &v1_samples(),
        &v1_samples(),
        &[],
        Verdict::Breaking,
    );
    assert!(
        changes
            .iter()
            .all(|c| c.description().starts_with("variant tag was"))
    );
    let wide = Config::new().with_enum_tags(WIDE_TAGS);
    let changes = case(
        old,
        wide,
        &v1_samples(),
        &v1_samples(),
        &[],
        Verdict::Breaking,
    );
    assert_eq!(changes[0].description(), "enum tags were 2 byte(s), are 4");
}

mod fields {
    use serde::{Deserialize, Serialize};
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct V1 {
        pub a: u16,
        pub b: u16,
        pub flag: bool,
        pub text: String,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Reordered {
        pub b: u16,
        pub a: u16,
        pub flag: bool,
        pub text: String,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Widened {
        pub a: u32,
        pub b: u16,
        pub flag: bool,
        pub text: String,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Byte {
        pub a: u16,
        pub b: u16,
        pub flag: u8,
        pub text: String,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Raw {
        pub a: u16,
        pub b: u16,
        pub flag: bool,
        #[serde(with = "serde_bytes")]
        pub text: Vec<u8>,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Room(pub u16);
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Wrapped {
        pub a: Room,
        pub b: u16,
        pub flag: bool,
        #[serde(with = "netwire::with::len_u32")]
        pub text: String,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Added {
        pub a: u16,
        pub b: u16,
        pub flag: bool,
        pub text: String,
        pub more: u8,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Short {
        pub a: u16,
        pub b: u16,
        pub flag: bool,
        #[serde(with = "netwire::with::len_u8")]
        pub text: String,
    }
}

fn fields_v1() -> Vec<fields::V1> {
    vec![
        fields::V1 {
            a: 1,
            b: 2,
            flag: true,
            text: "x".into(),
        },
        fields::V1 {
            a: 0x1234,
            b: 0,
            flag: false,
            text: String::new(),
        },
    ]
}

#[test]
fn reordered_fields_are_breaking_even_of_one_type() {
    use fields::Reordered as R;
    let new = [R {
        b: 2,
        a: 1,
        flag: true,
        text: "x".into(),
    }];
    let changes = case(
        Config::new(),
        Config::new(),
        &fields_v1(),
        &new,
        &[("V1", "Reordered")],
        Verdict::Breaking,
    );
    assert_eq!(changes[1].path(), "Reordered.b");
    assert_eq!(changes[1].offset(), Some(0));
    assert_eq!(changes[1].description(), "field moved from position 1 to 0");
}

#[test]
fn a_widened_field_is_breaking_and_located() {
    use fields::Widened as W;
    let new = [W {
        a: 0x10000,
        b: 2,
        flag: true,
        text: "x".into(),
    }];
    let changes = case(
        Config::new(),
        Config::new(),
        &fields_v1(),
        &new,
        &[],
        Verdict::Breaking,
    );
    let c = changes.iter().find(|c| c.path() == "Widened.a").unwrap();
    assert_eq!((c.offset(), c.description()), (Some(0), "u16 became u32"));
}

#[test]
fn bool_to_u8_is_read_by_new_readers_only() {
    use fields::Byte as B;
    let new = [
        B {
            a: 1,
            b: 2,
            flag: 1,
            text: "x".into(),
        },
        B {
            a: 1,
            b: 2,
            flag: 2,
            text: "x".into(),
        },
    ];
    let changes = case(
        Config::new(),
        Config::new(),
        &fields_v1(),
        &new,
        &[],
        Verdict::NewReadsOld,
    );
    let c = changes.iter().find(|c| c.path() == "Byte.flag").unwrap();
    assert_eq!(c.offset(), Some(4));
}

/// A JSON string and a JSON array of bytes do not compare; for this case
/// the samples are compared through a type with both as bytes.
#[test]
fn str_to_bytes_is_read_by_new_readers_only() {
    use fields::Raw;
    let old = fields_v1();
    let new = [Raw {
        a: 1,
        b: 2,
        flag: true,
        text: vec![0xff, 0xfe],
    }];
    let old_spec = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<fields::V1>()
        .unwrap();
    let new_spec = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<Raw>()
        .unwrap();
    let changes = new_spec.compare(&old_spec);
    let c = changes.iter().find(|c| c.path() == "Raw.text").unwrap();
    assert_eq!(
        (c.new_reads_old(), c.old_reads_new()),
        (Effect::Reads, Effect::Fails)
    );
    // New readers read every old message to the same bytes.
    for o in &old {
        let bytes = Config::new().to_vec(o).unwrap();
        let r: Raw = Config::new().from_slice(&bytes).unwrap();
        assert_eq!(r.text, o.text.as_bytes());
        assert_eq!(Config::new().to_vec(&r).unwrap(), bytes);
    }
    // Old readers refuse bytes that are not UTF-8.
    let bytes = Config::new().to_vec(&new[0]).unwrap();
    let err = Config::new().from_slice::<fields::V1>(&bytes).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InvalidUtf8);
    assert_ne!(new_spec.fingerprint(), old_spec.fingerprint());
}

#[test]
fn a_newtype_wrapper_or_a_default_width_adapter_is_identical() {
    use fields::{Room, Wrapped as W};
    let new = [W {
        a: Room(3),
        b: 2,
        flag: true,
        text: "x".into(),
    }];
    let changes = case(
        Config::new(),
        Config::new(),
        &fields_v1(),
        &new,
        &[],
        Verdict::Identical,
    );
    assert!(
        changes
            .iter()
            .any(|c| c.description() == "u16 wrapped in Room")
    );
}

#[test]
fn an_added_field_or_a_narrower_prefix_is_breaking() {
    let new = [fields::Added {
        a: 1,
        b: 2,
        flag: true,
        text: "x".into(),
        more: 9,
    }];
    let changes = case(
        Config::new(),
        Config::new(),
        &fields_v1(),
        &new,
        &[],
        Verdict::Breaking,
    );
    assert!(changes.iter().any(|c| c.path() == "Added.more"));
    let new = [fields::Short {
        a: 1,
        b: 2,
        flag: true,
        text: "x".into(),
    }];
    case(
        Config::new(),
        Config::new(),
        &fields_v1(),
        &new,
        &[],
        Verdict::Breaking,
    );
}

#[test]
fn a_lower_limit_is_read_by_old_readers_only() {
    let big = fields::V1 {
        a: 1,
        b: 2,
        flag: true,
        text: "x".repeat(100),
    };
    let mut old = fields_v1();
    old.push(big);
    let changes = case(
        Config::new(),
        Config::new().with_limit(64),
        &old,
        &fields_v1(),
        &[],
        Verdict::OldReadsNew,
    );
    assert_eq!(changes[0].path(), "config.limit");
}

mod optional {
    use serde::{Deserialize, Serialize};
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct V1 {
        pub id: Option<u16>,
        pub tail: Vec<u8>,
    }
    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct V2 {
        pub id: Option<u32>,
        #[serde(with = "serde_bytes")]
        pub tail: Vec<u8>,
    }
}

#[test]
fn a_change_inside_an_option_is_located_past_its_marker() {
    use optional::{V1, V2};
    let old = [
        V1 {
            id: Some(5),
            tail: vec![1],
        },
        V1 {
            id: None,
            tail: vec![],
        },
    ];
    let new = [V2 {
        id: Some(70000),
        tail: vec![2],
    }];
    let changes = case(
        Config::new(),
        Config::new(),
        &old,
        &new,
        &[],
        Verdict::Breaking,
    );
    let c = changes.iter().find(|c| c.path() == "V2.id?").unwrap();
    assert_eq!(c.offset(), Some(1));
    // `Vec<u8>` and a byte string write the same bytes.
    let tail = changes.iter().find(|c| c.path() == "V2.tail").unwrap();
    assert_eq!(tail.verdict(), Verdict::Identical);
}

#[test]
fn the_same_layout_compares_empty_and_keeps_its_fingerprint() {
    let spec = || {
        Spec::new("p", Config::new(), Framing::length_prefix_u32())
            .message::<variants::V1>()
            .unwrap()
    };
    assert!(spec().compare(&spec()).is_empty());
    assert_eq!(spec().fingerprint(), spec().fingerprint());
    let other = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<variants::V1>()
        .unwrap();
    assert_ne!(other.fingerprint(), spec().fingerprint());
    assert_eq!(spec().compare(&other)[0].path(), "framing");
}

#[test]
fn json_documents_round_trip_for_every_spec_test_type() {
    use crate::types::{All, Maybe, Msg, Records, SMALL, WIDE};
    for cfg in [WIDE, SMALL] {
        let spec = Spec::new("all", cfg, Framing::length_prefix_u32())
            .message::<All>()
            .unwrap()
            .message::<Maybe>()
            .unwrap()
            .message::<Records>()
            .unwrap()
            .message::<Msg>()
            .unwrap();
        let json = spec.to_json();
        let back = Spec::from_json(&json).unwrap();
        assert_eq!(back.to_json(), json);
        assert_eq!(back.fingerprint(), spec.fingerprint());
        assert!(back.compare(&spec).is_empty());
        // What is generated from the document is what is generated from
        // the types (examples aside: the document has none).
        assert_eq!(back.python(), spec.python());
        assert_eq!(back.c_header(), spec.c_header());
        assert_eq!(back.wireshark_lua(7000), spec.wireshark_lua(7000));
        assert_eq!(back.markdown(), spec.markdown());
        // The document has no Rust types: its tag tables cannot encode.
        let err = back.clone().example(&Msg::Ping(1)).unwrap_err();
        assert_eq!(err.type_name(), "Op");
        // Parsing is not sensitive to key order or layout.
        let shuffled: serde_json::Value = serde_json::from_str(&json).unwrap();
        let compact = serde_json::to_string(&shuffled).unwrap();
        assert_eq!(Spec::from_json(&compact).unwrap().to_json(), json);
    }
}

#[test]
fn a_document_that_describes_no_layout_is_refused() {
    let spec = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<variants::V1>()
        .unwrap();
    let json = spec.to_json();
    for (from, to, why) in [
        ("\"version\": 1", "\"version\": 3", "version 3"),
        // Version 2 has a preamble, which this document lacks.
        ("\"version\": 1", "\"version\": 2", "missing key `preamble`"),
        ("\"type\": \"u32\"", "\"type\": \"u24\"", "no type"),
        (
            "\"type\": \"u32\"",
            "\"type\": {\"type\": \"Nope\"}",
            "lacks",
        ),
        ("\"tag\": 1", "\"tag\": 0", "tag 0"),
        ("\"tag\": 1", "\"tag\": 300", "does not fit"),
        ("\"tag_width\": 1,", "\"tag_width\": 3,", "tag width"),
        ("\"length_width\": 4", "\"length_width\": 3", "length width"),
        (
            "\"type\": \"u32\"",
            "\"type\": {\"with\": \"cstr\", \"of\": \"u32\"}",
            "does not apply",
        ),
        ("\"messages\": [\"V1\"]", "\"messages\": [\"V2\"]", "lacks"),
    ] {
        assert!(json.contains(from), "{from} not in {json}");
        let err = Spec::from_json(&json.replacen(from, to, 1)).unwrap_err();
        assert!(err.to_string().contains(why), "{from} -> {to}: {err}");
    }
    assert!(Spec::from_json("{").is_err());
    assert!(Spec::from_json("[]").is_err());
}

mod looped {
    use serde::{Deserialize, Serialize};
    #[derive(Serialize, Deserialize)]
    pub struct Node {
        pub value: u8,
        pub next: Option<Box<Node>>,
    }
}

#[test]
fn a_struct_that_contains_itself_is_refused_and_a_recursion_through_an_option_is_not() {
    let spec = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<looped::Node>()
        .unwrap();
    let json = spec.to_json();
    let back = Spec::from_json(&json).unwrap();
    assert_eq!(back.fingerprint(), spec.fingerprint());
    let bad = json.replace("{\"option\": {\"type\": \"Node\"}}", "{\"type\": \"Node\"}");
    assert_ne!(bad, json);
    let err = Spec::from_json(&bad).unwrap_err();
    assert!(err.to_string().contains("contains itself"), "{err}");
}

#[test]
fn the_lockfile_check_passes_fails_with_the_diff_and_updates() {
    use variants::{Appended, V1};
    let dir = crate::scratch("lockfile");
    let path = dir.join("wire").join("p.json");
    let v1 = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<V1>()
        .unwrap();
    // Missing: a failure that says how to create it.
    let err = check_lockfile(&path, &v1).unwrap_err();
    assert!(err.to_string().contains("NETWIRE_LOCK=update"), "{err}");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, v1.to_json()).unwrap();
    check_lockfile(&path, &v1).unwrap();
    std::fs::write(&path, v1.to_json().replace('\n', "\r\n")).unwrap();
    check_lockfile(&path, &v1).unwrap();
    let v2 = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<Appended>()
        .unwrap();
    let err = check_lockfile(&path, &v2).unwrap_err();
    assert!(!err.is_breaking());
    assert_eq!(err.changes().len(), 2);
    let text = format!("{err:?}");
    assert!(
        text.contains("[new reads old] Appended::Bye (byte 0): variant added with tag 2"),
        "{text}"
    );
    // The file is untouched by a failed check.
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        v1.to_json().replace('\n', "\r\n")
    );
}

/// The update path, in a child process so the environment variable stays
/// out of the other tests.
#[test]
fn the_lockfile_is_rewritten_under_netwire_lock_update() {
    if std::env::var_os("NETWIRE_LOCK_CHILD").is_some() {
        let path = std::env::var("NETWIRE_LOCK_CHILD").unwrap();
        let spec = Spec::new("p", Config::new(), Framing::SelfDelimited)
            .message::<variants::Appended>()
            .unwrap();
        check_lockfile(&path, &spec).unwrap();
        return;
    }
    let dir = crate::scratch("lockfile-update");
    let path = dir.join("new").join("p.json");
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "compat::the_lockfile_is_rewritten_under_netwire_lock_update",
            "--exact",
            "--quiet",
        ])
        .env("NETWIRE_LOCK", "update")
        .env("NETWIRE_LOCK_CHILD", &path)
        .env_remove("CI")
        .status()
        .unwrap();
    assert!(status.success());
    // Under CI=true a differing file is not rewritten.
    let other = dir.join("ci").join("p.json");
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "compat::the_lockfile_is_rewritten_under_netwire_lock_update",
            "--exact",
            "--quiet",
        ])
        .env("NETWIRE_LOCK", "update")
        .env("NETWIRE_LOCK_CHILD", &other)
        .env("CI", "true")
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success());
    assert!(!other.exists());
    let written = std::fs::read_to_string(&path).unwrap();
    let spec = Spec::new("p", Config::new(), Framing::SelfDelimited)
        .message::<variants::Appended>()
        .unwrap();
    assert_eq!(written, spec.to_json());
    check_lockfile(&path, &spec).unwrap();
}

/// The catalogue's document, edited: `edit` picks the kind of edit, `k`
/// which occurrence it applies to. Returns the edited text and whether the
/// edit changes what the bytes depend on.
fn edited(json: &str, edit: u8, k: usize) -> Option<(String, bool)> {
    let nth = |pat: &str| -> Option<usize> {
        let hits: Vec<usize> = json.match_indices(pat).map(|(i, _)| i).collect();
        (!hits.is_empty()).then(|| hits[k % hits.len()])
    };
    let replace_at = |at: usize, from: &str, to: &str| {
        format!("{}{}{}", &json[..at], to, &json[at + from.len()..])
    };
    Some(match edit % 7 {
        // A field renamed: names are not on the wire.
        0 => {
            let at = nth("{\"name\": \"")? + "{\"name\": \"".len();
            (replace_at(at, "", "renamed_"), false)
        }
        // A type renamed everywhere it is named.
        1 => (json.replace("\"Scalars\"", "\"Numbers\""), false),
        // The limit and depth: not the layout.
        2 => (json.replace("\"depth\": ", "\"depth\": 1"), false),
        // An integer widened, wherever it is.
        3 => (replace_at(nth("\"u16\"")?, "\"u16\"", "\"u32\""), true),
        // A signed integer made unsigned.
        4 => (replace_at(nth("\"i64\"")?, "\"i64\"", "\"u64\""), true),
        // A string made a byte string.
        5 => (replace_at(nth("\"str\"")?, "\"str\"", "\"bytes\""), true),
        // A tag of the tag table renumbered.
        _ => (json.replacen("\"tag\": 16,", "\"tag\": 17,", 1), true),
    })
}

#[test]
fn the_fingerprint_changes_exactly_when_the_layout_does() {
    use crate::types::{All, WIDE};
    fn prop(edit: u8, k: usize) -> quickcheck::TestResult {
        let spec = Spec::new("all", WIDE, Framing::length_prefix_u32())
            .message::<All>()
            .unwrap();
        let json = spec.to_json();
        let Some((text, layout)) = edited(&json, edit, k) else {
            return quickcheck::TestResult::discard();
        };
        assert_ne!(text, json, "edit {edit} did nothing");
        let other = Spec::from_json(&text).expect("an edited document reads");
        let changes = other.compare(&spec);
        assert!(!changes.is_empty());
        quickcheck::TestResult::from_bool(
            (other.fingerprint() != spec.fingerprint()) == layout
                && changes
                    .iter()
                    .all(|c| c.verdict() == Verdict::Identical || c.path().starts_with("config."))
                    != layout,
        )
    }
    quickcheck::QuickCheck::new()
        .tests(200)
        .quickcheck(prop as fn(u8, usize) -> quickcheck::TestResult);
}

#[test]
fn the_generated_python_and_c_carry_the_fingerprint() {
    let spec = Spec::new("chat", Config::new(), Framing::length_prefix_u32())
        .message::<crate::types::Msg>()
        .unwrap();
    let fp = spec.fingerprint();
    assert!(
        spec.python()
            .contains(&format!("\nFINGERPRINT = 0x{fp:016x}\n"))
    );
    assert!(
        spec.c_header()
            .contains(&format!("#define CHAT_FINGERPRINT UINT64_C(0x{fp:016x})"))
    );
}
