//! Wrapper types with the bytes of the adapter modules, for values that
//! are not a field of their own: the elements of a sequence, map keys and
//! values, tuple members.
//!
//! Each wrapper serializes exactly as its module does on a field (it calls
//! the module), so `Vec<LenI16<String>>` is a sequence whose elements each
//! carry an `i16` length, and a field of type `LenU8<String>` is the same
//! bytes as a `String` field under `#[serde(with = "netwire::with::len_u8")]`.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

macro_rules! wrappers {
    ($(
        $(#[$doc:meta])*
        $name:ident<$t:ident $(= $default:ty)?>($inner:ty) = $module:ident;
    )*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name<$t $(= $default)?>(pub $inner);

        impl<$t> $name<$t> {
            /// Returns the wrapped value.
            #[inline]
            pub fn into_inner(self) -> $inner {
                self.0
            }
        }

        impl<$t> Default for $name<$t>
        where
            $inner: Default,
        {
            #[inline]
            fn default() -> Self {
                $name(Default::default())
            }
        }

        impl<$t> Deref for $name<$t> {
            type Target = $inner;

            #[inline]
            fn deref(&self) -> &$inner {
                &self.0
            }
        }

        impl<$t> DerefMut for $name<$t> {
            #[inline]
            fn deref_mut(&mut self) -> &mut $inner {
                &mut self.0
            }
        }

        impl<$t> From<$inner> for $name<$t> {
            #[inline]
            fn from(value: $inner) -> Self {
                $name(value)
            }
        }

        impl<$t: Serialize> Serialize for $name<$t> {
            #[inline]
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                super::$module::serialize(&self.0, serializer)
            }
        }

        impl<'de, $t: Deserialize<'de>> Deserialize<'de> for $name<$t> {
            #[inline]
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::$module::deserialize(deserializer).map($name)
            }
        }
    )*};
}

