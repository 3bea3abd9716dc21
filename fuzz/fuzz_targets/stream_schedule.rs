//! The stream readers under a read schedule the fuzzer picks: chunk sizes,
//! `Interrupted`, `WouldBlock` and the point where the stream ends. The
//! messages (or frames) and the way the stream ends must equal those read
//! from the same bytes handed over at once. Every framing, `net` and
//! `ascii`, owned messages and raw frames. Errors must match too: kind and
//! offset (`tests/ascii/regression_partial_token.rs` holds what this found).
//! Every read-through keeps to its work budget (`netwire_fuzz::budget`):
//! decode attempts per message, framing calls per read, reads after the
//! end, bytes decoded per byte received. `net` goes without frames only
//! through `SelfDelimited::retrying()`; `SelfDelimited::new()` must refuse
//! it at the first message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::Encoding;
use netwire::frame::{AsciiLength, ByType, Delimited, FixedLength, FrameDecoder, LengthPrefixed, UntilClose};
use netwire::message::SelfDelimited;
use netwire_fuzz::budget::{Counted, Kind};
use netwire_fuzz::schedule::{End, Input};
use netwire_fuzz::streams;
use netwire_fuzz::{Event, ascii_config, net_config};

/// Framed `Event` messages, within the work budget of a framed stream.
fn messages<F: FrameDecoder + Clone, E: Encoding + Clone>(framing: F, encoding: E, input: &Input) {
    streams::framed_messages::<Event, _, _>(&framing, &encoding, input);
}

/// Raw frames, within their budget.
fn frames<F: FrameDecoder + Clone>(framing: F, input: &Input) {
    streams::frames(&framing, input);
}

/// Self-delimited `Event` messages: scanned when the encoding can
/// (`ascii`, one decode per message), else retried (`net`, which
/// `SelfDelimited::new()` must refuse at the first message).
fn self_delimited<E: Encoding + Clone>(encoding: E, input: &Input) {
    let scans = encoding.scan(b"", 0) != netwire::Scan::Unknown;
    let (framing, kind) = if scans {
        (SelfDelimited::new(), Kind::Scanned)
    } else {
        (SelfDelimited::retrying(), Kind::Retrying)
    };
    streams::messages::<Event, _, _>(
        |w| (framing.clone(), Counted::new(encoding.clone(), w)),
        input,
        kind,
    );
    if !scans {
        let refused = streams::messages::<Event, _, _>(
            |w| (SelfDelimited::new(), Counted::new(encoding.clone(), w)),
            input,
            Kind::Scanned,
        );
        assert!(refused.items.is_empty(), "SelfDelimited::new() decoded net");
        let as_documented = match &refused.end {
            End::Clean => input.data.is_empty(),
            // A configuration that cannot work is at no offset.
            End::Error(netwire::ErrorKind::Unsupported(_), None) => !input.data.is_empty(),
            _ => false,
        };
        assert!(
            as_documented,
            "SelfDelimited::new() over net ended with {:?}",
            refused.end
        );
    }
}

/// Every framing with the given encoding, and raw frames.
fn with_framing<E: Encoding + Clone>(pick: u8, max: usize, encoding: E, input: &Input) {
    match pick % 8 {
        0 => self_delimited(encoding, input),
        1 => {
            let f = LengthPrefixed::u16().with_limit(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        2 => {
            let f = LengthPrefixed::u8()
                .length_adjustment(-1)
                .with_limit(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        3 => {
            let f = Delimited::lines().with_limit(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        4 => {
            let f = AsciiLength::digits(3).with_limit(max);
            messages(f.clone(), encoding, input);
            frames(f, input);
        }
        5 => {
            let f = UntilClose::new().with_limit(max);
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
                .with_limit(max);
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
