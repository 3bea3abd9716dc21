//! The `net` format: exact bytes, errors and their offsets, limits, depth,
//! field adapters, output into caller memory, round trips and truncations,
//! and agreement with bincode.

#[path = "../support/mod.rs"]
mod support;
#[path = "../support/wrapper_cases.rs"]
mod wrapper_cases;

mod adapters;
mod basic;
mod bincode;
mod depth;
mod end_of_message;
mod errors;
mod records;
mod room;
mod roundtrip;
mod slice_output;
mod tag_tables;
mod truncation;
mod wrappers;
