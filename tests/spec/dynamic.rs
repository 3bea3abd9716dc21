//! `Spec::decode` with the JSON document alone against the typed decoder:
//! the same values (compared as JSON), the same bytes taken, and for
//! every truncation and single-byte change of a valid message the same
//! error kind, offset and needed length.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use netwire::net::{Config, EnumTagging};
use netwire::spec::{Framing, Spec, Value};
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::types::{All, Maybe, Msg, Op, Records, SMALL, Scalars, Shapes, Texts, WIDE};

/// Shapes the other catalogue types leave out.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Extra {
    pub deep: Option<Option<Vec<Option<u8>>>>,
    pub pair: (char, i128, u128),
    pub map: BTreeMap<String, Vec<u16>>,
    pub ops: Vec<Op>,
    pub shapes: Vec<Shapes>,
    pub unit: (),
    pub boxed: [Option<f64>; 2],
}

impl Arbitrary for Extra {
    fn arbitrary(g: &mut Gen) -> Self {
        Extra {
            deep: Arbitrary::arbitrary(g),
            pair: Arbitrary::arbitrary(g),
            map: Arbitrary::arbitrary(g),
            ops: Arbitrary::arbitrary(g),
            shapes: Arbitrary::arbitrary(g),
            unit: (),
            boxed: [Arbitrary::arbitrary(g), Arbitrary::arbitrary(g)],
        }
    }
}

/// The spec of `T` under `cfg`, as read back from its JSON document.
fn spec_of<T: DeserializeOwned, G: EnumTagging>(cfg: Config<G>) -> Spec {
    let traced = Spec::new("t", cfg, Framing::length_prefix_u32())
        .message::<T>()
        .expect("traces");
    Spec::from_json(&traced.to_json()).expect("reads back")
}

type Outcome = Result<Json, (netwire::ErrorKind, Option<u64>, Option<u64>)>;

/// A decoded value as JSON text. Two are equal when the texts are, or
/// when they are the same data with map entries in another order (a typed
/// `BTreeMap` sorts its keys, the spec's decoder keeps the wire's order).
struct Json(String);

impl Json {
    fn of<V: Serialize>(v: &V) -> Json {
        Json(serde_json::to_string(v).expect("json"))
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        let data = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
        self.0 == other.0 || data(&self.0).is_some_and(|a| Some(a) == data(&other.0))
    }
}

impl std::fmt::Debug for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn typed<T: Serialize + DeserializeOwned, G: EnumTagging>(cfg: &Config<G>, b: &[u8]) -> Outcome {
    cfg.from_slice::<T>(b)
        .map(|v| Json::of(&v))
        .map_err(|e| (e.kind().clone(), e.offset(), e.needed()))
}

fn dynamic(spec: &Spec, b: &[u8]) -> Outcome {
    spec.decode(b)
        .map(|v| Json::of(&v))
        .map_err(|e| (e.kind().clone(), e.offset(), e.needed()))
}

type Used = Result<usize, (netwire::ErrorKind, Option<u64>)>;

fn typed_prefix<T: DeserializeOwned, G: EnumTagging>(cfg: &Config<G>, b: &[u8]) -> Used {
    cfg.take_from_slice::<T>(b)
        .map(|(_, rest)| b.len() - rest.len())
        .map_err(|e| (e.kind().clone(), e.offset()))
}

fn dynamic_prefix(spec: &Spec, b: &[u8]) -> Used {
    spec.decode_prefix(b)
        .map(|(_, n)| n)
        .map_err(|e| (e.kind().clone(), e.offset()))
}

