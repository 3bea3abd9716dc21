//! The BitTorrent peer wire protocol (BEP 3, "peer protocol") as serde
//! types, shared by the `peer_wire` example and `tests/proto/peer_wire.rs`.
//!
//! ```text
//! handshake  | 19: u8 | "BitTorrent protocol" | reserved: 8 | info_hash: 20 | peer_id: 20 |
//! then       | len: u32 | id: u8 | payload: len - 1 bytes |   (len 0: a keep-alive)
//! ```
//!
//! The handshake is 68 bytes, read with `FixedLength::new(68)`; the
//! messages after it are frames of `LengthPrefixed::u32()` whose payload
//! is a [`Frame`]: the stream switches framing with `map_framing`. All
//! integers are big-endian `u32`s, and the message IDs 0 to 8 are the
//! variant indices of [`Message`] in a `u8`, `net`'s default tag. Byte
//! fields are `ByteBuf`s, so a 16 KiB block is encoded and decoded as one
//! byte string rather than 16 384 `u8` elements.

use netwire::net::Config;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

/// The protocol string of the handshake.
pub const PROTOCOL: &str = "BitTorrent protocol";

/// The handshake's size: `1 + 19 + 8 + 20 + 20` bytes.
pub const HANDSHAKE_LEN: usize = 68;

/// The block size every current implementation requests, 2^14 bytes; a
/// larger request closes the connection (BEP 3).
pub const BLOCK_LEN: u32 = 1 << 14;

/// The largest message payload: a piece message with a full block (the
/// id, two `u32`s, the block).
pub const MAX_PAYLOAD: usize = 1 + 4 + 4 + BLOCK_LEN as usize;

/// The `net` settings of the peer wire: the defaults, which are its
/// layout (`u8` message IDs from 0, big-endian `u32`s), with a limit of
/// one message.
pub const WIRE: Config = Config::new().with_limit(MAX_PAYLOAD);

/// The first message each side sends (BEP 3: the initiator at once, the
/// recipient once it has seen the info hash).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// [`PROTOCOL`], behind its length in one byte.
    #[serde(with = "netwire::with::len_u8")]
    pub protocol: String,
    /// Eight reserved bytes, all zero in BEP 3.
    pub reserved: [u8; 8],
    /// The SHA-1 of the metainfo's bencoded info dictionary.
    pub info_hash: [u8; 20],
    /// The sender's peer ID.
    pub peer_id: [u8; 20],
}

impl Handshake {
    /// The BEP 3 handshake for a torrent, reserved bytes zero.
    pub fn new(info_hash: [u8; 20], peer_id: [u8; 20]) -> Self {
        Handshake {
            protocol: PROTOCOL.to_owned(),
            reserved: [0; 8],
            info_hash,
            peer_id,
        }
    }
}

/// The payload of one length-prefixed frame: a message, or nothing at
/// all for a keep-alive (a frame of length 0).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Frame(#[serde(with = "netwire::with::empty_as_none")] pub Option<Message>);

impl Frame {
    /// A keep-alive: a length of 0 and no payload.
    pub const KEEP_ALIVE: Frame = Frame(None);
}

impl From<Message> for Frame {
    fn from(message: Message) -> Self {
        Frame(Some(message))
    }
}

/// A message after the handshake; its first byte is its ID, the variant
/// index.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// 0: the sender will not answer requests.
    Choke,
    /// 1: the sender will answer requests.
    Unchoke,
    /// 2: the sender wants pieces the receiver has.
    Interested,
    /// 3: the sender wants nothing from the receiver.
    NotInterested,
    /// 4: the sender has just checked the piece `index`.
    Have { index: u32 },
    /// 5: the pieces the sender has, piece 0 in the high bit of the first
    /// byte, spare bits zero; only ever the first message.
    Bitfield(#[serde(with = "netwire::with::rest")] ByteBuf),
    /// 6: asks for `length` bytes of piece `index` from byte `begin`.
    Request { index: u32, begin: u32, length: u32 },
    /// 7: the bytes of piece `index` from `begin`: the rest of the frame.
    Piece {
        index: u32,
        begin: u32,
        #[serde(with = "netwire::with::rest")]
        block: ByteBuf,
    },
    /// 8: withdraws a request, with the same payload.
    Cancel { index: u32, begin: u32, length: u32 },
}
