//! TFTP (RFC 1350) over UDP on 127.0.0.1: a server thread and a client in
//! one process move files both ways.
//!
//! The client downloads a file of 1300 bytes (three DATA packets, the last
//! one short), uploads one of 1536 bytes (three full packets, then the
//! empty DATA packet that ends a transfer of a multiple of 512 bytes,
//! section 6), downloads it back, and asks for a file the server does not
//! have, which the server answers with ERROR 1.
//!
//! Each datagram is one `net` message: `TFTP.from_slice(&buf[..n])` on
//! receipt, `TFTP.to_vec(&packet)` to send; the packets are in
//! `proto/tftp.rs`. As in section 4, the server answers each request from
//! a new socket (a new transfer ID), and the client takes the port of the
//! first answer as the server's side of the transfer. Transfers are lock
//! step (section 2): a packet is sent again when its answer does not come
//! within `TIMEOUT`, a few times at most, and a duplicate is never
//! answered by a resend (RFC 1123, section 4.2.3.1).
//!
//! Run with `cargo run --example tftp`; it exits by itself, with a
//! non-zero status when anything fails.

#[path = "proto/tftp.rs"]
mod proto;

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use proto::{BLOCK_SIZE, MAX_PACKET, OCTET, Packet, TFTP, code};

/// How long a side waits for an answer before it sends its packet again.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Sends of one packet after the first, before a transfer is given up.
const RETRIES: usize = 2;

