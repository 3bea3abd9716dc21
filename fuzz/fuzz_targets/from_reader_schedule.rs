//! `net::from_reader` and `ascii::from_reader` (the default functions and
//! `Config` variants) over a reader that follows the input's schedule:
//! short reads, one-byte reads, `Interrupted` (`from_reader` needs a
//! blocking reader, so a `WouldBlock` step is an `Interrupted` here).
//! Up to 4 messages are read one after the other from the same reader and
//! compared with `take_from_slice` on the same bytes: the same value
//! (by its `net` encoding) and the reader left exactly where the slice's
//! rest begins, or the same error kind and offset. The reader is never
//! asked for nothing, and read at most 3 more times after it said it
//! ended (see below).
//!
//! Input: a selection byte (bit 0 encoding, bit 1 default function or
//! `Config`, bits 2-3 type), then `schedule::Input` (its setting byte is
//! the `Config`'s, as `net_config` / `ascii_config` read it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use netwire_fuzz::schedule::{Input, Scheduled};
use netwire_fuzz::streams::exact;
use netwire_fuzz::{Event, Message, Tree, ascii_config, net_config};
use serde::Serialize;
use serde::de::DeserializeOwned;

type Outcome = Result<Vec<u8>, (netwire::ErrorKind, Option<u64>)>;

fn outcome<T: Serialize>(r: netwire::Result<T>) -> Outcome {
    r.map(|v| exact(&v))
        .map_err(|e| (e.kind().clone(), e.offset()))
}

/// The two ways of decoding one format.
trait Format {
    fn slice<'a, T: DeserializeOwned + Serialize>(
        &self,
        input: &'a [u8],
    ) -> (Outcome, Option<&'a [u8]>);
    fn reader<T: DeserializeOwned + Serialize>(&self, reader: &mut Scheduled<'_>) -> Outcome;
}

struct Net(Option<netwire::net::Config>);
struct Ascii(Option<netwire::ascii::Config>);

impl Format for Net {
    fn slice<'a, T: DeserializeOwned + Serialize>(
        &self,
        input: &'a [u8],
    ) -> (Outcome, Option<&'a [u8]>) {
        let r = match &self.0 {
            Some(c) => c.take_from_slice::<T>(input),
            None => netwire::net::take_from_slice::<T>(input),
        };
        match r {
            Ok((v, rest)) => (Ok(exact(&v)), Some(rest)),
            Err(e) => (outcome::<T>(Err(e)), None),
        }
    }
    fn reader<T: DeserializeOwned + Serialize>(&self, reader: &mut Scheduled<'_>) -> Outcome {
        outcome(match &self.0 {
            Some(c) => c.from_reader::<_, T>(reader),
            None => netwire::net::from_reader::<_, T>(reader),
        })
    }
}

impl Format for Ascii {
    fn slice<'a, T: DeserializeOwned + Serialize>(
        &self,
        input: &'a [u8],
    ) -> (Outcome, Option<&'a [u8]>) {
        let r = match &self.0 {
            Some(c) => c.take_from_slice::<T>(input),
            None => netwire::ascii::take_from_slice::<T>(input),
        };
        match r {
            Ok((v, rest)) => (Ok(exact(&v)), Some(rest)),
            Err(e) => (outcome::<T>(Err(e)), None),
        }
    }
    fn reader<T: DeserializeOwned + Serialize>(&self, reader: &mut Scheduled<'_>) -> Outcome {
        outcome(match &self.0 {
            Some(c) => c.from_reader::<_, T>(reader),
            None => netwire::ascii::from_reader::<_, T>(reader),
        })
    }
}

fn check<T: DeserializeOwned + Serialize, F: Format>(format: &F, input: &Input) {
    let mut reader = Scheduled::new(&input.data, &input.steps).blocking();
    let mut rest = &input.data[..];
    for _ in 0..4 {
        let eof_before = reader.reads.eof;
        let (want, left) = format.slice::<T>(rest);
        let got = format.reader::<T>(&mut reader);
        assert_eq!(got, want, "from_reader and take_from_slice disagree");
        // ascii's reader does not remember an end it has seen: each look
        // ahead at the end reads again (`"1"` as an `f64`: 4 reads return
        // 0; harmless on a socket, a wait each on a terminal). A few are
        // allowed, a loop is not.
        assert!(
            reader.reads.eof <= eof_before + 4,
            "from_reader read on after the reader had ended ({} times, as {}): {got:?}",
            reader.reads.eof - eof_before,
            std::any::type_name::<T>()
        );
        let Some(left) = left else {
            return;
        };
        assert_eq!(
            reader.rest().len(),
            left.len(),
            "from_reader did not stop at the message's end"
        );
        rest = left;
        if rest.is_empty() {
            return;
        }
    }
}

fn typed<F: Format>(ty: u8, format: &F, input: &Input) {
    match ty {
        0 => check::<Message, F>(format, input),
        1 => check::<Event, F>(format, input),
        2 => check::<Tree, F>(format, input),
        _ => check::<(u8, String, Option<Vec<u16>>), F>(format, input),
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&sel, rest)) = bytes.split_first() else {
        return;
    };
    let Some(input) = Input::parse(rest) else {
        return;
    };
    let ty = sel >> 2 & 3;
    let configured = sel & 2 != 0;
    if sel & 1 == 0 {
        let config = configured.then(|| net_config(input.setting));
        typed(ty, &Net(config), &input);
    } else {
        let config = configured.then(|| ascii_config(input.setting));
        typed(ty, &Ascii(config), &input);
    }
});
