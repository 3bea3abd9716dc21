//! The BitTorrent peer wire protocol (BEP 3) over TCP on 127.0.0.1: a
//! seeder and a leecher move a small torrent (three pieces of 16 KiB)
//! from one to the other.
//!
//! The leecher connects and sends its handshake; the seeder checks the
//! info hash and answers with its own. Both then go on with `u32`
//! length-prefixed frames, switching framing on the same reader and
//! writer with `map_framing`, so no byte read past the handshake is lost.
//! The seeder announces its pieces with a bitfield and sends a
//! keep-alive; the leecher sends a keep-alive and `interested`, is
//! unchoked, requests every block at once, checks each piece against the
//! torrent's piece digests and says `have`. Once it has everything it
//! says `not interested`, the seeder chokes it, and the leecher closes
//! its side; the seeder sees the end of the stream and closes too.
//!
//! The messages are in `proto/peer_wire.rs`. A real torrent's info hash
//! and piece hashes are SHA-1 digests of its metainfo; here the info hash
//! is a fixed value and each piece has a 64-bit FNV-1a digest, which keeps
//! the example free of a hashing crate.
//!
//! Run with `cargo run --example peer_wire`; it exits by itself, with a
//! non-zero status when anything fails.

#[path = "proto/peer_wire.rs"]
mod proto;

use std::io;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use netwire::frame::{FixedLength, LengthPrefixed};
use netwire::stream::{MessageReader, MessageWriter};
use proto::{BLOCK_LEN, Frame, HANDSHAKE_LEN, Handshake, MAX_PAYLOAD, Message, PROTOCOL, WIRE};
use serde_bytes::ByteBuf;

const PIECES: u32 = 3;
const PIECE_LEN: u32 = 16 * 1024;
const INFO_HASH: [u8; 20] = *b"netwire peer_wire ex";
const SEEDER_ID: [u8; 20] = *b"-NW0001-000000000001";
const LEECHER_ID: [u8; 20] = *b"-NW0001-000000000002";
const TIMEOUT: Duration = Duration::from_secs(2);

/// What the leecher knows from the metainfo file.
struct Torrent {
    info_hash: [u8; 20],
    piece_len: u32,
    /// One digest per piece.
    digests: Vec<u64>,
}

impl Torrent {
    fn of(content: &[u8]) -> Torrent {
        Torrent {
            info_hash: INFO_HASH,
            piece_len: PIECE_LEN,
            digests: content.chunks(PIECE_LEN as usize).map(fnv1a).collect(),
        }
    }

    fn pieces(&self) -> u32 {
        self.digests.len() as u32
    }
}

/// The 64-bit FNV-1a digest of `bytes`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The bitfield of a peer that has all `pieces` pieces: high bit first,
/// spare bits zero.
fn full_bitfield(pieces: u32) -> ByteBuf {
    let mut bits = vec![0u8; pieces.div_ceil(8) as usize];
    for i in 0..pieces as usize {
        bits[i / 8] |= 0x80 >> (i % 8);
    }
    ByteBuf::from(bits)
}

fn has_piece(bitfield: &[u8], index: u32) -> bool {
    let i = index as usize;
    bitfield
        .get(i / 8)
        .is_some_and(|byte| byte & (0x80 >> (i % 8)) != 0)
}

fn protocol_error(what: &str) -> netwire::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned()).into()
}

/// Messages and keep-alives one side sent.
#[derive(Debug, Default)]
struct Sent {
    messages: usize,
    keep_alives: usize,
}

/// Both directions of a connection after the handshake.
struct Peer {
    rx: MessageReader<TcpStream, LengthPrefixed>,
    tx: MessageWriter<TcpStream, LengthPrefixed>,
    sent: Sent,
    keep_alives_seen: usize,
}

