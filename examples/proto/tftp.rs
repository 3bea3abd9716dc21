//! TFTP packets (RFC 1350, section 5) as one serde enum, shared by the
//! `tftp` example and `tests/proto/tftp.rs`.
//!
//! ```text
//! RRQ, WRQ  | opcode 1, 2: u16 | filename | 0 | mode | 0 |   figure 5-1
//! DATA      | opcode 3: u16 | block: u16 | data: 0 to 512 bytes |   figure 5-2
//! ACK       | opcode 4: u16 | block: u16 |                  figure 5-3
//! ERROR     | opcode 5: u16 | code: u16 | message | 0 |     figure 5-4
//! ```
//!
//! Each datagram is one packet: `TFTP.from_slice(&buf[..n])` and
//! `TFTP.to_vec(&packet)`. The data of a DATA packet runs to the end of the
//! datagram (`with::rest`), the strings end with a 0 byte (`with::cstr`),
//! and the opcode is the enum's tag, a `u16` from 1 (`EnumTags`).

use netwire::net::{Config, EnumTags, TagTable, TagWidth};
use serde::{Deserialize, Serialize};

/// The data bytes of a full DATA packet; a shorter one ends the transfer
/// (RFC 1350, section 6).
pub const BLOCK_SIZE: usize = 512;

/// The largest packet of a transfer: a full DATA packet.
pub const MAX_PACKET: usize = 4 + BLOCK_SIZE;

/// The only transfer mode spoken here: bytes as they are (section 5).
/// Modes are compared without regard to case.
pub const OCTET: &str = "octet";

/// The `net` settings of TFTP: the opcodes 1 to 5 of section 5, each a
/// big-endian `u16`, as the tags of [`Packet`]'s variants in order.
pub const TFTP: Config<TagTable> =
    Config::new().with_enum_tags(&[EnumTags::of::<Packet>(TagWidth::U16, &[1, 2, 3, 4, 5])]);

/// One TFTP packet, that is one UDP datagram.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// Read request, opcode 1 (figure 5-1).
    Rrq {
        #[serde(with = "netwire::with::cstr")]
        filename: String,
        #[serde(with = "netwire::with::cstr")]
        mode: String,
    },
    /// Write request, opcode 2 (figure 5-1).
    Wrq {
        #[serde(with = "netwire::with::cstr")]
        filename: String,
        #[serde(with = "netwire::with::cstr")]
        mode: String,
    },
    /// Data, opcode 3 (figure 5-2): blocks count from 1.
    Data {
        block: u16,
        #[serde(with = "netwire::with::rest")]
        data: Vec<u8>,
    },
    /// Acknowledgment, opcode 4 (figure 5-3): block 0 answers a WRQ.
    Ack { block: u16 },
    /// Error, opcode 5 (figure 5-4): it ends the transfer (section 7).
    Error {
        code: u16,
        #[serde(with = "netwire::with::cstr")]
        message: String,
    },
}

impl Packet {
    /// An ERROR packet with one of the codes of [`code`].
    pub fn error(code: u16, message: &str) -> Packet {
        Packet::Error {
            code,
            message: message.to_owned(),
        }
    }
}

/// The error codes of RFC 1350, appendix I ("Error Codes").
pub mod code {
    /// Not defined, see the error message (if any).
    pub const NOT_DEFINED: u16 = 0;
    /// File not found.
    pub const FILE_NOT_FOUND: u16 = 1;
    /// Illegal TFTP operation.
    pub const ILLEGAL_OPERATION: u16 = 4;
    /// Unknown transfer ID.
    pub const UNKNOWN_TID: u16 = 5;
    /// File already exists.
    pub const FILE_EXISTS: u16 = 6;
}
