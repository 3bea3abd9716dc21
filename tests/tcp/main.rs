//! Real TCP on 127.0.0.1: both formats over sockets, peers that vanish or
//! stall, non-blocking sockets with mio, a thread per client.

#[path = "../support/mod.rs"]
mod support;

mod ascii_tcp;
mod edge;
mod net_socket;
mod nonblocking;
mod threaded;
