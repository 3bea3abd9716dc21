//! Deterministic work counters for the cost-model tests (test builds only).
//!
//! The places where work can grow with the input count what they do here:
//! bytes a scan examines (ascii's message-end scan, a delimiter search),
//! bytes a read buffer zeroes or copies, and decode attempts with the
//! bytes each was given. The tests feed `N` and `4N` bytes one byte per
//! read and check that the counts grow by about 4: linear work, whatever
//! the read pattern. Counters are per thread, so tests run in parallel.

use std::cell::Cell;

/// What the counted code did since the last [`take`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Bytes examined by scans for a message's or frame's end.
    pub(crate) scanned: u64,
    /// Bytes a read buffer zeroed before handing them to `read`.
    pub(crate) zeroed: u64,
    /// Bytes a read buffer may have copied while growing or compacting.
    pub(crate) copied: u64,
    /// Decode attempts (calls into the encoding's decoder).
    pub(crate) attempts: u64,
    /// Bytes given to those decode attempts, added up.
    pub(crate) attempted: u64,
}

impl Counts {
    /// All work in bytes touched.
    pub(crate) fn bytes(&self) -> u64 {
        self.scanned + self.zeroed + self.copied + self.attempted
    }
}

thread_local! {
    static COUNTS: Cell<Counts> = Cell::new(Counts::default());
}

fn add(f: impl FnOnce(&mut Counts)) {
    COUNTS.with(|c| {
        let mut counts = c.get();
        f(&mut counts);
        c.set(counts);
    });
}

/// Returns the counts so far and starts again from zero.
pub(crate) fn take() -> Counts {
    COUNTS.with(|c| c.replace(Counts::default()))
}

pub(crate) fn scanned(n: usize) {
    add(|c| c.scanned += n as u64);
}

pub(crate) fn zeroed(n: usize) {
    add(|c| c.zeroed += n as u64);
}

pub(crate) fn copied(n: usize) {
    add(|c| c.copied += n as u64);
}

pub(crate) fn attempt(n: usize) {
    add(|c| {
        c.attempts += 1;
        c.attempted += n as u64;
    });
}