impl Peer {
    /// Sends our handshake (first when we initiate), reads the other's,
    /// checks it, and switches both directions to length-prefixed frames.
    /// Returns the connection and the other side's handshake.
    fn handshake(
        stream: TcpStream,
        ours: &Handshake,
        initiator: bool,
    ) -> netwire::Result<(Peer, Handshake)> {
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        // Small messages answer each other: do not hold them back (Nagle).
        stream.set_nodelay(true)?;
        let handshake = || FixedLength::new(HANDSHAKE_LEN);
        let mut rx = MessageReader::with_encoding(stream.try_clone()?, handshake(), WIRE);
        let mut tx = MessageWriter::with_encoding(stream, handshake(), WIRE);
        if initiator {
            tx.write(ours)?;
        }
        let theirs: Handshake = rx
            .read()?
            .ok_or_else(|| protocol_error("closed before the handshake"))?;
        if theirs.protocol != PROTOCOL || theirs.info_hash != ours.info_hash {
            return Err(protocol_error(
                "a handshake for another protocol or torrent",
            ));
        }
        if !initiator {
            tx.write(ours)?;
        }
        let frames = || LengthPrefixed::u32().with_limit(MAX_PAYLOAD);
        let peer = Peer {
            rx: rx.map_framing(|_| frames()),
            tx: tx.map_framing(|_| frames()),
            sent: Sent::default(),
            keep_alives_seen: 0,
        };
        Ok((peer, theirs))
    }

    fn send(&mut self, frame: &Frame) -> netwire::Result<()> {
        self.queue(frame)?;
        self.tx.flush()
    }

    /// Queues `frame` for the next flush (requests go out together).
    fn queue(&mut self, frame: &Frame) -> netwire::Result<()> {
        self.tx.queue(frame)?;
        match frame.0 {
            Some(_) => self.sent.messages += 1,
            None => self.sent.keep_alives += 1,
        }
        Ok(())
    }

    /// The next message, keep-alives counted and skipped; `None` when the
    /// other side has closed.
    fn next(&mut self) -> netwire::Result<Option<Message>> {
        while let Some(Frame(message)) = self.rx.read()? {
            match message {
                Some(message) => return Ok(Some(message)),
                None => self.keep_alives_seen += 1,
            }
        }
        Ok(None)
    }
}

/// Accepts one leecher and serves it `content` until it closes.
fn seed(listener: TcpListener, content: &[u8]) -> netwire::Result<(Sent, usize)> {
    let (stream, _) = listener.accept()?;
    let torrent = Torrent::of(content);
    let ours = Handshake::new(torrent.info_hash, SEEDER_ID);
    let (mut peer, _) = Peer::handshake(stream, &ours, false)?;
    peer.send(&Message::Bitfield(full_bitfield(torrent.pieces())).into())?;
    peer.send(&Frame::KEEP_ALIVE)?;

    // Every connection starts choked (BEP 3).
    let mut choked = true;
    while let Some(message) = peer.next()? {
        match message {
            Message::Interested => {
                choked = false;
                peer.send(&Message::Unchoke.into())?;
            }
            Message::NotInterested => {
                choked = true;
                peer.send(&Message::Choke.into())?;
            }
            // A choked peer's requests are dropped.
            Message::Request { .. } if choked => {}
            Message::Request {
                index,
                begin,
                length,
            } => {
                let start = u64::from(index) * u64::from(torrent.piece_len) + u64::from(begin);
                let end = start + u64::from(length);
                let in_piece = u64::from(begin) + u64::from(length) <= u64::from(torrent.piece_len);
                if length > BLOCK_LEN || !in_piece || end > content.len() as u64 {
                    return Err(protocol_error("a request out of range"));
                }
                let block = ByteBuf::from(&content[start as usize..end as usize]);
                peer.send(
                    &Message::Piece {
                        index,
                        begin,
                        block,
                    }
                    .into(),
                )?;
            }
            // Have: the leecher's progress. Cancel: requests are answered
            // as they come, so none is ever pending.
            Message::Have { .. } | Message::Cancel { .. } => {}
            Message::Choke | Message::Unchoke | Message::Bitfield(_) | Message::Piece { .. } => {
                return Err(protocol_error("a leecher sent a seeder's message"));
            }
        }
    }
    Ok((peer.sent, peer.keep_alives_seen))
}

