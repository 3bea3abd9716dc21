//! Size hints for collections whose element counts come from the wire.
//!
//! serde's collections reserve room for the number of elements a
//! deserializer's `size_hint` announces, capped at 1 MiB per collection
//! (`serde::de::size_hint::cautious`). A count read from the wire is only a
//! claim, and the elements' size in memory is unknown to the format, so
//! the decoders give hints sparingly: a hint is the count capped by the
//! bytes already present (nothing from a reader), and is given only while
//! the message's preallocation budget, equal to its byte limit, still
//! covers the 1 MiB such a hint may reserve. The hinted collections of one
//! message therefore reserve at most the limit in total, however many
//! nested counts claim elements; the others grow as their elements arrive.

use std::cell::Cell;

/// The most bytes one of serde's collections reserves for a size hint.
const PREALLOC_MAX: u64 = 1024 * 1024;

/// What is left of one message's preallocation budget.
#[derive(Debug)]
pub(crate) struct HintBudget {
    /// A `Cell` because serde asks for hints through `&self`.
    left: Cell<u64>,
}

impl HintBudget {
    /// The budget of a message with a limit of `limit` bytes.
    pub(crate) fn new(limit: usize) -> Self {
        HintBudget {
            left: Cell::new(limit as u64),
        }
    }

    /// The hint for a collection that claims `count` more elements when
    /// `present` bytes of the message are in memory; charges the budget
    /// for a non-zero hint.
    #[inline]
    pub(crate) fn hint(&self, count: u64, present: u64) -> usize {
        let hint = count.min(present);
        let left = self.left.get();
        if hint == 0 || left < PREALLOC_MAX {
            return 0;
        }
        self.left.set(left - PREALLOC_MAX);
        // `hint <= present`, the length of a slice in memory.
        usize::try_from(hint).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_stop_when_the_budget_is_spent() {
        let budget = HintBudget::new(3 * 1024 * 1024 + 5);
        assert_eq!(budget.hint(10, 4), 4);
        assert_eq!(budget.hint(10, 40), 10);
        assert_eq!(budget.hint(0, 40), 0);
        assert_eq!(budget.hint(10, 0), 0);
        assert_eq!(budget.hint(u64::MAX, 7), 7);
        assert_eq!(budget.hint(10, 40), 0);
    }

    #[test]
    fn a_limit_under_one_mebibyte_gives_no_hints() {
        let budget = HintBudget::new(1024 * 1024 - 1);
        assert_eq!(budget.hint(10, 40), 0);
    }
}
