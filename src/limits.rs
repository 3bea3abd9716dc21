//! The limits of the format core, shared by both formats' encoders and
//! decoders: what bounds one message besides its byte limit.
//!
//! - **Depth and elements** ([`Limits`]). Both decoders count compound
//!   levels (sequences, maps, tuples, structs, newtypes, `Some`, enum
//!   variant contents) against the configured depth, and charge every
//!   sequence and map count to one per-message element budget equal to the
//!   byte limit (see the formats' `Limits` docs), so nested counts of
//!   zero-sized elements cannot make a short input loop for long. The
//!   serializers apply the same two rules while encoding, so a `Config` is
//!   symmetric: what it encodes, it decodes.
//! - **Size hints** ([`HintBudget`]).
//!
//! serde's collections reserve room for the number of elements a
//! deserializer's `size_hint` announces, capped at 1 MiB per collection
//! (`serde::de::size_hint::cautious`). A count read from the wire is only a
//! claim, and the elements' size in memory is unknown to the format, so
//! the decoders give hints sparingly: a hint is the count capped by the
//! bytes already present (nothing from a reader), and is given only while
//! the message's preallocation budget, equal to its byte limit, still
//! covers the 1 MiB such a hint may reserve. A collection whose elements
//! all decoded gives its 1 MiB back: it reserved room for at most the
//! elements it holds, so its memory is what the data needs, not what a
//! prefix claimed. The collections still open, the only ones whose claims
//! are not yet borne out, therefore reserve at most the limit in total,
//! however many nested counts claim elements; the others grow as their
//! elements arrive.

use std::cell::Cell;

use crate::error::{Error, ErrorKind, Result};

/// Depth and element budget of one message being encoded or decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    depth_left: usize,
    max_depth: usize,
    elements_left: u64,
}

impl Limits {
    /// The limits of a message with `depth` levels and `limit` bytes.
    #[inline]
    pub(crate) fn new(depth: usize, limit: usize) -> Self {
        Limits {
            depth_left: depth,
            max_depth: depth,
            elements_left: limit as u64,
        }
    }

    /// Enters one compound level, which starts at byte `at` of the input
    /// when decoding (`None` when encoding).
    #[inline]
    pub(crate) fn enter(&mut self, at: Option<u64>) -> Result<()> {
        match self.depth_left.checked_sub(1) {
            Some(left) => {
                self.depth_left = left;
                Ok(())
            }
            None => Err(depth_limit(self.max_depth, at)),
        }
    }

    /// Leaves a level entered with [`Limits::enter`]. That entry took one
    /// off `depth_left`, so adding it back cannot overflow.
    #[inline]
    pub(crate) fn leave(&mut self) {
        self.depth_left = self.depth_left.wrapping_add(1);
    }

    /// Charges a sequence or map count, read at `at` when decoding, to the
    /// element budget.
    #[inline]
    pub(crate) fn elements(&mut self, count: u64, at: Option<u64>) -> Result<()> {
        match self.elements_left.checked_sub(count) {
            Some(left) => {
                self.elements_left = left;
                Ok(())
            }
            None => Err(located(
                ErrorKind::LengthOverLimit {
                    len: count,
                    limit: self.elements_left,
                },
                at,
            )),
        }
    }
}

/// The depth limit's error: out of line, so that entering a level inlines
/// to a compare, a decrement and a store (the `ErrorKind` built inline made
/// a struct's `serialize` too large to inline into its sequence's loop).
#[cold]
#[inline(never)]
fn depth_limit(max_depth: usize, at: Option<u64>) -> Error {
    located(ErrorKind::DepthLimit(max_depth), at)
}

#[cold]
fn located(kind: ErrorKind, at: Option<u64>) -> Error {
    match at {
        Some(at) => Error::new(kind, at),
        None => Error::without_offset(kind),
    }
}

/// The error for a field that `#[serde(skip_serializing_if = ...)]` left
/// out: positional formats cannot skip.
#[cold]
pub(crate) fn skipped(field: &'static str) -> Error {
    Error::without_offset(ErrorKind::SkippedField(field))
}

/// The most bytes one of serde's collections reserves for a size hint.
const PREALLOC_MAX: u64 = 1024 * 1024;

/// What is left of one message's preallocation budget.
#[derive(Debug)]
pub(crate) struct HintBudget {
    /// A `Cell` because serde asks for hints through `&self`.
    left: Cell<u64>,
}

