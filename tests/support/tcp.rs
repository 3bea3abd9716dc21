//! Real sockets on 127.0.0.1 for the TCP tests, every blocking call bounded
//! in time.

use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// Nothing in the TCP tests waits longer than this.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Connects a client and a server on an ephemeral port, both with read and
/// write timeouts of [`TIMEOUT`].
pub fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    bounded(&client);
    bounded(&server);
    (client, server)
}

/// Sets read and write timeouts of [`TIMEOUT`] on `stream`.
pub fn bounded(stream: &TcpStream) {
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(TIMEOUT)).unwrap();
}