wrappers! {
    /// A string, byte string, sequence or map with a `u8` length prefix:
    /// [`len_u8`](super::len_u8) as a type.
    ///
    /// The username/password request of SOCKS 5 (RFC 1929): a version
    /// byte, then the user name and the password, each after a one-byte
    /// length.
    ///
    /// ```
    /// use netwire::with::LenU8;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct UserPass {
    ///     version: u8,
    ///     user: LenU8<String>,
    ///     password: LenU8<String>,
    /// }
    ///
    /// let auth = UserPass { version: 1, user: LenU8("ann".into()), password: LenU8("pw".into()) };
    /// let wire = netwire::net::to_vec(&auth)?;
    /// assert_eq!(wire, [1, 3, b'a', b'n', b'n', 2, b'p', b'w']);
    /// assert_eq!(netwire::net::from_slice::<UserPass>(&wire)?, auth);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    LenU8<T>(T) = len_u8;
    /// A big-endian `u16` length prefix: [`len_u16`](super::len_u16) as a
    /// type.
    ///
    /// A TLS extension (RFC 8446, 4.2): its type, then its body after a
    /// two-byte length. Here the ALPN extension (type 16) offering `h2`.
    ///
    /// ```
    /// use netwire::with::LenU16;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Extension {
    ///     kind: u16,
    ///     body: LenU16<Vec<u8>>,
    /// }
    ///
    /// let alpn = Extension { kind: 16, body: LenU16(b"\x00\x03\x02h2".to_vec()) };
    /// let wire = netwire::net::to_vec(&alpn)?;
    /// assert_eq!(wire, [0, 16, 0, 5, 0, 3, 2, b'h', b'2']);
    /// assert_eq!(netwire::net::from_slice::<Extension>(&wire)?, alpn);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    LenU16<T>(T) = len_u16;
    /// A big-endian `u32` length prefix: [`len_u32`](super::len_u32) as a
    /// type, whatever the config's own width.
    ///
    /// An SSH `string` (RFC 4251, 5): here the service request
    /// (`SSH_MSG_SERVICE_REQUEST`, 5) for `ssh-userauth`.
    ///
    /// ```
    /// use netwire::with::LenU32;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct ServiceRequest {
    ///     message: u8,
    ///     service: LenU32<String>,
    /// }
    ///
    /// let request = ServiceRequest { message: 5, service: LenU32("ssh-userauth".into()) };
    /// let wire = netwire::net::to_vec(&request)?;
    /// assert_eq!(wire, b"\x05\x00\x00\x00\x0cssh-userauth");
    /// assert_eq!(netwire::net::from_slice::<ServiceRequest>(&wire)?, request);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    LenU32<T>(T) = len_u32;
    /// A big-endian `u64` length prefix: [`len_u64`](super::len_u64) as a
    /// type.
    ///
    /// A WebSocket frame (RFC 6455, 5.2) from a server, of 64 KiB or more:
    /// its first byte (here FIN and the binary opcode), the 7-bit length
    /// 127, then the payload after its 64-bit length.
    ///
    /// ```
    /// use netwire::with::LenU64;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct LongFrame {
    ///     fin_opcode: u8,
    ///     length_7: u8,
    ///     payload: LenU64<Vec<u8>>,
    /// }
    ///
    /// let frame = LongFrame { fin_opcode: 0x82, length_7: 127, payload: LenU64(vec![7; 65_536]) };
    /// let wire = netwire::net::to_vec(&frame)?;
    /// assert_eq!(wire[..10], [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    /// assert_eq!(wire.len(), 10 + 65_536);
    /// assert_eq!(netwire::net::from_slice::<LongFrame>(&wire)?, frame);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    LenU64<T>(T) = len_u64;
    /// A big-endian `i16` length prefix: [`len_i16`](super::len_i16) as a
    /// type; a negative length on the wire is
    /// [`ErrorKind::NegativeLength`](crate::ErrorKind::NegativeLength).
    ///
    /// Kafka's `STRING` (an `INT16` length) inside an array (an `INT32`
    /// count): the topics of a Metadata request, version 0.
    ///
    /// ```
    /// use netwire::with::{LenI16, LenI32};
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct MetadataRequestV0 {
    ///     topics: LenI32<Vec<LenI16<String>>>,
    /// }
    ///
    /// let request = MetadataRequestV0 {
    ///     topics: LenI32(vec![LenI16("logs".into()), LenI16("db".into())]),
    /// };
    /// let wire = netwire::net::to_vec(&request)?;
    /// assert_eq!(wire, b"\0\0\0\x02\0\x04logs\0\x02db");
    /// assert_eq!(netwire::net::from_slice::<MetadataRequestV0>(&wire)?, request);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    LenI16<T>(T) = len_i16;
    /// A big-endian `i32` length prefix: [`len_i32`](super::len_i32) as a
    /// type; a negative length on the wire is
    /// [`ErrorKind::NegativeLength`](crate::ErrorKind::NegativeLength).
    ///
    /// Kafka's `BYTES`: the SaslAuthenticate request (version 0) carrying
    /// a `PLAIN` token.
    ///
    /// ```
    /// use netwire::with::LenI32;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct SaslAuthenticateRequest {
    ///     auth_bytes: LenI32<Vec<u8>>,
    /// }
    ///
    /// let request = SaslAuthenticateRequest { auth_bytes: LenI32(b"\0u\0p".to_vec()) };
    /// let wire = netwire::net::to_vec(&request)?;
    /// assert_eq!(wire, b"\0\0\0\x04\0u\0p");
    /// assert_eq!(netwire::net::from_slice::<SaslAuthenticateRequest>(&wire)?, request);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    LenI32<T>(T) = len_i32;
    /// An `Option` whose `None` is the `i16` length −1, with no option
    /// byte: [`nullable_i16`](super::nullable_i16) as a type.
    ///
    /// Kafka's `NULLABLE_STRING`: the client id at the end of a request
    /// header (version 1).
    ///
    /// ```
    /// use netwire::with::NullableI16;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct RequestHeaderV1 {
    ///     api_key: i16,
    ///     api_version: i16,
    ///     correlation_id: i32,
    ///     client_id: NullableI16<String>,
    /// }
    ///
    /// let mut header = RequestHeaderV1 {
    ///     api_key: 3,
    ///     api_version: 0,
    ///     correlation_id: 7,
    ///     client_id: NullableI16(Some("cli".into())),
    /// };
    /// let wire = netwire::net::to_vec(&header)?;
    /// assert_eq!(wire, b"\0\x03\0\0\0\0\0\x07\0\x03cli");
    /// assert_eq!(netwire::net::from_slice::<RequestHeaderV1>(&wire)?, header);
    /// header.client_id = NullableI16(None);
    /// assert_eq!(netwire::net::to_vec(&header)?, b"\0\x03\0\0\0\0\0\x07\xff\xff");
    /// # Ok::<(), netwire::Error>(())
    /// ```
    NullableI16<T>(Option<T>) = nullable_i16;
    /// An `Option` whose `None` is the `i32` length −1, with no option
    /// byte: [`nullable_i32`](super::nullable_i32) as a type.
    ///
    /// The body of a PostgreSQL `Bind` message (protocol 3.0): portal and
    /// statement names as C strings, then `Int16` counts of format codes,
    /// of parameter values (each an `Int32` length, −1 for SQL `NULL`) and
    /// of result format codes.
    ///
    /// ```
    /// use netwire::with::{LenI16, NulStr, NullableI32};
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct Bind {
    ///     portal: NulStr,
    ///     statement: NulStr,
    ///     formats: LenI16<Vec<i16>>,
    ///     values: LenI16<Vec<NullableI32<Vec<u8>>>>,
    ///     results: LenI16<Vec<i16>>,
    /// }
    ///
    /// let bind = Bind {
    ///     portal: NulStr(String::new()),
    ///     statement: NulStr("s1".into()),
    ///     formats: LenI16(vec![]),
    ///     values: LenI16(vec![NullableI32(Some(b"42".to_vec())), NullableI32(None)]),
    ///     results: LenI16(vec![]),
    /// };
    /// let wire = netwire::net::to_vec(&bind)?;
    /// #[rustfmt::skip]
    /// assert_eq!(wire, [
    ///     0, b's', b'1', 0,
    ///     0, 0,
    ///     0, 2, 0, 0, 0, 2, b'4', b'2', 0xff, 0xff, 0xff, 0xff,
    ///     0, 0,
    /// ]);
    /// assert_eq!(netwire::net::from_slice::<Bind>(&wire)?, bind);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    NullableI32<T>(Option<T>) = nullable_i32;
    /// A C string: the bytes of a string (or byte string), then a 0 byte,
    /// no prefix; [`cstr`](super::cstr) as a type. The name keeps clear of
    /// `std::ffi::CStr`, which is a borrowed C string in memory, not a
    /// field. A 0 byte inside is an encode error
    /// ([`ErrorKind::InvalidCString`](crate::ErrorKind::InvalidCString)).
    /// `NulStr<&str>` borrows from the input (with `#[serde(borrow)]` on
    /// the field).
    ///
    /// A TFTP read request (RFC 1350): opcode 1, the file name and the
    /// transfer mode.
    ///
    /// ```
    /// use netwire::with::NulStr;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct ReadRequest {
    ///     opcode: u16,
    ///     filename: NulStr,
    ///     mode: NulStr,
    /// }
    ///
    /// let rrq = ReadRequest { opcode: 1, filename: NulStr("a.txt".into()), mode: NulStr("octet".into()) };
    /// let wire = netwire::net::to_vec(&rrq)?;
    /// assert_eq!(wire, b"\0\x01a.txt\0octet\0");
    /// assert_eq!(netwire::net::from_slice::<ReadRequest>(&wire)?, rrq);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    NulStr<T = String>(T) = cstr;
    /// The rest of the message: a string, byte string or sequence from here
    /// to the end of the frame or datagram, no prefix;
    /// [`rest`](super::rest) as a type. Only as a message's last value,
    /// and only where its end is known (`from_slice`, a frame's payload).
    /// `Rest<Vec<u8>>` decodes one byte at a time (serde gives a `Vec<u8>`
    /// no other way); [`RestBytes`] moves the bytes in one copy.
    ///
    /// The option acknowledgement of TFTP (RFC 2347): opcode 6, then
    /// option and value C strings to the end of the packet.
    ///
    /// ```
    /// use netwire::with::{NulStr, Rest};
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct OptionAck {
    ///     opcode: u16,
    ///     options: Rest<Vec<(NulStr, NulStr)>>,
    /// }
    ///
    /// let oack = OptionAck {
    ///     opcode: 6,
    ///     options: Rest(vec![(NulStr("blksize".into()), NulStr("1428".into()))]),
    /// };
    /// let wire = netwire::net::to_vec(&oack)?;
    /// assert_eq!(wire, b"\0\x06blksize\x001428\0");
    /// assert_eq!(netwire::net::from_slice::<OptionAck>(&wire)?, oack);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    Rest<T>(T) = rest;
    /// A sequence ended by a 0 byte where the next element would start:
    /// [`nul_terminated`](super::nul_terminated) as a type. Its elements
    /// must not start with a 0 byte.
    ///
    /// A domain name (RFC 1035, 3.1): labels of a one-byte length, closed
    /// by the empty label.
    ///
    /// ```
    /// use netwire::with::{LenU8, NulTerminated};
    ///
    /// type Name = NulTerminated<Vec<LenU8<String>>>;
    ///
    /// let name: Name = NulTerminated(vec![LenU8("example".into()), LenU8("com".into())]);
    /// let wire = netwire::net::to_vec(&name)?;
    /// assert_eq!(wire, b"\x07example\x03com\x00");
    /// assert_eq!(netwire::net::from_slice::<Name>(&wire)?, name);
    /// # Ok::<(), netwire::Error>(())
    /// ```
    NulTerminated<T>(T) = nul_terminated;
    /// An `Option` that is `None` when nothing is left of the message and
    /// otherwise the value, with no option byte:
    /// [`empty_as_none`](super::empty_as_none) as a type. Only as the
    /// message's last value, where its end is known.
    ///
    /// A BitTorrent peer message (BEP 3) inside its length-prefixed frame:
    /// an empty frame is a keep-alive, otherwise an id byte and the
    /// message's fields.
    ///
    /// ```
    /// use netwire::with::EmptyAsNone;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// enum Peer {
    ///     Choke,
    ///     Unchoke,
    ///     Interested,
    ///     NotInterested,
    ///     Have { piece: u32 },
    /// }
    ///
    /// let have = EmptyAsNone(Some(Peer::Have { piece: 9 }));
    /// assert_eq!(netwire::net::to_vec(&have)?, [4, 0, 0, 0, 9]);
    /// assert_eq!(netwire::net::from_slice::<EmptyAsNone<Peer>>(&[4, 0, 0, 0, 9])?, have);
    /// assert_eq!(netwire::net::from_slice::<EmptyAsNone<Peer>>(&[])?, EmptyAsNone(None));
    /// # Ok::<(), netwire::Error>(())
    /// ```
    EmptyAsNone<T>(Option<T>) = empty_as_none;
}

/// The rest of the message as bytes, moved in one copy: the same `net`
/// bytes as [`Rest<Vec<u8>>`](Rest), or as [`rest`](super::rest) on a
/// `Vec<u8>` field, without going through serde one byte at a time.
///
/// `B` is the buffer: `Vec<u8>` (the default), `Box<[u8]>`,
/// [`bytes::Bytes`], or `&[u8]` borrowed from the input (with
/// `#[serde(borrow)]` on the field). Any `B: AsRef<[u8]>` encodes.
///
/// It is a byte string to serde, so in `ascii` it is one netstring
/// (`3:abc`), as `serde_bytes::ByteBuf` under [`rest`](super::rest)
/// would be, where `Rest<Vec<u8>>` is a count and one number per byte.
///
/// A TFTP data packet (RFC 1350): opcode 3, the block number, then up to
/// 512 bytes of the file, to the end of the datagram.
///
/// ```
/// use netwire::with::RestBytes;
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct Data {
///     opcode: u16,
///     block: u16,
///     data: RestBytes,
/// }
///
/// let data = Data { opcode: 3, block: 1, data: RestBytes(b"hello".to_vec()) };
/// let wire = netwire::net::to_vec(&data)?;
/// assert_eq!(wire, b"\0\x03\0\x01hello");
/// assert_eq!(netwire::net::from_slice::<Data>(&wire)?, data);
///
/// // Borrowed from the datagram, no copy at all.
/// #[derive(serde::Deserialize)]
/// struct DataRef<'a> {
///     opcode: u16,
///     block: u16,
///     #[serde(borrow)]
///     data: RestBytes<&'a [u8]>,
/// }
/// let view: DataRef = netwire::net::from_slice(&wire)?;
/// assert_eq!((view.opcode, view.block, *view.data), (3, 1, &b"hello"[..]));
/// # Ok::<(), netwire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RestBytes<B = Vec<u8>>(pub B);

impl<B> RestBytes<B> {
    /// Returns the buffer.
    #[inline]
    pub fn into_inner(self) -> B {
        self.0
    }
}

impl<B> Deref for RestBytes<B> {
    type Target = B;

    #[inline]
    fn deref(&self) -> &B {
        &self.0
    }
}

impl<B> DerefMut for RestBytes<B> {
    #[inline]
    fn deref_mut(&mut self) -> &mut B {
        &mut self.0
    }
}

impl<B> From<B> for RestBytes<B> {
    #[inline]
    fn from(value: B) -> Self {
        RestBytes(value)
    }
}

/// A byte slice that serde sees as a byte string.
struct ByteStr<'a>(&'a [u8]);

impl Serialize for ByteStr<'_> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

impl<B: AsRef<[u8]>> Serialize for RestBytes<B> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        super::rest::serialize(&ByteStr(self.0.as_ref()), serializer)
    }
}

/// A byte buffer read as a byte string, built from what the format hands
/// over: the input's own bytes, a copy, or a buffer it already owns.
struct Buffer<B>(B);

/// The buffers [`RestBytes`] decodes into.
trait FromBytes<'de>: Sized {
    fn from_borrowed(bytes: &'de [u8]) -> Self;
    fn from_copied<E: de::Error>(bytes: &[u8]) -> Result<Self, E>;
    fn from_vec<E: de::Error>(bytes: Vec<u8>) -> Result<Self, E>;
}

macro_rules! owned_buffers {
    ($($ty:ty),*) => {$(
        impl FromBytes<'_> for $ty {
            #[inline]
            fn from_borrowed(bytes: &[u8]) -> Self {
                <$ty>::from(bytes.to_vec())
            }

            #[inline]
            fn from_copied<E: de::Error>(bytes: &[u8]) -> Result<Self, E> {
                Ok(<$ty>::from(bytes.to_vec()))
            }

            #[inline]
            fn from_vec<E: de::Error>(bytes: Vec<u8>) -> Result<Self, E> {
                Ok(<$ty>::from(bytes))
            }
        }
    )*};
}

