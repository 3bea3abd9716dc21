//! The `std::io` adapters of `netwire::stream` against scripted readers and
//! writers, the tokio codecs, and the hardening regressions.

#[path = "../support/mod.rs"]
mod support;

mod codec;
mod frames;
mod framings;
mod hardening;
mod messages;
mod writer;
