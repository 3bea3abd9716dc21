//! The stream readers under a read schedule the fuzzer picks: chunk sizes,
//! `Interrupted`, `WouldBlock` and the point where the stream ends. The
//! messages (or frames) and the way the stream ends must equal those read
//! from the same bytes handed over at once. Every framing, `net` and
//! `ascii`, owned messages and raw frames. Errors must match too: kind and
//! offset (`tests/regression_ascii_partial_token.rs` holds what this found).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::Encoding;
use netwire::frame::{
    AsciiLength, ByType, Delimited, FixedLength, FrameDecoder, LengthPrefixed, SelfDelimited,
    UntilClose,
};
use netwire::stream::{FrameReader, MessageFraming, MessageReader};
use netwire_fuzz::schedule::{Input, Scheduled, collect};
use netwire_fuzz::{Event, ascii_config, net_config};

/// The next message, as its `net` encoding.
fn read<R: std::io::Read, F: MessageFraming, E: Encoding>(
    rx: &mut MessageReader<R, F, E>,
) -> netwire::Result<Option<Vec<u8>>> {
    rx.read::<Event>()
        .map(|m| m.map(|m| netwire::net::to_vec(&m).expect("a decoded message encodes")))
}

fn messages<F, E>(framing: F, encoding: E, input: &Input)
where
    F: MessageFraming + Clone,
    E: Encoding + Clone,
{
    let max = input.data.len() + 1;
    let mut rx = MessageReader::with_encoding(&input.data[..], framing.clone(), encoding.clone());
    let at_once = collect(max, || read(&mut rx));
    let mut rx =
        MessageReader::with_encoding(Scheduled::new(&input.data, &input.steps), framing, encoding);
    let scheduled = collect(max, || read(&mut rx));
    assert_ne!(at_once.1, netwire_fuzz::schedule::End::Runaway);
    assert_eq!(at_once, scheduled, "the read schedule changed the messages");
}

fn frames<F: FrameDecoder + Clone>(framing: F, input: &Input) {
    let max = input.data.len() + 1;
    let mut rx = FrameReader::new(&input.data[..], framing.clone());
    let at_once = collect(max, || rx.read_frame().map(|f| f.map(|f| f.to_vec())));
    let mut rx = FrameReader::new(Scheduled::new(&input.data, &input.steps), framing);
    let scheduled = collect(max, || rx.read_frame().map(|f| f.map(|f| f.to_vec())));
    assert_ne!(at_once.1, netwire_fuzz::schedule::End::Runaway);
    assert_eq!(at_once, scheduled, "the read schedule changed the frames");
}

/// Every framing with the given encoding, and raw frames.
fn with_framing<E: Encoding + Clone>(pick: u8, max: usize, encoding: E, input: &Input) {
    match pick % 8 {
        0 => messages(SelfDelimited::new(), encoding, input),
        1 => {
            let f = LengthPrefixed::u16().max_frame_length(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        2 => {
            let f = LengthPrefixed::u8()
                .length_adjustment(-1)
                .max_frame_length(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        3 => {
            let f = Delimited::lines().max_frame_length(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        4 => {
            let f = AsciiLength::digits(3).max_frame_length(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        5 => {
            let f = UntilClose::new().max_frame_length(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        6 => {
            let f = FixedLength::new(5);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        _ => {
            let f = ByType::new()
                .fixed(0, 2)
                .prefixed(1, 1)
                .max_frame_length(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let s = input.setting;
    // Bits 4-5: the byte limit of the encoding and the frame limit.
    let limit_bits = s >> 4 & 3;
    let max = [1 << 20, 256, 16, 1][usize::from(limit_bits)];
    if s & 8 == 0 {
        with_framing(s, max, net_config(limit_bits << 4), &input);
    } else {
        with_framing(s, max, ascii_config(limit_bits), &input);
    }
});
