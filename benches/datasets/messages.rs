//! The message types of the five datasets and their generators.
//!
//! Every dataset comes from [`Rng`] with a fixed seed, so the bytes are the
//! same on every run. Types that hold strings or byte strings have a `…Ref`
//! twin that borrows them from the input, for the borrowed-decode benches;
//! both twins encode to the same bytes.

use serde::{Deserialize, Serialize};
use wincode::{SchemaRead, SchemaWrite};
use zerocopy::byteorder::network_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::formats::{BitcodeDecode, BitcodeEncode};
use super::rng::Rng;

/// A fixed-layout protocol header: only `u8`/`u16`/`u32` fields, 16 bytes
/// in `net` (and as [`HeaderWire`]).
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
)]
pub struct Header {
    pub version: u8,
    pub kind: u8,
    pub flags: u16,
    pub length: u32,
    pub sequence: u32,
    pub stream: u16,
    pub checksum: u16,
}

/// [`Header`] as a C struct in network byte order, read and written by
/// zerocopy casts. Its bytes are exactly `net`'s encoding of [`Header`].
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned, Debug, Clone, Copy)]
#[repr(C)]
pub struct HeaderWire {
    pub version: u8,
    pub kind: u8,
    pub flags: U16,
    pub length: U32,
    pub sequence: U32,
    pub stream: U16,
    pub checksum: U16,
}

impl From<&Header> for HeaderWire {
    fn from(h: &Header) -> Self {
        HeaderWire {
            version: h.version,
            kind: h.kind,
            flags: U16::new(h.flags),
            length: U32::new(h.length),
            sequence: U32::new(h.sequence),
            stream: U16::new(h.stream),
            checksum: U16::new(h.checksum),
        }
    }
}

impl From<&HeaderWire> for Header {
    fn from(w: &HeaderWire) -> Self {
        Header {
            version: w.version,
            kind: w.kind,
            flags: w.flags.get(),
            length: w.length.get(),
            sequence: w.sequence.get(),
            stream: w.stream.get(),
            checksum: w.checksum.get(),
        }
    }
}

/// `count` headers of a multiplexed protocol: consecutive sequence numbers,
/// a few streams, mostly small lengths.
pub fn headers(count: usize) -> Vec<Header> {
    let mut rng = Rng::new(0x4845_4144);
    let mut sequence = rng.next_u64() as u32;
    (0..count)
        .map(|_| {
            sequence = sequence.wrapping_add(1);
            Header {
                version: if rng.chance(95) { 1 } else { 2 },
                kind: rng.below(8) as u8,
                flags: (rng.below(16) as u16) << rng.below(12),
                length: rng.log_range(1, 1500) as u32,
                sequence,
                stream: rng.below(16) as u16,
                checksum: rng.next_u64() as u16,
            }
        })
        .collect()
}

/// A chat message: short strings, options and an enum.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Chat {
    pub id: u64,
    pub room: u32,
    pub sent_ms: u64,
    pub from: String,
    pub body: ChatBody,
    pub reply_to: Option<u64>,
}

/// What a chat message says.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub enum ChatBody {
    Text(String),
    Emote(String),
    Join,
    Leave { reason: Option<String> },
    Typing,
}

/// [`Chat`] borrowing its strings.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    PartialEq,
)]
pub struct ChatRef<'a> {
    pub id: u64,
    pub room: u32,
    pub sent_ms: u64,
    pub from: &'a str,
    #[serde(borrow)]
    pub body: ChatBodyRef<'a>,
    pub reply_to: Option<u64>,
}

/// [`ChatBody`] borrowing its strings.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    PartialEq,
)]
pub enum ChatBodyRef<'a> {
    Text(&'a str),
    Emote(&'a str),
    Join,
    Leave {
        #[serde(borrow)]
        reason: Option<&'a str>,
    },
    Typing,
}

const NAMES: &[&str] = &[
    "ana", "bob", "chloé", "dmitri", "eve", "fatima", "gus", "hiro", "ines", "jürgen", "kofi",
    "lena", "mateo", "nadia", "olu", "priya", "quinn", "rosa", "sven", "tomasz", "uma", "yuki",
];

const WORDS: &[&str] = &[
    "the", "a", "to", "is", "it", "ok", "yes", "no", "deploy", "build", "tests", "pass", "fail",
    "merge", "review", "later", "now", "lunch", "coffee", "meeting", "moved", "to", "room", "3",
    "42", "thanks", "sure", "why", "not", "because", "the", "server", "socket", "timeout",
    "latency", "café", "naïve", "déjà", "vu", "straße", "日本", "東京", "😀", "👍", "lol", "brb",
    "on", "my", "way", "sounds", "good", "can", "you", "check", "again", "please", "done", "wait",
    "for", "it",
];

/// `rng.range(lo, hi)` words from [`WORDS`], separated by spaces.
fn sentence(rng: &mut Rng, lo: u64, hi: u64) -> String {
    let n = rng.range(lo, hi);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick::<&str>(WORDS));
    }
    s
}