/// Connects to the seeder and downloads the whole torrent.
fn leech(addr: std::net::SocketAddr, torrent: &Torrent) -> netwire::Result<(Vec<u8>, Sent, usize)> {
    let stream = TcpStream::connect(addr)?;
    let closer = stream.try_clone()?;
    let ours = Handshake::new(torrent.info_hash, LEECHER_ID);
    let (mut peer, theirs) = Peer::handshake(stream, &ours, true)?;
    if theirs.peer_id != SEEDER_ID {
        return Err(protocol_error("an unexpected peer"));
    }
    peer.send(&Frame::KEEP_ALIVE)?;
    peer.send(&Message::Interested.into())?;

    let mut content = vec![0; (torrent.pieces() * torrent.piece_len) as usize];
    let mut bitfield = ByteBuf::new();
    let mut missing = torrent.pieces();
    while let Some(message) = peer.next()? {
        match message {
            Message::Bitfield(bits) => bitfield = bits,
            Message::Unchoke => {
                for index in (0..torrent.pieces()).filter(|&i| has_piece(&bitfield, i)) {
                    for begin in (0..torrent.piece_len).step_by(BLOCK_LEN as usize) {
                        let length = BLOCK_LEN.min(torrent.piece_len - begin);
                        peer.queue(
                            &Message::Request {
                                index,
                                begin,
                                length,
                            }
                            .into(),
                        )?;
                    }
                }
                peer.tx.flush()?;
            }
            Message::Piece {
                index,
                begin,
                block,
            } => {
                if index >= torrent.pieces()
                    || u64::from(begin) + block.len() as u64 > u64::from(torrent.piece_len)
                {
                    return Err(protocol_error("a block out of range"));
                }
                let piece_start = index as usize * torrent.piece_len as usize;
                let piece_end = piece_start + torrent.piece_len as usize;
                let start = piece_start + begin as usize;
                content[start..start + block.len()].copy_from_slice(&block);
                // One block per piece here, so the piece is whole.
                if fnv1a(&content[piece_start..piece_end]) != torrent.digests[index as usize] {
                    return Err(protocol_error("a piece failed its digest"));
                }
                peer.send(&Message::Have { index }.into())?;
                missing -= 1;
                if missing == 0 {
                    peer.send(&Message::NotInterested.into())?;
                }
            }
            Message::Choke if missing == 0 => {
                // Done: close our side; the seeder closes its own.
                closer.shutdown(Shutdown::Write)?;
            }
            Message::Choke => return Err(protocol_error("choked before the end")),
            Message::Have { .. } => {}
            Message::Interested
            | Message::NotInterested
            | Message::Request { .. }
            | Message::Cancel { .. } => {
                return Err(protocol_error("a seeder asked for pieces"));
            }
        }
    }
    if missing != 0 {
        return Err(protocol_error("the seeder closed before the end"));
    }
    Ok((content, peer.sent, peer.keep_alives_seen))
}

fn main() -> netwire::Result<()> {
    let start = Instant::now();
    let content: Vec<u8> = (0..PIECES * PIECE_LEN)
        .map(|i| (fnv1a(&i.to_be_bytes()) >> 56) as u8)
        .collect();
    let torrent = Torrent::of(&content);

    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let seeder = {
        let content = content.clone();
        thread::spawn(move || seed(listener, &content))
    };
    let (got, leecher_sent, leecher_saw) = leech(addr, &torrent)?;
    let (seeder_sent, seeder_saw) = seeder.join().expect("seeder thread")?;

    if got != content {
        return Err(protocol_error("the download differs from the seed"));
    }
    if leecher_saw != seeder_sent.keep_alives || seeder_saw != leecher_sent.keep_alives {
        return Err(protocol_error("a keep-alive went missing"));
    }
    println!(
        "peer_wire: {} pieces, {} B verified; leecher sent {} messages + {} keep-alive, \
         seeder sent {} messages + {} keep-alive; {:.1} ms on {addr}",
        torrent.pieces(),
        got.len(),
        leecher_sent.messages,
        leecher_sent.keep_alives,
        seeder_sent.messages,
        seeder_sent.keep_alives,
        start.elapsed().as_secs_f64() * 1e3,
    );
    Ok(())
}
