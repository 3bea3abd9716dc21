//! What the slice-output tests of both formats share: the error of a
//! too-small output, and the short lengths worth trying.

use netwire::ErrorKind;

/// What a too-small output of `room` bytes reports for a `needed`-byte
/// message.
pub fn too_small(needed: usize, room: usize) -> ErrorKind {
    ErrorKind::BufferFull {
        needed: needed as u64,
        available: room as u64,
    }
}

/// The short lengths worth trying for a message of `len` bytes: all of
/// them for short messages, the edges and the middle for long ones.
pub fn short_lengths(len: usize) -> Vec<usize> {
    if len <= 32 {
        (0..len).collect()
    } else {
        vec![0, 1, len / 2, len - 2, len - 1]
    }
}
