//! Whole protocols in `net`: the BitTorrent peer wire protocol, TFTP,
//! PostgreSQL and the memcached binary protocol, with the types of the
//! `peer_wire`, `tftp`, `postgres` and `memcached` examples.

#[path = "../support/mod.rs"]
mod support;

mod memcached;
mod peer_wire;
mod postgres;
mod tftp;
