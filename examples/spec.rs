//! Writes the wire spec, Python module, C header and Wireshark dissector
//! of the README's `Msg` protocol (`u32` length frames), and its JSON
//! document (for `netwire_dump`), into a directory: the first argument,
//! or `target/spec`.
//!
//! ```sh
//! cargo run --example spec --features spec -- /tmp/chat
//! ```

use std::path::PathBuf;

use netwire::net::Config;
use netwire::spec::{Framing, Spec};
use serde::{Deserialize, Serialize};

/// The README's message type.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
enum Msg {
    Ping(u32),
    Chat { room: u16, text: String },
    Bye,
}

/// The TCP port the dissector claims.
const PORT: u16 = 7000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/spec"));
    std::fs::create_dir_all(&dir)?;
    let spec = Spec::new("chat", Config::new(), Framing::length_prefix_u32())
        .message::<Msg>()?
        .example(&Msg::Ping(1))?
        .example(&Msg::Chat {
            room: 7,
            text: "hi".into(),
        })?
        .example(&Msg::Bye)?;
    for (file, text) in [
        ("chat.md", spec.markdown()),
        ("chat.py", spec.python()),
        ("chat.h", spec.c_header()),
        ("chat.lua", spec.wireshark_lua(PORT)),
        ("chat.json", spec.to_json()),
    ] {
        let path = dir.join(file);
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
