//! The wrapper types of `netwire::with` against the adapter modules they
//! stand for, in every position a value can take, for one format at a
//! time (included by `tests/net/wrappers.rs` and `tests/ascii/wrappers.rs`).

use std::collections::BTreeMap;
use std::fmt::Debug;

use netwire::Error;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A format the cases run in.
pub trait Format {
    fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, Error>;
    fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error>;
    /// Whether an adapter leaves a value as it would be without it (so the
    /// wrapper's bytes are also the plain value's).
    const ADAPTERS_TRANSPARENT: bool;
    /// Whether a cut-short message that ends in a `rest` or
    /// `empty_as_none` value may still decode (to a shorter value).
    const END_IS_THE_INPUT: bool;
}

/// Checks that `wrapped` (a wrapper type), `moduled` (a field under the
/// module) and, where the format ignores adapters, `plain` encode alike:
/// the same bytes, or both an error of the same kind; that the bytes decode
/// back to each; and that every cut-short input is an error (or, for a
/// value `at_end` in a format whose end is the input's, at least not a
/// panic). Returns whether they encoded.
pub fn same<F, W, M, P>(wrapped: &W, moduled: &M, plain: &P, at_end: bool) -> bool
where
    F: Format,
    W: Serialize + DeserializeOwned + PartialEq + Debug,
    M: Serialize + DeserializeOwned + PartialEq + Debug,
    P: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let w = F::encode(wrapped);
    let m = F::encode(moduled);
    let bytes = match (w, m) {
        (Ok(w), Ok(m)) => {
            assert_eq!(w, m, "wrapper {wrapped:?} and module {moduled:?} differ");
            w
        }
        (Err(w), Err(m)) => {
            assert_eq!(w.kind(), m.kind(), "{wrapped:?}");
            if F::ADAPTERS_TRANSPARENT {
                let p = F::encode(plain).unwrap_err();
                assert_eq!(w.kind(), p.kind(), "{plain:?}");
            }
            return false;
        }
        (w, m) => panic!("{wrapped:?}: wrapper gave {w:?}, module gave {m:?}"),
    };
    if F::ADAPTERS_TRANSPARENT {
        assert_eq!(F::encode(plain).unwrap(), bytes, "{plain:?}");
        assert_eq!(&F::decode::<P>(&bytes).unwrap(), plain);
    }
    assert_eq!(&F::decode::<W>(&bytes).unwrap(), wrapped, "{bytes:?}");
    assert_eq!(&F::decode::<M>(&bytes).unwrap(), moduled, "{bytes:?}");
    for n in 0..bytes.len() {
        let got = F::decode::<W>(&bytes[..n]);
        if !(at_end && F::END_IS_THE_INPUT) {
            assert!(got.is_err(), "{:?} of {bytes:?} gave {got:?}", &bytes[..n]);
        }
    }
    true
}

/// The values of `v` under the keys 0, 1, 2, …
pub fn values<T: Clone>(v: &[T]) -> BTreeMap<u8, T> {
    v.iter()
        .cloned()
        .enumerate()
        .map(|(i, x)| (i as u8, x))
        .collect()
}

/// The values of `v` as keys (duplicates merged, the same way whatever
/// the wrapping, as the orders agree).
pub fn keys<T: Clone + Ord>(v: &[T]) -> BTreeMap<T, u8> {
    v.iter()
        .cloned()
        .enumerate()
        .map(|(i, x)| (x, i as u8))
        .collect()
}

