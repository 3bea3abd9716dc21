//! `net` in its bincode preset against bincode 2.0.1 itself.
//!
//! Both sides decode with `take_from_slice` semantics (bincode's
//! `decode_from_slice` returns the bytes it used and ignores the rest), so
//! trailing bytes are not a difference. bincode decodes with a byte limit
//! of [`crate::MAX_LIMIT`], like netwire here: bincode's legacy preset has
//! none, and without one bincode 2.0.1 allocates the length a string
//! prefix declares before reading it (the process aborts on a prefix of
//! 2^46). The differences accepted, each one a limit netwire enforces
//! where bincode does not, or enforces differently:
//!
//! - [`ErrorKind::DepthLimit`]: netwire refuses input nesting deeper than
//!   its depth limit (128); bincode recurses without a limit. The same
//!   holds when encoding: netwire does not write a value its decoder
//!   would refuse (seed `seed-deeper-than-the-depth-limit`).
//! - [`ErrorKind::LengthOverLimit`]: netwire refuses a sequence count
//!   above its limit even when the elements would be tiny, and counts the
//!   limit over the whole message; bincode claims `count × size_of` bytes
//!   of its limit per container. Where bincode refuses for its limit and
//!   netwire decodes, that is accepted too.
//!
//! Anything else (one side accepting what the other refuses, different
//! values, a different number of bytes used, different bytes out) panics.

use arbitrary::{Arbitrary, Unstructured};
use netwire::ErrorKind;
use netwire::net::Config;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Borrowed, MAX_LIMIT, Message, Tree};

fn ours() -> Config {
    Config::bincode_legacy().with_limit(MAX_LIMIT)
}

/// bincode with the same byte limit as netwire: without a limit bincode
/// 2.0.1 allocates whatever a string's length prefix declares (a
/// `vec![0; len]` before reading), which aborts the process on a hostile
/// prefix; the first run of this target found exactly that.
fn theirs() -> impl bincode::config::Config {
    bincode::config::legacy()
        .with_big_endian()
        .with_limit::<MAX_LIMIT>()
}

/// bincode without a limit, for encoding (nothing is allocated from the
/// wire).
fn theirs_unlimited() -> impl bincode::config::Config {
    bincode::config::legacy().with_big_endian()
}

/// Whether netwire's refusal is one of the accepted differences.
fn accepted(err: &netwire::Error) -> bool {
    matches!(
        err.kind(),
        ErrorKind::DepthLimit(_) | ErrorKind::LengthOverLimit { .. }
    )
}

/// Compares two decoded values by their encodings (exact for NaN too).
fn same<T: Serialize>(a: &T, b: &T) -> bool {
    match (ours().to_vec(a), ours().to_vec(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Checks one decode of `data` by each library: the same value and the same
/// bytes used, both refusing, or a refusal the differences above allow.
fn agree<T: Serialize + std::fmt::Debug>(
    data: &[u8],
    a: netwire::Result<(T, &[u8])>,
    b: Result<(T, usize), bincode::error::DecodeError>,
) {
    match (a, b) {
        (Ok((va, rest)), Ok((vb, used))) => {
            assert_eq!(
                data.len() - rest.len(),
                used,
                "bytes used differ for {va:?}"
            );
            assert!(
                same(&va, &vb),
                "values differ:\n  netwire {va:?}\n  bincode {vb:?}"
            );
        }
        (Err(_), Err(_)) => {}
        (Err(e), Ok(_)) if accepted(&e) => {}
        (Ok(_), Err(e)) if bincode_limit(&e) => {}
        (a, b) => {
            panic!("netwire and bincode disagree on {data:02x?}:\n  netwire {a:?}\n  bincode {b:?}")
        }
    }
}

fn decode_owned<T: Serialize + DeserializeOwned + std::fmt::Debug>(data: &[u8]) {
    agree(
        data,
        ours().take_from_slice::<T>(data),
        bincode::serde::decode_from_slice::<T, _>(data, theirs()),
    );
}

/// Whether bincode refused for its byte limit.
fn bincode_limit(err: &bincode::error::DecodeError) -> bool {
    matches!(err, bincode::error::DecodeError::LimitExceeded)
}

/// Decodes `data` as each message type with both libraries.
pub fn decode_both(data: &[u8]) {
    decode_owned::<Message>(data);
    decode_owned::<Tree>(data);
    agree(
        data,
        ours().take_from_slice::<Borrowed>(data),
        bincode::serde::borrow_decode_from_slice::<Borrowed, _>(data, theirs()),
    );
}

fn encode_one<T: Serialize + std::fmt::Debug>(value: &T) {
    let a = Config::bincode_legacy().to_vec(value);
    let b = bincode::serde::encode_to_vec(value, theirs_unlimited());
    match (a, b) {
        (Ok(x), Ok(y)) => assert_eq!(x, y, "encodings of {value:?} differ"),
        // netwire refuses to write what its decoder would refuse: a value
        // nested deeper than the depth limit (bincode writes it).
        (Err(e), Ok(_)) if matches!(e.kind(), ErrorKind::DepthLimit(_)) => {}
        (a, b) => panic!("encoding {value:?}: netwire {a:?}, bincode {b:?}"),
    }
}

/// Encodes values built from `data` with both libraries: the bytes must be
/// identical.
pub fn encode_both(data: &[u8]) {
    let mut u = Unstructured::new(data);
    if let Ok((message, borrowed)) = <(Message, Borrowed)>::arbitrary(&mut u) {
        encode_one(&message);
        encode_one(&borrowed);
    }
}
