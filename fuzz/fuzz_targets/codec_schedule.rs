//! The tokio codecs (`netwire::codec::{FrameCodec, MessageCodec}`) driven
//! by hand as `FramedRead` drives them: the input's bytes go into a
//! `BytesMut` in the chunks of its schedule, `decode` runs after every
//! chunk until `Ok(None)` (an `Interrupted`/`WouldBlock` step of the
//! schedule feeds nothing and decodes again), then `decode_eof` until
//! `Ok(None)` or an error. Every framing (`netwire_fuzz::framings`,
//! self-delimited included: `ascii` with `new()`, `net` with
//! `retrying()`), `Event`s and the zero-sized and empty types.
//!
//! Checked: the same frames / messages / end (kind and offset) as a
//! `FrameReader` / `MessageReader` over the whole input in one slice; a
//! call that returns an item has consumed bytes, one that returns
//! `Ok(None)` has consumed none; `decode_eof` ends cleanly only on an
//! empty buffer; the number of calls stays within bytes + chunks fed +
//! 2 (no spinning); and the decoding work keeps to the stream
//! budgets (`netwire_fuzz::budget`, a chunk counted as a read).
//!
//! Input: a selection byte (bits 0-1 limit, bit 2 encoding, bits 3-4
//! message type, bits 5-7 fixed frame length), then `schedule::Input`
//! (its setting byte picks the framing).
#![no_main]

use std::rc::Rc;

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use netwire::codec::{FrameCodec, MessageCodec};
use netwire::frame::{FrameDecoder, FrameEncoder};
use netwire::message::SelfDelimited;
use netwire::message::MessageFraming;
use netwire::{Encoding, ErrorKind};
use netwire_fuzz::budget::{self, Counted, CountedFraming, Kind, Work};
use netwire_fuzz::framings::{self, Visit};
use netwire_fuzz::schedule::{End, Input, Reads, Scheduled, Step, comparable};
use netwire_fuzz::streams::{self, exact};
use netwire_fuzz::{Empty, Event, MAX_LIMIT, Marker, ascii_config, net_config};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::codec::Decoder;

/// What feeding a decoder gave.
#[derive(Debug)]
struct Fed {
    items: Vec<Vec<u8>>,
    end: End,
    /// Chunks fed, as reads for the budget.
    reads: Reads,
    /// Items that came out of `decode_eof`.
    after_eof: usize,
}

/// One decoding call: an item (which must have taken bytes), `Ok(None)`
/// (which must have taken none) or the error that ends the stream.
fn call<D: Decoder<Error = netwire::Error>>(
    dec: &mut D,
    src: &mut BytesMut,
    eof: bool,
    item: impl Fn(D::Item) -> Vec<u8>,
) -> Result<Option<Vec<u8>>, End> {
    let before = src.len();
    let result = if eof {
        dec.decode_eof(src)
    } else {
        dec.decode(src)
    };
    let after = src.len();
    assert!(after <= before, "decoding grew its input");
    match result {
        Ok(Some(value)) => {
            assert!(
                after < before,
                "an item came out of no bytes: the caller would spin"
            );
            Ok(Some(item(value)))
        }
        Ok(None) => {
            assert_eq!(after, before, "Ok(None) consumed bytes");
            Ok(None)
        }
        Err(e) => {
            assert!(
                e.kind() != &ErrorKind::Io(std::io::ErrorKind::WouldBlock),
                "a codec returned WouldBlock"
            );
            Err(End::Error(comparable(e.kind()), e.offset()))
        }
    }
}

