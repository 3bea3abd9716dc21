//! The framing targets' driver: the same bytes decoded at once and fed in
//! the fuzzer's chunks must give the same frames and the same end.

use arbitrary::{Arbitrary, Unstructured};
use bytes::{Bytes, BytesMut};
use netwire::frame::{FrameDecoder, FrameEncoder};
use netwire::{Error, ErrorKind};

/// One framing target's input: settings for the strategy, a chunk
/// schedule and the bytes.
#[derive(Debug)]
pub struct Input {
    /// Strategy settings, read by each target in its own way.
    pub setting: u16,
    /// Chunk sizes, used in turn (0: call `decode` again with nothing new).
    pub chunks: Vec<u16>,
    /// The stream.
    pub data: Vec<u8>,
}

impl Input {
    /// Reads the settings (2 bytes, little-endian) and the chunk schedule
    /// (`arbitrary`'s `Vec<u16>`: a byte with its low bit set before each
    /// element, one without after the last); the rest of `bytes` is the
    /// stream, unchanged.
    pub fn parse(bytes: &[u8]) -> Option<Input> {
        let mut u = Unstructured::new(bytes);
        let setting = u16::arbitrary(&mut u).ok()?;
        let chunks = Vec::<u16>::arbitrary(&mut u).ok()?;
        let data = u.take_rest().to_vec();
        Some(Input {
            setting,
            chunks,
            data,
        })
    }
}

/// What decoding a stream gave.
#[derive(Debug)]
pub struct Outcome {
    /// The frames, in order.
    pub frames: Vec<Bytes>,
    /// Where each frame ends in the stream.
    pub ends: Vec<usize>,
    /// How decoding ended: cleanly at the end of input, or an error.
    pub end: Result<(), Error>,
}

/// A frame limit from two bits of a setting: large, medium, tiny, zero.
pub fn max_len(bits: u16, medium: usize) -> usize {
    [crate::MAX_LIMIT, medium, 3, 0][usize::from(bits & 3)]
}

/// Decodes frames off `src` until the decoder needs more bytes, checking
/// that every frame consumes input. `base` is the stream offset of `src`.
fn drain<D: FrameDecoder>(
    dec: &mut D,
    src: &mut BytesMut,
    base: &mut usize,
    out: &mut Outcome,
    eof: bool,
) -> Result<(), Error> {
    loop {
        let before = src.len();
        let frame = if eof {
            dec.decode_eof(src)?
        } else {
            dec.decode(src)?
        };
        let Some(frame) = frame else {
            return Ok(());
        };
        let used = before
            .checked_sub(src.len())
            .expect("decode grew its input");
        assert!(used > 0, "a frame consumed no input: {frame:?}");
        assert!(
            frame.len() <= used,
            "a frame holds more bytes than it consumed"
        );
        *base += used;
        out.frames.push(frame);
        out.ends.push(*base);
    }
}

/// Decodes `data` handed over at once, then ends the input.
pub fn whole<D: FrameDecoder>(mut dec: D, data: &[u8]) -> Outcome {
    chunked(&mut dec, data, &[usize::MAX])
}

/// Decodes `data` fed in the chunks of `schedule` (cycled), decoding after
/// every chunk, then ends the input.
pub fn chunked<D: FrameDecoder>(dec: &mut D, data: &[u8], schedule: &[usize]) -> Outcome {
    let mut out = Outcome {
        frames: Vec::new(),
        ends: Vec::new(),
        end: Ok(()),
    };
    let mut src = BytesMut::new();
    let mut base = 0;
    let mut rest = data;
    let mut empty_feeds = 0;
    let mut turn = 0;
    while !rest.is_empty() {
        let mut size = schedule
            .get(turn % schedule.len().max(1))
            .copied()
            .unwrap_or(1);
        turn += 1;
        if size == 0 {
            empty_feeds += 1;
            if empty_feeds > 64 {
                size = rest.len();
            }
        }
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        rest = tail;
        src.extend_from_slice(chunk);
        if let Err(e) = drain(dec, &mut src, &mut base, &mut out, false) {
            out.end = Err(e);
            return out;
        }
    }
    out.end = drain(dec, &mut src, &mut base, &mut out, true);
    if out.end.is_ok() {
        assert!(
            src.is_empty(),
            "decode_eof ended cleanly with {} bytes left",
            src.len()
        );
    }
    out
}

/// The same error, allowing a different `len` in `LengthOverLimit` for
/// strategies that report how many bytes had been buffered.
fn same_error(a: &Error, b: &Error) -> bool {
    let kinds = match (a.kind(), b.kind()) {
        (
            ErrorKind::LengthOverLimit { limit: la, .. },
            ErrorKind::LengthOverLimit { limit: lb, .. },
        ) => la == lb,
        (ka, kb) => ka == kb,
    };
    kinds && a.offset() == b.offset()
}

/// Runs `fresh` over `input` at once and chunked, and checks that both
/// give the same frames and end the same way. Returns the whole-input
/// outcome.
pub fn check<D: FrameDecoder + Clone>(fresh: &D, input: &Input) -> Outcome {
    let at_once = whole(fresh.clone(), &input.data);
    let mut dec = fresh.clone();
    let schedule: Vec<usize> = input.chunks.iter().map(|&c| usize::from(c)).collect();
    let pieces = chunked(&mut dec, &input.data, &schedule);
    assert_eq!(at_once.frames, pieces.frames, "chunking changed the frames");
    assert_eq!(
        at_once.ends, pieces.ends,
        "chunking changed the frame boundaries"
    );
    match (&at_once.end, &pieces.end) {
        (Ok(()), Ok(())) => {}
        (Err(a), Err(b)) if same_error(a, b) => {}
        (a, b) => panic!("chunking changed the end: at once {a:?}, chunked {b:?}"),
    }
    if let Err(e) = &at_once.end {
        assert!(
            e.offset().is_some(),
            "a framing error without an offset: {e:?}"
        );
    }
    at_once
}

/// Checks that encoding each decoded frame with `enc` gives back exactly
/// the bytes the frame was decoded from.
pub fn check_reencode<E: FrameEncoder + Clone>(fresh: &E, data: &[u8], outcome: &Outcome) {
    let mut start = 0;
    for (frame, &end) in outcome.frames.iter().zip(&outcome.ends) {
        let mut wire = BytesMut::new();
        let mut enc = fresh.clone();
        if let Err(e) = enc.encode(frame, &mut wire) {
            panic!("decoded frame {frame:?} does not encode again: {e:?}");
        }
        assert_eq!(
            &wire[..],
            &data[start..end],
            "frame {frame:?} encodes to other bytes than it came from"
        );
        start = end;
    }
}