/// `count` chat messages in a few rooms, mostly text.
pub fn chats(count: usize) -> Vec<Chat> {
    let mut rng = Rng::new(0x4348_4154);
    let mut id = 1_000_000 + rng.below(1_000_000);
    let mut sent_ms = 1_795_000_000_000 + rng.below(1_000_000_000);
    (0..count)
        .map(|_| {
            id += 1;
            sent_ms += rng.log_range(1, 60_000);
            let body = match rng.below(100) {
                0..=74 => ChatBody::Text(sentence(&mut rng, 1, 20)),
                75..=79 => ChatBody::Emote(sentence(&mut rng, 1, 5)),
                80..=86 => ChatBody::Join,
                87..=91 => ChatBody::Leave {
                    reason: rng.chance(50).then(|| sentence(&mut rng, 1, 4)),
                },
                _ => ChatBody::Typing,
            };
            Chat {
                id,
                room: rng.log_range(1, 5000) as u32,
                sent_ms,
                from: (*rng.pick(NAMES)).to_string(),
                reply_to: rng.chance(20).then(|| id - rng.range(1, 50)),
                body,
            }
        })
        .collect()
}

/// A web server access log record, as a log shipper would send it.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct LogRecord {
    pub addr: String,
    pub user: Option<String>,
    pub time: u64,
    pub time_local: String,
    pub method: Method,
    pub path: String,
    pub protocol: Protocol,
    pub status: u16,
    pub bytes: u64,
    pub referer: Option<String>,
    pub user_agent: String,
    pub duration_us: u32,
}

/// [`LogRecord`] borrowing its strings.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    PartialEq,
)]
pub struct LogRecordRef<'a> {
    pub addr: &'a str,
    #[serde(borrow)]
    pub user: Option<&'a str>,
    pub time: u64,
    pub time_local: &'a str,
    pub method: Method,
    pub path: &'a str,
    pub protocol: Protocol,
    pub status: u16,
    pub bytes: u64,
    #[serde(borrow)]
    pub referer: Option<&'a str>,
    pub user_agent: &'a str,
    pub duration_us: u32,
}

/// An HTTP method.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Options,
}

/// An HTTP protocol version.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
)]
pub enum Protocol {
    Http10,
    Http11,
    Http2,
}

const PATHS: &[&str] = &[
    "/",
    "/index.html",
    "/favicon.ico",
    "/robots.txt",
    "/static/css/site.css",
    "/static/js/app.js",
    "/api/v1/users",
    "/api/v1/orders",
    "/api/v1/search",
    "/blog/2026/11/socket-howto",
    "/images/logo.png",
    "/login",
];

const AGENTS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "curl/8.11.0",
    "Go-http-client/1.1",
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
];

