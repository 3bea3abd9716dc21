//! The dissector under tshark, over a pcap written here: a TCP
//! handshake, then messages, one of them split across two segments.

use std::process::Command;

use netwire::net::Config;
use netwire::spec::{Framing, Spec};

use crate::types::Msg;
use crate::{have, scratch};

const PORT: u16 = 7000;

fn checksum(data: &[u8]) -> u16 {
    let mut sum = 0u32;
    for c in data.chunks(2) {
        sum += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// One Ethernet/IPv4/TCP frame from the client (port 40000) to `PORT`,
/// or back.
pub fn packet(to_server: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let (src, dst) = if to_server {
        (40000u16, PORT)
    } else {
        (PORT, 40000u16)
    };
    let (sip, dip) = if to_server {
        ([10, 0, 0, 1], [10, 0, 0, 2])
    } else {
        ([10, 0, 0, 2], [10, 0, 0, 1])
    };
    let mut tcp = Vec::new();
    tcp.extend(src.to_be_bytes());
    tcp.extend(dst.to_be_bytes());
    tcp.extend(seq.to_be_bytes());
    tcp.extend(ack.to_be_bytes());
    tcp.extend([0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    tcp.extend(payload);
    let mut pseudo = Vec::new();
    pseudo.extend(sip);
    pseudo.extend(dip);
    pseudo.extend([0, 6]);
    pseudo.extend((tcp.len() as u16).to_be_bytes());
    pseudo.extend(&tcp);
    let c = checksum(&pseudo);
    tcp[16..18].copy_from_slice(&c.to_be_bytes());
    let mut ip = vec![0x45, 0];
    ip.extend(((20 + tcp.len()) as u16).to_be_bytes());
    ip.extend([0, 1, 0x40, 0, 64, 6, 0, 0]);
    ip.extend(sip);
    ip.extend(dip);
    let c = checksum(&ip);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    let mut eth = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
    eth.extend(ip);
    eth.extend(tcp);
    eth
}

fn pcap(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(0xa1b2c3d4u32.to_le_bytes());
    out.extend(2u16.to_le_bytes());
    out.extend(4u16.to_le_bytes());
    out.extend([0; 8]);
    out.extend(65535u32.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend((1_700_000_000u32 + i as u32).to_le_bytes());
        out.extend(0u32.to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend((f.len() as u32).to_le_bytes());
        out.extend(f);
    }
    out
}

#[test]
fn tshark_shows_every_message() {
    if !have("tshark") {
        return;
    }
    let spec = Spec::new("chat", Config::new(), Framing::length_prefix_u32())
        .message::<Msg>()
        .expect("traces");
    let dir = scratch("tshark");
    let lua = dir.join("chat.lua");
    std::fs::write(&lua, spec.wireshark_lua(PORT)).expect("write lua");
    let framed = |m: &Msg| {
        let body = netwire::net::to_vec(m).expect("encodes");
        let mut f = (body.len() as u32).to_be_bytes().to_vec();
        f.extend(body);
        f
    };
    let msgs = [
        Msg::Ping(77),
        Msg::Chat {
            room: 7,
            text: "hello".into(),
        },
        Msg::Chat {
            room: 513,
            text: "split across segments".into(),
        },
        Msg::Bye,
    ];
    let mut first = framed(&msgs[0]);
    first.extend(framed(&msgs[1]));
    let third = framed(&msgs[2]);
    let (a, b) = third.split_at(9);
    let mut last = b.to_vec();
    last.extend(framed(&msgs[3]));
    let (c, s) = (1000u32, 5000u32);
    let mut seq = c + 1;
    let mut frames = vec![
        packet(true, c, 0, 0x02, &[]),
        packet(false, s, c + 1, 0x12, &[]),
        packet(true, c + 1, s + 1, 0x10, &[]),
    ];
    for data in [&first[..], a, &last[..]] {
        frames.push(packet(true, seq, s + 1, 0x18, data));
        seq += data.len() as u32;
    }
    let file = dir.join("chat.pcap");
    std::fs::write(&file, pcap(&frames)).expect("write pcap");
    let out = Command::new("tshark")
        .arg("-X")
        .arg(format!("lua_script:{}", lua.display()))
        .arg("-r")
        .arg(&file)
        .args([
            "-Y",
            "nw_chat",
            "-T",
            "fields",
            "-E",
            "occurrence=a",
            "-E",
            "aggregator=|",
        ])
        .args([
            "-e",
            "frame.number",
            "-e",
            "nw_chat.msg.tag",
            "-e",
            "nw_chat.msg.ping.0",
        ])
        .args(["-e", "nw_chat.msg.chat.room", "-e", "nw_chat.msg.chat.text"])
        .output()
        .expect("tshark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "tshark: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "4\t0|1\t77\t7\thello",
            "6\t1|2\t\t513\tsplit across segments",
        ],
        "tshark said:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
