//! Every framing (`netwire_fuzz::framings`: header-described, multi-byte
//! and self-overlapping delimiters, lines, u16/u32/u64 lengths with and
//! without the header counted, by type, decimal lengths, fixed length,
//! until close, self-delimited) under the input's read schedule, with
//! `net` and `ascii`, reading `Event`s and the zero-sized and empty types
//! (`()`, a unit struct, an empty struct). The messages and the end (error
//! kind and offset) must equal those read from the bytes at once; raw
//! frames likewise; every read-through keeps to its work budget
//! (`netwire_fuzz::budget`). A zero-byte message without a frame is
//! `EmptyMessage`, never an endless stream of them.
//!
//! Input: a selection byte (bits 0-1 limit, bit 2 encoding, bits 3-4
//! message type, bits 5-7 fixed frame length), then `schedule::Input`
//! (its setting byte picks the framing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire::frame::{FrameDecoder, FrameEncoder};
use netwire::message::SelfDelimited;
use netwire::{Encoding, ErrorKind};
use netwire_fuzz::budget::{Counted, Kind};
use netwire_fuzz::framings::{self, Visit};
use netwire_fuzz::schedule::{End, Input};
use netwire_fuzz::streams::{self, Run};
use netwire_fuzz::{Empty, Event, MAX_LIMIT, Marker, ascii_config, net_config};

struct Check<'a, E> {
    encoding: E,
    scans: bool,
    ty: u8,
    input: &'a Input,
}

/// `T` is zero bytes in this encoding (checked once, from its encoding).
fn zero_sized<E: Encoding, T: serde::Serialize>(encoding: &E, value: &T) -> bool {
    let mut out = Vec::new();
    encoding.encode_into(value, &mut out).is_ok() && out.is_empty()
}

impl<E: Encoding + Clone> Check<'_, E> {
    /// Self-delimited messages of a type that takes no bytes: nothing can
    /// be read, and any byte is `EmptyMessage` (or the framing's refusal
    /// of `net`), at once.
    fn no_empty_messages(&self, run: &Run, empty: bool) {
        if !empty {
            return;
        }
        assert!(
            run.items.is_empty(),
            "a zero-byte message came out of a stream"
        );
        let ok = matches!(
            &run.end,
            End::Clean
                | End::Error(ErrorKind::EmptyMessage, Some(0))
                | End::Error(ErrorKind::Unsupported(_), None)
        );
        assert!(ok, "zero-byte messages ended with {:?}", run.end);
    }
}

impl<E: Encoding + Clone> Visit for Check<'_, E> {
    type Out = ();

    fn framed<F>(self, framing: F, _head: usize)
    where
        F: FrameDecoder + FrameEncoder + Clone,
    {
        let (e, i) = (&self.encoding, self.input);
        match self.ty {
            0 => streams::framed_messages::<Event, _, _>(&framing, e, i),
            1 => streams::framed_messages::<(), _, _>(&framing, e, i),
            2 => streams::framed_messages::<Marker, _, _>(&framing, e, i),
            _ => streams::framed_messages::<Empty, _, _>(&framing, e, i),
        };
        streams::frames(&framing, i);
    }

    fn self_delimited(self, framing: SelfDelimited, retrying: bool) {
        // `new()` with an encoding that cannot scan is refused before any
        // decoding: the scanned budget (no attempt at all) holds.
        let kind = if retrying {
            Kind::Retrying
        } else {
            Kind::Scanned
        };
        let make = |w: &_| (framing.clone(), Counted::new(self.encoding.clone(), w));
        let i = self.input;
        let run = match self.ty {
            0 => streams::messages::<Event, _, _>(make, i, kind),
            1 => {
                let run = streams::messages::<(), _, _>(make, i, kind);
                self.no_empty_messages(&run, zero_sized(&self.encoding, &()));
                run
            }
            2 => {
                let run = streams::messages::<Marker, _, _>(make, i, kind);
                self.no_empty_messages(&run, zero_sized(&self.encoding, &Marker));
                run
            }
            _ => {
                let run = streams::messages::<Empty, _, _>(make, i, kind);
                self.no_empty_messages(&run, zero_sized(&self.encoding, &Empty {}));
                run
            }
        };
        if !self.scans && kind == Kind::Scanned {
            let ok = match &run.end {
                End::Clean => self.input.data.is_empty(),
                End::Error(ErrorKind::Unsupported(_), None) => !self.input.data.is_empty(),
                _ => false,
            };
            assert!(
                ok,
                "SelfDelimited::new() over an encoding that cannot scan: {run:?}"
            );
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&sel, rest)) = bytes.split_first() else {
        return;
    };
    let Some(input) = Input::parse(rest) else {
        return;
    };
    let limit = [MAX_LIMIT, 4096, 64, 8][usize::from(sel & 3)];
    let max = limit;
    let ty = sel >> 3 & 3;
    let fixed = [1, 2, 3, 4, 5, 8, 16, 64][usize::from(sel >> 5)];
    let pick = input.setting;
    if sel & 4 == 0 {
        let encoding = net_config(0).with_limit(limit);
        let check = Check {
            encoding,
            scans: false,
            ty,
            input: &input,
        };
        framings::pick(pick, max, fixed, false, check);
    } else {
        let encoding = ascii_config(0).with_limit(limit);
        let check = Check {
            encoding,
            scans: true,
            ty,
            input: &input,
        };
        framings::pick(pick, max, fixed, true, check);
    }
});
