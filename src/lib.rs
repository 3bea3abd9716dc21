#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ascii;
#[cfg(feature = "tokio")]
pub mod codec;
#[cfg(test)]
mod cost;
pub mod encoding;
pub mod error;
mod format;
pub mod frame;
#[cfg(feature = "futures")]
pub mod futures;
#[cfg(feature = "fuzz")]
pub mod fuzz;
mod limits;
pub mod message;
pub mod net;
pub mod order;
mod output;
#[cfg(feature = "spec")]
pub mod spec;
pub mod stream;
pub mod with;

pub use encoding::{Encoding, Scan};
pub use error::{Error, ErrorKind, Result};
