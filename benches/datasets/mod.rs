//! Datasets and encodings shared by `benches/formats.rs` and
//! `examples/compare.rs` (which includes this module with `#[path]`).
//!
//! Seven datasets, generated from fixed seeds: `header` (fixed-layout
//! protocol headers), `chat` (short strings, options, an enum), `log` (web
//! server access records), `mesh` (vectors of `f32` triples), `savedata`
//! (Minecraft-like player save data: nested structs, enums with data, many
//! small strings and vectors), `bulk` (large byte payloads) and
//! `triangles` (runs of 48-byte triangle records, also read with
//! `netwire::with::records`).
// Each includer (two benches, one example) uses a different part.
#![allow(dead_code, unused_imports)]

pub mod cpu;
pub mod formats;
pub mod messages;
pub mod rng;
pub mod savedata;
pub mod triangles;

use std::fmt::Debug;

pub use formats::{Batch, Decode, Encode, Format, Visit, check, each_format};
pub use messages::*;
pub use savedata::{Player, players};
pub use triangles::{TriangleMesh, TriangleRun, TriangleRunRef, triangle_meshes};

/// How many messages each dataset has.
pub const HEADERS: usize = 4096;
/// See [`HEADERS`].
pub const CHATS: usize = 2048;
/// See [`HEADERS`].
pub const LOGS: usize = 1024;
/// See [`HEADERS`].
pub const MESHES: usize = 16;
/// See [`HEADERS`].
pub const TRIANGLES: usize = 16;
/// See [`HEADERS`].
pub const PLAYERS: usize = 64;
/// See [`HEADERS`].
pub const BLOBS: usize = 16;

/// A message type every format can encode and decode to an owned value:
/// serde's derives plus wincode's (`SchemaWrite`, `SchemaRead`) and
/// bitcode's (`Encode`, `Decode`), see [`Encode`] and [`Decode`].
pub trait Owned: Encode + for<'de> Decode<'de> + PartialEq + Debug {}

impl<T: Encode + for<'de> Decode<'de> + PartialEq + Debug> Owned for T {}

/// A message type in the comparison, with borrowed decoding.
///
/// `View` is the same message decoded with its strings and byte strings
/// borrowed from the input; a type with nothing to borrow sets it to
/// `Self` and `BORROWS` to `false` (the borrowed benches are skipped).
pub trait Message: Owned {
    /// The borrowing twin (encodes to the same bytes).
    type View<'a>: Encode + Decode<'a>;
    /// Whether `View` borrows anything.
    const BORROWS: bool;
}

impl Message for Header {
    type View<'a> = Header;
    const BORROWS: bool = false;
}

impl Message for Chat {
    type View<'a> = ChatRef<'a>;
    const BORROWS: bool = true;
}

impl Message for LogRecord {
    type View<'a> = LogRecordRef<'a>;
    const BORROWS: bool = true;
}

impl Message for Mesh {
    type View<'a> = Mesh;
    const BORROWS: bool = false;
}

impl Message for TriangleMesh {
    type View<'a> = TriangleMesh;
    const BORROWS: bool = false;
}

impl Message for Blob {
    type View<'a> = BlobRef<'a>;
    const BORROWS: bool = true;
}

impl Message for Player {
    type View<'a> = Player;
    const BORROWS: bool = false;
}
