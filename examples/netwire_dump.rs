//! `netwire_dump`: the messages of a capture, decoded with a spec's JSON
//! document alone (no Rust types), one line per value with its offsets.
//!
//! ```text
//! cargo run --example netwire_dump --features spec -- SPEC.json [INPUT] [--hex] [--whole]
//! ```
//!
//! - `SPEC.json`: a document written by `Spec::to_json` (a lockfile).
//! - `INPUT`: a file, or `-` / nothing for stdin: the bytes of a stream,
//!   split into messages by the spec's framing.
//! - `--hex`: the input is a hex dump (pairs of hex digits; spaces, line
//!   breaks, `0x` and `:` are skipped), as copied from Wireshark or xxd -p.
//! - `--whole`: the input is one message without a frame (a datagram).
//!
//! For example, a BitTorrent `Request` and a keep-alive:
//!
//! ```text
//! echo 0000000d 06 00000001 00004000 00004000 00000000 |
//!     cargo run --example netwire_dump --features spec -- tests/spec/wire/peer_wire.json --hex
//! ```

use std::io::Read;
use std::process::ExitCode;

use netwire::spec::{Framing, Spec};

fn usage() -> ExitCode {
    eprintln!("usage: netwire_dump SPEC.json [INPUT|-] [--hex] [--whole]");
    ExitCode::from(2)
}

/// The bytes of a hex dump.
fn unhex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text
        .replace("0x", "")
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b':')
        .collect();
    if digits.len() % 2 != 0 {
        return Err("an odd number of hex digits".into());
    }
    digits
        .chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .ok_or_else(|| format!("not hex: {:?}", String::from_utf8_lossy(p)))
        })
        .collect()
}

/// Prints one message found at `at` in the input; returns whether it
/// decoded.
fn show(spec: &Spec, n: usize, at: usize, payload: &[u8]) -> bool {
    println!(
        "message {n} at byte {at}, {} byte(s) of payload:",
        payload.len()
    );
    let dump = spec.dump(payload);
    for line in dump.lines() {
        println!("  {line}");
    }
    !dump.contains("\nerror: ") && !dump.starts_with("error: ")
}

/// Splits `input` into frames of the spec's framing and dumps each;
/// returns how many there were and how many did not decode.
fn frames(spec: &Spec, input: &[u8]) -> Result<(usize, usize), String> {
    let mut at = 0;
    let mut n = 0;
    let mut bad = 0;
    while at < input.len() {
        let rest = &input[at..];
        let (header, len) = match spec.framing() {
            Framing::LengthPrefix {
                width,
                includes_header,
            } => {
                let w = width.size();
                let Some(h) = rest.get(..w) else {
                    return Err(format!("byte {at}: a frame header cut short"));
                };
                let raw = h.iter().fold(0u64, |a, &b| (a << 8) | u64::from(b));
                let len = if includes_header {
                    raw.checked_sub(w as u64)
                        .ok_or_else(|| format!("byte {at}: a length {raw} under its header's"))?
                } else {
                    raw
                };
                (w, len)
            }
            Framing::AsciiDigits(d) => {
                let Some(h) = rest.get(..d) else {
                    return Err(format!("byte {at}: a frame header cut short"));
                };
                let text = std::str::from_utf8(h)
                    .ok()
                    .filter(|t| t.bytes().all(|b| b.is_ascii_digit()));
                let len = text
                    .and_then(|t| t.parse::<u64>().ok())
                    .ok_or_else(|| format!("byte {at}: {h:?} is not {d} decimal digits"))?;
                (d, len)
            }
            Framing::SelfDelimited => match spec.decode_prefix(rest) {
                Ok((_, used)) => {
                    let _ = show(spec, n, at, &rest[..used]);
                    at += used;
                    n += 1;
                    continue;
                }
                Err(_) => {
                    let _ = show(spec, n, at, rest);
                    return Err(format!("message {n} does not decode"));
                }
            },
            _ => return Err("a framing this tool does not know".into()),
        };
        let body = rest.get(header..).unwrap_or_default();
        let Some(payload) = usize::try_from(len).ok().and_then(|l| body.get(..l)) else {
            return Err(format!(
                "byte {at}: a frame of {len} byte(s) with {} left",
                body.len()
            ));
        };
        if !show(spec, n, at + header, payload) {
            bad += 1;
        }
        at += header + payload.len();
        n += 1;
    }
    Ok((n, bad))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hex = args.iter().any(|a| a == "--hex");
    let whole = args.iter().any(|a| a == "--whole");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let (spec_path, input) = match paths.as_slice() {
        [s] => (*s, None),
        [s, i] => (*s, Some(i.as_str())),
        _ => return usage(),
    };
    let spec = match std::fs::read_to_string(spec_path)
        .map_err(|e| e.to_string())
        .and_then(|t| Spec::from_json(&t).map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("netwire_dump: {spec_path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut bytes = Vec::new();
    let read = match input {
        None | Some("-") => std::io::stdin().read_to_end(&mut bytes).map(|_| ()),
        Some(p) => std::fs::read(p).map(|b| bytes = b),
    };
    if let Err(e) = read {
        eprintln!("netwire_dump: input: {e}");
        return ExitCode::FAILURE;
    }
    if hex {
        match std::str::from_utf8(&bytes)
            .map_err(|e| e.to_string())
            .and_then(unhex)
        {
            Ok(b) => bytes = b,
            Err(e) => {
                eprintln!("netwire_dump: input: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "{}: {} byte(s), framing: {}, fingerprint {:#018x}",
        spec.protocol(),
        bytes.len(),
        if whole {
            "none (one message)".to_string()
        } else {
            spec.framing().to_string()
        },
        spec.fingerprint()
    );
    if whole {
        return if show(&spec, 0, 0, &bytes) {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    match frames(&spec, &bytes) {
        Ok((n, 0)) => {
            println!("{n} message(s)");
            ExitCode::SUCCESS
        }
        Ok((n, bad)) => {
            println!("{n} message(s), {bad} not decoded");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("netwire_dump: {e}");
            ExitCode::FAILURE
        }
    }
}
