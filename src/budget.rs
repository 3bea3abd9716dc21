//! The limits an encoder applies so that it never writes a message its own
//! decoder would refuse.
//!
//! Both decoders count compound levels (sequences, maps, tuples, structs,
//! newtypes, `Some`, enum variant contents) against the configured depth,
//! and charge every sequence and map count to one per-message element
//! budget equal to the byte limit (see the formats' `Limits` docs). The
//! serializers apply the same two rules while encoding, so a `Config` is
//! symmetric: what it encodes, it decodes.

use crate::error::{Error, ErrorKind, Result};

/// Depth and element budget of one message being encoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EncodeLimits {
    depth_left: usize,
    max_depth: usize,
    elements_left: u64,
}

impl EncodeLimits {
    /// The limits of a message with `depth` levels and `limit` bytes.
    #[inline]
    pub(crate) fn new(depth: usize, limit: usize) -> Self {
        EncodeLimits {
            depth_left: depth,
            max_depth: depth,
            elements_left: limit as u64,
        }
    }

    /// Enters one compound level.
    #[inline]
    pub(crate) fn enter(&mut self) -> Result<()> {
        match self.depth_left.checked_sub(1) {
            Some(left) => {
                self.depth_left = left;
                Ok(())
            }
            None => Err(too_deep(self.max_depth)),
        }
    }

    /// Leaves a level entered with [`EncodeLimits::enter`].
    #[inline]
    pub(crate) fn leave(&mut self) {
        self.depth_left = self.depth_left.saturating_add(1);
    }

    /// Charges a sequence or map count to the element budget.
    #[inline]
    pub(crate) fn elements(&mut self, count: u64) -> Result<()> {
        match self.elements_left.checked_sub(count) {
            Some(left) => {
                self.elements_left = left;
                Ok(())
            }
            None => Err(too_many(count, self.elements_left)),
        }
    }
}

#[cold]
fn too_deep(max: usize) -> Error {
    Error::without_offset(ErrorKind::DepthLimit(max))
}

#[cold]
fn too_many(count: u64, left: u64) -> Error {
    Error::without_offset(ErrorKind::LengthOverLimit {
        len: count,
        limit: left,
    })
}

/// The error for a field that `#[serde(skip_serializing_if = ...)]` left
/// out: positional formats cannot skip.
#[cold]
pub(crate) fn skipped(field: &'static str) -> Error {
    Error::without_offset(ErrorKind::SkippedField(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_and_elements_run_out_like_the_decoders() {
        let mut limits = EncodeLimits::new(1, 10);
        limits.enter().unwrap();
        assert_eq!(
            limits.enter().unwrap_err().kind(),
            &ErrorKind::DepthLimit(1)
        );
        limits.leave();
        limits.enter().unwrap();
        limits.elements(10).unwrap();
        assert_eq!(
            limits.elements(1).unwrap_err().kind(),
            &ErrorKind::LengthOverLimit { len: 1, limit: 0 }
        );
    }
}