/// Checks one value and every truncation of its encoding; with `mutate`,
/// also the encoding with byte `at` replaced by `with`.
fn agree<T, G>(cfg: Config<G>, spec: &Spec, v: &T, mutate: Option<(usize, u8)>) -> TestResult
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
    G: EnumTagging,
{
    let Ok(bytes) = cfg.to_vec(v) else {
        return TestResult::discard();
    };
    let whole = typed::<T, G>(&cfg, &bytes);
    assert_eq!(whole, Ok(Json::of(v)), "the typed round trip");
    assert_eq!(dynamic(spec, &bytes), whole, "{v:?}");
    assert_eq!(
        dynamic_prefix(spec, &bytes),
        typed_prefix::<T, G>(&cfg, &bytes)
    );
    for k in 0..bytes.len() {
        let cut = &bytes[..k];
        assert_eq!(dynamic(spec, cut), typed::<T, G>(&cfg, cut), "cut at {k}");
        assert_eq!(
            dynamic_prefix(spec, cut),
            typed_prefix::<T, G>(&cfg, cut),
            "prefix cut at {k}"
        );
    }
    if let Some((at, with)) = mutate {
        if !bytes.is_empty() {
            let mut bad = bytes.clone();
            let i = at % bad.len();
            bad[i] = with;
            assert_eq!(
                dynamic(spec, &bad),
                typed::<T, G>(&cfg, &bad),
                "byte {i} = {with}"
            );
            let mut longer = bytes.clone();
            longer.push(with);
            assert_eq!(dynamic(spec, &longer), typed::<T, G>(&cfg, &longer));
        }
    }
    TestResult::passed()
}

fn qc(tests: u64) -> QuickCheck {
    QuickCheck::new()
        .rng(Gen::new(12))
        .tests(tests)
        .max_tests(tests * 10)
}

struct Specs {
    wide: Spec,
    small: Spec,
    scalars: Spec,
    extra: Spec,
    records: Spec,
    maybe: Spec,
    msg: Spec,
}

fn specs() -> &'static Specs {
    static SPECS: OnceLock<Specs> = OnceLock::new();
    SPECS.get_or_init(|| Specs {
        wide: spec_of::<All, _>(WIDE),
        small: spec_of::<All, _>(SMALL),
        scalars: spec_of::<Scalars, _>(WIDE),
        extra: spec_of::<Extra, _>(SMALL),
        records: spec_of::<Records, _>(WIDE),
        maybe: spec_of::<Maybe, _>(SMALL),
        msg: spec_of::<Msg, _>(WIDE),
    })
}

#[test]
fn dynamic_decodes_what_the_typed_decoder_decodes_for_every_shape() {
    // `All` holds a `Padded`, whose own impl checks its bytes: no mutations.
    fn prop(v: All) -> TestResult {
        let s = specs();
        let a = agree(WIDE, &s.wide, &v, None);
        if a.is_failure() {
            return a;
        }
        agree(SMALL, &s.small, &v, None)
    }
    qc(25).quickcheck(prop as fn(All) -> TestResult);
}

#[test]
fn dynamic_refuses_what_the_typed_decoder_refuses_with_the_same_error() {
    fn prop(sc: Scalars, e: Extra, r: Records, m: Maybe, at: usize, with: u8) -> TestResult {
        let s = specs();
        let msg = Msg::Chat {
            room: at as u16,
            text: "hi".into(),
        };
        let mutate = Some((at, with));
        let results = [
            agree(WIDE, &s.scalars, &sc, mutate),
            agree(SMALL, &s.extra, &e, mutate),
            agree(WIDE, &s.records, &r, mutate),
            agree(SMALL, &s.maybe, &m, mutate),
            agree(WIDE, &s.msg, &msg, mutate),
        ];
        results
            .into_iter()
            .find(TestResult::is_failure)
            .unwrap_or_else(TestResult::passed)
    }
    qc(60).quickcheck(prop as fn(Scalars, Extra, Records, Maybe, usize, u8) -> TestResult);
}

