//! Whole protocols in `net`: the BitTorrent peer wire protocol and TFTP,
//! with the types of the `peer_wire` and `tftp` examples.

#[path = "../support/mod.rs"]
mod support;

mod peer_wire;
mod tftp;