/// Whether one collection holds a share of the [`HintBudget`].
#[derive(Debug, Default)]
pub(crate) struct HintClaim {
    /// A `Cell` because serde asks for hints through `&self`.
    charged: Cell<bool>,
}

impl HintBudget {
    /// The budget of a message with a limit of `limit` bytes.
    #[inline]
    pub(crate) fn new(limit: usize) -> Self {
        HintBudget {
            left: Cell::new(limit as u64),
        }
    }

    /// This budget, leaving none here (to hand it to another decoder).
    #[inline]
    pub(crate) fn take(&self) -> Self {
        HintBudget {
            left: Cell::new(self.left.replace(0)),
        }
    }

    /// The hint for a collection that claims `count` more elements when
    /// `present` bytes of the message are in memory. The collection's
    /// first non-zero hint takes its share of the budget; later ones
    /// (serde asks once, a visitor may ask again) are given on that share.
    #[inline]
    pub(crate) fn hint(&self, claim: &HintClaim, count: u64, present: u64) -> usize {
        let hint = count.min(present);
        if hint == 0 {
            return 0;
        }
        if !claim.charged.get() {
            let left = self.left.get();
            if left < PREALLOC_MAX {
                return 0;
            }
            self.left.set(left - PREALLOC_MAX);
            claim.charged.set(true);
        }
        // `hint <= present`, the length of a slice in memory.
        usize::try_from(hint).unwrap_or(0)
    }

    /// A collection whose elements all decoded: its share comes back.
    #[inline]
    pub(crate) fn settle(&self, claim: &HintClaim) {
        if claim.charged.replace(false) {
            self.left.set(self.left.get().saturating_add(PREALLOC_MAX));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_and_elements_run_out_like_the_decoders() {
        let mut limits = Limits::new(1, 10);
        limits.enter(None).unwrap();
        assert_eq!(
            limits.enter(None).unwrap_err().kind(),
            &ErrorKind::DepthLimit(1)
        );
        limits.leave();
        limits.enter(None).unwrap();
        limits.elements(10, None).unwrap();
        assert_eq!(
            limits.elements(1, None).unwrap_err().kind(),
            &ErrorKind::LengthOverLimit { len: 1, limit: 0 }
        );
    }

    #[test]
    fn decoding_errors_carry_the_offset() {
        let mut limits = Limits::new(0, 3);
        assert_eq!(limits.enter(Some(9)).unwrap_err().offset(), Some(9));
        assert_eq!(limits.elements(4, Some(5)).unwrap_err().offset(), Some(5));
    }

    #[test]
    fn hints_stop_when_the_budget_is_spent() {
        let budget = HintBudget::new(3 * 1024 * 1024 + 5);
        let claims: Vec<HintClaim> = (0..4).map(|_| HintClaim::default()).collect();
        assert_eq!(budget.hint(&claims[0], 10, 4), 4);
        assert_eq!(budget.hint(&claims[1], 10, 40), 10);
        assert_eq!(budget.hint(&claims[2], 0, 40), 0);
        assert_eq!(budget.hint(&claims[2], 10, 0), 0);
        assert_eq!(budget.hint(&claims[2], u64::MAX, 7), 7);
        assert_eq!(budget.hint(&claims[3], 10, 40), 0);
    }

    #[test]
    fn a_collection_asks_again_on_its_own_share() {
        let budget = HintBudget::new(1024 * 1024);
        let (a, b) = (HintClaim::default(), HintClaim::default());
        assert_eq!(budget.hint(&a, 10, 40), 10);
        assert_eq!(budget.hint(&a, 9, 40), 9);
        assert_eq!(budget.hint(&b, 10, 40), 0);
    }

    #[test]
    fn a_collection_decoded_whole_gives_its_share_back() {
        let budget = HintBudget::new(1024 * 1024);
        let (done, open, next) = (
            HintClaim::default(),
            HintClaim::default(),
            HintClaim::default(),
        );
        assert_eq!(budget.hint(&done, 10, 40), 10);
        budget.settle(&done);
        budget.settle(&done);
        assert_eq!(budget.hint(&open, 10, 40), 10);
        // The open collection's share is not back: nothing is left.
        assert_eq!(budget.hint(&next, 10, 40), 0);
        budget.settle(&next);
        assert_eq!(budget.hint(&next, 10, 40), 0);
    }

    #[test]
    fn a_limit_under_one_mebibyte_gives_no_hints() {
        let budget = HintBudget::new(1024 * 1024 - 1);
        assert_eq!(budget.hint(&HintClaim::default(), 10, 40), 0);
    }
}
