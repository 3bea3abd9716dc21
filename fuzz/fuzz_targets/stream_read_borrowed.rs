//! `MessageReader::read_borrowed` over every framed stream
//! (`netwire_fuzz::framings`; the self-delimited picks, which cannot lend,
//! fall back to a u8 length) under the input's read schedule, with types
//! that borrow from the frame: `Loan` (`&str`, `&[u8]` through
//! `serde_bytes`, `Option<&str>`, `Vec<&str>`) and the rich `Borrowed`.
//!
//! The reference decodes the same bytes in one slice: `FrameReader` over
//! `&[u8]` with the framing capped at the encoding's limit (as a message
//! stream caps it), each frame through `from_slice`, a message ending
//! inside its frame being `ShortFrame { len, needed }` at the payload's
//! stream offset. Messages and the end (kind and offset) must be equal;
//! `read` of `Loan`'s owned twin must give the same; no borrowed read is
//! ever `UnexpectedEnd`; each read-through keeps to a framed stream's work
//! budget (one decode per frame).
//!
//! Input: a selection byte (bits 0-1 limit, bit 2 encoding, bit 3 type),
//! then `schedule::Input` (its setting byte picks the framing).
#![no_main]

use std::io::Read;
use std::rc::Rc;

use libfuzzer_sys::fuzz_target;
use netwire::frame::{FrameDecoder, FrameEncoder, LengthPrefixed};
use netwire::message::SelfDelimited;
use netwire::stream::{FrameReader, MessageReader};
use netwire::{Encoding, Error, ErrorKind};
use netwire_fuzz::budget::{self, Counted, CountedFraming, Kind, Work};
use netwire_fuzz::framings::{self, Visit};
use netwire_fuzz::schedule::{End, Input, Scheduled, comparable};
use netwire_fuzz::streams::{self, exact};
use netwire_fuzz::{Borrowed, Loan, LoanOwned, MAX_LIMIT, ascii_config, net_config};

/// A message type that borrows, decoded from a slice or a reader.
trait Lender {
    fn slice<E: Encoding>(encoding: &E, frame: &[u8]) -> netwire::Result<Vec<u8>>;
    fn stream<R: Read, F: FrameDecoder, E: Encoding>(
        rx: &mut MessageReader<R, F, E>,
    ) -> netwire::Result<Option<Vec<u8>>>;
}

struct LoanType;

impl Lender for LoanType {
    fn slice<E: Encoding>(encoding: &E, frame: &[u8]) -> netwire::Result<Vec<u8>> {
        encoding.decode::<Loan>(frame).map(|v| exact(&v))
    }
    fn stream<R: Read, F: FrameDecoder, E: Encoding>(
        rx: &mut MessageReader<R, F, E>,
    ) -> netwire::Result<Option<Vec<u8>>> {
        rx.read_borrowed::<Loan>().map(|v| v.map(|v| exact(&v)))
    }
}

struct BorrowedType;

impl Lender for BorrowedType {
    fn slice<E: Encoding>(encoding: &E, frame: &[u8]) -> netwire::Result<Vec<u8>> {
        encoding.decode::<Borrowed>(frame).map(|v| exact(&v))
    }
    fn stream<R: Read, F: FrameDecoder, E: Encoding>(
        rx: &mut MessageReader<R, F, E>,
    ) -> netwire::Result<Option<Vec<u8>>> {
        rx.read_borrowed::<Borrowed>().map(|v| v.map(|v| exact(&v)))
    }
}

/// A frame's decoding error as a message stream reports it: a message
/// that runs past its frame is `ShortFrame`, at the payload's offset.
fn in_frame(err: &Error, len: usize, base: u64) -> End {
    let kind = if err.is_eof() {
        ErrorKind::ShortFrame {
            len: len as u64,
            needed: err.needed(),
        }
    } else {
        comparable(err.kind())
    };
    End::Error(kind, err.offset().map(|o| o + base))
}