/// Why a transfer stopped short.
#[derive(Debug)]
enum Failure {
    /// The peer sent an ERROR packet (section 7).
    Peer { code: u16, message: String },
    /// A datagram did not decode, a packet did not encode, or the socket
    /// failed.
    Wire(netwire::Error),
    /// The peer broke the protocol, or stopped answering.
    Protocol(&'static str),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Peer { code, message } => write!(f, "peer sent ERROR {code}: {message}"),
            Failure::Wire(err) => write!(f, "{err}"),
            Failure::Protocol(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for Failure {}

impl From<netwire::Error> for Failure {
    fn from(err: netwire::Error) -> Self {
        Failure::Wire(err)
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Self {
        Failure::Wire(err.into())
    }
}

/// One side of a transfer: its socket and the peer's transfer ID, that is
/// the peer's address (section 4).
struct Link {
    socket: UdpSocket,
    peer: SocketAddr,
    /// Whether `peer` is the peer's transfer ID yet. A client sends its
    /// request to the server's well-known port and learns the server's
    /// transfer ID from the first answer.
    bound: bool,
    /// One byte more than any packet of a transfer, to tell an oversized
    /// datagram from a full one.
    buf: [u8; MAX_PACKET + 1],
}

impl Link {
    fn new(peer: SocketAddr, bound: bool) -> Result<Link, Failure> {
        Ok(Link {
            socket: UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?,
            peer,
            bound,
            buf: [0; MAX_PACKET + 1],
        })
    }

    fn send(&mut self, packet: &Packet) -> Result<(), Failure> {
        self.socket.send_to(&TFTP.to_vec(packet)?, self.peer)?;
        Ok(())
    }

    /// Tells the peer why the transfer ends here, then says so to the
    /// caller.
    fn abort(&mut self, code: u16, why: &'static str) -> Failure {
        // The peer may be gone already; the failure is reported either way.
        let _ = self.send(&Packet::error(code, why));
        Failure::Protocol(why)
    }

    /// The next packet from the peer, or `None` once `deadline` has
    /// passed. A datagram from another transfer ID is answered with
    /// ERROR 5 and skipped; an ERROR from the peer is a [`Failure::Peer`].
    fn recv(&mut self, deadline: Instant) -> Result<Option<Packet>, Failure> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.socket.set_read_timeout(Some(left))?;
            let (n, from) = match self.socket.recv_from(&mut self.buf) {
                Ok(got) => got,
                Err(err) if is_timeout(&err) => return Ok(None),
                Err(err) => return Err(err.into()),
            };
            if !self.bound && from.ip() == self.peer.ip() {
                self.peer = from;
                self.bound = true;
            }
            if from != self.peer {
                let stray =
                    TFTP.to_vec(&Packet::error(code::UNKNOWN_TID, "Unknown transfer ID"))?;
                self.socket.send_to(&stray, from)?;
                continue;
            }
            if n > MAX_PACKET {
                return Err(self.abort(code::ILLEGAL_OPERATION, "datagram over 516 bytes"));
            }
            return match TFTP.from_slice(&self.buf[..n]) {
                Ok(Packet::Error { code, message }) => Err(Failure::Peer { code, message }),
                Ok(packet) => Ok(Some(packet)),
                Err(err) => {
                    let _ = self.abort(code::ILLEGAL_OPERATION, "malformed packet");
                    Err(err.into())
                }
            };
        }
    }

    /// Sends `packet` and returns what `answer` makes of the first reply
    /// it accepts. Packets it refuses (`None`: a duplicate, an old block)
    /// are dropped without a resend (the "Sorcerer's Apprentice" fix, RFC
    /// 1123, section 4.2.3.1); when nothing acceptable comes within
    /// `TIMEOUT` the packet is sent again (RFC 1350, section 2), up to
    /// `RETRIES` times.
    fn exchange<T>(
        &mut self,
        packet: &Packet,
        mut answer: impl FnMut(Packet) -> Option<T>,
    ) -> Result<T, Failure> {
        for _ in 0..=RETRIES {
            self.send(packet)?;
            let deadline = Instant::now() + TIMEOUT;
            while let Some(reply) = self.recv(deadline)? {
                if let Some(value) = answer(reply) {
                    return Ok(value);
                }
            }
        }
        Err(Failure::Protocol("no answer from the peer"))
    }

    /// Sends `file` as DATA blocks 1, 2, ..., each once the block before
    /// it is acknowledged. A block shorter than 512 bytes ends the
    /// transfer, so a file of a multiple of 512 bytes ends with an empty
    /// one. Returns the number of DATA packets.
    fn send_file(&mut self, file: &[u8]) -> Result<usize, Failure> {
        let count = file.len() / BLOCK_SIZE + 1;
        for i in 0..count {
            // Block numbers are 16 bits: RFC 1350 files stop short of 32 MiB.
            let Ok(block) = u16::try_from(i + 1) else {
                return Err(self.abort(code::NOT_DEFINED, "file too large for TFTP"));
            };
            let data = file[i * BLOCK_SIZE..file.len().min((i + 1) * BLOCK_SIZE)].to_vec();
            self.exchange(&Packet::Data { block, data }, |reply| match reply {
                Packet::Ack { block: acked } if acked == block => Some(()),
                _ => None,
            })?;
        }
        Ok(count)
    }

    /// Receives DATA blocks 1, 2, ..., acknowledging each, until a short
    /// one. `ask` is what calls for block 1: the client's RRQ, or the
    /// server's ACK 0 to a WRQ. Returns the file and its number of DATA
    /// packets.
    fn receive_file(&mut self, mut ask: Packet) -> Result<(Vec<u8>, usize), Failure> {
        let mut file = Vec::new();
        for block in 1..=u16::MAX {
            let data = self.exchange(&ask, |reply| match reply {
                Packet::Data { block: got, data } if got == block => Some(data),
                _ => None,
            })?;
            if data.len() > BLOCK_SIZE {
                return Err(self.abort(code::ILLEGAL_OPERATION, "DATA over 512 bytes"));
            }
            file.extend_from_slice(&data);
            ask = Packet::Ack { block };
            if data.len() < BLOCK_SIZE {
                // The final ACK is not answered (section 6).
                self.send(&ask)?;
                return Ok((file, usize::from(block)));
            }
        }
        Err(self.abort(code::NOT_DEFINED, "file too large for TFTP"))
    }
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Serves `requests` requests on `listener`, one transfer at a time, each
/// from a socket of its own; returns the files it holds at the end.
fn serve(
    listener: UdpSocket,
    mut files: HashMap<String, Vec<u8>>,
    requests: usize,
) -> Result<HashMap<String, Vec<u8>>, Failure> {
    listener.set_read_timeout(Some(TIMEOUT * 4))?;
    let mut buf = [0; MAX_PACKET + 1];
    for _ in 0..requests {
        let (n, client) = listener.recv_from(&mut buf)?;
        let mut link = Link::new(client, true)?;
        let request = match TFTP.from_slice::<Packet>(&buf[..n]) {
            Ok(request) => request,
            Err(_) => {
                link.send(&Packet::error(code::ILLEGAL_OPERATION, "not a request"))?;
                continue;
            }
        };
        match request {
            Packet::Rrq { mode, .. } | Packet::Wrq { mode, .. }
                if !mode.eq_ignore_ascii_case(OCTET) =>
            {
                link.send(&Packet::error(code::NOT_DEFINED, "only octet mode"))?;
            }
            Packet::Rrq { filename, .. } => match files.get(&filename) {
                Some(file) => {
                    link.send_file(file)?;
                }
                None => link.send(&Packet::error(code::FILE_NOT_FOUND, "File not found"))?,
            },
            Packet::Wrq { filename, .. } if files.contains_key(&filename) => {
                link.send(&Packet::error(code::FILE_EXISTS, "File already exists"))?;
            }
            Packet::Wrq { filename, .. } => {
                let (file, _) = link.receive_file(Packet::Ack { block: 0 })?;
                files.insert(filename, file);
            }
            _ => link.send(&Packet::error(code::ILLEGAL_OPERATION, "not a request"))?,
        }
    }
    Ok(files)
}

/// Downloads `filename` from the server at `server`; returns the file and
/// its number of DATA packets.
fn download(server: SocketAddr, filename: &str) -> Result<(Vec<u8>, usize), Failure> {
    let mut link = Link::new(server, false)?;
    let rrq = Packet::Rrq {
        filename: filename.to_owned(),
        mode: OCTET.to_owned(),
    };
    link.receive_file(rrq)
}

/// Uploads `file` as `filename`; returns the number of DATA packets.
fn upload(server: SocketAddr, filename: &str, file: &[u8]) -> Result<usize, Failure> {
    let mut link = Link::new(server, false)?;
    let wrq = Packet::Wrq {
        filename: filename.to_owned(),
        mode: OCTET.to_owned(),
    };
    link.exchange(&wrq, |reply| match reply {
        Packet::Ack { block: 0 } => Some(()),
        _ => None,
    })?;
    link.send_file(file)
}

/// `len` bytes that differ from block to block.
fn contents(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ (i / BLOCK_SIZE) as u8 ^ seed)
        .collect()
}

fn main() -> Result<(), Failure> {
    let start = Instant::now();
    let hello = contents(1300, 0x5a);
    let blocks = contents(3 * BLOCK_SIZE, 0xa5);

    let listener = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
    let server_addr = listener.local_addr()?;
    let files = HashMap::from([("hello.bin".to_owned(), hello.clone())]);
    let server = thread::spawn(move || serve(listener, files, 4));

    let (got, down) = download(server_addr, "hello.bin")?;
    if got != hello {
        return Err(Failure::Protocol("hello.bin came back different"));
    }
    let up = upload(server_addr, "blocks.bin", &blocks)?;
    let (back, back_blocks) = download(server_addr, "blocks.bin")?;
    if back != blocks {
        return Err(Failure::Protocol("blocks.bin came back different"));
    }
    let missing = match download(server_addr, "missing.bin") {
        Err(Failure::Peer { code, message }) if code == code::FILE_NOT_FOUND => message,
        Err(err) => return Err(err),
        Ok(_) => return Err(Failure::Protocol("missing.bin was found")),
    };

    let files = server.join().expect("server thread")?;
    if files.get("blocks.bin") != Some(&blocks) {
        return Err(Failure::Protocol("the server holds another blocks.bin"));
    }
    println!(
        "tftp: RRQ hello.bin {} B in {down} DATA, WRQ blocks.bin {} B in {up} DATA, \
         RRQ blocks.bin {} B in {back_blocks} DATA, RRQ missing.bin -> ERROR {} \"{missing}\"; \
         {:.1} ms on {server_addr}",
        hello.len(),
        blocks.len(),
        back.len(),
        code::FILE_NOT_FOUND,
        start.elapsed().as_secs_f64() * 1e3,
    );
    Ok(())
}
