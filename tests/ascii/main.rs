//! The `ascii` format: malformed input, the slice and reader decoders
//! agreeing, round trips, output into caller memory, and the partial-token
//! regression the `stream_schedule` fuzz target found.

#[path = "../support/mod.rs"]
mod support;
#[path = "../support/wrapper_cases.rs"]
mod wrapper_cases;

mod errors;
mod paths;
mod regression_partial_token;
mod roundtrip;
mod slice_output;
mod wrappers;
