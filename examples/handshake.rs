//! Two peers compare layout fingerprints before they talk.
//!
//! Each side traces its message type into a `Spec` and sends
//! `spec.fingerprint()` as its first message; a peer whose fingerprint
//! differs is refused with an error that says so, before a single message
//! is misread. Here a server speaks version 1 of a chat protocol; a
//! client of version 1 talks to it, then a client of version 2 (one field
//! widened from `u16` to `u32`, which `Spec::compare` calls breaking) is
//! refused by both ends. Everything runs over 127.0.0.1 with timeouts.
//!
//! Run with `cargo run --example handshake --features spec`; it exits by
//! itself.

use std::fmt;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use netwire::frame::LengthPrefixed;
use netwire::net::Config;
use netwire::spec::{Framing, Spec};
use netwire::stream::{MessageReader, MessageWriter};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod v1 {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    pub enum Msg {
        Ping(u32),
        Chat { room: u16, text: String },
    }
}

mod v2 {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    pub enum Msg {
        Ping(u32),
        Chat { room: u32, text: String },
    }
}

const TIMEOUT: Duration = Duration::from_secs(5);

/// The first message on a connection, both ways.
#[derive(Serialize, Deserialize, Debug)]
struct Hello {
    /// `b"NWFP"`: not a peer of this protocol at all otherwise.
    magic: [u8; 4],
    /// The sender's `Spec::fingerprint`.
    fingerprint: u64,
}

const MAGIC: [u8; 4] = *b"NWFP";

/// Why a connection was refused.
#[derive(Debug)]
enum HandshakeError {
    /// The peer's layout differs from ours.
    Mismatch {
        ours: u64,
        theirs: u64,
    },
    /// The peer closed, or sent something that is not a hello.
    NotAPeer(String),
    Wire(netwire::Error),
}

impl fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeError::Mismatch { ours, theirs } => write!(
                f,
                "the peer's message layout differs (fingerprint {theirs:#018x}, ours \
                 {ours:#018x}): refusing to talk; compare the two specs' JSON documents \
                 with Spec::compare to see what changed"
            ),
            HandshakeError::NotAPeer(why) => write!(f, "not a peer of this protocol: {why}"),
            HandshakeError::Wire(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for HandshakeError {}

impl From<netwire::Error> for HandshakeError {
    fn from(e: netwire::Error) -> Self {
        HandshakeError::Wire(e)
    }
}

impl From<io::Error> for HandshakeError {
    fn from(e: io::Error) -> Self {
        HandshakeError::Wire(e.into())
    }
}

type Reader = MessageReader<TcpStream, LengthPrefixed>;
type Writer = MessageWriter<TcpStream, LengthPrefixed>;

/// The fingerprint of the protocol whose message type is `T`.
fn fingerprint<T: DeserializeOwned>() -> u64 {
    Spec::new("chat", Config::new(), Framing::length_prefix_u32())
        .message::<T>()
        .expect("the message type traces")
        .fingerprint()
}

/// Opens a connection: both ends of `stream`, hellos exchanged. The
/// reader and writer are kept for the rest of the connection (the reader
/// may hold bytes of the next message).
fn open(stream: TcpStream, ours: u64) -> Result<(Reader, Writer), HandshakeError> {
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let mut tx = MessageWriter::new(stream.try_clone()?, LengthPrefixed::u32());
    let mut rx = MessageReader::new(stream, LengthPrefixed::u32());
    tx.write(&Hello {
        magic: MAGIC,
        fingerprint: ours,
    })?;
    tx.flush()?;
    let hello: Hello = rx
        .read()
        .map_err(|e| HandshakeError::NotAPeer(e.to_string()))?
        .ok_or_else(|| HandshakeError::NotAPeer("closed before its hello".into()))?;
    if hello.magic != MAGIC {
        return Err(HandshakeError::NotAPeer(format!("magic {:?}", hello.magic)));
    }
    if hello.fingerprint != ours {
        return Err(HandshakeError::Mismatch {
            ours,
            theirs: hello.fingerprint,
        });
    }
    Ok((rx, tx))
}

/// Serves one connection: echoes each chat message back.
fn serve(stream: TcpStream) -> Result<usize, HandshakeError> {
    let (mut rx, mut tx) = open(stream, fingerprint::<v1::Msg>())?;
    let mut served = 0;
    while let Some(msg) = rx.read::<v1::Msg>()? {
        tx.write(&msg)?;
        tx.flush()?;
        served += 1;
    }
    Ok(served)
}

/// A client of the protocol whose message type is `T`: sends `msg`, reads
/// the echo.
fn client<T>(addr: std::net::SocketAddr, msg: T) -> Result<T, HandshakeError>
where
    T: Serialize + DeserializeOwned,
{
    let (mut rx, mut tx) = open(TcpStream::connect(addr)?, fingerprint::<T>())?;
    tx.write(&msg)?;
    tx.flush()?;
    rx.read::<T>()?
        .ok_or_else(|| HandshakeError::NotAPeer("closed before answering".into()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("v1 fingerprint: {:#018x}", fingerprint::<v1::Msg>());
    println!("v2 fingerprint: {:#018x}", fingerprint::<v2::Msg>());
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || {
        let mut outcomes = Vec::new();
        for _ in 0..2 {
            let (stream, _) = listener.accept().expect("accept");
            outcomes.push(serve(stream));
        }
        outcomes
    });

    // The same layout: the conversation goes ahead.
    let sent = v1::Msg::Chat {
        room: 7,
        text: "hello".into(),
    };
    let echo = client(
        addr,
        v1::Msg::Chat {
            room: 7,
            text: "hello".into(),
        },
    )?;
    assert_eq!(echo, sent);
    println!("v1 client: handshake accepted, echo {echo:?}");

    // A widened field: refused before any message is exchanged.
    let refused = client(
        addr,
        v2::Msg::Chat {
            room: 70_000,
            text: "hello".into(),
        },
    );
    let err = refused.expect_err("a v2 client is refused");
    println!("v2 client: {err}");
    assert!(matches!(err, HandshakeError::Mismatch { .. }));

    let outcomes = server.join().expect("the server thread");
    assert!(matches!(outcomes[0], Ok(1)), "{:?}", outcomes[0]);
    match &outcomes[1] {
        Err(e @ HandshakeError::Mismatch { .. }) => println!("server: {e}"),
        other => panic!("the server let a v2 client in: {other:?}"),
    }
    Ok(())
}