const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Unix seconds as the common log format's `24/Nov/2026:06:15:00 +0000`
/// (days to civil date after Howard Hinnant's algorithm).
fn clf_time(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{day:02}/{}/{year}:{:02}:{:02}:{:02} +0000",
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// `count` access log records from a busy site.
pub fn logs(count: usize) -> Vec<LogRecord> {
    let mut rng = Rng::new(0x4c4f_4753);
    let mut time = 1_795_500_000 + rng.below(10_000_000);
    (0..count)
        .map(|_| {
            time += rng.below(3);
            let status = match rng.below(100) {
                0..=74 => 200,
                75..=84 => 304,
                85..=91 => 404,
                92..=95 => 301,
                96..=97 => 403,
                _ => 500,
            };
            let mut path = (*rng.pick(PATHS)).to_string();
            if path.starts_with("/api") && rng.chance(60) {
                path.push_str(&format!(
                    "/{}?page={}",
                    rng.below(100_000),
                    rng.range(1, 20)
                ));
            }
            LogRecord {
                addr: format!(
                    "{}.{}.{}.{}",
                    rng.range(1, 223),
                    rng.below(256),
                    rng.below(256),
                    rng.range(1, 254)
                ),
                user: rng.chance(10).then(|| (*rng.pick(NAMES)).to_string()),
                time,
                time_local: clf_time(time),
                method: *rng.pick(&[
                    Method::Get,
                    Method::Get,
                    Method::Get,
                    Method::Get,
                    Method::Post,
                    Method::Head,
                    Method::Put,
                    Method::Delete,
                    Method::Options,
                ]),
                path,
                protocol: *rng.pick(&[Protocol::Http11, Protocol::Http2, Protocol::Http10]),
                status,
                bytes: if status == 304 {
                    0
                } else {
                    rng.log_range(100, 2_000_000)
                },
                referer: rng
                    .chance(40)
                    .then(|| format!("https://example.org{}", rng.pick(PATHS))),
                user_agent: (*rng.pick(AGENTS)).to_string(),
                duration_us: rng.log_range(50, 5_000_000) as u32,
            }
        })
        .collect()
}

/// Numeric-heavy data: a triangle mesh.
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Mesh {
    pub name: String,
    pub vertices: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    pub indices: Vec<u32>,
}

/// `count` meshes: height-field patches of 8×8 to 24×24 vertices.
pub fn meshes(count: usize) -> Vec<Mesh> {
    let mut rng = Rng::new(0x4d45_5348);
    (0..count)
        .map(|i| {
            let (w, h) = (rng.range(8, 24) as u32, rng.range(8, 24) as u32);
            let (fx, fy) = (1.0 + 4.0 * rng.unit_f32(), 1.0 + 4.0 * rng.unit_f32());
            let mut vertices = Vec::new();
            let mut normals = Vec::new();
            for y in 0..h {
                for x in 0..w {
                    let (u, v) = (x as f32 / (w - 1) as f32, y as f32 / (h - 1) as f32);
                    let z = 0.25 * (fx * u).sin() * (fy * v).cos() + 0.01 * rng.unit_f32();
                    vertices.push([u * 2.0 - 1.0, v * 2.0 - 1.0, z]);
                    let (dx, dy) = (
                        -0.25 * fx * (fx * u).cos() * (fy * v).cos(),
                        0.25 * fy * (fx * u).sin() * (fy * v).sin(),
                    );
                    let len = (dx * dx + dy * dy + 1.0).sqrt();
                    normals.push([dx / len, dy / len, 1.0 / len]);
                }
            }
            let mut indices = Vec::new();
            for y in 0..h - 1 {
                for x in 0..w - 1 {
                    let a = y * w + x;
                    indices.extend([a, a + 1, a + w, a + 1, a + w + 1, a + w]);
                }
            }
            Mesh {
                name: format!("patch-{i:03}"),
                vertices,
                normals,
                indices,
            }
        })
        .collect()
}

/// A large opaque payload (a file chunk, an image, compressed data).
#[derive(
    Serialize,
    Deserialize,
    SchemaWrite,
    SchemaRead,
    bitcode::Encode,
    bitcode::Decode,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Blob {
    pub id: u64,
    pub name: String,
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
}

/// [`Blob`] borrowing its name and payload.
#[derive(Serialize, Deserialize, SchemaWrite, SchemaRead, Debug, PartialEq)]
pub struct BlobRef<'a> {
    pub id: u64,
    pub name: &'a str,
    #[serde(with = "serde_bytes")]
    pub data: &'a [u8],
}

/// bitcode has no borrowed byte slices.
impl BitcodeEncode for BlobRef<'_> {
    fn bitcode_encode<'b>(&self, _: &'b mut bitcode::Buffer) -> Result<&'b [u8], String> {
        Err("bitcode cannot encode a borrowed byte slice".into())
    }
}

/// bitcode has no borrowed byte slices.
impl<'a> BitcodeDecode<'a> for BlobRef<'a> {
    fn bitcode_decode(_: &mut bitcode::Buffer, _: &'a [u8]) -> Result<Self, String> {
        Err("bitcode cannot borrow a byte slice".into())
    }
}

/// `count` blobs of random (incompressible) bytes, 16 KiB to 512 KiB.
pub fn blobs(count: usize) -> Vec<Blob> {
    let mut rng = Rng::new(0x4255_4c4b);
    (0..count)
        .map(|i| {
            let mut data = vec![0; rng.log_range(16 << 10, 512 << 10) as usize];
            rng.fill(&mut data);
            Blob {
                id: rng.next_u64(),
                name: format!("chunk-{i:04}.bin"),
                data,
            }
        })
        .collect()
}