owned_buffers!(Vec<u8>, Box<[u8]>, bytes::Bytes);

impl<'de: 'a, 'a> FromBytes<'de> for &'a [u8] {
    #[inline]
    fn from_borrowed(bytes: &'de [u8]) -> Self {
        bytes
    }

    fn from_copied<E: de::Error>(bytes: &[u8]) -> Result<Self, E> {
        Err(de::Error::invalid_type(
            de::Unexpected::Bytes(bytes),
            &"bytes borrowed from the input",
        ))
    }

    fn from_vec<E: de::Error>(bytes: Vec<u8>) -> Result<Self, E> {
        Self::from_copied(&bytes)
    }
}

impl<'de, B: FromBytes<'de>> Visitor<'de> for Buffer<std::marker::PhantomData<B>> {
    type Value = B;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the rest of the message as bytes")
    }

    #[inline]
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<B, E> {
        Ok(B::from_borrowed(v))
    }

    #[inline]
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<B, E> {
        B::from_copied(v)
    }

    #[inline]
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<B, E> {
        B::from_vec(v)
    }
}

impl<'de, B: FromBytes<'de>> Deserialize<'de> for Buffer<B> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_byte_buf(Buffer(std::marker::PhantomData))
            .map(Buffer)
    }
}

macro_rules! rest_bytes {
    ($(<$($lt:lifetime),*> $ty:ty),*) => {$(
        impl<'de: $($lt),*, $($lt),*> Deserialize<'de> for RestBytes<$ty> {
            #[inline]
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::rest::deserialize::<Buffer<$ty>, D>(deserializer).map(|b| RestBytes(b.0))
            }
        }
    )*};
}

rest_bytes!(<> Vec<u8>, <> Box<[u8]>, <> bytes::Bytes, <'a> &'a [u8]);
