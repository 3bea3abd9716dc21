//! The memcached binary protocol's packet as a serde type, shared by the
//! `memcached` example and `tests/proto/memcached.rs`.
//!
//! ```text
//!  0 | magic: u8 | opcode: u8 | key length: u16 |
//!  4 | extras length: u8 | data type: u8 | vbucket id / status: u16 |
//!  8 | total body length: u32 |                     <- the framing's
//! 12 | opaque: u32 |
//! 16 | cas: u64 |
//! 24 | extras | key | value |                       (the body)
//! ```
//!
//! The total body length is not in [`Packet`]: the framing
//! ([`framing`], a [`LengthField`] at offset 8 that leaves out the 12
//! header bytes after it) reads it to find the packet's end and writes it
//! from the encoded packet. The body runs to the end of the frame
//! (`with::rest`).
//!
//! What serde's positional layout cannot express: the key length and the
//! extras length count parts of the body, but sit in the header, apart
//! from the bytes they count, with other fields between. They stay
//! fields of [`Packet`]; [`Packet::new`] sets them from the parts, and
//! [`Packet::parts`] checks them against the body when splitting it.

#![allow(dead_code)]

use netwire::frame::LengthField;
use serde::{Deserialize, Serialize};

/// The magic byte of a request.
pub const REQUEST: u8 = 0x80;
/// The magic byte of a response.
pub const RESPONSE: u8 = 0x81;

/// Opcodes used here.
pub mod opcode {
    /// Get: key in, flags (extras) and value out.
    pub const GET: u8 = 0x00;
    /// Set: flags and expiration (extras), key and value in.
    pub const SET: u8 = 0x01;
}

/// Response statuses used here.
pub mod status {
    /// No error.
    pub const OK: u16 = 0x0000;
    /// Key not found.
    pub const KEY_NOT_FOUND: u16 = 0x0001;
}

/// The framing of every packet: the `u32` total body length at offset 8
/// of the 24-byte header, counting the body only.
pub fn framing() -> LengthField {
    LengthField::new()
        .length_field_offset(8)
        .length_adjustment(12)
}

/// One packet, request or response, without its total body length.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// [`REQUEST`] or [`RESPONSE`].
    pub magic: u8,
    /// What the packet asks or answers.
    pub opcode: u8,
    /// The length of the key in the body.
    pub key_len: u16,
    /// The length of the extras at the start of the body.
    pub extras_len: u8,
    /// Always 0 (raw bytes).
    pub data_type: u8,
    /// The vbucket id of a request, the status of a response.
    pub status: u16,
    /// Copied from a request into its response.
    pub opaque: u32,
    /// The item's version, 0 when none.
    pub cas: u64,
    /// Extras, key and value.
    #[serde(with = "netwire::with::rest")]
    pub body: Vec<u8>,
}

/// The body of a [`Packet`], split as its header's lengths say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts<'a> {
    /// Opcode-specific fields (the flags of a GET response, ...).
    pub extras: &'a [u8],
    /// The key.
    pub key: &'a [u8],
    /// The value.
    pub value: &'a [u8],
}

/// A body whose parts do not add up to what the header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadLengths;

impl Packet {
    /// A packet with these parts; the key and extras lengths follow them.
    ///
    /// # Panics
    /// If the key is longer than 65 535 bytes or the extras than 255.
    pub fn new(
        magic: u8,
        opcode: u8,
        status: u16,
        extras: &[u8],
        key: &[u8],
        value: &[u8],
    ) -> Self {
        Packet {
            magic,
            opcode,
            key_len: u16::try_from(key.len()).expect("a key of at most 65535 bytes"),
            extras_len: u8::try_from(extras.len()).expect("extras of at most 255 bytes"),
            data_type: 0,
            status,
            opaque: 0,
            cas: 0,
            body: [extras, key, value].concat(),
        }
    }

    /// The extras, key and value, as the header's lengths split the body.
    pub fn parts(&self) -> Result<Parts<'_>, BadLengths> {
        let (extras, rest) = self
            .body
            .split_at_checked(usize::from(self.extras_len))
            .ok_or(BadLengths)?;
        let (key, value) = rest
            .split_at_checked(usize::from(self.key_len))
            .ok_or(BadLengths)?;
        Ok(Parts { extras, key, value })
    }
}
