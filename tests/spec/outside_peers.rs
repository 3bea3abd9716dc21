//! Peers netwire did not write. Real protocols described with serde
//! types as a user would (TFTP with options, the NTP v4 header, a DNS
//! query): packets built by scapy, dpkt and tftpy from random values must
//! decode in netwire and in the generated Python module to those values,
//! re-encode byte for byte, and show those values in tshark through the
//! generated dissector; packets netwire encodes must parse in those
//! libraries to the values netwire was given (`outside_peers.py`). Real
//! packets the types do not describe (an NTP header with a MAC after it, a
//! DNS query with a compressed name) are refused by netwire and Python with
//! one error kind and offset, which tshark shows as Malformed. Then a
//! live exchange over TCP on 127.0.0.1 between a Rust server on netwire's
//! std adapters and a Python client on the generated `MessageSocket`.
//!
//! The Python libraries are `python3 -m pip install scapy dpkt tftpy`
//! (`.ci/spec.sh`); without them a test says so and skips, and fails
//! under `CI=true`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use netwire::net::{Config, EnumTags, TagTable, TagWidth};
use netwire::spec::{Framing, Spec};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use serde_json::{Value, json};

use crate::conformance::{pcap, udp};
use crate::lockfiles::peer_wire;
use crate::{have, hex, scratch};

/// TFTP (RFC 1350) with options (RFC 2347): the opcode is the tag.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Tftp {
    Rrq(Request),
    Wrq(Request),
    Data {
        block: u16,
        #[serde(with = "netwire::with::rest")]
        data: ByteBuf,
    },
    Ack {
        block: u16,
    },
    Error {
        code: u16,
        #[serde(with = "netwire::with::cstr")]
        message: String,
    },
    Oack {
        #[serde(with = "netwire::with::rest")]
        options: Vec<TftpOption>,
    },
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Request {
    #[serde(with = "netwire::with::cstr")]
    filename: String,
    #[serde(with = "netwire::with::cstr")]
    mode: String,
    #[serde(with = "netwire::with::rest")]
    options: Vec<TftpOption>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct TftpOption {
    #[serde(with = "netwire::with::cstr")]
    name: String,
    #[serde(with = "netwire::with::cstr")]
    value: String,
}

const TFTP: Config<TagTable> =
    Config::new().with_enum_tags(&[EnumTags::of::<Tftp>(TagWidth::U16, &[1, 2, 3, 4, 5, 6])]);

/// The NTP v4 header (RFC 5905, figure 8).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Ntp {
    /// Leap indicator (2 bits), version (3), mode (3).
    flags: u8,
    stratum: u8,
    poll: i8,
    precision: i8,
    root_delay: u32,
    root_dispersion: u32,
    reference_id: [u8; 4],
    reference: Timestamp,
    origin: Timestamp,
    receive: Timestamp,
    transmit: Timestamp,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    seconds: u32,
    fraction: u32,
}