#[test]
fn dynamic_keeps_the_limits_of_the_document() {
    // A count over the element budget, a depth over the depth limit.
    let spec = spec_of::<Texts, _>(SMALL);
    let v = Texts {
        s: String::new(),
        b: vec![],
        v: vec![],
        arr: [0; 4],
        tup: (0, String::new(), 0),
        opt: None,
        opt2: None,
        seq: vec![],
        map: BTreeMap::new(),
        nested: vec![],
        r#type: 0,
    };
    let mut bytes = SMALL.to_vec(&v).unwrap();
    // `v` is the third field; its u16 count follows `s` and `b` (2 + 2).
    bytes[4] = 0xff;
    bytes[5] = 0xff;
    let err = spec.decode(&bytes).unwrap_err();
    assert_eq!(
        Err::<(), _>((err.kind().clone(), err.offset())),
        SMALL
            .from_slice::<Texts>(&bytes)
            .map(|_| ())
            .map_err(|e| (e.kind().clone(), e.offset()))
    );
    let shapes = spec_of::<Shapes, _>(SMALL);
    let deep: Vec<u8> = std::iter::repeat_n([0, 1], 10).flatten().collect();
    let err = shapes.decode(&deep).unwrap_err();
    assert_eq!(err.kind(), &netwire::ErrorKind::DepthLimit(6));
    assert_eq!(
        SMALL.from_slice::<Shapes>(&deep).unwrap_err().offset(),
        err.offset()
    );
}

#[test]
fn a_dynamic_value_prints_as_json_and_dumps_with_offsets() {
    let spec = spec_of::<Msg, _>(Config::new());
    let bytes = Config::new()
        .to_vec(&Msg::Chat {
            room: 7,
            text: "hé".into(),
        })
        .unwrap();
    let v = spec.decode(&bytes).unwrap();
    assert_eq!(v.field("room"), Some(&Value::U16(7)));
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"Chat":{"room":7,"text":"hé"}}"#
    );
    assert_eq!(
        spec.dump(&bytes),
        "0000..0010  Msg::Chat (tag 1)\n0001..0003    room: u16 = 7\n0003..0010    text: str = \"hé\"\n"
    );
    let mut bad = bytes.clone();
    bad[0] = 9;
    assert_eq!(
        spec.dump(&bad),
        "0000..0001  Msg (error)\nerror: enum tag 9 out of range, the type has 3 variant(s) at byte offset 0\n"
    );
}

mod empty {
    use serde::{Deserialize, Serialize};
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    pub struct Units(pub Vec<Vec<()>>);
}

#[test]
fn a_count_of_empty_values_cannot_make_dynamic_allocate_for_it() {
    // Five bytes claim 16 million `()`: the typed decoder makes a `Vec<()>`
    // of no memory; a `Value` per element would take over a gigabyte.
    let spec = spec_of::<empty::Units, _>(Config::new());
    let bytes = [0, 0, 0, 1, 0, 0xff, 0xff, 0xff];
    let limit = Config::new().limit() as u64;
    assert!(0xff_ffff <= limit);
    let err = spec.decode(&bytes).unwrap_err();
    assert_eq!(
        (err.kind(), err.offset()),
        (
            &netwire::ErrorKind::LengthOverLimit {
                len: (1 << 16) + 1,
                limit: 1 << 16
            },
            Some(8)
        )
    );
    // Within the cap, the same values as the typed decoder.
    let small = [0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0];
    assert_eq!(
        dynamic(&spec, &small),
        typed::<empty::Units, _>(&Config::new(), &small)
    );
}

#[test]
fn a_deep_message_stops_at_the_dynamic_depth_cap_without_overflowing_the_stack() {
    // A document may claim any depth; the decoder's own cap bounds its
    // recursion (this runs on a test thread's 2 MiB stack, debug build).
    let spec = spec_of::<Shapes, _>(Config::new().with_depth(1_000_000));
    let deep: Vec<u8> = std::iter::repeat_n(1u8, 100_000).collect();
    let err = spec.decode(&deep).unwrap_err();
    assert_eq!(err.kind(), &netwire::ErrorKind::DepthLimit(256));
}
