//! A few PostgreSQL protocol messages (protocol 3.0, the "Message Formats"
//! chapter of the PostgreSQL documentation) as serde types, shared by the
//! `postgres` example and `tests/proto/postgres.rs`.
//!
//! ```text
//! StartupMessage  | Int32 len | Int32 196608 | (String name, String value)* | 0 |
//! Query           | 'Q' | Int32 len | String query |
//! Terminate       | 'X' | Int32 len = 4 |
//! Authentication  | 'R' | Int32 len | Int32 code (0 = Ok, 3 = cleartext, 5 = MD5) | ... |
//! ReadyForQuery   | 'Z' | Int32 len = 5 | Byte1 status ('I', 'T', 'E') |
//! ErrorResponse   | 'E' | Int32 len | (Byte1 code, String value)* | 0 |
//! ```
//!
//! No type here has a length: the `Int32 len` of every message is the
//! framing's ([`LengthField`]), which reads it to find where a message ends
//! and writes it from the encoded message. It counts itself and what
//! follows, not the type byte, so it sits at offset 1 with an adjustment
//! of -4; the startup message has no type byte, so its length is at
//! offset 0 ([`startup_framing`]). A connection starts in that framing and
//! moves on to [`framing`] after the startup message, on both sides.
//!
//! The type byte is the tag of the [`Frontend`] and [`Backend`] enums
//! (`EnumTags`, in [`PG`]), so a message is decoded straight into its
//! variant. Strings end with a 0 byte (`with::cstr`), and the lists of the
//! startup message and of an error end with a 0 byte where the next item
//! would start (`with::nul_terminated`).

#![allow(dead_code)]

use netwire::frame::LengthField;
use netwire::net::{Config, EnumTags, TagTable, TagWidth};
use serde::{Deserialize, Serialize};

/// The protocol version of a StartupMessage: 3.0, `196608`.
pub const PROTOCOL_3_0: u32 = 3 << 16;

/// The `net` settings of the protocol: the type bytes of [`Frontend`] and
/// [`Backend`], and the authentication codes of [`Auth`].
pub const PG: Config<TagTable> = Config::new().with_enum_tags(&[
    EnumTags::bytes::<Frontend>(b"QX"),
    EnumTags::bytes::<Backend>(b"RZE"),
    EnumTags::of::<Auth>(TagWidth::U32, &[0, 3, 5]),
]);

/// The framing of every message after the startup message: a type byte,
/// then an `Int32` length that counts itself and the body.
pub fn framing() -> LengthField {
    LengthField::new()
        .length_field_offset(1)
        .length_adjustment(-4)
}

/// The framing of the startup message: an `Int32` length that counts
/// itself and the body, with no type byte before it.
pub fn startup_framing() -> LengthField {
    LengthField::new().length_adjustment(-4)
}

/// The first message of a connection, sent by the client.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Startup {
    /// [`PROTOCOL_3_0`].
    pub protocol: u32,
    /// `user` (required), `database`, and other run-time parameters.
    #[serde(with = "netwire::with::nul_terminated")]
    pub params: Vec<Param>,
}

/// A name and value of a [`Startup`] message.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's name; never empty (an empty one would end the list).
    #[serde(with = "netwire::with::cstr")]
    pub name: String,
    /// Its value.
    #[serde(with = "netwire::with::cstr")]
    pub value: String,
}

impl Startup {
    /// A protocol 3.0 startup message with these parameters.
    pub fn new(params: &[(&str, &str)]) -> Self {
        Startup {
            protocol: PROTOCOL_3_0,
            params: params
                .iter()
                .map(|(name, value)| Param {
                    name: (*name).into(),
                    value: (*value).into(),
                })
                .collect(),
        }
    }
}

/// Messages the client sends after the startup message.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Frontend {
    /// `'Q'`: a simple query.
    Query(#[serde(with = "netwire::with::cstr")] String),
    /// `'X'`: the client is closing the connection.
    Terminate,
}

/// Messages the server sends.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// `'R'`: an authentication request, or its success.
    Authentication(Auth),
    /// `'Z'`: ready for a new query; the transaction status.
    ReadyForQuery(u8),
    /// `'E'`: an error, as a list of fields.
    ErrorResponse(#[serde(with = "netwire::with::nul_terminated")] Vec<Field>),
}

/// The body of an `'R'` message, tagged by its `Int32` code.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// Code 0: AuthenticationOk.
    Ok,
    /// Code 3: AuthenticationCleartextPassword.
    CleartextPassword,
    /// Code 5: AuthenticationMD5Password, with its salt.
    Md5Password([u8; 4]),
}

/// One field of an ErrorResponse: a code byte (`S` severity, `C` SQLSTATE,
/// `M` message, ...) and its value.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field type; never 0 (a 0 ends the list).
    pub code: u8,
    /// The field's value.
    #[serde(with = "netwire::with::cstr")]
    pub value: String,
}

impl Field {
    /// A field of type `code`.
    pub fn new(code: u8, value: &str) -> Self {
        Field {
            code,
            value: value.into(),
        }
    }
}