/// A DNS query (RFC 1035, 4.1): the header, then questions to the end.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Dns {
    header: DnsHeader,
    #[serde(with = "netwire::with::rest")]
    questions: Vec<Question>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct DnsHeader {
    id: u16,
    flags: u16,
    qdcount: u16,
    ancount: u16,
    nscount: u16,
    arcount: u16,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Question {
    name: Name,
    qtype: u16,
    qclass: u16,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Name(#[serde(with = "netwire::with::nul_terminated")] Vec<Label>);

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Label(#[serde(with = "netwire::with::len_u8")] String);

/// Whether python3 and the Python libraries `modules` are there; what is
/// missing is a failure under `CI=true`.
fn have_python(modules: &[&str]) -> bool {
    if !have("python3") {
        return false;
    }
    let missing: Vec<&str> = modules
        .iter()
        .copied()
        .filter(|m| {
            !Command::new("python3")
                .args(["-c", &format!("import {m}")])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let what = format!(
        "the Python modules {} (python3 -m pip install {})",
        missing.join(", "),
        missing.join(" ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} are needed by the spec tests (CI=true)");
    }
    eprintln!("notice: {what} not found, test skipped");
    false
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn text(&mut self, max: usize, wide: bool) -> String {
        const ASCII: &str =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&()*+,;=:@/ ";
        let alphabet: Vec<char> = if wide {
            ASCII.chars().chain(['é', 'ß', '日', '本', '😀']).collect()
        } else {
            ASCII.chars().collect()
        };
        let n = self.below(max + 1);
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn options(&mut self) -> Vec<TftpOption> {
        let mut out: Vec<TftpOption> = Vec::new();
        for _ in 0..self.below(4) {
            let name = format!("o{}", self.text(8, false));
            if out.iter().any(|o| o.name == name) {
                continue;
            }
            let wide = self.below(2) == 0;
            let value = self.text(12, wide);
            out.push(TftpOption { name, value });
        }
        out
    }
    fn timestamp(&mut self) -> Timestamp {
        Timestamp {
            seconds: self.next() as u32,
            fraction: self.next() as u32,
        }
    }
}

fn random_tftp(r: &mut Rng) -> Tftp {
    let request = |r: &mut Rng| Request {
        filename: r.text(40, true),
        mode: ["octet", "netascii", "mail"][r.below(3)].to_string(),
        options: r.options(),
    };
    match r.below(6) {
        0 => Tftp::Rrq(request(r)),
        1 => Tftp::Wrq(request(r)),
        2 => {
            let n = [0, 1, 512, r.below(513)][r.below(4)];
            Tftp::Data {
                block: r.next() as u16,
                data: ByteBuf::from(r.bytes(n)),
            }
        }
        3 => Tftp::Ack {
            block: r.next() as u16,
        },
        4 => Tftp::Error {
            code: r.next() as u16,
            message: r.text(60, true),
        },
        _ => Tftp::Oack {
            options: r.options(),
        },
    }
}

fn random_ntp(r: &mut Rng) -> Ntp {
    Ntp {
        flags: r.next() as u8,
        stratum: r.next() as u8,
        poll: r.next() as i8,
        precision: r.next() as i8,
        root_delay: r.next() as u32,
        root_dispersion: r.next() as u32,
        reference_id: (r.next() as u32).to_be_bytes(),
        reference: r.timestamp(),
        origin: r.timestamp(),
        receive: r.timestamp(),
        transmit: r.timestamp(),
    }
}

fn random_dns(r: &mut Rng) -> Dns {
    let mut questions: Vec<Question> = Vec::new();
    for _ in 0..r.below(4) {
        let labels: Vec<Label> = (0..r.below(5))
            .map(|_| {
                let n = 3 + r.below(18);
                Label(
                    (0..n)
                        .map(|_| b"abcdefghijklmnopqrstuvwxyz0123456789-"[r.below(37)] as char)
                        .collect(),
                )
            })
            .collect();
        // A repeated last label would let a reader compress the name.
        let last = |q: &Question| q.name.0.last().cloned();
        if labels
            .last()
            .is_some_and(|l| questions.iter().any(|q| last(q).as_ref() == Some(l)))
        {
            continue;
        }
        questions.push(Question {
            name: Name(labels),
            qtype: r.next() as u16,
            qclass: r.next() as u16,
        });
    }
    Dns {
        header: DnsHeader {
            id: r.next() as u16,
            flags: r.next() as u16,
            qdcount: questions.len() as u16,
            ancount: 0,
            nscount: 0,
            arcount: 0,
        },
        questions,
    }
}

/// What the dissector shows of a message: (field, value) in order.
type Shown = Vec<(&'static str, String)>;

/// A library's packet: protocol, library, bytes, what tshark must show.
type Built<'a> = (&'a Proto, String, Vec<u8>, Shown);

/// The dissector's fields a value shows, in order: (field, value as
/// `tshark -T fields` prints it, bytes in hex).
fn shown_tftp(v: &Tftp) -> Shown {
    let mut out = Vec::new();
    let options = |out: &mut Vec<_>, options: &[TftpOption]| {
        for o in options {
            out.push(("tftpoption.name", o.name.clone()));
            out.push(("tftpoption.value", o.value.clone()));
        }
    };
    let tag = match v {
        Tftp::Rrq(_) => 1,
        Tftp::Wrq(_) => 2,
        Tftp::Data { .. } => 3,
        Tftp::Ack { .. } => 4,
        Tftp::Error { .. } => 5,
        Tftp::Oack { .. } => 6,
    };
    out.push(("tftp.tag", format!("{tag}")));
    match v {
        Tftp::Rrq(q) | Tftp::Wrq(q) => {
            out.push(("request.filename", q.filename.clone()));
            out.push(("request.mode", q.mode.clone()));
            options(&mut out, &q.options);
        }
        Tftp::Data { block, data } => {
            out.push(("tftp.data.block", block.to_string()));
            out.push(("tftp.data.data", hex(data)));
        }
        Tftp::Ack { block } => out.push(("tftp.ack.block", block.to_string())),
        Tftp::Error { code, message } => {
            out.push(("tftp.error.code", code.to_string()));
            out.push(("tftp.error.message", message.clone()));
        }
        Tftp::Oack { options: o } => options(&mut out, o),
    }
    out
}

fn shown_ntp(v: &Ntp) -> Shown {
    let mut out = vec![
        ("ntp.flags", v.flags.to_string()),
        ("ntp.stratum", v.stratum.to_string()),
        ("ntp.poll", v.poll.to_string()),
        ("ntp.precision", v.precision.to_string()),
        ("ntp.root_delay", v.root_delay.to_string()),
        ("ntp.root_dispersion", v.root_dispersion.to_string()),
        ("ntp.reference_id", hex(&v.reference_id)),
    ];
    for t in [&v.reference, &v.origin, &v.receive, &v.transmit] {
        out.push(("timestamp.seconds", t.seconds.to_string()));
        out.push(("timestamp.fraction", t.fraction.to_string()));
    }
    out
}

fn shown_dns(v: &Dns) -> Shown {
    let h = &v.header;
    let mut out = vec![
        ("dnsheader.id", h.id.to_string()),
        ("dnsheader.flags", h.flags.to_string()),
        ("dnsheader.qdcount", h.qdcount.to_string()),
        ("dnsheader.ancount", h.ancount.to_string()),
        ("dnsheader.nscount", h.nscount.to_string()),
        ("dnsheader.arcount", h.arcount.to_string()),
    ];
    for q in &v.questions {
        for l in &q.name.0 {
            out.push(("label.0", l.0.clone()));
        }
        out.push(("question.qtype", q.qtype.to_string()));
        out.push(("question.qclass", q.qclass.to_string()));
    }
    out
}

/// Checks a library's bytes against its values in netwire; with no
/// values (`Value::Null`), netwire must refuse them with the error kind
/// and offset the Python module gave (`python`, "Kind offset"), which the
/// dissector must show.
type Check = fn(&Config<TagTable>, &[u8], &Value, &str) -> Result<Shown, String>;

/// One protocol: its spec, port, and how to check bytes against a value.
struct Proto {
    name: &'static str,
    spec: Spec,
    port: u16,
    config: Config<TagTable>,
    /// Checks bytes a library built against the library's values (JSON):
    /// netwire decodes them to those values and re-encodes them byte for
    /// byte; gives the fields the dissector must show.
    check: Check,
}

fn check_as<T>(
    config: &Config<TagTable>,
    bytes: &[u8],
    value: &Value,
    python: &str,
    shown: fn(&T) -> Shown,
) -> Result<Shown, String>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    if value.is_null() {
        let err = match config.from_slice::<T>(bytes) {
            Ok(v) => return Err(format!("netwire read {v:?}, Python refused it ({python})")),
            Err(e) => e,
        };
        let kind = format!("{:?}", err.kind());
        let kind = kind.split(['(', ' ', '{']).next().unwrap_or("");
        let offset = err.offset().map_or("None".to_string(), |o| o.to_string());
        if format!("{kind} {offset}") != python {
            return Err(format!("netwire: {kind} at {offset}, Python: {python}"));
        }
        return Ok(vec![("", format!("netwire: {kind} at offset {offset}"))]);
    }
    let want: T = serde_json::from_value(value.clone()).map_err(|e| format!("the values: {e}"))?;
    let got: T = config
        .from_slice(bytes)
        .map_err(|e| format!("netwire refused it: {e}"))?;
    if got != want {
        return Err(format!("netwire read {got:?}, the library wrote {want:?}"));
    }
    let again = config.to_vec(&got).map_err(|e| format!("re-encode: {e}"))?;
    if again != bytes {
        return Err(format!("netwire re-encoded it as {}", hex(&again)));
    }
    Ok(shown(&got))
}

fn protos() -> Vec<Proto> {
    // The protocol names are Wireshark's own: the dissector prefixes them.
    vec![
        Proto {
            name: "tftp",
            spec: Spec::new("tftp", TFTP, Framing::Datagram)
                .message::<Tftp>()
                .expect("Tftp traces"),
            port: 69,
            config: TFTP,
            check: |c, b, v, py| check_as::<Tftp>(c, b, v, py, shown_tftp),
        },
        Proto {
            name: "ntp",
            spec: Spec::new("ntp", Config::new(), Framing::Datagram)
                .message::<Ntp>()
                .expect("Ntp traces"),
            port: 123,
            config: Config::new().with_enum_tags(&[]),
            check: |c, b, v, py| check_as::<Ntp>(c, b, v, py, shown_ntp),
        },
        Proto {
            name: "dns",
            spec: Spec::new("dns", Config::new(), Framing::Datagram)
                .message::<Dns>()
                .expect("Dns traces"),
            port: 53,
            config: Config::new().with_enum_tags(&[]),
            check: |c, b, v, py| check_as::<Dns>(c, b, v, py, shown_dns),
        },
    ]
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Packets scapy, dpkt and tftpy build decode in netwire, in the generated
/// Python and in tshark to the values the library was given, and
/// re-encode byte for byte; packets netwire encodes parse in the
/// libraries to netwire's values. `NETWIRE_PEERS_PACKETS` sets the packets
/// per protocol and direction (default 300).
#[test]
fn packets_of_scapy_dpkt_and_tftpy_agree_with_netwire() {
    if !have_python(&["scapy", "dpkt", "tftpy"]) {
        return;
    }
    let start = Instant::now();
    let n = env("NETWIRE_PEERS_PACKETS", 300);
    let seed = std::env::var("NETWIRE_PEERS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6e65_7477_6972_6531_u64);
    let dir = scratch("outside-peers");
    let protos = protos();
    for p in &protos {
        std::fs::write(dir.join(format!("nw_{}.py", p.name)), p.spec.python()).expect("module");
    }

    // netwire's packets, for the libraries to parse.
    let mut r = Rng(seed | 1);
    let mut ours = String::new();
    let mut line = |proto: &str, bytes: Vec<u8>, value: Value| {
        let case = json!({"proto": proto, "hex": hex(&bytes), "value": value});
        let _ = writeln!(ours, "{case}");
    };
    for _ in 0..n {
        let v = random_tftp(&mut r);
        line(
            "tftp",
            TFTP.to_vec(&v).expect("encodes"),
            serde_json::to_value(&v).expect("json"),
        );
        let v = random_ntp(&mut r);
        line(
            "ntp",
            netwire::net::to_vec(&v).expect("encodes"),
            serde_json::to_value(&v).expect("json"),
        );
        let v = random_dns(&mut r);
        line(
            "dns",
            netwire::net::to_vec(&v).expect("encodes"),
            serde_json::to_value(&v).expect("json"),
        );
    }
    std::fs::write(dir.join("netwire.jsonl"), ours).expect("netwire.jsonl");

    let out = Command::new("python3")
        .arg("-c")
        .arg(include_str!("outside_peers.py"))
        .arg(&dir)
        .arg(seed.to_string())
        .arg(n.to_string())
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the Python peers failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut failures: Vec<String> = stdout
        .lines()
        .filter(|l| l.starts_with("FAIL"))
        .map(str::to_string)
        .collect();
    let counts: Vec<&str> = stdout.lines().filter(|l| l.starts_with("count")).collect();

    // The libraries' packets in netwire, and as UDP datagrams for tshark.
    let built = std::fs::read_to_string(dir.join("built.jsonl")).expect("built.jsonl");
    let mut frames = Vec::new();
    let mut shown = Vec::new();
    for line in built.lines() {
        let case: Value = serde_json::from_str(line).expect("a JSON line");
        let proto = protos
            .iter()
            .find(|p| p.name == case["proto"])
            .expect("a protocol");
        let bytes = parse_hex(case["hex"].as_str().expect("hex"));
        let python = case["python"].as_str().unwrap_or("");
        match (proto.check)(&proto.config, &bytes, &case["value"], python) {
            Ok(fields) => {
                frames.push(udp(proto.port, &bytes));
                shown.push((proto, case["lib"].to_string(), bytes, fields));
            }
            Err(why) => failures.push(format!(
                "netwire: {} {} {}: {why}",
                case["lib"],
                proto.name,
                hex(&bytes)
            )),
        }
    }
    assert!(
        shown.len() >= 3 * n * 9 / 10,
        "too few packets checked: {}",
        shown.len()
    );

    let tshark_checked = if have("tshark") {
        tshark(&dir, &protos, &frames, &shown, &mut failures)
    } else {
        0
    };
    let refused = shown
        .iter()
        .filter(|s| s.3.first().is_some_and(|(f, _)| f.is_empty()))
        .count();
    eprintln!(
        "outside peers: {} library packets in netwire and Python ({refused} of them refused \
         alike), {tshark_checked} in tshark, {} netwire packets in the libraries; {:.1} s\n  {}",
        shown.len(),
        3 * n,
        start.elapsed().as_secs_f64(),
        counts.join("\n  ")
    );
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn parse_hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// Runs the frames through one tshark with the three dissectors: every
/// field shows the library's value, and nothing is Malformed.
fn tshark(
    dir: &std::path::Path,
    protos: &[Proto],
    frames: &[Vec<u8>],
    shown: &[Built<'_>],
    failures: &mut Vec<String>,
) -> usize {
    let mut cmd = Command::new("tshark");
    let mut columns: Vec<(String, bool)> = Vec::new();
    for p in protos {
        let lua_text = p.spec.wireshark_lua(p.port);
        let lua = dir.join(format!("{}.lua", p.name));
        std::fs::write(&lua, &lua_text).expect("write lua");
        cmd.arg("-X").arg(format!("lua_script:{}", lua.display()));
        for decl in lua_text.split("ProtoField.").skip(1) {
            let kind = decl.split('(').next().unwrap_or("");
            let name = decl.split('"').nth(1).unwrap_or("");
            columns.push((name.to_string(), kind == "bytes"));
        }
    }
    let file = dir.join("built.pcap");
    std::fs::write(&file, pcap(frames)).expect("write pcap");
    cmd.arg("-r")
        .arg(&file)
        .args(["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"])
        .args(["-e", "_ws.expert.message", "-e", "_ws.malformed"]);
    for (c, _) in &columns {
        cmd.arg("-e").arg(c);
    }
    let out = cmd.output().expect("tshark runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "tshark: {stderr}");
    assert!(!stderr.contains("Lua"), "tshark: {stderr}");
    let text = String::from_utf8(out.stdout).expect("tshark writes UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        shown.len(),
        "one line per frame; tshark: {stderr}"
    );
    for (line, (proto, lib, bytes, fields)) in lines.iter().zip(shown) {
        let cols: Vec<&str> = line.split('\t').collect();
        let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (f, v) in fields {
            want.entry(format!("nw_{}.{f}", proto.name))
                .or_default()
                .push(v.clone());
        }
        let mut bad = Vec::new();
        let expert = (cols[0], cols.get(1).copied().unwrap_or(""));
        // A refused packet: netwire's error as the expert message, and
        // Malformed.
        if let Some((_, message)) = fields.first().filter(|(f, _)| f.is_empty()) {
            if expert.0 != message || expert.1.is_empty() {
                failures.push(format!(
                    "tshark: {lib} {} {}: expert info `{}` `{}`, netwire `{message}`",
                    proto.name,
                    hex(bytes),
                    expert.0,
                    expert.1
                ));
            }
            continue;
        }
        if !expert.0.is_empty() || !expert.1.is_empty() {
            bad.push(format!("expert info `{}` `{}`", expert.0, expert.1));
        }
        for (i, (name, is_bytes)) in columns.iter().enumerate() {
            let mut got = cols.get(i + 2).copied().unwrap_or("").to_string();
            if *is_bytes {
                got.retain(|c| c != ':');
                // Wireshark's rendering of an empty byte field.
                if got == "<MISSING>" {
                    got.clear();
                }
            }
            let expected = want.remove(name).map(|v| v.join("|")).unwrap_or_default();
            if got != expected {
                bad.push(format!("{name} `{got}`, the library's `{expected}`"));
            }
        }
        if !want.is_empty() {
            bad.push(format!(
                "no column for {:?}",
                want.keys().collect::<Vec<_>>()
            ));
        }
        if !bad.is_empty() {
            failures.push(format!(
                "tshark: {lib} {} {}: {}",
                proto.name,
                hex(bytes),
                bad.join("; ")
            ));
        }
    }
    shown.len()
}

/// The bytes of a block: `n` bytes of a repeating 0..=255 from `at`.
fn pattern(at: usize, n: usize) -> Vec<u8> {
    (0..n).map(|i| (at + i) as u8).collect()
}

/// The next frame of a sequence, as `frame` in `outside_peers_tcp.py`:
/// keep-alives, every message, blocks of 0 to 16 KiB.
fn frame(r: &mut Rng) -> peer_wire::Frame {
    use peer_wire::{Frame, Message};
    let block = |r: &mut Rng, most: usize| {
        let n = r.below(most + 1);
        let at = r.below(256);
        ByteBuf::from(pattern(at, n))
    };
    let k = r.below(10);
    let m = match k {
        0 => return Frame(None),
        1 => Message::Choke,
        2 => Message::Unchoke,
        3 => Message::Interested,
        4 => Message::NotInterested,
        5 => Message::Have {
            index: r.next() as u32,
        },
        6 => Message::Bitfield(block(r, 64)),
        7 | 9 => {
            let (index, begin, length) = (r.next() as u32, r.next() as u32, r.next() as u32);
            if k == 7 {
                Message::Request {
                    index,
                    begin,
                    length,
                }
            } else {
                Message::Cancel {
                    index,
                    begin,
                    length,
                }
            }
        }
        _ => {
            let (index, begin) = (r.next() as u32, r.next() as u32);
            let most = [16, 256, 4096, 16384][r.below(4)];
            Message::Piece {
                index,
                begin,
                block: block(r, most),
            }
        }
    };
    Frame(Some(m))
}

/// A live BitTorrent peer-wire exchange on 127.0.0.1: a Rust server on
/// netwire's std adapters (handshake under `FixedLength`, then
/// `LengthPrefixed::u32` frames), a Python client on the generated
/// module's `MessageSocket` (`send_preamble`, `recv_preamble`, `send`,
/// `recv`). Each side sends `NETWIRE_PEERS_MESSAGES` frames (default
/// 10,000: keep-alives, every message, blocks up to 16 KiB) while it reads
/// the other's, and checks every one against the sequence both derive
/// from a seed. Bounded: 20 s timeouts on both sockets, the client killed
/// after 60 s.
#[test]
fn a_live_tcp_exchange_with_the_generated_python_agrees_both_ways() {
    use std::io::Read as _;
    use std::net::{Shutdown, TcpListener};
    use std::process::Stdio;
    use std::time::Duration;

    use netwire::frame::{FixedLength, LengthPrefixed};
    use netwire::stream::{MessageReader, MessageWriter};
    use peer_wire::{HANDSHAKE_LEN, Handshake, MAX_PAYLOAD, WIRE};

    if !have_python(&[]) {
        return;
    }
    const TIMEOUT: Duration = Duration::from_secs(20);
    let n = env("NETWIRE_PEERS_MESSAGES", 10_000);
    let seed = 0x7065_6572_7769_7265_u64;
    let start = Instant::now();
    let dir = scratch("outside-peers-tcp");
    let spec = Spec::new("peer_wire", WIRE, Framing::length_prefix_u32())
        .preamble::<Handshake>()
        .and_then(|s| s.message::<peer_wire::Frame>())
        .expect("the peer wire traces");
    std::fs::write(dir.join("nw_peer_wire.py"), spec.python()).expect("module");

    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut client = Command::new("python3")
        .arg("-c")
        .arg(include_str!("outside_peers_tcp.py"))
        .arg(&dir)
        .arg(port.to_string())
        .arg(n.to_string())
        .arg(seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");

    // Accept, but not for ever: the client may have died first.
    listener.set_nonblocking(true).expect("nonblocking");
    let stream = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if start.elapsed() > TIMEOUT || client.try_wait().ok().flatten().is_some() {
                    let _ = client.kill();
                    let out = client.wait_with_output().expect("client ends");
                    panic!(
                        "the client did not connect:\n{}{}",
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("accept: {e}"),
        }
    };
    stream.set_nonblocking(false).expect("blocking");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    stream.set_write_timeout(Some(TIMEOUT)).expect("timeout");
    stream.set_nodelay(true).expect("nodelay");

    let server = std::thread::spawn(move || -> Result<usize, String> {
        let handshake = || FixedLength::new(HANDSHAKE_LEN);
        let clone = stream.try_clone().map_err(|e| e.to_string())?;
        let mut rx = MessageReader::with_encoding(clone, handshake(), WIRE);
        let mut tx = MessageWriter::with_encoding(stream, handshake(), WIRE);
        let ours = Handshake::new(std::array::from_fn(|i| i as u8), *b"-NW0001-000000000001");
        tx.write(&ours).map_err(|e| format!("our handshake: {e}"))?;
        let theirs: Handshake = rx
            .read()
            .map_err(|e| format!("their handshake: {e}"))?
            .ok_or("closed before the handshake")?;
        let want = Handshake::new(std::array::from_fn(|i| i as u8), *b"-PY0001-000000000001");
        if theirs != want {
            return Err(format!("their handshake {theirs:?}"));
        }
        let frames = || LengthPrefixed::u32().with_limit(MAX_PAYLOAD);
        let mut rx = rx.map_framing(|_| frames());
        let mut tx = tx.map_framing(|_| frames());
        let writer = std::thread::spawn(move || -> Result<(), String> {
            let mut r = Rng(seed.wrapping_add(1) | 1);
            for i in 0..n {
                tx.queue(&frame(&mut r))
                    .map_err(|e| format!("queue {i}: {e}"))?;
                if i % 8 == 7 {
                    tx.flush().map_err(|e| format!("flush at {i}: {e}"))?;
                }
            }
            tx.flush().map_err(|e| format!("flush: {e}"))?;
            tx.into_inner()
                .shutdown(Shutdown::Write)
                .map_err(|e| format!("shutdown: {e}"))
        });
        let mut r = Rng(seed | 1);
        let mut received = 0;
        let mut failure = None;
        for i in 0..n {
            let want = frame(&mut r);
            match rx.read::<peer_wire::Frame>() {
                Ok(Some(got)) if got == want => received += 1,
                Ok(got) => {
                    failure = Some(format!("frame {i}: {got:?}, the client sent {want:?}"));
                    break;
                }
                Err(e) => {
                    failure = Some(format!("frame {i}: {e}"));
                    break;
                }
            }
        }
        if failure.is_none() {
            match rx.read::<peer_wire::Frame>() {
                Ok(None) => {}
                other => failure = Some(format!("after the last frame: {other:?}")),
            }
        }
        let sent = writer.join().map_err(|_| "the writer panicked")?;
        match (failure, sent) {
            (Some(f), _) => Err(f),
            (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(received),
        }
    });

    // The client ends by itself, or is killed at the deadline.
    let deadline = Instant::now() + 3 * TIMEOUT;
    while client.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = client.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = client.wait().expect("client ends");
    let mut said = String::new();
    let mut err = String::new();
    client
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut said)
        .expect("stdout");
    client
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    let server = server.join().expect("the server thread");
    assert!(
        status.success() && said.trim() == format!("ok {n} {n}"),
        "the Python client ({status}): {said}{err}\nthe server: {server:?}"
    );
    let received = server.expect("the server");
    assert_eq!(received, n);
    eprintln!(
        "live exchange: {n} frames each way between netwire and the generated Python, {:.1} s",
        start.elapsed().as_secs_f64()
    );
}
