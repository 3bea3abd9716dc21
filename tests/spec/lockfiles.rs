//! The wire layouts of the crate's example protocols, locked: a change to
//! `examples/proto/*.rs` that moves a byte fails here with the classified
//! diff. `NETWIRE_LOCK=update` rewrites `tests/spec/wire/*.json`.

#[allow(dead_code)]
#[path = "../../examples/proto/peer_wire.rs"]
pub mod peer_wire;
#[allow(dead_code)]
#[path = "../../examples/proto/tftp.rs"]
mod tftp;

use netwire::spec::{Framing, Spec, check_lockfile};

fn peer_wire() -> Spec {
    // Frames of a u32 length after the handshake, which has its own size.
    Spec::new("peer_wire", peer_wire::WIRE, Framing::length_prefix_u32())
        .message::<peer_wire::Frame>()
        .unwrap()
        .message::<peer_wire::Handshake>()
        .unwrap()
}

fn tftp() -> Spec {
    // One packet per datagram: no frame.
    Spec::new("tftp", tftp::TFTP, Framing::SelfDelimited)
        .message::<tftp::Packet>()
        .unwrap()
}

#[test]
fn the_peer_wire_layout_is_locked() {
    check_lockfile("tests/spec/wire/peer_wire.json", &peer_wire()).unwrap();
}

#[test]
fn the_tftp_layout_is_locked() {
    check_lockfile("tests/spec/wire/tftp.json", &tftp()).unwrap();
}

/// The lockfiles decode captures without the types: a BitTorrent request
/// and a TFTP data packet, as their examples encode them.
#[test]
fn the_lockfiles_decode_the_examples_messages() {
    let spec = Spec::from_json(&std::fs::read_to_string("tests/spec/wire/peer_wire.json").unwrap())
        .unwrap();
    let frame = peer_wire::Frame::from(peer_wire::Message::Request {
        index: 1,
        begin: 0x4000,
        length: 0x4000,
    });
    let bytes = peer_wire::WIRE.to_vec(&frame).unwrap();
    assert_eq!(
        serde_json::to_string(&spec.decode(&bytes).unwrap()).unwrap(),
        serde_json::to_string(&frame).unwrap()
    );
    let spec =
        Spec::from_json(&std::fs::read_to_string("tests/spec/wire/tftp.json").unwrap()).unwrap();
    let packet = tftp::Packet::Data {
        block: 2,
        data: b"abc".to_vec(),
    };
    let bytes = tftp::TFTP.to_vec(&packet).unwrap();
    assert_eq!(
        spec.dump(&bytes),
        "0000..0007  Packet::Data (tag 3)\n0002..0004    block: u16 = 2\n\
         0004..0007    data: Vec<u8> (with::rest) = 0x616263\n"
    );
}
