//! The framing strategies of `netwire::frame`: each one on its own, all of
//! them under every chunking, and buffer growth against hostile headers.

#[path = "../support/mod.rs"]
mod support;

mod ascii_length;
mod by_type;
mod chunking;
mod delimited;
mod fixed_and_close;
mod growth;
mod header;
mod length_field;
mod length_prefixed;
