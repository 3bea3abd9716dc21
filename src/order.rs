//! Network byte order primitives: the C conversion functions and
//! unaligned big-endian integer types.
//!
//! Network byte order is big-endian. The functions below carry the names of
//! their C counterparts (`<arpa/inet.h>`, and Winsock's and macOS's 64-bit
//! `htonll`/`ntohll`) for code ported from C; they are `const fn`s, swap
//! bytes on little-endian machines and do nothing on big-endian ones. In
//! new Rust code, [`u32::to_be`]/[`u32::from_be`] or `to_be_bytes` say the
//! same thing.
//!
//! For headers laid out as C structs, the re-exported
//! [`zerocopy::byteorder::network_endian`] types ([`U16`], [`U32`], …) are
//! alignment-1 integers stored big-endian, so a `#[repr(C)]` struct of them
//! has no padding and can be read in place from a received buffer. Such a
//! struct has exactly the bytes the [`net`](crate::net) format gives a
//! serde struct with the same fields:
//!
//! ```
//! use netwire::order::{U16, U32};
//! use serde::Serialize;
//! use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
//!
//! /// The header as the C side declares it, read without copying.
//! #[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
//! #[repr(C)]
//! struct Header {
//!     kind: u8,
//!     flags: U16,
//!     len: U32,
//! }
//!
//! /// The same header as a serde type.
//! #[derive(Serialize)]
//! struct WireHeader {
//!     kind: u8,
//!     flags: u16,
//!     len: u32,
//! }
//!
//! let mut packet = netwire::net::to_vec(&WireHeader { kind: 2, flags: 0x0102, len: 3 })?;
//! assert_eq!(packet, [2, 0x01, 0x02, 0, 0, 0, 3]);
//! packet.extend_from_slice(b"abc");
//!
//! // Zero-copy view of the header; the payload follows it.
//! let (header, payload) = Header::ref_from_prefix(&packet).expect("7 header bytes");
//! assert_eq!((header.kind, header.flags.get(), header.len.get()), (2, 0x0102, 3));
//! assert_eq!(payload, b"abc");
//!
//! // Byte-identical to the `net` encoding, both ways.
//! let built = Header { kind: 2, flags: U16::new(0x0102), len: U32::new(3) };
//! assert_eq!(built.as_bytes(), &packet[..7]);
//! # Ok::<(), netwire::Error>(())
//! ```

pub use zerocopy::byteorder::network_endian::{F32, F64, I16, I32, I64, I128, U16, U32, U64, U128};

/// Host to network order, 16 bits (C `htons`).
///
/// ```
/// assert_eq!(netwire::order::htons(0x1234).to_ne_bytes(), [0x12, 0x34]);
/// ```
#[inline]
pub const fn htons(host: u16) -> u16 {
    host.to_be()
}

/// Network to host order, 16 bits (C `ntohs`).
///
/// ```
/// assert_eq!(netwire::order::ntohs(u16::from_ne_bytes([0x12, 0x34])), 0x1234);
/// ```
#[inline]
pub const fn ntohs(net: u16) -> u16 {
    u16::from_be(net)
}

/// Host to network order, 32 bits (C `htonl`).
///
/// ```
/// assert_eq!(netwire::order::htonl(0x1234_5678).to_ne_bytes(), [0x12, 0x34, 0x56, 0x78]);
/// ```
#[inline]
pub const fn htonl(host: u32) -> u32 {
    host.to_be()
}

/// Network to host order, 32 bits (C `ntohl`).
///
/// ```
/// assert_eq!(netwire::order::ntohl(u32::from_ne_bytes([0x12, 0x34, 0x56, 0x78])), 0x1234_5678);
/// ```
#[inline]
pub const fn ntohl(net: u32) -> u32 {
    u32::from_be(net)
}

/// Host to network order, 64 bits (`htonll` of Winsock and macOS).
///
/// ```
/// assert_eq!(netwire::order::htonll(0x0102_0304_0506_0708).to_ne_bytes(), [1, 2, 3, 4, 5, 6, 7, 8]);
/// ```
#[inline]
pub const fn htonll(host: u64) -> u64 {
    host.to_be()
}

/// Network to host order, 64 bits (`ntohll` of Winsock and macOS).
///
/// ```
/// assert_eq!(netwire::order::ntohll(u64::from_ne_bytes([1, 2, 3, 4, 5, 6, 7, 8])), 0x0102_0304_0506_0708);
/// ```
#[inline]
pub const fn ntohll(net: u64) -> u64 {
    u64::from_be(net)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Usable in constants, as in C headers.
    const PORT: u16 = htons(8080);

    #[test]
    fn conversions_match_to_be_bytes() {
        assert_eq!(PORT.to_ne_bytes(), 8080u16.to_be_bytes());
        for v in [0u64, 1, 0x0102_0304_0506_0708, u64::MAX, 1 << 63] {
            assert_eq!(htonll(v).to_ne_bytes(), v.to_be_bytes());
            assert_eq!(ntohll(htonll(v)), v);
            let w = v as u32;
            assert_eq!(htonl(w).to_ne_bytes(), w.to_be_bytes());
            assert_eq!(ntohl(htonl(w)), w);
            let s = v as u16;
            assert_eq!(htons(s).to_ne_bytes(), s.to_be_bytes());
            assert_eq!(ntohs(htons(s)), s);
        }
    }

    #[test]
    fn network_types_store_big_endian() {
        assert_eq!(U16::new(0x0102).to_bytes(), [1, 2]);
        assert_eq!(U32::new(0x0102_0304).to_bytes(), [1, 2, 3, 4]);
        assert_eq!(I16::new(-2).to_bytes(), [0xff, 0xfe]);
        assert_eq!(U64::new(1).to_bytes(), [0, 0, 0, 0, 0, 0, 0, 1]);
    }
}