/// Feeds `data` to `dec` in the schedule's chunks, as `FramedRead` does.
fn feed<D: Decoder<Error = netwire::Error>>(
    mut dec: D,
    input: &Input,
    item: impl Fn(D::Item) -> Vec<u8> + Copy,
) -> Fed {
    let mut fed = Fed {
        items: Vec::new(),
        end: End::Clean,
        reads: Reads::default(),
        after_eof: 0,
    };
    let mut src = BytesMut::new();
    let mut rest = &input.data[..];
    let mut steps = input.steps.iter();
    // Every call returns an item (which takes a byte), or ends a chunk,
    // the input or the stream: at most bytes + chunks fed + 2 calls.
    let mut calls = 0;
    let count = |calls: &mut usize, chunks: u64| {
        *calls += 1;
        let bound = input.data.len() + chunks as usize + 2;
        assert!(
            *calls <= bound,
            "more than {bound} decode calls: the codec spins"
        );
    };
    while !rest.is_empty() || steps.len() > 0 {
        let size = match steps.next() {
            Some(Step::Bytes(n)) => *n,
            Some(Step::Interrupted | Step::WouldBlock) => 0,
            None => 64,
        };
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        rest = tail;
        src.extend_from_slice(chunk);
        fed.reads.calls += 1;
        fed.reads.data += 1;
        fed.reads.received += chunk.len() as u64;
        loop {
            count(&mut calls, fed.reads.calls);
            match call(&mut dec, &mut src, false, item) {
                Ok(Some(i)) => fed.items.push(i),
                Ok(None) => break,
                Err(end) => {
                    fed.end = end;
                    return fed;
                }
            }
        }
    }
    fed.reads.eof = 1;
    loop {
        count(&mut calls, fed.reads.calls);
        match call(&mut dec, &mut src, true, item) {
            Ok(Some(i)) => {
                fed.items.push(i);
                fed.after_eof += 1;
            }
            Ok(None) => {
                assert!(
                    src.is_empty(),
                    "decode_eof ended cleanly with {} bytes left",
                    src.len()
                );
                return fed;
            }
            Err(end) => {
                fed.end = end;
                return fed;
            }
        }
    }
}

struct Check<'a, E> {
    encoding: E,
    ty: u8,
    input: &'a Input,
}

impl<E: Encoding + Clone> Check<'_, E> {
    /// `MessageCodec<T>` fed in chunks against `MessageReader` at once.
    fn messages<T, F>(&self, make: impl Fn(&Rc<Work>) -> F, kind: Kind)
    where
        T: DeserializeOwned + Serialize,
        F: MessageFraming,
    {
        let encoding = &self.encoding;
        let want = streams::read_messages::<T, _, _>(
            &|w: &Rc<Work>| (make(w), Counted::new(encoding.clone(), w)),
            Scheduled::at_once(&self.input.data),
            kind,
        );
        let work = Rc::new(Work::default());
        let codec = MessageCodec::<T, F, _>::with_encoding(
            make(&work),
            Counted::new(encoding.clone(), &work),
        );
        let fed = feed(codec, self.input, |m| exact(&m));
        budget::check(kind, &work, &fed.reads, fed.items.len(), fed.after_eof);
        assert_eq!(
            (&fed.items, &fed.end),
            (&want.items, &want.end),
            "MessageCodec differs from MessageReader"
        );
    }

    fn typed<F>(&self, make: impl Fn(&Rc<Work>) -> F, kind: Kind)
    where
        F: MessageFraming,
    {
        match self.ty {
            0 => self.messages::<Event, _>(make, kind),
            1 => self.messages::<(), _>(make, kind),
            2 => self.messages::<Marker, _>(make, kind),
            _ => self.messages::<Empty, _>(make, kind),
        }
    }
}

impl<E: Encoding + Clone> Visit for Check<'_, E> {
    type Out = ();

    fn framed<F>(self, framing: F, _head: usize)
    where
        F: FrameDecoder + FrameEncoder + Clone,
    {
        self.typed(|w| CountedFraming::new(framing.clone(), w), Kind::Framed);
        // Raw frames: FrameCodec against FrameReader.
        let want = streams::read_frames(framing.clone(), Scheduled::at_once(&self.input.data));
        let work = Rc::new(Work::default());
        let codec = FrameCodec::new(CountedFraming::new(framing, &work));
        let fed = feed(codec, self.input, |f| f.to_vec());
        budget::check(
            Kind::Frames,
            &work,
            &fed.reads,
            fed.items.len(),
            fed.after_eof,
        );
        assert_eq!(
            (&fed.items, &fed.end),
            (&want.items, &want.end),
            "FrameCodec differs from FrameReader"
        );
    }

    fn self_delimited(self, framing: SelfDelimited, retrying: bool) {
        let kind = if retrying {
            Kind::Retrying
        } else {
            Kind::Scanned
        };
        self.typed(|_| framing.clone(), kind);
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
    let ty = sel >> 3 & 3;
    let fixed = [1, 2, 3, 4, 5, 8, 16, 64][usize::from(sel >> 5)];
    let pick = input.setting;
    if sel & 4 == 0 {
        let check = Check {
            encoding: net_config(0).with_limit(limit),
            ty,
            input: &input,
        };
        framings::pick(pick, limit, fixed, false, check);
    } else {
        let check = Check {
            encoding: ascii_config(0).with_limit(limit),
            ty,
            input: &input,
        };
        framings::pick(pick, limit, fixed, true, check);
    }
});