/// The frames of `data` in one slice, each decoded with `from_slice`.
fn reference<L: Lender, F: FrameDecoder + Clone, E: Encoding>(
    framing: &F,
    head: usize,
    encoding: &E,
    data: &[u8],
) -> (Vec<Vec<u8>>, End) {
    let mut framing = framing.clone();
    framing.lower_limit(encoding.limit());
    let mut rx = FrameReader::new(data, framing);
    let mut items = Vec::new();
    loop {
        let start = rx.position();
        match rx.read_frame() {
            Ok(Some(frame)) => match L::slice(encoding, &frame) {
                Ok(item) => items.push(item),
                Err(e) => return (items, in_frame(&e, frame.len(), start + head as u64)),
            },
            Ok(None) => return (items, End::Clean),
            Err(e) => return (items, End::Error(comparable(e.kind()), e.offset())),
        }
    }
}

struct Check<'a, E> {
    encoding: E,
    loan: bool,
    input: &'a Input,
}

impl<E: Encoding + Clone> Check<'_, E> {
    fn run<L: Lender, F: FrameDecoder + Clone>(&self, framing: &F, head: usize) {
        let input = self.input;
        let want = reference::<L, _, _>(framing, head, &self.encoding, &input.data);
        assert_ne!(want.1, End::Runaway);
        for reader in [
            Scheduled::at_once(&input.data),
            Scheduled::new(&input.data, &input.steps),
        ] {
            let work = Rc::new(Work::default());
            let mut rx = MessageReader::with_encoding(
                reader,
                CountedFraming::new(framing.clone(), &work),
                Counted::new(self.encoding.clone(), &work),
            );
            let run = streams::collect(
                &mut rx,
                input.data.len() + 1,
                |rx| L::stream(rx),
                |rx| rx.get_ref().reads,
            );
            budget::check(
                Kind::Framed,
                &work,
                &rx.get_ref().reads,
                run.items.len(),
                run.after_eof,
            );
            assert!(
                !matches!(run.end, End::Error(ErrorKind::UnexpectedEnd, _)),
                "a framed message ended with UnexpectedEnd: {:?}",
                run.end
            );
            assert_eq!(
                (&run.items, &run.end),
                (&want.0, &want.1),
                "read_borrowed differs from decoding the frames in one slice"
            );
        }
        if self.loan {
            let owned = streams::framed_messages::<LoanOwned, _, _>(framing, &self.encoding, input);
            assert_eq!(
                (&owned.items, &owned.end),
                (&want.0, &want.1),
                "read of the owned type differs from read_borrowed"
            );
        }
    }
}

impl<E: Encoding + Clone> Visit for Check<'_, E> {
    type Out = ();

    fn framed<F>(self, framing: F, head: usize)
    where
        F: FrameDecoder + FrameEncoder + Clone,
    {
        if self.loan {
            self.run::<LoanType, _>(&framing, head);
        } else {
            self.run::<BorrowedType, _>(&framing, head);
        }
    }

    fn self_delimited(self, _: SelfDelimited, _: bool) {
        self.framed(LengthPrefixed::u8(), 1);
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
    let loan = sel & 8 == 0;
    let pick = input.setting;
    // The framing's own limit: the encoding's, or larger (the stream caps
    // it at the encoding's) or smaller.
    let max = [limit, MAX_LIMIT, 32, 3][usize::from(sel >> 4 & 3)];
    let fixed = [1, 4, 9, 24][usize::from(sel >> 6)];
    if sel & 4 == 0 {
        let check = Check {
            encoding: net_config(0).with_limit(limit),
            loan,
            input: &input,
        };
        framings::pick(pick, max, fixed, false, check);
    } else {
        let check = Check {
            encoding: ascii_config(0).with_limit(limit),
            loan,
            input: &input,
        };
        framings::pick(pick, max, fixed, true, check);
    }
});