/// Defines one quickcheck test per case. A case names the generated input,
/// how to build the wrapper, the module and the field type it adapts,
/// the value without any adapter, and where the value may go: `anywhere`
/// (last field, nested struct, sequence element, map key and value, tuple
/// member, twice in a row) or `at_end` (only where nothing follows it: the
/// last field, a nested struct that ends the message, a tuple's last
/// member, the message itself).
#[macro_export]
macro_rules! wrapper_cases {
    ($fmt:ty; $(
        $test:ident: $gen:ty =>
            $wty:ty = $wmk:expr,
            $module:literal $mty:ty = $mmk:expr,
            $pty:ty = $pmk:expr,
            $place:ident;
    )*) => {$(
        #[test]
        fn $test() {
            use $crate::wrapper_cases::same;

            const TESTS: u64 = 100;
            static ENCODED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
            #[derive(PartialOrd, Ord, Eq)]
            struct Moduled(#[serde(with = $module)] $mty);

            #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
            struct FieldW { head: u8, value: $wty }
            #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
            struct FieldM { head: u8, #[serde(with = $module)] value: $mty }
            #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
            struct FieldP { head: u8, value: $pty }

            fn prop(g: $gen, more: Vec<$gen>, head: u8) -> bool {
                let wmk = $wmk;
                let mmk = $mmk;
                let pmk = $pmk;
                let w = || FieldW { head, value: wmk(g.clone()) };
                let m = || FieldM { head, value: mmk(g.clone()) };
                let p = || FieldP { head, value: pmk(g.clone()) };
                if same::<$fmt, _, _, _>(&w(), &m(), &p(), $crate::wrapper_cases!(@end $place)) {
                    ENCODED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                $crate::wrapper_cases!(@$place $fmt, g, more, head, w, m, p, wmk, mmk, pmk, $module, $mty);
                true
            }
            // Small values: every case decodes each cut-short input.
            quickcheck::QuickCheck::new()
                .rng(quickcheck::Gen::new(12))
                .tests(TESTS)
                .quickcheck(prop as fn($gen, Vec<$gen>, u8) -> bool);
            // Most values encode, so the comparison is mostly of bytes.
            let encoded = ENCODED.load(std::sync::atomic::Ordering::Relaxed);
            assert!(encoded > TESTS as usize / 2, "{encoded} of {TESTS} encoded");
        }
    )*};

    (@anywhere $fmt:ty, $g:ident, $more:ident, $head:ident, $w:ident, $m:ident, $p:ident,
        $wmk:ident, $mmk:ident, $pmk:ident, $module:literal, $mty:ty) => {{
        use $crate::wrapper_cases::{keys, values};

        // A struct nested in another, with a field after it.
        same::<$fmt, _, _, _>(&($w(), 7u16), &($m(), 7u16), &($p(), 7u16), false);
        // Sequence elements.
        let ws: Vec<_> = $more.iter().cloned().map(&$wmk).collect();
        let ms: Vec<_> = $more.iter().cloned().map(|g| Moduled($mmk(g))).collect();
        let ps: Vec<_> = $more.iter().cloned().map(&$pmk).collect();
        same::<$fmt, _, _, _>(&ws, &ms, &ps, false);
        // Map values and keys.
        same::<$fmt, _, _, _>(&values(&ws), &values(&ms), &values(&ps), false);
        same::<$fmt, _, _, _>(&keys(&ws), &keys(&ms), &keys(&ps), false);
        // Tuple members, and twice in a row.
        let (w, m, p) = ($wmk($g.clone()), Moduled($mmk($g.clone())), $pmk($g.clone()));
        same::<$fmt, _, _, _>(
            &(w.clone(), $head),
            &(m.clone(), $head),
            &(p.clone(), $head),
            false,
        );
        #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
        struct Twice(#[serde(with = $module)] $mty, #[serde(with = $module)] $mty);
        let twice = Twice($mmk($g.clone()), $mmk($g.clone()));
        same::<$fmt, _, _, _>(&(w.clone(), w), &twice, &(p.clone(), p), false);
    }};

    (@at_end $fmt:ty, $g:ident, $more:ident, $head:ident, $w:ident, $m:ident, $p:ident,
        $wmk:ident, $mmk:ident, $pmk:ident, $module:literal, $mty:ty) => {{
        let _ = (&$more, &$w, &$m, &$p);
        // A nested struct that ends the message.
        same::<$fmt, _, _, _>(&(7u16, $w()), &(7u16, $m()), &(7u16, $p()), true);
        // A tuple's last member, and the message itself.
        let (w, m, p) = ($wmk($g.clone()), Moduled($mmk($g.clone())), $pmk($g.clone()));
        same::<$fmt, _, _, _>(
            &($head, w.clone()),
            &($head, m.clone()),
            &($head, p.clone()),
            true,
        );
        same::<$fmt, _, _, _>(&w, &m, &p, true);
    }};

    (@end anywhere) => { false };
    (@end at_end) => { true };
}
